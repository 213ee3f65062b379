"""pytest-qt fixtures for the GUI tests (defined in qt_helpers, shared with tests/bench)."""

from qt_helpers import (  # noqa: F401
    new_window,
    no_modal_dialogs,
    session_path,
    settings,
    warning_dialogs,
    window,
)
