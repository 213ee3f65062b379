"""Double descent: test error against model size (notes §5, issue 4).

Fit ``y ≈ Φβ`` by least squares with ``p`` features and ``n`` training points and watch the
test error as ``p`` grows.  For ``p < n`` the fit is the ordinary least-squares estimate
(eq. 4.14 with Σ = σ²I); for ``p ≥ n`` infinitely many β interpolate the data and we take the
one of **minimum norm**, the limit λ → 0⁺ of ridge regression (eq. 3.12–3.13) and what gradient
descent from β = 0 converges to.  The test error then rises to a peak at the interpolation
threshold p = n and falls again beyond it — "double descent" (Belkin, Hsu, Ma & Mandal 2019,
PNAS 116, 15849).  That the smallest-norm interpolant generalises is the *soft inductive bias* of
notes §5.1 (Wilson 2025, arXiv:2503.02113): among all models that fit, prefer the simplest.

Contents
--------
``min_norm_lstsq(Phi, y)``
    The minimum-norm least-squares solution ``β̂ = Φ⁺y``.
``nested_solutions(Phi, y, widths, ridge=0.0)``
    ``β̂`` for the leading ``p`` columns of ``Phi`` at many widths ``p``, from one factorisation.
``isotropic_risk(gamma, signal, noise)``
    Asymptotic excess risk of ridgeless least squares with isotropic features (Hastie,
    Montanari, Rosset & Tibshirani 2019, Thm 1), γ = p/n.
``isotropic_risk_exact(n, p, signal, noise)``
    The exact finite-n expectation for Gaussian features, whose n → ∞ limit is the above.
``SweepParams``, ``run_sweep(params, progress=None, cancel=None)``, ``sweep(...)``, ``SweepResult``
    Train/test error and ‖β̂‖ against width for three feature families, averaged over trials,
    with a progress callback (partial curves) and cooperative cancel.
``widths_for(n, ratio)``
    Model sizes 1 … ratio·n for a sweep: geometric, and every size near p = n.
``draw_trial(params, trial)``, ``TrialDraw``
    The random problem of one trial, exactly as the sweep sees it (for checks and benchmarks).
``fit_function(n, p, sigma, ridge=0.0, seed=0, grid=400)``, ``FunctionFit``
    One 1-D random-Fourier-feature fit on a grid: wild near p = n, smooth far past it.

Feature families
----------------
``"isotropic"``
    x ~ N(0, I_p), a teacher β with ‖β‖² = ``signal`` in a uniformly random direction,
    ``y = x·β + σε``.  The test error is the **excess risk** ``E_x[(x·β̂ − x·β)²]``, which for
    isotropic x equals ``‖β̂ − β‖²`` exactly; that is what is computed (no test sample).
    Each width is its own problem.  One n × p_max Gaussian matrix X is drawn per trial and
    width p uses its leading p columns, with a fresh teacher β_p per width: the leading columns
    of an i.i.d. N(0, 1) matrix are again i.i.d. N(0, 1) (rows independent, x isotropic), so
    every width sees exactly the distribution of a fresh problem — only the correlations
    *between* widths of one trial change (the curve is smoother), not any per-width mean or
    spread.  Sharing X lets all widths share one factorisation.
``"relu"``
    Random ReLU features of a d-dimensional Gaussian input (d = ``input_dim``):
    ``φ(x) = max(0, Wx)/√d`` with W's rows ~ N(0, I_d), the same W for every width of a trial
    (width p uses its first p rows).  Teacher: a linear ``y = x·θ + σε`` with ‖θ‖² = ``signal``.
    Test error: mean squared error against the noiseless teacher ``x·θ`` on ``n_test`` fresh
    inputs.  (Mei & Montanari 2019 analyse this random-features model.)
``"fourier"``
    Random Fourier features ``φ_j(x) = a_j cos(ω_j x + b_j)`` of a 1-D input on [−1, 1], in the
    spirit of the random-Fourier-feature experiments of Belkin et al. 2019 (Rahimi & Recht
    2007): random phases b_j ~ U(0, 2π), one random frequency in each band of width δ,
    ``ω_j = (j − 1 + u_j)·δ`` with u_j ~ U(0, 1) and δ = ``FOURIER_BAND``, and decaying
    amplitudes ``a_j = √2 / (1 + (ω_j/ω₀)²)`` (ω₀ = ``FOURIER_CORNER``).  Training inputs are
    stratified (one uniform draw in each of n equal cells), test inputs uniform, the target
    :func:`fourier_target` with noise σ; test error against the noiseless target on ``n_test``
    fresh inputs.  Widths are nested as for ``"relu"``.
``"digits"``
    Real data: the UCI handwritten digits (:mod:`core.datasets`, 1797 images of 8 × 8 pixels),
    with random ReLU features as in Belkin et al. 2019 (their §2, "random ReLU features"):
    ``φ(x) = max(0, Wx̃)/√64`` with W's rows ~ N(0, I₆₄) (nested widths, as for ``"relu"``) and
    x̃ the pixels divided by 16 and centred by the data set's mean image.  The target is a
    one-number question about each image, *is the digit odd?*: y = +1 for 1, 3, 5, 7, 9 and
    −1 for 0, 2, 4, 6, 8 (balanced: 906 odd, 891 even), plus label noise σε on the training
    targets.  Each trial draws n training images at random; the test error is the mean squared
    error of the fitted score against the true ±1 on *all the other* images (1797 − n, never
    seen in training).  There is no theory curve for it.

    Why not the textbook i.i.d. Gaussian frequencies: in one dimension those features are
    numerically rank-deficient (condition number above 1e13 already at p = 20 for n = 40), so
    there is no interpolation threshold at p = n and the least-squares fits are rounding noise.
    With one frequency per band, width p resolves frequencies up to ≈ pδ; δ a little below the
    Nyquist spacing π/2 of n points on [−1, 1] makes the square system nearly singular at
    p ≈ n (the peak).  The amplitudes make the minimum-norm fit prefer low frequencies, so as
    p → ∞ it tends to the interpolant of the fixed smooth kernel ``Σ_j a_j² cos(ω_j(x − x′))``
    (close to a Matérn-3/2 kernel of length 1/ω₀) and is smooth again.  Because that kernel
    converges, λ means the same at every width.  Stratified inputs keep pairs of training
    points apart, which any smooth interpolant of noisy data would have to spike between.

``ridge = λ > 0`` replaces the least-squares fit by ridge regression,
``argmin_β ‖y − Φβ‖² + λ‖β‖²``; a well-chosen λ removes the peak (Nakkiran, Venkat, Kakade &
Ma 2021, "Optimal regularization can mitigate double descent", ICLR).

Numerics
--------
All widths of one trial share one factorisation (see :func:`nested_solutions`).  For p ≤ n:
one Householder QR of the widest such block, whose leading p × p block ``R_p`` serves width p.
For p > n: the R factor of ``Φ_pᵀ``, updated by a triangular-pentagonal QR (LAPACK ``dtpqrt``,
O(n²k) for k new columns) as columns are added, so that the minimum-norm
``β̂ = Φ_pᵀ(Φ_pΦ_pᵀ)⁻¹y = Φ_pᵀR_p⁻¹R_p⁻ᵀy`` never forms the kernel matrix.  With λ > 0:
Cholesky factors of the Gram matrix ``ΦᵀΦ + λI`` (p ≤ n, leading blocks) or of
``K_p + λI`` with ``K_p = Φ_pΦ_pᵀ`` grown by rank-k updates (p > n).  Every fast solve is
guarded by a LAPACK condition estimate; a width whose matrix is too ill-conditioned for the
fast path to be accurate to ~1e-10 (a narrow band around p = n, or rank-deficient features) is
solved by ``numpy.linalg.lstsq`` (an SVD) instead — so the result at p = n exactly is large but
finite, and every width's β̂ agrees with per-width ``lstsq`` to ~1e-10 relative.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core.checks import array as _array
from core.checks import callback as _callback
from core.checks import count as _count
from core.checks import real as _real
from core.checks import seed as _seed
from core.datasets import DIGIT_INK, DIGIT_PIXELS, Digits

__all__ = [
    "FEATURE_FAMILIES",
    "FOURIER_BAND",
    "FOURIER_CORNER",
    "FunctionFit",
    "SweepParams",
    "SweepResult",
    "TrialDraw",
    "default_sweep_params",
    "draw_trial",
    "fit_function",
    "fourier_target",
    "isotropic_risk",
    "isotropic_risk_exact",
    "min_norm_lstsq",
    "nested_solutions",
    "run_sweep",
    "sweep",
    "widths_for",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

FEATURE_FAMILIES = ("isotropic", "relu", "fourier", "digits")

#: Width δ of the frequency band of each Fourier feature: ω_j ∈ [(j − 1)δ, jδ).  A little
#: below the Nyquist spacing π/2 of n points on [−1, 1], which puts the peak at p ≈ n.
FOURIER_BAND = 0.45 * math.pi

#: Corner frequency ω₀ of the Fourier amplitudes a_j = √2 / (1 + (ω_j/ω₀)²).
FOURIER_CORNER = 5.0

#: A fast solve is used only while the LAPACK estimate of the condition number of the matrix it
#: solves with (a triangular R factor, or the Cholesky-factored ΦᵀΦ + λI or ΦΦᵀ + λI) is at most
#: this: its relative error is then ≲ 1e6 · 2.2e-16 ≈ 2e-10.  Worse widths go to an SVD.
FAST_PATH_MAX_COND = 1e6

# Guards against requests that would exhaust memory (n_test × p_max and n × n matrices).
MAX_N = 10_000
MAX_WIDTH = 20_000
MAX_TRIALS = 100_000
MAX_N_TEST = 100_000
MAX_INPUT_DIM = 10_000
MAX_GRID = 1_000_000
#: Largest matrix (entries) a sweep or fit may allocate: 5e7 float64 = 400 MB.  Bounds
#: p_max × (number of widths), n × p_max, n_test × p_max and grid × p.
MAX_ENTRIES = 50_000_000
#: Geometrically spaced model sizes of :func:`widths_for` (a few near p = n come on top).
MAX_WIDTHS = 160

# Runs of widths ("blocks") whose largest width is at most this factor above their smallest:
# the segments of the prediction products (bounds their zero-padding waste; _staircase_mse).
_BLOCK_RATIO = 1.25

# Block size of LAPACK's dtpqrt (R-factor updates).
_TPQRT_BLOCK = 8

# Rows (training or test points) whose predictions for all widths are accumulated at once
# (at most 2048 × 7071 entries, 116 MB, under the MAX_ENTRIES bound on p_max × widths).
_ROW_PANEL = 2048


# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------


def _as_widths(value: object, name: str = "widths") -> tuple[int, ...]:
    """A non-empty, strictly increasing sequence of integers in [1, MAX_WIDTH]."""
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} must be a 1-D sequence of positive integers ({exc})") from exc
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D sequence of positive integers, got shape {arr.shape}"
        )
    out = tuple(_count(w, f"{name}[{i}]", 1, MAX_WIDTH) for i, w in enumerate(arr.tolist()))
    if any(b <= a for a, b in zip(out, out[1:], strict=False)):
        raise ValueError(
            f"{name} must be sorted in increasing order without repeats, got {_short(out)}"
        )
    return out


def _short(seq: Sequence[int]) -> str:
    s = list(seq)
    return str(s) if len(s) <= 8 else f"[{', '.join(map(str, s[:8]))}, …] ({len(s)} values)"


def _readonly(arr: np.ndarray) -> np.ndarray:
    arr.setflags(write=False)
    return arr


# --------------------------------------------------------------------------------------------
# least squares
# --------------------------------------------------------------------------------------------


def min_norm_lstsq(Phi: ArrayLike, y: ArrayLike) -> FloatArray:
    """Minimum-norm least-squares solution ``β̂ = Φ⁺y``.

    Of all minimisers of ``‖y − Φβ‖²`` (eq. 4.7 with Σ = I) it returns the one of smallest
    ``‖β‖``.  For full column rank (p ≤ n) that is the unique MLE of eq. 4.14; for p > n with
    full row rank it is the interpolant ``β̂ = Φᵀ(ΦΦᵀ)⁻¹y`` of smallest norm, the limit
    λ → 0⁺ of ridge regression.  Computed by ``numpy.linalg.lstsq`` (an SVD; singular values
    below ``eps · max(n, p) · σ_max`` count as zero).

    Parameters
    ----------
    Phi : array_like, shape (n, p)
        Design (feature) matrix, finite.
    y : array_like, shape (n,) or (n, k)
        Targets; k right-hand sides give k columns of solutions.

    Returns
    -------
    ndarray, shape (p,) or (p, k)

    Raises
    ------
    ValueError
        For non-finite or mis-shaped input (the message names ``Phi`` or ``y``).
    """
    A = _array(Phi, "Phi", ndim=2, min_size=1, copy=False)
    b = _array(y, "y", ndim=(1, 2), min_size=1, copy=False)
    if b.shape[0] != A.shape[0]:
        raise ValueError(f"y must have one row per row of Phi ({A.shape[0]}), got shape {b.shape}")
    return np.linalg.lstsq(A, b, rcond=None)[0]


def _ridge_svd(A: FloatArray, b: FloatArray, lam: float) -> FloatArray:
    """Ridge solution ``argmin ‖b − Aγ‖² + λ‖γ‖²`` through the SVD (stable for every λ > 0)."""
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return Vt.T @ (s / (s * s + lam) * (U.T @ b))


def _solve_cholesky(A: FloatArray, rhs: FloatArray) -> FloatArray | None:
    """Solve the symmetric system ``A x = rhs`` by Cholesky (A is overwritten).

    Returns None when A is not numerically positive definite or its estimated condition number
    exceeds ``FAST_PATH_MAX_COND``, so that the caller falls back to an SVD.
    """
    from scipy.linalg import lapack

    anorm = float(np.abs(A).sum(axis=0).max())
    c, info = lapack.dpotrf(A, lower=0, clean=0, overwrite_a=1)
    if info != 0 or anorm == 0.0:
        return None
    rcond, info = lapack.dpocon(c, anorm, uplo="U")
    if info != 0 or not rcond * FAST_PATH_MAX_COND >= 1.0:
        return None
    x, info = lapack.dpotrs(c, rhs, lower=0)
    return x if info == 0 else None


def _well_conditioned_triangular(R: FloatArray) -> bool:
    """True when LAPACK's estimate of the condition number of upper-triangular R (1-norm) is
    at most ``FAST_PATH_MAX_COND``."""
    from scipy.linalg import lapack

    rcond, info = lapack.dtrcon(R, norm="1", uplo="U", diag="N")
    return info == 0 and rcond * FAST_PATH_MAX_COND >= 1.0


def _min_norm_from_r(R: FloatArray, Phi_p: FloatArray, y: FloatArray) -> FloatArray | None:
    """``Φ_pᵀ R⁻¹ R⁻ᵀ y`` for the R factor of Φ_pᵀ, or None when R is too ill-conditioned."""
    from scipy.linalg import lapack

    if not _well_conditioned_triangular(R):
        return None
    z, info = lapack.dtrtrs(R, y, lower=0, trans=1)
    if info != 0:
        return None
    alpha, info = lapack.dtrtrs(R, z, lower=0)
    if info != 0:
        return None
    return Phi_p.T @ alpha


def _nested_solve(
    Phi: FloatArray, Y: FloatArray, widths: Sequence[int], lam: float
) -> tuple[FloatArray, int]:
    """Solutions for every width, one column each; see :func:`nested_solutions`.

    ``Phi`` (n × P) should be in Fortran order, so that leading columns are contiguous;
    ``Y[:, j]`` is the right-hand side of width ``widths[j]``.  Returns the P × W matrix whose
    column j holds β̂ of width ``widths[j]`` (zero below row p) and the number of widths that
    needed the SVD fallback.
    """
    from scipy.linalg import lapack

    n, P = Phi.shape
    W = len(widths)
    B = np.zeros((P, W), order="F")
    fallbacks = 0
    small = [j for j in range(W) if widths[j] <= n]
    large = [j for j in range(W) if widths[j] > n]

    if small:
        m = widths[small[-1]]
        Pm = Phi[:, :m]
        if lam == 0.0:
            # One Householder QR: Φ_p = Q[:, :p] R[:p, :p] for every p ≤ m, so
            # β̂_p = R_p⁻¹ (Qᵀy)[:p]; backward stable, like lstsq itself.
            # cond(Φ_p) = cond(R_p) never decreases as columns are added (p ≤ n, interlacing
            # of singular values), so one bisection finds the widths the fast path may take.
            Q, R = np.linalg.qr(Pm)
            C = Q.T @ Y[:, small]
            lo, hi = 0, len(small)  # small[:lo] well conditioned, small[hi:] not
            while lo < hi:
                mid = (lo + hi) // 2
                p = widths[small[mid]]
                if _well_conditioned_triangular(np.asfortranarray(R[:p, :p])):
                    lo = mid + 1
                else:
                    hi = mid
            for k, j in enumerate(small):
                p = widths[j]
                if k < lo:
                    beta, info = lapack.dtrtrs(np.asfortranarray(R[:p, :p]), C[:p, k], lower=0)
                    if info == 0:
                        B[:p, j] = beta
                        continue
                fallbacks += 1
                B[:p, j] = np.linalg.lstsq(Phi[:, :p], Y[:, j], rcond=None)[0]
        else:
            # Ridge (eq. 3.13): (Φ_pᵀΦ_p + λI)β = Φ_pᵀy; the Gram matrix of width p is the
            # leading block of the Gram matrix of width m.
            G = Pm.T @ Pm
            rhs = Pm.T @ Y[:, small]
            for k, j in enumerate(small):
                p = widths[j]
                A = np.array(G[:p, :p], order="F")
                A.flat[:: p + 1] += lam
                beta = _solve_cholesky(A, rhs[:p, k])
                if beta is None:
                    fallbacks += 1
                    beta = _ridge_svd(Phi[:, :p], Y[:, j], lam)
                B[:p, j] = beta

    if large and lam == 0.0:
        # Minimum-norm interpolant β̂ = Φ_pᵀ K_p⁻¹ y with K_p = Φ_pΦ_pᵀ = R_pᵀR_p, where R_p is
        # the R factor of Φ_pᵀ (p × n).  Adding k columns to Φ adds k rows to Φᵀ, and R is
        # updated by the triangular-pentagonal QR of [R; Φ_newᵀ] (LAPACK dtpqrt, O(n²k)), so K
        # is never formed.  These "semi-normal equations" for the minimum-norm problem are as
        # accurate as a backward-stable solver, ~cond(Φ_p)·eps (Paige 1973; Björck 1996,
        # §2.5): squaring the condition number, as a Cholesky factor of the formed K would,
        # is avoided.
        R = None
        done = 0
        for j in large:
            p = widths[j]
            if R is None:
                R = np.asfortranarray(np.linalg.qr(Phi[:, :p].T, mode="r"))
            else:
                R, _, _, info = lapack.dtpqrt(
                    0, min(_TPQRT_BLOCK, n), R, Phi[:, done:p].T, overwrite_a=1
                )
                if info != 0:  # never expected; recompute from scratch
                    R = np.asfortranarray(np.linalg.qr(Phi[:, :p].T, mode="r"))
            done = p
            beta = _min_norm_from_r(R, Phi[:, :p], Y[:, j])
            if beta is None:
                fallbacks += 1
                beta = np.linalg.lstsq(Phi[:, :p], Y[:, j], rcond=None)[0]
            B[:p, j] = beta
    elif large:
        # Ridge: β̂ = Φ_pᵀ(K_p + λI)⁻¹y, with K_p = Φ_pΦ_pᵀ grown by rank-k updates
        # (cond(K_p + λI) ≤ 1 + ‖K_p‖/λ; an SVD takes over when λ is too small for that).
        K = np.zeros((n, n), order="F")
        done = 0
        for j in large:
            p = widths[j]
            block = Phi[:, done:p]
            K += block @ block.T
            done = p
            A = np.array(K, order="F")
            A.flat[:: n + 1] += lam
            alpha = _solve_cholesky(A, Y[:, j])
            if alpha is None:
                fallbacks += 1
                B[:p, j] = _ridge_svd(Phi[:, :p], Y[:, j], lam)
            else:
                B[:p, j] = Phi[:, :p].T @ alpha
    return B, fallbacks


def nested_solutions(
    Phi: ArrayLike, y: ArrayLike, widths: Sequence[int], ridge: float = 0.0
) -> list[FloatArray]:
    """Least-squares (or ridge) solutions using the leading p columns of Φ, for many p.

    For each ``p`` in ``widths`` returns
    ``β̂_p = argmin ‖y − Φ[:, :p] β‖² + λ‖β‖²`` (λ = ``ridge``), and for λ = 0 the
    minimum-norm minimiser (:func:`min_norm_lstsq`).  All widths share one factorisation:

    - p ≤ n: one Householder QR ``Φ_m = QR`` of the widest such block; ``R_p`` is the leading
      block of ``R`` and ``β̂_p = R_p⁻¹(Qᵀy)[:p]``.  With λ > 0, Cholesky of the leading block
      of the Gram matrix ``ΦᵀΦ`` plus λI (eq. 3.13).
    - p > n, λ = 0: the minimum-norm interpolant ``β̂_p = Φ_pᵀ(Φ_pΦ_pᵀ)⁻¹y = Φ_pᵀR_p⁻¹R_p⁻ᵀy``
      with ``R_p`` the R factor of ``Φ_pᵀ``, updated by a triangular-pentagonal QR of
      ``[R; new columnsᵀ]`` (LAPACK dtpqrt) as columns come in.  These semi-normal equations
      are as accurate as a backward-stable method for the minimum-norm problem (Paige 1973;
      Björck 1996, §2.5), error ~cond(Φ_p)·eps.
    - p > n, λ > 0: ``β̂_p = Φ_pᵀ(K_p + λI)⁻¹y`` with the kernel ``K_p = Φ_pΦ_pᵀ`` updated by
      rank-k additions.

    Each fast solve is checked with a LAPACK condition estimate and, where it could be off by
    more than ~1e-10 relative (near p = n, or rank-deficient columns), replaced by an SVD
    (``numpy.linalg.lstsq``), so the results agree with per-width ``lstsq`` to ~1e-10.
    ``Phi`` is not modified.

    Parameters
    ----------
    Phi : array_like, shape (n, P)
        Feature matrix; P ≥ max(widths).
    y : array_like, shape (n,)
        Targets.
    widths : sequence of int
        Strictly increasing widths in [1, P].
    ridge : float
        λ ≥ 0.

    Returns
    -------
    list of ndarray
        ``β̂_p`` of shape (p,) for each width, in order.

    Raises
    ------
    ValueError
        For bad input (the message names the argument).
    """
    A = np.asfortranarray(_array(Phi, "Phi", ndim=2, min_size=1, copy=False))
    b = _array(y, "y", ndim=1, min_size=1, copy=False)
    if b.shape[0] != A.shape[0]:
        raise ValueError(
            f"y must have one entry per row of Phi ({A.shape[0]}), got shape {b.shape}"
        )
    ws = _as_widths(widths)
    if ws[-1] > A.shape[1]:
        raise ValueError(
            f"widths must be at most the number of columns of Phi ({A.shape[1]}), got {ws[-1]}"
        )
    lam = _real(ridge, "ridge", lo=0.0)
    Y = np.repeat(b[:, None], len(ws), axis=1)
    B, _ = _nested_solve(A, Y, ws, lam)
    return [B[:p, j].copy() for j, p in enumerate(ws)]


# --------------------------------------------------------------------------------------------
# theory for isotropic features
# --------------------------------------------------------------------------------------------


def isotropic_risk(gamma: ArrayLike, signal: float, noise: float) -> FloatArray | float:
    """Asymptotic excess risk of ridgeless least squares with isotropic features.

    Hastie, Montanari, Rosset & Tibshirani (2019/2022), "Surprises in high-dimensional
    ridgeless least squares interpolation", Ann. Statist. 50, 949, Theorem 1: with
    x ~ (0, I_p), ‖β‖² = r² (``signal``), noise variance σ² (``noise``) and
    n, p → ∞ at γ = p/n,

    - γ < 1: ``R = σ² γ / (1 − γ)`` (variance only; least squares is unbiased);
    - γ > 1: ``R = r² (1 − 1/γ) + σ² / (γ − 1)`` (bias of the min-norm interpolant plus
      variance);
    - γ = 1: ``R = +inf`` when σ² > 0 (the interpolation peak); with σ² = 0 both sides tend to
      0 and so does R.

    Parameters
    ----------
    gamma : float or array_like
        Aspect ratios γ = p/n > 0 (finite).
    signal : float
        r² = ‖β‖² ≥ 0.
    noise : float
        σ² ≥ 0 (the noise *variance*).

    Returns
    -------
    float or ndarray
        Same shape as ``gamma`` (a float for scalar input).

    Raises
    ------
    ValueError
        For γ ≤ 0 or non-finite, or a negative/non-finite ``signal`` or ``noise``.
    """
    g = _array(gamma, "gamma", ndim=(0, 1, 2), min_size=1, copy=False)
    if np.any(g <= 0.0):
        raise ValueError("gamma must be > 0 (γ = p/n)")
    r2 = _real(signal, "signal", lo=0.0)
    s2 = _real(noise, "noise", lo=0.0)
    out = np.empty(g.shape)
    below, above, at = g < 1.0, g > 1.0, g == 1.0
    out[below] = s2 * g[below] / (1.0 - g[below])
    ga = g[above]
    out[above] = r2 * (1.0 - 1.0 / ga) + s2 / (ga - 1.0)
    out[at] = math.inf if s2 > 0.0 else 0.0
    return float(out) if out.ndim == 0 else out


def isotropic_risk_exact(n: int, p: ArrayLike, signal: float, noise: float) -> FloatArray | float:
    """Exact expected excess risk ``E‖β̂ − β‖²`` of min-norm least squares, Gaussian features.

    For x ~ N(0, I_p), n samples, ‖β‖² = r² (``signal``) and noise variance σ² (``noise``),
    with the inverse-Wishart means ``E tr (XᵀX)⁻¹ = p/(n − p − 1)`` and
    ``E tr (XXᵀ)⁻¹ = n/(p − n − 1)`` and ``E‖(I − P_row)β‖² = r²(1 − n/p)`` (the row space of
    X is a uniformly random n-plane):

    - p < n − 1: ``σ² p / (n − p − 1)``;
    - p > n + 1: ``r² (1 − n/p) + σ² n / (p − n − 1)``;
    - p ∈ {n − 1, n, n + 1}: the variance term is infinite, so ``+inf`` for σ² > 0; for σ² = 0
      the risk is 0 for p ≤ n and ``r²(1 − n/p)`` for p = n + 1.

    As n → ∞ at fixed γ = p/n this tends to :func:`isotropic_risk`.  It is the expectation of
    the ``"isotropic"`` sweep's test error.

    Parameters
    ----------
    n : int
        Number of training points, ≥ 1.
    p : int or array_like of int
        Widths ≥ 1.
    signal, noise : float
        r² ≥ 0 and σ² ≥ 0.

    Returns
    -------
    float or ndarray
        Same shape as ``p``.
    """
    n = _count(n, "n", 1, 2**62)
    parr = np.asarray(p)
    if parr.dtype.kind not in "iu" or parr.size == 0 or np.any(parr < 1):
        raise ValueError(f"p must be integers ≥ 1, got {p!r}")
    pf = parr.astype(np.float64)
    r2 = _real(signal, "signal", lo=0.0)
    s2 = _real(noise, "noise", lo=0.0)
    out = np.empty(pf.shape)
    below, above = pf < n - 1, pf > n + 1
    near = ~(below | above)
    out[below] = s2 * pf[below] / (n - pf[below] - 1.0)
    pa = pf[above]
    out[above] = r2 * (1.0 - n / pa) + s2 * n / (pa - n - 1.0)
    bias_near = np.where(pf[near] > n, r2 * (1.0 - n / pf[near]), 0.0)
    out[near] = math.inf if s2 > 0.0 else bias_near
    return float(out) if out.ndim == 0 else out


# --------------------------------------------------------------------------------------------
# sweep parameters and results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepParams:
    """Frozen parameters of a double-descent sweep (a snapshot the GUI hands to a worker).

    Attributes
    ----------
    n : int
        Training points, in [1, MAX_N].
    widths : tuple of int
        Model sizes p, strictly increasing, in [1, MAX_WIDTH] (any sequence is accepted and
        stored as a tuple).
    trials : int
        Independent draws averaged per width, in [1, MAX_TRIALS].
    sigma : float
        Noise standard deviation σ ≥ 0 (y = f(x) + σε, eq. 4.1).
    ridge : float
        λ ≥ 0; 0 is the minimum-norm least-squares fit.
    features : str
        One of ``FEATURE_FAMILIES``: ``"isotropic"``, ``"relu"``, ``"fourier"``.
    signal : float
        ‖β‖² (isotropic) or ‖θ‖² (relu) of the linear teacher, ≥ 0; unused by ``"fourier"``.
    seed : int
        ≥ 0; same seed, same numbers.
    input_dim : int
        d of the ReLU family's input, in [1, MAX_INPUT_DIM].
    n_test : int
        Fresh test points per trial for ``"relu"`` and ``"fourier"``, in [1, MAX_N_TEST]
        (``"digits"`` tests on every image not drawn for training).
    data : Digits or None
        The images of ``"digits"`` (:func:`core.datasets.load_digits`); None otherwise.
        n must leave at least one image for testing.

    The products p_max × len(widths), n × p_max and (not ``"isotropic"``) n_test × p_max must
    each stay within ``MAX_ENTRIES``, so that a request cannot exhaust memory; the message of
    the ValueError names the field to reduce.
    """

    n: int
    widths: tuple[int, ...]
    trials: int
    sigma: float
    ridge: float = 0.0
    features: str = "isotropic"
    signal: float = 1.0
    seed: int = 0
    input_dim: int = 20
    n_test: int = 1000
    data: Digits | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "n", _count(self.n, "n", 1, MAX_N))
        set_(self, "widths", _as_widths(self.widths))
        set_(self, "trials", _count(self.trials, "trials", 1, MAX_TRIALS))
        set_(self, "sigma", _real(self.sigma, "sigma", lo=0.0))
        set_(self, "ridge", _real(self.ridge, "ridge", lo=0.0))
        if not isinstance(self.features, str) or self.features not in FEATURE_FAMILIES:
            raise ValueError(
                f"features must be one of {', '.join(FEATURE_FAMILIES)}, got {self.features!r}"
            )
        set_(self, "signal", _real(self.signal, "signal", lo=0.0))
        set_(self, "seed", _seed(self.seed))
        set_(self, "input_dim", _count(self.input_dim, "input_dim", 1, MAX_INPUT_DIM))
        set_(self, "n_test", _count(self.n_test, "n_test", 1, MAX_N_TEST))
        if (self.features == "digits") != isinstance(self.data, Digits):
            raise ValueError("data: the digits family needs the digits (load_digits); no other")
        if self.data is not None and self.n >= len(self.data):
            raise ValueError(
                f"n must leave test images: n = {self.n} of {len(self.data)} digits (at most "
                f"{len(self.data) - 1})"
            )
        p_max, count = self.widths[-1], len(self.widths)
        sizes = [
            ("widths", "p_max × number of widths", p_max * count),
            ("n", "n × p_max", self.n * p_max),
        ]
        if self.features != "isotropic":
            sizes.append(("n_test", "n_test × p_max", self.tested * p_max))
        for name, what, size in sizes:
            if size > MAX_ENTRIES:
                raise ValueError(
                    f"{name}: {what} = {size} exceeds the {MAX_ENTRIES} matrix "
                    f"entries a sweep may use; use fewer or smaller widths"
                )

    @property
    def p_max(self) -> int:
        """The largest width."""
        return self.widths[-1]

    @property
    def tested(self) -> int:
        """Test points per trial: ``n_test``, or for ``"digits"`` the images not trained on."""
        return len(self.data) - self.n if self.data is not None else self.n_test


def widths_for(n: int, ratio: float) -> tuple[int, ...]:
    """Model sizes for a sweep of γ = p/n up to ``ratio``: dense where the peak is.

    The test error of min-norm least squares peaks at the interpolation threshold p = n
    (notes §5; Belkin et al. 2019) and changes slowly elsewhere, so the sizes are
    :data:`MAX_WIDTHS` geometrically spaced values from 1 to ``max(2, round(ratio·n))``,
    rounded to integers (duplicates merged), plus every size within 3 of n.

    Parameters
    ----------
    n : int
        Training points, in [1, MAX_N].
    ratio : float
        Largest γ = p/n, > 0, with ratio·n at most MAX_WIDTH.

    Returns
    -------
    tuple of int
        Strictly increasing, from 1 to ``max(2, round(ratio·n))`` ≤ MAX_WIDTH; at most
        MAX_WIDTHS + 7 sizes: ``SweepParams.widths`` (within its memory bound, MAX_ENTRIES).
    """
    n = _count(n, "n", 1, MAX_N)
    ratio = _real(ratio, "ratio", lo=0.0, hi=MAX_WIDTH / n, lo_open=True)
    top = max(2, round(ratio * n))
    geometric = np.geomspace(1, top, MAX_WIDTHS)
    near = np.arange(max(1, n - 3), min(top, n + 3) + 1)
    return tuple(int(p) for p in np.unique(np.concatenate([np.round(geometric), near])))


def default_sweep_params() -> SweepParams:
    """The GUI's opening sweep: n = 40, widths 1…200, 20 trials, ReLU features, σ = 0.5."""
    return SweepParams(n=40, widths=tuple(range(1, 201)), trials=20, sigma=0.5, features="relu")


