"""Benchmark (printed, not asserted): cost of one overdamped Langevin step per particle.

At N = 10⁶ particles in the double well, ``Ensemble.step`` is compared with

- ``rng.standard_normal(out=buf)`` alone: drawing the noise is unavoidable, so this is the
  physical limit of any Euler–Maruyama step with NumPy's generator (target: the step within
  1.5× of it);
- a naive allocating NumPy step ``x = x - dV(x)*dt + sigma*sqrt(dt)*rng.standard_normal(n)``.

Typed potentials (:func:`~core.langevin.from_expression`, compiled by core.expressions) beside
their built-in twins, in 1-D (``Ensemble``), 2-D (``Ensemble2D``) and with inertia
(``UnderdampedEnsemble``): the typed step within 1.3× of the built-in one and within 2× of
drawing the step's noise alone.  The twins are timed alternately (ABAB…), so that a load that
comes and goes on the machine falls on both.

Also printed for reference: the underdamped BAOAB step, the 2-D step, and one backward-Euler
Fokker–Planck step.  Run with ``pytest tests/bench/test_bench_langevin_core.py -s``.
"""

from __future__ import annotations

import math
import statistics
import time

import numpy as np
from bench_report import report

from core.fokker_planck import FokkerPlanck1D
from core.langevin import (
    Ensemble,
    Ensemble2D,
    UnderdampedEnsemble,
    double_well,
    double_well_2d,
    from_expression,
    from_expression_2d,
)

N = 1_000_000
REPEATS = 15
DT = 1e-3
SIGMA = 0.7


def _ns_per_particle(action, n: int = N, repeats: int = REPEATS) -> float:
    """Median wall time of ``action()`` in ns per particle (one warm-up call first)."""
    action()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) / n * 1e9


def _alternating_ms(actions, repeats: int = REPEATS) -> list[float]:
    """Median wall time in ms of each action, timed in turn (one warm-up call each first)."""
    for action in actions:
        action()
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(repeats):
        for action, t in zip(actions, times, strict=True):
            start = time.perf_counter()
            action()
            t.append(time.perf_counter() - start)
    return [statistics.median(t) * 1e3 for t in times]


def test_langevin_step_cost_per_particle() -> None:
    potential = double_well(1.0)
    ens = Ensemble(potential, N, SIGMA, DT, seed=1, x0=("uniform", -2.0, 2.0))
    step = _ns_per_particle(ens.step)
    step10 = _ns_per_particle(lambda: ens.step(10), n=10 * N, repeats=5)

    rng = np.random.default_rng(2)
    buf = np.empty(N)
    noise = _ns_per_particle(lambda: rng.standard_normal(out=buf))
    buf32 = np.empty(N, dtype=np.float32)
    noise32 = _ns_per_particle(lambda: rng.standard_normal(out=buf32, dtype=np.float32))

    state = {"x": rng.uniform(-2.0, 2.0, N)}
    scale = SIGMA * math.sqrt(DT)

    def naive() -> None:
        x = state["x"]
        state["x"] = x - potential.dV(x) * DT + scale * rng.standard_normal(N)

    naive_ns = _ns_per_particle(naive)
    assert np.all(np.isfinite(ens.x)) and np.all(np.isfinite(state["x"]))

    report(
        "Langevin Ensemble.step, N = 10⁶ double well",
        f"{step:.2f} ns/particle/step (step(10): {step10:.2f})",
    )
    report(
        "rng.standard_normal(out=buf) alone (the limit)",
        f"{noise:.2f} ns/number float64, {noise32:.2f} float32",
    )
    report("naive allocating numpy step", f"{naive_ns:.2f} ns/particle/step")
    report(
        "Langevin ratios",
        f"step / noise = {step / noise:.2f}× (target ≤ 1.5×), "
        f"naive / step = {naive_ns / step:.2f}×",
    )


#: Built-in potential, the same typed, the ensemble, and the noise numbers drawn per step.
#: double_well(1/4) is V = (x² − 1)²/4 = x⁴/4 − x²/2 + 1/4: the same V′ = x³ − x.
TWINS = [
    (
        "1-D Ensemble",
        double_well(0.25),
        from_expression("x**4/4 - x**2/2"),
        lambda pot: Ensemble(pot, N, SIGMA, DT, seed=1, x0=("uniform", -2.0, 2.0)),
        N,
    ),
    (
        "2-D Ensemble2D",
        double_well_2d(0.25, 1.0),
        from_expression_2d("x**4/4 - x**2/2 + y**2/2"),
        lambda pot: Ensemble2D(pot, N, SIGMA, DT, seed=4, x0=("gaussian", 0.0, 1.0)),
        2 * N,
    ),
    (
        "inertia UnderdampedEnsemble",
        double_well(0.25),
        from_expression("x**4/4 - x**2/2"),
        lambda pot: UnderdampedEnsemble(
            pot, N, SIGMA, 1.0, 1.0, DT, seed=3, x0=("uniform", -2.0, 2.0)
        ),
        N,
    ),
]


def test_typed_potentials_step_as_fast_as_built_in_ones() -> None:
    rng = np.random.default_rng(2)
    for label, builtin, typed, make, numbers in TWINS:
        a, b = make(builtin), make(typed)
        buf = np.empty(numbers)
        built_ms, typed_ms, noise_ms = _alternating_ms(
            [a.step, b.step, lambda buf=buf: rng.standard_normal(out=buf)]
        )
        # the twins took the same steps with the same noise: the same particles to rounding
        np.testing.assert_allclose(b.x, a.x, rtol=0, atol=1e-9)
        report(
            f"typed vs built-in potential, {label}.step, N = 10⁶",
            f"built-in {built_ms:.2f} ms, typed {typed_ms:.2f} ms: "
            f"typed / built-in = {typed_ms / built_ms:.2f}× (target ≤ 1.3×); "
            f"noise alone ({numbers // N}×10⁶ numbers) {noise_ms:.2f} ms, "
            f"typed / noise = {typed_ms / noise_ms:.2f}× (target ≤ 2×)",
        )


def test_other_steps_for_reference() -> None:
    under = UnderdampedEnsemble(
        double_well(1.0), N, SIGMA, 1.0, 1.0, DT, seed=3, x0=("uniform", -2.0, 2.0)
    )
    baoab = _ns_per_particle(under.step, repeats=7)
    two_d = Ensemble2D(double_well_2d(1.0, 1.0), N, SIGMA, DT, seed=4, x0=("gaussian", 0.0, 1.0))
    step2d = _ns_per_particle(two_d.step, repeats=7)
    report("UnderdampedEnsemble.step (BAOAB), N = 10⁶", f"{baoab:.2f} ns/particle/step")
    report("Ensemble2D.step, N = 10⁶ (2 coordinates each)", f"{step2d:.2f} ns/particle/step")

    x = np.linspace(-3.0, 3.0, 2001)
    fp = FokkerPlanck1D(double_well(1.0), SIGMA, x, ("gaussian", 1.0, 0.3))
    start = time.perf_counter()
    fp.step(DT)  # includes the factorisation
    first = time.perf_counter() - start
    start = time.perf_counter()
    fp.step(DT, 1000)
    per_step = (time.perf_counter() - start) / 1000
    report(
        "FokkerPlanck1D.step, 2001 cells",
        f"{per_step * 1e6:.1f} µs/step (first step with factorisation {first * 1e3:.2f} ms)",
    )
