"""Benchmarks (printed, not asserted): the transport samplers and the transport tab.

- ``core.transport.sample_final`` for each process, 1-D and 2-D, N = 10⁵ particles, 100 steps,
  the default target: particle-steps per second (median of a few runs, after a warm-up);
- the tab's frame while playing (advance τ + repaint of the viewport), all three processes side by
  side, N = 2000, in 1-D and 2-D: ms per frame and frames per second.

Run with ``pytest tests/bench/test_bench_transport.py -s``.
"""

import statistics
import time

import pytest
from bench_report import report

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


@pytest.mark.parametrize("dimension", ["1d", "2d"])
def test_tab_frame_time_while_playing(window, dimension):
    window.select_tab("transport")
    tab = window.tabs["transport"]
    tab.restore({**tab.default_state(), "dimension": dimension, "process": "all", "n": 2000})
    tab.settle()
    assert set(tab.result.trajectories) == set(tr.PROCESSES)
    viewport = tab.figure_view().viewport()
    for _ in range(5):
        tab.advance(FRAME_TAU)
        viewport.repaint()
    times = []
    for _ in range(FRAMES):
        start = time.perf_counter()
        tab.advance(FRAME_TAU)  # wraps to τ = 0 at the end, as playing again does
        viewport.repaint()
        times.append(time.perf_counter() - start)
    median, worst = statistics.median(times), max(times)
    report(
        f"transport tab frame while playing, {dimension[0]}-D, 3 processes, N = 2000",
        f"median {median * 1e3:.1f} ms ({1 / median:.0f} fps), worst {worst * 1e3:.1f} ms",
    )
