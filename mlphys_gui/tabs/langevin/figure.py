"""The Langevin figure: in 1-D the particles over V(x) with their histogram, p_t and the
Boltzmann density on one axis (and phase space with inertia); in 2-D the particles over the
contour map of V(x, y) beside their density. Every frame repaints it, so its live items take the
raster engine's fast paths (mlphys_gui/widgets/plot_items.py)."""

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore, QtWidgets

from mlphys_gui.style import Style, set_label, set_title, style_legend, style_plot
from mlphys_gui.tabs.langevin.state import HALF_WIDTH
from mlphys_gui.widgets.contours import ContourItem
from mlphys_gui.widgets.plot_items import (
    DotsItem,
    LiveCurveItem,
    fixed_box,
    fixed_plot,
    follow_y,
    image_levels,
    legend_below,
    series_of,
    style_symbol_key,
)

BOX_2D = QtCore.QRectF(-HALF_WIDTH, -HALF_WIDTH, 2 * HALF_WIDTH, 2 * HALF_WIDTH)
CONTOURS = 8


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


class LangevinFigure:
    """The plot items of the tab, created once; the ``draw…`` methods update them."""

    def __init__(self, grid: np.ndarray, edges: np.ndarray, image_edges: np.ndarray):
        self.grid, self.edges, self.image_edges = grid, edges, image_edges
        self.pages = QtWidgets.QStackedWidget()
        self._build_1d()
        self._build_2d()
        self._drawn_boltzmann: np.ndarray | None = None

    def _build_1d(self) -> None:
        self.view_1d = pg.GraphicsLayoutWidget()
        # a plain background fills faster than pyqtgraph's cached background pixmap is copied
        self.view_1d.setCacheMode(QtWidgets.QGraphicsView.CacheModeFlag.CacheNone)
        layout = self.view_1d.ci
        # no axis grid: pyqtgraph redraws it on every frame (7 ms per axis at 1400 px)
        self.density_plot = fixed_plot(layout, 0, 0, x_label="x", y_label="density")
        self.phase_plot = fixed_plot(layout, 0, 1, x_label="x", y_label="v")  # with inertia
        self.legend = legend_below(layout, self.density_plot, row=1, col=0, columns=3)
        layout.layout.setColumnStretchFactor(0, 3)
        layout.layout.setColumnStretchFactor(1, 2)
        for plot in (self.density_plot, self.phase_plot):
            plot.setXRange(-HALF_WIDTH, HALF_WIDTH, padding=0.01)
        self.density_plot.showAxis("right")
        self.density_plot.getAxis("right").enableAutoSIPrefix(False)
        self.potential_box = fixed_box()
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
        self.pages.addWidget(self.view_1d)

    def _build_2d(self) -> None:
        self.view_2d = pg.GraphicsLayoutWidget()
        layout = self.view_2d.ci
        self.contour_plot = fixed_plot(layout, 0, 0, x_label="x", y_label="y", aspect_locked=True)
        self.image_plot = fixed_plot(layout, 0, 1, x_label="x", y_label="y", aspect_locked=True)
        for plot in (self.contour_plot, self.image_plot):
            plot.setRange(
                xRange=(-HALF_WIDTH, HALF_WIDTH), yRange=(-HALF_WIDTH, HALF_WIDTH), padding=0
            )
        self.potential_image = pg.ImageItem(axisOrder="row-major")
        self.density_image = pg.ImageItem(axisOrder="row-major")
        self.contour_plot.addItem(self.potential_image)
        self.image_plot.addItem(self.density_image)
        self.contours = [ContourItem(axisOrder="row-major") for _ in range(CONTOURS)]
        for contour in self.contours:
            contour.setParentItem(self.potential_image)  # in the image's pixel coordinates
        self.dots_2d = DotsItem()
        self.contour_plot.addItem(self.dots_2d)
        self.pages.addWidget(self.view_2d)

    # ------------------------------------------------------------------ layout
    def show_layout(self, two_d: bool, inertia: bool) -> None:
        """The 1-D or 2-D page; the phase-space plot only with inertia."""
        layout = self.view_1d.ci
        shown = self.phase_plot in layout.items
        if inertia and not shown:
            layout.addItem(self.phase_plot, row=0, col=1)
        elif shown and not inertia:
            layout.removeItem(self.phase_plot)
        self.phase_plot.setVisible(inertia)
        self.pages.setCurrentIndex(1 if two_d else 0)

    # ------------------------------------------------------------------ potential
    def draw_potential(self, values: np.ndarray, kT: float) -> float:
        """V(x) on the right axis, framed on where the particles can go (a few kT) and the
        landscape's shape, not the walls; returns the dots' vertical jitter."""
        self.potential_curve.setData(self.grid, values)
        central = values[np.abs(self.grid) <= 0.75 * HALF_WIDTH]
        low, relief = float(values.min()), float(central.max()) - float(values.min())
        span = max(min(relief, max(7 * kT, 0.25 * relief)), 1e-6)
        self.potential_box.setYRange(low - 0.1 * span, low + 1.1 * span, padding=0)
        return 0.03 * span

    def draw_potential_2d(self, values: np.ndarray) -> None:
        """The map of V(x, y) (cut off at a few times its median rise) and its contours."""
        low = float(values.min())
        shown = np.minimum(values, low + 4.0 * max(float(np.median(values)) - low, 1e-6))
        self.potential_image.setImage(shown, levels=image_levels(shown))
        self.potential_image.setRect(BOX_2D)
        levels = np.linspace(low, float(shown.max()), len(self.contours) + 2)[1:-1]
        for contour, level in zip(self.contours, levels, strict=True):
            contour.setData(shown, level)

    # ------------------------------------------------------------------ frames
    def draw(self, frame: Frame, boltzmann: np.ndarray | None, show: dict[str, bool]) -> None:
        """One frame: ``boltzmann`` the stationary density (None: none to draw), ``show`` the
        state's show_histogram, show_pde and show_boltzmann."""
        if frame.sample.ndim == 2:  # rows of (x, y)
            self.dots_2d.set_points(frame.sample[:, 0], frame.sample[:, 1])
            self.density_image.setImage(frame.histogram, levels=image_levels(frame.histogram))
            self.density_image.setRect(BOX_2D)
            return
        self.dots.set_points(frame.sample, frame.heights)
        shown = []
        if show["show_histogram"]:
            self.histogram_curve.setData(self.edges, frame.histogram)
            shown.append(frame.histogram)
        else:
            self.histogram_curve.setData([], [])
        if frame.p is not None and show["show_pde"]:
            self.pde_curve.setData(self.grid, frame.p)
            shown.append(frame.p)
        else:
            self.pde_curve.setData([], [])
        boltzmann = boltzmann if show["show_boltzmann"] else None
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
            follow_y(self.phase_plot, frame.velocity, min_span=0.5)

    # ------------------------------------------------------------------ style, export
    def apply_style(self, style: Style) -> None:
        for view in (self.view_1d, self.view_2d):
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
        self.potential_image.setColorMap(pg.colormap.get("viridis"))
        self.density_image.setColorMap(pg.colormap.get("inferno"))
        for contour in self.contours:
            contour.setPen(style.pen("bg", 1.0))
        set_title(self.density_plot, style, "Particles over V(x); histogram, p_t and Boltzmann")
        set_title(self.phase_plot, style, "Phase space (x, v)")
        set_title(self.contour_plot, style, "Particles over V(x, y)")
        set_title(self.image_plot, style, "Density of the particles")
        set_label(self.density_plot, "left", "density")

    @property
    def view(self) -> QtWidgets.QGraphicsView:
        """The page shown (1-D or 2-D): what Export figure draws."""
        return self.pages.currentWidget()

    def plotted_data(self, frame: Frame):
        if frame.sample.ndim == 2:
            x, y = self.dots_2d.points()
            centres = 0.5 * (self.image_edges[1:] + self.image_edges[:-1])
            marginal = frame.histogram.sum(axis=0) * (centres[1] - centres[0])
            return [("particles_sample", x, y), ("density_x_marginal", centres, marginal)]
        centres = 0.5 * (self.edges[1:] + self.edges[:-1])
        series = [("histogram", centres, frame.histogram)]
        items = [("p_t", self.pde_curve), ("boltzmann", self.boltzmann_curve)]
        series += [series_of(item, name) for name, item in items]
        x, y = self.dots.points()
        series += [series_of(self.potential_curve, "potential"), ("particles_sample", x, y)]
        return series