@dataclass(frozen=True, eq=False)
class SweepResult:
    """Per-width errors of a (possibly partial or cancelled) sweep, averaged over trials.

    Attributes
    ----------
    params : SweepParams
        What was asked for.
    p : ndarray of int, shape (W,)
        The widths.
    test_trials, train_trials, norm_trials : ndarray, shape (trials_done, W)
        Per trial and width: the test error (excess risk for ``"isotropic"``, MSE against the
        noiseless target otherwise), the training MSE ``‖y − Φβ̂‖²/n`` and ``‖β̂‖``.
    test_mean, test_std, train_mean, train_std, norm_mean, norm_std : ndarray, shape (W,)
        Mean and standard deviation over the trials done (population std, ddof = 0: zero for a
        single trial; NaN when no trial was done).
    trials_done : int
        Completed trials; less than ``params.trials`` only when cancelled.
    cancelled : bool
        True when the sweep stopped early because ``cancel()`` returned True.
    fallbacks : int
        Solves that went to the SVD instead of the shared factorisation (diagnostic).

    The arrays are read-only.
    """

    params: SweepParams
    test_trials: FloatArray
    train_trials: FloatArray
    norm_trials: FloatArray
    cancelled: bool = False
    fallbacks: int = 0
    p: IntArray = field(init=False)
    test_mean: FloatArray = field(init=False)
    test_std: FloatArray = field(init=False)
    train_mean: FloatArray = field(init=False)
    train_std: FloatArray = field(init=False)
    norm_mean: FloatArray = field(init=False)
    norm_std: FloatArray = field(init=False)
    trials_done: int = field(init=False)

    def __post_init__(self) -> None:
        if not isinstance(self.params, SweepParams):
            raise ValueError(f"params must be a SweepParams, got {type(self.params).__name__}")
        W = len(self.params.widths)
        set_ = object.__setattr__
        shapes = []
        for name in ("test_trials", "train_trials", "norm_trials"):
            arr = _array(getattr(self, name), name, finite=False)
            if arr.ndim != 2 or arr.shape[1] != W:
                raise ValueError(f"{name} must have shape (trials_done, {W}), got {arr.shape}")
            shapes.append(arr.shape)
            set_(self, name, _readonly(arr))
        if len(set(shapes)) != 1:
            raise ValueError(
                f"test_trials, train_trials and norm_trials must have the same shape, got {shapes}"
            )
        done = shapes[0][0]
        if not 0 <= done <= self.params.trials:
            raise ValueError(f"trials_done must be in [0, {self.params.trials}], got {done}")
        set_(self, "cancelled", bool(self.cancelled))
        if not self.cancelled and done != self.params.trials:
            raise ValueError(
                f"trials_done must equal trials ({self.params.trials}) unless cancelled, got {done}"
            )
        set_(self, "fallbacks", _count(self.fallbacks, "fallbacks", 0, 2**62))
        set_(self, "trials_done", done)
        set_(self, "p", _readonly(np.array(self.params.widths, dtype=np.int64)))
        for key in ("test", "train", "norm"):
            data = getattr(self, f"{key}_trials")
            if done:
                mean, std = data.mean(axis=0), data.std(axis=0)
            else:
                mean, std = np.full(W, np.nan), np.full(W, np.nan)
            set_(self, f"{key}_mean", _readonly(mean))
            set_(self, f"{key}_std", _readonly(std))

    @property
    def n(self) -> int:
        """Training points per trial."""
        return self.params.n

    @property
    def gamma(self) -> FloatArray:
        """Aspect ratios γ = p/n."""
        return self.p / self.params.n


