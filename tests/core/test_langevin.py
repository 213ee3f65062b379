"""Tests for core.langevin (notes §9.1–9.2, with the corrected eq. 9.1).

References: the Ornstein–Uhlenbeck closed forms (mean x₀e^{−kt}, variance
σ²/(2k)(1 − e^{−2kt})), the Boltzmann density exp(−2V/σ²)/Z computed here by quadrature,
kT = σ²/(2γ) for the underdamped equation and Kramers' formula written out.  Monte-Carlo
comparisons use tolerances of several standard errors.
"""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest

from core import chunks
from core.densities import histogram
from core.langevin import (
    DEFAULT_BOUND,
    DivergenceError,
    DoubleWell,
    Ensemble,
    Ensemble2D,
    Gaussian,
    Harmonic,
    UnderdampedEnsemble,
    Uniform,
    boltzmann,
    boltzmann_2d,
    double_well,
    double_well_2d,
    from_expression,
    from_expression_2d,
    harmonic,
    initial_positions,
    kramers_rate,
    parse_initial_condition,
    summary,
    tilted_double_well,
)

X = np.linspace(-2.5, 2.5, 501)


def fd(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)


# --------------------------------------------------------------------------------------------
# potentials
# --------------------------------------------------------------------------------------------


def test_potentials_closed_forms_and_derivatives() -> None:
    h = harmonic(2.0)
    np.testing.assert_allclose(h.V(X), X**2, atol=1e-14)
    dw = tilted_double_well(1.5, 0.3)
    np.testing.assert_allclose(dw.V(X), 1.5 * (X**2 - 1) ** 2 + 0.3 * X, atol=1e-13)
    for p in (h, double_well(0.7), dw, from_expression("x**4/4 - x**2/2 + 0.2*sin(5*x)")):
        np.testing.assert_allclose(p.dV(X), fd(p.V, X), atol=1e-6)
        np.testing.assert_allclose(p.d2V(X), fd(p.dV, X), atol=1e-5)
        out = np.empty_like(X)
        p.dV_into(X, out)
        np.testing.assert_allclose(out, p.dV(X), atol=1e-12)
        if hasattr(p, "drift_into"):
            p.drift_into(X, 0.01, out)
            np.testing.assert_allclose(out, X - 0.01 * p.dV(X), atol=1e-12)
        assert p.name and p.description.startswith("V(x) =")
    assert double_well().name == "double well" and dw.name == "tilted double well"


def test_potential_parameters_are_validated_with_field_names() -> None:
    with pytest.raises(ValueError, match="k must be"):
        Harmonic(-1.0)
    with pytest.raises(ValueError, match="depth must be"):
        DoubleWell(depth=float("nan"))
    with pytest.raises(ValueError, match="tilt must be"):
        tilted_double_well(1.0, "a")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ky must be"):
        double_well_2d(1.0, -2.0)


def test_from_expression_matches_a_builtin_and_checks_finiteness() -> None:
    p = from_expression("x**4/4 - x**2/2")
    # x⁴/4 − x²/2 = (x² − 1)²/4 − 1/4: the double well of depth 1/4, shifted
    np.testing.assert_allclose(p.V(X), double_well(0.25).V(X) - 0.25, atol=1e-13)
    np.testing.assert_allclose(p.dV(X), double_well(0.25).dV(X), atol=1e-13)
    assert p.derivative_text == "x**3 - x"
    with pytest.raises(ValueError, match="not finite at x = "):
        from_expression("log(x)")
    with pytest.raises(ValueError, match="not finite"):
        from_expression("1/x")
    with pytest.raises(ValueError, match="not finite"):
        from_expression("exp(x**3)", reference=(-10.0, 10.0))
    with pytest.raises(ValueError, match="not allowed"):
        from_expression("__import__('os').system('true')")
    assert from_expression("sqrt(x)", reference=(0.5, 2.0)).V(np.array([4.0]))[0] == 2.0


