"""Decks in the window: the clicker's keys, what runs on arrival, presenting with the console,
blanking, the deck editor, bookmarks, and the deck kept with the session."""

import pytest
from PyQt6 import QtCore, QtWidgets

from mlphys_gui.deck import UNTIL_PAUSED, Deck, Step, write_deck_file
from mlphys_gui.session import SessionStore
from mlphys_gui.tabs import SCHEMAS

Key = QtCore.Qt.Key
CTRL_SHIFT = QtCore.Qt.KeyboardModifier.ControlModifier | QtCore.Qt.KeyboardModifier.ShiftModifier


def lecture_deck(play_seconds: float = 0.4) -> Deck:
    """Four steps over three tabs; the second plays for a while on arrival, the fourth until
    paused."""
    svd = SCHEMAS["svd"].defaults()
    return Deck(
        (
            Step("svd", {**svd, "matrix": [[2.0, 0.0], [0.0, 0.5]]}, "Scaling", "Σ only"),
            Step("svd", {**svd, "stage": 0.0}, "Stages", "Watch Vᵀ, Σ, U", play_seconds),
            Step(
                "double-descent",
                {**SCHEMAS["double-descent"].defaults(), "sigma": 0.0},
                "No noise",
                "No peak without noise",
            ),
            Step("langevin", SCHEMAS["langevin"].defaults(), "Hopping", "", UNTIL_PAUSED),
        ),
        "Test lecture",
    )


@pytest.fixture
def lecture(window, tmp_path):
    path = tmp_path / "lecture.json"
    write_deck_file(path, lecture_deck())
    assert window.lecture.open_deck(path)
    return window.lecture


