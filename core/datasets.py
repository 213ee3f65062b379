"""Real data sets shipped with the app, for the double-descent sweep on real data (notes §5).

``load_digits(path)``
    The UCI optical recognition of handwritten digits, test part: 1797 images of 8 × 8 pixels
    (each pixel the count of ink in a 4 × 4 block of a 32 × 32 bitmap, 0 to 16) and their
    labels 0–9. E. Alpaydin and C. Kaynak (1998), UCI Machine Learning Repository,
    doi:10.24432/C50P49, licensed CC BY 4.0; the file is the copy scikit-learn ships
    (``sklearn/datasets/data/digits.csv.gz``): one row per image, 64 pixel values then the
    label, comma-separated, gzip-compressed.

The loader reads the file it is given and checks it; core does not know where the app keeps it.
"""

from __future__ import annotations

import gzip
import os
import zlib
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["DIGIT_PIXELS", "Digits", "load_digits"]

#: Pixels of one digit (8 × 8) and the largest pixel value (ink in a 4 × 4 block).
DIGIT_PIXELS = 64
DIGIT_INK = 16
#: Largest decompressed file read (bytes): the real one is 0.5 MB.
MAX_TEXT_BYTES = 16 * 2**20


@dataclass(frozen=True, eq=False)
class Digits:
    """Handwritten digits: ``images`` (n, 64) pixel values 0–16, row by row of the 8 × 8
    picture, and ``labels`` (n,) in 0–9. Read-only arrays."""

    images: NDArray[np.float64]
    labels: NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.labels)


def load_digits(path: str | os.PathLike) -> Digits:
    """Read the digits from a gzip-compressed CSV (64 pixel columns, then the label).

    Raises
    ------
    ValueError
        Naming the path and what is wrong: not gzip, not numbers, a row of another length,
        pixels outside 0–16, labels outside 0–9 or not whole.
    OSError
        When the file cannot be read.
    """
    name = os.fspath(path)
    try:
        with gzip.open(name, "rb") as handle:
            raw = handle.read(MAX_TEXT_BYTES + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise ValueError(f"path {name}: not a readable gzip file ({error})") from None
    if len(raw) > MAX_TEXT_BYTES:
        raise ValueError(f"path {name}: larger than a digits file can be")
    try:
        lines = [line for line in raw.decode("ascii").splitlines() if line.strip()]
        if not lines:
            raise ValueError("no rows")
        table = np.loadtxt(lines, delimiter=",", ndmin=2)
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"path {name}: not a table of numbers ({error})") from None
    if table.shape[1] != DIGIT_PIXELS + 1 or len(table) < 1:
        raise ValueError(
            f"path {name}: expected rows of {DIGIT_PIXELS} pixels and a label, got shape "
            f"{table.shape}"
        )
    images = np.ascontiguousarray(table[:, :DIGIT_PIXELS])
    labels = table[:, DIGIT_PIXELS]
    if not np.all((images >= 0) & (images <= DIGIT_INK)):
        raise ValueError(f"path {name}: pixel values must be in [0, {DIGIT_INK}]")
    if not np.all((labels >= 0) & (labels <= 9) & (labels == np.round(labels))):
        raise ValueError(f"path {name}: labels must be whole numbers 0–9")
    images.setflags(write=False)
    labels = labels.astype(np.int64)
    labels.setflags(write=False)
    return Digits(images=images, labels=labels)
