"""Tests for core.double_descent (notes §5; issue 4) against closed forms.

References are independent of the code under test: numpy's SVD-based ``lstsq`` and ``pinv``,
the normal equations written out here, the exact inverse-Wishart expectations for Gaussian
designs (E tr (XᵀX)⁻¹ = p/(n − p − 1), E tr (XXᵀ)⁻¹ = n/(p − n − 1)), the asymptotic formulas of
Hastie, Montanari, Rosset & Tibshirani (2019, Thm 1) typed in here, and moments of the
generating distributions (E max(0, z)² = Var z / 2 for a centred Gaussian z).
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

from core.datasets import DIGIT_PIXELS, load_digits
from core.double_descent import (
    FEATURE_FAMILIES,
    MAX_WIDTHS,
    FunctionFit,
    SweepParams,
    SweepResult,
    default_sweep_params,
    draw_trial,
    fit_function,
    fourier_target,
    isotropic_risk,
    isotropic_risk_exact,
    min_norm_lstsq,
    nested_solutions,
    run_sweep,
    sweep,
    widths_for,
)

DIGITS = load_digits(Path(__file__).resolve().parents[2] / "resources/datasets/digits.csv.gz")


def data_for(features: str):
    """The data a family needs: the shipped digits for "digits", none for the others."""
    return DIGITS if features == "digits" else None


def exact_gaussian_risk(n: int, p: int, r2: float, s2: float) -> float:
    """E‖β̂ − β‖² for min-norm least squares with x ~ N(0, I_p), written out independently."""
    if p < n - 1:
        return s2 * p / (n - p - 1)
    if p > n + 1:
        return r2 * (1.0 - n / p) + s2 * n / (p - n - 1)
    return math.inf


def lstsq(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.linalg.lstsq(A, b, rcond=None)[0]


def reference_sweep(params: SweepParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sweep's numbers recomputed width by width with numpy's lstsq (or the ridge normal
    equations) on the same draws."""
    T, W = params.trials, len(params.widths)
    test, train, norm = np.empty((T, W)), np.empty((T, W)), np.empty((T, W))
    for t in range(T):
        d = draw_trial(params, t)
        for j, p in enumerate(params.widths):
            A, y = d.Phi[:, :p], d.Y[:, j]
            if params.ridge == 0.0:
                b = lstsq(A, y)
            else:
                b = np.linalg.solve(A.T @ A + params.ridge * np.eye(p), A.T @ y)
            train[t, j] = np.mean((y - A @ b) ** 2)
            norm[t, j] = np.linalg.norm(b)
            if params.features == "isotropic":
                test[t, j] = np.sum((b - d.beta[:p, j]) ** 2)
            else:
                test[t, j] = np.mean((d.Phi_test[:, :p] @ b - d.f_test) ** 2)
    return test, train, norm


# --------------------------------------------------------------------------------------------
# theory for isotropic features
# --------------------------------------------------------------------------------------------


def test_isotropic_risk_matches_theorem_formulas() -> None:
    r2, s2 = 2.0, 0.3
    gamma = np.array([0.01, 0.2, 0.5, 0.9, 0.999, 1.001, 1.5, 2.0, 10.0, 1e4])
    want = np.where(gamma < 1, s2 * gamma / (1 - gamma), r2 * (1 - 1 / gamma) + s2 / (gamma - 1))
    np.testing.assert_allclose(isotropic_risk(gamma, r2, s2), want, rtol=1e-14)
    assert isotropic_risk(1.0, r2, s2) == math.inf
    assert isinstance(isotropic_risk(0.5, r2, s2), float)
    assert isotropic_risk(0.5, r2, s2) == pytest.approx(s2)  # γ/(1−γ) = 1
    assert isotropic_risk(2.0, r2, s2) == pytest.approx(r2 / 2 + s2)
    # Far past the peak: the null risk r² (β̂ → 0), the variance → 0.
    assert isotropic_risk(1e12, r2, s2) == pytest.approx(r2, rel=1e-9)
    # Noiseless: zero below the threshold, pure bias above, continuous through γ = 1.
    np.testing.assert_allclose(isotropic_risk([0.3, 1.0, 4.0], r2, 0.0), [0.0, 0.0, 1.5])
    assert isotropic_risk(np.array([[0.5, 2.0]]), r2, s2).shape == (1, 2)


def test_isotropic_risk_is_the_large_n_limit_of_the_exact_risk() -> None:
    r2, s2 = 1.0, 0.5
    for gamma in (0.25, 0.5, 0.8, 1.25, 2.0, 5.0):
        limit = isotropic_risk(gamma, r2, s2)
        gaps = []
        for n in (10**3, 10**4, 10**5, 10**6):
            p = round(gamma * n)
            exact = isotropic_risk_exact(n, p, r2, s2)
            assert exact == pytest.approx(exact_gaussian_risk(n, p, r2, s2), rel=1e-12)
            gaps.append(abs(exact - limit) / limit)
        assert gaps[-1] < 1e-4, (gamma, gaps)
        assert all(b < a / 5 for a, b in zip(gaps, gaps[1:], strict=False)), (gamma, gaps)


