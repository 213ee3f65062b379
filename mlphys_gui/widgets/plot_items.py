"""Small drawing helpers shared by the tabs' plots."""

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore, QtGui, QtWidgets, sip
from pyqtgraph import functions as pg_functions

HEAD_ANGLE = np.deg2rad(25.0)
# A wide line drawn as 1-pixel antialiased strokes this far apart, reaching this far beyond
# (w − 1)/2, carries the ink of the w-pixel pen to within 6 % for w = 1.5 … 6 and to within 8 %
# for w·r up to 12 device pixels (measured in tests/gui/test_plot_items.py): antialiased edges
# that overlap blend, so strokes one pixel apart would look 20 % lighter. Both are in device
# pixels: at a device pixel ratio r the line is w·r device pixels wide (w logical pixels, as at
# r = 1), laid with 1-device-pixel strokes.
STROKE_SPACING = 0.75
STROKE_REACH = 0.15


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


def legend_entries(legend: pg.LegendItem) -> list[tuple[pg.GraphicsObject, str]]:
    """(item, label) of each row of a legend, in order."""
    return [(sample.item, label.text) for sample, label in legend.items]


def list_in_legend(legend: pg.LegendItem, entries: list[tuple[pg.GraphicsObject, str]]) -> bool:
    """Make ``legend`` list exactly ``entries`` (item, label), in order (rows of items that
    mean nothing now are left out); True when it had to change (restyle it then)."""
    if legend_entries(legend) == entries:
        return False
    legend.clear()
    for item, label in entries:
        legend.addItem(item, label)
    layout = legend.parentLayoutItem()  # pyqtgraph moved it to (0, 0): back into its cell
    if layout is not None:
        layout.invalidate()
        layout.activate()
    return True


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


def follow_y(
    plot: pg.PlotItem,
    values: np.ndarray,
    slack: float = 0.15,
    min_span: float = 1e-9,
    floor: float | None = None,
) -> None:
    """Keep ``values`` in view with hysteresis: the y range changes only when the data leave it
    or shrink to under 40 % of it, so a live plot's axes are not rebuilt on every frame. Flat
    data are shown over at least ``min_span`` (in the data's units), not over ±5e-10; with a
    ``floor`` the range starts there (a density plot at 0)."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return
    low, high = float(finite.min()), float(finite.max())
    span = max(high - low, min_span, 1e-9 * max(abs(low), abs(high), 1.0))
    if high - low < span:
        middle = 0.5 * (low + high)
        low, high = middle - 0.5 * span, middle + 0.5 * span
    shown_low, shown_high = plot.viewRange()[1]
    if low < shown_low or high > shown_high or span < 0.4 * (shown_high - shown_low):
        bottom = low - slack * span if floor is None else floor
        plot.setYRange(bottom, high + slack * span, padding=0)


def image_levels(values: np.ndarray, floor: float | None = None) -> tuple[float, float]:
    """Colour levels of an image: from its smallest value (or ``floor``) to its largest, the
    span never so small that pyqtgraph's scale 255/span overflows (a flat image, or a
    likelihood of 1e-310 everywhere, then shows one colour instead of warning)."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    high = float(finite.max()) if finite.size else 1.0
    low = floor if floor is not None else float(finite.min()) if finite.size else 0.0
    least = max(1e-12 * max(abs(low), abs(high)), 1e-200)
    return low, max(high, low + least)


def fixed_box() -> pg.ViewBox:
    """A view box without mouse interaction or context menu. The menu is never built (7 ms a
    plot, a fifth of the time to open the app's first tab)."""
    return pg.ViewBox(enableMouse=False, enableMenu=False)


