"""Bookmarks and the presenter view."""

from PyQt6 import QtCore, QtWidgets

from mlphys_gui.main_window import MainWindow

CTRL_SHIFT = QtCore.Qt.KeyboardModifier.ControlModifier | QtCore.Qt.KeyboardModifier.ShiftModifier
ALT = QtCore.Qt.KeyboardModifier.AltModifier


def test_bookmarks_save_and_recall_with_keys_and_persist(qtbot, window, settings):
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
    again = MainWindow(settings=settings)
    qtbot.addWidget(again)
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


def test_a_2d_typed_potential_bookmark_is_recalled(qtbot, window, settings):
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
    again = MainWindow(settings=settings)
    qtbot.addWidget(again)
    assert again.recall_bookmark(7), again.statusBar().currentMessage()
    assert again.tabs["langevin"].state() == saved
    assert again.tabs["langevin"].running_2d
