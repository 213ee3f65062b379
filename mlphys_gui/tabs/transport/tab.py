"""Measure transport: score-based diffusion, probability flow and flow matching (notes §9.2–9.5).

Particles drawn from the base N(0, I) are carried to a Gaussian-mixture target by three
processes whose fields are exact (core.transport): the reverse-time SDE of the variance-preserving
diffusion, its probability-flow ODE (same marginals, no noise) and the flow-matching ODE of the
linear interpolant. Sampling runs in a worker (the newest request wins); the time slider and
play only pick the stored particles at generation time τ. The exact p_τ is drawn beside them, as
a curve and a (τ, x) map in 1-D, as a heat map in 2-D, with the vector field as arrows. The
target is edited by hand or made from the user's picture or point cloud (target.py).
"""

from pathlib import Path

import numpy as np
from PyQt6 import QtCore, QtGui

from core import densities
from core import transport as tr
from mlphys_gui.state import Change
from mlphys_gui.tabs.base import FigureTab
from mlphys_gui.tabs.transport.controls import TransportControls
from mlphys_gui.tabs.transport.figure import (
    BOX,
    PATHS_SHOWN,
    TAIL,
    ProcessPanel,
    TransportFigure,
    arrows_2d,
    nan_joined,
)
from mlphys_gui.tabs.transport.state import PROCESS_NAMES, SCHEMA
from mlphys_gui.tabs.transport.target import TargetEditing
from mlphys_gui.widgets.playback import Animator
from mlphys_gui.worker import LatestJob

FRAMES = 200  # stored times per run: enough for the slider, bounded memory
DENSITY_POINTS = 241  # 1-D grid of the exact p_τ
HEAT_TIMES = 101  # τ columns of the 1-D (τ, x) map
IMAGE_POINTS = 101  # 2-D heat-map grid per side
HISTOGRAM_BINS = 64  # 1-D histogram; 2-D uses HISTOGRAM_BINS_2D per side for the distance
HISTOGRAM_BINS_2D = 20
FIELD_TIMES, FIELD_POINTS, FIELD_POINTS_2D = 21, 17, 15
STEP_TAU = 0.05  # → advances τ by this much
LAYOUT_KEYS = ("dimension", "process")
SAMPLING_KEYS = ("steps", "n", "seed", "schedule", "beta_min", "beta_max")
SHOW_KEYS = ("show_exact", "show_particles", "show_field", "show_paths")


