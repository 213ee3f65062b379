"""Controls made from a tab's declared parameters and bound to its state.

``Controls.slider("sigma")`` builds the slider the declaration describes (label, range, scale,
digits, unit, tooltip with the notes' equation) showing the current value, and sends what the
user does to the tab's ``edit``. When the state changes (an edit, undo, a scene), every bound
control shows the new value without sending it back. A value the state refuses is marked at its
control with the reason, and the control shows the state's value again: widgets show the state,
they do not hold it.
"""

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from PyQt6 import QtCore, QtWidgets

from mlphys_gui.state import Change, Choice, Flag, Integer, Matrix, Param, Real, StateModel, Text
from mlphys_gui.widgets.entries import NumberEntry, ValueSlider
from mlphys_gui.widgets.panels import row_of


class Editor(Protocol):
    """What the controls need of a tab: ``edit`` a parameter, gestures, the status bar."""

    message: Any

    def edit(self, changes: dict[str, Any], label: str | None = None) -> bool: ...

    def begin_gesture(self) -> None: ...

    def end_gesture(self) -> None: ...


def mark_invalid(widget: QtWidgets.QWidget, error: str | None, help_text: str) -> None:
    """Show (or clear) why a value was refused: a red frame and the reason in the tooltip."""
    if bool(widget.property("invalid")) == bool(error) and not error:
        return
    widget.setProperty("invalid", bool(error))
    widget.setToolTip(f"⚠ {error}\n{help_text}".strip() if error else help_text)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class FormulaEdit(QtWidgets.QLineEdit):
    """A typed formula, applied on Enter or when the focus leaves. A refused formula stays in
    the field, marked, so that it can be corrected; Ctrl+Z then undoes typing in the field."""

    committed = QtCore.pyqtSignal(str)

    def __init__(self, text: str, parent=None):
        super().__init__(text, parent)
        self.editingFinished.connect(self._commit)

    def _commit(self) -> None:
        self.setModified(False)
        self.committed.emit(self.text())


class MatrixEditor(QtWidgets.QWidget):
    """A grid of typed entries for a small matrix."""

    committed = QtCore.pyqtSignal(list)
    rejected = QtCore.pyqtSignal(str)

    def __init__(self, param: Matrix, parent=None):
        super().__init__(parent)
        grid = QtWidgets.QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        values = param.check(param.default)
        self.entries: list[list[NumberEntry]] = []
        for i in range(param.rows):
            row = []
            for j in range(param.cols):
                entry = NumberEntry(values[i, j], param.low, param.high, param.digits)
                entry.setToolTip(
                    f"{param.label}[{i + 1},{j + 1}]: a number in [{param.low:g}, {param.high:g}]"
                )
                entry.setAccessibleName(f"{param.label} row {i + 1} column {j + 1}")
                entry.committed.connect(lambda value, i=i, j=j: self._commit(i, j, value))
                entry.rejected.connect(
                    lambda why, i=i, j=j: self.rejected.emit(
                        f"{param.label}[{i + 1},{j + 1}] not changed: {why}"
                    )
                )
                grid.addWidget(entry, i, j)
                row.append(entry)
            self.entries.append(row)

    def values(self) -> list[list[float]]:
        return [[entry.value() for entry in row] for row in self.entries]

    def set_values(self, values) -> None:
        for row, numbers in zip(self.entries, values, strict=True):
            for entry, number in zip(row, numbers, strict=True):
                entry.set_value(float(number))

    def _commit(self, i: int, j: int, value: float) -> None:
        values = self.values()
        values[i][j] = value
        self.committed.emit(values)


class _Binding:
    """One control bound to one parameter: how to show a value on it, and how to mark it.
    ``keeps_draft``: a refused value stays on the control to be corrected (typed text)."""

    def __init__(
        self,
        widget: QtWidgets.QWidget,
        show: Callable[[Any], None],
        mark_target=None,
        keeps_draft: bool = False,
    ):
        self.widget = widget
        self.show = show
        self.keeps_draft = keeps_draft
        self._mark_target = mark_target or widget
        self._help = self._mark_target.toolTip()

    def set_help(self, text: str) -> None:
        """A new explanation (its parameter's tooltip depends on other fields)."""
        if text != self._help:
            self._help = text
            self.widget.setToolTip(text)
            if self._mark_target is not self.widget:
                self._mark_target.setToolTip(text)

    def mark(self, error: str | None) -> None:
        if isinstance(self._mark_target, NumberEntry):
            self._mark_target.show_error(error)
        else:
            mark_invalid(self._mark_target, error, self._help)


def _quiet(widget: QtWidgets.QWidget, action: Callable[[], None]) -> None:
    """Do ``action`` on ``widget`` without its signals (the program shows a value)."""
    blocked = widget.blockSignals(True)
    try:
        action()
    finally:
        widget.blockSignals(blocked)


