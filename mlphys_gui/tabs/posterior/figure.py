"""The posterior figure: data space (predictive bands, samples, MLE, MAP), weight space (prior,
newest point's likelihood, posterior — Bishop, PRML fig. 3.7) and the evidence panels."""

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore

from mlphys_gui.style import CACHED, Style, set_label, set_title, style_legend, style_plot
from mlphys_gui.widgets.plot_items import (
    curve,
    fixed_plot,
    follow_y,
    image_levels,
    legend_below,
    legend_entries,
    list_in_legend,
    series_of,
    style_symbol_key,
)

DATA_TITLE = "Data space: predictive, samples, MLE and MAP"
WEIGHT_FRAME_ROOM = 1.25  # the weight plot's half-width over what the ellipses need
DATA_LABELS = {  # the data's legend entry: which σᵢ the error bars show (short: 3 columns)
    "generated": "data ± σᵢ",
    "slider": "data ± σ (slider)",
    "own": "data ± σᵢ (file)",
}


class PosteriorFigure:
    """The plot items of the tab, created once; the ``show_…`` methods update them."""

    def __init__(self):
        self._style = Style()
        self.view = pg.GraphicsLayoutWidget()
        layout = self.view.ci
        self.data_plot = fixed_plot(layout, 0, 0, rowspan=3, x_label="x", y_label="y")
        self.weight_plot = fixed_plot(layout, 0, 1, aspect_locked=True)
        self.lambda_plot = fixed_plot(
            layout, 1, 1, log_x=True, x_label="prior precision λ", y_label="log p(y)"
        )
        self.size_plot = fixed_plot(layout, 2, 1, y_label="log p(y)")
        layout.layout.setColumnStretchFactor(0, 3)
        layout.layout.setColumnStretchFactor(1, 2)
        layout.layout.setRowStretchFactor(0, 3)
        layout.layout.setRowStretchFactor(1, 2)
        layout.layout.setRowStretchFactor(2, 2)
        self.data_legend = legend_below(layout, self.data_plot, row=3, col=0, columns=3)
        self.weight_legend = legend_below(layout, self.weight_plot, row=3, col=1, columns=1)

        self.band2_low, self.band2_high = curve(self.data_plot), curve(self.data_plot)
        self.band1_low, self.band1_high = curve(self.data_plot), curve(self.data_plot)
        self.band2 = pg.FillBetweenItem(self.band2_low, self.band2_high)
        self.band1 = pg.FillBetweenItem(self.band1_low, self.band1_high)
        self.data_plot.addItem(self.band2)
        self.data_plot.addItem(self.band1)
        # legend samples for items pyqtgraph cannot show in a legend (fills, images)
        self.band1_key = pg.PlotDataItem(fillLevel=0)
        self.band2_key = pg.PlotDataItem(fillLevel=0)
        self.data_legend.addItem(self.band1_key, "predictive ±1σ")
        self.data_legend.addItem(self.band2_key, "predictive ±2σ")
        self.samples_item = curve(self.data_plot, "posterior samples")
        self.truth_item = curve(self.data_plot, "true function")
        self.mean_item = curve(self.data_plot, "predictive mean")
        self.mle_item = curve(self.data_plot, "MLE")
        self.map_item = curve(self.data_plot, "MAP / ridge (= mean)")
        self.error_bars = pg.ErrorBarItem(x=np.zeros(0), y=np.zeros(0), height=np.zeros(0))
        self.data_plot.addItem(self.error_bars)
        self.data_item = curve(self.data_plot, "data", pen=None, symbol="o", symbolSize=8)
        # up to 10⁴ dots and bars that change only with the data (and σ): kept as pixmaps, so
        # a drag of λ repaints the curves over them, not them (exports draw them afresh)
        for static in (self.data_item.scatter, self.error_bars):
            static.setCacheMode(CACHED)
        self._drawn_points = None
        self._drawn_bars: tuple = (None, None)  # the points and σ of the bars drawn
        self._data_title = DATA_TITLE
        self._axis_names = ("x", "y")
        self.mle_note = pg.TextItem(anchor=(0, 0))
        self.data_plot.addItem(self.mle_note, ignoreBounds=True)

        self.likelihood_image = pg.ImageItem(axisOrder="row-major")
        self.weight_plot.addItem(self.likelihood_image)
        self.likelihood_key = pg.PlotDataItem(pen=None, symbol="s", symbolSize=12)
        self.weight_legend.addItem(self.likelihood_key, "likelihood of newest point")
        self.prior_ellipses = curve(self.weight_plot, "prior (1σ, 2σ)")
        self.posterior_ellipses = curve(self.weight_plot, "posterior (1σ, 2σ)")
        self.true_beta = curve(self.weight_plot, "true β", pen=None, symbol="+", symbolSize=18)
        self.lambda_curve = curve(self.lambda_plot)
        self.lambda_marker = curve(self.lambda_plot, pen=None, symbol="o", symbolSize=10)
        self.size_curve = curve(self.size_plot, symbol="o", symbolSize=6)
        self.size_marker = curve(self.size_plot, pen=None, symbol="o", symbolSize=12)
        self._weight_title = "Weight space"
        self._data_entries = legend_entries(self.data_legend)
        self._weight_entries = legend_entries(self.weight_legend)

    # ------------------------------------------------------------------ data space
    def show_bands(self, grid, mean, lower, upper) -> None:
        """The predictive mean and its ±1σ, ±2σ bands (rows of ``lower`` and ``upper``)."""
        for low, high, below, above in (
            (self.band1_low, self.band1_high, lower[0], upper[0]),
            (self.band2_low, self.band2_high, lower[1], upper[1]),
        ):
            low.setData(grid, below)
            high.setData(grid, above)
        self.mean_item.setData(grid, mean)

    def show_visibility(self, bands: bool, truth: bool, map_fit: bool, mle: bool) -> None:
        """Which of the bands, the true function, the MAP and the MLE are drawn."""
        for item, visible in (
            (self.band1, bands),
            (self.band2, bands),
            (self.truth_item, truth),
            (self.map_item, map_fit),
            (self.mle_item, mle),
        ):
            item.setVisible(visible)

    def show_samples(self, grid, curves: np.ndarray) -> None:
        """Functions drawn from the posterior (columns of ``curves``), as one NaN-joined line."""
        count = curves.shape[1]
        gap = np.full((1, count), np.nan)
        self.samples_item.setData(
            np.tile(np.append(grid, np.nan), count), np.vstack([curves, gap]).T.ravel()
        )

    @staticmethod
    def show_line(item, grid, values) -> None:
        """A curve on the grid (None: none); not set again while it is the same array (the
        true function and the MLE stay while λ or σ is dragged)."""
        if getattr(item, "_drawn_values", False) is values:
            return
        item._drawn_values = values
        if values is None:
            item.setData([], [])
        else:
            item.setData(grid, values)

    def show_note(self, text: str) -> None:
        if text != self.mle_note.toPlainText():
            self.mle_note.setText(text)
        (x_low, _), (_, y_high) = self.data_plot.viewRange()
        self.mle_note.setPos(x_low, y_high)

    def show_points(self, points: np.ndarray, sigma: float, error_bars: bool) -> None:
        """The data (rows x, y, σᵢ/σ), with error bars σᵢ when the noise is heteroscedastic;
        redrawn only when the points, σ or the bars changed (10⁴ bars take milliseconds)."""
        x, y = points[:, 0], points[:, 1]
        if points is not self._drawn_points:
            self.data_item.setData(x, y)
            self._drawn_points = points
        shown = error_bars and bool(len(x))
        drawn_points, drawn_sigma = self._drawn_bars
        if points is not drawn_points or (sigma if shown else None) != drawn_sigma:
            height = 2 * sigma * points[:, 2] if shown else np.zeros_like(x)
            self.error_bars.setData(x=x, y=y, height=height)
            self.error_bars.setVisible(shown)
            self._drawn_bars = (points, sigma if shown else None)

    def show_source(self, data_name: str, own_sigma: bool) -> None:
        """Say where the data came from (a file, the clipboard) and which σᵢ their error bars
        show, in the title and the legend."""
        if not data_name:
            key = "generated"
        else:
            key = "own" if own_sigma else "slider"
        label = DATA_LABELS[key] if data_name or self.error_bars.isVisible() else "data"
        truths = (self.truth_item, self.true_beta) if data_name else ()  # none behind the data
        changed = list_in_legend(
            self.data_legend,
            [
                (item, label if item is self.data_item else text)
                for item, text in self._data_entries
                if item not in truths
            ],
        )
        changed |= list_in_legend(
            self.weight_legend,
            [(item, text) for item, text in self._weight_entries if item not in truths],
        )
        if changed:
            for legend in (self.data_legend, self.weight_legend):
                style_legend(legend, self._style)
        title = f"Data from {data_name}: predictive, MLE and MAP" if data_name else DATA_TITLE
        if title != self._data_title:
            self._data_title = title
            set_title(self.data_plot, self._style, title)

    def show_axis_names(self, x_name: str, y_name: str) -> None:
        """The data space's axes: x and y, or the columns of imported data ("L (m)")."""
        if (x_name, y_name) != self._axis_names:
            self._axis_names = (x_name, y_name)
            set_label(self.data_plot, "bottom", x_name)
            set_label(self.data_plot, "left", y_name)

    def frame_data(self, grid, values, sigma: float) -> None:
        """Frame the data space around the truth and the points."""
        low, high = float(values.min()), float(values.max())
        margin = 0.35 * max(high - low, 4 * sigma, 1e-3)
        self.data_plot.setRange(
            xRange=(grid[0], grid[-1]), yRange=(low - margin, high + margin), padding=0
        )

    # ------------------------------------------------------------------ weight space
    def frame_weights(self, mean2, cov2, prior_std: float, has_data: bool) -> None:
        """Frame the weight plot on the prior while it is in proportion to the posterior,
        else on the posterior; with hysteresis, so the axes are rebuilt only when needed: the
        frame leaves room (WEIGHT_FRAME_ROOM) for the ellipses to move in as λ or σ is
        dragged, and follows them only when they leave it or shrink to under 40 % of it."""
        post_std = float(np.sqrt(np.max(np.diag(cov2))))
        prior_visible = 3 * prior_std <= 10 * max(post_std, 1e-12) or not has_data
        centre = np.zeros(2) if prior_visible else mean2
        half = max(
            3 * prior_std if prior_visible else 0.0,
            4 * post_std + float(np.abs(mean2 - centre).max()),
            1e-6,
        )
        (x_low, x_high), (y_low, y_high) = self.weight_plot.viewRange()
        shown_half = 0.5 * min(x_high - x_low, y_high - y_low)
        inside = (
            x_low <= centre[0] - half
            and centre[0] + half <= x_high
            and y_low <= centre[1] - half
            and centre[1] + half <= y_high
        )
        if not inside or half < 0.4 * shown_half:
            half *= WEIGHT_FRAME_ROOM
            self.weight_plot.setRange(
                xRange=(centre[0] - half, centre[0] + half),
                yRange=(centre[1] - half, centre[1] + half),
                padding=0,
            )

    def show_weight_space(self, i, j, m, ellipses, likelihood, truth) -> None:
        """The marginal of weights (βᵢ, βⱼ): ``ellipses`` (prior, posterior), each (x, y), or
        None when the model has fewer than two weights; ``likelihood`` the newest point's
        likelihood on :meth:`weight_grid`, or None; ``truth`` the true (βᵢ, βⱼ) or None."""
        usable = ellipses is not None
        for item in (
            self.prior_ellipses,
            self.posterior_ellipses,
            self.likelihood_image,
            self.true_beta,
        ):
            item.setVisible(usable)
        if not usable:
            self._weight_title = "Weight space: needs two weights"
            set_title(self.weight_plot, self._style, self._weight_title)
            return
        prior, posterior = ellipses
        self.prior_ellipses.setData(*prior)
        self.posterior_ellipses.setData(*posterior)
        if likelihood is not None:
            b0, b1 = self.weight_grid()
            self.likelihood_image.setImage(likelihood, levels=image_levels(likelihood, floor=0.0))
            self.likelihood_image.setRect(
                QtCore.QRectF(b0[0], b1[0], b0[-1] - b0[0], b1[-1] - b1[0])
            )
        self.likelihood_image.setVisible(likelihood is not None)
        if truth is None:
            self.true_beta.setData([], [])
        else:
            self.true_beta.setData([truth[0]], [truth[1]])
        marginal = "" if m == 2 else " (marginal)"
        self._weight_title = f"Weight space: β<sub>{i}</sub>, β<sub>{j}</sub>{marginal}"
        set_title(self.weight_plot, self._style, self._weight_title)
        set_label(self.weight_plot, "bottom", f"β<sub>{i}</sub>")
        set_label(self.weight_plot, "left", f"β<sub>{j}</sub>")

    def weight_grid(self, points: int = 160) -> tuple[np.ndarray, np.ndarray]:
        """A grid over the weight plot's visible area, where the likelihood is shaded (the
        locked aspect ratio widens one axis beyond the frame)."""
        (x_low, x_high), (y_low, y_high) = self.weight_plot.viewRange()
        return np.linspace(x_low, x_high, points), np.linspace(y_low, y_high, points)

    # ------------------------------------------------------------------ evidence
    def show_evidence(
        self, lambdas, by_lambda, lam, current, sizes, by_size, size, size_label
    ) -> None:
        if not np.array_equal(by_lambda, self.lambda_curve.yData):  # (λ moves the marker only)
            self.lambda_curve.setData(lambdas, by_lambda)
            follow_y(self.lambda_plot, by_lambda, slack=0.6, min_span=1.0)  # one nat
        self.lambda_marker.setData([lam], [current])
        self.size_curve.setData(sizes, by_size)
        self.size_marker.setData([size], [current])
        follow_y(self.size_plot, by_size, slack=0.6, min_span=1.0)
        self.size_plot.setXRange(sizes[0] - 0.5, sizes[-1] + 0.5, padding=0)
        set_label(self.size_plot, "bottom", size_label)

    def apply_style(self, style: Style) -> None:
        self._style = style
        self.view.setBackground(style.theme.bg)
        for plot in (self.data_plot, self.weight_plot, self.lambda_plot, self.size_plot):
            style_plot(plot, style)
        for legend in (self.data_legend, self.weight_legend):
            style_legend(legend, style)
        self.band1.setBrush(style.brush(0, 70))
        self.band2.setBrush(style.brush(0, 35))
        self.band1_key.setFillBrush(style.brush(0, 70))
        self.band2_key.setFillBrush(style.brush(0, 35))
        for key in (self.band1_key, self.band2_key):
            key.setPen(pg.mkPen(None))
        style_symbol_key(self.likelihood_key, style.brush(1, 160), pg.mkPen(None))
        for edge in (self.band1_low, self.band1_high, self.band2_low, self.band2_high):
            edge.setPen(pg.mkPen(None))
        self.mean_item.setPen(style.pen(0, 2.5))
        self.samples_item.setPen(style.pen(5, 1.0))
        self.truth_item.setPen(style.pen("fg", 1.5, dashed=True))
        self.mle_item.setPen(style.pen(1, 2.0))
        self.map_item.setPen(style.pen(2, 2.0, dashed=True))
        self.data_item.setSymbolBrush(style.brush(4))
        self.data_item.setSymbolPen(style.pen("fg", 1.0))
        self.error_bars.setData(pen=style.pen(4, 1.5))  # (pyqtgraph shows the bars again:)
        self.error_bars.setVisible(self._drawn_bars[1] is not None)  # shown ⇔ σ drawn
        self.mle_note.setColor(style.color(1))
        self.mle_note.setFont(style.plot_font())
        self.likelihood_image.setColorMap(pg.ColorMap([0, 1], [style.color("bg"), style.color(1)]))
        self.prior_ellipses.setPen(style.pen("muted", 1.5, dashed=True))
        self.posterior_ellipses.setPen(style.pen(0, 2.5))
        self.true_beta.setSymbolPen(style.pen("fg", 2.0))
        self.lambda_curve.setPen(style.pen(0, 2.0))
        self.lambda_marker.setSymbolBrush(style.brush(1))
        self.size_curve.setPen(style.pen(0, 2.0))
        self.size_curve.setSymbolBrush(style.brush(0))
        self.size_marker.setSymbolBrush(style.brush(1))
        set_title(self.data_plot, style, self._data_title)
        set_title(self.weight_plot, style, self._weight_title)
        set_title(self.lambda_plot, style, "Evidence against λ")
        set_title(self.size_plot, style, "Evidence against model size")

    def plotted_data(self):
        x, y = self.error_bars.opts["x"], self.error_bars.opts["height"]
        noise = [("data_sigma_i", x, 0.5 * y)] if self.error_bars.isVisible() else []
        items = [
            ("data", self.data_item),
            ("true_function", self.truth_item),
            ("predictive_mean", self.mean_item),
            ("minus_1_sigma", self.band1_low),
            ("plus_1_sigma", self.band1_high),
            ("minus_2_sigma", self.band2_low),
            ("plus_2_sigma", self.band2_high),
            ("posterior_samples", self.samples_item),
            ("mle", self.mle_item),
            ("map_ridge", self.map_item),
            ("prior_ellipses", self.prior_ellipses),
            ("posterior_ellipses", self.posterior_ellipses),
            ("log_evidence_vs_lambda", self.lambda_curve),
            ("log_evidence_vs_size", self.size_curve),
        ]
        shown = [series_of(item, name) for name, item in items if item.isVisible()]
        return shown[:1] + noise + shown[1:]
