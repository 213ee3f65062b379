"""Live Langevin particles and the Fokker–Planck density (notes §9.1–9.2).

A crowd of particles jitters in a potential V(x) (eq. 9.2 with μ = −V′, or with inertia,
eq. 9.1 written correctly); their histogram fills out while, on the same axis, the density p_t
of the Fokker–Planck equation (eq. 9.4) evolves towards the Boltzmann density ∝ exp(−2V/σ²).
σ → 0 shows pure transport (eq. 9.8). A 2-D mode shows particles over the contour map of a 2-D
potential. Numerics: core.langevin, core.fokker_planck, core.expressions.
"""

from collections.abc import Mapping
from dataclasses import replace
from time import monotonic
from typing import Any

import numpy as np

from core import langevin as lv
from core.langevin_run import LangevinRun
from mlphys_gui.state import Change
from mlphys_gui.tabs.base import FigureTab
from mlphys_gui.tabs.langevin.controls import LangevinControls
from mlphys_gui.tabs.langevin.figure import Frame, LangevinFigure
from mlphys_gui.tabs.langevin.state import HALF_WIDTH, SCHEMA, typed_potential
from mlphys_gui.widgets.playback import Animator
from mlphys_gui.worker import SerialJob

PDE_CELLS = 600
HISTOGRAM_BINS = 120  # PDE_CELLS is a multiple, so p_t averages onto the histogram bins
IMAGE_BINS = 90
DRAWN_PARTICLES = 2500
STEP_BUDGET = 1.0e6  # particle updates per frame before the run slows below the set speed
STEP_TIME = 0.05  # simulated time per press of →
HEAVY_FRAME_N = 200_000  # from here on, while playing, frames are computed off the GUI thread
READOUT_INTERVAL = 0.1  # s between readout updates while playing
MIN_SIGMA = 1e-6  # below this exp(−2V/σ²) underflows: no Boltzmann curve (σ → 0 is transport)
RESTART_KEYS = ("dimension", "n", "seed", "initial", "x0", "spread", "inertia")
RUN_KEYS = ("sigma", "dt", "gamma", "mass")
POTENTIAL_KEYS = ("potential", "k", "depth", "tilt", "ky", "expression")
SHOW_KEYS = ("show_histogram", "show_pde", "show_boltzmann")