# --------------------------------------------------------------------------------------------
# random problems
# --------------------------------------------------------------------------------------------


def fourier_target(x: ArrayLike) -> FloatArray:
    """The smooth 1-D target of the ``"fourier"`` family, ``f(x) = sin 2x + ½ cos 5x``.

    Raises
    ------
    ValueError
        If ``x`` is not an array of finite real numbers.
    """
    x = _array(x, "x", copy=False)
    return np.sin(2.0 * x) + 0.5 * np.cos(5.0 * x)


@dataclass(frozen=True, eq=False)
class TrialDraw:
    """The random problem of one trial of a sweep.

    Attributes
    ----------
    Phi : ndarray, shape (n, p_max), Fortran order
        Training features; width p uses the leading p columns.
    Y : ndarray, shape (n, W)
        Training targets, one column per width: identical columns except for
        ``"isotropic"``, whose teacher is fresh at every width.
    beta : ndarray, shape (p_max, W) or None
        ``"isotropic"``: the teacher β_p of each width in column j (zero below row p).
    Phi_test : ndarray, shape (n_test, p_max) or None
        Test features (``"relu"``, ``"fourier"``).
    f_test : ndarray, shape (n_test,) or None
        Noiseless target at the test inputs (``"relu"``, ``"fourier"``).
    """

    Phi: FloatArray
    Y: FloatArray
    beta: FloatArray | None = None
    Phi_test: FloatArray | None = None
    f_test: FloatArray | None = None


