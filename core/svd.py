"""Singular value decomposition (notes §1.1) and its geometric picture for 2×2 matrices.

The notes define the singular values of a real m×n matrix ``A`` as the square roots of the
eigenvalues of ``AᵀA`` (eq. 1.2) and the SVD as ``A = U Σ Vᵀ`` with ``U`` (m×m) and ``V``
(n×n) orthogonal and ``Σ`` (m×n) diagonal (eq. 1.3).

Ordering convention
-------------------
The notes list singular values in *ascending* order, 0 ≤ σ₁ ≤ … ≤ σₙ.  This module (and the
whole project) uses the standard **descending** order σ₁ ≥ σ₂ ≥ … ≥ 0, as numpy, scipy and most
textbooks do, so σ₁ is always the largest singular value and ``s[0]`` its value.

Contents
--------
``decompose(A)``
    Full SVD of any finite real matrix, with numerical rank and condition number.
``low_rank(A, k)``, ``eckart_young_error(s, k)``, ``storage_ratio(m, n, k)``
    Best rank-k approximation (Eckart–Young) and what it costs / saves.
``decompose_image(pixels)`` → ``ImageSVD``
    The same for a picture: grey levels (one matrix) or colour (each channel its own matrix,
    approximated at the same rank k).
``staged_factors(A)``, ``staged_map(A, points, t)``, ``staged_matrix(A, t)``, ``stage_name(t)``
    For a 2×2 matrix, ``A = R(θ_U) · diag(d₁, d₂) · R(θ_V)`` with both outer factors proper
    rotations, animated as three stages: rotate by Vᵀ (t ∈ [0, 1]), stretch the axes by Σ
    (t ∈ [1, 2]), rotate by U (t ∈ [2, 3]).  A reflection (det A < 0) is carried by the sign
    of d₂, so the picture flips continuously through a line during the Σ stage.
``rotation(theta)``
    The 2-D rotation matrix ``[[cos θ, −sin θ], [sin θ, cos θ]]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core.checks import array as _array
from core.checks import count as _count
from core.checks import real as _real

__all__ = [
    "ImageSVD",
    "SVDResult",
    "StagedSVD",
    "decompose",
    "decompose_image",
    "eckart_young_error",
    "low_rank",
    "reconstruct",
    "relative_error",
    "rotation",
    "stage_name",
    "staged_factors",
    "staged_map",
    "staged_matrix",
    "storage_ratio",
]

FloatArray = NDArray[np.float64]

#: Relative gap (σ₁ − σ₂)/σ₁ below which a 2×2 matrix counts as having equal singular values,
#: so that its right singular vectors are arbitrary and θ_V is set to 0.
EQUAL_SIGMA_RTOL = 1e-12

T_MIN = 0.0
T_MAX = 3.0


# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------


def _as_2x2(A: ArrayLike) -> FloatArray:
    arr = _array(A, "A", ndim=2)
    if arr.shape != (2, 2):
        raise ValueError(f"A must be a 2×2 matrix, got shape {arr.shape}")
    return arr


def _as_points(points: ArrayLike) -> FloatArray:
    arr = _array(points, "points")
    if arr.ndim != 2 or arr.shape[0] != 2:
        raise ValueError(
            f"points must be a 2×N array (one column per point), got shape {arr.shape}"
        )
    return arr


def _readonly(arr: FloatArray) -> FloatArray:
    arr.setflags(write=False)
    return arr


def _wrap_angle(x: float) -> float:
    """Map an angle to (−π, π]."""
    y = math.remainder(x, 2.0 * math.pi)  # exact, in [−π, π]
    return math.pi if y <= -math.pi else y


# --------------------------------------------------------------------------------------------
# general SVD
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SVDResult:
    """Full singular value decomposition ``A = U Σ Vᵀ`` (notes eq. 1.3).

    Attributes
    ----------
    U : ndarray, shape (m, m)
        Orthogonal; its columns are the left singular vectors.
    s : ndarray, shape (min(m, n),)
        Singular values σ₁ ≥ σ₂ ≥ … ≥ 0 in **descending** order (the notes list them
        ascending); σᵢ² are the eigenvalues of AᵀA (eq. 1.2).
    Vt : ndarray, shape (n, n)
        Orthogonal; its rows are the right singular vectors (this is Vᵀ, not V).
    rank : int
        Numerical rank: the number of σᵢ above numpy's default tolerance
        ``σ_max · max(m, n) · eps``.
    cond : float
        2-norm condition number σ_max / σ_min; ``inf`` when σ_min = 0 (including the zero
        matrix).

    The arrays are read-only.
    """

    U: FloatArray
    s: FloatArray
    Vt: FloatArray
    rank: int
    cond: float

    @property
    def shape(self) -> tuple[int, int]:
        """Shape (m, n) of the decomposed matrix."""
        return (self.U.shape[0], self.Vt.shape[0])

    @property
    def Sigma(self) -> FloatArray:
        """The m×n matrix Σ of eq. 1.3, with ``Σᵢᵢ = s[i]`` and zeros elsewhere."""
        m, n = self.shape
        out = np.zeros((m, n))
        r = self.s.size
        out[np.arange(r), np.arange(r)] = self.s
        return out


def decompose(A: ArrayLike) -> SVDResult:
    """Full singular value decomposition of a real matrix (notes §1.1, eqs. 1.2–1.3).

    Parameters
    ----------
    A : array_like, shape (m, n)
        Any finite real matrix with m, n ≥ 1.

    Returns
    -------
    SVDResult
        ``U`` (m×m), ``s`` (descending, length min(m, n)), ``Vt`` (n×n) with
        ``A = U Σ Vᵀ`` (eq. 1.3) and ``s**2`` the eigenvalues of ``AᵀA`` (eq. 1.2; the
        largest min(m, n) of them), plus ``rank`` and ``cond``.

    Raises
    ------
    ValueError
        If ``A`` is not 2-D, is empty, or has entries that are not finite real numbers.

    Notes
    -----
    The singular values are in descending order σ₁ ≥ σ₂ ≥ …; the notes number them
    ascending.
    """
    M = _array(A, "A", ndim=2, min_size=1)
    m, n = M.shape
    U, s, Vt = np.linalg.svd(M, full_matrices=True)
    smax = float(s[0])
    tol = smax * max(m, n) * np.finfo(np.float64).eps
    rank = int(np.count_nonzero(s > tol))
    # singular to working precision (rank deficient): ∞, as the rank says, even where LAPACK
    # leaves a rounding-level σ_min such as 1e-17 instead of 0 (it does on some CPUs)
    cond = smax / float(s[-1]) if rank == min(m, n) else math.inf
    return SVDResult(U=_readonly(U), s=_readonly(s), Vt=_readonly(Vt), rank=rank, cond=cond)


def low_rank(A: ArrayLike, k: int) -> FloatArray:
    """Best rank-k approximation of ``A`` (Eckart–Young theorem).

    Truncates eq. 1.3 to the k largest singular values:
    ``A_k = Σ_{i ≤ k} σᵢ uᵢ vᵢᵀ``.  Among all matrices of rank ≤ k, ``A_k`` minimises both
    the Frobenius and the spectral norm of ``A − A_k``; the errors are
    ``sqrt(Σ_{i>k} σᵢ²)`` and ``σ_{k+1}``.

    Parameters
    ----------
    A : array_like, shape (m, n)
        Finite real matrix.
    k : int
        Target rank, 0 ≤ k ≤ min(m, n).  ``k = 0`` gives the zero matrix and
        ``k = min(m, n)`` reproduces ``A``.

    Returns
    -------
    ndarray, shape (m, n)

    Raises
    ------
    ValueError
        For an invalid matrix or ``k`` outside [0, min(m, n)].
    """
    M = _array(A, "A", ndim=2, min_size=1)
    k = _count(k, "k", 0, min(M.shape))
    if k == min(M.shape):
        return M
    U, s, Vt = np.linalg.svd(M, full_matrices=False)
    return (U[:, :k] * s[:k]) @ Vt[:k, :]


def reconstruct(result: SVDResult, k: int) -> FloatArray:
    """``A_k = Σ_{i ≤ k} σᵢ uᵢ vᵢᵀ`` from an existing decomposition (no new SVD).

    The same matrix as ``low_rank(A, k)``, for redrawing at many k without refactoring.

    Raises
    ------
    ValueError
        For ``k`` outside [0, min(m, n)].
    """
    if not isinstance(result, SVDResult):
        raise ValueError(
            f"result must be an SVDResult (from decompose), got {type(result).__name__}"
        )
    k = _count(k, "k", 0, result.s.size)
    return (result.U[:, :k] * result.s[:k]) @ result.Vt[:k, :]


def relative_error(A: ArrayLike, B: ArrayLike) -> float:
    """``‖A − B‖_F / ‖A‖_F`` (0 when both are zero); the measured error of an approximation.

    A and B are matrices, or stacks of them of the same shape (a colour image, (m, n, 3)),
    whose Frobenius norm is that of all their entries."""
    M, N = _array(A, "A", ndim=(2, 3), min_size=1), _array(B, "B", ndim=(2, 3), min_size=1)
    if M.shape != N.shape:
        raise ValueError(f"A and B must have the same shape, got {M.shape} and {N.shape}")
    peak = max(float(np.max(np.abs(M))), float(np.max(np.abs(N))))
    if peak > 0.0:  # the ratio is scale-free: scale so the squares neither underflow nor overflow
        M, N = M / peak, N / peak
    norm = float(np.linalg.norm(M))
    difference = float(np.linalg.norm(M - N))
    if norm == 0.0:
        return 0.0 if difference == 0.0 else math.inf
    return difference / norm


def eckart_young_error(s: ArrayLike, k: int) -> float:
    """Relative Frobenius error of the best rank-k approximation.

    ``‖A − A_k‖_F / ‖A‖_F = sqrt(Σ_{i>k} σᵢ²) / sqrt(Σ_i σᵢ²)`` with σ in descending
    order (the values are sorted here, so any order is accepted).  Returns 0 for the zero
    matrix.

    Parameters
    ----------
    s : array_like, shape (r,)
        Singular values (eq. 1.2), finite and ≥ 0, e.g. ``decompose(A).s``.
    k : int
        Rank kept, 0 ≤ k ≤ r.

    Returns
    -------
    float
        In [0, 1].

    Raises
    ------
    ValueError
        If ``s`` is not a non-empty 1-D array of finite non-negative numbers, or ``k`` is
        outside [0, len(s)].
    """
    arr = _array(s, "s", ndim=1, min_size=1)
    if np.any(arr < 0):
        raise ValueError("s: singular values must be ≥ 0")
    k = _count(k, "k", 0, arr.size)
    sigma = np.sort(arr)[::-1]
    top = sigma[0]
    if top == 0.0:
        return 0.0
    scaled = sigma / top  # avoid overflow/underflow in the squares
    total = float(np.sum(scaled**2))
    tail = float(np.sum(scaled[k:] ** 2))
    return math.sqrt(tail / total)


@dataclass(frozen=True, eq=False)
class ImageSVD:
    """The thin SVD of each channel of an image: ``A_c = U_c Σ_c V_cᵀ`` (eq. 1.3 per channel).

    A grey image is one matrix; a colour image three (red, green, blue), each approximated at
    the same rank k. Its Frobenius norm is that of all the pixel values, so the error of the
    best rank-k approximation of every channel (Eckart–Young, applied channel by channel) is
    ``sqrt(Σ_c Σ_{i>k} σ_{c,i}²) / sqrt(Σ_c Σ_i σ_{c,i}²)``.

    Attributes
    ----------
    U : ndarray (c, m, r)
    s : ndarray (c, r), each row descending
    Vt : ndarray (c, r, n)
        r = min(m, n); c = 1 (grey) or 3 (colour). Read-only.
    colour : bool
        Whether the pixels were (m, n, 3): then :meth:`reconstruct` gives (m, n, 3) too.
    """

    U: FloatArray
    s: FloatArray
    Vt: FloatArray
    colour: bool

    @property
    def shape(self) -> tuple[int, int]:
        """(m, n): rows and columns of pixels."""
        return (self.U.shape[1], self.Vt.shape[2])

    @property
    def channels(self) -> int:
        return int(self.s.shape[0])

    @property
    def ranks(self) -> tuple[int, ...]:
        """Numerical rank of each channel (tolerance as in :func:`decompose`)."""
        m, n = self.shape
        tol = self.s[:, :1] * max(m, n) * np.finfo(np.float64).eps
        return tuple(int(r) for r in np.count_nonzero(self.s > tol, axis=1))

    def reconstruct(self, k: int) -> FloatArray:
        """``A_k = Σ_{i ≤ k} σᵢ uᵢ vᵢᵀ`` of every channel: (m, n), or (m, n, 3) in colour.

        Raises
        ------
        ValueError
            For ``k`` outside [0, min(m, n)].
        """
        k = _count(k, "k", 0, self.s.shape[1])
        approx = np.matmul(self.U[:, :, :k] * self.s[:, None, :k], self.Vt[:, :k, :])
        return np.moveaxis(approx, 0, -1) if self.colour else approx[0]

    def eckart_young_errors(self) -> FloatArray:
        """The relative error of the best rank-k approximation for every k = 0 … min(m, n):
        ``sqrt(Σ_c Σ_{i>k} σ_{c,i}²) / sqrt(Σ_c Σ_i σ_{c,i}²)`` (0 for a black image)."""
        top = float(self.s.max())
        if top == 0.0:
            return np.zeros(self.s.shape[1] + 1)
        energy = ((self.s / top) ** 2).sum(axis=0)  # per index i, over the channels
        tail = np.concatenate([np.cumsum(energy[::-1])[::-1], [0.0]])
        return np.sqrt(np.maximum(tail / tail[0], 0.0))

    def eckart_young_error(self, k: int) -> float:
        """:meth:`eckart_young_errors` at one k."""
        k = _count(k, "k", 0, self.s.shape[1])
        return float(self.eckart_young_errors()[k])


def decompose_image(pixels: ArrayLike) -> ImageSVD:
    """Thin SVD of each channel of an image (notes §1.1, eq. 1.3).

    Parameters
    ----------
    pixels : array_like, (m, n) grey levels or (m, n, c) channels (c = 3: red, green, blue)
        Finite real values, m, n ≥ 1, c ≤ 4.

    Returns
    -------
    ImageSVD

    Raises
    ------
    ValueError
        For an array that is not 2-D or 3-D, is empty, has more than 4 channels, or holds
        values that are not finite real numbers.
    """
    P = _array(pixels, "pixels", ndim=(2, 3), min_size=1)
    colour = P.ndim == 3
    if colour and not 1 <= P.shape[2] <= 4:
        raise ValueError(f"pixels must have 1 to 4 channels, got shape {P.shape}")
    stack = np.moveaxis(P, -1, 0) if colour else P[None]
    U, s, Vt = np.linalg.svd(stack, full_matrices=False)
    return ImageSVD(U=_readonly(U), s=_readonly(s), Vt=_readonly(Vt), colour=colour)


def storage_ratio(m: int, n: int, k: int) -> float:
    """Storage of a rank-k SVD relative to the full m×n matrix.

    Keeping k columns of U (k·m numbers), k singular values and k rows of Vᵀ (k·n numbers)
    costs ``k (m + n + 1)`` numbers against ``m n``.  Values above 1 mean the truncated
    SVD is larger than the matrix itself.

    Parameters
    ----------
    m, n : int
        Matrix shape, both ≥ 1.
    k : int
        Rank kept, 0 ≤ k ≤ min(m, n).

    Returns
    -------
    float
        ``k (m + n + 1) / (m n)``.
    """
    m, n = _count(m, "m", 1), _count(n, "n", 1)
    k = _count(k, "k", 0, min(m, n))
    return k * (m + n + 1) / (m * n)


# --------------------------------------------------------------------------------------------
# 2×2: rotate, stretch, rotate
# --------------------------------------------------------------------------------------------


def rotation(theta: float) -> FloatArray:
    """The 2-D rotation matrix ``R(θ) = [[cos θ, −sin θ], [sin θ, cos θ]]`` (det +1).

    Raises
    ------
    ValueError
        If ``theta`` is not a finite real number (radians).
    """
    theta = _real(theta, "theta", allowed="(radians, any finite value)")
    c, s = math.cos(theta), math.sin(theta)
    return np.array([[c, -s], [s, c]])


@dataclass(frozen=True, eq=False)
class StagedSVD:
    """A 2×2 SVD written as rotation · diagonal · rotation (notes eq. 1.3).

    ``A = R(θ_U) · diag(d₁, d₂) · R(θ_V)``, i.e. ``U = R(θ_U)``, ``Σ = diag(d₁, d₂)``,
    ``Vᵀ = R(θ_V)``, with both U and Vᵀ proper rotations (det +1).

    Attributes
    ----------
    theta_v : float
        Angle of Vᵀ in radians, in (−π/2, π/2], so the first stage turns by at most 90°.
        It is 0 when σ₁ = σ₂ (then every direction is a right singular vector).
    theta_u : float
        Angle of U in radians, in (−π, π].
    d : ndarray, shape (2,)
        ``d₁ = σ₁ ≥ 0`` and ``d₂ = ±σ₂`` with ``|d₂| ≤ d₁``; ``d₂ < 0`` exactly when
        det A < 0: the reflection lives in the sign of Σ, not in U or Vᵀ.
    """

    theta_v: float
    theta_u: float
    d: FloatArray

    def __post_init__(self) -> None:
        half = math.pi / 2
        tv = _real(
            self.theta_v, "theta_v", lo=-half, hi=half, lo_open=True, allowed="in (−π/2, π/2]"
        )
        tu = _real(
            self.theta_u, "theta_u", lo=-math.pi, hi=math.pi, lo_open=True, allowed="in (−π, π]"
        )
        d = _array(self.d, "d")
        if d.shape != (2,):
            raise ValueError(f"d must be 2 finite numbers, got {self.d!r}")
        if not (d[0] >= 0.0 and abs(d[1]) <= d[0]):
            raise ValueError(f"d must satisfy d[0] ≥ |d[1]| ≥ 0, got {d.tolist()}")
        object.__setattr__(self, "theta_v", tv)
        object.__setattr__(self, "theta_u", tu)
        object.__setattr__(self, "d", _readonly(d))

    @property
    def U(self) -> FloatArray:
        """``R(θ_U)``, the left rotation."""
        return rotation(self.theta_u)

    @property
    def Vt(self) -> FloatArray:
        """``R(θ_V)``, the right rotation (this is Vᵀ)."""
        return rotation(self.theta_v)

    @property
    def Sigma(self) -> FloatArray:
        """``diag(d₁, d₂)``; d₂ is negative for a reflection."""
        return np.diag(self.d)

    @property
    def reflection(self) -> bool:
        """True when det A < 0 (then d₂ < 0)."""
        return bool(self.d[1] < 0.0)

    @property
    def det(self) -> float:
        """det A = d₁·d₂ = ±σ₁σ₂ (the rotations have determinant 1)."""
        return float(self.d[0] * self.d[1])


def staged_factors(A: ArrayLike) -> StagedSVD:
    """Factor a 2×2 matrix as ``A = R(θ_U) · diag(d₁, d₂) · R(θ_V)`` (notes eq. 1.3).

    Closed form: write ``A = E·I + H·J + F·Z + G·X`` with J = R(π/2), Z = diag(1, −1),
    X = [[0, 1], [1, 0]].  The (E, H) part is a scaled rotation ``Q·R(α₂)`` and the (F, G)
    part a scaled reflection ``P·R(α₁)·Z``; then σ₁ = Q + P, |σ₂| = |Q − P|,
    θ_U = (α₂ + α₁)/2 and θ_V = (α₂ − α₁)/2.  d₂ = det A / σ₁ keeps σ₂ accurate for nearly
    singular matrices and makes its sign that of det A.  The singular values agree with
    eq. 1.2 (σᵢ² are the eigenvalues of AᵀA).

    Parameters
    ----------
    A : array_like, shape (2, 2)
        Finite real matrix.

    Returns
    -------
    StagedSVD
        ``theta_v`` in (−π/2, π/2] (U and Vᵀ are both multiplied by −I when needed, which
        leaves A unchanged), ``theta_u`` in (−π, π], ``d = (σ₁, ±σ₂)``.  When σ₁ = σ₂ (to
        ``EQUAL_SIGMA_RTOL`` relative: rotations, scaled rotations and reflections, ±I)
        θ_V = 0 and all the turning happens in U.  The zero matrix gives θ's 0, d = (0, 0).
        The product reproduces A to ~1e-12 relative (machine precision away from the
        σ₁ ≈ σ₂ threshold).

    Raises
    ------
    ValueError
        If ``A`` is not a finite real 2×2 matrix.
    """
    M = _as_2x2(A)
    peak = float(np.max(np.abs(M)))
    if peak == 0.0:
        return StagedSVD(theta_v=0.0, theta_u=0.0, d=np.zeros(2))
    # Scale by a power of two (exact) so nothing below overflows or underflows: |M/scale| < 2.
    # (2^e with peak = m·2^e, m ∈ [0.5, 1), would itself overflow for peak ≥ 2^1023.)
    scale = math.ldexp(1.0, math.frexp(peak)[1] - 1)
    (a, b), (c, dd) = (M / scale).tolist()
    E, F = 0.5 * (a + dd), 0.5 * (a - dd)
    G, H = 0.5 * (c + b), 0.5 * (c - b)
    Q, P = math.hypot(E, H), math.hypot(F, G)
    sigma1 = Q + P
    alpha2 = math.atan2(H, E)  # angle of the scaled-rotation part
    alpha1 = math.atan2(G, F)  # angle of the scaled-reflection part
    if 2.0 * min(Q, P) <= EQUAL_SIGMA_RTOL * sigma1:  # σ₁ == σ₂: right vectors arbitrary
        if P <= Q:
            alpha1 = alpha2
        else:
            alpha2 = alpha1
    theta_v = 0.5 * (alpha2 - alpha1)  # in (−π, π)
    theta_u = 0.5 * (alpha2 + alpha1)
    if theta_v > math.pi / 2:
        theta_v -= math.pi
        theta_u += math.pi
    elif theta_v <= -math.pi / 2:
        theta_v += math.pi
        theta_u -= math.pi
    det = a * dd - b * c
    d2 = det / sigma1
    d2 = math.copysign(min(abs(d2), sigma1), d2) if d2 != 0.0 else 0.0
    if not math.isfinite(sigma1 * scale):
        raise ValueError("A is too large: its largest singular value overflows float64")
    return StagedSVD(
        theta_v=theta_v,
        theta_u=_wrap_angle(theta_u),
        d=np.array([sigma1 * scale, d2 * scale]),
    )


def staged_matrix(A: ArrayLike, t: float) -> FloatArray:
    """The 2×2 matrix ``M(t)`` that :func:`staged_map` applies at time ``t``.

    With ``A = R(θ_U) · diag(d₁, d₂) · R(θ_V)`` from :func:`staged_factors` (eq. 1.3):

    - t = 0: the identity;
    - 0 < t ≤ 1: ``R(t θ_V)`` (rotate by Vᵀ);
    - 1 ≤ t ≤ 2: ``diag(1 + (t−1)(d₁−1), 1 + (t−1)(d₂−1)) · Vᵀ`` (stretch by Σ; a
      reflection passes through a line because d₂ < 0);
    - 2 ≤ t ≤ 3: ``R((t−2) θ_U) · Σ · Vᵀ`` (rotate by U);
    - t = 3: exactly ``A``.

    ``M(t)`` is continuous (indeed Lipschitz) in t for every 2×2 A; at t = 3 the jump from
    the factored product to ``A`` itself is at rounding level.

    Parameters
    ----------
    A : array_like, shape (2, 2)
        Finite real matrix.
    t : float
        Stage time in [0, 3].

    Returns
    -------
    ndarray, shape (2, 2)
    """
    M = _as_2x2(A)
    t = _real(t, "t", lo=T_MIN, hi=T_MAX)
    if t == T_MIN:
        return np.eye(2)
    if t == T_MAX:
        return M
    f = staged_factors(M)
    if t <= 1.0:
        return rotation(t * f.theta_v)
    Vt = f.Vt
    if t <= 2.0:
        stretch = 1.0 + (t - 1.0) * (f.d - 1.0)
        return stretch[:, None] * Vt
    return rotation((t - 2.0) * f.theta_u) @ (f.d[:, None] * Vt)


def staged_map(A: ArrayLike, points: ArrayLike, t: float) -> FloatArray:
    """Apply the SVD of a 2×2 matrix to points one factor at a time (notes eq. 1.3).

    ``t`` runs over [0, 3]: 0 is the identity, 1 is after Vᵀ, 2 after ΣVᵀ and 3 is
    ``A @ points`` exactly; see :func:`staged_matrix` for the matrix used in between.  The
    image is continuous in ``t`` for every A, including det A < 0, rank-deficient and zero
    matrices and equal singular values.

    Parameters
    ----------
    A : array_like, shape (2, 2)
        Finite real matrix.
    points : array_like, shape (2, N)
        One point per column, finite.
    t : float
        Stage time in [0, 3].

    Returns
    -------
    ndarray, shape (2, N)
        A new array; at t = 0 a copy of ``points``.

    Raises
    ------
    ValueError
        For a bad ``A``, ``points`` or ``t`` (the message names which).
    """
    M = _as_2x2(A)
    P = _as_points(points)
    t = _real(t, "t", lo=T_MIN, hi=T_MAX)
    if t == T_MIN:
        return P  # already a fresh copy
    if t == T_MAX:
        return M @ P
    return staged_matrix(M, t) @ P


def stage_name(t: float) -> str:
    """Short label for the stage shown at time ``t`` of :func:`staged_map`.

    Returns ``"identity"`` at t = 0, ``"Vᵀ: rotate"`` for 0 < t ≤ 1, ``"Σ: stretch"`` for
    1 < t ≤ 2, ``"U: rotate"`` for 2 < t < 3 and ``"A = UΣVᵀ"`` at t = 3 (eq. 1.3).
    """
    t = _real(t, "t", lo=T_MIN, hi=T_MAX)
    if t == T_MIN:
        return "identity"
    if t <= 1.0:
        return "Vᵀ: rotate"
    if t <= 2.0:
        return "Σ: stretch"
    if t < T_MAX:
        return "U: rotate"
    return "A = UΣVᵀ"
