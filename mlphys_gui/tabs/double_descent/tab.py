"""Double descent (notes §5): test error against model size for min-norm least squares.

The sweep over widths p runs off the GUI thread (LatestJob: the newest setting wins, stale
curves are cleared) and draws itself trial by trial. A click on the error curve, or the p
slider, shows the fitted 1-D function at that width: wild near p = n, smooth again far past it.
Numerics: core.double_descent.
"""

from dataclasses import replace
from functools import cache

import numpy as np
from PyQt6 import QtCore

from core import double_descent as dd
from core.datasets import Digits, load_digits
from mlphys_gui.paths import resource_path
from mlphys_gui.state import Change
from mlphys_gui.tabs.base import FigureTab
from mlphys_gui.tabs.double_descent.controls import DoubleDescentControls
from mlphys_gui.tabs.double_descent.figure import DoubleDescentFigure
from mlphys_gui.tabs.double_descent.state import SCHEMA, largest_width
from mlphys_gui.worker import LatestJob

SWEEP_KEYS = ("family", "n", "sigma", "ridge", "ridgeless", "trials", "seed", "ratio")
FIT_KEYS = ("n", "sigma", "ridge", "ridgeless", "seed", "p_view")
REVEAL_SECONDS = 0.25  # a recorded video adds one trial per this many seconds


@cache
def shipped_digits() -> Digits:
    """The UCI handwritten digits shipped in resources/datasets (read once)."""
    return load_digits(resource_path("datasets", "digits.csv.gz"))


class DoubleDescentTab(FigureTab):
    """Notes §5: the second descent of min-norm least squares past p = n."""

    name = "double-descent"
    title = "Double descent"
    SCHEMA = SCHEMA
    has_playback = False  # the sweep runs by itself; nothing to play

    def __init__(self, parent=None):
        super().__init__(parent)
        self.result: dd.SweepResult | None = None  # what is drawn (maybe partial)
        self.finished_result: dd.SweepResult | None = None
        self._recorded_seconds = 0.0
        self.job = LatestJob(self)
        self.job.progress.connect(self._sweep_progress)
        self.job.finished.connect(self._sweep_finished)
        self.job.failed.connect(lambda why: self.message.emit(f"Sweep failed: {why}"))
        self.panel = DoubleDescentControls(self.controls)
        self.panel.cancel_button.clicked.connect(self.cancel_sweep)
        self.job.busyChanged.connect(self.panel.cancel_button.setEnabled)
        self.lay_out(self.panel, DoubleDescentFigure())
        self.figure.view.scene().sigMouseClicked.connect(self._plot_clicked)
        self.start_sweep()
        self.show_fit()

    # ------------------------------------------------------------------ state
    def state_changed(self, change: Change) -> None:
        if change.touches(SWEEP_KEYS):
            self.start_sweep()
        if change.touches(FIT_KEYS):
            self.show_fit()

    def params(self) -> dd.SweepParams:
        """A frozen snapshot of the state for the worker thread."""
        model = self.model
        return dd.SweepParams(
            n=model["n"],
            widths=dd.widths_for(model["n"], model["ratio"]),
            trials=model["trials"],
            sigma=model["sigma"],
            ridge=self._ridge(),
            features=model["family"],
            seed=model["seed"],
            data=shipped_digits() if model["family"] == "digits" else None,
        )

    def _ridge(self) -> float:
        return 0.0 if self.model["ridgeless"] else self.model["ridge"]

    # ------------------------------------------------------------------ sweep
    def start_sweep(self) -> None:
        """Supersede any running sweep with one for the current settings; clear stale curves."""
        params = self.params()
        self.result = self.finished_result = None
        self._recorded_seconds = 0.0
        self.figure.clear_sweep()
        self.panel.progress_bar.setRange(0, params.trials)
        self.panel.progress_bar.setValue(0)
        self.job.submit(dd.run_sweep, params)
        self.figure.show_theory(params)
        self.figure.show_family(params.features)
        top = params.widths[-1]
        self.panel.p_slider.set_range(1, top, max(1, top - 1))

    def cancel_sweep(self) -> None:
        if self.job.busy:
            self.job.cancel()
            done, total = self.panel.progress_bar.value(), self.panel.progress_bar.maximum()
            self.readouts.set("trials", f"{done} of {total} (cancelled)")
            self.message.emit(f"Sweep cancelled after {done} trials")

    def settle(self) -> None:
        self.job.wait()
        QtCore.QCoreApplication.processEvents()

    def _sweep_progress(self, values) -> None:
        done, _total, partial = values
        self.panel.progress_bar.setValue(done)
        self._show_result(partial, running=True)

    def _sweep_finished(self, result: dd.SweepResult) -> None:
        self.finished_result = result
        self._show_result(result)
        self.panel.progress_bar.setValue(result.trials_done)

    def _show_result(self, result: dd.SweepResult, running: bool = False) -> None:
        """Draw a sweep result; ``running``: a partial one while trials are still coming."""
        self.result = result
        self.figure.show_sweep(result)
        peak = int(np.nanargmax(result.test_mean))
        best = int(np.nanargmin(result.test_mean))
        cancelled = " (running)" if running else " (cancelled)" if result.cancelled else ""
        self.readouts.set_many(
            {
                "peak": f"{result.test_mean[peak]:.4g} at p = {result.p[peak]}",
                "best": f"p = {result.p[best]} (error {result.test_mean[best]:.4g})",
                "trials": f"{result.trials_done} of {result.params.trials}{cancelled}",
            }
        )

    # ------------------------------------------------------------------ function view
    def show_fit(self) -> None:
        model = self.model
        p, n = model["p_view"], model["n"]
        fit = dd.fit_function(n, p, model["sigma"], ridge=self._ridge(), seed=model["seed"])
        self.figure.show_fit(fit, p, n)
        self.readouts.set("fit", f"train {fit.train_error:.3g}, test {fit.grid_error:.3g}")

    def _plot_clicked(self, event) -> None:
        ratio = self.figure.ratio_at(event.scenePos())
        if ratio is None:
            return
        top = largest_width(self.model)
        self.edit({"p_view": int(np.clip(round(ratio * self.model["n"]), 1, top))})
        event.accept()

    # ------------------------------------------------------------------ playback
    def reset(self) -> None:
        self.job.cancel()
        super().reset()

    def animate(self, wall_seconds: float) -> None:
        """For a video: the finished sweep fills in again, one trial every REVEAL_SECONDS."""
        self.settle()
        full = self.finished_result
        if full is None or full.trials_done == 0:
            return
        self._recorded_seconds += wall_seconds
        shown = min(full.trials_done, 1 + int(self._recorded_seconds / REVEAL_SECONDS))
        partial = dd.SweepResult(
            replace(full.params, trials=shown),
            full.test_trials[:shown],
            full.train_trials[:shown],
            full.norm_trials[:shown],
        )
        self._show_result(partial, running=True)
        self.panel.progress_bar.setValue(shown)
