"""Handouts: a deck as a PDF, one A4 page per step — its title, the figure as vectors, the
typeset equations its tab shows, and the lecturer's note — with the deck itself inside (in the
PDF's XMP metadata, as a figure carries its scene), so that File → Open deck accepts it.

Each step is drawn by tabs of the handout's own, off screen: the lecturer's tabs and their
undo histories are not touched. A step that plays for a time on arrival is shown after it has
played (frames of 1/30 s, as a recording advances). The file is written atomically: a handout
into a missing folder, or one cancelled half-way, leaves nothing behind.
"""

import re
from collections.abc import Callable
from pathlib import Path

from PyQt6 import QtCore, QtGui, QtSvg, QtWidgets

from mlphys_gui.deck import UNTIL_PAUSED, Deck, Step, deck_payload
from mlphys_gui.export import paint_figure
from mlphys_gui.paths import resource_path
from mlphys_gui.scene import write_atomically
from mlphys_gui.style import Style
from mlphys_gui.tabs import TAB_CLASSES
from mlphys_gui.tabs.base import TabBase

RESOLUTION = 96  # the painter's units are 1/96 inch, as on screen
MARGIN = 56  # about 15 mm
FRAME_SECONDS = 1 / 30  # a timed step is played in frames of this length, as a recording does
FIGURE_SHARE = 0.6  # the figure takes at most this share of the page's height
EQUATION_SCALE = 1.1  # as the equation panels draw them at zoom 1
TAB_SIZE = (1400, 860)  # the main window's default size: the figures' proportions on screen
GREY = QtGui.QColor("#666666")


class HandoutError(Exception):
    """A handout that could not be written; the message says why."""


class HandoutCancelledError(HandoutError):
    """The user stopped the handout; nothing was written."""


def offscreen_tab(name: str, style: Style, size: tuple[int, int]) -> TabBase:
    """A tab of its own, laid out at ``size`` but never shown on a screen (an export's, a
    recording's or a handout's)."""
    tab = TAB_CLASSES[name]()
    tab.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen)
    tab.apply_style(style)
    tab.resize(*size)
    tab.show()
    QtWidgets.QApplication.processEvents()
    return tab


def show_step(tab: TabBase, step: Step) -> None:
    """The step's state in ``tab``, after its timed animation if it has one, finished."""
    tab.restore(step.state, label=None)
    if step.play is not None and step.play != UNTIL_PAUSED and tab.animator is not None:
        tab.animator.play_frames(step.play, FRAME_SECONDS)
    QtWidgets.QApplication.processEvents()
    tab.settle()
    QtWidgets.QApplication.processEvents()


def _caption_font() -> QtGui.QFont:
    return _font(8.5)


def _font(points: float, bold: bool = False) -> QtGui.QFont:
    font = QtGui.QFont()
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


class _Page:
    """Draws one step on the painter's current page, top to bottom."""

    def __init__(self, painter: QtGui.QPainter, area: QtCore.QRectF):
        self.painter, self.area = painter, area
        self.y = area.top()

    def text(self, text: str, font: QtGui.QFont, color=None, gap: float = 8.0) -> None:
        flags = QtCore.Qt.TextFlag.TextWordWrap | QtCore.Qt.AlignmentFlag.AlignLeft
        self.painter.setFont(font)
        self.painter.setPen(color or QtGui.QColor("black"))
        box = QtCore.QRectF(self.area.left(), self.y, self.area.width(), self.area.bottom())
        used = self.painter.boundingRect(box, flags, text)
        self.painter.drawText(box, flags, text)
        self.y += used.height() + gap

    def text_height(self, text: str, font: QtGui.QFont) -> float:
        self.painter.setFont(font)
        box = QtCore.QRectF(0, 0, self.area.width(), 10_000)
        return self.painter.boundingRect(box, QtCore.Qt.TextFlag.TextWordWrap, text).height()

    def figure(self, view: QtWidgets.QGraphicsView, height_left: float) -> None:
        size = view.viewport().size()
        aspect = size.height() / max(size.width(), 1)
        height = min(self.area.width() * aspect, max(height_left, 120.0))
        width = height / aspect
        left = self.area.left() + (self.area.width() - width) / 2
        target = QtCore.QRectF(left, self.y, width, height)
        self.painter.save()
        self.painter.setClipRect(target)
        paint_figure(view, self.painter, target)
        self.painter.restore()
        self.painter.setPen(QtGui.QPen(QtGui.QColor("#bbbbbb"), 0.75))
        self.painter.drawRect(target)
        self.y += height + 14

    def equations(self, equations: list[tuple[str, str]]) -> None:
        """Each typeset equation (as vectors) with its caption beside it, in rows as high as
        the taller of the two."""
        self.painter.setFont(_caption_font())
        self.painter.setPen(GREY)
        for name, caption in equations:
            renderer = _equation_renderer(name)
            size, caption_box = _equation_row(self.painter, renderer, caption, self.area.width())
            row = max(size.height(), caption_box.height())
            left = self.area.left() + 8
            renderer.render(self.painter, QtCore.QRectF(QtCore.QPointF(left, self.y), size))
            caption_box.moveTo(left + size.width() + 16, self.y + (row - caption_box.height()) / 2)
            self.painter.drawText(caption_box, QtCore.Qt.TextFlag.TextWordWrap, caption)
            self.y += row + 6
        self.y += 8


