"""Layout pieces shared by the tabs: the scrolling control column, its group boxes, readouts
and equations."""

from collections.abc import Callable

from PyQt6 import QtCore, QtWidgets

from mlphys_gui.style import Style
from mlphys_gui.widgets.equation import EquationPanel

PANEL_WIDTH = 360


def controls_beside(
    owner: QtWidgets.QWidget, controls: QtWidgets.QWidget, figure: QtWidgets.QWidget
) -> None:
    """The layout of every view: the scrolling column of controls left, the figure right."""
    layout = QtWidgets.QHBoxLayout(owner)
    layout.addWidget(ControlPanel(controls))
    layout.addWidget(figure, 1)


class ControlPanel(QtWidgets.QScrollArea):
    """The left-hand column of controls: scrolls vertically when the window is short, and is
    always wide enough for its content (which grows with zoom and presentation mode)."""

    def __init__(self, content: QtWidgets.QWidget, parent=None):
        super().__init__(parent)
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Minimum, QtWidgets.QSizePolicy.Policy.Expanding
        )
        self._content_width = -1
        content.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QtCore.QEvent.Type.LayoutRequest:
            # the content grew (zoom, a control shown): widen the column. Only then: a readout
            # changing its text 10× a second must not relayout (and repaint) the whole window
            width = self.widget().minimumSizeHint().width()
            if width != self._content_width:
                self._content_width = width
                self.updateGeometry()
        return super().eventFilter(watched, event)

    def minimumSizeHint(self) -> QtCore.QSize:
        scrollbar = self.verticalScrollBar().sizeHint().width()
        width = max(PANEL_WIDTH, self.widget().minimumSizeHint().width() + scrollbar + 4)
        return QtCore.QSize(width, 200)

    def sizeHint(self) -> QtCore.QSize:
        return self.minimumSizeHint()


class OnDemand(QtWidgets.QWidget):
    """A page whose content ``make()`` builds the first time it is asked for (``content()``):
    a view nobody has looked at costs nothing at the app's start."""

    def __init__(self, make: Callable[[], QtWidgets.QWidget], parent=None):
        super().__init__(parent)
        self._make = make
        self._content: QtWidgets.QWidget | None = None
        QtWidgets.QVBoxLayout(self).setContentsMargins(0, 0, 0, 0)

    def is_built(self) -> bool:
        return self._content is not None

    def content(self) -> QtWidgets.QWidget:
        if self._content is None:
            content = self._make()
            self.layout().addWidget(content)
            content.show()  # shown with this page from now on
            self._content = content
        return self._content


def row_of(*parts: QtWidgets.QWidget | str) -> QtWidgets.QWidget:
    """Widgets (and texts, as labels) side by side on one line."""
    row = QtWidgets.QWidget()
    layout = QtWidgets.QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        layout.addWidget(QtWidgets.QLabel(part) if isinstance(part, str) else part)
    return row


class ControlColumn(QtWidgets.QWidget):
    """The column of a view's controls: titled groups from top to bottom, then the readouts
    (rows keyed by id) and the typeset equations of the notes."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._column = QtWidgets.QVBoxLayout(self)

    def group(self, title: str, *widgets: QtWidgets.QWidget) -> QtWidgets.QGroupBox:
        """A titled box holding ``widgets`` one under the other, added to the column."""
        box = QtWidgets.QGroupBox(title)
        layout = QtWidgets.QVBoxLayout(box)
        for widget in widgets:
            layout.addWidget(widget)
        return self.add(box)

    def add(self, widget: QtWidgets.QWidget) -> QtWidgets.QWidget:
        self._column.addWidget(widget)
        return widget

    def finish(
        self,
        readouts: list[tuple[str, str, str]],
        equations_title: str,
        equations: list[tuple[str, str]],
    ) -> None:
        """The readouts and equations at the bottom; the column then ends."""
        panel = self.add(ReadoutPanel("Readouts", readouts))
        self.readouts = panel.table
        self.equations = self.add(EquationPanel(equations_title, equations))
        self._column.addStretch(1)

    def apply_style(self, style: Style) -> None:
        self.equations.apply_style(style)
        self.readouts.apply_style(style)


class ReadoutPanel(QtWidgets.QGroupBox):
    """A titled :class:`ReadoutTable`."""

    def __init__(self, title: str, rows: list[tuple[str, str, str]], parent=None):
        super().__init__(title, parent)
        self.table = ReadoutTable(rows)
        QtWidgets.QVBoxLayout(self).addWidget(self.table)


class ReadoutTable(QtWidgets.QWidget):
    """Computed values (σ₁, det A, …) in a two-column grid, each row keyed by an id.

    ``rows`` are (id, label, tooltip): the code sets a value by its id, the user reads the label.
    """

    def __init__(self, rows: list[tuple[str, str, str]], parent=None):
        super().__init__(parent)
        layout = QtWidgets.QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.labels = {key: label for key, label, _tooltip in rows}
        self._values: dict[str, QtWidgets.QLabel] = {}
        for key, name, tooltip in rows:
            label = QtWidgets.QLabel(name)
            label.setToolTip(tooltip)
            value = QtWidgets.QLabel("")
            value.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setToolTip(tooltip)
            value.setAccessibleName(name)
            layout.addRow(label, value)
            self._values[key] = value

    def set(self, key: str, text: str) -> None:
        label = self._values[key]
        if label.text() != text:
            label.setText(text)

    def set_many(self, values: dict[str, str]) -> None:
        for key, text in values.items():
            self.set(key, text)

    def value(self, key: str) -> str:
        return self._values[key].text()

    def apply_style(self, style: Style) -> None:
        font = self.font()
        font.setFamily("DejaVu Sans Mono")
        for label in self._values.values():
            label.setFont(font)
