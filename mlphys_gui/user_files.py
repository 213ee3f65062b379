"""Files the user brings: data tables and images, read with limits and refused with a message.

Text tables are parsed in :mod:`core.datafiles`; this module reads the bytes (never more than
the parser accepts) and decodes images with Qt: ``QImageReader`` reads the size from the
header before anything is decoded, so a decompression bomb (a 30 000 × 30 000 PNG of a few
hundred kB) is refused without allocating it, and Qt's own allocation limit stays as a second
guard. Images larger than :data:`MAX_SIDE` on a side are downsampled while decoding (JPEG) or
right after (PNG). The numerics of what is shown live in core (core.svd, core.transport).
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PyQt6 import QtCore, QtGui

from core.datafiles import MAX_BYTES

#: Suffixes of the kinds of file a tab may take (drag and drop decides by them).
SUFFIXES = {
    "image": (".png", ".jpg", ".jpeg"),
    "data": (".csv", ".tsv", ".txt", ".dat"),
}
#: What each kind is, for menus and messages.
KIND_NAMES = {"image": "images (PNG, JPEG)", "data": "data files (CSV, TSV)"}
#: Image formats opened (the content decides, not the suffix).
IMAGE_FORMATS = {b"png": "PNG", b"jpeg": "JPEG"}
#: Images are shown at most this many pixels on a side (larger ones are downsampled).
MAX_SIDE = 1024
#: The smallest image side: a 1 × 1 (or 3 × 500) picture has nothing to approximate.
MIN_SIDE = 8
#: Largest image opened, from the size in its header: 50 megapixels (a phone photo is 12–48).
MAX_PIXELS = 50_000_000
#: Qt's limit on what one decoded image may allocate (MB): a second guard beside MAX_PIXELS.
ALLOCATION_LIMIT_MB = 256
#: Largest image file read (bytes).
MAX_IMAGE_BYTES = 64 * 2**20
#: A shown image is embedded in scenes when its PNG encoding is at most this large (bytes).
EMBED_LIMIT = 64 * 1024
#: The length of EMBED_LIMIT bytes in base64: the declared limit of the embedded text.
EMBED_TEXT_LIMIT = 4 * ((EMBED_LIMIT + 2) // 3)


class UserFileError(ValueError):
    """A file the user chose that cannot be used; the message says why (one line)."""


def kind_of(path: str | os.PathLike) -> str | None:
    """ "image" or "data" from a file's suffix, or None."""
    suffix = Path(path).suffix.lower()
    return next((kind for kind, known in SUFFIXES.items() if suffix in known), None)


