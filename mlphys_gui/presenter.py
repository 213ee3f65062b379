"""Presenter view: a second window with only the plots of the current tab, for the projector.

It is a second QGraphicsView on the very scene the tab draws into, so it follows every change
live at no cost, scaled to fill its window (text and lines grow with it). The main window
keeps the controls.
"""

from collections.abc import Callable

from PyQt6 import QtCore, QtGui, QtWidgets

FOLLOW_MS = 250  # how often it checks which figure the main window shows


class PresenterWindow(QtWidgets.QWidget):
    """Shows ``current_view()``'s scene; F11 toggles full screen, Esc leaves it."""

    def __init__(
        self, current_view: Callable[[], QtWidgets.QGraphicsView], owner: QtWidgets.QWidget
    ):
        # a child of the main window (so it goes when the main window goes) shown as a window
        super().__init__(owner, QtCore.Qt.WindowType.Window)
        self.setWindowTitle("mlphys-gui — presenter view")
        self._current_view = current_view
        self.view = QtWidgets.QGraphicsView()
        self.view.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.view.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setVerticalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setRenderHints(
            QtGui.QPainter.RenderHint.Antialiasing | QtGui.QPainter.RenderHint.TextAntialiasing
        )
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self._source: QtWidgets.QGraphicsView | None = None
        self._timer = QtCore.QTimer(self)
        self._timer.timeout.connect(self.follow)
        QtGui.QShortcut(QtGui.QKeySequence("F11"), self, self.toggle_full_screen)
        QtGui.QShortcut(QtGui.QKeySequence("Esc"), self, self.showNormal)
        self.resize(1280, 800)
        self.follow()

    def follow(self) -> None:
        """Show the figure the main window shows now, filling this window."""
        source = self._current_view()
        if source is not self._source:
            self._source = source
            self.view.setScene(source.scene())
        self.view.setBackgroundBrush(source.backgroundBrush())
        self._fit()

    def _fit(self) -> None:
        if self._source is not None:
            visible = self._source.mapToScene(self._source.viewport().rect()).boundingRect()
            self.view.fitInView(visible, QtCore.Qt.AspectRatioMode.KeepAspectRatio)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._timer.start(FOLLOW_MS)

    def hideEvent(self, event) -> None:
        self._timer.stop()
        super().hideEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def toggle_full_screen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def show_on_other_screen(self, main_window: QtWidgets.QWidget) -> None:
        """Open on a screen other than the main window's, full screen, when there is one."""
        screens = QtGui.QGuiApplication.screens()
        others = [screen for screen in screens if screen is not main_window.screen()]
        if others:
            self.setScreen(others[0])
            self.setGeometry(others[0].geometry())
            self.showFullScreen()
        else:
            self.show()
        self.raise_()
