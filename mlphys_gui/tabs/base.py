"""What every tab is: a declared state, controls bound to it, a figure, undo, playback keys.

A tab subclasses :class:`TabBase`, declares ``name``, ``title`` and its ``SCHEMA``
(:mod:`mlphys_gui.state`), builds its controls with ``self.controls`` (from the declaration) and
implements the contract below; a subclass that misses a part of it is refused when it is
defined. Every change of a parameter, from a control, a drag in a plot, Play, undo or a scene,
reaches the tab once as a :class:`~mlphys_gui.state.Change` in ``state_changed`` and is then
announced by the ``stateChanged`` signal (the main window autosaves on it).
"""

import math
from collections.abc import Mapping
from time import monotonic
from typing import Any, ClassVar

from PyQt6 import QtCore, QtGui, QtWidgets

from mlphys_gui.export import Series
from mlphys_gui.state import Change, InvalidValueError, Schema, StateModel
from mlphys_gui.style import Style
from mlphys_gui.user_files import KIND_NAMES, UserFileError
from mlphys_gui.widgets.bound import Controls
from mlphys_gui.widgets.panels import ControlColumn, controls_beside
from mlphys_gui.widgets.playback import Animator

UNDO_STEPS = 200
MERGE_SECONDS = 0.8  # edits of the same field closer than this are one undo step (key repeat)

_CONTRACT = ("state_changed", "figure_view", "plotted_data", "apply_style")


class _StateCommand(QtGui.QUndoCommand):
    """One undoable change of a tab's parameters. Changes made within one gesture (a slider
    drag, a drag in a plot, a run of Play) merge into one step, as do quick repeats of the same
    field (a key held on a slider)."""

    def __init__(self, model: StateModel, change: Change, gesture: int | None):
        super().__init__(change.label)
        self._model = model
        self._before = dict(change.before)
        self._after = dict(change.after)
        self._gesture = gesture
        self._time = monotonic()
        self._done = True  # pushed after the change happened: the first redo() does nothing

    def id(self) -> int:
        return 1

    def mergeWith(self, other: QtGui.QUndoCommand) -> bool:
        if not isinstance(other, _StateCommand):
            return False
        same_gesture = self._gesture is not None and other._gesture == self._gesture
        repeat = (  # a key held on a focused slider, or a spin box clicked quickly
            self._gesture is None
            and other._gesture is None
            and len(self._after) == 1
            and set(other._after) == set(self._after)
            and other._time - self._time < MERGE_SECONDS
        )
        if not (same_gesture or repeat):
            return False
        for key, value in other._before.items():
            self._before.setdefault(key, value)
        self._after.update(other._after)
        self._time = other._time
        self.setText(other.text())
        return True

    def undo(self) -> None:
        self._time = -math.inf  # an undone or redone step takes in no later edit
        self._model.apply_checked(self._before, "undo")

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._time = -math.inf
        self._model.apply_checked(self._after, "redo")


