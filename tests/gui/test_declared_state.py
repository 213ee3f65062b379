"""Every declared parameter of every tab, found by iterating the declarations (not a list kept
by hand): its control starts at the declared default; set through that control like a user,
the change reaches the state, a scene file, and a new window that shows the same state and the
same plotted data; Ctrl+Z brings the previous state back and Ctrl+Shift+Z the new one."""

import numpy as np
import pytest
from PyQt6 import QtCore, QtWidgets

from mlphys_gui.tabs import TAB_CLASSES
from mlphys_gui.widgets.bound import FormulaEdit, MatrixEditor
from mlphys_gui.widgets.entries import NumberEntry, ValueSlider

CTRL = QtCore.Qt.KeyboardModifier.ControlModifier
SHIFT = QtCore.Qt.KeyboardModifier.ShiftModifier
# Parameters set by the plot or by buttons rather than by a control of their own (the data
# points, where the seeded stream stands, the transport targets edited in their table), and by
# File → Import data and Open image (where σᵢ comes from and the name of the data imported;
# the user's image file or the image embedded in the scene).
WITHOUT_CONTROL = {
    "svd": {"image_file", "image_png"},
    "posterior": {"points", "stream_position", "sigma_source", "data_name", "x_name", "y_name"},
    "transport": {"target_1d", "target_2d"},
}


def shown_value(widget):
    """What a control shows, in the state's JSON terms."""
    if isinstance(widget, ValueSlider | NumberEntry | QtWidgets.QSpinBox):
        return widget.value()
    if isinstance(widget, QtWidgets.QComboBox):
        return widget.currentData()
    if isinstance(widget, QtWidgets.QCheckBox):
        return widget.isChecked()
    if isinstance(widget, FormulaEdit):
        return widget.text()
    if isinstance(widget, MatrixEditor):
        return widget.values()
    if isinstance(widget, QtWidgets.QTabWidget):
        return widget.currentIndex()
    raise TypeError(f"no reader for {type(widget).__name__}")


def type_into(qtbot, line_edit: QtWidgets.QLineEdit, text: str) -> None:
    line_edit.setFocus()
    line_edit.selectAll()
    qtbot.keyClick(line_edit, QtCore.Qt.Key.Key_Backspace)
    qtbot.keyClicks(line_edit, text)
    qtbot.keyClick(line_edit, QtCore.Qt.Key.Key_Return)


def set_like_a_user(qtbot, tab, key, value) -> None:
    """Set ``key`` to ``value`` through its control: typing, picking, clicking."""
    widget = tab.controls.widget(key)
    if isinstance(widget, ValueSlider):
        type_into(qtbot, widget.entry, repr(value))
    elif isinstance(widget, NumberEntry):
        type_into(qtbot, widget, repr(value))
    elif isinstance(widget, QtWidgets.QSpinBox):
        type_into(qtbot, widget.lineEdit(), str(value))
    elif isinstance(widget, QtWidgets.QComboBox):
        widget.setCurrentIndex(widget.findData(value))
    elif isinstance(widget, QtWidgets.QCheckBox):
        if widget.isChecked() != value:
            widget.click()
    elif isinstance(widget, FormulaEdit):
        type_into(qtbot, widget, value)
    elif isinstance(widget, MatrixEditor):
        for row, numbers in zip(widget.entries, value, strict=True):
            for entry, number in zip(row, numbers, strict=True):
                if entry.value() != number:
                    type_into(qtbot, entry, repr(number))
    elif isinstance(widget, QtWidgets.QTabWidget):
        widget.setCurrentIndex(list(tab.SCHEMA.params[key].options).index(value))
    else:
        raise TypeError(f"no driver for {type(widget).__name__}")


