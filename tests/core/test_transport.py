"""Tests for core.transport (notes §9.2–9.5: measure transport, diffusion, flow matching).

References, none of them the module's own output: scipy.stats (normal densities and CDFs,
Kolmogorov–Smirnov tests), scipy.integrate.quad (schedule integrals, CDF), the mixture moments
written out by hand, Ornstein–Uhlenbeck moments, finite differences of the densities (scores,
the Fokker–Planck equation 9.4 and the transport / continuity equation 9.8) and Tweedie's
formula for the flow-matching velocity.  Samplers are checked against the exact marginals with
two-sample KS tests at fixed seeds.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats
from scipy.special import logsumexp, softmax

from core.densities import histogram, histogram_2d
from core.transport import (
    MAX_PARTICLES,
    MAX_STEPS,
    PROCESSES,
    SCHEDULE_KINDS,
    GaussianMixture,
    NoiseSchedule,
    SamplingCancelledError,
    SamplingRequest,
    SamplingResult,
    Trajectory,
    base_mismatch,
    default_target,
    flow_matching_velocity,
    grid_density,
    histogram_distance,
    interpolant_marginal,
    marginal,
    noise_scale,
    probability_flow_velocity,
    reverse_sde_drift,
    sample,
    sample_final,
    sample_processes,
    vector_field,
    velocity,
    vp_marginal,
)

EPS = 0.008  # cosine offset of Nichol & Dhariwal


def random_mixture(dim: int, k: int, seed: int) -> GaussianMixture:
    """A random mixture with full (anisotropic in 2-D) covariances."""
    rng = np.random.default_rng(seed)
    weights = rng.uniform(0.2, 1.0, k)
    means = rng.uniform(-2.5, 2.5, (k, dim))
    a = rng.normal(size=(k, dim, dim)) * 0.4
    covs = a @ a.transpose(0, 2, 1) + 0.05 * np.eye(dim)
    return GaussianMixture(weights, means, covs)


def mixture_pdf_scipy(mix: GaussianMixture, pts: np.ndarray) -> np.ndarray:
    return sum(
        w * stats.multivariate_normal(m, c).pdf(pts)
        for w, m, c in zip(mix.weights, mix.means, mix.covs, strict=True)
    )


def d_dx(f, x, h):
    """Fourth-order central difference f′(x)."""
    return (8 * (f(x + h) - f(x - h)) - (f(x + 2 * h) - f(x - 2 * h))) / (12 * h)


def d2_dx2(f, x, h):
    """Fourth-order central difference f″(x)."""
    return (16 * (f(x + h) + f(x - h)) - (f(x + 2 * h) + f(x - 2 * h)) - 30 * f(x)) / (12 * h * h)


def assert_same_mixture(a: GaussianMixture, b: GaussianMixture) -> None:
    for name in ("weights", "means", "covs"):
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-14, atol=1e-15)


# --------------------------------------------------------------------------------------------
# Gaussian mixtures
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"weights": [], "means": np.zeros((0, 1)), "covs": np.zeros((0, 1, 1))}, "weights"),
        ({"weights": [1, -0.1], "means": [0, 1], "covs": [1, 1]}, "weights"),
        ({"weights": [0, 0], "means": [0, 1], "covs": [1, 1]}, "weights"),
        ({"weights": [1, np.nan], "means": [0, 1], "covs": [1, 1]}, "weights"),
        ({"weights": [1, 1], "means": [0, np.inf], "covs": [1, 1]}, "means"),
        ({"weights": [1], "means": [[0, 0, 0]], "covs": np.eye(3)[None]}, "means"),
        ({"weights": [1, 1], "means": [[0, 0]], "covs": np.stack([np.eye(2)] * 2)}, "means"),
        ({"weights": [1], "means": [[0, 0]], "covs": [[[1, 0.5], [0.4, 1]]]}, "covs"),
        ({"weights": [1], "means": [[0, 0]], "covs": [[[1, 2], [2, 1]]]}, "covs"),
        ({"weights": [1, 1], "means": [0, 1], "covs": [1, 0]}, "covs"),
        ({"weights": [1, 1], "means": [0, 1], "covs": [1, np.nan]}, "covs"),
        ({"weights": [1], "means": [[0, 0]], "covs": np.eye(3)[None]}, "covs"),
    ],
)
def test_mixture_rejects_bad_fields_naming_them(kwargs, field) -> None:
    with pytest.raises(ValueError, match=field):
        GaussianMixture(**kwargs)


def test_mixture_normalises_stores_read_only_and_compares_by_value() -> None:
    mix = GaussianMixture((1.0, 3.0), ((0.0,), (1.0,)), (((1.0,),), ((0.25,),)))
    np.testing.assert_allclose(mix.weights, [0.25, 0.75])
    assert mix.dim == 1 and mix.k == 2
    assert mix.means.shape == (2, 1) and mix.covs.shape == (2, 1, 1)
    with pytest.raises(ValueError):
        mix.means[0, 0] = 5.0
    same = GaussianMixture([0.5, 1.5], [0.0, 1.0], [1.0, 0.25])
    assert same == mix and hash(same) == hash(mix)
    assert mix != mix.with_mean(0, 0.1)
    iso = GaussianMixture.isotropic([1, 1], [[0, 0], [1, 2]], [0.5, 2.0])
    np.testing.assert_allclose(iso.covs[1], 4.0 * np.eye(2))
    np.testing.assert_allclose(iso.stds, [0.5, 2.0])
    with pytest.raises(ValueError, match="stds"):
        GaussianMixture.isotropic([1, 1], [0, 1], [0.5, 0.0])


def test_default_targets() -> None:
    one = default_target(1)
    assert one.dim == 1 and one.k == 2
    np.testing.assert_allclose(one.weights, [0.3, 0.7])
    two = default_target(2)
    assert two.dim == 2 and two.k >= 3
    np.testing.assert_allclose(np.linalg.norm(two.means, axis=1), 2.5)
    with pytest.raises(ValueError, match="dim"):
        default_target(3)


@pytest.mark.parametrize("dim", [1, 2])
def test_log_pdf_matches_scipy_normals(dim) -> None:
    mix = random_mixture(dim, 4, seed=dim)
    pts = np.random.default_rng(5).normal(size=(50, dim)) * 2
    np.testing.assert_allclose(mix.pdf(pts), mixture_pdf_scipy(mix, pts), rtol=1e-12)
    np.testing.assert_allclose(mix.log_pdf(pts), np.log(mixture_pdf_scipy(mix, pts)), rtol=1e-12)


def test_point_shapes() -> None:
    one = default_target(1)
    assert one.pdf(0.3).shape == ()
    assert one.score(np.zeros(5)).shape == (5,)
    assert one.score(np.zeros((5, 1))).shape == (5, 1)
    assert one.log_pdf(np.zeros((5, 1))).shape == (5,)
    np.testing.assert_allclose(one.score(np.array([0.2, 0.4]))[1], one.score(0.4))
    two = default_target(2)
    assert two.pdf([0.1, 0.2]).shape == ()
    assert two.score([0.1, 0.2]).shape == (2,)
    assert two.responsibilities(np.zeros((3, 2))).shape == (3, two.k)
    with pytest.raises(ValueError, match="x"):
        two.pdf(np.zeros((4, 3)))


@pytest.mark.parametrize("dim", [1, 2])
@pytest.mark.parametrize("s", [0.0, 0.05, 0.3, 0.8])
def test_score_is_the_gradient_of_log_pdf(dim, s) -> None:
    mix = vp_marginal(random_mixture(dim, 3, seed=10 + dim), s, NoiseSchedule())
    pts = np.random.default_rng(1).uniform(-3, 3, (40, dim))
    h, eye = 1e-4, np.eye(dim)
    fd = np.column_stack(
        [d_dx(lambda u, i=i: mix.log_pdf(pts + u * eye[i]), 0.0, h) for i in range(dim)]
    )
    np.testing.assert_allclose(mix.score(pts), fd, rtol=1e-6, atol=1e-6)


def test_score_is_finite_far_in_the_tails() -> None:
    one = default_target(1)  # far out the wider component (std 0.5, mean 1.5) dominates
    np.testing.assert_allclose(
        one.score(np.array([1e3, -1e3])), [-(1e3 - 1.5) / 0.25, (1e3 + 1.5) / 0.25], rtol=1e-12
    )
    two = GaussianMixture.isotropic([0.5, 0.5], [[0, 0], [1, 1]], [0.3, 0.6])
    far = np.array([[1e3, -1e3], [-1e3, 5e2]])
    np.testing.assert_allclose(two.score(far), -(far - [1, 1]) / 0.36, rtol=1e-12)
    assert np.all(np.isfinite(two.log_pdf(far)))


def test_sample_matches_cdf_and_closed_form_moments() -> None:
    one = GaussianMixture.isotropic([0.3, 0.7], [-2.0, 1.5], [0.4, 0.5])
    x = one.sample(20000, seed=3)
    assert x.shape == (20000, 1)
    assert stats.kstest(x[:, 0], one.cdf).pvalue > 0.01
    mean = 0.3 * -2.0 + 0.7 * 1.5
    var = 0.3 * (0.16 + 4.0) + 0.7 * (0.25 + 2.25) - mean**2
    np.testing.assert_allclose(one.mean(), [mean], rtol=1e-14)
    np.testing.assert_allclose(one.cov(), [[var]], rtol=1e-14)
    assert abs(x.mean() - mean) < 4 * math.sqrt(var / x.size)
    # 2-D: symmetric pair ±m with covariances S1, S2: mean 0, cov ½(S1 + S2) + m mᵀ
    m = np.array([1.0, 2.0])
    s1 = np.array([[1.0, 0.3], [0.3, 0.5]])
    s2 = np.array([[0.2, -0.1], [-0.1, 0.4]])
    two = GaussianMixture([1, 1], [m, -m], [s1, s2])
    np.testing.assert_allclose(two.mean(), [0, 0], atol=1e-15)
    np.testing.assert_allclose(two.cov(), 0.5 * (s1 + s2) + np.outer(m, m), rtol=1e-14)
    y = two.sample(20000, seed=4)
    np.testing.assert_allclose(np.cov(y.T), two.cov(), atol=0.08)
    assert np.all(np.abs(y.mean(axis=0)) < 4 * np.sqrt(np.diag(two.cov()) / 20000))
    np.testing.assert_array_equal(two.sample(100, seed=9), two.sample(100, seed=9))
    with pytest.raises(ValueError, match="cdf"):
        two.cdf([0.0, 0.0])


def test_cdf_is_the_integral_of_the_pdf() -> None:
    one = random_mixture(1, 3, seed=2)
    for x in (-2.0, 0.0, 1.3):
        ref = integrate.quad(lambda u: float(one.pdf(u)), -np.inf, x, epsabs=1e-13)[0]
        assert float(one.cdf(x)) == pytest.approx(ref, abs=1e-10)


def test_editing_helpers() -> None:
    mix = default_target(1)
    added = mix.with_component(1.0, 0.0, 0.3)
    assert added.k == 3
    np.testing.assert_allclose(added.weights, [0.15, 0.35, 0.5])
    np.testing.assert_allclose(added.means[2], [0.0])
    np.testing.assert_allclose(added.covs[2], [[0.09]])
    assert added.without_component(2) == mix
    np.testing.assert_allclose(mix.with_weight(0, 0.5).weights, np.array([0.5, 0.7]) / 1.2)
    np.testing.assert_allclose(mix.with_mean(1, 3.0).means[:, 0], [-2.0, 3.0])
    np.testing.assert_allclose(mix.with_std(0, 2.0).covs[:, 0, 0], [4.0, 0.25])
    two = default_target(2).with_mean(0, [1.0, -1.0])
    np.testing.assert_allclose(two.means[0], [1.0, -1.0])
    single = GaussianMixture.isotropic([1.0], [0.0], 1.0)
    with pytest.raises(ValueError, match="index"):
        single.without_component(0)
    with pytest.raises(ValueError, match="index"):
        mix.with_mean(2, 0.0)
    with pytest.raises(ValueError, match="std"):
        mix.with_std(0, -1.0)
    with pytest.raises(ValueError, match="weight"):
        mix.with_weight(0, -1.0)
    with pytest.raises(ValueError, match="mean"):
        default_target(2).with_mean(0, [1.0])


# --------------------------------------------------------------------------------------------
# noise schedules
# --------------------------------------------------------------------------------------------

SCHEDULES = [
    NoiseSchedule("linear"),
    NoiseSchedule("linear", 0.0, 5.0),
    NoiseSchedule("constant", beta_max=3.0),
    NoiseSchedule("cosine"),
    NoiseSchedule("cosine", beta_max=1.0),
    NoiseSchedule("cosine", 0.0, 0.02),  # below β_cos(0) ≈ 0.039: clipped everywhere
    NoiseSchedule("cosine", beta_max=300.0),
]


@pytest.mark.parametrize("schedule", SCHEDULES, ids=repr)
def test_schedule_integral_alpha_sigma(schedule) -> None:
    for s in (0.0, 0.1, 0.5, 0.9, 0.95, 1.0):
        ref = integrate.quad(
            lambda u: float(schedule.beta(u)), 0, s, limit=200, epsabs=1e-12, epsrel=1e-12
        )[0]
        assert float(schedule.integral(s)) == pytest.approx(ref, rel=1e-9, abs=1e-11)
    s = np.linspace(0, 1, 201)
    alpha, sigma = schedule.alpha(s), schedule.sigma(s)
    assert np.all((alpha > 0) & (alpha <= 1)) and alpha[0] == 1.0 and sigma[0] == 0.0
    assert np.all(np.diff(alpha) <= 0)
    np.testing.assert_allclose(alpha**2 + sigma**2, 1.0, rtol=1e-14)
    assert np.all(schedule.beta(s) >= 0) and np.all(schedule.beta(s) <= schedule.beta_max)
    # small s: σ² ≈ B(s) accurately (expm1), not 1 − (1 − B) with cancellation
    assert float(schedule.sigma(1e-12)) ** 2 == pytest.approx(
        float(schedule.integral(1e-12)), rel=1e-6
    )


def test_schedule_closed_forms() -> None:
    lin = NoiseSchedule()
    assert float(lin.beta(0.0)) == 0.1 and float(lin.beta(1.0)) == 20.0
    assert base_mismatch(lin) == pytest.approx(math.exp(-(0.1 + 0.5 * 19.9)), rel=1e-12)
    cos = NoiseSchedule("cosine")
    s = np.linspace(0, 0.85, 30)  # below the crossover s* ≈ 0.90: Nichol & Dhariwal's α
    ref = np.cos(np.pi / 2 * (s + EPS) / (1 + EPS)) / math.cos(np.pi / 2 * EPS / (1 + EPS))
    np.testing.assert_allclose(cos.alpha(s), ref, rtol=1e-12)
    assert float(cos.beta(1.0)) == 20.0 and float(cos.beta(0.99)) == 20.0
    # constant β: Ornstein–Uhlenbeck dX = −k X ds + σ dW with k = β/2, σ² = β:
    # mean x₀ e^{−ks}, variance σ²/(2k)(1 − e^{−2ks})
    ou = NoiseSchedule("constant", beta_max=4.0)
    for t in (0.1, 0.6):
        assert float(ou.alpha(t)) == pytest.approx(math.exp(-2.0 * t), rel=1e-14)
        assert float(ou.sigma(t)) ** 2 == pytest.approx(1 - math.exp(-4.0 * t), rel=1e-14)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "quadratic"}, "kind"),
        ({"beta_min": -0.1}, "beta_min"),
        ({"beta_min": 30.0}, "beta_min"),
        ({"beta_max": 0.0, "beta_min": 0.0}, "beta_max"),
        ({"beta_max": math.inf}, "beta_max"),
        ({"beta_max": math.nan}, "beta_max"),
    ],
)
def test_schedule_validation(kwargs, field) -> None:
    with pytest.raises(ValueError, match=field):
        NoiseSchedule(**kwargs)


def test_schedule_rejects_times_outside_the_unit_interval() -> None:
    with pytest.raises(ValueError, match="s"):
        NoiseSchedule().alpha(1.5)


# --------------------------------------------------------------------------------------------
# exact marginals and fields
# --------------------------------------------------------------------------------------------


def test_marginal_end_points() -> None:
    target = random_mixture(2, 3, seed=7)
    sched = NoiseSchedule()
    assert_same_mixture(vp_marginal(target, 0.0, sched), target)
    assert_same_mixture(interpolant_marginal(target, 1.0), target)
    pts = np.random.default_rng(0).normal(size=(20, 2))
    base = stats.multivariate_normal(np.zeros(2), np.eye(2)).pdf(pts)
    np.testing.assert_allclose(interpolant_marginal(target, 0.0).pdf(pts), base, rtol=1e-12)
    # p_{s=1} is N(0, I) up to the leftover signal α(1): covariance off by α(1)²(Cov X₀ − I)
    end = vp_marginal(target, 1.0, sched)
    a2 = base_mismatch(sched)
    np.testing.assert_allclose(end.cov() - np.eye(2), a2 * (target.cov() - np.eye(2)), atol=1e-15)
    assert marginal(target, "flow_matching", 0.4) == interpolant_marginal(target, 0.4)
    for process in ("reverse_sde", "probability_flow"):
        assert marginal(target, process, 0.4, sched) == vp_marginal(target, 0.6, sched)
    # the law of α X₀ + σ Z, checked on its moments
    vp = vp_marginal(target, 0.3, sched)
    a, b = float(sched.alpha(0.3)), float(sched.sigma(0.3))
    np.testing.assert_allclose(vp.mean(), a * target.mean(), rtol=1e-12)
    np.testing.assert_allclose(vp.cov(), a * a * target.cov() + b * b * np.eye(2), rtol=1e-12)
    with pytest.raises(ValueError, match="process"):
        marginal(target, "ddpm", 0.5)
    with pytest.raises(ValueError, match="tau"):
        marginal(target, "flow_matching", 1.2)


X1 = np.linspace(-4.0, 4.0, 81)


@pytest.mark.parametrize("schedule", SCHEDULES[:5], ids=repr)
@pytest.mark.parametrize("s", [0.15, 0.5, 0.8])
def test_vp_marginal_solves_fokker_planck(schedule, s) -> None:
    """Eq. 9.4 for the forward VP SDE: ∂_s p = ∂_x(½β x p) + ½β ∂_x² p (finite differences)."""
    target = random_mixture(1, 3, seed=21)

    def p(u, x):
        return vp_marginal(target, u, schedule).pdf(x)

    beta = float(schedule.beta(s))
    lhs = d_dx(lambda u: p(u, X1), s, 1e-3)
    rhs = d_dx(lambda x: 0.5 * beta * x * p(s, x), X1, 1e-3) + 0.5 * beta * d2_dx2(
        lambda x: p(s, x), X1, 1e-3
    )
    assert np.max(np.abs(lhs - rhs)) < 1e-5 * np.max(np.abs(lhs))


@pytest.mark.parametrize("tau", [0.2, 0.5, 0.8, 0.95])
def test_reverse_sde_drift_solves_fokker_planck_in_generation_time(tau) -> None:
    """p_τ = vp_marginal(1 − τ) obeys ∂_τ p = −∂_x(μ p) + ½β ∂_x² p with μ the reverse drift."""
    target, sched = random_mixture(1, 3, seed=22), NoiseSchedule()

    def p(t, x):
        return vp_marginal(target, 1 - t, sched).pdf(x)

    beta = float(sched.beta(1 - tau))
    lhs = d_dx(lambda t: p(t, X1), tau, 1e-3)
    flux = d_dx(lambda x: reverse_sde_drift(target, tau, x, sched) * p(tau, x), X1, 1e-3)
    rhs = -flux + 0.5 * beta * d2_dx2(lambda x: p(tau, x), X1, 1e-3)
    assert np.max(np.abs(lhs - rhs)) < 1e-5 * np.max(np.abs(lhs))


@pytest.mark.parametrize("process", ["probability_flow", "flow_matching"])
@pytest.mark.parametrize("tau", [0.0, 0.2, 0.5, 0.8, 0.95])
def test_ode_velocities_solve_the_transport_equation(process, tau) -> None:
    """Eq. 9.8: ∂_τ p + ∂_x(v p) = 0 for the exact marginal p_τ of each ODE."""
    target, sched = random_mixture(1, 3, seed=23), NoiseSchedule()

    def p(t, x):
        return marginal(target, process, t, sched).pdf(x)

    h = 1e-3
    if tau > 0:
        lhs = d_dx(lambda t: p(t, X1), tau, h)
    else:  # one-sided, fourth order
        f = [p(j * h, X1) for j in range(5)]
        lhs = (-25 * f[0] + 48 * f[1] - 36 * f[2] + 16 * f[3] - 3 * f[4]) / (12 * h)
    flux = d_dx(lambda x: velocity(target, process, tau, x, sched) * p(tau, x), X1, h)
    assert np.max(np.abs(lhs + flux)) < 1e-5 * np.max(np.abs(lhs))


@pytest.mark.parametrize("dim", [1, 2])
@pytest.mark.parametrize("tau", [0.02, 0.3, 0.7, 0.99, 1.0])
def test_flow_matching_velocity_obeys_tweedie(dim, tau) -> None:
    """v(τ, x) = (x + (1 − τ)∇log p_τ(x))/τ, since E[x₀ | x_τ] = −(1 − τ)∇log p_τ."""
    target = random_mixture(dim, 3, seed=30 + dim)
    pts = np.random.default_rng(2).uniform(-3, 3, (50, dim))
    score = interpolant_marginal(target, tau).score(pts)
    np.testing.assert_allclose(
        flow_matching_velocity(target, tau, pts),
        (pts + (1 - tau) * score) / tau,
        rtol=1e-9,
        atol=1e-9,
    )


def test_field_end_points_and_dispatch() -> None:
    target = random_mixture(2, 3, seed=40)
    sched = NoiseSchedule("cosine")
    pts = np.random.default_rng(3).normal(size=(10, 2))
    np.testing.assert_allclose(
        flow_matching_velocity(target, 0.0, pts), target.mean() - pts, atol=1e-14
    )
    np.testing.assert_allclose(flow_matching_velocity(target, 1.0, pts), pts, rtol=1e-12)
    s, beta = 0.4, float(sched.beta(0.4))
    score = vp_marginal(target, s, sched).score(pts)
    np.testing.assert_allclose(
        reverse_sde_drift(target, 0.6, pts, sched), 0.5 * beta * pts + beta * score, rtol=1e-12
    )
    np.testing.assert_allclose(
        probability_flow_velocity(target, 0.6, pts, sched), 0.5 * beta * (pts + score), rtol=1e-12
    )
    for process, fn in [
        ("reverse_sde", lambda t, x: reverse_sde_drift(target, t, x, sched)),
        ("probability_flow", lambda t, x: probability_flow_velocity(target, t, x, sched)),
        ("flow_matching", lambda t, x: flow_matching_velocity(target, t, x)),
    ]:
        np.testing.assert_array_equal(velocity(target, process, 0.6, pts, sched), fn(0.6, pts))
    assert noise_scale("reverse_sde", 0.6, sched) == pytest.approx(math.sqrt(beta))
    assert noise_scale("probability_flow", 0.6, sched) == 0.0
    one = default_target(1)
    assert flow_matching_velocity(one, 0.5, np.zeros(7)).shape == (7,)
    assert probability_flow_velocity(one, 0.5, 0.3, NoiseSchedule()).shape == ()


def test_the_schedule_comes_last_and_defaults_to_the_linear_one() -> None:
    """One argument order in the module: target, process, time, points, schedule."""
    target, pts = random_mixture(1, 2, seed=41), np.linspace(-2.0, 2.0, 5)
    linear = NoiseSchedule("linear", 0.1, 20.0)
    # the linear schedule written out: α(s) = exp(−½(β_min s + ½(β_max − β_min)s²))
    alpha = math.exp(-0.5 * (0.1 * 0.3 + 0.5 * 19.9 * 0.3**2))
    assert_same_mixture(vp_marginal(target, 0.3), target.affine(alpha, math.sqrt(1 - alpha**2)))
    for field in (reverse_sde_drift, probability_flow_velocity):
        np.testing.assert_array_equal(field(target, 0.7, pts), field(target, 0.7, pts, linear))
    for process in ("reverse_sde", "probability_flow", "flow_matching"):
        np.testing.assert_array_equal(
            velocity(target, process, 0.7, pts), velocity(target, process, 0.7, pts, linear)
        )


# --------------------------------------------------------------------------------------------
# samplers
# --------------------------------------------------------------------------------------------

N, STEPS = 4000, 400
EXACT = 100_000


@pytest.mark.parametrize("process", PROCESSES)
def test_samplers_match_exact_marginals_1d(process) -> None:
    target = default_target(1)
    traj = sample(target, process, N, STEPS, seed=PROCESSES.index(process))
    assert traj.x.shape == (STEPS + 1, N, 1) and traj.tau[-1] == 1.0
    for tau in (0.3, 0.7, 1.0):
        exact = marginal(target, process, tau).sample(EXACT, seed=100)
        assert stats.ks_2samp(traj.at(tau)[:, 0], exact[:, 0]).pvalue > 0.01, tau


DIRECTIONS = np.array([[1.0, 0.0], [0.5, math.sqrt(0.75)], [-0.5, math.sqrt(0.75)]])


def ks_projections(x: np.ndarray, y: np.ndarray) -> float:
    """Smallest KS p-value over three fixed projections, Bonferroni-corrected."""
    return 3 * min(stats.ks_2samp(x @ u, y @ u).pvalue for u in DIRECTIONS)


@pytest.mark.parametrize("process", PROCESSES)
def test_samplers_match_exact_marginals_2d(process) -> None:
    target = default_target(2)
    traj = sample(target, process, N, STEPS, seed=10 + PROCESSES.index(process))
    for tau in (0.5, 1.0):
        exact = marginal(target, process, tau).sample(EXACT, seed=101)
        assert ks_projections(traj.at(tau), exact) > 0.01, tau


@pytest.mark.parametrize("kind", ["cosine", "constant"])
@pytest.mark.parametrize("process", ["reverse_sde", "probability_flow"])
def test_other_schedules_from_the_exact_noise_marginal(kind, process) -> None:
    """Started from the exact p_{s=1} (x_start), the samplers follow p_s for any schedule."""
    target, sched = default_target(1), NoiseSchedule(kind)
    start = marginal(target, process, 0.0, sched).sample(N, seed=5)
    end = sample_final(target, process, N, STEPS, seed=6, schedule=sched, x_start=start)
    exact = target.sample(EXACT, seed=102)
    assert stats.ks_2samp(end[:, 0], exact[:, 0]).pvalue > 0.01


def test_tau_end_stops_early() -> None:
    target = default_target(1)
    traj = sample(target, "flow_matching", N, 200, seed=3, tau_end=0.5)
    np.testing.assert_allclose(traj.tau, np.linspace(0, 0.5, 201), rtol=1e-15, atol=0)
    exact = interpolant_marginal(target, 0.5).sample(EXACT, seed=103)
    assert stats.ks_2samp(traj.final[:, 0], exact[:, 0]).pvalue > 0.01


@pytest.mark.parametrize("process", PROCESSES)
def test_too_few_steps_visibly_miss_the_target(process) -> None:
    """The GUI relies on this: with 3 explicit steps the end law is clearly wrong."""
    target = default_target(1)
    end = sample_final(target, process, N, 3, seed=4)
    exact = target.sample(EXACT, seed=104)
    assert stats.ks_2samp(end[:, 0], exact[:, 0]).pvalue < 1e-6


@pytest.mark.parametrize("process", ["probability_flow", "flow_matching"])
def test_1d_odes_preserve_the_order_of_particles(process) -> None:
    traj = sample(default_target(1), process, 2000, 200, seed=8)
    np.testing.assert_array_equal(np.argsort(traj.x[0, :, 0]), np.argsort(traj.x[-1, :, 0]))


@pytest.mark.parametrize("process", PROCESSES)
def test_samplers_are_reproducible(process) -> None:
    target = default_target(2)
    a = sample(target, process, 300, 50, seed=12)
    b = sample(target, process, 300, 50, seed=12)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(sample_final(target, process, 300, 50, seed=12), a.final)
    assert not np.array_equal(sample(target, process, 300, 50, seed=13).x, a.x)
    start = np.full((300, 2), 0.5)
    c = sample(target, process, 300, 50, seed=12, x_start=start)
    np.testing.assert_array_equal(c.x[0], start)
    assert a.x.flags.writeable is False


def test_trajectory_helpers_and_empty_runs() -> None:
    traj = sample(default_target(1), "flow_matching", 10, 20, seed=0)
    assert isinstance(traj, Trajectory)
    assert (traj.steps, traj.n, traj.dim) == (20, 10, 1)
    assert traj.index(0.52) == 10
    np.testing.assert_array_equal(traj.at(0.5), traj.x[10])
    empty = sample(default_target(2), "reverse_sde", 0, 5, seed=0)
    assert empty.x.shape == (6, 0, 2)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"process": "ddpm"}, "process"),
        ({"n": -1}, "n"),
        ({"n": MAX_PARTICLES + 1}, "n"),
        ({"n": 2.5}, "n"),
        ({"steps": 0}, "steps"),
        ({"steps": MAX_STEPS + 1}, "steps"),
        ({"n": MAX_PARTICLES, "steps": 100}, "steps"),  # 1.6 GB of path
        ({"seed": -1}, "seed"),
        ({"tau_end": 0.0}, "tau_end"),
        ({"tau_end": 1.5}, "tau_end"),
        ({"x_start": np.zeros((3, 2))}, "x_start"),
        ({"x_start": np.zeros((10, 3))}, "x_start"),
        ({"schedule": "linear"}, "schedule"),
    ],
)
def test_sampler_validation(kwargs, field) -> None:
    args = {"process": "flow_matching", "n": 10, "steps": 5, "seed": 0} | kwargs
    with pytest.raises(ValueError, match=field):
        sample(default_target(2), **args)


def test_sample_final_allows_paths_too_large_to_store() -> None:
    target = default_target(1)
    with pytest.raises(ValueError, match="steps"):  # 10⁶·51·8 bytes > 400 MB
        sample(target, "flow_matching", MAX_PARTICLES, 50, seed=0)
    end = sample_final(target, "flow_matching", MAX_PARTICLES, 3, seed=0)
    assert end.shape == (MAX_PARTICLES, 1) and np.all(np.isfinite(end))


# --------------------------------------------------------------------------------------------
# pictures
# --------------------------------------------------------------------------------------------


def test_grid_density_orientation_and_mass() -> None:
    two = default_target(2)
    xs, ys = np.linspace(-5, 5, 121), np.linspace(-4.5, 4.5, 101)
    z = grid_density(two, xs, ys)
    assert z.shape == (ys.size, xs.size)
    assert z[7, 90] == pytest.approx(float(two.pdf([xs[90], ys[7]])), rel=1e-14)
    assert integrate.trapezoid(integrate.trapezoid(z, xs, axis=1), ys) == pytest.approx(
        1.0, abs=1e-4
    )
    one = default_target(1)
    np.testing.assert_array_equal(grid_density(one, xs), one.pdf(xs))
    with pytest.raises(ValueError, match="ys"):
        grid_density(two, xs)
    with pytest.raises(ValueError, match="ys"):
        grid_density(one, xs, ys)


@pytest.mark.parametrize("axis_aligned", [True, False])
def test_grid_density_is_the_mixture_density_at_every_grid_point(axis_aligned) -> None:
    """Heat maps of mixtures with diagonal covariances (the transport tab's, isotropic) are
    evaluated factor by factor (_separable_density); any mixture's grid agrees with
    scipy's bivariate normal densities, summed, far into the tails."""
    rng = np.random.default_rng(5)
    k = 4
    if axis_aligned:
        covs = np.array([np.diag(d) for d in rng.uniform(0.05, 2.0, (k, 2))])
    else:
        covs = random_mixture(2, k, 6).covs
    mixture = GaussianMixture(rng.uniform(0.1, 1.0, k), rng.uniform(-2, 2, (k, 2)), covs)
    xs, ys = np.linspace(-16, 16, 61), np.linspace(-14, 15, 47)
    z = grid_density(mixture, xs, ys)
    gx, gy = np.meshgrid(xs, ys)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    expected = sum(
        w * stats.multivariate_normal(m, c).pdf(points)
        for w, m, c in zip(mixture.weights, mixture.means, mixture.covs, strict=True)
    ).reshape(z.shape)
    assert expected.min() < 1e-30  # the tails are in the test
    np.testing.assert_allclose(z, expected, rtol=1e-12, atol=1e-300)


def test_vector_field_orientation() -> None:
    two = default_target(2)
    xs, ys = np.linspace(-3, 3, 7), np.linspace(-2, 2, 5)
    for process in PROCESSES:
        u, v = vector_field(two, process, 0.4, xs, ys)
        assert u.shape == v.shape == (5, 7)
        ref = velocity(two, process, 0.4, [xs[6], ys[1]])
        np.testing.assert_allclose([u[1, 6], v[1, 6]], ref, rtol=1e-12)
    with pytest.raises(ValueError, match="2-D"):
        vector_field(default_target(1), "flow_matching", 0.4, xs, ys)


def test_all_schedule_kinds_are_listed() -> None:
    assert set(SCHEDULE_KINDS) == {"linear", "cosine", "constant"}
    assert PROCESSES == ("reverse_sde", "probability_flow", "flow_matching")


def test_sample_with_frames_keeps_the_same_particles_at_fewer_times():
    target = default_target(2)
    full = sample(target, "reverse_sde", 50, 300, seed=4)
    kept = sample(target, "reverse_sde", 50, 300, seed=4, frames=7)
    assert len(kept.tau) == 8 and kept.tau[0] == 0.0 and kept.tau[-1] == 1.0
    for tau, x in zip(kept.tau, kept.x, strict=True):
        np.testing.assert_array_equal(x, full.x[np.argmin(np.abs(full.tau - tau))])
    assert len(sample(target, "flow_matching", 5, 3, seed=0, frames=100).tau) == 4


def test_sample_stops_when_cancelled():
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 5

    with pytest.raises(SamplingCancelledError):
        sample(default_target(1), "flow_matching", 10, 1000, seed=0, cancel=cancel)
    assert len(calls) == 6


def test_interpolate_between_stored_frames_is_the_euler_path():
    """Keeping every 10th step and interpolating gives the stored ODE path where it is stored,
    and an Euler step is a straight line: halfway through a step is the mean of its ends."""
    every = sample(default_target(1), "flow_matching", 20, 10, seed=1)
    middle = 0.5 * (every.tau[3] + every.tau[4])
    np.testing.assert_allclose(every.interpolate(middle), 0.5 * (every.x[3] + every.x[4]))
    np.testing.assert_array_equal(every.interpolate(every.tau[7]), every.x[7])
    np.testing.assert_array_equal(every.interpolate(1.0), every.final)


# --------------------------------------------------------------------------------------------
# several processes at once, and the table of rows
# --------------------------------------------------------------------------------------------


def test_sample_processes_draws_each_process_as_sample_does():
    target, schedule = default_target(1), NoiseSchedule("cosine")
    request = SamplingRequest(target, list(PROCESSES), 30, 40, 7, schedule, frames=10)
    reports = []
    result = sample_processes(request, progress=lambda *done: reports.append(done))
    assert isinstance(result, SamplingResult) and result.request is request
    assert list(result.trajectories) == list(PROCESSES) and request.processes == PROCESSES
    assert reports == [(1, 3), (2, 3), (3, 3)]
    for process, trajectory in result.trajectories.items():
        alone = sample(target, process, 30, 40, 7, schedule, frames=10)
        np.testing.assert_array_equal(trajectory.x, alone.x)
        np.testing.assert_array_equal(trajectory.x[0], result.trajectories["flow_matching"].x[0])
    assert result.seconds > 0 and result.particle_steps_per_second == pytest.approx(
        30 * 40 * 3 / result.seconds
    )


def test_sample_processes_returns_none_when_cancelled():
    request = SamplingRequest(default_target(2), ("reverse_sde",), 10, 100, 0)
    assert sample_processes(request, cancel=lambda: True) is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"target": None}, "target"),
        ({"processes": ()}, "processes"),
        ({"processes": ("flow_matching", "flow_matching")}, "processes"),
        ({"processes": "flow_matching"}, "processes"),
        ({"processes": ("ddpm",)}, "processes"),
        ({"n": -1}, "n"),
        ({"steps": 0}, "steps"),
        ({"seed": -1}, "seed"),
        ({"schedule": None}, "schedule"),
        ({"frames": 0}, "frames"),
    ],
)
def test_sampling_request_refuses_bad_fields(changes, field):
    valid = {"target": default_target(1), "processes": PROCESSES, "n": 5, "steps": 3, "seed": 0}
    with pytest.raises(ValueError, match=field):
        SamplingRequest(**{**valid, **changes})


