"""Declared state: every parameter of a tab is declared once (docs/architecture.md).

A tab declares its parameters as a :class:`Schema`: for each key a :class:`Param` with its
default, type, range, scale, label, unit, tooltip and the notes' equation, and the
:class:`Rule` s that tie several fields together. Everything else derives from that one
declaration: the defaults, the scene's fields and their checks, the JSON, the widgets and their
binding (``mlphys_gui/widgets/bound.py``), undo and autosave. Run progress (Langevin's time) is
declared apart, in ``Schema.progress``: it is saved in scenes but is not a parameter.

A :class:`StateModel` holds one tab's current values. Every change goes through
:meth:`StateModel.update`, is checked field by field and against every rule, and is announced
once to the observers as a :class:`Change` carrying what changed, before and after. The idea is
that of napari's evented models and glue's callback properties (a state object that announces
its changes, validators across fields, one notification for a batch of changes), written small.

Values are kept immutable: tables and matrices as read-only numpy arrays, everything else as
plain Python scalars and strings; ``to_json`` turns them back into JSON values.

No Qt here: the model is plain Python and tested without a display.
"""

from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

SEED_RANGE = (0, 2**31 - 1)


class InvalidValueError(ValueError):
    """A value or a combination of values the declaration refuses.

    ``key`` is the field whose control should show the message (for a rule: the edited field,
    or the rule's first field).
    """

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def _describe(value: Any) -> str:
    text = repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        text = f'"{value}"'
    return text if len(text) <= 40 else text[:37] + "..."


def _finite_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"expected a number, got {_describe(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {_describe(value)}")
    return number


# ---------------------------------------------------------------------------------- parameters
@dataclass(frozen=True, kw_only=True)
class Param(ABC):
    """One declared parameter. Subclasses say what values it takes.

    ``label`` names it on screen and in Edit → Undo ("Undo σ = 0.8"); ``tooltip`` explains it
    and ``equation`` says where the notes define it (shown in the tooltip); ``unit`` is shown
    beside its value. ``shown_when(values)`` / ``enabled_when(values)``: when its control is
    shown / enabled (a spring constant only for the harmonic well; λ not while ridgeless).
    ``tooltip_when(values)``, if given, replaces ``tooltip`` when what the control does depends
    on other fields (the σ slider with per-point σᵢ from a data file). ``added_later``: a field
    that scenes written before it existed do not have; such a scene takes its default.
    """

    default: Any
    label: str
    tooltip: str = ""
    equation: str = ""
    unit: str = ""
    shown_when: Callable[[Mapping[str, Any]], bool] | None = None
    enabled_when: Callable[[Mapping[str, Any]], bool] | None = None
    tooltip_when: Callable[[Mapping[str, Any]], str] | None = None
    added_later: bool = False

    @abstractmethod
    def check(self, value: Any) -> Any:
        """The clean value for ``value`` (JSON, or what a widget gives), or ValueError."""

    def to_json(self, value: Any) -> Any:
        """The JSON value of a clean value."""
        return value

    def same(self, a: Any, b: Any) -> bool:
        return a == b

    def format(self, value: Any) -> str:
        """The value as the user reads it (undo text, messages)."""
        return f"{value}{(' ' + self.unit) if self.unit else ''}"

    def help(self, values: Mapping[str, Any] | None = None) -> str:
        """The tooltip of its control: the explanation (for ``values``, when it depends on
        them) and where the notes define it."""
        text = self.tooltip
        if self.tooltip_when is not None and values is not None:
            text = self.tooltip_when(values)
        where = f"Notes: {self.equation}" if self.equation else ""
        return "\n".join(part for part in (text, where) if part)

    def alternatives(self) -> list[Any]:
        """Other valid values than the default, in JSON form (tests and the fuzz use them)."""
        return []

    def relevant(self, values: Mapping[str, Any]) -> bool:
        """Whether its control is shown and enabled for these values."""
        return all(test(values) for test in (self.shown_when, self.enabled_when) if test)


