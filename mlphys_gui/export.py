"""Figure and data export: PNG at a chosen width, SVG and PDF as vectors, CSV of the plotted data.

Figures are drawn by QPainter straight from the plot's QGraphicsScene: onto a QImage (PNG), a
QPdfWriter (PDF) and our own SVG device (mlphys_gui.svg_writer, which says why not
QSvgGenerator), so SVG and PDF hold paths and text, not a raster. Every file is written
atomically: to a temporary file in the same folder, then renamed.
"""

import csv
import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyqtgraph as pg
from PyQt6 import QtCore, QtGui, QtWidgets

from mlphys_gui.scene import FIGURE_KEY, write_atomically
from mlphys_gui.svg_writer import SvgDevice

FIGURE_FORMATS = ("png", "svg", "pdf")
DATA_FORMATS = ("csv",)
DEFAULT_PNG_WIDTH = 1600
PNG_WIDTH_RANGE = (64, 16000)
NO_CACHE = QtWidgets.QGraphicsItem.CacheMode.NoCache

Series = tuple[str, Sequence[float], Sequence[float]]
"""One plotted series: (name, x values, y values)."""


class ExportError(Exception):
    """An export that could not be done; the message says why."""


def export_format(path: str | Path) -> str:
    """The format named by a file's suffix, or ExportError."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FIGURE_FORMATS + DATA_FORMATS:
        raise ExportError(
            f"unknown file type '.{suffix}' for {Path(path).name}: use .png, .svg, .pdf or .csv"
        )
    return suffix


def paint_figure(
    view: QtWidgets.QGraphicsView, painter: QtGui.QPainter, target: QtCore.QRectF
) -> None:
    """Draw the view's background and scene into ``target`` on an open painter.

    Every item is put in pyqtgraph's export mode meanwhile, as its own exporters do: symbols
    and dots are then drawn as paths (not stamped from a pixmap, which would be a raster in
    SVG/PDF), scaled with the output resolution and antialiased. Items that cache their
    on-screen drawing are drawn afresh.
    """
    source = QtCore.QRectF(view.viewport().rect())
    source = view.mapToScene(source.toRect()).boundingRect()
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(target, view.backgroundBrush())
    options = {
        "antialias": True,
        "background": view.backgroundBrush().color(),
        "painter": painter,
        "resolutionScale": target.width() / max(source.width(), 1.0),
    }
    items = [item for item in view.scene().items() if isinstance(item, pg.GraphicsItem)]
    cached = [item for item in view.scene().items() if item.cacheMode() != NO_CACHE]
    cache_modes = [item.cacheMode() for item in cached]
    for item in items:
        item.setExportMode(True, options)
    for item in cached:
        item.setCacheMode(NO_CACHE)
    segmented = [item for item in items if isinstance(item, pg.PlotCurveItem)]
    segment_modes = [item.opts["segmentedLineMode"] for item in segmented]
    for item in segmented:
        item.setSegmentedLineMode("off")  # one path per curve in the file
    try:
        view.scene().render(painter, target, source, QtCore.Qt.AspectRatioMode.IgnoreAspectRatio)
    finally:
        for item in items:
            item.setExportMode(False)
        for item, mode in zip(cached, cache_modes, strict=True):
            item.setCacheMode(mode)
        for item, mode in zip(segmented, segment_modes, strict=True):
            item.setSegmentedLineMode(mode)


def render_image(view: QtWidgets.QGraphicsView, width: int) -> QtGui.QImage:
    """The figure as an image ``width`` pixels wide, with the view's aspect ratio."""
    low, high = PNG_WIDTH_RANGE
    if not low <= width <= high:
        raise ExportError(f"PNG width must be between {low} and {high} pixels, got {width}")
    size = view.viewport().size()
    if size.width() < 2 or size.height() < 2:
        raise ExportError("the plot has no size to export")
    height = max(1, round(width * size.height() / size.width()))
    image = QtGui.QImage(width, height, QtGui.QImage.Format.Format_ARGB32)
    image.fill(view.backgroundBrush().color())
    painter = QtGui.QPainter(image)
    paint_figure(view, painter, QtCore.QRectF(image.rect()))
    painter.end()
    return image


def figure_bytes(
    view: QtWidgets.QGraphicsView, fmt: str, width: int | None = None, scene: str = ""
) -> bytes:
    """Render a plot view to PNG, SVG or PDF bytes.

    The figure has the view's aspect ratio. PNG: ``width`` pixels wide (text and lines scale
    with it). SVG/PDF: vector output sized like the view on screen. ``scene`` (from
    mlphys_gui.scene.figure_payload) is embedded so that the figure can bring its state back.
    """
    size = view.viewport().size()
    if size.width() < 2 or size.height() < 2:
        raise ExportError("the plot has no size to export")
    buffer = QtCore.QBuffer()
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    if fmt == "png":
        image = render_image(view, DEFAULT_PNG_WIDTH if width is None else width)
        if scene:
            image.setText(FIGURE_KEY, scene)
        image.save(buffer, "PNG")
    elif fmt == "svg":
        device = SvgDevice(size.width(), size.height(), "mlphys-gui figure", metadata=scene)
        painter = QtGui.QPainter(device)
        paint_figure(view, painter, QtCore.QRectF(0, 0, size.width(), size.height()))
        painter.end()
        buffer.write(device.svg())
    elif fmt == "pdf":
        writer = QtGui.QPdfWriter(buffer)
        writer.setTitle("mlphys-gui figure")
        if scene:
            xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><mlphys>{scene}</mlphys></x:xmpmeta>'
            writer.setDocumentXmpMetadata(QtCore.QByteArray(xmp.encode("ascii")))
        writer.setResolution(96)
        writer.setPageMargins(QtCore.QMarginsF(0, 0, 0, 0))
        points = QtCore.QSizeF(size.width() * 72 / 96, size.height() * 72 / 96)
        writer.setPageSize(QtGui.QPageSize(points, QtGui.QPageSize.Unit.Point))
        painter = QtGui.QPainter(writer)
        paint_figure(view, painter, QtCore.QRectF(0, 0, size.width(), size.height()))
        painter.end()
    else:
        raise ExportError(f"not a figure format: {fmt}")
    return bytes(buffer.data())


def csv_bytes(series: Iterable[Series]) -> bytes:
    """Plotted data in long form: one row per point, columns ``series,x,y``.

    NaN (a break in a drawn line) is written as an empty cell.
    """
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["series", "x", "y"])
    for name, xs, ys in series:
        for x, y in zip(xs, ys, strict=True):
            writer.writerow([name, _cell(x), _cell(y)])
    return text.getvalue().encode("utf-8")


def _cell(value: float) -> str:
    value = float(value)
    return "" if math.isnan(value) else repr(value)


def export_to_file(
    path: str | Path,
    view: QtWidgets.QGraphicsView,
    series: Iterable[Series],
    width: int | None = None,
    scene: str = "",
) -> str:
    """Write the figure (carrying ``scene``) or data to ``path`` (format from its suffix).
    Returns the format."""
    fmt = export_format(path)
    data = csv_bytes(series) if fmt == "csv" else figure_bytes(view, fmt, width, scene)
    try:
        write_atomically(path, data)
    except OSError as error:
        raise ExportError(str(error)) from None
    return fmt