def test_rows_and_mixtures_convert_both_ways():
    for dim in (1, 2):
        target = default_target(dim)
        rows = target.rows()
        assert len(rows) == target.k and all(len(row) == dim + 2 for row in rows)
        assert_same_mixture(GaussianMixture.from_rows(rows), target)
    assert default_target(1).rows() == [[0.3, -2.0, 0.4], [0.7, 1.5, 0.5]]  # the docstring's
    table = [[2.0, 0.0, 1.0, 0.5], [6.0, -1.0, 2.0, 0.25]]  # weights 1 : 3
    mix = GaussianMixture.from_rows(table)
    np.testing.assert_allclose(mix.weights, [0.25, 0.75])
    np.testing.assert_array_equal(mix.covs[1], 0.0625 * np.eye(2))
    assert mix.rows() == [[0.25, 0.0, 1.0, 0.5], [0.75, -1.0, 2.0, 0.25]]
    with pytest.raises(ValueError, match="rows"):
        random_mixture(2, 2, seed=3).rows()  # anisotropic: not a row
    with pytest.raises(ValueError, match="rows"):
        GaussianMixture.from_rows([[1.0, 0.0]])


def test_histogram_distance_of_exact_samples_falls_as_one_over_root_n():
    """1-D: against the exact bin averages E|h_i − p̄_i| ≈ √(2 m_i/(π n))/w_i, so the distance
    of n exact samples is about ½ Σ_i √(2 m_i/(π n)) (m_i the bin masses, from scipy)."""
    target = default_target(1)
    edges = np.linspace(-4.0, 4.0, 65)
    masses = sum(
        w * np.diff(stats.norm(m[0], math.sqrt(c[0, 0])).cdf(edges))
        for w, m, c in zip(target.weights, target.means, target.covs, strict=True)
    )
    for n in (1_000, 100_000, 1_000_000):
        x = target.sample(n, seed=n)[:, 0]
        expected = 0.5 * np.sum(np.sqrt(2 * masses / (math.pi * n)))
        distance = histogram_distance(target, histogram(x, edges), edges)
        assert 0.6 * expected < distance < 1.4 * expected, n
    assert distance < 0.005
    exact = masses / np.diff(edges)
    assert histogram_distance(target, exact, edges) == pytest.approx(0.0, abs=1e-12)


