"""The contour lines traced with numpy (widgets/contours.py) are pyqtgraph's, point for point:
the Langevin tab's 2-D map draws exactly what pg.IsocurveItem drew, five times sooner."""

import numpy as np
import pyqtgraph as pg
import pytest

from core import langevin as lv
from mlphys_gui.widgets.contours import ContourItem, isocurve_lines


def fields() -> list[np.ndarray]:
    rng = np.random.default_rng(3)
    centres = np.linspace(-3, 3, 91)[:-1] + 3 / 90
    xx, yy = np.meshgrid(centres, centres)
    return [
        lv.double_well_2d(1.0, 1.0, 0.3).V_xy(xx, yy),  # the tab's map: closed and open lines
        rng.normal(size=(30, 40)),  # saddles everywhere: cells crossed twice
        np.cumsum(rng.normal(size=(50, 20)), axis=0),
        np.full((6, 7), 2.0),  # flat: no line
    ]


@pytest.mark.parametrize("field", range(4))
def test_the_lines_are_pyqtgraphs_point_for_point(field):
    data = fields()[field]
    for level in np.quantile(data, [0.02, 0.3, 0.5, 0.77, 0.99]):
        ours = isocurve_lines(data, level)
        theirs = pg.functions.isocurve(data, level, connected=True, extendToEdge=True)
        assert [[(float(x), float(y)) for x, y in line] for line in theirs] == ours
    assert field != 0 or len(ours) > 0


def path_points(path) -> list[tuple[int, float, float]]:
    elements = (path.elementAt(i) for i in range(path.elementCount()))
    return [(element.type.value, element.x, element.y) for element in elements]


def test_a_contour_item_draws_the_path_of_an_isocurve_item(qtbot):
    data = fields()[0]
    level = float(np.median(data))
    ours, theirs = ContourItem(axisOrder="row-major"), pg.IsocurveItem(axisOrder="row-major")
    for item in (ours, theirs):
        item.setData(data, level)
        item.generatePath()
    assert path_points(ours.path) == path_points(theirs.path)
    assert ours.path.elementCount() > 100
