"""The main window: one tab per topic, menus, shortcuts, themes, scenes, export, preferences."""

import json
from pathlib import Path

from PyQt6 import QtCore, QtGui, QtWidgets

from mlphys_gui import APP_NAME, recording
from mlphys_gui.export import DEFAULT_PNG_WIDTH, PNG_WIDTH_RANGE, ExportError, export_to_file
from mlphys_gui.importing import UserFiles
from mlphys_gui.presenter import PresenterWindow
from mlphys_gui.presets import Preset, presets_for
from mlphys_gui.scene import (
    SceneError,
    figure_payload,
    make_scene,
    parse_scene,
    read_scene_file,
    write_scene_file,
)
from mlphys_gui.session import SessionError, SessionStore
from mlphys_gui.style import FONT_SCALE_RANGE, LIGHT, PROJECTOR, THEMES, Style
from mlphys_gui.tabs import TAB_CLASSES
from mlphys_gui.tabs.base import TabBase

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
_CTRL_Y = QtCore.QKeyCombination(QtCore.Qt.KeyboardModifier.ControlModifier, QtCore.Qt.Key.Key_Y)


class _FocusedControlKeys(QtCore.QObject):
    """Lets a focused slider keep its arrow keys and a focused button its Space, a focused text
    field its Ctrl+V; and gives Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y to Edit → Undo / Redo when a
    focused text field has nothing of its own to undo (its last text was applied): a line edit
    would otherwise take them."""

    def eventFilter(self, watched, event):
        if event.type() != QtCore.QEvent.Type.ShortcutOverride:
            return False
        focus = QtWidgets.QApplication.focusWidget()
        if _is_undo_key(event) and _has_no_draft(focus):
            event.ignore()  # not taken by the field: the window's shortcut fires
            return True
        if event.matches(QtGui.QKeySequence.StandardKey.Paste) and isinstance(
            focus, QtWidgets.QLineEdit | QtWidgets.QAbstractSpinBox
        ):
            event.accept()  # pasted into the field, not as data
            return True
        if not event.modifiers():
            key = event.key()
            if (isinstance(focus, QtWidgets.QAbstractSlider) and key in _SLIDER_KEYS) or (
                isinstance(focus, QtWidgets.QAbstractButton) and key in _BUTTON_KEYS
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
        self.tabs: dict[str, TabBase] = {}
        self.presenter: PresenterWindow | None = None
        self.user_files = UserFiles(self)
        self.setAcceptDrops(True)
        for name, tab_class in TAB_CLASSES.items():
            tab = tab_class()
            tab.message.connect(self.show_message)
            tab.stateChanged.connect(self._state_changed)
            tab.paused.connect(self._schedule_autosave)
            tab.importRequested.connect(self.user_files.choose)
            self.undo_group.addStack(tab.undo_stack)
            self.tabs[name] = tab
            self.tabs_widget.addTab(tab, tab.title)
        self._shortcut_rows: list[tuple[str, str]] = []
        self._build_menus()
        self.tabs_widget.currentChanged.connect(self._tab_chosen)
        self._tab_chosen()
        self._key_filter = _FocusedControlKeys(self)
        QtWidgets.QApplication.instance().installEventFilter(self._key_filter)
        self._restore_preferences(initial_tab)

    # ---------------------------------------------------------------- menus and shortcuts
    def _action(self, menu, text: str, slot, shortcut: str | None = None, checkable=False):
        action = QtGui.QAction(text, self)
        action.setCheckable(checkable)
        (action.toggled if checkable else action.triggered).connect(slot)
        if shortcut:
            action.setShortcut(QtGui.QKeySequence(shortcut))
            self._shortcut_rows.append((shortcut, text.replace("&", "").rstrip("…")))
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&Open scene…", self._open_scene_dialog, "Ctrl+O")
        self._action(file_menu, "&Save scene…", self._save_scene_dialog, "Ctrl+S")
        file_menu.addSeparator()
        edit_menu = bar.addMenu("&Edit")  # (after File in the menu bar)
        self.user_files.add_actions(self._action, file_menu, edit_menu)
        file_menu.addSeparator()
        self._action(file_menu, "&Export figure…", self._export_figure_dialog, "Ctrl+E")
        self._action(file_menu, "Export &data (CSV)…", self._export_data_dialog, "Ctrl+Shift+E")
        self._action(file_menu, "&Record animation…", self._record_dialog, "Ctrl+Shift+V")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, "Ctrl+Q")

        self.undo_action = self.undo_group.createUndoAction(self, "Undo")
        self.undo_action.setShortcut(QtGui.QKeySequence("Ctrl+Z"))
        self.redo_action = self.undo_group.createRedoAction(self, "Redo")
        self.redo_action.setShortcuts(
            [QtGui.QKeySequence("Ctrl+Shift+Z"), QtGui.QKeySequence("Ctrl+Y")]
        )
        first = edit_menu.actions()[0] if edit_menu.actions() else None
        edit_menu.insertAction(first, self.undo_action)
        edit_menu.insertAction(first, self.redo_action)
        edit_menu.insertSeparator(first)
        self._shortcut_rows.append(("Ctrl+Z", "Undo the last change of this tab"))
        self._shortcut_rows.append(("Ctrl+Shift+Z", "Redo (also Ctrl+Y)"))

        view_menu = bar.addMenu("&View")
        self.presentation_action = self._action(
            view_menu, "&Presentation mode", self.set_presentation, "F11", checkable=True
        )
        self.projector_action = self._action(
            view_menu,
            "Projector &theme (high contrast)",
            self._set_projector,
            "Ctrl+T",
            checkable=True,
        )
        self.presenter_action = self._action(
            view_menu,
            "Presenter &view (plots only, second screen)",
            self.set_presenter_view,
            "Ctrl+P",
            checkable=True,
        )
        view_menu.addSeparator()
        self._action(view_menu, "Zoom &in", lambda: self.zoom(ZOOM_FACTOR), "Ctrl+=")
        self._action(view_menu, "Zoom &out", lambda: self.zoom(1 / ZOOM_FACTOR), "Ctrl+-")
        self._action(view_menu, "&Reset zoom", lambda: self.set_font_scale(1.0), "Ctrl+0")

        playback_menu = bar.addMenu("&Playback")
        self._action(
            playback_menu, "&Play / pause", lambda: self.current_tab().toggle_play(), "Space"
        )
        self._action(playback_menu, "&Step", lambda: self.current_tab().step(), "Right")
        self._action(playback_menu, "&Reset tab", self.reset_tab, "R")
        for index in range(min(9, self.tabs_widget.count())):
            shortcut = QtGui.QShortcut(QtGui.QKeySequence(f"Ctrl+{index + 1}"), self)
            shortcut.activated.connect(lambda i=index: self.tabs_widget.setCurrentIndex(i))
        self._shortcut_rows.append(TAB_SHORTCUT)

        presets_menu = bar.addMenu("Pre&sets")
        for name, tab in self.tabs.items():
            submenu = presets_menu.addMenu(tab.title)
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
        self._shortcut_rows.append(("Ctrl+Shift+1 … 9", "Save a bookmark in slot 1 … 9"))
        self._shortcut_rows.append(("Alt+1 … 9", "Recall bookmark 1 … 9"))

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, "F1")
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
            "A focused slider keeps its arrow keys and a focused button its Space; "
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
    def _tab_chosen(self, _index: int = 0) -> None:
        self.note_banner.hide()
        self.undo_group.setActiveStack(self.current_tab().undo_stack)
        self.user_files.follow(self.current_tab())
        self._schedule_autosave()

    def _state_changed(self, _change) -> None:
        self._schedule_autosave()

    def reset_tab(self) -> None:
        self.note_banner.hide()
        self.current_tab().reset()

    def current_tab(self) -> TabBase:
        return self.tabs_widget.currentWidget()

    def select_tab(self, name: str) -> None:
        self.tabs_widget.setCurrentWidget(self.tabs[name])

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, MESSAGE_MS)

    # ---------------------------------------------------------------- style
    def current_style(self) -> Style:
        return self._style

    def apply_style(self, style: Style) -> None:
        self._style = style
        _set_application_style_sheet(style)
        for tab in self.tabs.values():
            tab.apply_style(style)

    def set_presentation(self, on: bool) -> None:
        self.apply_style(self._style.with_changes(presentation=on))
        self.showFullScreen() if on else self.showNormal()
        blocked = self.presentation_action.blockSignals(True)
        self.presentation_action.setChecked(on)
        self.presentation_action.blockSignals(blocked)

    def set_presenter_view(self, on: bool) -> None:
        """Open (or close) the presenter window, on another screen when there is one."""
        if on:
            if self.presenter is None:
                self.presenter = PresenterWindow(lambda: self.current_tab().figure_view(), self)
            self.presenter.show_on_other_screen(self)
        elif self.presenter is not None:
            self.presenter.close()
        blocked = self.presenter_action.blockSignals(True)
        self.presenter_action.setChecked(on)
        self.presenter_action.blockSignals(blocked)

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
        return {name: tab.SCHEMA for name, tab in self.tabs.items()}

    def open_scene(self, path: str | Path) -> bool:
        """Load a scene file into its tab (one undo step); on any problem keep the current
        state and say why."""
        try:
            name, state = read_scene_file(path, self.schemas())
        except SceneError as error:
            self.show_message(f"Scene not opened: {error}")
            return False
        self._show_state(name, state, f"Open scene {Path(path).name}")
        return True

    def _show_state(self, name: str, state: dict, label: str) -> None:
        """Restore a tab's state; the status bar names it, and anything the tab had to say
        (a scene's image that is no longer there)."""
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
        self._show_state(name, state, f"Preset: {preset.title}")
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
        self._show_state(name, state, f"Bookmark {slot}")
        return True

    def _label_bookmarks(self) -> None:
        for slot, action in self.bookmark_actions.items():
            text = self.settings.value(f"bookmarks/{slot}")
            try:
                title = self.tabs[json.loads(str(text))["tab"]].title if text else "empty"
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
            self.resize(1400, 860)
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
    def _schedule_autosave(self) -> None:
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
        states = {name: tab.state() for name, tab in self.tabs.items()}
        try:
            self.session.save(self.current_tab().name, states)
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
            self.tabs[name].restore(state, label=None)
        self.select_tab(current)
        self.show_message("Restored the previous session (mlphys-gui --fresh starts anew)")
        return True

    # ---------------------------------------------------------------- the user's files
    def import_file(self, kind: str, path: str | Path) -> bool:
        """Give a data file or an image to the current tab (one undo step); on any problem
        keep the state and say why in the status bar."""
        return self.user_files.open(kind, path)

    def dragEnterEvent(self, event: QtGui.QDragEnterEvent) -> None:
        if self.user_files.dropped_file(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QtGui.QDropEvent) -> None:
        path = self.user_files.dropped_file(event)
        if path is not None:
            event.acceptProposedAction()
            self.user_files.drop(path)

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        self.save_session()
        self.save_preferences()
        if self.presenter is not None:
            self.presenter.close()
        QtWidgets.QApplication.instance().removeEventFilter(self._key_filter)
        super().closeEvent(event)
