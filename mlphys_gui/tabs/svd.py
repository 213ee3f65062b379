"""SVD geometry (notes §1.1): A = UΣVᵀ maps the unit circle to an ellipse, and low-rank images.

Two views. *Geometry*: a 2×2 matrix A, typed or dragged by the images Ae₁, Ae₂; a stage slider
t ∈ [0, 3] applies Vᵀ (rotate), then Σ (stretch), then U (rotate). *Low-rank image*: the best
rank-k approximation of a picture (Eckart–Young), its error and storage. Numerics: core.svd.
"""

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore, QtGui, QtWidgets

from core import svd
from mlphys_gui.paths import resource_path
from mlphys_gui.scene import StateSpec, boolean, choice, integer, matrix, real
from mlphys_gui.style import Style, set_title, style_legend, style_plot
from mlphys_gui.tabs.base import TabBase
from mlphys_gui.widgets.entries import NumberEntry, ValueSlider
from mlphys_gui.widgets.equation import EquationPanel
from mlphys_gui.widgets.panels import ReadoutPanel, controls_beside
from mlphys_gui.widgets.playback import Animator, PlaybackBar
from mlphys_gui.widgets.plot_items import (
    arrow_polyline,
    curve,
    legend_below,
    series_of,
    square_grid,
)

ENTRY_LIMIT = 1000.0
PRESETS: dict[str, tuple[str, list[list[float]]]] = {
    "rotation": ("Rotation by 30°", [[0.8660254037844387, -0.5], [0.5, 0.8660254037844387]]),
    "shear": ("Shear", [[1.0, 1.0], [0.0, 1.0]]),
    "reflection": ("Reflection in the x-axis", [[1.0, 0.0], [0.0, -1.0]]),
    "scaling": ("Scaling 2 × ½", [[2.0, 0.0], [0.0, 0.5]]),
    "projection": ("Projection (rank 1)", [[1.0, 0.0], [0.0, 0.0]]),
    "nearly_singular": ("Nearly singular", [[1.0, 1.0], [1.0, 1.001]]),
}
DEFAULT_MATRIX = [[1.5, 0.5], [0.25, 1.0]]
CIRCLE_POINTS = 241
GRID_LINES = 9  # per direction, across [-1, 1]

IMAGES = {
    "physics_blackboard": "Blackboard",
    "interference": "Two-slit interference",
    "lattice_defect": "Lattice with a dislocation",
}
MAX_RANK = 144  # every shipped image is 192 × 144 (tests check)


def _unit_shapes() -> dict[str, np.ndarray]:
    """Input-side points (2×N each): unit circle, grid segments (endpoint pairs), e₁ and e₂."""
    angle = np.linspace(0.0, 2.0 * np.pi, CIRCLE_POINTS)
    ticks = np.linspace(-1.0, 1.0, GRID_LINES)
    ends = np.array([-1.0, 1.0])
    vertical = [np.vstack([np.full(2, x), ends]) for x in ticks]
    horizontal = [np.vstack([ends, np.full(2, y)]) for y in ticks]
    return {
        "circle": np.vstack([np.cos(angle), np.sin(angle)]),
        "grid": np.hstack(vertical + horizontal),
        "basis": np.eye(2),
    }