def test_isotropic_risk_exact_near_the_threshold() -> None:
    n = 20
    p = np.arange(1, 61)
    got = isotropic_risk_exact(n, p, 1.0, 0.25)
    want = [exact_gaussian_risk(n, int(q), 1.0, 0.25) for q in p]
    np.testing.assert_allclose(got, want, rtol=1e-14)
    assert np.all(np.isinf(got[(p >= n - 1) & (p <= n + 1)]))
    # Noiseless: exact recovery up to p = n, then the bias r²(1 − n/p).
    quiet = isotropic_risk_exact(n, p, 1.0, 0.0)
    np.testing.assert_allclose(quiet, np.where(p <= n, 0.0, 1.0 - n / p), atol=1e-15)


@pytest.mark.parametrize(
    "call",
    [
        lambda: isotropic_risk(0.0, 1.0, 1.0),
        lambda: isotropic_risk(-1.0, 1.0, 1.0),
        lambda: isotropic_risk(np.nan, 1.0, 1.0),
        lambda: isotropic_risk(0.5, -1.0, 1.0),
        lambda: isotropic_risk(0.5, 1.0, math.inf),
        lambda: isotropic_risk_exact(0, 3, 1.0, 1.0),
        lambda: isotropic_risk_exact(10, 0, 1.0, 1.0),
        lambda: isotropic_risk_exact(10, 2.5, 1.0, 1.0),
    ],
)
def test_isotropic_risk_rejects_bad_input(call) -> None:
    with pytest.raises(ValueError):
        call()


# --------------------------------------------------------------------------------------------
# minimum-norm least squares and the nested solver
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(1, 1), (1, 5), (5, 1), (8, 3), (10, 10), (6, 15), (20, 60)])
def test_min_norm_lstsq_is_the_pseudoinverse_solution(shape: tuple[int, int]) -> None:
    n, p = shape
    rng = np.random.default_rng(n * 100 + p)
    Phi = rng.standard_normal(shape)
    y = rng.standard_normal(n)
    beta = min_norm_lstsq(Phi, y)
    assert beta.shape == (p,)
    np.testing.assert_allclose(beta, np.linalg.pinv(Phi) @ y, rtol=1e-10, atol=1e-12)
    if p >= n:  # interpolates
        np.testing.assert_allclose(Phi @ beta, y, atol=1e-10)
    else:  # the normal equations, eq. 4.13
        np.testing.assert_allclose(Phi.T @ Phi @ beta, Phi.T @ y, atol=1e-10)


def test_min_norm_lstsq_beats_every_other_interpolant() -> None:
    rng = np.random.default_rng(5)
    n, p = 12, 30
    Phi = rng.standard_normal((n, p))
    y = rng.standard_normal(n)
    beta = min_norm_lstsq(Phi, y)
    null = np.linalg.svd(Phi)[2][n:].T  # orthonormal basis of the null space of Φ
    assert null.shape == (p, p - n)
    np.testing.assert_allclose(Phi @ null, 0.0, atol=1e-12)
    np.testing.assert_allclose(null.T @ beta, 0.0, atol=1e-12)  # β̂ ⟂ null space
    for _ in range(20):
        other = beta + null @ rng.standard_normal(p - n) * rng.uniform(1e-3, 10.0)
        np.testing.assert_allclose(Phi @ other, y, atol=1e-10)  # also interpolates
        assert np.linalg.norm(other) > np.linalg.norm(beta)
        # Pythagoras: ‖β̂ + v‖² = ‖β̂‖² + ‖v‖² for v in the null space.
        assert np.linalg.norm(other) ** 2 == pytest.approx(
            np.linalg.norm(beta) ** 2 + np.linalg.norm(other - beta) ** 2, rel=1e-10
        )


def test_min_norm_lstsq_several_right_hand_sides_and_rank_deficiency() -> None:
    rng = np.random.default_rng(6)
    Phi = rng.standard_normal((9, 4)) @ rng.standard_normal((4, 7))  # rank 4
    Y = rng.standard_normal((9, 3))
    np.testing.assert_allclose(min_norm_lstsq(Phi, Y), np.linalg.pinv(Phi) @ Y, atol=1e-10)
    np.testing.assert_array_equal(min_norm_lstsq(np.zeros((3, 2)), [1.0, 2.0, 3.0]), 0.0)


