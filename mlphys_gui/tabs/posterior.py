"""Posterior updating (notes §3–4): Bayesian linear regression as data arrive, beside MLE and MAP.

Four panels: the data with the predictive mean and bands, posterior function samples, the MLE
(eq. 4.14) and MAP/ridge (eq. 3.13) fits; weight space (prior, newest point's likelihood,
posterior — Bishop, PRML fig. 3.7); and the log evidence against λ and against model size.
Data come from clicks or from a seeded generator, one point at a time. Numerics: core.regression.
"""

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore, QtWidgets

from core import regression
from mlphys_gui.scene import SceneError, StateSpec, boolean, choice, integer, real, rows
from mlphys_gui.style import Style, set_label, set_title, style_legend, style_plot
from mlphys_gui.tabs.base import TabBase
from mlphys_gui.widgets.entries import NumberEntry, ValueSlider
from mlphys_gui.widgets.equation import EquationPanel
from mlphys_gui.widgets.panels import ReadoutPanel, controls_beside
from mlphys_gui.widgets.playback import Animator, PlaybackBar
from mlphys_gui.widgets.plot_items import (
    curve,
    follow_y,
    legend_below,
    series_of,
    style_symbol_key,
)

MAX_POINTS = 10_000
GRID_POINTS = 300
LAMBDA_GRID = np.logspace(-4, 4, 81)
TRUTHS = {"line": "Line −0.3 + 0.5x", "sine": "Sine", "cubic": "Cubic"}
BASES = {"polynomial": "Polynomial", "gaussian": "Gaussian bumps"}
SIZE_RANGE = {"polynomial": (0, 12), "gaussian": (1, 20)}
ELLIPSE_LEVELS = (1.0, 2.0)
MIN_X_SPAN = 1e-3  # a narrower x-range (1e-320 wide, typed) overflows the plot's transform


def _check_state(state: dict[str, Any]) -> None:
    if not state["x_high"] - state["x_low"] >= MIN_X_SPAN:
        raise SceneError(f"state.x_high must exceed state.x_low by at least {MIN_X_SPAN:g}")
    size = state["degree"] if state["basis"] == "polynomial" else state["bumps"]
    if max(state["weight_i"], state["weight_j"]) > max(size, 1):  # the spin boxes' range
        raise SceneError("state.weight_i / weight_j: the model has no such weight")
    if state["weight_i"] == state["weight_j"]:
        raise SceneError("state.weight_i and weight_j must differ")


