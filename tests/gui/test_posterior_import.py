"""Lab data in the posterior tab: files the test writes, imported by File → Import data, the
clipboard, drag and drop and the command line; the MLE against weighted least squares computed
here; every bad file refused with the state kept."""

import json

import numpy as np
import pytest
from PyQt6 import QtCore, QtGui, QtWidgets
from qt_helpers import shown_tab
from test_cli import run

CTRL = QtCore.Qt.KeyboardModifier.ControlModifier
# a pendulum: length L (m), period T (s) and its error, semicolons and decimal commas
PENDULUM = "L (m);T (s);σ (s)\n0,2;0,90;0,02\n0,4;1,27;0,03\n0,6;1,55;0,02\n0,8;1,80;0,05\n"
PENDULUM += "1,0;2,00;0,04\n1,2;2,21;0,10\n"
X = np.array([0.2, 0.4, 0.6, 0.8, 1.0, 1.2])
Y = np.array([0.90, 1.27, 1.55, 1.80, 2.00, 2.21])
S = np.array([0.02, 0.03, 0.02, 0.05, 0.04, 0.10])


@pytest.fixture
def tab(window):
    return shown_tab(window, "posterior")


def weighted_least_squares(x, y, sigma, degree):
    """β minimising Σ (yᵢ − φ(xᵢ)ᵀβ)²/σᵢ², from the normal equations (eq. 4.14)."""
    Phi = np.vander(x, degree + 1, increasing=True)
    W = np.diag(1.0 / sigma**2)
    return np.linalg.solve(Phi.T @ W @ Phi, Phi.T @ W @ y)


def series(tab, name):
    found = {n: (np.asarray(x), np.asarray(y)) for n, x, y in tab.plotted_data()}
    return found[name]


def import_text(window, tmp_path, text, name="lab.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return window.import_file("data", path)


@pytest.mark.parametrize("degree", [1, 2])
def test_the_mle_is_the_weighted_least_squares_fit_of_the_file(window, tab, tmp_path, degree):
    tab.edit({"degree": degree})
    assert import_text(window, tmp_path, PENDULUM), window.statusBar().currentMessage()
    assert np.array_equal(tab.model["points"][:, :2], np.column_stack([X, Y]))
    assert tab.model["sigma_source"] == "data" and tab.model["data_name"] == "lab.csv"
    grid, mle = series(tab, "mle")
    beta = weighted_least_squares(X, Y, S, degree)
    assert np.allclose(mle, np.vander(grid, degree + 1, increasing=True) @ beta, rtol=1e-10)
    # ordinary least squares is visibly different: the σᵢ matter
    plain = weighted_least_squares(X, Y, np.ones_like(S), degree)
    assert not np.allclose(mle, np.vander(grid, degree + 1, increasing=True) @ plain, rtol=1e-3)
    x, sigma = series(tab, "data_sigma_i")
    assert np.array_equal(x, X) and np.array_equal(sigma, S)
    assert (tab.model["x_name"], tab.model["y_name"]) == ("L (m)", "T (s)")
    assert tab.figure.data_plot.getAxis("bottom").labelText == "L (m)"
    assert tab.figure.data_plot.getAxis("left").labelText == "T (s)"


def test_the_sigma_slider_does_not_move_the_files_own_sigma(window, tab, tmp_path):
    assert import_text(window, tmp_path, PENDULUM)
    grid, before = series(tab, "mle")
    tab.controls.widget("sigma").set_value(3.0, emit=True)
    assert np.allclose(series(tab, "mle")[1], before, rtol=1e-12)
    tooltip = tab.controls.widget("sigma").slider.toolTip()
    assert "keep their own σᵢ" in tooltip and "lab.csv" in tooltip
    legend = tab.figure.data_legend.getLabel(tab.figure.data_item).text
    assert legend == "data ± σᵢ (file)"


def test_without_a_sigma_column_the_slider_applies(window, tab, tmp_path):
    assert import_text(window, tmp_path, "x\ty\n0\t0.1\n1\t0.9\n2\t2.2\n3\t2.8\n")
    assert tab.model["sigma_source"] == "slider"
    assert np.array_equal(tab.model["points"][:, 2], np.ones(4))
    tooltip = tab.controls.widget("sigma").slider.toolTip()
    assert "every point" in tooltip and "no σ column" in tooltip
    tab.controls.widget("sigma").set_value(0.5, emit=True)
    _, sigma = series(tab, "data_sigma_i")
    assert np.allclose(sigma, 0.5)
    legend = tab.figure.data_legend.getLabel(tab.figure.data_item).text
    assert legend == "data ± σ (slider)"


def test_an_import_is_one_undo_step(qtbot, window, tab, tmp_path):
    tab.add_generated(5)
    before = tab.state()
    assert import_text(window, tmp_path, PENDULUM)
    after = tab.state()
    assert window.undo_action.text() == "Undo Import lab.csv"
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Z, CTRL)
    assert tab.state() == before
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Z, CTRL | QtCore.Qt.KeyboardModifier.ShiftModifier)
    assert tab.state() == after