@pytest.mark.parametrize(
    "args",
    [
        (np.ones(3), np.ones(3)),
        (np.ones((3, 2)), np.ones(4)),
        (np.ones((3, 2)), [1.0, np.nan, 1.0]),
        ([[1.0, "a"]], [1.0]),
        (np.ones((0, 2)), np.ones(0)),
    ],
)
def test_min_norm_lstsq_rejects_bad_input(args) -> None:
    with pytest.raises(ValueError, match="Phi|y"):
        min_norm_lstsq(*args)


@pytest.mark.parametrize("n", [1, 2, 7, 30])
def test_nested_solutions_equal_per_width_lstsq(n: int) -> None:
    rng = np.random.default_rng(n)
    P = 3 * n + 5
    Phi = rng.standard_normal((n, P))
    y = rng.standard_normal(n)
    widths = list(range(1, P + 1))
    phi_before = Phi.copy()
    got = nested_solutions(Phi, y, widths)
    np.testing.assert_array_equal(Phi, phi_before)  # input untouched
    for p, beta in zip(widths, got, strict=True):
        want = lstsq(Phi[:, :p], y)
        assert beta.shape == (p,)
        np.testing.assert_allclose(beta, want, rtol=1e-9, atol=1e-12 * np.linalg.norm(want))


def test_nested_solutions_fortran_input_is_not_modified() -> None:
    rng = np.random.default_rng(8)
    Phi = np.asfortranarray(rng.standard_normal((6, 40)))
    before = Phi.copy()
    nested_solutions(Phi, rng.standard_normal(6), [2, 6, 7, 8, 12, 13, 40])
    np.testing.assert_array_equal(Phi, before)


def test_nested_solutions_rank_deficient_and_ill_conditioned_columns() -> None:
    rng = np.random.default_rng(9)
    n = 15
    Phi = rng.standard_normal((n, 40))
    Phi[:, 3] = 0.0  # a dead feature
    Phi[:, 7] = Phi[:, 2]  # an exact duplicate
    Phi[:, 9] = Phi[:, 4] + 1e-9 * rng.standard_normal(n)  # nearly collinear
    y = rng.standard_normal(n)
    widths = list(range(1, 41))
    for p, beta in zip(widths, nested_solutions(Phi, y, widths), strict=True):
        want = lstsq(Phi[:, :p], y)
        np.testing.assert_allclose(beta, want, rtol=1e-8, atol=1e-10 * np.linalg.norm(want))


def test_nested_ridge_equals_normal_equations_and_dual_form() -> None:
    rng = np.random.default_rng(10)
    n, P = 12, 40
    Phi = rng.standard_normal((n, P))
    y = rng.standard_normal(n)
    widths = [1, 5, 11, 12, 13, 20, 40]
    for lam in (1e-3, 0.7, 50.0):
        for p, beta in zip(widths, nested_solutions(Phi, y, widths, ridge=lam), strict=True):
            A = Phi[:, :p]
            primal = np.linalg.solve(A.T @ A + lam * np.eye(p), A.T @ y)  # eq. 3.13
            dual = A.T @ np.linalg.solve(A @ A.T + lam * np.eye(n), y)
            np.testing.assert_allclose(beta, primal, rtol=1e-9)
            np.testing.assert_allclose(beta, dual, rtol=1e-9)


def test_ridge_tends_to_ridgeless_as_lambda_goes_to_zero() -> None:
    rng = np.random.default_rng(11)
    n, P = 20, 60
    Phi = rng.standard_normal((n, P))
    y = rng.standard_normal(n)
    widths = [3, 10, 16, 25, 40, 60]  # away from p = n, where the limit is uniform
    ridgeless = nested_solutions(Phi, y, widths)
    previous = None
    for lam in (1e-2, 1e-4, 1e-6, 1e-8, 1e-10):
        gap = max(
            np.linalg.norm(b - b0) / np.linalg.norm(b0)
            for b, b0 in zip(nested_solutions(Phi, y, widths, ridge=lam), ridgeless, strict=True)
        )
        if previous is not None:
            assert gap < previous / 10
        previous = gap
    assert previous < 1e-8


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"widths": [0, 1]}, "widths"),
        ({"widths": [3, 2]}, "widths"),
        ({"widths": [2, 2]}, "widths"),
        ({"widths": [1, 11]}, "widths"),
        ({"widths": []}, "widths"),
        ({"ridge": -1.0}, "ridge"),
        ({"ridge": math.nan}, "ridge"),
    ],
)
def test_nested_solutions_rejects_bad_input(kwargs, field) -> None:
    args = {"Phi": np.ones((3, 10)), "y": np.ones(3), "widths": [1, 2], "ridge": 0.0, **kwargs}
    with pytest.raises(ValueError, match=field):
        nested_solutions(**args)


# --------------------------------------------------------------------------------------------
# the sweep: statistics against closed forms
# --------------------------------------------------------------------------------------------


