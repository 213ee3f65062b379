"""Lectures in the main window: decks (open, save, make, edit), the clicker's keys, presenting
with the presenter view on the projector and the console on the laptop, blanking the screen,
and handouts.

Keys, as presentation clickers send them: PageDown / PageUp the next / previous step (a step's
pending animation plays first), Home / End the first / last step, B or "." blanks the projector
(again: back), F5 presents from the first step (Shift+F5 from this one), Esc stops. A focused
text field keeps all of these (main_window's _FocusedControlKeys).
"""

import json
from pathlib import Path

from PyQt6 import QtCore, QtGui, QtWidgets

from mlphys_gui.deck import (
    Deck,
    DeckError,
    Step,
    deck_document,
    parse_deck,
    read_deck_file,
    write_deck_file,
)
from mlphys_gui.deck_editor import DeckEditor
from mlphys_gui.deck_player import DeckPlayer
from mlphys_gui.handout import HandoutCancelledError, HandoutError, write_handout
from mlphys_gui.paths import resource_path
from mlphys_gui.presenter import PresenterConsole, black_screen
from mlphys_gui.tabs import PLAYABLE, SCHEMAS

DECK_FILTER = "mlphys-gui decks and handouts (*.json *.pdf);;All files (*)"
BLANK_KEYS = ("B", ".")


