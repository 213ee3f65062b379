"""The transport target of the user's choosing: clicks that place and remove components, a
picture and a point cloud written by these tests turned into up to 256 components by the rules
of core.mixture_fit (checked here against their closed forms), samplers that generate them,
bad files refused with the state kept."""

import numpy as np
import pytest
from PyQt6 import QtCore, QtTest, QtWidgets
from qt_helpers import data_to_viewport, shown_tab
from test_cli import run
from test_svd_image import picture, png_bomb, write_image

PROCESSES = ("reverse_sde", "probability_flow", "flow_matching")


@pytest.fixture
def tab(window):
    return shown_tab(window, "transport")


def click(tab, plot, x, y, button=QtCore.Qt.MouseButton.LeftButton):
    view = tab.figure.view
    QtWidgets.QApplication.processEvents()
    point = data_to_viewport(plot, view, x, y).toPoint()
    QtTest.QTest.mouseClick(view.viewport(), button, pos=point)


def test_clicks_place_and_remove_components_in_2d(tab):
    tab.edit({"dimension": "2d"})
    tab.settle()
    rows = tab.model["target_2d"].tolist()
    plot = tab.figure.panels["flow_matching"].plot_2d
    click(tab, plot, 2.0, 2.5)
    added = tab.model["target_2d"].tolist()
    assert len(added) == len(rows) + 1 and added[:-1] == rows
    weight, x, y, std = added[-1]
    assert (x, y) == pytest.approx((2.0, 2.5), abs=0.05) and std == 0.3
    assert weight == pytest.approx(np.mean([r[0] for r in rows]))
    assert tab.undo_stack.undoText().startswith("Add component at (2")
    tab.settle()
    assert tab.result.request.target.k == len(added)
    click(tab, plot, 1.9, 2.4, QtCore.Qt.MouseButton.RightButton)  # the nearest goes
    assert tab.model["target_2d"].tolist() == rows


def test_a_click_on_a_marker_is_not_a_new_component(tab):
    rows = tab.model["target_1d"].tolist()
    plot = tab.figure.panels["reverse_sde"].density_plot
    click(tab, plot, rows[0][1], 0.0)
    assert tab.model["target_1d"].tolist() == rows
    click(tab, plot, 0.0, 0.1)
    assert len(tab.model["target_1d"]) == len(rows) + 1


def ring(count, seed=0):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 2 * np.pi, count)
    return np.column_stack([40 * np.cos(t) + 300, 40 * np.sin(t) - 80])


def test_a_point_cloud_becomes_a_target_that_the_samplers_generate(window, tab, tmp_path):
    points = ring(3000)
    path = tmp_path / "ring.csv"
    np.savetxt(path, points, delimiter=";", header="x;y", comments="")
    assert window.import_file("data", path), window.statusBar().currentMessage()
    assert "3000 points: 256 components (k-means)" in window.statusBar().currentMessage()
    assert tab.model["dimension"] == "2d" and len(tab.model["target_2d"]) == 256
    assert tab.undo_stack.undoText() == "Load target ring.csv"
    target = tab.target()
    scaled = (points - [300, -80]) * (3.0 / 40)  # the ring's box is 80 × 80, centred
    assert target.mean() == pytest.approx(scaled.mean(axis=0), abs=0.02)
    assert tab.panel.components.summary.isVisible()
    assert "256 components" in tab.panel.components.summary.text()
    panel = tab.figure.panels["flow_matching"]
    assert panel.handles == [] and len(panel.marks[2].data) == 256
    tab.edit({"tau": 1.0})
    tab.settle()
    for process in PROCESSES:  # the generated particles lie on the ring (radius 3)
        final = tab.result.trajectories[process].x[-1]
        radius = np.hypot(*final.T)
        assert np.median(np.abs(radius - 3.0)) < 0.25, process