def test_isotropic_sweep_matches_exact_finite_n_risk() -> None:
    """Empirical E‖β̂ − β‖² within Monte-Carlo error of the exact Gaussian-design value."""
    n, r2, sigma, trials = 40, 1.0, 0.5, 400
    widths = [2, 5, 10, 20, 30, 34, 36, 46, 50, 60, 80, 120, 200]  # p ∉ [n − 3, n + 3]
    result = sweep(n, widths, trials, sigma, features="isotropic", signal=r2, seed=1)
    exact = np.array([exact_gaussian_risk(n, p, r2, sigma**2) for p in widths])
    sem = result.test_std / math.sqrt(trials - 1)
    z = (result.test_mean - exact) / sem
    assert np.all(np.abs(z) < 4.5), np.c_[widths, result.test_mean, exact, z]
    assert np.sum(z**2) < 40  # χ² with 13 degrees of freedom: p-value ~ 1e-4
    # The norm of the least-squares fit: E‖β̂‖² = r² + E‖β̂ − β‖² for p < n (unbiased).
    below = np.array(widths) < n
    np.testing.assert_allclose(
        np.mean(result.norm_trials[:, below] ** 2, axis=0), r2 + exact[below], rtol=0.1
    )


def test_isotropic_sweep_noiseless() -> None:
    n, r2 = 30, 2.0
    widths = [1, 10, 29, 30, 31, 45, 60, 120]
    result = sweep(n, widths, 300, 0.0, features="isotropic", signal=r2, seed=2)
    p = np.array(widths)
    # p ≤ n: the data determine β exactly: zero excess risk, zero training error.
    np.testing.assert_allclose(result.test_mean[p <= n], 0.0, atol=1e-18)
    np.testing.assert_allclose(result.train_mean, 0.0, atol=1e-18)
    # p > n: pure bias, ‖(I − P_row)β‖², with mean r²(1 − n/p) and (β uniform on the sphere,
    # the row space a uniform n-plane) a Beta((p−n)/2, n/2) law scaled by r².
    above = p > n
    a, b = (p[above] - n) / 2, n / 2
    mean = r2 * a / (a + b)
    sd = r2 * np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    z = (result.test_mean[above] - mean) / (sd / math.sqrt(300))
    assert np.all(np.abs(z) < 4.5), z
    np.testing.assert_allclose(result.test_std[above], sd, rtol=0.15)


def test_ridge_flattens_the_peak() -> None:
    n, sigma, r2 = 40, 0.5, 1.0
    ridgeless = sweep(n, [n], 200, sigma, features="isotropic", signal=r2, seed=3)
    # λ = pσ²/r²: the optimal ridge for isotropic features (Dobriban & Wager 2018).
    ridge = sweep(
        n, [n], 200, sigma, ridge=n * sigma**2 / r2, features="isotropic", signal=r2, seed=3
    )
    assert math.isfinite(ridgeless.test_mean[0])
    assert ridgeless.test_mean[0] > 100.0  # the expectation is infinite at p = n
    assert ridge.test_mean[0] < r2  # better than predicting 0
    assert ridge.test_mean[0] < 1e-2 * ridgeless.test_mean[0]
    relu0 = sweep(n, [n], 30, sigma, features="relu", seed=3)
    relu1 = sweep(n, [n], 30, sigma, ridge=1.0, features="relu", seed=3)
    assert relu1.test_mean[0] < 0.05 * relu0.test_mean[0]


