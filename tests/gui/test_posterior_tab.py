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


def click(tab, x, y, button=QtCore.Qt.MouseButton.LeftButton):
    view = tab.view
    point = data_to_viewport(tab.data_plot, view, x, y).toPoint()
    QtWidgets.QApplication.processEvents()
    QtTest.QTest.mouseClick(view.viewport(), button, pos=point)


def test_with_no_data_the_bands_are_the_prior_predictive(tab):
    assert len(tab.points) == 0
    sigma, lam = tab.sigma_slider.value(), tab.lambda_slider.value()
    x = tab.mean_item.xData
    assert np.allclose(tab.mean_item.yData, 0.0)
    expected = np.sqrt(sigma**2 + (1 + x**2) / lam)  # φ = (1, x), prior covariance I/λ
    assert np.allclose(tab.band1_high.yData, expected)
    assert np.allclose(tab.band2_low.yData, -2 * expected)
    assert "undefined" in tab.mle_note.textItem.toPlainText().lower()


def test_generated_points_update_the_posterior_exactly(qtbot, tab):
    qtbot.mouseClick(tab.add10_button, QtCore.Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tab.next_button, QtCore.Qt.MouseButton.LeftButton)
    assert len(tab.points) == 11
    x, y, factor = tab.points.T
    sigma, lam = tab.sigma_slider.value(), tab.lambda_slider.value()
    mu, S = closed_form_posterior(line_features(x), y, sigma * factor, lam)
    grid = tab.mean_item.xData
    assert np.allclose(tab.mean_item.yData, line_features(grid) @ mu)
    variance = sigma**2 + np.einsum("ij,jk,ik->i", line_features(grid), S, line_features(grid))
    assert np.allclose(tab.band1_high.yData - tab.mean_item.yData, np.sqrt(variance))
    # MAP = ridge with penalty λσ² (homoscedastic), eq. 3.13 corrected
    Phi = line_features(x)
    ridge = np.linalg.solve(Phi.T @ Phi + lam * sigma**2 * np.eye(2), Phi.T @ y)
    assert np.allclose(tab.map_item.yData, line_features(grid) @ ridge)
    # MLE = ordinary least squares for equal σ (eq. 4.14)
    ols = np.linalg.lstsq(Phi, y, rcond=None)[0]
    assert np.allclose(tab.mle_item.yData, line_features(grid) @ ols)
    # weight space: the posterior ellipses are centred on μ
    ex, ey = tab.posterior_ellipses.xData, tab.posterior_ellipses.yData
    finite = np.isfinite(ex)
    assert np.allclose([ex[finite].mean(), ey[finite].mean()], mu, atol=1e-6)


def test_same_seed_same_points_and_scene_round_trip(qtbot, window, tab, tmp_path):
    tab.add_generated(7)
    first = tab.points.copy()
    qtbot.mouseClick(tab.clear_button, QtCore.Qt.MouseButton.LeftButton)
    assert len(tab.points) == 0
    tab.add_generated(3)
    tab.add_generated(4)
    assert np.array_equal(tab.points, first)
    tab.lambda_slider.set_value(0.37, emit=True)
    state = tab.state()
    mean = tab.mean_item.yData.copy()
    assert window.save_scene(tmp_path / "p.json")
    tab.reset()
    assert window.open_scene(tmp_path / "p.json")
    assert tab.state() == state
    assert np.array_equal(tab.mean_item.yData, mean)


def test_clicks_add_and_remove_points(qtbot, tab):
    click(tab, 0.25, 0.4)
    assert len(tab.points) == 1
    assert tab.points[0, :2] == pytest.approx([0.25, 0.4], abs=0.03)
    click(tab, -0.5, -0.2)
    assert len(tab.points) == 2
    click(tab, 0.3, 0.35, QtCore.Qt.MouseButton.RightButton)
    assert len(tab.points) == 1
    assert tab.points[0, 0] == pytest.approx(-0.5, abs=0.03)


