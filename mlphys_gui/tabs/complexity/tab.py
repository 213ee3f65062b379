"""Cost of linear algebra (notes §1.3): the matrix product, solve, the SVD and the determinant,
timed on this machine for n on a log grid.

The measurement runs off the GUI thread (LatestJob; timing.py sets and restores the BLAS
threads) and draws itself point by point; a new setting supersedes it, Cancel stops it. What it
measured is the tab's run progress: scenes and the session keep it, so a scene reopens with the
same points, and undo brings back the run measured for the settings it returns to (runs are
kept per setting until Measure again). A tab in the background measures only once shown, and a
measurement stops when its tab is hidden (it starts afresh when shown again).
Numerics: core.complexity.
"""

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from PyQt6 import QtCore, QtGui

from core import complexity as cx
from mlphys_gui.state import Change
from mlphys_gui.tabs.base import FigureTab
from mlphys_gui.tabs.complexity import texts, timing
from mlphys_gui.tabs.complexity.controls import ComplexityControls
from mlphys_gui.tabs.complexity.figure import ComplexityFigure
from mlphys_gui.tabs.complexity.record import Run
from mlphys_gui.tabs.complexity.state import MEASURE_KEYS, SCHEMA
from mlphys_gui.worker import LatestJob

KEPT_RUNS = 32  # runs kept for undo, by setting
# While measuring, the figure is redrawn at most this often: a redraw holds the interpreter for
# ~30 ms, and the timing loop of a small matrix, Python code too, waits for it meanwhile.
REDRAW_MS = 250
REVEAL_SECONDS = 0.3  # a recorded video adds one size per this many seconds


