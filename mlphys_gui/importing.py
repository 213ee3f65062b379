"""The user's own files in the main window: File → Import data…, File → Open image…, Edit →
Paste data and drag and drop. Each goes to the current tab, if it takes that kind of file
(``TabBase.accepts``); what was done, or why not, goes to the status bar, and a refusal also to
a dialog. The tab changes its state in one undo step, or not at all.
"""

from pathlib import Path

from PyQt6 import QtCore, QtGui, QtWidgets

from mlphys_gui.tabs import TAB_CLASSES
from mlphys_gui.user_files import KIND_NAMES, SUFFIXES, UserFileError, kind_of

DIALOG_FILTERS = {
    "data": "Data (*.csv *.tsv *.txt *.dat);;All files (*)",
    "image": "Images (*.png *.jpg *.jpeg);;All files (*)",
}
TITLES = {"data": "Import data", "image": "Open image"}


class UserFiles(QtCore.QObject):
    """Brings files and pasted text to the tabs of ``window`` (a MainWindow)."""

    def __init__(self, window):
        super().__init__(window)
        self._window = window
        self.actions: dict[str, QtGui.QAction] = {}

    def add_actions(self, add_action, file_menu) -> None:
        """The File menu's entries; ``add_action(menu, text, slot, shortcut)`` is the window's."""
        self.actions["data"] = add_action(
            file_menu, "&Import data…", lambda: self.choose("data"), "Ctrl+I"
        )
        self.actions["image"] = add_action(
            file_menu, "Open &image…", lambda: self.choose("image"), "Ctrl+Shift+I"
        )

    def add_paste_action(self, add_action, edit_menu) -> None:
        """Edit → Paste data (Edit → Paste, Ctrl+V, does it too when the text is no scene)."""
        self.actions["paste"] = add_action(edit_menu, "Paste &data", self.paste)

    def follow(self, tab) -> None:
        """Enable the entries the current tab can use and say what they do there."""
        for kind in ("data", "image"):
            action = self.actions[kind]
            action.setEnabled(kind in tab.accepts)
            action.setStatusTip(tab.accepts.get(kind, ""))
        self.actions["paste"].setEnabled("data" in tab.accepts)

    def _not_taken(self, tab, kind: str) -> str:
        takers = [cls.title for cls in TAB_CLASSES.values() if kind in cls.accepts]
        return (
            f"The {tab.title} tab does not open {KIND_NAMES[kind]}; "
            f"{' and '.join(takers)} {'does' if len(takers) == 1 else 'do'}"
        )

    def _refuse(self, text: str, dialog: bool) -> bool:
        self._window.show_message(text)
        if dialog:
            QtWidgets.QMessageBox.warning(self._window, "Not opened", text)
        return False

    def open(self, kind: str, path: str | Path, dialog: bool = False) -> bool:
        """Give the file at ``path`` to the current tab as ``kind`` ("data" or "image")."""
        tab = self._window.current_tab()
        if kind not in tab.accepts:
            return self._refuse(self._not_taken(tab, kind), dialog)
        try:
            done = tab.import_file(kind, Path(path))
        except UserFileError as error:
            return self._refuse(f"Not opened: {error}", dialog)
        self._window.show_message(done)
        return True

    def choose(self, kind: str) -> None:
        """File → Import data… / Open image…: a file dialog, then :meth:`open`."""
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self._window, TITLES[kind], "", DIALOG_FILTERS[kind]
        )
        if path:
            self.open(kind, path, dialog=True)

    def paste(self) -> bool:
        """Edit → Paste data: the clipboard's text (copied from a spreadsheet: tabs) as data."""
        tab = self._window.current_tab()
        if "data" not in tab.accepts:
            return self._refuse(self._not_taken(tab, "data"), True)
        text = QtWidgets.QApplication.clipboard().text()
        try:
            done = tab.import_text(text, "the clipboard")
        except UserFileError as error:
            return self._refuse(f"Not pasted: {error}", True)
        self._window.show_message(done)
        return True

    def open_by_kind(self, path: Path) -> bool:
        """A dropped or pasted file that is no scene or deck: data or an image for the current
        tab, by its suffix (MainWindow.open_file)."""
        kind = kind_of(path)
        if kind is None:
            known = ", ".join(suffix for suffixes in SUFFIXES.values() for suffix in suffixes)
            return self._refuse(
                f"Not opened: {path.name} is not a scene (.json) or a file of a kind the app "
                f"opens ({known})",
                True,
            )
        return self.open(kind, path, dialog=True)