def _segments(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Endpoint pairs (2×2k) as one NaN-separated polyline."""
    pairs = points.T.reshape(-1, 2, 2)
    gap = np.full((pairs.shape[0], 1, 2), np.nan)
    line = np.concatenate([pairs, gap], axis=1).reshape(-1, 2)
    return line[:, 0], line[:, 1]


def load_grayscale(name: str) -> np.ndarray:
    """A shipped image as a float array of grey levels 0–255 (rows top to bottom)."""
    image = QtGui.QImage(str(resource_path("images", f"{name}.png")))
    if image.isNull():
        raise OSError(f"image {name}.png is missing or unreadable")
    image = image.convertToFormat(QtGui.QImage.Format.Format_Grayscale8)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    buffer = np.frombuffer(image.constBits().asstring(height * stride), dtype=np.uint8)
    return buffer.reshape(height, stride)[:, :width].astype(float)


class GeometryPage(QtWidgets.QWidget):
    """The unit circle through Vᵀ, Σ, U (eq. 1.3), with A typed or dragged."""

    message = QtCore.pyqtSignal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.A = np.array(DEFAULT_MATRIX)
        self.t = 3.0
        self._shapes = _unit_shapes()
        self._style = Style()
        self._build_controls()
        self._build_plots()
        self.animator = Animator(self.advance, step_amount=1.0, parent=self)
        self.animator.speed = self.speed.value()
        self.playback = PlaybackBar(self.animator, self.reset_stage, "Next stage")
        self._stage_box_layout.addWidget(self.playback)
        controls_beside(self, self._panel, self.view)
        self.redraw(rescale=True)

    # ------------------------------------------------------------------ controls
    def _build_controls(self) -> None:
        self._panel = QtWidgets.QWidget()
        panel = QtWidgets.QVBoxLayout(self._panel)

        matrix_box = QtWidgets.QGroupBox("Matrix A")
        grid = QtWidgets.QGridLayout(matrix_box)
        self.entries: list[list[NumberEntry]] = []
        for i in range(2):
            row = []
            for j in range(2):
                entry = NumberEntry(self.A[i, j], -ENTRY_LIMIT, ENTRY_LIMIT)
                entry.setToolTip(
                    f"A[{i + 1},{j + 1}]: a number in [−{ENTRY_LIMIT:g}, {ENTRY_LIMIT:g}]"
                )
                entry.setAccessibleName(f"A row {i + 1} column {j + 1}")
                entry.committed.connect(lambda value, i=i, j=j: self._entry_committed(i, j, value))
                entry.rejected.connect(
                    lambda why, i=i, j=j: self.message.emit(
                        f"A[{i + 1},{j + 1}] not changed: {why}"
                    )
                )
                grid.addWidget(entry, i, j)
                row.append(entry)
            self.entries.append(row)
        hint = QtWidgets.QLabel("…or drag <b>Ae₁</b>, <b>Ae₂</b> in the right-hand plot.")
        hint.setWordWrap(True)
        grid.addWidget(hint, 2, 0, 1, 2)
        for index, (key, (label, _)) in enumerate(PRESETS.items()):
            button = QtWidgets.QPushButton(label)
            button.setToolTip(f"Set A to the {label.lower()} preset")
            button.clicked.connect(lambda _=False, key=key: self.set_matrix(PRESETS[key][1]))
            grid.addWidget(button, 3 + index // 2, index % 2)
        panel.addWidget(matrix_box)

        stage_box = QtWidgets.QGroupBox("Stages of A = UΣVᵀ (eq. 1.3)")
        self._stage_box_layout = QtWidgets.QVBoxLayout(stage_box)
        self.stage_slider = ValueSlider(
            "t",
            self.t,
            0.0,
            3.0,
            steps=300,
            digits=3,
            tooltip="0: identity · 1: after Vᵀ (rotate) · 2: after ΣVᵀ (stretch) · 3: A = UΣVᵀ",
        )
        self.stage_slider.valueChanged.connect(self.set_stage)
        self.stage_slider.rejected.connect(
            lambda why: self.message.emit(f"Stage not changed: {why}")
        )
        self.stage_label = QtWidgets.QLabel()
        self.stage_label.setObjectName("stageLabel")
        self.stage_label.setWordWrap(True)
        self.speed = ValueSlider(
            "Speed",
            0.5,
            0.1,
            3.0,
            log=True,
            unit="stages/s",
            digits=2,
            tooltip="How fast Play runs through the stages",
        )
        self.speed.valueChanged.connect(lambda v: setattr(self.animator, "speed", v))
        self._stage_box_layout.addWidget(self.stage_slider)
        self._stage_box_layout.addWidget(self.stage_label)
        self._stage_box_layout.addWidget(self.speed)
        panel.addWidget(stage_box)

        show_box = QtWidgets.QGroupBox("Show")
        show = QtWidgets.QHBoxLayout(show_box)
        self.show_grid = QtWidgets.QCheckBox("Grid")
        self.show_basis = QtWidgets.QCheckBox("e₁, e₂")
        self.show_singular = QtWidgets.QCheckBox("v₁, v₂ → σᵢuᵢ")
        for box in (self.show_grid, self.show_basis, self.show_singular):
            box.setChecked(True)
            box.toggled.connect(lambda _: self.redraw())
            show.addWidget(box)
        panel.addWidget(show_box)

        readout_panel = ReadoutPanel(
            "Readouts",
            [
                ("σ₁", "largest singular value, √ of the largest eigenvalue of AᵀA (eq. 1.2)"),
                ("σ₂", "smallest singular value (the notes list them ascending; here σ₁ ≥ σ₂)"),
                ("det A", "σ₁σ₂ with the sign of the orientation: negative means a reflection"),
                ("rank", "number of non-zero singular values (numerical tolerance)"),
                ("κ = σ₁/σ₂", "condition number; ∞ when A is singular"),
                ("Vᵀ", "first rotation (stage 0 → 1)"),
                ("Σ", "stretch along the axes (stage 1 → 2)"),
                ("U", "second rotation (stage 2 → 3)"),
            ],
        )
        self.readouts = readout_panel.table
        panel.addWidget(readout_panel)
        self.equations = EquationPanel(
            "Equations (notes §1.1)",
            [
                ("svd_eq_1_2", "eq. 1.2: singular values are √ of the eigenvalues of AᵀA"),
                ("svd_eq_1_3", "eq. 1.3: U, V orthogonal, Σ diagonal with σᵢ ≥ 0"),
            ],
        )
        panel.addWidget(self.equations)
        panel.addStretch(1)

    # ------------------------------------------------------------------ plots
    def _build_plots(self) -> None:
        self.view = pg.GraphicsLayoutWidget()
        self.input_plot = self.view.addPlot(row=0, col=0)
        self.output_plot = self.view.addPlot(row=0, col=1)
        for plot in (self.input_plot, self.output_plot):
            plot.setAspectLocked(True)
            plot.setMenuEnabled(False)
            plot.hideButtons()
        self.input_plot.setRange(xRange=(-1.6, 1.6), yRange=(-1.6, 1.6), padding=0)
        self.input_plot.setMouseEnabled(False, False)
        self.input_legend = legend_below(self.view.ci, self.input_plot, row=1, col=0)
        self.output_legend = legend_below(self.view.ci, self.output_plot, row=1, col=1)

        self.in_background = curve(self.input_plot, antialias=False)
        self.out_background = curve(self.output_plot, antialias=False)
        self.in_background.setData(*square_grid(3.0))
        self.in_grid = curve(self.input_plot)
        self.in_circle = curve(self.input_plot, "unit circle", fillLevel="enclosed")
        self.in_basis = curve(self.input_plot, "e₁, e₂")
        self.in_singular = curve(self.input_plot, "v₁, v₂ (right sing. vectors)")

        self.out_grid = curve(self.output_plot)
        self.out_target = curve(self.output_plot, "A·circle (t = 3)")
        self.out_circle = curve(self.output_plot, "circle at t", fillLevel="enclosed")
        self.out_basis = curve(self.output_plot, "e₁, e₂ at t")
        self.out_singular = curve(self.output_plot, "v₁, v₂ at t (→ σᵢuᵢ)")
        self.labels = {
            key: pg.TextItem(text, anchor=(0.5, 0.5))
            for key, text in [
                ("in_v1", "v₁"),
                ("in_v2", "v₂"),
                ("out_v1", "σ₁u₁"),
                ("out_v2", "σ₂u₂"),
            ]
        }
        for key, label in self.labels.items():
            (self.input_plot if key.startswith("in") else self.output_plot).addItem(label)

        self.handles = []
        for j in range(2):
            handle = pg.TargetItem(
                pos=self.A[:, j],
                size=16,
                symbol="o",
                label=f"Ae{'₁₂'[j]}",
                labelOpts={"offset": (12, -12)},
            )
            handle.setZValue(20)
            handle.sigPositionChanged.connect(lambda item, j=j: self._handle_dragged(j, item))
            handle.sigPositionChangeFinished.connect(lambda _item: self.redraw(rescale=True))
            self.output_plot.addItem(handle)
            self.handles.append(handle)
        self.output_plot.setMouseEnabled(False, False)

    # ------------------------------------------------------------------ state changes
    def set_matrix(self, values, rescale: bool = True) -> None:
        self.A = np.array(values, dtype=float)
        self.redraw(rescale=rescale)

    def set_stage(self, t: float) -> None:
        self.t = min(max(float(t), 0.0), 3.0)
        self.redraw()

    def reset_stage(self) -> None:
        self.animator.pause()
        self.set_stage(0.0)

    def advance(self, stages: float) -> bool:
        """Move the stage on by ``stages``; at t = 3 start again from 0. False at the end."""
        if self.t >= 3.0:
            self.set_stage(0.0)
            return True
        self.set_stage(self.t + stages)
        return self.t < 3.0

    def _entry_committed(self, i: int, j: int, value: float) -> None:
        A = self.A.copy()
        A[i, j] = value
        self.set_matrix(A)

    def _handle_dragged(self, j: int, handle: pg.TargetItem) -> None:
        position = handle.pos()
        column = np.clip([position.x(), position.y()], -ENTRY_LIMIT, ENTRY_LIMIT)
        if np.allclose(column, self.A[:, j]):
            return
        A = self.A.copy()
        A[:, j] = column
        self.set_matrix(A, rescale=False)

    # ------------------------------------------------------------------ drawing
    def redraw(self, rescale: bool = False) -> None:
        A, t = self.A, self.t
        result = svd.decompose(A)
        factors = svd.staged_factors(A)
        V = factors.Vt.T
        shapes = self._shapes

        self.in_circle.setData(*shapes["circle"])
        self.in_grid.setData(*_segments(shapes["grid"]))
        head = 0.1
        self.in_basis.setData(*arrow_polyline(shapes["basis"], head))
        self.in_singular.setData(*arrow_polyline(V, head))
        for k in range(2):
            self.labels[f"in_v{k + 1}"].setPos(*(1.18 * V[:, k]))

        extent = max(1.0, float(result.s[0]), *np.hypot(A[0], A[1]))
        out_head = 0.07 * extent
        staged = {key: svd.staged_map(A, points, t) for key, points in shapes.items()}
        staged_v = svd.staged_map(A, V, t)
        self.out_circle.setData(*staged["circle"])
        self.out_grid.setData(*_segments(staged["grid"]))
        self.out_basis.setData(*arrow_polyline(staged["basis"], out_head))
        self.out_singular.setData(*arrow_polyline(staged_v, out_head))
        target = A @ shapes["circle"]
        self.out_target.setData(*(target if t < 3.0 else (np.array([]), np.array([]))))
        for k in range(2):
            label = self.labels[f"out_v{k + 1}"]
            label.setVisible(t >= 3.0 and self.show_singular.isChecked())
            tip = staged_v[:, k]
            norm = np.hypot(*tip)
            label.setPos(*(tip + (0.12 * extent * tip / norm if norm > 0 else 0)))

        self.in_grid.setVisible(self.show_grid.isChecked())
        self.out_grid.setVisible(self.show_grid.isChecked())
        for item in (self.in_basis, self.out_basis):
            item.setVisible(self.show_basis.isChecked())
        for item in (self.in_singular, self.out_singular):
            item.setVisible(self.show_singular.isChecked())
        for key in ("in_v1", "in_v2"):
            self.labels[key].setVisible(self.show_singular.isChecked())

        for j, handle in enumerate(self.handles):
            blocked = handle.blockSignals(True)
            handle.setPos(*A[:, j])
            handle.blockSignals(blocked)
        for i in range(2):
            for j in range(2):
                self.entries[i][j].set_value(A[i, j])
        self.stage_slider.set_value(t)

        name = svd.stage_name(t)
        self.stage_label.setText(f"t = {t:.2f}: {name}")
        self._set_titles(name)
        self._show_readouts(result, factors)
        if rescale:
            span = 1.2 * extent
            self.output_plot.setRange(xRange=(-span, span), yRange=(-span, span), padding=0)
            self.out_background.setData(*square_grid(2 * span))

    def _set_titles(self, stage: str) -> None:
        set_title(self.input_plot, self._style, "Input: unit circle, e₁, e₂ and v₁, v₂")
        set_title(self.output_plot, self._style, f"Output, t = {self.t:.2f}: {stage}")

    def _show_readouts(self, result, factors) -> None:
        s1, s2 = result.s
        cond = "∞" if not np.isfinite(result.cond) else f"{result.cond:.4g}"
        flip = "  (flips: det < 0)" if factors.reflection else ""
        self.readouts.set_values(
            [
                f"{s1:.4g}",
                f"{s2:.4g}",
                f"{factors.det:.4g}",
                f"{result.rank}",
                cond,
                f"rotate by {np.degrees(factors.theta_v):.1f}°",
                f"stretch ×{factors.d[0]:.3g}, ×{factors.d[1]:.3g}{flip}",
                f"rotate by {np.degrees(factors.theta_u):.1f}°",
            ]
        )

    def apply_style(self, style: Style) -> None:
        self._style = style
        self.view.setBackground(style.theme.bg)
        for plot in (self.input_plot, self.output_plot):
            style_plot(plot, style)
        for legend in (self.input_legend, self.output_legend):
            style_legend(legend, style)
        fill = style.brush(0, 50)
        for circle in (self.in_circle, self.out_circle):
            circle.setPen(style.pen(0, 2.5))
            circle.setBrush(fill)
        for grid in (self.in_grid, self.out_grid):
            grid.setPen(style.pen("muted", 1.0))
        for background in (self.in_background, self.out_background):
            background.setPen(style.pen("grid", 0.5))
        self.out_target.setPen(style.pen("muted", 1.5, dashed=True))
        for item in (self.in_basis, self.out_basis):
            item.setPen(style.pen(1, 2.0))
        for item in (self.in_singular, self.out_singular):
            item.setPen(style.pen(2, 3.0))
        for label in self.labels.values():
            label.setColor(style.color(2))
            label.setFont(style.plot_font(1.1))
        for handle in self.handles:
            handle.setPen(style.pen(1, 2.0))
            handle.setBrush(style.brush(1, 120))
            handle.label().setColor(style.color(1))
            handle.label().setFont(style.plot_font(1.1))
        self.equations.apply_style(style)
        self.readouts.apply_style(style)
        self._set_titles(svd.stage_name(self.t))

    def plotted_data(self):
        items = [
            ("input_grid", self.in_grid),
            ("input_unit_circle", self.in_circle),
            ("input_e1_e2", self.in_basis),
            ("input_v1_v2", self.in_singular),
            ("output_grid", self.out_grid),
            ("output_circle_at_t", self.out_circle),
            ("output_e1_e2_at_t", self.out_basis),
            ("output_v1_v2_at_t", self.out_singular),
            ("output_ellipse_A_circle", self.out_target),
        ]
        return [series_of(item, name) for name, item in items if item.isVisible()]


class LowRankPage(QtWidgets.QWidget):
    """Best rank-k approximation of an image (Eckart–Young), its error and storage."""

    message = QtCore.pyqtSignal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._style = Style()
        self.image_name = next(iter(IMAGES))
        self.k = 10
        self._rank_fraction = 0.0  # Play's progress towards the next whole rank
        self._panel = QtWidgets.QWidget()
        panel = QtWidgets.QVBoxLayout(self._panel)

        box = QtWidgets.QGroupBox("Image and rank")
        controls = QtWidgets.QVBoxLayout(box)
        self.image_combo = QtWidgets.QComboBox()
        for name, title in IMAGES.items():
            self.image_combo.addItem(title, name)
        self.image_combo.setToolTip("A grey-level picture, treated as a matrix of pixel values")
        self.image_combo.currentIndexChanged.connect(
            lambda _: self.set_image(self.image_combo.currentData())
        )
        self.rank_slider = ValueSlider(
            "k",
            self.k,
            1,
            MAX_RANK,
            steps=MAX_RANK - 1,
            digits=3,
            tooltip="Keep the k largest singular values: A_k = Σ_{i≤k} σᵢ uᵢ vᵢᵀ",
        )
        self.rank_slider.valueChanged.connect(lambda v: self.set_rank(round(v)))
        self.rank_slider.rejected.connect(lambda why: self.message.emit(f"Rank not changed: {why}"))
        self.animator = Animator(self.advance, step_amount=1.0, parent=self)
        self.animator.speed = 12.0
        self.playback = PlaybackBar(self.animator, lambda: self.set_rank(1), "Rank k + 1")
        controls.addWidget(self.image_combo)
        controls.addWidget(self.rank_slider)
        controls.addWidget(self.playback)
        panel.addWidget(box)

        readout_panel = ReadoutPanel(
            "Readouts",
            [
                ("size m × n", "pixels: rows × columns"),
                ("rank r", "numerical rank of the full image"),
                (
                    "‖A−A<sub>k</sub>‖<sub>F</sub> / ‖A‖<sub>F</sub>",
                    "relative error of the reconstruction, measured pixel by pixel",
                ),
                (
                    "Eckart–Young",
                    "√(Σ_{i>k} σᵢ²) / √(Σ σᵢ²): the smallest error any rank-k matrix can have",
                ),
                ("storage", "k(m + n + 1) numbers instead of m·n"),
            ],
        )
        self.readouts = readout_panel.table
        panel.addWidget(readout_panel)
        self.equations = EquationPanel(
            "Equations",
            [
                ("svd_low_rank", "rank-k truncation of eq. 1.3 (σᵢ descending)"),
                ("svd_eckart_young", "Eckart–Young: A_k is the best rank-k approximation"),
            ],
        )
        panel.addWidget(self.equations)
        panel.addStretch(1)

        self._build_plots()
        controls_beside(self, self._panel, self.view)
        self.set_image(self.image_name)

    def _build_plots(self) -> None:
        self.view = pg.GraphicsLayoutWidget()
        self.original_plot = self.view.addPlot(row=0, col=0)
        self.approx_plot = self.view.addPlot(row=0, col=1)
        self.original_item = pg.ImageItem(axisOrder="row-major")
        self.approx_item = pg.ImageItem(axisOrder="row-major")
        for plot, item in (
            (self.original_plot, self.original_item),
            (self.approx_plot, self.approx_item),
        ):
            plot.addItem(item)
            plot.setAspectLocked(True)
            plot.invertY(True)
            plot.hideAxis("left")
            plot.hideAxis("bottom")
            plot.setMouseEnabled(False, False)
            plot.setMenuEnabled(False)
            plot.hideButtons()
        self.spectrum_plot = self.view.addPlot(row=1, col=0)
        self.error_plot = self.view.addPlot(row=1, col=1)
        for plot in (self.spectrum_plot, self.error_plot):
            plot.setLogMode(y=True)
            plot.getAxis("left").enableAutoSIPrefix(False)
            # no axis grid: pyqtgraph repaints it on every frame (it took 11 of 14 ms here)
            plot.setMenuEnabled(False)
            plot.hideButtons()
        self.spectrum_legend = self.spectrum_plot.addLegend(offset=(-8, 8))
        self.error_legend = self.error_plot.addLegend(offset=(-8, 8))
        self.kept = curve(self.spectrum_plot, "kept σᵢ (i ≤ k)", pen=None, symbol="o", symbolSize=6)
        self.dropped = curve(self.spectrum_plot, "dropped σᵢ", pen=None, symbol="o", symbolSize=6)
        self.rank_line = pg.InfiniteLine(angle=90, movable=False)
        self.spectrum_plot.addItem(self.rank_line)
        self.error_curve = curve(
            self.error_plot, "Eckart–Young: √(Σ<sub>i&gt;k</sub> σ<sub>i</sub>²) / ‖A‖<sub>F</sub>"
        )
        self.error_point = curve(
            self.error_plot,
            "measured ‖A − A<sub>k</sub>‖<sub>F</sub> / ‖A‖<sub>F</sub>",
            pen=None,
            symbol="x",
            symbolSize=16,
        )
        self.spectrum_plot.setLabel("bottom", "index i")
        self.spectrum_plot.setLabel("left", "σᵢ")
        self.error_plot.setLabel("bottom", "rank k")
        self.error_plot.setLabel("left", "relative error")

    def set_image(self, name: str) -> None:
        try:
            self.pixels = load_grayscale(name)
        except OSError as error:
            self.message.emit(str(error))
            return
        self.image_name = name
        self.result = svd.decompose(self.pixels)
        self.k_max = min(self.pixels.shape)
        s = self.result.s
        index = np.arange(1, s.size + 1)
        ks = np.arange(0, s.size)
        self.error_curve.setData(ks[1:], [svd.eckart_young_error(s, k) for k in ks[1:]])
        self.original_item.setImage(self.pixels, levels=(0, 255))
        self._index = index
        blocked = self.image_combo.blockSignals(True)
        self.image_combo.setCurrentIndex(self.image_combo.findData(name))
        self.image_combo.blockSignals(blocked)
        self.set_rank(min(self.k, self.k_max))

    def set_rank(self, k: int) -> None:
        self.k = int(min(max(k, 1), self.k_max))
        s = self.result.s
        approx = svd.reconstruct(self.result, self.k)
        self.approx_item.setImage(np.clip(approx, 0, 255), levels=(0, 255))
        positive = s > 0
        kept = (self._index <= self.k) & positive
        dropped = (self._index > self.k) & positive
        self.kept.setData(self._index[kept], s[kept])
        self.dropped.setData(self._index[dropped], s[dropped])
        self.rank_line.setValue(self.k + 0.5)
        measured = svd.relative_error(self.pixels, approx)
        bound = svd.eckart_young_error(s, self.k)
        self.error_point.setData([self.k], [max(measured, 1e-17)])
        m, n = self.pixels.shape
        ratio = svd.storage_ratio(m, n, self.k)
        self.readouts.set_values(
            [
                f"{m} × {n}",
                f"{self.result.rank}",
                f"{measured:.5f}",
                f"{bound:.5f}",
                f"{ratio:.1%} of the pixels",
            ]
        )
        self.rank_slider.set_value(self.k)
        self._set_titles()

    def advance(self, ranks: float) -> bool:
        """Play adds singular values one by one (``ranks`` is rank units of simulated time)."""
        self._rank_fraction += ranks
        whole = int(self._rank_fraction)
        self._rank_fraction -= whole
        if self.k >= self.k_max:
            self.set_rank(1)
            return True
        self.set_rank(self.k + whole)
        return self.k < self.k_max

    def _set_titles(self) -> None:
        style = self._style
        set_title(self.original_plot, style, f"Original ({IMAGES[self.image_name]})")
        set_title(self.approx_plot, style, f"Rank k = {self.k} approximation A<sub>k</sub>")
        set_title(self.spectrum_plot, style, "Singular value spectrum")
        set_title(self.error_plot, style, "Relative error against k")

    def apply_style(self, style: Style) -> None:
        self._style = style
        self.view.setBackground(style.theme.bg)
        for plot in (self.original_plot, self.approx_plot, self.spectrum_plot, self.error_plot):
            style_plot(plot, style)
        for legend in (self.spectrum_legend, self.error_legend):
            style_legend(legend, style)
        self.kept.setSymbolBrush(style.brush(0))
        self.kept.setSymbolPen(style.pen(0, 1.0))
        self.dropped.setSymbolBrush(style.brush("muted", 90))
        self.dropped.setSymbolPen(style.pen("muted", 1.0))
        self.rank_line.setPen(style.pen(1, 1.5, dashed=True))
        self.error_curve.setPen(style.pen(0, 2.0))
        self.error_point.setSymbolPen(style.pen(1, 2.5))
        self.error_point.setSymbolBrush(style.brush(1))
        self.equations.apply_style(style)
        self.readouts.apply_style(style)
        self._set_titles()

    def plotted_data(self):
        items = [
            ("sigma_kept", self.kept),
            ("sigma_dropped", self.dropped),
            ("eckart_young_relative_error", self.error_curve),
            ("measured_relative_error_at_k", self.error_point),
        ]
        return [series_of(item, name) for name, item in items]


class SvdTab(TabBase):
    """Notes §1.1: the geometry of A = UΣVᵀ, and low-rank approximation."""

    name = "svd"
    title = "SVD geometry"
    STATE_SPEC = StateSpec(
        {
            "view": choice(("geometry", "low-rank")),
            "matrix": matrix(2, 2, real(-ENTRY_LIMIT, ENTRY_LIMIT)),
            "stage": real(0.0, 3.0),
            "speed": real(0.1, 3.0),
            "show_grid": boolean(),
            "show_basis": boolean(),
            "show_singular_vectors": boolean(),
            "image": choice(tuple(IMAGES)),
            "rank": integer(1, MAX_RANK),
        }
    )
    VIEWS = ("geometry", "low-rank")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.geometry_page = GeometryPage()
        self.low_rank_page = LowRankPage()
        self.pages = QtWidgets.QTabWidget()
        self.pages.addTab(self.geometry_page, "Geometry: A = UΣVᵀ")
        self.pages.addTab(self.low_rank_page, "Low-rank image")
        for page in (self.geometry_page, self.low_rank_page):
            page.message.connect(self.message)
        self.pages.currentChanged.connect(self._pause_hidden_page)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    def current_page(self):
        return self.pages.currentWidget()

    def _pause_hidden_page(self, _index: int) -> None:
        for page in (self.geometry_page, self.low_rank_page):
            if page is not self.current_page():
                page.animator.pause()

    def default_state(self) -> dict[str, Any]:
        return {
            "view": "geometry",
            "matrix": [row[:] for row in DEFAULT_MATRIX],
            "stage": 3.0,
            "speed": 0.5,
            "show_grid": True,
            "show_basis": True,
            "show_singular_vectors": True,
            "image": next(iter(IMAGES)),
            "rank": 10,
        }

    def state(self) -> dict[str, Any]:
        geometry, low_rank = self.geometry_page, self.low_rank_page
        return {
            "view": self.VIEWS[self.pages.currentIndex()],
            "matrix": geometry.A.tolist(),
            "stage": geometry.t,
            "speed": geometry.speed.value(),
            "show_grid": geometry.show_grid.isChecked(),
            "show_basis": geometry.show_basis.isChecked(),
            "show_singular_vectors": geometry.show_singular.isChecked(),
            "image": low_rank.image_name,
            "rank": low_rank.k,
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        geometry, low_rank = self.geometry_page, self.low_rank_page
        geometry.animator.pause()
        low_rank.animator.pause()
        self.pages.setCurrentIndex(self.VIEWS.index(state["view"]))
        for box, key in (
            (geometry.show_grid, "show_grid"),
            (geometry.show_basis, "show_basis"),
            (geometry.show_singular, "show_singular_vectors"),
        ):
            blocked = box.blockSignals(True)
            box.setChecked(state[key])
            box.blockSignals(blocked)
        geometry.speed.set_value(state["speed"], emit=True)
        geometry.t = state["stage"]
        geometry.set_matrix(state["matrix"])
        low_rank.k = state["rank"]
        low_rank.set_image(state["image"])

    def reset(self) -> None:
        """R: the default state, staying in the view that is showing."""
        state = self.default_state()
        state["view"] = self.VIEWS[self.pages.currentIndex()]
        self.restore(state)

    def figure_view(self) -> QtWidgets.QGraphicsView:
        return self.current_page().view

    def plotted_data(self):
        return self.current_page().plotted_data()

    def apply_style(self, style: Style) -> None:
        self.geometry_page.apply_style(style)
        self.low_rank_page.apply_style(style)

    def toggle_play(self) -> None:
        self.current_page().animator.toggle()

    def step(self) -> None:
        self.current_page().animator.step()

    def animate(self, wall_seconds: float) -> None:
        self.current_page().animator.advance_by(wall_seconds)