@pytest.mark.parametrize("features", FEATURE_FAMILIES)
@pytest.mark.parametrize("ridge", [0.0, 0.3])
def test_sweep_equals_per_width_lstsq(features: str, ridge: float) -> None:
    params = SweepParams(
        n=25,
        widths=(1, 2, 7, 20, 24, 25, 26, 27, 40, 80, 150),
        trials=3,
        sigma=0.4,
        ridge=ridge,
        features=features,
        seed=4,
        n_test=300,
        data=data_for(features),
    )
    result = run_sweep(params)
    test, train, norm = reference_sweep(params)
    np.testing.assert_allclose(result.test_trials, test, rtol=1e-8)
    np.testing.assert_allclose(result.norm_trials, norm, rtol=1e-8)
    scale = float(np.mean(draw_trial(params, 0).Y ** 2))
    np.testing.assert_allclose(result.train_trials, train, rtol=1e-8, atol=1e-12 * scale)
    np.testing.assert_allclose(result.test_mean, test.mean(axis=0), rtol=1e-8)
    np.testing.assert_allclose(result.test_std, test.std(axis=0), rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(result.norm_mean, norm.mean(axis=0), rtol=1e-8)


def test_interpolation_beyond_the_threshold() -> None:
    for features in FEATURE_FAMILIES:
        data = data_for(features)
        r = sweep(20, [5, 19, 20, 21, 60], 2, 0.3, features=features, seed=5, data=data)
        assert np.all(r.train_mean[:2] > 1e-4), features  # p < n cannot fit the noise
        np.testing.assert_allclose(r.train_mean[2:], 0.0, atol=1e-16)  # p ≥ n interpolates


def test_relu_and_fourier_draws_follow_their_distributions() -> None:
    params = SweepParams(
        n=200,
        widths=(300,),
        trials=1,
        sigma=0.5,
        features="relu",
        signal=2.0,
        input_dim=10,
        n_test=3000,
    )
    d = draw_trial(params, 0)
    # φ = max(0, w·x)/√d with w·x ~ N(0, ‖x‖²): E φ² = E‖x‖²/(2d) = 1/2.
    assert np.mean(d.Phi_test**2) == pytest.approx(0.5, rel=0.03)
    assert np.all(d.Phi >= 0.0) and np.mean(d.Phi == 0.0) == pytest.approx(0.5, abs=0.02)
    assert np.mean(d.f_test**2) == pytest.approx(2.0, rel=0.1)  # E (x·θ)² = ‖θ‖²
    assert np.var(d.Y[:, 0]) == pytest.approx(2.0 + 0.25, rel=0.25)
    assert np.all(d.Y == d.Y[:, :1])
    fit = fit_function(50, 3, 0.1, seed=2)
    cells = np.floor((fit.x_train + 1.0) * 50 / 2.0)
    np.testing.assert_array_equal(cells, np.arange(50))  # one training input per cell
    np.testing.assert_array_equal(fit.f_true, fourier_target(fit.x_grid))
    np.testing.assert_allclose(fourier_target([0.0, 1.0]), [0.5, math.sin(2) + 0.5 * math.cos(5)])


# --------------------------------------------------------------------------------------------
# the sweep: edge cases, progress, cancel, determinism
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("features", FEATURE_FAMILIES)
def test_one_training_point(features: str) -> None:
    r = sweep(1, [1, 2, 5, 50], 4, 0.5, features=features, seed=6, data=data_for(features))
    for arr in (r.test_mean, r.train_mean, r.norm_mean, r.test_std):
        assert np.all(np.isfinite(arr))
    # One point is interpolated as soon as one feature is non-zero on it (ReLU features can
    # all be dead at small p).
    fits = slice(None) if features not in ("relu", "digits") else slice(-1, None)
    np.testing.assert_allclose(r.train_mean[fits], 0.0, atol=1e-20)


@pytest.mark.parametrize("features", FEATURE_FAMILIES)
def test_exactly_at_the_threshold_is_large_but_finite(features: str) -> None:
    n = 30
    r = sweep(n, [n // 2, n, 4 * n], 10, 0.5, features=features, seed=7, data=data_for(features))
    assert np.all(np.isfinite(r.test_mean)) and np.all(np.isfinite(r.norm_mean))
    assert r.test_mean[1] > 5 * max(r.test_mean[0], r.test_mean[2])  # the peak
    assert r.norm_mean[1] > max(r.norm_mean[0], r.norm_mean[2])


def test_one_trial_has_zero_spread() -> None:
    r = sweep(10, [3, 10, 30], 1, 0.5, features="relu")
    assert r.trials_done == 1 and not r.cancelled
    np.testing.assert_array_equal(r.test_std, 0.0)
    np.testing.assert_array_equal(r.train_std, 0.0)
    np.testing.assert_array_equal(r.norm_std, 0.0)


def test_progress_is_called_after_every_trial_with_partial_averages() -> None:
    calls = []
    params = SweepParams(n=12, widths=(2, 12, 30), trials=5, sigma=0.3, features="relu", n_test=50)
    final = run_sweep(params, progress=lambda done, total, part: calls.append((done, total, part)))
    assert [c[:2] for c in calls] == [(k, 5) for k in range(1, 6)]
    for done, _, part in calls:
        assert isinstance(part, SweepResult)
        assert part.trials_done == done
        np.testing.assert_array_equal(part.test_mean, final.test_trials[:done].mean(axis=0))
    np.testing.assert_array_equal(calls[-1][2].test_mean, final.test_mean)
    assert not calls[-1][2].cancelled and not final.cancelled


def test_cancel_after_the_first_trial() -> None:
    state = {"progress": 0}

    def progress(done, total, partial):
        state["progress"] += 1

    r = sweep(
        10,
        [5, 10, 20],
        8,
        0.5,
        features="isotropic",
        progress=progress,
        cancel=lambda: state["progress"] >= 1,
    )
    assert r.cancelled and r.trials_done == 1 and state["progress"] == 1
    assert r.test_trials.shape == (1, 3)
    full = sweep(10, [5, 10, 20], 8, 0.5, features="isotropic")
    np.testing.assert_array_equal(r.test_mean, full.test_trials[0])  # the same first trial


def test_cancel_before_any_trial() -> None:
    r = sweep(10, [5, 20], 4, 0.5, cancel=lambda: True)
    assert r.cancelled and r.trials_done == 0
    assert np.all(np.isnan(r.test_mean)) and r.test_trials.shape == (0, 2)


def test_same_seed_same_numbers() -> None:
    for features in FEATURE_FAMILIES:
        data = data_for(features)
        a = sweep(15, [3, 15, 40], 3, 0.5, features=features, seed=11, data=data)
        b = sweep(15, [3, 15, 40], 3, 0.5, features=features, seed=11, data=data)
        c = sweep(15, [3, 15, 40], 3, 0.5, features=features, seed=12, data=data)
        np.testing.assert_array_equal(a.test_trials, b.test_trials)
        np.testing.assert_array_equal(a.norm_trials, b.norm_trials)
        assert not np.array_equal(a.test_trials, c.test_trials)
        # More trials repeat the first ones.
        d = sweep(15, [3, 15, 40], 5, 0.5, features=features, seed=11, data=data)
        np.testing.assert_array_equal(d.test_trials[:3], a.test_trials)


def test_result_fields_and_read_only() -> None:
    r = sweep(10, (2, 10, 25), 2, 0.1, features="fourier")
    np.testing.assert_array_equal(r.p, [2, 10, 25])
    assert r.n == 10 and r.trials_done == 2 and not r.cancelled
    np.testing.assert_allclose(r.gamma, [0.2, 1.0, 2.5])
    for name in (
        "p",
        "test_mean",
        "test_std",
        "train_mean",
        "train_std",
        "norm_mean",
        "norm_std",
        "test_trials",
    ):
        with pytest.raises(ValueError):
            getattr(r, name)[0] = 1.0


def test_default_gui_sweep() -> None:
    params = default_sweep_params()
    assert (params.n, params.widths, params.trials) == (40, tuple(range(1, 201)), 20)
    first = run_sweep(dataclasses.replace(params, trials=1))
    assert first.test_mean.shape == (200,) and np.all(np.isfinite(first.test_mean))
    assert int(first.p[np.argmax(first.test_mean)]) in range(35, 46)  # the peak at p ≈ n


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------

GOOD = {"n": 10, "widths": (1, 5), "trials": 2, "sigma": 0.1}


@pytest.mark.parametrize(
    "field, value",
    [
        ("n", 0),
        ("n", -3),
        ("n", 2.5),
        ("n", True),
        ("n", 10**9),
        ("widths", ()),
        ("widths", (0, 3)),
        ("widths", (3, 1)),
        ("widths", (2, 2)),
        ("widths", (1.5, 3)),
        ("widths", "abc"),
        ("widths", [[1, 2]]),
        ("widths", (1, 10**9)),
        ("trials", 0),
        ("trials", 1.0),
        ("sigma", -0.1),
        ("sigma", math.nan),
        ("sigma", math.inf),
        ("sigma", "0.1"),
        ("ridge", -1e-3),
        ("ridge", math.inf),
        ("features", "gaussian"),
        ("features", None),
        ("signal", -1.0),
        ("seed", -1),
        ("seed", 1.5),
        ("input_dim", 0),
        ("n_test", 0),
        ("widths", tuple(range(1, 10_001))),  # p_max × widths: 1e8 entries
        ("n_test", 10_000),  # with widths (1, 10_000): n_test × p_max = 1e8
    ],
)
def test_sweep_params_reject_bad_values_naming_the_field(field: str, value) -> None:
    good = {**GOOD, "features": "relu"}
    if field == "n_test":
        good["widths"] = (1, 10_000)
    with pytest.raises(ValueError, match=field):
        SweepParams(**{**good, field: value})
    with pytest.raises(ValueError, match=field):
        sweep(**{**good, field: value})


def test_sweep_params_normalise_and_are_frozen() -> None:
    params = SweepParams(n=np.int64(10), widths=np.array([1, 4, 9]), trials=2, sigma=1)
    assert params.widths == (1, 4, 9) and isinstance(params.widths, tuple)
    assert isinstance(params.n, int) and isinstance(params.sigma, float)
    assert params.p_max == 9
    with pytest.raises(AttributeError):
        params.n = 3  # type: ignore[misc]


def test_bad_callbacks_and_trial_index() -> None:
    with pytest.raises(ValueError, match="progress"):
        sweep(**GOOD, progress=3)
    with pytest.raises(ValueError, match="cancel"):
        sweep(**GOOD, cancel="no")
    with pytest.raises(ValueError, match="trial"):
        draw_trial(SweepParams(**GOOD), 2)
    with pytest.raises(ValueError, match="params"):
        run_sweep({"n": 3})


def test_sweep_result_validates_shapes() -> None:
    params = SweepParams(**GOOD)
    ok = np.zeros((2, 2))
    with pytest.raises(ValueError, match="test_trials"):
        SweepResult(params, np.zeros((2, 3)), ok, ok)
    with pytest.raises(ValueError, match="trials_done"):
        SweepResult(params, np.zeros((1, 2)), np.zeros((1, 2)), np.zeros((1, 2)))
    partial = SweepResult(
        params, np.zeros((1, 2)), np.zeros((1, 2)), np.zeros((1, 2)), cancelled=True
    )
    assert partial.trials_done == 1


# --------------------------------------------------------------------------------------------
# the 1-D function view
# --------------------------------------------------------------------------------------------


def test_fit_function_shapes_and_consistency_with_the_sweep() -> None:
    n, p = 20, 35
    fit = fit_function(n, p, 0.2, seed=3, grid=101)
    assert isinstance(fit, FunctionFit)
    assert fit.x_train.shape == fit.y_train.shape == (n,)
    assert fit.x_grid.shape == fit.f_true.shape == fit.f_hat.shape == (101,)
    assert fit.n == n and fit.p == p
    np.testing.assert_allclose(fit.x_grid, np.linspace(-1, 1, 101))
    assert np.all(np.diff(fit.x_train) > 0) and np.all(np.abs(fit.x_train) <= 1)
    # Trial 0 of the Fourier sweep with the same n, σ and seed, at width p.
    params = SweepParams(n=n, widths=(p, 2 * p), trials=1, sigma=0.2, features="fourier", seed=3)
    d = draw_trial(params, 0)
    np.testing.assert_allclose(d.Y[:, 0], fit.y_train, rtol=1e-15)
    np.testing.assert_allclose(fit.beta, lstsq(d.Phi[:, :p], d.Y[:, 0]), rtol=1e-9)
    assert fit.train_error < 1e-20  # p > n interpolates
    # The training data do not depend on p.
    other = fit_function(n, 3, 0.2, seed=3)
    np.testing.assert_array_equal(other.x_train, fit.x_train)
    np.testing.assert_array_equal(other.y_train, fit.y_train)


def test_fit_function_wild_at_the_threshold_smooth_far_past_it() -> None:
    n, sigma = 40, 0.2
    wild, tame = [], []
    for seed in range(5):
        at = fit_function(n, n, sigma, seed=seed)
        far = fit_function(n, 50 * n, sigma, seed=seed)
        ridge = fit_function(n, n, sigma, ridge=0.05, seed=seed)
        assert at.train_error < 1e-16 and far.train_error < 1e-16  # both interpolate
        wild.append(at.grid_error)
        tame.append(far.grid_error)
        # Total variation of the fitted curve: far past n it wiggles only through the noise.
        assert np.abs(np.diff(far.f_hat)).sum() < 12 * np.abs(np.diff(far.f_true)).sum()
        assert ridge.grid_error < 0.1
    assert np.median(wild) > 100 * np.median(tame)
    assert np.median(tame) < 0.1


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"n": 0}, "n"),
        ({"p": 0}, "p"),
        ({"sigma": -1}, "sigma"),
        ({"ridge": -1}, "ridge"),
        ({"seed": -2}, "seed"),
        ({"grid": 1}, "grid"),
        ({"grid": 10**6, "p": 10**4}, "grid"),
    ],
)
def test_fit_function_rejects_bad_values(kwargs, field) -> None:
    with pytest.raises(ValueError, match=field):
        fit_function(**{"n": 10, "p": 5, "sigma": 0.1, **kwargs})


