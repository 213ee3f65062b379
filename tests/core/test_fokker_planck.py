"""Tests for core.fokker_planck (eq. 9.4 with μ = −V′; eq. 9.8 at σ = 0).

References: Ornstein–Uhlenbeck moments in closed form, the discrete Boltzmann density
exp(−2V_i/σ²)/Z written out here, the OU spectrum (relaxation rates k, 2k, 3k, …), Kramers'
law written out, and exact translation of a bump at constant velocity.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.fokker_planck import FokkerPlanck1D, gth_factor, sg_coefficients
from core.langevin import Gaussian, double_well, from_expression, harmonic

GRID = np.linspace(-3.0, 3.0, 301)


class RandomSmooth:
    """A random smooth confining potential: a few Fourier modes plus a quartic wall."""

    name = "random"
    description = "random smooth V"

    def __init__(self, seed: int, scale: tuple[float, float] = (0.5, 4.0)) -> None:
        rng = np.random.default_rng(seed)
        self.a = rng.normal(scale=rng.uniform(*scale), size=6)
        self.k = rng.uniform(0.5, 4.0, size=6)
        self.phase = rng.uniform(0, 2 * np.pi, size=6)

    def V(self, x):
        x = np.asarray(x, dtype=float)
        return 0.1 * x**4 + np.sum(
            self.a[:, None] * np.sin(self.k[:, None] * x + self.phase[:, None]), axis=0
        )

    def dV(self, x):
        x = np.asarray(x, dtype=float)
        return 0.4 * x**3 + np.sum(
            (self.a * self.k)[:, None] * np.cos(self.k[:, None] * x + self.phase[:, None]), axis=0
        )


def discrete_boltzmann(V_values, sigma, h):
    w = np.exp(-2.0 * (V_values - V_values.min()) / sigma**2)
    return w / (w.sum() * h)


# --------------------------------------------------------------------------------------------
# exact discrete properties
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_mass_and_positivity_under_random_potentials_and_time_steps(seed) -> None:
    rng = np.random.default_rng(100 + seed)
    pot = RandomSmooth(seed)
    sigma = float(rng.choice([0.0, 0.05, 0.3, 1.0, 3.0]))
    x = np.linspace(-3.0, 3.0, int(rng.integers(3, 400)))
    p0 = rng.uniform(0, 1, size=x.size) * (rng.uniform(size=x.size) < 0.5)
    p0[int(rng.integers(x.size))] += 1.0
    fp = FokkerPlanck1D(pot, sigma, x, p0)
    assert math.isclose(fp.mass(), 1.0, rel_tol=1e-14)
    for dt in 10.0 ** rng.uniform(-6, 12, size=12):
        fp.step(float(dt), int(rng.integers(1, 4)))
        assert np.all(fp.p >= 0.0)
        assert abs(fp.mass() - 1.0) < 1e-13


@pytest.mark.parametrize("seed", range(4))
def test_a_step_much_longer_than_the_slowest_time_gives_the_discrete_boltzmann(seed) -> None:
    rng = np.random.default_rng(200 + seed)
    pot = RandomSmooth(seed, scale=(0.2, 1.0))
    sigma = float(rng.choice([1.0, 2.0, 3.0]))
    x = np.linspace(-3.0, 3.0, int(rng.integers(50, 400)))
    fp = FokkerPlanck1D(pot, sigma, x, rng.uniform(size=x.size))
    lam1 = fp.relaxation_rates(1)[0]
    assert lam1 > 1e-6  # mild wells: the slowest rate is well resolved
    fp.step(1e13 / lam1)  # backward Euler damps every mode by ≤ 1/(1 + λ₁ dt) ≈ 1e-13
    ref = discrete_boltzmann(pot.V(x), sigma, fp.h)
    assert np.max(np.abs(fp.p - ref)) < 1e-10 * ref.max()


def test_generator_conserves_mass_and_annihilates_the_discrete_boltzmann_density() -> None:
    for sigma in (0.2, 0.7, 2.0):
        pot = RandomSmooth(42)
        fp = FokkerPlanck1D(pot, sigma, GRID, Gaussian(0.0, 1.0))
        L = fp.generator().toarray()
        assert np.all(L - np.diag(np.diag(L)) >= 0.0)  # M-matrix sign pattern
        np.testing.assert_allclose(L.sum(axis=0), 0.0, atol=1e-9 * np.abs(L).max())
        ref = discrete_boltzmann(pot.V(GRID), sigma, fp.h)
        np.testing.assert_allclose(fp.stationary(), ref, rtol=1e-12, atol=1e-300)
        residual = np.abs(L @ ref).max() / (np.abs(L).max() * ref.max())
        assert residual < 1e-13
    # the null space, computed independently by a dense eigensolver (mild potential, so that
    # the other eigenvalues are well separated from 0)
    fp = FokkerPlanck1D(double_well(1.0), 1.0, GRID, Gaussian(0.0, 1.0))
    w, vecs = np.linalg.eig(fp.generator().toarray())
    null = np.real(vecs[:, np.argmin(np.abs(w))])
    null = null / (null.sum() * fp.h)
    ref = discrete_boltzmann(double_well(1.0).V(GRID), 1.0, fp.h)
    np.testing.assert_allclose(null, ref, atol=1e-10 * ref.max())


def test_long_time_stepping_reaches_the_discrete_boltzmann_density() -> None:
    pot, sigma = double_well(1.0), 0.9
    fp = FokkerPlanck1D(pot, sigma, GRID, 2.0)  # all mass in one cell at x = 2
    for _ in range(60):
        fp.step(5.0)  # t = 300 ≫ 1/λ₁ ≈ 8
    ref = discrete_boltzmann(pot.V(GRID), sigma, fp.h)
    assert np.max(np.abs(fp.p - ref)) < 1e-10
    assert fp.summary().fraction_right == pytest.approx(0.5, abs=1e-10)


def test_sg_coefficients_detailed_balance_and_limits() -> None:
    V = np.array([0.0, 1.0, 1.0, -50.0, 800.0])
    h = 0.1
    for sigma in (1e-3, 0.5, 3.0):
        a, b = sg_coefficients(V, sigma, h)
        D = sigma**2 / 2
        assert np.all(a >= 0) and np.all(b >= 0) and np.all(np.isfinite(a + b))
        dV = np.diff(V)
        # β/α = exp(ΔV/D) where both are representable
        ok = (a > 1e-250) & (b > 1e-250)
        np.testing.assert_allclose(np.log(b[ok] / a[ok]), dV[ok] / D, rtol=1e-12, atol=1e-12)
        assert a[1] == b[1] == D / h  # flat face: pure diffusion
    a0, b0 = sg_coefficients(V, 0.0, h)
    # upwind: face velocity −ΔV/h carried from the upstream cell
    np.testing.assert_allclose(a0, np.maximum(-np.diff(V) / h, 0))
    np.testing.assert_allclose(b0, np.maximum(np.diff(V) / h, 0))


def test_factorisation_is_cached_and_reproduces_the_matrix() -> None:
    fp = FokkerPlanck1D(RandomSmooth(3), 0.4, GRID, Gaussian(0.0, 0.5))
    fp.step(0.01)
    first = fp._factor
    fp.step(0.01, 3)
    assert fp._factor is first
    fp.step(0.02)
    assert fp._factor is not first
    fp.set_sigma(0.5)
    assert fp._factor is None
    for dt in (1e-3, 1.0, 1e8):
        A = np.eye(GRID.size) - dt * fp.generator().toarray()
        dl, d, du, _, _ = gth_factor(dt * fp._alpha / fp.h, dt * fp._beta / fp.h)
        lower = np.eye(GRID.size) + np.diag(dl, -1)
        upper = np.diag(d) + np.diag(du, 1)
        assert np.all(d > 0) and np.all(dl <= 0) and np.all(du <= 0)
        np.testing.assert_allclose(lower @ upper, A, rtol=1e-12, atol=1e-12 * np.abs(A).max())


def test_enormous_steps_stay_accurate_in_deep_wells() -> None:
    # ΔV/D = 32 and V/D up to ~2000 at the walls: p∞ spans hundreds of decades, λ₁ ~ 1e-12,
    # and dt·|L| ~ 1e34 ≫ 1/ε, where eliminating by subtraction loses every digit
    pot, sigma = double_well(4.0), 0.5
    fp = FokkerPlanck1D(pot, sigma, GRID, 1.5)
    fp.step(1e30)
    ref = discrete_boltzmann(pot.V(GRID), sigma, fp.h)
    assert np.all(fp.p >= 0)
    assert abs(fp.mass() - 1.0) < 1e-14
    big = ref > 1e-250
    np.testing.assert_allclose(fp.p[big], ref[big], rtol=1e-9)


# --------------------------------------------------------------------------------------------
# physics against closed forms
# --------------------------------------------------------------------------------------------


def test_ornstein_uhlenbeck_moments_to_1e_3() -> None:
    k, sigma, x0, s0 = 1.0, 1.0, 1.0, 0.1
    x = np.linspace(-5.0, 5.0, 1001)
    fp = FokkerPlanck1D(harmonic(k), sigma, x, ("gaussian", x0, s0))
    dt = 1e-3
    for t_target in (0.25, 0.5, 1.0, 2.0):
        fp.step(dt, int(round((t_target - fp.t) / dt)))
        t = fp.t
        mean = x0 * math.exp(-k * t)
        var = s0**2 * math.exp(-2 * k * t) + sigma**2 / (2 * k) * (1 - math.exp(-2 * k * t))
        s = fp.summary()
        assert abs(s.mean - mean) < 1e-3
        assert abs(s.variance - var) < 1e-3
        assert abs(s.mass - 1.0) < 1e-13


def test_ornstein_uhlenbeck_relaxation_rates_are_k_2k_3k() -> None:
    k = 2.0
    x = np.linspace(-4.0, 4.0, 801)
    fp = FokkerPlanck1D(harmonic(k), 1.0, x, 0.0)
    rates = fp.relaxation_rates(3)
    np.testing.assert_allclose(rates, [k, 2 * k, 3 * k], rtol=2e-3)


@pytest.mark.parametrize("barrier_over_kT", [5.0, 6.0, 8.0])
def test_double_well_slowest_rate_follows_kramers(barrier_over_kT) -> None:
    sigma = 1.0
    kT = sigma**2 / 2
    depth = barrier_over_kT * kT  # ΔV = depth for V = depth (x² − 1)²
    x = np.linspace(-2.5, 2.5, 801)
    fp = FokkerPlanck1D(double_well(depth), sigma, x, -1.0)
    lam = fp.relaxation_rates(2)
    # Kramers, overdamped, written out: √(V″(min)|V″(max)|)/(2π) e^{−ΔV/kT} per well,
    # V″(±1) = 8·depth, V″(0) = −4·depth; the population difference decays at twice that
    escape = math.sqrt(8 * depth * 4 * depth) / (2 * math.pi) * math.exp(-depth / kT)
    assert lam[0] == pytest.approx(2 * escape, rel=0.12)
    assert lam[1] > 50 * lam[0]  # a clear separation of time scales
    # the well population, stepped in time, decays at the same slowest rate
    fp.step(0.5 / lam[1] * 20, 4)  # intra-well transients die out
    q1 = 0.5 - fp.summary().fraction_right
    fp.step(0.1 / lam[0], 10)
    q2 = 0.5 - fp.summary().fraction_right
    fitted = -math.log(q2 / q1) / (1.0 / lam[0])
    # backward Euler damps a mode by 1/(1 + λ dt) per step: the fitted rate is ln(1 + λdt)/dt
    assert fitted == pytest.approx(math.log1p(0.1) / 0.1 * lam[0], rel=1e-3)


def test_transport_at_sigma_zero_carries_a_bump_without_spreading_much() -> None:
    c = 1.0  # V = −c x: constant velocity c to the right (eq. 9.6–9.8)
    x = np.linspace(-3.0, 3.0, 1201)
    fp = FokkerPlanck1D(from_expression("-x"), 0.0, x, ("gaussian", -1.0, 0.2))
    before = fp.summary()
    dt = 2e-3
    fp.step(dt, 1000)  # t = 2
    after = fp.summary()
    assert after.mean == pytest.approx(before.mean + 2.0 * c, abs=1e-6)
    # upwind backward Euler adds diffusion c(h + c dt)/2: variance grows by 2·D_num·t
    h = fp.h
    growth = 2 * (c * (h + c * dt) / 2) * 2.0
    assert after.variance - before.variance == pytest.approx(growth, rel=0.05)
    assert after.variance - before.variance < 0.02
    assert abs(fp.mass() - 1.0) < 1e-13 and np.all(fp.p >= 0)
    # a converging flow piles everything into the minimum: stationary() is its σ → 0 limit
    well = FokkerPlanck1D(harmonic(1.0), 0.0, x, ("uniform", -2.0, 2.0))
    well.step(1.0, 200)
    np.testing.assert_allclose(well.p, well.stationary(), atol=1e-6)
    with pytest.raises(ValueError, match="sigma > 0"):
        well.relaxation_rates()


# --------------------------------------------------------------------------------------------
# state handling and validation
# --------------------------------------------------------------------------------------------


def test_initial_conditions_and_set_potential_continue() -> None:
    fp = FokkerPlanck1D(harmonic(1.0), 0.5, GRID, ("uniform", -1.0, 1.0))
    assert fp.mass() == pytest.approx(1.0, abs=1e-14)
    assert fp.summary().mean == pytest.approx(0.0, abs=1e-12)
    assert fp.summary().variance == pytest.approx(1 / 3, abs=1e-3)
    g = FokkerPlanck1D(harmonic(1.0), 0.5, GRID, Gaussian(0.5, 0.3))
    assert g.summary().variance == pytest.approx(0.09, rel=1e-3)
    p_before = fp.p.copy()
    fp.set_potential(double_well(2.0))
    assert np.array_equal(fp.p, p_before)
    np.testing.assert_allclose(fp.V, double_well(2.0).V(GRID))
    fp.set_density(0.0)
    assert fp.p.max() == pytest.approx(1 / fp.h)
    with pytest.raises(ValueError):
        fp.p[0] = 1.0  # read-only


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ((harmonic(), 1.0, [0.0, 1.0], None), "at least 3"),
        ((harmonic(), 1.0, [0.0, 2.0, 1.0], [1, 1, 1]), "strictly increasing"),
        ((harmonic(), 1.0, [0.0, 1.0, 3.0], [1, 1, 1]), "uniformly spaced"),
        ((harmonic(), 1.0, [0.0, np.nan, 1.0], [1, 1, 1]), "finite"),
        ((harmonic(), -1.0, GRID, Gaussian(0, 1)), "sigma must be"),
        ((harmonic(), 1.0, GRID, np.zeros(GRID.size)), "positive"),
        ((harmonic(), 1.0, GRID, -np.ones(GRID.size)), "≥ 0"),
        ((harmonic(), 1.0, GRID, np.ones(5)), "shape"),
        (
            (
                from_expression("1/(x - 0.5)**2", (1.0, 2.0)),
                1.0,
                np.linspace(0.0, 1.0, 3),
                [1, 1, 1],
            ),
            "finite at every grid point",
        ),
        (("not a potential", 1.0, GRID, Gaussian(0, 1)), "potential must"),
    ],
)
def test_validation(args, fragment) -> None:
    with pytest.raises(ValueError, match=fragment):
        FokkerPlanck1D(*args)


def test_step_validation() -> None:
    fp = FokkerPlanck1D(harmonic(), 1.0, GRID, 0.0)
    for bad in (0.0, -1.0, float("nan"), float("inf"), "0.1"):
        with pytest.raises(ValueError, match="dt must be"):
            fp.step(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="k must be"):
        fp.step(0.1, -1)
    fp.step(0.1, 0)
    assert fp.t == 0.0
