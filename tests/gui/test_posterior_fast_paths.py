"""The posterior tab's fast paths (issue 14) draw what the direct computation draws.

A drag of λ or σ reuses the spectra kept per model size (tabs/posterior/fits.py); a flag, the
samples or the weight-space choosers redraw only their part; the 10⁴ data dots and error bars
are kept as pixmaps. Each is compared here with the slow path: the curves with core's direct
functions on the whole data (rtol 1e-12), the partial redraws with a full recomputation, the
pixmaps with drawing the items afresh."""

import numpy as np
import pytest
from PyQt6 import QtGui, QtWidgets

from core import regression
from mlphys_gui.style import CACHED
from mlphys_gui.tabs.posterior.state import SIZE_KEY
from mlphys_gui.tabs.posterior.tab import LAMBDA_GRID, SIZE_RANGE

NO_CACHE = QtWidgets.QGraphicsItem.CacheMode.NoCache


@pytest.fixture
def tab(window):
    window.select_tab("posterior")
    return window.tabs["posterior"]


def generated(count: int, heteroscedastic: bool) -> list[list[float]]:
    params = regression.GeneratorParams(truth="sine", sigma=0.3, heteroscedastic=heteroscedastic)
    x, y, sigma_i = regression.generate(params, count)
    return np.column_stack([x, y, sigma_i / params.sigma]).tolist()


def direct(tab) -> dict[str, np.ndarray]:
    """What the figure should show, computed from scratch by core's direct functions."""
    model = tab.model
    x, y, factor = model["points"].T
    sigma, lam = model["sigma"], model["prior_precision"]
    sigma_i = sigma * factor
    basis, size = model["basis"], model[SIZE_KEY[model["basis"]]]
    options = {"width": model["bump_width"], "x_range": (model["x_low"], model["x_high"])}
    Phi = regression.features(x, basis, size, **options)
    grid = tab.figure.mean_item.xData
    Phi_grid = regression.features(grid, basis, size, **options)
    post = regression.posterior(Phi, y, sigma_i, lam)
    noise = regression.noise_sigma(tab.generator(), grid)
    mean, lower, upper = regression.predictive_bands(post, Phi_grid, noise)
    low, high = SIZE_RANGE[basis]
    sizes = np.arange(low, high + 1)
    return {
        "predictive_mean": mean,
        "minus_1_sigma": lower[0],
        "plus_2_sigma": upper[1],
        "map_ridge": Phi_grid @ regression.map_estimate(Phi, y, sigma_i, lam),
        "mle": Phi_grid @ regression.mle(Phi, y, sigma_i),
        "posterior_samples": regression.sample_functions(
            post, Phi_grid, model["samples"], model["seed"]
        ),
        "log_evidence_vs_lambda": regression.evidence_vs_precision(Phi, y, sigma_i, LAMBDA_GRID),
        "log_evidence_vs_size": regression.evidence_vs_size(
            x, y, sigma_i, lam, sizes, basis, **options
        ),
        "evidence": regression.log_evidence(Phi, y, sigma_i, lam),
        "best_lambda": regression.best_precision(Phi, y, sigma_i, LAMBDA_GRID),
    }


def drawn(tab) -> dict[str, np.ndarray]:
    series = {name: np.asarray(y) for name, _x, y in tab.figure.plotted_data()}
    samples = series["posterior_samples"]
    series["posterior_samples"] = samples[np.isfinite(samples)].reshape(tab.model["samples"], -1)
    return series


def assert_drawn_as_direct(tab, rtol: float) -> None:
    expected, shown = direct(tab), drawn(tab)
    for name in (
        "predictive_mean",
        "minus_1_sigma",
        "plus_2_sigma",
        "map_ridge",
        "mle",
        "posterior_samples",
        "log_evidence_vs_lambda",
        "log_evidence_vs_size",
    ):
        scale = np.abs(expected[name]).max()  # relative to the curve's size (it crosses 0)
        np.testing.assert_allclose(
            shown[name], expected[name], rtol=rtol, atol=rtol * scale, err_msg=name
        )
    evidence = float(tab.readouts.value("evidence"))
    assert evidence == pytest.approx(expected["evidence"], rel=1e-3)  # (4 digits shown)
    assert float(tab.figure.lambda_marker.yData[0]) == pytest.approx(expected["evidence"], rel=rtol)
    assert float(tab.readouts.value("best_lambda")) == pytest.approx(
        expected["best_lambda"], rel=1e-2
    )


@pytest.mark.parametrize("heteroscedastic", [False, True])
def test_dragging_lambda_and_sigma_draws_the_direct_computation(tab, heteroscedastic):
    tab.restore(
        {
            **tab.default_state(),
            "degree": 7,
            "samples": 12,
            "heteroscedastic": heteroscedastic,
            "points": generated(400, heteroscedastic),
            "stream_position": 400,
        }
    )
    lam_slider = tab.controls.widget("prior_precision").slider
    sigma_slider = tab.controls.widget("sigma").slider
    for lam_step, sigma_step in [(0, 0), (-37, 0), (-300, 0), (0, 55), (260, -180), (9, 3)]:
        lam_slider.setValue(lam_slider.value() + lam_step)
        sigma_slider.setValue(sigma_slider.value() + sigma_step)
        assert_drawn_as_direct(tab, rtol=1e-12)
    tab.controls.widget("degree").slider.setValue(3)  # another size, from the kept spectra
    assert_drawn_as_direct(tab, rtol=1e-12)