class LangevinTab(FigureTab):
    """Notes §9.1–9.2: Langevin particles beside the Fokker–Planck density."""

    name = "langevin"
    title = "Langevin / Fokker–Planck"
    SCHEMA = SCHEMA

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pde_edges = np.linspace(-HALF_WIDTH, HALF_WIDTH, PDE_CELLS + 1)
        self.grid = 0.5 * (self.pde_edges[1:] + self.pde_edges[:-1])  # cell centres
        self.edges = np.linspace(-HALF_WIDTH, HALF_WIDTH, HISTOGRAM_BINS + 1)
        self.image_edges = np.linspace(-HALF_WIDTH, HALF_WIDTH, IMAGE_BINS + 1)
        self.run: LangevinRun | None = None
        self._potential = None
        self._jitter = np.zeros(0)
        self._jitter_scale = 0.0
        self._boltzmann: np.ndarray | None = None
        self._readouts_shown_at = 0.0
        self._time_owed = 0.0  # simulated time of ticks that came while a frame was computed
        self._wall_speed = float("nan")
        self.frame: Frame | None = None  # the numbers on screen
        self._frames = SerialJob(self)
        self._settling = False
        self._changes_waiting = False  # the state changed the run's parameters mid-frame
        self._frames.finished.connect(self._frame_ready)
        self._frames.failed.connect(self._frame_failed)
        self.animator = Animator(self.advance, step_amount=STEP_TIME, parent=self)
        self.animator.playingChanged.connect(self._playing_changed)
        self.attach_animator(self.animator)
        self.panel = LangevinControls(
            self.controls, self.animator, self.reset, f"Advance t by {STEP_TIME}"
        )
        figure = LangevinFigure(self.grid, self.edges, self.image_edges)
        self.lay_out(self.panel, figure, figure.pages)
        self.rebuild()

    # ------------------------------------------------------------------ state
    def state_changed(self, change: Change) -> None:
        model = self.model
        restart = change.touches(RESTART_KEYS) or (
            "mass" in change.keys and model["inertia"] and model["dimension"] == "1d"
        )
        if restart:
            self.rebuild()
        elif change.touches(POTENTIAL_KEYS + RUN_KEYS):
            self._run_changed(potential_changed=change.touches(POTENTIAL_KEYS))
        elif change.touches(SHOW_KEYS):
            self._draw(self.frame)  # the same numbers, other curves shown
        self._show_relevant_controls()

    def progress(self) -> dict[str, Any]:
        """The time of the picture on screen: replaying the run from its seed to it gives that
        picture again. Read without waiting for a frame being computed (autosave runs while
        10⁶ particles play)."""
        return {"time": round(self.frame.t, 12) if self.frame is not None else 0.0}

    def restore_progress(self, progress: Mapping[str, Any]) -> None:
        """Start the run again from its seed (unless it is at t = 0 already) and replay it to
        the saved time: the same particles every time."""
        if self.ensemble.t > 0:
            self.rebuild()
        if progress["time"] > 0:
            self.run_for(progress["time"])

    # ------------------------------------------------------------------ model
    def potential(self):
        """The potential the state describes."""
        model = self.model
        kind, depth, tilt = model["potential"], model["depth"], model["tilt"]
        if kind == "expression":
            return typed_potential(model["expression"], model["dimension"])
        if model["dimension"] == "2d":
            return lv.double_well_2d(depth, model["ky"], tilt if kind == "tilted" else 0.0)
        if kind == "harmonic":
            return lv.harmonic(model["k"])
        if kind == "double_well":
            return lv.double_well(depth)
        return lv.tilted_double_well(depth, tilt)

    def initial_condition(self):
        model = self.model
        kind, x0 = model["initial"], model["x0"]
        if kind == "uniform":
            return ("uniform", -HALF_WIDTH, HALF_WIDTH)
        if kind == "gaussian":
            return ("gaussian", x0, model["spread"])
        return x0

    @property
    def n(self) -> int:
        return self.model["n"]

    @property
    def ensemble(self):
        """The particles of the run on screen (None before the first run)."""
        return None if self.run is None else self.run.ensemble

    @property
    def pde(self):
        """p_t of the run on screen, when it evolves with the particles (1-D, overdamped)."""
        return None if self.run is None else self.run.pde

    @property
    def running_2d(self) -> bool:
        return self.run is not None and self.run.dim == 2

    def _show_relevant_controls(self) -> None:
        """The exact V′ of a typed potential, and the phase-space plot only with inertia
        (which controls show is declared with the state)."""
        model = self.model
        kind, two_d = model["potential"], model["dimension"] == "2d"
        label = self.panel.derivative_label
        derivative = getattr(self._potential, "derivative_text", None)
        label.setVisible(kind == "expression" and derivative is not None)
        label.setText(f"V′(x) = {derivative}" if derivative else "")
        self.figure.show_layout(two_d, model["inertia"] and not two_d)

    def rebuild(self) -> None:
        """Start again at t = 0: new particles from the seed, new p₀, same settings."""
        self.animator.pause()
        self.settle()
        model = self.model
        potential = self.potential()
        sigma, dt, seed, n = model["sigma"], model["dt"], model["seed"], model["n"]
        start = self.initial_condition()
        if model["dimension"] == "2d":
            point = start if not isinstance(start, float) else (start, 0.0)
            self.run = LangevinRun(
                potential, n, sigma, dt, seed, point, edges=self.image_edges, dim=2
            )
        else:
            self.run = LangevinRun(
                potential,
                n,
                sigma,
                dt,
                seed,
                start,
                edges=self.edges,
                cells_per_bin=PDE_CELLS // HISTOGRAM_BINS,
                gamma=model["gamma"] if model["inertia"] else None,
                mass=model["mass"],
            )
        self._potential = potential
        self._changes_waiting = False  # the new run was built from the state
        self._jitter = np.random.default_rng(seed + 1).uniform(-1.0, 1.0, DRAWN_PARTICLES)
        self._wall_speed = float("nan")
        self._draw_potential()
        self._show_relevant_controls()
        self.redraw()

    def _run_changed(self, potential_changed: bool) -> None:
        """V, σ, dt, γ or m changed: V, the Boltzmann density and the dots on V are drawn at
        once, and the run takes the change now or, while a frame is being computed, right
        after it (a slider dragged during play never waits for the particles); particles and
        p_t continue. Until they move, their histogram and readouts stay those on screen: a
        drag at 10⁶ particles does not count them again."""
        self._potential = self.potential()
        self._changes_waiting = True
        if potential_changed or not self.running_2d:  # (the 2-D map of V has no σ in it)
            self._draw_potential()
        if not self._frames.busy:
            self._apply_changes()
        frame = self.frame
        if frame.heights is not None:  # 1-D: the dots sit on the new V
            frame = replace(frame, heights=self._heights(frame.sample))
        self._draw(frame)

    def _apply_changes(self) -> None:
        """Give the run the potential and parameters of the state (between frames)."""
        if not self._changes_waiting or self.ensemble is None:
            return
        self._changes_waiting = False
        model, run = self.model, self.run
        run.set_sigma(model["sigma"])
        run.set_dt(model["dt"])
        if run.inertia:
            run.set_gamma(model["gamma"])
        run.set_potential(self._potential)

    # ------------------------------------------------------------------ running
    def advance(self, time: float) -> bool:
        """Play: advance ``time`` of simulated time (fewer steps if the frame budget is hit).

        From HEAVY_FRAME_N particles on, while playing, the steps and the numbers of the
        picture are computed on the frame worker's thread and the event loop stays free for
        input; a tick that comes while a frame is being computed adds its time to the next.
        """
        if self.ensemble is None:
            return False
        if self.animator.playing and self.n >= HEAVY_FRAME_N:
            self._time_owed += time
            if not self._frames.busy:
                self._submit_frame()
            return True
        self.settle()
        if not self._run_steps(self._steps_for(time)):
            return False
        self._draw(self._snapshot(self._readouts_due()))
        return True

    def _steps_for(self, time: float) -> int:
        """Steps for ``time``, at most the frame budget; remembers the share of time run."""
        wanted = max(1, round(time / self.model["dt"]))
        steps = min(wanted, max(1, int(STEP_BUDGET / max(self.n, 1))))
        self._wall_speed = steps / wanted
        return steps

    def _submit_frame(self) -> None:
        self._apply_changes()
        steps = self._steps_for(self._time_owed)
        self._time_owed = 0.0
        self._frames.submit(self._compute_frame, steps, self._readouts_due())

    def _compute_frame(self, steps: int, with_readouts: bool) -> Frame:
        """On the frame worker's thread: the steps, then what the picture needs."""
        self._step_numerics(steps)
        return self._snapshot(with_readouts)

    def _frame_ready(self, frame: Frame) -> None:
        if self.animator.playing and self._time_owed > 0 and not self._settling:
            self._submit_frame()  # the next frame is computed while this one is drawn
        self._draw(frame)

    def _frame_failed(self, error: BaseException) -> None:
        if not isinstance(error, lv.DivergenceError):
            raise error  # a bug: the error dialog reports it
        self._diverged(error)

    def settle(self) -> None:
        """Finish the frame being computed, if any, and show it: the run is then this
        thread's to change (every change goes through here first) or to export."""
        self._settling = True
        try:
            self._frames.settle()
        finally:
            self._settling = False
        self._apply_changes()

    def _playing_changed(self, playing: bool) -> None:
        if not playing and self.ensemble is not None:
            self.settle()
            self._time_owed = 0.0
            self._draw(self._snapshot(True))  # the last frame's numbers, not ones 0.1 s old

    def _readouts_due(self) -> bool:
        """Always when paused; while playing, ten times a second are readable."""
        now = monotonic()
        if self.animator.playing and now - self._readouts_shown_at < READOUT_INTERVAL:
            return False
        self._readouts_shown_at = now
        return True

    def run_for(self, time: float) -> None:
        """Advance exactly ``time`` (restoring a scene): the same steps every time."""
        self.settle()
        if self._run_steps(round(time / self.model["dt"])):
            self.redraw()

    def _run_steps(self, steps: int) -> bool:
        try:
            self._step_numerics(steps)
        except lv.DivergenceError as error:
            self._diverged(error)
            return False
        return True

    def _step_numerics(self, steps: int) -> None:
        """The particles and p_t advance together (DivergenceError leaves both as they were
        before the failing step)."""
        self.run.step(steps)

    def _diverged(self, error: lv.DivergenceError) -> None:
        self.animator.pause()
        self.message.emit(f"Paused: {error}")
        self.redraw()

    # ------------------------------------------------------------------ drawing
    def _draw_potential(self) -> None:
        model = self.model
        if self.running_2d:
            centres = 0.5 * (self.image_edges[1:] + self.image_edges[:-1])
            xx, yy = np.meshgrid(centres, centres)
            self.figure.draw_potential_2d(self._potential.V_xy(xx, yy))
            return
        # kT = σ²/2 overdamped, σ²/(2γ) with inertia: the Boltzmann density of an effective σ
        # (from the state, not the run: the curve follows a slider before the run takes it)
        effective = lv.effective_sigma(model["sigma"], model["gamma"] if self.run.inertia else None)
        self._jitter_scale = self.figure.draw_potential(
            self._potential.V(self.grid), 0.5 * effective**2
        )
        self._boltzmann = (
            lv.boltzmann(self._potential, effective, self.grid) if effective > MIN_SIGMA else None
        )

    def redraw(self) -> None:
        """Show the run as it is now (after any frame being computed)."""
        if self.ensemble is None:
            return
        self.settle()
        self._draw(self._snapshot(self._readouts_due()))

    def _snapshot(self, with_readouts: bool) -> Frame:
        """The numbers of one picture, from the run alone (no widget is read): safe on the
        frame worker's thread while the GUI thread waits or draws the frame before."""
        run, ensemble = self.run, self.ensemble
        histogram = run.histogram()
        stats = self._statistics(histogram) if with_readouts else None
        if run.dim == 2:
            return Frame(
                run.t, np.array(ensemble.xy[:DRAWN_PARTICLES]), None, None, histogram, None, stats
            )
        sample = np.array(ensemble.x[:DRAWN_PARTICLES])
        velocity = np.array(ensemble.v[:DRAWN_PARTICLES]) if run.inertia else None
        return Frame(run.t, sample, self._heights(sample), velocity, histogram, run.p, stats)

    def _heights(self, sample: np.ndarray) -> np.ndarray:
        """Where the drawn particles sit: on V(x), with a little vertical jitter."""
        return self._potential.V(sample) + self._jitter[: sample.size] * self._jitter_scale

    def _statistics(self, histogram: np.ndarray) -> dict[str, str]:
        """The readouts but speed, as text: the particles' moments, p_t's in brackets."""
        run = self.run
        summary = run.summary(histogram if run.dim == 1 else None)
        stats, pde = summary.particles, summary.density
        if pde is None:
            prefix = "x: " if run.dim == 2 else ""
            return {
                "mean": f"{prefix}{stats.mean:.3f}",
                "variance": f"{prefix}{stats.variance:.3f}",
                "right_well": f"{stats.fraction_right:.3f}",
                "distance": "— (1-D only)" if run.dim == 2 else "— (overdamped only)",
            }
        return {
            "mean": f"{stats.mean:.3f}  ({pde.mean:.3f})",
            "variance": f"{stats.variance:.3f}  ({pde.variance:.3f})",
            "right_well": f"{stats.fraction_right:.3f}  ({pde.fraction_right:.3f})",
            "distance": f"{summary.distance:.4f}",
        }

    def _draw(self, frame: Frame) -> None:
        self.frame = frame
        self.figure.draw(frame, self._boltzmann, {key: self.model[key] for key in SHOW_KEYS})
        if frame.statistics is not None:
            self._show_readouts(frame)

    def _show_readouts(self, frame: Frame) -> None:
        ratio, speed = self._wall_speed, self.model["speed"]
        self.readouts.set_many(
            {
                "t": f"{frame.t:.3f}",
                **frame.statistics,
                "speed": "—"
                if not np.isfinite(ratio)
                else f"{ratio * speed:.3g} t/s" + ("" if ratio >= 1 else " (N limits it)"),
            }
        )

    # ------------------------------------------------------------------ export
    def plotted_data(self):
        self.settle()
        return self.figure.plotted_data(self.frame)
