"""Tests for core.langevin_run: the particles and p_t advanced together.

References: numpy's own histogram for p₀'s cell, a FokkerPlanck1D stepped here by hand for the
substeps, the Ornstein–Uhlenbeck stationary variance kT/k with kT = σ²/(2γ) (inertia) or σ²/2,
and bin averages written out for the distance.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import langevin as lv
from core.fokker_planck import FokkerPlanck1D
from core.langevin_run import PDE_DT, LangevinRun

EDGES = np.linspace(-3.0, 3.0, 121)  # bins of 0.05; 5 cells of 0.01 each by default


def cells(edges=EDGES, per_bin=5):
    """The cell edges and centres of p_t, as the run lays them out."""
    fine = np.linspace(edges[0], edges[-1], (edges.size - 1) * per_bin + 1)
    return fine, 0.5 * (fine[1:] + fine[:-1])


@pytest.mark.parametrize("x0", [0.375, -1.0, -3.0, 2.999])
def test_a_point_start_gives_p0_the_cell_of_the_particles(x0) -> None:
    run = LangevinRun(lv.double_well(), 50, 0.8, 0.005, 0, x0, edges=EDGES)
    fine, _ = cells()
    counts, _ = np.histogram([x0], fine)  # numpy's half-open bins
    h = fine[1] - fine[0]
    np.testing.assert_allclose(run.p, counts / h, rtol=1e-12)
    assert run.summary().distance == pytest.approx(0.0, abs=1e-12)  # both are the same delta


def test_a_point_start_outside_the_cells_is_refused() -> None:
    with pytest.raises(ValueError, match="x0"):
        LangevinRun(lv.double_well(), 50, 0.8, 0.005, 0, 3.0, edges=EDGES)  # [−3, 3) only


@pytest.mark.parametrize("x0", [("gaussian", -0.5, 0.3), ("uniform", -2.0, 1.0)])
def test_a_distributed_start_is_p0_itself(x0) -> None:
    run = LangevinRun(lv.harmonic(), 50, 0.8, 0.005, 0, x0, edges=EDGES)
    _, grid = cells()
    reference = FokkerPlanck1D(lv.harmonic(), 0.8, grid, x0)
    np.testing.assert_array_equal(run.p, reference.p)


def test_mass_is_conserved_and_the_particles_stay_counted() -> None:
    run = LangevinRun(lv.tilted_double_well(1.0, 0.3), 5000, 1.0, 0.01, 1, -1.0, edges=EDGES)
    for _ in range(5):
        run.step(40)
        assert run.pde.mass() == pytest.approx(1.0, abs=1e-12)
        assert np.all(run.p >= 0)
        inside = np.count_nonzero(np.abs(run.ensemble.x) < 3.0) / run.ensemble.n
        assert run.histogram().sum() * 0.05 == pytest.approx(inside, abs=1e-12)


@pytest.mark.parametrize(("k", "dt"), [(1, 0.005), (7, 0.005), (3, 0.0013), (50, 0.01)])
def test_p_t_substeps_cover_exactly_the_time_the_particles_ran(k, dt) -> None:
    run = LangevinRun(lv.double_well(), 200, 0.7, dt, 2, ("uniform", -1.0, 1.0), edges=EDGES)
    _, grid = cells()
    reference = FokkerPlanck1D(lv.double_well(), 0.7, grid, ("uniform", -1.0, 1.0))
    run.step(k)
    elapsed = run.ensemble.t  # k·dt, as the particles added it up
    assert elapsed == pytest.approx(k * dt, rel=1e-12)
    substeps = math.ceil(elapsed / PDE_DT - 1e-9)  # equal steps, none longer than PDE_DT
    reference.step(elapsed / substeps, k=substeps)
    assert run.pde.t == pytest.approx(run.t, rel=1e-12)
    np.testing.assert_array_equal(run.p, reference.p)


def test_after_a_divergence_p_t_stops_where_the_particles_did() -> None:
    """x ← (1 − k dt)x with k dt = 2.5: |x| = 1.5^i passes the bound 10⁸ at step 46."""
    run = LangevinRun(lv.harmonic(1.0), 10, 0.0, 2.5, 0, 1.0, edges=EDGES, pde_dt=0.5)
    fine, grid = cells()
    reference = FokkerPlanck1D(lv.harmonic(1.0), 0.0, grid, np.histogram([1.0], fine)[0])
    with pytest.raises(lv.DivergenceError):
        run.step(100)
    steps = math.floor(math.log(1e8) / math.log(1.5))
    assert run.t == pytest.approx(2.5 * steps) and run.pde.t == pytest.approx(run.t)
    reference.step(run.t / (2 * steps), k=2 * steps)  # substeps of 0.5 at most: exactly 0.5
    np.testing.assert_allclose(run.p, reference.p, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("sigma", "gamma", "k"), [(0.8, 4.0, 2.0), (1.2, 0.5, 1.0)])
def test_kT_with_inertia_gives_the_stationary_variance_of_the_ou_process(sigma, gamma, k) -> None:
    """V = k x²/2 with friction γ: positions N(0, kT/k) with kT = σ²/(2γ) (BAOAB is exact for
    the harmonic well's positions), where the overdamped kT = σ²/2 would be wrong."""
    n = 20_000
    run = LangevinRun(lv.harmonic(k), n, sigma, 0.05, 3, 0.0, edges=EDGES, gamma=gamma)
    assert run.inertia and run.pde is None and run.p is None
    kT = sigma**2 / (2 * gamma)
    assert run.kT == pytest.approx(kT)
    assert lv.effective_sigma(sigma, gamma) ** 2 / 2 == pytest.approx(kT)
    run.step(600)  # t = 30, many relaxation times (γ/k and m/γ)
    variance = kT / k
    assert np.var(run.ensemble.x) == pytest.approx(variance, rel=5 * math.sqrt(2 / n))
    x = np.linspace(-12.0, 12.0, 4001)
    p = run.boltzmann(x)
    assert np.trapezoid(x * x * p, x) == pytest.approx(variance, rel=1e-6)
    assert np.allclose(p, np.exp(-x * x / (2 * variance)) / math.sqrt(2 * math.pi * variance))


def test_overdamped_kT_is_half_sigma_squared() -> None:
    run = LangevinRun(lv.harmonic(2.0), 10, 0.6, 0.01, 0, 0.0, edges=EDGES)
    assert run.kT == pytest.approx(0.18) and run.gamma is None and not run.inertia
    x = np.linspace(-3.0, 3.0, 2001)
    assert np.trapezoid(x * x * run.boltzmann(x), x) == pytest.approx(0.18 / 2.0, rel=1e-6)


def test_the_binned_distance_of_the_readouts_by_hand() -> None:
    run = LangevinRun(lv.double_well(), 5000, 0.9, 0.01, 4, ("uniform", -2.0, 2.0), edges=EDGES)
    run.step(30)
    bins = run.p.reshape(-1, 5).mean(axis=1)  # p_t on the histogram's bins
    assert run.summary(bins).distance == pytest.approx(0.0, abs=1e-15)
    shifted = np.roll(bins, 3)
    by_hand = 0.5 * np.abs(shifted - bins).sum() * 0.05
    assert run.summary(shifted).distance == pytest.approx(by_hand, rel=1e-12)
    histogram = run.histogram()
    assert run.summary().distance == run.summary(histogram).distance
    summary = run.summary(histogram, barrier=0.5)
    assert summary.particles.fraction_right == np.mean(run.ensemble.x > 0.5)
    assert summary.density == run.pde.summary(0.5)


def test_setters_reach_the_particles_and_p_t() -> None:
    run = LangevinRun(lv.double_well(), 100, 0.8, 0.005, 0, -1.0, edges=EDGES)
    run.set_sigma(0.3)
    run.set_dt(0.002)
    assert run.ensemble.sigma == run.pde.sigma == run.sigma == 0.3 and run.dt == 0.002
    harmonic = lv.harmonic(3.0)
    run.set_potential(harmonic)
    assert run.ensemble.potential is harmonic and run.pde.potential is harmonic
    with pytest.raises(ValueError, match="gamma"):
        run.set_gamma(2.0)  # overdamped: no friction to set
    inertial = LangevinRun(harmonic, 100, 0.8, 0.005, 0, -1.0, edges=EDGES, gamma=1.0)
    inertial.set_gamma(2.5)
    assert inertial.gamma == 2.5 and inertial.kT == pytest.approx(0.64 / 5.0)


def test_a_2d_run_has_an_image_and_no_p_t() -> None:
    edges = np.linspace(-3.0, 3.0, 31)
    run = LangevinRun(lv.double_well_2d(), 4000, 0.8, 0.01, 0, (-1.0, 0.0), edges=edges, dim=2)
    run.step(20)
    image = run.histogram()
    assert image.shape == (30, 30) and image.sum() * 0.2**2 == pytest.approx(1.0, abs=1e-3)
    assert run.pde is None and run.p is None and run.summary().distance is None
    with pytest.raises(ValueError, match="x"):
        run.boltzmann(np.linspace(-1, 1, 5))
    with pytest.raises(ValueError, match="gamma"):
        LangevinRun(lv.double_well_2d(), 4, 0.8, 0.01, edges=edges, dim=2, gamma=1.0)
