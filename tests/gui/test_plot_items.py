"""The fast on-screen drawing of the live plot items looks like the real pens and brushes that
figure exports use: same place, same width, same filled area."""

import numpy as np
import pyqtgraph as pg
import pytest
from PyQt6 import QtCore, QtGui

from mlphys_gui.widgets.plot_items import DotsItem, LiveCurveItem, image_levels


def ink(widget: pg.PlotWidget) -> np.ndarray:
    """How dark each pixel of the widget is, 0 (white) to 1 (black)."""
    image = widget.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(image.constBits().asstring(image.sizeInBytes()), np.uint8)
    return 1.0 - rows.reshape(image.height(), image.bytesPerLine())[:, : image.width()] / 255.0


def drawn_both_ways(qtbot, item: LiveCurveItem) -> tuple[np.ndarray, np.ndarray]:
    """The item on screen, then as an export draws it (vectors with the real pen)."""
    widget = pg.PlotWidget(background="w")
    widget.resize(500, 360)
    widget.hideAxis("left")
    widget.hideAxis("bottom")
    widget.setRange(xRange=(0, 2 * np.pi), yRange=(-1.3, 1.3), padding=0)
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
