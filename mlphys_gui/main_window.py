"""The main window: one tab per topic, menus, shortcuts, themes, scenes, export, preferences."""

import json
from pathlib import Path

from PyQt6 import QtCore, QtGui, QtWidgets

from mlphys_gui import APP_NAME, clipboard, recording
from mlphys_gui.deck import is_deck_file
from mlphys_gui.export import DEFAULT_PNG_WIDTH, PNG_WIDTH_RANGE, ExportError, export_to_file
from mlphys_gui.importing import UserFiles
from mlphys_gui.lazy_tabs import LazyTabs
from mlphys_gui.lecture import Lecture
from mlphys_gui.presenter import PresenterWindow
from mlphys_gui.presets import Preset, presets_for
from mlphys_gui.scene import (
    FIGURE_SUFFIXES,
    SceneError,
    figure_payload,
    make_scene,
    parse_scene,
    read_scene_file,
    scene_in_figure,
    write_scene_file,
)
from mlphys_gui.session import SessionError, SessionStore
from mlphys_gui.style import FONT_SCALE_RANGE, LIGHT, PROJECTOR, THEMES, Style
from mlphys_gui.tabs import TAB_CLASSES
from mlphys_gui.tabs.base import TabBase
from mlphys_gui.user_files import SUFFIXES

ZOOM_FACTOR = 1.15
BOOKMARK_SLOTS = 9
MESSAGE_MS = 8000
AUTOSAVE_MS = 1000  # a change reaches the session file within this (plus the write)

# (key sequence, what it does): the single list behind the menus and Help → Keyboard shortcuts.
PLAYBACK_SHORTCUTS = (
    ("Space", "Play / pause the animation"),
    ("Right", "Step the animation"),
    ("R", "Reset the current tab"),
)
TAB_SHORTCUT = ("Ctrl+1 … Ctrl+9", "Switch to tab 1 … 9")

# Keys a focused control needs for itself; it gets them instead of the window shortcut.
_SLIDER_KEYS = {QtCore.Qt.Key.Key_Left, QtCore.Qt.Key.Key_Right}
_BUTTON_KEYS = {QtCore.Qt.Key.Key_Space}
_TEXT_KEYS = {  # a clicker's keys (lecture.py), which mean something in a text field
    QtCore.Qt.Key.Key_PageUp,
    QtCore.Qt.Key.Key_PageDown,
    QtCore.Qt.Key.Key_Home,
    QtCore.Qt.Key.Key_End,
    QtCore.Qt.Key.Key_B,
    QtCore.Qt.Key.Key_Period,
}
_TEXT_FIELDS = (
    QtWidgets.QLineEdit,
    QtWidgets.QAbstractSpinBox,
    QtWidgets.QPlainTextEdit,
    QtWidgets.QTextEdit,
)
_CTRL_Y = QtCore.QKeyCombination(QtCore.Qt.KeyboardModifier.ControlModifier, QtCore.Qt.Key.Key_Y)


#: Files a drop may bring: scenes, decks, figures and handouts, data and images.
OPENABLE_SUFFIXES = frozenset(
    (".json", *FIGURE_SUFFIXES, *(s for ss in SUFFIXES.values() for s in ss))
)


def _carries_scene(path: Path) -> bool:
    """Whether a figure file holds the scene the app wrote into it (else it may be a picture
    for the SVD tab)."""
    try:
        scene_in_figure(path.read_bytes(), path.suffix.lower(), path.name)
    except (OSError, SceneError):
        return False
    return True


