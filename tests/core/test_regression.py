"""Tests for core.regression (notes §3–§4) against closed forms and published values.

References are computed independently of the code under test: the textbook formulas written
out with ``np.linalg.inv`` / ``np.linalg.pinv`` (eq. 4.14; Bishop PRML eqs. 3.53–3.54,
3.58–3.59), the weighted straight-line formulas (Numerical Recipes §15.2),
``scipy.stats.multivariate_normal`` for the evidence and the 2-D densities, Monte Carlo, and the
certified values of the NIST Statistical Reference Datasets for linear least squares
(Norris, NoInt1, NoInt2, Wampler1).
"""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from scipy import stats

from core.regression import (
    GeneratorParams,
    Posterior,
    UnderdeterminedError,
    best_precision,
    covariance_ellipses,
    evidence_vs_degree,
    evidence_vs_precision,
    evidence_vs_size,
    features,
    gaussian_centers,
    gaussian_features,
    gaussian_grid,
    generate,
    likelihood_grid,
    likelihood_slice,
    log_evidence,
    map_estimate,
    marginal,
    mle,
    mle_covariance,
    noise_sigma,
    polynomial_features,
    posterior,
    predictive,
    predictive_bands,
    prior,
    ridge,
    sample_functions,
    sample_weights,
    spectrum,
    true_function,
    true_weights,
    update,
)

# --------------------------------------------------------------------------------------------
# helpers: textbook formulas written out with explicit inverses
# --------------------------------------------------------------------------------------------


def textbook_posterior(Phi, y, sigma, lam):
    """Σ = (λI + ΦᵀWΦ)⁻¹, μ = ΣΦᵀW y with W = diag(1/σ²) (Bishop eqs. 3.53–3.54)."""
    Phi = np.asarray(Phi, float)
    W = np.diag(np.broadcast_to(1.0 / np.asarray(sigma, float) ** 2, (Phi.shape[0],)))
    cov = np.linalg.inv(lam * np.eye(Phi.shape[1]) + Phi.T @ W @ Phi)
    return cov @ Phi.T @ W @ y, cov


def evidence_scipy(Phi, y, sigma, lam):
    """log N(y | 0, diag(σ²) + ΦΦᵀ/λ) by scipy on the full N×N covariance."""
    n = Phi.shape[0]
    C = np.diag(np.broadcast_to(np.asarray(sigma, float) ** 2, (n,))) + Phi @ Phi.T / lam
    return stats.multivariate_normal(mean=np.zeros(n), cov=C).logpdf(y)


def evidence_extended(Phi, y, sigma, lam):
    """The same on the N×N covariance in extended precision (np.longdouble, a Cholesky
    factor written out): a reference to ~1e-15 where scipy's float64 one holds ~1e-10."""
    P = np.asarray(Phi, np.longdouble)
    n = P.shape[0]
    variances = np.broadcast_to(np.asarray(sigma, np.longdouble) ** 2, (n,))
    C = np.diag(variances) + P @ P.T / np.longdouble(lam)
    L = np.zeros_like(C)
    for j in range(n):
        L[j, j] = np.sqrt(C[j, j] - L[j, :j] @ L[j, :j])
        L[j + 1 :, j] = (C[j + 1 :, j] - L[j + 1 :, :j] @ L[j, :j]) / L[j, j]
    z = np.zeros(n, np.longdouble)
    for i in range(n):
        z[i] = (np.longdouble(y[i]) - L[i, :i] @ z[:i]) / L[i, i]
    log_2pi = np.log(2 * np.longdouble(np.pi))
    return float(-0.5 * (n * log_2pi + 2 * np.sum(np.log(np.diag(L))) + z @ z))


def toy(n, degree, seed, hetero=True):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, n)
    sigma = rng.uniform(0.1, 0.4, n) if hetero else 0.2
    y = np.sin(2.5 * x) + 0.3 * x + sigma * rng.standard_normal(n)
    return x, polynomial_features(x, degree), y, sigma


# --------------------------------------------------------------------------------------------
# features
# --------------------------------------------------------------------------------------------


def test_polynomial_features_are_powers() -> None:
    x = np.array([-1.5, 0.0, 0.5, 2.0])
    Phi = polynomial_features(x, 3)
    expected = np.column_stack([np.ones(4), x, x * x, x * x * x])
    np.testing.assert_array_equal(Phi, expected)
    assert polynomial_features(x, 0).shape == (4, 1)
    assert polynomial_features(0.5, 12).shape == (1, 13)


def test_gaussian_features_formula() -> None:
    x = np.array([-1.0, 0.1, 0.7])
    centers = np.array([-0.5, 0.5])
    Phi = gaussian_features(x, centers, 0.3)
    assert Phi.shape == (3, 3)
    np.testing.assert_array_equal(Phi[:, 0], 1.0)
    for k, c in enumerate(centers):
        np.testing.assert_allclose(
            Phi[:, k + 1], np.exp(-((x - c) ** 2) / (2 * 0.3**2)), rtol=1e-15
        )
    assert gaussian_features(x, [], 1.0).shape == (3, 1)


def test_features_dispatch() -> None:
    x = np.linspace(0.0, 2.0, 7)
    np.testing.assert_array_equal(features(x, "polynomial", 4), polynomial_features(x, 4))
    Phi = features(x, "gaussian", 5, x_range=(0.0, 2.0))  # centres 0, .5, 1, 1.5, 2; width .5
    expected = np.column_stack(
        [np.ones(7)] + [np.exp(-((x - c) ** 2) / (2 * 0.5**2)) for c in (0, 0.5, 1, 1.5, 2)]
    )
    np.testing.assert_allclose(Phi, expected, rtol=1e-14)
    centers, width = gaussian_centers(5, (0.0, 2.0))
    np.testing.assert_allclose(centers, [0.0, 0.5, 1.0, 1.5, 2.0])
    assert width == 0.5
    wide = features(x, "gaussian", 5, width=2.0, x_range=(0.0, 2.0))
    np.testing.assert_allclose(wide[:, 3], np.exp(-((x - 1.0) ** 2) / 8.0), rtol=1e-14)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: polynomial_features([0.0, 1.0], 13), "degree"),
        (lambda: polynomial_features([0.0, 1.0], -1), "degree"),
        (lambda: polynomial_features([0.0, 1.0], 2.0), "degree"),
        (lambda: polynomial_features([0.0, 1.0], True), "degree"),
        (lambda: polynomial_features([0.0, np.nan], 2), "x"),
        (lambda: polynomial_features([[0.0, 1.0]], 2), "x"),
        (lambda: gaussian_features([0.0], [0.0], 0.0), "width"),
        (lambda: gaussian_features([0.0], [0.0], -1.0), "width"),
        (lambda: gaussian_features([0.0], [np.inf], 1.0), "centers"),
        (lambda: features([0.0], "fourier", 3), "basis"),
        (lambda: features([0.0], "gaussian", 51), "size"),
        (lambda: features([0.0], "gaussian", 3, x_range=(1.0, 1.0)), "x_range"),
        (lambda: features([0.0], "gaussian", 3, x_range=(0.0, math.inf)), "x_range"),
    ],
)
def test_feature_validation_names_the_argument(call, name) -> None:
    with pytest.raises(ValueError, match=name):
        call()


