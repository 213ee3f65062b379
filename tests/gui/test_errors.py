"""An unexpected error in a slot: a dialog with Copy details, a log entry, an app that works."""

from PyQt6 import QtCore, QtWidgets

from mlphys_gui.errors import ErrorReporter


def test_an_error_in_a_slot_is_reported_and_the_app_keeps_working(qtbot, window, tmp_path):
    reporter = ErrorReporter(window, log_path=tmp_path / "errors.log")
    boom = QtWidgets.QPushButton("boom", window)

    def fail():
        raise RuntimeError("a bug we did not foresee")

    boom.clicked.connect(fail)
    qtbot.mouseClick(boom, QtCore.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert "a bug we did not foresee" in reporter.dialog.text()
    copy = next(b for b in reporter.dialog.buttons() if b.text() == "Copy details")
    copy.click()
    assert "RuntimeError" in QtWidgets.QApplication.clipboard().text()
    assert "a bug we did not foresee" in (tmp_path / "errors.log").read_text()
    qtbot.mouseClick(boom, QtCore.Qt.MouseButton.LeftButton)  # a second one updates the dialog
    assert reporter.count == 2 and "2 unexpected errors" in reporter.dialog.text()
    reporter.dialog.close()
    tab = window.tabs["svd"]
    tab.controls.widget("stage").slider.setValue(100)  # still works: t = 1 of 3
    assert tab.model["stage"] == 1.0
    assert tab.geometry_page.stage_label.text().startswith("t = 1.00")  # and shows it
    reporter._uninstall()