class ComplexityTab(FigureTab):
    """Notes §1.3: the asymptotic exponents, and the constants the O(·) leaves out."""

    name = "complexity"
    title = "Cost of linear algebra"
    SCHEMA = SCHEMA

    def __init__(self, parent=None):
        super().__init__(parent)
        self.run = Run()
        self._runs: OrderedDict[tuple, Run] = OrderedDict()  # finished runs by setting
        self._measuring: tuple | None = None  # the setting being measured
        self._out_of_date = False
        self._recorded_seconds = 0.0
        self._redraw = QtCore.QTimer(self, singleShot=True, interval=REDRAW_MS)
        self._redraw.timeout.connect(self.draw)
        self.job = LatestJob(self)
        self.job.progress.connect(self._point_measured)
        self.job.finished.connect(self._measurement_done)
        self.job.failed.connect(self._measurement_failed)
        self.lay_out(ComplexityControls(self.controls), ComplexityFigure())
        self.panel.measure_button.clicked.connect(self.measure_again)
        self.panel.cancel_button.clicked.connect(self.cancel_measurement)
        self.panel.cancel_button.setEnabled(False)
        self.job.busyChanged.connect(self.panel.cancel_button.setEnabled)
        self.refresh()

    # ------------------------------------------------------------------ state
    def state_changed(self, change: Change) -> None:
        if change.origin != "restore" and change.touches(MEASURE_KEYS):
            self.refresh()  # (a restore: restore_progress decides)
        else:
            self.draw()

    def progress(self) -> dict[str, Any]:
        """The run on screen (its points so far, while measuring)."""
        return self.run.progress()

    def restore_progress(self, progress: Mapping[str, Any]) -> None:
        """Show the run a scene kept; a scene without one (a preset, the defaults) or saved
        while measuring is measured now (or shown from the runs kept for its setting)."""
        run = Run.from_progress(dict(progress))
        if not run.measured:
            self.refresh()
            return
        self._stop()
        self._out_of_date = False
        self.run = run
        self._keep(self.setting(), run)
        self.draw()

    def setting(self) -> tuple:
        """What a measurement depends on: the key of the runs kept."""
        return tuple(self.model[key] for key in MEASURE_KEYS)

    def _keep(self, setting: tuple, run: Run) -> None:
        self._runs[setting] = run
        self._runs.move_to_end(setting)
        while len(self._runs) > KEPT_RUNS:
            self._runs.popitem(last=False)

    # ------------------------------------------------------------------ measuring
    def refresh(self) -> None:
        """Show the run kept for the current setting, or measure it (once the tab is shown);
        with no operation chosen, nothing."""
        setting = self.setting()
        kept = self._runs.get(setting)
        if not (self.job.busy and self._measuring == setting):
            self._stop()
            self._out_of_date = False
            if kept is not None:
                self.run = kept
            elif not texts.selected(self.model.snapshot()):
                self.run = Run()
            elif self.isHidden():
                self.run = Run()
                self._out_of_date = True
            else:
                self.start()
        self.draw()

    def plan(self) -> tuple[tuple[int, ...], int]:
        """The sizes to time, and the memory cap (0: none): n stops where the largest
        operation's matrices would take more than half the memory available."""
        values = self.model.snapshot()
        grid = cx.size_grid(values["n_max"])
        available = cx.available_memory()
        limit = cx.memory_limit(texts.selected(values), grid, values["dtype"], available)
        memory_cap = max(limit, grid[0]) if limit < values["n_max"] else 0
        return texts.planned_sizes(values, memory_cap), memory_cap

    def start(self) -> None:
        """Measure the current setting, superseding any measurement running."""
        self._out_of_date = False
        values = self.model.snapshot()
        sizes, memory_cap = self.plan()
        request = cx.TimingRequest(
            tuple(texts.selected(values)),
            sizes,
            values["dtype"],
            values["repeats"],
            values["seed"],
            values["budget"],
        )
        threads = timing.blas_threads(values["threads"])
        self._measuring = self.setting()
        self._recorded_seconds = 0.0
        self.run = Run(outcome="running", memory_cap=memory_cap, threads_used=threads)
        self.panel.progress_bar.setRange(0, texts.planned_points(values, sizes))
        self.job.submit(timing.measure, timing.Measurement(request, threads, memory_cap))
        if memory_cap:
            self.message.emit(f"Sizes capped by memory: {texts.memory(self.run, values)}")
        self.draw()

    def measure_again(self) -> None:
        """Forget the run kept for this setting and measure it again."""
        self._runs.pop(self.setting(), None)
        self._measuring = None
        self.refresh()

    def cancel_measurement(self) -> None:
        """Stop the measurement; the points measured so far stay, marked cancelled."""
        if not self.job.busy:
            return
        self._stop()
        self.run = self.run.with_outcome("cancelled")
        self._keep(self.setting(), self.run)
        self.message.emit(f"Measurement cancelled after {len(self.run.timings)} points")
        self.draw()
        self.paused.emit()  # worth saving

    def _stop(self) -> None:
        if self.job.busy:
            self.job.cancel()
        self._measuring = None

    def _point_measured(self, values) -> None:
        (self.run,) = values
        if not self._redraw.isActive():
            self._redraw.start()

    def _measurement_done(self, run: Run | None) -> None:
        if run is None:
            return
        self.run = run
        if self._measuring is not None:
            self._keep(self._measuring, run)
        self._measuring = None
        if run.outcome == "time_capped":
            self.message.emit(texts.stopped_why(run, self.model.snapshot()))
        self.draw()
        self.paused.emit()  # the session keeps the finished run

    def _measurement_failed(self, why: str) -> None:
        self._measuring = None
        self.run = self.run.with_outcome("cancelled")
        self.message.emit(f"Measurement stopped: {why}")
        self.draw()

    def settle(self) -> None:
        """Wait for the measurement running (for an export); a tab never shown measures
        nothing."""
        self.job.wait(600_000)
        QtCore.QCoreApplication.processEvents()

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        if self._out_of_date:
            self.start()

    def hideEvent(self, event: QtGui.QHideEvent) -> None:
        """Another tab, or the window closed: a measurement stops (it would disturb what is
        shown now, and be disturbed by it) and starts afresh when the tab is shown again."""
        super().hideEvent(event)
        if self.job.busy:
            self._stop()
            self.run = Run()
            self._out_of_date = True
            self.draw()

    # ------------------------------------------------------------------ drawing
    def draw(self, run: Run | None = None) -> None:
        self._redraw.stop()
        run = run or self.run
        values = self.model.snapshot()
        self.figure.show(
            run,
            values["n_max"],
            values["show_guides"],
            values["show_fits"],
            texts.caption(run, values),
        )
        self.readouts.set_many(texts.readouts(run, values))
        self.panel.progress_bar.setValue(len(run.timings))

    # ------------------------------------------------------------------ recording
    def animate(self, wall_seconds: float) -> None:
        """For a video: the finished run appears again, one size every REVEAL_SECONDS."""
        self.settle()
        self._recorded_seconds += wall_seconds
        shown = 1 + int(self._recorded_seconds / REVEAL_SECONDS)
        self.draw(self.run.up_to(shown) if shown < len(self.run.sizes()) else self.run)
