"""The SVD geometry tab driven like a user would: typing, dragging, sliders, keys."""

import numpy as np
import pytest
from PyQt6 import QtCore
from qt_helpers import data_to_viewport, mouse_drag


@pytest.fixture
def tab(window):
    window.select_tab("svd")
    return window.tabs["svd"]


def circle_points(item):
    return np.vstack([item.xData, item.yData])


def matrix(tab):
    return np.array(tab.model["matrix"])


def entries(tab):
    return tab.controls.widget("matrix").entries


def stage_slider(tab):
    return tab.controls.widget("stage").slider


def commit(qtbot, entry, text):
    entry.setFocus()
    entry.selectAll()
    qtbot.keyClick(entry, QtCore.Qt.Key.Key_Backspace)
    qtbot.keyClicks(entry, text)
    qtbot.keyClick(entry, QtCore.Qt.Key.Key_Return)


def test_output_circle_is_the_image_of_the_unit_circle(tab):
    page = tab.geometry_page
    circle = circle_points(page.in_circle)
    assert np.allclose(np.hypot(*circle), 1.0)
    assert np.allclose(circle_points(page.out_circle), matrix(tab) @ circle)


def test_typed_entry_changes_the_matrix(qtbot, tab):
    page = tab.geometry_page
    commit(qtbot, entries(tab)[0][1], "-2.5")
    A = matrix(tab)
    assert A[0, 1] == -2.5
    circle = circle_points(page.in_circle)
    assert np.allclose(circle_points(page.out_circle), A @ circle)
    # σ readout is the square root of the largest eigenvalue of AᵀA (eq. 1.2)
    sigma1 = np.sqrt(np.linalg.eigvalsh(A.T @ A).max())
    assert float(page.readouts.value("s1")) == pytest.approx(sigma1, rel=1e-3)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "not a number"),
        ("", "empty"),
        ("nan", "NaN"),
        ("inf", "finite"),
        ("1e400", "finite"),
        ("5e6", "outside"),
    ],
)
def test_bad_entry_is_marked_and_keeps_the_last_good_matrix(qtbot, window, tab, text, reason):
    before = matrix(tab)
    entry = entries(tab)[1][0]
    commit(qtbot, entry, text)
    assert entry.property("invalid") is True
    assert reason in entry.toolTip()
    assert reason in window.statusBar().currentMessage()
    assert np.array_equal(matrix(tab), before)
    commit(qtbot, entry, "0.75")  # a good value clears the mark
    assert entry.property("invalid") is False
    assert matrix(tab)[1, 0] == 0.75


def test_dragging_a_handle_moves_that_column_of_A(qtbot, tab):
    page = tab.geometry_page
    tab.edit({"matrix": [[1.0, 0.0], [0.0, 1.0]]})
    qtbot.wait(50)
    steps = tab.undo_stack.count()
    viewport = page.view.viewport()
    start = data_to_viewport(page.output_plot, page.view, 1.0, 0.0)
    end = data_to_viewport(page.output_plot, page.view, 0.6, 0.8)
    mouse_drag(viewport, start, end)
    A = matrix(tab)
    assert A[:, 0] == pytest.approx([0.6, 0.8], abs=0.03)
    assert A[:, 1] == pytest.approx([0.0, 1.0])
    assert entries(tab)[0][0].value() == pytest.approx(A[0, 0])
    assert np.allclose(circle_points(page.out_circle), A @ circle_points(page.in_circle))
    assert tab.undo_stack.count() == steps + 1  # the whole drag is one undo step
    tab.undo_stack.undo()
    assert matrix(tab).tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_stage_slider_walks_through_the_three_stages(tab):
    page = tab.geometry_page
    tab.edit({"matrix": [[1.0, 1.0], [0.0, 1.0]]})  # shear: σ = golden ratio and its inverse
    golden = (1 + 5**0.5) / 2
    circle = circle_points(page.in_circle)
    slider = stage_slider(tab)
    slider.setValue(0)
    assert np.allclose(circle_points(page.out_circle), circle)
    assert "identity" in page.output_plot.titleLabel.text.lower()
    slider.setValue(100)  # t = 1: after Vᵀ, a rotation: still the unit circle
    assert tab.model["stage"] == pytest.approx(1.0)
    assert np.allclose(np.hypot(*circle_points(page.out_circle)), 1.0)
    slider.setValue(200)  # t = 2: after ΣVᵀ, an axis-aligned ellipse with semi-axes σ₁, σ₂
    x, y = circle_points(page.out_circle)
    assert np.abs(x).max() == pytest.approx(golden, rel=1e-3)
    assert np.abs(y).max() == pytest.approx(1 / golden, rel=1e-3)
    slider.setValue(150)
    assert "Σ" in page.stage_label.text()
    slider.setValue(300)
    assert np.allclose(circle_points(page.out_circle), matrix(tab) @ circle)


def test_reflection_animates_continuously(tab):
    page = tab.geometry_page
    tab.edit({"matrix": [[1.0, 0.0], [0.0, -1.0]]})
    previous = None
    for position in range(0, 301):
        stage_slider(tab).setValue(position)
        points = circle_points(page.out_circle)
        if previous is not None:
            assert np.abs(points - previous).max() < 0.05
        previous = points
    assert "det < 0" in page.readouts.value("Sigma")


