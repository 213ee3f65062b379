"""The low-rank view of the SVD tab: the best rank-k approximation of an image (Eckart–Young),
its error and storage. Numerics: core.svd."""

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtGui, QtWidgets

from core import svd
from mlphys_gui.paths import resource_path
from mlphys_gui.style import Style, set_title, style_legend, style_plot
from mlphys_gui.tabs.svd.state import IMAGES
from mlphys_gui.widgets.panels import ControlColumn, controls_beside
from mlphys_gui.widgets.playback import Animator, PlaybackBar
from mlphys_gui.widgets.plot_items import curve, fixed_plot, follow_y, series_of

PLAY_RANKS_PER_SECOND = 12.0
EQUATIONS = [
    ("svd_low_rank", "rank-k truncation of eq. 1.3 (σᵢ descending)"),
    ("svd_eckart_young", "Eckart–Young: A_k is the best rank-k approximation"),
]
READOUTS = [
    ("size", "size m × n", "pixels: rows × columns"),
    ("rank", "rank r", "numerical rank of the full image"),
    (
        "measured",
        "‖A−A<sub>k</sub>‖<sub>F</sub> / ‖A‖<sub>F</sub>",
        "relative error of the reconstruction, measured pixel by pixel",
    ),
    (
        "eckart_young",
        "Eckart–Young",
        "√(Σ_{i>k} σᵢ²) / √(Σ σᵢ²): the smallest error any rank-k matrix can have",
    ),
    ("storage", "storage", "k(m + n + 1) numbers instead of m·n"),
]


def load_grayscale(name: str) -> np.ndarray:
    """A shipped image as a float array of grey levels 0–255 (rows top to bottom)."""
    image = QtGui.QImage(str(resource_path("images", f"{name}.png")))
    if image.isNull():
        raise OSError(f"image {name}.png is missing or unreadable")
    image = image.convertToFormat(QtGui.QImage.Format.Format_Grayscale8)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    buffer = np.frombuffer(image.constBits().asstring(height * stride), dtype=np.uint8)
    return buffer.reshape(height, stride)[:, :width].astype(float)