def _direction(rng: np.random.Generator, dim: int, norm2: float) -> FloatArray:
    """A vector of squared norm ``norm2`` in a uniformly random direction of R^dim."""
    g = rng.standard_normal(dim)
    length = float(np.linalg.norm(g))
    while length == 0.0:  # probability zero, but never divide by it
        g = rng.standard_normal(dim)
        length = float(np.linalg.norm(g))
    return g * (math.sqrt(norm2) / length)


def _streams(seed: int, trial: int, k: int) -> list[np.random.Generator]:
    """k independent generators for one trial; trial t's numbers do not depend on ``trials``."""
    child = np.random.SeedSequence(seed).spawn(trial + 1)[trial]
    return [np.random.default_rng(s) for s in child.spawn(k)]


@dataclass(frozen=True, eq=False)
class _FourierDraw:
    x: FloatArray  # training inputs
    y: FloatArray  # noisy training targets
    omega: FloatArray  # frequencies ω_j
    phase: FloatArray  # phases b_j
    amplitude: FloatArray  # a_j

    def features(self, x: FloatArray) -> FloatArray:
        """``a_j cos(ω_j x + b_j)``, shape (len(x), p_max), Fortran order."""
        return (self.amplitude[:, None] * np.cos(np.outer(self.omega, x) + self.phase[:, None])).T


