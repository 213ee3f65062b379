"""What every tab offers the main window: state as a scene, a figure to export, playback keys."""

from collections.abc import Mapping
from typing import Any, ClassVar

from PyQt6 import QtCore, QtWidgets

from mlphys_gui.export import Series
from mlphys_gui.scene import StateSpec
from mlphys_gui.style import Style
from mlphys_gui.widgets.entries import ValueSlider
from mlphys_gui.widgets.playback import Animator


class TabBase(QtWidgets.QWidget):
    """Base of a topic tab.

    A subclass sets ``name`` (the command-line and scene name), ``title`` (the tab label) and
    ``STATE_SPEC`` (the scene fields, their checks and a cross-field rule), and implements:

    - ``default_state() -> dict`` and ``state() -> dict``: the whole state as JSON-able values;
    - ``restore(state)``: show a state already checked against ``STATE_SPEC``;
    - ``figure_view() -> QGraphicsView``: what Export figure draws;
    - ``plotted_data() -> list[Series]``: what the figure shows, for Export data (CSV);
    - ``apply_style(style)``: theme, font scale and line width, on the existing items.

    ``message`` carries text for the status bar (why a control refused a value, hints).
    Space, → and R call ``toggle_play``, ``step`` and ``reset``.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    STATE_SPEC: ClassVar[StateSpec]

    message = QtCore.pyqtSignal(str)
    animator: Animator | None = None  # a tab that plays sets its Animator here

    def default_state(self) -> dict[str, Any]: ...

    def state(self) -> dict[str, Any]: ...

    def restore(self, state: Mapping[str, Any]) -> None: ...

    def figure_view(self) -> QtWidgets.QGraphicsView: ...

    def plotted_data(self) -> list[Series]: ...

    def apply_style(self, style: Style) -> None: ...

    def add_slider(self, layout: QtWidgets.QBoxLayout, *args, **kwargs) -> ValueSlider:
        """A :class:`ValueSlider` added to ``layout``; its refusals go to the status bar."""
        slider = ValueSlider(*args, **kwargs)
        slider.rejected.connect(self.message)
        layout.addWidget(slider)
        return slider

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
        """R: back to the default state."""
        self.restore(self.default_state())
