"""Play / pause / step / reset, the same in every animated view (docs/architecture.md, §4).

An :class:`Animator` ticks on a QTimer and hands the tab the *simulated* time to advance:
wall-clock time since the last drawn frame times the speed, capped so a stalled frame does not
jump. Ticks that arrive while a frame is being drawn are dropped, not queued (the timer only
fires from the event loop, and a late frame simply shortens the next interval). "Step" advances a
fixed amount of simulated time whatever the speed.

Ticks are due at a fixed rate, ``FRAME_RATE`` a second, each deadline counted from the last one
(in nanoseconds, so whole-millisecond timer intervals do not drift the rate below 60 fps). A tick
is never sooner than ``IDLE_MS`` after the previous frame's work: when a frame takes longer than
the interval (10⁶ particles), the event loop still gets a turn between frames for input, other
timers and workers' results, and the schedule starts afresh instead of trying to catch up.
"""

from collections.abc import Callable

from PyQt6 import QtCore, QtWidgets

FRAME_RATE = 60  # ticks a second while playing
FRAME_NS = round(1e9 / FRAME_RATE)
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
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)
        self._clock = QtCore.QElapsedTimer()
        self._playing = False
        self._last_tick_ns = 0
        self._due_ns = 0

    @property
    def playing(self) -> bool:
        return self._playing

    def play(self) -> None:
        if not self.playing:
            self._playing = True
            self._clock.start()
            self._last_tick_ns = 0
            self._due_ns = FRAME_NS
            self._timer.start(round(FRAME_NS / 1e6))
            self.playingChanged.emit(True)

    def pause(self) -> None:
        if self.playing:
            self._playing = False
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

    def play_frames(self, wall_seconds: float, frame_seconds: float) -> None:
        """What playing for ``wall_seconds`` does, without the timer: frames of
        ``frame_seconds`` until the time is up or the animation ends (where Play pauses)."""
        for _ in range(round(wall_seconds / frame_seconds)):
            if not self._advance(frame_seconds * self.speed):
                break

    def _tick(self) -> None:
        now = self._clock.nsecsElapsed()
        elapsed = min((now - self._last_tick_ns) / 1e9, MAX_FRAME_SECONDS)
        self._last_tick_ns = now
        if not self._advance(elapsed * self.speed):
            self.pause()
        elif self.playing:  # advance may have paused (a diverging run)
            done = self._clock.nsecsElapsed()
            self._due_ns = max(self._due_ns + FRAME_NS, done + IDLE_MS * 1_000_000)
            self._timer.start(round((self._due_ns - done) / 1e6))


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
