"""Animation export: record a tab's animation to GIF or MP4.

Frames are the tab's figure rendered exactly as for a PNG export, one per 1/fps of playback
(the tab's own ``animate``), so a recording shows what Play shows. imageio writes both formats:
GIF through Pillow, MP4 (H.264) through the ffmpeg binary that imageio-ffmpeg ships in its
wheel — nothing to install by hand. The file is written to a temporary name and renamed at the
end; a cancelled or failed recording leaves nothing behind.
"""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PyQt6 import QtGui, QtWidgets

from mlphys_gui.export import ExportError, render_image
from mlphys_gui.tabs.base import TabBase

VIDEO_FORMATS = ("gif", "mp4")
FPS_RANGE = (1, 60)
SECONDS_RANGE = (0.1, 600.0)
DEFAULT_VIDEO_WIDTH = 960


class RecordingCancelledError(Exception):
    """The user stopped the recording; nothing was written."""


def video_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in VIDEO_FORMATS:
        raise ExportError(f"unknown video type '.{suffix}': use .gif or .mp4")
    return suffix


def _frame(tab: TabBase, width: int) -> np.ndarray:
    image = render_image(tab.figure_view(), width)
    image = image.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    height, stride = image.height(), image.bytesPerLine()
    raw = np.frombuffer(image.constBits().asstring(height * stride), np.uint8)
    return raw.reshape(height, stride)[:, : 3 * image.width()].reshape(height, image.width(), 3)


def record(
    tab: TabBase,
    path: str | Path,
    seconds: float,
    fps: int,
    width: int = DEFAULT_VIDEO_WIDTH,
    progress: Callable[[int, int], bool] | None = None,
) -> int:
    """Record ``seconds`` of the tab's animation at ``fps`` into ``path`` (.gif or .mp4).

    ``progress(done, total)`` is called after each frame; returning False cancels
    (RecordingCancelledError). Returns the number of frames written.
    """
    import imageio.v2 as imageio  # imported here: only recording needs it

    fmt = video_format(path)
    if not FPS_RANGE[0] <= fps <= FPS_RANGE[1]:
        raise ExportError(f"fps must be between {FPS_RANGE[0]} and {FPS_RANGE[1]}")
    if not SECONDS_RANGE[0] <= seconds <= SECONDS_RANGE[1]:
        raise ExportError(f"seconds must be between {SECONDS_RANGE[0]:g} and {SECONDS_RANGE[1]:g}")
    path = Path(path)
    if not path.parent.is_dir():
        raise ExportError(f"folder {path.parent} does not exist")
    width += width % 2  # H.264 wants even sizes
    total = max(1, round(seconds * fps))
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".{fmt}", dir=path.parent)
    os.close(handle)
    options = (
        {"fps": fps, "macro_block_size": 2} if fmt == "mp4" else {"duration": 1000 / fps, "loop": 0}
    )
    try:
        with imageio.get_writer(
            temp_name, format="FFMPEG" if fmt == "mp4" else "GIF", **options
        ) as writer:
            for done in range(1, total + 1):
                tab.animate(1.0 / fps)
                QtWidgets.QApplication.processEvents()
                frame = _frame(tab, width)
                if frame.shape[0] % 2:
                    frame = frame[:-1]
                writer.append_data(frame)
                if progress is not None and progress(done, total) is False:
                    raise RecordingCancelledError
        os.replace(temp_name, path)
    except RecordingCancelledError:
        Path(temp_name).unlink(missing_ok=True)
        raise
    except (OSError, RuntimeError, ValueError) as error:
        Path(temp_name).unlink(missing_ok=True)
        raise ExportError(f"recording failed: {error}") from None
    return total
