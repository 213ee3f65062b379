"""Themes, font scale and line scale shared by every tab (View menu, presentation mode)."""

from dataclasses import dataclass, replace

import pyqtgraph as pg
from PyQt6 import QtCore, QtGui, QtWidgets, sip
from pyqtgraph.graphicsItems.LegendItem import ItemSample

from mlphys_gui.paths import resource_path


@dataclass(frozen=True)
class Theme:
    """Colours of one theme. ``series`` is a colour-blind-safe cycle (Okabe & Ito)."""

    name: str
    label: str
    bg: str
    fg: str
    grid: str
    muted: str
    series: tuple[str, ...]
    stylesheet: str  # file name below resources/styles


LIGHT = Theme(
    name="light",
    label="Light",
    bg="#ffffff",
    fg="#1a1a1a",
    grid="#d9d9d9",
    muted="#8c8c8c",
    series=("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"),
    stylesheet="light.qss",
)

PROJECTOR = Theme(
    name="projector",
    label="Projector (high contrast)",
    bg="#000000",
    fg="#ffffff",
    grid="#5a5a5a",
    muted="#b0b0b0",
    series=("#4FC3F7", "#FF7043", "#66FF99", "#FF80DF", "#FFD400", "#B3E5FC"),
    stylesheet="projector.qss",
)

THEMES = {theme.name: theme for theme in (LIGHT, PROJECTOR)}

BASE_FONT_PT = 10.0
PRESENTATION_FONT_FACTOR = 1.5
PRESENTATION_LINE_FACTOR = 2.0
FONT_SCALE_RANGE = (0.6, 3.0)


@dataclass(frozen=True)
class Style:
    """What a tab needs to draw: theme colours, font scale (zoom) and line scale."""

    theme: Theme = LIGHT
    font_scale: float = 1.0
    presentation: bool = False

    @property
    def effective_font_scale(self) -> float:
        return self.font_scale * (PRESENTATION_FONT_FACTOR if self.presentation else 1.0)

    @property
    def line_scale(self) -> float:
        return PRESENTATION_LINE_FACTOR if self.presentation else 1.0

    @property
    def font_pt(self) -> float:
        return BASE_FONT_PT * self.effective_font_scale

    def with_changes(self, **changes) -> "Style":
        return replace(self, **changes)

    def color(self, key: str | int) -> QtGui.QColor:
        """A theme colour by role (``"fg"``, ``"grid"``, ``"muted"``) or series index."""
        if isinstance(key, int):
            return QtGui.QColor(self.theme.series[key % len(self.theme.series)])
        return QtGui.QColor(getattr(self.theme, key))

    def pen(self, key: str | int, width: float = 2.0, dashed: bool = False) -> QtGui.QPen:
        pen = pg.mkPen(self.color(key), width=width * self.line_scale)
        if dashed:
            pen.setStyle(QtCore.Qt.PenStyle.DashLine)
        return pen

    def brush(self, key: str | int, alpha: int = 255) -> QtGui.QBrush:
        color = self.color(key)
        color.setAlpha(alpha)
        return QtGui.QBrush(color)

    def backdrop_brush(self, key: str | int, alpha: int) -> QtGui.QBrush:
        """``brush(key, alpha)`` as it looks over the plot background, made opaque.

        Identical on an empty plot (anything drawn later still goes on top) and about ten
        times faster to fill: the raster engine copies opaque spans instead of blending.
        """
        color, background = self.color(key), QtGui.QColor(self.theme.bg)
        weight = alpha / 255
        mixed = [
            round(weight * c + (1 - weight) * b)
            for c, b in zip(color.getRgb()[:3], background.getRgb()[:3], strict=True)
        ]
        return QtGui.QBrush(QtGui.QColor(*mixed))

    def plot_font(self, factor: float = 1.0) -> QtGui.QFont:
        font = QtGui.QFont()
        font.setPointSizeF(self.font_pt * factor)
        return font

    def stylesheet(self) -> str:
        text = resource_path("styles", self.theme.stylesheet).read_text(encoding="utf-8")
        return text.replace("@FONT_PT@", f"{self.font_pt:.1f}").replace(
            "@LARGE_PT@", f"{1.4 * self.font_pt:.1f}"
        )


def set_title(plot: pg.PlotItem, style: Style, title: str) -> None:
    """A plot title in the theme's colour at the current font size (HTML allowed).

    Unchanged titles are not set again: re-laying out HTML is a large part of a live frame.
    """
    options = (title, style.theme.fg, f"{style.font_pt * 1.2:.0f}pt")
    if getattr(plot, "_shown_title", None) != options:
        plot._shown_title = options
        plot.setTitle(title, color=options[1], size=options[2])


