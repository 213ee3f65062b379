"""Argument checks shared by the core modules: a bad value raises ValueError naming the
parameter and its allowed range (docs/architecture.md, "Adding a tab", step 1)."""

import math
import numbers


def range_text(lo: float, hi: float, lo_open: bool) -> str:
    """ "in [lo, hi]", "> lo", … as the error messages say it."""
    if lo == -math.inf and hi == math.inf:
        return "(any finite value)"
    if hi == math.inf:
        return f"{'>' if lo_open else '≥'} {lo:g}"
    return f"in {'(' if lo_open else '['}{lo:g}, {hi:g}]"


def real(
    value: object,
    name: str,
    *,
    lo: float = -math.inf,
    hi: float = math.inf,
    lo_open: bool = False,
    allowed: str | None = None,
) -> float:
    """A finite real number in [lo, hi] (or (lo, hi]), else ValueError naming ``name``;
    ``allowed`` replaces the range in the message."""
    rng = allowed or range_text(lo, hi, lo_open)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number {rng}, got {value!r}")
    x = float(value)
    if not (math.isfinite(x) and (x > lo if lo_open else x >= lo) and x <= hi):
        raise ValueError(f"{name} must be a finite number {rng}, got {value!r}")
    return x


def count(value: object, name: str, lo: int, hi: int) -> int:
    """An integer in [lo, hi] (bools refused), else ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer in [{lo}, {hi:g}], got {value!r}")
    k = int(value)
    if not lo <= k <= hi:
        raise ValueError(f"{name} must be an integer in [{lo}, {hi:g}], got {k}")
    return k


def seed(value: object) -> int:
    """A random seed: an integer ≥ 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 0:
        raise ValueError(f"seed must be an integer ≥ 0, got {value!r}")
    return int(value)
