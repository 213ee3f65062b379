"""Langevin dynamics of many independent particles in a potential (notes §9.1–9.2).

Physics, with the corrections to the draft notes
------------------------------------------------
The notes' eq. 9.1 reads ``m Ẍ = −V(X) + ξ``; the force is minus the *gradient* of the
potential, and a thermal bath that kicks a particle also slows it down (friction), so the
equation simulated here is the Langevin equation

    m Ẍ = −∇V(X) − γ Ẋ + σ ξ(t),          ⟨ξ(t) ξ(t′)⟩ = δ(t − t′),

whose stationary state is the Boltzmann distribution ∝ exp(−(m v²/2 + V)/kT) with
**kT = σ²/(2γ)** (fluctuation–dissipation).  :class:`UnderdampedEnsemble` integrates it.

With strong friction (γ = 1 fixes the time unit) the velocity relaxes instantly and the
position obeys the **overdamped** Langevin equation, eq. 9.2 with drift μ = −V′ and constant
σ:

    dX = −V′(X) dt + σ dW,

simulated by :class:`Ensemble` (1-D) and :class:`Ensemble2D` (2-D).  Its density obeys the
Fokker–Planck equation (eq. 9.4 with μ = −V′) ``∂ₜp = ∂ₓ(V′p) + (σ²/2) ∂ₓ²p`` (see
:mod:`core.fokker_planck`), whose stationary density is :func:`boltzmann`,
``p∞ ∝ exp(−2V/σ²)``, i.e. kT = σ²/2.

Contents
--------
Potentials (frozen, with ``V``, ``dV``, ``d2V``, ``name``, ``description``)
    :func:`harmonic`, :func:`double_well`, :func:`tilted_double_well`,
    :func:`from_expression`; in 2-D (``V(xy)``, ``grad(xy)`` on arrays of shape (n, 2))
    :func:`double_well_2d` and :func:`from_expression_2d`.
Initial conditions
    a number, an array, :class:`Uniform` / :class:`Gaussian` (or the tuples
    ``("uniform", lo, hi)`` / ``("gaussian", mean, std)``); see :func:`initial_positions`.
Simulations
    :class:`Ensemble` (overdamped, Euler–Maruyama), :class:`Ensemble2D`,
    :class:`UnderdampedEnsemble` (BAOAB); all raise :class:`DivergenceError` when a step
    blows up, leaving the last finite state in place.
Analysis
    :func:`boltzmann`, :func:`boltzmann_2d`, :func:`effective_sigma`, :func:`summary`,
    :func:`kramers_rate` (histograms and distances between densities: :mod:`core.densities`;
    particles and p_t advanced together: :mod:`core.langevin_run`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core import chunks
from core.checks import array as _array
from core.checks import count as _count
from core.checks import grid as _grid
from core.checks import interval as _interval
from core.checks import real as _real
from core.checks import seed as _seed
from core.expressions import Expression, _Kernel, _kernel, parse_expression

__all__ = [
    "DEFAULT_BOUND",
    "DivergenceError",
    "DoubleWell",
    "DoubleWell2D",
    "Ensemble",
    "Ensemble2D",
    "EnsembleSummary",
    "ExpressionPotential",
    "ExpressionPotential2D",
    "Gaussian",
    "Harmonic",
    "Potential",
    "Potential2D",
    "Uniform",
    "UnderdampedEnsemble",
    "boltzmann",
    "boltzmann_2d",
    "double_well",
    "double_well_2d",
    "effective_sigma",
    "from_expression",
    "from_expression_2d",
    "harmonic",
    "initial_positions",
    "kramers_rate",
    "parse_initial_condition",
    "summary",
    "tilted_double_well",
]

FloatArray = NDArray[np.float64]

#: A step that takes any coordinate beyond ± this value counts as diverged.
DEFAULT_BOUND = 1e8
#: Reference grid on which :func:`from_expression` checks that V and V′ are finite.
REFERENCE_INTERVAL = (-3.0, 3.0)
MAX_PARTICLES = 10**8


# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------


def _readonly_view(arr: np.ndarray) -> np.ndarray:
    view = arr.view()
    view.flags.writeable = False
    return view


# --------------------------------------------------------------------------------------------
# potentials
# --------------------------------------------------------------------------------------------


@runtime_checkable
class Potential(Protocol):
    """A 1-D potential: what :class:`Ensemble` and :mod:`core.fokker_planck` need.

    ``V`` and ``dV`` are required; the built-in potentials also provide ``d2V`` (for the
    divergence hint and Kramers' rate) and in-place kernels ``dV_into(x, out)`` and
    ``drift_into(x, dt, out)`` (``out = x − dt·V′(x)``) that the simulations use when
    present.
    """

    name: str
    description: str

    def V(self, x: ArrayLike) -> FloatArray: ...

    def dV(self, x: ArrayLike) -> FloatArray: ...


@runtime_checkable
class Potential2D(Protocol):
    """A 2-D potential on points of shape (n, 2): ``V(xy)`` → (n,), ``grad(xy)`` → (n, 2)."""

    name: str
    description: str

    def V(self, xy: ArrayLike) -> FloatArray: ...

    def grad(self, xy: ArrayLike) -> FloatArray: ...


def _fmt(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Harmonic:
    """Harmonic well ``V(x) = k x²/2`` (the Ornstein–Uhlenbeck process under eq. 9.2).

    Attributes
    ----------
    k : float
        Spring constant, finite and ≥ 0 (0 is free diffusion).
    """

    k: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "k", _real(self.k, "k", lo=0.0))

    @property
    def name(self) -> str:
        return "harmonic"

    @property
    def description(self) -> str:
        return f"V(x) = {_fmt(self.k)}·x²/2"

    def V(self, x: ArrayLike) -> FloatArray:
        x = np.asarray(x, dtype=np.float64)
        return 0.5 * self.k * x * x

    def dV(self, x: ArrayLike) -> FloatArray:
        return self.k * np.asarray(x, dtype=np.float64)

    def d2V(self, x: ArrayLike) -> FloatArray:
        return np.full(np.shape(x), self.k)

    def dV_into(self, x: FloatArray, out: FloatArray) -> None:
        np.multiply(x, self.k, out=out)

    def drift_into(self, x: FloatArray, dt: float, out: FloatArray) -> None:
        np.multiply(x, 1.0 - dt * self.k, out=out)


@dataclass(frozen=True)
class DoubleWell:
    """Quartic double well ``V(x) = depth·(x² − 1)² + tilt·x``.

    Minima near x = ±1 (exactly ±1 when tilt = 0, with V″ = 8·depth there), barrier at
    x = 0 of height ``depth`` (V″(0) = −4·depth).

    Attributes
    ----------
    depth : float
        Barrier height, finite and ≥ 0.
    tilt : float
        Linear tilt (finite); positive tilts favour the left well.
    """

    depth: float = 1.0
    tilt: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "depth", _real(self.depth, "depth", lo=0.0))
        object.__setattr__(self, "tilt", _real(self.tilt, "tilt"))

    @property
    def name(self) -> str:
        return "tilted double well" if self.tilt else "double well"

    @property
    def description(self) -> str:
        text = f"V(x) = {_fmt(self.depth)}·(x² − 1)²"
        if self.tilt:
            text += f" {'+' if self.tilt > 0 else '−'} {_fmt(abs(self.tilt))}·x"
        return text

    def V(self, x: ArrayLike) -> FloatArray:
        x = np.asarray(x, dtype=np.float64)
        u = x * x - 1.0
        return self.depth * u * u + self.tilt * x

    def dV(self, x: ArrayLike) -> FloatArray:
        x = np.asarray(x, dtype=np.float64)
        return 4.0 * self.depth * x * (x * x - 1.0) + self.tilt

    def d2V(self, x: ArrayLike) -> FloatArray:
        x = np.asarray(x, dtype=np.float64)
        return self.depth * (12.0 * x * x - 4.0)

    def dV_into(self, x: FloatArray, out: FloatArray) -> None:
        np.multiply(x, x, out=out)
        np.subtract(out, 1.0, out=out)
        np.multiply(out, x, out=out)
        np.multiply(out, 4.0 * self.depth, out=out)
        if self.tilt:
            np.add(out, self.tilt, out=out)

    def drift_into(self, x: FloatArray, dt: float, out: FloatArray) -> None:
        # x − dt·(4d·x(x² − 1) + tilt) = x·((1 + 4d·dt) − 4d·dt·x²) − tilt·dt: 4 passes
        c = 4.0 * self.depth * dt
        np.multiply(x, x, out=out)
        np.multiply(out, -c, out=out)
        np.add(out, 1.0 + c, out=out)
        np.multiply(out, x, out=out)
        if self.tilt:
            np.subtract(out, self.tilt * dt, out=out)


@dataclass(frozen=True)
class ExpressionPotential:
    """A potential V(x) typed by the user, parsed safely by :mod:`core.expressions`.

    V′ and V″ are the exact symbolic derivatives.  Construction checks that V and V′ are
    finite on ``reference`` (a grid of 601 points), so that a formula such as ``log(x)`` or
    ``1/x`` is refused up front.

    Attributes
    ----------
    text : str
        The formula in ``x``, e.g. ``"x**4/4 - x**2/2"``.
    reference : tuple of float
        Interval (lo, hi), lo < hi, on which V must be finite; default (−3, 3).
    """

    text: str
    reference: tuple[float, float] = REFERENCE_INTERVAL
    _V: Expression = field(init=False, repr=False, compare=False)
    _dV: Expression = field(init=False, repr=False, compare=False)
    _d2V: Expression = field(init=False, repr=False, compare=False)
    _dV_kernel: _Kernel = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lo, hi = _interval(self.reference, "reference")
        object.__setattr__(self, "reference", (lo, hi))
        expr = parse_expression(self.text, ("x",))
        first = expr.derivative("x")
        object.__setattr__(self, "_V", expr)
        object.__setattr__(self, "_dV", first)
        object.__setattr__(self, "_d2V", first.derivative("x"))
        object.__setattr__(self, "_dV_kernel", _kernel(first))
        grid = np.linspace(lo, hi, 601)
        for label, e in (("V", expr), ("V′", first)):
            bad = ~np.isfinite(e(grid))
            if np.any(bad):
                x_bad = float(grid[np.argmax(bad)])
                raise ValueError(
                    f"text: {label}(x) of {self.text!r} is not finite at x = {x_bad:.3g} "
                    f"(checked on [{lo:g}, {hi:g}]); choose a potential defined everywhere "
                    f"there"
                )

    @property
    def name(self) -> str:
        return "expression"

    @property
    def description(self) -> str:
        return f"V(x) = {self._V.text}"

    @property
    def derivative_text(self) -> str:
        """The symbolic V′(x) as text."""
        return self._dV.text

    def V(self, x: ArrayLike) -> FloatArray:
        return self._V(x)

    def dV(self, x: ArrayLike) -> FloatArray:
        return self._dV(x)

    def d2V(self, x: ArrayLike) -> FloatArray:
        return self._d2V(x)

    def dV_into(self, x: FloatArray, out: FloatArray) -> None:
        """``out[...] = V′(x)``; for float64 arrays of one shape (the ensembles' chunks) the
        compiled V′ writes into ``out`` directly, without temporaries."""
        if _float_arrays(x, out) and x.shape == out.shape:
            self._dV_kernel.run((x,), (out,))
        else:
            out[...] = self._dV(x)


def _float_arrays(*arrays: object) -> bool:
    return all(isinstance(a, np.ndarray) and a.dtype == np.float64 for a in arrays)


def harmonic(k: float = 1.0) -> Harmonic:
    """Harmonic potential ``V = k x²/2``, k ≥ 0: the Ornstein–Uhlenbeck process (eq. 9.2)."""
    return Harmonic(k)


def double_well(depth: float = 1.0) -> DoubleWell:
    """Symmetric double well ``V = depth·(x² − 1)²``, depth ≥ 0 (barrier height)."""
    return DoubleWell(depth, 0.0)


def tilted_double_well(depth: float = 1.0, tilt: float = 0.0) -> DoubleWell:
    """Tilted double well ``V = depth·(x² − 1)² + tilt·x``."""
    return DoubleWell(depth, tilt)


def from_expression(
    text: str, reference: tuple[float, float] = REFERENCE_INTERVAL
) -> ExpressionPotential:
    """Potential from a formula in ``x`` such as ``"x**4/4 - x**2/2"`` (parsed, never eval).

    Raises
    ------
    ValueError
        If the text is refused by :func:`core.expressions.parse_expression`, or V or V′ is
        not finite somewhere on the reference interval (default [−3, 3]).
    """
    return ExpressionPotential(text, reference)


# 2-D potentials ------------------------------------------------------------------------------


def _points(xy: ArrayLike) -> FloatArray:
    arr = _array(xy, "xy", finite=False, copy=False)
    if arr.ndim < 1 or arr.shape[-1] != 2:
        raise ValueError(f"xy must have shape (n, 2), got {arr.shape}")
    return arr


@dataclass(frozen=True)
class DoubleWell2D:
    """``V(x, y) = depth·(x² − 1)² + tilt·x + ky·y²/2``: a double well in x, harmonic in y.

    Attributes
    ----------
    depth : float
        Barrier height in x, ≥ 0.
    ky : float
        Spring constant in y, ≥ 0.
    tilt : float
        Linear tilt in x.
    """

    depth: float = 1.0
    ky: float = 1.0
    tilt: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "depth", _real(self.depth, "depth", lo=0.0))
        object.__setattr__(self, "ky", _real(self.ky, "ky", lo=0.0))
        object.__setattr__(self, "tilt", _real(self.tilt, "tilt"))

    @property
    def name(self) -> str:
        return "double well 2-D"

    @property
    def description(self) -> str:
        text = f"V(x, y) = {_fmt(self.depth)}·(x² − 1)²"
        if self.tilt:
            text += f" {'+' if self.tilt > 0 else '−'} {_fmt(abs(self.tilt))}·x"
        return text + f" + {_fmt(self.ky)}·y²/2"

    def V(self, xy: ArrayLike) -> FloatArray:
        p = _points(xy)
        x, y = p[..., 0], p[..., 1]
        u = x * x - 1.0
        return self.depth * u * u + self.tilt * x + 0.5 * self.ky * y * y

    def V_xy(self, x: ArrayLike, y: ArrayLike) -> FloatArray:
        """V on broadcast coordinate arrays (e.g. a mesh for a contour plot)."""
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        u = x * x - 1.0
        return self.depth * u * u + self.tilt * x + 0.5 * self.ky * y * y

    def grad(self, xy: ArrayLike) -> FloatArray:
        p = _points(xy)
        out = np.empty(p.shape)
        self.grad_into(p, out)
        return out

    def hessian_bound(self, lo: FloatArray, hi: FloatArray) -> float:
        """Largest |second derivative| over the box [lo, hi] (for the divergence hint)."""
        xmax = max(abs(float(lo[0])), abs(float(hi[0])))
        return max(self.depth * max(12.0 * xmax * xmax - 4.0, 4.0), self.ky)

    def grad_into(self, xy: FloatArray, out: FloatArray) -> None:
        x = xy[:, 0]
        gx = out[:, 0]
        np.multiply(x, x, out=gx)
        np.subtract(gx, 1.0, out=gx)
        np.multiply(gx, x, out=gx)
        np.multiply(gx, 4.0 * self.depth, out=gx)
        if self.tilt:
            np.add(gx, self.tilt, out=gx)
        np.multiply(xy[:, 1], self.ky, out=out[:, 1])

    def drift_into(self, xy: FloatArray, dt: float, out: FloatArray) -> None:
        x, ox = xy[:, 0], out[:, 0]
        c = 4.0 * self.depth * dt
        np.multiply(x, x, out=ox)
        np.multiply(ox, -c, out=ox)
        np.add(ox, 1.0 + c, out=ox)
        np.multiply(ox, x, out=ox)
        if self.tilt:
            np.subtract(ox, self.tilt * dt, out=ox)
        np.multiply(xy[:, 1], 1.0 - dt * self.ky, out=out[:, 1])


@dataclass(frozen=True)
class ExpressionPotential2D:
    """A potential V(x, y) typed by the user; the gradient is exact (symbolic).

    Attributes
    ----------
    text : str
        Formula in ``x`` and ``y``, e.g. ``"(x**2 - 1)**2 + y**2/2"``.
    reference : tuple of float
        Interval (lo, hi); V and ∇V must be finite on the square [lo, hi]² (a 61×61 grid).
    """

    text: str
    reference: tuple[float, float] = REFERENCE_INTERVAL
    _V: Expression = field(init=False, repr=False, compare=False)
    _dx: Expression = field(init=False, repr=False, compare=False)
    _dy: Expression = field(init=False, repr=False, compare=False)
    _grad_kernel: _Kernel = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lo, hi = _interval(self.reference, "reference")
        object.__setattr__(self, "reference", (lo, hi))
        expr = parse_expression(self.text, ("x", "y"))
        object.__setattr__(self, "_V", expr)
        object.__setattr__(self, "_dx", expr.derivative("x"))
        object.__setattr__(self, "_dy", expr.derivative("y"))
        # both partial derivatives at once, their common subexpressions computed once
        object.__setattr__(self, "_grad_kernel", _kernel(self._dx, self._dy))
        g = np.linspace(lo, hi, 61)
        X, Y = np.meshgrid(g, g)
        for label, e in (("V", expr), ("∂V/∂x", self._dx), ("∂V/∂y", self._dy)):
            bad = ~np.isfinite(e(X, Y))
            if np.any(bad):
                i = int(np.argmax(bad))
                raise ValueError(
                    f"text: {label} of {self.text!r} is not finite at (x, y) = "
                    f"({X.flat[i]:.3g}, {Y.flat[i]:.3g}) (checked on [{lo:g}, {hi:g}]²)"
                )

    @property
    def name(self) -> str:
        return "expression 2-D"

    @property
    def description(self) -> str:
        return f"V(x, y) = {self._V.text}"

    def V(self, xy: ArrayLike) -> FloatArray:
        p = _points(xy)
        return self._V(p[..., 0], p[..., 1])

    def V_xy(self, x: ArrayLike, y: ArrayLike) -> FloatArray:
        """V on broadcast coordinate arrays (e.g. a mesh for a contour plot)."""
        return self._V(x, y)

    def grad(self, xy: ArrayLike) -> FloatArray:
        p = _points(xy)
        out = np.empty(p.shape)
        self._grad_kernel.run((p[..., 0], p[..., 1]), (out[..., 0], out[..., 1]))
        return out

    def grad_into(self, xy: FloatArray, out: FloatArray) -> None:
        """``out[...] = ∇V(xy)``; for float64 arrays of one shape (n, 2) (the ensembles'
        chunks) the compiled gradient writes into ``out`` directly."""
        if _float_arrays(xy, out) and xy.ndim == 2 and xy.shape == out.shape == (len(xy), 2):
            self._grad_kernel.run((xy[:, 0], xy[:, 1]), (out[:, 0], out[:, 1]))
        else:
            out[...] = self.grad(xy)


def double_well_2d(depth: float = 1.0, ky: float = 1.0, tilt: float = 0.0) -> DoubleWell2D:
    """``V(x, y) = depth·(x² − 1)² + tilt·x + ky·y²/2`` for :class:`Ensemble2D`."""
    return DoubleWell2D(depth, ky, tilt)


def from_expression_2d(
    text: str, reference: tuple[float, float] = REFERENCE_INTERVAL
) -> ExpressionPotential2D:
    """2-D potential from a formula in ``x`` and ``y`` (parsed safely, exact gradient)."""
    return ExpressionPotential2D(text, reference)


def _check_potential(potential: object, dim: int) -> None:
    need = ("V", "dV") if dim == 1 else ("V", "grad")
    missing = [m for m in need if not callable(getattr(potential, m, None))]
    if missing:
        kind = (
            "1-D potential with V(x) and dV(x)"
            if dim == 1
            else "2-D potential with V(xy) and grad(xy)"
        )
        raise ValueError(f"potential must be a {kind}; {potential!r} lacks {', '.join(missing)}")


def _curvature_1d(potential: Any, lo: float, hi: float) -> float:
    """max |V″| on [lo, hi] (symbolic V″ if available, else differences of V′)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return math.nan
    grid = np.linspace(lo, hi, 257) if hi > lo else np.array([lo])
    with np.errstate(all="ignore"):
        if callable(getattr(potential, "d2V", None)):
            c = np.abs(np.asarray(potential.d2V(grid), dtype=np.float64))
        else:
            h = 1e-4 * max(1.0, hi - lo)
            c = np.abs(
                (np.asarray(potential.dV(grid + h)) - np.asarray(potential.dV(grid - h))) / (2 * h)
            )
        c = c[np.isfinite(c)]
    return float(c.max()) if c.size else math.nan


def _curvature_2d(potential: Any, lo: FloatArray, hi: FloatArray) -> float:
    """Largest |second derivative| of V over the box [lo, hi] (estimated on a 33×33 grid)."""
    if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
        return math.nan
    if callable(getattr(potential, "hessian_bound", None)):
        return float(potential.hessian_bound(lo, hi))
    g = np.linspace(0.0, 1.0, 33)
    X, Y = np.meshgrid(lo[0] + g * (hi[0] - lo[0]), lo[1] + g * (hi[1] - lo[1]))
    pts = np.stack([X.ravel(), Y.ravel()], axis=-1)
    h = 1e-4 * max(1.0, float(np.max(hi - lo)))
    with np.errstate(all="ignore"):
        cx = (potential.grad(pts + [h, 0.0]) - potential.grad(pts - [h, 0.0])) / (2 * h)
        cy = (potential.grad(pts + [0.0, h]) - potential.grad(pts - [0.0, h])) / (2 * h)
        c = np.abs(np.concatenate([cx.ravel(), cy.ravel()]))
    c = c[np.isfinite(c)]
    return float(c.max()) if c.size else math.nan


# --------------------------------------------------------------------------------------------
# initial conditions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Uniform:
    """Initial positions uniform on [lo, hi] (in 2-D: on the square [lo, hi]²)."""

    lo: float
    hi: float

    def __post_init__(self) -> None:
        lo, hi = _real(self.lo, "lo"), _real(self.hi, "hi")
        if not lo <= hi:
            raise ValueError(f"Uniform: need lo ≤ hi, got lo = {lo:g}, hi = {hi:g}")
        object.__setattr__(self, "lo", lo)
        object.__setattr__(self, "hi", hi)


@dataclass(frozen=True)
class Gaussian:
    """Initial positions normal with the given mean and standard deviation (≥ 0).

    In 2-D the distribution is isotropic around (mean, mean), or around ``mean`` when a pair
    is given.
    """

    mean: float | tuple[float, float]
    std: float

    def __post_init__(self) -> None:
        if isinstance(self.mean, tuple | list):
            if len(self.mean) != 2:
                raise ValueError(f"Gaussian: mean must be a number or a pair, got {self.mean!r}")
            mean: Any = (_real(self.mean[0], "mean[0]"), _real(self.mean[1], "mean[1]"))
        else:
            mean = _real(self.mean, "mean")
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "std", _real(self.std, "std", lo=0.0))


InitialCondition = float | ArrayLike | Uniform | Gaussian | tuple


def parse_initial_condition(x0: object, name: str = "x0") -> object:
    """Turn the tuple shorthands ``("uniform", lo, hi)`` / ``("gaussian", mean, std)`` into
    :class:`Uniform` / :class:`Gaussian` (``"normal"`` is accepted for ``"gaussian"``; lists
    work too, as read from JSON).  Anything else is returned unchanged.

    Raises
    ------
    ValueError
        For an unknown distribution name, a wrong number of entries, or invalid values.
    """
    if isinstance(x0, tuple | list) and x0 and isinstance(x0[0], str):
        kind = x0[0].lower()
        if len(x0) != 3:
            raise ValueError(f"{name}: expected ({kind!r}, a, b), got {x0!r}")
        try:
            if kind == "uniform":
                return Uniform(x0[1], x0[2])
            if kind in ("gaussian", "normal"):
                mean = tuple(x0[1]) if isinstance(x0[1], tuple | list) else x0[1]
                return Gaussian(mean, x0[2])
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from exc
        raise ValueError(f"{name}: unknown distribution {x0[0]!r}; use 'uniform' or 'gaussian'")
    return x0


def initial_positions(
    x0: InitialCondition, n: int, rng: np.random.Generator, dim: int = 1, *, name: str = "x0"
) -> FloatArray:
    """Draw or copy n initial positions (shape (n,) for dim 1, (n, 2) for dim 2).

    Parameters
    ----------
    x0 : number, array, Uniform, Gaussian, or tuple
        - a number: every particle starts there (in 2-D, at (x0, x0));
        - in 2-D, a pair (x, y): every particle starts at that point;
        - an array of shape (n,) (1-D) or (n, 2) (2-D): the positions themselves (copied);
        - :class:`Uniform` ``(lo, hi)`` or the tuple ``("uniform", lo, hi)``;
        - :class:`Gaussian` ``(mean, std)`` or the tuple ``("gaussian", mean, std)``.
        Random draws come from ``rng`` (the ensemble's seeded generator).
    n : int
        Number of particles.
    rng : numpy.random.Generator
    dim : {1, 2}
    name : str, keyword-only
        Parameter name used in error messages (``"x0"``, ``"v0"``).

    Returns
    -------
    ndarray
        A new float64 array; all entries finite.
    """
    n = _count(n, "n", 0, MAX_PARTICLES)
    if isinstance(dim, bool) or dim not in (1, 2):
        raise ValueError(f"dim must be 1 or 2, got {dim!r}")
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    shape = (n,) if dim == 1 else (n, dim)
    spec = parse_initial_condition(x0, name)
    if isinstance(spec, Uniform):
        return rng.uniform(spec.lo, spec.hi, size=shape)
    if isinstance(spec, Gaussian):
        mean = np.asarray(spec.mean, dtype=np.float64)
        if dim == 1 and mean.ndim:
            raise ValueError(f"{name}: a 1-D Gaussian needs a scalar mean")
        return mean + spec.std * rng.standard_normal(shape)
    if isinstance(spec, numbers.Real) and not isinstance(spec, bool):
        value = _real(spec, name)
        return np.full(shape, value)
    try:
        arr = np.array(spec, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be a number, an array, Uniform/Gaussian or "
            f"('uniform', lo, hi) / ('gaussian', mean, std); got {x0!r}"
        ) from exc
    if dim == 2 and arr.shape == (2,):
        arr = np.broadcast_to(arr, shape).copy()
    if arr.shape != shape:
        raise ValueError(f"{name}: expected shape {shape}, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: initial values must be finite")
    return arr


def _initial_velocities(
    v0: object, n: int, rng: np.random.Generator, kT: float, mass: float
) -> FloatArray:
    if isinstance(v0, str):
        if v0 != "thermal":
            raise ValueError(f"v0 must be a number, an array or 'thermal', got {v0!r}")
        return math.sqrt(kT / mass) * rng.standard_normal(n)
    return initial_positions(v0, n, rng, 1, name="v0")  # same forms as positions


# --------------------------------------------------------------------------------------------
# divergence
# --------------------------------------------------------------------------------------------


class DivergenceError(ValueError):
    """A Langevin step produced a non-finite position or one beyond the bound.

    The ensemble keeps the last finite state; ``suggested_dt`` is a time step that would be
    stable for the curvature of V on the occupied range (nan if unknown).
    """

    def __init__(self, message: str, *, t: float, suggested_dt: float) -> None:
        super().__init__(message)
        self.t = t
        self.suggested_dt = suggested_dt


def _chunk_range(out: np.ndarray) -> tuple[float, float]:
    """(min, max) of a block; NaN if any entry is NaN.

    Two SIMD reductions over a block that is still in cache (BLAS ``dot`` would be one pass
    but spawns threads, which costs far more at this size).
    """
    return float(out.min()), float(out.max())


# --------------------------------------------------------------------------------------------
# overdamped ensembles
# --------------------------------------------------------------------------------------------


class _Overdamped:
    """Shared Euler–Maruyama machinery for :class:`Ensemble` and :class:`Ensemble2D`."""

    _dim = 1

    def __init__(
        self,
        potential: Any,
        n: int,
        sigma: float,
        dt: float,
        seed: int = 0,
        x0: InitialCondition = 0.0,
        *,
        bound: float = DEFAULT_BOUND,
    ) -> None:
        _check_potential(potential, self._dim)
        self._n = _count(n, "n", 0, MAX_PARTICLES)
        self._sigma = _real(sigma, "sigma", lo=0.0)
        self._dt = _real(dt, "dt", lo=0.0, lo_open=True)
        self._seed = _seed(seed)
        self._bound = _real(bound, "bound", lo=0.0, lo_open=True)
        self._rng = np.random.default_rng(self._seed)
        start = initial_positions(x0, self._n, self._rng, self._dim)
        if start.size and float(np.max(np.abs(start))) > self._bound:
            raise ValueError(f"x0: initial positions must lie within ±bound = {self._bound:g}")
        self._cur = np.ascontiguousarray(start)
        self._next = np.empty_like(self._cur)
        self._range = _chunk_range(start) if start.size else (0.0, 0.0)
        self._noise = np.empty_like(self._cur)
        self._streams = chunks.streams(self._seed, self._n)
        self._t = 0.0
        self._steps = 0
        self._diverged = False
        self._potential = potential
        self._drift = self._make_drift(potential)

    # parameters ------------------------------------------------------------------------------

    @property
    def potential(self) -> Any:
        return self._potential

    @property
    def n(self) -> int:
        return self._n

    @property
    def sigma(self) -> float:
        return self._sigma

    @property
    def dt(self) -> float:
        return self._dt

    @property
    def seed(self) -> int:
        return self._seed

    @property
    def bound(self) -> float:
        return self._bound

    @property
    def t(self) -> float:
        """Simulated time (number of successful steps times their dt)."""
        return self._t

    @property
    def steps(self) -> int:
        """Number of successful steps taken."""
        return self._steps

    @property
    def kT(self) -> float:
        """Temperature of the stationary state, kT = σ²/2 (p∞ ∝ exp(−V/kT))."""
        return 0.5 * self._sigma * self._sigma  # (σ**2 raises OverflowError for σ > 1e154)

    @property
    def diverged(self) -> bool:
        """True after a step raised :class:`DivergenceError`, until a step succeeds."""
        return self._diverged

    def set_potential(self, potential: Any) -> None:
        """Switch the potential; the particles continue from where they are."""
        _check_potential(potential, self._dim)
        self._potential = potential
        self._drift = self._make_drift(potential)

    def set_sigma(self, sigma: float) -> None:
        """Change the noise amplitude σ ≥ 0, continuing from the current state."""
        self._sigma = _real(sigma, "sigma", lo=0.0)

    def set_dt(self, dt: float) -> None:
        """Change the time step dt > 0, continuing from the current state."""
        self._dt = _real(dt, "dt", lo=0.0, lo_open=True)

    # stepping --------------------------------------------------------------------------------

    def _make_drift(self, potential: Any) -> Callable[[FloatArray, float, FloatArray], None]:
        kernel = getattr(potential, "drift_into", None)
        if callable(kernel):
            return kernel
        grad_into = getattr(potential, "dV_into" if self._dim == 1 else "grad_into", None)
        grad = potential.dV if self._dim == 1 else potential.grad

        def drift(x: FloatArray, dt: float, out: FloatArray) -> None:
            if callable(grad_into):
                grad_into(x, out)
            else:
                out[...] = grad(x)
            np.multiply(out, -dt, out=out)
            np.add(out, x, out=out)

        return drift

    def step(self, k: int = 1) -> None:
        """Advance k Euler–Maruyama steps of ``dX = −∇V(X) dt + σ dW`` (eq. 9.2, μ = −∇V).

        ``X ← X − ∇V(X)·dt + σ·√dt·ξ`` with ξ standard normal, every particle
        independently; no arrays are allocated per step.  With σ = 0 no random numbers are
        drawn (deterministic gradient flow, eq. 9.6 with μ = −∇V).

        Raises
        ------
        DivergenceError
            If a step makes any coordinate non-finite or larger than ``bound`` in absolute
            value.  The positions stay at the last finite state (the steps before it are
            kept and counted in ``t``); the message suggests a smaller dt.
        ValueError
            If k is not an integer ≥ 0.
        """
        k = _count(k, "k", 0, 10**9)
        if self._n == 0:
            self._t += k * self._dt
            self._steps += k
            return
        dt = self._dt
        scale = self._sigma * math.sqrt(dt)
        drift, streams, noise = self._drift, self._streams, self._noise
        start_range = self._range

        def advance(j: int, a: int, b: int) -> tuple[float, float]:
            out = self._next[a:b]
            drift(self._cur[a:b], dt, out)
            if scale:
                z = noise[a:b]
                streams[j].standard_normal(out=z)
                np.multiply(z, scale, out=z)
                np.add(out, z, out=out)
            return _chunk_range(out)

        for i in range(k):
            ranges = chunks.run(advance, self._n)
            if not self._within_bound(ranges):
                self._diverged = True
                raise self._divergence(i, k, start_range)
            self._cur, self._next = self._next, self._cur
            self._diverged = False
            self._range = (min(lo for lo, _ in ranges), max(hi for _, hi in ranges))
            self._t += dt
            self._steps += 1

    def _within_bound(self, ranges: list[tuple[float, float]]) -> bool:
        """Whether every chunk's (min, max) lies in [−bound, bound] (False for NaN)."""
        bound = self._bound
        return all(lo >= -bound and hi <= bound for lo, hi in ranges)

    def _divergence(self, i: int, k: int, start_range: tuple[float, float]) -> DivergenceError:
        lo, hi = start_range
        if self._dim == 1:
            curv = _curvature_1d(self._potential, lo, hi)
            where = f"[{lo:.3g}, {hi:.3g}]"
        else:
            curv = _curvature_2d(self._potential, np.array([lo, lo]), np.array([hi, hi]))
            where = f"[{lo:.3g}, {hi:.3g}]²"
        suggested = 1.0 / curv if curv > 0 else math.nan
        hint = (
            f"max |V″| ≈ {curv:.3g} on the range {where} occupied before this call, "
            f"so try dt < {suggested:.3g}"
            if math.isfinite(suggested)
            else "try a smaller dt"
        )
        message = (
            f"Langevin simulation diverged at t = {self._t:.6g} (step {i + 1} of {k}): a "
            f"particle became non-finite or left |x| ≤ {self._bound:g}. The time step "
            f"dt = {self._dt:g} is too large for the curvature of V ({hint}). The positions "
            f"are kept at the last finite state."
        )
        return DivergenceError(message, t=self._t, suggested_dt=suggested)


class Ensemble(_Overdamped):
    """n independent overdamped Langevin particles in a 1-D potential (eq. 9.2, μ = −V′).

    ``dX = −V′(X) dt + σ dW``, integrated with Euler–Maruyama
    ``X ← X − V′(X)·dt + σ·√dt·ξ``.  The stationary density is :func:`boltzmann`,
    ∝ exp(−2V/σ²) (up to the O(dt) bias of the scheme).

    Parameters
    ----------
    potential : Potential
        Any object with ``V(x)`` and ``dV(x)`` (the built-in ones are faster: fused
        in-place kernels).
    n : int
        Number of particles, 0 ≤ n ≤ 10⁸ (0 gives an empty ensemble that still keeps time).
    sigma : float
        Noise amplitude σ ≥ 0 (σ = 0: deterministic gradient flow, eq. 9.6).
    dt : float
        Time step > 0.
    seed : int
        Seed of the random generator (≥ 0); the same seed gives the same numbers.
    x0 : number, array, Uniform, Gaussian, or tuple
        Initial positions; see :func:`initial_positions`.  Default: all at 0.
    bound : float, keyword-only
        A step taking any |x| beyond this (default 10⁸) or to a non-finite value raises
        :class:`DivergenceError`.

    Notes
    -----
    Particles are advanced in blocks of :data:`core.chunks.CHUNK` with preallocated buffers,
    on all cores at once; two position buffers alternate, so a failed step leaves the previous
    state untouched.  Each block draws from its own random stream spawned from the seed, so
    results depend only on the seed (and the NumPy version), not on the number of threads.
    """

    _dim = 1

    @property
    def x(self) -> FloatArray:
        """Positions, shape (n,): a read-only view, valid until the next step (copy to keep)."""
        return _readonly_view(self._cur)


class Ensemble2D(_Overdamped):
    """n overdamped Langevin particles in a 2-D potential: ``dX = −∇V(X) dt + σ dW``.

    Same parameters and behaviour as :class:`Ensemble`, with a :class:`Potential2D`
    (``V(xy)``, ``grad(xy)``) and positions of shape (n, 2).  ``x0`` may also be a point
    (x, y) or an array of shape (n, 2).
    """

    _dim = 2

    @property
    def xy(self) -> FloatArray:
        """Positions, shape (n, 2): a read-only view, valid until the next step."""
        return _readonly_view(self._cur)

    @property
    def x(self) -> FloatArray:
        """x coordinates, shape (n,) (a strided read-only view)."""
        return _readonly_view(self._cur[:, 0])

    @property
    def y(self) -> FloatArray:
        """y coordinates, shape (n,) (a strided read-only view)."""
        return _readonly_view(self._cur[:, 1])


# --------------------------------------------------------------------------------------------
# underdamped ensemble: BAOAB
# --------------------------------------------------------------------------------------------


class UnderdampedEnsemble:
    """n independent particles obeying ``m Ẍ = −V′(X) − γ Ẋ + σ ξ`` (eq. 9.1, corrected).

    The notes' eq. 9.1 omits the gradient and the friction; with friction γ and white noise
    of amplitude σ the fluctuation–dissipation relation fixes the temperature of the
    stationary state, **kT = σ²/(2γ)**: positions ∝ exp(−V/kT), velocities normal with
    variance kT/m.

    Integrated with BAOAB (Leimkuhler & Matthews, Appl. Math. Res. Express 2013): half kick
    (B), half drift (A), exact Ornstein–Uhlenbeck velocity update (O)
    ``v ← c₁ v + √((1 − c₁²) kT/m)·ξ`` with ``c₁ = exp(−γ dt/m)``, half drift, half kick.
    For a harmonic well ``V = k x²/2`` BAOAB samples the configurational distribution
    *exactly* — variance kT/k for every stable dt (dt < 2√(m/k)) — which makes it much
    better than Euler-type schemes at large dt.

    Parameters
    ----------
    potential : Potential
        1-D potential with ``V`` and ``dV``.
    n : int
        Number of particles, ≥ 0.
    sigma : float
        Noise amplitude σ ≥ 0.
    gamma : float
        Friction γ > 0.
    mass : float
        Particle mass m > 0.
    dt : float
        Time step > 0.
    seed : int
        Random seed ≥ 0.
    x0 : initial positions, as for :class:`Ensemble`.
    v0 : number, array, Uniform, Gaussian, tuple, or "thermal"
        Initial velocities; ``"thermal"`` draws them from N(0, kT/m).  Default 0.
    bound : float, keyword-only
        Divergence bound for both |x| and |v|.
    """

    def __init__(
        self,
        potential: Any,
        n: int,
        sigma: float,
        gamma: float,
        mass: float,
        dt: float,
        seed: int = 0,
        x0: InitialCondition = 0.0,
        v0: InitialCondition | str = 0.0,
        *,
        bound: float = DEFAULT_BOUND,
    ) -> None:
        _check_potential(potential, 1)
        self._n = _count(n, "n", 0, MAX_PARTICLES)
        self._sigma = _real(sigma, "sigma", lo=0.0)
        self._gamma = _real(gamma, "gamma", lo=0.0, lo_open=True)
        self._mass = _real(mass, "mass", lo=0.0, lo_open=True)
        self._dt = _real(dt, "dt", lo=0.0, lo_open=True)
        self._seed = _seed(seed)
        self._bound = _real(bound, "bound", lo=0.0, lo_open=True)
        self._rng = np.random.default_rng(self._seed)
        x = initial_positions(x0, self._n, self._rng, 1)
        v = _initial_velocities(v0, self._n, self._rng, self.kT, self._mass)
        for label, arr in (("x0", x), ("v0", v)):
            if arr.size and float(np.max(np.abs(arr))) > self._bound:
                raise ValueError(
                    f"{label}: initial values must lie within ±bound = {self._bound:g}"
                )
        self._x, self._v = x, v
        self._f = np.empty_like(x)  # acceleration −V′(x)/m at the current positions
        self._x2, self._v2, self._f2 = np.empty_like(x), np.empty_like(x), np.empty_like(x)
        self._tmp = np.empty_like(x)
        self._streams = chunks.streams(self._seed, self._n)
        self._range = _chunk_range(x) if x.size else (0.0, 0.0)
        self._diverged = False
        self._t = 0.0
        self._steps = 0
        self._set_force(potential)

    def _set_force(self, potential: Any) -> None:
        kernel = getattr(potential, "dV_into", None)
        dV = potential.dV
        minus_inv_m = -1.0 / self._mass

        def acceleration(x: FloatArray, out: FloatArray) -> None:
            if callable(kernel):
                kernel(x, out)
            else:
                out[...] = dV(x)
            np.multiply(out, minus_inv_m, out=out)

        self._potential = potential
        self._acceleration = acceleration
        chunks.run(lambda _j, a, b: acceleration(self._x[a:b], self._f[a:b]), self._n)
        if self._n and not np.all(np.isfinite(self._f)):
            raise ValueError("potential: V′ is not finite at the current positions")

    @property
    def potential(self) -> Any:
        return self._potential

    @property
    def n(self) -> int:
        return self._n

    @property
    def sigma(self) -> float:
        return self._sigma

    @property
    def gamma(self) -> float:
        return self._gamma

    @property
    def mass(self) -> float:
        return self._mass

    @property
    def dt(self) -> float:
        return self._dt

    @property
    def t(self) -> float:
        return self._t

    @property
    def steps(self) -> int:
        return self._steps

    @property
    def kT(self) -> float:
        """Stationary temperature kT = σ²/(2γ) (fluctuation–dissipation)."""
        return self._sigma * self._sigma / (2.0 * self._gamma)  # (σ**2 may raise OverflowError)

    @property
    def diverged(self) -> bool:
        """True after a step raised :class:`DivergenceError`, until a step succeeds."""
        return self._diverged

    @property
    def x(self) -> FloatArray:
        """Positions, shape (n,): a read-only view, valid until the next step."""
        return _readonly_view(self._x)

    @property
    def v(self) -> FloatArray:
        """Velocities, shape (n,): a read-only view, valid until the next step."""
        return _readonly_view(self._v)

    def set_potential(self, potential: Any) -> None:
        """Switch the potential, continuing from the current positions and velocities."""
        _check_potential(potential, 1)
        self._set_force(potential)

    def set_sigma(self, sigma: float) -> None:
        self._sigma = _real(sigma, "sigma", lo=0.0)

    def set_gamma(self, gamma: float) -> None:
        self._gamma = _real(gamma, "gamma", lo=0.0, lo_open=True)

    def set_dt(self, dt: float) -> None:
        self._dt = _real(dt, "dt", lo=0.0, lo_open=True)

    def step(self, k: int = 1) -> None:
        """Advance k BAOAB steps (see the class docstring).

        Raises
        ------
        DivergenceError
            If a position or velocity becomes non-finite or exceeds ``bound``; the state
            stays at the last finite step.
        """
        k = _count(k, "k", 0, 10**9)
        if self._n == 0:
            self._t += k * self._dt
            self._steps += k
            return
        dt, half = self._dt, 0.5 * self._dt
        c1 = math.exp(-self._gamma * dt / self._mass)
        c2 = math.sqrt(-math.expm1(-2.0 * self._gamma * dt / self._mass) * self.kT / self._mass)
        accel, streams = self._acceleration, self._streams
        bound = self._bound
        start_range = self._range

        def advance(j: int, a: int, b: int) -> tuple[float, float, bool]:
            x, v, f = self._x[a:b], self._v[a:b], self._f[a:b]
            xo, vo, fo = self._x2[a:b], self._v2[a:b], self._f2[a:b]
            z = self._tmp[a:b]
            np.multiply(f, half, out=vo)  # B
            np.add(vo, v, out=vo)
            np.multiply(vo, half, out=xo)  # A
            np.add(xo, x, out=xo)
            np.multiply(vo, c1, out=vo)  # O
            if c2:
                streams[j].standard_normal(out=z)
                np.multiply(z, c2, out=z)
                np.add(vo, z, out=vo)
            np.multiply(vo, half, out=z)  # A
            np.add(xo, z, out=xo)
            accel(xo, fo)  # B
            np.multiply(fo, half, out=z)
            np.add(vo, z, out=vo)
            x_lo, x_hi = _chunk_range(xo)
            v_lo, v_hi = _chunk_range(vo)
            finite = x_lo >= -bound and x_hi <= bound and v_lo >= -bound and v_hi <= bound
            return x_lo, x_hi, finite

        for i in range(k):
            ranges = chunks.run(advance, self._n)
            if not all(finite for _, _, finite in ranges):
                self._diverged = True
                raise self._divergence(i, k, start_range)
            self._diverged = False
            self._range = (min(r[0] for r in ranges), max(r[1] for r in ranges))
            self._x, self._x2 = self._x2, self._x
            self._v, self._v2 = self._v2, self._v
            self._f, self._f2 = self._f2, self._f
            self._t += dt
            self._steps += 1

    def _divergence(self, i: int, k: int, start_range: tuple[float, float]) -> DivergenceError:
        lo, hi = start_range
        curv = _curvature_1d(self._potential, lo, hi)
        # velocity Verlet is stable for ω dt < 2 with ω² = V″/m
        suggested = math.sqrt(self._mass / curv) if curv > 0 else math.nan
        hint = (
            f"max |V″| ≈ {curv:.3g} on the range [{lo:.3g}, {hi:.3g}] occupied before "
            f"this call, so try dt < "
            f"{suggested:.3g}"
            if math.isfinite(suggested)
            else "try a smaller dt"
        )
        message = (
            f"Langevin simulation diverged at t = {self._t:.6g} (step {i + 1} of {k}): a "
            f"position or velocity became non-finite or exceeded {self._bound:g}. The time "
            f"step dt = {self._dt:g} is too large ({hint}). The state is kept at the last "
            f"finite step."
        )
        return DivergenceError(message, t=self._t, suggested_dt=suggested)


# --------------------------------------------------------------------------------------------
# analysis
# --------------------------------------------------------------------------------------------


def effective_sigma(sigma: float, gamma: float | None = None) -> float:
    """The noise of the overdamped dynamics (eq. 9.2) at the temperature of a Langevin run.

    Overdamped, kT = σ²/2 and this is σ itself.  With inertia and friction γ (eq. 9.1
    corrected, :class:`UnderdampedEnsemble`) the fluctuation–dissipation relation gives
    kT = σ²/(2γ) = σ_eff²/2, so σ_eff = σ/√γ: ``boltzmann(potential, effective_sigma(σ, γ),
    x)`` is the stationary density of the positions either way.

    Parameters
    ----------
    sigma : float
        Noise amplitude σ ≥ 0.
    gamma : float, optional
        Friction γ > 0 of a run with inertia; None for the overdamped dynamics.
    """
    s = _real(sigma, "sigma", lo=0.0)
    if gamma is None:
        return s
    return s / math.sqrt(_real(gamma, "gamma", lo=0.0, lo_open=True))


def boltzmann(potential: Any, sigma: float, x: ArrayLike) -> FloatArray:
    """Normalised stationary density ``p∞(x) = exp(−2V(x)/σ²) / Z`` on the grid x.

    The stationary solution of the Fokker–Planck equation (eq. 9.4 with μ = −V′ and
    constant σ): zero probability current ``V′p + (σ²/2)p′ = 0`` gives p ∝ exp(−V/kT) with
    kT = σ²/2.

    Parameters
    ----------
    potential : Potential
        With ``V(x)`` finite on the grid.
    sigma : float
        Noise amplitude σ > 0.
    x : array_like, shape (m,)
        Strictly increasing grid, m ≥ 2.

    Returns
    -------
    ndarray, shape (m,)
        Non-negative, with trapezoid-rule integral 1 over the grid.  min V is subtracted
        before exponentiating, so deep wells do not overflow.
    """
    _check_potential(potential, 1)
    s = _real(sigma, "sigma", lo=0.0, lo_open=True)
    grid = _grid(x, "x")
    V = np.asarray(potential.V(grid), dtype=np.float64)
    if V.shape != grid.shape or not np.all(np.isfinite(V)):
        raise ValueError("potential: V must be finite on the grid x")
    with np.errstate(over="ignore"):  # divide by σ twice: σ² underflows to 0 for σ < 1e-162
        w = np.exp(-2.0 * ((V - V.min()) / s) / s)
    return w / np.trapezoid(w, grid)


def boltzmann_2d(potential: Any, sigma: float, x: ArrayLike, y: ArrayLike) -> FloatArray:
    """Normalised 2-D stationary density ∝ exp(−2V(x, y)/σ²) on the mesh of x and y.

    Returns an array of shape (len(y), len(x)) (rows are y, as for an image), normalised
    with the 2-D trapezoid rule.
    """
    _check_potential(potential, 2)
    s = _real(sigma, "sigma", lo=0.0, lo_open=True)
    gx, gy = _grid(x, "x"), _grid(y, "y")
    X, Y = np.meshgrid(gx, gy)
    V = np.asarray(potential.V(np.stack([X, Y], axis=-1)), dtype=np.float64)
    if V.shape != X.shape or not np.all(np.isfinite(V)):
        raise ValueError("potential: V must be finite on the grid")
    with np.errstate(over="ignore"):  # as in boltzmann: σ² may underflow
        w = np.exp(-2.0 * ((V - V.min()) / s) / s)
    return w / np.trapezoid(np.trapezoid(w, gx, axis=1), gy)


@dataclass(frozen=True)
class EnsembleSummary:
    """Moments of an ensemble: ``n``, ``mean``, ``variance`` (1/n), ``fraction_right``.

    ``fraction_right`` is the fraction of particles with x > barrier; for n = 0 all three
    statistics are NaN.
    """

    n: int
    mean: float
    variance: float
    fraction_right: float


def summary(x: ArrayLike, barrier: float = 0.0) -> EnsembleSummary:
    """Mean, variance and the fraction of particles right of ``barrier`` (x > barrier).

    For a double well the fraction right of the barrier is the population of the right well,
    whose relaxation Kramers' rate describes (see :func:`kramers_rate`).
    """
    b = _real(barrier, "barrier")
    arr = _array(x, "x", finite=False, copy=False).reshape(-1)
    n = arr.size
    if n == 0:
        return EnsembleSummary(0, math.nan, math.nan, math.nan)
    mean = float(arr.mean())
    variance = float(arr.var())
    right = float(np.count_nonzero(arr > b)) / n
    return EnsembleSummary(n, mean, variance, right)


def kramers_rate(potential: Any, sigma: float, x_min: float, x_barrier: float) -> float:
    """Kramers' escape rate from the well at ``x_min`` over the barrier at ``x_barrier``.

    For the overdamped dynamics ``dX = −V′ dt + σ dW`` (kT = σ²/2),

        r = √(V″(x_min)·|V″(x_barrier)|) / (2π) · exp(−ΔV/kT),  ΔV = V(x_barrier) − V(x_min),

    valid when ΔV ≫ kT (relative corrections of order kT/ΔV).  For the symmetric double
    well the populations relax at rate 2r.

    Parameters
    ----------
    potential : Potential
        Must provide ``d2V`` (the built-in and expression potentials do).
    sigma : float
        σ > 0.
    x_min, x_barrier : float
        Locations of the minimum and of the barrier top (maximum).
    """
    s = _real(sigma, "sigma", lo=0.0, lo_open=True)
    a = _real(x_min, "x_min")
    b = _real(x_barrier, "x_barrier")
    if not callable(getattr(potential, "d2V", None)):
        raise ValueError("potential must provide d2V(x) for Kramers' rate")
    ka = float(potential.d2V(np.array([a]))[0])
    kb = float(potential.d2V(np.array([b]))[0])
    if not (ka > 0 and kb < 0):
        raise ValueError(f"need V″(x_min) > 0 and V″(x_barrier) < 0, got {ka:.3g} and {kb:.3g}")
    barrier = float(potential.V(np.array([b]))[0] - potential.V(np.array([a]))[0])
    if not barrier > 0.0:
        raise ValueError(
            f"x_barrier: need V(x_barrier) > V(x_min) (a barrier to cross), got ΔV = {barrier:.3g}"
        )
    kT = 0.5 * s * s
    attempt = math.sqrt(ka * -kb) / (2.0 * math.pi)
    return attempt * math.exp(-barrier / kT) if kT > 0.0 else 0.0  # kT underflows for σ < 1e-162
