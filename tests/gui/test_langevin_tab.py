"""The Langevin tab driven like a user would: play/pause/step, the expression box, edge cases."""

import numpy as np
import pytest
from PyQt6 import QtCore, QtGui, QtWidgets

from core import densities
from core import langevin as lv
from mlphys_gui.tabs.langevin.tab import HEAVY_FRAME_N


@pytest.fixture
def tab(window):
    window.select_tab("langevin")
    return window.tabs["langevin"]


def choose(tab, key: str, option: str) -> None:
    combo = tab.controls.widget(key)
    combo.setCurrentIndex(combo.findData(option))


def test_step_advances_a_fixed_time_whatever_the_speed(qtbot, window, tab):
    window.activateWindow()
    tab.setFocus()
    for speed in (0.1, 10.0):
        tab.controls.widget("speed").set_value(speed, emit=True)
        before = tab.ensemble.t
        qtbot.keyClick(window, QtCore.Qt.Key.Key_Right)
        assert tab.ensemble.t - before == pytest.approx(0.05, abs=1e-9)
    assert tab.pde.t == pytest.approx(tab.ensemble.t)


def test_play_and_pause(qtbot, window, tab):
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Space)
    assert tab.animator.playing and tab.panel.playback.play_button.isChecked()
    qtbot.waitUntil(lambda: tab.ensemble.t > 0.1, timeout=5000)
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Space)
    t = tab.ensemble.t
    qtbot.wait(100)
    assert not tab.animator.playing and tab.ensemble.t == t
    qtbot.keyClick(window, QtCore.Qt.Key.Key_R)
    assert tab.ensemble.t == 0.0


def test_particles_and_pde_agree_on_the_ou_transient(tab):
    """Harmonic well (Ornstein–Uhlenbeck): mean x₀e^{−kt}, variance σ²/(2k)(1 − e^{−2kt})."""
    state = {
        **tab.default_state(),
        "potential": "harmonic",
        "k": 1.0,
        "n": 200_000,
        "sigma": 0.8,
        "x0": 1.5,
        "initial": "point",
        "dt": 0.002,
    }
    tab.restore(state)
    tab.run_for(0.7)
    t = tab.ensemble.t
    mean = 1.5 * np.exp(-t)
    variance = 0.64 / 2 * (1 - np.exp(-2 * t))
    x = np.asarray(tab.ensemble.x)
    assert x.mean() == pytest.approx(mean, abs=4 * np.sqrt(variance / x.size) + 0.01)
    assert x.var() == pytest.approx(variance, rel=0.03)
    pde = tab.pde.summary(0.0)
    assert pde.mean == pytest.approx(mean, abs=0.01)
    assert pde.variance == pytest.approx(variance, rel=0.02)
    # what is drawn is what was computed, and the histogram is close to p_t
    assert np.array_equal(tab.figure.pde_curve.yData, tab.pde.p)
    assert float(tab.readouts.value("distance")) < 0.05


def test_long_run_histogram_approaches_boltzmann(tab):
    tab.restore(
        {**tab.default_state(), "n": 100_000, "sigma": 1.0, "dt": 0.01, "initial": "uniform"}
    )
    tab.run_for(8.0)
    centres = 0.5 * (tab.edges[1:] + tab.edges[:-1])
    boltzmann = lv.boltzmann(tab._potential, 1.0, centres)
    width = tab.edges[1] - tab.edges[0]
    assert densities.total_variation(tab.frame.histogram, boltzmann, width) < 0.05


