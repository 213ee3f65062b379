"""Tabs built when first shown (issue 14): the window opens with only the tab it shows, yet
the session, scenes, bookmarks, presets, the style, Ctrl+1…9 and the presenter view reach every
tab as before; and the app's start imports no scipy."""

import json
import os
import subprocess
import sys

from PyQt6 import QtCore, QtGui

from mlphys_gui.main_window import MainWindow
from mlphys_gui.presets import presets_for
from mlphys_gui.session import SessionStore
from mlphys_gui.style import PROJECTOR
from mlphys_gui.tabs import TAB_CLASSES
from mlphys_gui.tabs.svd.state import IMAGES


def window_of_its_own(new_window, tmp_path, name="again") -> MainWindow:
    settings = QtCore.QSettings(str(tmp_path / f"{name}.ini"), QtCore.QSettings.Format.IniFormat)
    return new_window(settings=settings, session=SessionStore(tmp_path / f"{name}.json"))


def test_a_new_window_builds_only_the_tab_it_shows(window):
    assert set(window.tabs.built()) == {"svd"}
    assert not window.tabs["svd"].low_rank_page_built  # nor the view it does not show
    assert list(window.tabs) == list(TAB_CLASSES) and len(window.tabs) == len(TAB_CLASSES)
    assert "langevin" in window.tabs and "quantum" not in window.tabs
    assert set(window.tabs.built()) == {"svd"}  # (asking is not building)


def test_ctrl_number_shows_and_builds_a_tab(qtbot, window):
    qtbot.keyClick(window, QtCore.Qt.Key.Key_4, QtCore.Qt.KeyboardModifier.ControlModifier)
    tab = window.current_tab()
    assert tab.name == "langevin" and tab.isVisible()
    assert set(window.tabs.built()) == {"svd", "langevin"}
    assert window.undo_group.activeStack() is tab.undo_stack


def test_a_restored_session_waits_for_its_tab_and_is_saved_whole(window, tmp_path, new_window):
    window.tabs["posterior"].edit({"degree": 5, "prior_precision": 0.5})
    window.tabs["langevin"].edit({"sigma": 1.3, "n": 5000})
    window.tabs["langevin"].run_for(0.1)
    window.tabs["transport"].edit({"n": 500, "tau": 0.25})
    states = {name: tab.state() for name, tab in window.tabs.items()}
    window.save_session()
    again = window_of_its_own(new_window, tmp_path)
    again.session.path.write_bytes(window.session.path.read_bytes())
    assert again.restore_session()
    assert set(again.tabs.built()) == {"svd"}  # the current tab of the session
    again.save_session()  # before the other tabs are built: every state is in it
    saved = json.loads(again.session.path.read_text())["tabs"]
    assert saved == states
    for name in ("posterior", "langevin", "transport"):
        tab = again.tabs[name]  # built now, with the state the session gave it
        tab.settle()
        assert tab.state() == states[name], name
        assert tab.undo_stack.count() == 0  # a restored session is not an undo step


def test_a_scene_for_a_tab_not_yet_built_builds_and_shows_it(window, tmp_path, new_window):
    window.tabs["double-descent"].edit({"n": 55})
    window.select_tab("double-descent")
    path = tmp_path / "scene.json"
    assert window.save_scene(path)
    other = window_of_its_own(new_window, tmp_path, "other")
    assert "double-descent" not in other.tabs.built()
    assert other.open_scene(path)
    assert other.current_tab().name == "double-descent"
    assert other.tabs["double-descent"].model["n"] == 55
    assert other.tabs["double-descent"].undo_stack.undoText() == "Open scene scene.json"


def test_a_bookmark_and_a_preset_reach_a_tab_not_yet_built(window, tmp_path, new_window):
    window.select_tab("posterior")
    window.tabs["posterior"].edit({"degree": 7})
    window.save_bookmark(3)
    other = new_window(settings=window.settings)
    assert other.bookmark_actions[3].text() == "&3: Posterior updating"
    assert other.recall_bookmark(3)
    assert other.current_tab().name == "posterior" and other.tabs["posterior"].model["degree"] == 7
    preset = presets_for("transport")[0]
    assert other.load_preset(preset)
    assert other.current_tab().name == "transport" and other.note_banner.isVisibleTo(other)


def test_a_tab_built_later_gets_the_current_style(qtbot, window):
    window.projector_action.setChecked(True)
    tab = window.tabs["langevin"]
    assert tab.figure.view_1d.backgroundBrush().color() == QtGui.QColor(PROJECTOR.bg)
    window.projector_action.setChecked(False)
    assert tab.figure.view_1d.backgroundBrush().color() != QtGui.QColor(PROJECTOR.bg)


def test_the_presenter_view_follows_to_a_tab_built_later(qtbot, window):
    window.set_presenter_view(True)
    window.select_tab("transport")
    window.presenter.follow()
    assert window.presenter.view.scene() is window.tabs["transport"].figure_view().scene()
    window.set_presenter_view(False)


def test_the_low_rank_view_is_built_when_shown_and_reads_the_state(qtbot, window):
    tab = window.tabs["svd"]
    tab.edit({"rank": 33, "image": "interference"})  # no view to show them yet
    assert not tab.low_rank_page_built
    tab.edit({"view": "low-rank"})
    assert tab.low_rank_page_built and tab.low_rank_page.isVisible()
    assert tab.low_rank_page.k == 33 and tab.low_rank_page.caption == IMAGES["interference"]
    assert tab.controls.widget("rank").value() == 33
    assert tab.figure_view() is tab.low_rank_page.view


def test_opening_the_app_imports_no_scipy(tmp_path):
    """scipy (0.3 s to import) comes with the first tab that computes with it, not before;
    and its BLAS then runs on one thread like numpy's (threads that spin while they wait
    slowed every 13 × 300 triangular solve of the posterior tab to 7 ms)."""
    script = (
        "import sys\n"
        "from PyQt6 import QtCore\n"
        "from mlphys_gui.app import create_application\n"
        "app = create_application()\n"
        "from mlphys_gui.main_window import MainWindow\n"
        "settings = QtCore.QSettings(sys.argv[1], QtCore.QSettings.Format.IniFormat)\n"
        "window = MainWindow(settings=settings)\n"
        "window.show()\n"
        "app.processEvents()\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'scipy'))\n"
        "window.select_tab('posterior')\n"
        "window.tabs['posterior'].add_generated(20)\n"
        "import json\n"
        "from threadpoolctl import threadpool_info\n"
        "print(json.dumps({i['filepath']: i['num_threads'] for i in threadpool_info()}))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "settings.ini")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = out.stdout.strip().splitlines()
    assert lines[-2] == "[]"
    threads = json.loads(lines[-1])  # BLAS library → its threads
    assert any("scipy.libs" in path for path in threads)  # scipy's own, loaded by now
    assert set(threads.values()) == {1}, threads
