"""Scenes: a tab's whole state as a JSON document with a schema version.

A scene is ``{"app": "mlphys-gui", "schema": 1, "tab": NAME, "state": {...}}``. Each tab declares
the fields of its state as a mapping from key to a *field check* (below); :func:`parse_scene`
refuses anything that is not exactly such a document, with a message that names the offending
field. Presets, Save/Open scene and ``mlphys-gui export SCENE.json`` all go through here.
"""

import base64
import json
import math
import os
import re
import struct
import tempfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

APP_ID = "mlphys-gui"
SCHEMA_VERSION = 1
FIGURE_SUFFIXES = (".png", ".svg", ".pdf")

FieldCheck = Callable[[Any, str], Any]
"""Takes a raw JSON value and its dotted name; returns the clean value or raises SceneError."""


class SceneError(ValueError):
    """A scene document that cannot be used; the message says why."""


@dataclass(frozen=True)
class StateSpec:
    """A tab's scene fields with their checks, and an optional rule across fields
    (``check(state)`` raises SceneError, e.g. "x_low must be below x_high")."""

    fields: Mapping[str, FieldCheck]
    check: Callable[[dict[str, Any]], None] | None = field(default=None)


def _describe(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, float) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SceneError(f"{where}: expected a number, got {_describe(value)}")
    if not math.isfinite(value):
        raise SceneError(f"{where}: expected a finite number, got {_describe(value)}")
    return float(value)


def real(low: float = -math.inf, high: float = math.inf) -> FieldCheck:
    """A finite number in [low, high]."""

    def check(value: Any, where: str) -> float:
        number = _number(value, where)
        if not low <= number <= high:
            raise SceneError(f"{where}: {number:g} is outside [{low:g}, {high:g}]")
        return number

    return check