def make_relevant(tab, key) -> None:
    """Bring the state to where ``key``'s control is shown and enabled (its declaration says
    when), changing at most two other parameters to values the declaration offers."""
    params = tab.SCHEMA.params
    if params[key].relevant(tab.model.snapshot()):
        return
    moves = [
        (other, value)
        for other, param in params.items()
        if other != key
        for value in [*param.alternatives(), param.default]
    ]
    for first in moves:
        for second in [None, *moves]:
            changes = dict([first] + ([second] if second else []))
            values = dict(tab.model.snapshot())
            try:
                values.update({k: params[k].check(v) for k, v in changes.items()})
            except ValueError:
                continue
            if params[key].relevant(values) and tab.edit(changes, label="setup"):
                return
    pytest.fail(f"{key}: no state found where its control is shown and enabled")


def same_series(a, b) -> bool:
    (name_a, x_a, y_a), (name_b, x_b, y_b) = a, b
    return (
        name_a == name_b
        and np.array_equal(np.asarray(x_a, float), np.asarray(x_b, float), equal_nan=True)
        and np.array_equal(np.asarray(y_a, float), np.asarray(y_b, float), equal_nan=True)
    )


@pytest.fixture
def other_window(qtbot, tmp_path, new_window):
    """A second window with its own settings and no session: where scenes are reopened."""
    settings = QtCore.QSettings(str(tmp_path / "other.ini"), QtCore.QSettings.Format.IniFormat)
    other = new_window(settings=settings)
    other.resize(1400, 860)
    other.show()
    qtbot.waitExposed(other)
    yield other
    other.close()
    other.deleteLater()


@pytest.mark.parametrize("name", list(TAB_CLASSES))
def test_controls_start_at_the_declared_defaults(window, name):
    tab = window.tabs[name]
    defaults = tab.default_state()
    bound = tab.controls.bound_keys()
    assert set(bound) | WITHOUT_CONTROL.get(name, set()) == set(tab.SCHEMA.params)
    for key in bound:
        widget = tab.controls.widget(key)
        shown, default = shown_value(widget), defaults[key]
        if isinstance(widget, QtWidgets.QTabWidget):
            default = list(tab.SCHEMA.params[key].options).index(default)
        assert shown == default, (
            f"{name}.{key}: the control shows {shown}, the default is {default}"
        )
        if isinstance(widget, ValueSlider):  # and the handle stands there, to half a step
            position = widget.slider.value()
            at = widget._value_at(position)
            step = abs(widget._value_at(position + 1) - at)
            assert abs(at - default) <= 0.5 * step, f"{name}.{key}: slider handle at {at}"


@pytest.mark.parametrize("name", list(TAB_CLASSES))
def test_every_parameter_round_trips_and_undoes(qtbot, window, other_window, tmp_path, name):
    window.select_tab(name)
    tab = window.tabs[name]
    twin = other_window.tabs[name]
    other_window.select_tab(name)
    for key, param in tab.SCHEMA.params.items():
        window.activateWindow()  # the keys go to the active window
        qtbot.waitUntil(window.isActiveWindow)
        make_relevant(tab, key)
        tab.settle()
        before = tab.state()
        for value in [*param.alternatives(), param.to_json(param.check(param.default))]:
            if value == before[key]:
                continue
            if key in WITHOUT_CONTROL.get(name, ()):
                tab.edit({key: value})
            else:
                set_like_a_user(qtbot, tab, key, value)
            if tab.state()[key] != before[key]:
                break
        else:
            pytest.fail(f"{name}.{key}: none of {param.alternatives()} was taken")
        tab.settle()
        after = tab.state()
        path = tmp_path / f"{key}.json"
        assert window.save_scene(path), window.statusBar().currentMessage()
        assert other_window.open_scene(path), other_window.statusBar().currentMessage()
        twin.settle()
        assert twin.state() == after, f"{name}.{key}: the new window shows another state"
        ours, theirs = tab.plotted_data(), twin.plotted_data()
        assert len(ours) == len(theirs) and all(map(same_series, ours, theirs)), key
        qtbot.keyClick(window, QtCore.Qt.Key.Key_Z, CTRL)
        tab.settle()
        assert tab.state() == before, f"{name}.{key}: Ctrl+Z did not bring back the old state"
        qtbot.keyClick(window, QtCore.Qt.Key.Key_Z, CTRL | SHIFT)
        tab.settle()
        assert tab.state() == after, f"{name}.{key}: Ctrl+Shift+Z did not redo"