def test_a_column_of_numbers_becomes_a_1d_target(window, tab, tmp_path):
    rng = np.random.default_rng(2)
    values = np.concatenate([rng.normal(-5, 1, 400), rng.normal(5, 0.5, 200)])
    lines = ["# one column: 1-D points", *(f"{v:.6f}" for v in values)]
    (tmp_path / "x.txt").write_text("\n".join(lines))
    assert window.import_file("data", tmp_path / "x.txt"), window.statusBar().currentMessage()
    assert tab.model["dimension"] == "1d"
    target = tab.target()
    scale = 3.0 / ((values.max() - values.min()) / 2)
    shifted = (values - (values.max() + values.min()) / 2) * scale
    assert target.mean()[0] == pytest.approx(shifted.mean(), abs=1e-4)  # (6 digits in the file)
    assert target.weights[target.means[:, 0] > 0].sum() == pytest.approx(1 / 3, abs=1e-9)


def test_a_picture_becomes_a_target(window, tab, tmp_path):
    pixels = np.full((120, 160), 255.0)
    pixels[30:90, 40:60] = 0.0  # a dark bar on white, left of centre
    write_image(tmp_path / "bar.png", pixels)
    assert window.import_file("image", tmp_path / "bar.png"), window.statusBar().currentMessage()
    assert tab.model["dimension"] == "2d"
    target = tab.target()
    pixel = 6.0 / 160  # the picture fills [−3, 3] across
    assert target.mean() == pytest.approx([(50 - 80) * pixel, 0.0], abs=1e-12)
    assert target.k <= 256 and np.all(np.abs(target.means) <= 3.0)
    tab.edit({"tau": 1.0})
    tab.settle()
    final = tab.result.trajectories["probability_flow"].x[-1]
    inside = (np.abs(final[:, 0] - (50 - 80) * pixel) < 12 * pixel) & (np.abs(final[:, 1]) < 1.3)
    assert inside.mean() > 0.9


@pytest.mark.parametrize(
    ("kind", "name", "content", "message"),
    [
        ("data", "p.csv", "x,y\n1,2\n3,x\n", "line 3, column 2 (y): 'x' is not a number"),
        ("data", "p.csv", "1,2,3\n", "3 columns; expected x"),
        ("data", "p.csv", "1,nan\n", "'nan' is not a finite number"),
        ("data", "p.csv", "1,2\n" * 10**6, "1 000 000 data rows; at most 100 000"),
        ("data", "p.csv", b"\xff\xfe1\x002\x00", "not UTF-8"),
        ("data", "p.csv", "", "is empty"),
        ("image", "p.png", b"GIF89a not really", "not a PNG or JPEG"),
        ("image", "white.png", None, "one flat colour"),
        ("image", "bomb.png", png_bomb(30_000, 30_000), "900 megapixels"),
    ],
)
def test_bad_targets_are_refused_and_the_state_stays(
    window, tab, tmp_path, warning_dialogs, kind, name, content, message
):
    tab.edit({"steps": 50})
    before = tab.state()
    path = tmp_path / name
    if content is None:
        write_image(path, np.full((40, 40), 255.0))
    else:
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert not window.user_files.open(kind, path, dialog=True)
    assert message in window.statusBar().currentMessage() and message in warning_dialogs[0]
    assert tab.state() == before


def test_a_large_target_travels_in_scenes(window, tab, tmp_path):
    write_image(tmp_path / "pic.png", picture((90, 120)))
    assert window.import_file("image", tmp_path / "pic.png")
    state = tab.state()
    assert len(state["target_2d"]) > 16
    assert window.save_scene(tmp_path / "t.json")
    tab.panel.default_target_button.click()
    assert window.open_scene(tmp_path / "t.json") and tab.state() == state


def test_export_makes_the_target_from_the_command_line(tmp_path):
    np.savetxt(tmp_path / "ring.csv", ring(800), delimiter=",")
    out = tmp_path / "gen.csv"
    result = run("export", "--tab", "transport", "--data", "ring.csv", "-o", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [line.split(",") for line in out.read_text().splitlines()[1:]]
    means = np.array([[float(x), float(y)] for n, x, y in rows if n == "target_means"])
    assert len(means) == 256 and np.all(np.abs(np.hypot(*means.T) - 3.0) < 0.2)
