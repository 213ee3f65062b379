"""The user's image in the SVD low-rank view: PNG and JPEG files written by these tests, grey
and colour, small (embedded in scenes) and large (scaled down, referenced by path); the rank-k
error against Eckart–Young computed here from the pixels the test wrote; bad images refused
with the state kept, a decompression bomb from its header alone."""

import json
import resource
import struct
import time
import zlib

import numpy as np
import pytest
from PyQt6 import QtCore, QtGui
from qt_helpers import shown_tab
from test_cli import run


@pytest.fixture
def tab(window):
    return shown_tab(window, "svd")


@pytest.fixture
def other_window(qtbot, tmp_path, new_window):
    """A second window (its own settings, no session): where a scene is opened afresh."""
    settings = QtCore.QSettings(str(tmp_path / "o.ini"), QtCore.QSettings.Format.IniFormat)

    def make():
        other = new_window(settings=settings)
        other.resize(1400, 860)
        other.show()
        qtbot.waitExposed(other)
        return other

    return make


def write_image(path, pixels: np.ndarray, fmt: str = "PNG", quality: int = -1) -> None:
    """Save (m, n) grey or (m, n, 3) RGB levels 0–255 as an image file."""
    levels = np.ascontiguousarray(pixels.astype(np.uint8))
    m, n = levels.shape[:2]
    if levels.ndim == 3:
        image = QtGui.QImage(levels.data, n, m, 3 * n, QtGui.QImage.Format.Format_RGB888)
    else:
        image = QtGui.QImage(levels.data, n, m, n, QtGui.QImage.Format.Format_Grayscale8)
    assert image.save(str(path), fmt, quality)


def picture(shape, seed=0) -> np.ndarray:
    """Smooth shapes plus a little noise: a picture with a spread-out spectrum."""
    rng = np.random.default_rng(seed)
    m, n = shape[:2]
    y, x = np.mgrid[0:m, 0:n]
    base = 120 + 80 * np.sin(x / 9.0) * np.cos(y / 13.0) + 40 * ((x - n / 2) ** 2 < 30 * y)
    channels = (
        [base + 20 * c * np.sin(x * y / 500.0 + c) for c in range(shape[2])]
        if len(shape) == 3
        else [base]
    )
    out = np.stack(channels, axis=-1) + rng.integers(0, 8, (m, n, len(channels)))
    out = np.clip(np.round(out), 0, 255)
    return out if len(shape) == 3 else out[:, :, 0]


def eckart_young(pixels: np.ndarray, k: int) -> tuple[np.ndarray, float]:
    """A_k of every channel and √(Σ_c Σ_{i>k} σ²)/‖A‖_F, from numpy's SVD of each channel."""
    stack = pixels[..., None] if pixels.ndim == 2 else pixels
    approx, tail = np.empty_like(stack), 0.0
    for c in range(stack.shape[2]):
        U, s, Vt = np.linalg.svd(stack[:, :, c])
        approx[:, :, c] = (U[:, :k] * s[:k]) @ Vt[:k]
        tail += float((s[k:] ** 2).sum())
    return approx.reshape(pixels.shape), np.sqrt(tail / float((pixels**2).sum()))


@pytest.mark.parametrize("shape", [(60, 90), (70, 50, 3)])
def test_the_rank_k_error_of_your_image_is_eckart_young(window, tab, tmp_path, shape):
    pixels = picture(shape)
    write_image(tmp_path / "mine.png", pixels)
    assert window.import_file("image", tmp_path / "mine.png"), window.statusBar().currentMessage()
    page = tab.low_rank_page
    assert tab.model["view"] == "low-rank" and tab.model["image"] == "file"
    assert np.array_equal(page.pixels, pixels)  # exactly what was written
    tab.edit({"rank": 12})
    approx, error = eckart_young(pixels, 12)
    assert np.allclose(page.approx_item.image, np.clip(approx, 0, 255), atol=1e-8)
    assert page.result.eckart_young_error(12) == pytest.approx(error, rel=1e-10)
    assert float(page.readouts.value("eckart_young")) == pytest.approx(error, abs=6e-6)
    assert float(page.readouts.value("measured")) == pytest.approx(error, abs=6e-6)
    colour = len(shape) == 3
    assert (page.kept[1].xData is not None and len(page.kept[1].xData) > 0) == colour
    names = [name for name, _x, _y in tab.plotted_data()]
    assert ("sigma_kept_green" in names) == colour and ("sigma_kept" in names) != colour


def test_a_small_image_travels_inside_the_scene(window, tab, tmp_path, other_window):
    pixels = picture((40, 64, 3), seed=2)
    write_image(tmp_path / "small.png", pixels)
    assert window.import_file("image", tmp_path / "small.png")
    assert tab.model["image_png"] and tab.model["image_file"] == "small.png"
    assert window.undo_action.text() == "Undo Open image small.png"
    scene = tmp_path / "s.json"
    assert window.save_scene(scene)
    (tmp_path / "small.png").unlink()
    other = other_window()
    assert other.open_scene(scene)
    assert np.array_equal(other.tabs["svd"].low_rank_page.pixels, pixels)


