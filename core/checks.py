"""Argument checks shared by the core modules: a bad value raises ValueError naming the
parameter and its allowed range (docs/architecture.md, "Adding a tab", step 1).

Numbers: :func:`real`, :func:`count`, :func:`seed`, :func:`interval`.  Arrays: :func:`array`
(real numbers of a given number of dimensions), :func:`grid` (strictly increasing points).
Callbacks: :func:`callback`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: Relative tolerance of :func:`grid` for "uniformly spaced".
UNIFORM_RTOL = 1e-6


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


def count(value: object, name: str, lo: int, hi: float = math.inf) -> int:
    """An integer in [lo, hi] (bools refused; ``hi`` may be ∞), else ValueError naming ``name``."""
    rng = f"≥ {lo}" if hi == math.inf else f"in [{lo}, {hi:g}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer {rng}, got {value!r}")
    k = int(value)
    if not lo <= k <= hi:
        raise ValueError(f"{name} must be an integer {rng}, got {k}")
    return k


def seed(value: object) -> int:
    """A random seed: an integer ≥ 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 0:
        raise ValueError(f"seed must be an integer ≥ 0, got {value!r}")
    return int(value)


def interval(value: object, name: str) -> tuple[float, float]:
    """A pair (lo, hi) of finite real numbers with lo < hi, else ValueError naming ``name``."""
    allowed = f"{name} must be a pair (lo, hi) of finite numbers with lo < hi, got {value!r}"
    try:
        lo, hi = value  # type: ignore[misc]
    except (TypeError, ValueError) as exc:
        raise ValueError(allowed) from exc
    for end in (lo, hi):
        if isinstance(end, bool) or not isinstance(end, numbers.Real) or not math.isfinite(end):
            raise ValueError(allowed)
    if not lo < hi:
        raise ValueError(f"{name} must satisfy lo < hi, got ({lo:g}, {hi:g})")
    return float(lo), float(hi)


def array(
    value: object,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    finite: bool = True,
    min_size: int = 0,
    copy: bool = True,
) -> NDArray[np.float64]:
    """``value`` as a float64 array of real numbers, else ValueError naming ``name``.

    Refused: what is not a rectangular array of real numbers (ragged lists, strings, complex
    numbers, None); with ``finite`` (the default) NaN and ±inf; a number of dimensions other
    than ``ndim`` (one of them, when a tuple); fewer than ``min_size`` entries.  The result is
    a new array unless ``copy`` is False and ``value`` already is a float64 array.
    """
    what = "finite real numbers" if finite else "real numbers"
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:  # ragged nested lists, unconvertible objects
        raise ValueError(f"{name} must be a rectangular array of {what} ({exc})") from exc
    if arr.dtype.kind == "O":
        if not all(isinstance(v, numbers.Real) for v in arr.flat):
            raise ValueError(f"{name}: entries must be {what}, got non-numeric entries")
    elif arr.dtype.kind not in "biuf":
        raise ValueError(f"{name}: entries must be {what}, got dtype {arr.dtype}")
    try:
        out = np.array(arr, dtype=np.float64) if copy else np.asarray(arr, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as exc:  # e.g. an integer beyond float64
        raise ValueError(f"{name}: entries must be {what} ({exc})") from exc
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if out.ndim not in allowed:
            dims = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {dims}, got shape {out.shape}")
    if out.size < min_size:
        least = "be non-empty" if min_size == 1 else f"have at least {min_size} entries"
        raise ValueError(f"{name} must {least}, got shape {out.shape}")
    if finite and not np.all(np.isfinite(out)):
        raise ValueError(f"{name}: entries must be finite numbers (found NaN or inf)")
    return out


def grid(
    value: object, name: str, *, min_points: int = 2, uniform: bool = False
) -> NDArray[np.float64]:
    """A 1-D array of at least ``min_points`` finite, strictly increasing points (with
    ``uniform``, equally spaced to a relative tolerance of :data:`UNIFORM_RTOL`), else
    ValueError naming ``name``.  The result is a new array."""
    points = array(value, name, ndim=1)
    if points.size < min_points:
        raise ValueError(
            f"{name} must be a 1-D grid of at least {min_points} points, got shape {points.shape}"
        )
    steps = np.diff(points)
    if not np.all(steps > 0):
        raise ValueError(f"{name}: grid points must be strictly increasing")
    if uniform:
        h = (points[-1] - points[0]) / (points.size - 1)
        if np.max(np.abs(steps - h)) > UNIFORM_RTOL * h:
            raise ValueError(
                f"{name} must be uniformly spaced (relative tolerance {UNIFORM_RTOL:g})"
            )
    return points


def callback(value: object, name: str) -> Callable[..., Any] | None:
    """A callable or None (a progress report or a cancel flag), else ValueError naming ``name``."""
    if value is not None and not callable(value):
        raise ValueError(f"{name} must be callable or None, got {value!r}")
    return value
