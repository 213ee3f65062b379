"""The geometry view of the SVD tab (notes §1.1): the unit circle through Vᵀ, Σ and U (eq. 1.3),
with A typed or dragged by the images Ae₁, Ae₂. Numerics: core.svd."""

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtWidgets

from core import svd
from mlphys_gui.style import Style, set_title, style_legend, style_plot
from mlphys_gui.tabs.svd.state import ENTRY_LIMIT
from mlphys_gui.widgets.panels import ControlColumn, controls_beside
from mlphys_gui.widgets.playback import Animator, PlaybackBar
from mlphys_gui.widgets.plot_items import (
    arrow_polyline,
    curve,
    fixed_plot,
    legend_below,
    series_of,
    square_grid,
)

MATRIX_PRESETS: dict[str, list[list[float]]] = {
    "Rotation by 30°": [[0.8660254037844387, -0.5], [0.5, 0.8660254037844387]],
    "Shear": [[1.0, 1.0], [0.0, 1.0]],
    "Reflection in the x-axis": [[1.0, 0.0], [0.0, -1.0]],
    "Scaling 2 × ½": [[2.0, 0.0], [0.0, 0.5]],
    "Projection (rank 1)": [[1.0, 0.0], [0.0, 0.0]],
    "Nearly singular": [[1.0, 1.0], [1.0, 1.001]],
}
CIRCLE_POINTS = 241
GRID_LINES = 9  # per direction, across [-1, 1]
EQUATIONS = [
    ("svd_eq_1_2", "eq. 1.2: singular values are √ of the eigenvalues of AᵀA"),
    ("svd_eq_1_3", "eq. 1.3: U, V orthogonal, Σ diagonal with σᵢ ≥ 0"),
]
READOUTS = [
    ("s1", "σ₁", "largest singular value, √ of the largest eigenvalue of AᵀA (eq. 1.2)"),
    ("s2", "σ₂", "smallest singular value (the notes list them ascending; here σ₁ ≥ σ₂)"),
    ("det", "det A", "σ₁σ₂ with the sign of the orientation: negative means a reflection"),
    ("rank", "rank", "number of non-zero singular values (numerical tolerance)"),
    ("cond", "κ = σ₁/σ₂", "condition number; ∞ when A is singular"),
    ("Vt", "Vᵀ", "first rotation (stage 0 → 1)"),
    ("Sigma", "Σ", "stretch along the axes (stage 1 → 2)"),
    ("U", "U", "second rotation (stage 2 → 3)"),
]


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