def _fourier_draw(seed: int, trial: int, n: int, p_max: int, sigma: float) -> _FourierDraw:
    """Training data and features of one ``"fourier"`` trial (see the module docstring).

    Data, frequencies and phases come from separate streams and are drawn in order of the
    feature index, so width p's features are the same whatever ``p_max`` is and the training
    data do not depend on the width at all.
    """
    data, freq, phase, _ = _streams(seed, trial, 4)
    x = -1.0 + (np.arange(n) + data.uniform(0.0, 1.0, n)) * (2.0 / n)  # one per cell
    y = fourier_target(x) + sigma * data.standard_normal(n)
    omega = (np.arange(p_max) + freq.uniform(0.0, 1.0, p_max)) * FOURIER_BAND
    b = phase.uniform(0.0, 2.0 * math.pi, p_max)
    amplitude = math.sqrt(2.0) / (1.0 + (omega / FOURIER_CORNER) ** 2)
    return _FourierDraw(x=x, y=y, omega=omega, phase=b, amplitude=amplitude)


def _digits_draw(params: SweepParams, trial: int) -> TrialDraw:
    """One ``"digits"`` trial (see the module docstring): n random training images, the rest
    for testing, random ReLU features of the centred pixels, the target ±1 for odd / even."""
    split, weights, noise = _streams(params.seed, trial, 3)
    data = params.data
    order = split.permutation(len(data))
    train, test = order[: params.n], order[params.n :]
    pixels = data.images / DIGIT_INK
    inputs = (pixels - pixels.mean(axis=0)) / math.sqrt(DIGIT_PIXELS)  # the 1/√d of φ folded in
    target = np.where(data.labels % 2 == 1, 1.0, -1.0)
    Wt = weights.standard_normal((params.p_max, DIGIT_PIXELS))  # row j: feature j's weights
    Phi = np.maximum(Wt @ inputs[train].T, 0.0).T  # (n, p_max), Fortran order
    Phi_test = np.maximum(Wt @ inputs[test].T, 0.0).T
    y = target[train] + params.sigma * noise.standard_normal(params.n)
    W = len(params.widths)
    return TrialDraw(
        Phi=Phi, Y=np.repeat(y[:, None], W, axis=1), Phi_test=Phi_test, f_test=target[test]
    )


