"""Benchmarks (printed, not asserted): the transport samplers and the transport tab.

- ``core.transport.sample_final`` for each process, 1-D and 2-D, N = 10⁵ particles, 100 steps,
  the default target: particle-steps per second (median of a few runs, after a warm-up);
- the tab's frame while playing (advance τ + repaint of the viewport), all three processes side by
  side, N = 2000, in 1-D and 2-D: ms per frame and frames per second; with the default target
  and with a 256-component target (what a picture or a point cloud becomes);
- sampling such a target (all three processes, N = 2000, 100 steps) in the worker.

Run with ``pytest tests/bench/test_bench_transport.py -s``.
"""

import statistics
import time

import numpy as np
import pytest
from bench_report import report

from core import mixture_fit
from core import transport as tr

N = 100_000
STEPS = 100
REPEATS = 3
FRAMES = 60
FRAME_TAU = 1 / (60 * 6.0)  # τ per frame at 60 fps with the default 6 s from τ = 0 to 1


@pytest.mark.parametrize("dim", [1, 2])
def test_sampler_throughput(dim):
    target = tr.default_target(dim)
    schedule = tr.NoiseSchedule()
    for process in tr.PROCESSES:
        tr.sample_final(target, process, 1000, STEPS, 0, schedule)  # warm-up
        times = []
        for repeat in range(REPEATS):
            start = time.perf_counter()
            x = tr.sample_final(target, process, N, STEPS, repeat, schedule)
            times.append(time.perf_counter() - start)
        assert x.shape == (N, dim)
        seconds = statistics.median(times)
        report(
            f"transport sample_final {process}, {dim}-D, N = 10⁵, {STEPS} steps",
            f"{N * STEPS / seconds / 1e6:.1f} M particle-steps/s ({seconds * 1e3:.0f} ms per run)",
        )


def large_target(dimension: str) -> list[list[float]]:
    """256 components fitted to a ring of points, as the tab stores them."""
    rng = np.random.default_rng(0)
    t = rng.uniform(0, 2 * np.pi, 5000)
    ring = np.column_stack([np.cos(t), np.sin(t)]) + rng.normal(0, 0.05, (5000, 2))
    points = ring if dimension == "2d" else ring[:, :1]
    rows = np.array(mixture_fit.mixture_from_points(points).rows())
    rows[:, 0] /= rows[:, 0].max()
    return rows.tolist()


@pytest.mark.parametrize("components", ["default", "256"])
@pytest.mark.parametrize("dimension", ["1d", "2d"])
def test_tab_frame_time_while_playing(window, dimension, components):
    window.select_tab("transport")
    tab = window.tabs["transport"]
    state = {**tab.default_state(), "dimension": dimension, "process": "all", "n": 2000}
    if components == "256":
        state[f"target_{dimension}"] = large_target(dimension)
    tab.restore(state)
    start = time.perf_counter()
    tab.settle()
    sampled = time.perf_counter() - start
    assert set(tab.result.trajectories) == set(tr.PROCESSES)
    viewport = tab.figure_view().viewport()
    for _ in range(5):
        tab.advance(FRAME_TAU)
        viewport.repaint()
    times, cpu = [], []
    for _ in range(FRAMES):
        start, start_cpu = time.perf_counter(), time.process_time()
        tab.advance(FRAME_TAU)  # wraps to τ = 0 at the end, as playing again does
        viewport.repaint()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)  # (steadier than the wall clock on a
    median, worst = statistics.median(times), max(times)  # machine shared with others)
    target = "default target" if components == "default" else "256 components"
    report(
        f"transport tab frame while playing, {dimension[0]}-D, 3 processes, N = 2000, {target}",
        f"median {median * 1e3:.1f} ms ({1 / median:.0f} fps), worst {worst * 1e3:.1f} ms, "
        f"CPU {statistics.median(cpu) * 1e3:.1f} ms; sampling {sampled * 1e3:.0f} ms",
    )
