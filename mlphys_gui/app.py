"""Creating the QApplication: names for QSettings, pyqtgraph defaults."""

import sys
import traceback
from collections.abc import Callable

import pyqtgraph as pg
from PyQt6 import QtWidgets
from threadpoolctl import threadpool_limits

from mlphys_gui import APP_NAME


def create_application(argv: list[str] | None = None) -> QtWidgets.QApplication:
    """The process's QApplication (created once), set up for the app."""
    app = QtWidgets.QApplication.instance()
    if app is None:
        app = QtWidgets.QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName("mlphys-gui")
    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    # One BLAS thread: the GUI thread and a worker share the cores, and BLAS thread pools that
    # spin while waiting made a double-descent sweep 20× slower here (81 s against 4 s).
    threadpool_limits(limits=1, user_api="blas")
    return app


def install_error_reporter(report: Callable[[str], None]) -> None:
    """Route an unexpected exception in a Qt slot to ``report`` (the status bar) and stderr.

    Without this, PyQt6 aborts the whole application on the first exception in a slot, and
    the user loses their work.
    """

    def hook(kind, value, tb):
        traceback.print_exception(kind, value, tb, file=sys.stderr)
        report(f"Internal error ({kind.__name__}: {value}); the rest keeps working.")

    sys.excepthook = hook
