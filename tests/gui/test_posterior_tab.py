"""The posterior tab driven like a user would: clicks, keys, sliders, the generator."""

import numpy as np
import pytest
from PyQt6 import QtCore, QtTest, QtWidgets
from qt_helpers import data_to_viewport


@pytest.fixture
def tab(window):
    window.select_tab("posterior")
    return window.tabs["posterior"]


def closed_form_posterior(Phi, y, sigma_i, lam):
    """Textbook conjugate posterior: S = (λI + ΦᵀWΦ)⁻¹, μ = SΦᵀWy with W = diag(1/σᵢ²)."""
    W = np.diag(1 / sigma_i**2)
    S = np.linalg.inv(lam * np.eye(Phi.shape[1]) + Phi.T @ W @ Phi)
    return S @ Phi.T @ W @ y, S


def line_features(x):
    return np.column_stack([np.ones_like(x), x])


def points(tab):
    return tab.model["points"]


def widget(tab, key):
    return tab.controls.widget(key)


def click(tab, x, y, button=QtCore.Qt.MouseButton.LeftButton):
    view = tab.figure.view
    point = data_to_viewport(tab.figure.data_plot, view, x, y).toPoint()
    QtWidgets.QApplication.processEvents()
    QtTest.QTest.mouseClick(view.viewport(), button, pos=point)


def test_with_no_data_the_bands_are_the_prior_predictive(tab):
    figure = tab.figure
    assert len(points(tab)) == 0
    sigma, lam = widget(tab, "sigma").value(), widget(tab, "prior_precision").value()
    assert (sigma, lam) == (tab.model["sigma"], tab.model["prior_precision"])
    x = figure.mean_item.xData
    assert np.allclose(figure.mean_item.yData, 0.0)
    expected = np.sqrt(sigma**2 + (1 + x**2) / lam)  # φ = (1, x), prior covariance I/λ
    assert np.allclose(figure.band1_high.yData, expected)
    assert np.allclose(figure.band2_low.yData, -2 * expected)
    assert "undefined" in figure.mle_note.textItem.toPlainText().lower()


def test_generated_points_update_the_posterior_exactly(qtbot, tab):
    figure = tab.figure
    qtbot.mouseClick(tab.panel.add10_button, QtCore.Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tab.panel.next_button, QtCore.Qt.MouseButton.LeftButton)
    assert len(points(tab)) == 11
    x, y, factor = points(tab).T
    sigma, lam = tab.model["sigma"], tab.model["prior_precision"]
    mu, S = closed_form_posterior(line_features(x), y, sigma * factor, lam)
    grid = figure.mean_item.xData
    assert np.allclose(figure.mean_item.yData, line_features(grid) @ mu)
    variance = sigma**2 + np.einsum("ij,jk,ik->i", line_features(grid), S, line_features(grid))
    assert np.allclose(figure.band1_high.yData - figure.mean_item.yData, np.sqrt(variance))
    # MAP = ridge with penalty λσ² (homoscedastic), eq. 3.13 corrected
    Phi = line_features(x)
    ridge = np.linalg.solve(Phi.T @ Phi + lam * sigma**2 * np.eye(2), Phi.T @ y)
    assert np.allclose(figure.map_item.yData, line_features(grid) @ ridge)
    # MLE = ordinary least squares for equal σ (eq. 4.14)
    ols = np.linalg.lstsq(Phi, y, rcond=None)[0]
    assert np.allclose(figure.mle_item.yData, line_features(grid) @ ols)
    # weight space: the posterior ellipses are centred on μ
    ex, ey = figure.posterior_ellipses.xData, figure.posterior_ellipses.yData
    finite = np.isfinite(ex)
    assert np.allclose([ex[finite].mean(), ey[finite].mean()], mu, atol=1e-6)


def test_same_seed_same_points_and_scene_round_trip(qtbot, window, tab, tmp_path):
    tab.add_generated(7)
    first = points(tab).copy()
    qtbot.mouseClick(tab.panel.clear_button, QtCore.Qt.MouseButton.LeftButton)
    assert len(points(tab)) == 0
    tab.add_generated(3)
    tab.add_generated(4)
    assert np.array_equal(points(tab), first)
    widget(tab, "prior_precision").set_value(0.37, emit=True)
    assert tab.model["prior_precision"] == pytest.approx(0.37)
    state = tab.state()
    mean = tab.figure.mean_item.yData.copy()
    assert window.save_scene(tmp_path / "p.json")
    tab.reset()
    assert window.open_scene(tmp_path / "p.json")
    assert tab.state() == state
    assert np.array_equal(tab.figure.mean_item.yData, mean)


def test_clicks_add_and_remove_points(qtbot, tab):
    click(tab, 0.25, 0.4)
    assert len(points(tab)) == 1
    assert points(tab)[0, :2] == pytest.approx([0.25, 0.4], abs=0.03)
    click(tab, -0.5, -0.2)
    assert len(points(tab)) == 2
    click(tab, 0.3, 0.35, QtCore.Qt.MouseButton.RightButton)
    assert len(points(tab)) == 1
    assert points(tab)[0, 0] == pytest.approx(-0.5, abs=0.03)


