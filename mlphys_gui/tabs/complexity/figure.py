"""The complexity figure: time per call against n on log–log axes (medians, bars from the
fastest to the slowest repeat, a dashed least-squares line over the upper half of each
operation's sizes, guide lines n², n^2.81 and n³), and below it the arithmetic rate of the
products, 2n³/time, against the estimated peak. Points are drawn as measured: joined by straight
segments, never smoothed."""

import math

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtWidgets

from core import complexity as cx
from mlphys_gui.style import Style, set_title, style_legend, style_plot
from mlphys_gui.tabs.complexity.record import Run
from mlphys_gui.tabs.complexity.state import OPERATION_KEYS
from mlphys_gui.tabs.complexity.texts import expected
from mlphys_gui.widgets.plot_items import curve, decade_ticks, fixed_plot, legend_below

SYMBOLS = dict(zip(OPERATION_KEYS, ("o", "s", "t", "d", "t1", "h"), strict=True))
# theme colours: the two products (BLAS, the triple loop) far apart, as the rate plot shows both
COLOURS = dict(zip(OPERATION_KEYS, (0, 1, 2, 5, 4, 3), strict=True))
GUIDES = {2.0: "n<sup>2</sup>", math.log2(7): "n<sup>2.81</sup>", 3.0: "n<sup>3</sup>"}
GUIDE_DASHES = {2.0: [2, 3], math.log2(7): [6, 3], 3.0: [10, 3, 2, 3]}
RATE_KEYS = ("product", "python")  # the two ways to multiply: their rates, 2n³/time
EMPTY_TIMES = (1e-6, 1.0)  # the time axis before any point is measured
PAD_DECADES = 0.12
GUIDE_LABEL_DECADES = 0.4  # room under the n³ guide's end for its label
TIME_TITLE = "Time per call against n (log–log)"
TIME_LABEL = "seconds per call"
RATE_TITLE = "Arithmetic rate of the matrix product: 2n³ / time"
PEAK_LABEL = "estimated peak (all cores)"


def octave_ticks(axis: pg.AxisItem, low_log: float, high_log: float) -> None:
    """Label a log axis of sizes at the powers of two, minor ticks at the other grid sizes."""
    first, last = math.floor(low_log / math.log10(2)), math.ceil(high_log / math.log10(2))
    major = [(k * math.log10(2), str(2**k)) for k in range(first, last + 1)]
    minor = [((k + f) * math.log10(2), "") for k in range(first, last) for f in (1 / 3, 2 / 3)]
    axis.setTicks([major, minor])


