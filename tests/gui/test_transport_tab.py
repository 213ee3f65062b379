"""The transport tab (reverse SDE, probability flow, flow matching) driven like a user would:
sliders, keys, the τ line, the process combo, the component editor and its markers, scenes,
export. The samplers' numerics are tested in tests/core/test_transport.py; here the checks are on
what the plot items hold, compared with the exact laws of core.transport where possible."""

import json

import numpy as np
import pyqtgraph as pg
import pytest
from PyQt6 import QtCore, QtGui
from test_cli import run

from core import transport as tr
from mlphys_gui.scene import SceneError, make_scene, parse_scene
from mlphys_gui.widgets.components import LISTED_ROWS

PROCESSES = ("reverse_sde", "probability_flow", "flow_matching")
DISTANCE_READOUT = {process: f"distance_{process}" for process in PROCESSES}


@pytest.fixture
def tab(window):
    window.select_tab("transport")
    tab = window.tabs["transport"]
    tab.settle()
    return tab


def finite_part(values) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return values[np.isfinite(values)]


def type_into(qtbot, entry, text: str) -> None:
    entry.setFocus()
    entry.selectAll()
    qtbot.keyClick(entry, QtCore.Qt.Key.Key_Backspace)
    qtbot.keyClicks(entry, text)
    qtbot.keyClick(entry, QtCore.Qt.Key.Key_Return)


def widget(tab, key):
    return tab.controls.widget(key)


def restored(tab, **changes) -> None:
    tab.restore({**tab.default_state(), **changes})
    tab.settle()


def choose(tab, key: str, option: str) -> None:
    combo = widget(tab, key)
    combo.setCurrentIndex(combo.findData(option))
    assert tab.model[key] == option


def shown_plots(layout: pg.GraphicsLayout) -> set:
    return {item for item in layout.items if isinstance(item, pg.PlotItem)}


def bin_distance(panel, target: tr.GaussianMixture) -> float:
    """½ Σ |histogram mass − target mass| over the drawn bins: the target integrated over each bin
    from its CDF, independent of the tab's own readout."""
    edges, heights = panel.histogram.xData, panel.histogram.yData
    return 0.5 * float(np.abs(heights * np.diff(edges) - np.diff(target.cdf(edges))).sum())


def image_argmax_in_data(image_item: pg.ImageItem, column: int | None = None) -> QtCore.QPointF:
    """Data coordinates of the brightest pixel of an image (or of one of its columns)."""
    image = image_item.image
    if column is None:
        row, col = np.unravel_index(np.argmax(image), image.shape)
    else:
        row, col = int(np.argmax(image[:, column])), column
    return image_item.mapToParent(QtCore.QPointF(col + 0.5, row + 0.5))


# ---------------------------------------------------------------------------------- defaults


def test_default_state_samples_all_three_and_draws_finite_data(tab):
    assert tab.result is not None
    assert tuple(tab.result.request.processes) == PROCESSES
    assert set(tab.result.trajectories) == set(PROCESSES)
    panels = tab.figure.panels
    assert shown_plots(tab.figure.view_1d.ci) == {
        plot for p in PROCESSES for plot in (panels[p].paths_plot, panels[p].density_plot)
    }
    for process in PROCESSES:
        panel = tab.figure.panels[process]
        edges, heights = panel.histogram.xData, panel.histogram.yData
        assert len(edges) == len(heights) + 1 > 10
        assert np.isfinite(edges).all() and np.isfinite(heights).all() and (heights >= 0).all()
        assert np.sum(heights * np.diff(edges)) == pytest.approx(1.0, abs=0.01)  # a density
        x, p = panel.exact.xData, panel.exact.yData
        assert len(x) > 50 and np.isfinite(p).all() and (p >= 0).all()
        assert np.trapezoid(p, x) == pytest.approx(1.0, abs=0.01)
        # τ = 0: every process starts from (nearly, for the diffusions) the base N(0, 1)
        assert np.allclose(p, np.exp(-(x**2) / 2) / np.sqrt(2 * np.pi), atol=2e-3)
        path_x, path_y = panel.paths.getData()
        assert np.isnan(path_y).sum() >= 10  # at least ten trajectories, NaN between them
        assert finite_part(path_y).size > 10 * 50
        assert finite_part(path_x).min() == 0.0 and finite_part(path_x).max() == 1.0
        assert np.isfinite(panel.heat.image).all() and panel.heat.image.max() > 0
        assert finite_part(panel.field_1d.getData()[1]).size > 0
        heads_x, heads_y = panel.heads.points()
        assert len(heads_y) > 0 and np.all(heads_x == 0.0) and np.isfinite(heads_y).all()
        assert tab.readouts.value(DISTANCE_READOUT[process]) != "—"
    assert "M/s" in tab.readouts.value("sampling")