def fixed_plot(
    layout: pg.GraphicsLayout,
    row: int,
    col: int,
    *,
    rowspan: int = 1,
    colspan: int = 1,
    x_label: str | None = None,
    y_label: str | None = None,
    log_x: bool = False,
    log_y: bool = False,
    aspect_locked: bool = False,
) -> pg.PlotItem:
    """A plot that the tab, not the mouse, frames: no pan, zoom, context menu or auto-range
    button, and no SI prefixes (10⁻³ stays 0.001, not "(×0.001)" beside a density)."""
    plot = layout.addPlot(row=row, col=col, rowspan=rowspan, colspan=colspan, viewBox=fixed_box())
    plot.setMenuEnabled(False)
    plot.hideButtons()
    for side in ("left", "bottom", "right"):
        plot.getAxis(side).enableAutoSIPrefix(False)
    if log_x or log_y:
        plot.setLogMode(x=log_x, y=log_y)
    if aspect_locked:
        plot.setAspectLocked(True)
    if x_label:
        plot.setLabel("bottom", x_label)
    if y_label:
        plot.setLabel("left", y_label)
    return plot


def curve(plot: pg.PlotItem, name: str | None = None, **options) -> pg.PlotDataItem:
    """An empty line item added to ``plot`` (and its legend, if named); ``setData`` fills it."""
    item = pg.PlotDataItem(name=name, connect="finite", **options)
    plot.addItem(item)
    return item


def style_symbol_key(item: pg.PlotDataItem, brush: QtGui.QBrush, pen: QtGui.QPen) -> None:
    """The symbol brush and pen of a legend-only key (an item without data): pyqtgraph hands
    them to the item's scatter only with data, and the legend draws the scatter's default
    (a grey-blue dot beside orange particles)."""
    item.setSymbolBrush(brush)
    item.setSymbolPen(pen)
    item.scatter.setBrush(brush)
    item.scatter.setPen(pen)


def series_of(item: pg.PlotDataItem, name: str):
    """(name, x, y) of the data an item holds (before any log-axis transform), for CSV export."""
    if item.xData is None:
        return (name, [], [])
    return (name, item.xData, item.yData)


class _LiveItem(pg.GraphicsObject):
    """Shared by the items an animation redraws every frame: data bounds, and a bounding rect
    grown by a margin in pixels that is computed once per data or view change (the scene asks
    for it a dozen times a frame, and pyqtgraph's ``pixelLength`` costs 20 µs a call)."""

    def __init__(self, margin: float):
        super().__init__()
        self._bounds: QtCore.QRectF | None = None
        self._bounding: QtCore.QRectF | None = None
        self._margin = margin  # pixels beyond the data that the drawing may cover

    def _set_margin(self, margin: float) -> None:
        self.prepareGeometryChange()
        self._margin = margin
        self._bounding = None

    def _set_bounds(self, x: np.ndarray, y: np.ndarray) -> None:
        """Bounds of the finite values of x and y (None when either has none)."""
        self.prepareGeometryChange()
        self._bounding = None
        with np.errstate(invalid="ignore"):
            xs, ys = x[np.isfinite(x)], y[np.isfinite(y)]
        if xs.size and ys.size:
            x_low, x_high, y_low, y_high = xs.min(), xs.max(), ys.min(), ys.max()
            self._bounds = QtCore.QRectF(x_low, y_low, x_high - x_low, y_high - y_low)
        else:
            self._bounds = None
        self.update()

    def dataBounds(self, axis: int, frac: float = 1.0, orthoRange=None):
        if self._bounds is None:
            return None
        if axis == 0:
            return (self._bounds.left(), self._bounds.right())
        return (self._bounds.top(), self._bounds.bottom())

    def boundingRect(self) -> QtCore.QRectF:
        if self._bounds is None:
            return QtCore.QRectF()
        if self._bounding is None:
            grow_x = (self.pixelLength(pg.Point(1, 0)) or 0.0) * self._margin
            grow_y = (self.pixelLength(pg.Point(0, 1)) or 0.0) * self._margin
            self._bounding = self._bounds.adjusted(-grow_x, -grow_y, grow_x, grow_y)
        return self._bounding

    def viewTransformChanged(self) -> None:
        self.prepareGeometryChange()
        self._bounding = None


