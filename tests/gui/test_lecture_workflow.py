"""Bookmarks and the presenter view."""

import os
import subprocess
import sys

import numpy as np
import pytest
from PyQt6 import QtCore, QtGui, QtWidgets

CTRL_SHIFT = QtCore.Qt.KeyboardModifier.ControlModifier | QtCore.Qt.KeyboardModifier.ShiftModifier
ALT = QtCore.Qt.KeyboardModifier.AltModifier


def test_bookmarks_save_and_recall_with_keys_and_persist(qtbot, window, settings, new_window):
    tab = window.tabs["svd"]
    assert tab.edit({"matrix": [[2.0, 1.0], [0.0, 0.5]]})
    saved = tab.state()
    qtbot.keyClick(window, QtCore.Qt.Key.Key_3, CTRL_SHIFT)
    assert "Bookmark 3" in window.statusBar().currentMessage()
    tab.reset()
    window.select_tab("langevin")
    qtbot.keyClick(window, QtCore.Qt.Key.Key_3, ALT)
    assert window.current_tab() is tab and tab.state() == saved
    assert window.bookmark_actions[3].text().endswith("SVD geometry")
    window.close()
    again = new_window(settings=settings)
    assert again.recall_bookmark(3)
    assert again.tabs["svd"].state() == saved


def test_empty_and_damaged_bookmarks_say_so(window, settings):
    assert not window.recall_bookmark(5)
    assert "empty" in window.statusBar().currentMessage()
    settings.setValue("bookmarks/6", '{"app": "mlphys-gui", "schema": 99}')
    state = window.current_tab().state()
    assert not window.recall_bookmark(6)
    assert "not recalled" in window.statusBar().currentMessage()
    assert window.current_tab().state() == state


def test_presenter_view_shows_the_current_figure_live(qtbot, window):
    window.set_presenter_view(True)
    presenter = window.presenter
    qtbot.waitExposed(presenter)
    assert presenter.view.scene() is window.current_tab().figure_view().scene()
    window.select_tab("posterior")
    presenter.follow()
    assert presenter.view.scene() is window.tabs["posterior"].figure.view.scene()
    assert not presenter.findChildren(QtWidgets.QSlider)  # plots only, no controls
    window.set_presenter_view(False)
    assert not presenter.isVisible()


def test_a_2d_typed_potential_bookmark_is_recalled(qtbot, window, settings, new_window):
    """A V(x, y) state is checked with the 2-D parser, when kept and when recalled (the 1-D
    parser refused its 'y')."""
    tab = window.tabs["langevin"]
    window.select_tab("langevin")
    assert tab.edit({"dimension": "2d", "potential": "expression", "n": 2000})
    assert tab.edit({"expression": "x**4/4 - x**2/2 + y**2/2"})
    tab.run_for(0.1)
    saved = tab.state()
    qtbot.keyClick(window, QtCore.Qt.Key.Key_7, CTRL_SHIFT)
    tab.reset()
    assert tab.state() != saved
    window.close()
    again = new_window(settings=settings)
    assert again.recall_bookmark(7), again.statusBar().currentMessage()
    assert again.tabs["langevin"].state() == saved
    assert again.tabs["langevin"].running_2d


def _top_rows(widget, share: float = 1 / 12):
    image = widget.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(image.constBits().asstring(image.sizeInBytes()), np.uint8)
    rows = rows.reshape(image.height(), image.bytesPerLine())
    return rows[: int(image.height() * share)].copy()


def test_the_presenter_view_shows_a_changed_title_at_once(qtbot, window):
    """Qt keeps one 'changed' flag per cached item for all its views: with the axes and
    titles cached, the presenter view went on showing "t = 1.37" after the main view had
    drawn "t = 1.42" (a change of the same width, so nothing else moved)."""
    window.set_presenter_view(True)
    presenter = window.presenter
    qtbot.waitExposed(presenter)
    tab = window.tabs["svd"]
    tab.edit({"stage": 1.37})
    qtbot.wait(200)
    before = _top_rows(presenter)
    tab.edit({"stage": 1.42})
    qtbot.wait(200)
    assert (before != _top_rows(presenter)).sum() > 50
    window.set_presenter_view(False)
    axis = tab.geometry_page.output_plot.getAxis("left")
    assert axis.cacheMode() == QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache


SMALL_WINDOW_WITH_PRESENTER = """
import sys
from PyQt6 import QtCore, QtTest
from mlphys_gui.app import create_application
app = create_application()
from mlphys_gui.main_window import MainWindow
settings = QtCore.QSettings(sys.argv[1], QtCore.QSettings.Format.IniFormat)
window = MainWindow(settings=settings)
window.resize(798, 774)
window.show()
QtTest.QTest.qWaitForWindowExposed(window)
window.set_presenter_view(True)
QtTest.QTest.qWaitForWindowExposed(window.presenter)
QtTest.QTest.qWait(500)
print("painted")
"""


def test_a_small_window_with_the_presenter_view_does_not_repaint_for_ever(tmp_path):
    """At 798 × 774 with the presenter view open, an axis fitted its label space to each
    view's ticks in turn and the event loop never got out of painting (on main as well)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    try:
        result = subprocess.run(
            [sys.executable, "-c", SMALL_WINDOW_WITH_PRESENTER, str(tmp_path / "s.ini")],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=90,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the window was still painting after 90 s")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("painted")
