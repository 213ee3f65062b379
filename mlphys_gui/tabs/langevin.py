"""Live Langevin particles and the Fokker–Planck density (notes §9.1–9.2).

A crowd of particles jitters in a potential V(x) (eq. 9.2 with μ = −V′, or with inertia,
eq. 9.1 written correctly); their histogram fills out while, on the same axis, the density p_t
of the Fokker–Planck equation (eq. 9.4) evolves towards the Boltzmann density ∝ exp(−2V/σ²).
σ → 0 shows pure transport (eq. 9.8). A 2-D mode shows particles over the contour map of a 2-D
potential. Numerics: core.langevin, core.fokker_planck, core.expressions.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from time import monotonic
from typing import Any

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore, QtWidgets

from core import langevin as lv
from core.langevin_run import LangevinRun
from mlphys_gui.scene import SceneError, StateSpec, boolean, choice, integer, real, text
from mlphys_gui.style import Style, set_label, set_title, style_legend, style_plot
from mlphys_gui.tabs.base import TabBase
from mlphys_gui.widgets.equation import EquationPanel
from mlphys_gui.widgets.panels import ReadoutPanel, controls_beside
from mlphys_gui.widgets.playback import Animator, PlaybackBar
from mlphys_gui.widgets.plot_items import (
    DotsItem,
    LiveCurveItem,
    follow_y,
    legend_below,
    series_of,
    style_symbol_key,
)
from mlphys_gui.worker import SerialJob

POTENTIALS = {
    "harmonic": "Harmonic  k x²/2",
    "double_well": "Double well  h (x² − 1)²",
    "tilted": "Tilted double well  h (x² − 1)² + a x",
    "expression": "Typed expression V(x)",
}
INITIALS = {"point": "All at x₀", "uniform": "Uniform on the box", "gaussian": "Gaussian around x₀"}
HALF_WIDTH = 3.0  # the box is [−3, 3] (and [−3, 3]² in 2-D)
PDE_CELLS = 600
HISTOGRAM_BINS = 120  # PDE_CELLS is a multiple, so p_t averages onto the histogram bins
IMAGE_BINS = 90
DRAWN_PARTICLES = 2500
STEP_BUDGET = 1.0e6  # particle updates per frame before the run slows below the set speed
STEP_TIME = 0.05  # simulated time per press of →
HEAVY_FRAME_N = 200_000  # from here on, while playing, frames are computed off the GUI thread
READOUT_INTERVAL = 0.1  # s between readout updates while playing
MIN_SIGMA = 1e-6  # below this exp(−2V/σ²) underflows: no Boltzmann curve (σ → 0 is transport)
DEFAULT_EXPRESSION = "x**4/4 - x**2/2 + 0.2*sin(5*x)"
BOX_2D = QtCore.QRectF(-HALF_WIDTH, -HALF_WIDTH, 2 * HALF_WIDTH, 2 * HALF_WIDTH)


@dataclass(frozen=True)
class Frame:
    """What one picture shows, taken from the run at one instant."""

    t: float
    sample: np.ndarray  # the drawn particles: x (1-D) or rows of (x, y) (2-D)
    heights: np.ndarray | None  # 1-D: V(x) plus a little jitter, where the dots are drawn
    velocity: np.ndarray | None  # with inertia: the drawn particles' v
    histogram: np.ndarray  # density histogram (1-D) or density image (2-D)
    p: np.ndarray | None  # p_t on the grid, while it evolves with the particles
    statistics: dict[str, str] | None  # readouts but speed, when due


def _check_state(state: dict[str, Any]) -> None:
    if state["potential"] == "expression":
        try:
            lv.from_expression(state["expression"])
        except ValueError as error:
            raise SceneError(f"state.expression: {error}") from None


class LangevinTab(TabBase):
    """Notes §9.1–9.2: Langevin particles beside the Fokker–Planck density."""

    name = "langevin"
    title = "Langevin / Fokker–Planck"
    STATE_SPEC = StateSpec(
        {
            "dimension": choice(("1d", "2d")),
            "potential": choice(tuple(POTENTIALS)),
            "k": real(0.05, 20.0),
            "depth": real(0.05, 10.0),
            "tilt": real(-3.0, 3.0),
            "ky": real(0.1, 10.0),
            "expression": text(500),
            "n": integer(10, 1_000_000),
            "sigma": real(0.0, 3.0),
            "dt": real(1e-5, 10.0),
            "speed": real(0.01, 20.0),
            "seed": integer(0, 2**31 - 1),
            "initial": choice(tuple(INITIALS)),
            "x0": real(-HALF_WIDTH, HALF_WIDTH),
            "spread": real(0.01, 3.0),
            "inertia": boolean(),
            "mass": real(0.05, 20.0),
            "gamma": real(0.05, 20.0),
            "show_histogram": boolean(),
            "show_pde": boolean(),
            "show_boltzmann": boolean(),
            "time": real(0.0, 1e4),
        },
        check=_check_state,
    )

    def __init__(self, parent=None):
        super().__init__(parent)
        self._style = Style()
        self._restoring = False
        self.pde_edges = np.linspace(-HALF_WIDTH, HALF_WIDTH, PDE_CELLS + 1)
        self.grid = 0.5 * (self.pde_edges[1:] + self.pde_edges[:-1])  # cell centres
        self.edges = np.linspace(-HALF_WIDTH, HALF_WIDTH, HISTOGRAM_BINS + 1)
        self.image_edges = np.linspace(-HALF_WIDTH, HALF_WIDTH, IMAGE_BINS + 1)
        self.expression = DEFAULT_EXPRESSION
        self.run: LangevinRun | None = None
        self._jitter = np.zeros(0)
        self._boltzmann: np.ndarray | None = None
        self._drawn_boltzmann: np.ndarray | None = None
        self._readouts_shown_at = 0.0
        self._time_owed = 0.0  # simulated time of ticks that came while a frame was computed
        self._wall_speed = float("nan")
        self.frame: Frame | None = None  # the numbers on screen
        self._frames = SerialJob(self)
        self._settling = False
        self._changes_waiting = False  # controls changed the run's parameters mid-frame
        self._frames.finished.connect(self._frame_ready)
        self._frames.failed.connect(self._frame_failed)
        self._build_controls()
        self._build_plots()
        self.animator = Animator(self.advance, step_amount=STEP_TIME, parent=self)
        self.animator.playingChanged.connect(self._playing_changed)
        self.playback = PlaybackBar(self.animator, self.reset, f"Advance t by {STEP_TIME}")
        self._run_layout.insertWidget(0, self.playback)
        controls_beside(self, self._panel, self.pages)
        self.restore(self.default_state())

    # ------------------------------------------------------------------ controls
    def _build_controls(self) -> None:
        self._panel = QtWidgets.QWidget()
        panel = QtWidgets.QVBoxLayout(self._panel)

        run = QtWidgets.QGroupBox("Run")
        self._run_layout = QtWidgets.QVBoxLayout(run)
        self.speed_slider = self.add_slider(
            self._run_layout,
            "speed",
            1.0,
            0.01,
            20.0,
            log=True,
            digits=3,
            unit="t / s",
            tooltip="Simulated time per second of wall-clock time",
        )
        self.speed_slider.valueChanged.connect(lambda v: setattr(self.animator, "speed", v))
        self.dimension_combo = QtWidgets.QComboBox()
        self.dimension_combo.addItem("1-D: particles and p_t on one axis", "1d")
        self.dimension_combo.addItem("2-D: particles over V(x, y)", "2d")
        self.dimension_combo.currentIndexChanged.connect(lambda _i: self.rebuild())
        self._run_layout.addWidget(self.dimension_combo)
        panel.addWidget(run)

        dynamics = QtWidgets.QGroupBox("Dynamics (eqs. 9.1–9.2)")
        form = QtWidgets.QVBoxLayout(dynamics)
        self.n_slider = self.add_slider(
            form,
            "N",
            20_000,
            10,
            1_000_000,
            log=True,
            digits=7,
            tooltip="Number of particles (10 to 10⁶)",
        )
        self.sigma_slider = self.add_slider(
            form,
            "σ",
            0.8,
            0.0,
            3.0,
            steps=300,
            digits=3,
            tooltip="Noise amplitude σ in dX = −V′dt + σ dW; kT = σ²/2. σ = 0: transport (eq. 9.8)",
        )
        self.dt_slider = self.add_slider(
            form,
            "dt",
            0.005,
            1e-5,
            10.0,
            log=True,
            digits=3,
            tooltip="Euler–Maruyama / BAOAB time step",
        )
        self.inertia_box = QtWidgets.QCheckBox("inertia: m Ẍ = −V′ − γẊ + σξ (BAOAB)")
        self.inertia_box.setToolTip("Underdamped Langevin (eq. 9.1, corrected); kT = σ²/(2γ)")
        form.addWidget(self.inertia_box)
        self.mass_slider = self.add_slider(
            form, "m", 1.0, 0.05, 20.0, log=True, digits=3, tooltip="Mass"
        )
        self.gamma_slider = self.add_slider(
            form, "γ", 1.0, 0.05, 20.0, log=True, digits=3, tooltip="Friction"
        )
        self.seed_box = QtWidgets.QSpinBox()
        self.seed_box.setRange(0, 2**31 - 1)
        self.seed_box.setToolTip("Same seed, same particles")
        seed_row = QtWidgets.QHBoxLayout()
        seed_row.addWidget(QtWidgets.QLabel("seed"))
        seed_row.addWidget(self.seed_box, 1)
        form.addLayout(seed_row)
        panel.addWidget(dynamics)
        self.sigma_slider.valueChanged.connect(lambda _v: self.parameters_changed())
        self.dt_slider.valueChanged.connect(lambda _v: self.parameters_changed())
        for slider in (self.mass_slider, self.gamma_slider):
            slider.valueChanged.connect(lambda _v: self.parameters_changed())
        self.inertia_box.toggled.connect(lambda _c: self.rebuild())
        self.n_slider.valueChanged.connect(lambda _v: self.rebuild())
        self.seed_box.valueChanged.connect(lambda _v: self.rebuild())

        potential = QtWidgets.QGroupBox("Potential V")
        form = QtWidgets.QVBoxLayout(potential)
        self.potential_combo = QtWidgets.QComboBox()
        for key, label in POTENTIALS.items():
            self.potential_combo.addItem(label, key)
        form.addWidget(self.potential_combo)
        self.k_slider = self.add_slider(
            form,
            "k",
            1.0,
            0.05,
            20.0,
            log=True,
            digits=3,
            tooltip="Spring constant of the harmonic well",
        )
        self.depth_slider = self.add_slider(
            form,
            "depth h",
            1.0,
            0.05,
            10.0,
            log=True,
            digits=3,
            tooltip="Barrier height of the double well",
        )
        self.tilt_slider = self.add_slider(
            form,
            "tilt a",
            0.0,
            -3.0,
            3.0,
            steps=600,
            digits=3,
            tooltip="Adds a·x: one well becomes deeper",
        )
        self.ky_slider = self.add_slider(
            form,
            "k_y",
            1.0,
            0.1,
            10.0,
            log=True,
            digits=3,
            tooltip="2-D mode: harmonic confinement k_y y²/2",
        )
        self.expression_edit = QtWidgets.QLineEdit(self.expression)
        self.expression_edit.setToolTip(
            "V(x) (or V(x, y) in 2-D) from + − * / **, numbers, x, y, pi, e and\n"
            "sin cos tan exp log sqrt tanh sinh cosh arctan abs. Enter applies it."
        )
        self.expression_edit.returnPressed.connect(self.apply_expression)
        form.addWidget(self.expression_edit)
        self.derivative_label = QtWidgets.QLabel()
        self.derivative_label.setWordWrap(True)
        form.addWidget(self.derivative_label)
        panel.addWidget(potential)
        self.potential_combo.currentIndexChanged.connect(lambda _i: self.potential_changed())
        for slider in (self.k_slider, self.depth_slider, self.tilt_slider, self.ky_slider):
            slider.valueChanged.connect(lambda _v: self.potential_changed())

        initial = QtWidgets.QGroupBox("Initial condition (eq. 9.3)")
        form = QtWidgets.QVBoxLayout(initial)
        self.initial_combo = QtWidgets.QComboBox()
        for key, label in INITIALS.items():
            self.initial_combo.addItem(label, key)
        form.addWidget(self.initial_combo)
        self.x0_slider = self.add_slider(
            form,
            "x₀",
            -1.0,
            -HALF_WIDTH,
            HALF_WIDTH,
            steps=600,
            digits=3,
            tooltip="Where the particles start",
        )
        self.spread_slider = self.add_slider(
            form,
            "spread",
            0.2,
            0.01,
            3.0,
            log=True,
            digits=3,
            tooltip="Standard deviation of the Gaussian start",
        )
        self.initial_combo.currentIndexChanged.connect(lambda _i: self.rebuild())
        self.x0_slider.valueChanged.connect(lambda _v: self.rebuild())
        self.spread_slider.valueChanged.connect(lambda _v: self.rebuild())
        panel.addWidget(initial)

        show = QtWidgets.QGroupBox("Show")
        row = QtWidgets.QHBoxLayout(show)
        self.show_histogram = QtWidgets.QCheckBox("histogram")
        self.show_pde = QtWidgets.QCheckBox("p_t (eq. 9.4)")
        self.show_boltzmann = QtWidgets.QCheckBox("Boltzmann")
        for box in (self.show_histogram, self.show_pde, self.show_boltzmann):
            box.setChecked(True)
            box.toggled.connect(lambda _c: self.redraw())
            row.addWidget(box)
        panel.addWidget(show)

        readouts = ReadoutPanel(
            "Readouts",
            [
                ("t", "simulated time"),
                ("mean", "mean position of the particles (p_t in brackets)"),
                ("variance", "variance of the positions (p_t in brackets)"),
                ("right well", "fraction of particles with x > 0 (p_t in brackets)"),
                ("‖hist − p_t‖", "total-variation distance ½∫|histogram − p_t| dx"),
                ("speed", "simulated time per second actually achieved"),
            ],
        )
        self.readouts = readouts.table
        panel.addWidget(readouts)
        self.equations = EquationPanel(
            "Equations (notes §9.1–9.2)",
            [
                ("lv_eq_9_1", "eq. 9.1 written correctly: force −∇V, friction −γẊ, noise σξ"),
                ("lv_eq_9_2", "eq. 9.2 with μ = −V′: overdamped Langevin"),
                ("lv_eq_9_4", "eq. 9.4 for this drift: the Fokker–Planck equation"),
                ("lv_boltzmann", "its stationary state, the Boltzmann density (kT = σ²/2)"),
                ("lv_eq_9_8", "σ → 0: the transport equation (eq. 9.8)"),
            ],
        )
        panel.addWidget(self.equations)
        panel.addStretch(1)

    # ------------------------------------------------------------------ plots
    def _build_plots(self) -> None:
        self.pages = QtWidgets.QStackedWidget()
        self.view = pg.GraphicsLayoutWidget()
        # a plain background fills faster than pyqtgraph's cached background pixmap is copied
        self.view.setCacheMode(QtWidgets.QGraphicsView.CacheModeFlag.CacheNone)
        layout = self.view.ci
        self.density_plot = layout.addPlot(row=0, col=0)
        self.phase_plot = layout.addPlot(row=0, col=1)  # shown only with inertia
        self.legend = legend_below(layout, self.density_plot, row=1, col=0, columns=3)
        layout.layout.setColumnStretchFactor(0, 3)
        layout.layout.setColumnStretchFactor(1, 2)
        for plot in (self.density_plot, self.phase_plot):
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.setMouseEnabled(False, False)
            # no axis grid: pyqtgraph redraws it on every frame (7 ms per axis at 1400 px)
        for plot in (self.density_plot, self.phase_plot):
            for side in ("left", "right", "bottom"):
                plot.getAxis(side).enableAutoSIPrefix(False)  # no "(x0.001)" on a density axis
        self.density_plot.setXRange(-HALF_WIDTH, HALF_WIDTH, padding=0.01)
        self.density_plot.setLabel("bottom", "x")
        self.density_plot.setLabel("left", "density")
        self.density_plot.showAxis("right")
        self.potential_box = pg.ViewBox(enableMouse=False)
        self.density_plot.scene().addItem(self.potential_box)
        # the particles and V(x) over the densities (a view box sits at z = −100, under its plot)
        self.potential_box.setZValue(1)
        self.density_plot.getAxis("right").linkToView(self.potential_box)
        self.potential_box.setXLink(self.density_plot)
        self.density_plot.getAxis("right").setLabel("V(x)")
        self.density_plot.vb.sigResized.connect(
            lambda _vb: self.potential_box.setGeometry(self.density_plot.vb.sceneBoundingRect())
        )
        self.potential_curve = LiveCurveItem()
        self.dots = DotsItem()
        self.potential_box.addItem(self.potential_curve)
        self.potential_box.addItem(self.dots)
        # every frame repaints the plot: its curves take the raster engine's fast paths
        self.histogram_curve = LiveCurveItem(steps=True)
        self.boltzmann_curve = LiveCurveItem()
        self.pde_curve = LiveCurveItem()
        for item, name in (
            (self.histogram_curve, "histogram of particles"),
            (self.boltzmann_curve, "Boltzmann ∝ exp(−2V/σ²)"),
            (self.pde_curve, "p_t (Fokker–Planck, eq. 9.4)"),
        ):
            self.density_plot.addItem(item)
            self.legend.addItem(item, name)
        self.dots_key = pg.PlotDataItem(pen=None, symbol="o", symbolSize=6)
        self.legend.addItem(self.potential_curve, "V(x) (right axis)")
        self.legend.addItem(self.dots_key, "particles (a sample)")
        self.phase_dots = DotsItem()
        self.phase_plot.addItem(self.phase_dots)
        self.phase_plot.setLabel("bottom", "x")
        self.phase_plot.setLabel("left", "v")
        self.phase_plot.setXRange(-HALF_WIDTH, HALF_WIDTH, padding=0.01)
        self.pages.addWidget(self.view)

        self.view_2d = pg.GraphicsLayoutWidget()
        self.contour_plot = self.view_2d.addPlot(row=0, col=0)
        self.image_plot = self.view_2d.addPlot(row=0, col=1)
        for plot in (self.contour_plot, self.image_plot):
            plot.setAspectLocked(True)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.setMouseEnabled(False, False)
            plot.setRange(
                xRange=(-HALF_WIDTH, HALF_WIDTH), yRange=(-HALF_WIDTH, HALF_WIDTH), padding=0
            )
            plot.setLabel("bottom", "x")
            plot.setLabel("left", "y")
        self.potential_image = pg.ImageItem(axisOrder="row-major")
        self.density_image = pg.ImageItem(axisOrder="row-major")
        for plot, image in (
            (self.contour_plot, self.potential_image),
            (self.image_plot, self.density_image),
        ):
            plot.addItem(image)
        self.contours = [pg.IsocurveItem(axisOrder="row-major") for _ in range(8)]
        for contour in self.contours:
            contour.setParentItem(self.potential_image)  # in the image's pixel coordinates
        self.dots_2d = DotsItem()
        self.contour_plot.addItem(self.dots_2d)
        self.pages.addWidget(self.view_2d)

    # ------------------------------------------------------------------ state
    def default_state(self) -> dict[str, Any]:
        return {
            "dimension": "1d",
            "potential": "double_well",
            "k": 1.0,
            "depth": 1.0,
            "tilt": 0.0,
            "ky": 1.0,
            "expression": DEFAULT_EXPRESSION,
            "n": 20_000,
            "sigma": 0.8,
            "dt": 0.005,
            "speed": 1.0,
            "seed": 0,
            "initial": "point",
            "x0": -1.0,
            "spread": 0.2,
            "inertia": False,
            "mass": 1.0,
            "gamma": 1.0,
            "show_histogram": True,
            "show_pde": True,
            "show_boltzmann": True,
            "time": 0.0,
        }

    def state(self) -> dict[str, Any]:
        self.settle()
        return {
            "dimension": self.dimension,
            "potential": self.potential_combo.currentData(),
            "k": self.k_slider.value(),
            "depth": self.depth_slider.value(),
            "tilt": self.tilt_slider.value(),
            "ky": self.ky_slider.value(),
            "expression": self.expression,
            "n": self.n,
            "sigma": self.sigma_slider.value(),
            "dt": self.dt_slider.value(),
            "speed": self.speed_slider.value(),
            "seed": self.seed_box.value(),
            "initial": self.initial_combo.currentData(),
            "x0": self.x0_slider.value(),
            "spread": self.spread_slider.value(),
            "inertia": self.inertia_box.isChecked(),
            "mass": self.mass_slider.value(),
            "gamma": self.gamma_slider.value(),
            "show_histogram": self.show_histogram.isChecked(),
            "show_pde": self.show_pde.isChecked(),
            "show_boltzmann": self.show_boltzmann.isChecked(),
            "time": round(self.ensemble.t, 12) if self.ensemble is not None else 0.0,
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        """Show a state: rebuild the run from its seed and replay it to ``time``."""
        self.animator.pause()
        self._restoring = True
        self.dimension_combo.setCurrentIndex(self.dimension_combo.findData(state["dimension"]))
        self.potential_combo.setCurrentIndex(self.potential_combo.findData(state["potential"]))
        self.initial_combo.setCurrentIndex(self.initial_combo.findData(state["initial"]))
        for slider, key in (
            (self.k_slider, "k"),
            (self.depth_slider, "depth"),
            (self.tilt_slider, "tilt"),
            (self.ky_slider, "ky"),
            (self.n_slider, "n"),
            (self.sigma_slider, "sigma"),
            (self.dt_slider, "dt"),
            (self.x0_slider, "x0"),
            (self.spread_slider, "spread"),
            (self.mass_slider, "mass"),
            (self.gamma_slider, "gamma"),
        ):
            slider.set_value(state[key])
        self.speed_slider.set_value(state["speed"], emit=True)
        self.seed_box.setValue(state["seed"])
        self.inertia_box.setChecked(state["inertia"])
        for box, key in (
            (self.show_histogram, "show_histogram"),
            (self.show_pde, "show_pde"),
            (self.show_boltzmann, "show_boltzmann"),
        ):
            box.setChecked(state[key])
        self.expression = state["expression"]
        self.expression_edit.setText(self.expression)
        self._restoring = False
        self.rebuild()
        if state["time"] > 0:
            self.run_for(state["time"])

    @property
    def n(self) -> int:
        return round(self.n_slider.value())

    @property
    def dimension(self) -> str:
        """The dimension chosen in the controls."""
        return self.dimension_combo.currentData()

    @property
    def ensemble(self):
        """The particles of the run on screen (None before the first run)."""
        return None if self.run is None else self.run.ensemble

    @property
    def pde(self):
        """p_t of the run on screen, when it evolves with the particles (1-D, overdamped)."""
        return None if self.run is None else self.run.pde

    @property
    def running_2d(self) -> bool:
        """Whether the run on screen is 2-D (drawing follows the run, not the combo box)."""
        return isinstance(self.ensemble, lv.Ensemble2D)

    # ------------------------------------------------------------------ model
    def potential(self):
        """The potential the controls describe (ValueError for a bad typed expression)."""
        kind = self.potential_combo.currentData()
        depth, tilt = self.depth_slider.value(), self.tilt_slider.value()
        if self.dimension == "2d":
            if kind == "expression":
                return lv.from_expression_2d(self.expression)
            return lv.double_well_2d(
                depth, self.ky_slider.value(), tilt if kind == "tilted" else 0.0
            )
        if kind == "harmonic":
            return lv.harmonic(self.k_slider.value())
        if kind == "double_well":
            return lv.double_well(depth)
        if kind == "tilted":
            return lv.tilted_double_well(depth, tilt)
        return lv.from_expression(self.expression)

    def initial_condition(self):
        kind, x0 = self.initial_combo.currentData(), self.x0_slider.value()
        if kind == "uniform":
            return ("uniform", -HALF_WIDTH, HALF_WIDTH)
        if kind == "gaussian":
            return ("gaussian", x0, self.spread_slider.value())
        return x0

    def _show_relevant_controls(self) -> None:
        kind = self.potential_combo.currentData()
        two_d = self.dimension == "2d"
        self.k_slider.setVisible(kind == "harmonic" and not two_d)
        self.depth_slider.setVisible(
            kind in ("double_well", "tilted") or (two_d and kind != "expression")
        )
        self.tilt_slider.setVisible(kind == "tilted")
        self.ky_slider.setVisible(two_d and kind != "expression")
        self.expression_edit.setVisible(kind == "expression")
        self.derivative_label.setVisible(kind == "expression")
        inertia = self.inertia_box.isChecked() and not two_d
        self.inertia_box.setEnabled(not two_d)
        self.mass_slider.setVisible(inertia)
        self.gamma_slider.setVisible(inertia)
        self.spread_slider.setVisible(self.initial_combo.currentData() == "gaussian")
        layout = self.view.ci
        shown = self.phase_plot in layout.items
        if inertia and not shown:
            layout.addItem(self.phase_plot, row=0, col=1)
        elif shown and not inertia:
            layout.removeItem(self.phase_plot)
        self.phase_plot.setVisible(inertia)
        self.pages.setCurrentIndex(1 if two_d else 0)

    def rebuild(self) -> None:
        """Start again at t = 0: new particles from the seed, new p₀, same settings."""
        if self._restoring:
            return
        self.animator.pause()
        self.settle()
        try:
            potential = self.potential()
        except ValueError as error:
            self.message.emit(f"Not restarted: {error}")
            self._show_run_dimension()
            return
        self._show_relevant_controls()
        sigma, dt, seed = self.sigma_slider.value(), self.dt_slider.value(), self.seed_box.value()
        start = self.initial_condition()
        if self.dimension == "2d":
            point = start if not isinstance(start, float) else (start, 0.0)
            self.run = LangevinRun(
                potential, self.n, sigma, dt, seed, point, edges=self.image_edges, dim=2
            )
        else:
            self.run = LangevinRun(
                potential,
                self.n,
                sigma,
                dt,
                seed,
                start,
                edges=self.edges,
                cells_per_bin=PDE_CELLS // HISTOGRAM_BINS,
                gamma=self.gamma_slider.value() if self.inertia_box.isChecked() else None,
                mass=self.mass_slider.value(),
            )
        self._potential = potential
        self._changes_waiting = False  # the new run was built from the controls
        self._jitter = np.random.default_rng(seed + 1).uniform(-1.0, 1.0, DRAWN_PARTICLES)
        self._wall_speed = float("nan")
        self._draw_potential()
        self.redraw()

    def _show_run_dimension(self) -> None:
        """After a refused change, show the controls of the run that is still on screen."""
        if self.ensemble is not None:
            blocked = self.dimension_combo.blockSignals(True)
            self.dimension_combo.setCurrentIndex(1 if self.running_2d else 0)
            self.dimension_combo.blockSignals(blocked)
        self._show_relevant_controls()

    def parameters_changed(self) -> None:
        """σ, dt, m, γ: the particles and p_t continue from where they are."""
        if self._restoring or self.ensemble is None:
            return
        ensemble = self.ensemble
        if (
            isinstance(ensemble, lv.UnderdampedEnsemble)
            and self.mass_slider.value() != ensemble.mass
        ):
            self.rebuild()
            return
        self._run_changed()

    def potential_changed(self) -> None:
        """A new V while running reshapes it at once; particles and p_t continue."""
        if self._restoring:
            return
        self._show_relevant_controls()
        if self.ensemble is None:
            self.rebuild()
            return
        try:
            potential = self.potential()
        except ValueError as error:
            self.message.emit(f"Potential not changed: {error}")
            return
        if (self.dimension == "2d") != isinstance(self.ensemble, lv.Ensemble2D):
            self.rebuild()
            return
        self._potential = potential
        self._run_changed()

    def _run_changed(self) -> None:
        """A control changed V, σ, dt or γ: V and the Boltzmann density are drawn at once, and
        the run takes the change now or, while a frame is being computed, right after it (a
        slider dragged during play never waits for the particles)."""
        self._changes_waiting = True
        self._draw_potential()
        if self._frames.busy:
            self._draw(self.frame)
            return
        self._apply_changes()
        self.redraw()

    def _apply_changes(self) -> None:
        """Give the run the potential and parameters the controls show (between frames)."""
        if not self._changes_waiting or self.ensemble is None:
            return
        self._changes_waiting = False
        self.run.set_sigma(self.sigma_slider.value())
        self.run.set_dt(self.dt_slider.value())
        if self.run.inertia:
            self.run.set_gamma(self.gamma_slider.value())
        self.run.set_potential(self._potential)

    def apply_expression(self) -> None:
        text_ = self.expression_edit.text()
        variables = ("x", "y") if self.dimension == "2d" else ("x",)
        try:
            if self.dimension == "2d":
                lv.from_expression_2d(text_)
            else:
                lv.from_expression(text_)
        except ValueError as error:
            self._mark_expression(str(error))
            self.message.emit(f"Expression not applied: {error}")
            return
        self._mark_expression(None)
        self.expression = text_
        self.message.emit(f"V({', '.join(variables)}) = {text_}")
        self.potential_changed()

    def _mark_expression(self, error: str | None) -> None:
        self.expression_edit.setProperty("invalid", bool(error))
        self.expression_edit.setToolTip(error or self.expression_edit.toolTip().split("\n⚠")[0])
        self.expression_edit.style().unpolish(self.expression_edit)
        self.expression_edit.style().polish(self.expression_edit)

    # ------------------------------------------------------------------ running
    def advance(self, time: float) -> bool:
        """Play: advance ``time`` of simulated time (fewer steps if the frame budget is hit).

        From HEAVY_FRAME_N particles on, while playing, the steps and the numbers of the
        picture are computed on the frame worker's thread and the event loop stays free for
        input; a tick that comes while a frame is being computed adds its time to the next.
        """
        if self.ensemble is None:
            return False
        if self.animator.playing and self.n >= HEAVY_FRAME_N:
            self._time_owed += time
            if not self._frames.busy:
                self._submit_frame()
            return True
        self.settle()
        steps = self._steps_for(time)
        if not self._run_steps(steps):
            return False
        self._draw(self._snapshot(self._readouts_due()))
        return True

    def _steps_for(self, time: float) -> int:
        """Steps for ``time``, at most the frame budget; remembers the share of time run."""
        wanted = max(1, round(time / self.dt_slider.value()))
        steps = min(wanted, max(1, int(STEP_BUDGET / max(self.n, 1))))
        self._wall_speed = steps / wanted
        return steps

    def _submit_frame(self) -> None:
        self._apply_changes()
        steps = self._steps_for(self._time_owed)
        self._time_owed = 0.0
        self._frames.submit(self._compute_frame, steps, self._readouts_due())

    def _compute_frame(self, steps: int, with_readouts: bool) -> Frame:
        """On the frame worker's thread: the steps, then what the picture needs."""
        self._step_numerics(steps)
        return self._snapshot(with_readouts)

    def _frame_ready(self, frame: Frame) -> None:
        if self.animator.playing and self._time_owed > 0 and not self._settling:
            self._submit_frame()  # the next frame is computed while this one is drawn
        self._draw(frame)

    def _frame_failed(self, error: BaseException) -> None:
        if not isinstance(error, lv.DivergenceError):
            raise error  # a bug: the error dialog reports it
        self._diverged(error)

    def settle(self) -> None:
        """Finish the frame being computed, if any, and show it: the run is then this
        thread's to change (every control goes through here first) or to export."""
        self._settling = True
        try:
            self._frames.settle()
        finally:
            self._settling = False
        self._apply_changes()

    def _playing_changed(self, playing: bool) -> None:
        if not playing and self.ensemble is not None:
            self.settle()
            self._time_owed = 0.0
            self._draw(self._snapshot(True))  # the last frame's numbers, not ones 0.1 s old

    def _readouts_due(self) -> bool:
        """Always when paused; while playing, ten times a second are readable."""
        now = monotonic()
        if self.animator.playing and now - self._readouts_shown_at < READOUT_INTERVAL:
            return False
        self._readouts_shown_at = now
        return True

    def run_for(self, time: float) -> None:
        """Advance exactly ``time`` (restoring a scene): the same steps every time."""
        self.settle()
        steps = round(time / self.dt_slider.value())
        if self._run_steps(steps):
            self.redraw()

    def _run_steps(self, steps: int) -> bool:
        try:
            self._step_numerics(steps)
        except lv.DivergenceError as error:
            self._diverged(error)
            return False
        return True

    def _step_numerics(self, steps: int) -> None:
        """The particles and p_t advance together (DivergenceError leaves both as they were
        before the failing step)."""
        self.run.step(steps)

    def _diverged(self, error: lv.DivergenceError) -> None:
        self.animator.pause()
        self.message.emit(f"Paused: {error}")
        self.redraw()

    # ------------------------------------------------------------------ drawing
    def _draw_potential(self) -> None:
        if self.running_2d:
            self._draw_potential_2d()
            return
        values = self._potential.V(self.grid)
        self.potential_curve.setData(self.grid, values)
        central = values[np.abs(self.grid) <= 0.75 * HALF_WIDTH]
        low = float(values.min())
        kT = 0.5 * self.sigma_slider.value() ** 2
        # show where the particles can go (a few kT) and the landscape's shape, not the walls
        span = max(
            min(float(central.max()) - low, max(7 * kT, 0.25 * (float(central.max()) - low))), 1e-6
        )
        self.potential_box.setYRange(low - 0.1 * span, low + 1.1 * span, padding=0)
        self._jitter_scale = 0.03 * span
        sigma = self.sigma_slider.value()
        inertia = isinstance(self.ensemble, lv.UnderdampedEnsemble)
        effective = lv.effective_sigma(sigma, self.gamma_slider.value() if inertia else None)
        self._boltzmann = (
            lv.boltzmann(self._potential, effective, self.grid) if effective > MIN_SIGMA else None
        )

    def _draw_potential_2d(self) -> None:
        centres = 0.5 * (self.image_edges[1:] + self.image_edges[:-1])
        xx, yy = np.meshgrid(centres, centres)
        values = self._potential.V_xy(xx, yy)
        low = float(values.min())
        shown = np.minimum(values, low + 4.0 * max(float(np.median(values)) - low, 1e-6))
        self.potential_image.setImage(shown, autoLevels=True)
        self.potential_image.setRect(BOX_2D)
        levels = np.linspace(low, float(shown.max()), len(self.contours) + 2)[1:-1]
        for contour, level in zip(self.contours, levels, strict=True):
            contour.setData(shown, level)

    def redraw(self) -> None:
        """Show the run as it is now (after any frame being computed)."""
        if self.ensemble is None:
            return
        self.settle()
        self._draw(self._snapshot(self._readouts_due()))

    def _snapshot(self, with_readouts: bool) -> Frame:
        """The numbers of one picture, from the run alone (no widget is read): safe on the
        frame worker's thread while the GUI thread waits or draws the frame before."""
        ensemble = self.ensemble
        if isinstance(ensemble, lv.Ensemble2D):
            xy = ensemble.xy
            density = self.run.histogram()
            sample = np.array(xy[:DRAWN_PARTICLES])
            return Frame(ensemble.t, sample, None, None, density, None, None)
        x = ensemble.x
        sample = np.array(x[:DRAWN_PARTICLES])
        heights = self._potential.V(sample) + self._jitter[: sample.size] * self._jitter_scale
        inertia = isinstance(ensemble, lv.UnderdampedEnsemble)
        velocity = np.array(ensemble.v[:DRAWN_PARTICLES]) if inertia else None
        histogram = self.run.histogram()
        p = self.run.p
        stats = self._statistics(histogram) if with_readouts else None
        return Frame(ensemble.t, sample, heights, velocity, histogram, p, stats)

    def _statistics(self, histogram: np.ndarray) -> dict[str, str]:
        """The readouts but speed, as text: the particles' moments, p_t's in brackets."""
        summary = self.run.summary(histogram)
        stats = summary.particles
        if self.running_2d:
            return {
                "mean": f"x: {stats.mean:.3f}",
                "variance": f"x: {stats.variance:.3f}",
                "right well": f"{stats.fraction_right:.3f}",
                "‖hist − p_t‖": "— (1-D only)",
            }
        if summary.density is None:
            return {
                "mean": f"{stats.mean:.3f}",
                "variance": f"{stats.variance:.3f}",
                "right well": f"{stats.fraction_right:.3f}",
                "‖hist − p_t‖": "— (overdamped only)",
            }
        pde = summary.density
        return {
            "mean": f"{stats.mean:.3f}  ({pde.mean:.3f})",
            "variance": f"{stats.variance:.3f}  ({pde.variance:.3f})",
            "right well": f"{stats.fraction_right:.3f}  ({pde.fraction_right:.3f})",
            "‖hist − p_t‖": f"{summary.distance:.4f}",
        }

    def _draw(self, frame: Frame) -> None:
        self.frame = frame
        if frame.sample.ndim == 2:  # rows of (x, y)
            self._draw_2d(frame)
        else:
            self._draw_1d(frame)
        if frame.statistics is not None:
            self._show_readouts(frame)

    def _draw_1d(self, frame: Frame) -> None:
        self.dots.set_points(frame.sample, frame.heights)
        shown = []
        if self.show_histogram.isChecked():
            self.histogram_curve.setData(self.edges, frame.histogram)
            shown.append(frame.histogram)
        else:
            self.histogram_curve.setData([], [])
        if frame.p is not None and self.show_pde.isChecked():
            self.pde_curve.setData(self.grid, frame.p)
            shown.append(frame.p)
        else:
            self.pde_curve.setData([], [])
        boltzmann = self._boltzmann if self.show_boltzmann.isChecked() else None
        if boltzmann is not None:
            shown.append(boltzmann)
        if boltzmann is not self._drawn_boltzmann:  # static: drawn again only when it changes
            if boltzmann is None:
                self.boltzmann_curve.setData([], [])
            else:
                self.boltzmann_curve.setData(self.grid, boltzmann)
            self._drawn_boltzmann = boltzmann
        peak = max((float(np.max(v)) for v in shown if len(v)), default=1.0)
        follow_y(self.density_plot, np.array([0.0, peak]), slack=0.05)
        if frame.velocity is not None:
            self.phase_dots.set_points(frame.sample, frame.velocity)
            follow_y(self.phase_plot, frame.velocity)

    def _draw_2d(self, frame: Frame) -> None:
        self.dots_2d.set_points(frame.sample[:, 0], frame.sample[:, 1])
        self.density_image.setImage(frame.histogram, autoLevels=True)
        self.density_image.setRect(BOX_2D)

    def _show_readouts(self, frame: Frame) -> None:
        table = self.readouts
        table.set_value("t", f"{frame.t:.3f}")
        for name, value in frame.statistics.items():
            table.set_value(name, value)
        ratio = self._wall_speed
        speed = self.speed_slider.value()
        table.set_value(
            "speed",
            "—"
            if not np.isfinite(ratio)
            else f"{ratio * speed:.3g} t/s" + ("" if ratio >= 1 else " (N limits it)"),
        )

    def apply_style(self, style: Style) -> None:
        self._style = style
        for view in (self.view, self.view_2d):
            view.setBackground(style.theme.bg)
        for plot in (self.density_plot, self.phase_plot, self.contour_plot, self.image_plot):
            style_plot(plot, style)
        style_legend(self.legend, style)
        self.potential_curve.setPen(style.pen("fg", 2.0))
        self.histogram_curve.setPen(style.pen(0, 1.0))
        # only the background lies under the histogram: an opaque fill looks the same, faster
        self.histogram_curve.setFillBrush(style.backdrop_brush(0, 70))
        self.pde_curve.setPen(style.pen(1, 3.0))
        self.boltzmann_curve.setPen(style.pen(2, 2.0, dashed=True))
        dot_size = 3.0 * style.line_scale
        self.dots.set_style(style.color(4), dot_size)
        self.phase_dots.set_style(style.color(4), dot_size)
        self.dots_2d.set_style(style.color(1), dot_size)
        style_symbol_key(self.dots_key, style.brush(4), pg.mkPen(None))
        colours = pg.colormap.get("viridis")
        self.potential_image.setColorMap(colours)
        self.density_image.setColorMap(pg.colormap.get("inferno"))
        for contour in self.contours:
            contour.setPen(style.pen("bg", 1.0))
        self.equations.apply_style(style)
        self.readouts.apply_style(style)
        set_title(self.density_plot, style, "Particles over V(x); histogram, p_t and Boltzmann")
        set_title(self.phase_plot, style, "Phase space (x, v)")
        set_title(self.contour_plot, style, "Particles over V(x, y)")
        set_title(self.image_plot, style, "Density of the particles")
        set_label(self.density_plot, "left", "density")

    def figure_view(self) -> QtWidgets.QGraphicsView:
        return self.view_2d if self.running_2d else self.view

    def plotted_data(self):
        if self.running_2d:
            x, y = self.dots_2d.points()
            centres = 0.5 * (self.image_edges[1:] + self.image_edges[:-1])
            marginal = self.frame.histogram.sum(axis=0) * (centres[1] - centres[0])
            return [("particles_sample", x, y), ("density_x_marginal", centres, marginal)]
        centres = 0.5 * (self.edges[1:] + self.edges[:-1])
        series = [("histogram", centres, self.frame.histogram)]
        items = [("p_t", self.pde_curve), ("boltzmann", self.boltzmann_curve)]
        series += [series_of(item, name) for name, item in items]
        x, y = self.dots.points()
        series += [series_of(self.potential_curve, "potential"), ("particles_sample", x, y)]
        return series