def device_ratio(painter: QtGui.QPainter) -> float:
    """Device pixels per logical pixel of what ``painter`` draws on: 2 on a Retina screen or a
    4K projector at 200 %. Read from the painter's transforms, not its device, so that it is
    also right when a widget is rendered into an image of another ratio (the device is then
    still the widget)."""
    world, ok = painter.transform().inverted()
    if not ok:
        return painter.device().devicePixelRatioF()
    return abs((world * painter.deviceTransform()).m11()) or 1.0


def _to_pixels(transform: QtGui.QTransform, xy: np.ndarray, out: np.ndarray) -> None:
    """Item coordinates (n × 2) to device pixels under a transform that does not rotate;
    NaN and far-off points go off screen, clipped so the raster engine never overflows."""
    np.multiply(xy[:, 0], transform.m11(), out=out[:, 0])
    np.add(out[:, 0], transform.dx(), out=out[:, 0])
    np.multiply(xy[:, 1], transform.m22(), out=out[:, 1])
    np.add(out[:, 1], transform.dy(), out=out[:, 1])
    np.clip(out, -1e6, 1e6, out=out)
    out[np.isnan(out)] = -1e6


class DotsItem(_LiveItem):
    """Many same-looking dots: one antialiased dot rendered once, stamped at every point.

    ``ScatterPlotItem.setData`` builds a record per spot and costs milliseconds per thousand
    points, and ``QPainter.drawPoints`` with a round antialiased pen rasterises every dot anew
    (4 ms for 2500 dots). Here the positions go straight from numpy into one
    ``drawPixmapFragments`` call (0.15 ms for 2500). Figure exports draw real vector points.
    """

    def __init__(self, size: float = 4.0):
        super().__init__(margin=size)
        self._xy = np.zeros((0, 2))
        self._color = QtGui.QColor("black")
        self._size = size
        self._sprite: QtGui.QPixmap | None = None
        self._fragments = None
        self._fragments_key: tuple[int, int, float] | None = None

    def set_style(self, color: QtGui.QColor, size: float) -> None:
        self._color = QtGui.QColor(color)
        self._size = size
        self._sprite = None
        self._set_margin(size)
        self.update()

    def set_points(self, x: np.ndarray, y: np.ndarray) -> None:
        self._xy = np.column_stack([x, y]).astype(np.float64)
        self._set_bounds(self._xy[:, 0], self._xy[:, 1])

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        return self._xy[:, 0].copy(), self._xy[:, 1].copy()

    def paint(self, painter: QtGui.QPainter, *_args) -> None:
        if not len(self._xy):
            return
        transform = painter.transform()
        if self._exportOpts is not False or transform.isRotating():
            self._paint_vector_points(painter)
            return
        ratio = device_ratio(painter)
        sprite = self._sprite_for(ratio)
        count, side = len(self._xy), sprite.width()
        fresh = self._fragments_key != (count, side, ratio)
        if fresh:  # a new array holds whatever was in memory: every column is filled below
            self._fragments = sip.array(QtGui.QPainter.PixmapFragment, count)
            self._fragments_key = (count, side, ratio)
        memory = np.frombuffer(
            sip.voidptr(self._fragments, count * 10 * 8), dtype=np.float64
        ).reshape(count, 10)
        _to_pixels(transform, self._xy, memory[:, :2])
        if fresh:
            memory[:, 2:6] = (0.0, 0.0, side, side)  # source rectangle in the sprite
            memory[:, 6:10] = (1 / ratio, 1 / ratio, 0.0, 1.0)  # scale x, y, rotation, opacity
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


