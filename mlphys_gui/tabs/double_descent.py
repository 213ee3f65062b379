"""Double descent (notes §5): test error against model size for min-norm least squares.

The sweep over widths p runs off the GUI thread (LatestJob: the newest setting wins, stale
curves are cleared) and draws itself trial by trial. A click on the error curve, or the p
slider, shows the fitted 1-D function at that width: wild near p = n, smooth again far past it.
Numerics: core.double_descent.
"""

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore, QtWidgets

from core import double_descent as dd
from mlphys_gui.scene import StateSpec, boolean, choice, integer, real
from mlphys_gui.style import Style, set_title, style_legend, style_plot
from mlphys_gui.tabs.base import TabBase
from mlphys_gui.widgets.entries import ValueSlider
from mlphys_gui.widgets.equation import EquationPanel
from mlphys_gui.widgets.panels import ReadoutPanel, controls_beside
from mlphys_gui.widgets.plot_items import curve, decade_ticks, legend_below, series_of
from mlphys_gui.worker import LatestJob

FAMILIES = {
    "isotropic": "Isotropic Gaussian (theory)",
    "relu": "ReLU random features",
    "fourier": "Random Fourier features (1-D)",
}
N_RANGE = (1, 400)
RATIO_RANGE = (1.5, 20.0)
Y_SPAN_DECADES = 4.0  # the error axis shows at most this many decades above the smallest error
REVEAL_SECONDS = 0.25  # a recorded video adds one trial per this many seconds


def _positive(values: np.ndarray) -> np.ndarray:
    return values[np.isfinite(values) & (values > 0)]


