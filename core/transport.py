"""Measure transport from N(0, I) to a Gaussian mixture (notes §9.2–9.5).

Three ways of carrying the base distribution N(0, I) to a target p_data, each an instance of
the notes' eq. 9.2 (an SDE, whose density obeys the Fokker–Planck equation 9.4) or of eq. 9.6
(an ODE, whose density obeys the transport equation 9.8):

``"reverse_sde"``
    score-based diffusion: the time reversal (Anderson 1982) of the variance-preserving (VP)
    forward SDE of Song et al. 2021, "Score-Based Generative Modeling through Stochastic
    Differential Equations" (ICLR 2021), eq. 11 and eq. 6;
``"probability_flow"``
    the deterministic ODE with the same marginals as that SDE (Song et al. eq. 13);
``"flow_matching"``
    the linear stochastic interpolant ``x_τ = (1 − τ) x₀ + τ x₁`` (Albergo & Vanden-Eijnden
    2023, "Building Normalizing Flows with Stochastic Interpolants", ICLR 2023; Albergo, Boffi &
    Vanden-Eijnden 2023, "Stochastic Interpolants: A Unifying Framework") — the same path as
    conditional-OT flow matching with σ_min = 0 (Lipman et al. 2023, "Flow Matching for
    Generative Modeling", ICLR 2023, §4.1) — integrated with its exact velocity field.

The notes' §9.3–9.5 are empty headings; the formulas below are the ones in those papers.
The target is a :class:`GaussianMixture`, so every marginal density, score and velocity is a
Gaussian mixture or a closed-form expression in one: nothing is learned, and every picture is
exact up to the time discretisation of the samplers (which the GUI shows on purpose).

Time convention (one for the whole module)
------------------------------------------
**Generation time** τ ∈ [0, 1]: τ = 0 is the base N(0, I), τ = 1 is the target.  Every public
function that takes ``tau`` uses it, and samplers run forward in τ.

**Diffusion time** s = 1 − τ is used only for the VP process and :class:`NoiseSchedule`, as in
Song et al.: s = 0 is the data, s = 1 is (almost) pure noise.  The forward VP SDE is

    dX = −½ β(s) X ds + √β(s) dW,          X_{s=0} ~ p_data,                 (Song eq. 11)

i.e. eq. 9.2 with μ = −½βx and σ = √β.  Its solution is ``X_s = α(s) X₀ + σ(s) Z`` with
``α(s) = exp(−½∫₀ˢβ)``, ``σ(s)² = 1 − α(s)²`` and Z ~ N(0, I) independent (Song et al.,
appendix B), so for a mixture target p_s is again a mixture (:func:`vp_marginal`).  Written
in generation time (dτ = −ds) its reversal and probability-flow ODE are

    dX = [½β X + β ∇log p_s(X)] dτ + √β dW̄,       s = 1 − τ          (Song eq. 6, reversed)
    dX/dτ = ½β X + ½β ∇log p_s(X)                                        (Song eq. 13, reversed)

The flow-matching ODE is ``dX/dτ = v(τ, X)`` with ``v(τ, x) = E[x₁ − x₀ | x_τ = x]``.

The diffusion samplers start from N(0, I), not from the exact p_{s=1}; the leftover signal is
measured by :func:`base_mismatch`.  The flow-matching path starts from N(0, I) exactly.

Arguments come in one order throughout: the target, then the process (if any), then the time
(τ, or s for the VP process), then the points, then the schedule (optional, default
``NoiseSchedule()``; the flow-matching path ignores it).

Points are arrays of shape (n, d) with d = 1 or 2; in 1-D an array of shape (n,) (or a scalar)
is accepted as well, and fields are returned in the shape of their input.  Samplers always
return points of shape (n, d).

Contents
--------
Distributions
    :class:`GaussianMixture` (``log_pdf``, ``pdf``, ``score``, ``responsibilities``,
    ``sample``, ``cdf``, ``mean``, ``cov``, ``affine``, editing helpers ``with_…``, a table of
    rows ``from_rows`` / ``rows``),
    :func:`default_target`.
Schedules
    :class:`NoiseSchedule` (``beta``, ``integral``, ``alpha``, ``sigma``), :func:`base_mismatch`.
Exact marginals
    :func:`vp_marginal`, :func:`interpolant_marginal`, :func:`marginal`.
Fields
    :func:`reverse_sde_drift`, :func:`probability_flow_velocity`,
    :func:`flow_matching_velocity`, :func:`velocity`, :func:`noise_scale`.
Samplers
    :class:`Trajectory`, :func:`sample`, :func:`sample_final`; :class:`SamplingRequest`,
    :func:`sample_processes`, :class:`SamplingResult` (several processes from the same draws).
Pictures
    :func:`grid_density`, :func:`histogram_distance`, :func:`vector_field`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from numpy.typing import ArrayLike

from core.checks import array as _array
from core.checks import callback as _callback
from core.checks import count as _count
from core.checks import grid as _grid
from core.checks import real as _real
from core.checks import seed as _seed
from core.densities import total_variation

__all__ = [
    "COSINE_OFFSET",
    "MAX_PARTICLES",
    "MAX_STEPS",
    "MAX_TRAJECTORY_BYTES",
    "PROCESSES",
    "SCHEDULE_KINDS",
    "GaussianMixture",
    "NoiseSchedule",
    "SamplingCancelledError",
    "SamplingRequest",
    "SamplingResult",
    "Trajectory",
    "base_mismatch",
    "default_target",
    "flow_matching_velocity",
    "grid_density",
    "histogram_distance",
    "interpolant_marginal",
    "marginal",
    "noise_scale",
    "probability_flow_velocity",
    "reverse_sde_drift",
    "sample",
    "sample_final",
    "sample_processes",
    "vector_field",
    "velocity",
    "vp_marginal",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int_]

#: The three transport processes, see the module docstring.
PROCESSES = ("reverse_sde", "probability_flow", "flow_matching")
#: Kinds of :class:`NoiseSchedule`.
SCHEDULE_KINDS = ("linear", "cosine", "constant")
#: The offset ε of the cosine schedule (Nichol & Dhariwal 2021, eq. 17).
COSINE_OFFSET = 0.008
#: Largest number of particles a sampler accepts.
MAX_PARTICLES = 10**6
#: Largest number of time steps a sampler accepts.
MAX_STEPS = 10**5
#: Largest stored path, n·(steps + 1)·d·8 bytes, that :func:`sample` accepts.
MAX_TRAJECTORY_BYTES = 400 * 10**6
#: Largest sample :meth:`GaussianMixture.sample` draws at once.
MAX_SAMPLES = 10**7
#: Fields are evaluated on blocks of this many points, so that temporaries stay small.
CHUNK = 1 << 13
#: Diagonal covariances (every isotropic target): ``(x − m)ᵀS⁻¹(x − m)`` is evaluated as one
#: matrix product of ``[x², x]`` with the components' coefficients while
#: ``(max|x|² + max|m|²)·max S⁻¹`` stays below this, so that rounding in the expanded square
#: costs at most ~1e-10 of the log-density (in the tab, below 1e-11); beyond it, term by term.
EXPANSION_LIMIT = 1e6

_LOG_2PI = math.log(2.0 * math.pi)


# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------


def _tau(value: object, name: str = "tau") -> float:
    return _real(value, name, lo=0.0, hi=1.0)


def _process(value: object) -> str:
    if not isinstance(value, str) or value not in PROCESSES:
        raise ValueError(f"process must be one of {PROCESSES}, got {value!r}")
    return str(value)


def _readonly(arr: FloatArray) -> FloatArray:
    arr.flags.writeable = False
    return arr


def _points(x: ArrayLike, d: int, name: str = "x") -> FloatArray:
    """Finite points as an (n, d) array; in 1-D a scalar or an (n,) array is accepted too."""
    arr = _array(x, name, copy=False)
    if d == 1 and arr.ndim <= 1:
        arr = arr.reshape(-1, 1)
    elif d == 2 and arr.ndim == 1 and arr.shape[0] == 2:
        arr = arr.reshape(1, 2)
    elif not (arr.ndim == 2 and arr.shape[1] == d):
        allowed = f"(n, {d}), (n,) or a scalar" if d == 1 else "(n, 2) or (2,)"
        raise ValueError(
            f"{name} must hold points of dimension d = {d}, shape {allowed}; got shape {arr.shape}"
        )
    return arr


def _batch_shape(x: ArrayLike, d: int) -> tuple[int, ...]:
    """Shape of a per-point result (log-density) for the points ``x``."""
    shape = np.shape(x)
    if d == 1:
        return shape[:1]
    return shape[:-1]


def _chunks(n: int) -> Iterator[slice]:
    for start in range(0, n, CHUNK):
        yield slice(start, min(start + CHUNK, n))


def _log_sum_exp(logc: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Row-wise ``log Σ_k exp(logc)`` (n,) and the normalised weights ``exp(logc − lse)``
    (n, k), shifted by the row maximum so that nothing overflows or underflows to 0/0.
    (scipy.special.logsumexp computes the same, with more overhead per call.)"""
    top = logc.max(axis=1, keepdims=True)
    e = np.exp(logc - top)
    total = e.sum(axis=1, keepdims=True)
    e /= total
    return (top + np.log(total))[:, 0], e


