"""Scenes: a tab's whole state as a JSON document with a schema version.

A scene is ``{"app": "mlphys-gui", "schema": 1, "tab": NAME, "state": {...}}``. The fields of
the state and their checks come from the tab's declared :class:`~mlphys_gui.state.Schema`;
:func:`parse_scene` refuses anything that is not exactly such a document, with a message that
names the offending field. Presets, Save/Open scene, bookmarks, the autosaved session and
``mlphys-gui export SCENE.json`` all go through here.
"""

import base64
import json
import os
import re
import struct
import tempfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mlphys_gui.state import InvalidValueError, Schema

APP_ID = "mlphys-gui"
SCHEMA_VERSION = 1
FIGURE_SUFFIXES = (".png", ".svg", ".pdf")


class SceneError(ValueError):
    """A scene document that cannot be used; the message says why."""


def _describe(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, float) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def make_scene(tab: str, state: Mapping[str, Any]) -> dict[str, Any]:
    """The scene document for a tab's state."""
    return {"app": APP_ID, "schema": SCHEMA_VERSION, "tab": tab, "state": dict(state)}


def _title_or_note(value: Any, where: str) -> str:
    if not isinstance(value, str) or len(value) > 300:
        raise SceneError(f"{where}: expected a text of at most 300 characters")
    return value


def parse_scene(document: Any, schemas: Mapping[str, Schema]) -> tuple[str, dict[str, Any]]:
    """Check a decoded scene against the tabs' declared schemas.

    Parameters
    ----------
    document : the decoded JSON.
    schemas : for each known tab name, its Schema.

    Returns
    -------
    (tab, state) with every field present, known and of the right type.

    Raises
    ------
    SceneError naming the first problem found.
    """
    if not isinstance(document, dict):
        raise SceneError("not a scene: the file must hold a JSON object")
    if document.get("app") != APP_ID:
        raise SceneError(f'not a scene: "app" must be "{APP_ID}"')
    schema = document.get("schema")
    if schema != SCHEMA_VERSION:
        raise SceneError(
            f"scene schema version {_describe(schema)} is not supported "
            f"(this app reads {SCHEMA_VERSION})"
        )
    unknown_top = set(document) - {"app", "schema", "tab", "state", "title", "note"}
    if unknown_top:
        raise SceneError(f"unknown top-level key(s): {', '.join(sorted(unknown_top))}")
    for key in ("title", "note"):  # presets carry a title and a one-line teaching note
        if key in document:
            _title_or_note(document[key], key)
    tab = document.get("tab")
    if not isinstance(tab, str) or tab not in schemas:
        raise SceneError(f"unknown tab {_describe(tab)} (this app has: {', '.join(schemas)})")
    try:
        return tab, schemas[tab].check(document.get("state"))
    except InvalidValueError as error:
        raise SceneError(f"{error} (tab {tab})") from None


# A figure carries its scene as base64 JSON between these markers: in a PNG text chunk, in the
# SVG's <metadata>, in the PDF's XMP metadata.
FIGURE_KEY = "mlphys-gui-scene"
_FIGURE_MARK = re.compile(rb"mlphys-gui-scene:([A-Za-z0-9+/=]+):end")


def figure_payload(tab: str, state: Mapping[str, Any]) -> str:
    """The scene of a figure as the ASCII text embedded in it."""
    data = json.dumps(make_scene(tab, state), ensure_ascii=False).encode("utf-8")
    return f"{FIGURE_KEY}:{base64.b64encode(data).decode('ascii')}:end"


def _png_texts(data: bytes) -> bytes:
    """The payloads of a PNG's text chunks (tEXt, and zTXt, which Qt writes for long texts),
    joined; the image data is not decoded."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise SceneError("not a PNG file")
    texts, position = [], 8
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        if kind == b"tEXt":
            texts.append(body)
        elif kind == b"zTXt":
            keyword, _, rest = body.partition(b"\0")
            try:
                texts.append(keyword + b"\0" + zlib.decompress(rest[1:], bufsize=1 << 16))
            except zlib.error:
                raise SceneError("the PNG's text chunk is damaged") from None
        if kind == b"IEND":
            break
        position += 12 + length
    return b"\n".join(texts)


def scene_in_figure(data: bytes, suffix: str, name: str) -> Any:
    """The scene document embedded in an exported PNG, SVG or PDF (``suffix`` says which;
    ``name`` names it in messages: a file, or the clipboard)."""
    haystack = _png_texts(data) if suffix.lower() == ".png" else data
    found = _FIGURE_MARK.search(haystack)
    if found is None:
        raise SceneError(f"{name} carries no mlphys-gui scene (was it exported by the app?)")
    try:
        return json.loads(base64.b64decode(found.group(1), validate=True).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise SceneError(f"the scene inside {name} is damaged") from None


def read_user_file(path: Path, error: type[ValueError]) -> bytes:
    """The bytes of a file the user named; ``error`` with a readable message if it cannot be
    read (scenes, decks)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except OSError as problem:
        raise error(f"{path}: cannot be read ({problem.strerror})") from None


def decode_json(data: bytes, name: str, kind: str, error: type[ValueError]) -> Any:
    """The JSON in a file's bytes; ``error`` naming the file (``name``) and what it should have
    been (``kind``: "scene", "deck") if it is not JSON."""
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise error(f"{name} is not a text file") from None
    except RecursionError:
        raise error(f"{name} is nested too deeply to be a {kind}") from None
    except json.JSONDecodeError as problem:
        raise error(f"{name} is not valid JSON (line {problem.lineno}: {problem.msg})") from None


def read_scene_file(
    path: str | os.PathLike, schemas: Mapping[str, Schema]
) -> tuple[str, dict[str, Any]]:
    """Read and check a scene: a .json file, or a figure the app exported (.png, .svg, .pdf).

    Every failure is a SceneError with a readable message.
    """
    path = Path(path)
    data = read_user_file(path, SceneError)
    if path.suffix.lower() in FIGURE_SUFFIXES:
        return parse_scene(scene_in_figure(data, path.suffix, path.name), schemas)
    return parse_scene(decode_json(data, path.name, "scene", SceneError), schemas)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: never a half file.

    Raises OSError with a readable message when the folder is missing or not writable.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OSError(f"folder {folder} does not exist")
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as error:
        raise OSError(f"cannot write in {folder}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
        os.chmod(temp_name, 0o666 & ~_current_umask())
        os.replace(temp_name, path)
    except OSError as error:
        Path(temp_name).unlink(missing_ok=True)
        raise OSError(f"cannot write {path}: {error.strerror}") from None


def write_scene_file(path: str | os.PathLike, tab: str, state: Mapping[str, Any]) -> None:
    text = json.dumps(make_scene(tab, state), indent=2, ensure_ascii=False) + "\n"
    write_atomically(path, text.encode("utf-8"))
