"""Decks: a lecture as an ordered list of steps, each a tab's scene with a title, a note for
the lecturer and, optionally, what runs on arrival.

A deck file is JSON with a schema version::

    {"app": "mlphys-gui", "kind": "deck", "schema": 1, "title": "The geometry of the SVD",
     "steps": [{"title": "A shear", "note": "σ₁ = φ, σ₂ = 1/φ …", "play": 6.0,
                "scene": {"app": "mlphys-gui", "schema": 1, "tab": "svd", "state": {…}}}, …]}

``play`` is absent (nothing runs), a number of seconds to play for, or ``"until paused"``.
Steps may mix tabs. :func:`parse_deck` refuses anything else with a message that names the
failing step; each step's scene is checked by :func:`mlphys_gui.scene.parse_scene` against its
tab's declared schema. No Qt here: the file format is tested without a display.
"""

import base64
import json
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mlphys_gui.scene import (
    APP_ID,
    SCHEMA_VERSION,
    SceneError,
    decode_json,
    make_scene,
    parse_scene,
    read_user_file,
    write_atomically,
)
from mlphys_gui.state import Schema

DECK_KIND = "deck"
UNTIL_PAUSED = "until paused"
PLAY_SECONDS = (0.1, 600.0)
MAX_STEPS = 200
TITLE_LENGTH = 120
NOTE_LENGTH = 2000

Play = float | str | None
"""What runs on arrival at a step: seconds of play, UNTIL_PAUSED, or None."""


class DeckError(ValueError):
    """A deck that cannot be used; the message says why (and names the step)."""


@dataclass(frozen=True)
class Step:
    """One step of a lecture: a tab's state (JSON values, checked), what the audience reads as
    its title, the lecturer's note, and what runs on arrival."""

    tab: str
    state: Mapping[str, Any]
    title: str
    note: str = ""
    play: Play = None

    def with_changes(self, **changes) -> "Step":
        return replace(self, **changes)

    def describe_play(self) -> str:
        """On arrival, as the editor and the handout say it."""
        if self.play is None:
            return ""
        if self.play == UNTIL_PAUSED:
            return "plays until paused"
        return f"plays for {self.play:g} s"


@dataclass(frozen=True)
class Deck:
    """An ordered, non-empty list of steps (``steps`` is a tuple: a deck is never changed in
    place; the editing methods return a new deck)."""

    steps: tuple[Step, ...]
    title: str = ""

    def __post_init__(self) -> None:
        if not self.steps:
            raise DeckError("the deck has no steps")
        if len(self.steps) > MAX_STEPS:
            raise DeckError(f"a deck holds at most {MAX_STEPS} steps")

    def __len__(self) -> int:
        return len(self.steps)

    def with_title(self, title: str) -> "Deck":
        return replace(self, title=_text(title, "the deck's title", TITLE_LENGTH))

    def with_step(self, index: int, step: Step) -> "Deck":
        """Step ``index`` replaced."""
        steps = list(self.steps)
        steps[index] = step
        return replace(self, steps=tuple(steps))

    def inserted(self, index: int, step: Step) -> "Deck":
        steps = list(self.steps)
        steps.insert(index, step)
        return replace(self, steps=tuple(steps))

    def removed(self, index: int) -> "Deck":
        """Without step ``index`` (DeckError for the last step: a deck is never empty)."""
        return replace(self, steps=self.steps[:index] + self.steps[index + 1 :])

    def moved(self, index: int, to: int) -> "Deck":
        steps = list(self.steps)
        steps.insert(to, steps.pop(index))
        return replace(self, steps=tuple(steps))


def _text(value: Any, what: str, limit: int, required: bool = False) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise DeckError(f"{what} must be a text of at most {limit} characters")
    if required and not value.strip():
        raise DeckError(f"{what} is empty")
    return value


def _play(value: Any, tab: str, playable: Collection[str]) -> Play:
    if value is None:
        return None
    if tab not in playable:
        raise DeckError(f'the {tab} tab has no animation to play on arrival (remove "play")')
    if value == UNTIL_PAUSED:
        return UNTIL_PAUSED
    low, high = PLAY_SECONDS
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise DeckError(
            f'"play" must be a number of seconds in [{low:g}, {high:g}] or "{UNTIL_PAUSED}"'
        )
    return float(value)


def step_name(number: int, title: Any) -> str:
    """How a message names a step: its number from 1, and its title when it has one."""
    if isinstance(title, str) and title.strip():
        shown = title if len(title) <= 40 else title[:37] + "..."
        return f"step {number} “{shown}”"
    return f"step {number}"


STEP_KEYS = {"title", "note", "play", "scene"}


def _parse_step(
    document: Any, number: int, schemas: Mapping[str, Schema], playable: Collection[str]
) -> Step:
    name = step_name(number, document.get("title") if isinstance(document, dict) else None)
    try:
        if not isinstance(document, dict):
            raise DeckError("must be a JSON object")
        unknown = sorted(set(document) - STEP_KEYS)
        if unknown:
            raise DeckError(f"unknown key(s): {', '.join(unknown)}")
        if "scene" not in document:
            raise DeckError('has no "scene"')
        title = _text(document.get("title"), "its title", TITLE_LENGTH, required=True)
        note = _text(document.get("note", ""), "its note", NOTE_LENGTH)
        try:
            tab, state = parse_scene(document["scene"], schemas)
        except SceneError as error:
            raise DeckError(str(error)) from None
        play = _play(document.get("play"), tab, playable)
    except DeckError as error:
        raise DeckError(f"{name}: {error}") from None
    return Step(tab, state, title, note, play)


