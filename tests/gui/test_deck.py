"""Deck files: the round trip, refusals that name the step, the shipped lectures, packaging."""

import importlib.util
import json
import re
import tomllib
from pathlib import Path

import pytest

from mlphys_gui.deck import (
    MAX_STEPS,
    UNTIL_PAUSED,
    Deck,
    DeckError,
    Step,
    deck_document,
    is_deck_file,
    parse_deck,
    read_deck_file,
    write_deck_file,
)
from mlphys_gui.lecture import shipped_decks
from mlphys_gui.tabs import PLAYABLE, SCHEMAS, TAB_CLASSES

ROOT = Path(__file__).resolve().parents[2]


def mixed_deck() -> Deck:
    """Three tabs, the three kinds of arrival, a non-default state in each step."""
    svd = {**SCHEMAS["svd"].defaults(), "matrix": [[1.0, 1.0], [0.0, 1.0]], "stage": 0.0}
    langevin = {**SCHEMAS["langevin"].defaults(), "sigma": 1.2, "time": 0.25}
    ridge = {**SCHEMAS["double-descent"].defaults(), "ridgeless": False, "ridge": 0.5}
    return Deck(
        (
            Step("svd", svd, "A shear", "σ₁ = φ, σ₂ = 1/φ", 6.5),
            Step("langevin", langevin, "Hopping", "", UNTIL_PAUSED),
            Step("double-descent", ridge, "A tuned ridge", "λ = 0.5 flattens the peak"),
        ),
        "A mixed lecture",
    )


def read(path: Path) -> Deck:
    return read_deck_file(path, SCHEMAS, PLAYABLE)


def test_a_deck_round_trips_through_its_file(tmp_path):
    deck = mixed_deck()
    write_deck_file(tmp_path / "lecture.json", deck)
    document = json.loads((tmp_path / "lecture.json").read_text())
    assert document["kind"] == "deck" and document["schema"] == 1
    assert [step["scene"]["tab"] for step in document["steps"]] == [
        "svd",
        "langevin",
        "double-descent",
    ]
    assert document["steps"][0]["play"] == 6.5 and "play" not in document["steps"][2]
    again = read(tmp_path / "lecture.json")
    assert again == deck
    assert is_deck_file(tmp_path / "lecture.json")
    assert not list(tmp_path.glob("*.part"))  # written through a temporary file


def test_editing_a_deck_makes_a_new_one():
    deck = mixed_deck()
    moved = deck.moved(0, 2)
    assert [s.title for s in moved.steps] == ["Hopping", "A tuned ridge", "A shear"]
    assert [s.title for s in deck.steps][0] == "A shear"  # the original is unchanged
    assert [s.title for s in deck.removed(1).steps] == ["A shear", "A tuned ridge"]
    inserted = deck.inserted(1, deck.steps[2].with_changes(title="Again"))
    assert [s.title for s in inserted.steps][1] == "Again"
    with pytest.raises(DeckError, match="no steps"):
        Deck((deck.steps[0],)).removed(0)


def document_with(change) -> dict:
    document = deck_document(mixed_deck())
    change(document)
    return document


BAD_DECKS = {
    "another schema": (lambda d: d.update(schema=2), "schema version 2"),
    "not a deck": (lambda d: d.update(kind="session"), '"kind" must be "deck"'),
    "empty steps": (lambda d: d.update(steps=[]), "no steps"),
    "steps not a list": (lambda d: d.update(steps={"a": 1}), 'list "steps"'),
    "too many steps": (
        lambda d: d.update(steps=d["steps"] * (MAX_STEPS // 3 + 1)),
        f"at most {MAX_STEPS} steps",
    ),
    "a value out of range": (
        lambda d: d["steps"][1]["scene"]["state"].update(sigma=7.0),
        "step 2 “Hopping”: state.sigma: 7 is outside [0, 3] (tab langevin)",
    ),
    "a missing state key": (
        lambda d: d["steps"][2]["scene"]["state"].pop("ridge"),
        "step 3 “A tuned ridge”: state is missing: ridge",
    ),
    "an unknown tab": (lambda d: d["steps"][0]["scene"].update(tab="quantum"), "step 1 “A shear”"),
    "a broken rule": (
        lambda d: d["steps"][2]["scene"]["state"].update(n=10, p_view=400),
        "step 3 “A tuned ridge”: state.p_view/n/ratio",
    ),
    "play on a tab without animation": (
        lambda d: d["steps"][2].update(play=3.0),
        "step 3 “A tuned ridge”: the double-descent tab has no animation",
    ),
    "play too long": (lambda d: d["steps"][0].update(play=3600), 'step 1 “A shear”: "play"'),
    "play a word": (lambda d: d["steps"][0].update(play="forever"), "step 1"),
    "no title": (lambda d: d["steps"][1].update(title="  "), "step 2: its title is empty"),
    "a note too long": (
        lambda d: d["steps"][0].update(note="x" * 5000),
        "step 1 “A shear”: its note",
    ),
    "an unknown step key": (
        lambda d: d["steps"][1].update(colour="red"),
        "step 2 “Hopping”: unknown",
    ),
    "a step not an object": (lambda d: d["steps"].__setitem__(1, [1, 2]), "step 2: must be"),
}


@pytest.mark.parametrize("case", BAD_DECKS)
def test_a_bad_deck_is_refused_naming_the_step(case):
    change, message = BAD_DECKS[case]
    with pytest.raises(DeckError) as refused:
        parse_deck(document_with(change), SCHEMAS, PLAYABLE)
    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{ not json", "is not valid JSON (line 1"),
        (b"\xff\xfe\x00", "is not a text file"),
        (b"[" * 5000 + b"]" * 5000, "nested too deeply to be a deck"),
        (b'{"app": "mlphys-gui", "schema": 1, "tab": "svd", "state": {}}', "this is a scene"),
        (b"%PDF-1.4 no deck here", "carries no deck"),
    ],
)
def test_files_that_are_not_decks_are_refused(tmp_path, content, message):
    path = tmp_path / ("deck.pdf" if content.startswith(b"%PDF") else "deck.json")
    path.write_bytes(content)
    with pytest.raises(DeckError, match=re.escape(message)):
        read(path)
    assert not is_deck_file(path)


def test_a_refused_deck_keeps_the_current_one(window, tmp_path):
    good = tmp_path / "good.json"
    write_deck_file(good, mixed_deck())
    assert window.lecture.open_deck(good)
    window.lecture.player.go(1)
    state = window.current_tab().state()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document_with(BAD_DECKS["a value out of range"][0])))
    assert not window.lecture.open_deck(bad)
    message = window.statusBar().currentMessage()
    assert message.startswith("Deck not opened: step 2 “Hopping”") and "sigma" in message
    assert window.lecture.player.deck == mixed_deck() and window.lecture.player.index == 1
    assert window.current_tab().state() == state
    assert not window.lecture.open_deck(tmp_path / "nowhere.json")
    assert "no such file" in window.statusBar().currentMessage()


