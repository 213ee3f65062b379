"""Tests for core.svd against closed forms (notes §1.1, eqs. 1.2–1.3).

References are computed independently of the code under test: eigenvalues of AᵀA via
numpy.linalg.eigvalsh / eigh (eq. 1.2), rotation matrices written out here, and textbook
values (golden-ratio shear, rotations, projections, reflections).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.svd import (
    StagedSVD,
    SVDResult,
    decompose,
    decompose_image,
    eckart_young_error,
    low_rank,
    reconstruct,
    relative_error,
    rotation,
    stage_name,
    staged_factors,
    staged_map,
    staged_matrix,
    storage_ratio,
)

PHI = (1.0 + math.sqrt(5.0)) / 2.0  # golden ratio


def rot(theta: float) -> np.ndarray:
    """Rotation matrix written out independently of core.svd.rotation."""
    return np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])


def refl(alpha: float) -> np.ndarray:
    """Reflection R(α)·diag(1, −1) = [[cos α, sin α], [sin α, −cos α]] (det −1)."""
    return np.array([[math.cos(alpha), math.sin(alpha)], [math.sin(alpha), -math.cos(alpha)]])


def sigma_ref(A: np.ndarray) -> np.ndarray:
    """Singular values, descending, as sqrt of the eigenvalues of AᵀA (eq. 1.2)."""
    A = np.asarray(A, dtype=float)
    small = A if A.shape[0] <= A.shape[1] else A.T
    lam = np.linalg.eigvalsh(small @ small.T)  # same nonzero spectrum as AᵀA, min(m, n) values
    return np.sqrt(np.clip(lam, 0.0, None))[::-1]


def random_matrices(n: int, seed: int, *, det_sign: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        A = rng.normal(size=(2, 2)) * 10.0 ** rng.uniform(-3, 3)
        if det_sign and np.sign(np.linalg.det(A)) != det_sign:
            A[0] = -A[0]
        out.append(A)
    return out


# Shared 2×2 edge cases: name -> matrix.
EDGE_2X2 = {
    "reflection": np.array([[1.0, 0.0], [0.0, -1.0]]),
    "rank1": np.array([[1.0, 2.0], [2.0, 4.0]]),
    "rank1_nonsym": np.array([[0.0, 3.0], [0.0, -1.5]]),
    "zero": np.zeros((2, 2)),
    "identity": np.eye(2),
    "minus_identity": -np.eye(2),
    "rotation30": rot(math.pi / 6),
    "scaled_rotation": 2.5 * rot(1.9),
    "scaled_reflection": 3.0 * refl(2.2),
    "shear": np.array([[1.0, 1.0], [0.0, 1.0]]),
    "diag_1_3": np.diag([1.0, 3.0]),
    "nearly_singular": np.array([[1.0, 1.0], [1.0, 1.0 + 1e-10]]),
    "nearly_singular_neg": np.array([[1.0, 1.0], [1.0, 1.0 - 1e-10]]),
    "nearly_equal_sigma": rot(0.7) @ np.diag([1.0, 1.0 - 1e-9]) @ rot(-1.1),
    "tiny": 1e-300 * np.array([[1.0, -2.0], [3.0, 0.5]]),
    "huge": 1e300 * np.array([[1.0, -2.0], [3.0, 0.5]]),
}


# --------------------------------------------------------------------------------------------
# decompose
# --------------------------------------------------------------------------------------------

SHAPES = [(1, 1), (1, 5), (5, 1), (2, 2), (3, 3), (4, 7), (7, 4), (10, 10), (30, 12)]


@pytest.mark.parametrize("shape", SHAPES)
def test_decompose_factors_orthogonal_and_reconstruct(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(sum(shape))
    for _ in range(5):
        A = rng.normal(size=shape)
        m, n = shape
        r = decompose(A)
        assert isinstance(r, SVDResult)
        assert r.U.shape == (m, m) and r.Vt.shape == (n, n) and r.s.shape == (min(m, n),)
        np.testing.assert_allclose(r.U.T @ r.U, np.eye(m), atol=1e-12)
        np.testing.assert_allclose(r.Vt @ r.Vt.T, np.eye(n), atol=1e-12)
        Sigma = np.zeros((m, n))
        Sigma[: min(m, n), : min(m, n)] = np.diag(r.s)
        np.testing.assert_allclose(r.U @ Sigma @ r.Vt, A, atol=1e-12)  # eq. 1.3
        np.testing.assert_array_equal(r.Sigma, Sigma)
        assert r.shape == (m, n)


@pytest.mark.parametrize("shape", SHAPES)
def test_singular_values_are_sqrt_eigenvalues_of_AtA(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(100 + sum(shape))
    A = rng.normal(size=shape)
    r = decompose(A)
    lam = np.linalg.eigvalsh(A.T @ A)[::-1]  # eq. 1.2, n eigenvalues, descending
    k = min(shape)
    assert np.all(r.s >= 0)
    assert np.all(np.diff(r.s) <= 0), "singular values must be descending"
    np.testing.assert_allclose(r.s**2, lam[:k], rtol=1e-10, atol=1e-12 * lam[0])
    np.testing.assert_allclose(lam[k:], 0.0, atol=1e-12 * lam[0])  # the rest of AᵀA's spectrum


def test_known_rotation_30_degrees() -> None:
    A = rot(math.radians(30))
    r = decompose(A)
    np.testing.assert_allclose(r.s, [1.0, 1.0], atol=1e-15)
    assert r.rank == 2
    assert r.cond == pytest.approx(1.0, abs=1e-14)
    assert np.linalg.det(A) == pytest.approx(1.0)


def test_known_diagonal() -> None:
    r = decompose(np.diag([3.0, 1.0]))
    np.testing.assert_allclose(r.s, [3.0, 1.0], atol=1e-15)
    assert r.cond == pytest.approx(3.0)
    assert r.rank == 2
    r = decompose(np.diag([1.0, 3.0]))  # order is always descending
    np.testing.assert_allclose(r.s, [3.0, 1.0], atol=1e-15)


def test_known_shear_golden_ratio() -> None:
    r = decompose([[1, 1], [0, 1]])
    np.testing.assert_allclose(r.s, [PHI, 1.0 / PHI], rtol=1e-14)
    assert r.cond == pytest.approx(PHI**2, rel=1e-14)
    # First right singular vector: eigenvector of AᵀA = [[1, 1], [1, 2]] for φ², ∝ (1, φ).
    v1 = np.array([1.0, PHI]) / math.hypot(1.0, PHI)
    assert abs(r.Vt[0] @ v1) == pytest.approx(1.0, abs=1e-14)


def test_known_projection_rank1() -> None:
    r = decompose([[1, 0], [0, 0]])
    np.testing.assert_array_equal(r.s, [1.0, 0.0])
    assert r.rank == 1
    assert r.cond == math.inf


@pytest.mark.parametrize("A", [[[2, 4], [1, 2]], [[1, 2, 3], [2, 4, 6]], [[3, 1], [6, 2], [9, 3]]])
def test_rank_deficient_matrices_have_infinite_condition_number(A) -> None:
    """Found on a CPU whose LAPACK leaves σ₂ = 1e-17 for [[2, 4], [1, 2]]: κ read 3.6e17 while
    the rank said 1. Singular to working precision means κ = ∞."""
    r = decompose(A)
    assert r.rank == 1
    assert r.cond == math.inf


def test_zero_matrix() -> None:
    r = decompose(np.zeros((3, 2)))
    np.testing.assert_array_equal(r.s, [0.0, 0.0])
    assert r.rank == 0
    assert r.cond == math.inf
    np.testing.assert_allclose(r.U.T @ r.U, np.eye(3), atol=1e-15)


def test_nonsquare_condition_number_closed_form() -> None:
    rng = np.random.default_rng(7)
    Q1, _ = np.linalg.qr(rng.normal(size=(5, 5)))
    Q2, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    Sigma = np.zeros((5, 3))
    Sigma[:3, :3] = np.diag([8.0, 2.0, 0.5])
    r = decompose(Q1 @ Sigma @ Q2)
    np.testing.assert_allclose(r.s, [8.0, 2.0, 0.5], rtol=1e-13)
    assert r.cond == pytest.approx(16.0, rel=1e-12)
    assert r.rank == 3


def test_rank_matches_numpy_default_tolerance() -> None:
    rng = np.random.default_rng(11)
    cases = [
        np.outer(rng.normal(size=5), rng.normal(size=4)),  # rank 1
        rng.normal(size=(6, 2)) @ rng.normal(size=(2, 4)),  # rank 2
        np.diag([1.0, 1e-20]),  # below tol -> rank 1
        np.diag([1.0, 1e-10]),  # above tol -> rank 2
        rng.normal(size=(4, 4)),
        np.zeros((2, 3)),
    ]
    expected = [1, 2, 1, 2, 4, 0]
    for A, want in zip(cases, expected, strict=True):
        assert decompose(A).rank == want == np.linalg.matrix_rank(A)


def test_cond_matches_2norm_condition_number() -> None:
    rng = np.random.default_rng(12)
    for _ in range(10):
        A = rng.normal(size=(4, 4))
        assert decompose(A).cond == pytest.approx(np.linalg.cond(A, 2), rel=1e-10)


def test_decompose_accepts_array_likes_and_returns_readonly() -> None:
    r = decompose(((2, 0), (0, 1)))
    np.testing.assert_allclose(r.s, [2.0, 1.0])
    r = decompose(np.array([[True, False], [False, True]]))
    np.testing.assert_allclose(r.s, [1.0, 1.0])
    for arr in (r.U, r.s, r.Vt):
        with pytest.raises(ValueError):
            arr[0] = 5.0


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        ([1.0, 2.0, 3.0], "2-D"),
        (np.ones((2, 2, 2)), "2-D"),
        (5.0, "2-D"),
        (np.zeros((0, 3)), "non-empty"),
        ([[1.0, np.nan]], "finite"),
        ([[1.0, np.inf]], "finite"),
        ([[-np.inf, 1.0]], "finite"),
        ([["a", "b"]], "finite real numbers"),
        ([[1.0, None]], "finite real numbers"),
        ([[1 + 2j, 0]], "real"),
        ([[1.0, 2.0], [3.0]], "rectangular"),
        ([[10**400, 1]], "finite"),
    ],
)
def test_decompose_bad_input(bad: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        decompose(bad)


def test_decompose_error_message_wording() -> None:
    with pytest.raises(ValueError, match="A: entries must be finite numbers"):
        decompose([[np.nan]])


# --------------------------------------------------------------------------------------------
# low_rank, eckart_young_error, storage_ratio
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (8, 8), (12, 5)])
def test_low_rank_eckart_young(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(200 + sum(shape))
    A = rng.normal(size=shape)
    sig = sigma_ref(A)
    for k in range(min(shape) + 1):
        Ak = low_rank(A, k)
        assert Ak.shape == A.shape
        assert np.linalg.matrix_rank(Ak) <= k
        err_f2 = np.sum((A - Ak) ** 2)
        assert err_f2 == pytest.approx(np.sum(sig[k:] ** 2), abs=1e-10)  # Frobenius error
        spec = np.linalg.norm(A - Ak, 2)
        assert spec == pytest.approx(sig[k] if k < len(sig) else 0.0, abs=1e-10)
        rel = eckart_young_error(sig, k)
        assert rel == pytest.approx(math.sqrt(err_f2) / np.linalg.norm(A), abs=1e-10)


def test_low_rank_beats_other_rank_k_matrices() -> None:
    rng = np.random.default_rng(5)
    A = rng.normal(size=(8, 6)) @ np.diag([5.0, 3.0, 2.0, 1.0, 0.5, 0.1])
    # Optimal column space from eigh(AAᵀ), independent of the code under test.
    _, vecs = np.linalg.eigh(A @ A.T)
    for k in (1, 2, 3, 4):
        best = np.linalg.norm(A - low_rank(A, k))
        Uk = vecs[:, ::-1][:, :k]
        for trial in range(100):
            if trial % 3 == 0:  # random rank-k product
                B = rng.normal(size=(8, k)) @ rng.normal(size=(k, 6))
            elif trial % 3 == 1:  # projection onto a random k-dimensional column space
                Qr, _ = np.linalg.qr(rng.normal(size=(8, k)))
                B = Qr @ (Qr.T @ A)
            else:  # projection onto a slightly perturbed optimal column space
                Qr, _ = np.linalg.qr(Uk + 1e-3 * rng.normal(size=(8, k)))
                B = Qr @ (Qr.T @ A)
            assert np.linalg.norm(A - B) >= best - 1e-12


def test_low_rank_closed_form_and_extremes() -> None:
    A = np.diag([5.0, 3.0, 1.0])
    np.testing.assert_allclose(low_rank(A, 1), np.diag([5.0, 0, 0]), atol=1e-14)
    np.testing.assert_allclose(low_rank(A, 2), np.diag([5.0, 3.0, 0]), atol=1e-14)
    np.testing.assert_array_equal(low_rank(A, 0), np.zeros((3, 3)))
    np.testing.assert_array_equal(low_rank(A, 3), A)
    assert low_rank([[1, 2], [3, 4]], np.int64(2)).dtype == np.float64


@pytest.mark.parametrize("k", [-1, 4, 1.5, 2.0, True, "2", None])
def test_low_rank_bad_k(k: object) -> None:
    with pytest.raises(ValueError, match=r"k must be an integer in \[0, 3\]"):
        low_rank(np.ones((3, 5)), k)


def test_low_rank_bad_matrix() -> None:
    with pytest.raises(ValueError, match="finite"):
        low_rank([[1.0, np.nan]], 1)


def test_eckart_young_error_closed_forms() -> None:
    assert eckart_young_error([4.0, 3.0], 0) == pytest.approx(1.0)
    assert eckart_young_error([4.0, 3.0], 1) == pytest.approx(0.6)  # 3/5
    assert eckart_young_error([4.0, 3.0], 2) == 0.0
    assert eckart_young_error([3.0, 4.0], 1) == pytest.approx(0.6)  # order does not matter
    assert eckart_young_error([0.0, 0.0, 0.0], 1) == 0.0
    assert eckart_young_error([1e200, 1e200], 1) == pytest.approx(math.sqrt(0.5))
    assert eckart_young_error([1e-200, 1e-200], 1) == pytest.approx(math.sqrt(0.5))


@pytest.mark.parametrize(
    ("s", "k", "match"),
    [
        ([3.0, 1.0], 3, "k"),
        ([3.0, 1.0], -1, "k"),
        ([3.0, -1.0], 1, "s"),
        ([3.0, np.nan], 1, "s"),
        ([[3.0, 1.0]], 1, "s"),
        ([], 0, "s"),
    ],
)
def test_eckart_young_error_bad_input(s: object, k: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        eckart_young_error(s, k)


def test_storage_ratio() -> None:
    assert storage_ratio(100, 50, 10) == pytest.approx(10 * 151 / 5000)
    assert storage_ratio(100, 50, 0) == 0.0
    assert storage_ratio(2, 2, 2) == pytest.approx(2.5)  # full rank SVD of a 2×2 costs more
    for bad in [(0, 5, 0), (5, -1, 0), (5, 5, 6), (5, 5, -1), (5.0, 5, 1), (5, 5, 1.0)]:
        with pytest.raises(ValueError, match="[mnk]"):
            storage_ratio(*bad)


# --------------------------------------------------------------------------------------------
# staged_factors
# --------------------------------------------------------------------------------------------

STAGED_CASES = (
    list(EDGE_2X2.items())
    + [(f"random{i}", A) for i, A in enumerate(random_matrices(40, seed=1))]
    + [(f"random_neg{i}", A) for i, A in enumerate(random_matrices(40, seed=2, det_sign=-1))]
)


@pytest.mark.parametrize(("name", "A"), STAGED_CASES, ids=[c[0] for c in STAGED_CASES])
def test_staged_factors_reproduce_A_and_satisfy_invariants(name: str, A: np.ndarray) -> None:
    f = staged_factors(A)
    assert isinstance(f, StagedSVD)
    scale = max(np.abs(A).max(), np.finfo(float).tiny)
    B = rot(f.theta_u) @ np.diag(f.d) @ rot(f.theta_v)  # eq. 1.3 with U, Vᵀ proper rotations
    np.testing.assert_allclose(B / scale, A / scale, rtol=0, atol=1e-12)
    np.testing.assert_allclose(f.U, rot(f.theta_u), atol=1e-15)
    np.testing.assert_allclose(f.Vt, rot(f.theta_v), atol=1e-15)
    np.testing.assert_allclose(f.Sigma, np.diag(f.d), atol=0)
    assert np.linalg.det(f.U) == pytest.approx(1.0)
    assert np.linalg.det(f.Vt) == pytest.approx(1.0)
    assert -math.pi / 2 < f.theta_v <= math.pi / 2
    assert -math.pi < f.theta_u <= math.pi
    sig = sigma_ref(A / scale) * scale  # eq. 1.2
    assert f.d[0] == pytest.approx(sig[0], rel=1e-12, abs=1e-300)
    # σ₂ from the eigenvalues of AᵀA is only good to ~sqrt(eps)·σ₁; σ₁σ₂ = |det A| is sharper.
    assert abs(f.d[1]) == pytest.approx(sig[1], abs=1e-7 * sig[0])
    An, dn = A / scale, f.d / scale
    det_n = An[0, 0] * An[1, 1] - An[0, 1] * An[1, 0]
    assert dn[0] * dn[1] == pytest.approx(det_n, abs=1e-12)
    assert f.d[0] >= abs(f.d[1]) >= 0
    det = np.linalg.det(A / scale)
    if abs(det) > 1e-8:
        assert f.reflection == (det < 0) == (f.d[1] < 0)


@pytest.mark.parametrize(
    ("A", "theta_v", "theta_u", "d"),
    [
        (np.eye(2), 0.0, 0.0, (1.0, 1.0)),
        (-np.eye(2), 0.0, math.pi, (1.0, 1.0)),
        (rot(math.pi / 6), 0.0, math.pi / 6, (1.0, 1.0)),
        (2.0 * rot(math.radians(100)), 0.0, math.radians(100), (2.0, 2.0)),
        (2.0 * rot(math.radians(-170)), 0.0, math.radians(-170), (2.0, 2.0)),
        (3.0 * refl(2.2), 0.0, 2.2, (3.0, -3.0)),
        (np.diag([1.0, -1.0]), 0.0, 0.0, (1.0, -1.0)),
        (np.diag([3.0, 1.0]), 0.0, 0.0, (3.0, 1.0)),
        (np.diag([1.0, 3.0]), math.pi / 2, -math.pi / 2, (3.0, 1.0)),
        (np.zeros((2, 2)), 0.0, 0.0, (0.0, 0.0)),
        (np.array([[1.0, 0.0], [0.0, 0.0]]), 0.0, 0.0, (1.0, 0.0)),
        (rot(0.4) @ np.diag([1.0, 1.0 - 1e-14]) @ rot(-1.0), 0.0, -0.6, (1.0, 1.0)),
    ],
)
def test_staged_factors_closed_forms(
    A: np.ndarray, theta_v: float, theta_u: float, d: tuple[float, float]
) -> None:
    f = staged_factors(A)
    assert f.theta_v == pytest.approx(theta_v, abs=1e-12)
    assert f.theta_u == pytest.approx(theta_u, abs=1e-12)
    np.testing.assert_allclose(f.d, d, atol=1e-12)


def test_staged_factors_shear() -> None:
    f = staged_factors([[1, 1], [0, 1]])
    np.testing.assert_allclose(f.d, [PHI, 1.0 / PHI], rtol=1e-14)
    assert not f.reflection
    # Row 0 of Vᵀ is the top eigenvector of AᵀA = [[1, 1], [1, 2]], ∝ ±(1, φ).
    v1 = np.array([1.0, PHI]) / math.hypot(1.0, PHI)
    assert abs(f.Vt[0] @ v1) == pytest.approx(1.0, abs=1e-14)


def test_staged_svd_validates_fields_and_is_frozen() -> None:
    f = StagedSVD(theta_v=0.1, theta_u=-0.2, d=[2.0, -1.0])
    assert f.reflection
    with pytest.raises(AttributeError):
        f.theta_v = 0.0  # type: ignore[misc]
    with pytest.raises(ValueError):
        f.d[0] = 1.0
    with pytest.raises(ValueError, match="theta_v"):
        StagedSVD(theta_v=2.0, theta_u=0.0, d=[1.0, 1.0])
    with pytest.raises(ValueError, match="theta_v"):
        StagedSVD(theta_v=-math.pi / 2, theta_u=0.0, d=[1.0, 1.0])
    with pytest.raises(ValueError, match="theta_u"):
        StagedSVD(theta_v=0.0, theta_u=4.0, d=[1.0, 1.0])
    with pytest.raises(ValueError, match="d"):
        StagedSVD(theta_v=0.0, theta_u=0.0, d=[1.0, 2.0])
    with pytest.raises(ValueError, match="d"):
        StagedSVD(theta_v=0.0, theta_u=0.0, d=[1.0, 1.0, 1.0])


def test_rotation_helper() -> None:
    np.testing.assert_allclose(rotation(math.pi / 2), [[0.0, -1.0], [1.0, 0.0]], atol=1e-16)
    np.testing.assert_allclose(rotation(0.3), rot(0.3), atol=0)


# --------------------------------------------------------------------------------------------
# staged_map
# --------------------------------------------------------------------------------------------


def circle(n: int = 360) -> np.ndarray:
    phi = 2.0 * np.pi * np.arange(n) / n
    return np.vstack([np.cos(phi), np.sin(phi)])


def cloud(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.hstack([circle(64), rng.normal(size=(2, 50)), np.zeros((2, 1))])


CONTINUITY_CASES = [
    (name, EDGE_2X2[name])
    for name in [
        "reflection",
        "rank1",
        "rank1_nonsym",
        "zero",
        "identity",
        "minus_identity",
        "scaled_rotation",
        "scaled_reflection",
        "nearly_singular",
        "nearly_singular_neg",
        "nearly_equal_sigma",
        "diag_1_3",
    ]
]
CONTINUITY_CASES += [
    (f"random_neg{i}", A) for i, A in enumerate(random_matrices(8, 3, det_sign=-1))
] + [(f"random_pos{i}", A) for i, A in enumerate(random_matrices(4, 4, det_sign=1))]


@pytest.mark.parametrize(("name", "A"), CONTINUITY_CASES, ids=[c[0] for c in CONTINUITY_CASES])
def test_staged_map_continuous_in_t(name: str, A: np.ndarray) -> None:
    P = cloud(1)
    ts = np.linspace(0.0, 3.0, 3001)
    dt = ts[1] - ts[0]
    images = np.stack([staged_map(A, P, t) for t in ts])
    assert np.all(np.isfinite(images))
    steps = np.linalg.norm(np.diff(images, axis=0), axis=1)  # (3000, N): per-point step length
    sigma1 = sigma_ref(A)[0]
    radius = np.linalg.norm(P, axis=0).max()
    # |dM/dt| is at most π/2 (Vᵀ stage), max|dᵢ − 1| ≤ σ₁ + 1 (Σ stage), π σ₁ (U stage).
    lipschitz = max(math.pi / 2, sigma1 + 1.0, math.pi * sigma1) * radius
    assert steps.max() <= 1.01 * lipschitz * dt + 1e-12 * (1.0 + sigma1) * radius
    np.testing.assert_array_equal(images[0], P)
    np.testing.assert_array_equal(images[-1], A @ P)


@pytest.mark.parametrize(("name", "A"), STAGED_CASES, ids=[c[0] for c in STAGED_CASES])
def test_staged_map_endpoints_and_midpoints(name: str, A: np.ndarray) -> None:
    A = A / max(np.abs(A).max(), np.finfo(float).tiny)  # unit scale so tolerances are absolute
    P = cloud(2)
    out0 = staged_map(A, P, 0)
    np.testing.assert_array_equal(out0, P)
    assert not np.shares_memory(out0, P)
    np.testing.assert_array_equal(staged_map(A, P, 3), A @ P)
    np.testing.assert_array_equal(staged_map(A, P, 3.0), A @ P)

    # t = 1: an orthogonal map — all inner products (hence norms and angles) preserved.
    Y1 = staged_map(A, P, 1.0)
    np.testing.assert_allclose(Y1.T @ Y1, P.T @ P, atol=1e-12)
    Vt = staged_map(A, np.eye(2), 1.0)
    assert np.linalg.det(Vt) == pytest.approx(1.0)  # a proper rotation
    sig = sigma_ref(A)
    if sig[0] - sig[1] > 1e-6:
        # Row 0 of Vᵀ is the top eigenvector of AᵀA (eq. 1.2).
        lam, vecs = np.linalg.eigh(A.T @ A)
        assert abs(Vt[0] @ vecs[:, -1]) == pytest.approx(1.0, abs=1e-9)

    # t = 2: the unit circle becomes an axis-aligned ellipse with semi-axes σ₁, σ₂.
    # For N equally spaced angles, (1/N) Σ x xᵀ = I/2 exactly, so (2/N) Y Yᵀ = diag(σ₁², σ₂²).
    C = circle(720)
    Y2 = staged_map(A, C, 2.0)
    np.testing.assert_allclose(2.0 * Y2 @ Y2.T / C.shape[1], np.diag(sig**2), atol=1e-12)
    if sig[1] > 1e-6:
        np.testing.assert_allclose((Y2[0] / sig[0]) ** 2 + (Y2[1] / sig[1]) ** 2, 1.0, atol=1e-9)
    np.testing.assert_allclose(np.abs(Y2).max(axis=1), sig, atol=1e-4 * sig[0] + 1e-15)

    # The staged matrix at each stage boundary.
    np.testing.assert_allclose(staged_matrix(A, 0.0), np.eye(2), atol=0)
    np.testing.assert_array_equal(staged_matrix(A, 3.0), A)
    np.testing.assert_allclose(staged_matrix(A, 2.999999999), A, atol=1e-8)


def test_staged_map_reflection_flips_through_a_line() -> None:
    A = np.diag([1.0, -1.0])
    P = circle(8)
    # Halfway through the Σ stage the y-scale is 1 + 0.5·(−1 − 1) = 0: a line segment.
    np.testing.assert_allclose(staged_map(A, P, 1.5)[1], 0.0, atol=1e-15)
    np.testing.assert_allclose(staged_map(A, P, 1.5)[0], P[0], atol=1e-15)
    np.testing.assert_allclose(staged_map(A, P, 2.0), A @ P, atol=1e-15)


def test_staged_map_rotation_is_only_in_U_stage() -> None:
    A = rot(math.radians(120))
    P = cloud(3)
    for t in (0.3, 1.0, 1.7, 2.0):
        np.testing.assert_allclose(staged_map(A, P, t), P, atol=1e-14)
    np.testing.assert_allclose(staged_map(A, P, 2.5), rot(math.radians(60)) @ P, atol=1e-14)


def test_staged_map_accepts_lists_numpy_scalars_and_empty_points() -> None:
    out = staged_map([[2, 0], [0, 1]], [[1, 0], [0, 1]], np.float32(1.5))
    np.testing.assert_allclose(out, [[1.5, 0.0], [0.0, 1.0]])
    assert staged_map(np.eye(2), np.zeros((2, 0)), 2.5).shape == (2, 0)


@pytest.mark.parametrize("t", [-1e-9, 3.0000001, -1, 4, math.nan, math.inf, "1", None, 1j, True])
def test_staged_map_bad_t(t: object) -> None:
    with pytest.raises(ValueError, match=r"t must be .*\[0, 3\]"):
        staged_map(np.eye(2), np.zeros((2, 3)), t)
    with pytest.raises(ValueError, match=r"t must be .*\[0, 3\]"):
        stage_name(t)


@pytest.mark.parametrize(
    ("A", "points", "match"),
    [
        (np.eye(3), np.zeros((2, 3)), "A must be a 2×2"),
        ([1.0, 0.0], np.zeros((2, 3)), "A must be 2-D"),
        ([[1.0, np.nan], [0.0, 1.0]], np.zeros((2, 3)), "A: entries must be finite"),
        (np.eye(2), np.zeros((3, 3)), "points must be a 2×N"),
        (np.eye(2), np.zeros(2), "points must be a 2×N"),
        (np.eye(2), [[0.0, np.inf], [0.0, 0.0]], "points: entries must be finite"),
        (np.eye(2), [["a"], ["b"]], "points"),
    ],
)
def test_staged_map_bad_matrix_or_points(A: object, points: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        staged_map(A, points, 1.0)


def test_staged_factors_bad_input() -> None:
    with pytest.raises(ValueError, match="2×2"):
        staged_factors(np.ones((2, 3)))
    with pytest.raises(ValueError, match="finite"):
        staged_factors([[1.0, math.inf], [0.0, 1.0]])


def test_stage_names() -> None:
    assert stage_name(0) == "identity"
    assert stage_name(0.5) == stage_name(1.0) == "Vᵀ: rotate"
    assert stage_name(1.5) == stage_name(2.0) == "Σ: stretch"
    assert stage_name(2.5) == "U: rotate"
    assert stage_name(3) == "A = UΣVᵀ"


# --------------------------------------------------------------------------------------------
# reconstruct / relative_error / det (used by the GUI for live redraws)
# --------------------------------------------------------------------------------------------


def test_reconstruct_equals_low_rank_and_meets_eckart_young():
    rng = np.random.default_rng(7)
    A = rng.normal(size=(30, 20))
    result = decompose(A)
    s_ref = np.linalg.svd(A, compute_uv=False)
    for k in (0, 1, 5, 19, 20):
        A_k = reconstruct(result, k)
        assert np.allclose(A_k, low_rank(A, k))
        expected = np.sqrt((s_ref[k:] ** 2).sum() / (s_ref**2).sum())
        assert relative_error(A, A_k) == pytest.approx(expected, abs=1e-12)
    with pytest.raises(ValueError, match="k"):
        reconstruct(result, 21)


def test_relative_error_edge_cases():
    assert relative_error(np.zeros((2, 2)), np.zeros((2, 2))) == 0.0
    assert relative_error([[3.0, 0.0], [0.0, 4.0]], np.zeros((2, 2))) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same shape"):
        relative_error(np.eye(2), np.eye(3))


@pytest.mark.parametrize(
    "A",
    [
        [[1.0, 2.0], [3.0, 4.0]],
        [[1.0, 0.0], [0.0, -1.0]],
        [[0.0, 0.0], [0.0, 0.0]],
        [[2.0, 4.0], [1.0, 2.0]],
    ],
)
def test_staged_det_is_the_determinant(A):
    # det of a 2×2 by the cofactor formula, independent of the factorisation
    expected = A[0][0] * A[1][1] - A[0][1] * A[1][0]
    assert staged_factors(A).det == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("shape", [(40, 30), (30, 40, 3), (17, 17, 3)])
def test_each_channel_is_its_own_eckart_young_approximation(shape) -> None:
    rng = np.random.default_rng(5)
    pixels = rng.uniform(0, 255, shape)
    result = decompose_image(pixels)
    stack = pixels[..., None] if pixels.ndim == 2 else pixels
    for k in (0, 1, 7, min(shape[:2])):
        expected = np.empty_like(stack)
        tail = 0.0
        for c in range(stack.shape[2]):
            U, s, Vt = np.linalg.svd(stack[:, :, c])  # one channel, independently
            expected[:, :, c] = (U[:, :k] * s[:k]) @ Vt[:k]
            tail += (s[k:] ** 2).sum()
        approx = result.reconstruct(k)
        assert np.allclose(approx, expected.reshape(pixels.shape), atol=1e-9)
        exact = math.sqrt(tail / (pixels**2).sum())  # ‖A‖_F² = Σ σ² over every channel
        assert result.eckart_young_error(k) == pytest.approx(exact, rel=1e-12, abs=1e-15)
        assert relative_error(pixels, approx) == pytest.approx(exact, rel=1e-9, abs=1e-12)


def test_a_black_image_has_no_error_to_speak_of() -> None:
    result = decompose_image(np.zeros((4, 5, 3)))
    assert result.eckart_young_errors().tolist() == [0.0] * 5
    assert result.ranks == (0, 0, 0)