class DoubleDescentTab(TabBase):
    """Notes §5: the second descent of min-norm least squares past p = n."""

    name = "double-descent"
    title = "Double descent"
    STATE_SPEC = StateSpec(
        {
            "family": choice(tuple(FAMILIES)),
            "n": integer(*N_RANGE),
            "sigma": real(0.0, 5.0),
            "ridge": real(1e-6, 1e3),
            "ridgeless": boolean(),
            "trials": integer(1, 200),
            "seed": integer(0, 2**31 - 1),
            "ratio": real(*RATIO_RANGE),
            "p_view": integer(1, 10_000),
        }
    )

    def __init__(self, parent=None):
        super().__init__(parent)
        self._style = Style()
        self._restoring = False
        self.result: dd.SweepResult | None = None  # what is drawn (maybe partial)
        self.finished_result: dd.SweepResult | None = None
        self._recorded_seconds = 0.0
        self.job = LatestJob(self)
        self.job.progress.connect(self._sweep_progress)
        self.job.finished.connect(self._sweep_finished)
        self.job.failed.connect(lambda why: self.message.emit(f"Sweep failed: {why}"))
        self.job.busyChanged.connect(self._busy_changed)
        self._build_controls()
        self._build_plots()
        controls_beside(self, self._panel, self.view)
        self.restore(self.default_state())

    # ------------------------------------------------------------------ controls
    def _build_controls(self) -> None:
        self._panel = QtWidgets.QWidget()
        panel = QtWidgets.QVBoxLayout(self._panel)
        problem = QtWidgets.QGroupBox("Problem")
        box = QtWidgets.QVBoxLayout(problem)
        self.family_combo = QtWidgets.QComboBox()
        for key, label in FAMILIES.items():
            self.family_combo.addItem(label, key)
        self.family_combo.setToolTip(
            "Isotropic: x ~ N(0, I_p), the setting of Hastie et al. 2019 (theory curve shown).\n"
            "ReLU: random features of a 20-dimensional input, nested widths.\n"
            "Fourier: random Fourier features of a 1-D input (Belkin et al. 2019)."
        )
        self.n_slider = ValueSlider(
            "n",
            40,
            *N_RANGE,
            steps=N_RANGE[1] - N_RANGE[0],
            digits=3,
            tooltip="Number of training points",
        )
        self.sigma_slider = ValueSlider(
            "σ",
            0.5,
            0.0,
            5.0,
            steps=500,
            digits=3,
            tooltip="Label noise standard deviation (σ = 0 allowed)",
        )
        self.ridge_slider = ValueSlider(
            "λ",
            1e-2,
            1e-6,
            1e3,
            log=True,
            digits=3,
            tooltip="Ridge penalty: argmin ‖y − Φβ‖² + λ‖β‖²",
        )
        self.ridgeless_box = QtWidgets.QCheckBox("ridgeless (λ = 0: minimum-norm least squares)")
        self.trials_slider = ValueSlider(
            "trials",
            20,
            1,
            200,
            steps=199,
            digits=3,
            tooltip="Independent draws averaged per width",
        )
        self.ratio_slider = ValueSlider(
            "p up to",
            4.0,
            *RATIO_RANGE,
            steps=370,
            digits=3,
            unit="× n",
            tooltip="Largest model size as a multiple of n",
        )
        self.seed_box = QtWidgets.QSpinBox()
        self.seed_box.setRange(0, 2**31 - 1)
        self.seed_box.setToolTip("Same seed, same curves")
        seed_row = QtWidgets.QHBoxLayout()
        seed_row.addWidget(QtWidgets.QLabel("seed"))
        seed_row.addWidget(self.seed_box, 1)
        for widget in (
            self.family_combo,
            self.n_slider,
            self.sigma_slider,
            self.ridge_slider,
            self.ridgeless_box,
            self.trials_slider,
            self.ratio_slider,
        ):
            box.addWidget(widget)
        box.addLayout(seed_row)
        self.family_combo.currentIndexChanged.connect(lambda _i: self.start_sweep())
        self.ridgeless_box.toggled.connect(self._ridgeless_toggled)
        self.seed_box.valueChanged.connect(lambda _v: self.start_sweep())
        for slider in (
            self.n_slider,
            self.sigma_slider,
            self.ridge_slider,
            self.trials_slider,
            self.ratio_slider,
        ):
            slider.valueChanged.connect(lambda _v: self.start_sweep())
            slider.rejected.connect(self.message)
        panel.addWidget(problem)

        run = QtWidgets.QGroupBox("Sweep")
        run_box = QtWidgets.QHBoxLayout(run)
        self.progress_bar = QtWidgets.QProgressBar()
        self.progress_bar.setFormat("%v / %m trials")
        self.cancel_button = QtWidgets.QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the running sweep and keep the trials done so far")
        self.cancel_button.clicked.connect(self.cancel_sweep)
        run_box.addWidget(self.progress_bar, 1)
        run_box.addWidget(self.cancel_button)
        panel.addWidget(run)

        function = QtWidgets.QGroupBox("Function view (Fourier features, 1-D)")
        function_box = QtWidgets.QVBoxLayout(function)
        self.p_slider = ValueSlider(
            "p",
            40,
            1,
            160,
            steps=159,
            digits=4,
            tooltip="Model size of the fit on the right; or click the curve",
        )
        self.p_slider.valueChanged.connect(lambda v: self.set_p_view(round(v)))
        function_box.addWidget(self.p_slider)
        panel.addWidget(function)

        readouts = ReadoutPanel(
            "Readouts",
            [
                ("peak test error", "largest mean test error, near the interpolation threshold"),
                ("best p", "width with the smallest mean test error"),
                ("trials", "trials averaged so far"),
                ("fit at p", "training and test error of the function view"),
            ],
        )
        self.readouts = readouts.table
        panel.addWidget(readouts)
        self.equations = EquationPanel(
            "Equations (notes §5)",
            [
                ("dd_min_norm", "ridgeless: the minimum-norm least-squares solution"),
                ("dd_ridge", "ridge regression; λ → 0⁺ gives the minimum-norm solution"),
                ("dd_risk_under", "Hastie, Montanari, Rosset & Tibshirani (2019), Thm 1, γ = p/n"),
                ("dd_risk_over", "past the threshold the excess risk descends again"),
            ],
        )
        panel.addWidget(self.equations)
        panel.addStretch(1)

    # ------------------------------------------------------------------ plots
    def _build_plots(self) -> None:
        self.view = pg.GraphicsLayoutWidget()
        layout = self.view.ci
        self.error_plot = layout.addPlot(row=0, col=0)
        self.norm_plot = layout.addPlot(row=2, col=0)
        self.function_plot = layout.addPlot(row=0, col=1, rowspan=3)
        self.error_legend = legend_below(layout, self.error_plot, row=1, col=0, columns=3)
        self.function_legend = legend_below(layout, self.function_plot, row=3, col=1, columns=3)
        layout.layout.setRowStretchFactor(0, 3)
        layout.layout.setRowStretchFactor(2, 2)
        layout.layout.setColumnStretchFactor(0, 3)
        layout.layout.setColumnStretchFactor(1, 2)
        for plot in (self.error_plot, self.norm_plot, self.function_plot):
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.setMouseEnabled(False, False)
            plot.showGrid(x=True, y=True, alpha=0.2)
        for plot in (self.error_plot, self.norm_plot):
            plot.setLogMode(y=True)
            plot.getAxis("left").enableAutoSIPrefix(False)
            plot.setLabel("bottom", "p / n")
        self.error_plot.setXLink(self.norm_plot)
        self.error_plot.setLabel("left", "error")
        self.norm_plot.setLabel("left", "‖β̂‖")
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
        self.error_plot.scene().sigMouseClicked.connect(self._plot_clicked)
        self.fit_truth = curve(self.function_plot, "target")
        self.fit_curve = curve(self.function_plot, "fit at p")
        self.fit_points = curve(
            self.function_plot, "training data", pen=None, symbol="o", symbolSize=7
        )
        self.function_plot.setLabel("bottom", "x")
        self.function_plot.setLabel("left", "y")

    # ------------------------------------------------------------------ state
    def default_state(self) -> dict[str, Any]:
        return {
            "family": "isotropic",
            "n": 40,
            "sigma": 0.5,
            "ridge": 0.05,
            "ridgeless": True,
            "trials": 20,
            "seed": 0,
            "ratio": 4.0,
            "p_view": 40,
        }

    def state(self) -> dict[str, Any]:
        return {
            "family": self.family_combo.currentData(),
            "n": self.n,
            "sigma": self.sigma_slider.value(),
            "ridge": self.ridge_slider.value(),
            "ridgeless": self.ridgeless_box.isChecked(),
            "trials": round(self.trials_slider.value()),
            "seed": self.seed_box.value(),
            "ratio": self.ratio_slider.value(),
            "p_view": self.p_view,
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        self._restoring = True
        self.family_combo.setCurrentIndex(self.family_combo.findData(state["family"]))
        self.n_slider.set_value(state["n"])
        self.sigma_slider.set_value(state["sigma"])
        self.ridge_slider.set_value(state["ridge"])
        self.ridgeless_box.setChecked(state["ridgeless"])
        self.ridge_slider.setEnabled(not state["ridgeless"])
        self.trials_slider.set_value(state["trials"])
        self.seed_box.setValue(state["seed"])
        self.ratio_slider.set_value(state["ratio"])
        self.p_view = state["p_view"]
        self._restoring = False
        self.start_sweep()

    @property
    def n(self) -> int:
        return round(self.n_slider.value())

    def params(self) -> dd.SweepParams:
        """A frozen snapshot of the controls for the worker thread."""
        return dd.SweepParams(
            n=self.n,
            widths=dd.widths_for(self.n, self.ratio_slider.value()),
            trials=round(self.trials_slider.value()),
            sigma=self.sigma_slider.value(),
            ridge=0.0 if self.ridgeless_box.isChecked() else self.ridge_slider.value(),
            features=self.family_combo.currentData(),
            seed=self.seed_box.value(),
        )

    # ------------------------------------------------------------------ sweep
    def start_sweep(self) -> None:
        """Supersede any running sweep with one for the current settings; clear stale curves."""
        if self._restoring:
            return
        params = self.params()
        self.result = self.finished_result = None
        self._recorded_seconds = 0.0
        for item in (
            self.test_curve,
            self.train_curve,
            self.norm_curve,
            self.test_low,
            self.test_high,
        ):
            item.setData([], [])
        self.progress_bar.setRange(0, params.trials)
        self.progress_bar.setValue(0)
        self.job.submit(dd.run_sweep, params)
        self._draw_theory(params)
        top = params.widths[-1]
        self.p_slider.set_range(1, top, max(1, top - 1))
        self.set_p_view(min(self.p_view, top))

    def cancel_sweep(self) -> None:
        if self.job.busy:
            self.job.cancel()
            done, total = self.progress_bar.value(), self.progress_bar.maximum()
            self.readouts.set_value("trials", f"{done} of {total} (cancelled)")
            self.message.emit(f"Sweep cancelled after {done} trials")

    def settle(self) -> None:
        self.job.wait()
        QtCore.QCoreApplication.processEvents()

    def _ridgeless_toggled(self, on: bool) -> None:
        self.ridge_slider.setEnabled(not on)
        self.start_sweep()

    def _busy_changed(self, busy: bool) -> None:
        self.cancel_button.setEnabled(busy)

    def _sweep_progress(self, values) -> None:
        done, _total, partial = values
        self.progress_bar.setValue(done)
        self._show_result(partial, running=True)

    def _sweep_finished(self, result: dd.SweepResult) -> None:
        self.finished_result = result
        self._show_result(result)
        self.progress_bar.setValue(result.trials_done)

    def _show_result(self, result: dd.SweepResult, running: bool = False) -> None:
        """Draw a sweep result; ``running``: a partial one while trials are still coming."""
        self.result = result
        ratio = result.p / result.params.n
        band = result.test_std if result.trials_done > 1 else np.zeros_like(result.test_mean)
        floor = self._y_floor(result)
        self.test_curve.setData(ratio, np.maximum(result.test_mean, floor))
        self.test_low.setData(ratio, np.maximum(result.test_mean - band, floor))
        self.test_high.setData(ratio, np.maximum(result.test_mean + band, floor))
        self.train_curve.setData(ratio, np.maximum(result.train_mean, floor))
        self.norm_curve.setData(ratio, np.maximum(result.norm_mean, floor))
        self._set_y_ranges(result, floor)
        peak = int(np.nanargmax(result.test_mean))
        best = int(np.nanargmin(result.test_mean))
        readouts = self.readouts
        readouts.set_value(
            "peak test error", f"{result.test_mean[peak]:.4g} at p = {result.p[peak]}"
        )
        readouts.set_value("best p", f"p = {result.p[best]} (error {result.test_mean[best]:.4g})")
        cancelled = " (running)" if running else " (cancelled)" if result.cancelled else ""
        readouts.set_value("trials", f"{result.trials_done} of {result.params.trials}{cancelled}")

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
            low = max(float(positive.min()), floor)
            high = min(float(positive.max()), low * 10**Y_SPAN_DECADES)
            low_log, high_log = np.log10(low) - 0.2, np.log10(max(high, low * 10)) + 0.2
            plot.setYRange(low_log, high_log, padding=0)
            decade_ticks(plot.getAxis("left"), low_log, high_log)
        ratio = result.p / result.params.n
        self.error_plot.setXRange(0, float(ratio[-1]), padding=0.02)

    def _draw_theory(self, params: dd.SweepParams) -> None:
        if params.features != "isotropic" or params.ridge != 0.0:  # the theorem's setting only
            self.theory_curve.setData([], [])
            return
        gamma = np.linspace(0.01, params.widths[-1] / params.n, 600)
        gamma = gamma[np.abs(gamma - 1.0) > 0.02]
        risk = np.asarray(dd.isotropic_risk(gamma, params.signal, params.sigma**2), dtype=float)
        under = gamma < 1.0
        x = np.concatenate([gamma[under], [np.nan], gamma[~under]])
        y = np.concatenate([risk[under], [np.nan], risk[~under]])
        self.theory_curve.setData(x, y)

    # ------------------------------------------------------------------ function view
    def set_p_view(self, p: int) -> None:
        self.p_view = max(1, int(p))
        self.p_slider.set_value(self.p_view)
        ratio = self.p_view / self.n
        for marker in self.p_markers:
            marker.setValue(ratio)
        fit = dd.fit_function(
            self.n,
            self.p_view,
            self.sigma_slider.value(),
            ridge=0.0 if self.ridgeless_box.isChecked() else self.ridge_slider.value(),
            seed=self.seed_box.value(),
        )
        self.fit_truth.setData(fit.x_grid, fit.f_true)
        self.fit_curve.setData(fit.x_grid, fit.f_hat)
        self.fit_points.setData(fit.x_train, fit.y_train)
        spread = max(float(np.ptp(fit.y_train)), float(np.ptp(fit.f_true)), 1e-6)
        middle = 0.5 * (float(fit.f_true.max()) + float(fit.f_true.min()))
        self.function_plot.setYRange(middle - 1.2 * spread, middle + 1.2 * spread, padding=0)
        set_title(
            self.function_plot,
            self._style,
            f"Fit with p = {self.p_view} features (p/n = {ratio:.2f})",
        )
        self.readouts.set_value(
            "fit at p", f"train {fit.train_error:.3g}, test {fit.grid_error:.3g}"
        )

    def _plot_clicked(self, event) -> None:
        box = self.error_plot.vb
        if not box.sceneBoundingRect().contains(event.scenePos()):
            return
        ratio = box.mapSceneToView(event.scenePos()).x()
        top = int(round(self.p_slider.value() if self.result is None else self.result.p[-1]))
        self.set_p_view(int(np.clip(round(ratio * self.n), 1, max(top, 1))))
        event.accept()

    # ------------------------------------------------------------------ style, export
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
        self.equations.apply_style(style)
        self.readouts.apply_style(style)
        set_title(self.error_plot, style, "Test and train error against model size")
        set_title(self.norm_plot, style, "Norm of the fitted weights")
        set_title(self.function_plot, style, f"Fit with p = {self.p_view} features")

    def figure_view(self) -> QtWidgets.QGraphicsView:
        return self.view

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

    def reset(self) -> None:
        self.job.cancel()
        super().reset()

    def animate(self, wall_seconds: float) -> None:
        """For a video: the finished sweep fills in again, one trial every REVEAL_SECONDS."""
        self.settle()
        full = self.finished_result
        if full is None or full.trials_done == 0:
            return
        self._recorded_seconds += wall_seconds
        shown = min(full.trials_done, 1 + int(self._recorded_seconds / REVEAL_SECONDS))
        partial = dd.SweepResult(
            replace(full.params, trials=shown),
            full.test_trials[:shown],
            full.train_trials[:shown],
            full.norm_trials[:shown],
        )
        self._show_result(partial, running=True)
        self.progress_bar.setValue(shown)
