"""Animation export: GIF and MP4 with the right frame count and size; cancel leaves nothing."""

import imageio.v2 as imageio
import pytest
from PIL import Image, ImageSequence
from PyQt6 import QtCore
from test_cli import run

from mlphys_gui import recording


def gif_frames(path):
    """(frames, total duration in ms); GIF writers merge identical consecutive frames into one
    longer frame, so the duration, not the count, is what must add up."""
    with Image.open(path) as image:
        durations = []
        for frame in ImageSequence.Iterator(image):
            durations.append(frame.info["duration"])
        return len(durations), sum(durations), image.size


@pytest.mark.parametrize(
    "tab_name", ["svd", "posterior", "double-descent", "langevin", "transport"]
)
def test_record_gif_plays_for_the_time_asked_for(window, tmp_path, tab_name):
    window.select_tab(tab_name)
    tab = window.current_tab()
    tab.settle()
    path = tmp_path / "clip.gif"
    assert recording.record(tab, path, seconds=1.0, fps=10, width=320) == 10
    count, duration, (width, _height) = gif_frames(path)
    assert duration == pytest.approx(1000, abs=10) and width == 320
    assert count > 1  # it moves


def test_every_frame_of_a_moving_view_is_kept(window, tmp_path):
    tab = window.tabs["svd"]  # the stage animation changes every frame
    assert tab.edit({"stage": 0.0})
    assert recording.record(tab, tmp_path / "svd.gif", seconds=0.5, fps=10, width=320) == 5
    assert gif_frames(tmp_path / "svd.gif")[0] == 5


def test_record_mp4(window, tmp_path):
    window.select_tab("langevin")
    path = tmp_path / "clip.mp4"
    assert window.record(path, seconds=1.0, fps=12)
    reader = imageio.get_reader(path)
    assert reader.count_frames() == 12
    assert reader.get_meta_data()["size"][0] == recording.DEFAULT_VIDEO_WIDTH


def test_cancel_leaves_nothing_behind(window, tmp_path):
    tab = window.tabs["svd"]
    with pytest.raises(recording.RecordingCancelledError):
        recording.record(tab, tmp_path / "clip.gif", 2.0, 10, progress=lambda done, _t: done < 3)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "why"), [("clip.avi", "unknown video type"), ("nowhere/clip.gif", "does not exist")]
)
def test_bad_targets_are_refused(window, tmp_path, name, why):
    assert not window.record(tmp_path / name, 1.0, 10)
    assert why in window.statusBar().currentMessage()


def test_record_from_the_command_line(tmp_path):
    out = tmp_path / "svd.gif"
    result = run(
        "record",
        "--tab",
        "svd",
        "--seconds",
        "1",
        "--fps",
        "8",
        "--width",
        "400",
        "-o",
        out,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    count, duration, (width, _height) = gif_frames(out)
    assert duration == pytest.approx(1000, abs=50) and width == 400  # GIF keeps centiseconds
    bad = run("record", "--tab", "svd", "--fps", "500", "-o", tmp_path / "x.gif", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.startswith("mlphys-gui: error: ")
    assert not (tmp_path / "x.gif").exists()


def test_recording_does_not_leave_a_playing_animation_running(window, tmp_path):
    tab = window.tabs["langevin"]
    window.select_tab("langevin")
    tab.animator.play()
    assert window.record(tmp_path / "c.gif", 0.3, 10)
    assert not tab.animator.playing
    assert QtCore.QFileInfo(str(tmp_path / "c.gif")).size() > 0


def test_a_full_disk_leaves_no_half_written_file(window, tmp_path, monkeypatch):
    import imageio.v2

    real_writer = imageio.v2.get_writer

    def writer_that_fills_the_disk(*args, **kwargs):
        writer = real_writer(*args, **kwargs)

        def append_data(_frame):
            raise OSError(28, "No space left on device")

        writer.append_data = append_data
        return writer

    monkeypatch.setattr(imageio.v2, "get_writer", writer_that_fills_the_disk)
    assert not window.record(tmp_path / "clip.mp4", 1.0, 10)
    assert "No space left on device" in window.statusBar().currentMessage()
    assert list(tmp_path.iterdir()) == []