def test_2d_potentials_gradient_and_expression_equivalence() -> None:
    p = double_well_2d(1.3, 2.0, 0.1)
    rng = np.random.default_rng(0)
    xy = rng.uniform(-2, 2, size=(200, 2))
    x, y = xy[:, 0], xy[:, 1]
    np.testing.assert_allclose(p.V(xy), 1.3 * (x**2 - 1) ** 2 + 0.1 * x + y**2, atol=1e-13)
    g = p.grad(xy)
    np.testing.assert_allclose(g[:, 0], 4 * 1.3 * x * (x**2 - 1) + 0.1, atol=1e-12)
    np.testing.assert_allclose(g[:, 1], 2.0 * y, atol=1e-14)
    out = np.empty_like(xy)
    p.drift_into(xy, 0.01, out)
    np.testing.assert_allclose(out, xy - 0.01 * g, atol=1e-12)
    e = from_expression_2d("1.3*(x**2 - 1)**2 + 0.1*x + 2*y**2/2")
    np.testing.assert_allclose(e.V(xy), p.V(xy), atol=1e-12)
    np.testing.assert_allclose(e.grad(xy), g, atol=1e-12)
    np.testing.assert_allclose(e.V_xy(x, y), p.V_xy(x, y), atol=1e-12)
    with pytest.raises(ValueError, match="not finite"):
        from_expression_2d("log(x*y)")


# --------------------------------------------------------------------------------------------
# initial conditions and validation
# --------------------------------------------------------------------------------------------


def test_initial_condition_forms() -> None:
    rng = np.random.default_rng(1)
    assert np.all(initial_positions(0.5, 4, rng) == 0.5)
    u = initial_positions(("uniform", -1.0, 3.0), 20000, rng)
    assert u.min() >= -1.0 and u.max() <= 3.0 and abs(u.mean() - 1.0) < 0.05
    g = initial_positions(["gaussian", 2.0, 0.5], 20000, rng)  # a list, as read from JSON
    assert abs(g.mean() - 2.0) < 0.02 and abs(g.std() - 0.5) < 0.02
    assert parse_initial_condition(("normal", 0.0, 1.0)) == Gaussian(0.0, 1.0)
    assert parse_initial_condition(("uniform", 0, 1)) == Uniform(0.0, 1.0)
    arr = np.arange(5.0)
    got = initial_positions(arr, 5, rng)
    arr[0] = 99.0
    assert got[0] == 0.0  # copied
    pts = initial_positions((1.0, -2.0), 3, rng, dim=2)
    assert pts.shape == (3, 2) and np.all(pts == [1.0, -2.0])
    g2 = initial_positions(Gaussian((1.0, 2.0), 0.1), 5000, rng, dim=2)
    np.testing.assert_allclose(g2.mean(axis=0), [1.0, 2.0], atol=0.01)
    with pytest.raises(ValueError, match="unknown distribution"):
        initial_positions(("cauchy", 0, 1), 3, rng)
    with pytest.raises(ValueError, match="lo ≤ hi"):
        Uniform(2.0, 1.0)
    with pytest.raises(ValueError, match="std must be"):
        Gaussian(0.0, -1.0)
    with pytest.raises(ValueError, match="expected"):
        initial_positions(np.zeros(4), 5, rng)
    with pytest.raises(ValueError, match="finite"):
        initial_positions(np.array([0.0, np.nan]), 2, rng)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"n": -1}, "n must be"),
        ({"n": 2.5}, "n must be"),
        ({"sigma": -0.1}, "sigma must be"),
        ({"sigma": float("inf")}, "sigma must be"),
        ({"dt": 0.0}, "dt must be"),
        ({"seed": -3}, "seed must be"),
        ({"seed": True}, "seed must be"),
        ({"x0": 1e9}, "bound"),
        ({"potential": object()}, "potential must be"),
    ],
)
def test_ensemble_validation(kwargs, fragment) -> None:
    args = {"potential": harmonic(), "n": 10, "sigma": 1.0, "dt": 0.01, "seed": 0}
    args.update(kwargs)
    with pytest.raises(ValueError, match=fragment):
        Ensemble(**args)


# --------------------------------------------------------------------------------------------
# overdamped dynamics
# --------------------------------------------------------------------------------------------


