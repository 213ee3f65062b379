"""The low-rank view of the SVD tab: the best rank-k approximation of an image (Eckart–Young),
its error and storage. The image is a shipped one or the user's own (grey or colour; a colour
image is three matrices, red, green and blue, each approximated at rank k). Numerics: core.svd;
decoding the user's file: mlphys_gui.user_files."""

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore, QtGui, QtWidgets

from core import svd
from mlphys_gui.paths import resource_path
from mlphys_gui.state import InvalidValueError
from mlphys_gui.style import Style, set_title, style_legend, style_plot
from mlphys_gui.tabs.svd.state import IMAGES, USER_IMAGE
from mlphys_gui.user_files import (
    LoadedImage,
    UserFileError,
    embedded_text,
    from_embedded_text,
    read_image,
)
from mlphys_gui.widgets.panels import ControlColumn, controls_beside
from mlphys_gui.widgets.playback import Animator, PlaybackBar
from mlphys_gui.widgets.plot_items import (
    curve,
    fixed_plot,
    follow_y,
    legend_entries,
    list_in_legend,
    series_of,
)
from mlphys_gui.worker import LatestJob

PLAY_RANKS_PER_SECOND = 12.0
#: Images whose SVD costs less than this (m·n·min(m, n), about 30 ms) are decomposed at once;
#: larger ones (a 1024 × 768 photo: a second) in a worker, while the view says so.
SYNCHRONOUS_WORK = 2e7
CHANNELS = ("red", "green", "blue")
CHANNEL_COLOURS = (1, 2, 0)  # the theme's vermillion, green and blue
EQUATIONS = [
    ("svd_low_rank", "rank-k truncation of eq. 1.3 (σᵢ descending)"),
    ("svd_eckart_young", "Eckart–Young: A_k is the best rank-k approximation"),
]
READOUTS = [
    ("size", "size m × n", "pixels: rows × columns (and colour channels)"),
    ("rank", "rank r", "numerical rank of the full image (of each channel)"),
    (
        "measured",
        "‖A−A<sub>k</sub>‖<sub>F</sub> / ‖A‖<sub>F</sub>",
        "relative error of the reconstruction, measured pixel by pixel (all channels)",
    ),
    (
        "eckart_young",
        "Eckart–Young",
        "√(Σ_{i>k} σᵢ²) / √(Σ σᵢ²) (summed over the channels): the smallest error any rank-k "
        "approximation of every channel can have",
    ),
    ("storage", "storage", "k(m + n + 1) numbers per channel instead of m·n"),
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


def _decompose(pixels: np.ndarray, progress=None, cancel=None) -> svd.ImageSVD:
    """core.svd.decompose_image for a worker (which passes progress and cancel)."""
    return svd.decompose_image(pixels)


class LowRankPage(QtWidgets.QWidget):
    """Best rank-k approximation of an image (Eckart–Young), its error and storage."""

    def __init__(self, tab, parent=None):
        super().__init__(parent)
        self._tab = tab
        self._model = tab.model
        self._style = Style()
        self._rank_fraction = 0.0  # Play's progress towards the next whole rank
        self._loaded: tuple[tuple[str, str], LoadedImage] | None = None  # the user's image
        self.result: svd.ImageSVD | None = None
        self.pixels = np.zeros((1, 1))
        self.k_max = 1
        self.caption = ""
        self.file_size: tuple[int, int] | None = None  # of a user's image shown scaled down
        self.job = LatestJob(self)
        self.job.finished.connect(self._decomposed)
        self.job.failed.connect(lambda why: self._tab.message.emit(f"SVD failed: {why}"))
        self.animator = Animator(self.advance, step_amount=1.0, parent=self)
        self.animator.speed = PLAY_RANKS_PER_SECOND
        tab.attach_animator(self.animator)
        self.panel = column = ControlColumn()
        self.rank_slider = tab.controls.slider("rank")
        self.playback = PlaybackBar(
            self.animator, lambda: self._tab.edit({"rank": 1}), "Rank k + 1"
        )
        self.open_button = QtWidgets.QPushButton("Open image…")
        self.open_button.setToolTip(
            "Your own picture (PNG or JPEG, grey or colour; larger than 1024 pixels on a side "
            "it is scaled down). Or drop the file on the window"
        )
        self.open_button.clicked.connect(lambda: self._tab.importRequested.emit("image"))
        column.group(
            "Image and rank",
            tab.controls.combo("image"),
            self.open_button,
            self.rank_slider,
            self.playback,
        )
        column.finish(READOUTS, "Equations", EQUATIONS)
        self.readouts = column.readouts

        self._build_plots()
        controls_beside(self, self.panel, self.view)
        self.show_image()

    def _build_plots(self) -> None:
        self.view = pg.GraphicsLayoutWidget()
        self.original_plot = fixed_plot(self.view.ci, 0, 0, aspect_locked=True)
        self.approx_plot = fixed_plot(self.view.ci, 0, 1, aspect_locked=True)
        for column in (0, 1):  # the original and its approximation the same size
            self.view.ci.layout.setColumnStretchFactor(column, 1)
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
        self.note = pg.TextItem(anchor=(0.5, 0.5))
        self.original_plot.addItem(self.note, ignoreBounds=True)
        # no axis grid: pyqtgraph repaints it on every frame (it took 11 of 14 ms here)
        self.spectrum_plot = fixed_plot(
            self.view.ci, 1, 0, log_y=True, x_label="index i", y_label="σᵢ"
        )
        self.error_plot = fixed_plot(
            self.view.ci, 1, 1, log_y=True, x_label="rank k", y_label="relative error"
        )
        self.spectrum_legend = self.spectrum_plot.addLegend(offset=(-8, 8))
        self.error_legend = self.error_plot.addLegend(offset=(-8, 8))
        self.kept = [
            curve(self.spectrum_plot, name, pen=None, symbol="o", symbolSize=6)
            for name in ("kept σᵢ (i ≤ k)", "σᵢ of green", "σᵢ of blue")
        ]
        self.dropped = [
            curve(self.spectrum_plot, name, pen=None, symbol="o", symbolSize=6)
            for name in ("dropped σᵢ", None, None)
        ]
        self._spectrum_entries = legend_entries(self.spectrum_legend)
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

    # ---------------------------------------------------------------- the picture
    def open_file(self, path: Path) -> str:
        """Show the user's image at ``path`` (one undo step); UserFileError says why not."""
        image = read_image(path)
        embedded = embedded_text(image)
        file = path.name if embedded else str(path.resolve())
        self._loaded = ((file, embedded), image)
        changes = {"image": USER_IMAGE, "image_file": file, "image_png": embedded}
        changes["view"] = "low-rank"
        try:
            self._tab.apply_edit(changes, label=f"Open image {path.name}")
        except InvalidValueError as error:
            raise UserFileError(f"{path.name} not opened: {error}") from None
        kept = "embedded in scenes" if embedded else "scenes refer to its file"
        return f"Opened {image.describe()}; {kept}"

    def _picture(self) -> tuple[np.ndarray, str]:
        """The pixels of the chosen image and how the title names it; UserFileError when the
        user's image cannot be read (a scene that refers to a file no longer there)."""
        name = self._model["image"]
        self.file_size = None
        if name != USER_IMAGE:
            return load_grayscale(name), IMAGES[name]
        key = (self._model["image_file"], self._model["image_png"])
        if self._loaded is None or self._loaded[0] != key:
            file, png = key
            label = Path(file).name or "embedded image"
            image = from_embedded_text(png, label) if png else read_image(file)
            self._loaded = (key, image)
        image = self._loaded[1]
        self.file_size = image.original_size if image.downsampled else None
        return image.pixels, image.short_name()

    def show_image(self) -> None:
        """Show the chosen image and decompose it (large ones in a worker)."""
        try:
            pixels, self.caption = self._picture()
        except (UserFileError, OSError) as error:
            self._show_missing(str(error))
            return
        self.pixels = pixels
        self._show_scale_note()
        self.original_item.setImage(pixels, levels=(0, 255))
        for plot in (self.original_plot, self.approx_plot):
            plot.enableAutoRange()
        self.result = None
        m, n = pixels.shape[:2]
        if m * n * min(m, n) <= SYNCHRONOUS_WORK:
            self.job.cancel()
            self._decomposed(svd.decompose_image(pixels))
            return
        self.job.submit(_decompose, pixels)
        self._clear_results()
        self.readouts.set_many({key: "…" for key, _label, _tip in READOUTS})
        self.readouts.set("size", f"{m} × {n}: decomposing…")
        self._set_titles()

    def _show_scale_note(self) -> None:
        """Say on the picture when it is shown smaller than its file."""
        if self.file_size is None:
            self.note.setText("")
            return
        m, n = self.pixels.shape[:2]
        width, height = self.file_size
        self.note.setText(f"scaled down from {width} × {height} to {n} × {m}")
        self.note.setAnchor((0, 1))
        self.note.setPos(0, m)

    def _show_missing(self, why: str) -> None:
        """The user's image cannot be shown: say so in the view; the state stays as it is."""
        self.job.cancel()
        self.result = None
        self.caption = "image not available"
        self.original_item.clear()
        self._clear_results()
        self.note.setText(f"{why}\nOpen image… to choose it again")
        self.original_plot.setRange(xRange=(-1, 1), yRange=(-1, 1), padding=0)
        self.note.setAnchor((0.5, 0.5))
        self.note.setPos(0, 0)
        self.readouts.set_many({key: "—" for key, _label, _tip in READOUTS})
        self._set_titles()
        self._tab.message.emit(f"Image not shown: {why}")

    def _clear_results(self) -> None:
        """No approximation, spectrum or error on screen (the image is being decomposed, or
        cannot be read): nothing stale of the previous image."""
        self.approx_item.clear()
        for item in (*self.kept, *self.dropped, self.error_curve, self.error_point):
            item.setData([], [])

    def _decomposed(self, result: svd.ImageSVD) -> None:
        self.result = result
        self.k_max = min(result.shape)
        self.rank_slider.set_range(1, self.k_max, max(1, self.k_max - 1))
        self.rank_slider.set_value(self._model["rank"])
        errors = result.eckart_young_errors()
        ks = np.arange(1, self.k_max)
        self._errors = errors[1:-1]
        self.error_curve.setData(ks, self._errors)
        # framed here, not by pyqtgraph's auto-range: the symbols' pixel padding and the
        # split into kept and dropped values moved the range, and so rebuilt three axes, at
        # every step of k
        positive = np.log10(result.s[result.s > 0])  # (none: a blank image)
        size = result.s.shape[1]
        low, high = (positive.min(), positive.max()) if positive.size else (-1.0, 1.0)
        self.spectrum_plot.setRange(xRange=(0.5, size + 0.5), yRange=(low, high), padding=0.05)
        self.error_plot.setXRange(0.5, size + 0.5, padding=0.02)
        colour = result.colour
        names = (*(f"σᵢ of {channel}" for channel in CHANNELS), "dropped σᵢ (i > k)")
        if not colour:
            names = ("kept σᵢ (i ≤ k)", None, None, "dropped σᵢ")
        labels = dict(zip((*self.kept, self.dropped[0]), names, strict=True))
        changed = list_in_legend(
            self.spectrum_legend,
            [(item, labels[item]) for item, _ in self._spectrum_entries if labels.get(item)],
        )
        if changed:
            style_legend(self.spectrum_legend, self._style)
        self._colour_spectrum()
        self.show_rank()

    def show_rank(self) -> None:
        if self.result is None:
            return
        k, result = self.k, self.result
        approx = result.reconstruct(k)
        self.approx_item.setImage(np.clip(approx, 0, 255), levels=(0, 255))
        index = np.arange(1, result.s.shape[1] + 1)
        for channel in range(3):
            shown = channel < result.channels
            s = result.s[channel] if shown else np.zeros(0)
            positive = s > 0
            kept = (index[: s.size] <= k) & positive
            dropped = (index[: s.size] > k) & positive
            self.kept[channel].setData(index[: s.size][kept], s[kept])
            self.dropped[channel].setData(index[: s.size][dropped], s[dropped])
        self.rank_line.setValue(k + 0.5)
        measured = svd.relative_error(self.pixels, approx)
        self.error_point.setData([k], [max(measured, 1e-17)])
        shown = np.log10(np.append(self._errors[self._errors > 0], max(measured, 1e-17)))
        follow_y(self.error_plot, shown, slack=0.05)  # (log axis: in decades)
        m, n = result.shape
        ranks = result.ranks
        size = f"{m} × {n}" + (" × 3 (colour)" if result.colour else "")
        if self.file_size is not None:
            size += f"; file {self.file_size[1]} × {self.file_size[0]}"
        self.readouts.set_many(
            {
                "size": size,
                "rank": f"{ranks[0]}" if len(set(ranks)) == 1 else " / ".join(map(str, ranks)),
                "measured": f"{measured:.5f}",
                "eckart_young": f"{result.eckart_young_error(k):.5f}",
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

    def settle(self) -> None:
        """Wait for a decomposition in the worker, so the figure is complete (export)."""
        if self.job.busy:
            self.job.wait()
            QtCore.QCoreApplication.processEvents()

    # ---------------------------------------------------------------- style
    def _set_titles(self) -> None:
        style = self._style
        set_title(self.original_plot, style, f"Original ({self.caption})")
        if self.result is None:
            approx = "Rank-k approximation (decomposing…)" if self.job.busy else "—"
        else:
            approx = f"Rank k = {self.k} approximation A<sub>k</sub>"
        set_title(self.approx_plot, style, approx)
        channels = " (R, G, B)" if self.result and self.result.colour else ""
        set_title(self.spectrum_plot, style, "Singular value spectrum" + channels)
        set_title(self.error_plot, style, "Relative error against k")

    def _colour_spectrum(self) -> None:
        """Kept σᵢ filled, dropped ones faded; in colour, each channel in its own colour."""
        style = self._style
        colour = self.result is not None and self.result.colour
        for channel, (kept, dropped) in enumerate(zip(self.kept, self.dropped, strict=True)):
            key = CHANNEL_COLOURS[channel] if colour else 0
            kept.setSymbolBrush(style.brush(key))
            kept.setSymbolPen(style.pen(key, 1.0))
            if colour:  # hollow, in the channel's colour
                dropped.setSymbolBrush(style.brush(key, 0))
                faded = style.color(key)
                faded.setAlpha(140)
                dropped.setSymbolPen(pg.mkPen(faded, width=style.line_scale))
            else:
                dropped.setSymbolBrush(style.brush("muted", 90))
                dropped.setSymbolPen(style.pen("muted", 1.0))

    def apply_style(self, style: Style) -> None:
        self._style = style
        self.view.setBackground(style.theme.bg)
        for plot in (self.original_plot, self.approx_plot, self.spectrum_plot, self.error_plot):
            style_plot(plot, style)
        for legend in (self.spectrum_legend, self.error_legend):
            style_legend(legend, style)
        self._colour_spectrum()
        self.note.setColor(style.color("fg"))
        self.note.setFont(style.plot_font())
        self.note.fill = style.brush("bg", 200)
        self.rank_line.setPen(style.pen(1, 1.5, dashed=True))
        self.error_curve.setPen(style.pen(0, 2.0))
        self.error_point.setSymbolPen(style.pen(1, 2.5))
        self.error_point.setSymbolBrush(style.brush(1))
        self.panel.apply_style(style)
        self._set_titles()

    def plotted_data(self):
        names = CHANNELS if self.result is not None and self.result.colour else ("",)
        items = []
        for channel, name in enumerate(names):
            suffix = f"_{name}" if name else ""
            items += [
                (f"sigma_kept{suffix}", self.kept[channel]),
                (f"sigma_dropped{suffix}", self.dropped[channel]),
            ]
        items += [
            ("eckart_young_relative_error", self.error_curve),
            ("measured_relative_error_at_k", self.error_point),
        ]
        return [series_of(item, name) for name, item in items]
