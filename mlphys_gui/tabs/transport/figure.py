"""The transport figure: per sampler, in 1-D the paths over the (τ, x) map of p_τ above the
density at τ, in 2-D the particles over the heat map of p_τ with the field as arrows; the three
side by side, or one of them large."""

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore, QtGui, QtWidgets

from mlphys_gui.style import Style, set_label, set_title, style_legend, style_plot
from mlphys_gui.tabs.transport.state import PROCESS_NAMES
from mlphys_gui.widgets.plot_items import DotsItem, curve, fixed_box, follow_y, image_levels

TITLES = {  # short: three titles side by side must fit a projector at large font sizes
    "reverse_sde": "Reverse SDE",
    "probability_flow": "Probability flow",
    "flow_matching": "Flow matching",
}
BOX = 4.0  # x (and y) shown in [−4, 4]
HANDLE_LIMIT = 16  # larger targets are marked by one scatter of rings, not draggable handles
PATHS_SHOWN = 40  # trajectories drawn
TAIL = 0.2  # 2-D: the trajectories' last stretch of τ, drawn behind each particle
HEAT_RECT = QtCore.QRectF(0.0, -BOX, 1.0, 2 * BOX)  # (τ, x) plane
IMAGE_RECT = QtCore.QRectF(-BOX, -BOX, 2 * BOX, 2 * BOX)
DENSITY_TOP = 1.15  # the density plots' top over their highest curve


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
        self.paths_plot = pg.PlotItem(viewBox=fixed_box())
        self.density_plot = pg.PlotItem(viewBox=fixed_box())
        self.plot_2d = pg.PlotItem(viewBox=fixed_box())
        for plot in (self.paths_plot, self.density_plot, self.plot_2d):
            plot.setMenuEnabled(False)
            plot.hideButtons()
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
        # the y range is the tab's (frame_densities), not pyqtgraph's auto-range, which
        # re-ranged, and so repainted the axes, after every frame's new histogram
        self.density_plot.setXRange(-BOX, BOX, padding=0.02)
        self.density_plot.setYRange(0.0, 1.0, padding=0)
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
        self.marks = {1: pg.ScatterPlotItem(), 2: pg.ScatterPlotItem()}  # a large target's means
        self.density_plot.addItem(self.marks[1])
        self.plot_2d.addItem(self.marks[2])
        for marks in self.marks.values():
            marks.setZValue(30)

    def plots(self) -> tuple[pg.PlotItem, ...]:
        return (self.paths_plot, self.density_plot, self.plot_2d)

    def show_static_1d(self, heat, field, paths, x_grid, target_density) -> None:
        """What a sampling result fixes in 1-D, drawn once: the exact p_τ(x) over the (τ, x)
        plane (√p, so the tails show), the field's directions, the paths and the target."""
        self.heat.setImage(heat, levels=image_levels(heat, floor=0.0))
        self.heat.setRect(HEAT_RECT)  # after setImage: the rect scales the image's pixels
        self.field_1d.setData(*field)
        self.paths.setData(*paths)
        self.target_curve.setData(x_grid, target_density)

    def show_1d(self, tau, edges, histogram, x_grid, density, heads, show) -> float:
        """The density at τ: the particles' histogram against the exact p_τ; the τ line.
        Returns the highest of the two, for :meth:`TransportFigure.frame_densities`."""
        self.histogram.setData(edges, histogram)
        self.histogram.setVisible(show["show_particles"])
        self.exact.setData(x_grid, density)
        self.exact.setVisible(show["show_exact"])
        self.heat.setVisible(show["show_exact"])
        self.paths.setVisible(show["show_paths"])
        self.field_1d.setVisible(show["show_field"])
        self.heads.set_points(np.full(heads.shape, tau), heads)
        self.heads.setVisible(show["show_particles"])
        blocked = self.tau_line.blockSignals(True)
        self.tau_line.setValue(tau)
        self.tau_line.blockSignals(blocked)
        return max(float(density.max()), float(histogram.max()), 0.05)

    def show_2d(self, xy, image, arrows, tails, show) -> None:
        """The particles at τ over the exact p_τ (image or None), the field's arrows and the
        particles' recent tracks (each an (x, y) polyline, or None when not shown)."""
        if image is not None:
            shading = np.sqrt(image)
            self.image.setImage(shading, levels=image_levels(shading))
            self.image.setRect(IMAGE_RECT)
        self.image.setVisible(show["show_exact"])
        self.dots.set_points(xy[:, 0], xy[:, 1])
        self.dots.setVisible(show["show_particles"])
        self.arrows.setData(*(arrows if arrows is not None else ([], [])))
        self.tails.setData(*(tails if tails is not None else ([], [])))

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
        ring = style.color(2)
        ring.setAlpha(150)
        for marks in self.marks.values():
            marks.setPen(pg.mkPen(ring, width=style.line_scale))
            marks.setBrush(style.brush("bg", 0))
            marks.setSize(5 * style.line_scale)