# --------------------------------------------------------------------------------------------
# maximum likelihood (eq. 4.14)
# --------------------------------------------------------------------------------------------


def test_mle_equals_weighted_least_squares_formula() -> None:
    """β̂ = (ΦᵀWΦ)⁻¹ΦᵀW y with W = diag(1/σᵢ²), written out (eq. 4.14)."""
    _, Phi, y, sigma = toy(40, 3, seed=1)
    W = np.diag(1.0 / sigma**2)
    expected = np.linalg.inv(Phi.T @ W @ Phi) @ Phi.T @ W @ y
    np.testing.assert_allclose(mle(Phi, y, sigma), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(
        mle_covariance(Phi, sigma), np.linalg.inv(Phi.T @ W @ Phi), rtol=1e-10
    )
    # A common scalar σ does not change β̂.
    np.testing.assert_allclose(mle(Phi, y, 0.3), mle(Phi, y, 7.0), rtol=1e-12)


def test_mle_straight_line_closed_form() -> None:
    """Weighted straight line (Numerical Recipes §15.2): with S = Σw, Sx = Σwx, …,
    Δ = S·Sxx − Sx², b = (S·Sxy − Sx·Sy)/Δ, a = (Sxx·Sy − Sx·Sxy)/Δ,
    var a = Sxx/Δ, var b = S/Δ."""
    rng = np.random.default_rng(7)
    x = rng.uniform(-2, 3, 25)
    sigma = rng.uniform(0.2, 1.0, 25)
    y = 1.25 - 0.75 * x + sigma * rng.standard_normal(25)
    w = 1.0 / sigma**2
    S, Sx, Sy = w.sum(), (w * x).sum(), (w * y).sum()
    Sxx, Sxy = (w * x * x).sum(), (w * x * y).sum()
    delta = S * Sxx - Sx**2
    intercept, slope = (Sxx * Sy - Sx * Sxy) / delta, (S * Sxy - Sx * Sy) / delta
    Phi = polynomial_features(x, 1)
    np.testing.assert_allclose(mle(Phi, y, sigma), [intercept, slope], rtol=1e-12)
    cov = mle_covariance(Phi, sigma)
    np.testing.assert_allclose(np.diag(cov), [Sxx / delta, S / delta], rtol=1e-12)
    np.testing.assert_allclose(cov[0, 1], -Sx / delta, rtol=1e-12)
    # Unweighted: slope = Sxy/Sxx about the means, intercept = ȳ − slope·x̄.
    xc, yc = x - x.mean(), y - y.mean()
    b = (xc @ yc) / (xc @ xc)
    np.testing.assert_allclose(mle(Phi, y, 1.0), [y.mean() - b * x.mean(), b], rtol=1e-12)


# NIST/ITL StRD, Norris (Norris, J., NIST, "Calibration of Ozone Monitors"), 36 observations.
# https://www.itl.nist.gov/div898/strd/lls/data/LINKS/DATA/Norris.dat
NORRIS_Y = [
    0.1,
    338.8,
    118.1,
    888.0,
    9.2,
    228.1,
    668.5,
    998.5,
    449.1,
    778.9,
    559.2,
    0.3,
    0.1,
    778.1,
    668.8,
    339.3,
    448.9,
    10.8,
    557.7,
    228.3,
    998.0,
    888.8,
    119.6,
    0.3,
    0.6,
    557.6,
    339.3,
    888.0,
    998.5,
    778.9,
    10.2,
    117.6,
    228.9,
    668.4,
    449.2,
    0.2,
]
NORRIS_X = [
    0.2,
    337.4,
    118.2,
    884.6,
    10.1,
    226.5,
    666.3,
    996.3,
    448.6,
    777.0,
    558.2,
    0.4,
    0.6,
    775.5,
    666.9,
    338.0,
    447.5,
    11.6,
    556.0,
    228.1,
    995.8,
    887.6,
    120.2,
    0.3,
    0.3,
    556.8,
    339.1,
    887.2,
    999.0,
    779.0,
    11.1,
    118.3,
    229.2,
    669.1,
    448.9,
    0.5,
]


def test_nist_norris_certified_values() -> None:
    """Published worked example: NIST StRD "Norris" (linear, lower difficulty).

    Source: NIST Statistical Reference Datasets, Linear Least Squares Regression, Norris.dat,
    https://www.itl.nist.gov/div898/strd/lls/data/LINKS/DATA/Norris.dat — certified values
    (printed to 15 significant digits):

        B0 = -0.262323073774029   (standard deviation 0.232818234301152)
        B1 =  1.00211681802045    (standard deviation 0.429796848199937E-03)
        residual standard deviation 0.884796396144373, R² = 0.999993745883712,
        residual sum of squares 26.6173985294224 (34 degrees of freedom).

    We reproduce the estimates to 14 significant digits and the rest to ≥ 13.
    """
    x, y = np.array(NORRIS_X), np.array(NORRIS_Y)
    Phi = polynomial_features(x, 1)
    beta = mle(Phi, y, 1.0)
    assert beta[0] == pytest.approx(-0.262323073774029, rel=5e-14)
    assert beta[1] == pytest.approx(1.00211681802045, rel=5e-14)
    resid = y - Phi @ beta
    rss = float(resid @ resid)
    assert rss == pytest.approx(26.6173985294224, rel=1e-13)
    s = math.sqrt(rss / (36 - 2))
    assert s == pytest.approx(0.884796396144373, rel=1e-13)
    r2 = 1.0 - rss / float(((y - y.mean()) ** 2).sum())
    assert r2 == pytest.approx(0.999993745883712, rel=1e-14)
    se = np.sqrt(np.diag(mle_covariance(Phi, s)))
    np.testing.assert_allclose(se, [0.232818234301152, 0.429796848199937e-03], rtol=1e-13)
    # Bayes with an almost flat prior and σ = s: credible widths = frequentist standard errors.
    post = posterior(Phi, y, s, 1e-10)
    np.testing.assert_allclose(post.mean, [-0.262323073774029, 1.00211681802045], rtol=1e-11)
    np.testing.assert_allclose(post.std, [0.232818234301152, 0.429796848199937e-03], rtol=1e-10)


def test_nist_noint_certified_values() -> None:
    """NIST StRD NoInt1 / NoInt2 (model y = B1·x, no intercept), certified values.

    https://www.itl.nist.gov/div898/strd/lls/data/LINKS/DATA/NoInt1.dat and NoInt2.dat:
    NoInt1: B1 = 2.07438016528926 (sd 0.165289256198347E-01), RSS 127.272727272727, 10 df.
    NoInt2: B1 = 0.727272727272727 (sd 0.420827318078432E-01), RSS 0.272727272727273, 2 df.
    """
    for x, y, b1, sd, rss_ref, dof in [
        (
            np.arange(60.0, 71.0),
            np.arange(130.0, 141.0),
            2.07438016528926,
            0.165289256198347e-01,
            127.272727272727,
            10,
        ),
        (
            np.array([4.0, 5.0, 6.0]),
            np.array([3.0, 4.0, 4.0]),
            0.727272727272727,
            0.420827318078432e-01,
            0.272727272727273,
            2,
        ),
    ]:
        Phi = x[:, None]
        beta = mle(Phi, y, 1.0)
        assert beta[0] == pytest.approx(b1, rel=1e-14)
        rss = float(((y - Phi @ beta) ** 2).sum())
        assert rss == pytest.approx(rss_ref, rel=1e-13)
        se = math.sqrt(mle_covariance(Phi, math.sqrt(rss / dof))[0, 0])
        assert se == pytest.approx(sd, rel=1e-13)


def test_nist_wampler1_quintic() -> None:
    """NIST StRD Wampler1: y = 1 + x + x² + x³ + x⁴ + x⁵ at x = 0, 1, …, 20 (exact integers);
    certified B0 … B5 = 1 with standard deviations 0 (residuals exactly zero).
    https://www.itl.nist.gov/div898/strd/lls/data/LINKS/DATA/Wampler1.dat"""
    x = np.arange(21.0)
    y = sum(x**k for k in range(6))
    assert y[-1] == 3368421.0  # the data file's last response
    np.testing.assert_allclose(mle(polynomial_features(x, 5), y, 1.0), np.ones(6), rtol=1e-8)


def test_underdetermined_mle_raises_with_reason() -> None:
    x = np.array([-0.3, 0.4])
    with pytest.raises(UnderdeterminedError, match="2 points for 13 weights"):
        mle(polynomial_features(x, 12), [1.0, 2.0], 0.1)
    assert issubclass(UnderdeterminedError, ValueError)
    with pytest.raises(UnderdeterminedError, match="0 points for 2 weights"):
        mle(np.zeros((0, 2)), np.zeros(0), 1.0)
    # Ten points on only three distinct x values cannot fix a cubic.
    xd = np.repeat([-0.5, 0.0, 0.5], [4, 3, 3])
    with pytest.raises(UnderdeterminedError, match="rank 3 < 4"):
        mle(polynomial_features(xd, 3), np.arange(10.0), 0.2)
    with pytest.raises(UnderdeterminedError, match="rank"):
        mle_covariance(polynomial_features(xd, 3), 0.2)
    # A bump far from every point is a zero column.
    with pytest.raises(UnderdeterminedError, match="column 1"):
        mle(gaussian_features(np.linspace(-1, 1, 5), [100.0], 0.1), np.zeros(5), 1.0)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"sigma": 0.0}, "sigma"),
        ({"sigma": -1.0}, "sigma"),
        ({"sigma": [1.0, 2.0]}, "sigma"),
        ({"sigma": np.nan}, "sigma"),
        ({"y": [1.0, 2.0]}, "y"),
        ({"Phi": [1.0, 2.0, 3.0]}, "Phi"),
        ({"Phi": [[1.0, np.inf]] * 3}, "Phi"),
        ({"Phi": [["a", "b"]] * 3}, "Phi"),
    ],
)
def test_mle_validation_names_the_argument(kwargs, name) -> None:
    args = {"Phi": [[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], "y": [0.0, 1.0, 2.0], "sigma": 1.0}
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        mle(**args)


# --------------------------------------------------------------------------------------------
# ridge / MAP (eqs. 3.12–3.13)
# --------------------------------------------------------------------------------------------


def test_ridge_closed_form_and_limits() -> None:
    _, Phi, y, _ = toy(30, 5, seed=2, hetero=False)
    for lam in (1e-3, 0.5, 40.0):
        expected = np.linalg.inv(Phi.T @ Phi + lam * np.eye(6)) @ Phi.T @ y
        np.testing.assert_allclose(ridge(Phi, y, lam), expected, rtol=1e-10)
    # lam = 0: least squares; continuous as lam → 0.
    lstsq = np.linalg.lstsq(Phi, y, rcond=None)[0]
    np.testing.assert_allclose(ridge(Phi, y, 0.0), lstsq, rtol=1e-10)
    np.testing.assert_allclose(ridge(Phi, y, 1e-13), lstsq, rtol=1e-8)
    # Underdetermined: the minimum-norm solution pinv(Φ) y.
    x_few = np.array([-0.8, 0.1, 0.6])
    P_few = polynomial_features(x_few, 9)
    y_few = np.array([0.3, -1.0, 0.5])
    np.testing.assert_allclose(
        ridge(P_few, y_few, 0.0), np.linalg.pinv(P_few) @ y_few, rtol=1e-9, atol=1e-12
    )
    np.testing.assert_array_equal(ridge(np.zeros((0, 3)), np.zeros(0), 1.0), np.zeros(3))
    with pytest.raises(ValueError, match="lam"):
        ridge(Phi, y, -1.0)


def test_map_equals_posterior_mean_equals_ridge() -> None:
    """Corrected eq. 3.13: MAP with noise σ and prior N(0, λ⁻¹I) is ridge with lam = λσ²."""
    _, Phi, y, _ = toy(25, 4, seed=3, hetero=False)
    sigma, lam = 0.2, 3.0
    post = posterior(Phi, y, sigma, lam)
    np.testing.assert_allclose(post.mean, ridge(Phi, y, lam * sigma**2), rtol=1e-10)
    # Heteroscedastic MAP: the gradient of the log posterior vanishes at the mean.
    _, Phi, y, s = toy(25, 4, seed=4)
    mu = posterior(Phi, y, s, lam).mean
    np.testing.assert_allclose(map_estimate(Phi, y, s, lam), mu, rtol=1e-12)
    grad = Phi.T @ ((y - Phi @ mu) / s**2) - lam * mu
    np.testing.assert_allclose(grad, 0.0, atol=1e-9 * np.abs(Phi.T @ (y / s**2)).max())


# --------------------------------------------------------------------------------------------
# posterior, sequential updating, predictive
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lam", [1e-3, 2.0, 50.0])
def test_posterior_matches_textbook_formulas(lam) -> None:
    _, Phi, y, sigma = toy(20, 3, seed=5)
    mu_ref, cov_ref = textbook_posterior(Phi, y, sigma, lam)
    post = posterior(Phi, y, sigma, lam)
    np.testing.assert_allclose(post.mean, mu_ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(post.cov, cov_ref, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(post.precision, np.linalg.inv(cov_ref), rtol=1e-10)
    R = post.root
    np.testing.assert_array_equal(R, np.triu(R))
    assert np.all(np.diag(R) > 0)
    np.testing.assert_allclose(R.T @ R, post.precision, rtol=1e-10)
    assert not post.mean.flags.writeable and not post.cov.flags.writeable


def test_no_data_gives_the_prior() -> None:
    post = posterior(np.zeros((0, 4)), np.zeros(0), 0.3, 2.5)
    np.testing.assert_array_equal(post.mean, np.zeros(4))
    np.testing.assert_allclose(post.cov, np.eye(4) / 2.5, rtol=1e-15)
    p = prior(4, 2.5)
    np.testing.assert_allclose(p.cov, np.eye(4) / 2.5, rtol=1e-15)
    np.testing.assert_allclose(p.precision, 2.5 * np.eye(4), rtol=1e-15)
    np.testing.assert_array_equal(p.mean, np.zeros(4))
    for bad in (0.0, -1.0, math.inf):
        with pytest.raises(ValueError, match="prior_precision"):
            prior(3, bad)
    with pytest.raises(ValueError, match="n_weights"):
        prior(0, 1.0)


@pytest.mark.parametrize("lam", [1e-3, 2.0])
def test_sequential_updates_equal_batch_in_any_order(lam) -> None:
    _, Phi, y, sigma = toy(30, 4, seed=6)
    batch = posterior(Phi, y, sigma, lam)
    rng = np.random.default_rng(0)
    for _ in range(3):
        post = prior(5, lam)
        for k in rng.permutation(30):
            post = update(post, Phi[k], y[k], sigma[k])
        scale_mu = np.abs(batch.mean).max()
        np.testing.assert_allclose(post.mean, batch.mean, rtol=0, atol=1e-10 * scale_mu)
        np.testing.assert_allclose(
            post.cov, batch.cov, rtol=0, atol=1e-10 * np.abs(batch.cov).max()
        )
        np.testing.assert_allclose(post.precision, batch.precision, rtol=1e-10)


def test_update_of_one_point_matches_rank_one_formula() -> None:
    """Kalman form: k = Σφ/(σ² + φᵀΣφ), μ' = μ + k(y − φᵀμ), Σ' = Σ − k φᵀΣ."""
    post = Posterior(mean=np.array([0.2, -0.1]), cov=np.array([[0.5, 0.1], [0.1, 0.3]]))
    phi, yv, s = np.array([1.0, 0.7]), 0.4, 0.25
    S = post.cov
    k = S @ phi / (s**2 + phi @ S @ phi)
    new = update(post, phi, yv, s)
    np.testing.assert_allclose(new.mean, post.mean + k * (yv - phi @ post.mean), rtol=1e-13)
    np.testing.assert_allclose(new.cov, S - np.outer(k, phi @ S), rtol=1e-13)
    with pytest.raises(ValueError, match="phi"):
        update(post, [1.0, 2.0, 3.0], 0.0, 1.0)
    with pytest.raises(ValueError, match="sigma"):
        update(post, phi, 0.0, 0.0)


def test_posterior_constructor_derives_precision_and_root() -> None:
    cov = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 0.5]])
    post = Posterior(mean=np.zeros(3), cov=cov)
    np.testing.assert_allclose(post.precision, np.linalg.inv(cov), rtol=1e-12)
    np.testing.assert_allclose(post.root.T @ post.root, np.linalg.inv(cov), rtol=1e-12)
    with pytest.raises(ValueError, match="cov"):
        Posterior(mean=np.zeros(2), cov=np.array([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ValueError, match="cov"):
        Posterior(mean=np.zeros(2), cov=np.eye(3))


def test_posterior_robust_for_tiny_precision_and_duplicated_x() -> None:
    """λ = 1e-12 with only two distinct x values for a quintic: ΦᵀΦ has rank 2 of 6."""
    x = np.repeat([-0.5, 0.5], 10)
    Phi = polynomial_features(x, 5)
    y = np.where(x < 0, 0.2, -0.4) + 0.05 * np.random.default_rng(8).standard_normal(20)
    sigma = 0.5
    post = posterior(Phi, y, sigma, 1e-12)
    assert np.all(np.isfinite(post.mean)) and np.all(np.isfinite(post.cov))
    np.testing.assert_array_equal(post.cov, post.cov.T)
    assert np.linalg.eigvalsh(post.cov).min() > 0
    np.linalg.cholesky(post.cov)  # positive definite
    assert np.all(np.diag(post.root) > 0)
    # λ → 0 with scalar σ: the mean tends to the minimum-norm least-squares fit pinv(Φ) y.
    np.testing.assert_allclose(post.mean, np.linalg.pinv(Phi) @ y, atol=1e-8)
    # The unseen directions keep the prior variance 1/λ.
    assert np.linalg.eigvalsh(post.cov).max() == pytest.approx(1e12, rel=1e-9)
    # Predictions, sampling and a further update stay finite.
    m, v = predictive(post, polynomial_features(np.linspace(-1, 1, 9), 5), sigma)
    assert np.all(np.isfinite(m)) and np.all(v >= sigma**2)
    assert np.all(np.isfinite(sample_weights(post, 10, 0)))
    post2 = update(post, Phi[0], y[0], sigma)
    assert np.all(np.isfinite(post2.cov)) and np.all(np.diag(post2.root) > 0)
    # Sequential from the prior stays positive definite too.
    seq = prior(6, 1e-12)
    for k in range(20):
        seq = update(seq, Phi[k], y[k], sigma)
    assert np.linalg.eigvalsh(seq.cov).min() > 0
    np.testing.assert_allclose(seq.cov, post.cov, atol=1e-9 * 1e12)


def test_predictive_matches_direct_formula() -> None:
    _, Phi, y, sigma = toy(15, 3, seed=9)
    lam = 1.5
    mu_ref, cov_ref = textbook_posterior(Phi, y, sigma, lam)
    post = posterior(Phi, y, sigma, lam)
    Xs = polynomial_features(np.linspace(-1.2, 1.2, 11), 3)
    s_star = np.linspace(0.1, 0.3, 11)
    mean, var = predictive(post, Xs, s_star)
    np.testing.assert_allclose(mean, Xs @ mu_ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(
        var, s_star**2 + np.einsum("ij,jk,ik->i", Xs, cov_ref, Xs), rtol=1e-10
    )
    _, var0 = predictive(post, Xs, 0.0)  # epistemic part only
    np.testing.assert_allclose(var0, np.einsum("ij,jk,ik->i", Xs, cov_ref, Xs), rtol=1e-10)
    with pytest.raises(ValueError, match="Phi_star"):
        predictive(post, np.ones((3, 5)), 0.1)
    with pytest.raises(ValueError, match="sigma"):
        predictive(post, Xs, -0.1)


def test_sampling_reproducible_and_matches_predictive_by_monte_carlo() -> None:
    _, Phi, y, sigma = toy(12, 2, seed=10)
    post = posterior(Phi, y, sigma, 1.0)
    a = sample_weights(post, 5, seed=42)
    np.testing.assert_array_equal(a, sample_weights(post, 5, seed=42))
    assert not np.array_equal(a, sample_weights(post, 5, seed=43))
    assert a.shape == (5, 3) and sample_weights(post, 0, 1).shape == (0, 3)
    n = 200_000
    draws = sample_weights(post, n, seed=7)
    np.testing.assert_allclose(
        draws.mean(axis=0), post.mean, atol=5 * post.std.max() / math.sqrt(n)
    )
    np.testing.assert_allclose(
        np.cov(draws.T), post.cov, rtol=0.02, atol=0.02 * post.std.max() ** 2
    )
    Xs = polynomial_features(np.array([-1.0, 0.0, 0.9]), 2)
    f = draws @ Xs.T
    noise = 0.2
    mean, var = predictive(post, Xs, noise)
    assert np.all(np.abs(f.mean(axis=0) - mean) < 5 * np.sqrt(var / n))
    np.testing.assert_allclose(f.var(axis=0) + noise**2, var, rtol=0.02)
    with pytest.raises(ValueError, match="seed"):
        sample_weights(post, 3, -1)
    with pytest.raises(ValueError, match="n_samples"):
        sample_weights(post, -1, 0)


def test_predictive_bands_are_mean_plus_minus_k_standard_deviations() -> None:
    _, Phi, y, sigma = toy(15, 3, seed=11)
    post = posterior(Phi, y, sigma, 0.7)
    Xs = polynomial_features(np.linspace(-1.2, 1.2, 9), 3)
    mean, var = predictive(post, Xs, 0.25)
    centre, lower, upper = predictive_bands(post, Xs, 0.25, (1, 2, 0.5))
    np.testing.assert_array_equal(centre, mean)
    for row, k in enumerate((1, 2, 0.5)):
        np.testing.assert_allclose(lower[row], mean - k * np.sqrt(var), rtol=1e-15)
        np.testing.assert_allclose(upper[row], mean + k * np.sqrt(var), rtol=1e-15)
    # the prior (no data): sd² = σ² + ‖φ‖²/λ, written out
    _, low, high = predictive_bands(prior(2, 4.0), [[1.0, 2.0]], 0.5)
    sd = math.sqrt(0.25 + 5.0 / 4.0)
    np.testing.assert_allclose(low[:, 0], [-sd, -2 * sd])
    np.testing.assert_allclose(high[:, 0], [sd, 2 * sd])
    with pytest.raises(ValueError, match="multiples"):
        predictive_bands(post, Xs, 0.25, (1, -1))


def test_sample_functions_have_the_posterior_mean_and_covariance() -> None:
    """Monte Carlo: the curves at the test inputs scatter around Φ*μ with covariance Φ*ΣΦ*ᵀ
    (μ, Σ from the textbook formulas), within a few standard errors."""
    _, Phi, y, sigma = toy(10, 2, seed=12)
    post = posterior(Phi, y, sigma, 1.0)
    mu, cov = textbook_posterior(Phi, y, sigma, 1.0)
    Xs = polynomial_features(np.array([-1.1, -0.3, 0.4, 1.2]), 2)
    n = 100_000
    curves = sample_functions(post, Xs, n, seed=3)
    assert curves.shape == (n, 4)
    np.testing.assert_array_equal(curves, sample_weights(post, n, seed=3) @ Xs.T)
    C = Xs @ cov @ Xs.T
    sd = np.sqrt(np.diag(C))
    assert np.all(np.abs(curves.mean(axis=0) - Xs @ mu) < 5 * sd / math.sqrt(n))
    # the standard error of a sample covariance of Gaussians: √((C_ii C_jj + C_ij²)/n)
    se = np.sqrt((np.outer(sd**2, sd**2) + C**2) / n)
    assert np.all(np.abs(np.cov(curves.T) - C) < 5 * se)
    assert sample_functions(post, Xs, 0, seed=3).shape == (0, 4)
    with pytest.raises(ValueError, match="Phi_star"):
        sample_functions(post, np.ones((2, 5)), 3, seed=0)


def test_best_precision_finds_the_known_optimum_of_one_weight() -> None:
    """One weight, Φ = 1, σ = 1: y ~ N(0, I + 11ᵀ/λ), whose evidence depends on λ through
    the projection ȳ√N only and is largest at 1 + N/λ = Nȳ², i.e. λ* = N/(Nȳ² − 1)."""
    y = np.array([1.2, 0.4, 0.9, 1.5, 0.7])
    n, ybar = y.size, y.mean()
    optimum = n / (n * ybar**2 - 1)
    grid = np.logspace(-3, 3, 601)  # steps of 10^0.01 ≈ 2.3 %
    best = best_precision(np.ones((n, 1)), y, 1.0, grid)
    assert abs(math.log10(best) - math.log10(optimum)) <= 0.005 + 1e-12
    # a direct evaluation on a coarse grid: scipy's N×N log-density for every λ
    Phi = polynomial_features(np.linspace(-1, 1, 8), 2)
    t = np.sin(3 * np.linspace(-1, 1, 8))
    coarse = np.logspace(-2, 2, 9)
    direct = [evidence_scipy(Phi, t, 0.3, lam) for lam in coarse]
    assert best_precision(Phi, t, 0.3, coarse) == coarse[int(np.argmax(direct))]
    assert math.isnan(best_precision(np.zeros((0, 3)), [], 0.3, coarse))  # no data, no choice


def test_bishop_fig_3_7_posterior_concentrates_on_the_truth() -> None:
    """Bishop PRML §3.3.1, fig. 3.7: α = 2.0 (prior precision), β = 25 (σ = 0.2), truth
    −0.3 + 0.5x on x ∈ [−1, 1].  After 20 points the posterior sits on (−0.3, 0.5)."""
    params = GeneratorParams(truth="line", sigma=0.2, x_range=(-1.0, 1.0), seed=3)
    x, y, s = generate(params, 20)
    post = posterior(polynomial_features(x, 1), y, s, 2.0)
    z = (post.mean - np.array([-0.3, 0.5])) / post.std
    assert np.all(np.abs(z) < 3.5)
    assert np.all(post.std < 0.1)


# --------------------------------------------------------------------------------------------
# evidence
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("hetero", [False, True])
@pytest.mark.parametrize(("n", "degree"), [(25, 3), (6, 9), (1, 0)])
def test_log_evidence_matches_scipy(hetero, n, degree) -> None:
    _, Phi, y, sigma = toy(n, degree, seed=11, hetero=hetero)
    for lam in (1e-2, 1.0, 30.0):
        assert log_evidence(Phi, y, sigma, lam) == pytest.approx(
            evidence_scipy(Phi, y, sigma, lam), rel=1e-10, abs=1e-10
        )


def test_log_evidence_of_no_data_is_zero() -> None:
    assert log_evidence(np.zeros((0, 3)), np.zeros(0), 1.0, 1.0) == 0.0
    assert log_evidence(np.zeros((0, 3)), np.zeros(0), 1.0, 1.0) == 0.0


def test_log_evidence_chain_rule() -> None:
    """p(y) = Π_k p(y_k | y_<k): sum of one-step-ahead predictive log densities."""
    _, Phi, y, sigma = toy(40, 4, seed=12)
    lam = 0.7
    post, total = prior(5, lam), 0.0
    for k in range(40):
        m, v = predictive(post, Phi[k : k + 1], sigma[k])
        total += stats.norm(m[0], math.sqrt(v[0])).logpdf(y[k])
        post = update(post, Phi[k], y[k], sigma[k])
    assert log_evidence(Phi, y, sigma, lam) == pytest.approx(total, rel=1e-10)


def test_evidence_vs_precision_matches_pointwise_scipy() -> None:
    _, Phi, y, sigma = toy(30, 5, seed=13)
    lams = np.logspace(-3, 3, 7)
    curve = evidence_vs_precision(Phi, y, sigma, lams)
    expected = [evidence_scipy(Phi, y, sigma, lam) for lam in lams]
    np.testing.assert_allclose(curve, expected, rtol=1e-10)
    with pytest.raises(ValueError, match="precisions"):
        evidence_vs_precision(Phi, y, sigma, [1.0, 0.0])


def test_evidence_vs_degree_matches_scipy() -> None:
    x, _, y, sigma = toy(20, 1, seed=14)
    degrees = [0, 1, 3, 6, 9]
    curve = evidence_vs_degree(x, y, sigma, 0.5, degrees)
    expected = [evidence_scipy(polynomial_features(x, d), y, sigma, 0.5) for d in degrees]
    np.testing.assert_allclose(curve, expected, rtol=1e-10)
    gauss = evidence_vs_size(x, y, sigma, 0.5, [2, 5], "gaussian", x_range=(-1, 1))
    expected = [evidence_scipy(features(x, "gaussian", k), y, sigma, 0.5) for k in (2, 5)]
    np.testing.assert_allclose(gauss, expected, rtol=1e-10)
    with pytest.raises(ValueError, match="degree"):
        evidence_vs_degree(x, y, sigma, 0.5, [13])


@pytest.mark.parametrize("hetero", [False, True])
def test_one_spectrum_serves_every_precision(hetero) -> None:
    """Posterior and evidence for λ over eight decades from one SVD, against the textbook
    formulas (explicit inverses) and the N×N Gaussian density in extended precision."""
    _, Phi, y, sigma = toy(40, 4, seed=21, hetero=hetero)
    spec = spectrum(Phi, y, sigma)
    lams = np.logspace(-4, 4, 9)
    for lam in lams:
        post = spec.posterior(lam)
        mean, cov = textbook_posterior(Phi, y, sigma, lam)
        np.testing.assert_allclose(post.mean, mean, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(post.cov, cov, rtol=1e-12, atol=1e-14 * np.abs(cov).max())
    expected = [evidence_extended(Phi, y, sigma, lam) for lam in lams]
    np.testing.assert_allclose(spec.log_evidence(lams), expected, rtol=1e-12)
    assert spec.best_precision(lams) == lams[int(np.argmax(expected))]


def test_a_spectrum_follows_a_common_noise_scale() -> None:
    """σᵢ → kσᵢ (the posterior tab's σ slider) without a new SVD: the evidence as the N×N
    density at kσᵢ (extended precision), the posterior as the textbook formulas at kσᵢ."""
    _, Phi, y, sigma = toy(40, 4, seed=22)
    spec = spectrum(Phi, y, sigma)
    for k in (0.05, 0.7, 3.0, 40.0):
        scaled = spec.with_noise_scale(k)
        for lam in (1e-3, 1.0, 1e3):
            assert scaled.log_evidence([lam])[0] == pytest.approx(
                evidence_extended(Phi, y, k * sigma, lam), rel=1e-12
            )
            mean, cov = textbook_posterior(Phi, y, k * sigma, lam)
            np.testing.assert_allclose(scaled.posterior(lam).mean, mean, rtol=1e-11, atol=1e-14)
            np.testing.assert_allclose(scaled.posterior(lam).cov, cov, rtol=1e-11)
    assert spectrum(np.zeros((0, 3)), [], 1.0).with_noise_scale(2.0).log_evidence([1.0]) == 0.0


def test_evidence_large_n_matches_scipy() -> None:
    _, Phi, y, sigma = toy(1000, 6, seed=15)
    assert log_evidence(Phi, y, sigma, 0.3) == pytest.approx(
        evidence_scipy(Phi, y, sigma, 0.3), rel=1e-10
    )


def test_ten_thousand_points_are_fast_and_finite() -> None:
    x, Phi, y, sigma = toy(10_000, 12, seed=16)
    t0 = time.perf_counter()
    post = posterior(Phi, y, sigma, 1.0)
    ev = log_evidence(Phi, y, sigma, 1.0)
    beta = mle(Phi, y, sigma)
    mean, var = predictive(post, Phi, sigma)
    curve = evidence_vs_degree(x, y, sigma, 1.0, range(13))
    elapsed = time.perf_counter() - t0
    assert elapsed < 2.0
    for arr in (post.mean, post.cov, beta, mean, var, curve):
        assert np.all(np.isfinite(arr))
    assert math.isfinite(ev)
    # Degree 12 on [−1, 1] is ill-conditioned, so compare fitted curves, not weights.
    np.testing.assert_allclose(Phi @ post.mean, Phi @ beta, atol=0.02)


def test_evidence_grid_is_fast() -> None:
    """60-point λ grid with N = 200, M = 10: well under 10 ms (best of 5 runs)."""
    _, Phi, y, sigma = toy(200, 9, seed=17)
    lams = np.logspace(-4, 4, 60)
    best = math.inf
    for _ in range(5):
        t0 = time.perf_counter()
        evidence_vs_precision(Phi, y, sigma, lams)
        best = min(best, time.perf_counter() - t0)
    assert best < 0.01


# --------------------------------------------------------------------------------------------
# weight-space pictures
# --------------------------------------------------------------------------------------------


def test_gaussian_grid_matches_scipy_and_orientation() -> None:
    mean2 = np.array([-0.3, 0.5])
    cov2 = np.array([[0.04, -0.015], [-0.015, 0.09]])
    b0 = np.linspace(-1, 1, 7)
    b1 = np.linspace(-1, 1.5, 5)
    grid = gaussian_grid(mean2, cov2, b0, b1)
    assert grid.shape == (5, 7)
    B0, B1 = np.meshgrid(b0, b1)
    ref = stats.multivariate_normal(mean2, cov2).pdf(np.dstack([B0, B1]))
    np.testing.assert_allclose(grid, ref, rtol=1e-12)
    assert grid[2, 3] == pytest.approx(
        stats.multivariate_normal(mean2, cov2).pdf([b0[3], b1[2]]), rel=1e-12
    )
    np.testing.assert_allclose(
        gaussian_grid(mean2, cov2, b0, b1, log=True), np.log(ref), rtol=1e-12
    )
    with pytest.raises(ValueError, match="cov2"):
        gaussian_grid(mean2, np.array([[1.0, 2.0], [2.0, 1.0]]), b0, b1)
    with pytest.raises(ValueError, match="mean2"):
        gaussian_grid([0.0, 0.0, 0.0], cov2, b0, b1)


def test_likelihood_grid_matches_scipy() -> None:
    b0 = np.linspace(-1, 1, 6)
    b1 = np.linspace(-1, 1, 4)
    phi2, yv, s = np.array([1.0, 0.6]), 0.1, 0.2
    grid = likelihood_grid(phi2, yv, s, b0, b1)
    B0, B1 = np.meshgrid(b0, b1)
    np.testing.assert_allclose(grid, stats.norm(B0 + 0.6 * B1, s).pdf(yv), rtol=1e-12)
    with pytest.raises(ValueError, match="sigma"):
        likelihood_grid(phi2, yv, 0.0, b0, b1)


def test_marginal_picks_sub_blocks() -> None:
    cov = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 0.5]])
    post = Posterior(mean=np.array([1.0, 2.0, 3.0]), cov=cov)
    m, c = marginal(post, 2, 0)
    np.testing.assert_array_equal(m, [3.0, 1.0])
    np.testing.assert_allclose(c, [[0.5, 0.1], [0.1, 2.0]], rtol=1e-15)
    with pytest.raises(ValueError, match="differ"):
        marginal(post, 1, 1)
    with pytest.raises(ValueError, match="j"):
        marginal(post, 0, 3)


def test_likelihood_slice_holds_other_weights_at_the_posterior_mean() -> None:
    post = Posterior(mean=np.array([0.1, -0.2, 0.3]), cov=np.eye(3) * 0.5)
    phi, yv, s = np.array([1.0, 0.5, 0.25]), 0.4, 0.3
    b0, b1 = np.linspace(-1, 1, 5), np.linspace(-2, 2, 3)
    grid = likelihood_slice(post, phi, yv, s, 0, 2, b0, b1)
    B0, B2 = np.meshgrid(b0, b1)
    expected = stats.norm(B0 * 1.0 + (-0.2) * 0.5 + B2 * 0.25, s).pdf(yv)
    np.testing.assert_allclose(grid, expected, rtol=1e-12)
    line = Posterior(mean=np.zeros(2), cov=np.eye(2))
    np.testing.assert_allclose(
        likelihood_slice(line, [1.0, 0.5], yv, s, 0, 1, b0, b1),
        likelihood_grid([1.0, 0.5], yv, s, b0, b1),
        rtol=1e-15,
    )


def test_covariance_ellipses_are_mahalanobis_contours() -> None:
    mean2 = np.array([0.3, -0.1])
    cov2 = np.array([[0.04, 0.012], [0.012, 0.01]])
    xs, ys = covariance_ellipses(mean2, cov2, (1.0, 2.0), n_points=40)
    assert xs.shape == ys.shape == (2 * 43 - 1,)
    gap = np.flatnonzero(~np.isfinite(xs))
    np.testing.assert_array_equal(gap, [42])
    inv = np.linalg.inv(cov2)
    for k, (sx, sy) in zip((1.0, 2.0), ((xs[:42], ys[:42]), (xs[43:], ys[43:])), strict=True):
        d = np.stack([sx, sy]) - mean2[:, None]
        np.testing.assert_allclose(np.einsum("in,ij,jn->n", d, inv, d), k * k, rtol=1e-12)
        assert (sx[0], sy[0]) == (sx[-1], sy[-1])  # closed
        np.testing.assert_allclose([sx.mean(), sy.mean()], mean2, atol=1e-15)
    with pytest.raises(ValueError, match="cov2"):
        covariance_ellipses(mean2, -cov2)
    with pytest.raises(ValueError, match="levels"):
        covariance_ellipses(mean2, cov2, (0.0,))


def test_true_weights_reproduce_the_truth() -> None:
    x = np.linspace(-1, 1, 9)
    for truth, degree in (("line", 1), ("line", 4), ("cubic", 3), ("cubic", 12)):
        beta = true_weights(truth, "polynomial", degree)
        np.testing.assert_allclose(
            polynomial_features(x, degree) @ beta, true_function(truth, x), atol=1e-15
        )
    assert true_weights("sine", "polynomial", 12) is None
    assert true_weights("cubic", "polynomial", 2) is None
    assert true_weights("line", "gaussian", 5) is None


# --------------------------------------------------------------------------------------------
# toy data generator
# --------------------------------------------------------------------------------------------


def test_true_functions() -> None:
    np.testing.assert_allclose(true_function("line", [-1.0, 0.0, 1.0]), [-0.8, -0.3, 0.2])
    np.testing.assert_allclose(
        true_function("sine", [-0.5, 0.0, 0.5]), [-1.0, 0.0, 1.0], atol=1e-15
    )
    np.testing.assert_allclose(true_function("cubic", [-1.0, 0.0, 1.0]), [-0.4, 0.1, 0.6])
    with pytest.raises(ValueError, match="truth"):
        true_function("quartic", [0.0])


def test_generate_is_a_reproducible_prefix_stream() -> None:
    p = GeneratorParams(truth="sine", sigma=0.3, heteroscedastic=True, x_range=(-2, 3), seed=5)
    x5, y5, s5 = generate(p, 5)
    x50, y50, s50 = generate(p, 50)
    np.testing.assert_array_equal(x5, x50[:5])
    np.testing.assert_array_equal(y5, y50[:5])
    np.testing.assert_array_equal(s5, s50[:5])
    np.testing.assert_array_equal(generate(p, 50)[1], y50)
    assert not np.array_equal(
        generate(GeneratorParams(seed=6), 5)[0], generate(GeneratorParams(seed=5), 5)[0]
    )
    assert np.all((x50 >= -2) & (x50 < 3))
    assert [a.shape for a in generate(p, 0)] == [(0,), (0,), (0,)]


def test_generated_noise_has_the_stated_law() -> None:
    for hetero in (False, True):
        p = GeneratorParams(truth="cubic", sigma=0.5, heteroscedastic=hetero, seed=1)
        x, y, s = generate(p, 20_000)
        z = (y - true_function("cubic", x)) / s
        assert abs(z.mean()) < 0.05 and abs(z.std() - 1.0) < 0.03
        np.testing.assert_allclose(s, noise_sigma(p, x))
        assert stats.kstest(x, stats.uniform(-1, 2).cdf).pvalue > 1e-3
    p = GeneratorParams(sigma=0.4, heteroscedastic=True, x_range=(0.0, 2.0))
    np.testing.assert_allclose(noise_sigma(p, [0.0, 1.0, 2.0]), [0.1, 0.4, 0.7])
    np.testing.assert_allclose(noise_sigma(GeneratorParams(sigma=0.4), [0.0, 5.0]), 0.4)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"truth": "quartic"}, "truth"),
        ({"sigma": 0.0}, "sigma"),
        ({"sigma": 10.5}, "sigma"),
        ({"sigma": math.nan}, "sigma"),
        ({"sigma": "0.2"}, "sigma"),
        ({"heteroscedastic": "yes"}, "heteroscedastic"),
        ({"x_range": (1.0, 1.0)}, "x_range"),
        ({"x_range": (0.0, math.inf)}, "x_range"),
        ({"x_range": (0.0,)}, "x_range"),
        ({"seed": -1}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"seed": True}, "seed"),
    ],
)
def test_generator_params_validation_names_the_field(kwargs, name) -> None:
    with pytest.raises(ValueError, match=name):
        GeneratorParams(**kwargs)


def test_generator_params_are_frozen_and_normalised() -> None:
    p = GeneratorParams(sigma=1, x_range=[0, 2], seed=np.int64(3))
    assert p.sigma == 1.0 and p.x_range == (0.0, 2.0) and p.seed == 3
    with pytest.raises(AttributeError):
        p.sigma = 2.0  # type: ignore[misc]
    with pytest.raises(ValueError, match="n"):
        generate(p, -1)
