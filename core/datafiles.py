"""Tables of numbers that users bring: lab measurements and point clouds (issue 16).

A physics student's measurements come as a spreadsheet export or a text file: x, y and,
often, the error σ of each y (the σᵢ that eq. 4.14 weights by 1/σᵢ²). This module reads such
text into numbers, or refuses it with a message that names the line and the column, so that a
lecturer can fix the file. Pure Python and numpy: the app decides where the text comes from (a
file, the clipboard) and what to do with the numbers.

Accepted text
-------------
- UTF-8 (a byte-order mark is allowed); anything else is refused.
- One row per line; blank lines and lines starting with ``#`` are skipped.
- Separators: tab (TSV, and what a spreadsheet puts on the clipboard), semicolon, comma, or
  runs of spaces, decided once for the whole text: a tab anywhere in the first rows means tab,
  else a semicolon, else a comma, else spaces. Cells may be quoted as in CSV (``"1,5"``).
- A decimal comma is read as a decimal point where it cannot be a separator: between tabs or
  semicolons (``1,5;2,25;0,1``), or in a quoted cell (``"1,5","2,25"``); a text with commas and
  no tab or semicolon is comma-separated. Unicode minus signs (−) are read as ``-``; thousands
  separators are not read.
- The first row is a header when none of its cells is a number: ``x;y;σ``, ``t (s),U (V),dU``.
  A header may name its columns (see :func:`read_measurements`); otherwise columns are
  taken in order.
- Empty cells at the end of a row (``1;2;;``) are ignored; an empty cell inside a row is not.

Contents
--------
``decode_text(data, name)``
    Bytes as UTF-8 text, or :class:`DataFileError`.
``parse_table(text, name, min_columns, max_columns, max_rows)`` → :class:`NumberTable`
    Any table of finite numbers.
``read_measurements(source, name, max_rows, bounds)`` → :class:`Measurements`
    Columns x, y and an optional σ > 0.
``read_points(source, name, max_rows, bounds)`` → :class:`NumberTable`
    A point cloud: columns x (1-D) or x, y (2-D).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from core.checks import count as _count

__all__ = [
    "MAX_BYTES",
    "DataFileError",
    "Measurements",
    "NumberTable",
    "decode_text",
    "parse_table",
    "read_measurements",
    "read_points",
]

FloatArray = NDArray[np.float64]

#: Largest text read (bytes): far more than 10⁵ rows of three numbers.
MAX_BYTES = 16 * 2**20
#: How many rows the separator is decided from.
_SNIFF_ROWS = 20
#: A number as typed: sign, digits with an optional decimal point, optional exponent.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
#: The same with a decimal comma.
_DECIMAL_COMMA = re.compile(r"[+-]?(?:\d+,\d*|,\d+)(?:[eE][+-]?\d+)?")
_NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
_SEPARATOR_NAMES = {"\t": "tabs", ";": "semicolons", ",": "commas", " ": "spaces"}

#: Header names (lower case, without spaces, underscores, units in brackets) of each role.
_ROLE_NAMES = {
    "x": {"x"},
    "y": {"y"},
    "σ": {
        "σ", "σy", "σᵢ", "sigma", "sigmay", "dy", "δy", "err", "error", "yerr", "yerror", "erry",
        "uncertainty", "u", "uy", "sd", "std",
    },
}  # fmt: skip


class DataFileError(ValueError):
    """Text that cannot be read as the table asked for; the message says where and why."""


@dataclass(frozen=True, eq=False)
class NumberTable:
    """A table of finite numbers read from text.

    Attributes
    ----------
    values : ndarray (rows, columns), read-only
    lines : ndarray of int (rows,), read-only
        The line of the text each row came from (1-based), for messages.
    header : tuple of str, or None
        The header's cells as written, when the text has a header row.
    separator : str
        ``"\\t"``, ``";"``, ``","`` or ``" "`` (runs of spaces).
    decimal_comma : bool
        Whether a decimal comma was read somewhere.
    """

    values: FloatArray
    lines: NDArray[np.int64]
    header: tuple[str, ...] | None
    separator: str
    decimal_comma: bool

    def column_name(self, j: int) -> str:
        """The header's name of column j (0-based), or its number."""
        if self.header is not None and j < len(self.header) and self.header[j]:
            return self.header[j]
        return f"column {j + 1}"

    def describe(self) -> str:
        """How the text was read, in a few words ("24 rows, semicolons, decimal comma")."""
        rows = len(self.values)
        parts = [f"{rows} row{'s' if rows != 1 else ''}", _SEPARATOR_NAMES[self.separator]]
        if self.decimal_comma:
            parts.append("decimal comma")
        if self.header is not None:
            parts.append("header " + ", ".join(self.header))
        return ", ".join(parts)