def _grid_axis(values: ArrayLike, name: str) -> FloatArray:
    return _array(values, name, ndim=1, min_size=1)


# --------------------------------------------------------------------------------------------
# Gaussian mixtures
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class GaussianMixture:
    """A Gaussian mixture ``p(x) = Σ_k w_k N(x; m_k, S_k)`` in d = 1 or 2 dimensions.

    The arrays are stored read-only; equality compares their values.

    Attributes
    ----------
    weights : array (k,)
        Finite, ≥ 0, with a positive sum; stored normalised to sum 1.  k ≥ 1.
    means : array (k, d)
        Finite component means m_k, d ∈ {1, 2}; in 1-D an array (k,) is accepted.
    covs : array (k, d, d)
        Symmetric positive-definite component covariances S_k; in 1-D an array (k,) of
        variances is accepted.
    """

    weights: FloatArray
    means: FloatArray
    covs: FloatArray
    _chol: FloatArray = field(init=False, repr=False)
    _prec: FloatArray = field(init=False, repr=False)
    _log_norm: FloatArray = field(init=False, repr=False)
    _expanded: tuple[FloatArray, FloatArray, FloatArray, FloatArray] | None = field(
        init=False, repr=False
    )

    def __post_init__(self) -> None:
        w = _array(self.weights, "weights", finite=False)
        if w.ndim != 1 or w.size < 1:
            raise ValueError(
                f"weights must be a 1-D array of k ≥ 1 component weights, got shape {w.shape}"
            )
        k = w.size
        if not np.all(np.isfinite(w)) or np.any(w < 0):
            raise ValueError(f"weights must be finite and ≥ 0, got {w.tolist()}")
        if not w.max() > 0:
            raise ValueError("weights must have a positive sum (at least one weight > 0)")
        w = w / w.max()  # first, so that the sum cannot overflow
        w = w / w.sum()

        m = _array(self.means, "means", finite=False)
        if m.ndim == 1 and m.size == k:
            m = m.reshape(k, 1)
        if m.ndim != 2 or m.shape[0] != k or m.shape[1] not in (1, 2):
            raise ValueError(
                f"means must have shape (k, d) with k = {k} (one per weight) and "
                f"d ∈ {{1, 2}}, got shape {m.shape}"
            )
        if not np.all(np.isfinite(m)):
            raise ValueError("means must be finite")
        d = m.shape[1]

        c = _array(self.covs, "covs", finite=False)
        if d == 1 and c.shape == (k,):
            c = c.reshape(k, 1, 1)
        if c.shape != (k, d, d):
            raise ValueError(
                f"covs must have shape (k, d, d) = ({k}, {d}, {d}), got shape {c.shape}"
            )
        if not np.all(np.isfinite(c)):
            raise ValueError("covs must be finite")
        scale = float(np.max(np.abs(c)))
        if np.max(np.abs(c - c.transpose(0, 2, 1))) > 1e-10 * scale:
            raise ValueError("covs must be symmetric matrices")
        c = 0.5 * (c + c.transpose(0, 2, 1))
        chol, prec = _roots_and_inverses(c)
        if not np.all(np.isfinite(prec)):  # e.g. a subnormal variance: 1/1e-320 overflows
            raise ValueError("covs must have an inverse representable in float64 (too small)")
        prec = 0.5 * (prec + prec.transpose(0, 2, 1))
        logdet = 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
        with np.errstate(divide="ignore"):
            log_norm = np.log(w) - 0.5 * logdet - 0.5 * d * _LOG_2PI

        object.__setattr__(self, "weights", _readonly(w))
        object.__setattr__(self, "means", _readonly(m))
        object.__setattr__(self, "covs", _readonly(c))
        object.__setattr__(self, "_chol", _readonly(chol))
        object.__setattr__(self, "_prec", _readonly(prec))
        object.__setattr__(self, "_log_norm", _readonly(log_norm))
        object.__setattr__(self, "_expanded", _expansion(m, c, log_norm))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GaussianMixture):
            return NotImplemented
        return (
            np.array_equal(self.weights, other.weights)
            and np.array_equal(self.means, other.means)
            and np.array_equal(self.covs, other.covs)
        )

    def __hash__(self) -> int:
        return hash((self.weights.tobytes(), self.means.tobytes(), self.covs.tobytes()))

    # construction ---------------------------------------------------------------------------

    @classmethod
    def isotropic(
        cls, weights: ArrayLike, means: ArrayLike, stds: ArrayLike | float
    ) -> GaussianMixture:
        """Mixture of isotropic components ``N(m_k, std_k² I)``.

        Parameters
        ----------
        weights : array (k,)
            Component weights (normalised on construction).
        means : array (k, d), or (k,) in 1-D
        stds : float or array (k,)
            Standard deviation of each component, finite and > 0.
        """
        w = _array(weights, "weights", finite=False)
        if w.ndim != 1 or w.size < 1:
            raise ValueError(
                f"weights must be a 1-D array of k ≥ 1 component weights, got shape {w.shape}"
            )
        k = w.size
        m = _array(means, "means", finite=False)
        if m.ndim == 1 and m.size == k:
            m = m.reshape(k, 1)
        if m.ndim != 2 or m.shape[0] != k or m.shape[1] not in (1, 2):
            raise ValueError(
                f"means must have shape (k, d) with k = {k} (one per weight) and "
                f"d ∈ {{1, 2}}, got shape {m.shape}"
            )
        s = _array(stds, "stds", finite=False)
        if s.ndim == 0:
            s = np.full(k, float(s))
        if s.shape != (k,):
            raise ValueError(
                f"stds must be a number or an array of shape ({k},), got shape {s.shape}"
            )
        if not np.all(np.isfinite(s)) or np.any(s <= 0):
            raise ValueError(f"stds must be finite and > 0, got {s.tolist()}")
        d = m.shape[1]
        covs = (s**2)[:, None, None] * np.eye(d)
        return cls(w, m, covs)

    @classmethod
    def from_rows(cls, rows: ArrayLike) -> GaussianMixture:
        """Mixture of isotropic components from a table, one row ``[w_k, m_k…, std_k]`` each.

        The form a component editor shows and a scene stores: ``[w, m, std]`` in 1-D,
        ``[w, m_x, m_y, std]`` in 2-D; the inverse of :meth:`rows`.

        Parameters
        ----------
        rows : array (k, d + 2)
            k ≥ 1 rows of d + 2 numbers, d ∈ {1, 2}; the weights are normalised.
        """
        table = _array(rows, "rows", ndim=2, min_size=1)
        if table.shape[1] not in (3, 4):
            raise ValueError(
                f"rows must have 3 (1-D) or 4 (2-D) columns [weight, mean…, std], got shape "
                f"{table.shape}"
            )
        return cls.isotropic(table[:, 0], table[:, 1:-1], table[:, -1])

    def rows(self) -> list[list[float]]:
        """The components as rows ``[w_k, m_k…, std_k]`` (see :meth:`from_rows`).

        Raises ValueError when a component is not isotropic (S_k ≠ std_k² I): a row holds one
        standard deviation only.
        """
        stds = self.stds
        isotropic = (stds**2)[:, None, None] * np.eye(self.dim)
        if not np.allclose(self.covs, isotropic, rtol=1e-12, atol=0.0):
            raise ValueError("rows: every component must be isotropic, S_k = std_k² I")
        return [
            [float(w), *map(float, m), float(std)]
            for w, m, std in zip(self.weights, self.means, stds, strict=True)
        ]

    # shape ------------------------------------------------------------------------------------

    @property
    def dim(self) -> int:
        """Dimension d of the points (1 or 2)."""
        return int(self.means.shape[1])

    @property
    def k(self) -> int:
        """Number of components."""
        return int(self.weights.size)

    @property
    def stds(self) -> FloatArray:
        """Per-component standard deviation ``sqrt(tr S_k / d)`` (exact for isotropic ones)."""
        return np.sqrt(np.trace(self.covs, axis1=1, axis2=2) / self.dim)

    # densities --------------------------------------------------------------------------------

    def _exp_terms(self, pts: FloatArray) -> tuple[FloatArray, FloatArray]:
        """``exp(log w_k N(x; m_k, S_k) − t(x))`` (n, k) and the row shift t(x) (n,), the
        largest term of each row (so nothing overflows and the largest is 1).

        Diagonal covariances: the quadratic form as one matrix product (see
        :data:`EXPANSION_LIMIT`); otherwise :meth:`_terms`."""
        if self._fits_expansion(pts):
            quadratic, offset, _, _ = self._expanded
            logc = np.concatenate([pts * pts, pts], axis=1) @ quadratic
            logc += offset
        else:
            logc = self._terms(pts)[0]
        top = logc.max(axis=1, keepdims=True)
        logc -= top
        np.exp(logc, out=logc)
        return logc, top[:, 0]

    def _fits_expansion(self, pts: FloatArray) -> bool:
        if self._expanded is None or pts.size == 0:
            return False
        _, _, _, scale = self._expanded
        return float(np.max(np.abs(pts))) ** 2 * pts.shape[1] * scale[0] + scale[1] <= (
            EXPANSION_LIMIT
        )

    def _terms(self, pts: FloatArray) -> tuple[FloatArray, list[FloatArray], list[FloatArray]]:
        """Log terms ``log w_k N(x; m_k, S_k)`` (n, k), and per coordinate i the (n, k) arrays
        ``(x − m_k)_i`` and ``(S_k⁻¹(x − m_k))_i``.  d ≤ 2: plain broadcasting beats einsum."""
        d = self.dim
        diff = [pts[:, i, None] - self.means[None, :, i] for i in range(d)]
        prec = self._prec
        if d == 1:
            pd = [diff[0] * prec[:, 0, 0]]
            q = diff[0] * pd[0]
        else:
            pd = [diff[0] * prec[:, i, 0] + diff[1] * prec[:, i, 1] for i in range(2)]
            q = diff[0] * pd[0] + diff[1] * pd[1]
        q *= -0.5
        q += self._log_norm
        return q, diff, pd

    def _log_pdf_pts(self, pts: FloatArray) -> FloatArray:
        out = np.empty(pts.shape[0])
        for sl in _chunks(pts.shape[0]):
            terms, top = self._exp_terms(pts[sl])
            out[sl] = top + np.log(terms.sum(axis=1))
        return out

    def _score_pts(self, pts: FloatArray) -> FloatArray:
        """``−Σ_k r_k S_k⁻¹(x − m_k)``; diagonal S_k: ``Σ_k e_k (S_k⁻¹m_k − S_k⁻¹x) / Σ_k e_k``
        with the terms e_k of :meth:`_exp_terms`, two matrix products."""
        out = np.empty_like(pts)
        d = self.dim
        for sl in _chunks(pts.shape[0]):
            x = pts[sl]
            if self._fits_expansion(x):
                terms, _ = self._exp_terms(x)
                sums = terms @ self._expanded[2]  # [Σ e S⁻¹m, Σ e S⁻¹ (diagonal), Σ e]
                out[sl] = (sums[:, :d] - x * sums[:, d : 2 * d]) / sums[:, 2 * d :]
                continue
            logc, _, pd = self._terms(x)
            r = _log_sum_exp(logc)[1]
            for i in range(d):
                out[sl, i] = -np.einsum("nk,nk->n", r, pd[i])
        return out

    def _resp_pts(self, pts: FloatArray) -> FloatArray:
        out = np.empty((pts.shape[0], self.k))
        for sl in _chunks(pts.shape[0]):
            terms, _ = self._exp_terms(pts[sl])
            out[sl] = terms / terms.sum(axis=1, keepdims=True)
        return out

    def log_pdf(self, x: ArrayLike) -> FloatArray:
        """Log density ``log Σ_k w_k N(x; m_k, S_k)``, computed with log-sum-exp.

        Parameters
        ----------
        x : array (n, d), or (n,) / scalar in 1-D, or (2,) in 2-D

        Returns
        -------
        array (n,) (a 0-d array for a single point)
        """
        pts = _points(x, self.dim)
        return self._log_pdf_pts(pts).reshape(_batch_shape(x, self.dim))

    def pdf(self, x: ArrayLike) -> FloatArray:
        """Density ``p(x) = Σ_k w_k N(x; m_k, S_k)``; same shapes as :meth:`log_pdf`."""
        return np.exp(self.log_pdf(x))

    def score(self, x: ArrayLike) -> FloatArray:
        """Score ``∇ log p(x) = −Σ_k r_k(x) S_k⁻¹ (x − m_k)``.

        ``r_k(x) = w_k N(x; m_k, S_k) / p(x)`` are the responsibilities, formed from
        log-densities with log-sum-exp, so the score stays finite far in the tails (it tends to
        the score of the dominant component there).

        Parameters
        ----------
        x : array (n, d), or (n,) / scalar in 1-D, or (2,) in 2-D

        Returns
        -------
        array of the shape of ``x``
        """
        pts = _points(x, self.dim)
        return self._score_pts(pts).reshape(np.shape(x))

    def responsibilities(self, x: ArrayLike) -> FloatArray:
        """Posterior component probabilities ``r_k(x)``, shape (n, k); rows sum to 1."""
        pts = _points(x, self.dim)
        return self._resp_pts(pts).reshape(_batch_shape(x, self.dim) + (self.k,))

    def cdf(self, x: ArrayLike) -> FloatArray:
        """Cumulative distribution ``Σ_k w_k Φ((x − m_k)/s_k)`` (1-D mixtures only).

        Returns an array of the shape of ``x`` ((n,) for points of shape (n, 1)).
        """
        if self.dim != 1:
            raise ValueError(f"cdf is defined for 1-D mixtures only; this one has d = {self.dim}")
        from scipy.special import ndtr  # (imported where it is used: the app starts sooner)

        pts = _points(x, 1)
        sd = np.sqrt(self.covs[:, 0, 0])
        out = ndtr((pts - self.means[:, 0]) / sd) @ self.weights
        return out.reshape(_batch_shape(x, 1))

    def mean(self) -> FloatArray:
        """Mixture mean ``Σ_k w_k m_k``, shape (d,)."""
        return self.weights @ self.means

    def cov(self) -> FloatArray:
        """Mixture covariance ``Σ_k w_k (S_k + m_k m_kᵀ) − μ μᵀ``, shape (d, d)."""
        mu = self.mean()
        second = np.einsum("k,kij->ij", self.weights, self.covs)
        second += np.einsum("k,ki,kj->ij", self.weights, self.means, self.means)
        return second - np.outer(mu, mu)

    def sample(self, n: int, seed: int) -> FloatArray:
        """Draw ``n`` independent points, shape (n, d).

        A component k ~ Categorical(w), then ``x = m_k + L_k z`` with ``L_k L_kᵀ = S_k`` and
        z ~ N(0, I).  Same seed, same numbers.

        Parameters
        ----------
        n : int
            0 ≤ n ≤ 10⁷.
        seed : int
            ≥ 0.
        """
        n = _count(n, "n", 0, MAX_SAMPLES)
        rng = np.random.default_rng(_seed(seed))
        comp = rng.choice(self.k, size=n, p=self.weights)
        z = rng.standard_normal((n, self.dim))
        return self.means[comp] + np.einsum("nij,nj->ni", self._chol[comp], z)

    def affine(self, a: float, b: float) -> GaussianMixture:
        """Law of ``a X + b Z`` for X ~ this mixture and Z ~ N(0, I) independent.

        Components ``N(a m_k, a² S_k + b² I)``; every marginal in this module is one of these
        (:func:`vp_marginal` with a = α(s), b = σ(s); :func:`interpolant_marginal` with
        a = τ, b = 1 − τ).  ``a`` and ``b`` must be finite and not both 0.
        """
        a = _real(a, "a")
        b = _real(b, "b")
        if a == 0.0 and b == 0.0:
            raise ValueError("a and b must not both be 0 (the law would be a point mass)")
        covs = (a * a) * self.covs + (b * b) * np.eye(self.dim)
        return GaussianMixture(self.weights, a * self.means, covs)

    # editing ----------------------------------------------------------------------------------

    def _index(self, index: object) -> int:
        return _count(index, "index", 0, self.k - 1)

    def with_component(self, weight: float, mean: ArrayLike, std: float) -> GaussianMixture:
        """A new mixture with the isotropic component ``N(mean, std² I)`` appended.

        ``weight`` (finite, ≥ 0) is on the scale of the current, normalised weights; all
        weights are renormalised afterwards (so adding weight 1 to a mixture halves the others).
        """
        weight = _real(weight, "weight", lo=0.0)
        m = self._mean_value(mean)
        std = _real(std, "std", lo=0.0, lo_open=True)
        cov = std * std * np.eye(self.dim)
        return GaussianMixture(
            np.append(self.weights, weight),
            np.vstack([self.means, m[None, :]]),
            np.concatenate([self.covs, cov[None]], axis=0),
        )

    def without_component(self, index: int) -> GaussianMixture:
        """A new mixture without component ``index``; the last component cannot be removed."""
        if self.k == 1:
            raise ValueError("index: cannot remove the only component of a mixture (k ≥ 1)")
        i = self._index(index)
        keep = np.arange(self.k) != i
        if not np.any(self.weights[keep] > 0):
            raise ValueError(f"index: removing component {i} would leave only zero weights")
        return GaussianMixture(self.weights[keep], self.means[keep], self.covs[keep])

    def _mean_value(self, mean: ArrayLike) -> FloatArray:
        m = _array(mean, "mean", finite=False).reshape(-1)
        if m.shape != (self.dim,) or not np.all(np.isfinite(m)):
            raise ValueError(f"mean must be {self.dim} finite number(s), got {mean!r}")
        return m

    def with_mean(self, index: int, mean: ArrayLike) -> GaussianMixture:
        """A new mixture with the mean of component ``index`` replaced."""
        i = self._index(index)
        means = self.means.copy()
        means[i] = self._mean_value(mean)
        return GaussianMixture(self.weights, means, self.covs)

    def with_weight(self, index: int, weight: float) -> GaussianMixture:
        """A new mixture with the (unnormalised) weight of component ``index`` replaced.

        The weights are then renormalised: on (0.3, 0.7), ``with_weight(0, 0.5)`` gives
        (0.5, 0.7)/1.2.  ``weight`` must be finite and ≥ 0, and not leave all weights 0.
        """
        i = self._index(index)
        w = self.weights.copy()
        w[i] = _real(weight, "weight", lo=0.0)
        if not np.any(w > 0):
            raise ValueError("weight: at least one component must keep a weight > 0")
        return GaussianMixture(w, self.means, self.covs)

    def with_std(self, index: int, std: float) -> GaussianMixture:
        """A new mixture whose component ``index`` has covariance ``std² I`` (std > 0)."""
        i = self._index(index)
        std = _real(std, "std", lo=0.0, lo_open=True)
        covs = self.covs.copy()
        covs[i] = std * std * np.eye(self.dim)
        return GaussianMixture(self.weights, self.means, covs)