def test_expression_box_applies_and_refuses(qtbot, window, tab):
    choose(tab, "potential", "expression")
    edit = tab.controls.widget("expression")
    default = tab.default_state()["expression"]
    for bad in ("__import__('os')", "x.real", "x**4 +", "open('f')", "exp(exp(exp(x)))"):
        window.statusBar().clearMessage()
        edit.setText(bad)
        qtbot.keyClick(edit, QtCore.Qt.Key.Key_Return)
        assert edit.property("invalid") is True
        assert window.statusBar().currentMessage().startswith("Not changed: V(x): ")
        assert "V(x): " in edit.toolTip()  # the reason, at the box
        assert tab.model["expression"] == default
        assert edit.text() == bad  # kept in the box, marked, to be corrected
    edit.setText("x**2/2")
    qtbot.keyClick(edit, QtCore.Qt.Key.Key_Return)
    assert edit.property("invalid") is False
    assert tab.model["expression"] == "x**2/2"
    assert np.allclose(tab.figure.potential_curve.yData, tab.grid**2 / 2)


def test_potential_change_while_running_keeps_the_particles(tab):
    tab.run_for(0.5)
    x = np.array(tab.ensemble.x)
    t = tab.ensemble.t
    choose(tab, "potential", "tilted")
    tab.controls.widget("tilt").set_value(0.5, emit=True)
    assert np.array_equal(tab.ensemble.x, x) and tab.ensemble.t == t
    tilted = lv.tilted_double_well(1.0, 0.5)
    assert np.allclose(tab.figure.potential_curve.yData, tilted.V(tab.grid))


def test_diverging_dt_pauses_with_a_message(qtbot, window, tab):
    tab.restore({**tab.default_state(), "initial": "uniform", "dt": 2.0})
    tab.animator.play()
    qtbot.waitUntil(lambda: not tab.animator.playing, timeout=5000)
    message = window.statusBar().currentMessage()
    assert message.startswith("Paused") and "dt" in message
    assert np.isfinite(tab.ensemble.x).all()
    for item in (tab.figure.histogram_curve, tab.figure.pde_curve):
        assert np.isfinite(item.yData).all()


def test_sigma_zero_transports_without_spreading(tab):
    tab.restore(
        {
            **tab.default_state(),
            "sigma": 0.0,
            "initial": "gaussian",
            "x0": -2.0,
            "spread": 0.1,
            "potential": "harmonic",
            "k": 1.0,
        }
    )
    tab.run_for(0.5)
    x = np.asarray(tab.ensemble.x)
    assert x.std() == pytest.approx(0.1 * np.exp(-tab.ensemble.t), rel=0.05)  # dX = −x dt
    assert tab.pde.mass() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("text", ["0", "1e7", "nan", ""])
def test_bad_particle_counts_are_refused(qtbot, window, tab, text):
    entry = tab.controls.widget("n").entry
    entry.setFocus()
    entry.selectAll()
    qtbot.keyClick(entry, QtCore.Qt.Key.Key_Backspace)
    qtbot.keyClicks(entry, text)
    qtbot.keyClick(entry, QtCore.Qt.Key.Key_Return)
    assert entry.property("invalid") is True
    assert tab.n == tab.default_state()["n"]


def test_inertia_shows_phase_space_and_2d_mode_runs(tab):
    tab.controls.widget("inertia").click()
    assert tab.model["inertia"] is True
    tab.run_for(0.3)
    assert tab.figure.phase_plot.isVisible()
    x, v = tab.figure.phase_dots.points()
    assert len(x) == min(tab.n, 2500) and np.isfinite(v).all()
    choose(tab, "dimension", "2d")
    tab.run_for(0.3)
    assert tab.figure.pages.currentIndex() == 1
    cell = (tab.image_edges[1] - tab.image_edges[0]) ** 2
    assert tab.frame.histogram.sum() * cell == pytest.approx(1.0, abs=0.01)


def test_scene_round_trip_same_particles(window, tab, tmp_path):
    tab.restore({**tab.default_state(), "seed": 5, "n": 5000})
    tab.run_for(0.4)
    state = tab.state()
    x = np.array(tab.ensemble.x)
    assert window.save_scene(tmp_path / "l.json")
    tab.reset()
    assert window.open_scene(tmp_path / "l.json")
    assert tab.state() == state
    assert np.array_equal(tab.ensemble.x, x)