@dataclass(frozen=True, eq=False)
class Measurements:
    """Lab data: inputs x, outputs y and, when the text has a σ column, each y's error σᵢ.

    Attributes
    ----------
    x, y : ndarray (n,), read-only
    sigma : ndarray (n,) with every σᵢ > 0, read-only, or None when there is no σ column
    table : NumberTable
        What was read (lines, separator, header), for messages.
    columns : tuple of str
        The names of the columns used for x, y (and σ), as the header wrote them.
    """

    x: FloatArray
    y: FloatArray
    sigma: FloatArray | None
    table: NumberTable
    columns: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.x)


def _readonly(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def decode_text(data: bytes, name: str = "the text") -> str:
    """``data`` as text: UTF-8, with or without a byte-order mark.

    Raises
    ------
    DataFileError
        For anything else (a Latin-1 or UTF-16 file, an image, a binary file), saying where
        the first byte that is not UTF-8 is; for NUL bytes (a binary file).
    """
    if not isinstance(data, bytes | bytearray):
        raise DataFileError(f"{name}: expected bytes, got {type(data).__name__}")
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        byte = data[error.start]
        raise DataFileError(
            f"{name} is not UTF-8 text (byte 0x{byte:02X} at position {error.start}); save it "
            f"as “CSV UTF-8” or plain UTF-8 text"
        ) from None
    if "\0" in text:
        raise DataFileError(f"{name} is not a text file (it holds NUL bytes)")
    return text


def _data_lines(text: str) -> list[tuple[int, str]]:
    """(line number, text) of every line that is not blank or a comment."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            rows.append((number, line))
    return rows


def _separator(lines: list[tuple[int, str]]) -> str:
    sample = [line for _, line in lines[:_SNIFF_ROWS]]
    for candidate in ("\t", ";", ","):
        if any(candidate in line for line in sample):
            return candidate
    return " "


def _cells(line: str, separator: str) -> list[str]:
    if separator == " ":
        cells = line.split()
    else:
        cells = [cell.strip() for cell in next(csv.reader([line], delimiter=separator))]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _number(cell: str) -> tuple[float | None, bool]:
    """(the number in ``cell``, whether it had a decimal comma); None if it is not one."""
    text = cell.strip().replace("−", "-")
    if _NUMBER.fullmatch(text):
        return float(text), False
    if _DECIMAL_COMMA.fullmatch(text):
        return float(text.replace(",", ".")), True
    return None, False


def _thousands(count: int) -> str:
    """10000 as "10 000"."""
    return f"{count:,}".replace(",", " ")


def _cell_error(cell: str) -> str:
    shown = cell if len(cell) <= 20 else cell[:17] + "..."
    if not cell:
        return "empty"
    if cell.strip().replace("−", "-").lower() in _NOT_FINITE:
        return f"'{shown}' is not a finite number"
    return f"'{shown}' is not a number"


def parse_table(
    text: str,
    name: str = "the text",
    *,
    min_columns: int = 1,
    max_columns: int | None = None,
    max_rows: int = 100_000,
) -> NumberTable:
    """Read a table of finite numbers from ``text`` (see the module docstring for the rules).

    Parameters
    ----------
    text : str
    name : str
        How messages name the text ("pendulum.csv", "the clipboard").
    min_columns, max_columns : int
        How many columns the table must have (``max_columns`` None: any number).
    max_rows : int
        At most this many data rows; more are refused before any is parsed.

    Returns
    -------
    NumberTable

    Raises
    ------
    DataFileError
        Naming the line (1-based, as an editor counts) and the column of the first problem:
        an empty text, no data rows, too many rows, too few or too many columns, a row of
        another width, a cell that is not a finite number.
    """
    if not isinstance(text, str):
        raise DataFileError(f"{name}: expected text, got {type(text).__name__}")
    min_columns = _count(min_columns, "min_columns", 1)
    max_rows = _count(max_rows, "max_rows", 1)
    if max_columns is not None:
        max_columns = _count(max_columns, "max_columns", min_columns)
    lines = _data_lines(text)
    if not lines:
        raise DataFileError(f"{name} is empty" if not text.strip() else f"{name} has no data rows")
    separator = _separator(lines)
    first_number, first_line = lines[0]
    first = _cells(first_line, separator)
    header = None
    if first and all(_number(cell)[0] is None for cell in first):
        header = tuple(first)
        lines = lines[1:]
        if not lines:
            raise DataFileError(f"{name} has a header (line {first_number}) but no data rows")
    if len(lines) > max_rows:
        raise DataFileError(
            f"{name} has {_thousands(len(lines))} data rows; at most {_thousands(max_rows)} can "
            f"be read (thin the data out first)"
        )
    width = len(header) if header is not None else len(_cells(lines[0][1], separator))
    wanted = (
        f"{min_columns}" if max_columns == min_columns else f"at least {min_columns}"
    ) + f" column{'s' if min_columns != 1 else ''}"
    if width < min_columns:
        where = f"line {(first_number if header else lines[0][0])}"
        raise DataFileError(
            f"{name}: too few columns ({where} has {width}; expected {wanted}, separated by "
            f"tabs, semicolons, commas or spaces)"
        )
    if max_columns is not None and width > max_columns and header is None:
        raise DataFileError(
            f"{name}: {width} columns in line {lines[0][0]}; expected at most {max_columns} "
            f"(or a header row naming the columns)"
        )
    values = np.empty((len(lines), width))
    numbers = np.empty(len(lines), dtype=np.int64)
    decimal_comma = False
    for i, (number, line) in enumerate(lines):
        cells = _cells(line, separator)
        if len(cells) != width:
            raise DataFileError(
                f"{name}, line {number}: {len(cells)} value{'s' if len(cells) != 1 else ''}, "
                f"expected {width} like the {'header' if header else 'first row'}"
            )
        for j, cell in enumerate(cells):
            value, comma = _number(cell)
            if value is None or not math.isfinite(value):
                column = f"column {j + 1}" + (f" ({header[j]})" if header and header[j] else "")
                why = _cell_error(cell) if value is None else f"'{cell}' is too large"
                raise DataFileError(f"{name}, line {number}, {column}: {why}")
            values[i, j] = value
            decimal_comma |= comma
        numbers[i] = number
    return NumberTable(_readonly(values), _readonly(numbers), header, separator, decimal_comma)


def _source_text(source: str | bytes, name: str) -> str:
    if isinstance(source, bytes | bytearray):
        if len(source) > MAX_BYTES:
            raise DataFileError(
                f"{name} is larger than {MAX_BYTES // 2**20} MB: too large for a table to import"
            )
        return decode_text(source, name)
    if isinstance(source, str):
        return source
    raise DataFileError(f"{name}: expected text or bytes, got {type(source).__name__}")


def _role(cell: str) -> str | None:
    """The role ("x", "y" or "σ") a header cell names, if any: units in brackets, spaces and
    underscores are ignored ("σ_y [V]" names σ)."""
    key = re.sub(r"[\(\[].*?[\)\]]", "", cell).strip().lower()
    key = re.sub(r"[\s_]", "", key)
    return next((role for role, names in _ROLE_NAMES.items() if key in names), None)


def _pick_columns(table: NumberTable, roles: tuple[str, ...], name: str, wanted: str) -> list[int]:
    """The columns for ``roles`` (the last one optional): in order when the table has at most
    that many, else those the header names (the first two roles must be named)."""
    width = table.values.shape[1]
    if width <= len(roles):
        return list(range(width))
    named: dict[str, int] = {}
    for j, cell in enumerate(table.header or ()):
        role = _role(cell)
        if role in roles and role not in named:
            named[role] = j
    if any(role not in named for role in roles[:2]):
        raise DataFileError(
            f"{name}: {width} columns; expected {wanted} (a header row naming the columns "
            f"{', '.join(roles)} picks them out of more)"
        )
    return [named[role] for role in roles if role in named]


def _check_bounds(
    table: NumberTable, columns: list[int], roles: tuple[str, ...], bounds, name: str
) -> None:
    for role, j in zip(roles, columns, strict=False):
        if role not in bounds:
            continue
        low, high = bounds[role]
        bad = np.flatnonzero((table.values[:, j] < low) | (table.values[:, j] > high))
        if bad.size:
            i = int(bad[0])
            raise DataFileError(
                f"{name}, line {table.lines[i]}, column {j + 1} ({role}): "
                f"{table.values[i, j]:g} is outside [{low:g}, {high:g}]"
            )


def read_measurements(
    source: str | bytes,
    name: str = "the text",
    *,
    max_rows: int = 10_000,
    bounds: Mapping[str, tuple[float, float]] | None = None,
) -> Measurements:
    """Lab measurements: columns x, y and an optional σ (each y's standard error).

    Two or three columns are taken in that order, whatever the header calls them. From more
    columns, a header row picks them by name: ``x``; ``y``; ``σ``, ``sigma``, ``dy``, ``err``,
    ``error``, ``yerr``, ``uncertainty`` … (case, spaces, underscores and units in brackets
    ignored); the other columns are left out.

    Parameters
    ----------
    source : str or bytes
        The text, or the bytes of a file (UTF-8, at most :data:`MAX_BYTES`).
    name : str
        How messages name the source.
    max_rows : int
        At most this many data rows (the posterior tab keeps at most 10 000 points).
    bounds : mapping, optional
        ``{"x": (lo, hi), "y": …, "σ": …}``: values outside are refused, naming the line.

    Returns
    -------
    Measurements

    Raises
    ------
    DataFileError
        As :func:`parse_table`, and for a σ that is not > 0 (naming its line).
    """
    table = parse_table(_source_text(source, name), name, min_columns=2, max_rows=max_rows)
    roles = ("x", "y", "σ")
    columns = _pick_columns(table, roles, name, "x, y and optionally σ")
    values = table.values
    sigma = None
    if len(columns) == 3:
        j = columns[2]
        sigma = values[:, j]
        bad = np.flatnonzero(~(sigma > 0))
        if bad.size:
            i = int(bad[0])
            raise DataFileError(
                f"{name}, line {table.lines[i]}, column {j + 1} (σ): σ must be > 0, "
                f"got {sigma[i]:g}"
            )
    _check_bounds(table, columns, roles, bounds or {}, name)
    used = tuple(
        table.column_name(j) if table.header else role
        for j, role in zip(columns, roles, strict=False)
    )
    return Measurements(
        x=_readonly(values[:, columns[0]].copy()),
        y=_readonly(values[:, columns[1]].copy()),
        sigma=None if sigma is None else _readonly(sigma.copy()),
        table=table,
        columns=used,
    )


def read_points(
    source: str | bytes,
    name: str = "the text",
    *,
    max_rows: int = 100_000,
    bounds: Mapping[str, tuple[float, float]] | None = None,
) -> NumberTable:
    """A point cloud: one column x (1-D points) or two, x and y (2-D points).

    From more columns, a header row naming ``x`` and ``y`` picks them; the others are left out.

    Returns
    -------
    NumberTable
        ``values`` of shape (n, 1) or (n, 2); its ``lines`` still name the text's lines.

    Raises
    ------
    DataFileError
        As :func:`parse_table`.
    """
    table = parse_table(_source_text(source, name), name, min_columns=1, max_rows=max_rows)
    roles = ("x", "y")
    columns = _pick_columns(table, roles, name, "x (1-D points) or x, y (2-D points)")
    _check_bounds(table, columns, roles, bounds or {}, name)
    header = None if table.header is None else tuple(table.header[j] for j in columns)
    return NumberTable(
        _readonly(table.values[:, columns].copy()),
        table.lines,
        header,
        table.separator,
        table.decimal_comma,
    )