def test_a_large_image_is_scaled_down_and_referenced(window, tab, tmp_path, other_window):
    pixels = picture((1100, 1500, 3), seed=3)
    path = tmp_path / "large.png"
    write_image(path, pixels)
    assert window.import_file("image", path)
    tab.settle()
    page = tab.low_rank_page
    assert page.pixels.shape == (751, 1024, 3)
    assert page.note.textItem.toPlainText() == "scaled down from 1500 × 1100 to 1024 × 751"
    assert tab.model["image_png"] == "" and tab.model["image_file"] == str(path.resolve())
    tab.edit({"rank": 40, "matrix": [[2.0, 0.0], [0.0, 0.5]]})
    assert page.result.eckart_young_error(40) == pytest.approx(
        eckart_young(page.pixels, 40)[1], rel=1e-9
    )
    scene = tmp_path / "large.json"
    assert window.save_scene(scene)
    reopened = other_window()
    assert reopened.open_scene(scene)
    reopened.tabs["svd"].settle()
    assert np.array_equal(reopened.tabs["svd"].low_rank_page.pixels, page.pixels)
    path.unlink()  # the file the scene refers to is gone
    missing = other_window()
    assert missing.open_scene(scene)  # the rest of the scene is kept
    state = missing.tabs["svd"].state()
    assert (state["rank"], state["matrix"], state["image"]) == (40, [[2, 0], [0, 0.5]], "file")
    assert "no such file" in missing.statusBar().currentMessage()
    note = missing.tabs["svd"].low_rank_page.note.textItem.toPlainText()
    assert "large.png: no such file" in note and "Open image" in note


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of zeros, compressed row by row: a few hundred kB on disk, gigabytes
    once decoded to 32-bit pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    compressor, row = zlib.compressobj(9), b"\0" * (1 + (width + 7) // 8)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def truncated_jpeg(tmp_path) -> bytes:
    write_image(tmp_path / "whole.jpg", picture((200, 300, 3)), "JPEG", 90)
    data = (tmp_path / "whole.jpg").read_bytes()
    return data[: len(data) // 2]


def one_pixel(tmp_path) -> bytes:
    write_image(tmp_path / "one.png", np.array([[128.0]]))
    return (tmp_path / "one.png").read_bytes()


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("notes.png", lambda _p: b"these are my notes, not a picture\n", "not a PNG or JPEG"),
        ("cut.jpg", truncated_jpeg, "truncated JPEG"),
        ("dot.png", one_pixel, "only 1 × 1 pixels"),
        ("empty.png", lambda _p: b"", "not a PNG or JPEG"),
        ("bomb.png", lambda _p: png_bomb(30_000, 30_000), "30000 × 30000 pixels (900 megapixels)"),
    ],
)
def test_bad_images_are_refused_and_the_state_stays(
    window, tab, tmp_path, warning_dialogs, name, make, message
):
    tab.edit({"rank": 17})
    before = tab.state()
    path = tmp_path / name
    path.write_bytes(make(tmp_path))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    assert not window.user_files.open("image", path, dialog=True)
    assert time.perf_counter() - start < 2.0
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak) / 1024
    assert grown_mb < 100  # nothing the size of the decoded picture was allocated
    assert message in window.statusBar().currentMessage() and message in warning_dialogs[0]
    assert tab.state() == before


def test_your_image_needs_an_image_first(window, tab):
    tab.pages.setCurrentIndex(1)
    combo = tab.controls.widget("image")
    combo.setCurrentIndex(combo.findData("file"))
    assert tab.model["image"] == "physics_blackboard"
    assert "no image of yours yet" in window.statusBar().currentMessage()


def test_scenes_from_before_user_images_still_open(window, tab, tmp_path):
    scene = tmp_path / "old.json"
    assert window.save_scene(scene)
    old = json.loads(scene.read_text())
    del old["state"]["image_file"], old["state"]["image_png"]
    old["state"]["image"] = "interference"
    scene.write_text(json.dumps(old))
    assert window.open_scene(scene), window.statusBar().currentMessage()
    assert tab.model["image"] == "interference" and tab.model["image_png"] == ""


def test_export_takes_the_image_on_the_command_line(tmp_path):
    pixels = picture((48, 64))
    write_image(tmp_path / "mine.png", pixels)
    out = tmp_path / "spectrum.csv"
    result = run("export", "--image", "mine.png", "-o", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [line.split(",") for line in out.read_text().splitlines()[1:]]
    kept = [float(y) for name, _x, y in rows if name == "sigma_kept"]
    assert np.allclose(kept, np.linalg.svd(pixels, compute_uv=False)[:10], rtol=1e-10)
    (tmp_path / "bad.png").write_bytes(b"not an image")
    figure = tmp_path / "fig.png"
    result = run("export", "--tab", "svd", "--image", "bad.png", "-o", figure, cwd=tmp_path)
    assert result.returncode == 2 and not figure.exists()
    assert result.stderr.strip() == "mlphys-gui: error: bad.png is not a PNG or JPEG image"
