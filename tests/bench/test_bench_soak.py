"""Soak (issue 7): 10⁵ frames of the Langevin tab; the process's memory must stay flat."""

import time
from pathlib import Path

from bench_report import report
from PyQt6 import QtWidgets

FRAMES = 100_000
WARM_UP = 2_000


def resident_megabytes() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


def test_langevin_soak_memory_stays_flat(window):
    window.select_tab("langevin")
    tab = window.tabs["langevin"]
    tab.restore({**tab.default_state(), "n": 100, "initial": "uniform"})
    viewport = tab.figure.view.viewport()
    for _ in range(WARM_UP):
        tab.advance(1 / 60)
    QtWidgets.QApplication.processEvents()
    before = resident_megabytes()
    start = time.perf_counter()
    for frame in range(FRAMES):
        tab.advance(1 / 60)  # particles, p_t, histogram, dots, readouts
        if frame % 1000 == 0:
            viewport.repaint()
            QtWidgets.QApplication.processEvents()
    elapsed = time.perf_counter() - start
    growth = resident_megabytes() - before
    report(
        "Soak: 10⁵ Langevin frames (N = 100, PDE and histogram on)",
        f"resident memory grew {growth:+.2f} MB in {elapsed:.0f} s",
    )
    assert growth < 5.0