# ---------------------------------------------------------------------------- shipped lectures
SHIPPED = {path.stem: path for _title, path in shipped_decks()}
TOPICS = {"01-svd": "svd", "02-posterior": "posterior", "03-double-descent": "double-descent"}
TOPICS |= {"04-langevin": "langevin", "05-transport": "transport", "06-complexity": "complexity"}


def test_every_tab_has_a_lecture_of_six_to_twelve_steps():
    assert set(SHIPPED) == set(TOPICS)
    for stem, tab in TOPICS.items():
        deck = read(SHIPPED[stem])
        assert 6 <= len(deck) <= 12, stem
        assert sum(step.tab == tab for step in deck.steps) >= len(deck) - 1, stem
        assert all(len(step.note) > 60 for step in deck.steps), stem  # every step explained
        assert len({step.title for step in deck.steps}) == len(deck), stem
    assert set(TOPICS.values()) == set(TAB_CLASSES)


def test_the_shipped_lectures_are_what_make_decks_writes(tmp_path, monkeypatch):
    """The notes are written once, in resources/decks/make_decks.py: the JSON files are its
    output (run it again after changing a lecture or a tab's declared state)."""
    spec = importlib.util.spec_from_file_location(
        "make_decks", ROOT / "resources/decks/make_decks.py"
    )
    make_decks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_decks)
    monkeypatch.setattr(make_decks, "HERE", tmp_path)
    make_decks.main()
    for stem, path in SHIPPED.items():
        assert (tmp_path / f"{stem}.json").read_bytes() == path.read_bytes(), stem


@pytest.mark.parametrize("stem", sorted(TOPICS))
def test_a_lecture_plays_through_with_page_down(qtbot, window, stem):
    """Every step of a shipped lecture shows its tab with its state (the Langevin and posterior
    steps that play on arrival move on from it); nothing is refused on the way."""
    from PyQt6 import QtCore

    assert window.lecture.open_deck(SHIPPED[stem]), window.statusBar().currentMessage()
    deck = window.lecture.player.deck
    shown = []
    for number, step in enumerate(deck.steps):
        if number:
            qtbot.keyClick(window, QtCore.Qt.Key.Key_PageDown)
            if window.lecture.player.index == number - 1:  # a pending animation played first
                qtbot.keyClick(window, QtCore.Qt.Key.Key_PageDown)
        assert window.lecture.player.index == number
        tab = window.current_tab()
        assert tab.name == step.tab
        params, _progress = tab.SCHEMA.split(step.state)
        assert {key: tab.state()[key] for key in params} == params or step.play is not None
        shown.append(tab.undo_stack.undoText())
    assert shown[-1] == f"Step {len(deck)}: {deck.steps[-1].title}"


def test_the_lectures_are_installed_with_the_package():
    """pip install . carries every deck where the app looks for them: resources/ is installed
    as mlphys_gui.resources with the files its package-data patterns match (as setuptools
    globs them), and resource_path finds them there in an installed copy."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    folder = ROOT / setuptools["package-dir"]["mlphys_gui.resources"]
    installed = {
        path
        for pattern in setuptools["package-data"]["mlphys_gui.resources"]
        for path in folder.glob(pattern)
    }
    decks = sorted((ROOT / "resources" / "decks").glob("*.json"))
    assert len(decks) == len(TOPICS) and set(decks) <= installed