# --------------------------------------------------------------------------------------------
# widths_for: the model sizes of a sweep
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "ratio"), [(1, 1.5), (2, 0.2), (40, 5.0), (400, 20.0), (7, 3.3)])
def test_widths_for_runs_from_1_to_ratio_n_densely_around_n(n, ratio) -> None:
    widths = widths_for(n, ratio)
    top = max(2, round(ratio * n))
    assert widths[0] == 1 and widths[-1] == top
    assert all(a < b for a, b in zip(widths, widths[1:], strict=False))  # ascending, unique
    assert set(range(max(1, n - 3), min(top, n + 3) + 1)) <= set(widths)  # the peak region
    assert len(widths) <= MAX_WIDTHS + 7
    # geometric elsewhere: consecutive sizes at most the ratio q of MAX_WIDTHS points from 1 to
    # top apart, up to the rounding of each end by ½
    q = top ** (1 / (MAX_WIDTHS - 1))
    assert all(b <= q * (a + 0.5) + 0.5 for a, b in zip(widths, widths[1:], strict=False))
    assert SweepParams(n=n, widths=widths, trials=1, sigma=0.1).widths == widths


def test_widths_for_small_problems_take_every_size() -> None:
    assert widths_for(10, 2.0) == tuple(range(1, 21))  # 160 geometric points, 20 sizes


