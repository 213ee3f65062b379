"""pytest-qt fixtures for the GUI tests (defined in qt_helpers, shared with tests/bench)."""

from qt_helpers import session_path, settings, warning_dialogs, window  # noqa: F401