class Controls:
    """Builds a tab's controls from its declaration and keeps them showing its state."""

    def __init__(self, model: StateModel, tab: Editor):
        self._model = model
        self._tab = tab
        self._bindings: dict[str, _Binding] = {}
        self._deferred: dict[str, Callable[[], object]] = {}  # key → what builds its control
        model.subscribe(self._show_change)

    # ---------------------------------------------------------------- lookup
    def param(self, key: str) -> Param:
        return self._model.schema.params[key]

    def widget(self, key: str) -> QtWidgets.QWidget:
        """The control bound to ``key`` (tests drive it like a user); a deferred one is
        built now."""
        if key not in self._bindings and key in self._deferred:
            self._deferred[key]()
        return self._bindings[key].widget

    def bound_keys(self) -> list[str]:
        """The keys that have a control, built or deferred."""
        return [*self._bindings, *(key for key in self._deferred if key not in self._bindings)]

    def defer(self, keys: Iterable[str], build: Callable[[], object]) -> None:
        """The controls of ``keys`` are made by ``build()`` (a view not built yet), which runs
        when one of them is first asked for; until then a change of these keys shows nowhere
        and the view reads the state when it is built."""
        for key in keys:
            self._deferred[key] = build

    # ---------------------------------------------------------------- builders
    def slider(self, key: str) -> ValueSlider:
        """A slider with a typed value for a Real or Integer parameter."""
        param = self.param(key)
        if not isinstance(param, Real | Integer):
            raise TypeError(f"{key}: a slider needs a Real or Integer parameter")
        integer = isinstance(param, Integer)
        steps = (
            param.steps
            if isinstance(param, Real)
            else (1000 if param.log else param.high - param.low)
        )
        slider = ValueSlider(
            param.label,
            self._model[key],
            param.low,
            param.high,
            steps=max(1, steps),
            log=param.log,
            unit=param.unit,
            digits=param.digits,
            tooltip=param.help(self._model.snapshot()),
        )
        slider.valueChanged.connect(
            lambda value: self._edit(key, round(value) if integer else value)
        )
        slider.rejected.connect(
            lambda why: self._tab.message.emit(f"{param.label} not changed: {why}")
        )
        slider.slider.sliderPressed.connect(self._tab.begin_gesture)
        slider.slider.sliderReleased.connect(self._tab.end_gesture)
        self._bind(key, slider, slider.set_value, slider.entry)
        return slider

    def entry(self, key: str) -> NumberEntry:
        """A typed number for a Real parameter (no slider)."""
        param = self.param(key)
        entry = NumberEntry(self._model[key], param.low, param.high, param.digits)
        entry.setToolTip(param.help(self._model.snapshot()))
        entry.committed.connect(lambda value: self._edit(key, value))
        entry.rejected.connect(
            lambda why: self._tab.message.emit(f"{param.label} not changed: {why}")
        )
        self._bind(key, entry, entry.set_value)
        return entry

    def spin(self, key: str) -> QtWidgets.QSpinBox:
        """A spin box for an Integer parameter (a seed, an index)."""
        param = self.param(key)
        spin = QtWidgets.QSpinBox()
        spin.setRange(param.low, param.high)
        spin.setValue(self._model[key])
        spin.setKeyboardTracking(False)  # typed digits apply on Enter, not one by one
        spin.setToolTip(param.help(self._model.snapshot()))
        spin.setAccessibleName(param.label)
        spin.valueChanged.connect(lambda value: self._edit(key, value))
        self._bind(key, spin, lambda value: _quiet(spin, lambda: spin.setValue(value)))
        return spin

    def combo(self, key: str) -> QtWidgets.QComboBox:
        """A drop-down list for a Choice parameter, its options labelled as declared."""
        param = self.param(key)
        if not isinstance(param, Choice):
            raise TypeError(f"{key}: a drop-down list needs a Choice parameter")
        combo = QtWidgets.QComboBox()
        for option, label in param.options.items():
            combo.addItem(label, option)
        combo.setCurrentIndex(combo.findData(self._model[key]))
        combo.setToolTip(param.help(self._model.snapshot()))
        combo.setAccessibleName(param.label)
        combo.currentIndexChanged.connect(lambda _index: self._edit(key, combo.currentData()))
        self._bind(
            key,
            combo,
            lambda value: _quiet(combo, lambda: combo.setCurrentIndex(combo.findData(value))),
        )
        return combo

    def check(self, key: str) -> QtWidgets.QCheckBox:
        """A check box for a Flag parameter."""
        param = self.param(key)
        if not isinstance(param, Flag):
            raise TypeError(f"{key}: a check box needs a Flag parameter")
        box = QtWidgets.QCheckBox(param.label)
        box.setChecked(self._model[key])
        box.setToolTip(param.help(self._model.snapshot()))
        box.toggled.connect(lambda checked: self._edit(key, checked))
        self._bind(key, box, lambda value: _quiet(box, lambda: box.setChecked(value)))
        return box

    def formula(self, key: str) -> FormulaEdit:
        """A line edit for a Text parameter (a typed formula), applied on Enter."""
        param = self.param(key)
        if not isinstance(param, Text):
            raise TypeError(f"{key}: a formula field needs a Text parameter")
        edit = FormulaEdit(self._model[key])
        edit.setMaxLength(param.max_length)
        edit.setToolTip(param.help(self._model.snapshot()))
        edit.setAccessibleName(param.label)
        if param.examples:
            edit.setPlaceholderText(param.examples[0])
        edit.committed.connect(
            lambda text: self._edit(key, text) if text != self._model[key] else None
        )

        def show(text: str) -> None:
            if edit.text() != text:
                edit.setText(text)

        self._bind(key, edit, show, keeps_draft=True)
        return edit

    def matrix(self, key: str) -> MatrixEditor:
        """A grid of typed entries for a Matrix parameter."""
        param = self.param(key)
        editor = MatrixEditor(param)
        editor.set_values(self._model[key])
        editor.committed.connect(lambda values: self._edit(key, values))
        editor.rejected.connect(self._tab.message)
        self._bind(key, editor, editor.set_values)
        return editor

    def pages(self, key: str, pages: QtWidgets.QTabWidget) -> QtWidgets.QTabWidget:
        """A tab widget whose pages are the options of a Choice parameter, in order."""
        options = list(self.param(key).options)
        if pages.count() != len(options):
            raise ValueError(f"{key}: one page per option needed")
        pages.setCurrentIndex(options.index(self._model[key]))
        pages.currentChanged.connect(lambda index: self._edit(key, options[index]))
        self._bind(
            key,
            pages,
            lambda value: _quiet(pages, lambda: pages.setCurrentIndex(options.index(value))),
        )
        return pages

    def seed_row(self, key: str = "seed") -> QtWidgets.QWidget:
        """ "seed [spin box]": the row every tab with random numbers has."""
        return self.row(self.param(key).label, self.spin(key))

    @staticmethod
    def row(text: str, widget: QtWidgets.QWidget) -> QtWidgets.QWidget:
        """A label and its control on one line (the label is the control's keyboard buddy)."""
        label = QtWidgets.QLabel(text)
        label.setBuddy(widget)
        row = row_of(label, widget)
        row.layout().setStretch(1, 1)
        return row

    def show_group(
        self, keys: Iterable[str], columns: int = 2, title: str = "Show"
    ) -> QtWidgets.QGroupBox:
        """A titled group of check boxes for Flag parameters (what a plot shows)."""
        group = QtWidgets.QGroupBox(title)
        grid = QtWidgets.QGridLayout(group)
        for index, key in enumerate(keys):
            grid.addWidget(self.check(key), index // columns, index % columns)
        return group

    def speed(self, key: str, animator, to_speed: Callable[[float], float] = float) -> ValueSlider:
        """The slider of how fast Play runs; the animator follows the state."""
        slider = self.slider(key)

        def follow(change: Change | None = None) -> None:
            if change is None or key in change.keys:
                animator.speed = to_speed(self._model[key])

        follow()
        self._model.subscribe(follow)
        return slider

    # ---------------------------------------------------------------- binding
    def _bind(
        self, key: str, widget: QtWidgets.QWidget, show, mark_target=None, keeps_draft=False
    ) -> None:
        if key in self._bindings:
            raise ValueError(f"{key} already has a control")
        self._bindings[key] = _Binding(widget, show, mark_target, keeps_draft)
        param, values = self.param(key), self._model.snapshot()
        if param.shown_when is not None and not param.shown_when(values):
            widget.hide()  # (showing a widget not yet in a layout would open a window)
        if param.enabled_when is not None:
            widget.setEnabled(param.enabled_when(values))

    def _edit(self, key: str, value: Any) -> None:
        self._tab.edit({key: value})

    def refused(self, key: str, message: str) -> None:
        """The state refused a value for ``key``: its control shows the state's value again
        and says why."""
        binding = self._bindings.get(key)
        if binding is not None:
            if not binding.keeps_draft:
                binding.show(self._model[key])
            binding.mark(message)

    def _show_change(self, change: Change) -> None:
        for key in change.keys:
            binding = self._bindings.get(key)
            if binding is not None:
                binding.show(self._model[key])
                binding.mark(None)
        self.show_relevant()

    def show_relevant(self) -> None:
        """Show and enable each control as its declaration says, for the current values, with
        the tooltip that explains what it does now."""
        values, params = self._model.snapshot(), self._model.schema.params
        for key, binding in self._bindings.items():
            param = params[key]
            if param.tooltip_when is not None:
                binding.set_help(param.help(values))
            if param.shown_when is not None:
                binding.widget.setVisible(param.shown_when(values))
            if param.enabled_when is not None:
                binding.widget.setEnabled(param.enabled_when(values))