@pytest.mark.parametrize(
    ("n", "ratio", "field"),
    [
        (0, 2.0, "n"),
        (1.5, 2.0, "n"),
        (10, 0.0, "ratio"),
        (10, math.nan, "ratio"),
        (10, 1e4, "ratio"),
    ],
)
def test_widths_for_rejects_bad_values(n, ratio, field) -> None:
    with pytest.raises(ValueError, match=field):
        widths_for(n, ratio)


# --------------------------------------------------------------------------------------------
# real data: the handwritten digits
# --------------------------------------------------------------------------------------------


def test_the_shipped_digits_are_the_uci_test_part() -> None:
    assert DIGITS.images.shape == (1797, DIGIT_PIXELS) and len(DIGITS) == 1797
    counts = np.bincount(DIGITS.labels)  # UCI's class counts of its test part
    assert counts.tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert DIGITS.images.min() == 0 and DIGITS.images.max() == 16
    assert np.all(DIGITS.images == np.round(DIGITS.images))
    assert DIGITS.images[0].reshape(8, 8)[0].tolist() == [0, 0, 5, 13, 9, 1, 0, 0]


def test_digit_features_are_random_relus_of_the_centred_pixels() -> None:
    params = SweepParams(
        n=300, widths=(400,), trials=1, sigma=0.0, features="digits", seed=2, data=DIGITS
    )
    d = draw_trial(params, 0)
    assert d.Phi.shape == (300, 400) and d.Phi_test.shape == (1497, 400)
    assert set(np.unique(d.f_test)) == {-1.0, 1.0} and np.all(d.Y == d.Y[:, :1])
    # the 1797 targets split into these 300 and the 1497 tested: 906 odd digits in all
    assert np.sum(d.Y[:, 0] > 0) + np.sum(d.f_test > 0) == 906
    x = DIGITS.images / 16.0
    x -= x.mean(axis=0)
    # w·x ~ N(0, ‖x‖²) for w ~ N(0, I): half the features are 0, E φ² = E‖x‖² / (2·64)
    expected = np.mean(np.sum(x**2, axis=1)) / (2 * 64)
    phi = np.vstack([d.Phi, d.Phi_test])
    assert np.mean(phi == 0.0) == pytest.approx(0.5, abs=0.02)
    assert np.mean(phi**2) == pytest.approx(expected, rel=0.05)