def draw_trial(params: SweepParams, trial: int) -> TrialDraw:
    """The random problem of trial ``trial`` (0-based) of the sweep ``params``.

    Deterministic in (``params``, ``trial``) and independent of ``params.trials``: a sweep
    with more trials repeats the first ones exactly.

    Raises
    ------
    ValueError
        For ``trial`` outside [0, trials − 1].
    """
    if not isinstance(params, SweepParams):
        raise ValueError(f"params must be a SweepParams, got {type(params).__name__}")
    trial = _count(trial, "trial", 0, params.trials - 1)
    n, P, W = params.n, params.p_max, len(params.widths)
    if params.features == "isotropic":
        xs, teacher, noise = _streams(params.seed, trial, 3)
        X = xs.standard_normal((P, n)).T  # Fortran order: leading columns contiguous
        beta = np.zeros((P, W), order="F")
        for j, p in enumerate(params.widths):
            beta[:p, j] = _direction(teacher, p, params.signal)
        eps = noise.standard_normal(n)
        return TrialDraw(Phi=X, Y=X @ beta + params.sigma * eps[:, None], beta=beta)
    if params.features == "relu":
        data, weights, test = _streams(params.seed, trial, 3)
        d = params.input_dim
        X = data.standard_normal((n, d))
        theta = _direction(data, d, params.signal)
        y = X @ theta + params.sigma * data.standard_normal(n)
        Wt = weights.standard_normal((P, d))  # row j: the weights of feature j
        X_test = test.standard_normal((params.n_test, d))
        # max(0, Wx)/√d = max(0, W(x/√d)): fold the scale into the (smaller) inputs.
        scale = 1.0 / math.sqrt(d)
        Phi = Wt @ (scale * X).T  # (p_max, n): its transpose is Fortran-ordered
        Phi_test = Wt @ (scale * X_test).T
        np.maximum(Phi, 0.0, out=Phi)
        np.maximum(Phi_test, 0.0, out=Phi_test)
        Phi, Phi_test = Phi.T, Phi_test.T
        return TrialDraw(
            Phi=Phi, Y=np.repeat(y[:, None], W, axis=1), Phi_test=Phi_test, f_test=X_test @ theta
        )
    if params.features == "digits":
        return _digits_draw(params, trial)
    draw = _fourier_draw(params.seed, trial, n, P, params.sigma)
    x_test = _streams(params.seed, trial, 4)[3].uniform(-1.0, 1.0, params.n_test)
    return TrialDraw(
        Phi=draw.features(draw.x),
        Y=np.repeat(draw.y[:, None], W, axis=1),
        Phi_test=draw.features(x_test),
        f_test=fourier_target(x_test),
    )


