"""Benchmarks (printed, not asserted): slider/drag → repaint of the SVD tab (issue 2: under
10 ms). Cold start: test_bench_cold_start.py; every slider of every tab: test_bench_sliders.py.

Run with ``pytest tests/bench -s`` to see the figures.
"""

import statistics
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
