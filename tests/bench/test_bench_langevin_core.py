"""Benchmark (printed, not asserted): cost of one overdamped Langevin step per particle.

At N = 10⁶ particles in the double well, ``Ensemble.step`` is compared with

- ``rng.standard_normal(out=buf)`` alone: drawing the noise is unavoidable, so this is the
  physical limit of any Euler–Maruyama step with NumPy's generator (target: the step within
  1.5× of it);
- a naive allocating NumPy step ``x = x - dV(x)*dt + sigma*sqrt(dt)*rng.standard_normal(n)``.

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