# --------------------------------------------------------------------------------------------
# the sweep
# --------------------------------------------------------------------------------------------


def _width_blocks(widths: Sequence[int]) -> list[tuple[int, int]]:
    """Split the width indices into runs [j0, j1) whose widths differ by ≤ _BLOCK_RATIO."""
    blocks, j0 = [], 0
    for j in range(1, len(widths) + 1):
        if j == len(widths) or widths[j] > _BLOCK_RATIO * widths[j0]:
            blocks.append((j0, j))
            j0 = j
    return blocks


def _staircase_mse(
    A: FloatArray, B: FloatArray, widths: Sequence[int], target: FloatArray
) -> FloatArray:
    """``mean((A[:, :p] @ B[:p, j] − target[:, j])²)`` over the rows of A, for every width
    p = ``widths[j]`` (``target`` of shape (m, W), or (m, 1) for one target for all widths).

    Column j of B is zero below row p, so ``A @ B`` is a sum over row segments of B: the
    segment [s, e) of the columns of A meets only the solutions of the widths above s.
    Each segment is multiplied once and accumulated in place (BLAS dgemm with β = 1), so
    every column of A is read once per trial, not once for every run of widths as a product
    per width block would; the segment ends are those of :func:`_width_blocks`, so the zero
    padding stays below a factor ``_BLOCK_RATIO``.  A (F-order) is taken in panels of
    ``_ROW_PANEL`` rows, which bounds the accumulator.
    """
    from scipy.linalg import blas

    m = A.shape[0]
    total = np.zeros(len(widths))
    segments = [(j0, widths[j1 - 1]) for j0, j1 in _width_blocks(widths)]
    for r0 in range(0, m, _ROW_PANEL):
        r1 = min(r0 + _ROW_PANEL, m)
        residual = np.empty((r1 - r0, len(widths)), order="F")
        np.negative(target[r0:r1], out=residual)  # (broadcasts one target to every width)
        start = 0
        for j0, stop in segments:
            acc = residual[:, j0:]
            out = blas.dgemm(1.0, A[r0:r1, start:stop], B[start:stop, j0:], 1.0, acc, overwrite_c=1)
            if out.ctypes.data != acc.ctypes.data:  # (f2py worked on a copy)
                acc[...] = out
            start = stop
        total += np.einsum("ij,ij->j", residual, residual)
    return total / m