@dataclass(frozen=True, kw_only=True)
class Real(Param):
    """A finite number in [low, high], on a linear or logarithmic slider."""

    low: float
    high: float
    log: bool = False
    steps: int = 1000
    digits: int = 4

    def __post_init__(self) -> None:
        if self.log and self.low <= 0:
            raise ValueError(f"{self.label}: a logarithmic scale needs low > 0")
        self.check(self.default)

    def check(self, value: Any) -> float:
        number = _finite_number(value)
        if not self.low <= number <= self.high:
            raise ValueError(f"{number:g} is outside [{self.low:g}, {self.high:g}]")
        return number

    def format(self, value: Any) -> str:
        return f"{value:.{self.digits}g}{(' ' + self.unit) if self.unit else ''}"

    def alternatives(self) -> list[float]:
        if self.log:
            ratio = self.high / self.low
            values = [self.low * ratio**f for f in (0.3, 0.7)]
        else:
            values = [self.low + f * (self.high - self.low) for f in (0.3, 0.7)]
        rounded = [float(f"{v:.3g}") for v in values]
        return [v for v in rounded if v != self.default and self.low <= v <= self.high]


@dataclass(frozen=True, kw_only=True)
class Integer(Param):
    """A whole number in [low, high]: a slider (linear or log), or a spin box (``spin``)."""

    low: int
    high: int
    log: bool = False
    spin: bool = False

    def __post_init__(self) -> None:
        self.check(self.default)

    def check(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # a slider's position, or 3.0 from a spreadsheet
            else:
                raise ValueError(f"expected a whole number, got {_describe(value)}")
        value = int(value)
        if not self.low <= value <= self.high:
            raise ValueError(f"{value} is outside [{self.low}, {self.high}]")
        return value

    @property
    def digits(self) -> int:
        return len(str(self.high))

    def alternatives(self) -> list[int]:
        if self.log:
            values = {round(self.low * (self.high / self.low) ** f) for f in (0.3, 0.7)}
        else:
            values = {round(self.low + f * (self.high - self.low)) for f in (0.3, 0.7)}
        values |= {self.low, self.high}
        return sorted(v for v in values if v != self.default)


def Seed(default: int = 0) -> Integer:  # noqa: N802  (a declaration that reads like a type)
    """The random seed of a tab: same seed, same numbers."""
    low, high = SEED_RANGE
    return Integer(
        default=default,
        label="seed",
        low=low,
        high=high,
        spin=True,
        tooltip="Same seed, same random numbers: the picture can be made again exactly",
    )


@dataclass(frozen=True, kw_only=True)
class Choice(Param):
    """One of a fixed set of keys; ``options`` maps each key to its label."""

    options: Mapping[str, str]

    def __post_init__(self) -> None:
        self.check(self.default)

    def check(self, value: Any) -> str:
        if not isinstance(value, str) or value not in self.options:
            raise ValueError(f"expected one of {', '.join(self.options)}; got {_describe(value)}")
        return value

    def format(self, value: Any) -> str:
        return self.options[value]

    def alternatives(self) -> list[str]:
        return [key for key in self.options if key != self.default]


@dataclass(frozen=True, kw_only=True)
class Flag(Param):
    """On or off (a check box)."""

    def check(self, value: Any) -> bool:
        if not isinstance(value, bool | np.bool_):
            raise ValueError(f"expected true or false, got {_describe(value)}")
        return bool(value)

    def format(self, value: Any) -> str:
        return "on" if value else "off"

    def alternatives(self) -> list[bool]:
        return [not self.default]


@dataclass(frozen=True, kw_only=True)
class Text(Param):
    """A typed text of at most ``max_length`` characters (a formula, a file name). ``examples``
    are valid texts other than the default: the placeholder's hint, and what tests type.
    ``pattern``, if given, is a regular expression the whole text must match; ``pattern_help``
    says in words what it allows."""

    max_length: int
    examples: tuple[str, ...] = ()
    pattern: str | None = None
    pattern_help: str = ""

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"expected a text, got {_describe(value)}")
        if len(value) > self.max_length:
            raise ValueError(f"longer than {self.max_length} characters")
        if self.pattern is not None and re.fullmatch(self.pattern, value) is None:
            raise ValueError(f"expected {self.pattern_help or 'another text'}")
        return value

    def format(self, value: Any) -> str:
        return _describe(value)

    def alternatives(self) -> list[str]:
        return list(self.examples)


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