def press(qtbot, widget, key, modifier=QtCore.Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(widget, key, modifier)
    QtWidgets.QApplication.processEvents()


def test_page_down_page_up_home_end_go_through_the_steps(qtbot, window, lecture):
    player = lecture.player
    assert player.index == 0 and window.current_tab().name == "svd"
    assert window.tabs["svd"].model["matrix"].tolist() == [[2.0, 0.0], [0.0, 0.5]]
    press(qtbot, window, Key.Key_PageDown)
    assert player.index == 1 and player.playing  # arrival plays the step's animation
    press(qtbot, window, Key.Key_PageDown)
    assert player.index == 2 and window.current_tab().name == "double-descent"
    assert not window.tabs["svd"].animator.playing  # leaving a step pauses what it started
    assert window.tabs["double-descent"].model["sigma"] == 0.0
    press(qtbot, window, Key.Key_End)
    assert player.index == 3 and window.current_tab().name == "langevin" and player.playing
    press(qtbot, window, Key.Key_PageDown)  # at the end: nothing more
    assert player.index == 3
    press(qtbot, window, Key.Key_Home)
    assert player.index == 0 and window.current_tab().name == "svd"
    assert not window.tabs["langevin"].animator.playing
    press(qtbot, window, Key.Key_PageUp)  # at the start: nothing before
    assert player.index == 0


def test_each_arrival_is_one_undo_step_named_after_the_step(qtbot, window, lecture):
    tab = window.tabs["double-descent"]
    before, steps = tab.state(), tab.undo_stack.count()
    press(qtbot, window, Key.Key_PageDown)
    press(qtbot, window, Key.Key_PageDown)
    assert tab.undo_stack.count() == steps + 1
    assert tab.undo_stack.undoText() == "Step 3: No noise"
    tab.undo_stack.undo()
    assert tab.state() == before


def test_going_back_leaves_the_animation_to_run_and_page_down_plays_it_first(
    qtbot, window, lecture
):
    player = lecture.player
    press(qtbot, window, Key.Key_End)
    press(qtbot, window, Key.Key_PageUp)
    press(qtbot, window, Key.Key_PageUp)
    assert player.index == 1 and player.pending and not player.playing
    assert window.tabs["svd"].model["stage"] == 0.0
    press(qtbot, window, Key.Key_PageDown)  # plays the step first
    assert player.index == 1 and player.playing and not player.pending
    qtbot.waitUntil(lambda: window.tabs["svd"].model["stage"] > 0.0, timeout=2000)
    press(qtbot, window, Key.Key_PageDown)  # then moves on
    assert player.index == 2


def test_a_timed_step_plays_for_its_seconds_then_pauses(qtbot, window, lecture):
    player = lecture.player
    press(qtbot, window, Key.Key_PageDown)
    assert player.playing
    qtbot.waitUntil(lambda: not player.playing, timeout=3000)
    stage = window.tabs["svd"].model["stage"]
    assert 0.05 < stage < 0.5  # 0.4 s at 0.5 stages/s
    qtbot.wait(300)
    assert window.tabs["svd"].model["stage"] == stage


def test_f5_presents_the_deck_with_the_console_and_esc_leaves(qtbot, window, lecture):
    press(qtbot, window, Key.Key_PageDown)
    assert lecture.editor.isVisible()
    press(qtbot, window, Key.Key_F5)
    assert lecture.presenting and lecture.player.index == 0  # from the first step
    assert not lecture.editor.isVisible()  # the console takes its place
    presenter = window.presenter
    assert presenter.isVisible()
    assert presenter.view.scene() is window.tabs["svd"].figure_view().scene()
    console = lecture.console
    assert console.isVisible()
    assert console.title.text() == "Scaling" and console.note.text() == "Σ only"
    assert console.next_title.text() == "Next: Stages"
    assert console.position.text() == "Step 1 / 4"
    assert console.timer_label.text() == "0:00"
    press(qtbot, window, Key.Key_End)
    assert console.next_title.text() == "Next: — (the last step)"
    assert console.note.text() == "(no note for this step)"
    press(qtbot, window, Key.Key_Escape)
    assert not lecture.presenting and not presenter.isVisible() and not console.isVisible()
    assert lecture.editor.isVisible()


def test_shift_f5_presents_from_the_current_step(qtbot, window, lecture):
    lecture.player.go(2)
    press(qtbot, window, Key.Key_F5, QtCore.Qt.KeyboardModifier.ShiftModifier)
    assert lecture.presenting and lecture.player.index == 2
    lecture.stop_presenting()


def test_the_console_timer_counts_from_f5(qtbot, window, lecture):
    press(qtbot, window, Key.Key_F5)
    qtbot.waitUntil(lambda: lecture.console.timer_label.text() == "0:01", timeout=3000)
    lecture.stop_presenting()


def test_b_and_period_blank_the_projector_and_bring_it_back(qtbot, window, lecture):
    press(qtbot, window, Key.Key_F5)
    presenter = window.presenter
    press(qtbot, window, Key.Key_B)
    assert presenter.blank and lecture.blank and lecture.console.blank_label.isVisible()
    assert not window.lecture.overlay.isVisible()  # the laptop keeps its controls
    press(qtbot, window, Key.Key_Period)
    assert not presenter.blank and not lecture.console.blank_label.isVisible()
    press(qtbot, presenter, Key.Key_B)  # the projector's own window answers the keys too
    assert presenter.blank
    press(qtbot, presenter, Key.Key_PageDown)
    assert lecture.player.index == 1
    press(qtbot, presenter, Key.Key_Escape)  # Esc there stops presenting (and unblanks)
    assert not lecture.presenting and not presenter.blank


def test_without_a_presenter_view_b_blanks_this_window(qtbot, window):
    """A mirrored projector shows the main window: B covers it with black, B again returns,
    whether or not a deck is open."""
    press(qtbot, window, Key.Key_B)
    overlay = window.lecture.overlay
    assert overlay.isVisible() and overlay.geometry() == window.rect()
    image = window.grab().toImage()
    assert all(
        image.pixelColor(x, y).lightness() == 0
        for x in range(5, image.width(), 97)
        for y in range(5, image.height(), 89)
    )
    press(qtbot, window, Key.Key_B)
    assert not overlay.isVisible()


FOCUSED_KEYS = (Key.Key_PageDown, Key.Key_PageUp, Key.Key_Home, Key.Key_End, Key.Key_B)


def _focused(qtbot, widget):
    widget.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(lambda: QtWidgets.QApplication.focusWidget() is widget, timeout=2000)


def test_a_focused_text_entry_keeps_the_clicker_keys(qtbot, window, lecture):
    """Typing a note or a formula: B and "." are letters, Home/End and PageUp/PageDown move in
    the text; the deck stays where it is and the screen is not blanked."""
    lecture.editor.show()
    note = lecture.editor.note
    _focused(qtbot, note)
    note.setPlainText("")
    for key in FOCUSED_KEYS + (Key.Key_Period,):
        press(qtbot, note, key)
    assert lecture.player.index == 0 and not lecture.blank
    assert note.toPlainText() == "b."
    assert lecture.player.step.note == "b."  # the note is the step's
    title = lecture.editor.title
    _focused(qtbot, title)
    title.selectAll()
    qtbot.keyClicks(title, "Scale.")
    press(qtbot, title, Key.Key_Home)
    press(qtbot, title, Key.Key_B)
    assert title.text() == "bScale." and title.cursorPosition() == 1
    press(qtbot, title, Key.Key_End)
    assert title.cursorPosition() == len("bScale.")
    press(qtbot, title, Key.Key_PageDown)  # nothing to do in one line, but not the deck's
    press(qtbot, title, Key.Key_PageUp)
    assert lecture.player.index == 0 and not lecture.blank


def test_a_focused_spin_box_keeps_page_up_and_page_down(qtbot, window, lecture):
    press(qtbot, window, Key.Key_End)
    window.lecture.player._stop_playing()
    spin = window.tabs["langevin"].controls.widget("seed")
    _focused(qtbot, spin)
    seed = spin.value()
    press(qtbot, spin, Key.Key_PageUp)
    assert spin.value() == seed + 10  # the spin box's own page step
    assert lecture.player.index == 3
    press(qtbot, spin, Key.Key_PageDown)
    assert spin.value() == seed and lecture.player.index == 3


def test_a_focused_slider_does_not_keep_the_clicker(qtbot, window, lecture):
    """A slider the lecturer just dragged keeps its arrow keys, not the clicker's PageDown."""
    slider = window.tabs["svd"].geometry_page.findChild(QtWidgets.QSlider)
    _focused(qtbot, slider)
    press(qtbot, slider, Key.Key_PageDown)
    assert lecture.player.index == 1


def test_the_keys_are_listed_in_help(window):
    rows = dict(window.shortcut_rows())
    for keys in ("PgDown", "PgUp", "Home", "End", "F5", "Shift+F5", "Esc", "B or ."):
        assert keys in rows, keys
    assert "animation still to run plays first" in rows["PgDown"]


def test_the_editor_adds_replaces_moves_and_deletes_steps(qtbot, window, lecture):
    editor, player = lecture.editor, lecture.player
    tab = window.tabs["svd"]
    tab.edit({"matrix": [[1.0, 2.0], [3.0, 4.0]]})
    editor.add_button.click()
    assert len(player.deck) == 5 and player.index == 1
    assert player.step.state["matrix"] == [[1.0, 2.0], [3.0, 4.0]]
    assert player.step.title == "SVD geometry" and editor.steps.count() == 5
    assert editor.steps.currentRow() == 1
    editor.title.setFocus()
    editor.title.selectAll()
    qtbot.keyClicks(editor.title, "Any matrix")
    assert player.step.title == "Any matrix"
    assert editor.steps.item(1).text().startswith("2. Any matrix")
    editor.arrival.setCurrentIndex(1)  # play for …
    editor.seconds.setValue(2.5)
    assert player.step.play == 2.5
    editor.up_button.click()
    assert [s.title for s in player.deck.steps][:2] == ["Any matrix", "Scaling"]
    assert player.index == 0
    tab.edit({"stage": 1.0})
    editor.replace_button.click()
    assert player.step.state["stage"] == 1.0 and player.step.title == "Any matrix"
    editor.delete_button.click()
    assert [s.title for s in player.deck.steps] == ["Scaling", "Stages", "No noise", "Hopping"]
    assert player.modified
    editor.title.setFocus()
    editor.title.clear()
    qtbot.keyClicks(editor.title, " ")
    assert player.step.title == "Scaling"  # a step keeps a title
    assert editor.title.property("invalid") is True


def test_dragging_a_step_in_the_list_reorders_the_deck(window, lecture):
    steps = lecture.editor.steps
    model = steps.model()
    assert model.moveRow(QtCore.QModelIndex(), 0, QtCore.QModelIndex(), 3)
    QtWidgets.QApplication.processEvents()
    assert [s.title for s in lecture.player.deck.steps] == [
        "Stages",
        "No noise",
        "Scaling",
        "Hopping",
    ]
    assert steps.item(2).text().startswith("3. Scaling")


def test_clicking_a_step_shows_it_with_its_animation_to_run(window, lecture):
    lecture.editor.steps.setCurrentRow(1)
    assert lecture.player.index == 1 and lecture.player.pending
    assert window.tabs["svd"].model["stage"] == 0.0


def test_a_deck_from_the_bookmarks(qtbot, window):
    tab = window.tabs["svd"]
    tab.edit({"matrix": [[3.0, 0.0], [0.0, 1.0]]})
    qtbot.keyClick(window, Key.Key_4, CTRL_SHIFT)
    window.select_tab("langevin")
    window.tabs["langevin"].edit({"sigma": 1.5})
    qtbot.keyClick(window, Key.Key_2, CTRL_SHIFT)
    assert window.lecture.new_from_bookmarks()
    deck = window.lecture.player.deck
    assert [step.title for step in deck.steps] == [
        "Bookmark 2: Langevin / Fokker–Planck",
        "Bookmark 4: SVD geometry",
    ]
    assert deck.steps[1].state["matrix"] == [[3.0, 0.0], [0.0, 1.0]]


def test_no_bookmarks_no_deck(window):
    assert not window.lecture.new_from_bookmarks()
    assert "No bookmarks" in window.statusBar().currentMessage()
    assert window.lecture.player.deck is None


def test_a_deck_from_the_current_state_is_saved_and_opened_again(qtbot, window, tmp_path):
    window.tabs["svd"].edit({"stage": 2.0})
    window.lecture.new_from_current()
    qtbot.keyClick(window, Key.Key_D, QtCore.Qt.KeyboardModifier.ControlModifier)
    assert len(window.lecture.player.deck) == 2
    path = tmp_path / "mine.json"
    assert window.lecture.save_deck(path)
    assert not window.lecture.player.modified
    saved = window.lecture.player.deck
    window.lecture.open_deck(path)
    assert window.lecture.player.deck == saved
    assert not window.lecture.save_deck(tmp_path / "missing" / "mine.json")
    assert "Deck not saved" in window.statusBar().currentMessage()


def test_without_a_deck_the_deck_keys_leave_the_window_alone(qtbot, window):
    state = window.current_tab().state()
    for key in (Key.Key_PageDown, Key.Key_End, Key.Key_F5):
        press(qtbot, window, key)
    assert window.current_tab().state() == state
    assert not window.lecture.presenting  # F5 says how to get a deck
    assert "No deck to present: File → Open deck" in window.statusBar().currentMessage()
    assert not window.lecture.next_action.isEnabled()


def test_the_deck_is_kept_with_the_session(
    qtbot, window, lecture, settings, session_path, new_window
):
    lecture.player.go(2)
    lecture.editor.note.setPlainText("edited, not saved")
    window.close()
    again = new_window(settings=settings, session=SessionStore(session_path))
    assert again.restore_session()
    player = again.lecture.player
    assert player.deck is not None and player.index == 2 and player.modified
    assert player.deck.steps[2].note == "edited, not saved"
    assert again.current_tab().name == "double-descent"


def test_with_one_screen_f5_fills_it_and_ctrl_p_opens_a_window(qtbot, window, lecture):
    """Presenting with one screen (a mirrored projector) shows the plots full screen, as slides
    are; the presenter view on its own (Ctrl+P) stays a window there."""
    assert len(QtWidgets.QApplication.screens()) == 1
    press(qtbot, window, Key.Key_F5)
    assert window.presenter.isFullScreen()
    press(qtbot, window, Key.Key_Escape)
    qtbot.keyClick(window, Key.Key_P, QtCore.Qt.KeyboardModifier.ControlModifier)
    assert window.presenter.isVisible() and not window.presenter.isFullScreen()
