"""The complexity tab measuring its default settings (notes §1.3): how long the measurement
takes, how long the event loop waits meanwhile (the timing loop of small matrices and the
triple loop hold the interpreter the GUI thread needs), and what it measured: the product's
slope and rate against the estimated peak, the triple loop's slowdown."""

import time

import numpy as np
from bench_report import report
from PyQt6 import QtCore, QtWidgets

from core import complexity as cx


def test_default_measurement(window):
    tab = window.tabs["complexity"]
    gaps, last = [], [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QtCore.QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    start = time.perf_counter()
    window.select_tab("complexity")
    while tab.job.busy and time.perf_counter() < start + 300:
        QtWidgets.QApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)
    seconds = time.perf_counter() - start
    timer.stop()
    run = tab.run
    assert run.outcome == "complete", run.outcome
    gaps_ms = np.array(gaps) * 1e3
    report(
        "Complexity tab, default measurement (6 operations, n ≤ 512, 5 repeats)",
        f"{seconds:.1f} s; event loop: median gap {np.median(gaps_ms):.0f} ms, "
        f"99th percentile {np.percentile(gaps_ms, 99):.0f} ms, longest {gaps_ms.max():.0f} ms",
    )
    fit = run.fit("product")
    n, median, _fastest, _slowest = run.series("product")
    gflops = cx.product_rate(n[-1], median[-1]) / 1e9
    loop_n, loop_t, _f, _s = run.series("python")
    slower = loop_t[-1] / median[n == loop_n[-1]][0]
    report(
        "Measured: product slope (n ≥ 102) / rate at 512 / peak / triple loop at 128",
        f"{fit.slope:.2f} ± {fit.stderr:.2f} / {gflops:.1f} GFLOP/s / "
        f"{run.peak_gflops:.1f} GFLOP/s ({run.peak_threads} threads) / {slower:.0f}× slower",
    )