# matplotlib writes each equation over an invisible figure patch (fill none, opacity 0); Qt's
# PDF engine draws it as a frame, so it is left out of the handout
_INVISIBLE_PATCH = re.compile(r'<g id="patch_1">.*?</g>', re.DOTALL)


def _equation_renderer(name: str) -> QtSvg.QSvgRenderer:
    text = resource_path("equations", f"{name}.svg").read_text(encoding="utf-8")
    svg = _INVISIBLE_PATCH.sub("", text, count=1).encode("utf-8")
    renderer = QtSvg.QSvgRenderer(QtCore.QByteArray(svg))
    renderer.setAspectRatioMode(QtCore.Qt.AspectRatioMode.KeepAspectRatio)
    return renderer


def _equation_row(painter, renderer, caption: str, width: float):
    """The size of an equation and the box of its wrapped caption beside it."""
    size = QtCore.QSizeF(renderer.defaultSize()) * EQUATION_SCALE
    caption_width = max(width - 8 - size.width() - 16, 120.0)
    painter.setFont(_caption_font())
    box = painter.boundingRect(
        QtCore.QRectF(0, 0, caption_width, 10_000), QtCore.Qt.TextFlag.TextWordWrap, caption
    )
    return size, QtCore.QRectF(0, 0, caption_width, box.height())


def _equations_height(painter, equations: list[tuple[str, str]], width: float) -> float:
    rows = [
        _equation_row(painter, _equation_renderer(name), caption, width)
        for name, caption in equations
    ]
    return sum(max(size.height(), box.height()) + 6 for size, box in rows) + 8


def _draw_step(painter, area: QtCore.QRectF, deck: Deck, number: int, tab: TabBase) -> None:
    step = deck.steps[number - 1]
    page = _Page(painter, area)
    header = f"{deck.title}  ·  " if deck.title else ""
    page.text(f"{header}step {number} of {len(deck)}  ·  {tab.title}", _font(8.5), GREY, 4)
    page.text(step.title, _font(17, bold=True), gap=4)
    if step.play is not None:
        shown = "as it starts" if step.play == UNTIL_PAUSED else "after it"
        page.text(f"On arrival: {step.describe_play()} (shown {shown})", _font(8.5), GREY, 4)
    page.y += 6
    equations = tab.equations()
    below = (
        _equations_height(painter, equations, area.width())
        + page.text_height(step.note, _font(11))
        + 40
    )
    page.figure(
        tab.figure_view(), min(area.height() * FIGURE_SHARE, area.bottom() - page.y - below)
    )
    page.equations(equations)
    if step.note:
        page.text(step.note, _font(11))
    painter.setFont(_font(7.5))
    painter.setPen(GREY)
    footer = QtCore.QRectF(area.left(), area.bottom() + 12, area.width(), 20)
    painter.drawText(
        footer, QtCore.Qt.AlignmentFlag.AlignRight, "mlphys-gui · Machine Learning for Physicists"
    )


def handout_bytes(
    deck: Deck,
    size: tuple[int, int] = TAB_SIZE,
    progress: Callable[[int, int], bool] | None = None,
) -> bytes:
    """The handout PDF of ``deck``: tabs of ``size`` (the figures' proportions on screen),
    light theme. ``progress(done, total)`` after each page; False cancels
    (HandoutCancelledError)."""
    buffer = QtCore.QBuffer()
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    writer = QtGui.QPdfWriter(buffer)
    writer.setTitle(deck.title or "mlphys-gui handout")
    writer.setCreator("mlphys-gui")
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><mlphys>{deck_payload(deck)}</mlphys></x:xmpmeta>'
    writer.setDocumentXmpMetadata(QtCore.QByteArray(xmp.encode("ascii")))
    writer.setResolution(RESOLUTION)
    writer.setPageSize(QtGui.QPageSize(QtGui.QPageSize.PageSizeId.A4))
    writer.setPageMargins(QtCore.QMarginsF(0, 0, 0, 0))
    page = writer.pageLayout().fullRectPixels(RESOLUTION)
    area = QtCore.QRectF(page).adjusted(MARGIN, MARGIN - 16, -MARGIN, -MARGIN)
    tabs: dict[str, TabBase] = {}
    painter = QtGui.QPainter(writer)
    try:
        for number, step in enumerate(deck.steps, 1):
            if step.tab not in tabs:
                tabs[step.tab] = offscreen_tab(step.tab, Style(), size)
            tab = tabs[step.tab]
            show_step(tab, step)
            if number > 1:
                writer.newPage()
            _draw_step(painter, area, deck, number, tab)
            if progress is not None and progress(number, len(deck)) is False:
                raise HandoutCancelledError("the handout was cancelled; nothing was written")
    finally:
        painter.end()
        for tab in tabs.values():
            tab.close()
            tab.deleteLater()
    return bytes(buffer.data())


def write_handout(
    path: str | Path,
    deck: Deck,
    size: tuple[int, int] = TAB_SIZE,
    progress: Callable[[int, int], bool] | None = None,
) -> int:
    """Write the handout of ``deck`` to ``path`` (.pdf) atomically; the number of pages.
    HandoutError with a readable message (a missing folder, another suffix) and no file."""
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise HandoutError(f"a handout is a PDF: {path.name} should end in .pdf")
    if not path.parent.is_dir():
        raise HandoutError(f"folder {path.parent} does not exist")
    data = handout_bytes(deck, size, progress)
    try:
        write_atomically(path, data)
    except OSError as error:
        raise HandoutError(str(error)) from None
    return len(deck)
