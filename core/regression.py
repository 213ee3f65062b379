"""Linear regression: maximum likelihood, ridge / MAP and Bayesian posterior updating.

Notes §3 (MLE, MAP, L2 regularisation, eqs. 3.1–3.13) and §4 (linear regression, eqs.
4.1–4.16).  The model is ``y_i = φ(x_i)ᵀβ + ε_i`` with ``ε_i ~ N(0, σ_i²)`` (eq. 4.1–4.2), where
``φ(x)`` is a vector of M basis functions (a row of the design matrix ``Φ``, written ``X`` in
eq. 4.11) and the prior on the weights is ``β ~ N(0, λ⁻¹ I)`` (eq. 3.12).

Notation
--------
β            weights, shape (M,)
σ            noise standard deviation: a scalar, or one value σ_i per data point
             (heteroscedastic noise, eq. 4.2)
λ            prior precision (``prior_precision``); ``lam`` in :func:`ridge` is a ridge penalty
W            ``diag(1/σ_i²)``, the inverse noise covariance.  The notes call the noise
             covariance itself ``Σ = diag(σ_i²)`` (eq. 4.10); this module keeps the letter Σ
             (``cov``) for the *posterior* covariance of β instead.
Φ̃ = W^½Φ     the whitened design matrix (rows divided by σ_i), ỹ = W^½ y.

Corrections to the draft notes
------------------------------
- Eq. 3.13 drops the sign and the scale factors.  With noise variance σ² and prior
  N(0, λ⁻¹I) the log posterior is
  ``log p(β|y) = −(1/2σ²) Σ_i (y_i − φ_iᵀβ)² − (λ/2)‖β‖² + const``,
  so the MAP estimate minimises ``‖y − Φβ‖² + λσ²‖β‖²``: it is :func:`ridge` with
  ``lam = λσ²`` (the notes' form is the σ = 1 case of eq. 3.1).
- Eq. 4.3 should read ``p(y|β) = Π_i p(y_i | β, x_i)``.
- §4.2 stops at Bayes' rule (eq. 4.16).  The conjugate posterior, predictive distribution and
  evidence implemented here are the standard results (Bishop, *Pattern Recognition and Machine
  Learning*, eqs. 3.49–3.54, 3.58–3.59 and 3.86), generalised to per-point σ_i:
  ``Σ_post = (λI + ΦᵀWΦ)⁻¹``, ``μ = Σ_post ΦᵀW y``.

Numerics
--------
Nothing here forms the normal equations ``ΦᵀWΦ`` and inverts them.  :func:`mle`,
:func:`ridge` and :func:`posterior` use an SVD of the (whitened) design matrix.  A
:class:`Posterior` also carries an upper-triangular square root ``R`` of its precision
(``RᵀR = λI + ΦᵀWΦ``); :func:`update` adds one point by a QR factorisation of ``[R; φᵀ/σ]``
(a square-root information filter).  That keeps the posterior symmetric positive
definite for λ → 0 and singular ``ΦᵀΦ``; predictive variances ``‖R⁻ᵀφ‖²`` are non-negative
by construction.  The evidence uses the determinant lemma on the M×M side (never an N×N
matrix), with one SVD shared across a grid of λ.

Contents
--------
Features: ``polynomial_features``, ``gaussian_features``, ``features``.
Point estimates: ``mle`` (eq. 4.14), ``mle_covariance``, ``ridge`` (eqs. 3.12–3.13),
``map_estimate``, ``UnderdeterminedError``.
Bayes: ``Posterior``, ``prior``, ``posterior``, ``Spectrum`` and ``spectrum`` (the
λ-independent SVD: the posterior and evidence at any λ), ``update``, ``predictive``,
``predictive_bands``, ``sample_weights``, ``sample_functions``, ``log_evidence``,
``evidence_vs_precision``, ``best_precision``, ``evidence_vs_degree`` (alias
``evidence_vs_size``).
Weight-space pictures (Bishop fig. 3.7): ``marginal``, ``gaussian_grid``, ``likelihood_grid``,
``likelihood_slice``, ``covariance_ellipses``.
Toy data: ``GeneratorParams``, ``true_function``, ``true_weights``, ``noise_sigma``,
``generate``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core.checks import array as _array
from core.checks import count as _count
from core.checks import interval as _interval
from core.checks import real as _real
from core.checks import seed as _seed

__all__ = [
    "BASES",
    "MAX_DEGREE",
    "MAX_GAUSSIAN_SIZE",
    "SIGMA_MAX",
    "TRUTHS",
    "GeneratorParams",
    "Posterior",
    "Spectrum",
    "UnderdeterminedError",
    "best_precision",
    "evidence_vs_degree",
    "evidence_vs_precision",
    "evidence_vs_size",
    "features",
    "gaussian_centers",
    "gaussian_features",
    "gaussian_grid",
    "generate",
    "likelihood_grid",
    "log_evidence",
    "marginal",
    "covariance_ellipses",
    "likelihood_slice",
    "map_estimate",
    "mle",
    "mle_covariance",
    "noise_sigma",
    "polynomial_features",
    "posterior",
    "predictive",
    "predictive_bands",
    "prior",
    "ridge",
    "sample_functions",
    "sample_weights",
    "spectrum",
    "true_function",
    "true_weights",
    "update",
]

FloatArray = NDArray[np.float64]

#: Largest polynomial degree accepted (columns 1, x, …, x¹²).
MAX_DEGREE = 12
#: Largest number of Gaussian bumps accepted by :func:`features`.
MAX_GAUSSIAN_SIZE = 50
#: Basis names accepted by :func:`features`.
BASES = ("polynomial", "gaussian")
#: Ground-truth curves of the toy data generator.
TRUTHS = ("line", "sine", "cubic")
#: Upper limit on the generator's noise level σ.
SIGMA_MAX = 10.0
#: Upper limits on sample counts (memory guard for a GUI slider gone wild).
MAX_POINTS = 1_000_000
MAX_SAMPLES = 1_000_000

_LOG_2PI = math.log(2.0 * math.pi)
_EPS = float(np.finfo(np.float64).eps)


class UnderdeterminedError(ValueError):
    """The maximum likelihood estimate is not unique (too few points or rank-deficient Φ)."""


# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------


def _as_vector(value: ArrayLike, name: str) -> FloatArray:
    """A 1-D finite float array (a scalar becomes length 1)."""
    arr = _array(value, name)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    return arr


def _as_design(Phi: ArrayLike, name: str = "Phi") -> FloatArray:
    """A 2-D finite design matrix of shape (N, M) with N ≥ 0, M ≥ 1."""
    arr = _array(Phi, name)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (N points × M features), got shape {arr.shape}")
    if arr.shape[1] < 1:
        raise ValueError(f"{name} must have at least one column (feature), got shape {arr.shape}")
    return arr


def _as_targets(y: ArrayLike, n: int, name: str = "y") -> FloatArray:
    arr = _array(y, name)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ValueError(f"{name} must have shape ({n},) to match Phi, got shape {arr.shape}")
    return arr


def _as_sigma(
    sigma: ArrayLike, n: int, name: str = "sigma", *, allow_zero: bool = False
) -> FloatArray:
    """σ as an array of shape (n,): a scalar is broadcast; every value finite and > 0."""
    arr = _array(sigma, name)
    bound = "≥ 0" if allow_zero else "> 0"
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    elif arr.ndim != 1 or arr.shape[0] != n:
        raise ValueError(
            f"{name} must be a scalar or have shape ({n},) (one value per point), "
            f"got shape {arr.shape}"
        )
    bad = arr < 0.0 if allow_zero else arr <= 0.0
    if np.any(bad):
        raise ValueError(f"{name} must be finite and {bound}, got min {float(arr.min())!r}")
    return arr


def _solve_triangular(a: FloatArray, b: FloatArray, **options) -> FloatArray:
    """``scipy.linalg.solve_triangular``; scipy.linalg is imported at the first solve, not with
    this module (it takes 0.2 s, which the app's start does not wait for)."""
    from scipy.linalg import solve_triangular

    return solve_triangular(a, b, **options)


def _readonly(arr: FloatArray) -> FloatArray:
    arr.setflags(write=False)
    return arr


def _whiten(Phi: FloatArray, y: FloatArray, sigma: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``Φ̃ = W^½Φ`` and ``ỹ = W^½y`` with ``W = diag(1/σ_i²)``."""
    return Phi / sigma[:, None], y / sigma


# --------------------------------------------------------------------------------------------
# features
# --------------------------------------------------------------------------------------------


def polynomial_features(x: ArrayLike, degree: int) -> FloatArray:
    """Polynomial design matrix (the rows ``x_iᵀ`` of eq. 4.11 for the basis 1, x, x², …).

    Parameters
    ----------
    x : array_like, shape (N,)
        Finite inputs (a scalar counts as N = 1).
    degree : int
        Polynomial degree in [0, 12].

    Returns
    -------
    ndarray, shape (N, degree + 1)
        ``Phi[i, k] = x_i**k``; column 0 is all ones.
    """
    xs = _as_vector(x, "x")
    d = _count(degree, "degree", 0, MAX_DEGREE)
    return np.vander(xs, d + 1, increasing=True)


def gaussian_features(x: ArrayLike, centers: ArrayLike, width: float) -> FloatArray:
    """Gaussian-bump design matrix with a bias column.

    Parameters
    ----------
    x : array_like, shape (N,)
        Finite inputs.
    centers : array_like, shape (K,)
        Bump centres c_k (may be empty: then only the bias column).
    width : float
        Common width s > 0.

    Returns
    -------
    ndarray, shape (N, K + 1)
        Column 0 is 1; column k + 1 is ``exp(−(x − c_k)² / (2 s²))``.
    """
    xs = _as_vector(x, "x")
    cs = _as_vector(centers, "centers")
    s = _real(width, "width", lo=0.0, lo_open=True)
    out = np.empty((xs.size, cs.size + 1))
    out[:, 0] = 1.0
    out[:, 1:] = np.exp(-0.5 * ((xs[:, None] - cs[None, :]) / s) ** 2)
    return out


def gaussian_centers(
    size: int, x_range: tuple[float, float] = (-1.0, 1.0)
) -> tuple[FloatArray, float]:
    """Centres and default width used by :func:`features` for ``size`` Gaussian bumps.

    The centres are ``linspace(lo, hi, size)``; the default width is their spacing
    ``(hi − lo)/(size − 1)`` (``hi − lo`` when ``size`` is 1, and 1 when ``size`` is 0).
    """
    k = _count(size, "size", 0, MAX_GAUSSIAN_SIZE)
    lo, hi = _interval(x_range, "x_range")
    centers = np.linspace(lo, hi, k)
    width = (hi - lo) / (k - 1) if k >= 2 else (hi - lo if k == 1 else 1.0)
    return centers, width


def features(
    x: ArrayLike,
    basis: str,
    size: int,
    width: float | None = None,
    *,
    x_range: tuple[float, float] = (-1.0, 1.0),
) -> FloatArray:
    """Design matrix for a named basis (convenience dispatch for the GUI).

    Parameters
    ----------
    x : array_like, shape (N,)
        Finite inputs.
    basis : {"polynomial", "gaussian"}
        ``"polynomial"``: :func:`polynomial_features` with ``degree = size`` (in [0, 12]).
        ``"gaussian"``: :func:`gaussian_features` with ``size`` bumps (in [0, 50]) whose centres
        are evenly spread over ``x_range`` (``linspace(lo, hi, size)``).
    size : int
        Degree or number of bumps.
    width : float, optional
        Bump width for ``"gaussian"``; default the centre spacing (see
        :func:`gaussian_centers`).  Ignored for ``"polynomial"``.
    x_range : (float, float)
        Interval over which the Gaussian centres are spread.

    Returns
    -------
    ndarray, shape (N, size + 1)
        The bias column first in both bases.
    """
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, got {basis!r}")
    if basis == "polynomial":
        return polynomial_features(x, size)
    centers, default_width = gaussian_centers(size, x_range)
    return gaussian_features(x, centers, default_width if width is None else width)


# --------------------------------------------------------------------------------------------
# point estimates
# --------------------------------------------------------------------------------------------


def _scaled_svd(
    Phi: FloatArray, y: FloatArray, sigma: FloatArray, what: str
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """SVD of the whitened, column-equilibrated Φ̃ after the checks that make the MLE unique.

    Returns ``(U, s, Vt, scale, ỹ)`` with ``Φ̃ / scale = U diag(s) Vt``.
    """
    n, m = Phi.shape
    if n < m:
        raise UnderdeterminedError(
            f"{what} undefined: {n} point{'s' if n != 1 else ''} for {m} weights "
            f"(needs at least {m})"
        )
    A, b = _whiten(Phi, y, sigma)
    scale = np.linalg.norm(A, axis=0)
    zero = np.flatnonzero(scale == 0.0)
    if zero.size:
        raise UnderdeterminedError(
            f"{what} undefined: feature column {int(zero[0])} is zero at every data point"
        )
    U, s, Vt = np.linalg.svd(A / scale, full_matrices=False)
    tol = s[0] * max(n, m) * _EPS
    rank = int(np.count_nonzero(s > tol))
    if rank < m:
        raise UnderdeterminedError(
            f"{what} undefined: the weighted design matrix has numerical rank {rank} < {m} "
            f"weights (too few distinct x values, or collinear features)"
        )
    return U, s, Vt, scale, b


def mle(Phi: ArrayLike, y: ArrayLike, sigma: ArrayLike) -> FloatArray:
    """Maximum likelihood weights: weighted least squares (notes eqs. 4.6–4.14).

    ``β̂ = (ΦᵀWΦ)⁻¹ΦᵀW y`` with ``W = diag(1/σ_i²)`` (eq. 4.14), the minimiser of
    ``Σ_i (y_i − φ_iᵀβ)²/σ_i²`` (eq. 4.7).  Computed stably, without the normal equations:
    an SVD of the whitened design matrix ``W^½Φ`` with its columns scaled to unit norm,
    followed by one step of iterative refinement.

    Parameters
    ----------
    Phi : array_like, shape (N, M)
        Design matrix.
    y : array_like, shape (N,)
        Targets.
    sigma : float or array_like, shape (N,)
        Noise standard deviations, > 0.  A scalar σ does not change β̂.

    Returns
    -------
    ndarray, shape (M,)

    Raises
    ------
    UnderdeterminedError
        (a ValueError) when N < M, or the whitened Φ has numerical rank < M (e.g. fewer
        distinct x values than polynomial coefficients); the message says which.
    ValueError
        For malformed input.
    """
    P = _as_design(Phi)
    n = P.shape[0]
    t = _as_targets(y, n)
    s_i = _as_sigma(sigma, n)
    U, s, Vt, scale, b = _scaled_svd(P, t, s_i, "MLE")
    A = (P / s_i[:, None]) / scale
    z = Vt.T @ ((U.T @ b) / s)
    # One step of iterative refinement: re-solve for the residual's least-squares part.
    # Cheap, and it recovers the digits lost to cancellation when |y| ≫ the residuals.
    z = z + Vt.T @ ((U.T @ (b - A @ z)) / s)
    return z / scale


def mle_covariance(Phi: ArrayLike, sigma: ArrayLike) -> FloatArray:
    """Covariance of the MLE, ``(ΦᵀWΦ)⁻¹`` (the inverse Fisher information).

    With σ set to the residual standard deviation ``sqrt(RSS/(N − M))`` its diagonal holds the
    squared standard errors of ordinary least squares.

    Raises
    ------
    UnderdeterminedError
        As :func:`mle`.
    """
    P = _as_design(Phi)
    n = P.shape[0]
    s_i = _as_sigma(sigma, n)
    _, s, Vt, scale, _ = _scaled_svd(P, np.zeros(n), s_i, "MLE covariance")
    V = Vt.T / s
    cov = (V @ V.T) / np.outer(scale, scale)
    return 0.5 * (cov + cov.T)


def ridge(Phi: ArrayLike, y: ArrayLike, lam: float) -> FloatArray:
    """Ridge regression: ``argmin_β ‖y − Φβ‖² + lam ‖β‖²`` (notes eqs. 3.12–3.13).

    Closed form ``(ΦᵀΦ + lam I)⁻¹Φᵀy``, computed from the SVD ``Φ = U diag(s) Vᵀ`` as
    ``V diag(s/(s² + lam)) Uᵀy``.  ``lam = 0`` gives the minimum-norm least-squares solution
    (the pseudo-inverse), also when N < M.  Singular values below numpy's rank tolerance
    ``s_max · max(N, M) · eps`` are treated as exactly zero, so the result is continuous as
    lam → 0.

    MAP connection (corrected eq. 3.13): with noise σ (scalar) and prior ``β ~ N(0, λ⁻¹I)``
    the MAP estimate, which is also the posterior mean, is ``ridge(Phi, y, lam=λσ²)``.  For
    per-point σ_i use ``posterior(...).mean``.

    Parameters
    ----------
    Phi : array_like, shape (N, M)
    y : array_like, shape (N,)
    lam : float
        Penalty ≥ 0.

    Returns
    -------
    ndarray, shape (M,)
        Zeros when N = 0.
    """
    P = _as_design(Phi)
    n, m = P.shape
    t = _as_targets(y, n)
    penalty = _real(lam, "lam", lo=0.0)
    if n == 0:
        return np.zeros(m)
    U, s, Vt = np.linalg.svd(P, full_matrices=False)
    tol = s[0] * max(n, m) * _EPS if s.size else 0.0
    keep = s > tol
    filt = np.zeros_like(s)
    filt[keep] = s[keep] / (s[keep] ** 2 + penalty)
    return Vt.T @ (filt * (U.T @ t))


# --------------------------------------------------------------------------------------------
# Bayesian posterior
# --------------------------------------------------------------------------------------------


def _positive_diagonal(R: FloatArray) -> FloatArray:
    """Flip row signs so the triangular factor has a non-negative diagonal (RᵀR unchanged)."""
    signs = np.where(np.diag(R) < 0.0, -1.0, 1.0)
    return R * signs[:, None]


def _cov_from_root(R: FloatArray) -> FloatArray:
    """``(RᵀR)⁻¹ = R⁻¹R⁻ᵀ``, symmetrised."""
    Rinv = _solve_triangular(R, np.eye(R.shape[0]), lower=False)
    cov = Rinv @ Rinv.T
    return 0.5 * (cov + cov.T)


@dataclass(frozen=True, eq=False)
class Posterior:
    """Gaussian distribution ``N(mean, cov)`` over the weights β (prior or posterior).

    Build one with :func:`prior`, :func:`posterior` or :func:`update`.  Constructing it
    directly from ``mean`` and ``cov`` also works (``cov`` must be symmetric positive definite);
    ``precision`` and ``root`` are then derived.

    Attributes
    ----------
    mean : ndarray, shape (M,)
        μ = Σ ΦᵀW y.
    cov : ndarray, shape (M, M)
        Σ = (λI + ΦᵀWΦ)⁻¹, symmetric positive definite.
    precision : ndarray, shape (M, M)
        Σ⁻¹ = λI + ΦᵀWΦ.
    root : ndarray, shape (M, M)
        Upper-triangular R with non-negative diagonal and ``RᵀR = precision`` (the transposed
        Cholesky factor); what :func:`update`, :func:`predictive` and
        :func:`sample_weights` compute with.

    The arrays are read-only.
    """

    mean: FloatArray
    cov: FloatArray
    precision: FloatArray | None = None
    root: FloatArray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        mean = _as_vector(self.mean, "mean")
        m = mean.size
        if m < 1:
            raise ValueError("mean must hold at least one weight, got an empty array")
        cov = _array(self.cov, "cov")
        if cov.shape != (m, m):
            raise ValueError(f"cov must have shape ({m}, {m}) to match mean, got {cov.shape}")
        prec = None
        if self.precision is not None:
            prec = _array(self.precision, "precision")
            if prec.shape != (m, m):
                raise ValueError(f"precision must have shape ({m}, {m}), got {prec.shape}")
        if self.root is not None:
            R = _array(self.root, "root")
            if R.shape != (m, m):
                raise ValueError(f"root must have shape ({m}, {m}), got {R.shape}")
            R = np.triu(R)
            if not np.all(np.diag(R) != 0.0):
                raise ValueError("root must be upper triangular with a non-zero diagonal")
        else:
            if prec is None:
                L = _cholesky_checked(cov, "cov")
                Linv = _solve_triangular(L, np.eye(m), lower=True)
                prec = Linv.T @ Linv
            R = _cholesky_checked(prec, "precision").T
        if prec is None:
            prec = R.T @ R
        object.__setattr__(self, "mean", _readonly(mean))
        object.__setattr__(self, "cov", _readonly(0.5 * (cov + cov.T)))
        object.__setattr__(self, "precision", _readonly(0.5 * (prec + prec.T)))
        object.__setattr__(self, "root", _readonly(_positive_diagonal(R)))

    @property
    def n_weights(self) -> int:
        """M, the number of weights."""
        return int(self.mean.size)

    @property
    def std(self) -> FloatArray:
        """Marginal standard deviations ``sqrt(diag Σ)``."""
        return np.sqrt(np.diag(self.cov))


def _cholesky_checked(A: FloatArray, name: str) -> FloatArray:
    try:
        return np.linalg.cholesky(0.5 * (A + A.T))
    except np.linalg.LinAlgError as exc:
        raise ValueError(f"{name} must be symmetric positive definite") from exc


def prior(n_weights: int, prior_precision: float) -> Posterior:
    """The prior ``β ~ N(0, λ⁻¹ I)`` (notes eq. 3.12) over ``n_weights`` weights.

    Parameters
    ----------
    n_weights : int
        M in [1, 10 000].
    prior_precision : float
        λ > 0.
    """
    m = _count(n_weights, "n_weights", 1, 10_000)
    lam = _real(prior_precision, "prior_precision", lo=0.0, lo_open=True)
    eye = np.eye(m)
    return Posterior(
        mean=np.zeros(m), cov=eye / lam, precision=lam * eye, root=math.sqrt(lam) * eye
    )


@dataclass(frozen=True, eq=False)
class Spectrum:
    """The part of the posterior and of the evidence that does not depend on λ.

    The SVD of the whitened design ``W^½Φ = U diag(s) Vᵀ`` and the data projected on it,
    ``c = UᵀW^½y``: ``V`` and ``s²`` are the eigenvectors and eigenvalues of ``ΦᵀWΦ``, got
    without forming ``ΦᵀWΦ`` (which would square the condition number, ~10⁴ for degree 12 on
    [−1, 1]).  Every λ then costs O(M³) instead of another O(N M²) SVD: a prior-precision
    slider over 10 000 points (eqs. 3.12, 4.16; Bishop eqs. 3.53–3.54 and 3.86).  Build one
    with :func:`spectrum`.

    Attributes
    ----------
    s : ndarray, shape (min(N, M),)
        Singular values of ``W^½Φ``, descending.
    Vt : ndarray, shape (M, M)
        ``Vᵀ``, all M rows also when N < M (the directions the data do not see).
    c : ndarray, shape (min(N, M),)
        ``UᵀW^½y``.
    residual : float
        ``‖W^½y − Uc‖²``, the part of the data no weights can fit.
    constant : float
        ``−½(N log 2π + Σ log σ_i²)``.
    n_points : int
        N.

    The arrays are read-only.
    """

    s: FloatArray
    Vt: FloatArray
    c: FloatArray
    residual: float
    constant: float
    n_points: int

    def __post_init__(self) -> None:
        for name in ("s", "Vt", "c"):
            object.__setattr__(self, name, _readonly(np.array(getattr(self, name), dtype=float)))

    @property
    def n_weights(self) -> int:
        """M, the number of weights."""
        return int(self.Vt.shape[0])

    def posterior(self, prior_precision: float) -> Posterior:
        """:func:`posterior` at prior precision λ > 0 (the same numbers, no SVD)."""
        lam = _real(prior_precision, "prior_precision", lo=0.0, lo_open=True)
        n, m = self.n_points, self.n_weights
        if n == 0:
            return prior(m, lam)
        s = np.where(self.s > self.s[0] * max(n, m) * _EPS, self.s, 0.0)  # rounding-level: 0
        s2 = np.zeros(m)
        s2[: s.size] = s**2
        mean = self.Vt.T[:, : s.size] @ (s * self.c / (s**2 + lam))
        V = self.Vt.T
        cov = (V / (s2 + lam)) @ V.T
        precision = (V * (s2 + lam)) @ V.T
        # Upper-triangular square root of the precision: RᵀR = V diag(s² + λ) Vᵀ.
        R = np.linalg.qr(np.sqrt(s2 + lam)[:, None] * self.Vt, mode="r")
        return Posterior(mean=mean, cov=cov, precision=precision, root=R)

    def log_evidence(self, precisions: ArrayLike) -> FloatArray:
        """:func:`evidence_vs_precision` for the λ's in ``precisions`` (each finite, > 0).

        Determinant lemma: ``log|D + ΦΦᵀ/λ| = log|D| + Σ_i log(1 + s_i²/λ)``.  Woodbury:
        ``yᵀ(D + ΦΦᵀ/λ)⁻¹y = residual + Σ_i c_i² λ/(s_i² + λ)`` — a sum of non-negative
        terms, so no cancellation however well the model fits.
        """
        lams = _as_precisions(precisions)
        if self.n_points == 0:
            return np.zeros(lams.size)
        lam, s2 = lams[:, None], self.s[None, :] ** 2
        logdet = np.sum(np.log1p(s2 / lam), axis=1)
        quad = self.residual + np.sum(self.c[None, :] ** 2 * (lam / (s2 + lam)), axis=1)
        return self.constant - 0.5 * (logdet + quad)

    def best_precision(self, precisions: ArrayLike) -> float:
        """:func:`best_precision`: the λ in ``precisions`` of largest evidence (NaN, N = 0)."""
        lams = _as_precisions(precisions)
        if lams.size == 0:
            raise ValueError("precisions must hold at least one λ to choose from")
        if self.n_points == 0:
            return math.nan
        return float(lams[int(np.argmax(self.log_evidence(lams)))])

    def with_noise_scale(self, scale: float) -> Spectrum:
        """The spectrum of the same data with every σ_i multiplied by ``scale`` > 0:
        ``s/scale``, ``c/scale``, ``residual/scale²`` and ``constant − N log scale``.

        Equal to a new :func:`spectrum` to rounding; the evidence, whose terms are all
        well conditioned, agrees to ~1e-15 relative.  (The posterior mean of an
        ill-conditioned Φ may differ more, within its own rounding error ~cond·ε.)
        """
        k = _real(scale, "scale", lo=0.0, lo_open=True)
        return Spectrum(
            s=self.s / k,
            Vt=self.Vt,
            c=self.c / k,
            residual=self.residual / k**2,
            constant=self.constant - self.n_points * math.log(k),
            n_points=self.n_points,
        )


def spectrum(Phi: ArrayLike, y: ArrayLike, sigma: ArrayLike) -> Spectrum:
    """The :class:`Spectrum` of the data: one SVD of the whitened design ``W^½Φ``.

    Parameters
    ----------
    Phi : array_like, shape (N, M)
        Design matrix (N = 0 allowed: its posterior is the prior, its evidence 0).
    y : array_like, shape (N,)
    sigma : float or array_like, shape (N,)
        Noise standard deviations, > 0.

    Returns
    -------
    Spectrum
        ``spectrum(Φ, y, σ).posterior(λ)`` is ``posterior(Φ, y, σ, λ)`` and
        ``.log_evidence(λs)`` is ``evidence_vs_precision(Φ, y, σ, λs)``.
    """
    P = _as_design(Phi)
    n, m = P.shape
    t = _as_targets(y, n)
    s_i = _as_sigma(sigma, n)
    if n == 0:
        return Spectrum(np.zeros(0), np.eye(m), np.zeros(0), 0.0, 0.0, 0)
    A, b = _whiten(P, t, s_i)
    # Full V when N < M: the directions the data do not see keep the prior variance 1/λ.
    U, s, Vt = np.linalg.svd(A, full_matrices=n < m)
    c = U.T @ b
    resid = b - U @ c
    const = -0.5 * (n * _LOG_2PI + 2.0 * float(np.sum(np.log(s_i))))
    return Spectrum(s, Vt, c, float(resid @ resid), const, n)


def posterior(Phi: ArrayLike, y: ArrayLike, sigma: ArrayLike, prior_precision: float) -> Posterior:
    """Conjugate Gaussian posterior over β (notes eq. 4.16; Bishop PRML eqs. 3.53–3.54).

    With likelihood ``y_i ~ N(φ_iᵀβ, σ_i²)`` (eq. 4.2) and prior ``N(0, λ⁻¹I)`` (eq. 3.12)::

        Σ = (λI + ΦᵀWΦ)⁻¹,   μ = Σ ΦᵀW y,   W = diag(1/σ_i²).

    μ is also the MAP estimate (eq. 3.10); for scalar σ it equals ``ridge(Phi, y, λσ²)``.
    Computed from the SVD ``W^½Φ = U diag(s) Vᵀ`` (no normal equations)::

        Σ = V diag(1/(s² + λ)) Vᵀ,   μ = V diag(s/(s² + λ)) Uᵀ W^½y,

    so Σ's eigenvalues are exactly ``1/(s_i² + λ) > 0`` and the result stays finite and
    positive definite for λ → 0 with a singular ``ΦᵀΦ`` (duplicated x values, fewer points
    than weights).  As in :func:`ridge`, singular values below ``s_max · max(N, M) · eps``
    are taken as exact zeros, so exactly duplicated x values leave the unseen directions at
    the prior mean 0 rather than at amplified rounding noise.

    The SVD does not depend on λ: :func:`spectrum` keeps it, and ``Spectrum.posterior(λ)``
    gives this posterior for any λ without another one.

    Parameters
    ----------
    Phi : array_like, shape (N, M)
        Design matrix; N = 0 (shape (0, M)) gives the prior.
    y : array_like, shape (N,)
    sigma : float or array_like, shape (N,)
        Noise standard deviations, > 0.
    prior_precision : float
        λ > 0.

    Returns
    -------
    Posterior
    """
    return spectrum(Phi, y, sigma).posterior(prior_precision)


def update(post: Posterior, phi: ArrayLike, y: float, sigma: float) -> Posterior:
    """Exact Bayesian update of a Gaussian over β by ONE new observation.

    Bayes' rule (eq. 4.16) with the previous posterior as the prior:
    ``Σ'⁻¹ = Σ⁻¹ + φφᵀ/σ²`` and ``μ' = Σ'(Σ⁻¹μ + φ y/σ²)`` (the Kalman / recursive
    least-squares step).  Implemented as a square-root information filter: QR of
    ``[R; φᵀ/σ]`` with right-hand side ``[Rμ; y/σ]``, where ``RᵀR = Σ⁻¹``.  Applying it to every
    point in any order reproduces :func:`posterior` on the whole batch to rounding error
    (~1e-14 relative for a well-posed problem).  Caveat: with λ → 0 *and* directions the data
    never see (exactly repeated x values), the mean along those directions is ill-conditioned;
    the batch :func:`posterior` sets it to exactly 0 (the prior mean) while the sequential
    mean may carry amplified rounding noise there.  The covariance agrees in both cases.

    Parameters
    ----------
    post : Posterior
        Current belief (e.g. :func:`prior`).
    phi : array_like, shape (M,)
        Feature vector of the new point.
    y : float
        Its target.
    sigma : float
        Its noise standard deviation, > 0.

    Returns
    -------
    Posterior
    """
    if not isinstance(post, Posterior):
        raise ValueError(f"post must be a Posterior, got {type(post).__name__}")
    m = post.n_weights
    f = _array(phi, "phi")
    if f.shape != (m,):
        raise ValueError(f"phi must have shape ({m},) to match post, got {f.shape}")
    t = _real(y, "y")
    s = _real(sigma, "sigma", lo=0.0, lo_open=True)
    R = post.root
    stacked = np.vstack([R, f[None, :] / s])
    rhs = np.concatenate([R @ post.mean, [t / s]])
    Q, R_new = np.linalg.qr(stacked, mode="reduced")
    mean = _solve_triangular(R_new, Q.T @ rhs, lower=False)
    R_new = _positive_diagonal(R_new)
    return Posterior(
        mean=mean,
        cov=_cov_from_root(R_new),
        precision=post.precision + np.outer(f, f) / s**2,
        root=R_new,
    )


def map_estimate(
    Phi: ArrayLike, y: ArrayLike, sigma: ArrayLike, prior_precision: float
) -> FloatArray:
    """MAP weights ``argmax_β p(β|y)`` (notes eq. 3.10) with prior N(0, λ⁻¹I) (eq. 3.12).

    For a Gaussian posterior the mode is the mean, so this is ``posterior(...).mean``; for
    scalar σ it equals ``ridge(Phi, y, λσ²)`` (corrected eq. 3.13).  Always defined, also
    with fewer points than weights.
    """
    return posterior(Phi, y, sigma, prior_precision).mean


def predictive(
    post: Posterior, Phi_star: ArrayLike, sigma: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Posterior predictive ``p(y*|x*, data) = N(φ*ᵀμ, σ² + φ*ᵀΣφ*)`` (Bishop eqs. 3.58–3.59).

    Parameters
    ----------
    post : Posterior
    Phi_star : array_like, shape (K, M)
        Features of the test inputs.
    sigma : float or array_like, shape (K,)
        Noise standard deviation at each test input, ≥ 0.  ``sigma = 0`` gives the variance of
        the mean function φᵀβ alone (the epistemic part).

    Returns
    -------
    mean : ndarray, shape (K,)
    variance : ndarray, shape (K,)
        ``σ² + φᵀΣφ``, with ``φᵀΣφ = ‖R⁻ᵀφ‖²`` (never negative).
    """
    if not isinstance(post, Posterior):
        raise ValueError(f"post must be a Posterior, got {type(post).__name__}")
    P = _as_design(Phi_star, "Phi_star")
    k, m = P.shape
    if m != post.n_weights:
        raise ValueError(f"Phi_star must have {post.n_weights} columns to match post, got {m}")
    s_i = _as_sigma(sigma, k, allow_zero=True)
    mean = P @ post.mean
    V = _solve_triangular(post.root, P.T, lower=False, trans="T")
    return mean, s_i**2 + np.sum(V * V, axis=0)


def predictive_bands(
    post: Posterior,
    Phi_star: ArrayLike,
    sigma: ArrayLike,
    multiples: Sequence[float] | ArrayLike = (1.0, 2.0),
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Bands of the posterior predictive: ``mean ± k·sd`` for each k in ``multiples``.

    With :func:`predictive`'s mean φ*ᵀμ and variance σ² + φ*ᵀΣφ* (Bishop eqs. 3.58–3.59),
    ``sd = √variance``; for k = 1 and 2 a new observation falls inside with probability
    68 % and 95 %.

    Parameters
    ----------
    post, Phi_star, sigma
        As :func:`predictive` (``sigma = 0``: bands of the mean function alone).
    multiples : sequence of float
        The k's, each finite and ≥ 0.

    Returns
    -------
    mean : ndarray, shape (K,)
    lower, upper : ndarray, shape (len(multiples), K)
        ``mean − k·sd`` and ``mean + k·sd``, one row per k.
    """
    ks = _as_vector(multiples, "multiples")
    if np.any(ks < 0.0):
        raise ValueError(f"multiples must all be ≥ 0, got {ks.tolist()}")
    mean, variance = predictive(post, Phi_star, sigma)
    spread = np.sqrt(variance)
    lower = np.array([mean - k * spread for k in ks]).reshape(ks.size, mean.size)
    upper = np.array([mean + k * spread for k in ks]).reshape(ks.size, mean.size)
    return mean, lower, upper


def sample_weights(post: Posterior, n_samples: int, seed: int) -> FloatArray:
    """Draws ``β ~ N(μ, Σ)`` from a posterior (for plotting sample functions, Bishop fig. 3.7).

    ``β = μ + R⁻¹z`` with ``z ~ N(0, I)`` (so ``Cov β = R⁻¹R⁻ᵀ = Σ``).  Same seed, same draws.

    Parameters
    ----------
    post : Posterior
    n_samples : int
        In [0, 1 000 000].
    seed : int
        ≥ 0.

    Returns
    -------
    ndarray, shape (n_samples, M)
    """
    if not isinstance(post, Posterior):
        raise ValueError(f"post must be a Posterior, got {type(post).__name__}")
    n = _count(n_samples, "n_samples", 0, MAX_SAMPLES)
    sd = _seed(seed)
    z = np.random.default_rng(sd).standard_normal((post.n_weights, n))
    return post.mean[None, :] + _solve_triangular(post.root, z, lower=False).T


def sample_functions(post: Posterior, Phi_star: ArrayLike, n_samples: int, seed: int) -> FloatArray:
    """Functions drawn from the posterior, ``f(x*) = φ(x*)ᵀβ`` with ``β ~ N(μ, Σ)``.

    Bishop fig. 3.8 (lower row): each draw of :func:`sample_weights` is a curve on the test
    inputs; they scatter around φ*ᵀμ with covariance ``Φ* Σ Φ*ᵀ`` (no noise term).

    Parameters
    ----------
    post : Posterior
    Phi_star : array_like, shape (K, M)
        Features of the test inputs.
    n_samples, seed
        As :func:`sample_weights` (same seed, same draws, same curves).

    Returns
    -------
    ndarray, shape (n_samples, K)
        One curve per row.
    """
    betas = sample_weights(post, n_samples, seed)
    P = _as_design(Phi_star, "Phi_star")
    if P.shape[1] != post.n_weights:
        raise ValueError(
            f"Phi_star must have {post.n_weights} columns to match post, got {P.shape[1]}"
        )
    return (P @ betas.T).T


# --------------------------------------------------------------------------------------------
# evidence
# --------------------------------------------------------------------------------------------


def _as_precisions(precisions: ArrayLike) -> FloatArray:
    lams = _as_vector(precisions, "precisions")
    if np.any(lams <= 0.0):
        raise ValueError("precisions must all be finite and > 0 (prior precision λ)")
    return lams


def log_evidence(Phi: ArrayLike, y: ArrayLike, sigma: ArrayLike, prior_precision: float) -> float:
    """Log marginal likelihood ``log p(y) = log N(y | 0, diag(σ_i²) + ΦΦᵀ/λ)`` (Bishop eq. 3.86).

    The "evidence" ``p(y)`` in the denominator of Bayes' rule (eqs. 3.9, 4.16): the likelihood
    integrated over the prior N(0, λ⁻¹I).  Evaluated through the SVD of the whitened
    ``W^½Φ`` (N×M, never an N×N matrix) with the matrix determinant lemma and the Woodbury
    identity; O(N M²), fine for N = 10 000.

    Parameters
    ----------
    Phi : array_like, shape (N, M)
    y : array_like, shape (N,)
    sigma : float or array_like, shape (N,)
        > 0.
    prior_precision : float
        λ > 0.

    Returns
    -------
    float
        0.0 when N = 0.
    """
    lam = _real(prior_precision, "prior_precision", lo=0.0, lo_open=True)
    return float(evidence_vs_precision(Phi, y, sigma, [lam])[0])


def evidence_vs_precision(
    Phi: ArrayLike, y: ArrayLike, sigma: ArrayLike, precisions: ArrayLike
) -> FloatArray:
    """:func:`log_evidence` for every prior precision λ in ``precisions`` (one SVD in total).

    Parameters
    ----------
    Phi, y, sigma
        As :func:`log_evidence`.
    precisions : array_like, shape (K,)
        λ values, each finite and > 0 (e.g. ``np.logspace(-4, 4, 60)``).

    Returns
    -------
    ndarray, shape (K,)
    """
    lams = _as_precisions(precisions)
    return spectrum(Phi, y, sigma).log_evidence(lams)


def best_precision(Phi: ArrayLike, y: ArrayLike, sigma: ArrayLike, precisions: ArrayLike) -> float:
    """The prior precision λ in ``precisions`` of largest evidence (type-II maximum likelihood).

    ``argmax_λ log p(y | λ)`` over the grid (:func:`evidence_vs_precision`; Bishop §3.5): the
    λ the data themselves prefer.  The first one when several tie.

    Parameters
    ----------
    Phi, y, sigma
        As :func:`evidence_vs_precision`.
    precisions : array_like, shape (K,)
        K ≥ 1 values of λ, each finite and > 0.

    Returns
    -------
    float
        NaN when there are no data (N = 0): the evidence is then 1 for every λ.
    """
    lams = _as_precisions(precisions)
    return spectrum(Phi, y, sigma).best_precision(lams)


def evidence_vs_degree(
    x: ArrayLike,
    y: ArrayLike,
    sigma: ArrayLike,
    prior_precision: float,
    degrees: Sequence[int] | ArrayLike,
    basis: str = "polynomial",
    *,
    x_range: tuple[float, float] = (-1.0, 1.0),
    width: float | None = None,
) -> FloatArray:
    """:func:`log_evidence` of the model ``features(x, basis, d)`` for each ``d`` in ``degrees``.

    The Bayesian model-comparison curve (Bishop fig. 3.14): for polynomials ``d`` is the degree
    (M = d + 1 weights), for ``basis="gaussian"`` the number of bumps, spread over ``x_range``
    with ``width`` (default: their spacing), as in :func:`features`.

    Returns
    -------
    ndarray, shape (len(degrees),)
    """
    xs = _as_vector(x, "x")
    t = _as_targets(y, xs.size)
    s_i = _as_sigma(sigma, xs.size)
    lam = np.array([_real(prior_precision, "prior_precision", lo=0.0, lo_open=True)])
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, got {basis!r}")
    try:
        ds = np.asarray(degrees)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise ValueError(f"degrees must be a 1-D sequence of integers ({exc})") from exc
    if ds.ndim != 1:
        raise ValueError(f"degrees must be a 1-D sequence of integers, got shape {ds.shape}")
    upper = MAX_DEGREE if basis == "polynomial" else MAX_GAUSSIAN_SIZE
    sizes = [_count(d, f"degrees[{k}]", 0, upper) for k, d in enumerate(ds.tolist())]
    out = np.empty(len(sizes))
    for k, d in enumerate(sizes):
        P = features(xs, basis, d, width, x_range=x_range)
        out[k] = spectrum(P, t, s_i).log_evidence(lam)[0]
    return out


#: The same function under the name the GUI uses: for ``basis="gaussian"`` the model size is a
#: number of bumps, not a degree.
evidence_vs_size = evidence_vs_degree


# --------------------------------------------------------------------------------------------
# weight-space pictures (Bishop PRML fig. 3.7)
# --------------------------------------------------------------------------------------------


def marginal(post: Posterior, i: int, j: int) -> tuple[FloatArray, FloatArray]:
    """Marginal of weights ``(β_i, β_j)``: ``(μ[[i, j]], Σ[[i, j]][:, [i, j]])``.

    Marginals of a Gaussian are Gaussian with the corresponding sub-vector and sub-matrix.
    ``i`` and ``j`` must differ and lie in [0, M − 1].
    """
    if not isinstance(post, Posterior):
        raise ValueError(f"post must be a Posterior, got {type(post).__name__}")
    top = post.n_weights - 1
    a = _count(i, "i", 0, top)
    b = _count(j, "j", 0, top)
    if a == b:
        raise ValueError(f"i and j must differ, got i = j = {a}")
    idx = [a, b]
    return post.mean[idx].copy(), post.cov[np.ix_(idx, idx)].copy()


def _grid_axes(b0: ArrayLike, b1: ArrayLike) -> tuple[FloatArray, FloatArray]:
    g0 = _as_vector(b0, "b0")
    g1 = _as_vector(b1, "b1")
    return np.meshgrid(g0, g1)  # shape (len(b1), len(b0)): b0 along columns, b1 along rows


def gaussian_grid(
    mean2: ArrayLike, cov2: ArrayLike, b0: ArrayLike, b1: ArrayLike, *, log: bool = False
) -> FloatArray:
    """Density of a 2-D Gaussian ``N(mean2, cov2)`` on the grid ``meshgrid(b0, b1)``.

    Parameters
    ----------
    mean2 : array_like, shape (2,)
    cov2 : array_like, shape (2, 2)
        Symmetric positive definite.
    b0, b1 : array_like, 1-D
        Grid values of the first weight (columns) and the second (rows).
    log : bool
        Return the log density instead (no underflow far from the mean).

    Returns
    -------
    ndarray, shape (len(b1), len(b0))
        ``out[r, c]`` is the density at ``(b0[c], b1[r])``.
    """
    mu = _array(mean2, "mean2")
    if mu.shape != (2,):
        raise ValueError(f"mean2 must have shape (2,), got {mu.shape}")
    C = _array(cov2, "cov2")
    if C.shape != (2, 2):
        raise ValueError(f"cov2 must have shape (2, 2), got {C.shape}")
    a, c = C[0, 0], C[1, 1]
    b = 0.5 * (C[0, 1] + C[1, 0])
    det = a * c - b * b
    if not (a > 0.0 and c > 0.0 and det > 0.0):
        raise ValueError("cov2 must be symmetric positive definite")
    B0, B1 = _grid_axes(b0, b1)
    d0, d1 = B0 - mu[0], B1 - mu[1]
    quad = (c * d0 * d0 - 2.0 * b * d0 * d1 + a * d1 * d1) / det
    logp = -0.5 * quad - _LOG_2PI - 0.5 * math.log(det)
    return logp if log else np.exp(logp)


def likelihood_grid(
    phi2: ArrayLike, y: float, sigma: float, b0: ArrayLike, b1: ArrayLike, *, log: bool = False
) -> FloatArray:
    """Likelihood of one observation as a function of two weights (eq. 4.2; Bishop fig. 3.7).

    ``N(y | β₀φ₀ + β₁φ₁, σ²)`` on ``meshgrid(b0, b1)``; for a straight line
    ``phi2 = (1, x)``.  Any other weights are held at 0.

    Parameters
    ----------
    phi2 : array_like, shape (2,)
        The observation's features for the two weights shown.
    y : float
    sigma : float
        > 0.
    b0, b1 : array_like, 1-D
        Grid values (columns, rows).
    log : bool
        Return the log likelihood.

    Returns
    -------
    ndarray, shape (len(b1), len(b0))
    """
    f = _array(phi2, "phi2")
    if f.shape != (2,):
        raise ValueError(f"phi2 must have shape (2,), got {f.shape}")
    t = _real(y, "y")
    s = _real(sigma, "sigma", lo=0.0, lo_open=True)
    B0, B1 = _grid_axes(b0, b1)
    r = (t - f[0] * B0 - f[1] * B1) / s
    logp = -0.5 * r * r - 0.5 * _LOG_2PI - math.log(s)
    return logp if log else np.exp(logp)


def covariance_ellipses(
    mean2: ArrayLike, cov2: ArrayLike, levels: Sequence[float] = (1.0, 2.0), n_points: int = 100
) -> tuple[FloatArray, FloatArray]:
    """Contours of constant Mahalanobis distance of ``N(mean2, cov2)``, ready for one curve.

    The k-σ ellipse is ``{μ + k L u : ‖u‖ = 1}`` with ``L Lᵀ = cov2`` (the boundary of the
    region ``(β − μ)ᵀΣ⁻¹(β − μ) ≤ k²``).  Ellipses are concatenated in ``levels`` order,
    separated by one NaN (draw with ``connect="finite"``).  Each is closed (its first point is
    repeated at the end) and the point opposite the start is repeated as well, so the vertices
    are symmetric about ``mean2`` and average to it exactly.

    Parameters
    ----------
    mean2 : array_like, shape (2,)
    cov2 : array_like, shape (2, 2)
        Symmetric positive definite.
    levels : sequence of float
        Radii k > 0 in units of σ.
    n_points : int
        Vertices per ellipse before closing, an even number in [4, 10 000].

    Returns
    -------
    xs, ys : ndarray, shape (len(levels) · (n_points + 3) − 1,)
    """
    mu = _array(mean2, "mean2")
    if mu.shape != (2,):
        raise ValueError(f"mean2 must have shape (2,), got {mu.shape}")
    C = _array(cov2, "cov2")
    if C.shape != (2, 2):
        raise ValueError(f"cov2 must have shape (2, 2), got {C.shape}")
    L = _cholesky_checked(C, "cov2")
    ks = _as_vector(levels, "levels")
    if np.any(ks <= 0.0):
        raise ValueError("levels must all be > 0 (radii in units of σ)")
    n = _count(n_points, "n_points", 4, 10_000)
    if n % 2:
        raise ValueError(f"n_points must be an even integer in [4, 10000], got {n}")
    theta = 2.0 * np.pi * np.arange(n) / n
    theta = np.concatenate([theta[: n // 2 + 1], theta[n // 2 :], [0.0]])  # repeat π and 0
    circle = np.stack([np.cos(theta), np.sin(theta)])  # 2 × (n + 2)
    pieces = []
    for k in ks:
        pieces.append(mu[:, None] + k * (L @ circle))
        pieces.append(np.full((2, 1), np.nan))
    out = np.concatenate(pieces[:-1], axis=1)
    return out[0].copy(), out[1].copy()


def likelihood_slice(
    post: Posterior,
    phi: ArrayLike,
    y: float,
    sigma: float,
    i: int,
    j: int,
    b0: ArrayLike,
    b1: ArrayLike,
    *,
    log: bool = False,
) -> FloatArray:
    """Likelihood of one observation over weights ``(β_i, β_j)``, the others at the posterior mean.

    ``N(y | φᵀβ, σ²)`` with ``β_k = μ_k`` for k ∉ {i, j} and ``(β_i, β_j)`` on
    ``meshgrid(b0, b1)`` (eq. 4.2; the middle column of Bishop fig. 3.7).  With two weights
    (a line) this is :func:`likelihood_grid`.

    Returns
    -------
    ndarray, shape (len(b1), len(b0))
    """
    if not isinstance(post, Posterior):
        raise ValueError(f"post must be a Posterior, got {type(post).__name__}")
    m = post.n_weights
    f = _array(phi, "phi")
    if f.shape != (m,):
        raise ValueError(f"phi must have shape ({m},) to match post, got {f.shape}")
    top = m - 1
    a, b = _count(i, "i", 0, top), _count(j, "j", 0, top)
    if a == b:
        raise ValueError(f"i and j must differ, got i = j = {a}")
    others = np.ones(m, dtype=bool)
    others[[a, b]] = False
    offset = float(f[others] @ post.mean[others])
    return likelihood_grid([f[a], f[b]], _real(y, "y") - offset, sigma, b0, b1, log=log)


def true_weights(truth: str, basis: str, size: int) -> FloatArray | None:
    """The weights β that reproduce :func:`true_function` exactly in a model, if any.

    ``"line"`` (−0.3 + 0.5x) in a polynomial basis of degree ≥ 1 and ``"cubic"``
    (0.1 − x + 1.5x³) of degree ≥ 3 give ``(−0.3, 0.5, 0, …)`` and ``(0.1, −1, 0, 1.5, 0, …)``
    (length degree + 1).  Otherwise (the sine, a lower degree, Gaussian bumps) the truth is not
    in the model and the result is None.
    """
    if truth not in TRUTHS:
        raise ValueError(f"truth must be one of {TRUTHS}, got {truth!r}")
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, got {basis!r}")
    upper = MAX_DEGREE if basis == "polynomial" else MAX_GAUSSIAN_SIZE
    d = _count(size, "size", 0, upper)
    coefficients = {"line": (-0.3, 0.5), "cubic": (0.1, -1.0, 0.0, 1.5)}.get(truth)
    if basis != "polynomial" or coefficients is None or d + 1 < len(coefficients):
        return None
    out = np.zeros(d + 1)
    out[: len(coefficients)] = coefficients
    return out


# --------------------------------------------------------------------------------------------
# toy data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GeneratorParams:
    """Parameters of the toy data set ``y = f(x) + σ(x) ε``, ``x ~ U(x_range)``.

    Attributes
    ----------
    truth : {"line", "sine", "cubic"}
        The ground-truth curve f, see :func:`true_function`.
    sigma : float
        Noise level σ in (0, 10].
    heteroscedastic : bool
        If True the noise standard deviation grows across ``x_range``, see
        :func:`noise_sigma`.
    x_range : (float, float)
        Finite ``(lo, hi)`` with lo < hi.
    seed : int
        ≥ 0.
    """

    truth: str = "line"
    sigma: float = 0.2
    heteroscedastic: bool = False
    x_range: tuple[float, float] = (-1.0, 1.0)
    seed: int = 0

    def __post_init__(self) -> None:
        if self.truth not in TRUTHS:
            raise ValueError(f"truth must be one of {TRUTHS}, got {self.truth!r}")
        object.__setattr__(
            self, "sigma", _real(self.sigma, "sigma", lo=0.0, lo_open=True, hi=SIGMA_MAX)
        )
        if not isinstance(self.heteroscedastic, bool | np.bool_):
            raise ValueError(f"heteroscedastic must be True or False, got {self.heteroscedastic!r}")
        object.__setattr__(self, "heteroscedastic", bool(self.heteroscedastic))
        object.__setattr__(self, "x_range", _interval(self.x_range, "x_range"))
        object.__setattr__(self, "seed", _seed(self.seed))


def true_function(truth: str, x: ArrayLike) -> FloatArray:
    """The noiseless curve f(x) of the toy data.

    - ``"line"``: ``−0.3 + 0.5 x`` (Bishop PRML §3.3.1, fig. 3.7);
    - ``"sine"``: ``sin(π x)``, one full period on [−1, 1] (Bishop's sin(2πx) on [0, 1],
      moved to [−1, 1]);
    - ``"cubic"``: ``0.1 − x + 1.5 x³``, an S-curve with a local max/min at x = ∓√(2/9).
    """
    if truth not in TRUTHS:
        raise ValueError(f"truth must be one of {TRUTHS}, got {truth!r}")
    xs = _array(x, "x")
    if truth == "line":
        return -0.3 + 0.5 * xs
    if truth == "sine":
        return np.sin(np.pi * xs)
    return 0.1 - xs + 1.5 * xs**3


def noise_sigma(params: GeneratorParams, x: ArrayLike) -> FloatArray:
    """Noise standard deviation σ(x) of the toy data.

    Homoscedastic: σ everywhere.  Heteroscedastic: ``σ · (0.25 + 1.5 u)`` with
    ``u = (x − lo)/(hi − lo)`` clipped to [0, 1]: it rises linearly from σ/4 at ``lo`` to
    7σ/4 at ``hi``, averaging σ over the range.
    """
    if not isinstance(params, GeneratorParams):
        raise ValueError(f"params must be GeneratorParams, got {type(params).__name__}")
    xs = _array(x, "x")
    if not params.heteroscedastic:
        return np.full(xs.shape, params.sigma)
    lo, hi = params.x_range
    u = np.clip((xs - lo) / (hi - lo), 0.0, 1.0)
    return params.sigma * (0.25 + 1.5 * u)


def generate(params: GeneratorParams, n: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The first ``n`` points of the reproducible toy-data stream of ``params``.

    ``x_k ~ U(lo, hi)``, ``y_k = f(x_k) + σ(x_k) ε_k`` with ``ε_k ~ N(0, 1)``, in arrival
    order (not sorted), for the sequential-learning animation.  x and ε come from two
    independent streams spawned from ``seed``, so point k does not depend on ``n``:
    ``generate(p, 5)`` is the prefix of ``generate(p, 50)``.

    Parameters
    ----------
    params : GeneratorParams
    n : int
        Number of points in [0, 1 000 000].

    Returns
    -------
    x, y, sigma_i : ndarray, shape (n,)
        Inputs, noisy targets and the noise standard deviation of each point.
    """
    if not isinstance(params, GeneratorParams):
        raise ValueError(f"params must be GeneratorParams, got {type(params).__name__}")
    count = _count(n, "n", 0, MAX_POINTS)
    x_seq, eps_seq = np.random.SeedSequence(params.seed).spawn(2)
    lo, hi = params.x_range
    x = lo + (hi - lo) * np.random.default_rng(x_seq).random(count)
    eps = np.random.default_rng(eps_seq).standard_normal(count)
    sig = noise_sigma(params, x)
    return x, true_function(params.truth, x) + sig * eps, sig