class _FocusedControlKeys(QtCore.QObject):
    """Lets a focused slider keep its arrow keys, a focused button its Space and a focused
    text field the letters, its Ctrl+V and the keys that move in text (a clicker's
    PageUp/PageDown, Home/End, B and "."; a deck's note is typed with them); and gives Ctrl+Z /
    Ctrl+Shift+Z / Ctrl+Y to Edit → Undo / Redo when a focused text field has nothing of its
    own to undo (its last text was applied): a line edit would otherwise take them."""

    def eventFilter(self, watched, event):
        # every event of the application passes here: the cheap class test first (reading
        # event.type() makes a Python enum, 2 µs, which added up to 20 ms while a tab is built)
        if not isinstance(event, QtGui.QKeyEvent):
            return False
        if event.type() != QtCore.QEvent.Type.ShortcutOverride:
            return False
        focus = QtWidgets.QApplication.focusWidget()
        if _is_undo_key(event) and _has_no_draft(focus):
            event.ignore()  # not taken by the field: the window's shortcut fires
            return True
        if event.matches(QtGui.QKeySequence.StandardKey.Paste) and isinstance(
            focus, QtWidgets.QLineEdit | QtWidgets.QAbstractSpinBox
        ):
            event.accept()  # pasted into the field, not as data or a scene
            return True
        plain = event.modifiers() in (
            QtCore.Qt.KeyboardModifier.NoModifier,
            QtCore.Qt.KeyboardModifier.KeypadModifier,  # "." on the number pad
        )
        if plain:
            key = event.key()
            if (
                (isinstance(focus, QtWidgets.QAbstractSlider) and key in _SLIDER_KEYS)
                or (isinstance(focus, QtWidgets.QAbstractButton) and key in _BUTTON_KEYS)
                or (isinstance(focus, _TEXT_FIELDS) and key in _TEXT_KEYS)
            ):
                event.accept()
                return True
        return False


def _is_undo_key(event: QtGui.QKeyEvent) -> bool:
    return (
        event.matches(QtGui.QKeySequence.StandardKey.Undo)
        or event.matches(QtGui.QKeySequence.StandardKey.Redo)
        or event.keyCombination() == _CTRL_Y
    )


def _has_no_draft(widget: QtWidgets.QWidget | None) -> bool:
    """A text field (or spin box) whose text has been applied, so nothing to undo in it."""
    if isinstance(widget, QtWidgets.QSpinBox):
        return widget.cleanText() == widget.textFromValue(widget.value())
    return isinstance(widget, QtWidgets.QLineEdit) and not widget.isModified()


def _set_application_style_sheet(style: Style) -> None:
    """The theme's style sheet for the whole application. Qt re-polishes every widget even
    when the sheet is the same (1 s with five tabs): an unchanged sheet is not set again."""
    app = QtWidgets.QApplication.instance()
    sheet = style.stylesheet()
    if app.styleSheet() != sheet:
        app.setStyleSheet(sheet)