def test_heat_map_is_oriented_as_tau_by_x(tab):
    """1-D (τ, x) map: its τ = 1 column peaks at the heavier target bump, its τ = 0 column at 0."""
    target = tr.default_target(1)
    heaviest = float(target.means[np.argmax(target.weights), 0])
    for process in PROCESSES:
        heat = tab.figure.panels[process].heat
        end = image_argmax_in_data(heat, column=heat.image.shape[1] - 1)
        assert end.x() == pytest.approx(1.0, abs=0.02)
        assert end.y() == pytest.approx(heaviest, abs=0.1)
        start = image_argmax_in_data(heat, column=0)
        assert start.x() == pytest.approx(0.0, abs=0.02) and start.y() == pytest.approx(0, abs=0.1)


def test_many_steps_reach_the_target_and_three_steps_do_not(tab):
    target = tr.default_target(1)
    restored(tab, n=5000, steps=200, tau=1.0)
    for process in PROCESSES:
        panel = tab.figure.panels[process]
        assert bin_distance(panel, target) < 0.1, process
        # at τ = 1 the exact curve is the target itself
        assert np.allclose(panel.exact.yData, target.pdf(panel.exact.xData), rtol=1e-5)
        assert float(tab.readouts.value(DISTANCE_READOUT[process])) < 0.1
    assert tab.readouts.value("sampling").startswith("5000 × 200 steps")
    restored(tab, n=5000, steps=3, tau=1.0)
    assert tab.result.request.steps == 3
    assert bin_distance(tab.figure.panels["reverse_sde"], target) > 0.15
    assert float(tab.readouts.value(DISTANCE_READOUT["reverse_sde"])) > 0.15


# ---------------------------------------------------------------------------------- time


def assert_drawn_at(tab, tau: float) -> None:
    """Every panel's τ line and drawn particles are at ``tau``, and the histogram is theirs."""
    assert tab.model["tau"] == pytest.approx(tau)
    for process, trajectory in tab.result.trajectories.items():
        panel = tab.figure.panels[process]
        assert panel.tau_line.value() == pytest.approx(tau)
        heads_x, heads_y = panel.heads.points()
        assert np.allclose(heads_x, tau)
        at = trajectory.x[trajectory.index(tau), :, 0]  # a stored time: 100 steps of 0.01
        assert np.allclose(heads_y, at[: len(heads_y)])
        edges = panel.histogram.xData
        counts = np.histogram(at, bins=edges)[0]
        assert np.allclose(panel.histogram.yData, counts / (at.size * np.diff(edges)))
    assert tab.readouts.value("tau").startswith(f"{tau:.3f}")


def test_tau_slider_and_its_entry_move_every_panel(qtbot, tab):
    widget(tab, "tau").slider.setValue(400)  # of 1000
    assert_drawn_at(tab, 0.4)
    type_into(qtbot, widget(tab, "tau").entry, "0.75")
    assert not widget(tab, "tau").entry.is_invalid()
    assert_drawn_at(tab, 0.75)
    assert widget(tab, "tau").slider.value() == 750


def test_dragging_a_tau_line_moves_the_slider_and_the_other_panels(tab):
    line = tab.figure.panels["flow_matching"].tau_line
    line.setValue(0.3)  # emits sigPositionChanged, as a drag does
    assert widget(tab, "tau").value() == pytest.approx(0.3)
    assert widget(tab, "tau").slider.value() == 300
    assert_drawn_at(tab, 0.3)
    line.setValue(1.7)  # dragged past the end: τ stops at 1 and the line comes back to it
    assert widget(tab, "tau").value() == 1.0
    assert_drawn_at(tab, 1.0)


