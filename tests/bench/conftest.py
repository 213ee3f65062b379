"""Benchmarks reuse the GUI fixtures and print their figures again at the end of the run."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "gui"))

from bench_report import FIGURES  # noqa: E402
from qt_helpers import no_modal_dialogs, session_path, settings, window  # noqa: E402, F401


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("benchmark figures")
        for name, figure in FIGURES:
            terminalreporter.write_line(f"{name}: {figure}")
