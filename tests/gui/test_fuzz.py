"""Random use of every tab: slider moves, typed garbage, combo boxes, check boxes, buttons, keys,
tab switches, scene save/open, exports, zoom and theme — 10 000 actions in 8 chunks with fixed
seeds. No exception may reach sys.excepthook (where PyQt sends exceptions raised in slots), and
numpy's RuntimeWarnings (overflow, invalid value) are errors."""

import random
import sys
import traceback

import pytest
from PyQt6 import QtCore, QtTest, QtWidgets

from mlphys_gui.widgets.entries import NumberEntry, ValueSlider
from mlphys_gui.worker import stop_all_jobs

GARBAGE = [
    "",
    "nan",
    "inf",
    "-inf",
    "1e308",
    "-1e308",
    "abc",
    "0",
    "-0",
    "1e-320",
    "12",
    "-3",
    "0.5",
    "999999",
    "1,5",
    "−2",
    " ",
]
KEYS = [QtCore.Qt.Key.Key_Space, QtCore.Qt.Key.Key_Right, QtCore.Qt.Key.Key_R]
CHUNKS = 8
ACTIONS = 1250  # per chunk: 10 000 in all


@pytest.fixture
def caught(monkeypatch):
    errors = []
    monkeypatch.setattr(
        sys, "excepthook", lambda *info: errors.append("".join(traceback.format_exception(*info)))
    )
    return errors


@pytest.mark.filterwarnings("error::RuntimeWarning")  # overflow or NaN on the way: a bug too
@pytest.mark.parametrize("seed", range(CHUNKS))
def test_random_use_of_every_tab_raises_nothing(window, caught, tmp_path, seed):
    rng = random.Random(seed)
    for _ in range(ACTIONS):
        tab = window.current_tab()

        def enabled(kind, tab=tab):  # looked up only for the action drawn: not cheap
            return [widget for widget in tab.findChildren(kind) if widget.isEnabled()]

        choice = rng.random()
        if choice < 0.3 and (sliders := enabled(ValueSlider)):
            slider = rng.choice(sliders).slider
            slider.setValue(rng.randint(0, slider.maximum()))
        elif choice < 0.45 and (entries := enabled(NumberEntry)):
            entry = rng.choice(entries)
            entry.setText(rng.choice(GARBAGE))
            entry.editingFinished.emit()
        elif choice < 0.55 and (combos := tab.findChildren(QtWidgets.QComboBox)):
            combo = rng.choice(combos)
            combo.setCurrentIndex(rng.randrange(combo.count()))
        elif choice < 0.62 and (boxes := enabled(QtWidgets.QCheckBox)):
            rng.choice(boxes).toggle()
        elif choice < 0.72 and (buttons := enabled(QtWidgets.QPushButton)):
            rng.choice(buttons).click()
        elif choice < 0.88:
            QtTest.QTest.keyClick(window, rng.choice(KEYS))
        elif choice < 0.93:
            window.tabs_widget.setCurrentIndex(rng.randrange(window.tabs_widget.count()))
        elif choice < 0.96:
            assert window.save_scene(tmp_path / "scene.json")
            assert window.open_scene(tmp_path / "scene.json"), window.statusBar().currentMessage()
        elif choice < 0.99:  # 40 exports a chunk, at 0.1 s each
            assert window.export(tmp_path / rng.choice(["fig.svg", "fig.csv", "fig.png"]))
        elif choice < 0.995:  # zoom and theme re-polish every widget (0.3–0.6 s): rarer
            window.zoom(rng.choice([1.15, 1 / 1.15]))
        else:
            window.projector_action.toggle()
        if rng.random() < 0.3:  # bursts of actions between repaints, like fast hands
            QtWidgets.QApplication.processEvents()
        assert not caught, caught[0]
    stop_all_jobs()  # as when quitting: a running sweep is cancelled, not waited for
    QtWidgets.QApplication.processEvents()
    assert not caught, caught[0]
