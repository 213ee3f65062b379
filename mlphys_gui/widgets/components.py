"""An editor for the components of a Gaussian mixture: one row of typed numbers per component,
or, for a mixture too large to list (a target made from a picture), a summary."""

import numpy as np
from PyQt6 import QtCore, QtWidgets

from mlphys_gui.widgets.entries import NumberEntry

WEIGHT_RANGE = (1e-6, 100.0)  # relative weights: a fitted cloud's smallest cluster is ~1e-4
STD_RANGE = (0.05, 3.0)
LISTED_ROWS = 12  # larger mixtures are summed up rather than listed


class ComponentEditor(QtWidgets.QWidget):
    """Rows of weight, mean (x, or x and y) and standard deviation, with add and remove; more
    than ``LISTED_ROWS`` rows are summed up in a sentence instead (edit them in the plot).

    ``changed`` carries the new rows (lists of floats) after any accepted edit; a refused value
    stays marked at its entry, ``rejected`` says why and the rows are unchanged.
    """

    changed = QtCore.pyqtSignal(list)
    rejected = QtCore.pyqtSignal(str)

    def __init__(self, mean_limit: float, max_rows: int, parent=None):
        super().__init__(parent)
        self._mean_limit = mean_limit
        self._max_rows = max_rows
        self._rows: list[list[float]] = []
        self._dim = 1
        self._grid = QtWidgets.QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self.add_button = QtWidgets.QPushButton("Add component")
        self.add_button.setToolTip("A new bump at the origin with weight 0.2 and σ 0.4")
        self.add_button.clicked.connect(self._add)
        self.summary = QtWidgets.QLabel()
        self.summary.setWordWrap(True)
        self.summary.hide()
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._grid)
        layout.addWidget(self.summary)
        layout.addWidget(self.add_button)
        self.entries: list[list[NumberEntry]] = []
        self.remove_buttons: list[QtWidgets.QToolButton] = []

    def rows(self) -> list[list[float]]:
        return [list(row) for row in self._rows]

    def set_rows(self, rows: list[list[float]], dim: int) -> None:
        """Show ``rows`` ([w, m_x, σ] in 1-D, [w, m_x, m_y, σ] in 2-D) without emitting."""
        self._rows = [list(map(float, row)) for row in rows]
        self._dim = dim
        self._rebuild()

    def _columns(self) -> list[tuple[str, tuple[float, float], str]]:
        mean = (-self._mean_limit, self._mean_limit)
        means = [("mean x", mean, "Mean of the component")]
        if self._dim == 2:
            means = [("mean x", mean, "x of the mean"), ("mean y", mean, "y of the mean")]
        return [
            ("weight", WEIGHT_RANGE, "Relative weight (the weights are normalised)"),
            *means,
            ("σ", STD_RANGE, "Standard deviation of the component (isotropic in 2-D)"),
        ]

    def _rebuild(self) -> None:
        while self._grid.count():
            widget = self._grid.takeAt(0).widget()
            widget.setParent(None)
            widget.deleteLater()
        self.entries, self.remove_buttons = [], []
        self.add_button.setEnabled(len(self._rows) < self._max_rows)
        listed = len(self._rows) <= LISTED_ROWS
        self.summary.setVisible(not listed)
        if not listed:
            self.summary.setText(self._summary())
            return
        columns = self._columns()
        for col, (name, _limits, tooltip) in enumerate(columns, start=1):
            header = QtWidgets.QLabel(name)
            header.setToolTip(tooltip)
            self._grid.addWidget(header, 0, col)
        for i, row in enumerate(self._rows):
            self._grid.addWidget(QtWidgets.QLabel(f"{i + 1}"), i + 1, 0)
            entries = []
            for col, ((name, (low, high), tooltip), value) in enumerate(
                zip(columns, row, strict=True), start=1
            ):
                entry = NumberEntry(value, low, high, digits=3)
                entry.setMinimumWidth(52)
                entry.setToolTip(f"Component {i + 1}: {tooltip} ({name}, {low:g} to {high:g})")
                entry.committed.connect(lambda v, i=i, col=col - 1: self._edit(i, col, v))
                entry.rejected.connect(
                    lambda why, i=i, name=name: self.rejected.emit(
                        f"component {i + 1} {name}: {why}"
                    )
                )
                self._grid.addWidget(entry, i + 1, col)
                entries.append(entry)
            remove = QtWidgets.QToolButton()
            remove.setText("✕")
            remove.setToolTip(f"Remove component {i + 1}")
            remove.setEnabled(len(self._rows) > 1)
            remove.clicked.connect(lambda _checked, i=i: self._remove(i))
            self._grid.addWidget(remove, i + 1, len(columns) + 1)
            self.entries.append(entries)
            self.remove_buttons.append(remove)

    def _summary(self) -> str:
        rows = np.array(self._rows)
        weights, stds = rows[:, 0] / rows[:, 0].sum(), rows[:, -1]
        return (
            f"<b>{len(rows)} components</b> (too many to list): weights from "
            f"{weights.min():.2g} to {weights.max():.2g} (they sum to 1), σ from "
            f"{stds.min():.2g} to {stds.max():.2g}. Click the plot to add a component, "
            "right-click to remove the nearest."
        )

    def _edit(self, i: int, col: int, value: float) -> None:
        self._rows[i][col] = value
        self.changed.emit(self.rows())

    def _remove(self, i: int) -> None:
        if len(self._rows) > 1:
            del self._rows[i]
            self._rebuild()
            self.changed.emit(self.rows())

    def _add(self) -> None:
        if len(self._rows) < self._max_rows:
            self._rows.append([0.2] + [0.0] * self._dim + [0.4])
            self._rebuild()
            self.changed.emit(self.rows())