class LowRankPage(QtWidgets.QWidget):
    """Best rank-k approximation of an image (Eckart–Young), its error and storage."""

    def __init__(self, tab, parent=None):
        super().__init__(parent)
        self._tab = tab
        self._model = tab.model
        self._style = Style()
        self._rank_fraction = 0.0  # Play's progress towards the next whole rank
        self.animator = Animator(self.advance, step_amount=1.0, parent=self)
        self.animator.speed = PLAY_RANKS_PER_SECOND
        tab.attach_animator(self.animator)
        self.panel = column = ControlColumn()
        self.rank_slider = tab.controls.slider("rank")
        self.playback = PlaybackBar(
            self.animator, lambda: self._tab.edit({"rank": 1}), "Rank k + 1"
        )
        column.group("Image and rank", tab.controls.combo("image"), self.rank_slider, self.playback)
        column.finish(READOUTS, "Equations", EQUATIONS)
        self.readouts = column.readouts

        self._build_plots()
        controls_beside(self, self.panel, self.view)
        self.show_image()

    def _build_plots(self) -> None:
        self.view = pg.GraphicsLayoutWidget()
        self.original_plot = fixed_plot(self.view.ci, 0, 0, aspect_locked=True)
        self.approx_plot = fixed_plot(self.view.ci, 0, 1, aspect_locked=True)
        self.original_item = pg.ImageItem(axisOrder="row-major")
        self.approx_item = pg.ImageItem(axisOrder="row-major")
        for plot, item in (
            (self.original_plot, self.original_item),
            (self.approx_plot, self.approx_item),
        ):
            plot.addItem(item)
            plot.invertY(True)
            plot.hideAxis("left")
            plot.hideAxis("bottom")
        # no axis grid: pyqtgraph repaints it on every frame (it took 11 of 14 ms here)
        self.spectrum_plot = fixed_plot(
            self.view.ci, 1, 0, log_y=True, x_label="index i", y_label="σᵢ"
        )
        self.error_plot = fixed_plot(
            self.view.ci, 1, 1, log_y=True, x_label="rank k", y_label="relative error"
        )
        self.spectrum_legend = self.spectrum_plot.addLegend(offset=(-8, 8))
        self.error_legend = self.error_plot.addLegend(offset=(-8, 8))
        self.kept = curve(self.spectrum_plot, "kept σᵢ (i ≤ k)", pen=None, symbol="o", symbolSize=6)
        self.dropped = curve(self.spectrum_plot, "dropped σᵢ", pen=None, symbol="o", symbolSize=6)
        self.rank_line = pg.InfiniteLine(angle=90, movable=False)
        self.spectrum_plot.addItem(self.rank_line)
        self.error_curve = curve(
            self.error_plot, "Eckart–Young: √(Σ<sub>i&gt;k</sub> σ<sub>i</sub>²) / ‖A‖<sub>F</sub>"
        )
        self.error_point = curve(
            self.error_plot,
            "measured ‖A − A<sub>k</sub>‖<sub>F</sub> / ‖A‖<sub>F</sub>",
            pen=None,
            symbol="x",
            symbolSize=16,
        )

    @property
    def k(self) -> int:
        """The rank shown: the declared k, at most the image's full rank."""
        return int(min(self._model["rank"], self.k_max))

    def show_image(self) -> None:
        """Decompose the chosen image and show it at the current rank."""
        name = self._model["image"]
        try:
            self.pixels = load_grayscale(name)
        except OSError as error:
            self._tab.message.emit(str(error))
            return
        self.image_name = name
        self.result = svd.decompose(self.pixels)
        self.k_max = min(self.pixels.shape)
        s = self.result.s
        self._index = np.arange(1, s.size + 1)
        ks = np.arange(1, s.size)
        self._errors = np.array([svd.eckart_young_error(s, k) for k in ks])
        self.error_curve.setData(ks, self._errors)
        self.original_item.setImage(self.pixels, levels=(0, 255))
        # framed here, not by pyqtgraph's auto-range: the symbols' pixel padding and the
        # split into kept and dropped values moved the range, and so rebuilt three axes, at
        # every step of k
        positive = np.log10(s[s > 0])
        self.spectrum_plot.setRange(
            xRange=(0.5, s.size + 0.5), yRange=(positive.min(), positive.max()), padding=0.05
        )
        self.error_plot.setXRange(0.5, s.size + 0.5, padding=0.02)
        self.show_rank()

    def show_rank(self) -> None:
        k, s = self.k, self.result.s
        approx = svd.reconstruct(self.result, k)
        self.approx_item.setImage(np.clip(approx, 0, 255), levels=(0, 255))
        positive = s > 0
        kept = (self._index <= k) & positive
        dropped = (self._index > k) & positive
        self.kept.setData(self._index[kept], s[kept])
        self.dropped.setData(self._index[dropped], s[dropped])
        self.rank_line.setValue(k + 0.5)
        measured = svd.relative_error(self.pixels, approx)
        self.error_point.setData([k], [max(measured, 1e-17)])
        shown = np.log10(np.append(self._errors[self._errors > 0], max(measured, 1e-17)))
        follow_y(self.error_plot, shown, slack=0.05)  # (log axis: in decades)
        m, n = self.pixels.shape
        self.readouts.set_many(
            {
                "size": f"{m} × {n}",
                "rank": f"{self.result.rank}",
                "measured": f"{measured:.5f}",
                "eckart_young": f"{svd.eckart_young_error(s, k):.5f}",
                "storage": f"{svd.storage_ratio(m, n, k):.1%} of the pixels",
            }
        )
        self._set_titles()

    def advance(self, ranks: float) -> bool:
        """Play adds singular values one by one (``ranks`` is rank units of simulated time)."""
        self._rank_fraction += ranks
        whole = int(self._rank_fraction)
        self._rank_fraction -= whole
        if self.k >= self.k_max:
            self._tab.edit({"rank": 1})
            return True
        self._tab.edit({"rank": min(self.k + whole, self.k_max)})
        return self.k < self.k_max

    def _set_titles(self) -> None:
        style = self._style
        set_title(self.original_plot, style, f"Original ({IMAGES[self.image_name]})")
        set_title(self.approx_plot, style, f"Rank k = {self.k} approximation A<sub>k</sub>")
        set_title(self.spectrum_plot, style, "Singular value spectrum")
        set_title(self.error_plot, style, "Relative error against k")

    def apply_style(self, style: Style) -> None:
        self._style = style
        self.view.setBackground(style.theme.bg)
        for plot in (self.original_plot, self.approx_plot, self.spectrum_plot, self.error_plot):
            style_plot(plot, style)
        for legend in (self.spectrum_legend, self.error_legend):
            style_legend(legend, style)
        self.kept.setSymbolBrush(style.brush(0))
        self.kept.setSymbolPen(style.pen(0, 1.0))
        self.dropped.setSymbolBrush(style.brush("muted", 90))
        self.dropped.setSymbolPen(style.pen("muted", 1.0))
        self.rank_line.setPen(style.pen(1, 1.5, dashed=True))
        self.error_curve.setPen(style.pen(0, 2.0))
        self.error_point.setSymbolPen(style.pen(1, 2.5))
        self.error_point.setSymbolBrush(style.brush(1))
        self.panel.apply_style(style)
        self._set_titles()

    def plotted_data(self):
        items = [
            ("sigma_kept", self.kept),
            ("sigma_dropped", self.dropped),
            ("eckart_young_relative_error", self.error_curve),
            ("measured_relative_error_at_k", self.error_point),
        ]
        return [series_of(item, name) for name, item in items]
