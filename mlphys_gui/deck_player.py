"""Going through a deck: which step is shown, and what runs on arrival.

Going to a step restores its tab's state through ``tab.restore(state, label=…)`` (one undo step,
named after the step) and shows that tab. A step with ``play`` starts its tab's animation on
arrival: for its number of seconds, or until the lecturer pauses it (Space) or moves on.
Going back (PageUp) shows a step as it starts and leaves its animation to run: the next
PageDown plays it before it moves on, as slide tools run a slide's pending animation first.
Leaving a step pauses the animation it started.
"""

from collections.abc import Callable, Mapping
from pathlib import Path

from PyQt6 import QtCore

from mlphys_gui.deck import UNTIL_PAUSED, Deck, Step
from mlphys_gui.tabs.base import TabBase


class DeckPlayer(QtCore.QObject):
    """The open deck, the step on screen, and its animation.

    ``show(step, label)`` puts a step on screen (the main window restores the tab and selects
    it). ``changed`` is emitted whenever the deck, the step or what is pending changes.
    """

    changed = QtCore.pyqtSignal()

    def __init__(
        self,
        tabs: Mapping[str, TabBase],
        show: Callable[[Step, str], None],
        parent: QtCore.QObject | None = None,
    ):
        super().__init__(parent)
        self._tabs = tabs
        self._show = show
        self.deck: Deck | None = None
        self.path: Path | None = None  # where the deck was opened from or saved to
        self.modified = False  # edited since it was opened or saved
        self.index = 0
        self.pending = False  # the step's animation is still to run
        self._stop_timer = QtCore.QTimer(self)
        self._stop_timer.setSingleShot(True)
        self._stop_timer.timeout.connect(self._stop_playing)

    # ------------------------------------------------------------------ the deck
    def open(self, deck: Deck, path: Path | None = None, show_first: bool = True) -> None:
        """Make ``deck`` the current deck (from a file, or new) and show its first step, its
        animation left to run (F5 or PageDown plays it)."""
        self._stop_playing()
        self.deck, self.path, self.modified = deck, path, path is None
        self.index, self.pending = 0, False
        if show_first:
            self.go(0, play=False)
        else:
            self.changed.emit()

    def edit(self, deck: Deck, index: int | None = None) -> None:
        """The deck as the editor changed it; ``index`` is the step now current (the step on
        screen is not shown again: the editor changes the file, not the tabs)."""
        self.deck, self.modified = deck, True
        if index is not None:
            self.index = index
        self.index = min(self.index, len(deck) - 1)
        self.changed.emit()

    def saved(self, path: Path) -> None:
        self.path, self.modified = path, False
        self.changed.emit()

    @property
    def step(self) -> Step | None:
        return None if self.deck is None else self.deck.steps[self.index]

    @property
    def next_step(self) -> Step | None:
        if self.deck is None or self.index + 1 >= len(self.deck):
            return None
        return self.deck.steps[self.index + 1]

    # ------------------------------------------------------------------ moving
    def go(self, index: int, play: bool = True) -> bool:
        """Show step ``index`` (counted from 0); ``play``: start what runs on arrival, else
        leave it pending. False when there is no such step."""
        if self.deck is None or not 0 <= index < len(self.deck):
            return False
        self._stop_playing()
        self.index = index
        step = self.deck.steps[index]
        self._show(step, f"Step {index + 1}: {step.title}")
        self.pending = step.play is not None
        if play:
            self._start_playing()
        self.changed.emit()
        return True

    def next(self) -> bool:
        """PageDown: play the step's pending animation, else go on to the next step."""
        if self.pending:
            self._start_playing()
            self.changed.emit()
            return True
        return self.deck is not None and self.go(self.index + 1)

    def previous(self) -> bool:
        """PageUp: the step before, as it starts (its animation pending)."""
        return self.deck is not None and self.go(self.index - 1, play=False)

    def first(self) -> bool:
        return self.go(0)

    def last(self) -> bool:
        return self.deck is not None and self.go(len(self.deck) - 1)

    # ------------------------------------------------------------------ playing
    def _animator(self):
        step = self.step
        return None if step is None else self._tabs[step.tab].animator

    def _start_playing(self) -> None:
        step, animator = self.step, self._animator()
        self.pending = False
        if step is None or step.play is None or animator is None:
            return
        animator.play()
        if step.play != UNTIL_PAUSED:
            self._stop_timer.start(round(step.play * 1000))

    def _stop_playing(self) -> None:
        """Pause what the current step started (a timed run at its end, or when leaving)."""
        self._stop_timer.stop()
        animator = self._animator()
        if animator is not None and animator.playing:
            animator.pause()

    @property
    def playing(self) -> bool:
        animator = self._animator()
        return animator is not None and animator.playing
