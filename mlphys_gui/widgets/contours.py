"""Contour lines of a 2-D field, traced as pyqtgraph traces them but with numpy.

``pyqtgraph.functions.isocurve`` walks the grid cell by cell in Python: 3.3 ms for one level
of a 90 × 90 map, and the Langevin tab's 2-D view draws eight, again for every step of a
potential's slider. :func:`isocurve_lines` finds the same crossings with array operations (the
same interpolation, operation by operation, so the same numbers) and joins them into the same
lines in the same order; only the joining, over the few hundred crossings, is a Python loop.
:class:`ContourItem` is a ``pg.IsocurveItem`` that traces with it.
"""

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtGui

# marching squares as pyqtgraph numbers them: the cell's corners below the level give an index
# (corner (i, j) of the cell adds 2**(i + 2j)); each index crosses these pairs of edges
SIDES = (
    (),
    ((0, 1),),
    ((1, 2),),
    ((0, 2),),
    ((0, 3),),
    ((1, 3),),
    ((0, 1), (2, 3)),
    ((2, 3),),
    ((2, 3),),
    ((0, 1), (2, 3)),
    ((1, 3),),
    ((0, 3),),
    ((0, 2),),
    ((1, 2),),
    ((0, 1),),
    (),
)
EDGE_ENDS = np.array([[(0, 1), (0, 0)], [(0, 0), (1, 0)], [(1, 0), (1, 1)], [(1, 1), (0, 1)]])


def _extended(data: np.ndarray) -> np.ndarray:
    """The field with its border repeated once around it (pyqtgraph's extendToEdge)."""
    out = np.empty((data.shape[0] + 2, data.shape[1] + 2), dtype=data.dtype)
    out[1:-1, 1:-1] = data
    out[0, 1:-1], out[-1, 1:-1] = data[0], data[-1]
    out[1:-1, 0], out[1:-1, -1] = data[:, 0], data[:, -1]
    out[0, 0], out[0, -1] = out[0, 1], out[1, -1]
    out[-1, 0], out[-1, -1] = out[-1, 1], out[-1, -2]
    return out


def _crossings(data: np.ndarray, level: float) -> list[tuple[tuple, tuple]]:
    """The segments of every cell, in pyqtgraph's order (cells row by row, then faces), each
    as two (point, key) pairs; the key names the grid edge the point lies on."""
    below = data < level
    index = below[:-1, :-1] + 2 * below[1:, :-1] + 4 * below[:-1, 1:] + 8 * below[1:, 1:]
    cells, faces, edge_a, edge_b = [], [], [], []
    for case, sides in enumerate(SIDES):
        where = np.flatnonzero(index.ravel() == case)
        for face, (a, b) in enumerate(sides):
            cells.append(where)
            faces.append(np.full(where.size, face))
            edge_a.append(np.full(where.size, a))
            edge_b.append(np.full(where.size, b))
    if not cells:
        return []
    cell, face = np.concatenate(cells), np.concatenate(faces)
    order = np.lexsort((face, cell))
    cell = cell[order]
    i, j = np.divmod(cell, index.shape[1])
    ends = []
    for edge in (np.concatenate(edge_a)[order], np.concatenate(edge_b)[order]):
        (p1x, p1y), (p2x, p2y) = EDGE_ENDS[edge, 0].T, EDGE_ENDS[edge, 1].T
        v1, v2 = data[i + p1x, j + p1y], data[i + p2x, j + p2y]
        f = (level - v1) / (v2 - v1)
        fi = 1.0 - f
        x = p1x * fi + p2x * f + i + 0.5
        y = p1y * fi + p2y * f + j + 0.5
        x = np.minimum(data.shape[0] - 2, np.maximum(0, x - 1))
        y = np.minimum(data.shape[1] - 2, np.maximum(0, y - 1))
        points = zip(x.tolist(), y.tolist(), strict=True)
        keys = zip(
            (i + (edge == 2)).tolist(),
            (j + (edge == 3)).tolist(),
            (edge % 2).tolist(),
            strict=True,
        )
        ends.append(list(zip(points, keys, strict=True)))
    return list(zip(*ends, strict=True))


def isocurve_lines(data: np.ndarray, level: float) -> list[list[tuple[float, float]]]:
    """The contour of ``data`` at ``level`` as lines of points, as
    ``pg.functions.isocurve(data, level, connected=True, extendToEdge=True)`` gives them."""
    data = _extended(np.asarray(data))
    points: dict[tuple, list] = {}  # each point's key → the chains through it
    for a, b in _crossings(data, level):
        points.setdefault(a[1], []).append([a, b])
        points.setdefault(b[1], []).append([b, a])
    for key in list(points):  # join the segments into chains, as pyqtgraph does
        chains = points.get(key)
        if chains is None:  # already joined through another point
            continue
        for chain in chains:
            last = None
            while last != chain[-1][1]:
                last = chain[-1][1]
                if last == key:
                    break  # the chain has closed
                before = chain[-2][1]
                for link in points[last][:]:
                    if link[1][1] != before:
                        chain.extend(link[1:])
                del points[last]
            if chain[0][1] == chain[-1][1]:  # closed: no need to go the other way
                chains.pop()
                break
    lines = []
    for chain in points.values():
        chain = chain[1][1:][::-1] + chain[0] if len(chain) == 2 else chain[0]
        lines.append([point for point, _key in chain])
    return lines


class ContourItem(pg.IsocurveItem):
    """An isocurve item that traces its line with :func:`isocurve_lines`."""

    def generatePath(self) -> None:
        if self.data is None:
            self.path = None
            return
        data = self.data.T if self.axisOrder == "row-major" else self.data
        self.path = QtGui.QPainterPath()
        for line in isocurve_lines(data, self.level):
            self.path.moveTo(*line[0])
            for point in line[1:]:
                self.path.lineTo(*point)