def set_label(plot: pg.PlotItem, side: str, text: str) -> None:
    """An axis label, set only when it changes (see set_title)."""
    shown = getattr(plot, "_shown_labels", {})
    if shown.get(side) != text:
        plot._shown_labels = {**shown, side: text}
        plot.setLabel(side, text)


CACHED = QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache
UNCACHED = QtWidgets.QGraphicsItem.CacheMode.NoCache


PRESENTER_VIEW = "presenterView"  # the object name of the presenter window (presenter.py)


def scenes_shown_twice() -> bool:
    """Whether the figures' scenes are drawn by a second view: the presenter view is open."""
    app = QtWidgets.QApplication.instance()
    return app is not None and any(
        not sip.isdeleted(widget)  # (a window being destroyed is listed until its C++ half goes)
        and widget.objectName() == PRESENTER_VIEW
        and widget.isVisible()
        for widget in app.topLevelWidgets()
    )


def pixmap_caches_usable() -> bool:
    """Whether Qt's item pixmap caches show what drawing afresh would: only when every screen
    has one device pixel per logical pixel, and only one view draws each scene.

    Qt draws a DeviceCoordinateCache at one pixel per logical pixel and scales it up on a
    Retina screen or a 4K projector at 200 % (blurred text, axes twice as thick; seen at
    QT_SCALE_FACTOR=2 and 1.5). And an item keeps one "changed" flag for all its views' caches:
    the first view to repaint clears it, so the presenter view went on showing a title's old
    text ("t = 1.01" while the plot was at t = 1.6)."""
    app = QtGui.QGuiApplication.instance()
    if app is None:
        return True
    return all(screen.devicePixelRatio() == 1.0 for screen in app.screens()) and not (
        scenes_shown_twice()
    )


def cache_as_pixmaps(item: QtWidgets.QGraphicsItem, mode=None) -> None:
    """Cache an item and its children as pixmaps: Qt caches each item alone, and the
    children's text is most of what a static axis, title or legend costs to repaint. Where a
    screen has another device pixel ratio, the items are drawn afresh instead (the main window
    styles its tabs again when a screen comes or goes).

    Legend samples are left out: they draw another item's pen and visibility, which may
    change without the sample knowing (a text or an axis redraws its cache on every change).
    """
    if isinstance(item, ItemSample):
        return
    if mode is None:
        mode = CACHED if pixmap_caches_usable() else UNCACHED
    item.setCacheMode(mode)
    for child in item.childItems():
        cache_as_pixmaps(child, mode)


def style_plot(plot: pg.PlotItem, style: Style) -> None:
    """Apply theme colours and fonts to a plot's axes and labels.

    Axes and title are cached as pixmaps: a live plot's frame then repaints only its data,
    and the axes are redrawn when their range or style changes (exports draw them afresh).
    While the presenter view also draws the plot, an axis's room for its labels only grows:
    the two views, at two scales, show different ticks, and an axis that fitted itself to each
    in turn repainted for ever (the window hung at 798 × 774 with the presenter view open).
    """
    font = style.plot_font()
    shown_twice = scenes_shown_twice()
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setStyle(autoReduceTextSpace=not shown_twice)
        axis.setPen(style.pen("fg", 1.0))
        axis.setTextPen(style.pen("fg", 1.0))
        axis.setTickFont(font)
        axis.label.setFont(font)
        cache_as_pixmaps(axis)
    cache_as_pixmaps(plot.titleLabel)


def style_legend(legend: pg.LegendItem, style: Style) -> None:
    # pyqtgraph legends ignore transformations, so a PNG exported at 2400 px would keep
    # screen-sized legends; ours sit in layout cells or plot corners and may scale
    legend.setFlag(legend.GraphicsItemFlag.ItemIgnoresTransformations, False)
    legend.setLabelTextColor(style.color("fg"))
    legend.setLabelTextSize(f"{style.font_pt:.0f}pt")
    legend.setBrush(style.brush("bg", 200))
    legend.setPen(style.pen("muted", 1.0))
    # pyqtgraph reads the label size only when an item is added: refresh the existing labels
    for _sample, label in legend.items:
        label.setText(label.text, color=style.theme.fg, size=f"{style.font_pt:.0f}pt")
    cache_as_pixmaps(legend)