def test_histogram_distance_in_2d_uses_the_density_at_the_cell_centres():
    target = default_target(2)
    edges = np.linspace(-4.0, 4.0, 21)
    centres = 0.5 * (edges[1:] + edges[:-1])
    cx, cy = np.meshgrid(centres, centres)
    midpoint = mixture_pdf_scipy(target, np.column_stack([cx.ravel(), cy.ravel()]))
    midpoint = midpoint.reshape(cx.shape)
    area = (edges[1] - edges[0]) ** 2
    assert histogram_distance(target, midpoint, edges, edges) == pytest.approx(0, abs=1e-12)
    flat = np.full(cx.shape, 1.0 / 64.0)  # uniform on the box [−4, 4]²
    by_hand = 0.5 * np.abs(flat - midpoint).sum() * area
    assert histogram_distance(target, flat, edges, edges) == pytest.approx(by_hand, rel=1e-12)
    # exact samples: the distance falls to the midpoint rule's own error, ½Σ|cell mean − p(c)|
    cell = np.diff(stats.norm.cdf((edges[None, :] - target.means[:, :1]) / 0.35), axis=1)
    cell_y = np.diff(stats.norm.cdf((edges[None, :] - target.means[:, 1:]) / 0.35), axis=1)
    means = np.einsum("k,ki,kj->ij", target.weights, cell_y, cell) / area  # rows y
    floor = 0.5 * np.abs(means - midpoint).sum() * area
    xy = target.sample(400_000, seed=2)
    sampled = histogram_distance(target, histogram_2d(xy, edges, edges), edges, edges)
    assert sampled == pytest.approx(floor, abs=0.005)