def test_clear_forgets_the_file(window, tab, tmp_path):
    assert import_text(window, tmp_path, PENDULUM)
    tab.panel.clear_button.click()
    assert len(tab.model["points"]) == 0
    assert (tab.model["sigma_source"], tab.model["data_name"]) == ("slider", "")
    assert tab.figure.data_plot.getAxis("bottom").labelText == "x"


def test_a_new_seed_keeps_imported_data(window, tab, tmp_path):
    assert import_text(window, tmp_path, PENDULUM)
    tab.edit({"seed": 7})
    assert len(tab.model["points"]) == 6


def test_paste_takes_cells_copied_from_a_spreadsheet(qtbot, window, tab):
    QtWidgets.QApplication.clipboard().setText("x\ty\tσ\n0,2\t0,9\t0,02\n0,4\t1,27\t0,03\n")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, QtCore.Qt.Key.Key_V, CTRL)
    assert tab.model["data_name"] == "the clipboard"
    assert tab.model["points"].tolist() == [[0.2, 0.9, 0.02], [0.4, 1.27, 0.03]]


def test_paste_into_a_focused_field_stays_in_the_field(qtbot, window, tab):
    QtWidgets.QApplication.clipboard().setText("0.75")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    entry = tab.controls.widget("x_low")
    entry.setFocus()
    entry.selectAll()
    qtbot.keyClick(entry, QtCore.Qt.Key.Key_V, CTRL)
    assert entry.text() == "0.75" and tab.model["data_name"] == ""


def drop(window, path):
    """Drop a file where a user drops it: on the plot (its view passes it up to the window)."""
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(path))])
    target = window.current_tab().figure_view().viewport()
    point = QtCore.QPointF(target.width() / 2, target.height() / 2)
    actions = QtCore.Qt.DropAction.CopyAction
    buttons, modifiers = QtCore.Qt.MouseButton.NoButton, QtCore.Qt.KeyboardModifier.NoModifier
    enter = QtGui.QDragEnterEvent(point.toPoint(), actions, mime, buttons, modifiers)
    QtWidgets.QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    QtWidgets.QApplication.sendEvent(
        target, QtGui.QDropEvent(point, actions, mime, buttons, modifiers)
    )


def test_a_dropped_file_is_imported(window, tab, tmp_path):
    path = tmp_path / "dropped.tsv"
    path.write_text("1\t2\n2\t4\n3\t5\n")
    drop(window, path)
    assert tab.model["data_name"] == "dropped.tsv" and len(tab.model["points"]) == 3


