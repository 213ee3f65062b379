"""Benchmarks (printed, not asserted): slider/drag → repaint of the SVD tab, and cold start.

Run with ``pytest tests/bench -s`` to see the figures. Targets (issue 2): repaint < 10 ms,
cold start to first paint < 1 s.
"""

import os
import statistics
import subprocess
import sys
import textwrap
import time

import numpy as np
from bench_report import report

REPEATS = 200


def _median_ms(action, repeats=REPEATS) -> tuple[float, float]:
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        action(i)
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), float(np.percentile(times, 95))


def test_slider_to_repaint(window):
    tab = window.tabs["svd"]
    page = tab.geometry_page
    viewport = page.view.viewport()
    slider = tab.controls.widget("stage").slider

    def move_slider(i):
        slider.setValue((i * 7) % 301)
        viewport.repaint()  # synchronous: the frame is on screen when this returns

    median, p95 = _median_ms(move_slider)
    report("SVD stage slider → repaint", f"median {median:.2f} ms, 95th percentile {p95:.2f} ms")

    def drag_handle(i):
        angle = 2 * np.pi * i / REPEATS
        page.handles[0].setPos(1.5 * np.cos(angle), 1.5 * np.sin(angle))  # what a drag does
        viewport.repaint()

    median, p95 = _median_ms(drag_handle)
    report("SVD handle drag → repaint", f"median {median:.2f} ms, 95th percentile {p95:.2f} ms")

    low_rank = tab.low_rank_page
    tab.pages.setCurrentIndex(1)
    low_viewport = low_rank.view.viewport()
    rank_slider = tab.controls.widget("rank").slider

    def move_rank(i):
        rank_slider.setValue(1 + (i * 5) % 140)
        low_viewport.repaint()

    median, p95 = _median_ms(move_rank)
    report("Low-rank k slider → repaint", f"median {median:.2f} ms, 95th percentile {p95:.2f} ms")


COLD_START = textwrap.dedent(
    """
    import time, sys
    from PyQt6 import QtCore
    from mlphys_gui.app import create_application
    app = create_application()
    from mlphys_gui.main_window import MainWindow
    settings = QtCore.QSettings(sys.argv[1], QtCore.QSettings.Format.IniFormat)
    window = MainWindow(settings=settings)
    view = window.current_tab().figure_view().viewport()

    class FirstPaint(QtCore.QObject):
        def eventFilter(self, obj, event):
            if event.type() == QtCore.QEvent.Type.Paint:
                QtCore.QTimer.singleShot(0, lambda: (print(time.time()), app.quit()))
                view.removeEventFilter(self)
            return False

    watcher = FirstPaint()
    view.installEventFilter(watcher)
    window.show()
    app.exec()
    """
)


def test_cold_start_to_first_paint(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    runs = []
    for i in range(5):
        start = time.time()
        out = subprocess.run(
            [sys.executable, "-c", COLD_START, str(tmp_path / f"s{i}.ini")],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        runs.append(float(out.stdout.split()[-1]) - start)
    report(
        "Cold start → first paint of the plot",
        f"median {statistics.median(runs) * 1e3:.0f} ms over {len(runs)} runs "
        f"(min {min(runs) * 1e3:.0f} ms, interpreter start included)",
    )