def parse_deck(document: Any, schemas: Mapping[str, Schema], playable: Collection[str]) -> Deck:
    """Check a decoded deck against the tabs' declared schemas.

    Parameters
    ----------
    document : the decoded JSON.
    schemas : for each known tab name, its Schema.
    playable : the tabs that have an animation (Space) a step may play on arrival.

    Raises
    ------
    DeckError naming the first problem found, and the step it is in.
    """
    if not isinstance(document, dict):
        raise DeckError("not a deck: the file must hold a JSON object")
    if document.get("app") != APP_ID:
        raise DeckError(f'not a deck: "app" must be "{APP_ID}"')
    if document.get("kind") != DECK_KIND:
        if "tab" in document and "state" in document:
            raise DeckError("this is a scene, not a deck: open it with File → Open scene…")
        raise DeckError(f'not a deck: "kind" must be "{DECK_KIND}"')
    version = document.get("schema")
    if version != SCHEMA_VERSION:
        shown = json.dumps(version) if len(json.dumps(version)) <= 20 else "…"
        raise DeckError(
            f"deck schema version {shown} is not supported (this app reads {SCHEMA_VERSION})"
        )
    unknown = sorted(set(document) - {"app", "kind", "schema", "title", "steps"})
    if unknown:
        raise DeckError(f"unknown top-level key(s): {', '.join(unknown)}")
    title = _text(document.get("title", ""), "the deck's title", TITLE_LENGTH)
    steps = document.get("steps")
    if not isinstance(steps, list):
        raise DeckError('a deck needs a list "steps"')
    if not steps:
        raise DeckError('the deck has no steps ("steps" is empty)')
    if len(steps) > MAX_STEPS:
        raise DeckError(f"a deck holds at most {MAX_STEPS} steps, this one {len(steps)}")
    parsed = [_parse_step(step, number, schemas, playable) for number, step in enumerate(steps, 1)]
    return Deck(tuple(parsed), title)


def deck_document(deck: Deck) -> dict[str, Any]:
    """The JSON document of a deck (what parse_deck reads back)."""
    steps = []
    for step in deck.steps:
        entry: dict[str, Any] = {"title": step.title, "note": step.note}
        if step.play is not None:
            entry["play"] = step.play
        entry["scene"] = make_scene(step.tab, step.state)
        steps.append(entry)
    return {
        "app": APP_ID,
        "kind": DECK_KIND,
        "schema": SCHEMA_VERSION,
        "title": deck.title,
        "steps": steps,
    }


def deck_json(deck: Deck) -> bytes:
    return (json.dumps(deck_document(deck), indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def write_deck_file(path: str | os.PathLike, deck: Deck) -> None:
    """Write a deck atomically (OSError with a readable message when it cannot be written)."""
    write_atomically(path, deck_json(deck))


# A handout PDF carries its deck as base64 JSON between these markers (in its XMP metadata), as
# a figure carries its scene (mlphys_gui.scene.figure_payload).
DECK_KEY = "mlphys-gui-deck"
_DECK_MARK = re.compile(rb"mlphys-gui-deck:([A-Za-z0-9+/=]+):end")


def deck_payload(deck: Deck) -> str:
    """The deck as the ASCII text a handout embeds."""
    data = json.dumps(deck_document(deck), ensure_ascii=False).encode("utf-8")
    return f"{DECK_KEY}:{base64.b64encode(data).decode('ascii')}:end"


def carries_deck(data: bytes) -> bool:
    """Whether a file's bytes hold a deck payload (a handout) rather than a scene."""
    return _DECK_MARK.search(data) is not None


def decode_deck(data: bytes, name: str) -> Any:
    """The decoded JSON of a deck file, or of the deck a handout carries; DeckError if it has
    none or cannot be read."""
    found = _DECK_MARK.search(data)
    if found is not None:
        try:
            return json.loads(base64.b64decode(found.group(1), validate=True).decode("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise DeckError(f"the deck inside {name} is damaged") from None
    if data.startswith(b"%PDF"):
        raise DeckError(f"{name} carries no deck (was it written by Export handout?)")
    return decode_json(data, name, "deck", DeckError)


def is_deck_file(path: str | os.PathLike) -> bool:
    """Whether a file is a deck (a deck file, or a handout carrying one) rather than a scene or
    a figure; a file that cannot be read is not (opening it as a scene says why)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if path.suffix.lower() != ".json":
        return carries_deck(data)
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(document, dict) and document.get("kind") == DECK_KIND


def read_deck_file(
    path: str | os.PathLike, schemas: Mapping[str, Schema], playable: Collection[str]
) -> Deck:
    """Read and check a deck: a .json deck file, or a handout PDF the app wrote."""
    path = Path(path)
    return parse_deck(decode_deck(read_user_file(path, DeckError), path.name), schemas, playable)