class GeometryPage(QtWidgets.QWidget):
    """The unit circle through Vᵀ, Σ, U (eq. 1.3), with A typed or dragged."""

    def __init__(self, tab, parent=None):
        super().__init__(parent)
        self._tab = tab
        self._model = tab.model
        self._shapes = _unit_shapes()
        self._style = Style()
        self.animator = Animator(self.advance, step_amount=1.0, parent=self)
        tab.attach_animator(self.animator)
        self._build_controls(tab.controls)
        self._build_plots()
        controls_beside(self, self.panel, self.view)
        self.redraw(rescale=True)

    # ------------------------------------------------------------------ controls
    def _build_controls(self, controls) -> None:
        self.panel = column = ControlColumn()
        hint = QtWidgets.QLabel("…or drag <b>Ae₁</b>, <b>Ae₂</b> in the right-hand plot.")
        hint.setWordWrap(True)
        presets = QtWidgets.QWidget()
        buttons = QtWidgets.QGridLayout(presets)
        buttons.setContentsMargins(0, 0, 0, 0)
        for index, (label, values) in enumerate(MATRIX_PRESETS.items()):
            button = QtWidgets.QPushButton(label)
            button.setToolTip(f"Set A to the {label.lower()} preset")
            button.clicked.connect(
                lambda _=False, label=label, values=values: self._tab.edit(
                    {"matrix": values}, label=f"A = {label}"
                )
            )
            buttons.addWidget(button, index // 2, index % 2)
        column.group("Matrix A", controls.matrix("matrix"), hint, presets)
        self.stage_label = QtWidgets.QLabel()
        self.stage_label.setObjectName("stageLabel")
        self.stage_label.setWordWrap(True)
        self.playback = PlaybackBar(self.animator, self.reset_stage, "Next stage")
        column.group(
            "Stages of A = UΣVᵀ (eq. 1.3)",
            controls.slider("stage"),
            self.stage_label,
            controls.speed("speed", self.animator),
            self.playback,
        )
        column.add(
            controls.show_group(("show_grid", "show_basis", "show_singular_vectors"), columns=3)
        )
        column.finish(READOUTS, "Equations (notes §1.1)", EQUATIONS)
        self.readouts = column.readouts

    # ------------------------------------------------------------------ plots
    def _build_plots(self) -> None:
        self.view = pg.GraphicsLayoutWidget()
        self.input_plot = fixed_plot(self.view.ci, 0, 0, aspect_locked=True)
        self.output_plot = fixed_plot(self.view.ci, 0, 1, aspect_locked=True)
        self.input_plot.setRange(xRange=(-1.6, 1.6), yRange=(-1.6, 1.6), padding=0)
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

        A = self._model["matrix"]
        self.handles = []
        for j in range(2):
            handle = pg.TargetItem(
                pos=A[:, j],
                size=16,
                symbol="o",
                label=f"Ae{'₁₂'[j]}",
                labelOpts={"offset": (12, -12)},
            )
            handle.setZValue(20)
            handle.sigPositionChanged.connect(lambda item, j=j: self._handle_dragged(j, item))
            handle.sigPositionChangeFinished.connect(lambda _item: self._drag_finished())
            self.output_plot.addItem(handle)
            self.handles.append(handle)

    # ------------------------------------------------------------------ changes
    def reset_stage(self) -> None:
        self.animator.pause()
        self._tab.edit({"stage": 0.0})

    def advance(self, stages: float) -> bool:
        """Move the stage on by ``stages``; at t = 3 start again from 0. False at the end."""
        t = self._model["stage"]
        if t >= 3.0:
            self._tab.edit({"stage": 0.0})
            return True
        t = min(t + stages, 3.0)
        self._tab.edit({"stage": t})
        return t < 3.0

    def _handle_dragged(self, j: int, handle: pg.TargetItem) -> None:
        position = handle.pos()
        column = np.clip([position.x(), position.y()], -ENTRY_LIMIT, ENTRY_LIMIT)
        A = np.array(self._model["matrix"])
        if np.allclose(column, A[:, j]):
            return
        self._tab.drag_moved()  # a drag is one undo step
        A[:, j] = column
        self._tab.edit({"matrix": A.tolist()})

    def _drag_finished(self) -> None:
        self._tab.drag_done()
        self.redraw(rescale=True)

    # ------------------------------------------------------------------ drawing
    def redraw(self, rescale: bool = False) -> None:
        model = self._model
        A, t = model["matrix"], model["stage"]
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
        show_singular = model["show_singular_vectors"]
        for k in range(2):
            label = self.labels[f"out_v{k + 1}"]
            label.setVisible(t >= 3.0 and show_singular)
            tip = staged_v[:, k]
            norm = np.hypot(*tip)
            label.setPos(*(tip + (0.12 * extent * tip / norm if norm > 0 else 0)))

        for item in (self.in_grid, self.out_grid):
            item.setVisible(model["show_grid"])
        for item in (self.in_basis, self.out_basis):
            item.setVisible(model["show_basis"])
        for item in (self.in_singular, self.out_singular):
            item.setVisible(show_singular)
        for key in ("in_v1", "in_v2"):
            self.labels[key].setVisible(show_singular)

        for j, handle in enumerate(self.handles):
            blocked = handle.blockSignals(True)
            handle.setPos(*A[:, j])
            handle.blockSignals(blocked)

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
        set_title(self.output_plot, self._style, f"Output, t = {self._model['stage']:.2f}: {stage}")

    def _show_readouts(self, result, factors) -> None:
        s1, s2 = result.s
        flip = "  (flips: det < 0)" if factors.reflection else ""
        self.readouts.set_many(
            {
                "s1": f"{s1:.4g}",
                "s2": f"{s2:.4g}",
                "det": f"{factors.det:.4g}",
                "rank": f"{result.rank}",
                "cond": "∞" if not np.isfinite(result.cond) else f"{result.cond:.4g}",
                "Vt": f"rotate by {np.degrees(factors.theta_v):.1f}°",
                "Sigma": f"stretch ×{factors.d[0]:.3g}, ×{factors.d[1]:.3g}{flip}",
                "U": f"rotate by {np.degrees(factors.theta_u):.1f}°",
            }
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
        self.panel.apply_style(style)
        self._set_titles(svd.stage_name(self._model["stage"]))

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
