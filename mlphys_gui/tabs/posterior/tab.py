"""Posterior updating (notes §3–4): Bayesian linear regression as data arrive, beside MLE and MAP.

Four panels: the data with the predictive mean and bands, posterior function samples, the MLE
(eq. 4.14) and MAP/ridge (eq. 3.13) fits; weight space (prior, newest point's likelihood,
posterior — Bishop, PRML fig. 3.7); and the log evidence against λ and against model size.
Data come from clicks, from a seeded generator one point at a time, or from the user's file or
clipboard (x, y and an optional σ column; parsed by core.datafiles). Numerics: core.regression.
"""

from dataclasses import dataclass

import numpy as np
from PyQt6 import QtCore

from core import datafiles, regression
from mlphys_gui.state import Change, InvalidValueError
from mlphys_gui.tabs.base import FigureTab
from mlphys_gui.tabs.posterior.controls import PosteriorControls
from mlphys_gui.tabs.posterior.figure import PosteriorFigure
from mlphys_gui.tabs.posterior.fits import Basis, DataFits
from mlphys_gui.tabs.posterior.state import (
    MAX_POINTS,
    SCHEMA,
    SIGMA_COLUMN_RANGE,
    SIGMA_RANGE,
    SIZE_KEY,
    X_LIMIT,
    Y_LIMIT,
    highest_weight_index,
    imported,
    model_size,
    noise_scale,
)
from mlphys_gui.user_files import UserFileError, read_bytes
from mlphys_gui.widgets.playback import Animator

LAMBDA_GRID = np.logspace(-4, 4, 81)
SIZE_RANGE = {"polynomial": (0, 12), "gaussian": (1, 20)}
ELLIPSE_LEVELS = (1.0, 2.0)
REFRAMING_KEYS = ("truth", "x_low", "x_high", "stream_position", "data_name")  # new data
X_PAD = 0.05  # imported data: the x-range shown reaches this fraction beyond them
FROM_GENERATOR = {"data_name": "", "x_name": "", "y_name": ""}  # no file's names
VISIBILITY_KEYS = frozenset({"show_truth", "show_bands", "show_mle", "show_map"})
WEIGHT_KEYS = frozenset({"weight_i", "weight_j"})


@dataclass(frozen=True)
class Shown:
    """The numbers on screen, for redrawing one panel without computing the others again."""

    grid: np.ndarray  # x of the curves
    Phi_grid: np.ndarray  # features on the grid
    post: regression.Posterior
    Phi: np.ndarray  # features of the data
    y: np.ndarray
    sigma_i: np.ndarray  # each point's noise
    lam: float
    mle_error: str  # why the MLE is undefined ("" when it is defined)