def test_keys_play_step_backspace_reset(qtbot, window, tab):
    window.activateWindow()
    tab.setFocus()
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Right)
    assert len(tab.points) == 1
    qtbot.keyClick(tab, QtCore.Qt.Key.Key_Backspace)
    assert len(tab.points) == 0
    tab.rate_slider.set_value(40.0, emit=True)
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: len(tab.points) >= 5, timeout=5000)
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Space)
    assert not tab.animator.playing
    qtbot.keyClick(window, QtCore.Qt.Key.Key_R)
    assert len(tab.points) == 0 and tab.state() == tab.default_state()


def test_mle_undefined_is_said_on_the_plot(tab):
    tab.size_slider.set_value(12, emit=True)
    tab.add_generated(2)
    assert "undefined" in tab.mle_note.textItem.toPlainText()
    assert tab.mle_item.xData is None or len(tab.mle_item.xData) == 0
    assert np.isfinite(tab.mean_item.yData).all()  # the posterior is always defined


def test_heteroscedastic_points_carry_error_bars(tab):
    tab.hetero_box.setChecked(True)
    tab.add_generated(20)
    x, y, factor = tab.points.T
    assert factor.std() > 0.1  # σᵢ vary with x
    assert tab.error_bars.isVisible()
    assert np.allclose(tab.error_bars.opts["height"], 2 * tab.sigma_slider.value() * factor)
    Phi = line_features(x)
    sigma_i = tab.sigma_slider.value() * factor
    weighted = np.linalg.lstsq(Phi / sigma_i[:, None], y / sigma_i, rcond=None)[0]
    assert np.allclose(tab.mle_item.yData, line_features(tab.mle_item.xData) @ weighted)


def test_extreme_settings_stay_finite(tab):
    tab.size_slider.set_value(12, emit=True)
    tab.sigma_slider.set_value(1e-3, emit=True)
    tab.lambda_slider.set_value(1e-4, emit=True)
    tab.add_generated(3)
    for item in (tab.mean_item, tab.band2_high, tab.map_item):
        assert np.isfinite(item.yData).all()
    tab.add_generated(10_000)
    assert len(tab.points) == 10_000
    assert "10000" in tab.readouts.value("N points")


def test_bad_x_range_is_refused_at_the_entry(qtbot, window, tab):
    entry = tab.x_low
    entry.setFocus()
    entry.selectAll()
    qtbot.keyClicks(entry, "nan")
    qtbot.keyClick(entry, QtCore.Qt.Key.Key_Return)
    assert entry.property("invalid") is True
    assert entry.value() == -1.0
    entry.selectAll()
    qtbot.keyClick(entry, QtCore.Qt.Key.Key_Backspace)
    qtbot.keyClicks(entry, "5")
    qtbot.keyClick(entry, QtCore.Qt.Key.Key_Return)
    assert tab.x_low.value() < tab.x_high.value()
    assert "must exceed" in window.statusBar().currentMessage()


def test_a_vanishing_x_range_is_refused(qtbot, window, tab):
    """Typed 0 and 1e-320 (a fuzz found it): the plot's transform would overflow."""
    for entry, text in ((tab.x_low, "0"), (tab.x_high, "1e-320")):
        entry.setFocus()
        entry.selectAll()
        qtbot.keyClicks(entry, text)
        qtbot.keyClick(entry, QtCore.Qt.Key.Key_Return)
    assert tab.x_high.value() - tab.x_low.value() >= 1e-3
    assert "must exceed" in window.statusBar().currentMessage()
    (low, high), _ = tab.data_plot.viewRange()
    assert high - low > 1e-3


def test_a_degree_zero_model_saves_and_reopens(window, tab, tmp_path):
    """Found by the fuzz test: with one weight the weight-space pair (0, 1) must still load."""
    tab.size_slider.set_value(0, emit=True)
    assert window.save_scene(tmp_path / "d0.json")
    assert window.open_scene(tmp_path / "d0.json"), window.statusBar().currentMessage()