@dataclass(frozen=True, kw_only=True)
class Matrix(Param):
    """A rows × cols matrix of numbers in [low, high], kept as a read-only array."""

    rows: int
    cols: int
    low: float
    high: float
    digits: int = 4

    def check(self, value: Any) -> np.ndarray:
        shape_error = ValueError(f"expected a {self.rows}×{self.cols} list of lists of numbers")
        if isinstance(value, np.ndarray):
            value = value.tolist()
        if not isinstance(value, list | tuple) or len(value) != self.rows:
            raise shape_error
        clean = np.empty((self.rows, self.cols))
        for i, row in enumerate(value):
            if not isinstance(row, list | tuple) or len(row) != self.cols:
                raise shape_error
            for j, entry in enumerate(row):
                try:
                    clean[i, j] = _finite_number(entry)
                except ValueError as error:
                    raise ValueError(f"[{i}][{j}]: {error}") from None
                if not self.low <= clean[i, j] <= self.high:
                    raise ValueError(
                        f"[{i}][{j}]: {clean[i, j]:g} is outside [{self.low:g}, {self.high:g}]"
                    )
        return _frozen(clean)

    def to_json(self, value: np.ndarray) -> list[list[float]]:
        return value.tolist()

    def same(self, a: np.ndarray, b: np.ndarray) -> bool:
        return np.array_equal(a, b)

    def format(self, value: np.ndarray) -> str:
        rows = "; ".join(", ".join(f"{x:.{self.digits}g}" for x in row) for row in value)
        return f"[{rows}]"

    def alternatives(self) -> list[list[list[float]]]:
        default = np.asarray(self.default, dtype=float)
        return [np.clip(default.T * 1.5 + 0.25, self.low, self.high).tolist()]


@dataclass(frozen=True)
class Column:
    """One column of a :class:`Table`: its name (shown in messages), allowed range, and
    whether it holds whole numbers only (a size, an index)."""

    name: str
    low: float = -math.inf
    high: float = math.inf
    integer: bool = False


@dataclass(frozen=True, kw_only=True)
class Table(Param):
    """Rows of numbers, one :class:`Column` each (data points, mixture components), kept as a
    read-only (rows × columns) array. ``example`` is a valid table other than the default."""

    columns: tuple[Column, ...]
    max_rows: int
    min_rows: int = 0
    example: tuple[tuple[float, ...], ...] = ()
    noun: str = "row"

    def check(self, value: Any) -> np.ndarray:
        width = len(self.columns)
        if isinstance(value, np.ndarray):
            if value.ndim != 2 or (value.size and value.shape[1] != width):
                raise ValueError(f"expected rows of {width} numbers")
            if value.dtype == float and len(value) <= self.max_rows:
                self._check_ranges(value)
                return _frozen(value.copy()) if value.flags.writeable else value
            value = value.tolist()
        if not isinstance(value, list | tuple) or len(value) > self.max_rows:
            raise ValueError(f"expected a list of at most {self.max_rows} rows")
        if len(value) < self.min_rows:
            raise ValueError(f"at least {self.min_rows} {self.noun} needed")
        clean = np.empty((len(value), width))
        for i, row in enumerate(value):
            if not isinstance(row, list | tuple) or len(row) != width:
                raise ValueError(f"{self.noun} {i + 1}: expected {width} numbers")
            for j, entry in enumerate(row):
                try:
                    clean[i, j] = _finite_number(entry)
                except ValueError as error:
                    raise ValueError(
                        f"{self.noun} {i + 1}, {self.columns[j].name}: {error}"
                    ) from None
        self._check_ranges(clean)
        return _frozen(clean)

    def _check_ranges(self, table: np.ndarray) -> None:
        if len(table) < self.min_rows:
            raise ValueError(f"at least {self.min_rows} {self.noun} needed")
        if not np.all(np.isfinite(table)):
            i, j = np.argwhere(~np.isfinite(table))[0]
            raise ValueError(f"{self.noun} {i + 1}, {self.columns[j].name}: not a finite number")
        for j, column in enumerate(self.columns):
            bad = np.flatnonzero((table[:, j] < column.low) | (table[:, j] > column.high))
            if bad.size:
                i = int(bad[0])
                raise ValueError(
                    f"{self.noun} {i + 1}, {column.name}: {table[i, j]:g} is outside "
                    f"[{column.low:g}, {column.high:g}]"
                )
            fractional = (
                np.flatnonzero(table[:, j] != np.round(table[:, j])) if column.integer else []
            )
            if len(fractional):
                i = int(fractional[0])
                raise ValueError(
                    f"{self.noun} {i + 1}, {column.name}: expected a whole number, "
                    f"got {table[i, j]:g}"
                )

    def to_json(self, value: np.ndarray) -> list[list[float]]:
        return value.tolist()

    def same(self, a: np.ndarray, b: np.ndarray) -> bool:
        return a.shape == b.shape and np.array_equal(a, b)

    def format(self, value: np.ndarray) -> str:
        return f"{len(value)} {self.noun}{'' if len(value) == 1 else 's'}"

    def alternatives(self) -> list[list[list[float]]]:
        return [[list(row) for row in self.example]] if self.example else []


