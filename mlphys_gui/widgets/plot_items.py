"""Small drawing helpers shared by the tabs' plots."""

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore, QtGui, QtWidgets, sip
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
    """Many same-looking dots: one antialiased dot rendered once, stamped at every point.

    ``ScatterPlotItem.setData`` builds a record per spot and costs milliseconds per thousand
    points, and ``QPainter.drawPoints`` with a round antialiased pen rasterises every dot anew
    (4 ms for 2500 dots). Here the positions go straight from numpy into one
    ``drawPixmapFragments`` call (0.15 ms for 2500). Figure exports draw real vector points.
    """

    def __init__(self, size: float = 4.0):
        super().__init__()
        self._xy = np.zeros((0, 2))
        self._bounds = QtCore.QRectF()
        self._color = QtGui.QColor("black")
        self._size = size
        self._sprite: QtGui.QPixmap | None = None
        self._fragments = None

    def set_style(self, color: QtGui.QColor, size: float) -> None:
        self._color = QtGui.QColor(color)
        self._size = size
        self._sprite = None
        self.update()

    def set_points(self, x: np.ndarray, y: np.ndarray) -> None:
        self.prepareGeometryChange()
        self._xy = np.column_stack([x, y]).astype(np.float64)
        finite = np.isfinite(self._xy).all(axis=1)
        if finite.any():
            x_low, y_low = self._xy[finite].min(axis=0)
            x_high, y_high = self._xy[finite].max(axis=0)
            self._bounds = QtCore.QRectF(x_low, y_low, x_high - x_low, y_high - y_low)
        else:
            self._bounds = QtCore.QRectF()
        self.update()

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        return self._xy[:, 0].copy(), self._xy[:, 1].copy()

    def dataBounds(self, axis: int, frac: float = 1.0, orthoRange=None):
        if self._bounds.isNull():
            return None
        if axis == 0:
            return (self._bounds.left(), self._bounds.right())
        return (self._bounds.top(), self._bounds.bottom())

    def boundingRect(self) -> QtCore.QRectF:
        """The data bounds grown by the dot size in pixels."""
        if self._bounds.isNull():
            return QtCore.QRectF()
        pad_x = self.pixelLength(pg.Point(1, 0)) or 0.0
        pad_y = self.pixelLength(pg.Point(0, 1)) or 0.0
        grow_x, grow_y = pad_x * self._size, pad_y * self._size
        return self._bounds.adjusted(-grow_x, -grow_y, grow_x, grow_y)

    def viewTransformChanged(self) -> None:
        self.prepareGeometryChange()

    def paint(self, painter: QtGui.QPainter, *_args) -> None:
        if not len(self._xy):
            return
        if self._exportOpts is not False:
            self._paint_vector_points(painter)
            return
        transform = painter.transform()
        if transform.isRotating():
            self._paint_vector_points(painter)
            return
        ratio = painter.device().devicePixelRatioF()
        sprite = self._sprite_for(ratio)
        count = len(self._xy)
        if self._fragments is None or len(self._fragments) != count:
            self._fragments = sip.array(QtGui.QPainter.PixmapFragment, count)
        memory = np.frombuffer(
            sip.voidptr(self._fragments, count * 10 * 8), dtype=np.float64
        ).reshape(count, 10)
        memory[:, 0] = transform.m11() * self._xy[:, 0] + transform.dx()
        memory[:, 1] = transform.m22() * self._xy[:, 1] + transform.dy()
        side = sprite.width()
        memory[:, 2:6] = (0.0, 0.0, side, side)  # source rectangle in the sprite
        memory[:, 6:10] = (1 / ratio, 1 / ratio, 0.0, 1.0)  # scale x, y, rotation, opacity
        np.nan_to_num(memory[:, :2], copy=False, nan=-1e6, posinf=1e6, neginf=-1e6)
        np.clip(memory[:, :2], -1e6, 1e6, out=memory[:, :2])  # off screen, and no overflow
        painter.save()
        painter.resetTransform()
        painter.drawPixmapFragments(self._fragments, sprite)
        painter.restore()

    def _sprite_for(self, ratio: float) -> QtGui.QPixmap:
        """One antialiased dot ``size`` pixels across, drawn at the device's pixel ratio."""
        if self._sprite is None or self._sprite.devicePixelRatioF() != ratio:
            side = int(np.ceil(self._size * ratio)) + 2
            sprite = QtGui.QPixmap(side, side)
            sprite.fill(QtCore.Qt.GlobalColor.transparent)
            painter = QtGui.QPainter(sprite)
            painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
            painter.setPen(QtCore.Qt.PenStyle.NoPen)
            painter.setBrush(self._color)
            diameter = self._size * ratio
            offset = (side - diameter) / 2
            painter.drawEllipse(QtCore.QRectF(offset, offset, diameter, diameter))
            painter.end()
            sprite.setDevicePixelRatio(ratio)
            self._sprite = sprite
        return self._sprite

    def _paint_vector_points(self, painter: QtGui.QPainter) -> None:
        pen = QtGui.QPen(self._color, self._size)
        pen.setCosmetic(True)
        pen.setCapStyle(QtCore.Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        polygon = pg_functions.create_qpolygonf(len(self._xy))
        pg_functions.ndarray_from_qpolygonf(polygon)[:] = self._xy
        painter.drawPoints(polygon)
