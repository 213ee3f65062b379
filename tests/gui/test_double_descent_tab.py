"""The double-descent tab: sweeps off the GUI thread, newest wins, cancel, the function view."""

import numpy as np
import pytest
from PyQt6 import QtCore, QtTest, QtWidgets
from qt_helpers import data_to_viewport

from core import double_descent as dd


@pytest.fixture
def tab(window):
    window.select_tab("double-descent")
    tab = window.tabs["double-descent"]
    tab.settle()
    return tab


def widget(tab, key):
    return tab.controls.widget(key)


def exact_isotropic_risk(n, p, sigma2, signal=1.0):
    """Finite-n expectation for Gaussian features (issue 4): p < n−1 and p > n+1."""
    return np.where(
        p < n, sigma2 * p / (n - p - 1), signal * (1 - n / p) + sigma2 * n / (p - n - 1)
    )


def test_sweep_runs_to_completion_and_matches_the_exact_risk(qtbot, tab):
    widget(tab, "trials").set_value(60, emit=True)
    assert tab.model["trials"] == 60
    qtbot.waitUntil(lambda: tab.result is not None, timeout=30_000)
    if tab.job.busy:
        assert tab.readouts.value("trials").endswith("(running)")
    # the last progress report (60 trials) may arrive a moment before the job says it finished
    qtbot.waitUntil(
        lambda: tab.result is not None and tab.result.trials_done == 60 and not tab.job.busy,
        timeout=30_000,
    )
    result = tab.result
    assert tab.panel.progress_bar.value() == 60
    n = result.params.n
    p = result.p
    sigma = tab.model["sigma"]
    away = (np.abs(p - n) > 4) & (p > 2)
    expected = exact_isotropic_risk(n, p[away], sigma**2)
    standard_error = result.test_std[away] / np.sqrt(result.trials_done)
    assert np.all(np.abs(result.test_mean[away] - expected) < 5 * standard_error + 0.05 * expected)
    # what is drawn is what was computed, against p/n
    figure = tab.figure
    assert np.allclose(figure.test_curve.xData, p / n)
    assert np.allclose(figure.test_curve.yData[away], result.test_mean[away])
    # the theory curve is the theorem's formula
    gamma = figure.theory_curve.xData
    finite = np.isfinite(gamma)
    theory = dd.isotropic_risk(gamma[finite], 1.0, sigma**2)
    assert np.allclose(figure.theory_curve.yData[finite], theory)


def assert_newest_wins(reports: list[tuple[int, int]], submitted: list[int], trials: int) -> None:
    """``reports``: the (n, trials done) of every progress report, in the order they arrived;
    ``submitted``: the n of each setting, in the order they were made. Newest wins: once a
    setting's reports have started, no report of an older setting arrives again, so each
    setting's reports are one run, in the order of the settings; each run counts its trials
    1, 2, … with none missing; the last setting's run comes last and counts all ``trials``."""
    assert {n for n, _done in reports} <= set(submitted), f"a report of no setting: {reports}"
    order = [submitted.index(n) for n, _done in reports]
    assert order == sorted(order), f"a stale report arrived after a newer one: {reports}"
    for n in set(submitted):
        dones = [done for m, done in reports if m == n]
        assert dones == list(range(1, len(dones) + 1)), f"n = {n}: reports {dones}"
    final = submitted[-1]
    start = next((i for i, (n, _done) in enumerate(reports) if n == final), len(reports))
    assert reports[start:] == [(final, done) for done in range(1, trials + 1)], reports


def test_new_settings_supersede_the_running_sweep(qtbot, tab):
    reports = []
    tab.job.progress.connect(lambda values: reports.append((values[2].params.n, values[0])))
    submitted = [30, 31, 32, 33, 34, 35]
    for n in submitted:  # faster than a sweep finishes
        widget(tab, "n").set_value(n, emit=True)
        assert tab.model["n"] == n
        QtTest.QTest.qWait(30)
    qtbot.waitUntil(lambda: not tab.job.busy, timeout=30_000)
    QtTest.QTest.qWait(100)
    assert tab.result.params.n == 35
    assert tab.result.trials_done == tab.result.params.trials
    assert_newest_wins(reports, submitted, tab.result.params.trials)


def test_cancel_keeps_the_trials_done(qtbot, tab):
    widget(tab, "trials").set_value(200, emit=True)
    widget(tab, "n").set_value(200, emit=True)
    assert (tab.model["trials"], tab.model["n"]) == (200, 200)
    progress_bar = tab.panel.progress_bar
    qtbot.waitUntil(lambda: tab.result is not None and tab.result.trials_done >= 1, timeout=30_000)
    qtbot.mouseClick(tab.panel.cancel_button, QtCore.Qt.MouseButton.LeftButton)
    done = progress_bar.value()
    QtTest.QTest.qWait(300)
    assert not tab.job.busy
    assert progress_bar.value() == done < 200
    assert "cancelled" in tab.window().statusBar().currentMessage().lower()
    assert tab.readouts.value("trials").endswith("(cancelled)")