def test_ornstein_uhlenbeck_transient_within_monte_carlo_error() -> None:
    k, sigma, x0, n, dt = 1.5, 0.8, 1.2, 100_000, 1e-3
    ens = Ensemble(harmonic(k), n, sigma, dt, seed=7, x0=x0)
    for t_target in (0.3, 1.0):
        ens.step(int(round((t_target - ens.t) / dt)))
        t = ens.t
        mean = x0 * math.exp(-k * t)
        var = sigma**2 / (2 * k) * (1 - math.exp(-2 * k * t))
        # Euler–Maruyama's O(dt) bias, from its exact discrete moments, bounds the rest
        steps = ens.steps
        a = 1 - k * dt
        bias_mean = abs(x0 * a**steps - mean)
        bias_var = abs(sigma**2 * dt * (1 - a ** (2 * steps)) / (1 - a * a) - var)
        s = summary(ens.x)
        assert abs(s.mean - mean) < 5 * math.sqrt(var / n) + bias_mean
        assert abs(s.variance - var) < 5 * var * math.sqrt(2 / n) + bias_var
    assert math.isclose(ens.t, 1.0, rel_tol=1e-9)


def test_long_run_histogram_matches_boltzmann() -> None:
    # double well with kT = σ²/2 = 0.5 and barrier 1: a few relaxation times in t = 12
    pot, sigma, n, dt = double_well(1.0), 1.0, 20_000, 2e-3
    ens = Ensemble(pot, n, sigma, dt, seed=3, x0=("uniform", -2.0, 2.0))
    ens.step(6000)
    grid = np.linspace(-3.0, 3.0, 6001)
    p = boltzmann(pot, sigma, grid)
    # reference computed here, independently of boltzmann():
    w = np.exp(-2 * pot.V(grid) / sigma**2)
    np.testing.assert_allclose(p, w / np.trapezoid(w, grid), rtol=1e-12)
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (p[1:] + p[:-1]) * np.diff(grid))])
    xs = np.sort(ens.x)
    ecdf_hi = np.arange(1, n + 1) / n
    model = np.interp(xs, grid, cdf)
    ks = max(np.max(ecdf_hi - model), np.max(model - (ecdf_hi - 1.0 / n)))
    assert ks < 1.63 / math.sqrt(n)  # KS test at the 1 % level
    # binned chi-square with the fast histogram
    edges = np.linspace(-2.0, 2.0, 41)
    dens = histogram(ens.x, edges)
    expected = n * np.diff(np.interp(edges, grid, cdf))  # bin probabilities from the CDF
    observed = dens * n * np.diff(edges)
    chi2 = float(np.sum((observed - expected) ** 2 / expected))
    assert chi2 < 40 + 4 * math.sqrt(2 * 40)
    s = summary(ens.x)
    assert abs(s.fraction_right - 0.5) < 4 * 0.5 / math.sqrt(n) + 0.01


def test_same_seed_same_numbers_and_step_grouping() -> None:
    a = Ensemble(double_well(), 1000, 0.5, 0.01, seed=11, x0=("gaussian", 0.0, 1.0))
    b = Ensemble(double_well(), 1000, 0.5, 0.01, seed=11, x0=("gaussian", 0.0, 1.0))
    c = Ensemble(double_well(), 1000, 0.5, 0.01, seed=12, x0=("gaussian", 0.0, 1.0))
    a.step(5)
    for _ in range(5):
        b.step()
    c.step(5)
    assert np.array_equal(a.x, b.x)
    assert not np.array_equal(a.x, c.x)
    assert a.steps == 5 and math.isclose(a.t, 0.05)


def test_many_particles_cross_chunk_boundaries_reproducibly() -> None:
    n = 70_000 * 2 + 3  # several blocks, the last one short
    a = Ensemble(double_well(), n, 0.5, 0.01, seed=5, x0=("uniform", -1, 1))
    b = Ensemble(double_well(), n, 0.5, 0.01, seed=5, x0=("uniform", -1, 1))
    a.step(2)
    b.step(1)
    b.step(1)
    assert np.array_equal(a.x, b.x)
    assert np.all(np.isfinite(a.x))


