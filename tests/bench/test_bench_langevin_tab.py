"""Benchmarks (printed): the Langevin tab's frame rate at N = 10⁵, 3·10⁵, 10⁶ with the PDE and
histogram on, and the same histogram + curve redrawn with matplotlib (set_data + draw on Agg).
Targets (issue 5): 60 fps at 3·10⁵, ≥ 30 fps at 10⁶, ≥ 15× matplotlib."""

import time

import matplotlib
import numpy as np
from bench_report import report

from core import langevin as lv
from mlphys_gui.tabs.langevin import STEP_BUDGET

matplotlib.use("Agg")
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

FRAME_TIME = 1 / 60  # simulated time per frame at speed 1 t/s and 60 fps


def _frames_per_second(tab, frames: int = 40) -> float:
    viewport = tab.view.viewport()
    for _ in range(3):
        tab.advance(FRAME_TIME)
        viewport.repaint()
    start = time.perf_counter()
    for _ in range(frames):
        tab.advance(FRAME_TIME)  # particle steps, p_t, histogram, readouts
        viewport.repaint()
    return frames / (time.perf_counter() - start)


def test_langevin_frame_rate(window):
    window.select_tab("langevin")
    tab = window.tabs["langevin"]
    for n in (100_000, 300_000, 1_000_000):
        tab.restore({**tab.default_state(), "n": n, "initial": "uniform"})
        fps = _frames_per_second(tab)
        steps = max(1, int(STEP_BUDGET / n))
        report(
            f"Langevin tab, N = {n:.0e}, PDE + histogram on",
            f"{fps:.1f} frames/s ({min(steps, 3)} particle steps per frame)",
        )


def test_redraw_against_matplotlib(window):
    """The same picture (histogram, p_t, Boltzmann, V(x) on a second axis and the drawn sample
    of particles) redrawn by the tab and by matplotlib (set_data + draw on Agg), same size.
    Both redraw the same precomputed histograms, so only drawing is timed."""
    window.select_tab("langevin")
    tab = window.tabs["langevin"]
    tab.restore({**tab.default_state(), "n": 100_000, "initial": "uniform"})
    tab.run_for(0.5)
    edges, grid = tab.edges, tab.grid
    x = np.asarray(tab.ensemble.x)
    histograms = [lv.histogram(x + 0.002 * i, edges) for i in range(30)]
    dots_x, dots_y = tab.dots.points()
    p_t, boltzmann, potential = tab.pde.p.copy(), tab._boltzmann, tab._potential.V(grid)
    viewport = tab.view.viewport()

    start = time.perf_counter()
    for histogram in histograms:
        tab.histogram_curve.setData(edges, histogram)
        tab.pde_curve.setData(grid, p_t)
        tab.dots.set_points(dots_x + 0.001, dots_y)
        viewport.repaint()
    ours = (time.perf_counter() - start) / len(histograms)

    figure = Figure(figsize=(tab.view.width() / 100, tab.view.height() / 100), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    right = axes.twinx()
    stairs = axes.stairs(histograms[0], edges, fill=True, alpha=0.4)
    (pde_line,) = axes.plot(grid, p_t, lw=3)
    axes.plot(grid, boltzmann, "--", lw=2)
    right.plot(grid, potential, "k", lw=2)
    (dots,) = right.plot(dots_x, dots_y, "o", ms=2.5, mew=0)
    axes.set_xlim(edges[0], edges[-1])
    axes.set_ylim(0, 1.2 * float(max(p_t.max(), boltzmann.max())))
    right.set_ylim(*tab.potential_box.viewRange()[1])
    figure.canvas.draw()
    start = time.perf_counter()
    for histogram in histograms:
        stairs.set_data(histogram)
        pde_line.set_data(grid, p_t)
        dots.set_data(dots_x + 0.001, dots_y)
        figure.canvas.draw()
    theirs = (time.perf_counter() - start) / len(histograms)
    report(
        "Langevin picture redraw: this tab (pyqtgraph) vs matplotlib Agg, same elements and size",
        f"{ours * 1e3:.2f} ms vs {theirs * 1e3:.2f} ms per frame: {theirs / ours:.1f}× faster",
    )
