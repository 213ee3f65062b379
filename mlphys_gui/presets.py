"""Prepared scenes for lectures: resources/presets/<tab>/NN-name.json, each a scene with a title
and a one-line teaching note (shown when it loads)."""

import json
from dataclasses import dataclass
from pathlib import Path

from mlphys_gui.paths import resource_path


@dataclass(frozen=True)
class Preset:
    tab: str
    title: str
    note: str
    path: Path


def presets_for(tab: str) -> list[Preset]:
    """The shipped presets of a tab, in file-name order (unreadable files are skipped; the
    scene itself is checked when it is opened)."""
    found = []
    for path in sorted(resource_path("presets", tab).glob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            found.append(Preset(tab, str(document["title"]), str(document["note"]), path))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return found