class TabBase(QtWidgets.QWidget):
    """Base of a topic tab.

    A subclass sets ``name`` (the command-line and scene name), ``title`` (the tab label) and
    ``SCHEMA`` (its declared parameters), and implements:

    - ``state_changed(change)``: react to a change of the parameters (recompute, redraw);
    - ``figure_view() -> QGraphicsView``: what Export figure draws;
    - ``plotted_data() -> list[Series]``: what the figure shows, for Export data (CSV);
    - ``apply_style(style)``: theme, font scale and line width, on the existing items.

    A tab with run progress (declared in ``SCHEMA.progress``) also overrides ``progress()`` and
    ``restore_progress(progress)``. A tab that opens the user's files lists their kinds in
    ``accepts`` and overrides ``import_file`` (and ``import_text`` for pasted data).
    ``message`` carries text for the status bar.
    Space, → and R call ``toggle_play``, ``step`` and ``reset``.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    SCHEMA: ClassVar[Schema]

    message = QtCore.pyqtSignal(str)
    stateChanged = QtCore.pyqtSignal(object)  # the Change
    paused = QtCore.pyqtSignal()  # playback stopped: the run's progress is worth saving
    importRequested = QtCore.pyqtSignal(str)  # a button asks for File → Import data… ("data")
    animator: Animator | None = None  # the animator Space, → and recordings drive
    has_playback: ClassVar[bool] = True  # Space plays something (a deck step may play it)
    #: The kinds of file the tab opens ("data", "image"), each with what it becomes here.
    accepts: ClassVar[Mapping[str, str]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if vars(cls).get("_partial", False):
            return  # a partial implementation for tabs to build on (FigureTab)
        missing = [
            attr for attr in ("name", "title") if not isinstance(getattr(cls, attr, None), str)
        ]
        if not isinstance(getattr(cls, "SCHEMA", None), Schema):
            missing.append("SCHEMA")
        missing += [
            method for method in _CONTRACT if getattr(cls, method) is getattr(TabBase, method)
        ]
        if missing:
            raise TypeError(f"{cls.__name__} does not implement TabBase: {', '.join(missing)}")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = StateModel(self.SCHEMA)
        self.undo_stack = QtGui.QUndoStack(self)
        self.undo_stack.setUndoLimit(UNDO_STEPS)
        self._gesture: int | None = None
        self._gesture_depth = 0
        self._gestures = 0
        self._dragging = False
        self.controls = Controls(self.model, self)
        self.model.subscribe(self._model_changed)

    # ---------------------------------------------------------------- the contract
    def state_changed(self, change: Change) -> None:
        """React to a change of the parameters (``change.keys`` says which)."""

    def figure_view(self) -> QtWidgets.QGraphicsView:
        """The view Export figure draws."""

    def plotted_data(self) -> list[Series]:
        """What the figure shows, for Export data (CSV)."""

    def apply_style(self, style: Style) -> None:
        """Theme, font scale and line width, on the existing items."""

    def progress(self) -> dict[str, Any]:
        """Run progress saved beside the parameters (``SCHEMA.progress``)."""
        return {}

    def equations(self) -> list[tuple[str, str]]:
        """The typeset equations the tab shows: (file name in resources/equations, caption)."""
        return []

    def restore_progress(self, progress: Mapping[str, Any]) -> None:
        """Bring the run to ``progress`` (after the parameters were restored)."""

    def import_file(self, kind: str, path) -> str:
        """Open a file the user brings (File → Import data… or Open image…, drag and drop,
        ``--data``, ``--image``) as one undo step. Returns what was done, for the status bar;
        UserFileError says why not, and then nothing has changed."""
        raise UserFileError(f"the {self.title} tab does not open {KIND_NAMES[kind]}")

    def import_text(self, text: str, name: str) -> str:
        """Data pasted as text (Edit → Paste data), as :meth:`import_file`."""
        raise UserFileError(f"the {self.title} tab does not take pasted data")

    # ---------------------------------------------------------------- state
    def default_state(self) -> dict[str, Any]:
        return self.SCHEMA.defaults()

    def state(self) -> dict[str, Any]:
        """The whole state as JSON values: the parameters, then the run progress."""
        return {**self.model.values(), **self.progress()}

    def restore(self, state: Mapping[str, Any], label: str | None = "Open scene") -> None:
        """Show a state already checked against ``SCHEMA`` (a scene, a preset, a bookmark);
        one undo step named ``label`` (None: not undoable, as when the session is restored)."""
        if self.animator is not None:
            self.animator.pause()
        params, progress = self.SCHEMA.split(state)
        change = self.model.update(params, origin="restore", label=label or "Restore")
        if change is not None and label is not None:
            self.undo_stack.push(_StateCommand(self.model, change, None))
        elif change is not None:
            self.undo_stack.clear()
        self.restore_progress(progress)

    def edit(self, changes: Mapping[str, Any], label: str | None = None) -> bool:
        """Change parameters as the user asked (a control, a drag, a button): one undo step.
        A refused value is shown at its control and in the status bar; nothing changes."""
        try:
            self.apply_edit(changes, label)
        except InvalidValueError as error:
            self.controls.refused(error.key, str(error))
            self.message.emit(f"Not changed: {error}")
            return False
        return True

    def apply_edit(self, changes: Mapping[str, Any], label: str | None = None) -> None:
        """As :meth:`edit`, but a refused value raises InvalidValueError (for an import, which
        reports the refusal its own way)."""
        self.model.update(changes, origin="edit", label=label)

    def _model_changed(self, change: Change) -> None:
        if change.origin == "edit":
            self.undo_stack.push(_StateCommand(self.model, change, self._gesture))
        self.state_changed(change)
        self.stateChanged.emit(change)

    def begin_gesture(self) -> None:
        """The edits until ``end_gesture`` (a drag, a run of Play) are one undo step."""
        if self._gesture_depth == 0:
            self._gestures += 1
            self._gesture = self._gestures
        self._gesture_depth += 1

    def end_gesture(self) -> None:
        self._gesture_depth = max(0, self._gesture_depth - 1)
        if self._gesture_depth == 0:
            self._gesture = None

    def drag_moved(self) -> None:
        """A handle in a plot is being dragged: its edits until ``drag_done`` are one step."""
        if not self._dragging:
            self._dragging = True
            self.begin_gesture()

    def drag_done(self) -> None:
        if self._dragging:
            self._dragging = False
            self.end_gesture()

    @property
    def dragging(self) -> bool:
        return self._dragging

    def attach_animator(self, animator: Animator) -> None:
        """A run of Play is one gesture: what it changes is undone in one step; when it stops,
        ``paused`` says the progress is worth saving."""

        def playing_changed(playing: bool) -> None:
            if playing:
                self.begin_gesture()
            else:
                self.end_gesture()
                self.paused.emit()

        animator.playingChanged.connect(playing_changed)

    # ---------------------------------------------------------------- playback and export
    def settle(self) -> None:
        """Finish background work (a running sweep) so the figure is complete: for export."""

    def animate(self, wall_seconds: float) -> None:
        """One frame of ``wall_seconds`` of playback, for recording a video."""
        if self.animator is not None:
            self.animator.advance_by(wall_seconds)

    def toggle_play(self) -> None:
        """Space: play or pause the tab's animation, if it has one."""
        if self.animator is not None:
            self.animator.toggle()

    def step(self) -> None:
        """→: advance the animation a fixed amount."""
        if self.animator is not None:
            self.animator.step()

    def reset(self) -> None:
        """R: back to the default state (one undo step)."""
        self.restore(self.default_state(), label="Reset")


class FigureTab(TabBase):
    """A tab made of one control column and one figure side by side (every tab but the SVD
    tab, which has two views). ``lay_out(panel, figure)`` puts them in place; the figure's
    ``view`` is what Export figure draws, its ``plotted_data()`` what Export data writes, and
    the style goes to the figure and to the column's readouts and equations."""

    _partial = True
    panel: ControlColumn
    figure: Any

    def lay_out(self, panel: ControlColumn, figure: Any, figure_widget=None) -> None:
        """The column of controls left, the figure (or ``figure_widget``) right."""
        self.panel, self.figure, self.readouts = panel, figure, panel.readouts
        controls_beside(self, panel, figure_widget or figure.view)

    def figure_view(self) -> QtWidgets.QGraphicsView:
        return self.figure.view

    def plotted_data(self) -> list[Series]:
        return self.figure.plotted_data()

    def equations(self) -> list[tuple[str, str]]:
        return self.panel.equations.shown()

    def apply_style(self, style: Style) -> None:
        self.figure.apply_style(style)
        self.panel.apply_style(style)
