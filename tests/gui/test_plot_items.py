"""The fast on-screen drawing of the live plot items looks like the real pens and brushes that
figure exports use: same place, same width, same filled area."""

import os
import subprocess
import sys

import numpy as np
import pyqtgraph as pg
import pytest
from PyQt6 import QtCore, QtGui, QtWidgets

from mlphys_gui.widgets.plot_items import DotsItem, LiveCurveItem, image_levels


def ink(widget: pg.PlotWidget, ratio: float = 1.0) -> np.ndarray:
    """How dark each device pixel of the widget is, 0 (white) to 1 (black), drawn at a device
    pixel ratio (2: a Retina screen; the widget is rendered into an image of that ratio, as Qt
    paints it on such a screen)."""
    if ratio == 1.0:
        image = widget.grab().toImage()
    else:
        size = widget.size()
        image = QtGui.QImage(
            round(size.width() * ratio),
            round(size.height() * ratio),
            QtGui.QImage.Format.Format_ARGB32,
        )
        image.setDevicePixelRatio(ratio)
        image.fill(QtGui.QColor("white"))
        QtWidgets.QWidget.render(widget, image)  # pg's GraphicsView.render draws the scene only
    image = image.convertToFormat(QtGui.QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(image.constBits().asstring(image.sizeInBytes()), np.uint8)
    return 1.0 - rows.reshape(image.height(), image.bytesPerLine())[:, : image.width()] / 255.0


def plot_widget(x_range=(0, 2 * np.pi), y_range=(-1.3, 1.3), size=(500, 360)) -> pg.PlotWidget:
    widget = pg.PlotWidget(background="w")
    widget.resize(*size)
    widget.hideAxis("left")
    widget.hideAxis("bottom")
    widget.setRange(xRange=x_range, yRange=y_range, padding=0)
    return widget


def drawn_both_ways(qtbot, item: LiveCurveItem) -> tuple[np.ndarray, np.ndarray]:
    """The item on screen, then as an export draws it (vectors with the real pen)."""
    widget = plot_widget()
    widget.addItem(item)
    widget.show()
    qtbot.waitExposed(widget)
    on_screen = ink(widget)
    item.setExportMode(True, {"antialias": True})
    try:
        exported = ink(widget)
    finally:
        item.setExportMode(False)
    return on_screen, exported


@pytest.mark.parametrize("width", [1.0, 2.0, 3.0, 4.5, 6.0])
def test_a_wide_curve_is_drawn_where_and_as_wide_as_the_real_pen(qtbot, width):
    item = LiveCurveItem()
    item.setPen(pg.mkPen("k", width=width))
    x = np.linspace(0, 2 * np.pi, 600)
    item.setData(x, np.sin(3 * x))  # every slope from flat to steep
    on_screen, exported = drawn_both_ways(qtbot, item)
    columns = slice(20, -20)  # away from the ends, where caps differ
    line_ink, pen_ink = on_screen[:, columns].sum(), exported[:, columns].sum()
    assert line_ink == pytest.approx(pen_ink, rel=0.08)  # as heavy: not lighter, not bolder
    rows = np.arange(on_screen.shape[0])[:, None]
    flat = exported[:, columns].sum(axis=0) > 0.5  # columns the pen crosses
    centre_fast = (rows * on_screen[:, columns]).sum(axis=0) / on_screen[:, columns].sum(axis=0)
    centre_pen = (rows * exported[:, columns]).sum(axis=0) / exported[:, columns].sum(axis=0)
    assert np.abs(centre_fast - centre_pen)[flat].max() < 1.0  # pixels


def pen_at_ratio(x, y, width: float, ratio: float) -> pg.PlotCurveItem:
    """The real pen of ``width`` logical pixels at a device pixel ratio: Qt's cosmetic pens
    are device pixels wide, so w·r of them."""
    return pg.PlotCurveItem(x, y, pen=pg.mkPen("k", width=width * ratio), antialias=True)


@pytest.mark.parametrize("ratio", [1.5, 2.0])
@pytest.mark.parametrize("width", [1.0, 2.0, 3.0, 6.0])
def test_at_a_high_device_pixel_ratio_a_curve_keeps_its_width_and_has_no_gaps(qtbot, width, ratio):
    """A Retina screen or a 4K projector at 200 %: the fast strokes are laid one device pixel
    apart, so the line is as wide in logical pixels as at ratio 1 and solid, like the real pen
    drawn at that ratio (1-px strokes 0.75 logical pixels apart drew striped double lines)."""
    x = np.linspace(0, 2 * np.pi, 600)
    y = np.sin(3 * x)
    widget = plot_widget()
    item = LiveCurveItem()
    item.setPen(pg.mkPen("k", width=width))
    item.setData(x, y)
    reference = pen_at_ratio(x, y, width, ratio)
    widget.addItem(item)
    widget.show()
    qtbot.waitExposed(widget)
    fast = ink(widget, ratio)
    widget.removeItem(item)
    widget.addItem(reference)
    pen = ink(widget, ratio)
    assert fast.shape == (round(360 * ratio), round(500 * ratio))
    columns = slice(round(20 * ratio), -round(20 * ratio))
    assert fast[:, columns].sum() == pytest.approx(pen[:, columns].sum(), rel=0.08)
    rows = np.arange(fast.shape[0])[:, None]
    crossed = pen[:, columns].sum(axis=0) > 0.5
    centre_fast = (rows * fast[:, columns]).sum(axis=0) / fast[:, columns].sum(axis=0)
    centre_pen = (rows * pen[:, columns]).sum(axis=0) / pen[:, columns].sum(axis=0)
    assert np.abs(centre_fast - centre_pen)[crossed].max() < ratio  # one logical pixel
    core = pen > 0.99  # pixels the real pen covers completely
    assert (fast[core] > 0.7).mean() > 0.97  # solid: no light stripes between the strokes


@pytest.mark.parametrize("ratio", [1.0, 2.0])
def test_a_dashed_curve_keeps_its_dash_length_in_logical_pixels(qtbot, ratio):
    """The strokes' dashes are in units of their 1-device-pixel width: at ratio 2 they are
    made twice as long, so a dash is as long on screen as at ratio 1."""
    widget = plot_widget(x_range=(0, 100), y_range=(-1, 1))
    item = LiveCurveItem()
    item.setPen(pg.mkPen("k", width=2.0, style=QtCore.Qt.PenStyle.DashLine))
    item.setData(np.linspace(0, 100, 200), np.zeros(200))  # a horizontal line
    widget.addItem(item)
    widget.show()
    qtbot.waitExposed(widget)
    row = ink(widget, ratio).max(axis=0) > 0.5
    starts = np.flatnonzero(row[1:] & ~row[:-1])
    period = np.median(np.diff(starts)) / ratio  # logical pixels from dash to dash
    assert period == pytest.approx((4 + 2) * 2.0, abs=1.0)  # Qt's dash line: 4 on, 2 off


@pytest.mark.parametrize("ratio", [1.5, 2.0])
def test_a_step_histogram_at_a_high_ratio_has_its_outline_width_and_area(qtbot, ratio):
    edges = np.linspace(0.3, 6.0, 41)
    heights = np.abs(np.sin(edges[:-1])) + 0.1
    widget = plot_widget()
    item = LiveCurveItem(steps=True)
    item.setPen(pg.mkPen("k", width=1))
    item.setData(edges, heights)
    widget.addItem(item)
    widget.show()
    qtbot.waitExposed(widget)
    fast = ink(widget, ratio)
    widget.removeItem(item)
    outline = np.repeat(edges, 2), np.concatenate([[0.0], np.repeat(heights, 2), [0.0]])
    reference = pg.PlotCurveItem(*outline, pen=pg.mkPen("k", width=round(ratio)))
    widget.addItem(reference)
    pen = ink(widget, ratio)
    assert fast.sum() == pytest.approx(pen.sum(), rel=0.12)  # the outline as heavy
    item.setFillBrush(QtGui.QBrush(QtGui.QColor(120, 120, 120)))
    widget.removeItem(reference)
    widget.addItem(item)
    filled = ink(widget, ratio) > 0.25
    item.setExportMode(True, {"antialias": True})
    exported = ink(widget, ratio) > 0.25
    item.setExportMode(False)
    assert (filled != exported).mean() < 0.01


def test_a_step_histogram_fills_the_same_area_as_its_export(qtbot):
    item = LiveCurveItem(steps=True)
    item.setPen(pg.mkPen("k", width=1))
    item.setFillBrush(QtGui.QBrush(QtGui.QColor(120, 120, 120)))
    edges = np.linspace(0.3, 6.0, 41)
    heights = np.abs(np.sin(edges[:-1])) + 0.1
    item.setData(edges, heights)
    on_screen, exported = drawn_both_ways(qtbot, item)
    filled_fast, filled_pen = on_screen > 0.25, exported > 0.25
    assert filled_fast.sum() > 0.2 * filled_fast.size  # a real histogram, not a few lines
    assert (filled_fast != filled_pen).mean() < 0.01  # only edge pixels may differ


def test_data_of_the_wrong_length_are_refused_and_the_last_good_data_stay():
    item = LiveCurveItem(steps=True)
    item.setData([0.0, 1.0, 2.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="4 values for 3 heights"):
        item.setData([0.0, 1.0, 2.0], [1.0, 2.0, 3.0])
    assert np.array_equal(item.yData, [1.0, 2.0])
    assert item.dataBounds(1) == (0.0, 2.0)


def test_non_finite_values_are_drawn_as_gaps_not_garbage(qtbot):
    item = LiveCurveItem()
    item.setPen(pg.mkPen("k", width=3))
    x = np.linspace(0, 2 * np.pi, 600)
    y = np.sin(x)
    y[250:350] = np.nan
    item.setData(x, y)
    on_screen, _ = drawn_both_ways(qtbot, item)
    gap = on_screen[:, 500 * 270 // 600 : 500 * 330 // 600]
    assert gap.max() < 0.05 and on_screen.max() > 0.9
    assert item.boundingRect().contains(QtCore.QPointF(1.0, 0.5))


@pytest.mark.parametrize("ratio", [1.0, 1.5, 2.0])
def test_dots_keep_their_size_and_are_drawn_sharp_at_any_ratio(qtbot, ratio):
    """Each dot covers the disc of its size in logical pixels, stamped from a sprite drawn at
    the device's resolution (a sprite of the screen's ratio scaled up would blur the edge)."""
    widget = plot_widget(x_range=(0, 10), y_range=(0, 10), size=(400, 300))
    dots = DotsItem(size=8.0)
    dots.set_style(QtGui.QColor("black"), 8.0)
    dots.set_points(np.array([2.0, 5.0, 8.0]), np.array([5.0, 5.0, 5.0]))
    widget.addItem(dots)
    widget.show()
    qtbot.waitExposed(widget)
    drawn = ink(widget, ratio)
    radius = 4.0 * ratio  # device pixels
    assert drawn.sum() == pytest.approx(3 * np.pi * radius**2, rel=0.1)
    edge = ((drawn > 0.1) & (drawn < 0.9)).sum() / 3  # partly covered pixels per dot
    assert edge < 2.5 * 2 * np.pi * radius / 2  # about one ring of pixels: a sharp edge


def test_dots_are_stamped_right_whenever_their_number_changes(qtbot):
    """The fuzz crashed once in DotsItem.paint: a new array of fragments holds whatever the
    memory held, and the sprite rectangle and scale were written only when the first fragment
    looked wrong. Whatever the allocator does, every count must draw its dots."""
    widget = pg.PlotWidget(background="w")
    widget.resize(400, 300)
    widget.setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    dots = DotsItem(size=5.0)
    dots.set_style(QtGui.QColor("black"), 5.0)
    widget.addItem(dots)
    widget.show()
    qtbot.waitExposed(widget)
    rng = np.random.default_rng(1)
    for count in (2500, 7, 300, 7, 2500, 1):
        x, y = rng.uniform(1, 9, count), rng.uniform(1, 9, count)
        dots.set_points(x, y)
        image = widget.grab().toImage()
        for xi, yi in zip(x[:7], y[:7], strict=True):
            point = widget.mapFromScene(dots.mapToScene(QtCore.QPointF(xi, yi)))
            assert image.pixelColor(point).lightness() < 80  # a dot is drawn there


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize(
    "values",
    [
        np.full((4, 4), 1e-310),  # a likelihood that has vanished everywhere in view
        np.array([[0.0, 1e-310], [0.0, 0.0]]),  # a density with one denormal cell
        np.full((4, 4), 3.0),  # a flat potential
        np.array([[np.nan, 1.0], [2.0, np.inf]]),
    ],
)
def test_images_with_tiny_or_no_contrast_draw_without_overflow(qtbot, values):
    """Found by the fuzz: levels (0, 1e-310) made pyqtgraph's scale 255/1e-310 overflow."""
    low, high = image_levels(values)
    assert high > low and np.isfinite(255.0 / (high - low))
    item = pg.ImageItem(axisOrder="row-major")
    item.setImage(values, levels=(low, high))
    item.render()  # the colour lookup that overflowed
    assert image_levels(np.array([[1.0, 5.0]]), floor=0.0) == (0.0, 5.0)


PIXMAP_CACHE_CHECK = """
import sys
import numpy as np, pyqtgraph as pg
from PyQt6 import QtGui, QtWidgets
from mlphys_gui.app import create_application
from mlphys_gui.style import Style, set_title, style_legend, style_plot
app = create_application()
widget = pg.PlotWidget(background="w")
widget.resize(420, 300)
plot = widget.getPlotItem()
legend = plot.addLegend()
plot.plot([0, 1, 2], [0, 1, 0], name="a curve named in the legend")
style_plot(plot, Style())
style_legend(legend, Style())
set_title(plot, Style(), "Particles over V(x)")
widget.show()
app.processEvents()

def grab():
    image = widget.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_Grayscale8)
    raw = np.frombuffer(image.constBits().asstring(image.sizeInBytes()), np.uint8)
    return raw.reshape(image.height(), image.bytesPerLine())[:, : image.width()].astype(int)

items = widget.scene().items()
modes = {item.cacheMode().name for item in items}
as_styled = grab()
for item in items:
    item.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.NoCache)
afresh = grab()
print(app.devicePixelRatio(), ",".join(sorted(modes)), np.abs(as_styled - afresh).max())
"""


@pytest.mark.parametrize("scale", ["1", "1.5", "2"])
def test_cached_axes_titles_and_legends_are_as_sharp_as_drawn_afresh(tmp_path, scale):
    """Qt draws an item's pixmap cache at one pixel per logical pixel and scales it up on a
    high-ratio screen (blurred text, axes twice as thick): there the caches are left off, and
    at ratio 1 they stay on (they keep a live frame's repaint to its data)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR=scale)
    result = subprocess.run(
        [sys.executable, "-c", PIXMAP_CACHE_CHECK],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    ratio, modes, difference = result.stdout.split()
    assert float(ratio) == float(scale)
    assert int(difference) <= 8  # the same pixels
    assert ("DeviceCoordinateCache" in modes.split(",")) == (scale == "1")