class TransportFigure:
    """The 1-D and 2-D pages, a panel per process, their legends and the target handles."""

    def __init__(self):
        self._style: Style | None = None
        self.pages = QtWidgets.QStackedWidget()
        self.view_1d = pg.GraphicsLayoutWidget()
        self.view_2d = pg.GraphicsLayoutWidget()
        self.pages.addWidget(self.view_1d)
        self.pages.addWidget(self.view_2d)
        self.panels = {process: ProcessPanel(process) for process in PROCESS_NAMES}
        first = self.panels["reverse_sde"]
        self.legend_1d = pg.LegendItem(colCount=3)
        self.legend_2d = pg.LegendItem(colCount=1)
        self.legend_1d.addItem(first.histogram, "histogram of the particles")
        self.legend_1d.addItem(first.exact, "exact p_τ")
        self.legend_1d.addItem(first.target_curve, "target p_data")
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

    @property
    def view(self) -> QtWidgets.QGraphicsView:
        """The page shown (1-D or 2-D): what Export figure draws."""
        return self.pages.currentWidget()

    def show_layout(self, processes: tuple[str, ...], dim: int) -> None:
        """The page of the dimension, with the shown processes side by side (1-D: paths above
        density; 2-D: one plot each, three in a 2 × 2 grid)."""
        self.pages.setCurrentIndex(1 if dim == 2 else 0)
        for layout in (self.view_1d.ci, self.view_2d.ci):
            layout.clear()
        for col, process in enumerate(processes):
            panel = self.panels[process]
            self.view_1d.ci.addItem(panel.paths_plot, row=0, col=col)
            self.view_1d.ci.addItem(panel.density_plot, row=1, col=col)
        self.view_1d.ci.addItem(self.legend_1d, row=2, col=0, colspan=len(processes))
        if len(processes) == 1:
            self.view_2d.ci.addItem(self.panels[processes[0]].plot_2d, row=0, col=0)
            self.view_2d.ci.addItem(self.legend_2d, row=1, col=0)
        else:  # square plots fit a 2 × 2 grid better than a row of three
            for i, process in enumerate(processes):
                self.view_2d.ci.addItem(self.panels[process].plot_2d, row=i // 2, col=i % 2)
            self.view_2d.ci.addItem(self.legend_2d, row=1, col=1)
        self.view_1d.ci.layout.setRowStretchFactor(0, 3)
        self.view_1d.ci.layout.setRowStretchFactor(1, 2)
        for col in range(len(processes)):
            self.view_1d.ci.layout.setColumnStretchFactor(col, 1)
        first = self.panels[processes[0]]
        for process in processes[1:]:
            panel = self.panels[process]
            panel.paths_plot.setYLink(first.paths_plot)
            panel.density_plot.setYLink(first.density_plot)

    def frame_densities(self, processes: tuple[str, ...], peak: float, anew: bool) -> None:
        """The density plots (their y axes linked) from 0 to 15 % above the highest curve:
        ``anew`` for new particles; else framed again only when a curve leaves the frame or
        shrinks under 40 % of it, not on every frame of Play (rebuilding the three axes took
        a quarter of a frame)."""
        plot = self.panels[processes[0]].density_plot
        if anew:
            plot.setYRange(0.0, DENSITY_TOP * peak, padding=0)
        else:
            follow_y(plot, np.array([0.0, peak]), slack=DENSITY_TOP - 1.0, floor=0.0)

    def place_handles(self, processes, rows, dim: int, moved) -> None:
        """A draggable marker at each component's mean, in every shown plot of the target;
        ``moved(i, handle)`` when one is dropped. A target of more than HANDLE_LIMIT components
        (made from a picture) gets one scatter of small rings instead."""
        for panel in self.panels.values():
            for handle in panel.handles:
                for plot in (panel.plot_2d, panel.density_plot):
                    if handle in plot.items:
                        plot.removeItem(handle)
            panel.handles = []
            for marks in panel.marks.values():
                marks.setData([], [])
        if len(rows) > HANDLE_LIMIT:
            x, y = rows[:, 1], (rows[:, 2] if dim == 2 else np.zeros(len(rows)))
            for panel in (self.panels[p] for p in processes):
                panel.marks[dim].setData(x, y)
            return
        for panel in (self.panels[p] for p in processes):
            plot = panel.plot_2d if dim == 2 else panel.density_plot
            for i, row in enumerate(rows):
                position = (row[1], row[2]) if dim == 2 else (row[1], 0.0)
                handle = pg.TargetItem(pos=position, size=14, symbol="o")
                handle.setToolTip(f"Component {i + 1}: drag to move its mean")
                handle.setZValue(30)
                handle.sigPositionChangeFinished.connect(lambda item, i=i: moved(i, item))
                plot.addItem(handle)
                panel.handles.append(handle)
        if self._style is not None:
            self.apply_style(self._style)

    def _colormap(self) -> pg.ColorMap:
        """From the background to a pale blue: the particles and paths stay readable on it."""
        background = QtGui.QColor(self._style.theme.bg)
        return pg.ColorMap([0.0, 1.0], [background, self._style.color(5)])

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