def test_memory_stays_flat_over_many_frames(tab):
    import tracemalloc

    tab.restore({**tab.default_state(), "n": 10_000})
    for _ in range(50):
        tab.advance(0.01)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(500):
        tab.advance(0.01)
        QtWidgets.QApplication.processEvents()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert after - before < 2_000_000


def test_a_scene_saved_before_the_first_step_reopens(window, tab, tmp_path):
    """Found by the fuzz test: a saved time shorter than half a step replays zero steps."""
    tab.restore({**tab.default_state(), "dt": 0.5})
    tab.ensemble.step(0)
    state = {**tab.state(), "time": 0.1}
    tab.restore(state)
    assert tab.ensemble.t == 0.0 and tab.pde.t == 0.0


def test_the_crowd_of_particles_shows_over_the_histogram(window, tab):
    """The drawn particles lie over the densities: in a well, where the histogram is filled,
    a dot's centre has the dots' colour, not the fill's."""
    tab.restore({**tab.default_state(), "n": 20_000, "sigma": 0.3})  # all stay near x₀ = −1
    tab.run_for(0.5)
    view = tab.figure.view
    image = view.viewport().grab().toImage()
    dot_colour = window.current_style().color(4)
    x, y = tab.figure.dots.points()
    shown = 0
    for xi, yi in zip(x[:300], y[:300], strict=True):
        scene = tab.figure.potential_box.mapViewToScene(QtCore.QPointF(xi, yi))
        pixel = image.pixelColor(view.mapFromScene(scene))
        distance = sum(
            abs(a - b) for a, b in zip(pixel.getRgb()[:3], dot_colour.getRgb()[:3], strict=True)
        )
        shown += distance < 60
    assert np.all(np.abs(x[:300] + 1) < 0.6)  # in the left well, inside the histogram
    assert shown > 250


def test_many_particles_play_off_the_gui_thread_and_pause_exactly(qtbot, window, tab):
    """From HEAVY_FRAME_N particles on, frames are computed by the frame worker: the picture
    keeps coming, pausing stops the run at the frame on screen, and a scene saved then
    reopens with the same particles."""
    tab.restore({**tab.default_state(), "n": HEAVY_FRAME_N + 1, "initial": "uniform"})
    tab.animator.play()
    qtbot.waitUntil(lambda: tab.frame.t > 0.2, timeout=10_000)
    assert tab.frame.histogram.sum() * (tab.edges[1] - tab.edges[0]) == pytest.approx(1, abs=0.02)
    tab.animator.pause()
    t = tab.ensemble.t
    qtbot.wait(100)
    assert tab.ensemble.t == t == tab.frame.t and tab.pde.t == pytest.approx(t)
    assert float(tab.readouts.value("t")) == pytest.approx(t, abs=1e-3)
    x = np.array(tab.ensemble.x)
    state = tab.state()
    tab.reset()
    tab.restore(state)
    assert np.array_equal(tab.ensemble.x, x)


def test_controls_change_the_run_while_frames_are_computed(qtbot, window, tab):
    tab.restore({**tab.default_state(), "n": HEAVY_FRAME_N + 1})
    tab.animator.play()
    for sigma in (0.5, 1.2, 0.9):
        qtbot.wait(60)
        tab.controls.widget("sigma").set_value(sigma, emit=True)  # between or during frames
        # drawn at once, taken by the run right after the frame being computed
        boltzmann = lv.boltzmann(tab._potential, sigma, tab.grid)
        assert np.allclose(tab.figure.boltzmann_curve.yData, boltzmann)
        qtbot.waitUntil(lambda s=sigma: tab.ensemble.sigma == s == tab.pde.sigma, timeout=2000)
    choose(tab, "potential", "harmonic")
    qtbot.wait(100)
    assert tab.animator.playing and isinstance(tab.ensemble.potential, lv.Harmonic)
    tab.animator.pause()
    assert np.isfinite(tab.frame.histogram).all() and tab.frame.t == tab.ensemble.t


