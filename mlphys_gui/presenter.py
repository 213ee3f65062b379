"""Presenter view: a second window with only the plots of the current tab, for the projector;
and the presenter console, what the laptop shows above the controls while a deck is presented.

The presenter view is a second QGraphicsView on the very scene the tab draws into, so it follows
every change live at no cost, scaled to fill its window (text and lines grow with it). It can be
blanked to black (B or "."). The main window keeps the controls.
"""

from collections.abc import Callable

from PyQt6 import QtCore, QtGui, QtWidgets

from mlphys_gui.style import PRESENTER_VIEW

FOLLOW_MS = 250  # how often it checks which figure the main window shows


def black_screen() -> QtWidgets.QWidget:
    """A black widget that takes the keyboard (the keys of a blanked screen still work)."""
    black = QtWidgets.QWidget()
    black.setObjectName("blankScreen")  # black in both themes' style sheets
    black.setAttribute(QtCore.Qt.WidgetAttribute.WA_StyledBackground)
    black.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
    return black


class PresenterWindow(QtWidgets.QWidget):
    """Shows ``current_view()``'s scene; F11 toggles full screen; Esc emits ``leave``."""

    leave = QtCore.pyqtSignal()

    def __init__(
        self, current_view: Callable[[], QtWidgets.QGraphicsView], owner: QtWidgets.QWidget
    ):
        # a child of the main window (so it goes when the main window goes) shown as a window
        super().__init__(owner, QtCore.Qt.WindowType.Window)
        # the laptop keeps the keyboard when the projector's window opens (it answers the
        # clicker's keys too, when it is clicked)
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setObjectName(PRESENTER_VIEW)  # style.py draws differently while it is shown
        self.setWindowTitle("mlphys-gui — presenter view")
        self._current_view = current_view
        self.view = QtWidgets.QGraphicsView()
        self.view.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.view.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setVerticalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setRenderHints(
            QtGui.QPainter.RenderHint.Antialiasing | QtGui.QPainter.RenderHint.TextAntialiasing
        )
        self.black = black_screen()
        self._pages = QtWidgets.QStackedLayout(self)
        self._pages.setContentsMargins(0, 0, 0, 0)
        self._pages.addWidget(self.view)
        self._pages.addWidget(self.black)
        self._source: QtWidgets.QGraphicsView | None = None
        self._timer = QtCore.QTimer(self)
        self._timer.timeout.connect(self.follow)
        QtGui.QShortcut(QtGui.QKeySequence("F11"), self, self.toggle_full_screen)
        QtGui.QShortcut(QtGui.QKeySequence("Esc"), self, self.leave.emit)
        self.resize(1280, 800)
        self.follow()

    @property
    def blank(self) -> bool:
        return self._pages.currentWidget() is self.black

    def set_blank(self, on: bool) -> None:
        """Black instead of the plots (B or "."), and back."""
        self._pages.setCurrentWidget(self.black if on else self.view)

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

    def show_on_other_screen(self, main_window: QtWidgets.QWidget, fill: bool = False) -> None:
        """Open full screen on a screen other than the main window's when there is one; else
        full screen over the main window if ``fill`` (a deck presented with one screen, as
        slides are), else as a window."""
        screens = QtGui.QGuiApplication.screens()
        others = [screen for screen in screens if screen is not main_window.screen()]
        screen = others[0] if others else main_window.screen()
        full = bool(others) or fill
        if full:
            self.setScreen(screen)
            self.setGeometry(screen.geometry())
        # not showFullScreen(): it activates the window, and the laptop keeps the keyboard
        states = QtCore.Qt.WindowState
        self.setWindowState(states.WindowFullScreen if full else states.WindowNoState)
        self.show()
        self.raise_()


def _elapsed_text(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class PresenterConsole(QtWidgets.QFrame):
    """What the lecturer's laptop shows above the controls while a deck is presented: the
    step's number and title, its note, the next step's title and the time since the start."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("presenterConsole")
        self.position = QtWidgets.QLabel()
        self.title = QtWidgets.QLabel()
        self.title.setObjectName("consoleTitle")
        self.note = QtWidgets.QLabel()
        self.note.setObjectName("consoleNote")
        self.note.setWordWrap(True)
        self.note.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.next_title = QtWidgets.QLabel()
        self.timer_label = QtWidgets.QLabel("0:00")
        self.timer_label.setObjectName("consoleTimer")
        self.timer_label.setToolTip("Time since the deck was started (F5)")
        self.blank_label = QtWidgets.QLabel("Projector blanked: B or . brings it back")
        self.blank_label.setObjectName("consoleBlank")
        self.blank_label.hide()
        for label in (self.title, self.next_title):
            label.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.position)
        top.addWidget(self.title, 1)
        top.addWidget(self.blank_label)
        top.addWidget(self.timer_label)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.next_title)
        self._clock = QtCore.QElapsedTimer()
        self._ticker = QtCore.QTimer(self)
        self._ticker.timeout.connect(self._show_time)

    def start_clock(self) -> None:
        self._clock.start()
        self._show_time()
        self._ticker.start(500)

    def stop_clock(self) -> None:
        self._ticker.stop()

    def elapsed_seconds(self) -> int:
        return self._clock.elapsed() // 1000 if self._clock.isValid() else 0

    def _show_time(self) -> None:
        self.timer_label.setText(_elapsed_text(self.elapsed_seconds()))

    def show_step(self, number: int, count: int, title: str, note: str, following) -> None:
        """The step on screen (numbered from 1), its note, and the title of the next one
        (``following``: None at the last step)."""
        self.position.setText(f"Step {number} / {count}")
        self.title.setText(title)
        self.note.setText(note or "(no note for this step)")
        self.next_title.setText(
            f"Next: {following}" if following is not None else "Next: — (the last step)"
        )

    def show_blank(self, on: bool) -> None:
        self.blank_label.setVisible(on)
