"""The main window: scenes, export of every format, themes, zoom, preferences, shortcuts."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PyQt6 import QtCore, QtGui, QtPdf, QtSvg, QtWidgets

from mlphys_gui.tabs import TAB_CLASSES


def changed_state(window):
    tab = window.tabs["svd"]
    assert tab.edit(
        {"matrix": [[0.3, -1.7], [2.2, 0.9]], "stage": 1.25, "show_grid": False, "rank": 33}
    )
    return tab.state()


def test_save_and_reopen_scene_reproduces_the_figure(window, tmp_path):
    state = changed_state(window)
    tab = window.tabs["svd"]
    figure = tab.plotted_data()
    path = tmp_path / "scene.json"
    assert window.save_scene(path)
    document = json.loads(path.read_text())
    assert document["schema"] == 1 and document["tab"] == "svd"
    tab.reset()
    assert tab.state() != state
    assert window.open_scene(path)
    assert tab.state() == state
    for (name_a, x_a, y_a), (name_b, x_b, y_b) in zip(figure, tab.plotted_data(), strict=True):
        assert name_a == name_b
        assert np.array_equal(x_a, x_b, equal_nan=True) and np.array_equal(y_a, y_b, equal_nan=True)


def good_scene(window):
    tab = window.tabs["svd"]
    return {"app": "mlphys-gui", "schema": 1, "tab": "svd", "state": tab.default_state()}


BAD_SCENES = {
    "not json": "{ this is not json",
    "a list": "[1, 2]",
    "other schema": lambda s: s.update(schema=99),
    "wrong tab": lambda s: s.update(tab="quantum"),
    "missing key": lambda s: s["state"].pop("stage"),
    "unknown key": lambda s: s["state"].update(colour="red"),
    "wrong type": lambda s: s["state"].update(stage="fast"),
    "out of range": lambda s: s["state"].update(stage=7.0),
    "bad matrix": lambda s: s["state"].update(matrix=[[1, 2], [3]]),
    "bool as number": lambda s: s["state"].update(rank=True),
}


@pytest.mark.parametrize("case", BAD_SCENES)
def test_bad_scene_is_refused_and_state_kept(window, tmp_path, case):
    state = changed_state(window)
    change = BAD_SCENES[case]
    if isinstance(change, str):
        text = change
    else:
        scene = good_scene(window)
        change(scene)
        text = json.dumps(scene)
    path = tmp_path / "bad.json"
    path.write_text(text)
    assert not window.open_scene(path)
    assert window.statusBar().currentMessage().startswith("Scene not opened")
    assert window.tabs["svd"].state() == state


def test_missing_scene_file_is_refused(window, tmp_path):
    assert not window.open_scene(tmp_path / "nowhere.json")
    assert "no such file" in window.statusBar().currentMessage()


def test_export_png_at_chosen_width(window, tmp_path):
    path = tmp_path / "fig.png"
    assert window.export(path, width=2400)
    image = QtGui.QImage(str(path))
    assert image.width() == 2400
    view = window.current_tab().figure_view().viewport()
    assert image.height() == round(2400 * view.height() / view.width())
    # not blank: the plot draws coloured curves on the white background
    colours = {image.pixel(x, y) for x in range(0, 2400, 23) for y in range(0, image.height(), 23)}
    assert len(colours) > 10


def test_export_svg_is_vector(window, tmp_path):
    path = tmp_path / "fig.svg"
    assert window.export(path)
    root = ET.parse(path).getroot()
    tags = {element.tag.split("}")[-1] for element in root.iter()}
    assert "path" in tags or "polyline" in tags
    assert "text" in tags
    assert "image" not in tags
    text = " ".join("".join(e.itertext()) for e in root.iter() if e.tag.endswith("text"))
    assert "Input" in text and "Output" in text


def _pixels(image: QtGui.QImage) -> np.ndarray:
    image = image.convertToFormat(QtGui.QImage.Format.Format_RGB32)
    raw = np.frombuffer(image.constBits().asstring(image.sizeInBytes()), np.uint8)
    return raw.reshape(image.height(), -1, 4)[:, : image.width(), :3].astype(float)


def _render_svg(path, size: QtCore.QSize) -> QtGui.QImage:
    renderer = QtSvg.QSvgRenderer(str(path))
    assert renderer.isValid()
    image = QtGui.QImage(size, QtGui.QImage.Format.Format_RGB32)
    image.fill(QtGui.QColor("white"))
    painter = QtGui.QPainter(image)
    renderer.render(painter)
    painter.end()
    return image


def _render_pdf(path, size: QtCore.QSize) -> QtGui.QImage:
    document = QtPdf.QPdfDocument(None)
    document.load(str(path))
    assert document.pageCount() == 1
    return document.render(0, size)


@pytest.mark.parametrize("fmt", ["svg", "pdf"])
@pytest.mark.parametrize("view", [0, 1])
def test_vector_export_looks_like_the_png(window, tmp_path, fmt, view):
    """Drawn by another renderer (Qt SVG, Qt PDF), the vector file matches the PNG export:
    same curves in the same places, clipped to their axes."""
    window.tabs["svd"].pages.setCurrentIndex(view)
    width = window.current_tab().figure_view().viewport().width()
    assert window.export(tmp_path / "fig.png", width=width)
    png = QtGui.QImage(str(tmp_path / "fig.png"))
    assert window.export(tmp_path / f"fig.{fmt}")
    render = _render_svg if fmt == "svg" else _render_pdf
    vector = render(tmp_path / f"fig.{fmt}", png.size())
    difference = np.abs(_pixels(vector) - _pixels(png)).max(axis=2)
    assert difference.mean() < 6.0
    assert (difference > 80).mean() < 0.02


def test_export_pdf(window, tmp_path):
    path = tmp_path / "fig.pdf"
    assert window.export(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and b"%%EOF" in data[-64:]
    assert b"/Subtype /Image" not in data  # vectors, not a raster


def test_export_csv_holds_the_plotted_points(window, tmp_path):
    tab = window.tabs["svd"]
    tab.edit({"matrix": [[2.0, 0.0], [1.0, 1.0]]})
    path = tmp_path / "fig.csv"
    assert window.export(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    circle = np.array(
        [[float(r["x"]), float(r["y"])] for r in rows if r["series"] == "input_unit_circle"]
    )
    ellipse = np.array(
        [[float(r["x"]), float(r["y"])] for r in rows if r["series"] == "output_circle_at_t"]
    )
    assert np.allclose(np.hypot(*circle.T), 1.0)
    assert np.allclose(ellipse.T, tab.model["matrix"] @ circle.T)


@pytest.mark.parametrize("name", ["missing/fig.png", "fig.bmp"])
def test_export_refuses_bad_targets_without_leaving_files(window, tmp_path, name):
    assert not window.export(tmp_path / name)
    assert window.statusBar().currentMessage().startswith("Not exported")
    assert list(tmp_path.rglob("*")) == []


def test_export_into_a_file_instead_of_a_folder(window, tmp_path):
    (tmp_path / "afile").write_text("x")
    assert not window.export(tmp_path / "afile" / "fig.svg")
    assert "does not exist" in window.statusBar().currentMessage()


def test_presentation_mode_and_projector_theme(qtbot, window):
    page = window.tabs["svd"].geometry_page
    normal_width = page.in_circle.opts["pen"].widthF()
    normal_font = QtWidgets.QApplication.instance().styleSheet()
    qtbot.keyClick(window, QtCore.Qt.Key.Key_F11)
    assert window.isFullScreen()
    assert page.in_circle.opts["pen"].widthF() == pytest.approx(2 * normal_width)
    assert window.current_style().font_pt == pytest.approx(1.5 * 10.0)
    assert QtWidgets.QApplication.instance().styleSheet() != normal_font
    qtbot.keyClick(window, QtCore.Qt.Key.Key_F11)
    assert not window.isFullScreen()
    qtbot.keyClick(window, QtCore.Qt.Key.Key_T, QtCore.Qt.KeyboardModifier.ControlModifier)
    assert page.view.backgroundBrush().color().name() == "#000000"
    qtbot.keyClick(window, QtCore.Qt.Key.Key_T, QtCore.Qt.KeyboardModifier.ControlModifier)
    assert page.view.backgroundBrush().color().name() == "#ffffff"


def test_zoom_keys(qtbot, window):
    ctrl = QtCore.Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Equal, ctrl)
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Equal, ctrl)
    assert window.current_style().font_scale == pytest.approx(1.15**2)
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Minus, ctrl)
    assert window.current_style().font_scale == pytest.approx(1.15)
    qtbot.keyClick(window, QtCore.Qt.Key.Key_0, ctrl)
    assert window.current_style().font_scale == 1.0


def test_preferences_persist(qtbot, window, settings, new_window):
    window.zoom(1.15)
    window.projector_action.setChecked(True)
    window.close()
    again = new_window(settings=settings)
    assert again.current_style().theme.name == "projector"
    assert again.current_style().font_scale == pytest.approx(1.15)
    assert again.projector_action.isChecked()
    assert again.current_tab().name == "svd"


def test_shortcuts_dialog_lists_every_key(qtbot, window):
    qtbot.keyClick(window, QtCore.Qt.Key.Key_F1)
    dialog = window.shortcuts_dialog
    table = dialog.findChild(QtWidgets.QTableWidget)
    listed = {table.item(row, 1).text() for row in range(table.rowCount())}
    for expected in ("Export figure", "Presentation mode", "Play / pause", "Zoom in", "Quit"):
        assert expected in listed
    dialog.close()


def a_changed_state(tab) -> dict:
    """The default state with every parameter that can take another value changed to one the
    declaration offers (skipping those its rules refuse together)."""
    state = tab.default_state()
    for key, param in tab.SCHEMA.params.items():
        for value in param.alternatives():
            candidate = {**state, key: value}
            try:
                tab.SCHEMA.check(candidate)
            except ValueError:
                continue
            state = candidate
            break
    return state


@pytest.mark.parametrize("tab_name", list(TAB_CLASSES))
@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_figures_remember_their_scene(window, tmp_path, tab_name, suffix):
    """scene → figure → scene, identical: File → Open accepts an exported figure."""
    window.select_tab(tab_name)
    tab = window.tabs[tab_name]
    state = a_changed_state(tab)
    assert state != tab.default_state()
    tab.restore(state)
    tab.settle()
    state = tab.state()
    figure = tmp_path / f"fig.{suffix}"
    assert window.export(figure)
    tab.reset()
    tab.settle()
    assert tab.state() != state  # the figure, not what is on screen, brings it back
    assert window.open_scene(figure)
    tab.settle()
    assert tab.state() == state


def test_a_figure_without_a_scene_is_refused(window, tmp_path):
    image = QtGui.QImage(20, 20, QtGui.QImage.Format.Format_RGB32)
    image.fill(QtGui.QColor("white"))
    image.save(str(tmp_path / "plain.png"))
    state = window.current_tab().state()
    assert not window.open_scene(tmp_path / "plain.png")
    assert "carries no mlphys-gui scene" in window.statusBar().currentMessage()
    assert window.current_tab().state() == state


def test_no_two_commands_share_a_key(window):
    """An ambiguous shortcut fires neither command (Open deck and Open image both had
    Ctrl+Shift+O)."""
    keys = [
        sequence.toString()
        for action in window.findChildren(QtGui.QAction)
        for sequence in action.shortcuts()
    ] + [shortcut.key().toString() for shortcut in window.findChildren(QtGui.QShortcut)]
    shared = sorted({key for key in keys if key and keys.count(key) > 1})
    assert not shared, f"keys bound twice: {shared}"
