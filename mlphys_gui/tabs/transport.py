"""Measure transport: score-based diffusion, probability flow and flow matching (notes §9.2–9.5).

Particles drawn from the base N(0, I) are carried to a Gaussian-mixture target by three
processes whose fields are exact (core.transport): the reverse-time SDE of the variance-preserving
diffusion, its probability-flow ODE (same marginals, no noise) and the flow-matching ODE of the
linear interpolant. Sampling runs in a worker (the newest request wins); the time slider and
play only pick the stored particles at generation time τ. The exact p_τ is drawn beside them, as
a curve and a (τ, x) map in 1-D, as a heat map in 2-D, with the vector field as arrows.
"""

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore, QtGui, QtWidgets

from core import densities
from core import transport as tr
from mlphys_gui.scene import SceneError, StateSpec, boolean, choice, integer, real, rows
from mlphys_gui.style import Style, set_label, set_title, style_legend, style_plot
from mlphys_gui.tabs.base import TabBase
from mlphys_gui.widgets.components import STD_RANGE, WEIGHT_RANGE, ComponentEditor
from mlphys_gui.widgets.equation import EquationPanel
from mlphys_gui.widgets.panels import ReadoutPanel, controls_beside
from mlphys_gui.widgets.playback import Animator, PlaybackBar
from mlphys_gui.widgets.plot_items import DotsItem, curve
from mlphys_gui.worker import LatestJob

PROCESS_NAMES = {
    "reverse_sde": "Reverse SDE (score-based diffusion)",
    "probability_flow": "Probability-flow ODE",
    "flow_matching": "Flow matching (linear interpolant)",
}
TITLES = {  # short: three titles side by side must fit a projector at large font sizes
    "reverse_sde": "Reverse SDE",
    "probability_flow": "Probability flow",
    "flow_matching": "Flow matching",
}
SHOWN = {"all": "All three side by side", **PROCESS_NAMES}
SCHEDULES = {
    "linear": "Linear β(s) (Song et al. 2021)",
    "cosine": "Cosine α(s) (Nichol & Dhariwal), β clipped",
    "constant": "Constant β: the Ornstein–Uhlenbeck process",
}
BOX = 4.0  # x (and y) shown in [−4, 4]
MEAN_LIMIT = 3.5
MAX_COMPONENTS = 8
FRAMES = 200  # stored times per run: enough for the slider, bounded memory
PATHS_SHOWN = 40  # trajectories drawn
TAIL = 0.2  # 2-D: the trajectories' last stretch of τ, drawn behind each particle
DENSITY_POINTS = 241  # 1-D grid of the exact p_τ
HEAT_TIMES = 101  # τ columns of the 1-D (τ, x) map
IMAGE_POINTS = 101  # 2-D heat-map grid per side
HISTOGRAM_BINS = 64  # 1-D histogram; 2-D uses HISTOGRAM_BINS_2D per side for the distance
HISTOGRAM_BINS_2D = 20
FIELD_TIMES, FIELD_POINTS, FIELD_POINTS_2D = 21, 17, 15
STEP_TAU = 0.05  # → advances τ by this much
HEAT_RECT = QtCore.QRectF(0.0, -BOX, 1.0, 2 * BOX)  # (τ, x) plane
IMAGE_RECT = QtCore.QRectF(-BOX, -BOX, 2 * BOX, 2 * BOX)


def _target_rows_ok(rows_: list[list[float]], where: str) -> None:
    """The checks the component editor makes, for a scene's rows."""
    if not rows_:
        raise SceneError(f"{where}: at least one component is needed")
    (w_low, w_high), (s_low, s_high) = WEIGHT_RANGE, STD_RANGE
    for i, row in enumerate(rows_):
        weight, means, std = row[0], row[1:-1], row[-1]
        if not w_low <= weight <= w_high:
            raise SceneError(f"{where}[{i}]: weight must be in [{w_low:g}, {w_high:g}]")
        if any(abs(m) > MEAN_LIMIT for m in means):
            raise SceneError(f"{where}[{i}]: means must lie in [−{MEAN_LIMIT}, {MEAN_LIMIT}]")
        if not s_low <= std <= s_high:
            raise SceneError(f"{where}[{i}]: σ must be in [{s_low:g}, {s_high:g}], got {std:g}")


def _check_state(state: dict[str, Any]) -> None:
    _target_rows_ok(state["target_1d"], "state.target_1d")
    _target_rows_ok(state["target_2d"], "state.target_2d")
    if state["schedule"] == "linear" and state["beta_min"] > state["beta_max"]:
        raise SceneError("state.beta_min must not exceed state.beta_max")