# --------------------------------------------------------------------------------------------
# many isotropic components (a target fitted to a picture): the matrix-product path
# --------------------------------------------------------------------------------------------


def many_components(dim: int, k: int = 256, seed: int = 3) -> GaussianMixture:
    rng = np.random.default_rng(seed)
    means = rng.uniform(-3.0, 3.0, (k, dim))
    return GaussianMixture.isotropic(rng.uniform(0.01, 1.0, k), means, rng.uniform(0.05, 0.4, k))


def direct_terms(mix: GaussianMixture, x: np.ndarray) -> np.ndarray:
    """log w_k N(x; m_k, s_k² I), term by term, written out here (n, k)."""
    s2 = mix.stds**2
    squared = ((x[:, None, :] - mix.means[None, :, :]) ** 2).sum(axis=2)
    return np.log(mix.weights) - 0.5 * squared / s2 - 0.5 * mix.dim * np.log(2 * np.pi * s2)


@pytest.mark.parametrize("dim", [1, 2])
def test_many_components_density_score_and_flow_match_the_formulas(dim):
    mix = many_components(dim)
    x = np.random.default_rng(9).uniform(-5.0, 5.0, (3000, dim))
    terms = direct_terms(mix, x)
    np.testing.assert_allclose(mix.log_pdf(x), logsumexp(terms, axis=1), rtol=1e-11, atol=1e-11)
    r = softmax(terms, axis=1)
    np.testing.assert_allclose(mix.responsibilities(x), r, rtol=1e-9, atol=1e-14)
    score = np.einsum(
        "nk,nkd->nd", r, (mix.means[None] - x[:, None]) / mix.stds[None, :, None] ** 2
    )
    np.testing.assert_allclose(mix.score(x), score, rtol=1e-8, atol=1e-8)
    tau = 0.6  # v = Σ r_k [m_k + (τ s_k² − (1 − τ))/C_k (x − τ m_k)], C_k = τ² s_k² + (1 − τ)²
    c = tau**2 * mix.stds**2 + (1 - tau) ** 2
    mid = GaussianMixture.isotropic(mix.weights, tau * mix.means, np.sqrt(c))
    r_tau = softmax(direct_terms(mid, x), axis=1)
    gain = (tau * mix.stds**2 - (1 - tau)) / c
    conditional = mix.means[None] + gain[None, :, None] * (x[:, None] - tau * mix.means[None])
    expected = np.einsum("nk,nkd->nd", r_tau, conditional)
    np.testing.assert_allclose(flow_matching_velocity(mix, tau, x), expected, rtol=1e-8, atol=1e-8)


def test_many_components_on_a_grid_are_the_density_at_each_node():
    mix = many_components(2)
    xs, ys = np.linspace(-4, 4, 61), np.linspace(-3.5, 4.5, 47)
    z = grid_density(mix, xs, ys)
    gx, gy = np.meshgrid(xs, ys)
    direct = np.exp(direct_terms(mix, np.column_stack([gx.ravel(), gy.ravel()])))
    np.testing.assert_allclose(z, direct.sum(axis=1).reshape(47, 61), rtol=1e-12, atol=1e-300)


def test_points_far_out_leave_the_matrix_product_and_stay_exact():
    mix = many_components(2, k=20)
    far = np.array([[400.0, -350.0], [1e4, 2e4]])  # (|x|² + |m|²)/s² beyond the limit
    terms = direct_terms(mix, far)
    np.testing.assert_allclose(mix.log_pdf(far), logsumexp(terms, axis=1), rtol=1e-13)
    assert np.all(np.isfinite(mix.score(far)))
