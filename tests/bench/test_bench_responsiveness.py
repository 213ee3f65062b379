"""Responsiveness under load (issue 7): while a 10⁶-particle animation and a long double-descent
sweep run at once, the event loop never stalls more than 100 ms and a slider drag repaints.

This is the one timed bound the suite asserts: the issue asks that it hold, not only that it be
reported. The clock starts once both scenes are loaded, so their first paint counts. The figures
are printed as well.
"""

import time

import numpy as np
from bench_report import PaintClock, report
from PyQt6 import QtCore, QtWidgets

STALL_LIMIT = 0.100  # s
LOAD_SECONDS = 4.0
DRAG_EVERY = 0.25  # s between slider moves


def test_event_loop_stays_responsive_under_load(window):
    sweep, particles = window.tabs["double-descent"], window.tabs["langevin"]
    window.show()  # the app is open and painted before the loads start
    window.select_tab("langevin")
    QtWidgets.QApplication.processEvents()
    viewport = particles.figure.view.viewport()
    paints = PaintClock()
    viewport.installEventFilter(paints)
    slider = particles.controls.widget("sigma").slider
    gaps, last = [], [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    particles.restore({**particles.default_state(), "n": 1_000_000, "initial": "uniform"})
    sweep.restore(
        {**sweep.default_state(), "n": 300, "trials": 200, "family": "relu", "ratio": 6.0}
    )
    particles.animator.play()
    timer = QtCore.QTimer()  # from here on, including the new scenes' first paint
    timer.timeout.connect(tick)
    timer.start(10)
    last[0] = time.perf_counter()
    drags, boltzmann_changes = [], 0
    start = time.perf_counter()
    next_drag = start + DRAG_EVERY
    while time.perf_counter() < start + LOAD_SECONDS:
        QtWidgets.QApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)
        if time.perf_counter() >= next_drag:
            before = np.array(particles.figure.boltzmann_curve.yData)
            slider.setValue(slider.value() + (15 if len(drags) % 2 else -15))  # a drag step
            drags.append(time.perf_counter())
            boltzmann_changes += not np.array_equal(before, particles.figure.boltzmann_curve.yData)
            next_drag = drags[-1] + DRAG_EVERY
    busy = sweep.job.busy
    settle_until = time.perf_counter() + STALL_LIMIT  # the last drag's paint may still come
    while time.perf_counter() < settle_until:
        QtWidgets.QApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)
    timer.stop()
    particles.animator.pause()
    viewport.removeEventFilter(paints)
    sweep.job.cancel()
    sweep.job.wait()

    latencies = []
    for moved in drags:
        after = [t for t in paints.times if t >= moved]
        latencies.append((after[0] if after else float("inf")) - moved)
    report(
        "Event loop under load (10⁶ particles playing + a 200-trial sweep running)",
        f"longest gap between 10 ms ticks {max(gaps) * 1e3:.0f} ms (ending "
        f"{sum(gaps[: int(np.argmax(gaps)) + 1]):.2f} s in), median "
        f"{np.median(gaps) * 1e3:.0f} ms; slider drag → next paint: longest "
        f"{max(latencies) * 1e3:.0f} ms over {len(drags)} drags (sweep still running: {busy}); "
        f"the first, with the new scenes' first paint: {gaps[0] * 1e3:.0f} ms",
    )
    assert busy, "the sweep finished early: the load did not last the whole measurement"
    assert max(gaps) < STALL_LIMIT
    assert boltzmann_changes == len(drags), "a σ drag did not reach the plotted Boltzmann curve"
    assert max(latencies) < STALL_LIMIT