@pytest.mark.parametrize(
    "make",
    [
        lambda n: Ensemble(double_well(), n, 0.5, 0.01, seed=5, x0=("uniform", -1, 1)),
        lambda n: Ensemble2D(double_well_2d(), n, 0.5, 0.01, seed=5, x0=(-1.0, 0.0)),
        lambda n: UnderdampedEnsemble(double_well(), n, 0.5, 1.0, 1.0, 0.01, seed=5, x0=-1.0),
    ],
    ids=["overdamped", "2-D", "underdamped"],
)
def test_same_seed_same_particles_whatever_the_number_of_threads(monkeypatch, make) -> None:
    """Each chunk owns its random stream, so a laptop with 2 cores and one with 8 agree."""
    n = 3 * chunks.CHUNK + 7
    runs = []
    for workers in (1, 2, 3):
        monkeypatch.setattr(chunks, "WORKERS", workers)
        ensemble = make(n)
        ensemble.step(4)
        runs.append(np.array(ensemble.x))
    assert all(np.array_equal(runs[0], other) for other in runs[1:])
    assert np.isfinite(runs[0]).all() and np.unique(runs[0]).size == n  # really stepped apart


def test_empty_ensemble_works() -> None:
    ens = Ensemble(double_well(), 0, 1.0, 0.01, seed=0, x0=("uniform", -1, 1))
    ens.step(10)
    assert ens.x.shape == (0,) and math.isclose(ens.t, 0.1)
    s = summary(ens.x)
    assert s.n == 0 and math.isnan(s.mean)
    assert np.all(histogram(ens.x, np.linspace(-1, 1, 5)) == 0)
    e2 = Ensemble2D(double_well_2d(), 0, 1.0, 0.01, seed=0)
    e2.step(3)
    assert e2.xy.shape == (0, 2)
    u = UnderdampedEnsemble(harmonic(), 0, 1.0, 1.0, 1.0, 0.1, seed=0, v0="thermal")
    u.step(3)
    assert u.x.shape == (0,) and u.v.shape == (0,)


def test_positions_are_a_read_only_view() -> None:
    ens = Ensemble(harmonic(), 10, 1.0, 0.01, seed=0)
    with pytest.raises(ValueError):
        ens.x[0] = 1.0


def test_divergence_raises_and_keeps_the_last_finite_state() -> None:
    ens = Ensemble(double_well(1.0), 500, 0.3, 1.0, seed=2, x0=3.0)
    with pytest.raises(DivergenceError) as info:
        ens.step(50)
    err = info.value
    assert isinstance(err, ValueError)
    assert "dt <" in str(err) and "dt = 1" in str(err)
    # V″(3) = 12·9 − 4 = 104 for depth 1: the hint is 1/104
    assert math.isclose(err.suggested_dt, 1 / 104, rel_tol=1e-9)
    assert np.all(np.isfinite(ens.x)) and np.max(np.abs(ens.x)) <= DEFAULT_BOUND
    assert ens.steps < 50 and math.isclose(ens.t, ens.steps * 1.0)
    assert ens.diverged
    before = ens.x.copy()
    with pytest.raises(DivergenceError) as again:
        ens.step()
    assert np.array_equal(ens.x, before)  # a failed step changes nothing
    # with the suggested dt the same start is stable
    ok = Ensemble(double_well(1.0), 500, 0.3, err.suggested_dt, seed=2, x0=3.0)
    ok.step(200)
    assert np.all(np.abs(ok.x) < 3.5) and not ok.diverged
    ens.set_dt(again.value.suggested_dt)  # the hint for the blown-up particles (≈ 1e-14)
    ens.step()
    assert not ens.diverged


