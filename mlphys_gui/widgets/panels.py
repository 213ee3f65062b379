"""Layout pieces shared by the tabs: the scrolling control column and the readout table."""

from PyQt6 import QtCore, QtWidgets

from mlphys_gui.style import Style

PANEL_WIDTH = 360


def control_panel(content: QtWidgets.QWidget) -> QtWidgets.QScrollArea:
    """The left-hand column of controls, scrolling when the window is short."""
    area = QtWidgets.QScrollArea()
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setMinimumWidth(PANEL_WIDTH)
    area.setMaximumWidth(int(PANEL_WIDTH * 1.6))
    area.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
    return area


class ReadoutTable(QtWidgets.QWidget):
    """Named values (σ₁, det A, …) in a two-column grid; each name has a tooltip."""

    def __init__(self, rows: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        layout = QtWidgets.QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.names = list(rows)
        self._values: list[QtWidgets.QLabel] = []
        for name, tooltip in rows:
            label = QtWidgets.QLabel(name)
            label.setToolTip(tooltip)
            value = QtWidgets.QLabel("")
            value.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setToolTip(tooltip)
            layout.addRow(label, value)
            self._values.append(value)

    def set_values(self, values: list[str]) -> None:
        for label, text in zip(self._values, values, strict=True):
            label.setText(text)

    def value(self, name: str) -> str:
        index = [row[0] for row in self.names].index(name)
        return self._values[index].text()

    def apply_style(self, style: Style) -> None:
        font = self.font()
        font.setFamily("DejaVu Sans Mono")
        for label in self._values:
            label.setFont(font)