BAD_FILES = [
    ("x,y\n1,2\n3,abc\n", "line 3, column 2 (y): 'abc' is not a number"),
    ("1\n2\n", "too few columns"),
    ("1,2\n3,nan\n", "'nan' is not a finite number"),
    ("1,2\ninf,3\n", "'inf' is not a finite number"),
    ("1,2,0.1\n3,4,0\n", "σ must be > 0"),
    ("1,2,0.1\n3,4,-1\n", "σ must be > 0"),
    ("x;y\né;2\n".encode("latin-1"), "not UTF-8"),
    (b"", "is empty"),
    ("1,2\n" * 10**6, "1 000 000 data rows; at most 10 000"),
    ("1,2\n" * 10_001, "10 001 data rows"),
    ("1,2,1e-9\n", "outside [1e-06, 1e+06]"),
]


@pytest.mark.parametrize(("content", "message"), BAD_FILES)
def test_bad_files_are_refused_at_import_and_the_state_stays(
    window, tab, tmp_path, warning_dialogs, content, message
):
    tab.add_generated(3)
    before = tab.state()
    path = tmp_path / "bad.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    window.user_files.open("data", path, dialog=True)
    assert message in window.statusBar().currentMessage()
    assert len(warning_dialogs) == 1 and message in warning_dialogs[0]
    assert tab.state() == before
    assert window.undo_action.text() == "Undo Add 3 points"


def test_a_dropped_drawing_is_not_data_for_the_posterior(window, tab, tmp_path, warning_dialogs):
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n")
    drop(window, path)
    assert "does not open images" in warning_dialogs[0] and "SVD geometry" in warning_dialogs[0]


def test_imported_data_travel_in_scenes_and_old_scenes_still_open(window, tab, tmp_path):
    assert import_text(window, tmp_path, PENDULUM)
    scene = tmp_path / "lab-scene.json"
    assert window.save_scene(scene)
    state = tab.state()
    tab.panel.clear_button.click()
    assert window.open_scene(scene) and tab.state() == state
    old = json.loads(scene.read_text())
    for key in ("sigma_source", "data_name", "x_name", "y_name"):  # written before they existed
        del old["state"][key]
    old["state"]["points"] = [[0.0, 1.0, 1.0], [1.0, 2.0, 1.0]]
    scene.write_text(json.dumps(old))
    assert window.open_scene(scene), window.statusBar().currentMessage()
    assert (tab.model["sigma_source"], tab.model["data_name"]) == ("slider", "")


def test_export_takes_the_data_on_the_command_line(tmp_path):
    (tmp_path / "lab.csv").write_text(PENDULUM, encoding="utf-8")
    out = tmp_path / "fit.csv"
    result = run("export", "--tab", "posterior", "--data", "lab.csv", "-o", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [line.split(",") for line in out.read_text().splitlines()[1:]]
    data = np.array([[float(x), float(y)] for name, x, y in rows if name == "data"])
    assert np.array_equal(data, np.column_stack([X, Y]))
    mle = np.array([[float(x), float(y)] for name, x, y in rows if name == "mle"])
    beta = weighted_least_squares(X, Y, S, 1)
    assert np.allclose(mle[:, 1], beta[0] + beta[1] * mle[:, 0], rtol=1e-10)
    figure = tmp_path / "fit.png"
    result = run("export", "--data", "lab.csv", "-o", figure, cwd=tmp_path)
    assert result.returncode == 0 and figure.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("content", "message"),
    [("1,2\n3,abc\n", "line 2, column 2: 'abc' is not a number"), (b"", "is empty")],
)
def test_bad_data_on_the_command_line_is_one_line_and_no_file(tmp_path, content, message):
    (tmp_path / "bad.csv").write_bytes(content if isinstance(content, bytes) else content.encode())
    out = tmp_path / "fig.png"
    result = run("export", "--tab", "posterior", "--data", "bad.csv", "-o", out, cwd=tmp_path)
    assert result.returncode == 2 and not out.exists()
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mlphys-gui: error: bad.csv")
    assert message in lines[0]
