"""The clipboard and drag and drop: figures for slides, scenes as text, and what a paste or a
drop brings back (Edit → Copy figure, Copy scene, Paste; the main window takes the drops).

Copy figure puts the figure on the clipboard as a PNG at the screen's pixel ratio (its physical
size set so that it pastes at its size on screen) and as SVG (``image/svg+xml``, vectors), both
carrying the scene as exported files do; Copy scene puts the scene's JSON as text. A paste or a
drop is read by :func:`pasted`: a file (a scene, deck, figure, data or image), a figure the app
made, or a scene's or a deck's JSON text; other text pastes as data where the tab takes data.
"""

import json
from pathlib import Path
from typing import Any

from PyQt6 import QtCore, QtGui, QtWidgets

from mlphys_gui.deck import DECK_KIND
from mlphys_gui.export import ExportError, figure_bytes, render_image
from mlphys_gui.scene import (
    FIGURE_KEY,
    SceneError,
    figure_payload,
    make_scene,
    scene_in_figure,
)

PNG = "image/png"
SVG = "image/svg+xml"
INCHES_PER_METRE = 1 / 0.0254
LOGICAL_DPI = 96.0

Pasted = tuple[str, Any]
"""("file", Path), ("scene", document) or ("deck", document)."""


def figure_mime_data(view: QtWidgets.QGraphicsView, scene: str, ratio: float) -> QtCore.QMimeData:
    """The figure of ``view`` as PNG (``ratio`` device pixels per logical pixel) and as SVG,
    each carrying ``scene`` (mlphys_gui.scene.figure_payload)."""
    width = max(2, round(view.viewport().width() * ratio))
    image = render_image(view, width)
    dots_per_metre = round(LOGICAL_DPI * ratio * INCHES_PER_METRE)
    image.setDotsPerMeterX(dots_per_metre)  # pastes at its on-screen size in documents
    image.setDotsPerMeterY(dots_per_metre)
    image.setText(FIGURE_KEY, scene)
    buffer = QtCore.QBuffer()
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    mime = QtCore.QMimeData()
    mime.setImageData(image)  # for programs that ask for a bitmap
    mime.setData(PNG, QtCore.QByteArray(bytes(buffer.data())))
    mime.setData(SVG, QtCore.QByteArray(figure_bytes(view, "svg", scene=scene)))
    return mime


def scene_text(tab: str, state: dict) -> str:
    """The scene of a tab as the JSON text Copy scene puts on the clipboard."""
    return json.dumps(make_scene(tab, state), indent=2, ensure_ascii=False) + "\n"


def dropped_files(mime: QtCore.QMimeData) -> list[Path]:
    """The local files of a drop or paste (the main window's open_file tells their kind)."""
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def pasted(mime: QtCore.QMimeData | None) -> Pasted | None:
    """What a paste (or a drop) holds that the app can open, or None."""
    if mime is None:
        return None
    files = dropped_files(mime)
    if files:
        return ("file", files[0])
    for fmt, suffix in ((PNG, ".png"), (SVG, ".svg")):
        if mime.hasFormat(fmt):
            try:
                return ("scene", scene_in_figure(bytes(mime.data(fmt)), suffix, "the clipboard"))
            except SceneError:
                pass
    if mime.hasText():
        try:
            document = json.loads(mime.text())
        except (ValueError, RecursionError):
            return None
        if isinstance(document, dict):
            return ("deck" if document.get("kind") == DECK_KIND else "scene", document)
    return None


def clipboard() -> QtGui.QClipboard:
    return QtGui.QGuiApplication.clipboard()


def copy_figure(window) -> bool:
    """Edit → Copy figure (Ctrl+C): the main window's current figure, PNG at the window's
    pixel ratio, and SVG."""
    tab = window.current_tab()
    try:
        mime = figure_mime_data(
            tab.figure_view(), figure_payload(tab.name, tab.state()), window.devicePixelRatioF()
        )
    except ExportError as error:
        window.show_message(f"Not copied: {error}")
        return False
    clipboard().setMimeData(mime)
    window.show_message(f"Copied the {tab.title} figure (PNG and SVG): paste it into a slide")
    return True


def copy_scene(window) -> None:
    """Edit → Copy scene: the current tab's scene as JSON text."""
    tab = window.current_tab()
    clipboard().setText(scene_text(tab.name, tab.state()))
    window.show_message(f"Copied the {tab.title} scene as text (Ctrl+V brings it back)")


def paste(window) -> bool:
    """Edit → Paste (Ctrl+V): a scene or a deck as text, a copied figure, or a file; the main
    window opens it. Other text is data (copied from a spreadsheet) where the current tab takes
    data. Anything else changes nothing and says so."""
    mime = clipboard().mimeData()
    found = pasted(mime)
    if (
        found is None
        and mime is not None
        and mime.hasText()
        and "data" in window.current_tab().accepts
    ):
        return window.user_files.paste()
    if found is None:
        window.show_message("Paste: nothing here is a scene, a figure, a deck or data")
        return False
    kind, value = found
    if kind == "file":
        return window.open_file(value)
    if kind == "deck":
        return window.lecture.open_document(value, "the clipboard")
    return window.open_scene_document(value, "Paste scene")
