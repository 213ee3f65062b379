"""Creating the QApplication: names for QSettings, pyqtgraph defaults."""

import atexit
import os
import sys

import pyqtgraph as pg
from PyQt6 import QtWidgets, sip
from threadpoolctl import threadpool_limits

from mlphys_gui import APP_NAME

BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


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
    # spin while waiting made a double-descent sweep 20× slower here (81 s against 4 s). The
    # limit reaches the libraries loaded now (numpy's); the variables, those loaded later
    # (scipy's, at its first use: core imports scipy where it is used).
    threadpool_limits(limits=1, user_api="blas")
    for variable in BLAS_THREAD_VARIABLES:
        os.environ[variable] = "1"
    if not getattr(app, "_mlphys_ready", False):
        from mlphys_gui.worker import stop_all_jobs

        app.aboutToQuit.connect(stop_all_jobs)
        atexit.register(_destroy_windows)
        app._mlphys_ready = True
    return app


def _destroy_windows() -> None:
    """At exit, stop the workers and destroy the windows while Python is still whole.

    Left to the interpreter's shutdown, Qt objects were destroyed in whatever order it
    collected them, and about one exit in two crashed (SIGSEGV) after the work was done.
    """
    from mlphys_gui.worker import stop_all_jobs

    if QtWidgets.QApplication.instance() is None:
        return
    stop_all_jobs()
    # only the windows Python made and owns (popups of combo boxes go with their owners)
    windows = [
        widget
        for widget in QtWidgets.QApplication.topLevelWidgets()
        if widget.parentWidget() is None and sip.ispycreated(widget) and sip.ispyowned(widget)
    ]
    for widget in windows:
        if not sip.isdeleted(widget):
            sip.delete(widget)