class LiveCurveItem(_LiveItem):
    """A curve (or, with ``steps``, a filled step histogram) redrawn on every animation frame.

    On screen it takes the raster engine's fast paths: a wide antialiased line is drawn as
    1-pixel cosmetic strokes side by side along the curve's normal (0.05 ms a stroke for 600
    points, against 1.5 ms for one 3-pixel pen through Qt's general stroker), and a histogram
    as one polygon fill with a 1-pixel outline. The pen's width is in logical pixels: at a
    device pixel ratio r (a Retina laptop, a 4K projector) the strokes are laid one device pixel
    apart, so the line is w·r device pixels wide and has no gaps, and the histogram's outline is
    drawn r times, one device pixel apart. The strokes are kept while neither the data, the view
    nor the ratio change, so a static curve costs only its strokes. Figure exports draw the
    real pen and brush as vector paths. ``setData``, ``xData``, ``yData`` and ``opts`` (read
    by legends) are as for ``pg.PlotDataItem``; a step histogram takes m + 1 edges, m heights.
    """

    def __init__(self, steps: bool = False):
        super().__init__(margin=3.0)
        self._steps = steps
        self.xData = np.zeros(0)
        self.yData = np.zeros(0)
        self.opts = {
            "pen": pg.mkPen("k"),
            "fillLevel": 0.0 if steps else None,
            "fillBrush": None,
            "antialias": not steps,
            "symbol": None,
        }
        self._finite = True
        self._thin_pen = QtGui.QPen()
        self._thin_ratio = 1.0  # the device pixel ratio _thin_pen's dashes were made for
        self._strokes: list[QtGui.QPolygonF] = []
        self._strokes_key = None

    def setPen(self, pen: QtGui.QPen) -> None:
        self.opts["pen"] = QtGui.QPen(pen)
        self._thin_ratio = 0.0  # made afresh at the next paint
        self._strokes_key = None
        self._set_margin(pen.widthF() + 2.0)
        self.update()

    def _thin_pen_for(self, ratio: float) -> QtGui.QPen:
        """The 1-device-pixel pen of the strokes; its dashes as long as the wide pen's in
        logical pixels (a cosmetic pen's dash unit is its width: one device pixel)."""
        if ratio != self._thin_ratio:
            wide = self.opts["pen"]
            thin = QtGui.QPen(wide)
            thin.setWidthF(1.0)
            thin.setCosmetic(True)
            if wide.style() != QtCore.Qt.PenStyle.SolidLine:
                unit = max(wide.widthF(), 1.0) * ratio
                thin.setDashPattern([d * unit for d in wide.dashPattern()])
            self._thin_pen, self._thin_ratio = thin, ratio
        return self._thin_pen

    def setFillBrush(self, brush: QtGui.QBrush) -> None:
        self.opts["fillBrush"] = QtGui.QBrush(brush)
        self.update()

    def setData(self, x, y) -> None:
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        expected = y.size + 1 if self._steps and y.size else y.size
        if x.ndim != 1 or y.ndim != 1 or x.size != expected:
            raise ValueError(f"x needs {expected} values for {y.size} heights, got {x.size}")
        self.xData, self.yData = x, y
        self._finite = bool(np.isfinite(x).all() and np.isfinite(y).all())
        self._strokes_key = None
        self._set_bounds(*self._outline())

    def paint(self, painter: QtGui.QPainter, *_args) -> None:
        if not self.yData.size:
            return
        transform = painter.transform()
        ratio = device_ratio(painter)
        if self._exportOpts is not False or transform.isRotating() or not self._finite:
            self._paint_path(painter, ratio)
            return
        key = (transform.m11(), transform.m22(), transform.dx(), transform.dy(), ratio)
        if key != self._strokes_key:
            self._strokes = self._make_strokes(transform, ratio)
            self._strokes_key = key
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, not self._steps)
        if self._steps and self.opts["fillBrush"] is not None:
            painter.setPen(QtCore.Qt.PenStyle.NoPen)
            painter.setBrush(self.opts["fillBrush"])
            painter.drawPolygon(self._strokes[0])
        painter.setPen(self._thin_pen_for(ratio))
        for stroke in self._strokes:
            painter.drawPolyline(stroke)
        painter.restore()

    def _outline(self) -> tuple[np.ndarray, np.ndarray]:
        """The points drawn: the curve, or the step outline closed along y = 0."""
        if not self._steps or not self.yData.size:
            return self.xData, self.yData
        x = np.repeat(self.xData, 2)
        y = np.concatenate([[0.0], np.repeat(self.yData, 2), [0.0]])
        return x, y

    def _offsets(self, points: int, ratio: float) -> np.ndarray:
        """Where the strokes go, in logical pixels from the curve: along its normal every
        STROKE_SPACING device pixels out to (w·r − 1)/2 + STROKE_REACH either side (pen width
        w, ratio r); a step outline's copies go one device pixel right and down."""
        device_width = self.opts["pen"].widthF() * ratio
        if self._steps:
            return np.arange(max(1, round(device_width))) / ratio
        if points < 2 or device_width <= 1.0:
            return np.zeros(1)
        # the reach grows in over the first pixel: a 1.5-pixel line is not drawn 1.8 wide
        half = (device_width - 1.0) / 2 + STROKE_REACH * min(1.0, device_width - 1.0)
        count = int(np.ceil(2 * half / STROKE_SPACING)) + 1
        return np.linspace(-half, half, count) / ratio

    def _make_strokes(self, transform: QtGui.QTransform, ratio: float) -> list[QtGui.QPolygonF]:
        """The polylines in logical pixels: the curve offset along its normal (or the step
        outline shifted diagonally) by each of ``_offsets``. The polygons are reused while
        the number of points and strokes stays the same."""
        x, y = self._outline()
        offsets = self._offsets(x.size, ratio)
        if len(self._strokes) != len(offsets) or self._strokes[0].size() != x.size:
            self._strokes = [pg_functions.create_qpolygonf(x.size) for _ in offsets]
        points = [pg_functions.ndarray_from_qpolygonf(polygon) for polygon in self._strokes]
        first = points[0]
        xy = np.empty((x.size, 2))
        xy[:, 0], xy[:, 1] = x, y
        _to_pixels(transform, xy, first)
        if len(offsets) == 1:
            return self._strokes
        if self._steps:
            direction = np.ones_like(first)  # right and down: each copy one device pixel on
        else:
            direction = np.gradient(first, axis=0)[:, ::-1]  # (dy, dx): the tangent turned 90°
            direction[:, 0] *= -1
            length = np.hypot(direction[:, 0], direction[:, 1])
            length[length == 0] = 1.0
            direction /= length[:, None]
        base = first.copy()
        for offset, stroke in zip(offsets, points, strict=True):
            np.multiply(direction, offset, out=stroke)
            stroke += base
        return self._strokes

    def _paint_path(self, painter: QtGui.QPainter, ratio: float = 1.0) -> None:
        """Vectors with the real pen and brush: exports, and data that are not all finite
        (on screen the pen is as wide in logical pixels as at ratio 1)."""
        x, y = self._outline()
        pen = self.opts["pen"]
        if self._exportOpts is not False:
            painter.setRenderHint(
                QtGui.QPainter.RenderHint.Antialiasing, self._exportOpts.get("antialias", True)
            )
        elif ratio != 1.0 and pen.isCosmetic():
            pen = QtGui.QPen(pen)
            pen.setWidthF(pen.widthF() * ratio)
        if self._steps:
            y = np.nan_to_num(y, nan=0.0, posinf=0.0, neginf=0.0)
            if self.opts["fillBrush"] is not None:
                painter.fillPath(pg_functions.arrayToQPath(x, y), self.opts["fillBrush"])
        painter.setPen(pen)
        painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        painter.drawPath(pg_functions.arrayToQPath(x, y, connect="finite"))
