"""A QPainter device that writes plain SVG 1.1: paths in page coordinates, real clipping, text.

Why not QSvgGenerator: it writes SVG Tiny with each item's transform and
``vector-effect="non-scaling-stroke"`` for cosmetic pens, and drops clipping. Browsers cope,
but librsvg, Inkscape and office suites draw a 3-px line under a ×140 transform 420 px wide,
and curves spill out of their axes. (pyqtgraph 0.14's SVGExporter, which fixes this up, raises
on the path syntax of Qt ≥ 6.11.) Here every path is mapped to page coordinates before it is
written, stroke widths are the ones seen on screen, and clip paths are ``<clipPath>`` elements.
"""

import base64
from html import escape

from PyQt6 import QtCore, QtGui

_Dirty = QtGui.QPaintEngine.DirtyFlag
_Element = QtGui.QPainterPath.ElementType
SCREEN_DPI = 96


def _colour(color: QtGui.QColor, opacity: float) -> tuple[str, float]:
    return color.name(), round(color.alphaF() * opacity, 4)


def _number(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") if value == value else "0"


def _path_data(path: QtGui.QPainterPath) -> str:
    """The SVG ``d`` attribute of a path (already in page coordinates)."""
    parts = []
    index, count = 0, path.elementCount()
    while index < count:
        element = path.elementAt(index)
        if element.type == _Element.MoveToElement:
            parts.append(f"M{_number(element.x)},{_number(element.y)}")
        elif element.type == _Element.LineToElement:
            parts.append(f"L{_number(element.x)},{_number(element.y)}")
        elif element.type == _Element.CurveToElement:
            c1, c2 = path.elementAt(index + 1), path.elementAt(index + 2)
            parts.append(
                f"C{_number(element.x)},{_number(element.y)} {_number(c1.x)},{_number(c1.y)} "
                f"{_number(c2.x)},{_number(c2.y)}"
            )
            index += 2
        index += 1
    return " ".join(parts)


class _SvgEngine(QtGui.QPaintEngine):
    """Collects SVG elements as QPainter draws; see the module docstring."""

    def __init__(self):
        super().__init__(QtGui.QPaintEngine.PaintEngineFeature.AllFeatures)
        self.elements: list[str] = []
        self.clip_paths: list[str] = []
        self._transform = QtGui.QTransform()
        self._pen = QtGui.QPen()
        self._brush = QtGui.QBrush()
        self._font = QtGui.QFont()
        self._opacity = 1.0
        self._clip: QtGui.QPainterPath | None = None
        self._clip_enabled = True
        self._clip_id: str | None = None

    def begin(self, _device) -> bool:
        return True

    def end(self) -> bool:
        return True

    def type(self) -> QtGui.QPaintEngine.Type:
        return QtGui.QPaintEngine.Type.User

    # ----------------------------------------------------------------------- state
    def updateState(self, state: QtGui.QPaintEngineState) -> None:
        flags = state.state()
        if flags & _Dirty.DirtyTransform:
            self._transform = state.transform()
        if flags & _Dirty.DirtyPen:
            self._pen = state.pen()
        if flags & _Dirty.DirtyBrush:
            self._brush = state.brush()
        if flags & _Dirty.DirtyFont:
            self._font = state.font()
        if flags & _Dirty.DirtyOpacity:
            self._opacity = state.opacity()
        if flags & _Dirty.DirtyClipEnabled:
            self._clip_enabled = state.isClipEnabled()
        if flags & (_Dirty.DirtyClipPath | _Dirty.DirtyClipRegion):
            self._set_clip(state, flags)

    def _set_clip(self, state: QtGui.QPaintEngineState, flags) -> None:
        operation = state.clipOperation()
        if operation == QtCore.Qt.ClipOperation.NoClip:
            self._clip, self._clip_id = None, None
            return
        path = QtGui.QPainterPath()
        if flags & _Dirty.DirtyClipPath:
            path = state.clipPath()
        else:
            path.addRegion(state.clipRegion())
        path = state.transform().map(path)
        if operation == QtCore.Qt.ClipOperation.IntersectClip and self._clip is not None:
            path = self._clip.intersected(path)
        self._clip, self._clip_id = path, None
        self._clip_enabled = True

    def _clip_attribute(self) -> str:
        if self._clip is None or not self._clip_enabled:
            return ""
        if self._clip_id is None:
            self._clip_id = f"clip{len(self.clip_paths)}"
            self.clip_paths.append(
                f'<clipPath id="{self._clip_id}"><path d="{_path_data(self._clip)}"/></clipPath>'
            )
        return f' clip-path="url(#{self._clip_id})"'

    # ----------------------------------------------------------------------- styles
    def _stroke(self) -> str:
        pen = self._pen
        if (
            pen.style() == QtCore.Qt.PenStyle.NoPen
            or pen.brush().style() == QtCore.Qt.BrushStyle.NoBrush
        ):
            return ' stroke="none"'
        width = pen.widthF() or 1.0
        if not pen.isCosmetic():
            width *= abs(self._transform.determinant()) ** 0.5
        colour, alpha = _colour(pen.color(), self._opacity)
        caps = {
            QtCore.Qt.PenCapStyle.FlatCap: "butt",
            QtCore.Qt.PenCapStyle.RoundCap: "round",
        }.get(pen.capStyle(), "square")
        joins = {
            QtCore.Qt.PenJoinStyle.RoundJoin: "round",
            QtCore.Qt.PenJoinStyle.BevelJoin: "bevel",
        }.get(pen.joinStyle(), "miter")
        text = (
            f' stroke="{colour}" stroke-opacity="{alpha}" stroke-width="{_number(width)}"'
            f' stroke-linecap="{caps}" stroke-linejoin="{joins}"'
        )
        if pen.style() != QtCore.Qt.PenStyle.SolidLine:
            dashes = ",".join(_number(d * width) for d in pen.dashPattern())
            text += f' stroke-dasharray="{dashes}"'
        return text

    def _fill(self, brush: QtGui.QBrush, rule: QtCore.Qt.FillRule) -> str:
        if brush.style() == QtCore.Qt.BrushStyle.NoBrush:
            return ' fill="none"'
        colour, alpha = _colour(brush.color(), self._opacity)
        fill_rule = "evenodd" if rule == QtCore.Qt.FillRule.OddEvenFill else "nonzero"
        return f' fill="{colour}" fill-opacity="{alpha}" fill-rule="{fill_rule}"'

    # ----------------------------------------------------------------------- drawing
    def drawPath(self, path: QtGui.QPainterPath) -> None:
        self._write_path(path, self._brush)

    def _write_path(self, path: QtGui.QPainterPath, brush: QtGui.QBrush) -> None:
        data = _path_data(self._transform.map(path))
        if data:
            self.elements.append(
                f'<path d="{data}"{self._fill(brush, path.fillRule())}{self._stroke()}'
                f"{self._clip_attribute()}/>"
            )

    def drawPolygon(self, points, mode: QtGui.QPaintEngine.PolygonDrawMode) -> None:
        points = [QtCore.QPointF(p) for p in points]
        if not points:
            return
        path = QtGui.QPainterPath(points[0])
        for point in points[1:]:
            path.lineTo(point)
        polyline = mode == QtGui.QPaintEngine.PolygonDrawMode.PolylineMode
        if not polyline:
            path.closeSubpath()
        if mode == QtGui.QPaintEngine.PolygonDrawMode.OddEvenMode:
            path.setFillRule(QtCore.Qt.FillRule.OddEvenFill)
        else:
            path.setFillRule(QtCore.Qt.FillRule.WindingFill)
        self._write_path(path, QtGui.QBrush() if polyline else self._brush)

    def drawPixmap(self, rect: QtCore.QRectF, pixmap: QtGui.QPixmap, source: QtCore.QRectF) -> None:
        self.drawImage(rect, pixmap.toImage(), source, QtCore.Qt.ImageConversionFlag.AutoColor)

    def drawImage(self, rect, image: QtGui.QImage, source, _flags=None) -> None:
        image = image.copy(source.toRect())
        buffer = QtCore.QBuffer()
        buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        encoded = base64.b64encode(bytes(buffer.data())).decode("ascii")
        self._write_transformed(
            f'<image x="{_number(rect.x())}" y="{_number(rect.y())}"'
            f' width="{_number(rect.width())}" height="{_number(rect.height())}"'
            f' preserveAspectRatio="none"'
            f' transform="{self._matrix()}" xlink:href="data:image/png;base64,{encoded}"/>'
        )

    def drawTextItem(self, position: QtCore.QPointF, item: QtGui.QTextItem) -> None:
        text = item.text()
        if not text.strip():
            return
        font = item.font()
        size = font.pixelSize() if font.pixelSize() > 0 else font.pointSizeF() * SCREEN_DPI / 72
        colour, alpha = _colour(self._pen.color(), self._opacity)
        weight = "bold" if font.bold() else "normal"
        style = "italic" if font.italic() else "normal"
        family = QtGui.QFontInfo(font).family()
        self._write_transformed(
            f'<text x="{_number(position.x())}" y="{_number(position.y())}"'
            f' transform="{self._matrix()}" font-family="{escape(family)}, sans-serif"'
            f' font-size="{_number(size)}" font-weight="{weight}" font-style="{style}"'
            f' fill="{colour}" fill-opacity="{alpha}" xml:space="preserve">{escape(text)}</text>'
        )

    def _write_transformed(self, element: str) -> None:
        """An element with its own transform: the clip (in page coordinates) goes on a group
        around it, since SVG applies an element's transform to its own clip-path too."""
        clip = self._clip_attribute()
        self.elements.append(f"<g{clip}>{element}</g>" if clip else element)

    def _matrix(self) -> str:
        t = self._transform
        values = (t.m11(), t.m12(), t.m21(), t.m22(), t.dx(), t.dy())
        return "matrix(" + " ".join(_number(v) for v in values) + ")"


class SvgDevice(QtGui.QPaintDevice):
    """Paint on this with a QPainter, then call :meth:`svg` for the document."""

    def __init__(self, width: int, height: int, title: str = "", metadata: str = ""):
        super().__init__()
        self._size = (width, height)
        self._title = title
        self._metadata = metadata
        self._engine = _SvgEngine()

    def paintEngine(self) -> QtGui.QPaintEngine:
        return self._engine

    def metric(self, metric: QtGui.QPaintDevice.PaintDeviceMetric) -> int:
        kind = QtGui.QPaintDevice.PaintDeviceMetric
        width, height = self._size
        values = {
            kind.PdmWidth: width,
            kind.PdmHeight: height,
            kind.PdmWidthMM: round(width * 25.4 / SCREEN_DPI),
            kind.PdmHeightMM: round(height * 25.4 / SCREEN_DPI),
            kind.PdmNumColors: 0x7FFFFFFF,
            kind.PdmDepth: 32,
            kind.PdmDpiX: SCREEN_DPI,
            kind.PdmDpiY: SCREEN_DPI,
            kind.PdmPhysicalDpiX: SCREEN_DPI,
            kind.PdmPhysicalDpiY: SCREEN_DPI,
            kind.PdmDevicePixelRatio: 1,
            kind.PdmDevicePixelRatioScaled: round(QtGui.QPaintDevice.devicePixelRatioFScale()),
        }
        return values.get(metric, 0)

    def svg(self) -> bytes:
        width, height = self._size
        engine = self._engine
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
            f' version="1.1" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
            f"<title>{escape(self._title)}</title>",
            f"<metadata>{escape(self._metadata)}</metadata>" if self._metadata else "",
            "<defs>",
            *engine.clip_paths,
            "</defs>",
            *engine.elements,
            "</svg>",
            "",
        ]
        return "\n".join(lines).encode("utf-8")