def test_keys_play_step_backspace_reset(qtbot, window, tab):
    window.activateWindow()
    tab.setFocus()
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Right)
    assert len(points(tab)) == 1
    qtbot.keyClick(tab, QtCore.Qt.Key.Key_Backspace)
    assert len(points(tab)) == 0
    widget(tab, "rate").set_value(40.0, emit=True)
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: len(points(tab)) >= 5, timeout=5000)
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Space)
    assert not tab.animator.playing
    qtbot.keyClick(window, QtCore.Qt.Key.Key_R)
    assert len(points(tab)) == 0 and tab.state() == tab.default_state()


def test_mle_undefined_is_said_on_the_plot(tab):
    figure = tab.figure
    widget(tab, "degree").set_value(12, emit=True)
    assert tab.model["degree"] == 12
    tab.add_generated(2)
    assert "undefined" in figure.mle_note.textItem.toPlainText()
    assert figure.mle_item.xData is None or len(figure.mle_item.xData) == 0
    assert np.isfinite(figure.mean_item.yData).all()  # the posterior is always defined


def test_heteroscedastic_points_carry_error_bars(tab):
    figure = tab.figure
    widget(tab, "heteroscedastic").click()
    assert tab.model["heteroscedastic"] is True
    tab.add_generated(20)
    x, y, factor = points(tab).T
    assert factor.std() > 0.1  # σᵢ vary with x
    sigma = tab.model["sigma"]
    assert figure.error_bars.isVisible()
    assert np.allclose(figure.error_bars.opts["height"], 2 * sigma * factor)
    Phi = line_features(x)
    sigma_i = sigma * factor
    weighted = np.linalg.lstsq(Phi / sigma_i[:, None], y / sigma_i, rcond=None)[0]
    assert np.allclose(figure.mle_item.yData, line_features(figure.mle_item.xData) @ weighted)


def test_extreme_settings_stay_finite(tab):
    widget(tab, "degree").set_value(12, emit=True)
    widget(tab, "sigma").set_value(1e-3, emit=True)
    widget(tab, "prior_precision").set_value(1e-4, emit=True)
    model = tab.model
    assert (model["degree"], model["sigma"], model["prior_precision"]) == (12, 1e-3, 1e-4)
    tab.add_generated(3)
    figure = tab.figure
    for item in (figure.mean_item, figure.band2_high, figure.map_item):
        assert np.isfinite(item.yData).all()
    tab.add_generated(10_000)
    assert len(points(tab)) == 10_000
    assert "10000" in tab.readouts.value("n")


def test_bad_x_range_is_refused_at_the_entry(qtbot, window, tab):
    entry = widget(tab, "x_low")
    entry.setFocus()
    entry.selectAll()
    qtbot.keyClicks(entry, "nan")
    qtbot.keyClick(entry, QtCore.Qt.Key.Key_Return)
    assert entry.property("invalid") is True
    assert entry.value() == -1.0 == tab.model["x_low"]
    entry.selectAll()
    qtbot.keyClick(entry, QtCore.Qt.Key.Key_Backspace)
    qtbot.keyClicks(entry, "5")
    qtbot.keyClick(entry, QtCore.Qt.Key.Key_Return)
    assert entry.property("invalid") is True  # refused by the rule across x_low, x_high
    x_high = widget(tab, "x_high")
    assert entry.value() == tab.model["x_low"] < tab.model["x_high"] == x_high.value()
    assert "must exceed" in window.statusBar().currentMessage()


def test_a_vanishing_x_range_is_refused(qtbot, window, tab):
    """Typed 0 and 1e-320 (a fuzz found it): the plot's transform would overflow."""
    x_low, x_high = widget(tab, "x_low"), widget(tab, "x_high")
    for entry, text in ((x_low, "0"), (x_high, "1e-320")):
        entry.setFocus()
        entry.selectAll()
        qtbot.keyClicks(entry, text)
        qtbot.keyClick(entry, QtCore.Qt.Key.Key_Return)
    assert x_high.value() - x_low.value() >= 1e-3
    assert tab.model["x_high"] - tab.model["x_low"] >= 1e-3
    assert "must exceed" in window.statusBar().currentMessage()
    (low, high), _ = tab.figure.data_plot.viewRange()
    assert high - low > 1e-3


def test_a_degree_zero_model_saves_and_reopens(window, tab, tmp_path):
    """Found by the fuzz test: with one weight the weight-space pair (0, 1) must still load."""
    widget(tab, "degree").set_value(0, emit=True)
    assert tab.model["degree"] == 0
    assert window.save_scene(tmp_path / "d0.json")
    assert window.open_scene(tmp_path / "d0.json"), window.statusBar().currentMessage()
