"""Copy figure (PNG at the screen's ratio and SVG), copy and paste a scene, paste or drop a
scene, figure, deck or handout; a focused text field keeps Ctrl+C and Ctrl+V."""

import json
import xml.etree.ElementTree as ET

import pytest
from PyQt6 import QtCore, QtGui, QtWidgets

from mlphys_gui import clipboard
from mlphys_gui.deck import Deck, Step, write_deck_file
from mlphys_gui.scene import figure_payload, make_scene, write_scene_file
from mlphys_gui.tabs import SCHEMAS

CTRL = QtCore.Qt.KeyboardModifier.ControlModifier


def a_state(window):
    tab = window.tabs["svd"]
    assert tab.edit({"matrix": [[0.5, -1.5], [2.0, 1.0]], "stage": 1.75})
    return tab.state()


def focus_plot(qtbot, window):
    viewport = window.current_tab().figure_view().viewport()
    window.activateWindow()
    viewport.setFocus()
    return viewport


def test_ctrl_c_on_a_plot_copies_the_figure_as_png_and_svg(qtbot, window):
    state = a_state(window)
    qtbot.keyClick(focus_plot(qtbot, window), QtCore.Qt.Key.Key_C, CTRL)
    mime = QtGui.QGuiApplication.clipboard().mimeData()
    assert mime.hasFormat("image/png") and mime.hasFormat("image/svg+xml") and mime.hasImage()
    png = QtGui.QImage.fromData(bytes(mime.data("image/png")), "PNG")
    viewport = window.current_tab().figure_view().viewport()
    assert png.width() == viewport.width() * window.devicePixelRatioF()
    assert png.dotsPerMeterX() == round(96 * 39.37007874 * window.devicePixelRatioF())
    svg = ET.fromstring(bytes(mime.data("image/svg+xml")))
    tags = {element.tag.split("}")[-1] for element in svg.iter()}
    assert {"path", "text"} <= tags and "image" not in tags
    assert "Copied the SVD geometry figure" in window.statusBar().currentMessage()
    window.tabs["svd"].reset()
    assert clipboard.paste(window)  # the copied figure carries its scene
    assert window.tabs["svd"].state() == state


def test_at_ratio_2_the_png_has_twice_the_pixels_and_pastes_at_the_same_size(window):
    tab = window.current_tab()
    mime = clipboard.figure_mime_data(tab.figure_view(), figure_payload(tab.name, tab.state()), 2.0)
    png = QtGui.QImage.fromData(bytes(mime.data("image/png")), "PNG")
    viewport = tab.figure_view().viewport()
    assert png.width() == 2 * viewport.width()
    inches = png.width() / (png.dotsPerMeterX() * 0.0254)
    assert inches == pytest.approx(viewport.width() / 96, rel=0.01)  # its on-screen size
    width = float(ET.fromstring(bytes(mime.data("image/svg+xml"))).get("width").rstrip("px"))
    assert width == viewport.width()  # vectors: the same figure


def test_copy_scene_puts_its_json_as_text_and_ctrl_v_brings_it_back(qtbot, window):
    state = a_state(window)
    clipboard.copy_scene(window)
    text = QtGui.QGuiApplication.clipboard().text()
    assert json.loads(text) == make_scene("svd", state)
    window.select_tab("posterior")
    window.tabs["svd"].reset()
    qtbot.keyClick(focus_plot(qtbot, window), QtCore.Qt.Key.Key_V, CTRL)
    assert window.current_tab().name == "svd" and window.tabs["svd"].state() == state
    assert window.tabs["svd"].undo_stack.undoText() == "Paste scene"


def test_pasting_a_deck_as_text_opens_it(window):
    svd = SCHEMAS["svd"].defaults()
    deck = Deck((Step("svd", svd, "One", "a note"), Step("svd", svd, "Two")), "Pasted")
    from mlphys_gui.deck import deck_document

    QtGui.QGuiApplication.clipboard().setText(json.dumps(deck_document(deck)))
    assert clipboard.paste(window)
    assert window.lecture.player.deck == deck


@pytest.mark.parametrize(
    "text", ["hello", '{"app": "mlphys-gui", "schema": 1, "tab": "svd", "state": {}}', "[1, 2]"]
)
def test_pasting_something_else_changes_nothing_and_says_why(window, text):
    state = a_state(window)
    QtGui.QGuiApplication.clipboard().setText(text)
    assert not clipboard.paste(window)
    message = window.statusBar().currentMessage()
    assert message.startswith(("Paste: nothing here", "Scene not opened"))
    assert window.tabs["svd"].state() == state


