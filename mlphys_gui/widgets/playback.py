"""Play / pause / step / reset, the same in every animated view (DESIGN.md, "shape of the code").

An :class:`Animator` ticks on a QTimer and hands the tab the *simulated* time to advance:
wall-clock time since the last drawn frame times the speed, capped so a stalled frame does not
jump. Ticks that arrive while a frame is being drawn are dropped, not queued (the timer only
fires from the event loop, and a late frame simply shortens the next interval). "Step" advances a
fixed amount of simulated time whatever the speed.

After each frame the next tick is scheduled afresh and never sooner than ``IDLE_MS``: when a
frame takes longer than the frame interval (10⁶ particles), the event loop still gets a turn
between frames for input, other timers and workers' results, instead of frames back to back.
"""

from collections.abc import Callable

from PyQt6 import QtCore, QtWidgets

FRAME_INTERVAL_MS = 16
IDLE_MS = 4  # the least time left to the event loop between two frames
MAX_FRAME_SECONDS = 0.1


class Animator(QtCore.QObject):
    """Drives ``advance(simulated_seconds) -> bool`` (False stops playback) at display rate."""

    playingChanged = QtCore.pyqtSignal(bool)

    def __init__(self, advance: Callable[[float], bool], step_amount: float, parent=None):
        super().__init__(parent)
        self._advance = advance
        self.step_amount = step_amount
        self.speed = 1.0
        self._timer = QtCore.QTimer(self)
        self._timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
        self._timer.setInterval(FRAME_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self._clock = QtCore.QElapsedTimer()

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def play(self) -> None:
        if not self.playing:
            self._clock.start()
            self._timer.start(FRAME_INTERVAL_MS)
            self.playingChanged.emit(True)

    def pause(self) -> None:
        if self.playing:
            self._timer.stop()
            self.playingChanged.emit(False)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def step(self) -> None:
        """Pause and advance by the fixed step amount."""
        self.pause()
        self._advance(self.step_amount)

    def advance_by(self, wall_seconds: float) -> None:
        """What one frame of playback does, without the timer (for recording a video)."""
        self._advance(wall_seconds * self.speed)

    def _tick(self) -> None:
        elapsed = min(self._clock.restart() / 1000.0, MAX_FRAME_SECONDS)
        if not self._advance(elapsed * self.speed):
            self.pause()
        elif self.playing:  # advance may have paused (a diverging run)
            spent_ms = self._clock.elapsed()
            self._timer.start(max(FRAME_INTERVAL_MS - spent_ms, IDLE_MS))


class PlaybackBar(QtWidgets.QWidget):
    """Play/pause, step and reset buttons bound to an Animator and a reset callback."""

    def __init__(self, animator: Animator, reset: Callable[[], None], step_text: str, parent=None):
        super().__init__(parent)
        self.play_button = QtWidgets.QPushButton("▶ Play")
        self.play_button.setCheckable(True)
        self.play_button.setToolTip("Play / pause (Space)")
        self.step_button = QtWidgets.QPushButton("Step ▸")
        self.step_button.setToolTip(f"{step_text} (→)")
        self.reset_button = QtWidgets.QPushButton("Reset")
        self.reset_button.setToolTip("Reset this tab (R)")
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in (self.play_button, self.step_button, self.reset_button):
            layout.addWidget(button)
        self.play_button.clicked.connect(
            lambda checked: animator.play() if checked else animator.pause()
        )
        self.step_button.clicked.connect(animator.step)
        self.reset_button.clicked.connect(reset)
        animator.playingChanged.connect(self._show_playing)

    def _show_playing(self, playing: bool) -> None:
        self.play_button.setChecked(playing)
        self.play_button.setText("❚❚ Pause" if playing else "▶ Play")  # ⏸ is missing in DejaVu
