"""The deck editor: a dock beside the tabs with the deck's steps in order and the fields of the
step on screen (its title, the lecturer's note, what runs on arrival).

Clicking a step shows it (its animation left to run: PageDown plays it). "Add current state"
puts the tab's state on screen after the current step; "Replace" puts it into the current step;
▲ ▼ or a drag reorder the steps. Every edit makes a new :class:`~mlphys_gui.deck.Deck` and hands
it to the :class:`~mlphys_gui.deck_player.DeckPlayer`; the editor shows what the player holds.
"""

from collections.abc import Callable, Mapping

from PyQt6 import QtCore, QtWidgets

from mlphys_gui.deck import (
    NOTE_LENGTH,
    PLAY_SECONDS,
    TITLE_LENGTH,
    UNTIL_PAUSED,
    Deck,
    DeckError,
    Step,
)
from mlphys_gui.deck_player import DeckPlayer
from mlphys_gui.tabs.base import TabBase

ARRIVALS = {
    "none": "Nothing runs",
    "seconds": "Play for",
    "until": "Play until paused",
}
DEFAULT_PLAY_SECONDS = 5.0


def _invalid(widget: QtWidgets.QWidget, why: str | None) -> None:
    """Mark a field red with the reason as its tooltip (the style sheets' invalid look)."""
    widget.setProperty("invalid", why is not None)
    widget.setToolTip(why or "")
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class DeckEditor(QtWidgets.QDockWidget):
    """The steps of the open deck and the fields of the current one.

    ``current_step()`` makes a step of the state on screen (the main window knows the tab);
    ``message`` goes to the status bar.
    """

    message = QtCore.pyqtSignal(str)

    def __init__(
        self,
        player: DeckPlayer,
        tabs: Mapping[str, TabBase],
        current_step: Callable[[], Step],
        parent=None,
    ):
        super().__init__("Deck", parent)
        self.setObjectName("deckEditor")
        self.player = player
        self._tabs = tabs
        self._current_step = current_step
        self._showing = False  # filling the widgets from the deck: their signals are not edits

        self.deck_title = QtWidgets.QLineEdit()
        self.deck_title.setPlaceholderText("Title of the lecture")
        self.deck_title.setMaxLength(TITLE_LENGTH)
        self.steps = QtWidgets.QListWidget()
        self.steps.setDragDropMode(QtWidgets.QAbstractItemView.DragDropMode.InternalMove)
        self.steps.setToolTip("Click a step to show it; drag to reorder")
        self.add_button = QtWidgets.QPushButton("Add current state")
        self.add_button.setToolTip("A new step after this one, holding what the tab shows now")
        self.replace_button = QtWidgets.QPushButton("Replace")
        self.replace_button.setToolTip("This step takes what the tab shows now")
        self.delete_button = QtWidgets.QPushButton("Delete")
        self.up_button = QtWidgets.QPushButton("▲")
        self.up_button.setToolTip("Move this step earlier")
        self.down_button = QtWidgets.QPushButton("▼")
        self.down_button.setToolTip("Move this step later")
        self.title = QtWidgets.QLineEdit()
        self.title.setMaxLength(TITLE_LENGTH)
        self.title.setPlaceholderText("What the audience reads")
        self.note = QtWidgets.QPlainTextEdit()
        self.note.setPlaceholderText("A short note for you, shown on the laptop while presenting")
        self.note.setTabChangesFocus(True)
        self.arrival = QtWidgets.QComboBox()
        for key, text in ARRIVALS.items():
            self.arrival.addItem(text, key)
        self.arrival.setToolTip("What runs when PageDown arrives at this step")
        self.seconds = QtWidgets.QDoubleSpinBox()
        self.seconds.setRange(*PLAY_SECONDS)
        self.seconds.setDecimals(1)
        self.seconds.setSuffix(" s")
        self.seconds.setValue(DEFAULT_PLAY_SECONDS)
        self.present_button = QtWidgets.QPushButton("Present (F5)")
        self.present_button.setToolTip(
            "Start the deck on the projector; PageDown / PageUp step, B blanks, Esc leaves"
        )
        self._lay_out()
        self._connect()
        self.show_deck()

    def _lay_out(self) -> None:
        """Under the tabs, left to right: the deck (title, steps, buttons), this step's fields
        and note. Below the tabs it takes height, which the control columns scroll for and the
        figures give up; beside them it took width, and a 1280-pixel screen cut the figures."""
        buttons = QtWidgets.QHBoxLayout()
        for button in (
            self.add_button,
            self.replace_button,
            self.delete_button,
            self.up_button,
            self.down_button,
        ):
            buttons.addWidget(button)
        deck = QtWidgets.QVBoxLayout()
        deck.addWidget(self.deck_title)
        deck.addWidget(self.steps, 1)
        deck.addLayout(buttons)
        arrival = QtWidgets.QHBoxLayout()
        arrival.addWidget(self.arrival, 1)
        arrival.addWidget(self.seconds)
        fields = QtWidgets.QFormLayout()
        fields.addRow("Title", self.title)
        fields.addRow("On arrival", arrival)
        fields.addRow("Note for the lecturer", self.note)
        step_box = QtWidgets.QGroupBox("This step")
        step_layout = QtWidgets.QVBoxLayout(step_box)
        step_layout.addLayout(fields, 1)
        step_layout.addWidget(self.present_button)
        content = QtWidgets.QWidget()
        layout = QtWidgets.QHBoxLayout(content)
        layout.addLayout(deck, 1)
        layout.addWidget(step_box, 1)
        self.setWidget(content)
        self.note.setMinimumHeight(60)
        self.steps.setMinimumHeight(90)

    def _connect(self) -> None:
        self.player.changed.connect(self.show_deck)
        self.steps.currentRowChanged.connect(self._row_chosen)
        self.steps.model().rowsMoved.connect(self._rows_dragged)
        self.deck_title.textEdited.connect(self._deck_title_edited)
        self.title.textEdited.connect(self._title_edited)
        self.note.textChanged.connect(self._note_edited)
        self.arrival.currentIndexChanged.connect(self._arrival_edited)
        self.seconds.valueChanged.connect(self._arrival_edited)
        self.add_button.clicked.connect(self.add_current)
        self.replace_button.clicked.connect(self.replace_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(+1))

    # ------------------------------------------------------------------ showing the deck
    def show_deck(self) -> None:
        """The widgets from the player's deck and step (their signals are not edits)."""
        deck, step = self.player.deck, self.player.step
        self._showing = True
        try:
            self._show_steps(deck)
            if self.deck_title.text() != (deck.title if deck else ""):
                self.deck_title.setText(deck.title if deck else "")
            if step is not None:
                self._show_fields(step)
        finally:
            self._showing = False
        for widget in (self.deck_title, self.title, self.note, self.arrival, self.seconds):
            widget.setEnabled(deck is not None)
        for button in (self.replace_button, self.delete_button, self.present_button):
            button.setEnabled(deck is not None)
        index = self.player.index
        self.up_button.setEnabled(deck is not None and index > 0)
        self.down_button.setEnabled(deck is not None and index < len(deck) - 1)

    def _show_steps(self, deck: Deck | None) -> None:
        texts = [] if deck is None else [self._row_text(i, s) for i, s in enumerate(deck.steps)]
        shown = [self.steps.item(row).text() for row in range(self.steps.count())]
        if shown != texts:
            self.steps.clear()
            self.steps.addItems(texts)
        if deck is not None and self.steps.currentRow() != self.player.index:
            self.steps.setCurrentRow(self.player.index)

    def _row_text(self, index: int, step: Step) -> str:
        where = self._tabs[step.tab].title
        arrival = f" · {step.describe_play()}" if step.play is not None else ""
        return f"{index + 1}. {step.title}\n     {where}{arrival}"

    def _show_fields(self, step: Step) -> None:
        if self.title.text() != step.title and self.title.property("invalid") is not True:
            self.title.setText(step.title)
        if self.note.toPlainText() != step.note:
            self.note.setPlainText(step.note)
        key = "none" if step.play is None else "until" if step.play == UNTIL_PAUSED else "seconds"
        self.arrival.setCurrentIndex(list(ARRIVALS).index(key))
        if key == "seconds":
            self.seconds.setValue(step.play)
        self.seconds.setEnabled(key == "seconds")
        self.arrival.setEnabled(self._tabs[step.tab].has_playback)
        self.arrival.setToolTip(
            "What runs when PageDown arrives at this step"
            if self._tabs[step.tab].has_playback
            else f"The {self._tabs[step.tab].title} tab has no animation to play"
        )

    # ------------------------------------------------------------------ edits
    def _edit_step(self, **changes) -> None:
        deck, step = self.player.deck, self.player.step
        if deck is not None and not self._showing:
            self.player.edit(deck.with_step(self.player.index, step.with_changes(**changes)))

    def _deck_title_edited(self, text: str) -> None:
        if self.player.deck is not None:
            self.player.edit(self.player.deck.with_title(text))

    def _title_edited(self, text: str) -> None:
        if not text.strip():
            _invalid(self.title, "A step needs a title (the last one is kept)")
            return
        _invalid(self.title, None)
        self._edit_step(title=text)

    def _note_edited(self) -> None:
        text = self.note.toPlainText()
        if len(text) > NOTE_LENGTH:
            _invalid(self.note, f"A note holds at most {NOTE_LENGTH} characters")
            return
        _invalid(self.note, None)
        self._edit_step(note=text)

    def _arrival_edited(self, *_args) -> None:
        if self._showing or self.player.step is None:
            return
        key = self.arrival.currentData()
        self.seconds.setEnabled(key == "seconds")
        play = {"none": None, "until": UNTIL_PAUSED, "seconds": self.seconds.value()}[key]
        self._edit_step(play=play)

    def _row_chosen(self, row: int) -> None:
        if not self._showing and row >= 0 and row != self.player.index:
            self.player.go(row, play=False)

    def add_current(self) -> None:
        """A new step after the current one, holding the state on screen."""
        step = self._current_step()
        if self.player.deck is None:
            self.player.open(Deck((step,)), show_first=False)
            return
        index = self.player.index + 1
        try:
            deck = self.player.deck.inserted(index, step)
        except DeckError as error:
            self.message.emit(f"Step not added: {error}")
            return
        self.player.edit(deck, index)
        self.message.emit(f"Added step {index + 1}: {step.title}")

    def replace_current(self) -> None:
        """The current step takes the state on screen (its title, note and arrival stay)."""
        deck, step = self.player.deck, self.player.step
        if deck is None:
            return
        fresh = self._current_step()
        play = step.play if self._tabs[fresh.tab].has_playback else None
        changed = step.with_changes(tab=fresh.tab, state=fresh.state, play=play)
        self.player.edit(deck.with_step(self.player.index, changed))
        self.message.emit(f"Step {self.player.index + 1} now holds what the tab shows")

    def delete_current(self) -> None:
        deck = self.player.deck
        if deck is None:
            return
        if len(deck) == 1:
            self.message.emit("A deck keeps at least one step")
            return
        index = self.player.index
        self.player.edit(deck.removed(index), min(index, len(deck) - 2))
        self.message.emit(f"Deleted step {index + 1}")

    def move_current(self, by: int) -> None:
        deck, index = self.player.deck, self.player.index
        if deck is not None and 0 <= index + by < len(deck):
            self.player.edit(deck.moved(index, index + by), index + by)

    def _rows_dragged(self, _parent, start: int, _end: int, _destination, row: int) -> None:
        """A step dragged from ``start`` to before ``row`` in the list."""
        deck = self.player.deck
        if deck is None or self._showing:
            return
        to = row - 1 if row > start else row
        self.player.edit(deck.moved(start, to), to)
