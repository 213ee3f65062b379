"""The complexity tab (notes §1.3): measured off the GUI thread point by point, cancel, the BLAS
threads set and put back, runs kept for undo and in scenes, the memory and time caps, and the
command-line export (one series per operation)."""

import csv
import os
import subprocess
import sys
import time

import numpy as np
import pytest
from PyQt6 import QtCore, QtTest, QtWidgets
from threadpoolctl import threadpool_info

from core import complexity as cx
from mlphys_gui.tabs.complexity import timing

QUICK = {"n_max": 64, "repeats": 3, "python": False, "svd": False, "svd_wide": False}
CTRL = QtCore.Qt.KeyboardModifier.ControlModifier


def stop(tab) -> None:
    """No measurement goes on into the next test."""
    tab.job.cancel()
    QtCore.QThreadPool.globalInstance().waitForDone(60_000)


@pytest.fixture
def tab(window):
    window.select_tab("complexity")
    tab = window.tabs["complexity"]
    tab.edit(QUICK)
    tab.settle()
    QtWidgets.QApplication.processEvents()
    yield tab
    stop(tab)


def numpy_blas_threads() -> int:
    return next(
        info["num_threads"]
        for info in threadpool_info()
        if info["user_api"] == "blas" and "numpy" in info["filepath"]
    )


def finished(tab) -> bool:
    QtWidgets.QApplication.processEvents()
    return not tab.job.busy


def test_a_tab_in_the_background_measures_nothing_until_shown(qtbot, window):
    tab = window.tabs["complexity"]
    assert window.current_tab() is not tab
    assert not tab.job.busy and tab.state()["outcome"] == "none"
    assert tab.readouts.value("status").startswith("not measured yet")
    window.select_tab("complexity")
    assert tab.job.busy  # measuring now that it is shown
    stop(tab)


def test_switching_away_stops_the_measurement_and_coming_back_starts_it_afresh(window, tab):
    tab.edit({"n_max": 2048})
    assert tab.job.busy
    window.select_tab("svd")
    assert not tab.job.busy and tab.state()["outcome"] == "none"
    window.select_tab("complexity")
    assert tab.job.busy and tab.state()["outcome"] == "running"


def test_with_no_operation_chosen_nothing_is_measured(tab):
    tab.edit({key: False for key in cx.OPERATIONS})
    assert not tab.job.busy and tab.plotted_data() == []
    assert tab.readouts.value("status").startswith("no operation chosen")
    assert not any(item.isVisible() for item in tab.figure.medians.values())


def test_points_arrive_one_by_one_and_are_drawn_as_measured(qtbot, tab):
    reports = []
    tab.job.progress.connect(lambda values: reports.append(len(values[0].timings)))
    tab.edit({"n_max": 128, "det": False})
    assert tab.readouts.value("status").startswith("measuring")
    qtbot.waitUntil(lambda: finished(tab), timeout=60_000)
    sizes = cx.size_grid(128)
    assert reports == list(range(1, 2 * len(sizes) + 1))  # product and solve at every size
    run = tab.run
    assert run.outcome == "complete" and tab.readouts.value("status").startswith("complete")
    series = {name: (x, y) for name, x, y in tab.plotted_data()}
    assert list(series) == ["product", "solve"]  # one per operation, x = n, y = seconds
    for key in series:
        n, median, fastest, slowest = run.series(key)
        assert n.tolist() == list(sizes)
        assert np.array_equal(series[key][1], median)
        assert np.all((fastest <= median) & (median <= slowest))
        drawn = tab.figure.medians[key]
        assert np.array_equal(drawn.xData, n) and np.array_equal(drawn.yData, median)
        bars = tab.figure.bars[key].opts  # drawn in log10 coordinates: bars span the repeats
        assert np.allclose(10 ** (bars["y"] + bars["top"]), slowest)
        assert np.allclose(10 ** (bars["y"] - bars["bottom"]), fastest)
        fit = run.fit(key)
        assert f"{fit.slope:.2f}" in tab.readouts.value(key)
        assert np.allclose(tab.figure.fits[key].xData, [fit.n_low, fit.n_high])
    assert tab.readouts.value("det") == "—"


def test_cancel_keeps_the_points_measured_and_puts_one_blas_thread_back(qtbot, tab):
    assert numpy_blas_threads() == 1  # the app's setting
    tab.edit({"n_max": 16_384, "budget": 600.0, "threads": 2, "svd_wide": True})
    qtbot.waitUntil(lambda: len(tab.run.timings) >= 3, timeout=60_000)
    qtbot.mouseClick(tab.panel.cancel_button, QtCore.Qt.MouseButton.LeftButton)
    points = len(tab.run.timings)
    assert not tab.job.busy and tab.run.outcome == "cancelled"
    assert "cancelled" in tab.window().statusBar().currentMessage().lower()
    assert tab.readouts.value("status").startswith("cancelled at n = ")
    assert QtCore.QThreadPool.globalInstance().waitForDone(60_000)  # the worker noticed
    QtTest.QTest.qWait(200)
    assert len(tab.run.timings) == points and tab.state()["outcome"] == "cancelled"
    assert numpy_blas_threads() == 1


