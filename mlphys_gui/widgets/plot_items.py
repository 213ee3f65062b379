"""Small drawing helpers shared by the tabs' plots."""

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore, QtGui, QtWidgets
from pyqtgraph import functions as pg_functions

HEAD_ANGLE = np.deg2rad(25.0)


def arrow_polyline(
    tips: np.ndarray, head: float, origin=(0.0, 0.0)
) -> tuple[np.ndarray, np.ndarray]:
    """x, y of arrows from ``origin`` to each column of ``tips`` (2×k), NaN between arrows.

    The head is two barbs of length ``head`` in data units, so it scales with the plot and is
    exported as vectors. A zero-length arrow draws nothing.
    """
    xs, ys = [], []
    ox, oy = origin
    for tx, ty in np.asarray(tips, dtype=float).T:
        dx, dy = tx - ox, ty - oy
        length = np.hypot(dx, dy)
        if length < 1e-12:
            xs += [np.nan]
            ys += [np.nan]
            continue
        barb = min(head, 0.5 * length)
        angle = np.arctan2(dy, dx)
        left, right = angle + np.pi - HEAD_ANGLE, angle + np.pi + HEAD_ANGLE
        xs += [ox, tx, np.nan, tx + barb * np.cos(left), tx, tx + barb * np.cos(right), np.nan]
        ys += [oy, ty, np.nan, ty + barb * np.sin(left), ty, ty + barb * np.sin(right), np.nan]
    return np.array(xs), np.array(ys)


def square_grid(half_width: float, lines: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """x, y of a light background grid over [−half_width, half_width]², at a 1-2-5 step.

    One NaN-separated polyline: far cheaper to repaint than pyqtgraph's axis grid, which
    dominates the frame time of a live plot.
    """
    raw = 2 * half_width / lines
    magnitude = 10 ** np.floor(np.log10(raw))
    step = magnitude * min((f for f in (1, 2, 5, 10) if f * magnitude >= raw), default=10)
    ticks = np.arange(np.ceil(-half_width / step), np.floor(half_width / step) + 1) * step
    xs, ys = [], []
    for tick in ticks:
        xs += [tick, tick, np.nan, -half_width, half_width, np.nan]
        ys += [-half_width, half_width, np.nan, tick, tick, np.nan]
    return np.array(xs), np.array(ys)


def legend_below(
    layout: pg.GraphicsLayout, plot: pg.PlotItem, row: int, col: int, columns: int = 2
) -> pg.LegendItem:
    """A legend in its own layout cell under ``plot``, so it never hides the data.

    Named items added to ``plot`` afterwards are listed in it automatically.
    """
    legend = pg.LegendItem(colCount=columns)
    legend.setSizePolicy(
        QtWidgets.QSizePolicy.Policy.Preferred, QtWidgets.QSizePolicy.Policy.Maximum
    )
    layout.addItem(legend, row=row, col=col)
    plot.legend = legend
    return legend


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def decade_ticks(axis: pg.AxisItem, low_log: float, high_log: float) -> None:
    """Label a log axis at powers of ten only (10⁻², 10⁻¹, 1, 10, …), minor ticks unlabelled:
    pyqtgraph labels every minor tick when a plot spans few decades, and they overlap."""
    first, last = int(np.floor(low_log)), int(np.ceil(high_log))
    major = [
        (k, "1" if k == 0 else "10" if k == 1 else f"10{str(k).translate(_SUPERSCRIPT)}")
        for k in range(first, last + 1)
    ]
    minor = [(k + np.log10(m), "") for k in range(first, last) for m in range(2, 10)]
    axis.setTicks([major, minor])


def follow_y(plot: pg.PlotItem, values: np.ndarray, slack: float = 0.15) -> None:
    """Keep ``values`` in view with hysteresis: the y range changes only when the data leave it
    or shrink to under 40 % of it, so a live plot's axes are not rebuilt on every frame."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return
    low, high = float(finite.min()), float(finite.max())
    span = max(high - low, 1e-9 * max(abs(low), abs(high), 1.0))
    shown_low, shown_high = plot.viewRange()[1]
    if low < shown_low or high > shown_high or span < 0.4 * (shown_high - shown_low):
        plot.setYRange(low - slack * span, high + slack * span, padding=0)


def curve(plot: pg.PlotItem, name: str | None = None, **options) -> pg.PlotDataItem:
    """An empty line item added to ``plot`` (and its legend, if named); ``setData`` fills it."""
    item = pg.PlotDataItem(name=name, connect="finite", **options)
    plot.addItem(item)
    return item


def series_of(item: pg.PlotDataItem, name: str):
    """(name, x, y) of the data an item holds (before any log-axis transform), for CSV export."""
    if item.xData is None:
        return (name, [], [])
    return (name, item.xData, item.yData)


class DotsItem(pg.GraphicsObject):
    """Many same-looking dots, drawn with one ``QPainter.drawPoints`` call.

    ``ScatterPlotItem.setData`` builds a record per spot and costs milliseconds per thousand
    points; this fills a QPolygonF straight from numpy, so a few thousand moving particles
    redraw in well under a millisecond.
    """

    def __init__(self, size: float = 4.0):
        super().__init__()
        self._polygon = QtGui.QPolygonF()
        self._bounds = QtCore.QRectF()
        self._pen = pg.mkPen("k", width=size)
        self._size = size

    def set_style(self, color: QtGui.QColor, size: float) -> None:
        self._size = size
        self._pen = QtGui.QPen(color, size)
        self._pen.setCosmetic(True)
        self._pen.setCapStyle(QtCore.Qt.PenCapStyle.RoundCap)
        self.update()

    def set_points(self, x: np.ndarray, y: np.ndarray) -> None:
        count = len(x)
        polygon = pg_functions.create_qpolygonf(count)
        if count:
            memory = pg_functions.ndarray_from_qpolygonf(polygon)
            memory[:, 0] = x
            memory[:, 1] = y
        self.prepareGeometryChange()
        self._polygon = polygon
        finite = np.isfinite(x) & np.isfinite(y) if count else np.zeros(0, bool)
        if finite.any():
            x_low, x_high = float(x[finite].min()), float(x[finite].max())
            y_low, y_high = float(y[finite].min()), float(y[finite].max())
            self._bounds = QtCore.QRectF(x_low, y_low, x_high - x_low, y_high - y_low)
        else:
            self._bounds = QtCore.QRectF()
        self.update()

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        if self._polygon.isEmpty():
            return np.zeros(0), np.zeros(0)
        memory = pg_functions.ndarray_from_qpolygonf(self._polygon)
        return memory[:, 0].copy(), memory[:, 1].copy()

    def dataBounds(self, axis: int, frac: float = 1.0, orthoRange=None):
        if self._bounds.isNull():
            return None
        if axis == 0:
            return (self._bounds.left(), self._bounds.right())
        return (self._bounds.top(), self._bounds.bottom())

    def boundingRect(self) -> QtCore.QRectF:
        """The data bounds grown by the dot size in pixels (cosmetic pen)."""
        if self._bounds.isNull():
            return QtCore.QRectF()
        pad_x = self.pixelLength(pg.Point(1, 0)) or 0.0
        pad_y = self.pixelLength(pg.Point(0, 1)) or 0.0
        grow_x, grow_y = pad_x * self._size, pad_y * self._size
        return self._bounds.adjusted(-grow_x, -grow_y, grow_x, grow_y)

    def viewTransformChanged(self) -> None:
        self.prepareGeometryChange()

    def paint(self, painter: QtGui.QPainter, *_args) -> None:
        painter.setPen(self._pen)
        painter.drawPoints(self._polygon)
