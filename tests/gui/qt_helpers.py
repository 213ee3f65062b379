"""Qt test helpers shared by tests/gui and tests/bench: an offscreen main window with its own
settings file, and mouse helpers."""

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PyQt6 import QtCore, QtGui, QtTest, QtWidgets  # noqa: E402


@pytest.fixture
def settings(tmp_path):
    return QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat)


@pytest.fixture
def session_path(tmp_path):
    return tmp_path / "app-data" / "session.json"


@pytest.fixture
def window(qtbot, settings, session_path):
    from mlphys_gui.app import create_application
    from mlphys_gui.main_window import MainWindow
    from mlphys_gui.session import SessionStore

    create_application()
    main = MainWindow(settings=settings, session=SessionStore(session_path))
    main.resize(1400, 860)
    main.show()
    qtbot.waitExposed(main)
    yield main
    # delete now: leaked windows would make every later setStyleSheet re-polish them all
    delete_windows([main])


def delete_windows(windows) -> None:
    """Close the windows and delete them as Qt wants, with deleteLater, at once."""
    for window in windows:
        window.close()
        window.deleteLater()
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete.value)


@pytest.fixture
def new_window(qtbot):
    """Makes more main windows (``new_window(settings=…, session=…)``), deleted after the test
    the way Qt wants windows deleted, with deleteLater: a window whose last reference went away
    in the test was deleted at once, with its plots' scene updates still queued, and a later
    event loop read a freed plot item (a segmentation fault)."""
    from mlphys_gui.main_window import MainWindow

    made = []

    def make(**kwargs):
        made.append(MainWindow(**kwargs))
        qtbot.addWidget(made[-1])
        return made[-1]

    yield make
    delete_windows(made)


def shown_tab(window, name: str):
    """The tab ``name`` of ``window``, made current, its background work finished."""
    window.select_tab(name)
    tab = window.tabs[name]
    tab.settle()
    return tab


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch):
    """A dialog the test did not arrange for fails it (a modal dialog would wait for a click
    that never comes, and the suite would hang)."""

    def unexpected(*args, **_kwargs):
        texts = [arg for arg in args if isinstance(arg, str)]
        raise AssertionError(f"an unexpected dialog opened: {texts}")

    for name in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QtWidgets.QMessageBox, name, unexpected)
    for name in ("getOpenFileName", "getSaveFileName", "getExistingDirectory"):
        monkeypatch.setattr(QtWidgets.QFileDialog, name, unexpected)


@pytest.fixture
def warning_dialogs(monkeypatch):
    """The texts of the warning dialogs shown (none is opened: it would wait for a click)."""
    shown = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    return shown


def data_to_viewport(plot, view, x: float, y: float) -> QtCore.QPointF:
    """Where a data point of ``plot`` appears in ``view``'s viewport, in pixels."""
    scene_point = plot.vb.mapViewToScene(QtCore.QPointF(x, y))
    return QtCore.QPointF(view.mapFromScene(scene_point))


def mouse_drag(widget: QtWidgets.QWidget, start: QtCore.QPointF, end: QtCore.QPointF, steps=12):
    """Press the left button at ``start``, move to ``end`` in steps, release: a real drag.

    The moves are spaced in time: pyqtgraph drops mouse moves that come faster than its rate limit.
    """
    left = QtCore.Qt.MouseButton.LeftButton
    none = QtCore.Qt.MouseButton.NoButton
    plain = QtCore.Qt.KeyboardModifier.NoModifier

    def send(kind, point, button, buttons):
        event = QtGui.QMouseEvent(kind, point, widget.mapToGlobal(point), button, buttons, plain)
        QtWidgets.QApplication.sendEvent(widget, event)

    send(QtCore.QEvent.Type.MouseMove, start, none, none)
    send(QtCore.QEvent.Type.MouseButtonPress, start, left, left)
    for fraction in np.linspace(0, 1, steps + 1)[1:]:
        point = start + (end - start) * float(fraction)
        QtTest.QTest.qWait(25)
        send(QtCore.QEvent.Type.MouseMove, point, none, left)
    send(QtCore.QEvent.Type.MouseButtonRelease, end, left, none)