# ---------------------------------------------------------------------------------- rules
Repair = Callable[[dict[str, Any], frozenset[str], Mapping[str, Any]], None]


@dataclass(frozen=True)
class Rule:
    """A rule across fields, shared by live editing and scene loading.

    ``check(values)`` returns why ``values`` break the rule, or None. ``repair(values, edited,
    previous)``, if given, first adjusts ``values`` in place after a live edit of the keys in
    ``edited`` (``previous``: the values before the edit); moving β_min past β_max carries
    β_max along. Scenes are only checked, never repaired.
    """

    keys: tuple[str, ...]
    check: Callable[[Mapping[str, Any]], str | None] | None = None
    repair: Repair | None = None

    def broken(self, values: Mapping[str, Any]) -> str | None:
        """Why ``values`` break the rule, or None."""
        return None if self.check is None else self.check(values)


# ---------------------------------------------------------------------------------- schema
@dataclass(frozen=True)
class Schema:
    """A tab's declaration: its parameters, rules and run progress (in scenes only)."""

    params: Mapping[str, Param]
    rules: tuple[Rule, ...] = ()
    progress: Mapping[str, Param] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for rule in self.rules:
            unknown = set(rule.keys) - set(self.params)
            if unknown:
                raise ValueError(f"rule names unknown fields: {', '.join(sorted(unknown))}")
        clean = {key: param.check(param.default) for key, param in self.params.items()}
        for rule in self.rules:
            if (why := rule.broken(clean)) is not None:
                raise ValueError(f"the defaults break a rule: {why}")

    def fields(self) -> dict[str, Param]:
        """Every field of a scene's state: the parameters, then the progress."""
        return {**self.params, **self.progress}

    def defaults(self) -> dict[str, Any]:
        """The default state as JSON values."""
        return {
            key: param.to_json(param.check(param.default)) for key, param in self.fields().items()
        }

    def check(self, state: Any) -> dict[str, Any]:
        """A scene's state checked: every field present (a field ``added_later`` may be
        missing: it takes its default), known, of its type and range, and every rule kept.
        Returns the state as JSON values; InvalidValueError names the field."""
        if not isinstance(state, dict):
            raise InvalidValueError("", '"state" must be a JSON object')
        fields = self.fields()
        state = {
            **{key: param.default for key, param in fields.items() if param.added_later},
            **state,
        }
        missing = [key for key in fields if key not in state]
        if missing:
            raise InvalidValueError(missing[0], f"state is missing: {', '.join(missing)}")
        unknown = sorted(set(state) - set(fields))
        if unknown:
            raise InvalidValueError(unknown[0], f"unknown state key(s): {', '.join(unknown)}")
        clean = {}
        for key, param in fields.items():
            try:
                clean[key] = param.check(state[key])
            except ValueError as error:
                raise InvalidValueError(key, f"state.{key}: {error}") from None
        for rule in self.rules:
            if (why := rule.broken(clean)) is not None:
                raise InvalidValueError(rule.keys[0], f"state.{'/'.join(rule.keys)}: {why}")
        return {key: fields[key].to_json(value) for key, value in clean.items()}

    def split(self, state: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """(parameters, progress) of a whole state."""
        params = {key: state[key] for key in self.params}
        progress = {key: state[key] for key in self.progress}
        return params, progress


# ---------------------------------------------------------------------------------- model
@dataclass(frozen=True)
class Change:
    """What one update changed: the changed keys' values before and after (clean values),
    where it came from (``origin``: "edit", "restore", "undo" or "redo") and how Edit → Undo
    names it."""

    before: Mapping[str, Any]
    after: Mapping[str, Any]
    origin: str
    label: str

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self.after)

    def touches(self, keys: Iterable[str]) -> bool:
        return not self.keys.isdisjoint(keys)