def test_ten_thousand_points_at_degree_twelve_match_within_their_conditioning(tab):
    """cond(Φ) ≈ 2·10⁴ at degree 12: the direct computation's own rounding, cond·ε ≈ 4e-12,
    bounds the agreement of the rescaled spectra (fits.py)."""
    tab.restore(
        {
            **tab.default_state(),
            "degree": 12,
            "points": generated(10_000, True),
            "stream_position": 10_000,
        }
    )
    for sigma in (0.013, 0.2, 4.0):
        for lam in (1e-4, 2.0, 1e3):
            tab.edit({"sigma": sigma, "prior_precision": lam})
            assert_drawn_as_direct(tab, rtol=2e-11)


def snapshot(tab) -> dict:
    """Every number and visibility the figure shows."""
    figure = tab.figure
    items = [
        item
        for item in vars(figure).values()
        if hasattr(item, "isVisible") and hasattr(item, "setData")
    ]
    shown = {}
    for index, item in enumerate(items):
        data = [getattr(item, name, None) for name in ("xData", "yData", "image")]
        opts = getattr(item, "opts", {})
        shown[index] = (
            item.isVisible(),
            [None if d is None else np.array(d, dtype=float) for d in data],
            None if "height" not in opts else np.array(opts["height"], dtype=float),
        )
    shown["note"] = figure.mle_note.toPlainText()
    shown["readouts"] = {key: tab.readouts.value(key) for key in tab.readouts.labels}
    shown["fills"] = (figure.band1.isVisible(), figure.band2.isVisible())
    return shown


def assert_same_snapshot(a, b) -> None:
    assert a.keys() == b.keys()
    for key in a:
        if isinstance(a[key], tuple) and len(a[key]) == 3:
            visible_a, data_a, height_a = a[key]
            visible_b, data_b, height_b = b[key]
            assert visible_a == visible_b, key
            for d_a, d_b in zip(data_a, data_b, strict=True):
                assert (d_a is None) == (d_b is None), key
                if d_a is not None:
                    assert np.array_equal(d_a, d_b, equal_nan=True), key
            assert (height_a is None) == (height_b is None)
            if height_a is not None:
                assert np.array_equal(height_a, height_b)
        else:
            assert a[key] == b[key], key


@pytest.mark.parametrize(
    "change",
    [
        {"show_bands": False},
        {"show_truth": False, "show_map": False},
        {"show_mle": False},
        {"samples": 31},
        {"weight_i": 3},
        {"weight_j": 5},
        {"rate": 7.5},
    ],
    ids=lambda change: "+".join(change),
)
def test_a_change_that_only_redraws_draws_what_a_full_refresh_draws(tab, change):
    tab.restore(
        {
            **tab.default_state(),
            "degree": 6,
            "heteroscedastic": True,
            "points": generated(5, True),  # too few points: the MLE is undefined, a note says so
            "stream_position": 5,
        }
    )
    assert "undefined" in tab.figure.mle_note.toPlainText()
    before = snapshot(tab)
    assert tab.edit(change)
    fast = snapshot(tab)
    if set(change) != {"rate"}:
        with pytest.raises(AssertionError):
            assert_same_snapshot(before, fast)  # it did draw the change
    tab.refresh()  # the slow path: everything computed and drawn again
    assert_same_snapshot(fast, snapshot(tab))


def ink(view) -> np.ndarray:
    image = view.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(image.constBits().asstring(image.sizeInBytes()), np.uint8)
    return rows.reshape(image.height(), image.bytesPerLine())[:, : image.width()] / 255.0


def test_the_dots_and_bars_kept_as_pixmaps_look_as_drawn_afresh(qtbot, tab):
    tab.restore(
        {
            **tab.default_state(),
            "heteroscedastic": True,
            "points": generated(2000, True),
            "stream_position": 2000,
        }
    )
    figure = tab.figure
    static = (figure.data_item.scatter, figure.error_bars)
    assert all(item.cacheMode() == CACHED for item in static)
    for change in (
        lambda: tab.edit({"prior_precision": 0.5}),  # curves drawn over the kept pixmaps
        lambda: tab.edit({"sigma": 0.45}),  # the bars change
        lambda: tab.add_generated(300),  # the dots change
    ):
        change()
        QtWidgets.QApplication.processEvents()
        cached = ink(figure.view)
        for item in static:
            item.setCacheMode(NO_CACHE)
        try:
            afresh = ink(figure.view)
        finally:
            for item in static:
                item.setCacheMode(CACHED)
        assert (afresh < 0.9).mean() > 0.05  # plenty of ink to compare
        difference = np.abs(cached - afresh)
        assert difference.max() <= 2 / 255  # blending rounds once more, at most
        assert difference.sum() <= 1e-3 * (1 - afresh).sum()
