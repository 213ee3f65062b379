"""The double-descent figure: test and train error and ‖β̂‖ against p/n, the theory curve of
Hastie et al. (2019), and the 1-D fit at one width p."""

import numpy as np
import pyqtgraph as pg

from core import double_descent as dd
from mlphys_gui.style import Style, set_title, style_legend, style_plot
from mlphys_gui.widgets.plot_items import (
    curve,
    decade_ticks,
    fixed_plot,
    legend_below,
    legend_entries,
    list_in_legend,
    series_of,
)

Y_SPAN_DECADES = 4.0  # the error axis shows at most this many decades above the smallest error
ROUND_OFF = 1e-12  # errors this far below the largest are exact zeros computed in floating point
ERROR_TITLES = {
    "digits": "Digits, odd or even: error against model size",
}
ERROR_TITLE = "Test and train error against model size"


def _positive(values: np.ndarray) -> np.ndarray:
    return values[np.isfinite(values) & (values > 0)]


class DoubleDescentFigure:
    """The plot items of the tab, created once; the ``show_…`` methods update them."""

    def __init__(self):
        self._style = Style()
        self.view = pg.GraphicsLayoutWidget()
        layout = self.view.ci
        self.error_plot = fixed_plot(layout, 0, 0, log_y=True, x_label="p / n", y_label="error")
        self.norm_plot = fixed_plot(layout, 2, 0, log_y=True, x_label="p / n", y_label="‖β̂‖")
        self.function_plot = fixed_plot(layout, 0, 1, rowspan=3, x_label="x", y_label="y")
        self.error_legend = legend_below(layout, self.error_plot, row=1, col=0, columns=3)
        self.function_legend = legend_below(layout, self.function_plot, row=3, col=1, columns=3)
        layout.layout.setRowStretchFactor(0, 3)
        layout.layout.setRowStretchFactor(2, 2)
        layout.layout.setColumnStretchFactor(0, 3)
        layout.layout.setColumnStretchFactor(1, 2)
        for plot in (self.error_plot, self.norm_plot, self.function_plot):
            plot.showGrid(x=True, y=True, alpha=0.2)
        self.error_plot.setXLink(self.norm_plot)
        self.test_low, self.test_high = curve(self.error_plot), curve(self.error_plot)
        self.test_band = pg.FillBetweenItem(self.test_low, self.test_high)
        self.error_plot.addItem(self.test_band)
        self.test_band_key = pg.PlotDataItem(fillLevel=0)
        self.error_legend.addItem(self.test_band_key, "test ± 1 s.d.")
        self.test_curve = curve(self.error_plot, "test error")
        self.train_curve = curve(self.error_plot, "train error")
        self.theory_curve = curve(self.error_plot, "theory (isotropic, λ = 0)")
        self.threshold_lines = [
            pg.InfiniteLine(1.0, angle=90, label="p = n", labelOpts={"position": 0.9})
            for _ in range(2)
        ]
        self.p_markers = [pg.InfiniteLine(1.0, angle=90) for _ in range(2)]
        for plot, line, marker in zip(
            (self.error_plot, self.norm_plot), self.threshold_lines, self.p_markers, strict=True
        ):
            plot.addItem(line, ignoreBounds=True)
            plot.addItem(marker, ignoreBounds=True)
        self.norm_curve = curve(self.norm_plot)
        self.fit_truth = curve(self.function_plot, "target")
        self.fit_curve = curve(self.function_plot, "fit at p")
        self.fit_points = curve(
            self.function_plot, "training data", pen=None, symbol="o", symbolSize=7
        )
        self._fit_title = ""
        self._error_title = ERROR_TITLE
        self._error_entries = legend_entries(self.error_legend)

    def clear_sweep(self) -> None:
        """A new sweep starts: no stale curve stays on screen."""
        for item in (
            self.test_curve,
            self.train_curve,
            self.norm_curve,
            self.test_low,
            self.test_high,
        ):
            item.setData([], [])

    def show_sweep(self, result: dd.SweepResult) -> None:
        """Draw a (maybe partial) sweep result against p/n."""
        ratio = result.p / result.params.n
        band = result.test_std if result.trials_done > 1 else np.zeros_like(result.test_mean)
        floor = self._y_floor(result)
        self.test_curve.setData(ratio, np.maximum(result.test_mean, floor))
        self.test_low.setData(ratio, np.maximum(result.test_mean - band, floor))
        self.test_high.setData(ratio, np.maximum(result.test_mean + band, floor))
        self.train_curve.setData(ratio, np.maximum(result.train_mean, floor))
        self.norm_curve.setData(ratio, np.maximum(result.norm_mean, floor))
        self._set_y_ranges(result, floor)

    @staticmethod
    def _y_floor(result: dd.SweepResult) -> float:
        """Errors are drawn on a log axis: exact zeros (σ = 0, interpolation) sit at a floor."""
        values = _positive(np.concatenate([result.test_mean, result.train_mean, result.norm_mean]))
        return float(values.min()) * 0.1 if values.size else 1e-12

    def _set_y_ranges(self, result: dd.SweepResult, floor: float) -> None:
        """A log range that keeps the curve readable: the peak at p = n may leave the top."""
        for plot, values in (
            (self.error_plot, result.test_mean),
            (self.norm_plot, result.norm_mean),
        ):
            positive = _positive(values)
            if not positive.size:
                continue
            # an exact fit (σ = 0 below p = n) leaves errors of 1e-31: framed on those, the
            # errors that matter (0.75 past p = n) were far above the axis
            positive = positive[positive >= ROUND_OFF * positive.max()]
            low = max(float(positive.min()), floor)
            high = min(float(positive.max()), low * 10**Y_SPAN_DECADES)
            low_log, high_log = np.log10(low) - 0.2, np.log10(max(high, low * 10)) + 0.2
            plot.setYRange(low_log, high_log, padding=0)
            decade_ticks(plot.getAxis("left"), low_log, high_log)
        ratio = result.p / result.params.n
        self.error_plot.setXRange(0, float(ratio[-1]), padding=0.02)

    def show_theory(self, params: dd.SweepParams) -> None:
        """The asymptotic risk of Hastie et al. (2019, Thm 1): isotropic features, λ = 0 only."""
        drawn = params.features == "isotropic" and params.ridge == 0.0
        theory = self.theory_curve
        shown = [(item, text) for item, text in self._error_entries if drawn or item is not theory]
        if list_in_legend(self.error_legend, shown):
            style_legend(self.error_legend, self._style)
        if not drawn:  # the theorem is for isotropic features and λ = 0 only
            self.theory_curve.setData([], [])
            return
        gamma = np.linspace(0.01, params.widths[-1] / params.n, 600)
        gamma = gamma[np.abs(gamma - 1.0) > 0.02]
        risk = np.asarray(dd.isotropic_risk(gamma, params.signal, params.sigma**2), dtype=float)
        under = gamma < 1.0
        x = np.concatenate([gamma[under], [np.nan], gamma[~under]])
        y = np.concatenate([risk[under], [np.nan], risk[~under]])
        self.theory_curve.setData(x, y)

    def show_family(self, family: str) -> None:
        """The error plot's title says what is fitted (real data say which)."""
        title = ERROR_TITLES.get(family, ERROR_TITLE)
        if title != self._error_title:
            self._error_title = title
            set_title(self.error_plot, self._style, title)

    def show_fit(self, fit: dd.FunctionFit, p: int, n: int) -> None:
        """The fitted 1-D function at width p, and where p sits on the curves."""
        ratio = p / n
        for marker in self.p_markers:
            marker.setValue(ratio)
        self.fit_truth.setData(fit.x_grid, fit.f_true)
        self.fit_curve.setData(fit.x_grid, fit.f_hat)
        self.fit_points.setData(fit.x_train, fit.y_train)
        spread = max(float(np.ptp(fit.y_train)), float(np.ptp(fit.f_true)), 1e-6)
        middle = 0.5 * (float(fit.f_true.max()) + float(fit.f_true.min()))
        self.function_plot.setYRange(middle - 1.2 * spread, middle + 1.2 * spread, padding=0)
        self._fit_title = f"Fit with p = {p} features (p/n = {ratio:.2f})"
        set_title(self.function_plot, self._style, self._fit_title)

    def ratio_at(self, scene_position) -> float | None:
        """p/n under a click on the error plot, or None outside it."""
        box = self.error_plot.vb
        if not box.sceneBoundingRect().contains(scene_position):
            return None
        return box.mapSceneToView(scene_position).x()

    def apply_style(self, style: Style) -> None:
        self._style = style
        self.view.setBackground(style.theme.bg)
        for plot in (self.error_plot, self.norm_plot, self.function_plot):
            style_plot(plot, style)
        for legend in (self.error_legend, self.function_legend):
            style_legend(legend, style)
        self.test_curve.setPen(style.pen(0, 2.5))
        self.test_band.setBrush(style.brush(0, 60))
        self.test_band_key.setFillBrush(style.brush(0, 60))
        self.test_band_key.setPen(pg.mkPen(None))
        for edge in (self.test_low, self.test_high):
            edge.setPen(pg.mkPen(None))
        self.train_curve.setPen(style.pen(2, 2.0, dashed=True))
        self.theory_curve.setPen(style.pen("fg", 1.5, dashed=True))
        self.norm_curve.setPen(style.pen(3, 2.0))
        for line in self.threshold_lines:
            line.setPen(style.pen("muted", 1.5, dashed=True))
            line.label.setColor(style.color("muted"))
            line.label.setFont(style.plot_font())
        for marker in self.p_markers:
            marker.setPen(style.pen(1, 1.5))
        self.fit_truth.setPen(style.pen("fg", 1.5, dashed=True))
        self.fit_curve.setPen(style.pen(1, 2.5))
        self.fit_points.setSymbolBrush(style.brush(4))
        self.fit_points.setSymbolPen(style.pen("fg", 1.0))
        set_title(self.error_plot, style, self._error_title)
        set_title(self.norm_plot, style, "Norm of the fitted weights")
        set_title(self.function_plot, style, self._fit_title)

    def plotted_data(self):
        items = [
            ("test_error_mean", self.test_curve),
            ("test_error_minus_sd", self.test_low),
            ("test_error_plus_sd", self.test_high),
            ("train_error_mean", self.train_curve),
            ("theory", self.theory_curve),
            ("weight_norm", self.norm_curve),
            ("function_target", self.fit_truth),
            ("function_fit", self.fit_curve),
            ("function_training_data", self.fit_points),
        ]
        return [series_of(item, name) for name, item in items if item.isVisible()]