class PosteriorTab(FigureTab):
    """Bayesian linear regression, MLE and MAP as data arrive (notes §3–4)."""

    name = "posterior"
    title = "Posterior updating"
    SCHEMA = SCHEMA
    accepts = {"data": "lab data: columns x, y and optionally σ"}

    def __init__(self, parent=None):
        super().__init__(parent)
        self._pending_points = 0.0
        self._fits: DataFits | None = None
        self._shown: Shown | None = None
        self._truth: tuple | None = None  # (truth, grid, the true function on it)
        self.animator = Animator(self.advance, step_amount=1.0, parent=self)
        self.attach_animator(self.animator)
        self.panel = PosteriorControls(self.controls, self.animator, self.reset)
        self.panel.next_button.clicked.connect(lambda: self.add_generated(1))
        self.panel.add10_button.clicked.connect(lambda: self.add_generated(10))
        self.panel.clear_button.clicked.connect(self.clear_points)
        self.panel.import_button.clicked.connect(lambda: self.importRequested.emit("data"))
        self.lay_out(self.panel, PosteriorFigure())
        self.figure.view.scene().sigMouseClicked.connect(self._plot_clicked)
        self._show_weight_range()
        self.refresh(rescale=True)

    # ------------------------------------------------------------------ state
    def state_changed(self, change: Change) -> None:
        """Only what a change touches is drawn again: the flags show or hide curves, the
        samples and weight-space choosers redraw their panel; the rest recomputes from the
        kept designs and spectra (fits.py), so λ and σ never redo an SVD of every size."""
        self._show_weight_range()
        keys = change.keys
        if keys == {"rate"}:
            return
        if keys <= VISIBILITY_KEYS:
            self._show_visibility()
        elif keys == {"samples"}:
            self._draw_samples()
        elif keys <= WEIGHT_KEYS:
            self._draw_weight_space()
        else:
            self.refresh(rescale=change.origin != "edit" or change.touches(REFRAMING_KEYS))

    def _show_weight_range(self) -> None:
        """The weight-space choosers offer the weights the model has."""
        top = highest_weight_index(self.model)
        for key in ("weight_i", "weight_j"):
            spin = self.controls.widget(key)
            blocked = spin.blockSignals(True)
            spin.setRange(0, top)
            spin.blockSignals(blocked)

    def generator(self) -> regression.GeneratorParams:
        model = self.model
        return regression.GeneratorParams(
            truth=model["truth"],
            sigma=model["sigma"],
            heteroscedastic=model["heteroscedastic"],
            x_range=(model["x_low"], model["x_high"]),
            seed=model["seed"],
        )

    def features(self, x: np.ndarray) -> np.ndarray:
        model = self.model
        return regression.features(
            x,
            model["basis"],
            model_size(model),
            width=model["bump_width"],
            x_range=(model["x_low"], model["x_high"]),
        )

    # ------------------------------------------------------------------ data
    def add_generated(self, count: int) -> None:
        """The next ``count`` points of the seeded stream (same seed, same points)."""
        points = self.model["points"]
        room = MAX_POINTS - len(points)
        if room <= 0:
            self.message.emit(f"At most {MAX_POINTS} points: clear some first")
            self.animator.pause()
            return
        count = min(count, room)
        params = self.generator()
        start = self.model["stream_position"]
        x, y, sigma_i = regression.generate(params, start + count)
        new = np.column_stack([x[start:], y[start:], self._noise_column(sigma_i[start:])])
        self.edit(
            {"points": np.vstack([points, new]), "stream_position": start + count},
            label=f"Add {count} point{'s' if count > 1 else ''}",
        )

    def add_point(self, x: float, y: float) -> None:
        """A point placed by hand; its noise follows the generator's noise profile."""
        points = self.model["points"]
        if len(points) >= MAX_POINTS:
            self.message.emit(f"At most {MAX_POINTS} points: clear some first")
            return
        sigma_i = regression.noise_sigma(self.generator(), np.array([x]))
        self.edit(
            {"points": np.vstack([points, [x, y, self._noise_column(sigma_i)[0]]])},
            label=f"Add point ({x:.3g}, {y:.3g})",
        )

    def _noise_column(self, sigma_i: np.ndarray) -> np.ndarray:
        """The table's noise column for new points of noise σᵢ: σᵢ itself when the data bring
        their own, else σᵢ/σ."""
        return sigma_i if self.model["sigma_source"] == "data" else sigma_i / self.model["sigma"]

    def remove_nearest(self, x: float, y: float) -> None:
        points = self.model["points"]
        if len(points) == 0:
            return
        x_span = max(self.model["x_high"] - self.model["x_low"], 1e-12)
        y_span = max(np.ptp(self.figure.data_plot.viewRange()[1]), 1e-12)
        distance = ((points[:, 0] - x) / x_span) ** 2 + ((points[:, 1] - y) / y_span) ** 2
        self.edit(
            {"points": np.delete(points, int(np.argmin(distance)), axis=0)}, label="Remove point"
        )

    def remove_newest(self) -> None:
        points = self.model["points"]
        if len(points):
            self.edit({"points": points[:-1]}, label="Remove newest point")

    def clear_points(self) -> None:
        self.animator.pause()
        self.edit(
            {"points": [], "stream_position": 0, "sigma_source": "slider", **FROM_GENERATOR},
            label="Clear data",
        )

    # ------------------------------------------------------------------ the user's data
    def import_file(self, kind: str, path) -> str:
        if kind != "data":
            return super().import_file(kind, path)
        return self.import_data(read_bytes(path), getattr(path, "name", str(path)))

    def import_text(self, text: str, name: str) -> str:
        return self.import_data(text, name)

    def import_data(self, source: str | bytes, name: str) -> str:
        """Replace the points by the measurements in ``source`` (x, y and an optional σ column,
        core.datafiles): one undo step. The x-range shown becomes the data's; with a σ column
        the MLE and posterior weight each point by its own σᵢ, without one the σ slider
        applies. Returns what was done; UserFileError says why not (nothing changed)."""
        try:
            data = datafiles.read_measurements(
                source,
                name,
                max_rows=MAX_POINTS,
                bounds={
                    "x": (-X_LIMIT, X_LIMIT),
                    "y": (-Y_LIMIT, Y_LIMIT),
                    "σ": SIGMA_COLUMN_RANGE,
                },
            )
        except datafiles.DataFileError as error:
            raise UserFileError(str(error)) from None
        low, high = float(data.x.min()), float(data.x.max())
        pad = max(X_PAD * (high - low), 0.5 if high == low else 0.0)
        own_sigma = data.sigma is not None
        self.animator.pause()
        changes = {
            "points": np.column_stack(
                [data.x, data.y, data.sigma if own_sigma else np.ones(len(data))]
            ),
            "stream_position": 0,
            "sigma_source": "data" if own_sigma else "slider",
            "data_name": name,
            "x_name": data.columns[0] if data.table.header else "",
            "y_name": data.columns[1] if data.table.header else "",
            "x_low": max(low - pad, -X_LIMIT),
            "x_high": min(high + pad, X_LIMIT),
        }
        if own_sigma:  # new points and the predictive bands at the data's typical noise
            low_sigma, high_sigma = SIGMA_RANGE
            rms = float(np.sqrt(np.mean(data.sigma**2)))
            changes["sigma"] = float(np.clip(rms, low_sigma, high_sigma))
        try:
            self.apply_edit(changes, label=f"Import {name}")
        except InvalidValueError as error:
            raise UserFileError(f"{name} not imported: {error}") from None
        sigma = "each point's own σᵢ (σ column)" if own_sigma else "σ from the slider (no σ column)"
        return f"Imported {name}: {data.table.describe()}; {sigma}"

    def advance(self, points: float) -> bool:
        """Play: points arrive at the chosen rate (``points`` of simulated time)."""
        self._pending_points += points
        whole = int(self._pending_points)
        self._pending_points -= whole
        if whole:
            self.add_generated(whole)
        return len(self.model["points"]) < MAX_POINTS

    def _plot_clicked(self, event) -> None:
        box = self.figure.data_plot.vb
        if not box.sceneBoundingRect().contains(event.scenePos()):
            return
        point = box.mapSceneToView(event.scenePos())
        if event.button() == QtCore.Qt.MouseButton.LeftButton:
            self.add_point(point.x(), point.y())
        elif event.button() == QtCore.Qt.MouseButton.RightButton:
            self.remove_nearest(point.x(), point.y())
        event.accept()

    def keyPressEvent(self, event) -> None:
        if event.key() in (QtCore.Qt.Key.Key_Backspace, QtCore.Qt.Key.Key_Delete):
            self.remove_newest()
        else:
            super().keyPressEvent(event)

    # ------------------------------------------------------------------ drawing
    def data_fits(self) -> DataFits:
        """The kept numerics of the current points and basis (new when they changed)."""
        model = self.model
        basis = Basis(model["basis"], model["bump_width"], (model["x_low"], model["x_high"]))
        if self._fits is None or not self._fits.serves(model["points"], basis):
            self._fits = DataFits(model["points"], basis)
        return self._fits

    def refresh(self, rescale: bool = False) -> None:
        """Compute what the state shows (from the kept designs and spectra) and draw it."""
        model, figure = self.model, self.figure
        lam, size = model["prior_precision"], model_size(model)
        scale = noise_scale(model)  # σᵢ = scale · the points' third column
        fits = self.data_fits()
        spectrum = fits.spectrum(size, scale)  # posterior(Φ, y, σᵢ, λ) for any λ
        post = spectrum.posterior(lam)
        grid, Phi_grid = fits.grid, fits.grid_design(size)
        params = self.generator()
        noise = regression.noise_sigma(params, grid)
        figure.show_bands(grid, *regression.predictive_bands(post, Phi_grid, noise))
        figure.show_line(figure.truth_item, grid, self._truth_curve(params.truth, grid))
        figure.show_line(figure.map_item, grid, Phi_grid @ post.mean)  # MAP = posterior mean
        mle_curve, mle_error = fits.mle_curve(size)
        figure.show_line(figure.mle_item, grid, mle_curve)
        figure.show_points(model["points"], scale, model["heteroscedastic"] or imported(model))
        figure.show_source(model["data_name"], model["sigma_source"] == "data")
        figure.show_axis_names(model["x_name"] or "x", model["y_name"] or "y")
        sigma_i = scale * fits.factors
        self._shown = Shown(
            grid, Phi_grid, post, fits.design(size), fits.y, sigma_i, lam, mle_error
        )
        self._draw_samples()
        self._draw_weight_space()
        evidence = self._draw_evidence(fits, spectrum)
        self.readouts.set_many(
            {
                "n": f"{len(fits.y)}",
                "m": f"{post.n_weights}",
                "evidence": f"{evidence:.4g}",
                "best_lambda": f"{spectrum.best_precision(LAMBDA_GRID):.3g}"
                if len(fits.y)
                else "—",
                "mle": "undefined" if mle_curve is None else "defined",
                "noise": "the data (σ column)" if model["sigma_source"] == "data" else "σ slider",
            }
        )
        if rescale and imported(model) and len(fits.y):
            spread = float(np.median(sigma_i))
            figure.frame_data(grid, np.concatenate([fits.y - sigma_i, fits.y + sigma_i]), spread)
        elif rescale:
            truth = self._truth_curve(params.truth, grid)
            figure.frame_data(grid, np.concatenate([truth, fits.y]), params.sigma)
        self._show_visibility()

    def _truth_curve(self, truth: str, grid: np.ndarray) -> np.ndarray:
        """The true function on the grid, computed again only when either changes."""
        if self._truth is None or self._truth[0] != truth or self._truth[1] is not grid:
            self._truth = (truth, grid, regression.true_function(truth, grid))
        return self._truth[2]

    def _show_visibility(self) -> None:
        """What the flags show and hide; the note says why the MLE is missing."""
        model = self.model
        self.figure.show_visibility(
            model["show_bands"],
            model["show_truth"] and not imported(model),  # no true function behind lab data
            model["show_map"],
            model["show_mle"],
        )
        self.figure.show_note(self._shown.mle_error if model["show_mle"] else "")

    def _draw_samples(self) -> None:
        shown, model = self._shown, self.model
        curves = regression.sample_functions(
            shown.post, shown.Phi_grid, model["samples"], model["seed"]
        )
        self.figure.show_samples(shown.grid, curves.T)

    def _draw_weight_space(self) -> None:
        model, shown = self.model, self._shown
        post, Phi, y, sigma_i, lam = shown.post, shown.Phi, shown.y, shown.sigma_i, shown.lam
        i, j = model["weight_i"], model["weight_j"]
        m = Phi.shape[1]
        if not (m >= 2 and i != j and max(i, j) < m):
            self.figure.show_weight_space(i, j, m, None, None, None)
            return
        mean2, cov2 = regression.marginal(post, i, j)
        self.figure.frame_weights(mean2, cov2, lam**-0.5, bool(len(y)))
        ellipses = (
            regression.covariance_ellipses(np.zeros(2), np.eye(2) / lam, ELLIPSE_LEVELS),
            regression.covariance_ellipses(mean2, cov2, ELLIPSE_LEVELS),
        )
        likelihood = None
        if len(y):
            b0, b1 = self.figure.weight_grid()
            likelihood = regression.likelihood_slice(
                post, Phi[-1], y[-1], sigma_i[-1], i, j, b0, b1
            )
        weights = regression.true_weights(model["truth"], model["basis"], model_size(model))
        truth = None if weights is None or imported(model) else (weights[i], weights[j])
        self.figure.show_weight_space(i, j, m, ellipses, likelihood, truth)

    def _draw_evidence(self, fits: DataFits, spectrum: regression.Spectrum) -> float:
        """The evidence against λ and against model size; the log evidence now."""
        model = self.model
        lam = model["prior_precision"]
        current = spectrum.log_evidence([lam])[0]
        low, high = SIZE_RANGE[model["basis"]]
        sizes = np.arange(low, high + 1)
        self.figure.show_evidence(
            LAMBDA_GRID,
            spectrum.log_evidence(LAMBDA_GRID),
            lam,
            current,
            sizes,
            fits.evidence_by_size(sizes, noise_scale(model), lam),
            model_size(model),
            SIZE_KEY[model["basis"]],
        )
        return float(current)
