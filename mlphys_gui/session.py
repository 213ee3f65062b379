"""The autosaved session: every tab's state and the current tab, so that the app opens as it
was after a normal quit or a crash.

The file is JSON, ``{"app": "mlphys-gui", "schema": 1, "kind": "session", "current": NAME,
"tabs": {NAME: state, …}}`` and, while a deck is open, ``"deck": {"deck": …, "index": …,
"path": …, "modified": …}`` (mlphys_gui/lecture.py), written atomically (a crash mid-write
leaves the previous file), in the platform's app-data folder (QStandardPaths.AppDataLocation).
A file that cannot be used is set aside under a new name, never deleted, so nothing is lost.
"""

import json
import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from PyQt6 import QtCore

from mlphys_gui import APP_NAME
from mlphys_gui.scene import APP_ID, SCHEMA_VERSION, write_atomically
from mlphys_gui.state import InvalidValueError, Schema

SESSION_FILE = "session.json"


class SessionError(ValueError):
    """A session file that cannot be used; the message says why."""


def default_session_path() -> Path:
    """Where the session is kept: the app-data folder of this user (QStandardPaths)."""
    QtCore.QCoreApplication.setOrganizationName(APP_NAME)
    QtCore.QCoreApplication.setApplicationName(APP_NAME)
    folder = QtCore.QStandardPaths.writableLocation(
        QtCore.QStandardPaths.StandardLocation.AppDataLocation
    )
    return Path(folder) / SESSION_FILE


class SessionStore:
    """Reads, writes and sets aside the session file at ``path``."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    def save(
        self,
        current: str,
        states: Mapping[str, Mapping[str, Any]],
        deck: Mapping[str, Any] | None = None,
    ) -> None:
        """Write the session (and the open deck, if any) atomically (OSError when the folder
        cannot be written)."""
        document = {
            "app": APP_ID,
            "schema": SCHEMA_VERSION,
            "kind": "session",
            "current": current,
            "tabs": {name: dict(state) for name, state in states.items()},
        }
        if deck is not None:
            document["deck"] = dict(deck)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path, json.dumps(document, ensure_ascii=False).encode("utf-8"))

    def load(self, schemas: Mapping[str, Schema]) -> tuple[str, dict[str, dict[str, Any]]] | None:
        """(current tab, states by tab) of the saved session, each state checked against its
        tab's schema; None when there is no session yet. SessionError if it cannot be used."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise SessionError(f"cannot be read ({error.strerror})") from None
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise SessionError("it is not a readable JSON file") from None
        if not isinstance(document, dict) or document.get("kind") != "session":
            raise SessionError("it is not an mlphys-gui session")
        if document.get("app") != APP_ID or document.get("schema") != SCHEMA_VERSION:
            raise SessionError("it was written by another program or version")
        tabs, current = document.get("tabs"), document.get("current")
        if not isinstance(tabs, dict) or current not in schemas:
            raise SessionError("it has no tabs this app knows")
        states = {}
        for name, state in tabs.items():
            if name not in schemas:
                raise SessionError(f"it names an unknown tab {name!r}")
            try:
                states[name] = schemas[name].check(state)
            except InvalidValueError as error:
                raise SessionError(f"tab {name}: {error}") from None
        return current, states

    def deck_entry(self) -> Any:
        """What the session keeps of the open deck (checked by whoever reads it), or None."""
        try:
            document = json.loads(self.path.read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            return None
        return document.get("deck") if isinstance(document, dict) else None

    def set_aside(self) -> Path | None:
        """Move an unusable session file out of the way (kept for inspection); its new path."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.stem}.unusable-{stamp}{self.path.suffix}")
        try:
            os.replace(self.path, target)
        except OSError:
            return None
        return target
