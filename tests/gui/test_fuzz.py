"""Random use of every tab: slider moves, typed garbage in every kind of field (numbers,
formulas, spin boxes), combo boxes, check boxes, buttons, keys (playback, undo and redo, a
deck's PageDown/PageUp/Home/End and B), tab switches, scene save/open, exports, zoom and theme,
the user's files (the import buttons' file dialog answers with one of a few files written here,
good and bad) — 5000 actions in 8 chunks with fixed seeds. No exception may reach
sys.excepthook (where PyQt sends exceptions raised in slots), numpy's RuntimeWarnings
(overflow, invalid value) are errors, and every saved scene opens."""

import random
import sys
import traceback
from collections import deque

import numpy as np
import pytest
from PyQt6 import QtCore, QtGui, QtTest, QtWidgets

from mlphys_gui.deck import Deck, Step, write_deck_file
from mlphys_gui.tabs import TAB_CLASSES
from mlphys_gui.widgets.bound import FormulaEdit
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
FORMULAS = [
    "x**2/2",
    "x**4/4 - x**2/2 + y**2/2",
    "y",
    "",
    "__import__('os')",
    "sin(",
    "1/x",
    "exp(exp(exp(x)))",
    "x" * 600,
    "-x**3 + 0.1*x",
    "cosh(x) + cosh(y)",
]
SPIN_TEXTS = ["", "-5", "abc", "99999999999", "3", "0", "2147483647", "1e3"]
CTRL = QtCore.Qt.KeyboardModifier.ControlModifier
KEYS = [
    (QtCore.Qt.Key.Key_Space, QtCore.Qt.KeyboardModifier.NoModifier),
    (QtCore.Qt.Key.Key_Right, QtCore.Qt.KeyboardModifier.NoModifier),
    (QtCore.Qt.Key.Key_R, QtCore.Qt.KeyboardModifier.NoModifier),
    (QtCore.Qt.Key.Key_Z, CTRL),
    (QtCore.Qt.Key.Key_Z, CTRL | QtCore.Qt.KeyboardModifier.ShiftModifier),
    (QtCore.Qt.Key.Key_Y, CTRL),
    (QtCore.Qt.Key.Key_PageDown, QtCore.Qt.KeyboardModifier.NoModifier),
    (QtCore.Qt.Key.Key_PageUp, QtCore.Qt.KeyboardModifier.NoModifier),
    (QtCore.Qt.Key.Key_Home, QtCore.Qt.KeyboardModifier.NoModifier),
    (QtCore.Qt.Key.Key_End, QtCore.Qt.KeyboardModifier.NoModifier),
    (QtCore.Qt.Key.Key_B, QtCore.Qt.KeyboardModifier.NoModifier),
]


def fuzz_deck() -> Deck:
    """A short lecture over every tab (light states: the fuzz goes back and forth a lot),
    some steps playing on arrival."""
    steps = []
    for name, tab_class in TAB_CLASSES.items():
        state = tab_class.SCHEMA.defaults()
        if name == "langevin":
            state["n"] = 2000
        play = 0.3 if tab_class.has_playback else None
        steps.append(Step(name, state, tab_class.title, f"The {name} tab", play))
    return Deck(tuple(steps), "Fuzz")


CHUNKS = 8
ACTIONS = 625  # per chunk: 5000 in all


def type_into(field: QtWidgets.QLineEdit, text: str) -> None:
    """Type ``text`` over the field's text and press Enter, as a user would."""
    field.setFocus()
    field.selectAll()
    QtTest.QTest.keyClick(field, QtCore.Qt.Key.Key_Backspace)
    if text.isascii():
        QtTest.QTest.keyClicks(field, text)
    else:  # QTest types ASCII only: "−2" arrives as an input method would send it
        field.insert(text)
    QtTest.QTest.keyClick(field, QtCore.Qt.Key.Key_Return)