def test_a_focused_text_field_keeps_ctrl_c_and_ctrl_v(qtbot, window):
    a_state(window)
    entry = window.tabs["svd"].controls.widget("matrix").findChild(QtWidgets.QLineEdit)
    window.activateWindow()
    entry.setFocus()
    qtbot.waitUntil(lambda: QtWidgets.QApplication.focusWidget() is entry, timeout=2000)
    entry.selectAll()
    qtbot.keyClick(entry, QtCore.Qt.Key.Key_C, CTRL)
    assert QtGui.QGuiApplication.clipboard().text() == entry.text() == "0.5"
    assert not QtGui.QGuiApplication.clipboard().mimeData().hasFormat("image/png")
    QtGui.QGuiApplication.clipboard().setText(
        json.dumps(make_scene("svd", SCHEMAS["svd"].defaults()))
    )
    entry.selectAll()
    state = window.tabs["svd"].state()
    qtbot.keyClick(entry, QtCore.Qt.Key.Key_V, CTRL)
    assert entry.text().startswith('{"app"')  # pasted as text into the field
    assert window.tabs["svd"].state() == state  # not opened as a scene


def drop(widget: QtWidgets.QWidget, path) -> bool:
    """A file dragged from a file manager and dropped onto ``widget``."""
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(path))])
    point = QtCore.QPointF(widget.width() / 2, widget.height() / 2)
    actions = QtCore.Qt.DropAction.CopyAction
    buttons, plain = QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier
    enter = QtGui.QDragEnterEvent(point.toPoint(), actions, mime, buttons, plain)
    QtWidgets.QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    dropped = QtGui.QDropEvent(point, actions, mime, buttons, plain)
    QtWidgets.QApplication.sendEvent(widget, dropped)
    return dropped.isAccepted()


@pytest.mark.parametrize("kind", ["scene", "png", "svg", "pdf"])
def test_dropping_a_scene_or_a_figure_onto_the_window_opens_it(window, tmp_path, kind):
    state = a_state(window)
    path = tmp_path / f"fig.{'json' if kind == 'scene' else kind}"
    assert window.save_scene(path) if kind == "scene" else window.export(path)
    window.tabs["svd"].reset()
    window.select_tab("langevin")
    assert drop(window, path)
    assert window.current_tab().name == "svd" and window.tabs["svd"].state() == state


def drop_target(widget: QtWidgets.QWidget) -> QtWidgets.QWidget | None:
    """Where Qt delivers a drop over ``widget``: it, or its first parent, that accepts drops."""
    while widget is not None and not widget.acceptDrops():
        widget = widget.parentWidget()
    return widget


@pytest.mark.parametrize("tab_name", ["svd", "langevin", "transport"])
def test_a_file_dropped_on_a_plot_reaches_the_window(window, tmp_path, tab_name):
    """A graphics view takes drops for its scene, and a scene whose items take none refuses
    them: the plots leave drops to the window."""
    window.select_tab(tab_name)
    target = drop_target(window.current_tab().figure_view().viewport())
    assert target is window
    state = a_state(window)
    write_scene_file(tmp_path / "s.json", "svd", state)
    window.tabs["svd"].reset()
    assert drop(target, tmp_path / "s.json")
    assert window.tabs["svd"].state() == state


def test_dropping_a_deck_or_its_handout_opens_the_deck(window, tmp_path):
    svd = SCHEMAS["svd"].defaults()
    deck = Deck((Step("svd", {**svd, "stage": 2.0}, "Dropped", "a note"),), "Dropped deck")
    write_deck_file(tmp_path / "deck.json", deck)
    assert drop(window, tmp_path / "deck.json")
    assert window.lecture.player.deck == deck
    assert window.tabs["svd"].model["stage"] == 2.0


def test_other_files_are_not_taken(window, tmp_path):
    (tmp_path / "notes.docx").write_text("hello")
    assert not drop(window, tmp_path / "notes.docx")


def test_a_data_file_dropped_on_a_tab_that_takes_none_says_which_tab_does(
    window, tmp_path, warning_dialogs
):
    state = a_state(window)
    (tmp_path / "lab.txt").write_text("x,y\n1,2\n2,3\n")
    assert drop(window, tmp_path / "lab.txt")
    assert warning_dialogs and "Posterior updating" in warning_dialogs[0]
    assert window.current_tab().name == "svd" and window.tabs["svd"].state() == state