def test_clicking_the_curve_picks_p_for_the_function_view(qtbot, tab):
    family = widget(tab, "family")
    family.setCurrentIndex(family.findData("fourier"))
    assert tab.model["family"] == "fourier"
    tab.settle()
    QtWidgets.QApplication.processEvents()
    n = tab.model["n"]
    figure = tab.figure
    y = np.log10(tab.result.test_mean[-1])
    point = data_to_viewport(figure.error_plot, figure.view, 2.0, y)
    QtTest.QTest.mouseClick(
        figure.view.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=point.toPoint()
    )
    assert tab.model["p_view"] == pytest.approx(2 * n, abs=2)
    assert widget(tab, "p_view").value() == tab.model["p_view"]  # the slider follows the click
    far = np.abs(figure.fit_curve.yData - figure.fit_truth.yData).max()
    widget(tab, "p_view").set_value(n, emit=True)
    assert tab.model["p_view"] == n
    near = np.abs(figure.fit_curve.yData - figure.fit_truth.yData).max()
    assert near > 3 * far  # wild at the threshold, tame far past it


@pytest.mark.parametrize(
    "change",
    [{"n": 1}, {"sigma": 0.0}, {"trials": 1}, {"ridgeless": False, "ridge": 1.0}],
)
def test_edge_settings_give_finite_curves(qtbot, tab, change):
    for key, value in change.items():  # set at the controls, as a user would
        control = widget(tab, key)
        if isinstance(control, QtWidgets.QCheckBox):
            control.setChecked(value)
        else:
            control.set_value(value, emit=True)
        assert tab.model[key] == value
    assert tab.model["p_view"] <= tab.params().widths[-1]  # n = 1: the fit's p came along
    tab.settle()
    QtWidgets.QApplication.processEvents()
    assert tab.result is not None and tab.result.trials_done == tab.model["trials"]
    figure = tab.figure
    for item in (figure.test_curve, figure.train_curve, figure.norm_curve):
        assert np.isfinite(item.yData).all() and (item.yData > 0).all()  # drawable on log axes
    low, high = figure.error_plot.viewRange()[1]
    assert np.isfinite([low, high]).all() and high - low <= 6  # at most ~6 decades shown


def test_without_noise_the_axis_shows_the_errors_not_the_round_off(tab):
    """σ = 0: below p = n the fit is exact (test errors of 1e-31 in floating point); the axis
    is framed on the errors past p = n, r²(1 − n/p), not on the round-off."""
    tab.restore({**tab.default_state(), "sigma": 0.0})
    tab.settle()
    QtWidgets.QApplication.processEvents()
    result = tab.result
    assert result.test_mean[result.p < result.params.n].max() < 1e-12
    low, high = tab.figure.error_plot.viewRange()[1]
    largest = np.log10(result.test_mean[-1])  # 0.75 at p = 4n
    assert low < largest < high and low > -4


def test_ridge_flattens_the_peak(tab):
    peak = tab.result.test_mean.max()
    tab.restore({**tab.default_state(), "ridgeless": False, "ridge": 0.5})
    tab.settle()
    QtWidgets.QApplication.processEvents()
    assert tab.result.test_mean.max() < 0.2 * peak


def test_scene_round_trip(window, tab, tmp_path):
    tab.restore({**tab.default_state(), "n": 25, "family": "relu", "seed": 3, "p_view": 30})
    tab.settle()
    QtWidgets.QApplication.processEvents()
    state, curve = tab.state(), tab.figure.test_curve.yData.copy()
    assert window.save_scene(tmp_path / "dd.json")
    tab.reset()
    tab.settle()
    assert window.open_scene(tmp_path / "dd.json")
    tab.settle()
    QtWidgets.QApplication.processEvents()
    assert tab.state() == state
    assert np.array_equal(tab.figure.test_curve.yData, curve)


def test_the_digits_family_peaks_at_p_equal_n_with_no_theory(tab):
    combo = widget(tab, "family")
    combo.setCurrentIndex(combo.findData("digits"))
    tab.edit({"n": 50, "sigma": 0.0, "trials": 6, "ratio": 4.0})
    tab.settle()
    result = tab.finished_result
    assert result.params.features == "digits" and len(result.params.data) == 1797
    peak = int(result.p[np.argmax(result.test_mean)])
    assert abs(peak - 50) <= 3 and tab.readouts.value("peak").endswith(f"at p = {peak}")
    assert tab.figure.theory_curve.xData is None or len(tab.figure.theory_curve.xData) == 0
    assert tab.figure.error_plot.titleLabel.text.startswith("Digits, odd or even")
    legend = [label.text for _sample, label in tab.figure.error_legend.items]
    assert not any("theory" in text for text in legend)
    names = [name for name, x, _y in tab.plotted_data() if len(x)]
    assert "test_error_mean" in names and "theory" not in names
    series = dict((name, (x, y)) for name, x, y in tab.plotted_data())
    ratio, error = series["test_error_mean"]
    assert np.allclose(ratio, result.p / 50) and np.allclose(error, result.test_mean)