def read_bytes(path: str | os.PathLike, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a file of at most ``limit`` bytes, or UserFileError saying why not."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise UserFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserFileError(f"{path} is a folder, not a file") from None
    except OSError as error:
        raise UserFileError(f"{path.name} cannot be read ({error.strerror})") from None
    if len(data) > limit:
        raise UserFileError(f"{path.name} is larger than {limit // 2**20} MB")
    return data


@dataclass(frozen=True, eq=False)
class LoadedImage:
    """An image as the app shows it.

    Attributes
    ----------
    pixels : ndarray, (m, n) grey levels or (m, n, 3) RGB, floats in [0, 255], read-only
    alpha : ndarray (m, n) in [0, 1], read-only: opacity (1 where the image has none)
    original_size : (width, height) of the file
    name : str
        The file's name (or "embedded image").
    """

    pixels: np.ndarray
    alpha: np.ndarray
    original_size: tuple[int, int]
    name: str

    @property
    def colour(self) -> bool:
        return self.pixels.ndim == 3

    @property
    def shape(self) -> tuple[int, int]:
        return self.pixels.shape[:2]

    @property
    def downsampled(self) -> bool:
        return (self.pixels.shape[1], self.pixels.shape[0]) != self.original_size

    def describe(self) -> str:
        """ "photo.jpg, 4032 × 3024 colour, shown at 1024 × 768" """
        width, height = self.original_size
        text = f"{self.name}, {width} × {height} {'colour' if self.colour else 'grey'}"
        if self.downsampled:
            text += f", shown at {self.pixels.shape[1]} × {self.pixels.shape[0]}"
        return text

    def short_name(self, length: int = 28) -> str:
        """The name, cut to ``length`` characters for a title."""
        return self.name if len(self.name) <= length else self.name[: length - 1] + "…"

    def png_bytes(self) -> bytes:
        """The shown pixels as a lossless PNG (transparency already composited over white):
        what a scene embeds."""
        return _encode_png(self)


def _jpeg_is_complete(data: bytes) -> bool:
    """A JPEG ends its last scan with an end-of-image marker; a cut-off file does not (Qt
    decodes what there is and fills the rest in grey, with only a warning)."""
    return data.rfind(b"\xff\xd9") > data.rfind(b"\xff\xda") >= 0


def _array_of(image: QtGui.QImage, channels: int) -> np.ndarray:
    """(height, width[, channels]) uint8 array copied out of a QImage."""
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    buffer = np.frombuffer(image.constBits().asstring(height * stride), dtype=np.uint8)
    rows = buffer.reshape(height, stride)[:, : width * channels]
    return rows.reshape(height, width, channels) if channels > 1 else rows.copy()


def decode_image(data: bytes, name: str, max_side: int = MAX_SIDE) -> LoadedImage:
    """Decode a PNG or JPEG into the pixels the app shows.

    The size is read from the header first: an image smaller than :data:`MIN_SIDE` or larger
    than :data:`MAX_PIXELS` is refused before decoding. A larger side than ``max_side`` is
    scaled down (aspect kept; JPEG decodes at the reduced size). Grey images give (m, n)
    levels, colour ones (m, n, 3); transparency is composited over white.

    Raises
    ------
    UserFileError
        For what is not a PNG or JPEG, a truncated or damaged file, too small or too large an
        image.
    """
    buffer = QtCore.QBuffer()
    buffer.setData(QtCore.QByteArray(data))
    buffer.open(QtCore.QIODevice.OpenModeFlag.ReadOnly)
    reader = QtGui.QImageReader(buffer)
    reader.setDecideFormatFromContent(True)
    fmt = bytes(reader.format())
    if not reader.canRead() or fmt not in IMAGE_FORMATS:
        other = f" (it is {fmt.decode().upper()})" if fmt else ""
        raise UserFileError(f"{name} is not a PNG or JPEG image{other}")
    size = reader.size()
    width, height = size.width(), size.height()
    if width < 1 or height < 1:
        raise UserFileError(f"{name}: the image header is damaged")
    if width * height > MAX_PIXELS:
        raise UserFileError(
            f"{name} is {width} × {height} pixels ({width * height / 1e6:.0f} megapixels); "
            f"images up to {MAX_PIXELS // 1_000_000} megapixels are opened"
        )
    if min(width, height) < MIN_SIDE:
        raise UserFileError(
            f"{name} is only {width} × {height} pixels; at least {MIN_SIDE} × {MIN_SIDE} needed"
        )
    if fmt == b"jpeg" and not _jpeg_is_complete(data):
        raise UserFileError(f"{name} is a truncated JPEG (its end is missing)")
    scale = min(1.0, max_side / max(width, height))
    target = QtCore.QSize(max(1, round(width * scale)), max(1, round(height * scale)))
    if scale < 1.0 and reader.supportsOption(QtGui.QImageIOHandler.ImageOption.ScaledSize):
        reader.setScaledSize(target)
    QtGui.QImageReader.setAllocationLimit(ALLOCATION_LIMIT_MB)
    image = reader.read()
    if image.isNull():
        raise UserFileError(f"{name} cannot be decoded ({reader.errorString()})")
    if image.size() != target:
        image = image.scaled(
            target,
            QtCore.Qt.AspectRatioMode.IgnoreAspectRatio,
            QtCore.Qt.TransformationMode.SmoothTransformation,
        )
    return _loaded(image, (width, height), name)


def _loaded(image: QtGui.QImage, original_size: tuple[int, int], name: str) -> LoadedImage:
    """Grey or RGB pixels of a decoded image, composited over white (whole levels, so that
    an embedded PNG gives the same numbers back), and its opacity."""
    argb = image.convertToFormat(QtGui.QImage.Format.Format_RGBA8888)
    rgba = _array_of(argb, 4).astype(float)
    alpha = rgba[:, :, 3] / 255.0
    rgb = np.round(rgba[:, :, :3] * alpha[:, :, None] + 255.0 * (1.0 - alpha[:, :, None]))
    grey = bool(np.all(rgb[:, :, 0] == rgb[:, :, 1]) and np.all(rgb[:, :, 1] == rgb[:, :, 2]))
    pixels = rgb[:, :, 0].copy() if grey else rgb
    pixels.setflags(write=False)
    alpha.setflags(write=False)
    return LoadedImage(pixels, alpha, original_size, name)


def _encode_png(image: LoadedImage) -> bytes:
    height, width = image.shape
    levels = np.ascontiguousarray(image.pixels.astype(np.uint8))
    if image.colour:
        qimage = QtGui.QImage(
            levels.data, width, height, 3 * width, QtGui.QImage.Format.Format_RGB888
        )
    else:
        qimage = QtGui.QImage(
            levels.data, width, height, width, QtGui.QImage.Format.Format_Grayscale8
        )
    buffer = QtCore.QBuffer()
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    qimage.save(buffer, "PNG")
    return bytes(buffer.data())


def read_image(path: str | os.PathLike, max_side: int = MAX_SIDE) -> LoadedImage:
    """Read and decode the image file at ``path`` (see :func:`decode_image`)."""
    path = Path(path)
    return decode_image(read_bytes(path, MAX_IMAGE_BYTES), path.name, max_side)


def embedded_text(image: LoadedImage) -> str:
    """The image as base64 PNG text for a scene, or "" when its PNG is over EMBED_LIMIT."""
    png = image.png_bytes()
    return base64.b64encode(png).decode("ascii") if len(png) <= EMBED_LIMIT else ""


def from_embedded_text(text: str, name: str) -> LoadedImage:
    """The image a scene embeds (base64 PNG), or UserFileError."""
    try:
        data = base64.b64decode(text, validate=True)
    except ValueError:
        raise UserFileError(f"the image embedded as {name} is damaged") from None
    return decode_image(data, name)
