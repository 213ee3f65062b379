"""What the posterior tab computes from its data, kept while the data and the basis stay.

A drag of λ or σ over 10 000 points must not redo the O(N M²) work of every model size (notes
§3–4; issue 14). Per model size this keeps the design matrix, the spectrum of the whitened
design at σ = 1 (:class:`core.regression.Spectrum`: the posterior and the evidence at any λ)
and the MLE, until the points, the basis, the bump width or the x-range change (then the tab
makes a new :class:`DataFits`).

σ scales every point's noise σᵢ = σ·(σᵢ/σ) alike, so it needs no new SVD either:
``Spectrum.with_noise_scale(σ)``; and the MLE does not depend on it at all (eq. 4.14 with W
scaled). Against the direct computation at each σ (``regression.posterior(Φ, y, σᵢ, λ)``,
``evidence_vs_size``, ``mle``) the evidence agrees to ~1e-15 and the curves drawn to ~1e-13, or
~4e-12 at degree 12 on 10⁴ points, where cond(Φ)·ε is the direct computation's own rounding.
"""

from dataclasses import dataclass

import numpy as np

from core import regression

GRID_POINTS = 300  # x of the curves drawn


@dataclass(frozen=True)
class Basis:
    """The feature map the designs are made with (all but the model size)."""

    kind: str  # "polynomial" or "gaussian"
    width: float
    x_range: tuple[float, float]

    def features(self, x: np.ndarray, size: int) -> np.ndarray:
        return regression.features(x, self.kind, size, width=self.width, x_range=self.x_range)

    def grid(self) -> np.ndarray:
        """Where the curves are drawn: the x-range and 5 % beyond either end."""
        low, high = self.x_range
        pad = 0.05 * (high - low)
        return np.linspace(low - pad, high + pad, GRID_POINTS)


class DataFits:
    """Designs, spectra and MLEs of the points (rows x, y, σᵢ/σ) under one basis, by size."""

    def __init__(self, points: np.ndarray, basis: Basis):
        self.points, self.basis = points, basis
        self.x, self.y, self.factors = (np.ascontiguousarray(column) for column in points.T)
        self.grid = basis.grid()
        self._designs: dict[int, np.ndarray] = {}
        self._grid_designs: dict[int, np.ndarray] = {}
        self._mle_curves: dict[int, tuple[np.ndarray | None, str]] = {}
        self._spectra: dict[int, regression.Spectrum] = {}  # at σ = 1: σᵢ = the factors

    def serves(self, points: np.ndarray, basis: Basis) -> bool:
        """Made for these points (the same array: the state replaces it on every change)?"""
        return points is self.points and basis == self.basis

    def design(self, size: int) -> np.ndarray:
        """Φ of the points at this model size."""
        if size not in self._designs:
            self._designs[size] = self.basis.features(self.x, size)
        return self._designs[size]

    def grid_design(self, size: int) -> np.ndarray:
        """Φ of the grid at this model size."""
        if size not in self._grid_designs:
            self._grid_designs[size] = self.basis.features(self.grid, size)
        return self._grid_designs[size]

    def mle_curve(self, size: int) -> tuple[np.ndarray | None, str]:
        """The MLE's fit on the grid and "", or None and why the MLE is undefined."""
        if size not in self._mle_curves:
            try:
                self._mle_curves[size] = (self.grid_design(size) @ self.mle(size), "")
            except regression.UnderdeterminedError as error:
                self._mle_curves[size] = (None, str(error))
        return self._mle_curves[size]

    def spectrum(self, size: int, sigma: float) -> regression.Spectrum:
        """The spectrum of ``(Φ, y, σ·factors)``: the posterior and evidence at any λ."""
        if size not in self._spectra:
            self._spectra[size] = regression.spectrum(self.design(size), self.y, self.factors)
        return self._spectra[size].with_noise_scale(sigma)

    def mle(self, size: int) -> np.ndarray:
        """``regression.mle(Φ, y, σᵢ)`` (any common σ); UnderdeterminedError as it raises."""
        return regression.mle(self.design(size), self.y, self.factors)

    def evidence_by_size(self, sizes, sigma: float, prior_precision: float) -> np.ndarray:
        """``regression.evidence_vs_size`` at (σ, λ), from the kept spectra."""
        return np.array(
            [self.spectrum(size, sigma).log_evidence([prior_precision])[0] for size in sizes]
        )