def _roots_and_inverses(c: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Cholesky factors and inverses of symmetric covariances (k, d, d), which must be positive
    definite; diagonal ones (every isotropic mixture, and its marginals) by their diagonals,
    without LAPACK on k tiny matrices (a 256-component target builds two mixtures a frame)."""
    d = c.shape[1]
    if d == 1 or not np.any(c[:, 0, 1]):
        diagonal = np.diagonal(c, axis1=1, axis2=2)
        if not np.all(diagonal > 0):
            raise ValueError(
                f"covs must be positive definite (all eigenvalues > 0), got "
                f"smallest eigenvalue {float(diagonal.min()):g}"
            )
        eye = np.eye(d)
        with np.errstate(over="ignore"):  # a subnormal variance: refused by the caller
            inverse = 1.0 / diagonal
        return np.sqrt(diagonal)[:, :, None] * eye, inverse[:, :, None] * eye
    eig = np.linalg.eigvalsh(c)
    if not np.all(eig > 0):
        raise ValueError(
            f"covs must be positive definite (all eigenvalues > 0), got "
            f"smallest eigenvalue {float(eig.min()):g}"
        )
    try:
        chol = np.linalg.cholesky(c)
    except np.linalg.LinAlgError as exc:  # pragma: no cover - eigenvalues checked above
        raise ValueError(f"covs must be positive definite ({exc})") from exc
    return chol, np.linalg.inv(c)


def _expansion(
    means: FloatArray, covs: FloatArray, log_norm: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray] | None:
    """For diagonal covariances, the coefficients that make the log terms one matrix product:
    ``log w_k N(x; m_k, S_k) = [x², x] · [−½ S_k⁻¹; S_k⁻¹m_k] + (log_norm_k − ½ m_kᵀS_k⁻¹m_k)``;
    the score's ``[S_k⁻¹m_k, S_k⁻¹, 1]``; and (max S⁻¹, max m_kᵀS_k⁻¹m_k) for
    :data:`EXPANSION_LIMIT`. None for other covariances."""
    d = means.shape[1]
    if d == 2 and np.any(covs[:, 0, 1] != 0.0):
        return None
    inv = 1.0 / np.diagonal(covs, axis1=1, axis2=2)  # (k, d)
    scaled = means * inv
    quadratic = np.concatenate([-0.5 * inv.T, scaled.T], axis=0)  # (2d, k)
    offset = log_norm - 0.5 * np.sum(means * scaled, axis=1)
    score = np.column_stack([scaled, inv, np.ones(len(inv))])  # (k, 2d + 1)
    scale = np.array([float(inv.max()), float(np.max(np.sum(means * scaled, axis=1)))])
    return quadratic, offset, score, scale


def default_target(dim: int) -> GaussianMixture:
    """The target shown when the tab opens.

    1-D: weights (0.3, 0.7), means (−2, 1.5), standard deviations (0.4, 0.5): two well
    separated, unequal bumps.  2-D: four equal components N(m_k, 0.35² I) on a ring of radius
    2.5 at angles 45°, 135°, 225°, 315°.
    """
    dim = _count(dim, "dim", 1, 2)
    if dim == 1:
        return GaussianMixture.isotropic((0.3, 0.7), (-2.0, 1.5), (0.4, 0.5))
    angles = np.deg2rad([45.0, 135.0, 225.0, 315.0])
    means = 2.5 * np.column_stack([np.cos(angles), np.sin(angles)])
    return GaussianMixture.isotropic(np.full(4, 0.25), means, 0.35)


# --------------------------------------------------------------------------------------------
# noise schedules
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoiseSchedule:
    """The noise rate β(s) of the VP SDE ``dX = −½β X ds + √β dW`` (diffusion time s ∈ [0, 1]).

    Attributes
    ----------
    kind : {"linear", "cosine", "constant"}
        ``"linear"``: ``β(s) = β_min + s (β_max − β_min)`` (Song et al. 2021, the VP SDE).
        ``"constant"``: ``β(s) = β_max`` — then the VP SDE is exactly the Ornstein–Uhlenbeck
        process of the Langevin tab (:mod:`core.langevin`): eq. 9.2 with the harmonic
        potential V = k x²/2, k = β/2, and noise σ = √β, whose Boltzmann law
        ∝ exp(−2V/σ²) is N(0, I).
        ``"cosine"``: the schedule of Nichol & Dhariwal 2021 ("Improved Denoising Diffusion
        Probabilistic Models", eq. 17), ``α(s) = cos(π/2·(s+ε)/(1+ε)) / cos(π/2·ε/(1+ε))``,
        ε = 0.008 (α(s)² is their ᾱ_t at t/T = s), whose rate
        ``β_cos(s) = −2 d log α/ds = π/(1+ε)·tan(π/2·(s+ε)/(1+ε))`` diverges at s = 1; it
        is clipped, ``β(s) = min(β_cos(s), β_max)``, and the integral is exact for the
        clipped rate.
    beta_min : float
        β at s = 0 for ``"linear"`` (unused by the other kinds); finite, 0 ≤ β_min ≤ β_max.
    beta_max : float
        β at s = 1 for ``"linear"``, the constant rate, or the cosine clip; finite, > 0.
    """

    kind: str = "linear"
    beta_min: float = 0.1
    beta_max: float = 20.0

    def __post_init__(self) -> None:
        if not isinstance(self.kind, str) or self.kind not in SCHEDULE_KINDS:
            raise ValueError(f"kind must be one of {SCHEDULE_KINDS}, got {self.kind!r}")
        bmax = _real(self.beta_max, "beta_max", lo=0.0, lo_open=True)
        # only the linear schedule uses β_min; the others ignore it
        bmin = _real(
            self.beta_min, "beta_min", lo=0.0, hi=bmax if self.kind == "linear" else math.inf
        )
        object.__setattr__(self, "beta_min", bmin)
        object.__setattr__(self, "beta_max", bmax)

    # cosine helpers -----------------------------------------------------------------------------

    def _theta(self, s: FloatArray) -> FloatArray:
        eps = COSINE_OFFSET
        return 0.5 * math.pi * (s + eps) / (1.0 + eps)

    @property
    def crossover(self) -> float:
        """For ``"cosine"``: the s* in [0, 1] above which β is clipped to β_max (1 if never);
        0 for the other kinds."""
        if self.kind != "cosine":
            return 0.0
        eps = COSINE_OFFSET
        theta = math.atan(self.beta_max * (1.0 + eps) / math.pi)
        return min(max(2.0 * (1.0 + eps) * theta / math.pi - eps, 0.0), 1.0)

    def _cos_integral(self, s: FloatArray) -> FloatArray:
        theta0 = float(self._theta(np.float64(0.0)))
        return -2.0 * (np.log(np.cos(self._theta(s))) - math.log(math.cos(theta0)))

    # public -----------------------------------------------------------------------------------

    def _s(self, s: ArrayLike) -> FloatArray:
        arr = _array(s, "s", finite=False)
        if not np.all((arr >= 0.0) & (arr <= 1.0)):
            raise ValueError("s (diffusion time) must lie in [0, 1]")
        return arr

    def beta(self, s: ArrayLike) -> FloatArray:
        """Noise rate β(s) ≥ 0 at diffusion time s ∈ [0, 1] (vectorised)."""
        s = self._s(s)
        if self.kind == "linear":
            out = self.beta_min + s * (self.beta_max - self.beta_min)
        elif self.kind == "constant":
            out = np.full(s.shape, self.beta_max)
        else:
            with np.errstate(over="ignore"):
                raw = math.pi / (1.0 + COSINE_OFFSET) * np.tan(self._theta(s))
            out = np.minimum(raw, self.beta_max)
        return out[()]

    def integral(self, s: ArrayLike) -> FloatArray:
        """``B(s) = ∫₀ˢ β(u) du`` in closed form (vectorised).

        Linear: ``β_min s + ½(β_max − β_min) s²``; constant: ``β_max s``; cosine:
        ``−2 log[cos θ(s)/cos θ(0)]`` up to the crossover s*, then ``+ β_max (s − s*)``.
        """
        s = self._s(s)
        if self.kind == "linear":
            out = self.beta_min * s + 0.5 * (self.beta_max - self.beta_min) * s * s
        elif self.kind == "constant":
            out = self.beta_max * s
        else:
            s_star = self.crossover
            b_star = float(self._cos_integral(np.float64(s_star)))
            below = self._cos_integral(np.minimum(s, s_star))
            out = np.where(s <= s_star, below, b_star + self.beta_max * (s - s_star))
        return np.asarray(out, dtype=np.float64)[()]

    def alpha(self, s: ArrayLike) -> FloatArray:
        """Signal scale ``α(s) = exp(−½ B(s))`` ∈ (0, 1]; α(0) = 1."""
        return np.exp(-0.5 * np.asarray(self.integral(s)))[()]

    def sigma(self, s: ArrayLike) -> FloatArray:
        """Noise scale ``σ(s) = sqrt(1 − α(s)²) = sqrt(−expm1(−B(s)))`` ∈ [0, 1); σ(0) = 0."""
        return np.sqrt(-np.expm1(-np.asarray(self.integral(s))))[()]


def base_mismatch(schedule: NoiseSchedule) -> float:
    """``α(1)²``: how far the exact p_{s=1} is from the base N(0, I) the samplers start from.

    ``p_{s=1}`` is the law of ``α(1) X₀ + σ(1) Z``.  Its mean is ``α(1)·E[X₀]`` rather than 0,
    and (by convexity of the KL divergence) ``KL(p_{s=1} ‖ N(0, I)) ≤ ½ α(1)² E|X₀|² + O(α⁴)``.
    Default linear schedule: α(1)² = e^{−10.05} ≈ 4.3·10⁻⁵; constant β = 20: e^{−20};
    cosine clipped at β_max = 20: ≈ 3.3·10⁻³ (visible with many particles).
    """
    if not isinstance(schedule, NoiseSchedule):
        raise ValueError(f"schedule must be a NoiseSchedule, got {schedule!r}")
    return float(schedule.alpha(1.0)) ** 2


# --------------------------------------------------------------------------------------------
# exact marginals
# --------------------------------------------------------------------------------------------


def _check_target(target: object, name: str = "target") -> GaussianMixture:
    if not isinstance(target, GaussianMixture):
        raise ValueError(f"{name} must be a GaussianMixture, got {type(target).__name__}")
    return target


def _check_schedule(schedule: object) -> NoiseSchedule:
    """A NoiseSchedule; None stands for the default ``NoiseSchedule()``."""
    if schedule is None:
        return NoiseSchedule()
    if not isinstance(schedule, NoiseSchedule):
        raise ValueError(f"schedule must be a NoiseSchedule, got {type(schedule).__name__}")
    return schedule


def vp_marginal(
    target: GaussianMixture, s: float, schedule: NoiseSchedule | None = None
) -> GaussianMixture:
    """Law p_s of the forward VP SDE at diffusion time s (eq. 9.2 with μ = −½βx, σ = √β).

    ``X_s = α(s) X₀ + σ(s) Z`` with X₀ ~ target, so (Song et al. 2021, appendix B)

        p_s = Σ_k w_k N(α(s) m_k, α(s)² S_k + σ(s)² I),

    which solves the Fokker–Planck equation (eq. 9.4)
    ``∂_s p = ∇·(½β x p) + ½β Δp`` with p_0 = target.

    Parameters
    ----------
    target : GaussianMixture
        The data distribution p_0.
    s : float
        Diffusion time in [0, 1]; s = 0 returns the target.
    schedule : NoiseSchedule, optional
        Default ``NoiseSchedule()`` (linear, 0.1 to 20).
    """
    target = _check_target(target)
    schedule = _check_schedule(schedule)
    s = _real(s, "s", lo=0.0, hi=1.0)
    return target.affine(float(schedule.alpha(s)), float(schedule.sigma(s)))


def interpolant_marginal(target: GaussianMixture, tau: float) -> GaussianMixture:
    """Law of the linear interpolant ``x_τ = (1 − τ) x₀ + τ x₁``, x₀ ~ N(0, I), x₁ ~ target.

        p_τ = Σ_k w_k N(τ m_k, τ² S_k + (1 − τ)² I)

    (Albergo & Vanden-Eijnden 2023; conditional-OT flow matching with σ_min = 0, Lipman et
    al. 2023 §4.1).  τ = 0 gives N(0, I), τ = 1 the target.
    """
    target = _check_target(target)
    tau = _tau(tau)
    return target.affine(tau, 1.0 - tau)


def marginal(
    target: GaussianMixture, process: str, tau: float, schedule: NoiseSchedule | None = None
) -> GaussianMixture:
    """The exact law at generation time τ of ``process`` (one of :data:`PROCESSES`).

    ``"reverse_sde"`` and ``"probability_flow"``: :func:`vp_marginal` at s = 1 − τ;
    ``"flow_matching"``: :func:`interpolant_marginal` at τ.

    The diffusion samplers start from N(0, I) rather than from this law at τ = 0 (the exact
    p_{s=1}); the difference is of order :func:`base_mismatch` = α(1)² (≈ 4·10⁻⁵ for the
    default linear schedule).
    """
    process = _process(process)
    tau = _tau(tau)
    schedule = _check_schedule(schedule)
    if process == "flow_matching":
        return interpolant_marginal(target, tau)
    return vp_marginal(target, 1.0 - tau, schedule)


# --------------------------------------------------------------------------------------------
# fields
# --------------------------------------------------------------------------------------------


def _vp_field(
    target: GaussianMixture, tau: float, pts: FloatArray, schedule: NoiseSchedule, c: float
) -> FloatArray:
    """``½β x + c β ∇log p_s(x)`` at s = 1 − τ (c = 1: reverse SDE drift, c = ½: PF ODE)."""
    s = 1.0 - tau
    beta = float(schedule.beta(s))
    score = target.affine(float(schedule.alpha(s)), float(schedule.sigma(s)))._score_pts(pts)
    score *= c * beta
    score += (0.5 * beta) * pts
    return score


def _fm_field(target: GaussianMixture, tau: float, pts: FloatArray) -> FloatArray:
    """Exact flow-matching velocity on points (n, d); see :func:`flow_matching_velocity`."""
    mix = target.affine(tau, 1.0 - tau)  # covariances C_k = τ² S_k + (1 − τ)² I
    eye = np.eye(target.dim)
    # A_k = (τ S_k − (1 − τ) I) C_k⁻¹; symmetric, since both factors are polynomials in S_k
    gain = np.matmul(tau * target.covs - (1.0 - tau) * eye, mix._prec)
    out = np.empty_like(pts)
    d = target.dim
    if mix._expanded is not None:  # diagonal: v = Σ e_k (m_k − τ a_k m_k + a_k x) / Σ e_k
        a = np.diagonal(gain, axis1=1, axis2=2)
        weights = np.column_stack([target.means - tau * a * target.means, a, np.ones(len(a))])
    for sl in _chunks(pts.shape[0]):
        x = pts[sl]
        if mix._fits_expansion(x):
            sums = mix._exp_terms(x)[0] @ weights
            out[sl] = (sums[:, :d] + x * sums[:, d : 2 * d]) / sums[:, 2 * d :]
            continue
        logc, diff, _ = mix._terms(x)  # diff[i] = (x − τ m_k)_i
        r = _log_sum_exp(logc)[1]
        for e in range(d):
            cond = diff[0] * gain[:, e, 0]
            for i in range(1, d):
                cond += diff[i] * gain[:, e, i]
            cond += target.means[:, e]
            out[sl, e] = np.einsum("nk,nk->n", r, cond)
    return out


def _field(
    target: GaussianMixture, process: str, tau: float, pts: FloatArray, schedule: NoiseSchedule
) -> FloatArray:
    if process == "flow_matching":
        return _fm_field(target, tau, pts)
    return _vp_field(target, tau, pts, schedule, 1.0 if process == "reverse_sde" else 0.5)


def reverse_sde_drift(
    target: GaussianMixture, tau: float, x: ArrayLike, schedule: NoiseSchedule | None = None
) -> FloatArray:
    """Drift of the reverse-time VP SDE in generation time τ (s = 1 − τ).

    Song et al. 2021 eq. 6, ``dX = [f − g² ∇log p_s] ds + g dW̄`` with f = −½βx, g = √β,
    run forward in τ (dτ = −ds):

        dX = [½β(s) X + β(s) ∇log p_s(X)] dτ + √β(s) dW̄,

    with p_s = :func:`vp_marginal`.  Returns the drift ``½βx + β∇log p_s(x)`` in the shape of x.

    Parameters
    ----------
    target : GaussianMixture
    tau : float
        Generation time in [0, 1].
    x : array (n, d), or (n,) / scalar in 1-D
        Finite points.
    schedule : NoiseSchedule, optional
        Default ``NoiseSchedule()``.
    """
    target = _check_target(target)
    schedule = _check_schedule(schedule)
    tau = _tau(tau)
    pts = _points(x, target.dim)
    return _vp_field(target, tau, pts, schedule, 1.0).reshape(np.shape(x))


def probability_flow_velocity(
    target: GaussianMixture, tau: float, x: ArrayLike, schedule: NoiseSchedule | None = None
) -> FloatArray:
    """Velocity of the probability-flow ODE in generation time τ (s = 1 − τ).

    Song et al. 2021 eq. 13, ``dX/ds = f − ½ g² ∇log p_s``, run forward in τ:

        dX/dτ = ½β(s) X + ½β(s) ∇log p_s(X).

    Its density p_τ = vp_marginal(1 − τ) obeys the transport equation (eq. 9.8)
    ``∂_τ p + ∇·(v p) = 0``.  Returns v in the shape of x; the parameters are those of
    :func:`reverse_sde_drift`.
    """
    target = _check_target(target)
    schedule = _check_schedule(schedule)
    tau = _tau(tau)
    pts = _points(x, target.dim)
    return _vp_field(target, tau, pts, schedule, 0.5).reshape(np.shape(x))


def flow_matching_velocity(target: GaussianMixture, tau: float, x: ArrayLike) -> FloatArray:
    """Exact velocity ``v(τ, x) = E[x₁ − x₀ | x_τ = x]`` of the linear interpolant.

    For a mixture target, with C_k = τ² S_k + (1 − τ)² I and responsibilities
    ``r_k(x) ∝ w_k N(x; τ m_k, C_k)``,

        v(τ, x) = Σ_k r_k(x) [m_k + (τ S_k − (1 − τ) I) C_k⁻¹ (x − τ m_k)]

    (Gaussian conditioning on x_τ within each component).  At τ = 0 it is ``Σ w_k m_k − x``,
    at τ = 1 it is x.  Equivalently (Tweedie) ``v = (x + (1 − τ)∇log p_τ(x))/τ`` for τ > 0,
    with p_τ = :func:`interpolant_marginal`; the ODE dX/dτ = v transports N(0, I) along p_τ
    (eq. 9.6–9.8).  Returns v in the shape of x.
    """
    target = _check_target(target)
    tau = _tau(tau)
    pts = _points(x, target.dim)
    return _fm_field(target, tau, pts).reshape(np.shape(x))


def velocity(
    target: GaussianMixture,
    process: str,
    tau: float,
    x: ArrayLike,
    schedule: NoiseSchedule | None = None,
) -> FloatArray:
    """The deterministic part of ``process`` at generation time τ: the drift μ of eq. 9.2.

    :func:`reverse_sde_drift`, :func:`probability_flow_velocity` or
    :func:`flow_matching_velocity` (which ignores ``schedule``).
    """
    process = _process(process)
    schedule = _check_schedule(schedule)
    if process == "flow_matching":
        return flow_matching_velocity(target, tau, x)
    if process == "reverse_sde":
        return reverse_sde_drift(target, tau, x, schedule)
    return probability_flow_velocity(target, tau, x, schedule)


def noise_scale(process: str, tau: float, schedule: NoiseSchedule | None = None) -> float:
    """The noise amplitude σ of eq. 9.2 for ``process`` at generation time τ.

    ``√β(1 − τ)`` for ``"reverse_sde"``, 0 for the two ODEs.
    """
    process = _process(process)
    tau = _tau(tau)
    schedule = _check_schedule(schedule)
    if process != "reverse_sde":
        return 0.0
    return math.sqrt(float(schedule.beta(1.0 - tau)))


# --------------------------------------------------------------------------------------------
# samplers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Trajectory:
    """Sampled paths of n particles (read-only arrays; equality is identity).

    Attributes
    ----------
    tau : array (k,)
        Generation times of the stored particles, increasing from 0 to ``tau_end``: every
        step's time, or ``frames + 1`` of them (see :func:`sample`).
    x : array (k, n, d)
        ``x[i]`` are the particles at ``tau[i]``; ``x[0]`` the start, ``x[-1]`` the end.
    """

    tau: FloatArray
    x: FloatArray

    def __post_init__(self) -> None:
        tau = _array(self.tau, "tau", finite=False, copy=False)
        x = _array(self.x, "x", finite=False, copy=False)  # sample() hands over its path: no copy
        if tau.ndim != 1 or tau.size < 1:
            raise ValueError(f"tau must be a 1-D array of times, got shape {tau.shape}")
        if x.ndim != 3 or x.shape[0] != tau.size or x.shape[2] not in (1, 2):
            raise ValueError(
                f"x must have shape (len(tau), n, d) with d ∈ {{1, 2}}, got shape "
                f"{x.shape} for {tau.size} times"
            )
        object.__setattr__(self, "tau", _readonly(tau))
        object.__setattr__(self, "x", _readonly(x))

    @property
    def steps(self) -> int:
        """Intervals between stored times (the integration steps when all are stored)."""
        return int(self.tau.size - 1)

    @property
    def n(self) -> int:
        return int(self.x.shape[1])

    @property
    def dim(self) -> int:
        return int(self.x.shape[2])

    @property
    def final(self) -> FloatArray:
        """The particles at the last time, shape (n, d)."""
        return self.x[-1]

    def index(self, tau: float) -> int:
        """Index of the stored time nearest to ``tau``."""
        t = _real(tau, "tau")
        return int(np.argmin(np.abs(self.tau - t)))

    def at(self, tau: float) -> FloatArray:
        """The particles at the stored time nearest to ``tau``, shape (n, d)."""
        return self.x[self.index(tau)]

    def interpolate(self, tau: float) -> FloatArray:
        """The particles at ``tau``, linear between the two stored times around it (exact for
        Euler steps when every step is stored: an Euler step is a straight line), shape (n, d);
        ``tau`` beyond the stored times gives the first or last particles."""
        t = _real(tau, "tau")
        i = int(np.clip(np.searchsorted(self.tau, t, side="right") - 1, 0, self.tau.size - 1))
        if i == self.tau.size - 1:
            return self.x[i]
        w = min(max((t - self.tau[i]) / (self.tau[i + 1] - self.tau[i]), 0.0), 1.0)
        return (1.0 - w) * self.x[i] + w * self.x[i + 1]


def _prepare(
    target: object,
    process: object,
    n: object,
    steps: object,
    seed: object,
    schedule: object,
    tau_end: object,
) -> tuple[GaussianMixture, str, int, int, int, NoiseSchedule, float]:
    target = _check_target(target)
    process = _process(process)
    n = _count(n, "n", 0, MAX_PARTICLES)
    steps = _count(steps, "steps", 1, MAX_STEPS)
    seed = _seed(seed)
    schedule = _check_schedule(schedule)
    tau_end = _real(tau_end, "tau_end", lo=0.0, hi=1.0, lo_open=True)
    return target, process, n, steps, seed, schedule, tau_end


def _run(
    target: GaussianMixture,
    process: str,
    n: int,
    steps: int,
    seed: int,
    schedule: NoiseSchedule,
    tau_end: float,
    x_start: ArrayLike | None,
    path: FloatArray | None,
    recorded: IntArray | None = None,
    cancel: Callable[[], bool] | None = None,
) -> FloatArray:
    """Integrate from τ = 0 to tau_end; fill ``path`` (len(recorded), n, d) if given with the
    particles after the steps listed in ``recorded`` (default: every step)."""
    d = target.dim
    rng = np.random.default_rng(seed)
    if x_start is None:
        cur = rng.standard_normal((n, d))
    else:
        cur = _points(x_start, d, "x_start")
        if cur.shape[0] != n:
            raise ValueError(f"x_start must hold n = {n} points, got {cur.shape[0]}")
        cur = np.array(cur, dtype=np.float64)
    if recorded is None:
        recorded = np.arange(steps + 1)
    slot = np.full(steps + 1, -1)
    slot[recorded] = np.arange(len(recorded))
    if path is not None:
        path[0] = cur
    dt = tau_end / steps
    noise = np.empty((n, d)) if process == "reverse_sde" else None
    for i in range(steps):
        if cancel is not None and cancel():
            raise SamplingCancelledError(f"cancelled after {i} of {steps} steps")
        tau = tau_end * i / steps
        step = _field(target, process, tau, cur, schedule)  # a fresh array: update in place
        step *= dt
        step += cur
        if noise is not None:
            g = math.sqrt(float(schedule.beta(1.0 - tau)) * dt)
            rng.standard_normal(out=noise)
            noise *= g
            step += noise
        cur = step
        if path is not None and slot[i + 1] >= 0:
            path[slot[i + 1]] = cur
    return cur


class SamplingCancelledError(Exception):
    """Raised by :func:`sample` when its ``cancel`` callable asks it to stop."""


def sample(
    target: GaussianMixture,
    process: str,
    n: int,
    steps: int,
    seed: int,
    schedule: NoiseSchedule | None = None,
    tau_end: float = 1.0,
    x_start: ArrayLike | None = None,
    frames: int | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Trajectory:
    """Carry n particles from N(0, I) at τ = 0 to τ = ``tau_end`` and keep the path.

    Uniform steps Δτ = tau_end/steps.  ``"reverse_sde"``: Euler–Maruyama,
    ``x ← x + Δτ·μ(τ, x) + √(β(1 − τ) Δτ)·ξ``; the ODEs: explicit Euler ``x ← x + Δτ·v(τ, x)``
    — on purpose, so that too few steps show the discretisation error.  Fields are evaluated
    at the start of each step, so the diffusion processes never need s = 0.

    Parameters
    ----------
    target : GaussianMixture
    process : {"reverse_sde", "probability_flow", "flow_matching"}
    n : int
        Number of particles, 0 ≤ n ≤ 10⁶.
    steps : int
        1 ≤ steps ≤ 10⁵, and the path n·(steps + 1)·d·8 bytes at most 400 MB.
    seed : int
        ≥ 0; draws the start (unless ``x_start`` is given) and the SDE noise.  Same seed, same
        trajectory.
    schedule : NoiseSchedule, optional
        For the diffusion processes; default ``NoiseSchedule()`` (linear, 0.1 to 20).
    tau_end : float
        End time in (0, 1].
    x_start : array (n, d), optional
        Start points at τ = 0 instead of N(0, I) draws.
    frames : int, optional
        Keep the particles after only ``frames + 1`` uniformly spread steps (the first and
        the last included) instead of after every step: a GUI's time slider needs no more, and
        the memory stays bounded. Default: every step.
    cancel : callable, optional
        Checked before every step; when it returns True, :class:`SamplingCancelledError` is raised.

    Returns
    -------
    Trajectory
        ``tau`` (k,), ``x`` (k, n, d) with k = steps + 1, or fewer with ``frames``.
    """
    target, process, n, steps, seed, schedule, tau_end = _prepare(
        target, process, n, steps, seed, schedule, tau_end
    )
    cancel = _callback(cancel, "cancel")
    if frames is None:
        recorded = np.arange(steps + 1)
    else:
        frames = _count(frames, "frames", 1, MAX_STEPS)
        recorded = np.unique(np.round(np.linspace(0, steps, min(frames, steps) + 1)).astype(int))
    size = n * len(recorded) * target.dim * 8
    if size > MAX_TRAJECTORY_BYTES:
        raise ValueError(
            f"steps: the path of {n} particles at {len(recorded)} times needs "
            f"{size / 1e6:.0f} MB, more than {MAX_TRAJECTORY_BYTES / 1e6:.0f} MB; use fewer "
            f"steps, frames or particles, or sample_final"
        )
    path = np.empty((len(recorded), n, target.dim))
    _run(target, process, n, steps, seed, schedule, tau_end, x_start, path, recorded, cancel)
    return Trajectory(tau_end * recorded / steps, path)


def sample_final(
    target: GaussianMixture,
    process: str,
    n: int,
    steps: int,
    seed: int,
    schedule: NoiseSchedule | None = None,
    tau_end: float = 1.0,
    x_start: ArrayLike | None = None,
) -> FloatArray:
    """Like :func:`sample`, but return only the end points (n, d) and store no path.

    Same arguments, same numbers: ``sample_final(...)`` equals ``sample(...).x[-1]``.
    """
    target, process, n, steps, seed, schedule, tau_end = _prepare(
        target, process, n, steps, seed, schedule, tau_end
    )
    return _run(target, process, n, steps, seed, schedule, tau_end, x_start, None)


@dataclass(frozen=True)
class SamplingRequest:
    """What :func:`sample_processes` samples: a frozen snapshot, safe to hand to a worker.

    Attributes
    ----------
    target : GaussianMixture
    processes : tuple of str
        Distinct names from :data:`PROCESSES`, at least one (a list is accepted).
    n : int
        Particles per process, in [0, MAX_PARTICLES].
    steps : int
        Time steps, in [1, MAX_STEPS].
    seed : int
        ≥ 0; every process starts from the same base draws.
    schedule : NoiseSchedule
        For the diffusion processes.
    frames : int, optional
        Stored times per path (see :func:`sample`); None stores every step.
    """

    target: GaussianMixture
    processes: tuple[str, ...]
    n: int
    steps: int
    seed: int
    schedule: NoiseSchedule = field(default_factory=NoiseSchedule)
    frames: int | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        _check_target(self.target)
        processes = self.processes
        if (
            not isinstance(processes, tuple | list)
            or not processes
            or not all(isinstance(p, str) and p in PROCESSES for p in processes)
            or len(set(processes)) != len(processes)
        ):
            raise ValueError(
                f"processes must be distinct names from {PROCESSES}, at least one, "
                f"got {processes!r}"
            )
        set_(self, "processes", tuple(processes))
        set_(self, "n", _count(self.n, "n", 0, MAX_PARTICLES))
        set_(self, "steps", _count(self.steps, "steps", 1, MAX_STEPS))
        set_(self, "seed", _seed(self.seed))
        if not isinstance(self.schedule, NoiseSchedule):
            raise ValueError(f"schedule must be a NoiseSchedule, got {self.schedule!r}")
        if self.frames is not None:
            set_(self, "frames", _count(self.frames, "frames", 1, MAX_STEPS))


@dataclass(frozen=True)
class SamplingResult:
    """The paths :func:`sample_processes` drew for a request, and how long it took.

    Attributes
    ----------
    request : SamplingRequest
    trajectories : dict of str to Trajectory
        One per requested process, in the request's order.
    seconds : float
        Wall-clock time of the sampling.
    """

    request: SamplingRequest
    trajectories: dict[str, Trajectory]
    seconds: float

    @property
    def particle_steps_per_second(self) -> float:
        """Particle updates per second: n · steps · processes / seconds."""
        work = self.request.n * self.request.steps * len(self.trajectories)
        return work / max(self.seconds, 1e-9)


def sample_processes(
    request: SamplingRequest,
    progress: Callable[[int, int], object] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> SamplingResult | None:
    """Sample every process of ``request`` with :func:`sample`, one after the other.

    Each process is an SDE (eq. 9.2) or an ODE (eq. 9.6) carrying N(0, I) to the target; all
    start from the same seed, hence from the same base draws, so their pictures differ by the
    dynamics alone.

    Parameters
    ----------
    request : SamplingRequest
    progress : callable, optional
        Called as ``progress(done, total)`` after each process.
    cancel : callable, optional
        Checked before every step (see :func:`sample`).

    Returns
    -------
    SamplingResult, or None when ``cancel`` stopped the sampling.
    """
    if not isinstance(request, SamplingRequest):
        raise ValueError(f"request must be a SamplingRequest, got {type(request).__name__}")
    progress = _callback(progress, "progress")
    cancel = _callback(cancel, "cancel")
    start = time.perf_counter()
    trajectories = {}
    for done, process in enumerate(request.processes, start=1):
        try:
            trajectories[process] = sample(
                request.target,
                process,
                request.n,
                request.steps,
                request.seed,
                request.schedule,
                frames=request.frames,
                cancel=cancel,
            )
        except SamplingCancelledError:
            return None
        if progress is not None:
            progress(done, len(request.processes))
    return SamplingResult(request, trajectories, time.perf_counter() - start)


# --------------------------------------------------------------------------------------------
# pictures
# --------------------------------------------------------------------------------------------


def _grid_points(xs: FloatArray, ys: FloatArray) -> FloatArray:
    gx, gy = np.meshgrid(xs, ys)  # "xy" indexing: shape (len(ys), len(xs))
    return np.column_stack([gx.ravel(), gy.ravel()])


def grid_density(
    mixture: GaussianMixture, xs: ArrayLike, ys: ArrayLike | None = None
) -> FloatArray:
    """The density of ``mixture`` on a grid, for curves and heat maps.

    1-D mixture: ``ys`` must be None; returns ``p(xs)``, shape (len(xs),).
    2-D mixture: returns Z of shape (len(ys), len(xs)) with ``Z[i, j] = p(xs[j], ys[i])``
    (rows are y, as ``np.meshgrid(xs, ys)``; for pyqtgraph's default column-major
    ``ImageItem`` pass ``Z.T`` or use ``imageAxisOrder="row-major"``).
    """
    mixture = _check_target(mixture, "mixture")
    xs = _grid_axis(xs, "xs")
    if mixture.dim == 1:
        if ys is not None:
            raise ValueError("ys must be None for a 1-D mixture")
        return mixture.pdf(xs)
    if ys is None:
        raise ValueError("ys is required for a 2-D mixture")
    ys = _grid_axis(ys, "ys")
    if mixture._expanded is not None:  # diagonal S_k: p(x, y) = Σ_k c_k φ_k(x) ψ_k(y)
        return _separable_density(mixture, xs, ys)
    return np.exp(mixture._log_pdf_pts(_grid_points(xs, ys))).reshape(ys.size, xs.size)


def _separable_density(mixture: GaussianMixture, xs: FloatArray, ys: FloatArray) -> FloatArray:
    """A 2-D mixture with diagonal covariances on a grid as one matrix product,
    ``Z = Ψ diag(c) Φᵀ`` with ``Φ_jk = exp(−(x_j − m_kx)²/2S_kxx)`` and
    ``c_k = w_k / (2π √det S_k)``: 2·n·k exponentials instead of n²·k."""
    variances = np.diagonal(mixture.covs, axis1=1, axis2=2)
    phi = np.exp(-0.5 * (xs[:, None] - mixture.means[None, :, 0]) ** 2 / variances[:, 0])
    psi = np.exp(-0.5 * (ys[:, None] - mixture.means[None, :, 1]) ** 2 / variances[:, 1])
    return (psi * np.exp(mixture._log_norm)) @ phi.T


def histogram_distance(
    mixture: GaussianMixture,
    histogram: ArrayLike,
    x_edges: ArrayLike,
    y_edges: ArrayLike | None = None,
) -> float:
    """Total-variation distance ½∫|h − p| between a density histogram of particles and p.

    How far sampled particles are from the exact law (notes eq. 2.5 per bin; see
    :mod:`core.densities`).  1-D: the histogram against p's exact bin averages
    ``(F(e_{i+1}) − F(e_i)) / width`` from the mixture's :meth:`~GaussianMixture.cdf`, which
    is what the histogram estimates, so the distance of exact samples tends to 0 as 1/√n.
    2-D: the histogram against p at the cell centres (midpoint rule, error O(width²)).

    Parameters
    ----------
    mixture : GaussianMixture
        The exact density p.
    histogram : array
        :func:`core.densities.histogram` on ``x_edges`` (1-D), or
        :func:`core.densities.histogram_2d` on ``x_edges`` and ``y_edges`` (2-D: shape
        (len(y_edges) − 1, len(x_edges) − 1)).
    x_edges, y_edges : array
        Uniformly spaced, strictly increasing bin edges; ``y_edges`` for a 2-D mixture only.

    Returns
    -------
    float
        In [0, 1] up to the mass of p outside the bins.
    """
    mixture = _check_target(mixture, "mixture")
    xe = _grid(x_edges, "x_edges", uniform=True)
    width = xe[1] - xe[0]
    if mixture.dim == 1:
        if y_edges is not None:
            raise ValueError("y_edges must be None for a 1-D mixture")
        expected = np.diff(mixture.cdf(xe)) / width
    else:
        if y_edges is None:
            raise ValueError("y_edges is required for a 2-D mixture")
        ye = _grid(y_edges, "y_edges", uniform=True)
        expected = grid_density(mixture, 0.5 * (xe[1:] + xe[:-1]), 0.5 * (ye[1:] + ye[:-1]))
        width *= ye[1] - ye[0]
    h = _array(histogram, "histogram")
    if h.shape != expected.shape:
        raise ValueError(
            f"histogram must have shape {expected.shape} for these edges, got {h.shape}"
        )
    return total_variation(h, expected, width)


def vector_field(
    target: GaussianMixture,
    process: str,
    tau: float,
    xs: ArrayLike,
    ys: ArrayLike,
    schedule: NoiseSchedule | None = None,
) -> tuple[FloatArray, FloatArray]:
    """The deterministic field of :func:`velocity` on a 2-D grid, for arrows.

    Returns (U, V), each of shape (len(ys), len(xs)), with ``(U[i, j], V[i, j])`` the field at
    ``(xs[j], ys[i])`` — the orientation of :func:`grid_density`.
    """
    target = _check_target(target)
    if target.dim != 2:
        raise ValueError(f"vector_field needs a 2-D target, got d = {target.dim}")
    xs = _grid_axis(xs, "xs")
    ys = _grid_axis(ys, "ys")
    uv = velocity(target, process, tau, _grid_points(xs, ys), schedule)
    return uv[:, 0].reshape(ys.size, xs.size), uv[:, 1].reshape(ys.size, xs.size)