def nan_joined(segments_x: np.ndarray, segments_y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Polylines (one per row) as one curve with NaN breaks, for a single plot item."""
    pad = np.full((segments_x.shape[0], 1), np.nan)
    return np.hstack([segments_x, pad]).ravel(), np.hstack([segments_y, pad]).ravel()


def arrows_2d(x, y, u, v, length: float) -> tuple[np.ndarray, np.ndarray]:
    """Arrows from (x, y) along (u, v), the longest ``length`` long, with two-barb heads."""
    x, y, u, v = (np.ravel(a) for a in (x, y, u, v))
    speed = np.hypot(u, v)
    scale = length / max(float(speed.max()), 1e-12)
    dx, dy = u * scale, v * scale
    tip_x, tip_y = x + dx, y + dy
    barb = 0.35 * np.hypot(dx, dy)
    angle = np.arctan2(dy, dx)
    left = angle + np.pi - 0.45
    right = angle + np.pi + 0.45
    xs = np.column_stack(
        [x, tip_x, tip_x + barb * np.cos(left), tip_x, tip_x + barb * np.cos(right)]
    )
    ys = np.column_stack(
        [y, tip_y, tip_y + barb * np.sin(left), tip_y, tip_y + barb * np.sin(right)]
    )
    return nan_joined(xs, ys)


class ProcessPanel:
    """The plots of one process: in 1-D the paths over the (τ, x) map of p_τ above the density
    at τ; in 2-D the particles over the heat map of p_τ with the field as arrows."""

    def __init__(self, process: str):
        self.process = process
        self.paths_plot = pg.PlotItem()
        self.density_plot = pg.PlotItem()
        self.plot_2d = pg.PlotItem()
        for plot in (self.paths_plot, self.density_plot, self.plot_2d):
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.setMouseEnabled(False, False)
        # 1-D: paths in the (τ, x) plane
        self.heat = pg.ImageItem(axisOrder="row-major")
        self.paths_plot.addItem(self.heat)
        self.field_1d = pg.PlotCurveItem(connect="finite")
        self.paths = pg.PlotCurveItem(connect="finite")
        self.heads = DotsItem()
        self.tau_line = pg.InfiniteLine(angle=90, movable=True)
        self.tau_line.setToolTip("Drag to move the generation time τ")
        for item in (self.field_1d, self.paths, self.heads, self.tau_line):
            self.paths_plot.addItem(item)
        self.paths_plot.setRange(xRange=(0, 1), yRange=(-BOX, BOX), padding=0.02)
        self.paths_plot.setLabel("bottom", "τ  (0 noise, 1 data)")
        self.paths_plot.setLabel("left", "x")
        # 1-D: the density at τ
        self.histogram = curve(self.density_plot, stepMode="center", fillLevel=0, antialias=False)
        self.exact = curve(self.density_plot)
        self.target_curve = curve(self.density_plot)
        for static in (self.heat, self.field_1d, self.paths, self.target_curve.curve):
            # drawn once per sampling result: kept as pixmaps while τ moves
            static.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.density_plot.setXRange(-BOX, BOX, padding=0.02)
        self.density_plot.setLabel("bottom", "x")
        self.density_plot.setLabel("left", "density")
        self.density_plot.getAxis("left").enableAutoSIPrefix(False)
        # 2-D
        self.image = pg.ImageItem(axisOrder="row-major")
        self.arrows = pg.PlotCurveItem(connect="finite")
        self.tails = pg.PlotCurveItem(connect="finite")
        self.dots = DotsItem()
        for item in (self.image, self.tails, self.arrows, self.dots):
            self.plot_2d.addItem(item)
        for lines in (self.arrows, self.tails, self.field_1d, self.paths):
            lines.setSegmentedLineMode("on")  # many short strokes: 5× faster than one polyline
        self.plot_2d.setAspectLocked(True)
        self.plot_2d.setRange(xRange=(-BOX, BOX), yRange=(-BOX, BOX), padding=0.02)
        self.plot_2d.setLabel("bottom", "x")
        self.plot_2d.setLabel("left", "y")
        self.handles: list[pg.TargetItem] = []

    def plots(self) -> tuple[pg.PlotItem, ...]:
        return (self.paths_plot, self.density_plot, self.plot_2d)

    def apply_style(self, style: Style, colormap: pg.ColorMap) -> None:
        for plot in self.plots():
            style_plot(plot, style)
        for plot in (self.paths_plot, self.plot_2d):
            set_title(plot, style, TITLES[self.process])
        set_label(self.density_plot, "left", "density")
        self.heat.setColorMap(colormap)
        self.image.setColorMap(colormap)
        fg = style.color("fg")
        fg.setAlpha(80)
        self.paths.setPen(pg.mkPen(fg, width=1.0 * style.line_scale))
        self.tails.setPen(pg.mkPen(fg, width=1.0 * style.line_scale))
        muted = style.color("muted")
        self.field_1d.setPen(pg.mkPen(muted, width=1.0 * style.line_scale))
        self.arrows.setPen(pg.mkPen(muted, width=1.2 * style.line_scale))
        self.heads.set_style(style.color(1), 4.0 * style.line_scale)
        self.dots.set_style(style.color(1), 3.0 * style.line_scale)
        self.tau_line.setPen(style.pen(1, 2.0))
        self.tau_line.setHoverPen(style.pen(1, 4.0))
        self.histogram.setPen(style.pen(0, 1.0))
        self.histogram.setFillBrush(style.brush(0, 70))
        self.exact.setPen(style.pen(1, 2.5))
        self.target_curve.setPen(style.pen(2, 1.5, dashed=True))
        for handle in self.handles:
            handle.setPen(style.pen(2, 2.0))
            handle.setBrush(style.brush("bg", 160))


class TransportTab(TabBase):
    """Notes §9.2–9.5: noise carried to data by a reverse SDE, a probability-flow ODE and
    flow matching, with every field exact (a Gaussian-mixture target)."""

    name = "transport"
    title = "Diffusion / flow matching"
    STATE_SPEC = StateSpec(
        {
            "dimension": choice(("1d", "2d")),
            "process": choice(tuple(SHOWN)),
            "steps": integer(1, 1000),
            "schedule": choice(tuple(SCHEDULES)),
            "beta_min": real(0.0, 5.0),
            "beta_max": real(0.5, 50.0),
            "n": integer(10, 20_000),
            "seed": integer(0, 2**31 - 1),
            "tau": real(0.0, 1.0),
            "duration": real(1.0, 60.0),
            "target_1d": rows(3, MAX_COMPONENTS),
            "target_2d": rows(4, MAX_COMPONENTS),
            "show_exact": boolean(),
            "show_particles": boolean(),
            "show_field": boolean(),
            "show_paths": boolean(),
        },
        check=_check_state,
    )

    def __init__(self, parent=None):
        super().__init__(parent)
        self._restoring = False
        self._out_of_date = False
        self._style: Style | None = None
        self.tau = 0.0
        self.targets = {"1d": tr.default_target(1).rows(), "2d": tr.default_target(2).rows()}
        self.result: tr.SamplingResult | None = None
        self.job = LatestJob(self)
        self.job.progress.connect(self._sampling_progress)
        self.job.finished.connect(self._sampling_finished)
        self.job.failed.connect(lambda why: self.message.emit(f"Sampling failed: {why}"))
        self.x_grid = np.linspace(-BOX, BOX, DENSITY_POINTS)
        self.heat_taus = np.linspace(0.0, 1.0, HEAT_TIMES)
        self.image_grid = np.linspace(-BOX, BOX, IMAGE_POINTS)
        self.edges = np.linspace(-BOX, BOX, HISTOGRAM_BINS + 1)
        self.edges_2d = np.linspace(-BOX, BOX, HISTOGRAM_BINS_2D + 1)
        self._build_controls()
        self._build_plots()
        self.animator = Animator(self.advance, step_amount=STEP_TAU, parent=self)
        self.playback = PlaybackBar(self.animator, self.reset, f"Advance τ by {STEP_TAU}")
        self._run_layout.insertWidget(0, self.playback)
        controls_beside(self, self._panel, self.pages)
        self.restore(self.default_state())

    # ------------------------------------------------------------------ controls
    def _build_controls(self) -> None:
        self._panel = QtWidgets.QWidget()
        panel = QtWidgets.QVBoxLayout(self._panel)

        run = QtWidgets.QGroupBox("Run")
        self._run_layout = QtWidgets.QVBoxLayout(run)
        self.tau_slider = self.add_slider(
            self._run_layout,
            "τ",
            0.0,
            0.0,
            1.0,
            steps=1000,
            digits=3,
            tooltip="Generation time τ: 0 is the base N(0, I), 1 the target (s = 1 − τ is the "
            "diffusion time)",
        )
        self.tau_slider.valueChanged.connect(self.set_tau)
        self.duration_slider = self.add_slider(
            self._run_layout,
            "duration",
            6.0,
            1.0,
            60.0,
            log=True,
            digits=3,
            unit="s",
            tooltip="Seconds that Play takes from τ = 0 to τ = 1",
        )
        self.duration_slider.valueChanged.connect(
            lambda seconds: setattr(self.animator, "speed", 1.0 / seconds)
        )
        self.dimension_combo = QtWidgets.QComboBox()
        self.dimension_combo.addItem("1-D: paths over the (τ, x) map of p_τ", "1d")
        self.dimension_combo.addItem("2-D: particles over the heat map of p_τ", "2d")
        self.dimension_combo.currentIndexChanged.connect(lambda _i: self.rebuild_view())
        self._run_layout.addWidget(self.dimension_combo)
        self.process_combo = QtWidgets.QComboBox()
        for key, label in SHOWN.items():
            self.process_combo.addItem(label, key)
        self.process_combo.setToolTip("Which sampler to show, or all three from the same noise")
        self.process_combo.currentIndexChanged.connect(lambda _i: self.rebuild_view())
        self._run_layout.addWidget(self.process_combo)
        panel.addWidget(run)

        sampling = QtWidgets.QGroupBox("Sampling (eqs. 9.2, 9.6)")
        form = QtWidgets.QVBoxLayout(sampling)
        self.steps_slider = self.add_slider(
            form,
            "steps",
            100,
            1,
            1000,
            log=True,
            digits=4,
            tooltip="Euler (ODEs) or Euler–Maruyama (SDE) steps from τ = 0 to 1: few steps show "
            "the discretisation error",
        )
        self.n_slider = self.add_slider(
            form,
            "N",
            2000,
            10,
            20_000,
            log=True,
            digits=5,
            tooltip="Number of particles (10 to 20 000)",
        )
        seed_row = QtWidgets.QHBoxLayout()
        seed_row.addWidget(QtWidgets.QLabel("seed"))
        self.seed_box = QtWidgets.QSpinBox()
        self.seed_box.setRange(0, 2**31 - 1)
        self.seed_box.setToolTip("Same seed, same base draws and noise: same particles")
        seed_row.addWidget(self.seed_box, 1)
        form.addLayout(seed_row)
        self.schedule_combo = QtWidgets.QComboBox()
        for key, label in SCHEDULES.items():
            self.schedule_combo.addItem(label, key)
        self.schedule_combo.setToolTip(
            "Noise schedule β(s) of the diffusion dX = −½βX ds + √β dW (reverse SDE and "
            "probability flow)"
        )
        form.addWidget(self.schedule_combo)
        self.beta_min_slider = self.add_slider(
            form,
            "β_min",
            0.1,
            0.0,
            5.0,
            steps=500,
            digits=3,
            tooltip="β at s = 0 (linear schedule)",
        )
        self.beta_max_slider = self.add_slider(
            form,
            "β_max",
            20.0,
            0.5,
            50.0,
            log=True,
            digits=3,
            tooltip="β at s = 1 (linear), the constant β, or the clip of the cosine rate. Small "
            "β_max: the noise never reaches N(0, I) (see 'base mismatch')",
        )
        for slider in (self.steps_slider, self.n_slider):
            slider.valueChanged.connect(lambda _v: self.resample())
        self.beta_min_slider.valueChanged.connect(lambda _v: self._beta_changed(lowered=False))
        self.beta_max_slider.valueChanged.connect(lambda _v: self._beta_changed(lowered=True))
        self.seed_box.valueChanged.connect(lambda _v: self.resample())
        self.schedule_combo.currentIndexChanged.connect(lambda _i: self._schedule_changed())
        panel.addWidget(sampling)

        target = QtWidgets.QGroupBox("Target: a Gaussian mixture")
        form = QtWidgets.QVBoxLayout(target)
        self.components = ComponentEditor(MEAN_LIMIT, MAX_COMPONENTS)
        self.components.changed.connect(self._components_edited)
        self.components.rejected.connect(self.message)
        form.addWidget(self.components)
        hint = QtWidgets.QLabel("Drag the ◯ markers to move a component.")
        hint.setWordWrap(True)
        form.addWidget(hint)
        reset_target = QtWidgets.QPushButton("Default target")
        reset_target.clicked.connect(self._default_target)
        form.addWidget(reset_target)
        panel.addWidget(target)

        show = QtWidgets.QGroupBox("Show")
        grid = QtWidgets.QGridLayout(show)
        self.show_exact = QtWidgets.QCheckBox("exact p_τ")
        self.show_particles = QtWidgets.QCheckBox("particles")
        self.show_field = QtWidgets.QCheckBox("vector field")
        self.show_paths = QtWidgets.QCheckBox("trajectories")
        for i, box in enumerate(
            (self.show_exact, self.show_particles, self.show_field, self.show_paths)
        ):
            box.setChecked(True)
            box.toggled.connect(lambda _c: self.redraw())
            grid.addWidget(box, i // 2, i % 2)
        panel.addWidget(show)

        readouts = ReadoutPanel(
            "Readouts",
            [
                ("τ", "generation time; s = 1 − τ is the diffusion time"),
                ("α(s), σ(s)", "signal and noise scale of the diffusion at s = 1 − τ"),
                ("‖hist − p_τ‖ SDE", "total-variation distance ½∫|histogram − p_τ| (reverse SDE)"),
                ("‖hist − p_τ‖ PF", "the same for the probability-flow ODE"),
                ("‖hist − p_τ‖ FM", "the same for the flow-matching ODE"),
                ("base mismatch", "α(1)²: how far p at s = 1 is from the N(0, I) we start from"),
                ("sampling", "time the samplers took, in particle-steps per second"),
            ],
        )
        self.readouts = readouts.table
        panel.addWidget(readouts)
        self.equations = EquationPanel(
            "Equations (notes §9.2–9.5)",
            [
                ("tr_forward", "the noising (VP) SDE: eq. 9.2 with μ = −βx/2, σ = √β"),
                ("tr_marginal", "its exact marginal for a mixture target"),
                ("tr_reverse", "the reverse-time SDE (Anderson 1982; Song et al. 2021, eq. 6)"),
                ("tr_flow", "the probability-flow ODE: eq. 9.6 with the same p_τ (eq. 9.8)"),
                ("tr_interpolant", "the linear interpolant and its flow-matching velocity"),
                ("tr_continuity", "both ODEs transport p_τ (eq. 9.8)"),
            ],
        )
        panel.addWidget(self.equations)
        panel.addStretch(1)

    # ------------------------------------------------------------------ plots
    def _build_plots(self) -> None:
        self.pages = QtWidgets.QStackedWidget()
        self.view_1d = pg.GraphicsLayoutWidget()
        self.view_2d = pg.GraphicsLayoutWidget()
        self.pages.addWidget(self.view_1d)
        self.pages.addWidget(self.view_2d)
        self.panels = {process: ProcessPanel(process) for process in PROCESS_NAMES}
        first = self.panels["reverse_sde"]
        self.legend_1d = pg.LegendItem(colCount=3)
        self.legend_2d = pg.LegendItem(colCount=1)
        keys = {
            "histogram": first.histogram,
            "exact": first.exact,
            "target": first.target_curve,
        }
        self.legend_1d.addItem(keys["histogram"], "histogram of the particles")
        self.legend_1d.addItem(keys["exact"], "exact p_τ")
        self.legend_1d.addItem(keys["target"], "target p_data")
        self.legend_paths = pg.PlotDataItem()
        self.legend_field = pg.PlotDataItem()
        self.legend_heat = pg.PlotDataItem(pen=None, symbol="s", symbolSize=12)
        self.legend_1d.addItem(self.legend_paths, f"trajectories ({PATHS_SHOWN} particles)")
        self.legend_1d.addItem(self.legend_field, "direction of the field (1, v)")
        self.legend_1d.addItem(self.legend_heat, "exact p_τ(x) over (τ, x)")
        self.legend_2d_dots = pg.PlotDataItem(pen=None, symbol="o", symbolSize=7)
        self.legend_2d_arrows = pg.PlotDataItem()
        self.legend_2d.addItem(self.legend_2d_dots, "particles at τ")
        self.legend_2d_tails = pg.PlotDataItem()
        self.legend_2d.addItem(
            self.legend_2d_tails, f"their last Δτ = {TAIL} ({PATHS_SHOWN} shown)"
        )
        self.legend_2d.addItem(self.legend_2d_arrows, "velocity field at τ (SDE: its drift)")
        self.legend_2d_heat = pg.PlotDataItem(pen=None, symbol="s", symbolSize=12)
        self.legend_2d.addItem(self.legend_2d_heat, "exact p_τ (heat map)")
        for legend in (self.legend_1d, self.legend_2d):
            legend.setSizePolicy(
                QtWidgets.QSizePolicy.Policy.Preferred, QtWidgets.QSizePolicy.Policy.Maximum
            )
        for panel in self.panels.values():
            panel.tau_line.sigPositionChanged.connect(
                lambda line: self.tau_slider.set_value(float(np.clip(line.value(), 0, 1)), True)
            )
        self._layout_panels()

    def _layout_panels(self) -> None:
        """Put the shown processes side by side (1-D: paths above density; 2-D: one plot)."""
        shown = self.processes
        for layout in (self.view_1d.ci, self.view_2d.ci):
            layout.clear()
        for col, process in enumerate(shown):
            panel = self.panels[process]
            self.view_1d.ci.addItem(panel.paths_plot, row=0, col=col)
            self.view_1d.ci.addItem(panel.density_plot, row=1, col=col)
        self.view_1d.ci.addItem(self.legend_1d, row=2, col=0, colspan=len(shown))
        if len(shown) == 1:
            self.view_2d.ci.addItem(self.panels[shown[0]].plot_2d, row=0, col=0)
            self.view_2d.ci.addItem(self.legend_2d, row=1, col=0)
        else:  # square plots fit a 2 × 2 grid better than a row of three
            for i, process in enumerate(shown):
                self.view_2d.ci.addItem(self.panels[process].plot_2d, row=i // 2, col=i % 2)
            self.view_2d.ci.addItem(self.legend_2d, row=1, col=1)
        self.view_1d.ci.layout.setRowStretchFactor(0, 3)
        self.view_1d.ci.layout.setRowStretchFactor(1, 2)
        for col in range(len(shown)):
            self.view_1d.ci.layout.setColumnStretchFactor(col, 1)
        first = self.panels[shown[0]]
        for process in shown[1:]:
            panel = self.panels[process]
            panel.paths_plot.setYLink(first.paths_plot)
            panel.density_plot.setYLink(first.density_plot)

    # ------------------------------------------------------------------ state
    def default_state(self) -> dict[str, Any]:
        return {
            "dimension": "1d",
            "process": "all",
            "steps": 100,
            "schedule": "linear",
            "beta_min": 0.1,
            "beta_max": 20.0,
            "n": 2000,
            "seed": 0,
            "tau": 0.0,
            "duration": 6.0,
            "target_1d": tr.default_target(1).rows(),
            "target_2d": tr.default_target(2).rows(),
            "show_exact": True,
            "show_particles": True,
            "show_field": True,
            "show_paths": True,
        }

    def state(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "process": self.process_combo.currentData(),
            "steps": self.steps,
            "schedule": self.schedule_combo.currentData(),
            "beta_min": self.beta_min_slider.value(),
            "beta_max": self.beta_max_slider.value(),
            "n": self.n,
            "seed": self.seed_box.value(),
            "tau": round(self.tau, 12),
            "duration": self.duration_slider.value(),
            "target_1d": [list(row) for row in self.targets["1d"]],
            "target_2d": [list(row) for row in self.targets["2d"]],
            "show_exact": self.show_exact.isChecked(),
            "show_particles": self.show_particles.isChecked(),
            "show_field": self.show_field.isChecked(),
            "show_paths": self.show_paths.isChecked(),
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        self.animator.pause()
        self._restoring = True
        self.dimension_combo.setCurrentIndex(self.dimension_combo.findData(state["dimension"]))
        self.process_combo.setCurrentIndex(self.process_combo.findData(state["process"]))
        self.schedule_combo.setCurrentIndex(self.schedule_combo.findData(state["schedule"]))
        for slider, key in (
            (self.steps_slider, "steps"),
            (self.n_slider, "n"),
            (self.beta_min_slider, "beta_min"),
            (self.beta_max_slider, "beta_max"),
        ):
            slider.set_value(state[key])
        self.duration_slider.set_value(state["duration"], emit=True)
        self.seed_box.setValue(state["seed"])
        for box, key in (
            (self.show_exact, "show_exact"),
            (self.show_particles, "show_particles"),
            (self.show_field, "show_field"),
            (self.show_paths, "show_paths"),
        ):
            box.setChecked(state[key])
        self.targets = {
            "1d": [list(row) for row in state["target_1d"]],
            "2d": [list(row) for row in state["target_2d"]],
        }
        self.tau = float(state["tau"])
        self.tau_slider.set_value(self.tau)
        self._restoring = False
        self.rebuild_view()

    @property
    def dimension(self) -> str:
        return self.dimension_combo.currentData()

    @property
    def dim(self) -> int:
        return 2 if self.dimension == "2d" else 1

    @property
    def processes(self) -> tuple[str, ...]:
        chosen = self.process_combo.currentData()
        return tuple(PROCESS_NAMES) if chosen == "all" else (chosen,)

    @property
    def steps(self) -> int:
        return round(self.steps_slider.value())

    @property
    def n(self) -> int:
        return round(self.n_slider.value())

    def target(self) -> tr.GaussianMixture:
        return tr.GaussianMixture.from_rows(self.targets[self.dimension])

    def schedule(self) -> tr.NoiseSchedule:
        return tr.NoiseSchedule(
            self.schedule_combo.currentData(),
            self.beta_min_slider.value(),
            self.beta_max_slider.value(),
        )

    # ------------------------------------------------------------------ changes
    def rebuild_view(self) -> None:
        """Show the chosen dimension and processes, with this dimension's target, and sample."""
        if self._restoring:
            return
        self.animator.pause()
        self.pages.setCurrentIndex(1 if self.dim == 2 else 0)
        self._layout_panels()
        self.components.set_rows(self.targets[self.dimension], self.dim)
        self._make_handles()
        self._schedule_changed()

    def _components_edited(self, rows_: list[list[float]]) -> None:
        self.targets[self.dimension] = rows_
        self._make_handles()
        self.resample()

    def _default_target(self) -> None:
        self.targets[self.dimension] = tr.default_target(self.dim).rows()
        self.components.set_rows(self.targets[self.dimension], self.dim)
        self._make_handles()
        self.resample()

    def _make_handles(self) -> None:
        """A draggable marker at each component's mean, in every shown plot of the target."""
        for panel in self.panels.values():
            for handle in panel.handles:
                for plot in (panel.plot_2d, panel.density_plot):
                    if handle in plot.items:
                        plot.removeItem(handle)
            panel.handles = []
        for panel in (self.panels[p] for p in self.processes):
            plot = panel.plot_2d if self.dim == 2 else panel.density_plot
            for i, row in enumerate(self.targets[self.dimension]):
                position = (row[1], row[2]) if self.dim == 2 else (row[1], 0.0)
                handle = pg.TargetItem(pos=position, size=14, symbol="o")
                handle.setToolTip(f"Component {i + 1}: drag to move its mean")
                handle.setZValue(30)
                handle.sigPositionChangeFinished.connect(
                    lambda item, i=i: self._handle_dragged(i, item)
                )
                plot.addItem(handle)
                panel.handles.append(handle)
        if self._style is not None:
            for panel in self.panels.values():
                panel.apply_style(self._style, self._colormap())

    def _handle_dragged(self, i: int, handle: pg.TargetItem) -> None:
        position = handle.pos()
        rows_ = [list(row) for row in self.targets[self.dimension]]
        rows_[i][1] = float(np.clip(position.x(), -MEAN_LIMIT, MEAN_LIMIT))
        if self.dim == 2:
            rows_[i][2] = float(np.clip(position.y(), -MEAN_LIMIT, MEAN_LIMIT))
        self.targets[self.dimension] = rows_
        self.components.set_rows(rows_, self.dim)
        self._make_handles()
        self.resample()

    def _schedule_changed(self) -> None:
        linear = self.schedule_combo.currentData() == "linear"
        self.beta_min_slider.setVisible(linear)
        if linear and self.beta_min_slider.value() > self.beta_max_slider.value():
            self.beta_min_slider.set_value(self.beta_max_slider.value())  # from a cosine scene
        self.resample()

    def _beta_changed(self, lowered: bool) -> None:
        """Keep β_min ≤ β_max: moving one past the other carries the other along."""
        low, high = self.beta_min_slider.value(), self.beta_max_slider.value()
        if low > high:
            if lowered:
                self.beta_min_slider.set_value(high)
            else:
                self.beta_max_slider.set_value(max(low, 0.5))
                self.beta_min_slider.set_value(min(low, self.beta_max_slider.value()))
        self.resample()

    def resample(self) -> None:
        """Sample again for the current settings, off the GUI thread; newest request wins.

        A tab in the background only notes that it is out of date, and samples when it is
        shown (or settled for an export): the app's start does not wait for it.
        """
        if self._restoring:
            return
        self._out_of_date = self.isHidden()
        if not self._out_of_date:
            self._submit()

    def _submit(self) -> None:
        self._out_of_date = False
        try:
            schedule = self.schedule()
            request = tr.SamplingRequest(
                self.target(),
                self.processes,
                self.n,
                self.steps,
                self.seed_box.value(),
                schedule,
                frames=FRAMES,
            )
        except ValueError as error:
            self.message.emit(f"Not sampled: {error}")
            return
        self.readouts.set_value("sampling", "sampling…")
        self.job.submit(tr.sample_processes, request)

    def settle(self) -> None:
        if self._out_of_date:
            self._submit()
        self.job.wait()
        QtCore.QCoreApplication.processEvents()

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        if self._out_of_date:
            self._submit()

    def _sampling_progress(self, values) -> None:
        done, total = values
        self.readouts.set_value("sampling", f"sampling… {done} of {total}")

    def _sampling_finished(self, result: tr.SamplingResult | None) -> None:
        if result is None:
            return
        self.result = result
        request = result.request
        self.readouts.set_value(
            "sampling",
            f"{request.n} × {request.steps} steps in {result.seconds * 1e3:.0f} ms "
            f"({result.particle_steps_per_second / 1e6:.1f} M/s)",
        )
        self.readouts.set_value("base mismatch", f"{tr.base_mismatch(request.schedule):.2g}")
        self._draw_static_1d()
        self.redraw()

    # ------------------------------------------------------------------ time
    def set_tau(self, tau: float) -> None:
        self.tau = float(np.clip(tau, 0.0, 1.0))
        self.redraw()

    def advance(self, amount: float) -> bool:
        """Move τ on by ``amount``; from the end, start again at 0. False when τ reaches 1."""
        tau = 0.0 if self.tau >= 1.0 else min(self.tau + amount, 1.0)
        self.tau_slider.set_value(tau)
        self.set_tau(tau)
        return tau < 1.0

    # ------------------------------------------------------------------ drawing
    def _exact(self, process: str, tau: float) -> tr.GaussianMixture:
        """The exact p_τ of the process whose particles are on screen."""
        request = self.result.request
        return tr.marginal(request.target, process, tau, request.schedule)

    def _draw_static_1d(self) -> None:
        """What a sampling result fixes in 1-D, drawn once: the exact p_τ(x) over the whole
        (τ, x) plane, the field's directions, the trajectories and the target."""
        request = self.result.request
        if request.target.dim != 1:
            return
        target_density = tr.grid_density(request.target, self.x_grid)
        for process, trajectory in self.result.trajectories.items():
            columns = [
                tr.grid_density(self._exact(process, float(t)), self.x_grid) for t in self.heat_taus
            ]
            heat = np.sqrt(np.column_stack(columns))  # √p: the tails stay visible
            panel = self.panels[process]
            panel.heat.setImage(heat, levels=(0.0, float(heat.max())))
            panel.heat.setRect(HEAT_RECT)  # after setImage: the rect scales the image's pixels
            panel.field_1d.setData(*self._field_1d(process))
            shown = trajectory.x[:, :PATHS_SHOWN, 0]
            panel.paths.setData(*nan_joined(np.tile(trajectory.tau, (shown.shape[1], 1)), shown.T))
            panel.target_curve.setData(self.x_grid, target_density)

    def redraw(self) -> None:
        if self.result is None:
            return
        request = self.result.request
        tau = self.tau
        s = 1.0 - tau
        schedule = request.schedule
        self.readouts.set_value("τ", f"{tau:.3f}   (s = {s:.3f})")
        self.readouts.set_value(
            "α(s), σ(s)", f"{float(schedule.alpha(s)):.3f}, {float(schedule.sigma(s)):.3f}"
        )
        distances = {}
        for process, trajectory in self.result.trajectories.items():
            panel = self.panels[process]
            x = trajectory.interpolate(tau)
            exact = self._exact(process, tau)
            if request.target.dim == 1:
                distances[process] = self._draw_1d(panel, x, exact)
            else:
                distances[process] = self._draw_2d(panel, trajectory, x, exact)
        for process, label in (
            ("reverse_sde", "‖hist − p_τ‖ SDE"),
            ("probability_flow", "‖hist − p_τ‖ PF"),
            ("flow_matching", "‖hist − p_τ‖ FM"),
        ):
            value = distances.get(process)
            self.readouts.set_value(label, "—" if value is None else f"{value:.3f}")

    def _draw_1d(self, panel: ProcessPanel, x: np.ndarray, exact) -> float:
        tau = self.tau
        positions = x[:, 0]
        histogram = densities.histogram(positions, self.edges)
        distance = tr.histogram_distance(exact, histogram, self.edges)
        panel.histogram.setData(self.edges, histogram)
        panel.histogram.setVisible(self.show_particles.isChecked())
        density = tr.grid_density(exact, self.x_grid)
        panel.exact.setData(self.x_grid, density)
        panel.exact.setVisible(self.show_exact.isChecked())
        peak = max(float(density.max()), float(histogram.max()), 0.05)
        panel.density_plot.setYRange(0.0, 1.15 * peak, padding=0)
        panel.heat.setVisible(self.show_exact.isChecked())
        panel.paths.setVisible(self.show_paths.isChecked())
        panel.field_1d.setVisible(self.show_field.isChecked())
        heads = x[:PATHS_SHOWN, 0]
        panel.heads.set_points(np.full(heads.shape, tau), heads)
        panel.heads.setVisible(self.show_particles.isChecked())
        panel.tau_line.blockSignals(True)
        panel.tau_line.setValue(tau)
        panel.tau_line.blockSignals(False)
        return distance

    def _field_1d(self, process: str) -> tuple[np.ndarray, np.ndarray]:
        """Short segments along (1, v) in the (τ, x) plane, all of one length on screen."""
        request = self.result.request
        taus = np.linspace(0.02, 0.98, FIELD_TIMES)
        xs = np.linspace(-BOX + 0.3, BOX - 0.3, FIELD_POINTS)
        starts_t, starts_x, ends_t, ends_x = [], [], [], []
        aspect = 2 * BOX  # x spans 2·BOX where τ spans 1
        for t in taus:
            v = tr.velocity(request.target, process, float(t), xs, request.schedule)
            direction = np.column_stack([np.ones_like(v), v / aspect])
            direction /= np.linalg.norm(direction, axis=1, keepdims=True)
            half = 0.018 * direction
            starts_t.append(t - half[:, 0])
            ends_t.append(t + half[:, 0])
            starts_x.append(xs - half[:, 1] * aspect)
            ends_x.append(xs + half[:, 1] * aspect)
        segments_t = np.column_stack([np.concatenate(starts_t), np.concatenate(ends_t)])
        segments_x = np.column_stack([np.concatenate(starts_x), np.concatenate(ends_x)])
        return nan_joined(segments_t, segments_x)

    def _draw_2d(self, panel: ProcessPanel, trajectory, xy: np.ndarray, exact) -> float:
        request = self.result.request
        tau = self.tau
        if self.show_exact.isChecked():
            image = tr.grid_density(exact, self.image_grid, self.image_grid)
            panel.image.setImage(np.sqrt(image), autoLevels=True)
            panel.image.setRect(IMAGE_RECT)
        panel.image.setVisible(self.show_exact.isChecked())
        panel.dots.set_points(xy[:, 0], xy[:, 1])
        panel.dots.setVisible(self.show_particles.isChecked())
        if self.show_field.isChecked():
            grid = np.linspace(-BOX + 0.4, BOX - 0.4, FIELD_POINTS_2D)
            u, v = tr.vector_field(request.target, panel.process, tau, grid, grid, request.schedule)
            gx, gy = np.meshgrid(grid, grid)
            panel.arrows.setData(*arrows_2d(gx, gy, u, v, 0.9 * (grid[1] - grid[0])))
        else:
            panel.arrows.setData([], [])
        if self.show_paths.isChecked():
            upto = (trajectory.tau <= tau) & (trajectory.tau >= tau - TAIL)
            tail = trajectory.x[upto, :PATHS_SHOWN, :]
            xs = np.vstack([tail[:, :, 0], xy[None, :PATHS_SHOWN, 0]]).T
            ys = np.vstack([tail[:, :, 1], xy[None, :PATHS_SHOWN, 1]]).T
            panel.tails.setData(*nan_joined(xs, ys))
        else:
            panel.tails.setData([], [])
        histogram = densities.histogram_2d(xy, self.edges_2d, self.edges_2d)
        return tr.histogram_distance(exact, histogram, self.edges_2d, self.edges_2d)

    # ------------------------------------------------------------------ style and export
    def _colormap(self) -> pg.ColorMap:
        """From the background to a pale blue: the particles and paths stay readable on it."""
        style = self._style
        background = QtGui.QColor(style.theme.bg)
        ink = style.color(5)
        return pg.ColorMap([0.0, 1.0], [background, ink])

    def apply_style(self, style: Style) -> None:
        self._style = style
        for view in (self.view_1d, self.view_2d):
            view.setBackground(style.theme.bg)
        colormap = self._colormap()
        for panel in self.panels.values():
            panel.apply_style(style, colormap)
        for legend in (self.legend_1d, self.legend_2d):
            style_legend(legend, style)
        self.legend_2d_dots.setSymbolBrush(style.brush(1))
        self.legend_2d_dots.setSymbolPen(pg.mkPen(None))
        self.legend_2d_arrows.setPen(pg.mkPen(style.color("muted"), width=1.2 * style.line_scale))
        for heat in (self.legend_2d_heat, self.legend_heat):
            heat.setSymbolBrush(style.brush(5))
            heat.setSymbolPen(pg.mkPen(None))
        self.legend_paths.setPen(self.panels["reverse_sde"].paths.opts["pen"])
        self.legend_2d_tails.setPen(self.panels["reverse_sde"].tails.opts["pen"])
        self.legend_field.setPen(self.panels["reverse_sde"].field_1d.opts["pen"])
        self.equations.apply_style(style)
        self.readouts.apply_style(style)

    def figure_view(self) -> QtWidgets.QGraphicsView:
        return self.view_2d if self.dim == 2 else self.view_1d

    def plotted_data(self):
        if self.result is None:
            return []
        series = []
        centres = 0.5 * (self.edges[1:] + self.edges[:-1])
        for process, trajectory in self.result.trajectories.items():
            short = process
            x = trajectory.interpolate(self.tau)
            exact = self._exact(process, self.tau)
            if x.shape[1] == 1:
                series.append(
                    (f"{short}_histogram", centres, densities.histogram(x[:, 0], self.edges))
                )
                series.append(
                    (f"{short}_exact_p_tau", self.x_grid, tr.grid_density(exact, self.x_grid))
                )
            else:
                series.append((f"{short}_particles", x[:, 0], x[:, 1]))
        target = self.result.request.target
        if target.dim == 1:
            series.append(("target", self.x_grid, tr.grid_density(target, self.x_grid)))
        else:
            series.append(("target_means", target.means[:, 0], target.means[:, 1]))
        return series

    def reset(self) -> None:
        self.job.cancel()
        super().reset()