def test_a_run_diverging_off_the_gui_thread_pauses_with_a_message(qtbot, window, tab):
    tab.restore({**tab.default_state(), "n": HEAVY_FRAME_N + 1, "initial": "uniform", "dt": 2.0})
    tab.animator.play()
    qtbot.waitUntil(lambda: not tab.animator.playing, timeout=10_000)
    assert window.statusBar().currentMessage().startswith("Paused")
    assert np.isfinite(tab.ensemble.x).all() and np.isfinite(tab.frame.histogram).all()
    assert tab.pde.t == pytest.approx(tab.ensemble.t)  # p_t stopped where the particles did


def test_the_legend_shows_the_particles_in_their_colour(window, tab):
    """The legend's dot is drawn by a key without data; it had pyqtgraph's grey-blue default."""
    legend = tab.figure.legend
    sample = next(s for s, label in legend.items if label.text == "particles (a sample)")
    pixmap = QtGui.QPixmap(20, 20)
    pixmap.fill(QtGui.QColor("white"))
    painter = QtGui.QPainter(pixmap)
    sample.paint(painter)
    painter.end()
    centre = pixmap.toImage().pixelColor(10, 10)
    assert centre.getRgb()[:3] == window.current_style().color(4).getRgb()[:3]


def shown_numbers(tab) -> dict:
    """What the 1-D or 2-D figure and the readouts show."""
    figure = tab.figure
    shown = {key: tab.readouts.value(key) for key in tab.readouts.labels}
    for name in ("histogram_curve", "pde_curve", "boltzmann_curve", "potential_curve"):
        item = getattr(figure, name)
        shown[name] = (np.array(item.xData), np.array(item.yData))
    for name in ("dots", "phase_dots", "dots_2d"):
        shown[name] = getattr(figure, name).points()
    shown["density_image"] = figure.density_image.image
    shown["potential_image"] = figure.potential_image.image
    return shown


def assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key, value in a.items():
        if isinstance(value, str):
            assert value == b[key], key
        elif value is None or b[key] is None:
            assert value is None and b[key] is None, key
        else:
            for part_a, part_b in zip(value, b[key], strict=True):
                assert np.array_equal(part_a, part_b, equal_nan=True), key


@pytest.mark.parametrize(
    "setting, change, visible",
    [
        ({}, {"sigma": 1.1}, True),
        ({}, {"depth": 2.5}, True),
        ({}, {"dt": 0.002}, False),  # (nothing drawn depends on dt until the particles move)
        ({}, {"show_pde": False, "show_histogram": False}, True),
        ({"potential": "tilted", "inertia": True}, {"gamma": 3.0, "tilt": 0.7}, True),
        ({"dimension": "2d", "initial": "uniform"}, {"sigma": 0.4}, False),
        ({"dimension": "2d", "initial": "uniform"}, {"ky": 3.0}, True),
    ],
    ids=["sigma", "depth", "dt", "flags", "inertia", "2d-sigma", "2d-ky"],
)
def test_a_change_that_moves_no_particle_draws_what_a_new_frame_draws(
    tab, setting, change, visible
):
    """σ, dt, V, γ or a flag changed while paused: the particles have not moved, so the frame
    on screen is drawn again (the dots on the new V) instead of counting 10⁶ particles again;
    the slow path, a frame taken afresh from the run, draws the same."""
    tab.restore({**tab.default_state(), "n": 50_000, **setting})
    tab.run_for(0.2)
    before = shown_numbers(tab)
    assert tab.edit(change)
    fast = shown_numbers(tab)
    if visible:
        with pytest.raises(AssertionError):
            assert_same(before, fast)  # the change was drawn
    tab.redraw()  # the slow path: a new frame from the run
    assert_same(fast, shown_numbers(tab))
