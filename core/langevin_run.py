"""Langevin particles and their Fokker–Planck density p_t, advanced together (notes §9.1–9.2).

A crowd of particles obeys eq. 9.2 with μ = −V′ (or eq. 9.1, corrected, with inertia); their
density obeys the Fokker–Planck equation, eq. 9.4.  :class:`LangevinRun` holds both — the
ensemble of :mod:`core.langevin` and, where eq. 9.4 describes the particles (1-D, overdamped),
the :class:`~core.fokker_planck.FokkerPlanck1D` density started from the same p₀ — and steps
them over the same simulated time, so that the histogram of the particles can be compared with
p_t at any moment (:mod:`core.densities`).

Why a module of its own: the run joins two topics, the particles (:mod:`core.langevin`) and the
density (:mod:`core.fokker_planck`, which builds on core.langevin's initial conditions).  Put in
core.langevin it would make that module import the one built on it; put in core.fokker_planck it
would make the PDE module own particles.  Here each of the three holds one thing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core import densities
from core import langevin as lv
from core.checks import array as _array
from core.checks import count as _count
from core.checks import grid as _grid
from core.checks import real as _real
from core.fokker_planck import MIN_CELLS, FokkerPlanck1D, FPSummary

__all__ = ["PDE_DT", "LangevinRun", "RunSummary"]

FloatArray = NDArray[np.float64]

#: Largest time step of p_t.  Backward Euler is stable for any step; this one keeps its O(dt)
#: error well below what the histogram of the particles can resolve.
PDE_DT = 2e-3


@dataclass(frozen=True)
class RunSummary:
    """What the readouts of a run show.

    Attributes
    ----------
    particles : EnsembleSummary
        Mean, variance and the fraction right of the barrier of the positions (x in 2-D).
    density : FPSummary or None
        The same moments of p_t, when a density evolves with the particles.
    distance : float or None
        Total-variation distance ½∫|histogram − p_t| on the histogram's bins
        (:func:`core.densities.binned_distance`), when a density evolves with the particles.
    """

    particles: lv.EnsembleSummary
    density: FPSummary | None
    distance: float | None


class LangevinRun:
    """n Langevin particles and, in 1-D without inertia, their density p_t (eqs. 9.2, 9.4).

    The particles are an :class:`~core.langevin.Ensemble` (1-D, overdamped), an
    :class:`~core.langevin.UnderdampedEnsemble` (1-D, with friction ``gamma``) or an
    :class:`~core.langevin.Ensemble2D` (``dim=2``).  For the first, p_t is a
    :class:`~core.fokker_planck.FokkerPlanck1D` on ``cells_per_bin`` cells per histogram bin of
    the same box, started from the particles' own law: a start at given positions (a point, or
    an array) is a sum of deltas, so p₀ is the histogram of the particles on those cells (at
    t = 0 the binned distance is 0); a uniform or Gaussian start is p₀ itself.  With inertia the
    positions alone obey no closed equation (eq. 9.4 is for eq. 9.2), so there is no p_t.

    Not thread-safe by itself: one thread at a time may step or read it (a GUI changes it only
    between the frames that its worker computes).

    Parameters
    ----------
    potential : Potential or Potential2D
        V(x), or V(x, y) for ``dim=2``.
    n : int
        Number of particles, in [0, 10⁸].
    sigma : float
        Noise amplitude σ ≥ 0.
    dt : float
        Time step of the particles, > 0.
    seed : int
        ≥ 0; the same seed gives the same particles.
    x0 : number, array, Uniform, Gaussian or tuple
        Initial positions, as for :class:`~core.langevin.Ensemble` (in 2-D a point (x, y)).
    edges : array, keyword-only
        Uniform bin edges of the histogram (in 2-D the same edges in x and y); their range is
        the box of p_t.
    cells_per_bin : int
        Cells of p_t per histogram bin, ≥ 1 (at least 3 cells in all).
    dim : {1, 2}
    gamma : float, optional
        Friction γ > 0 for a run with inertia (1-D only); None: overdamped.
    mass : float
        Particle mass m > 0 with inertia.
    pde_dt : float
        Largest time step of p_t, > 0 (default :data:`PDE_DT`).
    """

    def __init__(
        self,
        potential: Any,
        n: int,
        sigma: float,
        dt: float,
        seed: int = 0,
        x0: Any = 0.0,
        *,
        edges: ArrayLike,
        cells_per_bin: int = 5,
        dim: int = 1,
        gamma: float | None = None,
        mass: float = 1.0,
        pde_dt: float = PDE_DT,
    ) -> None:
        self._edges = _grid(edges, "edges", uniform=True)
        self._edges.setflags(write=False)
        cells = (self._edges.size - 1) * _count(cells_per_bin, "cells_per_bin", 1, 10**6)
        if cells < MIN_CELLS:
            raise ValueError(
                f"cells_per_bin: p_t needs at least {MIN_CELLS} cells, got {cells} "
                f"({self._edges.size - 1} bins × {cells_per_bin})"
            )
        if isinstance(dim, bool) or dim not in (1, 2):
            raise ValueError(f"dim must be 1 or 2, got {dim!r}")
        self._dim = dim
        self._pde_dt = _real(pde_dt, "pde_dt", lo=0.0, lo_open=True)
        self._pde: FokkerPlanck1D | None = None
        self._ensemble: Any
        if dim == 2:
            if gamma is not None:
                raise ValueError("gamma: a 2-D run has no inertia; pass gamma=None")
            self._ensemble = lv.Ensemble2D(potential, n, sigma, dt, seed, x0=x0)
        elif gamma is not None:
            self._ensemble = lv.UnderdampedEnsemble(
                potential, n, sigma, gamma, mass, dt, seed, x0=x0
            )
        else:
            self._ensemble = lv.Ensemble(potential, n, sigma, dt, seed, x0=x0)
            self._pde = self._density_of_the_particles(x0, cells)

    def _density_of_the_particles(self, x0: Any, cells: int) -> FokkerPlanck1D:
        """p_t on ``cells`` equal cells of the box, started from the particles' own law."""
        pde_edges = np.linspace(self._edges[0], self._edges[-1], cells + 1)
        grid = 0.5 * (pde_edges[1:] + pde_edges[:-1])  # cell centres
        start = lv.parse_initial_condition(x0)
        if isinstance(start, lv.Uniform | lv.Gaussian):
            p0: Any = start
        else:  # given positions, a sum of deltas: the cells the particles are in (a particle
            # on the right wall, x₀ = the box's end, is in the last cell: cells are half-open)
            inside = np.minimum(self._ensemble.x, np.nextafter(pde_edges[-1], -np.inf))
            p0 = densities.histogram(inside, pde_edges)
            if not np.any(p0 > 0):
                raise ValueError(
                    f"x0: no particle starts inside the cells [{pde_edges[0]:g}, "
                    f"{pde_edges[-1]:g}) of p_t, so p₀ would be 0"
                )
        ensemble = self._ensemble
        return FokkerPlanck1D(ensemble.potential, ensemble.sigma, grid, p0)

    # what it holds ---------------------------------------------------------------------------

    @property
    def ensemble(self) -> Any:
        """The particles: an Ensemble, UnderdampedEnsemble or Ensemble2D."""
        return self._ensemble

    @property
    def pde(self) -> FokkerPlanck1D | None:
        """p_t (1-D, overdamped), or None."""
        return self._pde

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def inertia(self) -> bool:
        """Whether the particles have inertia (eq. 9.1 with friction γ)."""
        return isinstance(self._ensemble, lv.UnderdampedEnsemble)

    @property
    def edges(self) -> FloatArray:
        """The histogram's bin edges (read-only)."""
        return self._edges

    @property
    def t(self) -> float:
        """Simulated time of the particles (p_t is always at the same time)."""
        return self._ensemble.t

    @property
    def potential(self) -> Any:
        return self._ensemble.potential

    @property
    def sigma(self) -> float:
        return self._ensemble.sigma

    @property
    def dt(self) -> float:
        return self._ensemble.dt

    @property
    def gamma(self) -> float | None:
        """Friction γ with inertia, else None."""
        return self._ensemble.gamma if self.inertia else None

    @property
    def kT(self) -> float:
        """Temperature of the stationary state: σ²/2 overdamped, σ²/(2γ) with inertia."""
        return self._ensemble.kT

    @property
    def p(self) -> FloatArray | None:
        """A copy of p_t at the cell centres, or None when no density evolves."""
        return None if self._pde is None else self._pde.p.copy()

    # changes ---------------------------------------------------------------------------------

    def set_sigma(self, sigma: float) -> None:
        """Change σ ≥ 0 for the particles and p_t; both continue from where they are."""
        self._ensemble.set_sigma(sigma)
        if self._pde is not None:
            self._pde.set_sigma(sigma)

    def set_dt(self, dt: float) -> None:
        """Change the particles' time step dt > 0 (p_t keeps substeps of at most pde_dt)."""
        self._ensemble.set_dt(dt)

    def set_gamma(self, gamma: float) -> None:
        """Change the friction γ > 0 of a run with inertia."""
        if not self.inertia:
            raise ValueError("gamma: this run has no inertia (it was built with gamma=None)")
        self._ensemble.set_gamma(gamma)

    def set_potential(self, potential: Any) -> None:
        """Switch V for the particles and p_t (no work when it is the one in use already)."""
        if potential is self._ensemble.potential:
            return
        self._ensemble.set_potential(potential)
        if self._pde is not None:
            self._pde.set_potential(potential)

    # stepping --------------------------------------------------------------------------------

    def step(self, k: int = 1) -> None:
        """Advance the particles k steps and p_t by the same simulated time.

        p_t takes ⌈elapsed/pde_dt⌉ equal backward-Euler substeps covering exactly the time
        the particles advanced — also when they raise
        :class:`~core.langevin.DivergenceError` part-way, which leaves both at the last finite
        step and is raised again here.
        """
        before = self._ensemble.t
        try:
            self._ensemble.step(k)
        finally:
            elapsed = self._ensemble.t - before
            if elapsed > 0 and self._pde is not None:
                substeps = max(1, math.ceil(elapsed / self._pde_dt - 1e-9))
                self._pde.step(elapsed / substeps, k=substeps)

    # pictures and readouts -------------------------------------------------------------------

    def histogram(self) -> FloatArray:
        """Density histogram of the particles on ``edges`` (in 2-D an image, rows y)."""
        if self._dim == 2:
            return densities.histogram_2d(self._ensemble.xy, self._edges, self._edges)
        return densities.histogram(self._ensemble.x, self._edges)

    def boltzmann(self, x: ArrayLike) -> FloatArray:
        """The stationary density of the positions, ∝ exp(−V/kT) with this run's kT (1-D).

        :func:`~core.langevin.boltzmann` at :func:`~core.langevin.effective_sigma`: with
        inertia kT = σ²/(2γ), not σ²/2.  Needs σ > 0 (at σ = 0 the particles only slide
        downhill, eq. 9.8, and have no Boltzmann density).
        """
        if self._dim == 2:
            raise ValueError("x: boltzmann is for 1-D runs; use core.langevin.boltzmann_2d")
        return lv.boltzmann(self.potential, lv.effective_sigma(self.sigma, self.gamma), x)

    def summary(self, histogram: ArrayLike | None = None, barrier: float = 0.0) -> RunSummary:
        """The moments of the particles and of p_t, and the distance between them.

        Parameters
        ----------
        histogram : array, optional
            This run's :meth:`histogram`, when already at hand (saves counting again).
        barrier : float
            Where "right" begins for the fractions right of the barrier.
        """
        particles = lv.summary(self._ensemble.x, barrier)
        if self._pde is None:
            return RunSummary(particles, None, None)
        bins = self._edges.size - 1
        h = self.histogram() if histogram is None else _array(histogram, "histogram")
        if h.shape != (bins,):
            raise ValueError(
                f"histogram must have shape ({bins},), one value per bin, got {h.shape}"
            )
        width = self._edges[1] - self._edges[0]
        distance = densities.binned_distance(h, self._pde.p, width)
        return RunSummary(particles, self._pde.summary(barrier), distance)
