"""The mlphys-gui command line, run as a user would: a separate process, no display."""

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from PyQt6 import QtGui


def run(*args, cwd):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "QT_QPA_PLATFORM", "WAYLAND_DISPLAY")
    }
    return subprocess.run(
        [sys.executable, "-m", "mlphys_gui", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


EXPECTED_SERIES = {
    "svd": "output_circle_at_t",
    "posterior": "predictive_mean",
    "double-descent": "test_error_mean",
    "langevin": "histogram",
}


@pytest.mark.parametrize("tab", EXPECTED_SERIES)
@pytest.mark.parametrize("suffix", ["svg", "png", "pdf", "csv"])
def test_export_default_scene_without_a_display(tmp_path, tab, suffix):
    out = tmp_path / f"fig.{suffix}"
    extra = ["--width", "2400"] if suffix == "png" else []
    result = run("export", "--tab", tab, "-o", out, *extra, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 1000
    if suffix == "svg":
        tags = {e.tag.split("}")[-1] for e in ET.parse(out).getroot().iter()}
        assert "text" in tags and "path" in tags and "image" not in tags
    if suffix == "png":
        assert QtGui.QImage(str(out)).width() == 2400
    if suffix == "pdf":
        assert out.read_bytes().startswith(b"%PDF")
    if suffix == "csv":
        text = out.read_text()
        assert text.startswith("series,x,y\n")
        assert f"\n{EXPECTED_SERIES[tab]}," in text


def test_export_a_scene_file(tmp_path):
    scene = tmp_path / "s.json"
    scene.write_text(
        '{"app": "mlphys-gui", "schema": 1, "tab": "svd", "state": {"view": "low-rank", '
        '"matrix": [[1, 0], [0, 1]], "stage": 3, "speed": 0.5, "show_grid": true, '
        '"show_basis": true, "show_singular_vectors": true, "image": "interference", "rank": 5}}'
    )
    out = tmp_path / "fig.csv"
    result = run("export", scene, "-o", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "sigma_kept" in text
    assert len([line for line in text.splitlines() if line.startswith("sigma_kept,")]) == 5


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--tab", "nope", "-o", "f.svg"],
        ["export", "--tab", "svd", "-o", "f.docx"],
        ["export", "--tab", "svd", "-o", "missing/f.svg"],
        ["export", "--tab", "svd", "-o", "f.svg", "--width", "100"],
        ["export", "--tab", "svd", "-o", "f.png", "--width", "3"],
        ["export", "-o", "f.svg"],
        ["export", "broken.json", "-o", "f.svg"],
        ["export", "nowhere.json", "-o", "f.svg"],
        ["--tab", "nope"],
        ["--bogus"],
    ],
)
def test_bad_arguments_give_one_line_and_no_output(tmp_path, args):
    (tmp_path / "broken.json").write_text("{not json")
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("mlphys-gui: error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not any(p.name.startswith("f.") for p in tmp_path.rglob("*"))


def test_no_display_is_explained(tmp_path):
    result = run("--tab", "svd", cwd=tmp_path)
    assert result.returncode == 2
    assert "no display" in result.stderr


def test_missing_xcb_libraries_are_named_as_debian_packages(monkeypatch):
    from mlphys_gui import cli

    def no_library(name):
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(cli.ctypes, "CDLL", no_library)
    monkeypatch.setattr(cli.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(cli.UsageError, match="sudo apt-get install libxcb-cursor0 libxcb-icccm4"):
        cli._check_display()


def test_export_from_an_exported_figure(tmp_path):
    first = tmp_path / "first.png"
    assert run("export", "--tab", "posterior", "-o", first, cwd=tmp_path).returncode == 0
    again = tmp_path / "again.csv"
    result = run("export", first, "-o", again, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "predictive_mean" in again.read_text()


def test_help_names_every_tab(tmp_path):
    from mlphys_gui.tabs import TAB_CLASSES

    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0
    listed = result.stdout.split("open on this tab (")[1].split(")")[0].replace("\n", " ")
    assert [name.strip() for name in listed.split(",")] == list(TAB_CLASSES)


def test_a_2d_typed_potential_scene_exports(tmp_path):
    """A V(x, y) scene is checked with the 2-D parser: it once failed with "the name 'y' is
    not allowed"."""
    from mlphys_gui.tabs import TAB_CLASSES

    state = {
        **TAB_CLASSES["langevin"].SCHEMA.defaults(),
        "dimension": "2d",
        "potential": "expression",
        "expression": "x**4/4 - x**2/2 + y**2/2",
        "n": 2000,
        "time": 0.1,
    }
    scene = tmp_path / "v2d.json"
    scene.write_text(
        json.dumps({"app": "mlphys-gui", "schema": 1, "tab": "langevin", "state": state})
    )
    out = tmp_path / "fig.csv"
    result = run("export", scene, "-o", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "density_x_marginal" in out.read_text()
    state["dimension"] = "1d"  # the same V(x, y) in 1-D is refused, naming the field
    scene.write_text(
        json.dumps({"app": "mlphys-gui", "schema": 1, "tab": "langevin", "state": state})
    )
    refused = run("export", scene, "-o", out, cwd=tmp_path)
    assert refused.returncode == 2 and "V(x)" in refused.stderr and "'y'" in refused.stderr


def test_session_file_is_printed_without_a_display(tmp_path):
    env_home = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, "-m", "mlphys_gui", "--session-file"],
        cwd=tmp_path,
        env={**os.environ, **env_home},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    path = result.stdout.strip()
    assert path.startswith(str(tmp_path / "data")) and path.endswith("session.json")


def shipped_deck(name: str):
    from mlphys_gui.lecture import shipped_decks

    return next(path for _title, path in shipped_decks() if path.stem == name)


def test_handout_without_a_display(tmp_path):
    """One page per step, drawn offscreen, the deck inside: File → Open deck takes it."""
    from PyQt6 import QtPdf

    from mlphys_gui.deck import read_deck_file
    from mlphys_gui.tabs import PLAYABLE, SCHEMAS

    deck_path = shipped_deck("01-svd")
    out = tmp_path / "svd.pdf"
    result = run("handout", deck_path, "-o", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    deck = read_deck_file(deck_path, SCHEMAS, PLAYABLE)
    assert result.stdout.strip() == f"wrote {out} ({len(deck)} pages)"
    document = QtPdf.QPdfDocument(None)
    document.load(str(out))
    assert document.pageCount() == len(deck)
    assert deck.steps[-1].title in document.getAllText(len(deck) - 1).text()
    assert read_deck_file(out, SCHEMAS, PLAYABLE) == deck


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["handout", "bad.json", "-o", "h.pdf"], "step 2 “Two”: state.stage"),
        (["handout", "empty.json", "-o", "h.pdf"], "no steps"),
        (["handout", "nowhere.json", "-o", "h.pdf"], "no such file"),
        (["handout", "good.json", "-o", "missing/h.pdf"], "does not exist"),
        (["handout", "good.json", "-o", "h.docx"], "should end in .pdf"),
        (["handout", "-o", "h.pdf"], "required: deck"),
    ],
)
def test_a_handout_that_cannot_be_made_says_why_and_writes_nothing(tmp_path, args, message):
    from mlphys_gui.tabs import SCHEMAS

    state = SCHEMAS["svd"].defaults()
    scene = {"app": "mlphys-gui", "schema": 1, "tab": "svd", "state": state}
    good = {"app": "mlphys-gui", "kind": "deck", "schema": 1, "title": "t", "steps": []}
    good["steps"] = [{"title": "One", "scene": scene}, {"title": "Two", "scene": scene}]
    (tmp_path / "good.json").write_text(json.dumps(good))
    bad = json.loads(json.dumps(good))
    bad["steps"][1]["scene"]["state"]["stage"] = 9.0
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    (tmp_path / "empty.json").write_text(json.dumps({**good, "steps": []}))
    before = set(tmp_path.rglob("*"))
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("mlphys-gui: error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert set(tmp_path.rglob("*")) == before