def test_step_and_play(qtbot, window, tab):
    window.activateWindow()
    tab.setFocus()
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Right)
    assert_drawn_at(tab, 0.05)
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Right)
    assert_drawn_at(tab, 0.1)
    assert widget(tab, "tau").value() == pytest.approx(0.1)
    widget(tab, "duration").set_value(1.0, emit=True)
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Space)
    assert tab.animator.playing and tab.panel.playback.play_button.isChecked()
    qtbot.waitUntil(lambda: 0.2 < tab.model["tau"] < 1.0, timeout=3000)
    qtbot.waitUntil(lambda: not tab.animator.playing, timeout=5000)
    assert tab.model["tau"] == 1.0 and not tab.panel.playback.play_button.isChecked()
    assert_drawn_at(tab, 1.0)
    qtbot.wait(100)
    assert tab.model["tau"] == 1.0  # stopped, not started again


# ---------------------------------------------------------------------------------- scenes


def test_same_seed_same_particles_after_a_scene_round_trip(window, tab):
    restored(tab, seed=11, n=500, tau=0.5)
    state = tab.state()
    paths = {p: t.x.copy() for p, t in tab.result.trajectories.items()}
    heads = tab.figure.panels["reverse_sde"].heads.points()[1].copy()
    text = json.dumps(make_scene("transport", state))
    tab.reset()
    tab.settle()
    assert tab.state() != state
    name, parsed = parse_scene(json.loads(text), window.schemas())
    assert name == "transport"
    tab.restore(parsed)
    tab.settle()
    assert tab.state() == state
    for process in PROCESSES:
        assert np.array_equal(tab.result.trajectories[process].x, paths[process])
    assert np.array_equal(tab.figure.panels["reverse_sde"].heads.points()[1], heads)
    widget(tab, "seed").setValue(12)
    tab.settle()
    assert tab.result.request.seed == 12
    for process in PROCESSES:
        x = tab.result.trajectories[process].x
        assert x.shape == paths[process].shape and not np.allclose(x, paths[process])


def test_a_linear_schedule_with_beta_min_above_beta_max_is_refused(window, tab, tmp_path):
    restored(tab, seed=4, steps=50)
    state, result = tab.state(), tab.result
    bad = {**state, "schedule": "linear", "beta_min": 4.0, "beta_max": 2.0}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(make_scene("transport", bad)))
    with pytest.raises(SceneError, match="beta_min"):
        parse_scene(json.loads(path.read_text()), window.schemas())
    assert not window.open_scene(path)
    message = window.statusBar().currentMessage()
    assert message.startswith("Scene not opened") and "beta_min" in message
    tab.settle()
    assert tab.state() == state and tab.result is result
    # the same numbers are fine for a schedule that has no β_min
    path.write_text(json.dumps(make_scene("transport", {**bad, "schedule": "cosine"})))
    assert window.open_scene(path)
    tab.settle()
    assert tab.result.request.schedule.kind == "cosine"
    assert (tab.state()["beta_min"], tab.state()["beta_max"]) == (4.0, 2.0)  # kept as opened


def schedule_of_state(tab) -> tr.NoiseSchedule:
    state = tab.state()
    return tr.NoiseSchedule(state["schedule"], state["beta_min"], state["beta_max"])


def test_betas_typed_past_each_other_leave_a_state_that_reopens(qtbot, window, tab):
    type_into(qtbot, widget(tab, "beta_max").entry, "2")
    type_into(qtbot, widget(tab, "beta_min").entry, "4")
    tab.settle()
    state = tab.state()
    assert state["beta_min"] <= state["beta_max"]
    parse_scene(json.loads(json.dumps(make_scene("transport", state))), window.schemas())
    assert tab.result.request.schedule == schedule_of_state(tab)  # what is shown is the state
    type_into(qtbot, widget(tab, "beta_max").entry, "1")
    tab.settle()
    state = tab.state()
    assert state["beta_min"] <= state["beta_max"] == 1.0
    assert tab.result.request.schedule == schedule_of_state(tab)


def test_switching_to_linear_with_beta_min_above_beta_max_keeps_a_valid_state(window, tab):
    """A cosine scene may carry β_min > β_max (it has no β_min); choosing linear afterwards must
    not leave a state that its own scene check refuses, nor a picture of another schedule."""
    restored(tab, schedule="cosine", beta_min=4.0, beta_max=2.0)
    choose(tab, "schedule", "linear")
    tab.settle()
    state = tab.state()
    parse_scene(json.loads(json.dumps(make_scene("transport", state))), window.schemas())
    assert tab.result.request.schedule == schedule_of_state(tab)


# ---------------------------------------------------------------------------------- layout


