"""Benchmarks (printed): the Langevin tab's frame rate while it plays at N = 10⁵, 3·10⁵, 10⁶
with the PDE and histogram on, and the same picture redrawn with matplotlib (set_data + draw on
Agg). Targets (issue 5): 60 fps at 3·10⁵, ≥ 30 fps at 10⁶, ≥ 15× matplotlib."""

import time

import matplotlib
import numpy as np
from bench_report import PaintClock, report
from PyQt6 import QtWidgets

from core import densities
from mlphys_gui.tabs.langevin.tab import STEP_BUDGET
from mlphys_gui.widgets.playback import FRAME_RATE

matplotlib.use("Agg")
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

PLAY_SECONDS = 2.0
FRAME_TIME = 1 / 60  # simulated time per frame at speed 1 t/s and 60 fps


def test_langevin_frame_rate_while_playing(qtbot, window):
    """Frames painted per second of wall-clock time by the real Animator (its timer asks for
    one every 16 ms), and the work of one frame done back to back: the rate the machine could
    sustain with no timer."""
    window.select_tab("langevin")
    tab = window.tabs["langevin"]
    viewport = tab.figure.view.viewport()
    for n in (100_000, 300_000, 1_000_000):
        tab.restore({**tab.default_state(), "n": n, "initial": "uniform"})
        tab.animator.play()
        qtbot.wait(300)  # warm up: caches, the first frames
        paints = PaintClock()
        viewport.installEventFilter(paints)
        qtbot.wait(round(PLAY_SECONDS * 1000))
        tab.animator.pause()
        viewport.removeEventFilter(paints)
        QtWidgets.QApplication.processEvents()
        playing_fps = (len(paints.times) - 1) / (paints.times[-1] - paints.times[0])

        start = time.perf_counter()
        repeats = 20
        for _ in range(repeats):
            tab.advance(FRAME_TIME)  # particle steps, p_t, histogram, readouts
            viewport.repaint()
        capacity_fps = repeats / (time.perf_counter() - start)
        steps = max(1, min(round(FRAME_TIME / tab.model["dt"]), int(STEP_BUDGET / n)))
        report(
            f"Langevin tab playing, N = {n:.0e}, PDE + histogram on",
            f"{playing_fps:.1f} frames/s painted (the timer asks for {FRAME_RATE}); "
            f"{capacity_fps:.1f} frames/s back to back ({steps} particle steps per frame)",
        )
        assert len(paints.times) > 10 and np.isfinite(tab.ensemble.x).all()


def test_redraw_against_matplotlib(qtbot, window):
    """The same picture (histogram, p_t, Boltzmann, V(x) on a second axis, the drawn sample of
    particles, title, axis labels and legend) redrawn by the tab and by matplotlib (set_data +
    draw on Agg), same size; matplotlib also without title, labels and legend. Both redraw the
    same precomputed histograms, so only drawing is timed. The tab is timed twice: repainting
    its whole plot (as matplotlib does), and as it updates while playing, where Qt repaints
    only the region whose items changed (the axes, title and legend stay)."""
    window.select_tab("langevin")
    tab = window.tabs["langevin"]
    tab.restore({**tab.default_state(), "n": 100_000, "initial": "uniform"})
    tab.run_for(0.5)
    edges, grid = tab.edges, tab.grid
    x = np.asarray(tab.ensemble.x)
    histograms = [densities.histogram(x + 0.002 * i, edges) for i in range(60)]
    plots = tab.figure
    dots_x, dots_y = plots.dots.points()
    p_t, boltzmann, potential = tab.pde.p.copy(), tab._boltzmann, tab._potential.V(grid)
    viewport = plots.view.viewport()
    paints = PaintClock()
    viewport.installEventFilter(paints)

    def new_frame(i: int) -> None:
        plots.histogram_curve.setData(edges, histograms[i % len(histograms)])
        plots.pde_curve.setData(grid, p_t * (1 + 1e-3 * (i % 2)))
        plots.dots.set_points(dots_x + 1e-3 * (i % 2), dots_y)

    def seconds_per_frame(paint) -> float:
        for i in range(5):
            new_frame(i)
            paint()
        start = time.perf_counter()
        for i in range(len(histograms)):
            new_frame(i)
            paint()
        return (time.perf_counter() - start) / len(histograms)

    whole = seconds_per_frame(viewport.repaint)
    painted = len(paints.times)
    changed = seconds_per_frame(QtWidgets.QApplication.processEvents)
    assert len(paints.times) - painted >= len(histograms)  # every frame was painted

    def matplotlib_seconds_per_frame(annotated: bool) -> float:
        figure = Figure(figsize=(plots.view.width() / 100, plots.view.height() / 100), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        right = axes.twinx()
        stairs = axes.stairs(histograms[0], edges, fill=True, alpha=0.4, label="histogram")
        (pde_line,) = axes.plot(grid, p_t, lw=3, label="p_t")
        axes.plot(grid, boltzmann, "--", lw=2, label="Boltzmann")
        right.plot(grid, potential, "k", lw=2, label="V(x)")
        (dots,) = right.plot(dots_x, dots_y, "o", ms=2.5, mew=0, label="particles")
        axes.set_xlim(edges[0], edges[-1])
        axes.set_ylim(0, 1.2 * float(max(p_t.max(), boltzmann.max())))
        right.set_ylim(*plots.potential_box.viewRange()[1])
        if annotated:  # what the tab's picture also has: title, axis labels, legend
            axes.set_title("Particles over V(x); histogram, p_t and Boltzmann")
            axes.set_xlabel("x")
            axes.set_ylabel("density")
            right.set_ylabel("V(x)")
            figure.legend(loc="lower center", ncols=3)
        figure.canvas.draw()
        start = time.perf_counter()
        for i, histogram in enumerate(histograms[:30]):
            stairs.set_data(histogram)
            pde_line.set_data(grid, p_t * (1 + 1e-3 * (i % 2)))
            dots.set_data(dots_x + 1e-3 * (i % 2), dots_y)
            figure.canvas.draw()
        return (time.perf_counter() - start) / 30

    bare, annotated = matplotlib_seconds_per_frame(False), matplotlib_seconds_per_frame(True)
    report(
        "Langevin picture redraw, this tab (pyqtgraph), same size as matplotlib",
        f"whole plot {whole * 1e3:.2f} ms; as played, only the changed region "
        f"{changed * 1e3:.2f} ms",
    )
    for name, theirs in (("same picture", annotated), ("data layers only", bare)):
        report(
            f"matplotlib Agg (set_data + draw), {name}",
            f"{theirs * 1e3:.2f} ms per frame: the tab is {theirs / whole:.1f}× faster "
            f"(whole plot), {theirs / changed:.1f}× (as played)",
        )