class TransportTab(FigureTab):
    """Notes §9.2–9.5: noise carried to data by a reverse SDE, a probability-flow ODE and
    flow matching, with every field exact (a Gaussian-mixture target)."""

    name = "transport"
    title = "Diffusion / flow matching"
    SCHEMA = SCHEMA
    accepts = {
        "image": "a picture whose shape the samplers generate (a 2-D target)",
        "data": "a point cloud, columns x (1-D) or x, y (2-D), as the target",
    }

    def __init__(self, parent=None):
        super().__init__(parent)
        self._out_of_date = False
        self.result: tr.SamplingResult | None = None
        self.job = LatestJob(self)
        self.job.progress.connect(self._sampling_progress)
        self.job.finished.connect(self._sampling_finished)
        self.job.failed.connect(lambda why: self.message.emit(f"Sampling failed: {why}"))
        self.x_grid = np.linspace(-BOX, BOX, DENSITY_POINTS)
        self.heat_taus = np.linspace(0.0, 1.0, HEAT_TIMES)
        self.image_grid = np.linspace(-BOX, BOX, IMAGE_POINTS)
        self.edges = np.linspace(-BOX, BOX, HISTOGRAM_BINS + 1)
        self.edges_2d = np.linspace(-BOX, BOX, HISTOGRAM_BINS_2D + 1)
        self.animator = Animator(self.advance, step_amount=STEP_TAU, parent=self)
        self.attach_animator(self.animator)
        self.panel = TransportControls(
            self.controls, self.animator, self.reset, f"Advance τ by {STEP_TAU}"
        )
        self.components = self.panel.components
        figure = TransportFigure()
        self.lay_out(self.panel, figure, figure.pages)
        self.target_editing = TargetEditing(self)
        for kind in ("image", "data"):
            self.panel.load_buttons[kind].clicked.connect(
                lambda _checked=False, k=kind: self.importRequested.emit(k)
            )
        for panel in figure.panels.values():
            panel.tau_line.sigPositionChanged.connect(self._tau_line_dragged)
            panel.tau_line.sigPositionChangeFinished.connect(lambda _line: self.drag_done())
        self._show_layout()
        self.resample()

    # ------------------------------------------------------------------ state
    @property
    def dim(self) -> int:
        return 2 if self.model["dimension"] == "2d" else 1

    @property
    def processes(self) -> tuple[str, ...]:
        chosen = self.model["process"]
        return tuple(PROCESS_NAMES) if chosen == "all" else (chosen,)

    def target(self) -> tr.GaussianMixture:
        return tr.GaussianMixture.from_rows(self.model[self.target_editing.key])

    def schedule(self) -> tr.NoiseSchedule:
        model = self.model
        return tr.NoiseSchedule(model["schedule"], model["beta_min"], model["beta_max"])

    def state_changed(self, change: Change) -> None:
        target_changed = self.target_editing.key in change.keys
        if change.touches(LAYOUT_KEYS):
            self.animator.pause()
            self._show_layout()
        elif target_changed:
            self.target_editing.show()
        if change.touches(LAYOUT_KEYS + SAMPLING_KEYS) or target_changed:
            self.resample()
        elif change.touches(("tau",) + SHOW_KEYS):
            self.redraw()

    def _show_layout(self) -> None:
        """Show the chosen dimension and processes, with this dimension's target."""
        self.figure.show_layout(self.processes, self.dim)
        self.target_editing.show()

    def import_file(self, kind: str, path: Path) -> str:
        return self.target_editing.import_file(kind, path)

    def _tau_line_dragged(self, line) -> None:
        self.drag_moved()
        self.edit({"tau": float(np.clip(line.value(), 0.0, 1.0))})

    # ------------------------------------------------------------------ sampling
    def resample(self) -> None:
        """Sample again for the current settings, off the GUI thread; newest request wins.

        A tab not on screen only notes that it is out of date, and samples when it is
        shown (or settled for an export): the app's start does not wait for it.
        """
        self._out_of_date = not self.isVisible()
        if not self._out_of_date:
            self._submit()

    def _submit(self) -> None:
        self._out_of_date = False
        model = self.model
        request = tr.SamplingRequest(
            self.target(),
            self.processes,
            model["n"],
            model["steps"],
            model["seed"],
            self.schedule(),
            frames=FRAMES,
        )
        self.readouts.set("sampling", "sampling…")
        self.job.submit(tr.sample_processes, request)

    def settle(self) -> None:
        if self._out_of_date:
            self._submit()
        self.job.wait()
        QtCore.QCoreApplication.processEvents()

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        if self._out_of_date:
            self._submit()

    def _sampling_progress(self, values) -> None:
        done, total = values
        self.readouts.set("sampling", f"sampling… {done} of {total}")

    def _sampling_finished(self, result: tr.SamplingResult | None) -> None:
        if result is None:
            return
        self.result = result
        request = result.request
        self.readouts.set_many(
            {
                "sampling": f"{request.n} × {request.steps} steps in {result.seconds * 1e3:.0f} ms "
                f"({result.particle_steps_per_second / 1e6:.1f} M/s)",
                "base_mismatch": f"{tr.base_mismatch(request.schedule):.2g}",
            }
        )
        self._draw_static_1d()
        self.redraw(anew=True)

    # ------------------------------------------------------------------ time
    def advance(self, amount: float) -> bool:
        """Move τ on by ``amount``; from the end, start again at 0. False when τ reaches 1."""
        tau = self.model["tau"]
        tau = 0.0 if tau >= 1.0 else min(tau + amount, 1.0)
        self.edit({"tau": tau})
        return tau < 1.0

    # ------------------------------------------------------------------ drawing
    def _exact(self, process: str, tau: float) -> tr.GaussianMixture:
        """The exact p_τ of the process whose particles are on screen."""
        request = self.result.request
        return tr.marginal(request.target, process, tau, request.schedule)

    def _draw_static_1d(self) -> None:
        """What a sampling result fixes in 1-D, drawn once per result."""
        request = self.result.request
        if request.target.dim != 1:
            return
        target_density = tr.grid_density(request.target, self.x_grid)
        for process, trajectory in self.result.trajectories.items():
            columns = [
                tr.grid_density(self._exact(process, float(t)), self.x_grid) for t in self.heat_taus
            ]
            heat = np.sqrt(np.column_stack(columns))  # √p: the tails stay visible
            shown = trajectory.x[:, :PATHS_SHOWN, 0]
            paths = nan_joined(np.tile(trajectory.tau, (shown.shape[1], 1)), shown.T)
            self.figure.panels[process].show_static_1d(
                heat, self._field_1d(process), paths, self.x_grid, target_density
            )

    def redraw(self, anew: bool = False) -> None:
        """Draw the particles at τ; ``anew``: a new sampling result (framed afresh)."""
        if self.result is None:
            return
        request = self.result.request
        tau = self.model["tau"]
        s = 1.0 - tau
        schedule = request.schedule
        values = {
            "tau": f"{tau:.3f}   (s = {s:.3f})",
            "alpha_sigma": f"{float(schedule.alpha(s)):.3f}, {float(schedule.sigma(s)):.3f}",
        }
        show = {key: self.model[key] for key in SHOW_KEYS}
        peaks = []  # 1-D: the highest density of each panel
        for process in PROCESS_NAMES:
            trajectory = self.result.trajectories.get(process)
            distance = None
            if trajectory is not None:
                panel = self.figure.panels[process]
                x = trajectory.interpolate(tau)
                exact = self._exact(process, tau)
                if request.target.dim == 1:
                    distance, peak = self._draw_1d(panel, x, exact, show)
                    peaks.append(peak)
                else:
                    distance = self._draw_2d(panel, trajectory, x, exact, show)
            values[f"distance_{process}"] = "—" if distance is None else f"{distance:.3f}"
        if peaks:
            self.figure.frame_densities(self.processes, max(peaks), anew)
        self.readouts.set_many(values)

    def _draw_1d(self, panel: ProcessPanel, x: np.ndarray, exact, show) -> tuple[float, float]:
        """The density panel at τ; (the histogram's distance to p_τ, the highest density)."""
        histogram = densities.histogram(x[:, 0], self.edges)
        density = tr.grid_density(exact, self.x_grid)
        heads = x[:PATHS_SHOWN, 0]
        peak = panel.show_1d(
            self.model["tau"], self.edges, histogram, self.x_grid, density, heads, show
        )
        return tr.histogram_distance(exact, histogram, self.edges), peak

    def _field_1d(self, process: str) -> tuple[np.ndarray, np.ndarray]:
        """Short segments along (1, v) in the (τ, x) plane, all of one length on screen."""
        request = self.result.request
        taus = np.linspace(0.02, 0.98, FIELD_TIMES)
        xs = np.linspace(-BOX + 0.3, BOX - 0.3, FIELD_POINTS)
        starts_t, starts_x, ends_t, ends_x = [], [], [], []
        aspect = 2 * BOX  # x spans 2·BOX where τ spans 1
        for t in taus:
            v = tr.velocity(request.target, process, float(t), xs, request.schedule)
            direction = np.column_stack([np.ones_like(v), v / aspect])
            direction /= np.linalg.norm(direction, axis=1, keepdims=True)
            half = 0.018 * direction
            starts_t.append(t - half[:, 0])
            ends_t.append(t + half[:, 0])
            starts_x.append(xs - half[:, 1] * aspect)
            ends_x.append(xs + half[:, 1] * aspect)
        segments_t = np.column_stack([np.concatenate(starts_t), np.concatenate(ends_t)])
        segments_x = np.column_stack([np.concatenate(starts_x), np.concatenate(ends_x)])
        return nan_joined(segments_t, segments_x)

    def _draw_2d(self, panel: ProcessPanel, trajectory, xy: np.ndarray, exact, show) -> float:
        request = self.result.request
        tau = self.model["tau"]
        image = (
            tr.grid_density(exact, self.image_grid, self.image_grid) if show["show_exact"] else None
        )
        arrows = tails = None
        if show["show_field"]:
            grid = np.linspace(-BOX + 0.4, BOX - 0.4, FIELD_POINTS_2D)
            u, v = tr.vector_field(request.target, panel.process, tau, grid, grid, request.schedule)
            gx, gy = np.meshgrid(grid, grid)
            arrows = arrows_2d(gx, gy, u, v, 0.9 * (grid[1] - grid[0]))
        if show["show_paths"]:
            upto = (trajectory.tau <= tau) & (trajectory.tau >= tau - TAIL)
            tail = trajectory.x[upto, :PATHS_SHOWN, :]
            xs = np.vstack([tail[:, :, 0], xy[None, :PATHS_SHOWN, 0]]).T
            ys = np.vstack([tail[:, :, 1], xy[None, :PATHS_SHOWN, 1]]).T
            tails = nan_joined(xs, ys)
        panel.show_2d(xy, image, arrows, tails, show)
        histogram = densities.histogram_2d(xy, self.edges_2d, self.edges_2d)
        return tr.histogram_distance(exact, histogram, self.edges_2d, self.edges_2d)

    # ------------------------------------------------------------------ export
    def plotted_data(self):
        if self.result is None:
            return []
        tau = self.model["tau"]
        series = []
        centres = 0.5 * (self.edges[1:] + self.edges[:-1])
        for process, trajectory in self.result.trajectories.items():
            x = trajectory.interpolate(tau)
            exact = self._exact(process, tau)
            if x.shape[1] == 1:
                series.append(
                    (f"{process}_histogram", centres, densities.histogram(x[:, 0], self.edges))
                )
                series.append(
                    (f"{process}_exact_p_tau", self.x_grid, tr.grid_density(exact, self.x_grid))
                )
            else:
                series.append((f"{process}_particles", x[:, 0], x[:, 1]))
        target = self.result.request.target
        if target.dim == 1:
            series.append(("target", self.x_grid, tr.grid_density(target, self.x_grid)))
        else:
            series.append(("target_means", target.means[:, 0], target.means[:, 1]))
        return series

    def reset(self) -> None:
        self.job.cancel()
        super().reset()