def test_divergence_also_caught_for_custom_bound_2d_and_underdamped() -> None:
    e = Ensemble(harmonic(1.0), 100, 0.0, 3.0, seed=0, x0=1.0, bound=50.0)
    with pytest.raises(DivergenceError):
        e.step(10)  # |1 − 3|ⁿ = 2ⁿ passes 50 at n = 6
    assert np.all(np.abs(e.x) <= 50.0) and e.steps == 5
    e2 = Ensemble2D(double_well_2d(1.0, 1.0), 100, 0.2, 0.5, seed=0, x0=(2.5, 0.0))
    with pytest.raises(DivergenceError, match="dt <"):
        e2.step(100)
    assert np.all(np.isfinite(e2.xy))
    u = UnderdampedEnsemble(harmonic(4.0), 100, 1.0, 0.5, 1.0, 1.5, seed=0, x0=1.0)
    with pytest.raises(DivergenceError, match="dt <"):
        u.step(1000)  # BAOAB needs dt < 2/ω = 1
    assert np.all(np.isfinite(u.x)) and np.all(np.isfinite(u.v))


def test_set_potential_sigma_dt_continue_from_current_state() -> None:
    ens = Ensemble(harmonic(1.0), 2000, 0.0, 0.01, seed=0, x0=1.0)
    ens.step(100)
    np.testing.assert_allclose(ens.x, (1 - 0.01) ** 100)  # deterministic gradient flow
    here = ens.x.copy()
    ens.set_potential(harmonic(0.0))
    ens.set_sigma(1.0)
    ens.set_dt(0.001)
    assert np.array_equal(ens.x, here)
    ens.step(1000)  # free diffusion: variance σ² t
    assert abs(np.var(ens.x) - 1.0) < 5 * math.sqrt(2 / 2000)
    with pytest.raises(ValueError, match="dt must be"):
        ens.set_dt(-1.0)
    with pytest.raises(ValueError, match="potential must be"):
        ens.set_potential("x**2")


def test_duck_typed_potential_without_fast_kernels() -> None:
    class Quadratic:
        name = "quadratic"
        description = "V = x²"

        def V(self, x):
            return np.asarray(x) ** 2

        def dV(self, x):
            return 2.0 * np.asarray(x)

    a = Ensemble(Quadratic(), 300, 0.4, 0.01, seed=9, x0=("uniform", -1, 1))
    b = Ensemble(harmonic(2.0), 300, 0.4, 0.01, seed=9, x0=("uniform", -1, 1))
    a.step(50)
    b.step(50)
    np.testing.assert_allclose(a.x, b.x, atol=1e-12)


def test_expression_potential_follows_the_builtin() -> None:
    a = Ensemble(from_expression("x**4/4 - x**2/2"), 500, 0.6, 0.01, seed=4, x0=0.1)
    b = Ensemble(double_well(0.25), 500, 0.6, 0.01, seed=4, x0=0.1)
    a.step(200)
    b.step(200)
    np.testing.assert_allclose(a.x, b.x, atol=1e-9)


def test_typed_in_place_kernels_equal_the_typed_functions() -> None:
    """dV_into and grad_into write the compiled derivative straight into ``out``; other
    inputs (lists, other dtypes, other shapes, ``out`` overlapping the input) still work."""
    p = from_expression("x**4/4 - x**2/2 + 0.2*sin(5*x)")
    x = np.linspace(-2.5, 2.5, 40_001)  # several blocks
    out = np.full_like(x, np.nan)
    p.dV_into(x, out)
    np.testing.assert_array_equal(out, p.dV(x))
    np.testing.assert_allclose(out, x**3 - x + np.cos(5 * x), rtol=1e-13, atol=1e-13)
    same = x.copy()
    p.dV_into(same, same)
    np.testing.assert_array_equal(same, p.dV(x))
    out32 = np.empty(3, dtype=np.float32)
    p.dV_into([0.0, 1.0, 2.0], out32)
    np.testing.assert_allclose(out32, p.dV(np.array([0.0, 1.0, 2.0])), rtol=1e-6)
    column = np.empty((3, 1))
    p.dV_into(np.array([[0.5], [1.0], [1.5]]), column)
    np.testing.assert_array_equal(column[:, 0], p.dV(np.array([0.5, 1.0, 1.5])))

    e = from_expression_2d("x**4/4 - x**2/2 + y**2/2 + x*y**3")
    xy = np.random.default_rng(3).uniform(-2.0, 2.0, size=(20_000, 2))
    g = np.full_like(xy, np.nan)
    e.grad_into(xy, g)
    x, y = xy[:, 0], xy[:, 1]
    np.testing.assert_allclose(g[:, 0], x**3 - x + y**3, rtol=1e-13, atol=1e-12)
    np.testing.assert_allclose(g[:, 1], y + 3 * x * y**2, rtol=1e-13, atol=1e-12)
    np.testing.assert_array_equal(e.grad(xy), g)
    np.testing.assert_array_equal(e.grad(xy.reshape(100, 200, 2)), g.reshape(100, 200, 2))
    np.testing.assert_array_equal(e.grad(xy[7]), g[7])
    g32 = np.empty((2, 2), dtype=np.float32)
    e.grad_into(xy[:2].tolist(), g32)
    np.testing.assert_allclose(g32, g[:2], rtol=1e-6)
    # ∂V/∂x and ∂V/∂y are computed together: y**2 (in y**3 and 3·x·y²) once
    assert len(e._grad_kernel._program) < len(e._dx._kernel._program) + len(e._dy._kernel._program)


