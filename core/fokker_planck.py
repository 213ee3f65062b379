"""The Fokker–Planck equation of overdamped Langevin dynamics on a bounded 1-D grid (§9.2).

For ``dX = −V′(X) dt + σ dW`` (eq. 9.2 with μ = −V′ and constant σ) the density p_t obeys
eq. 9.4,

    ∂ₜp = −∂ₓ(μ p) + (σ²/2) ∂ₓ²p = ∂ₓ(V′ p) + (σ²/2) ∂ₓ²p = −∂ₓJ,
    J = −V′ p − D ∂ₓp,   D = σ²/2,

with stationary density p∞ ∝ exp(−V/D) = exp(−2V/σ²) (:func:`core.langevin.boltzmann`).  At
σ = 0 it is the transport equation (eq. 9.6–9.8) ``∂ₜp = ∂ₓ(V′p)``.  (The notes write eq. 9.4
with σ² outside the Laplacian, which is right for the constant σ used here; eq. 9.5 is the
*initial* condition.  The domain here is bounded with zero-flux, i.e. reflecting, walls.)

Discretisation
--------------
Finite volumes: ``x_grid`` holds the N cell centres x_i (uniform spacing h), cell i covers
[x_i − h/2, x_i + h/2], ``p_i`` is the cell-average density and the mass is ``h Σ p_i``.
The flux through the face between cells i and i+1 is the **Scharfetter–Gummel** flux

    J_{i+½} = α_i p_i − β_i p_{i+1},
    α_i = (ΔV_i/h) / (exp(ΔV_i/D) − 1),  β_i = (−ΔV_i/h) / (exp(−ΔV_i/D) − 1),
    ΔV_i = V(x_{i+1}) − V(x_i)

(α_i = β_i = D/h when ΔV_i = 0), exact for a potential linear between the centres.  The
walls carry no flux.  Properties, all exact in the discrete setting:

- α_i, β_i ≥ 0, so the generator ``L`` (``dp/dt = L p``) has non-negative off-diagonals and
  zero column sums: the scheme conserves mass and keeps p ≥ 0;
- ``β_i/α_i = exp(ΔV_i/D)``, so every face flux vanishes for p_i ∝ exp(−2V_i/σ²): the discrete
  stationary state is exactly the discrete Boltzmann density (:meth:`stationary`);
- as D → 0 the flux tends to the upwind flux with face velocity −ΔV_i/h, which is used at
  σ = 0 (still conservative and positive).

Time stepping is backward Euler, ``(I − dt L) p^{n+1} = p^n``.  ``I − dt L`` is a
column-diagonally dominant M-matrix for every dt > 0, so the step is unconditionally stable
and positive.  Its tridiagonal LU factors are computed without subtractions
(:func:`gth_factor`), so that even for dt·|L| ≫ 1/ε (a "jump to equilibrium" step) they stay
accurate and the solution non-negative; they are cached and reused while dt, σ and V are
unchanged, and each step is one LAPACK ``dgttrs`` solve.  Each solve is followed by a
rescaling by (old mass)/(new mass), a correction at the level of round-off, so the mass is
conserved to round-off over any number of steps.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:  # scipy is imported where it is used: the app starts sooner
    import scipy.sparse

from core.checks import array as _array
from core.checks import count as _count
from core.checks import grid as _grid
from core.checks import real as _real
from core.langevin import Gaussian, Uniform, parse_initial_condition

__all__ = ["FPSummary", "FokkerPlanck1D", "gth_factor", "sg_coefficients"]

FloatArray = NDArray[np.float64]

MIN_CELLS = 3


def sg_coefficients(V: ArrayLike, sigma: float, h: float) -> tuple[FloatArray, FloatArray]:
    """Scharfetter–Gummel face coefficients (α, β) with ``J_{i+½} = α_i p_i − β_i p_{i+1}``.

    Parameters
    ----------
    V : array_like, shape (N,)
        Potential at the cell centres (finite).
    sigma : float
        Noise amplitude σ ≥ 0; D = σ²/2.  σ = 0 gives the upwind flux.
    h : float
        Grid spacing > 0.

    Returns
    -------
    alpha, beta : ndarray, shape (N − 1,)
        Both ≥ 0, with ``beta/alpha = exp(ΔV/D)`` (detailed balance with exp(−V/D)).

    Raises
    ------
    ValueError
        If V is not a 1-D array of finite numbers, σ < 0 or h ≤ 0 (the message names which).
    """
    V = _array(V, "V", ndim=1, copy=False)
    sigma = _real(sigma, "sigma", lo=0.0)
    h = _real(h, "h", lo=0.0, lo_open=True)
    D = 0.5 * sigma * sigma
    g = np.diff(V) / h  # ΔV/h: minus the face velocity
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        u = np.diff(V) / D if D > 0 else np.where(g > 0, np.inf, -np.inf)
        alpha = g / np.expm1(u)
        beta = -g / np.expm1(-u)
    flat = g == 0.0
    alpha[flat] = D / h
    beta[flat] = D / h
    return alpha, beta


def gth_factor(e: ArrayLike, c: ArrayLike) -> tuple[FloatArray, ...]:
    """Subtraction-free LU factors of ``A = I − dt·L`` in LAPACK ``gttrs`` layout.

    ``A`` is tridiagonal with off-diagonals ``A[k+1, k] = −e_k`` and ``A[k, k+1] = −c_k``
    (e, c ≥ 0) and every column summing to 1 (``I`` plus a mass-conserving generator).
    Gaussian elimination keeps that structure: writing ``s_k`` for the column sum of the
    remaining block, the pivots obey

        s_0 = 1,  s_k = 1 + c_{k−1}·s_{k−1}/d_{k−1},  d_k = s_k + e_k,

    with only additions, multiplications and divisions of non-negative numbers (the
    Grassmann–Taksar–Heyman idea).  Computing ``d_k = a_kk − l·u`` directly would cancel
    catastrophically once ``dt·|L|`` exceeds ~1/ε and could even make p negative; this way
    every factor, and every solve with LAPACK ``dgttrs`` (whose forward and back
    substitutions then only add non-negative terms), is accurate to a few ulps componentwise
    for any dt.  No pivoting is needed (A is column diagonally dominant).

    Parameters
    ----------
    e : array_like, shape (N − 1,)
        ``dt·α/h``: magnitudes of the sub-diagonal.
    c : array_like, shape (N − 1,)
        ``dt·β/h``: magnitudes of the super-diagonal.

    Returns
    -------
    dl, d, du, du2, ipiv
        Multipliers, pivots, super-diagonal of U, zeros, identity pivoting (1-based).

    Raises
    ------
    ValueError
        Unless e and c are non-empty 1-D arrays of the same length with finite entries ≥ 0.
    """
    arrays = []
    for name, value in (("e", e), ("c", c)):
        arr = _array(value, name, ndim=1, min_size=1, copy=False)
        if np.any(arr < 0.0):
            raise ValueError(f"{name} must hold numbers ≥ 0, got min {float(arr.min())!r}")
        arrays.append(arr)
    e, c = arrays
    if c.shape != e.shape:
        raise ValueError(f"c must have the shape of e {e.shape}, got {c.shape}")
    n = e.size + 1
    d = np.empty(n)
    e_list, c_list = e.tolist(), c.tolist()
    s_prev = 1.0
    d_prev = s_prev + e_list[0]
    d[0] = d_prev
    for k in range(1, n):
        s_k = 1.0 + c_list[k - 1] * (s_prev / d_prev)
        d_k = s_k + (e_list[k] if k < n - 1 else 0.0)
        d[k] = d_k
        s_prev, d_prev = s_k, d_k
    dl = -e / d[:-1]
    du = -c
    du2 = np.zeros(max(n - 2, 0))
    ipiv = np.arange(1, n + 1, dtype=np.int32)
    return dl, d, du, du2, ipiv


@dataclass(frozen=True)
class FPSummary:
    """Moments of the density: ``mass``, ``mean``, ``variance``, ``fraction_right``."""

    mass: float
    mean: float
    variance: float
    fraction_right: float


class FokkerPlanck1D:
    """Fokker–Planck equation ``∂ₜp = ∂ₓ(V′p) + (σ²/2)∂ₓ²p`` (eq. 9.4, μ = −V′) on a grid.

    Finite volumes with Scharfetter–Gummel fluxes, zero-flux walls and backward Euler time
    steps (see the module docstring): mass is conserved to round-off, p never becomes
    negative, any dt > 0 is stable, and the discrete stationary state is exactly
    exp(−2V_i/σ²)/Z.

    Parameters
    ----------
    potential : Potential
        Any object with ``V(x)``; V must be finite on the grid.
    sigma : float
        σ ≥ 0.  σ = 0 is pure transport (eq. 9.8) with upwind fluxes.
    x_grid : array_like, shape (N,)
        Cell centres, strictly increasing and uniformly spaced, N ≥ 3.
    p0 : array_like or initial condition
        Initial density: an array of N values ≥ 0 with positive mass; or a number (all mass
        in the nearest cell); or :class:`core.langevin.Gaussian` / :class:`Uniform` (or
        their tuple forms ``("gaussian", mean, std)``, ``("uniform", lo, hi)``) evaluated at
        the cell centres.  It is rescaled to unit mass ``h Σ p_i = 1``.

    Attributes
    ----------
    x : ndarray
        The cell centres (read-only).
    h : float
        Grid spacing.
    """

    def __init__(self, potential: Any, sigma: float, x_grid: ArrayLike, p0: Any) -> None:
        self._x = _grid(x_grid, "x_grid", min_points=MIN_CELLS, uniform=True)
        self._x.setflags(write=False)
        n = self._x.size
        self._h = float(self._x[-1] - self._x[0]) / (n - 1)
        self._sigma = _real(sigma, "sigma", lo=0.0)
        self._set_potential_values(potential)
        self._t = 0.0
        self._factor: tuple[float, tuple[Any, ...]] | None = None
        self.set_density(p0)

    # validation ------------------------------------------------------------------------------

    def _initial_density(self, p0: Any) -> FloatArray:
        spec = parse_initial_condition(p0, "p0")
        x = self._x
        if isinstance(spec, Gaussian):
            if isinstance(spec.mean, tuple):
                raise ValueError("p0: a 1-D Gaussian needs a scalar mean")
            if spec.std > 0.0:
                with np.errstate(over="ignore"):  # a tiny std: exp(−∞) = 0
                    p = np.exp(-0.5 * ((x - spec.mean) / spec.std) ** 2)
                if np.any(p > 0.0) or spec.std >= self._h:
                    return p
            # std = 0, or narrower than a cell so that it underflows at every cell centre
            return self._delta(spec.mean)
        if isinstance(spec, Uniform):
            if spec.lo == spec.hi:
                return self._delta(spec.lo)
            # cell averages of the indicator of [lo, hi]: overlap of each cell with it
            left = np.maximum(x - 0.5 * self._h, spec.lo)
            right = np.minimum(x + 0.5 * self._h, spec.hi)
            return np.clip(right - left, 0.0, None)
        if isinstance(spec, numbers.Real) and not isinstance(spec, bool):
            return self._delta(_real(spec, "p0"))
        p = _array(spec, "p0")
        if p.shape != x.shape:
            raise ValueError(f"p0 must have the grid's shape {x.shape}, got {p.shape}")
        if np.any(p < 0):
            raise ValueError("p0: a density must be ≥ 0 everywhere")
        return p

    def _delta(self, where: float) -> FloatArray:
        p = np.zeros_like(self._x)
        p[int(np.argmin(np.abs(self._x - where)))] = 1.0
        return p

    def _set_potential_values(self, potential: Any) -> None:
        if not callable(getattr(potential, "V", None)):
            raise ValueError(f"potential must have a method V(x); got {potential!r}")
        with np.errstate(all="ignore"):
            V = np.asarray(potential.V(self._x), dtype=np.float64)
        if V.shape != self._x.shape or not np.all(np.isfinite(V)):
            raise ValueError("potential: V must be finite at every grid point")
        self._potential = potential
        self._V = V
        self._V.setflags(write=False)
        self._alpha, self._beta = sg_coefficients(V, self._sigma, self._h)

    # parameters and state --------------------------------------------------------------------

    @property
    def x(self) -> FloatArray:
        return self._x

    @property
    def h(self) -> float:
        return self._h

    @property
    def sigma(self) -> float:
        return self._sigma

    @property
    def potential(self) -> Any:
        return self._potential

    @property
    def V(self) -> FloatArray:
        """The potential at the cell centres (read-only)."""
        return self._V

    @property
    def p(self) -> FloatArray:
        """The density at the cell centres, shape (N,): a read-only view (copy to keep)."""
        view = self._p.view()
        view.flags.writeable = False
        return view

    @property
    def t(self) -> float:
        return self._t

    def mass(self) -> float:
        """Total probability ``h Σ p_i`` (1 initially; conserved to round-off)."""
        return float(np.sum(self._p)) * self._h

    def set_potential(self, potential: Any) -> None:
        """Switch the potential; the density continues from its current state."""
        self._set_potential_values(potential)
        self._factor = None

    def set_sigma(self, sigma: float) -> None:
        """Change σ ≥ 0; the density continues from its current state."""
        self._sigma = _real(sigma, "sigma", lo=0.0)
        self._alpha, self._beta = sg_coefficients(self._V, self._sigma, self._h)
        self._factor = None

    def set_density(self, p0: Any) -> None:
        """Replace the density (same forms as ``p0``; rescaled to unit mass); t is kept."""
        p = self._initial_density(p0)
        mass = float(np.sum(p)) * self._h
        if not (mass > 0 and math.isfinite(mass)):
            raise ValueError("p0 must have positive, finite mass")
        self._p = p / mass
        self._mass = 1.0

    # the operator ----------------------------------------------------------------------------

    def _bands(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Sub-, main and super-diagonal of L (dp/dt = L p)."""
        a, b, h = self._alpha, self._beta, self._h
        lower = a / h  # L[i+1, i] = α_i/h
        upper = b / h  # L[i, i+1] = β_i/h
        diag = np.zeros(self._x.size)
        diag[:-1] -= a / h  # outflow through the right face
        diag[1:] -= b / h  # outflow through the left face
        return lower, diag, upper

    def generator(self) -> scipy.sparse.csr_matrix:
        """The tridiagonal generator L with ``dp/dt = L p`` (sparse, N×N).

        Off-diagonals ≥ 0, columns sum to 0 (mass conservation), and
        ``L @ stationary() = 0`` up to rounding.
        """
        import scipy.sparse

        lower, diag, upper = self._bands()
        return scipy.sparse.diags([lower, diag, upper], [-1, 0, 1], format="csr")

    def relaxation_rates(self, count: int = 1) -> FloatArray:
        """The ``count`` slowest decay rates (the smallest nonzero eigenvalues of −L).

        L is similar to a symmetric tridiagonal matrix (detailed balance), with off-diagonal
        ``√(α_i β_i)/h``; its eigenvalues are real and ≤ 0, the largest being 0 (the
        stationary state).  The slowest rate of a double well is the inter-well relaxation
        rate that Kramers' law estimates.

        Raises
        ------
        ValueError
            For σ = 0 (no detailed balance) or ``count`` outside [1, N − 1].
        """
        count = _count(count, "count", 1, self._x.size - 1)
        if self._sigma == 0.0:
            raise ValueError(
                "relaxation_rates needs sigma > 0 (at σ = 0 the dynamics is pure transport)"
            )
        _, diag, _ = self._bands()
        off = np.sqrt(self._alpha * self._beta) / self._h
        n = self._x.size
        from scipy.linalg import eigh_tridiagonal

        values = eigh_tridiagonal(
            diag, off, eigvals_only=True, select="i", select_range=(n - 1 - count, n - 1)
        )
        rates = np.sort(-values)  # ascending; the first is the (numerical) zero
        return rates[1:]

    def stationary(self) -> FloatArray:
        """The discrete Boltzmann density ``exp(−2V_i/σ²) / (h Σ_j exp(−2V_j/σ²))``.

        The exact stationary state of the scheme (every face flux vanishes).  At σ = 0 it is
        its σ → 0 limit: all mass in the cell(s) of lowest V (the transport dynamics itself
        may stay stuck in a local minimum).
        """
        V = self._V
        if self._sigma == 0.0:
            w = (V == V.min()).astype(np.float64)
        else:
            s = self._sigma  # divide by σ twice: σ² may underflow (0/0) or overflow
            with np.errstate(over="ignore"):
                w = np.exp(-2.0 * ((V - V.min()) / s) / s)
        return w / (np.sum(w) * self._h)

    # time stepping ---------------------------------------------------------------------------

    def _factorisation(self, dt: float) -> tuple[Any, ...]:
        if self._factor is not None and self._factor[0] == dt:
            return self._factor[1]
        with np.errstate(over="ignore"):
            e, c = dt * self._alpha / self._h, dt * self._beta / self._h
        finite = np.all(np.isfinite(e)) and np.all(np.isfinite(c))
        factors = gth_factor(e, c) if finite else None
        if factors is None or not all(np.all(np.isfinite(f)) for f in factors[:3]):
            raise ValueError(
                f"dt = {dt:g} is too large for this grid and potential "
                f"(overflow); the state after such a step is the stationary one"
            )
        self._factor = (dt, factors)
        return factors

    def step(self, dt: float, k: int = 1) -> None:
        """Advance k backward-Euler steps of size dt (any dt > 0 is stable).

        Raises
        ------
        ValueError
            If dt is not a finite number > 0 or k is not an integer ≥ 0.
        """
        dt = _real(dt, "dt", lo=0.0, lo_open=True)
        k = _count(k, "k", 0)
        if k == 0:
            return
        from scipy.linalg import lapack

        dl, d, du, du2, ipiv = self._factorisation(dt)
        p = self._p
        target = self._mass / self._h  # Σ p_i to keep
        for _ in range(int(k)):
            p, info = lapack.dgttrs(dl, d, du, du2, ipiv, p)
            if info != 0:  # pragma: no cover - guarded by the factorisation
                raise ValueError(f"Fokker–Planck step: solve failed (info = {info})")
            total = float(np.sum(p))
            if total > 0:
                p *= target / total
            self._t += dt
        self._p = np.ascontiguousarray(p.reshape(-1))

    def summary(self, barrier: float = 0.0) -> FPSummary:
        """Mass, mean, variance and the probability right of ``barrier`` (cell rule).

        The fraction counts cells whose centre lies right of the barrier, plus half a cell
        whose centre is exactly on it.
        """
        b = _real(barrier, "barrier")
        w = self._p * self._h
        mass = float(np.sum(w))
        mean = float(np.sum(w * self._x)) / mass  # (no BLAS dot: it may spawn threads)
        variance = float(np.sum(w * (self._x - mean) ** 2)) / mass
        right = float(np.sum(w[self._x > b]) + 0.5 * np.sum(w[self._x == b])) / mass
        return FPSummary(mass, mean, variance, right)