def test_process_combo_shows_and_samples_only_the_chosen_process(tab):
    for dimension in ("1d", "2d"):
        choose(tab, "dimension", dimension)
        for process in PROCESSES:
            choose(tab, "process", process)
            tab.settle()
            panel = tab.figure.panels[process]
            assert set(tab.result.trajectories) == {process}
            if dimension == "1d":
                assert shown_plots(tab.figure.view_1d.ci) == {panel.paths_plot, panel.density_plot}
            else:
                assert shown_plots(tab.figure.view_2d.ci) == {panel.plot_2d}
            for other in set(PROCESSES) - {process}:
                assert tab.readouts.value(DISTANCE_READOUT[other]) == "—"
                assert tab.figure.panels[other].handles == []
            assert len(panel.handles) == len(tab.panel.components.entries)
        choose(tab, "process", "all")
        tab.settle()
        assert set(tab.result.trajectories) == set(PROCESSES)
        layout = tab.figure.view_2d.ci if dimension == "2d" else tab.figure.view_1d.ci
        assert len(shown_plots(layout)) == (3 if dimension == "2d" else 6)


# ---------------------------------------------------------------------------------- 2-D

TARGET_2D = [[1.0, 2.0, -1.0, 0.4], [0.5, -1.5, 1.0, 0.3]]  # not symmetric under x ↔ y


def test_2d_mode_draws_heat_map_particles_and_arrows(tab):
    restored(tab, dimension="2d", target_2d=TARGET_2D, tau=1.0)
    assert tab.figure.pages.currentIndex() == 1
    target = tab.result.request.target
    assert target.dim == 2 and np.allclose(target.means, [[2.0, -1.0], [-1.5, 1.0]])
    for process in PROCESSES:
        panel = tab.figure.panels[process]
        assert panel.plot_2d in shown_plots(tab.figure.view_2d.ci)
        image = panel.image.image
        assert image is not None and image.ndim == 2 and np.isfinite(image).all()
        peak = image_argmax_in_data(panel.image)  # the heavier component, not its mirror
        assert (peak.x(), peak.y()) == pytest.approx((2.0, -1.0), abs=0.15)
        x, y = panel.dots.points()
        assert len(x) == len(y) == tab.model["n"] == 2000
        assert np.isfinite(x).all() and np.isfinite(y).all()
        assert (x.mean(), y.mean()) == pytest.approx(tuple(target.mean()), abs=0.15)
        assert finite_part(panel.arrows.getData()[0]).size > 100
        assert finite_part(panel.tails.getData()[0]).size > 0
        assert len(panel.handles) == 2
        assert all(isinstance(h, pg.TargetItem) and h in panel.plot_2d.items for h in panel.handles)
        assert float(tab.readouts.value(DISTANCE_READOUT[process])) < 0.2


def drag_handle(handle: pg.TargetItem, x: float, y: float) -> None:
    handle.setPos(x, y)
    handle.sigPositionChangeFinished.emit(handle)  # as a mouse drag ends


def test_dragging_a_component_marker_moves_its_mean(tab):
    choose(tab, "dimension", "2d")
    tab.settle()
    rows_before = [list(row) for row in tab.state()["target_2d"]]
    k = len(rows_before)
    assert all(len(tab.figure.panels[p].handles) == k for p in PROCESSES)
    drag_handle(tab.figure.panels["probability_flow"].handles[1], 1.25, -2.0)
    rows = tab.state()["target_2d"]
    assert rows[1][1:3] == [1.25, -2.0]
    assert [r for i, r in enumerate(rows) if i != 1] == [
        r for i, r in enumerate(rows_before) if i != 1
    ]
    assert tab.panel.components.entries[1][1].value() == 1.25
    assert tab.panel.components.entries[1][2].value() == -2.0
    tab.settle()
    assert np.allclose(tab.result.request.target.means[1], [1.25, -2.0])
    for process in PROCESSES:  # every panel's marker follows
        position = tab.figure.panels[process].handles[1].pos()
        assert (position.x(), position.y()) == pytest.approx((1.25, -2.0))
    drag_handle(tab.figure.panels["reverse_sde"].handles[0], 9.0, -9.0)  # out of bounds: clipped
    tab.settle()
    mean = tab.result.request.target.means[0]
    assert abs(mean[0]) <= 3.5 and abs(mean[1]) <= 3.5 and mean[0] > 3 and mean[1] < -3
    position = tab.figure.panels["reverse_sde"].handles[0].pos()
    assert (position.x(), position.y()) == pytest.approx(tuple(mean))