def test_the_threads_asked_for_are_used_and_the_limit_restored(qtbot, tab):
    tab.edit({"threads": 0})  # all cores
    qtbot.waitUntil(lambda: finished(tab), timeout=60_000)
    assert tab.run.threads_used == timing.usable_cores()
    assert tab.run.peak_threads == timing.usable_cores() and tab.run.peak_gflops > 0
    assert numpy_blas_threads() == 1
    tab.edit({"threads": 64})  # more than the cores: the cores
    qtbot.waitUntil(lambda: finished(tab), timeout=60_000)
    assert tab.run.threads_used == timing.usable_cores()


def test_undo_brings_back_the_run_of_the_setting_it_returns_to(qtbot, window, tab):
    first = tab.state()
    tab.edit({"n_max": 80})
    qtbot.waitUntil(lambda: finished(tab), timeout=60_000)
    second = tab.state()
    assert second["timings"] != first["timings"]
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Z, CTRL)
    assert not tab.job.busy and tab.state() == first  # shown at once, not measured again
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Z, CTRL | QtCore.Qt.KeyboardModifier.ShiftModifier)
    assert not tab.job.busy and tab.state() == second
    tab.panel.measure_button.click()  # unless asked to
    assert tab.job.busy
    qtbot.waitUntil(lambda: finished(tab), timeout=60_000)
    assert tab.state()["timings"] != second["timings"]


def test_a_scene_keeps_its_points_and_one_saved_while_measuring_measures_again(
    qtbot, window, tab, tmp_path
):
    state = tab.state()
    assert window.save_scene(tmp_path / "done.json")
    tab.edit({"n_max": 2048, "product": False, "solve": False, "det": False, "svd": True})
    assert tab.job.busy and tab.state()["outcome"] == "running"
    assert window.save_scene(tmp_path / "running.json")
    assert window.open_scene(tmp_path / "done.json")
    assert not tab.job.busy and tab.state() == state
    assert np.array_equal(tab.figure.medians["product"].yData, tab.run.series("product")[1])
    assert window.open_scene(tmp_path / "running.json")
    assert tab.job.busy and tab.state()["outcome"] == "running"


def test_too_large_for_memory_is_capped_with_what_it_would_need(qtbot, tab, monkeypatch):
    monkeypatch.setattr(cx, "available_memory", lambda: 200e6)  # 100 MB may be used
    tab.edit({"n_max": 4096, "product": True, "solve": False, "det": False})
    qtbot.waitUntil(lambda: finished(tab), timeout=60_000)
    cap = max(n for n in cx.size_grid(4096) if 3 * n * n * 8 <= 100e6)  # 3 n² float64 entries
    assert tab.run.memory_cap == cap and tab.run.sizes()[-1] == cap
    need = f"n ≤ {cap}: n = 4096 needs ≈ {3 * 4096**2 * 8 / 1e6:.3g} MB"
    assert tab.readouts.value("memory") == need
    assert "memory" in tab.window().statusBar().currentMessage()
    assert tab.figure.cap_line.isVisible() and tab.figure.cap_line.value() == np.log10(cap)


def test_a_size_that_would_overrun_the_budget_is_not_started(qtbot, tab):
    tab.edit({"n_max": 16_384, "budget": 5.0, "product": True, "solve": False, "det": False})
    qtbot.waitUntil(lambda: finished(tab), timeout=120_000)
    run = tab.run
    assert run.outcome == "time_capped" and run.elapsed < 10.0  # predicted, not guaranteed
    assert tab.readouts.value("status").startswith("stopped by the budget at n = ")
    later = next(n for n in cx.size_grid(16_384) if n > run.sizes()[-1])
    assert tab.readouts.value("skipped").startswith(f"n = {later}…16384: ≈ ")
    assert f"n = {later} not started" in tab.window().statusBar().currentMessage()
    assert run.skipped_seconds > 5.0 - run.elapsed
    assert tab.figure.cap_line.isVisible()


def test_a_recording_reveals_the_sizes_one_by_one(tab):
    sizes = len(tab.run.sizes())
    shown = []
    for _ in range(sizes + 2):
        tab.animate(0.3)
        shown.append(len(set(tab.figure.medians["product"].xData)))
    assert shown[0] == 2 and shown[-1] == sizes and shown == sorted(shown)


def test_export_measures_the_default_settings_in_under_a_minute(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    out = tmp_path / "complexity.csv"
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mlphys_gui", "export", "--tab", "complexity", "-o", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    seconds = time.perf_counter() - start
    assert result.returncode == 0, result.stderr
    assert seconds < 60, f"took {seconds:.1f} s"
    rows = list(csv.DictReader(out.open()))
    assert [*dict.fromkeys(row["series"] for row in rows)] == list(cx.OPERATIONS)
    for key in cx.OPERATIONS:
        n = [int(float(row["x"])) for row in rows if row["series"] == key]
        assert n == [s for s in cx.size_grid(512) if s <= cx.OPERATIONS[key].max_n]
    assert all(float(row["y"]) > 0 for row in rows)
