"""Generate the demo images for the low-rank SVD image approximation view.

Developer script, not imported by the app. Usage (from the repository root):

    QT_QPA_PLATFORM=offscreen python resources/images/make_images.py

Requires numpy and PyQt6. Writes 8-bit grayscale PNGs (192 x 144 px, width x
height) next to this script. Output is deterministic: the only noise is drawn
from a NumPy generator with a fixed seed.

Each image has structure at several scales, so that a rank-1 reconstruction
looks blocky/striped, rank ~20 is recognisable and full rank is exact:

* physics_blackboard.png  - chalk-board scene (QPainter)
* interference.png        - Young's two-pinhole interference (analytic)
* lattice_defect.png      - square lattice with an edge dislocation (analytic)
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
from PyQt6.QtCore import QPointF, Qt
from PyQt6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
)

OUT_DIR = Path(__file__).resolve().parent
WIDTH, HEIGHT = 192, 144
SEED = 20240917


# --------------------------------------------------------------------------- #
# helpers
# --------------------------------------------------------------------------- #
def array_to_qimage(a: np.ndarray) -> QImage:
    """uint8 array (H, W) -> independent Grayscale8 QImage."""
    a = np.ascontiguousarray(a, dtype=np.uint8)
    h, w = a.shape
    img = QImage(a.data, w, h, w, QImage.Format.Format_Grayscale8)
    return img.copy()  # detach from the numpy buffer


def qimage_to_array(img: QImage) -> np.ndarray:
    """Any QImage -> uint8 array (H, W) of its gray levels."""
    g = img.convertToFormat(QImage.Format.Format_Grayscale8)
    h, w, bpl = g.height(), g.width(), g.bytesPerLine()
    buf = np.frombuffer(g.constBits().asstring(bpl * h), dtype=np.uint8)
    return buf.reshape(h, bpl)[:, :w].copy()


def to_uint8(x: np.ndarray, lo: float = 0.0, hi: float = 1.0) -> np.ndarray:
    y = (np.asarray(x, dtype=float) - lo) / (hi - lo)
    return np.clip(np.rint(y * 255.0), 0, 255).astype(np.uint8)


def save(a: np.ndarray, name: str) -> Path:
    assert a.shape == (HEIGHT, WIDTH) and a.dtype == np.uint8
    path = OUT_DIR / name
    if not array_to_qimage(a).save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


def bessel_j1(x: np.ndarray, n: int = 256) -> np.ndarray:
    """J1(x) = (1/pi) * int_0^pi cos(t - x sin t) dt (midpoint rule; exact
    enough for |x| < ~40, which is all we use)."""
    t = (np.arange(n) + 0.5) * (math.pi / n)
    x = np.asarray(x, dtype=float)
    return np.cos(t - x[..., None] * np.sin(t)).mean(axis=-1)


# --------------------------------------------------------------------------- #
# 1. chalk board
# --------------------------------------------------------------------------- #
def _pick_font(families: list[str], px: int, italic: bool = False) -> QFont:
    font = QFont()
    for fam in families:
        font = QFont(fam)
        if font.exactMatch():
            break
    font.setPixelSize(px)
    font.setItalic(italic)
    return font


def blackboard() -> np.ndarray:
    img = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB32)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)

    # background: dark board, lighter towards the upper left (diagonal gradient)
    grad = QLinearGradient(0, 0, WIDTH, HEIGHT)
    grad.setColorAt(0.0, QColor(92, 92, 92))
    grad.setColorAt(0.55, QColor(52, 52, 52))
    grad.setColorAt(1.0, QColor(30, 30, 30))
    p.fillRect(0, 0, WIDTH, HEIGHT, QBrush(grad))

    # faint grid lines (graph-paper part of the board, lower left)
    p.setPen(QPen(QColor(110, 110, 110), 1))
    for x in range(8, 92, 12):
        p.drawLine(QPointF(x + 0.5, 64), QPointF(x + 0.5, 136))
    for y in range(64, 140, 12):
        p.drawLine(QPointF(8, y + 0.5), QPointF(92, y + 0.5))

    chalk = QColor(235, 235, 235)

    # axes + sine wave on the grid
    p.setPen(QPen(QColor(200, 200, 200), 1.2))
    p.drawLine(QPointF(8, 100.5), QPointF(94, 100.5))
    p.drawLine(QPointF(14.5, 62), QPointF(14.5, 138))
    path = QPainterPath()
    for i in range(0, 161):
        x = 14.5 + i * 0.5
        y = 100.5 - 26.0 * math.sin(2 * math.pi * (x - 14.5) / 40.0) * math.exp(-(x - 14.5) / 120.0)
        if i == 0:
            path.moveTo(x, y)
        else:
            path.lineTo(x, y)
    p.setPen(QPen(chalk, 2.0))
    p.drawPath(path)

    # circle and ellipse (right half), with a radius and a tilted ellipse
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(chalk, 2.0))
    p.drawEllipse(QPointF(128, 98), 22, 22)
    p.setPen(QPen(QColor(215, 215, 215), 1.4))
    p.drawLine(QPointF(128, 98), QPointF(128 + 22 * 0.8, 98 - 22 * 0.6))
    p.setBrush(QColor(235, 235, 235))
    p.drawEllipse(QPointF(128, 98), 1.8, 1.8)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.save()
    p.translate(168, 104)
    p.rotate(-25)
    p.setPen(QPen(QColor(200, 200, 200), 2.0))
    p.drawEllipse(QPointF(0, 0), 17, 8)
    p.restore()

    # small filled disc with a shade (a "planet") for a soft radial feature
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(170, 170, 170))
    p.drawEllipse(QPointF(178, 64), 6, 6)

    # the equation  A = U Sigma V^T  (superscript T drawn by hand)
    font = _pick_font(["DejaVu Serif", "Noto Serif", "Liberation Serif", "Serif"], 30, italic=True)
    fm = QFontMetricsF(font)
    body = "A = U\u03a3V" if fm.inFontUcs4(0x03A3) else "A = USV"
    p.setFont(font)
    p.setPen(QPen(chalk))
    base_x, base_y = 12.0, 40.0
    p.drawText(QPointF(base_x, base_y), body)
    sup = QFont(font)
    sup.setItalic(False)
    sup.setPixelSize(17)
    p.setFont(sup)
    x_sup = base_x + fm.horizontalAdvance(body) + 1.0
    p.drawText(QPointF(x_sup, base_y - 0.55 * fm.ascent()), "T")
    # chalk underline
    p.setPen(QPen(QColor(190, 190, 190), 1.5))
    p.drawLine(QPointF(10, 48.5), QPointF(x_sup + 14, 46.5))

    # small handwriting-ish label near the circle
    small = _pick_font(["DejaVu Sans", "Noto Sans", "Sans"], 10)
    p.setFont(small)
    p.setPen(QPen(QColor(205, 205, 205)))
    p.drawText(QPointF(142, 76), "r")
    p.drawText(QPointF(96, 136), "k = 1, 2, ...")
    p.end()

    a = qimage_to_array(img).astype(float)

    # chalk dust: faint seeded speckle, slightly stronger near the top
    rng = np.random.default_rng(SEED)
    yy = np.linspace(1.0, 0.5, HEIGHT)[:, None]
    a += rng.normal(0.0, 4.0, a.shape) * yy
    # an eraser smear: a soft horizontal band in the upper right
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
    a += 18.0 * np.exp(-(((y - 18) / 7.0) ** 2)) * np.exp(-(((x - 160) / 22.0) ** 2))
    return np.clip(np.rint(a), 0, 255).astype(np.uint8)


# --------------------------------------------------------------------------- #
# 2. interference
# --------------------------------------------------------------------------- #
def interference() -> np.ndarray:
    """Fraunhofer pattern of two circular pinholes (Young's experiment).

    I = [2 J1(k a sin(th)) / (k a sin(th))]^2 * cos^2(k d sin(th_x) / 2):
    the single-aperture Airy disc + rings modulated by two-beam fringes,
    shown on a compressed (I^0.3) scale so the outer rings are visible.
    The fringes are tilted slightly so the picture is not separable.
    """
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(float)
    cx, cy = (WIDTH - 1) / 2.0, (HEIGHT - 1) / 2.0
    u, v = (x - cx) / 10.0, (y - cy) / 10.0  # scaled screen coordinates
    rho = np.hypot(u, v) * 1.55 + 1e-9  # k a sin(theta)
    airy = (2.0 * bessel_j1(rho) / rho) ** 2
    tilt = math.radians(12.0)
    along = u * math.cos(tilt) + v * math.sin(tilt)
    fringes = np.cos(along * 2.2) ** 2  # k d sin(theta_x) / 2, d/a ~ 2.8
    intensity = airy * fringes
    shown = intensity**0.3
    # faint background glow from stray light
    shown = 0.92 * shown + 0.06 * np.exp(-(u**2 + v**2) / 60.0)
    return to_uint8(shown, 0.0, shown.max())


# --------------------------------------------------------------------------- #
# 3. lattice with an edge dislocation
# --------------------------------------------------------------------------- #
def lattice_defect() -> np.ndarray:
    """Square lattice of Gaussian 'atoms' with one edge dislocation.

    Displacements from the isotropic-elastic edge-dislocation field
    (Burgers vector b along x, core between atoms, Poisson ratio nu):
        u_x = b/2pi [theta + sin 2theta / (4(1-nu))]
        u_y = -b/2pi [(1-2nu)/(4(1-nu)) ln r^2 + cos 2theta / (4(1-nu))]
    A perfect axis-aligned lattice of identical blobs is exactly rank 1
    (sum_i g(x-x_i) * sum_j g(y-y_j)); the dislocation is what needs rank.
    """
    a = 12.0  # lattice constant (px)
    b = a  # Burgers vector
    nu = 0.3
    sigma = 2.0  # blob width (px)
    core = np.array([WIDTH / 2.0 + 0.5 * a - 6.0, HEIGHT / 2.0 + 0.5 * a - 6.0 - 0.25 * a])
    x0, y0 = 6.0, 6.0  # first lattice site

    ii, jj = np.meshgrid(np.arange(-3, WIDTH // int(a) + 4), np.arange(-3, HEIGHT // int(a) + 4))
    px = x0 + ii * a
    py = y0 + jj * a
    dx, dy = px - core[0], -(py - core[1])  # y up for the elastic formulas
    r2 = dx**2 + dy**2
    th = np.arctan2(dy, dx)
    k = 1.0 / (4.0 * (1.0 - nu))
    ux = b / (2 * math.pi) * (th + k * np.sin(2 * th))
    uy = -b / (2 * math.pi) * ((1 - 2 * nu) * k * np.log(r2 / a**2) + k * np.cos(2 * th))
    px = px + ux
    py = py - uy  # back to image coordinates (y down)

    # a vacancy in the upper left and a slightly heavier substitutional atom
    amp = np.ones_like(px)
    amp[(ii == 3) & (jj == 2)] = 0.0
    amp[(ii == 12) & (jj == 9)] = 1.35

    y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(float)
    img = np.zeros((HEIGHT, WIDTH))
    margin = 4 * sigma
    for cx, cy, w in zip(px.ravel(), py.ravel(), amp.ravel(), strict=True):
        if w == 0.0 or not (-margin < cx < WIDTH + margin and -margin < cy < HEIGHT + margin):
            continue
        img += w * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma**2))
    img = 0.04 + 0.92 * np.clip(img, 0.0, 1.3) / 1.3
    return to_uint8(img)


# --------------------------------------------------------------------------- #
IMAGES = {
    "physics_blackboard.png": blackboard,
    "interference.png": interference,
    "lattice_defect.png": lattice_defect,
}


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (fonts)
    for name, make in IMAGES.items():
        a = make()
        path = save(a, name)
        s = np.linalg.svd(a.astype(float), compute_uv=False)
        e = np.cumsum(s**2) / np.sum(s**2)
        print(
            f"{path.name}: {a.shape[1]}x{a.shape[0]}, {path.stat().st_size} bytes, "
            f"rank {np.sum(s > 1e-9 * s[0])}, energy k=1 {e[0]:.3f} k=5 {e[4]:.3f} k=20 {e[19]:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