class ComplexityFigure:
    """The plot items of the tab, created once; ``show`` draws a run on them."""

    def __init__(self):
        self._style = Style()
        self.view = pg.GraphicsLayoutWidget()
        layout = self.view.ci
        self.time_plot = fixed_plot(
            layout, 0, 0, log_x=True, log_y=True, x_label="matrix size n", y_label=TIME_LABEL
        )
        self.legend = legend_below(layout, self.time_plot, row=1, col=0, columns=2)
        self.rate_plot = fixed_plot(
            layout, 2, 0, log_x=True, log_y=True, x_label="matrix size n", y_label="GFLOP/s"
        )
        self.rate_legend = legend_below(layout, self.rate_plot, row=3, col=0, columns=3)
        self.caption = pg.LabelItem(justify="left")
        self.caption.setSizePolicy(  # a long line is cut, it does not widen the figure
            QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred
        )
        layout.addItem(self.caption, row=4, col=0)
        layout.layout.setRowStretchFactor(0, 5)
        layout.layout.setRowStretchFactor(2, 2)
        self.rate_plot.setXLink(self.time_plot)
        for plot in (self.time_plot, self.rate_plot):
            plot.showGrid(x=True, y=True, alpha=0.2)
        self.bars = {key: pg.ErrorBarItem(x=np.zeros(0), y=np.zeros(0)) for key in OPERATION_KEYS}
        self.medians = {}
        self.fits = {}
        for key in OPERATION_KEYS:
            self.time_plot.addItem(self.bars[key])
            self.medians[key] = curve(self.time_plot, symbol=SYMBOLS[key], symbolSize=7)
            self.fits[key] = curve(self.time_plot)
        self.guides = {p: curve(self.time_plot) for p in GUIDES}
        # labelled at their left ends, where they are furthest apart: n^2.81 above its line and
        # n³ below its own, so that the two labels never overlap
        self.guide_labels = {
            p: pg.TextItem(html=text, anchor=(0, 0) if p == 3.0 else (0, 1))
            for p, text in GUIDES.items()
        }
        for label in self.guide_labels.values():
            self.time_plot.addItem(label, ignoreBounds=True)
        self.cap_line = pg.InfiniteLine(angle=90, label="", labelOpts={"position": 0.92})
        self.time_plot.addItem(self.cap_line, ignoreBounds=True)
        self.rates = {
            key: curve(self.rate_plot, symbol=SYMBOLS[key], symbolSize=6) for key in RATE_KEYS
        }
        self.peak_line = curve(self.rate_plot)
        self._rate_keys: list[str] = []
        self._shown_keys: list[str] = []
        self.legend.setVisible(False)
        self.rate_legend.setVisible(False)
        self._legend_texts: dict[str, str] = {}
        self._caption = ""
        self._run = Run()

    # ------------------------------------------------------------------ drawing
    def show(self, run: Run, n_max: int, show_guides: bool, show_fits: bool, caption: str) -> None:
        """Draw ``run`` on axes that reach the requested ``n_max``."""
        self._run = run
        keys = run.operations()
        self._set_legend(run, keys)
        lows, highs = [], []
        for key in OPERATION_KEYS:
            n, median, fastest, slowest = run.series(key)
            shown = key in keys
            self.medians[key].setData(n, median)
            self.medians[key].setVisible(shown)
            self.bars[key].setData(
                x=np.log10(n),
                y=np.log10(median),
                top=np.log10(slowest) - np.log10(median),
                bottom=np.log10(median) - np.log10(fastest),
            )
            self.bars[key].setVisible(shown)
            self._show_fit(key, run.fit(key) if shown and show_fits else None)
            lows.extend(fastest)
            highs.extend(slowest)
        x_range = (math.log10(cx.SIZE_MIN), math.log10(n_max))
        ends = self._show_guides(run, keys, show_guides, x_range[0])
        self._time_range([*lows, *(t / 10**GUIDE_LABEL_DECADES for t in ends)], [*highs, *ends])
        self._show_cap(run, n_max)
        self._show_rates(run)
        for plot in (self.time_plot, self.rate_plot):
            plot.setXRange(x_range[0] - 0.03, x_range[1] + 0.03, padding=0)
        octave_ticks(self.rate_plot.getAxis("bottom"), *x_range)
        octave_ticks(self.time_plot.getAxis("bottom"), *x_range)
        self._caption = caption
        self._set_caption()

    def _set_legend(self, run: Run, keys: list[str]) -> None:
        """One entry per operation measured, with its fitted slope beside the notes' exponent."""
        texts = {}
        for key in keys:
            op, fit = cx.OPERATIONS[key], run.fit(key)
            slope = f"slope {fit.slope:.2f}" if fit is not None else "slope –"
            texts[key] = f"{op.label}: {slope} ({expected(key)})"
        if keys != self._shown_keys:
            self.legend.clear()
            for key in keys:
                self.legend.addItem(self.medians[key], texts[key])
            self._shown_keys = list(keys)
            style_legend(self.legend, self._style)
            self.legend.setVisible(bool(keys))  # no empty frame before the first point
        for key, text in texts.items():
            if self._legend_texts.get(key) != text:
                self.legend.getLabel(self.medians[key]).setText(text)
        self._legend_texts = texts

    def _show_fit(self, key: str, fit: cx.ExponentFit | None) -> None:
        if fit is None:
            self.fits[key].setData([], [])
            return
        n = np.array([fit.n_low, fit.n_high], dtype=float)
        self.fits[key].setData(n, fit.predict(n))

    def _time_range(self, lows: list[float], highs: list[float]) -> None:
        low, high = (min(lows), max(highs)) if lows else EMPTY_TIMES
        low_log, high_log = math.log10(low) - PAD_DECADES, math.log10(high) + PAD_DECADES
        self.time_plot.setYRange(low_log, high_log, padding=0)
        decade_ticks(self.time_plot.getAxis("left"), low_log, high_log)

    def _show_guides(self, run: Run, keys: list[str], visible: bool, x_low: float) -> list[float]:
        """n², n^2.81, n³ through the last point of the first operation measured, drawn from
        there to the smallest n and labelled there. Returns the times at their left ends."""
        anchor = None
        if keys and visible:
            n, median, _fastest, _slowest = run.series(keys[0])
            anchor = (math.log10(n[-1]), math.log10(median[-1]))
        ends = []
        for p, guide in self.guides.items():
            label = self.guide_labels[p]
            if anchor is None or anchor[0] <= x_low:
                guide.setData([], [])
                label.setVisible(False)
                continue
            x0, y0 = anchor
            start = y0 + p * (x_low - x0)
            guide.setData(10 ** np.array([x_low, x0]), 10 ** np.array([start, y0]))
            label.setPos(x_low, start)
            label.setVisible(True)
            ends.append(10**start)
        return ends

    def _show_cap(self, run: Run, n_max: int) -> None:
        """A vertical line where a capped measurement stopped, saying why."""
        sizes = run.sizes()
        reason = None
        if run.outcome == "time_capped" and sizes:
            reason = "time budget"
        elif run.memory_cap and run.memory_cap < n_max:
            reason = "memory"
        self.cap_line.setVisible(reason is not None)
        if reason is not None:
            last = sizes[-1] if reason == "time budget" else run.memory_cap
            self.cap_line.setValue(math.log10(last))
            self.cap_line.label.setFormat(f"{reason}: n ≤ {last}")

    def _show_rates(self, run: Run) -> None:
        """2n³/time of the products measured, and the estimated peak, each in the legend only
        when drawn."""
        shown = [key for key in RATE_KEYS if key in run.operations()]
        if run.peak_gflops > 0:
            shown.append("peak")
        if shown != self._rate_keys:
            self.rate_legend.clear()
            for key in shown:
                item = self.peak_line if key == "peak" else self.rates[key]
                label = PEAK_LABEL if key == "peak" else cx.OPERATIONS[key].label
                self.rate_legend.addItem(item, label)
            self._rate_keys = shown
            style_legend(self.rate_legend, self._style)
            self.rate_legend.setVisible(bool(shown))
        rates = []
        for key in RATE_KEYS:
            n, median, _fastest, _slowest = run.series(key)
            gflops = cx.product_rate(n, median) / 1e9 if n.size else np.zeros(0)
            self.rates[key].setData(n, gflops)
            rates.extend(gflops)
        peak = run.peak_gflops
        if peak > 0:
            self.peak_line.setData([cx.SIZE_MIN, cx.MAX_N], [peak, peak])
            rates.append(peak)
        else:
            self.peak_line.setData([], [])
        low, high = (min(rates), max(rates)) if rates else (0.01, 100.0)
        low_log, high_log = math.log10(low) - 0.2, math.log10(high) + 0.2
        self.rate_plot.setYRange(low_log, high_log, padding=0)
        decade_ticks(self.rate_plot.getAxis("left"), low_log, high_log)

    def _set_caption(self) -> None:
        style = self._style
        self.caption.setText(self._caption, color=style.theme.muted, size=f"{style.font_pt:.0f}pt")

    # ------------------------------------------------------------------ style and data
    def apply_style(self, style: Style) -> None:
        self._style = style
        self.view.setBackground(style.theme.bg)
        for plot in (self.time_plot, self.rate_plot):
            style_plot(plot, style)
        for legend in (self.legend, self.rate_legend):
            style_legend(legend, style)
        for key in OPERATION_KEYS:
            index = COLOURS[key]
            color = style.color(index)
            self.medians[key].setPen(style.pen(index, 1.5))
            self.medians[key].setSymbolBrush(style.brush(index))
            self.medians[key].setSymbolPen(style.pen(index, 1.0))
            self.bars[key].setData(pen=style.pen(index, 1.5), beam=0.02)
            self.fits[key].setPen(style.pen(index, 2.0, dashed=True))
            if key in self.rates:
                self.rates[key].setPen(style.pen(index, 1.5))
                self.rates[key].setSymbolBrush(pg.mkBrush(color))
                self.rates[key].setSymbolPen(style.pen(index, 1.0))
        for p, guide in self.guides.items():
            pen = style.pen("muted", 1.2)
            pen.setDashPattern(GUIDE_DASHES[p])
            guide.setPen(pen)
            self.guide_labels[p].setColor(style.color("muted"))
            self.guide_labels[p].setFont(style.plot_font())
        self.peak_line.setPen(style.pen("fg", 1.5, dashed=True))
        self.cap_line.setPen(style.pen("muted", 1.5, dashed=True))
        self.cap_line.label.setColor(style.color("muted"))
        self.cap_line.label.setFont(style.plot_font())
        set_title(self.time_plot, style, TIME_TITLE)
        set_title(self.rate_plot, style, RATE_TITLE)
        self._set_caption()

    def plotted_data(self):
        """One series per operation measured: x = n, y = the median seconds per call."""
        return [(key, *self._run.series(key)[:2]) for key in self._run.operations()]
