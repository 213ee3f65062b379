"""Edit → Undo / Redo: per tab, named, a whole drag or a run of Play is one step, scenes,
presets and bookmarks are one step each, at least 100 steps, and undo never replays a run."""

import time

import numpy as np
import pytest
from PyQt6 import QtCore, QtTest

from mlphys_gui.presets import presets_for

CTRL = QtCore.Qt.KeyboardModifier.ControlModifier
SHIFT = QtCore.Qt.KeyboardModifier.ShiftModifier


def press(qtbot, window, key, modifiers=CTRL):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, key, modifiers)


def drag_slider(slider, positions):
    """Press the handle, move it through ``positions``, release: a real drag."""
    handle = slider.rect().center()
    QtTest.QTest.mousePress(slider, QtCore.Qt.MouseButton.LeftButton, pos=handle)
    for position in positions:
        slider.setSliderPosition(position)  # what a mouse move does while dragging
    QtTest.QTest.mouseRelease(slider, QtCore.Qt.MouseButton.LeftButton, pos=handle)


def test_a_slider_drag_is_one_step_named_after_its_value(qtbot, window):
    window.select_tab("langevin")
    tab = window.tabs["langevin"]
    slider = tab.controls.widget("sigma").slider
    steps = tab.undo_stack.count()
    drag_slider(slider, range(slider.value() + 5, slider.value() + 60, 5))
    assert tab.undo_stack.count() == steps + 1
    sigma = tab.model["sigma"]
    assert sigma != 0.8
    assert window.undo_action.text() == f"Undo σ = {sigma:.3g}"
    press(qtbot, window, QtCore.Qt.Key.Key_Z)
    assert tab.model["sigma"] == 0.8
    press(qtbot, window, QtCore.Qt.Key.Key_Y)  # Ctrl+Y redoes too
    assert tab.model["sigma"] == sigma


def test_each_tab_has_its_own_history(qtbot, window):
    window.tabs["svd"].edit({"stage": 1.0})
    window.tabs["posterior"].edit({"sigma": 0.5})
    window.select_tab("svd")
    press(qtbot, window, QtCore.Qt.Key.Key_Z)
    assert window.tabs["svd"].model["stage"] == 3.0
    assert window.tabs["posterior"].model["sigma"] == 0.5  # untouched by the svd tab's undo
    window.select_tab("posterior")
    assert window.undo_action.text() == "Undo σ = 0.5"


def test_at_least_a_hundred_steps(window):
    tab = window.tabs["langevin"]
    start = tab.state()
    for i in range(150):  # alternate two fields so that no two edits merge
        tab.edit({"sigma": 0.5 + 0.001 * i} if i % 2 else {"dt": 0.001 + 1e-5 * i})
    assert tab.undo_stack.count() == 150
    for _ in range(150):
        tab.undo_stack.undo()
    assert tab.state() == start


def test_scenes_presets_and_bookmarks_are_one_step_each(qtbot, window, tmp_path):
    tab = window.tabs["posterior"]
    window.select_tab("posterior")
    start = tab.state()
    preset = presets_for("posterior")[1]
    assert window.load_preset(preset)
    assert window.undo_action.text() == f"Undo Preset: {preset.title}"
    after_preset = tab.state()
    assert after_preset != start
    assert window.save_scene(tmp_path / "s.json")
    tab.edit({"sigma": 3.0, "prior_precision": 0.01})
    window.save_bookmark(4)
    tab.reset()
    assert window.undo_action.text() == "Undo Reset"
    assert window.recall_bookmark(4)
    assert window.undo_action.text() == "Undo Bookmark 4"
    assert window.open_scene(tmp_path / "s.json")
    assert window.undo_action.text() == "Undo Open scene s.json"
    for undone in ("scene", "bookmark", "reset", "edit", "preset"):
        press(qtbot, window, QtCore.Qt.Key.Key_Z)
        if undone == "edit":
            assert tab.state() == after_preset
    assert tab.state() == start


def test_a_run_of_play_is_one_step(qtbot, window):
    window.select_tab("posterior")
    tab = window.tabs["posterior"]
    tab.edit({"rate": 50.0})
    tab.animator.play()
    qtbot.waitUntil(lambda: len(tab.model["points"]) >= 10, timeout=5000)
    tab.animator.pause()
    assert len(tab.model["points"]) >= 10
    press(qtbot, window, QtCore.Qt.Key.Key_Z)
    assert len(tab.model["points"]) == 0 and tab.model["rate"] == 50.0


def test_undo_does_not_replay_the_run(qtbot, window):
    """Undoing σ leaves the particles where they are; undoing N starts a run at t = 0 rather
    than replaying the old one."""
    window.select_tab("langevin")
    tab = window.tabs["langevin"]
    tab.edit({"n": 200_000, "dt": 0.001})
    tab.run_for(1.0)
    tab.edit({"sigma": 1.2})
    x = np.array(tab.ensemble.x)
    press(qtbot, window, QtCore.Qt.Key.Key_Z)
    assert tab.model["sigma"] == 0.8 and tab.ensemble.t == pytest.approx(1.0)
    assert np.array_equal(tab.ensemble.x, x)
    start = time.perf_counter()
    press(qtbot, window, QtCore.Qt.Key.Key_Z)  # N back to 20 000: a new run, not a replay
    assert time.perf_counter() - start < 0.5
    assert tab.model["n"] == 20_000 and tab.ensemble.t == 0.0


def test_a_refused_edit_leaves_no_step(qtbot, window):
    window.select_tab("posterior")
    tab = window.tabs["posterior"]
    steps = tab.undo_stack.count()
    entry = tab.controls.widget("x_low")
    entry.setFocus()
    entry.selectAll()
    qtbot.keyClicks(entry, "5")  # beyond 'to' = 1: the x-range rule refuses it
    qtbot.keyClick(entry, QtCore.Qt.Key.Key_Return)
    assert entry.property("invalid") is True and "'to' must exceed" in entry.toolTip()
    assert tab.model["x_low"] == -1.0 and tab.undo_stack.count() == steps
    assert "Not changed" in window.statusBar().currentMessage()


def test_typing_in_a_field_keeps_its_own_undo_until_applied(qtbot, window):
    """Ctrl+Z in a field with unapplied text undoes the typing; once applied, the tab's."""
    window.select_tab("langevin")
    tab = window.tabs["langevin"]
    tab.edit({"potential": "expression"})
    edit = tab.controls.widget("expression")
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "x**2/2")
    qtbot.keyClick(edit, QtCore.Qt.Key.Key_Z, CTRL)  # not applied yet: the field's own undo
    assert tab.model["potential"] == "expression" and edit.text() != "x**2/2"
    edit.selectAll()
    qtbot.keyClicks(edit, "x**2/2")
    qtbot.keyClick(edit, QtCore.Qt.Key.Key_Return)
    assert tab.model["expression"] == "x**2/2"
    press(qtbot, window, QtCore.Qt.Key.Key_Z)  # applied: the tab's undo
    assert tab.model["expression"] != "x**2/2" and edit.text() == tab.model["expression"]
    press(qtbot, window, QtCore.Qt.Key.Key_Z, CTRL | SHIFT)
    assert tab.model["expression"] == "x**2/2"