@pytest.fixture
def user_files(tmp_path, monkeypatch):
    """Files the import buttons' dialogs 'choose' (in turn, from a seeded stream): lab data,
    point clouds, pictures, and bad ones of each; warning dialogs are recorded, not shown."""
    rng = np.random.default_rng(0)
    folder = tmp_path / "mine"
    folder.mkdir()
    files = {
        "lab.csv": "x;y;σ\n0,1;1,2;0,1\n0,5;2,1;0,2\n0,9;2,8;0,1\n1,4;4,2;0,3\n",
        "plain.tsv": "1\t2\n2\t3.5\n3\t5\n",
        "bad.csv": "x,y\n1,2\n3,abc\n",
        "cloud.csv": "\n".join(f"{a:.4f},{b:.4f}" for a, b in rng.normal(size=(400, 2))),
        "notes.png": "not a picture",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    picture = np.full((40, 60), 255, dtype=np.uint8)
    picture[10:30, 20:40] = 0
    image = QtGui.QImage(picture.data, 60, 40, 60, QtGui.QImage.Format.Format_Grayscale8)
    image.save(str(folder / "square.png"))
    paths = sorted(str(path) for path in folder.iterdir())
    pick = random.Random(1)
    chosen = []

    def choose(*_args):
        chosen.append(pick.choice(paths))
        return chosen[-1], ""

    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName", choose)
    monkeypatch.setattr(QtWidgets.QMessageBox, "warning", lambda *_args: None)
    yield paths
    assert chosen, "no import button was clicked in this chunk"


@pytest.fixture
def caught(monkeypatch):
    errors = []
    monkeypatch.setattr(
        sys, "excepthook", lambda *info: errors.append("".join(traceback.format_exception(*info)))
    )
    return errors


def label(widget: QtWidgets.QWidget) -> str:
    """A widget as the action log names it: its class and tooltip's first words."""
    return f"{type(widget).__name__}({widget.toolTip()[:30]!r})"


@pytest.mark.filterwarnings("error::RuntimeWarning")  # overflow or NaN on the way: a bug too
@pytest.mark.parametrize("seed", range(CHUNKS))
def test_random_use_of_every_tab_raises_nothing(window, caught, user_files, tmp_path, seed):
    """The actions are fixed by the seed; the timing of playback and workers is not, so a
    failure names the seed, the action and the actions before it (the log) to replay it."""
    rng = random.Random(seed)
    log: deque[str] = deque(maxlen=40)
    write_deck_file(tmp_path / "deck.json", fuzz_deck())
    assert window.lecture.open_deck(tmp_path / "deck.json")

    def failed(index: int) -> str:
        return f"seed {seed}, action {index}; last actions:\n" + "\n".join(log) + "\n" + caught[0]

    for index in range(ACTIONS):
        tab = window.current_tab()

        def enabled(kind, tab=tab):  # looked up only for the action drawn: not cheap
            return [w for w in tab.findChildren(kind) if w.isEnabled() and w.isVisible()]

        choice = rng.random()
        if choice < 0.3 and (sliders := enabled(ValueSlider)):
            slider = rng.choice(sliders)
            position = rng.randint(0, slider.slider.maximum())
            log.append(f"{tab.name}: slider {slider.label.text()} to {position}")
            slider.slider.setValue(position)
        elif choice < 0.40 and (entries := enabled(NumberEntry)):
            entry, text = rng.choice(entries), rng.choice(GARBAGE)
            log.append(f"{tab.name}: type {text!r} into {label(entry)}")
            type_into(entry, text)
        elif choice < 0.43 and (formulas := enabled(FormulaEdit)):
            field, text = rng.choice(formulas), rng.choice(FORMULAS)
            log.append(f"{tab.name}: type {text[:40]!r} into {label(field)}")
            type_into(field, text)
        elif choice < 0.45 and (spins := enabled(QtWidgets.QSpinBox)):
            spin, text = rng.choice(spins), rng.choice(SPIN_TEXTS)
            log.append(f"{tab.name}: type {text!r} into {label(spin)}")
            type_into(spin.lineEdit(), text)
        elif choice < 0.55 and (combos := tab.findChildren(QtWidgets.QComboBox)):
            combo = rng.choice(combos)
            index_ = rng.randrange(combo.count())
            log.append(f"{tab.name}: pick {combo.itemText(index_)!r}")
            combo.setCurrentIndex(index_)
        elif choice < 0.62 and (boxes := enabled(QtWidgets.QCheckBox)):
            box = rng.choice(boxes)
            log.append(f"{tab.name}: toggle {box.text()!r}")
            box.toggle()
        elif choice < 0.72 and (buttons := enabled(QtWidgets.QPushButton)):
            button = rng.choice(buttons)
            log.append(f"{tab.name}: click {button.text()!r}")
            button.click()
        elif choice < 0.88:
            key, modifiers = rng.choice(KEYS)
            log.append(f"{tab.name}: key {key.name} {modifiers}")
            QtTest.QTest.keyClick(window, key, modifiers)
        elif choice < 0.93:
            index_ = rng.randrange(window.tabs_widget.count())
            log.append(f"switch to tab {index_}")
            window.tabs_widget.setCurrentIndex(index_)
        elif choice < 0.96:
            log.append(f"{tab.name}: save and open a scene")
            assert window.save_scene(tmp_path / "scene.json")
            assert window.open_scene(tmp_path / "scene.json"), window.statusBar().currentMessage()
        elif choice < 0.99:  # 20 exports a chunk, at 0.1 s each
            name = rng.choice(["fig.svg", "fig.csv", "fig.png"])
            log.append(f"{tab.name}: export {name}")
            assert window.export(tmp_path / name)
        elif choice < 0.995:  # zoom and theme re-polish every widget (0.3–0.6 s): rarer
            factor = rng.choice([1.15, 1 / 1.15])
            log.append(f"zoom ×{factor:.3f}")
            window.zoom(factor)
        else:
            log.append("toggle the projector theme")
            window.projector_action.toggle()
        if rng.random() < 0.3:  # bursts of actions between repaints, like fast hands
            QtWidgets.QApplication.processEvents()
        assert not caught, failed(index)
    stop_all_jobs()  # as when quitting: a running sweep is cancelled, not waited for
    QtWidgets.QApplication.processEvents()
    assert not caught, failed(ACTIONS)