def _trial_errors(
    widths: Sequence[int], draw: TrialDraw, B: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Test error, training MSE and ‖β̂‖ of every width from the solutions B (P × W)."""
    norm = np.sqrt(np.einsum("ij,ij->j", B, B))
    train = _staircase_mse(draw.Phi, B, widths, draw.Y)
    if draw.beta is None:
        test = _staircase_mse(draw.Phi_test, B, widths, draw.f_test[:, None])
        return test, train, norm
    test = np.empty(len(widths))  # isotropic x: E_x[(x·β̂ − x·β)²] = ‖β̂ − β‖²
    for j0, j1 in _width_blocks(widths):
        p = widths[j1 - 1]
        error = B[:p, j0:j1] - draw.beta[:p, j0:j1]
        test[j0:j1] = np.einsum("ij,ij->j", error, error)
    return test, train, norm


def run_sweep(
    params: SweepParams,
    *,
    progress: Callable[[int, int, SweepResult], object] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> SweepResult:
    """Train/test error and ‖β̂‖ against width, averaged over trials (double descent).

    For each trial (:func:`draw_trial`) every width is fitted from one shared factorisation
    (as in :func:`nested_solutions`): minimum-norm least squares for λ = 0, ridge regression
    ``argmin ‖y − Φβ‖² + λ‖β‖²`` (eq. 3.12–3.13) for λ > 0.

    Parameters
    ----------
    params : SweepParams
        The frozen request.
    progress : callable, optional
        ``progress(done, total, partial)`` after every trial, ``partial`` being the
        :class:`SweepResult` of the ``done`` trials so far, so a view can draw progressively.
    cancel : callable, optional
        Polled before every trial; once it returns True the sweep stops and returns the trials
        done so far with ``cancelled=True``.

    Returns
    -------
    SweepResult

    Raises
    ------
    ValueError
        If ``params`` is not a SweepParams or ``progress``/``cancel`` are not callable.
    """
    if not isinstance(params, SweepParams):
        raise ValueError(f"params must be a SweepParams, got {type(params).__name__}")
    progress = _callback(progress, "progress")
    cancel = _callback(cancel, "cancel")
    W = len(params.widths)
    test = np.empty((params.trials, W))
    train = np.empty((params.trials, W))
    norm = np.empty((params.trials, W))
    fallbacks = 0
    done = 0
    cancelled = False
    for t in range(params.trials):
        if cancel is not None and cancel():
            cancelled = True
            break
        draw = draw_trial(params, t)
        B, fb = _nested_solve(draw.Phi, draw.Y, params.widths, params.ridge)
        fallbacks += fb
        test[t], train[t], norm[t] = _trial_errors(params.widths, draw, B)
        done = t + 1
        if progress is not None:
            partial = SweepResult(
                params,
                test[:done],
                train[:done],
                norm[:done],
                cancelled=done < params.trials,
                fallbacks=fallbacks,
            )
            progress(done, params.trials, partial)
    return SweepResult(
        params, test[:done], train[:done], norm[:done], cancelled=cancelled, fallbacks=fallbacks
    )


def sweep(
    n: int,
    widths: Sequence[int],
    trials: int,
    sigma: float,
    ridge: float = 0.0,
    features: str = "isotropic",
    signal: float = 1.0,
    seed: int = 0,
    progress: Callable[[int, int, SweepResult], object] | None = None,
    cancel: Callable[[], bool] | None = None,
    *,
    input_dim: int = 20,
    n_test: int = 1000,
    data: Digits | None = None,
) -> SweepResult:
    """Double-descent sweep: ``run_sweep(SweepParams(...), progress=…, cancel=…)``.

    See :class:`SweepParams` for the parameters (validated: a bad value raises ValueError
    naming it) and :func:`run_sweep` for ``progress`` and ``cancel``.

    Returns
    -------
    SweepResult
        ``.p``, ``.test_mean``, ``.test_std``, ``.train_mean``, ``.train_std``,
        ``.norm_mean``, ``.norm_std``, ``.trials_done``, ``.n``, ``.cancelled``.
    """
    params = SweepParams(
        n=n,
        widths=widths,
        trials=trials,
        sigma=sigma,
        ridge=ridge,
        features=features,
        signal=signal,
        seed=seed,
        input_dim=input_dim,
        n_test=n_test,
        data=data,
    )
    return run_sweep(params, progress=progress, cancel=cancel)


# --------------------------------------------------------------------------------------------
# one function fit (1-D Fourier features)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class FunctionFit:
    """One random-Fourier-feature fit of the 1-D target (the ``"fourier"`` family).

    Attributes
    ----------
    x_train, y_train : ndarray, shape (n,)
        Training inputs in [−1, 1] (increasing) and noisy targets.
    x_grid : ndarray, shape (grid,)
        Evenly spaced points of [−1, 1].
    f_true, f_hat : ndarray, shape (grid,)
        The target and the fitted function on the grid.
    beta : ndarray, shape (p,)
        The fitted weights β̂.
    train_error : float
        ``‖y − Φβ̂‖²/n``.
    grid_error : float
        Mean of ``(f̂ − f)²`` over the grid (≈ the test error on [−1, 1]).

    The arrays are read-only.
    """

    x_train: FloatArray
    y_train: FloatArray
    x_grid: FloatArray
    f_true: FloatArray
    f_hat: FloatArray
    beta: FloatArray
    train_error: float
    grid_error: float

    def __post_init__(self) -> None:
        for name in ("x_train", "y_train", "x_grid", "f_true", "f_hat", "beta"):
            arr = _array(getattr(self, name), name, ndim=1, finite=False)
            object.__setattr__(self, name, _readonly(arr))
        if self.x_train.shape != self.y_train.shape:
            raise ValueError("x_train and y_train must have the same shape")
        if not self.x_grid.shape == self.f_true.shape == self.f_hat.shape:
            raise ValueError("x_grid, f_true and f_hat must have the same shape")
        for name in ("train_error", "grid_error"):
            try:
                object.__setattr__(self, name, float(getattr(self, name)))
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{name} must be a real number ({exc})") from exc

    @property
    def n(self) -> int:
        """Training points."""
        return int(self.x_train.size)

    @property
    def p(self) -> int:
        """Features."""
        return int(self.beta.size)


def fit_function(
    n: int, p: int, sigma: float, ridge: float = 0.0, seed: int = 0, grid: int = 400
) -> FunctionFit:
    """Fit the 1-D target with p random Fourier features from n noisy points.

    The draw is trial 0 of a ``"fourier"`` sweep with the same ``n``, ``sigma`` and ``seed``:
    the training data do not depend on p, and width p uses the first p features, so moving a
    p slider changes only the model.  Near p = n the minimum-norm fit swings wildly between
    the points; far past it it approaches a smooth kernel interpolant (Belkin et al. 2019).
    The fit is the same numerics as the sweep (:func:`nested_solutions`).

    Parameters
    ----------
    n : int
        Training points, in [1, MAX_N].
    p : int
        Features, in [1, MAX_WIDTH].
    sigma : float
        Noise standard deviation σ ≥ 0.
    ridge : float
        λ ≥ 0.
    seed : int
        ≥ 0.
    grid : int
        Grid points on [−1, 1], in [2, MAX_GRID].

    Returns
    -------
    FunctionFit

    Raises
    ------
    ValueError
        For a bad argument (the message names it).
    """
    p = _count(p, "p", 1, MAX_WIDTH)
    params = SweepParams(
        n=n, widths=(p,), trials=1, sigma=sigma, ridge=ridge, features="fourier", seed=seed
    )
    grid = _count(grid, "grid", 2, MAX_GRID)
    if grid * p > MAX_ENTRIES:
        raise ValueError(f"grid: grid × p = {grid * p} exceeds {MAX_ENTRIES} matrix entries")
    draw = _fourier_draw(params.seed, 0, params.n, params.p_max, params.sigma)
    Phi = draw.features(draw.x)
    B, _ = _nested_solve(Phi, draw.y[:, None], params.widths, params.ridge)
    beta = B[:, 0]
    x_grid = np.linspace(-1.0, 1.0, grid)
    f_true = fourier_target(x_grid)
    f_hat = draw.features(x_grid) @ beta
    return FunctionFit(
        x_train=draw.x,
        y_train=draw.y,
        x_grid=x_grid,
        f_true=f_true,
        f_hat=f_hat,
        beta=beta,
        train_error=float(np.mean((draw.y - Phi @ beta) ** 2)),
        grid_error=float(np.mean((f_hat - f_true) ** 2)),
    )