def test_keys_play_step_and_reset(qtbot, window, tab):
    page = tab.geometry_page
    tab.edit({"stage": 0.0})
    window.activateWindow()
    tab.setFocus()
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Right)
    assert tab.model["stage"] == pytest.approx(1.0)
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Right)
    assert tab.model["stage"] == pytest.approx(2.0)
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Space)
    assert page.animator.playing
    qtbot.waitUntil(lambda: tab.model["stage"] == 3.0, timeout=5000)
    assert not page.animator.playing
    tab.edit({"matrix": [[3.0, 0.0], [0.0, 3.0]]})
    qtbot.keyClick(window, QtCore.Qt.Key.Key_R)
    assert matrix(tab).tolist() == tab.default_state()["matrix"]


def test_focused_slider_keeps_its_arrow_keys(qtbot, tab):
    tab.edit({"stage": 1.0})
    stage_slider(tab).setFocus()
    qtbot.keyClick(stage_slider(tab), QtCore.Qt.Key.Key_Right)
    assert tab.model["stage"] == pytest.approx(1.03)  # one single step of the slider, not a stage


def test_presets_set_the_matrix(qtbot, tab):
    page = tab.geometry_page
    from mlphys_gui.tabs.svd.geometry import MATRIX_PRESETS

    buttons = {b.text(): b for b in page.findChildren(type(page.playback.play_button))}
    qtbot.mouseClick(buttons["Projection (rank 1)"], QtCore.Qt.MouseButton.LeftButton)
    assert matrix(tab).tolist() == MATRIX_PRESETS["Projection (rank 1)"]
    assert page.readouts.value("rank") == "1"
    assert page.readouts.value("cond") == "∞"
    assert tab.undo_stack.undoText() == "A = Projection (rank 1)"


def test_low_rank_view_matches_eckart_young(qtbot, tab):
    tab.pages.setCurrentIndex(1)
    page = tab.low_rank_page
    tab.controls.widget("rank").set_value(20, emit=True)
    assert page.k == 20
    A = page.pixels
    U, s, Vt = np.linalg.svd(A)
    best = (U[:, :20] * s[:20]) @ Vt[:20]
    assert np.allclose(page.approx_item.image, np.clip(best, 0, 255))
    expected = np.sqrt((s[20:] ** 2).sum() / (s**2).sum())
    assert float(page.readouts.value("eckart_young")) == pytest.approx(expected, abs=1e-5)
    assert float(page.readouts.value("measured")) == pytest.approx(expected, abs=1e-5)
    m, n = A.shape
    assert page.readouts.value("storage").startswith(f"{20 * (m + n + 1) / (m * n):.1%}")
    kept_x = page.kept[0].xData
    assert kept_x.max() == 20 and page.dropped[0].xData.min() == 21


def test_every_shipped_image_has_full_size(tab):
    from mlphys_gui.tabs.svd.low_rank import load_grayscale
    from mlphys_gui.tabs.svd.state import IMAGES, SHIPPED_RANK

    for name in IMAGES:
        pixels = load_grayscale(name)
        assert min(pixels.shape) == SHIPPED_RANK
        assert pixels.min() >= 0 and pixels.max() <= 255 and pixels.std() > 10


@pytest.mark.parametrize(
    ("values", "rank"),
    [([[0, 0], [0, 0]], "0"), ([[2, 4], [1, 2]], "1"), ([[1e-9, 0], [0, 1]], "2")],
)
def test_degenerate_matrices_animate_without_trouble(qtbot, tab, values, rank):
    page = tab.geometry_page
    for i in range(2):
        for j in range(2):
            commit(qtbot, entries(tab)[i][j], str(values[i][j]))
    assert matrix(tab).tolist() == values
    assert page.readouts.value("rank") == rank
    circle = circle_points(page.in_circle)
    for position in range(0, 301, 10):
        stage_slider(tab).setValue(position)
        assert np.isfinite(circle_points(page.out_circle)).all()
    assert np.allclose(circle_points(page.out_circle), matrix(tab) @ circle)
    if rank != "2":
        assert page.readouts.value("cond") == "∞"


def test_stepping_the_rank_keeps_the_spectrum_and_error_axes(tab):
    """The two log plots are framed on the image's spectrum, not by pyqtgraph's auto-range,
    which moved them (and rebuilt their axes) at every step of k; all values stay in view."""
    tab.pages.setCurrentIndex(1)
    page = tab.low_rank_page
    slider = tab.controls.widget("rank")
    ranges = set()
    for k in (30, 31, 30, 31, 60, 61):
        slider.set_value(k, emit=True)
        spectrum, error = page.spectrum_plot.viewRange(), page.error_plot.viewRange()
        ranges.add(tuple(map(tuple, spectrum + error)))
        (_, _), (low, high) = spectrum
        shown = np.log10(page.result.s[page.result.s > 0])
        assert low <= shown.min() and shown.max() <= high
        (_, _), (low, high) = error
        measured = np.log10(page.error_point.yData[0])
        assert low <= np.log10(page.error_curve.yData).min() and measured <= high
    assert len(ranges) == 1
