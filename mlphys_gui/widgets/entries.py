"""Typed numbers: an entry that refuses bad text in place, and a slider paired with one."""

import math

from PyQt6 import QtCore, QtWidgets


def parse_number(text: str, low: float, high: float) -> float:
    """The number typed in ``text``, or ValueError saying why it is not acceptable."""
    cleaned = text.strip().replace("−", "-").replace(",", ".")
    if not cleaned:
        raise ValueError("empty: type a number")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"'{text.strip()[:20]}' is not a number") from None
    if math.isnan(value):
        raise ValueError("NaN is not a number you can use here")
    if math.isinf(value):
        raise ValueError("must be finite")
    if not low <= value <= high:
        raise ValueError(f"{value:g} is outside the allowed range [{low:g}, {high:g}]")
    return value


def format_number(value: float, digits: int = 4) -> str:
    return f"{value:.{digits}g}"


class NumberEntry(QtWidgets.QLineEdit):
    """A line edit for one number in [low, high].

    Commits on Enter or focus-out. A bad value is marked red with the reason as tooltip and
    ``rejected`` emitted; the last good value is kept (``value()``) and nothing else changes.
    """

    committed = QtCore.pyqtSignal(float)
    rejected = QtCore.pyqtSignal(str)

    def __init__(self, value: float, low: float, high: float, digits: int = 4, parent=None):
        super().__init__(parent)
        self._low, self._high, self._digits = low, high, digits
        self._value = value
        self._help = ""
        self.setText(format_number(value, digits))
        self.setMinimumWidth(70)
        self.setAlignment(QtCore.Qt.AlignmentFlag.AlignRight)
        self.editingFinished.connect(self._commit)

    def value(self) -> float:
        return self._value

    def set_limits(self, low: float, high: float) -> None:
        self._low, self._high = low, high

    def is_invalid(self) -> bool:
        return bool(self.property("invalid"))

    def setToolTip(self, text: str) -> None:  # keep the help text to restore after an error
        self._help = text
        if not self.is_invalid():
            super().setToolTip(text)

    def set_value(self, value: float) -> None:
        """Show a value set by the program (a slider, a drag, a preset); clears any error mark."""
        self._value = value
        self.show_error(None)
        if not self.hasFocus() or not self.isModified():
            self.setText(format_number(value, self._digits))

    def _commit(self) -> None:
        if not self.isModified():
            return  # the text is what the program showed (rounded): nothing was typed
        try:
            value = parse_number(self.text(), self._low, self._high)
        except ValueError as error:
            self.show_error(str(error))
            self.rejected.emit(str(error))
            return
        self.show_error(None)
        self.setModified(False)
        if value != self._value:
            self._value = value
            self.committed.emit(value)

    def show_error(self, error: str | None) -> None:
        """Mark the entry red with ``error`` as its tooltip, or clear the mark (None)."""
        if not error and not self.is_invalid():
            return
        self.setProperty("invalid", bool(error))
        super().setToolTip(f"⚠ {error}\n{self._help}".strip() if error else self._help)
        self.style().unpolish(self)
        self.style().polish(self)


class ValueSlider(QtWidgets.QWidget):
    """A labelled slider with a typed value and a unit, linear or logarithmic.

    ``valueChanged`` fires live while dragging and when a typed value is committed.
    """

    valueChanged = QtCore.pyqtSignal(float)
    rejected = QtCore.pyqtSignal(str)

    def __init__(
        self,
        label: str,
        value: float,
        low: float,
        high: float,
        *,
        steps: int = 1000,
        log: bool = False,
        unit: str = "",
        digits: int = 4,
        tooltip: str = "",
        parent=None,
    ):
        super().__init__(parent)
        if log and low <= 0:
            raise ValueError("a logarithmic slider needs low > 0")
        self._low, self._high, self._steps, self._log = low, high, steps, log
        self._value = value
        self.label = QtWidgets.QLabel(label)
        self.slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.slider.setRange(0, steps)
        self.slider.setPageStep(max(1, steps // 10))
        self.slider.setSingleStep(max(1, steps // 100))
        self.entry = NumberEntry(value, low, high, digits)
        self.entry.setMaximumWidth(90)
        self.unit = QtWidgets.QLabel(unit)
        self.label.setBuddy(self.slider)
        for widget in (self.label, self.slider, self.entry):
            widget.setToolTip(tooltip)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.entry)
        if unit:
            layout.addWidget(self.unit)
        self._set_slider(value)
        self.slider.valueChanged.connect(self._from_slider)
        self.entry.committed.connect(self._from_entry)
        self.entry.rejected.connect(self.rejected)

    def value(self) -> float:
        return self._value

    def setToolTip(self, text: str) -> None:  # the label, the slider and the entry explain it
        super().setToolTip(text)
        for widget in (self.label, self.slider, self.entry):
            widget.setToolTip(text)

    def set_range(self, low: float, high: float, steps: int) -> None:
        """New limits (e.g. when a model's size range changes); the value is clamped."""
        self._low, self._high, self._steps = low, high, steps
        self.entry.set_limits(low, high)
        self.slider.setRange(0, steps)
        self.set_value(self._value)

    def set_value(self, value: float, emit: bool = False) -> None:
        value = min(max(value, self._low), self._high)
        self._value = value
        self._set_slider(value)
        self.entry.set_value(value)
        if emit:
            self.valueChanged.emit(value)

    def _position(self, value: float) -> int:
        if self._log:
            fraction = math.log(value / self._low) / math.log(self._high / self._low)
        else:
            fraction = (value - self._low) / (self._high - self._low)
        return round(fraction * self._steps)

    def _value_at(self, position: int) -> float:
        fraction = position / self._steps
        if self._log:
            return self._low * (self._high / self._low) ** fraction
        return self._low + fraction * (self._high - self._low)

    def _set_slider(self, value: float) -> None:
        blocked = self.slider.blockSignals(True)
        self.slider.setValue(self._position(value))
        self.slider.blockSignals(blocked)

    def _from_slider(self, position: int) -> None:
        self._value = self._value_at(position)
        self.entry.set_value(self._value)
        self.valueChanged.emit(self._value)

    def _from_entry(self, value: float) -> None:
        self._value = value
        self._set_slider(value)
        self.valueChanged.emit(value)