def test_typed_potentials_are_safe_to_evaluate_from_many_threads() -> None:
    """The ensembles call dV_into / grad_into of one potential from the thread pool at once:
    concurrent calls on chunks of different sizes give exactly the one-thread numbers."""
    p = from_expression("x**4/4 - x**2/2 + 0.2*sin(5*x) + (1 + x**2)**-2")
    e = from_expression_2d("(x**2 - 1)**2 + x*y**3 + cos(y)")
    rng = np.random.default_rng(6)
    sizes = [1, 100, 16_384, 16_385, 40_000, 5, 3_000, 20_000]
    xs = [rng.uniform(-2.0, 2.0, n) for n in sizes]
    xys = [rng.uniform(-2.0, 2.0, (n, 2)) for n in sizes]
    want = [(p.dV(x), e.grad(xy)) for x, xy in zip(xs, xys, strict=True)]
    start = threading.Barrier(len(sizes))
    wrong = []

    def work(i: int) -> None:
        out, g = np.empty_like(xs[i]), np.empty_like(xys[i])
        start.wait()
        for _ in range(40):
            p.dV_into(xs[i], out)
            e.grad_into(xys[i], g)
            if not (np.array_equal(out, want[i][0]) and np.array_equal(g, want[i][1])):
                wrong.append(i)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(sizes))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not wrong


def test_typed_potentials_step_like_their_builtin_twins_in_2d_and_with_inertia() -> None:
    a = Ensemble2D(from_expression_2d("x**4/4 - x**2/2 + y**2/2"), 50_000, 0.6, 0.01, seed=2)
    b = Ensemble2D(double_well_2d(0.25, 1.0), 50_000, 0.6, 0.01, seed=2)
    a.step(30)
    b.step(30)
    np.testing.assert_allclose(a.xy, b.xy, atol=1e-10)
    c = UnderdampedEnsemble(from_expression("x**4/4 - x**2/2"), 50_000, 0.6, 1.0, 1.0, 0.01, 5)
    d = UnderdampedEnsemble(double_well(0.25), 50_000, 0.6, 1.0, 1.0, 0.01, 5)
    c.step(30)
    d.step(30)
    np.testing.assert_allclose(c.x, d.x, atol=1e-10)
    np.testing.assert_allclose(c.v, d.v, atol=1e-10)


def test_ensemble_2d_stationary_moments() -> None:
    pot, sigma = double_well_2d(1.0, 2.0), 1.0
    ens = Ensemble2D(pot, 20_000, sigma, 2e-3, seed=8, x0=("gaussian", (0.0, 1.0), 0.3))
    ens.step(3000)
    n = ens.n
    # y is an independent OU process: variance kT/ky = σ²/(2 ky)
    var_y = sigma**2 / (2 * 2.0)
    assert abs(np.var(ens.y) - var_y) < 5 * var_y * math.sqrt(2 / n) + 0.01 * var_y
    # x marginal is the 1-D Boltzmann density of the double well
    grid = np.linspace(-3, 3, 3001)
    p = boltzmann(double_well(1.0), sigma, grid)
    second = np.trapezoid(grid**2 * p, grid)
    assert abs(np.mean(ens.x**2) - second) < 0.02
    img = boltzmann_2d(pot, sigma, grid[::20], grid[::20])
    assert img.shape == (grid[::20].size, grid[::20].size)
    assert math.isclose(np.trapezoid(np.trapezoid(img, grid[::20], axis=1), grid[::20]), 1.0)