def test_dragging_a_marker_in_1d_moves_the_mean_along_x(tab):
    handle = tab.figure.panels["flow_matching"].handles[0]
    assert handle in tab.figure.panels["flow_matching"].density_plot.items
    drag_handle(handle, 0.5, 0.3)
    tab.settle()
    assert tab.state()["target_1d"][0][1] == 0.5
    assert tab.result.request.target.means[0, 0] == 0.5
    target_curve = tab.figure.panels["reverse_sde"].target_curve
    assert np.allclose(target_curve.yData, tab.result.request.target.pdf(target_curve.xData))


# ---------------------------------------------------------------------------------- editor


@pytest.mark.parametrize(
    ("column", "text"),
    [
        (0, "abc"),
        (0, ""),
        (0, "nan"),
        (0, "0"),
        (1, "1e400"),
        (1, "4"),
        (-1, "-0.3"),
        (-1, "inf"),
    ],
)
def test_garbage_in_the_component_editor_is_refused(qtbot, window, tab, column, text):
    state, result = tab.state(), tab.result
    entry = tab.panel.components.entries[0][column]
    window.statusBar().clearMessage()
    with qtbot.waitSignal(tab.message, timeout=1000) as blocker:
        type_into(qtbot, entry, text)
    assert entry.is_invalid()
    assert "component 1" in blocker.args[0]
    assert "component 1" in window.statusBar().currentMessage()
    tab.settle()
    assert tab.state() == state and tab.result is result


def test_valid_edits_change_the_target(qtbot, tab):
    entry = tab.panel.components.entries[0][0]
    type_into(qtbot, entry, "2.5")
    assert not entry.is_invalid()
    rows = tab.state()["target_1d"]
    assert rows[0][0] == 2.5
    tab.settle()
    target = tab.result.request.target
    weights = np.array([row[0] for row in rows])
    assert np.allclose(target.weights, weights / weights.sum())
    type_into(qtbot, tab.panel.components.entries[1][-1], "0.2")
    tab.settle()
    assert tab.state()["target_1d"][1][-1] == 0.2
    assert tab.result.request.target.stds[1] == pytest.approx(0.2)
    curve = tab.figure.panels["probability_flow"].target_curve
    expected = tr.GaussianMixture.isotropic(weights, [[row[1]] for row in rows], [rows[0][-1], 0.2])
    assert np.allclose(curve.yData, expected.pdf(curve.xData))


def test_add_and_remove_components(qtbot, tab):
    editor = tab.panel.components
    left = QtCore.Qt.MouseButton.LeftButton
    count = len(tab.state()["target_1d"])
    while count < LISTED_ROWS:
        qtbot.mouseClick(editor.add_button, left)
        count += 1
        assert len(tab.state()["target_1d"]) == len(editor.entries) == count
    tab.settle()
    assert tab.result.request.target.k == count
    assert len(tab.figure.panels["reverse_sde"].handles) == count
    qtbot.mouseClick(editor.add_button, left)  # one more than the table lists: a summary
    assert len(tab.state()["target_1d"]) == count + 1 and editor.entries == []
    assert editor.summary.isVisible() and f"{count + 1} components" in editor.summary.text()
    tab.edit({"target_1d": tab.model["target_1d"][:count]})  # one fewer: listed again
    assert len(editor.entries) == count and not editor.summary.isVisible()
    while len(editor.remove_buttons) > 1:
        qtbot.mouseClick(editor.remove_buttons[0], left)
        count -= 1
        assert len(tab.state()["target_1d"]) == count
    assert count == 1 and not editor.remove_buttons[0].isEnabled()
    assert editor.add_button.isEnabled()
    qtbot.mouseClick(editor.remove_buttons[0], left)
    assert len(tab.state()["target_1d"]) == 1
    tab.settle()
    assert tab.result.request.target.k == 1
    assert len(tab.figure.panels["flow_matching"].handles) == 1


def test_at_most_256_components(qtbot, tab):
    rows = [[1.0, -3.0 + 6.0 * i / 254, 0.1] for i in range(255)]
    restored(tab, target_1d=rows)
    editor = tab.panel.components
    assert editor.add_button.isEnabled()
    qtbot.mouseClick(editor.add_button, QtCore.Qt.MouseButton.LeftButton)
    assert len(tab.state()["target_1d"]) == 256 and not editor.add_button.isEnabled()
    tab.settle()
    assert tab.result.request.target.k == 256


