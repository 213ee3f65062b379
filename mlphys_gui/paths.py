"""Where the shipped resources live, installed or run from a checkout."""

from importlib import resources as _resources
from pathlib import Path


def resource_dir() -> Path:
    """The ``resources/`` folder: the installed package data, else the checkout's own."""
    try:
        installed = Path(str(_resources.files("mlphys_gui.resources")))
    except ModuleNotFoundError:
        installed = None
    if installed is not None and (installed / "styles").is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """A file below ``resources/``, e.g. ``resource_path("images", "interference.png")``."""
    return resource_dir().joinpath(*parts)
