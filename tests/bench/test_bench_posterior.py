"""Benchmark (printed): posterior slider → repaint, 200 points, degree 9 (target < 10 ms)."""

import statistics
import time

from bench_report import report


def test_posterior_slider_to_repaint(window):
    window.select_tab("posterior")
    tab = window.tabs["posterior"]
    tab.controls.widget("degree").set_value(9, emit=True)
    assert tab.model["degree"] == 9
    tab.add_generated(200)
    viewport = tab.figure.view.viewport()
    for name, key in (("λ", "prior_precision"), ("σ", "sigma")):
        slider = tab.controls.widget(key)
        for label, positions in (
            ("drag", [300 + 4 * i for i in range(100)]),  # a hand dragging across the slider
            ("jumps", [200 + (i * 37) % 600 for i in range(100)]),  # clicks all over it
        ):
            times = []
            for position in positions:
                start = time.perf_counter()
                slider.slider.setValue(position)
                viewport.repaint()
                times.append((time.perf_counter() - start) * 1e3)
            report(
                f"Posterior {name} slider {label} → repaint (200 points, degree 9)",
                f"median {statistics.median(times):.2f} ms, max {max(times):.2f} ms",
            )