# ---------------------------------------------------------------------------------- refusals


def test_bad_slider_input_is_refused(qtbot, window, tab):
    state, result = tab.state(), tab.result
    for slider, text in (
        (widget(tab, "steps"), "0"),
        (widget(tab, "steps"), "abc"),
        (widget(tab, "n"), "1e7"),
        (widget(tab, "n"), "5"),
        (widget(tab, "beta_max"), "nan"),
        (widget(tab, "beta_min"), "-1"),
    ):
        window.statusBar().clearMessage()
        type_into(qtbot, slider.entry, text)
        assert slider.entry.is_invalid(), text
        assert window.statusBar().currentMessage() != ""
        tab.settle()
        assert tab.state() == state and tab.result is result


def test_reset_key_returns_to_the_default_state(qtbot, window, tab):
    restored(tab, dimension="2d", process="flow_matching", steps=20, seed=9, tau=0.6)
    tab.panel.components.add_button.click()
    assert tab.state() != tab.default_state()
    window.activateWindow()
    tab.setFocus()
    qtbot.keyClick(window, QtCore.Qt.Key.Key_R)
    assert tab.state() == tab.default_state()
    tab.settle()
    assert tab.figure.pages.currentIndex() == 0 and tab.model["tau"] == 0.0
    request = tab.result.request
    assert (request.n, request.steps, request.seed) == (2000, 100, 0)
    assert set(tab.result.trajectories) == set(PROCESSES)
    assert len(shown_plots(tab.figure.view_1d.ci)) == 6


# ---------------------------------------------------------------------------------- export


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf", "csv"])
def test_export_from_the_command_line(tmp_path, suffix):
    """Like tests/gui/test_cli.py, whose SVG check (no <image>) does not hold here: the p_τ maps
    are images, and images stay images."""
    out = tmp_path / f"fig.{suffix}"
    result = run("export", "--tab", "transport", "-o", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 1000
    if suffix == "png":
        assert not QtGui.QImage(str(out)).isNull()
    if suffix == "pdf":
        assert out.read_bytes().startswith(b"%PDF")
    if suffix == "svg":
        text = out.read_text()
        assert "<path" in text and "<text" in text and "<image" in text
    if suffix == "csv":
        lines = out.read_text().splitlines()
        assert lines[0] == "series,x,y"
        names = {line.split(",")[0] for line in lines[1:]}
        for process in PROCESSES:
            assert {f"{process}_histogram", f"{process}_exact_p_tau"} <= names
        assert "target" in names


def test_2d_csv_export_holds_every_particle(tmp_path, window):
    tab = window.tabs["transport"]
    scene = tmp_path / "s.json"
    scene.write_text(
        json.dumps(make_scene("transport", {**tab.default_state(), "dimension": "2d"}))
    )
    out = tmp_path / "fig.csv"
    result = run("export", scene, "-o", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = out.read_text().splitlines()[1:]
    for process in PROCESSES:
        rows = [line for line in lines if line.startswith(f"{process}_particles,")]
        assert len(rows) == 2000
    assert len([line for line in lines if line.startswith("target_means,")]) == 4


def test_density_plots_are_framed_from_zero_and_not_on_every_frame(tab):
    """The three density plots share one y range from 0 to 15 % above the highest curve for
    new particles; Play does not re-frame it on every frame (that rebuilt their axes, a
    quarter of a frame), only when a curve leaves it or shrinks under 40 % of it."""
    restored(tab, tau=0.5)
    panels = [tab.figure.panels[process] for process in PROCESSES]

    def highest() -> float:
        return max(max(panel.histogram.yData.max(), panel.exact.yData.max()) for panel in panels)

    ranges = []
    for _ in range(12):
        tab.advance(1 / 360)  # a frame of Play at the default duration
        (low, high), *_ = [panel.density_plot.viewRange()[1] for panel in panels]
        for panel in panels[1:]:  # linked
            assert panel.density_plot.viewRange()[1] == pytest.approx([low, high], abs=1e-12)
        assert low == 0.0 and highest() <= high <= 1.15 * highest() / 0.4
        ranges.append((low, high))
    assert len(set(ranges)) <= 2  # re-framed at most once over twelve frames
    restored(tab, tau=1.0, seed=3)  # new particles, near the data: higher peaks
    low, high = panels[0].density_plot.viewRange()[1]
    assert (low, high) == (0.0, pytest.approx(1.15 * highest()))  # framed afresh