class MainWindow(QtWidgets.QMainWindow):
    """One tab per topic; File / Edit / View / Help menus, undo, autosave (docs/architecture.md)."""

    def __init__(
        self,
        settings: QtCore.QSettings | None = None,
        initial_tab: str | None = None,
        session: SessionStore | None = None,
    ):
        super().__init__()
        self.settings = settings or QtCore.QSettings(APP_NAME, APP_NAME)
        self.session = session
        self._autosave = QtCore.QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save_session)
        self.undo_group = QtGui.QUndoGroup(self)
        self._style = self._saved_style()
        _set_application_style_sheet(self._style)  # before the widgets: each is polished once
        self.setWindowTitle("mlphys-gui — Machine Learning for Physicists")
        self.tabs_widget = QtWidgets.QTabWidget()
        self.tabs_widget.setDocumentMode(True)
        self.note_banner = QtWidgets.QLabel()
        self.note_banner.setObjectName("noteBanner")
        self.note_banner.setWordWrap(True)
        self.note_banner.hide()
        central = QtWidgets.QWidget()
        column = QtWidgets.QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.note_banner)
        column.addWidget(self.tabs_widget, 1)
        self.setCentralWidget(central)
        # name → tab; a tab is built when first shown or asked for (lazy_tabs.py)
        self.tabs = LazyTabs(self.tabs_widget, TAB_CLASSES, self._tab_built)
        self.presenter: PresenterWindow | None = None
        self.user_files = UserFiles(self)
        self.tabs_widget.currentChanged.connect(self._tab_chosen)
        self._shortcut_rows: list[tuple[str, str]] = []
        self.lecture = Lecture(self)
        column.insertWidget(0, self.lecture.console)
        self._build_menus()
        self.setAcceptDrops(True)  # scenes, figures, decks, handouts, data and images (each
        # tab's plots pass them on: _tab_built)
        self._key_filter = _FocusedControlKeys(self)
        QtWidgets.QApplication.instance().installEventFilter(self._key_filter)
        self._restore_preferences(initial_tab)
        # a projector plugged in or out may change the screens' pixel ratios, and with them
        # whether the plots' pixmap caches stay sharp (style.pixmap_caches_usable)
        application = QtGui.QGuiApplication.instance()
        application.screenAdded.connect(self._screens_changed)
        application.screenRemoved.connect(self._screens_changed)
        self._tab_chosen()  # builds the tab on show (the tab of last time: only that one)

    # ---------------------------------------------------------------- menus and shortcuts
    def add_action(
        self, menu, text: str, slot, shortcut: str | None = None, checkable=False, keys_help=""
    ):
        """A menu entry; its shortcut is listed in Help → Keyboard shortcuts with ``keys_help``
        (or the entry's text)."""
        action = QtGui.QAction(text, self)
        action.setCheckable(checkable)
        (action.toggled if checkable else action.triggered).connect(slot)
        if shortcut:
            action.setShortcut(QtGui.QKeySequence(shortcut))
            self.add_shortcut_row(shortcut, keys_help or text.replace("&", "").rstrip("…"))
        menu.addAction(action)
        return action

    def add_shortcut_row(self, keys: str, text: str) -> None:
        """A line of Help → Keyboard shortcuts (added where the key is bound)."""
        self._shortcut_rows.append((keys, text))

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.add_action(file_menu, "&Open scene…", self._open_scene_dialog, "Ctrl+O")
        self.add_action(file_menu, "&Save scene…", self._save_scene_dialog, "Ctrl+S")
        file_menu.addSeparator()
        self.user_files.add_actions(self.add_action, file_menu)
        file_menu.addSeparator()
        self.add_action(file_menu, "&Export figure…", self._export_figure_dialog, "Ctrl+E")
        self.add_action(file_menu, "Export &data (CSV)…", self._export_data_dialog, "Ctrl+Shift+E")
        self.add_action(file_menu, "&Record animation…", self._record_dialog, "Ctrl+Shift+V")
        file_menu.addSeparator()
        self.lecture.add_file_actions(file_menu)
        file_menu.addSeparator()
        self.add_action(file_menu, "&Quit", self.close, "Ctrl+Q")

        edit_menu = bar.addMenu("&Edit")
        self.undo_action = self.undo_group.createUndoAction(self, "Undo")
        self.undo_action.setShortcut(QtGui.QKeySequence("Ctrl+Z"))
        self.redo_action = self.undo_group.createRedoAction(self, "Redo")
        self.redo_action.setShortcuts(
            [QtGui.QKeySequence("Ctrl+Shift+Z"), QtGui.QKeySequence("Ctrl+Y")]
        )
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        self.add_shortcut_row("Ctrl+Z", "Undo the last change of this tab")
        self.add_shortcut_row("Ctrl+Shift+Z", "Redo (also Ctrl+Y)")
        edit_menu.addSeparator()
        self.add_action(edit_menu, "&Copy figure", lambda: clipboard.copy_figure(self), "Ctrl+C")
        self.add_action(
            edit_menu, "Copy &scene", lambda: clipboard.copy_scene(self), "Ctrl+Shift+C"
        )
        self.add_action(
            edit_menu,
            "&Paste",
            lambda: clipboard.paste(self),
            "Ctrl+V",
            keys_help="Paste a scene, a deck, a figure or a file; else a table as data",
        )
        self.user_files.add_paste_action(self.add_action, edit_menu)

        view_menu = bar.addMenu("&View")
        self.presentation_action = self.add_action(
            view_menu, "&Presentation mode", self.set_presentation, "F11", checkable=True
        )
        self.projector_action = self.add_action(
            view_menu,
            "Projector &theme (high contrast)",
            self._set_projector,
            "Ctrl+T",
            checkable=True,
        )
        self.presenter_action = self.add_action(
            view_menu,
            "Presenter &view (plots only, second screen)",
            self.set_presenter_view,
            "Ctrl+P",
            checkable=True,
        )
        view_menu.addSeparator()
        self.add_action(view_menu, "Zoom &in", lambda: self.zoom(ZOOM_FACTOR), "Ctrl+=")
        self.add_action(view_menu, "Zoom &out", lambda: self.zoom(1 / ZOOM_FACTOR), "Ctrl+-")
        self.add_action(view_menu, "&Reset zoom", lambda: self.set_font_scale(1.0), "Ctrl+0")

        playback_menu = bar.addMenu("&Playback")
        self.playback_actions = [
            self.add_action(
                playback_menu, "&Play / pause", lambda: self.current_tab().toggle_play(), "Space"
            ),
            self.add_action(playback_menu, "&Step", lambda: self.current_tab().step(), "Right"),
        ]
        self.add_action(playback_menu, "&Reset tab", self.reset_tab, "R")
        for index in range(min(9, self.tabs_widget.count())):
            shortcut = QtGui.QShortcut(QtGui.QKeySequence(f"Ctrl+{index + 1}"), self)
            shortcut.activated.connect(lambda i=index: self.tabs_widget.setCurrentIndex(i))
        self.add_shortcut_row(*TAB_SHORTCUT)

        presets_menu = bar.addMenu("Pre&sets")
        for name in self.tabs:
            submenu = presets_menu.addMenu(self.tabs.title(name))
            for preset in presets_for(name):
                action = submenu.addAction(preset.title)
                action.setToolTip(preset.note)
                action.triggered.connect(lambda _checked=False, p=preset: self.load_preset(p))
        presets_menu.setToolTipsVisible(True)

        self.bookmarks_menu = bar.addMenu("&Bookmarks")
        self.bookmark_actions: dict[int, QtGui.QAction] = {}
        for slot in range(1, BOOKMARK_SLOTS + 1):
            save = QtGui.QShortcut(QtGui.QKeySequence(f"Ctrl+Shift+{slot}"), self)
            save.activated.connect(lambda s=slot: self.save_bookmark(s))
            recall = QtGui.QAction(self)
            recall.setShortcut(QtGui.QKeySequence(f"Alt+{slot}"))
            recall.triggered.connect(lambda _checked=False, s=slot: self.recall_bookmark(s))
            self.bookmarks_menu.addAction(recall)
            self.bookmark_actions[slot] = recall
        self.add_shortcut_row("Ctrl+Shift+1 … 9", "Save a bookmark in slot 1 … 9")
        self.add_shortcut_row("Alt+1 … 9", "Recall bookmark 1 … 9")
        self.lecture.build_menu(bar)

        help_menu = bar.addMenu("&Help")
        self.add_action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, "F1")
        self.statusBar()

    def shortcut_rows(self) -> list[tuple[str, str]]:
        return list(self._shortcut_rows)

    def show_shortcuts(self) -> None:
        dialog = QtWidgets.QDialog(self)
        dialog.setWindowTitle("Keyboard shortcuts")
        table = QtWidgets.QTableWidget(len(self._shortcut_rows), 2, dialog)
        table.setHorizontalHeaderLabels(["Keys", "Action"])
        table.verticalHeader().hide()
        table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, (keys, text) in enumerate(self._shortcut_rows):
            native = QtGui.QKeySequence(keys).toString(QtGui.QKeySequence.SequenceFormat.NativeText)
            table.setItem(row, 0, QtWidgets.QTableWidgetItem(native or keys))
            table.setItem(row, 1, QtWidgets.QTableWidgetItem(text))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        note = QtWidgets.QLabel(
            "A focused slider keeps its arrow keys, a focused button its Space, and a focused "
            "text field its letters, PageUp/PageDown, Home/End, Ctrl+C and Ctrl+V; "
            "Tab moves between controls."
        )
        note.setWordWrap(True)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QtWidgets.QVBoxLayout(dialog)
        layout.addWidget(table)
        layout.addWidget(note)
        layout.addWidget(buttons)
        dialog.resize(520, 560)
        dialog.open()
        self.shortcuts_dialog = dialog

    # ---------------------------------------------------------------- tabs and messages
    def _tab_built(self, _name: str, tab: TabBase) -> None:
        tab.message.connect(self.show_message)
        tab.stateChanged.connect(self._state_changed)
        tab.paused.connect(self.schedule_autosave)
        tab.importRequested.connect(self.user_files.choose)
        self.undo_group.addStack(tab.undo_stack)
        for view in tab.findChildren(QtWidgets.QGraphicsView):
            view.setAcceptDrops(False)  # a plot would take a dropped file and ignore it
            view.viewport().setAcceptDrops(False)
        tab.apply_style(self._style)

    def _tab_chosen(self, _index: int = 0) -> None:
        self.note_banner.hide()
        self.undo_group.setActiveStack(self.current_tab().undo_stack)
        self.user_files.follow(self.current_tab())
        self.schedule_autosave()

    def _state_changed(self, _change) -> None:
        self.schedule_autosave()

    def reset_tab(self) -> None:
        self.note_banner.hide()
        self.current_tab().reset()

    def current_tab(self) -> TabBase:
        return self.tabs[self.tabs.name_at(self.tabs_widget.currentIndex())]

    def select_tab(self, name: str) -> None:
        self.tabs_widget.setCurrentIndex(self.tabs.index_of(name))

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, MESSAGE_MS)

    # ---------------------------------------------------------------- style
    def current_style(self) -> Style:
        return self._style

    def apply_style(self, style: Style) -> None:
        self._style = style
        _set_application_style_sheet(style)
        for tab in self.tabs.built().values():  # a tab built later gets it then
            tab.apply_style(style)

    def _screens_changed(self, _screen=None) -> None:
        self.apply_style(self._style)

    def set_presentation(self, on: bool) -> None:
        self.apply_style(self._style.with_changes(presentation=on))
        self.showFullScreen() if on else self.showNormal()
        blocked = self.presentation_action.blockSignals(True)
        self.presentation_action.setChecked(on)
        self.presentation_action.blockSignals(blocked)

    def set_presenter_view(self, on: bool, fill: bool = False) -> None:
        """Open (or close) the presenter window, full screen on another screen when there is
        one (``fill``: full screen on this one otherwise, as F5 does)."""
        if on:
            if self.presenter is None:
                self.presenter = PresenterWindow(lambda: self.current_tab().figure_view(), self)
                self.presenter.leave.connect(self._presenter_escape)
                # the clicker's keys and Space / → work when the projector's window has focus
                self.presenter.addActions(self.lecture.clicker_actions() + self.playback_actions)
            self.presenter.show_on_other_screen(self, fill)
        elif self.presenter is not None:
            self.presenter.close()
            self.activateWindow()  # the keys come here again (Esc may have closed it there)
        self.apply_style(self._style)  # two views of each plot, or one (style.py says why)
        blocked = self.presenter_action.blockSignals(True)
        self.presenter_action.setChecked(on)
        self.presenter_action.blockSignals(blocked)

    def _presenter_escape(self) -> None:
        """Esc in the presenter view: stop presenting the deck, else leave full screen."""
        if self.lecture.presenting:
            self.lecture.stop_presenting()
        elif self.presenter is not None:
            self.presenter.showNormal()

    def _set_projector(self, on: bool) -> None:
        self.apply_style(self._style.with_changes(theme=PROJECTOR if on else LIGHT))

    def zoom(self, factor: float) -> None:
        self.set_font_scale(self._style.font_scale * factor)

    def set_font_scale(self, scale: float) -> None:
        low, high = FONT_SCALE_RANGE
        scale = min(max(scale, low), high)
        self.apply_style(self._style.with_changes(font_scale=scale))
        self.show_message(f"Zoom {scale:.0%}")

    # ---------------------------------------------------------------- scenes
    def schemas(self):
        return {name: tab_class.SCHEMA for name, tab_class in TAB_CLASSES.items()}

    def open_scene(self, path: str | Path) -> bool:
        """Load a scene file into its tab (one undo step); on any problem keep the current
        state and say why."""
        try:
            name, state = read_scene_file(path, self.schemas())
        except SceneError as error:
            self.show_message(f"Scene not opened: {error}")
            return False
        self.show_state(name, state, f"Open scene {Path(path).name}")
        return True

    def open_file(self, path: str | Path) -> bool:
        """A dropped, pasted or named file: a deck (or a handout that carries one), a scene (or
        a figure that carries one), else lab data or an image for the current tab."""
        path = Path(path)
        if is_deck_file(path):
            return self.lecture.open_deck(path)
        suffix = path.suffix.lower()
        if suffix == ".json" or (suffix in FIGURE_SUFFIXES and _carries_scene(path)):
            return self.open_scene(path)
        return self.user_files.open_by_kind(path)

    def open_scene_document(self, document, label: str) -> bool:
        """A scene already decoded (pasted as text or inside a copied figure)."""
        try:
            name, state = parse_scene(document, self.schemas())
        except SceneError as error:
            self.show_message(f"Scene not opened: {error}")
            return False
        self.show_state(name, state, label)
        return True

    def show_state(self, name: str, state: dict, label: str) -> None:
        """Restore a tab's state (one undo step); the status bar names it, and anything the tab
        had to say (a scene's image that is no longer there)."""
        notes: list[str] = []
        collect = notes.append
        tab = self.tabs[name]
        tab.message.connect(collect)
        try:
            tab.restore(state, label=label)
        finally:
            tab.message.disconnect(collect)
        self.select_tab(name)
        self.show_message("; ".join([label, *notes]))

    def load_preset(self, preset: Preset) -> bool:
        """Open a prepared scene and show its teaching note above the tabs."""
        try:
            name, state = read_scene_file(preset.path, self.schemas())
        except SceneError as error:
            self.show_message(f"Preset not loaded: {error}")
            return False
        self.show_state(name, state, f"Preset: {preset.title}")
        self.note_banner.setText(f"<b>{preset.title}</b> — {preset.note}")
        self.note_banner.show()
        return True

    # ---------------------------------------------------------------- bookmarks
    def save_bookmark(self, slot: int) -> None:
        """Keep the current tab's state in slot 1–9 (kept between runs)."""
        tab = self.current_tab()
        self.settings.setValue(f"bookmarks/{slot}", json.dumps(make_scene(tab.name, tab.state())))
        self.settings.sync()
        self._label_bookmarks()
        self.show_message(f"Bookmark {slot}: {tab.title} saved (Alt+{slot} brings it back)")

    def recall_bookmark(self, slot: int) -> bool:
        text = self.settings.value(f"bookmarks/{slot}")
        if not text:
            self.show_message(f"Bookmark {slot} is empty: Ctrl+Shift+{slot} saves one")
            return False
        try:
            name, state = parse_scene(json.loads(str(text)), self.schemas())
        except (ValueError, TypeError, RecursionError) as error:
            self.show_message(f"Bookmark {slot} not recalled: {error}")
            return False
        self.show_state(name, state, f"Bookmark {slot}")
        return True

    def bookmarks(self) -> dict[int, tuple[str, dict]]:
        """The bookmarks that hold a usable state: {slot: (tab, state)}, in slot order."""
        found = {}
        for slot in range(1, BOOKMARK_SLOTS + 1):
            text = self.settings.value(f"bookmarks/{slot}")
            try:
                found[slot] = parse_scene(json.loads(str(text)), self.schemas()) if text else None
            except (ValueError, TypeError, RecursionError):
                continue
        return {slot: entry for slot, entry in found.items() if entry is not None}

    def _label_bookmarks(self) -> None:
        for slot, action in self.bookmark_actions.items():
            text = self.settings.value(f"bookmarks/{slot}")
            try:
                title = self.tabs.title(json.loads(str(text))["tab"]) if text else "empty"
            except (ValueError, KeyError, TypeError):
                title = "unreadable"
            action.setText(f"&{slot}: {title}")
            action.setEnabled(bool(text))

    def save_scene(self, path: str | Path) -> bool:
        tab = self.current_tab()
        try:
            write_scene_file(path, tab.name, tab.state())
        except OSError as error:
            self.show_message(f"Scene not saved: {error}")
            return False
        self.show_message(f"Saved scene {Path(path).name}")
        return True

    def _open_scene_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self,
            "Open scene",
            "",
            "Scenes and exported figures (*.json *.png *.svg *.pdf);;All files (*)",
        )
        if path and not self.open_scene(path):
            QtWidgets.QMessageBox.warning(
                self, "Scene not opened", self.statusBar().currentMessage()
            )

    def _save_scene_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, "Save scene", f"{self.current_tab().name}.json", "mlphys-gui scene (*.json)"
        )
        if path:
            self.save_scene(path if path.endswith(".json") else path + ".json")

    # ---------------------------------------------------------------- export
    def export(self, path: str | Path, width: int | None = None) -> bool:
        """Export the current tab's figure (.png/.svg/.pdf) or data (.csv) to ``path``."""
        tab = self.current_tab()
        try:
            fmt = export_to_file(
                path,
                tab.figure_view(),
                tab.plotted_data(),
                width,
                scene=figure_payload(tab.name, tab.state()),
            )
        except ExportError as error:
            self.show_message(f"Not exported: {error}")
            return False
        self.show_message(f"Exported {fmt.upper()} to {path}")
        return True

    def _export_figure_dialog(self) -> None:
        filters = {"PNG image (*.png)": ".png", "SVG vector (*.svg)": ".svg", "PDF (*.pdf)": ".pdf"}
        path, chosen = QtWidgets.QFileDialog.getSaveFileName(
            self, "Export figure", f"{self.current_tab().name}.png", ";;".join(filters)
        )
        if not path:
            return
        if Path(path).suffix.lower() not in filters.values():
            path += filters.get(chosen, ".png")
        width = None
        if path.lower().endswith(".png"):
            width, ok = QtWidgets.QInputDialog.getInt(
                self, "PNG width", "Width in pixels:", DEFAULT_PNG_WIDTH, *PNG_WIDTH_RANGE, 100
            )
            if not ok:
                return
        if not self.export(path, width):
            QtWidgets.QMessageBox.warning(self, "Not exported", self.statusBar().currentMessage())

    def _export_data_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, "Export data", f"{self.current_tab().name}.csv", "CSV (*.csv)"
        )
        if path and not self.export(path if path.lower().endswith(".csv") else path + ".csv"):
            QtWidgets.QMessageBox.warning(self, "Not exported", self.statusBar().currentMessage())

    def record(self, path: str | Path, seconds: float, fps: int) -> bool:
        """Record the current tab's animation to .gif/.mp4 with a progress dialog and Cancel."""
        tab = self.current_tab()
        total = max(1, round(seconds * fps))
        dialog = QtWidgets.QProgressDialog("Recording…", "Cancel", 0, total, self)
        dialog.setWindowTitle("Record animation")
        dialog.setMinimumDuration(0)
        was_playing = getattr(getattr(tab, "animator", None), "playing", False)
        if was_playing:
            tab.toggle_play()

        def progress(done: int, _total: int) -> bool:
            dialog.setValue(done)
            return not dialog.wasCanceled()

        try:
            frames = recording.record(tab, path, seconds, fps, progress=progress)
        except recording.RecordingCancelledError:
            self.show_message("Recording cancelled; nothing was written")
            return False
        except ExportError as error:
            self.show_message(f"Not recorded: {error}")
            return False
        finally:
            dialog.close()
        self.show_message(f"Recorded {frames} frames to {path}")
        return True

    def _record_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self,
            "Record animation",
            f"{self.current_tab().name}.mp4",
            "MP4 video (*.mp4);;Animated GIF (*.gif)",
        )
        if not path:
            return
        seconds, ok = QtWidgets.QInputDialog.getDouble(
            self, "Record animation", "Seconds:", 10.0, *recording.SECONDS_RANGE, 1
        )
        if ok and not self.record(path, seconds, 30):
            QtWidgets.QMessageBox.warning(self, "Not recorded", self.statusBar().currentMessage())

    # ---------------------------------------------------------------- preferences
    def _saved_style(self) -> Style:
        """The theme and font scale of the last session (defaults when unreadable)."""
        theme = THEMES.get(str(self.settings.value("theme", LIGHT.name)), LIGHT)
        try:
            font_scale = float(self.settings.value("font_scale", 1.0))
        except (TypeError, ValueError):
            font_scale = 1.0
        low, high = FONT_SCALE_RANGE
        return Style(theme=theme, font_scale=min(max(font_scale, low), high))

    def _restore_preferences(self, initial_tab: str | None) -> None:
        self.apply_style(self._style)
        blocked = self.projector_action.blockSignals(True)
        self.projector_action.setChecked(self._style.theme is PROJECTOR)
        self.projector_action.blockSignals(blocked)
        geometry = self.settings.value("geometry")
        if not (isinstance(geometry, QtCore.QByteArray) and self.restoreGeometry(geometry)):
            screen = self.screen().availableGeometry()  # a 1280 × 800 laptop or projector
            self.resize(min(1400, screen.width()), min(860, screen.height()))
        self._label_bookmarks()
        last = initial_tab or str(self.settings.value("last_tab", ""))
        if last in self.tabs:
            self.select_tab(last)

    def save_preferences(self) -> None:
        self.settings.setValue("theme", self._style.theme.name)
        self.settings.setValue("font_scale", json.dumps(self._style.font_scale))
        self.settings.setValue("last_tab", self.current_tab().name)
        if not self.isFullScreen():
            self.settings.setValue("geometry", self.saveGeometry())
        self.settings.sync()

    # ---------------------------------------------------------------- session
    def schedule_autosave(self) -> None:
        """Write the session soon after a change (or when playback stops): the first change
        starts the timer, later ones ride along, so a long drag is still saved within a
        second of its start."""
        if self.session is not None and not self._autosave.isActive():
            self._autosave.start()

    def save_session(self) -> bool:
        """Write every tab's state and the current tab to the session file (atomically)."""
        self._autosave.stop()
        if self.session is None:
            return False
        states = {name: self.tabs.state(name) for name in self.tabs}  # built or not
        try:
            self.session.save(self.current_tab().name, states, self.lecture.session_entry())
        except OSError as error:
            self.show_message(f"Session not saved: {error}")
            return False
        return True

    def restore_session(self) -> bool:
        """Open as the last session left off (after a quit or a crash). A file that cannot be
        used is set aside with a message, and the app starts from the defaults."""
        if self.session is None:
            return False
        try:
            saved = self.session.load(self.schemas())
        except SessionError as error:
            kept = self.session.set_aside()
            where = f"; kept as {kept.name}" if kept else ""
            self.show_message(f"Previous session not restored: {error}{where}")
            return False
        if saved is None:
            return False
        current, states = saved
        for name, state in states.items():
            self.tabs.restore_saved(name, state)  # a tab not yet built gets it when it is
        self.select_tab(current)
        deck = self.session.deck_entry()
        if deck is not None and not self.lecture.restore_session_entry(deck):
            self.show_message("Restored the previous session, but not its deck (unreadable)")
            return True
        self.show_message("Restored the previous session (mlphys-gui --fresh starts anew)")
        return True

    # ---------------------------------------------------------------- the user's files
    def import_file(self, kind: str, path: str | Path) -> bool:
        """Give a data file or an image to the current tab (one undo step); on any problem
        keep the state and say why in the status bar."""
        return self.user_files.open(kind, path)

    def dragEnterEvent(self, event: QtGui.QDragEnterEvent) -> None:
        files = clipboard.dropped_files(event.mimeData())
        if len(files) == 1 and files[0].suffix.lower() in OPENABLE_SUFFIXES:
            event.acceptProposedAction()

    def dropEvent(self, event: QtGui.QDropEvent) -> None:
        files = clipboard.dropped_files(event.mimeData())
        if len(files) == 1:
            event.acceptProposedAction()
            self.open_file(files[0])

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self.lecture.fit_overlay()

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        if self.lecture.presenting:
            self.lecture.stop_presenting()
        self.save_session()
        self.save_preferences()
        if self.presenter is not None:
            self.presenter.close()
        QtWidgets.QApplication.instance().removeEventFilter(self._key_filter)
        super().closeEvent(event)
