"""Creating the QApplication: names for QSettings, pyqtgraph defaults."""

import sys

import pyqtgraph as pg
from PyQt6 import QtWidgets

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
    return app