def integer(low: int, high: int) -> FieldCheck:
    """A whole number in [low, high]."""

    def check(value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SceneError(f"{where}: expected a whole number, got {_describe(value)}")
        if not low <= value <= high:
            raise SceneError(f"{where}: {value} is outside [{low}, {high}]")
        return value

    return check


def boolean() -> FieldCheck:
    def check(value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            raise SceneError(f"{where}: expected true or false, got {_describe(value)}")
        return value

    return check


def choice(options: tuple[str, ...]) -> FieldCheck:
    """One of a fixed set of strings."""

    def check(value: Any, where: str) -> str:
        if value not in options:
            raise SceneError(
                f"{where}: expected one of {', '.join(options)}; got {_describe(value)}"
            )
        return value

    return check


def matrix(rows: int, cols: int, entry: FieldCheck | None = None) -> FieldCheck:
    """A rows×cols nested list of numbers (each checked by ``entry``, default: any finite)."""
    entry = entry or real()

    def check(value: Any, where: str) -> list[list[float]]:
        shape_error = SceneError(f"{where}: expected a {rows}×{cols} list of lists of numbers")
        if not isinstance(value, list) or len(value) != rows:
            raise shape_error
        result = []
        for i, row in enumerate(value):
            if not isinstance(row, list) or len(row) != cols:
                raise shape_error
            result.append([entry(x, f"{where}[{i}][{j}]") for j, x in enumerate(row)])
        return result

    return check


def text(max_length: int) -> FieldCheck:
    """A string of at most ``max_length`` characters (e.g. a typed expression)."""

    def check(value: Any, where: str) -> str:
        if not isinstance(value, str) or len(value) > max_length:
            raise SceneError(f"{where}: expected a text of at most {max_length} characters")
        return value

    return check


def rows(columns: int, max_rows: int, entry: FieldCheck | None = None) -> FieldCheck:
    """A list of at most ``max_rows`` rows of ``columns`` numbers each (e.g. data points)."""
    entry = entry or real()

    def check(value: Any, where: str) -> list[list[float]]:
        if not isinstance(value, list) or len(value) > max_rows:
            raise SceneError(f"{where}: expected a list of at most {max_rows} rows")
        return matrix(len(value), columns, entry)(value, where) if value else []

    return check


def make_scene(tab: str, state: Mapping[str, Any]) -> dict[str, Any]:
    """The scene document for a tab's state."""
    return {"app": APP_ID, "schema": SCHEMA_VERSION, "tab": tab, "state": dict(state)}


def parse_scene(document: Any, specs: Mapping[str, StateSpec]) -> tuple[str, dict[str, Any]]:
    """Check a decoded scene against the tabs' field specs.

    Parameters
    ----------
    document : the decoded JSON.
    specs : for each known tab name, its StateSpec.

    Returns
    -------
    (tab, state) with every field present, known and of the right type.

    Raises
    ------
    SceneError naming the first problem found.
    """
    if not isinstance(document, dict):
        raise SceneError("not a scene: the file must hold a JSON object")
    if document.get("app") != APP_ID:
        raise SceneError(f'not a scene: "app" must be "{APP_ID}"')
    schema = document.get("schema")
    if schema != SCHEMA_VERSION:
        raise SceneError(
            f"scene schema version {_describe(schema)} is not supported "
            f"(this app reads {SCHEMA_VERSION})"
        )
    unknown_top = set(document) - {"app", "schema", "tab", "state", "title", "note"}
    if unknown_top:
        raise SceneError(f"unknown top-level key(s): {', '.join(sorted(unknown_top))}")
    for key in ("title", "note"):  # presets carry a title and a one-line teaching note
        if key in document:
            text(300)(document[key], key)
    tab = document.get("tab")
    if tab not in specs:
        raise SceneError(f"unknown tab {_describe(tab)} (this app has: {', '.join(specs)})")
    state = document.get("state")
    if not isinstance(state, dict):
        raise SceneError('"state" must be a JSON object')
    spec = specs[tab].fields
    missing = [key for key in spec if key not in state]
    if missing:
        raise SceneError(f"state is missing: {', '.join(missing)}")
    unknown = sorted(set(state) - set(spec))
    if unknown:
        raise SceneError(f"unknown state key(s) for tab {tab}: {', '.join(unknown)}")
    clean = {key: check(state[key], f"state.{key}") for key, check in spec.items()}
    if specs[tab].check is not None:
        specs[tab].check(clean)
    return tab, clean


# A figure carries its scene as base64 JSON between these markers: in a PNG text chunk, in the
# SVG's <metadata>, in the PDF's XMP metadata.
FIGURE_KEY = "mlphys-gui-scene"
_FIGURE_MARK = re.compile(rb"mlphys-gui-scene:([A-Za-z0-9+/=]+):end")


def figure_payload(tab: str, state: Mapping[str, Any]) -> str:
    """The scene of a figure as the ASCII text embedded in it."""
    data = json.dumps(make_scene(tab, state), ensure_ascii=False).encode("utf-8")
    return f"{FIGURE_KEY}:{base64.b64encode(data).decode('ascii')}:end"


def _png_texts(data: bytes) -> bytes:
    """The payloads of a PNG's text chunks (tEXt, and zTXt, which Qt writes for long texts),
    joined; the image data is not decoded."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise SceneError("not a PNG file")
    texts, position = [], 8
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        if kind == b"tEXt":
            texts.append(body)
        elif kind == b"zTXt":
            keyword, _, rest = body.partition(b"\0")
            try:
                texts.append(keyword + b"\0" + zlib.decompress(rest[1:], bufsize=1 << 16))
            except zlib.error:
                raise SceneError("the PNG's text chunk is damaged") from None
        if kind == b"IEND":
            break
        position += 12 + length
    return b"\n".join(texts)


def _scene_in_figure(path: Path, data: bytes) -> Any:
    """The scene document embedded in an exported PNG, SVG or PDF."""
    haystack = _png_texts(data) if path.suffix.lower() == ".png" else data
    found = _FIGURE_MARK.search(haystack)
    if found is None:
        raise SceneError(f"{path.name} carries no mlphys-gui scene (was it exported by the app?)")
    try:
        return json.loads(base64.b64decode(found.group(1), validate=True).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise SceneError(f"the scene inside {path.name} is damaged") from None


def read_scene_file(
    path: str | os.PathLike, specs: Mapping[str, StateSpec]
) -> tuple[str, dict[str, Any]]:
    """Read and check a scene: a .json file, or a figure the app exported (.png, .svg, .pdf).

    Every failure is a SceneError with a readable message.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SceneError(f"{path}: no such file") from None
    except OSError as error:
        raise SceneError(f"{path}: cannot be read ({error.strerror})") from None
    if path.suffix.lower() in FIGURE_SUFFIXES:
        return parse_scene(_scene_in_figure(path, data), specs)
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise SceneError(f"{path.name} is not a text file") from None
    except RecursionError:
        raise SceneError(f"{path.name} is nested too deeply to be a scene") from None
    except json.JSONDecodeError as error:
        raise SceneError(
            f"{path.name} is not valid JSON (line {error.lineno}: {error.msg})"
        ) from None
    return parse_scene(document, specs)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: never a half file.

    Raises OSError with a readable message when the folder is missing or not writable.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OSError(f"folder {folder} does not exist")
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as error:
        raise OSError(f"cannot write in {folder}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
        os.chmod(temp_name, 0o666 & ~_current_umask())
        os.replace(temp_name, path)
    except OSError as error:
        Path(temp_name).unlink(missing_ok=True)
        raise OSError(f"cannot write {path}: {error.strerror}") from None


def write_scene_file(path: str | os.PathLike, tab: str, state: Mapping[str, Any]) -> None:
    text = json.dumps(make_scene(tab, state), indent=2, ensure_ascii=False) + "\n"
    write_atomically(path, text.encode("utf-8"))