def shipped_decks() -> list[tuple[str, Path]]:
    """(title, path) of the lectures in resources/decks, in file-name order (a file that
    cannot be read is left out; the deck itself is checked when it is opened)."""
    found = []
    for path in sorted(resource_path("decks").glob("*.json")):
        try:
            title = json.loads(path.read_text(encoding="utf-8"))["title"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        found.append((str(title) or path.stem, path))
    return found


class Lecture(QtCore.QObject):
    """The deck side of the main window ``window`` (which owns the tabs, the menus and the
    presenter view)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.player = DeckPlayer(window.tabs, self._show_step, self)
        self.editor = DeckEditor(self.player, window.tabs, self.current_step, window)
        self.editor.message.connect(window.show_message)
        self.editor.present_button.clicked.connect(lambda: self.present())
        window.addDockWidget(QtCore.Qt.DockWidgetArea.BottomDockWidgetArea, self.editor)
        self.editor.hide()
        self.console = PresenterConsole()
        self.console.hide()
        self.overlay = black_screen()  # the main window blanked, when no presenter view is open
        self.overlay.setParent(window)
        self.overlay.hide()
        self.presenting = False
        self._editor_was_shown = False
        self.player.changed.connect(self._deck_changed)

    # ------------------------------------------------------------------ menus and keys
    def add_file_actions(self, menu: QtWidgets.QMenu) -> None:
        add = self.window.add_action
        add(menu, "Open &deck…", self.open_deck_dialog, "Ctrl+Shift+O")
        self.save_action = add(menu, "Sa&ve deck…", self.save_deck_dialog)
        self.handout_action = add(menu, "Export &handout (PDF)…", self.handout_dialog)

    def build_menu(self, bar: QtWidgets.QMenuBar) -> None:
        add, menu = self.window.add_action, bar.addMenu("&Deck")
        add(menu, "&New deck from the current state", self.new_from_current)
        add(menu, "New deck from &bookmarks", self.new_from_bookmarks)
        self.add_step_action = add(
            menu, "&Add the current state as a step", self.add_step, "Ctrl+D"
        )
        self.editor_action = self.editor.toggleViewAction()
        self.editor_action.setText("Deck &editor")
        self.editor_action.setShortcut(QtGui.QKeySequence("Ctrl+Shift+D"))
        self.window.add_shortcut_row("Ctrl+Shift+D", "Show or hide the deck editor")
        menu.addAction(self.editor_action)
        lectures = menu.addMenu("&Lectures")
        for title, path in shipped_decks():
            action = lectures.addAction(title)
            action.triggered.connect(lambda _checked=False, p=path: self.open_deck(p))
        menu.addSeparator()
        self.present_action = add(
            menu,
            "&Present from the first step",
            lambda: self.present(),
            "F5",
            keys_help="Present the deck: plots on the projector, notes and timer here",
        )
        self.present_here_action = add(
            menu, "Present from &this step", lambda: self.present(from_start=False), "Shift+F5"
        )
        self.stop_action = add(menu, "&Stop presenting", self.stop_presenting, "Esc")
        self.next_action = add(
            menu,
            "&Next step",
            self.player.next,
            "PgDown",
            keys_help="Next step of the deck (a step's animation still to run plays first)",
        )
        self.previous_action = add(menu, "P&revious step", self.player.previous, "PgUp")
        self.first_action = add(menu, "&First step", self.player.first, "Home")
        self.last_action = add(menu, "&Last step", self.player.last, "End")
        self.blank_action = add(menu, "&Blank the screen", self.toggle_blank)
        self.blank_action.setShortcuts([QtGui.QKeySequence(key) for key in BLANK_KEYS])
        self.window.add_shortcut_row(" or ".join(BLANK_KEYS), "Blank the screen (again: back)")
        self._deck_changed()

    def clicker_actions(self) -> list[QtGui.QAction]:
        """What the presenter window answers too (it has focus when the lecturer clicked it)."""
        return [
            self.next_action,
            self.previous_action,
            self.first_action,
            self.last_action,
            self.blank_action,
            self.present_action,
            self.present_here_action,
        ]

    def _deck_changed(self) -> None:
        has_deck = self.player.deck is not None
        for action in (
            self.save_action,
            self.handout_action,
            self.next_action,
            self.previous_action,
            self.first_action,
            self.last_action,
        ):
            action.setEnabled(has_deck)
        self.stop_action.setEnabled(self.presenting)
        self._show_console()
        self.window.schedule_autosave()

    def show_editor(self) -> None:
        """The deck editor under the tabs, low enough to leave the figures most of the
        window (Qt gives a dock half the height otherwise)."""
        if not self.editor.isVisible():
            self.editor.show()
            height = max(self.editor.minimumSizeHint().height(), self.window.height() // 4)
            self.window.resizeDocks([self.editor], [height], QtCore.Qt.Orientation.Vertical)

    # ------------------------------------------------------------------ steps
    def _show_step(self, step: Step, label: str) -> None:
        self.window.show_state(step.tab, step.state, label)

    def current_step(self) -> Step:
        """A step holding what the current tab shows, titled after the tab."""
        tab = self.window.current_tab()
        return Step(tab.name, tab.state(), tab.title)

    def open_deck(self, path: str | Path) -> bool:
        """Open a deck file (or a handout PDF) and show its first step; on any problem the
        current deck stays and the status bar says why (naming the step)."""
        try:
            deck = read_deck_file(path, SCHEMAS, PLAYABLE)
        except DeckError as error:
            self.window.show_message(f"Deck not opened: {error}")
            return False
        self.player.open(deck, Path(path))
        self.show_editor()
        self.window.show_message(f"Opened deck {Path(path).name}: {len(deck)} steps")
        return True

    def save_deck(self, path: str | Path) -> bool:
        if self.player.deck is None:
            return False
        try:
            write_deck_file(path, self.player.deck)
        except OSError as error:
            self.window.show_message(f"Deck not saved: {error}")
            return False
        self.player.saved(Path(path))
        self.window.show_message(f"Saved deck {Path(path).name}")
        return True

    def new_from_current(self) -> None:
        self.player.open(Deck((self.current_step(),)), show_first=False)
        self.show_editor()
        self.window.show_message("New deck of one step: add more with Ctrl+D")

    def new_from_bookmarks(self) -> bool:
        """A deck of the bookmarks 1 … 9 that hold a state, in slot order."""
        steps = []
        for slot, (name, state) in self.window.bookmarks().items():
            steps.append(Step(name, state, f"Bookmark {slot}: {self.window.tabs[name].title}"))
        if not steps:
            self.window.show_message("No bookmarks to make a deck of: Ctrl+Shift+1 … 9 keep one")
            return False
        self.player.open(Deck(tuple(steps)))
        self.show_editor()
        self.window.show_message(f"New deck of {len(steps)} bookmarks")
        return True

    def add_step(self) -> None:
        self.editor.add_current()
        self.show_editor()

    def open_document(self, document, name: str) -> bool:
        """A deck already decoded (pasted as text)."""
        try:
            deck = parse_deck(document, SCHEMAS, PLAYABLE)
        except DeckError as error:
            self.window.show_message(f"Deck not opened: {error}")
            return False
        self.player.open(deck)
        self.show_editor()
        self.window.show_message(f"Opened the deck from {name}: {len(deck)} steps")
        return True

    def session_entry(self) -> dict | None:
        """The open deck as the autosaved session keeps it (a deck being written survives a
        crash), or None."""
        player = self.player
        if player.deck is None:
            return None
        return {
            "deck": deck_document(player.deck),
            "index": player.index,
            "path": None if player.path is None else str(player.path),
            "modified": player.modified,
        }

    def restore_session_entry(self, entry) -> bool:
        """The deck of the autosaved session, at its step (the tabs were restored already);
        False if it cannot be used."""
        try:
            deck = parse_deck(entry["deck"], SCHEMAS, PLAYABLE)
            index, path, modified = int(entry["index"]), entry["path"], bool(entry["modified"])
        except (DeckError, KeyError, TypeError, ValueError):
            return False
        self.player.open(deck, None if path is None else Path(str(path)), show_first=False)
        self.player.index = min(max(index, 0), len(deck) - 1)
        self.player.modified = modified
        self.player.changed.emit()
        return True

    # ------------------------------------------------------------------ presenting
    def present(self, from_start: bool = True) -> bool:
        """F5: the deck on the projector from its first step (Shift+F5: from this one), the
        console on the laptop."""
        if self.player.deck is None:
            self.window.show_message(
                "No deck to present: File → Open deck…, or Deck → Lectures, or Deck → New deck"
            )
            return False
        if from_start:
            self.player.first()
        elif self.player.pending:
            self.player.next()
        if not self.presenting:  # the console takes the editor's place on the laptop
            self._editor_was_shown = self.editor.isVisible()
            self.editor.hide()
        self.window.set_presenter_view(True, fill=True)
        self.presenting = True
        self.console.start_clock()
        self._deck_changed()
        return True

    def stop_presenting(self) -> None:
        """Esc: the presenter view closes, the console goes, the screen is not blank."""
        self.set_blank(False)
        if self.presenting and self._editor_was_shown:
            self.show_editor()
        self.presenting = False
        self.console.stop_clock()
        self.window.set_presenter_view(False)
        self._deck_changed()

    def _show_console(self) -> None:
        deck, step = self.player.deck, self.player.step
        self.console.setVisible(self.presenting and deck is not None)
        if deck is not None and step is not None:
            following = self.player.next_step
            self.console.show_step(
                self.player.index + 1,
                len(deck),
                step.title,
                step.note,
                None if following is None else following.title,
            )

    @property
    def blank(self) -> bool:
        presenter = self.window.presenter
        if presenter is not None and presenter.isVisible():
            return presenter.blank
        return self.overlay.isVisible()

    def toggle_blank(self) -> None:
        """B or ".": black on the projector (the presenter view, or this window when there is
        none), and back."""
        self.set_blank(not self.blank)

    def set_blank(self, on: bool) -> None:
        presenter = self.window.presenter
        if presenter is not None and presenter.isVisible():
            presenter.set_blank(on)
            self.overlay.hide()
        elif on:
            self.overlay.setGeometry(self.window.rect())
            self.overlay.raise_()
            self.overlay.show()
            self.overlay.setFocus()  # a text field that had the focus would take B as a letter
        else:
            self.overlay.hide()
        if presenter is not None and not on:
            presenter.set_blank(False)
        self.console.show_blank(on)

    def fit_overlay(self) -> None:
        """The black overlay covers the whole window (MainWindow.resizeEvent calls this; an
        event filter on the window outlived this object's Python half at exit)."""
        self.overlay.setGeometry(self.window.rect())

    # ------------------------------------------------------------------ dialogs
    def open_deck_dialog(self) -> None:
        start = str(resource_path("decks")) if self.player.path is None else str(self.player.path)
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self.window, "Open deck", start, DECK_FILTER
        )
        if path and not self.open_deck(path):
            QtWidgets.QMessageBox.warning(
                self.window, "Deck not opened", self.window.statusBar().currentMessage()
            )

    def _suggested_name(self, suffix: str) -> str:
        if self.player.path is not None:
            return str(self.player.path.with_suffix(suffix))
        title = (self.player.deck.title if self.player.deck else "") or "lecture"
        return "".join(c if c.isalnum() or c in "-_" else "-" for c in title.lower()) + suffix

    def save_deck_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self.window, "Save deck", self._suggested_name(".json"), "mlphys-gui deck (*.json)"
        )
        if path and not self.save_deck(path if path.endswith(".json") else path + ".json"):
            QtWidgets.QMessageBox.warning(
                self.window, "Deck not saved", self.window.statusBar().currentMessage()
            )

    def export_handout(self, path: str | Path) -> bool:
        """Write the handout of the open deck (one page per step) with a progress dialog."""
        deck = self.player.deck
        if deck is None:
            return False
        dialog = QtWidgets.QProgressDialog(
            "Drawing the handout…", "Cancel", 0, len(deck), self.window
        )
        dialog.setWindowTitle("Export handout")
        dialog.setMinimumDuration(300)
        view = self.window.current_tab()
        size = (view.width(), view.height())

        def progress(done: int, _total: int) -> bool:
            dialog.setValue(done)
            return not dialog.wasCanceled()

        try:
            pages = write_handout(path, deck, size, progress)
        except HandoutCancelledError:
            self.window.show_message("Handout cancelled; nothing was written")
            return False
        except HandoutError as error:
            self.window.show_message(f"Handout not written: {error}")
            return False
        finally:
            dialog.close()
        self.window.show_message(f"Wrote the handout {Path(path).name}: {pages} pages")
        return True

    def handout_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self.window, "Export handout", self._suggested_name(".pdf"), "PDF (*.pdf)"
        )
        if path and not self.export_handout(
            path if path.lower().endswith(".pdf") else path + ".pdf"
        ):
            QtWidgets.QMessageBox.warning(
                self.window, "Handout not written", self.window.statusBar().currentMessage()
            )