Observer = Callable[[Change], None]


class StateModel:
    """The current parameters of one tab, checked on every change; observers hear each change
    once, with everything it changed."""

    def __init__(self, schema: Schema):
        self.schema = schema
        self._values = {key: param.check(param.default) for key, param in schema.params.items()}
        self._observers: list[Observer] = []

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def snapshot(self) -> Mapping[str, Any]:
        """The current clean values, read-only."""
        return MappingProxyType(self._values)

    def values(self) -> dict[str, Any]:
        """The parameters as JSON values."""
        params = self.schema.params
        return {key: params[key].to_json(value) for key, value in self._values.items()}

    def subscribe(self, observer: Observer) -> None:
        self._observers.append(observer)

    def label_of(self, key: str) -> str:
        return self.schema.params[key].label

    def update(
        self, changes: Mapping[str, Any], origin: str = "edit", label: str | None = None
    ) -> Change | None:
        """Set several fields at once. Each value is checked; after a live edit the rules may
        repair the other fields; then every rule must hold. Returns the Change (None if
        nothing changed); InvalidValueError names the refused field and why."""
        params = self.schema.params
        candidate = dict(self._values)
        for key, value in changes.items():
            try:
                candidate[key] = params[key].check(value)
            except ValueError as error:
                raise InvalidValueError(key, f"{params[key].label}: {error}") from None
        edited = frozenset(changes)
        for rule in self.schema.rules:
            if origin == "edit" and rule.repair is not None and not edited.isdisjoint(rule.keys):
                rule.repair(candidate, edited, self._values)
        for key, value in candidate.items():  # what a repair wrote is checked like an edit
            if key not in edited and value is not self._values[key]:
                candidate[key] = params[key].check(value)
        for rule in self.schema.rules:
            if (why := rule.broken(candidate)) is not None:
                shown = next((key for key in rule.keys if key in edited), rule.keys[0])
                raise InvalidValueError(shown, why)
        return self._apply(candidate, origin, label, edited)

    def apply_checked(self, values: Mapping[str, Any], origin: str) -> Change | None:
        """Set clean values taken from an earlier Change (undo, redo): no checks again."""
        return self._apply({**self._values, **values}, origin, None, frozenset(values))

    def _apply(
        self, candidate: dict[str, Any], origin: str, label: str | None, edited: frozenset[str]
    ) -> Change | None:
        params = self.schema.params
        changed = [key for key in params if not params[key].same(candidate[key], self._values[key])]
        if not changed:
            return None
        first = sorted(changed, key=lambda key: (key not in edited, list(params).index(key)))
        change = Change(
            before={key: self._values[key] for key in first},
            after={key: candidate[key] for key in first},
            origin=origin,
            label=label or self.describe(first, candidate),
        )
        self._values = candidate
        for observer in list(self._observers):
            observer(change)
        return change

    def describe(self, keys: list[str], values: Mapping[str, Any]) -> str:
        """How Edit → Undo names a change: "σ = 0.8", or the first fields and how many more."""
        params = self.schema.params
        parts = [f"{params[key].label} = {params[key].format(values[key])}" for key in keys[:2]]
        more = len(keys) - 2
        return ", ".join(parts) + (f" and {more} more" if more > 0 else "")