# --------------------------------------------------------------------------------------------
# underdamped dynamics (BAOAB)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dt", [0.5, 1.2])
def test_baoab_configurational_variance_is_exact_in_a_harmonic_well(dt) -> None:
    k, m, gamma, sigma, n = 1.0, 1.0, 1.0, 1.2, 100_000
    kT = sigma**2 / (2 * gamma)  # fluctuation–dissipation
    ens = UnderdampedEnsemble(harmonic(k), n, sigma, gamma, m, dt, seed=21, x0=0.0, v0=0.0)
    assert math.isclose(ens.kT, kT)
    ens.step(int(60 / dt))
    var = float(np.var(ens.x))
    assert abs(var - kT / k) < 5 * (kT / k) * math.sqrt(2 / n)


def test_underdamped_thermal_start_and_temperature() -> None:
    kT_target = 0.3
    gamma, m = 2.0, 0.5
    sigma = math.sqrt(2 * gamma * kT_target)
    ens = UnderdampedEnsemble(
        double_well(1.0),
        50_000,
        sigma,
        gamma,
        m,
        0.01,
        seed=5,
        x0=("gaussian", 1.0, 0.2),
        v0="thermal",
    )
    assert abs(np.var(ens.v) - kT_target / m) < 0.02 * kT_target / m
    ens.step(300)
    # kinetic temperature stays kT (BAOAB's velocity error is O(dt²))
    assert abs(m * np.var(ens.v) - kT_target) < 0.02 * kT_target
    with pytest.raises(ValueError, match="gamma must be"):
        UnderdampedEnsemble(harmonic(), 1, 1.0, 0.0, 1.0, 0.1)
    with pytest.raises(ValueError, match="mass must be"):
        UnderdampedEnsemble(harmonic(), 1, 1.0, 1.0, -1.0, 0.1)
    with pytest.raises(ValueError, match="v0 must be"):
        UnderdampedEnsemble(harmonic(), 1, 1.0, 1.0, 1.0, 0.1, v0="hot")


# --------------------------------------------------------------------------------------------
# analysis helpers
# --------------------------------------------------------------------------------------------


def test_boltzmann_harmonic_is_the_gaussian() -> None:
    k, sigma = 2.0, 0.9
    p = boltzmann(harmonic(k), sigma, X)
    var = sigma**2 / (2 * k)
    np.testing.assert_allclose(
        p, np.exp(-(X**2) / (2 * var)) / math.sqrt(2 * math.pi * var), rtol=1e-6
    )
    deep = boltzmann(double_well(500.0), 0.1, X)  # exp(−10⁵) would underflow without shift
    assert np.all(np.isfinite(deep)) and math.isclose(np.trapezoid(deep, X), 1.0)
    with pytest.raises(ValueError, match="sigma must be"):
        boltzmann(harmonic(), 0.0, X)
    with pytest.raises(ValueError, match="strictly increasing"):
        boltzmann(harmonic(), 1.0, X[::-1])


def test_summary_and_kramers_rate_closed_forms() -> None:
    s = summary(np.array([-1.0, 1.0, 2.0, 2.0]), barrier=1.5)
    assert s.n == 4 and s.mean == 1.0 and s.variance == 1.5 and s.fraction_right == 0.5
    depth, sigma = 3.0, 1.0
    kT = sigma**2 / 2
    # V″(±1) = 8·depth, V″(0) = −4·depth, ΔV = depth
    expected = math.sqrt(8 * depth * 4 * depth) / (2 * math.pi) * math.exp(-depth / kT)
    assert math.isclose(kramers_rate(double_well(depth), sigma, -1.0, 0.0), expected)
    with pytest.raises(ValueError, match="V″"):
        kramers_rate(double_well(depth), sigma, 0.0, 1.0)