class PosteriorTab(TabBase):
    """Bayesian linear regression, MLE and MAP as data arrive (notes §3–4)."""

    name = "posterior"
    title = "Posterior updating"
    STATE_SPEC = StateSpec(
        {
            "basis": choice(tuple(BASES)),
            "degree": integer(*SIZE_RANGE["polynomial"]),
            "bumps": integer(*SIZE_RANGE["gaussian"]),
            "bump_width": real(0.01, 10.0),
            "sigma": real(1e-3, 10.0),
            "prior_precision": real(1e-4, 1e4),
            "truth": choice(tuple(TRUTHS)),
            "heteroscedastic": boolean(),
            "x_low": real(-1000.0, 1000.0),
            "x_high": real(-1000.0, 1000.0),
            "seed": integer(0, 2**31 - 1),
            "stream_position": integer(0, 10**7),
            "points": rows(3, MAX_POINTS),
            "samples": integer(0, 50),
            "rate": real(0.5, 50.0),
            "show_truth": boolean(),
            "show_bands": boolean(),
            "show_mle": boolean(),
            "show_map": boolean(),
            "weight_i": integer(0, 20),
            "weight_j": integer(0, 20),
        },
        check=_check_state,
    )

    def __init__(self, parent=None):
        super().__init__(parent)
        self._style = Style()
        self.points = np.zeros((0, 3))  # columns: x, y, noise factor w (σᵢ = σ·w)
        self.stream_position = 0
        self._pending_points = 0.0
        self._build_controls()
        self._build_plots()
        controls_beside(self, self._panel, self.view)
        self.restore(self.default_state())

    # ------------------------------------------------------------------ controls
    def _build_controls(self) -> None:
        self._panel = QtWidgets.QWidget()
        panel = QtWidgets.QVBoxLayout(self._panel)

        model = QtWidgets.QGroupBox("Model")
        form = QtWidgets.QVBoxLayout(model)
        self.basis_combo = QtWidgets.QComboBox()
        for key, label in BASES.items():
            self.basis_combo.addItem(label, key)
        self.basis_combo.setToolTip("Feature map φ(x): powers of x, or Gaussian bumps plus a bias")
        self.basis_combo.currentIndexChanged.connect(self._basis_changed)
        self.size_slider = ValueSlider(
            "degree",
            1,
            0,
            12,
            steps=12,
            digits=2,
            tooltip="Polynomial degree (number of weights − 1)",
        )
        self.width_slider = ValueSlider(
            "width", 0.2, 0.01, 10.0, log=True, digits=3, tooltip="Width of each Gaussian bump"
        )
        self.sigma_slider = ValueSlider(
            "σ",
            0.2,
            1e-3,
            10.0,
            log=True,
            digits=3,
            tooltip="Noise standard deviation σ (eq. 4.2); new points are drawn with it",
        )
        self.lambda_slider = ValueSlider(
            "λ",
            2.0,
            1e-4,
            1e4,
            log=True,
            digits=3,
            tooltip="Prior precision λ: β ~ N(0, λ⁻¹I) (eq. 3.12); the ridge penalty is λσ²",
        )
        for widget in (
            self.basis_combo,
            self.size_slider,
            self.width_slider,
            self.sigma_slider,
            self.lambda_slider,
        ):
            form.addWidget(widget)
        self.size_slider.valueChanged.connect(self._size_changed)
        for slider in (self.width_slider, self.sigma_slider, self.lambda_slider):
            slider.valueChanged.connect(lambda _v: self.refresh())
        for slider in (self.size_slider, self.width_slider, self.sigma_slider, self.lambda_slider):
            slider.rejected.connect(self.message)
        panel.addWidget(model)

        show = QtWidgets.QGroupBox("Show")
        grid = QtWidgets.QGridLayout(show)
        self.show_truth = QtWidgets.QCheckBox("True function")
        self.show_bands = QtWidgets.QCheckBox("Predictive ±1σ, ±2σ")
        self.show_mle = QtWidgets.QCheckBox("MLE (eq. 4.14)")
        self.show_map = QtWidgets.QCheckBox("MAP / ridge (eq. 3.13)")
        for index, box in enumerate(
            (self.show_truth, self.show_bands, self.show_mle, self.show_map)
        ):
            box.toggled.connect(lambda _c: self.refresh())
            grid.addWidget(box, index // 2, index % 2)
        self.samples_slider = ValueSlider(
            "samples", 5, 0, 50, steps=50, digits=2, tooltip="Functions drawn from the posterior"
        )
        self.samples_slider.valueChanged.connect(lambda _v: self.refresh())
        grid.addWidget(self.samples_slider, 2, 0, 1, 2)
        self.weight_i = QtWidgets.QSpinBox()
        self.weight_j = QtWidgets.QSpinBox()
        weights = QtWidgets.QHBoxLayout()
        weights.addWidget(QtWidgets.QLabel("weight space: β"))
        weights.addWidget(self.weight_i)
        weights.addWidget(QtWidgets.QLabel("against β"))
        weights.addWidget(self.weight_j)
        for spin in (self.weight_i, self.weight_j):
            spin.setToolTip("Which two weights the weight-space panel shows (a marginal if M > 2)")
            spin.valueChanged.connect(lambda _v: self.refresh())
        grid.addLayout(weights, 3, 0, 1, 2)
        panel.addWidget(show)

        data = QtWidgets.QGroupBox("Data")
        box = QtWidgets.QGridLayout(data)
        self.truth_combo = QtWidgets.QComboBox()
        for key, label in TRUTHS.items():
            self.truth_combo.addItem(label, key)
        self.truth_combo.currentIndexChanged.connect(lambda _i: self.refresh(rescale=True))
        self.hetero_box = QtWidgets.QCheckBox("heteroscedastic (σᵢ grows with x)")
        self.hetero_box.toggled.connect(lambda _c: self.refresh())
        self.x_low = NumberEntry(-1.0, -1000.0, 1000.0)
        self.x_high = NumberEntry(1.0, -1000.0, 1000.0)
        self.seed_box = QtWidgets.QSpinBox()
        self.seed_box.setRange(0, 2**31 - 1)
        self.seed_box.setToolTip("Same seed, same points")
        for entry, label in ((self.x_low, "x from"), (self.x_high, "to")):
            entry.setToolTip(f"Generator x-range: {label}")
            entry.committed.connect(lambda _v, e=entry: self._range_committed(e))
            entry.rejected.connect(lambda why: self.message.emit(f"x-range not changed: {why}"))
        self.seed_box.valueChanged.connect(lambda _v: self.clear_points())
        box.addWidget(QtWidgets.QLabel("truth"), 0, 0)
        box.addWidget(self.truth_combo, 0, 1, 1, 3)
        box.addWidget(self.hetero_box, 1, 0, 1, 4)
        box.addWidget(QtWidgets.QLabel("x from"), 2, 0)
        box.addWidget(self.x_low, 2, 1)
        box.addWidget(QtWidgets.QLabel("to"), 2, 2)
        box.addWidget(self.x_high, 2, 3)
        box.addWidget(QtWidgets.QLabel("seed"), 3, 0)
        box.addWidget(self.seed_box, 3, 1)
        self.next_button = QtWidgets.QPushButton("Next point")
        self.add10_button = QtWidgets.QPushButton("Add 10")
        self.clear_button = QtWidgets.QPushButton("Clear")
        self.next_button.clicked.connect(lambda: self.add_generated(1))
        self.add10_button.clicked.connect(lambda: self.add_generated(10))
        self.clear_button.clicked.connect(self.clear_points)
        box.addWidget(self.next_button, 4, 0, 1, 2)
        box.addWidget(self.add10_button, 4, 2)
        box.addWidget(self.clear_button, 4, 3)
        self.rate_slider = ValueSlider(
            "rate",
            2.0,
            0.5,
            50.0,
            log=True,
            unit="points/s",
            digits=2,
            tooltip="How fast Play adds points",
        )
        self.rate_slider.valueChanged.connect(lambda v: setattr(self.animator, "speed", v))
        box.addWidget(self.rate_slider, 5, 0, 1, 4)
        self.animator = Animator(self.advance, step_amount=1.0, parent=self)
        self.playback = PlaybackBar(self.animator, self.reset, "Add the next point")
        box.addWidget(self.playback, 6, 0, 1, 4)
        hint = QtWidgets.QLabel(
            "Click the data plot to add a point; right-click removes the "
            "nearest; Backspace removes the newest."
        )
        hint.setWordWrap(True)
        box.addWidget(hint, 7, 0, 1, 4)
        panel.addWidget(data)

        readouts = ReadoutPanel(
            "Readouts",
            [
                ("N points", "number of data points"),
                ("M weights", "number of features φⱼ"),
                ("log p(y)", "log evidence at the current σ, λ"),
                ("best λ", "λ on the grid with the largest evidence"),
                ("MLE", "maximum likelihood (eq. 4.14): defined only with enough points"),
            ],
        )
        self.readouts = readouts.table
        panel.addWidget(readouts)
        self.equations = EquationPanel(
            "Equations (notes §3–4)",
            [
                ("reg_eq_4_14", "eq. 4.14: maximum likelihood = weighted least squares"),
                (
                    "reg_eq_3_13",
                    "eq. 3.13, corrected: −log posterior = ridge loss; MAP = ridge with λσ²",
                ),
                (
                    "reg_posterior",
                    "eq. 4.16 with the prior of eq. 3.12: conjugate Gaussian posterior",
                ),
                ("reg_predictive", "posterior predictive: the bands include the noise σ²"),
                ("reg_evidence", "the evidence p(y), the denominator of eq. 3.9"),
            ],
        )
        panel.addWidget(self.equations)
        panel.addStretch(1)

    # ------------------------------------------------------------------ plots
    def _build_plots(self) -> None:
        self.view = pg.GraphicsLayoutWidget()
        layout = self.view.ci
        self.data_plot = layout.addPlot(row=0, col=0, rowspan=3)
        self.weight_plot = layout.addPlot(row=0, col=1)
        self.lambda_plot = layout.addPlot(row=1, col=1)
        self.size_plot = layout.addPlot(row=2, col=1)
        layout.layout.setColumnStretchFactor(0, 3)
        layout.layout.setColumnStretchFactor(1, 2)
        layout.layout.setRowStretchFactor(0, 3)
        layout.layout.setRowStretchFactor(1, 2)
        layout.layout.setRowStretchFactor(2, 2)
        self.data_legend = legend_below(layout, self.data_plot, row=3, col=0, columns=3)
        self.weight_legend = legend_below(layout, self.weight_plot, row=3, col=1, columns=2)
        for plot in (self.data_plot, self.weight_plot, self.lambda_plot, self.size_plot):
            plot.setMenuEnabled(False)
            plot.hideButtons()
        self.data_plot.setMouseEnabled(False, False)
        self.weight_plot.setAspectLocked(True)
        for side in ("left", "bottom"):
            self.weight_plot.getAxis(side).enableAutoSIPrefix(False)
        self.weight_plot.setMouseEnabled(False, False)
        self.lambda_plot.setLogMode(x=True)
        self.lambda_plot.setXRange(
            np.log10(LAMBDA_GRID[0]), np.log10(LAMBDA_GRID[-1]), padding=0.02
        )
        for plot in (self.lambda_plot, self.size_plot):
            plot.getAxis("left").enableAutoSIPrefix(False)
            plot.setMouseEnabled(False, False)

        self.band2_low, self.band2_high = curve(self.data_plot), curve(self.data_plot)
        self.band1_low, self.band1_high = curve(self.data_plot), curve(self.data_plot)
        self.band2 = pg.FillBetweenItem(self.band2_low, self.band2_high)
        self.band1 = pg.FillBetweenItem(self.band1_low, self.band1_high)
        self.data_plot.addItem(self.band2)
        self.data_plot.addItem(self.band1)
        # legend samples for items pyqtgraph cannot show in a legend (fills, images)
        self.band1_key = pg.PlotDataItem(fillLevel=0)
        self.band2_key = pg.PlotDataItem(fillLevel=0)
        self.data_legend.addItem(self.band1_key, "predictive ±1σ")
        self.data_legend.addItem(self.band2_key, "predictive ±2σ")
        self.samples_item = curve(self.data_plot, "posterior samples")
        self.truth_item = curve(self.data_plot, "true function")
        self.mean_item = curve(self.data_plot, "predictive mean")
        self.mle_item = curve(self.data_plot, "MLE")
        self.map_item = curve(self.data_plot, "MAP / ridge (= mean)")
        self.error_bars = pg.ErrorBarItem(x=np.zeros(0), y=np.zeros(0), height=np.zeros(0))
        self.data_plot.addItem(self.error_bars)
        self.data_item = curve(self.data_plot, "data", pen=None, symbol="o", symbolSize=8)
        self.mle_note = pg.TextItem(anchor=(0, 0))
        self.data_plot.addItem(self.mle_note, ignoreBounds=True)
        self.data_plot.setLabel("bottom", "x")
        self.data_plot.setLabel("left", "y")
        self.data_plot.scene().sigMouseClicked.connect(self._plot_clicked)

        self.likelihood_image = pg.ImageItem(axisOrder="row-major")
        self.weight_plot.addItem(self.likelihood_image)
        self.likelihood_key = pg.PlotDataItem(pen=None, symbol="s", symbolSize=12)
        self.weight_legend.addItem(self.likelihood_key, "likelihood of newest point")
        self.prior_ellipses = curve(self.weight_plot, "prior (1σ, 2σ)")
        self.posterior_ellipses = curve(self.weight_plot, "posterior (1σ, 2σ)")
        self.true_beta = curve(self.weight_plot, "true β", pen=None, symbol="+", symbolSize=18)
        self.lambda_curve = curve(self.lambda_plot)
        self.lambda_marker = curve(self.lambda_plot, pen=None, symbol="o", symbolSize=10)
        self.size_curve = curve(self.size_plot, symbol="o", symbolSize=6)
        self.size_marker = curve(self.size_plot, pen=None, symbol="o", symbolSize=12)
        self.lambda_plot.setLabel("bottom", "prior precision λ")
        self.lambda_plot.setLabel("left", "log p(y)")
        self.size_plot.setLabel("left", "log p(y)")

    # ------------------------------------------------------------------ state
    def default_state(self) -> dict[str, Any]:
        return {
            "basis": "polynomial",
            "degree": 1,
            "bumps": 9,
            "bump_width": 0.2,
            "sigma": 0.2,
            "prior_precision": 2.0,
            "truth": "line",
            "heteroscedastic": False,
            "x_low": -1.0,
            "x_high": 1.0,
            "seed": 1,
            "stream_position": 0,
            "points": [],
            "samples": 6,
            "rate": 2.0,
            "show_truth": True,
            "show_bands": True,
            "show_mle": True,
            "show_map": True,
            "weight_i": 0,
            "weight_j": 1,
        }

    def state(self) -> dict[str, Any]:
        return {
            "basis": self.basis,
            "degree": self._sizes["polynomial"],
            "bumps": self._sizes["gaussian"],
            "bump_width": self.width_slider.value(),
            "sigma": self.sigma_slider.value(),
            "prior_precision": self.lambda_slider.value(),
            "truth": self.truth_combo.currentData(),
            "heteroscedastic": self.hetero_box.isChecked(),
            "x_low": self.x_low.value(),
            "x_high": self.x_high.value(),
            "seed": self.seed_box.value(),
            "stream_position": self.stream_position,
            "points": self.points.tolist(),
            "samples": round(self.samples_slider.value()),
            "rate": self.rate_slider.value(),
            "show_truth": self.show_truth.isChecked(),
            "show_bands": self.show_bands.isChecked(),
            "show_mle": self.show_mle.isChecked(),
            "show_map": self.show_map.isChecked(),
            "weight_i": self.weight_i.value(),
            "weight_j": self.weight_j.value(),
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        self.animator.pause()
        self._restoring = True
        self._sizes = {"polynomial": state["degree"], "gaussian": state["bumps"]}
        self.basis = state["basis"]
        self.basis_combo.setCurrentIndex(self.basis_combo.findData(self.basis))
        self._configure_size_slider()
        self.width_slider.set_value(state["bump_width"])
        self.sigma_slider.set_value(state["sigma"])
        self.lambda_slider.set_value(state["prior_precision"])
        self.truth_combo.setCurrentIndex(self.truth_combo.findData(state["truth"]))
        self.hetero_box.setChecked(state["heteroscedastic"])
        self.x_low.set_value(state["x_low"])
        self.x_high.set_value(state["x_high"])
        self.seed_box.setValue(state["seed"])
        self.samples_slider.set_value(state["samples"])
        self.rate_slider.set_value(state["rate"], emit=True)
        for box, key in (
            (self.show_truth, "show_truth"),
            (self.show_bands, "show_bands"),
            (self.show_mle, "show_mle"),
            (self.show_map, "show_map"),
        ):
            box.setChecked(state[key])
        self.points = np.array(state["points"], dtype=float).reshape(-1, 3)
        self.stream_position = state["stream_position"]
        self._set_weight_range()
        self.weight_i.setValue(state["weight_i"])
        self.weight_j.setValue(state["weight_j"])
        self._restoring = False
        self.refresh(rescale=True)

    # ------------------------------------------------------------------ data
    @property
    def points(self) -> np.ndarray:
        """The data: rows of (x, y, w) with noise σᵢ = σ·w."""
        return self._points

    @points.setter
    def points(self, value: np.ndarray) -> None:
        self._points = value
        self._points_dirty = True  # the scatter is redrawn only when the data change

    def generator(self) -> "regression.GeneratorParams":
        return regression.GeneratorParams(
            truth=self.truth_combo.currentData(),
            sigma=self.sigma_slider.value(),
            heteroscedastic=self.hetero_box.isChecked(),
            x_range=(self.x_low.value(), self.x_high.value()),
            seed=self.seed_box.value(),
        )

    def add_generated(self, count: int) -> None:
        """The next ``count`` points of the seeded stream (same seed, same points)."""
        room = MAX_POINTS - len(self.points)
        if room <= 0:
            self.message.emit(f"At most {MAX_POINTS} points: clear some first")
            self.animator.pause()
            return
        count = min(count, room)
        params = self.generator()
        x, y, sigma_i = regression.generate(params, self.stream_position + count)
        start = self.stream_position
        new = np.column_stack([x[start:], y[start:], sigma_i[start:] / params.sigma])
        self.points = np.vstack([self.points, new])
        self.stream_position += count
        self.refresh(rescale=True)

    def add_point(self, x: float, y: float) -> None:
        """A point placed by hand; its noise follows the generator's noise profile."""
        if len(self.points) >= MAX_POINTS:
            self.message.emit(f"At most {MAX_POINTS} points: clear some first")
            return
        params = self.generator()
        factor = float(regression.noise_sigma(params, np.array([x]))[0]) / params.sigma
        self.points = np.vstack([self.points, [x, y, factor]])
        self.refresh()

    def remove_nearest(self, x: float, y: float) -> None:
        if len(self.points) == 0:
            return
        x_span = max(self.x_high.value() - self.x_low.value(), 1e-12)
        y_span = max(np.ptp(self.data_plot.viewRange()[1]), 1e-12)
        distance = ((self.points[:, 0] - x) / x_span) ** 2 + ((self.points[:, 1] - y) / y_span) ** 2
        self.points = np.delete(self.points, int(np.argmin(distance)), axis=0)
        self.refresh()

    def remove_newest(self) -> None:
        if len(self.points):
            self.points = self.points[:-1]
            self.refresh()

    def clear_points(self) -> None:
        if getattr(self, "_restoring", False):
            return
        self.animator.pause()
        self.points = np.zeros((0, 3))
        self.stream_position = 0
        self.refresh()

    def advance(self, points: float) -> bool:
        """Play: points arrive at the chosen rate (``points`` of simulated time)."""
        self._pending_points += points
        whole = int(self._pending_points)
        self._pending_points -= whole
        if whole:
            self.add_generated(whole)
        return len(self.points) < MAX_POINTS

    def _plot_clicked(self, event) -> None:
        box = self.data_plot.vb
        if not box.sceneBoundingRect().contains(event.scenePos()):
            return
        point = box.mapSceneToView(event.scenePos())
        if event.button() == QtCore.Qt.MouseButton.LeftButton:
            self.add_point(point.x(), point.y())
        elif event.button() == QtCore.Qt.MouseButton.RightButton:
            self.remove_nearest(point.x(), point.y())
        event.accept()

    def keyPressEvent(self, event) -> None:
        if event.key() in (QtCore.Qt.Key.Key_Backspace, QtCore.Qt.Key.Key_Delete):
            self.remove_newest()
        else:
            super().keyPressEvent(event)

    def _range_committed(self, entry: NumberEntry) -> None:
        if not self.x_high.value() - self.x_low.value() >= MIN_X_SPAN:
            other = self.x_high if entry is self.x_low else self.x_low
            self.message.emit(
                f"x-range not changed: 'to' must exceed 'x from' by at least {MIN_X_SPAN:g}"
            )
            entry.set_value(other.value() - 1.0 if entry is self.x_low else other.value() + 1.0)
            return
        self.refresh(rescale=True)

    # ------------------------------------------------------------------ model
    @property
    def size(self) -> int:
        return self._sizes[self.basis]

    def _basis_changed(self, _index: int) -> None:
        if getattr(self, "_restoring", False):
            return
        self._sizes[self.basis] = round(self.size_slider.value())
        self.basis = self.basis_combo.currentData()
        self._configure_size_slider()
        self._set_weight_range()
        self.refresh()

    def _configure_size_slider(self) -> None:
        low, high = SIZE_RANGE[self.basis]
        polynomial = self.basis == "polynomial"
        self.size_slider.label.setText("degree" if polynomial else "bumps")
        self.size_slider.setToolTip(
            "Polynomial degree (weights: degree + 1)"
            if polynomial
            else "Number of Gaussian bumps (plus a bias weight)"
        )
        self.size_slider.set_range(low, high, high - low)
        self.size_slider.set_value(self.size)
        self.width_slider.setEnabled(not polynomial)

    def _size_changed(self, value: float) -> None:
        self._sizes[self.basis] = round(value)
        self._set_weight_range()
        self.refresh()

    def _set_weight_range(self) -> None:
        for spin in (self.weight_i, self.weight_j):
            blocked = spin.blockSignals(True)
            spin.setRange(0, max(self.size, 1))
            spin.blockSignals(blocked)

    def features(self, x: np.ndarray) -> np.ndarray:
        return regression.features(
            x,
            self.basis,
            self.size,
            width=self.width_slider.value(),
            x_range=(self.x_low.value(), self.x_high.value()),
        )

    # ------------------------------------------------------------------ drawing
    def refresh(self, rescale: bool = False) -> None:
        """Recompute everything from the current points and parameters, then redraw."""
        if getattr(self, "_restoring", False):
            return
        sigma, lam = self.sigma_slider.value(), self.lambda_slider.value()
        x, y, factor = self.points.T
        sigma_i = sigma * factor
        Phi = self.features(x)
        post = regression.posterior(Phi, y, sigma_i, lam)
        low, high = self.x_low.value(), self.x_high.value()
        pad = 0.05 * (high - low)
        grid = np.linspace(low - pad, high + pad, GRID_POINTS)
        Phi_grid = self.features(grid)
        params = self.generator()
        mean, lower, upper = regression.predictive_bands(
            post, Phi_grid, regression.noise_sigma(params, grid), (1, 2)
        )
        show_bands = self.show_bands.isChecked()
        for low_item, high_item, fill, below, above in (
            (self.band1_low, self.band1_high, self.band1, lower[0], upper[0]),
            (self.band2_low, self.band2_high, self.band2, lower[1], upper[1]),
        ):
            low_item.setData(grid, below)
            high_item.setData(grid, above)
            fill.setVisible(show_bands)
        self.mean_item.setData(grid, mean)

        n_samples = round(self.samples_slider.value())
        curves = regression.sample_functions(post, Phi_grid, n_samples, self.seed_box.value()).T
        gap = np.full((1, n_samples), np.nan)
        self.samples_item.setData(
            np.tile(np.append(grid, np.nan), n_samples),
            np.vstack([curves, gap]).T.ravel(),
        )
        self.truth_item.setData(grid, regression.true_function(params.truth, grid))
        self.truth_item.setVisible(self.show_truth.isChecked())

        self.map_item.setData(grid, Phi_grid @ regression.map_estimate(Phi, y, sigma_i, lam))
        self.map_item.setVisible(self.show_map.isChecked())
        try:
            beta_mle = regression.mle(Phi, y, sigma_i)
        except regression.UnderdeterminedError as error:
            self.mle_item.setData([], [])
            self._set_note(str(error) if self.show_mle.isChecked() else "")
            mle_text = "undefined"
        else:
            self.mle_item.setData(grid, Phi_grid @ beta_mle)
            self._set_note("")
            mle_text = "defined"
        self.mle_item.setVisible(self.show_mle.isChecked())

        if self._points_dirty:
            self.data_item.setData(x, y)
            self._points_dirty = False
        hetero = bool(len(x)) and self.hetero_box.isChecked()
        self.error_bars.setData(x=x, y=y, height=2 * sigma_i if hetero else np.zeros_like(x))
        self.error_bars.setVisible(hetero)

        self._draw_weight_space(post, Phi, y, sigma_i, lam)
        evidence = self._draw_evidence(Phi, x, y, sigma_i, lam)
        best = regression.best_precision(Phi, y, sigma_i, LAMBDA_GRID)
        self.readouts.set_values(
            [
                f"{len(x)}",
                f"{Phi.shape[1]}",
                f"{evidence:.4g}",
                f"{best:.3g}" if len(x) else "—",
                mle_text,
            ]
        )
        if rescale or not hasattr(self, "_y_range"):
            self._rescale(grid, params)
        self._place_note()

    def _set_note(self, text: str) -> None:
        if text != self.mle_note.toPlainText():
            self.mle_note.setText(text)

    def _rescale(self, grid: np.ndarray, params) -> None:
        truth = regression.true_function(params.truth, grid)
        values = np.concatenate([truth, self.points[:, 1]]) if len(self.points) else truth
        low, high = float(values.min()), float(values.max())
        margin = 0.35 * max(high - low, 4 * params.sigma, 1e-3)
        self._y_range = (low - margin, high + margin)
        self.data_plot.setRange(xRange=(grid[0], grid[-1]), yRange=self._y_range, padding=0)

    def _place_note(self) -> None:
        (x_low, _), (_, y_high) = self.data_plot.viewRange()
        self.mle_note.setPos(x_low, y_high)

    def _draw_weight_space(self, post, Phi, y, sigma_i, lam) -> None:
        i, j = self.weight_i.value(), self.weight_j.value()
        m = Phi.shape[1]
        usable = m >= 2 and i != j and max(i, j) < m
        for item in (
            self.prior_ellipses,
            self.posterior_ellipses,
            self.likelihood_image,
            self.true_beta,
        ):
            item.setVisible(usable)
        if not usable:
            set_title(self.weight_plot, self._style, "Weight space: needs two weights")
            return
        mean2, cov2 = regression.marginal(post, i, j)
        prior_std = lam**-0.5
        post_std = float(np.sqrt(np.max(np.diag(cov2))))
        prior_visible = 3 * prior_std <= 10 * max(post_std, 1e-12) or len(y) == 0
        centre = np.zeros(2) if prior_visible else mean2
        half = max(
            3 * prior_std if prior_visible else 0.0,
            4 * post_std + float(np.abs(mean2 - centre).max()),
            1e-6,
        )
        (x_low, x_high), (y_low, y_high) = self.weight_plot.viewRange()
        shown_half = 0.5 * min(x_high - x_low, y_high - y_low)
        inside = (
            x_low <= centre[0] - half
            and centre[0] + half <= x_high
            and y_low <= centre[1] - half
            and centre[1] + half <= y_high
        )
        if not inside or half < 0.4 * shown_half:  # hysteresis: axes rebuilt only when needed
            self.weight_plot.setRange(
                xRange=(centre[0] - half, centre[0] + half),
                yRange=(centre[1] - half, centre[1] + half),
                padding=0,
            )
        # the locked aspect ratio widens one axis: shade the whole visible area
        (x_low, x_high), (y_low, y_high) = self.weight_plot.viewRange()
        b0 = np.linspace(x_low, x_high, 160)
        b1 = np.linspace(y_low, y_high, 160)
        self.prior_ellipses.setData(
            *regression.covariance_ellipses(np.zeros(2), np.eye(2) / lam, ELLIPSE_LEVELS)
        )
        self.posterior_ellipses.setData(
            *regression.covariance_ellipses(mean2, cov2, ELLIPSE_LEVELS)
        )
        if len(y):
            density = regression.likelihood_slice(post, Phi[-1], y[-1], sigma_i[-1], i, j, b0, b1)
            self.likelihood_image.setImage(density, levels=(0, density.max() or 1.0))
            self.likelihood_image.setRect(
                QtCore.QRectF(b0[0], b1[0], b0[-1] - b0[0], b1[-1] - b1[0])
            )
        self.likelihood_image.setVisible(bool(len(y)))
        truth = regression.true_weights(self.truth_combo.currentData(), self.basis, self.size)
        if truth is None:
            self.true_beta.setData([], [])
        else:
            self.true_beta.setData([truth[i]], [truth[j]])
        marginal = "" if m == 2 else " (marginal)"
        set_title(
            self.weight_plot,
            self._style,
            f"Weight space: β<sub>{i}</sub>, β<sub>{j}</sub>{marginal}",
        )
        set_label(self.weight_plot, "bottom", f"β<sub>{i}</sub>")
        set_label(self.weight_plot, "left", f"β<sub>{j}</sub>")

    def _draw_evidence(self, Phi, x, y, sigma_i, lam) -> float:
        self._lambda_evidence = regression.evidence_vs_precision(Phi, y, sigma_i, LAMBDA_GRID)
        current = regression.log_evidence(Phi, y, sigma_i, lam)
        self.lambda_curve.setData(LAMBDA_GRID, self._lambda_evidence)
        self.lambda_marker.setData([lam], [current])
        follow_y(self.lambda_plot, self._lambda_evidence, slack=0.6)
        low, high = SIZE_RANGE[self.basis]
        sizes = np.arange(low, high + 1)
        evidence = regression.evidence_vs_size(
            x,
            y,
            sigma_i,
            lam,
            sizes,
            self.basis,
            width=self.width_slider.value(),
            x_range=(self.x_low.value(), self.x_high.value()),
        )
        self.size_curve.setData(sizes, evidence)
        self.size_marker.setData([self.size], [current])
        follow_y(self.size_plot, evidence, slack=0.6)
        self.size_plot.setXRange(low - 0.5, high + 0.5, padding=0)
        set_label(self.size_plot, "bottom", "degree" if self.basis == "polynomial" else "bumps")
        return current

    def apply_style(self, style: Style) -> None:
        self._style = style
        self.view.setBackground(style.theme.bg)
        for plot in (self.data_plot, self.weight_plot, self.lambda_plot, self.size_plot):
            style_plot(plot, style)
        for legend in (self.data_legend, self.weight_legend):
            style_legend(legend, style)
        self.band1.setBrush(style.brush(0, 70))
        self.band2.setBrush(style.brush(0, 35))
        self.band1_key.setFillBrush(style.brush(0, 70))
        self.band2_key.setFillBrush(style.brush(0, 35))
        for key in (self.band1_key, self.band2_key):
            key.setPen(pg.mkPen(None))
        style_symbol_key(self.likelihood_key, style.brush(1, 160), pg.mkPen(None))
        for edge in (self.band1_low, self.band1_high, self.band2_low, self.band2_high):
            edge.setPen(pg.mkPen(None))
        self.mean_item.setPen(style.pen(0, 2.5))
        self.samples_item.setPen(style.pen(5, 1.0))
        self.truth_item.setPen(style.pen("fg", 1.5, dashed=True))
        self.mle_item.setPen(style.pen(1, 2.0))
        self.map_item.setPen(style.pen(2, 2.0, dashed=True))
        self.data_item.setSymbolBrush(style.brush(4))
        self.data_item.setSymbolPen(style.pen("fg", 1.0))
        self.error_bars.setData(pen=style.pen(4, 1.5))
        self.mle_note.setColor(style.color(1))
        self.mle_note.setFont(style.plot_font())
        self.likelihood_image.setColorMap(pg.ColorMap([0, 1], [style.color("bg"), style.color(1)]))
        self.prior_ellipses.setPen(style.pen("muted", 1.5, dashed=True))
        self.posterior_ellipses.setPen(style.pen(0, 2.5))
        self.true_beta.setSymbolPen(style.pen("fg", 2.0))
        self.lambda_curve.setPen(style.pen(0, 2.0))
        self.lambda_marker.setSymbolBrush(style.brush(1))
        self.size_curve.setPen(style.pen(0, 2.0))
        self.size_curve.setSymbolBrush(style.brush(0))
        self.size_marker.setSymbolBrush(style.brush(1))
        self.equations.apply_style(style)
        self.readouts.apply_style(style)
        set_title(self.data_plot, style, "Data space: predictive, samples, MLE and MAP")
        set_title(self.lambda_plot, style, "Evidence against λ")
        set_title(self.size_plot, style, "Evidence against model size")
        self.refresh()

    def figure_view(self) -> QtWidgets.QGraphicsView:
        return self.view

    def plotted_data(self):
        items = [
            ("data", self.data_item),
            ("true_function", self.truth_item),
            ("predictive_mean", self.mean_item),
            ("minus_1_sigma", self.band1_low),
            ("plus_1_sigma", self.band1_high),
            ("minus_2_sigma", self.band2_low),
            ("plus_2_sigma", self.band2_high),
            ("posterior_samples", self.samples_item),
            ("mle", self.mle_item),
            ("map_ridge", self.map_item),
            ("prior_ellipses", self.prior_ellipses),
            ("posterior_ellipses", self.posterior_ellipses),
            ("log_evidence_vs_lambda", self.lambda_curve),
            ("log_evidence_vs_size", self.size_curve),
        ]
        return [series_of(item, name) for name, item in items if item.isVisible()]
