"""Unexpected errors: a dialog with the message and a "Copy details" button, a log file, and an
app that keeps working.

PyQt6 aborts the application on an exception raised in a slot unless ``sys.excepthook`` is
replaced; this hook reports the error instead and returns to the event loop.
"""

import datetime
import sys
import traceback
from pathlib import Path

from PyQt6 import QtCore, QtWidgets

from mlphys_gui import APP_NAME, __version__


def default_log_path() -> Path:
    folder = QtCore.QStandardPaths.writableLocation(
        QtCore.QStandardPaths.StandardLocation.AppLocalDataLocation
    )
    return Path(folder or Path.home() / f".{APP_NAME}") / "errors.log"


class ErrorReporter(QtCore.QObject):
    """Installs itself as ``sys.excepthook`` for the lifetime of ``parent`` (the main window)."""

    def __init__(self, parent: QtWidgets.QWidget, log_path: Path | None = None):
        super().__init__(parent)
        self.log_path = log_path or default_log_path()
        self.dialog: QtWidgets.QMessageBox | None = None
        self.count = 0
        self._previous_hook = sys.excepthook
        sys.excepthook = self.report
        parent.destroyed.connect(self._uninstall)

    def _uninstall(self) -> None:
        if sys.excepthook == self.report:
            sys.excepthook = self._previous_hook

    def report(self, kind, value, tb) -> None:
        details = "".join(traceback.format_exception(kind, value, tb))
        print(details, file=sys.stderr)
        self.count += 1
        where = self._write_log(details)
        message = f"{kind.__name__}: {value}"
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.setText(f"{self.count} unexpected errors; the latest:\n{message}")
            self.dialog.setDetailedText(details)
            return
        dialog = QtWidgets.QMessageBox(self.parent())
        dialog.setIcon(QtWidgets.QMessageBox.Icon.Warning)
        dialog.setWindowTitle("Unexpected error")
        dialog.setText(f"Something went wrong, and the rest keeps working:\n{message}")
        dialog.setInformativeText(where)
        dialog.setDetailedText(details)
        copy = dialog.addButton("Copy details", QtWidgets.QMessageBox.ButtonRole.ActionRole)
        copy.clicked.disconnect()  # keep the dialog open when copying
        copy.clicked.connect(lambda: QtWidgets.QApplication.clipboard().setText(details))
        dialog.addButton(QtWidgets.QMessageBox.StandardButton.Close)
        dialog.setModal(False)
        dialog.show()
        self.dialog = dialog

    def _write_log(self, details: str) -> str:
        stamp = datetime.datetime.now().isoformat(timespec="seconds")
        try:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            with self.log_path.open("a", encoding="utf-8") as log:
                log.write(f"--- {stamp} {APP_NAME} {__version__}\n{details}\n")
        except OSError as error:
            return f"(It could not be logged: {error.strerror}.)"
        return f"Details are in {self.log_path}."