def test_the_digits_show_the_double_descent_peak_at_p_equal_n() -> None:
    n = 60
    result = run_sweep(
        SweepParams(
            n=n, widths=widths_for(n, 5.0), trials=6, sigma=0.0, features="digits", data=DIGITS
        )
    )
    peak = int(result.p[np.argmax(result.test_mean)])
    assert abs(peak - n) <= 3
    at_n = result.test_mean[list(result.p).index(n)]
    assert at_n > 5 * result.test_mean[0] and at_n > 5 * result.test_mean[-1]
    assert result.test_mean[-1] < 1.0  # far past n: better than predicting 0 (error 1)
    beyond = result.p >= n
    np.testing.assert_allclose(result.train_mean[beyond], 0.0, atol=1e-12)  # interpolates


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"features": "digits"}, "data"),
        ({"features": "relu", "data": DIGITS}, "data"),
        ({"features": "digits", "data": DIGITS, "n": 1797}, "n"),
    ],
)
def test_digits_params_are_checked(kwargs, field) -> None:
    base = {"n": 5, "widths": (1, 4), "trials": 1, "sigma": 0.1, **kwargs}
    with pytest.raises(ValueError, match=field):
        SweepParams(**base)


def test_a_damaged_digits_file_is_refused(tmp_path) -> None:
    import gzip

    (tmp_path / "plain.csv.gz").write_bytes(b"0,1,2\n")
    with gzip.open(tmp_path / "short.csv.gz", "wt") as handle:
        handle.write("0,1,2\n")
    with gzip.open(tmp_path / "label.csv.gz", "wt") as handle:
        handle.write(",".join(["0"] * 64 + ["12"]) + "\n")
    with gzip.open(tmp_path / "pixel.csv.gz", "wt") as handle:
        handle.write(",".join(["17"] * 64 + ["1"]) + "\n")
    for name, message in [
        ("plain", "not a readable gzip file"),
        ("short", "expected rows of 64 pixels and a label"),
        ("label", "labels must be whole numbers 0–9"),
        ("pixel", r"pixel values must be in \[0, 16\]"),
    ]:
        with pytest.raises(ValueError, match=message):
            load_digits(tmp_path / f"{name}.csv.gz")
