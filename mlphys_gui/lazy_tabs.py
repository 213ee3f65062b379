"""The main window's tabs, each built when it is first shown or asked for.

Building the five tabs took most of the app's start (0.75 s of 1.4 s, issue 14): plot items,
control columns, a first sampling. The tab widget holds an empty page per tab; the tab is made
inside its page the first time the page is shown, or the first time the code asks for it
(``tabs["langevin"]``, a scene, a bookmark, a preset). A tab not yet built keeps the state the
session restored for it, gets that state when it is built, and gives it back when the session
is saved, so every tab is in every saved session.
"""

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from PyQt6 import QtWidgets

from mlphys_gui.tabs.base import TabBase
from mlphys_gui.widgets.panels import OnDemand


class LazyTabs(Mapping[str, TabBase]):
    """``name → tab`` for the pages of ``pages``, one per entry of ``classes``, in order.

    ``built(name, tab)`` is called once per tab, right after it is made and given its saved
    state (the main window connects it there and gives it the current style).
    """

    def __init__(
        self,
        pages: QtWidgets.QTabWidget,
        classes: Mapping[str, type[TabBase]],
        built: Callable[[str, TabBase], None],
    ):
        self._classes = dict(classes)
        self._names = list(self._classes)
        self._built_callback = built
        self._saved: dict[str, dict[str, Any]] = {}  # states of tabs not yet built
        self._pages: dict[str, OnDemand] = {}
        for name, tab_class in self._classes.items():
            self._pages[name] = OnDemand(lambda name=name: self._make(name))
            pages.addTab(self._pages[name], tab_class.title)

    # ---------------------------------------------------------------- Mapping
    def __getitem__(self, name: str) -> TabBase:
        if name not in self._classes:
            raise KeyError(name)
        page = self._pages[name]
        if not page.is_built():
            self._built_callback(name, page.content())
        return page.content()

    def __contains__(self, name: object) -> bool:  # (Mapping's would build the tab)
        return name in self._classes

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    # ---------------------------------------------------------------- without building
    def built(self) -> dict[str, TabBase]:
        """The tabs made so far."""
        return {name: page.content() for name, page in self._pages.items() if page.is_built()}

    def title(self, name: str) -> str:
        return self._classes[name].title

    def index_of(self, name: str) -> int:
        return self._names.index(name)

    def name_at(self, index: int) -> str:
        return self._names[index]

    def state(self, name: str) -> dict[str, Any]:
        """The tab's whole state: its own if it is built, else the state it will be built
        with (the restored one, or the defaults)."""
        if self._pages[name].is_built():
            return self[name].state()
        return dict(self._saved.get(name) or self._classes[name].SCHEMA.defaults())

    def restore_saved(self, name: str, state: dict[str, Any]) -> None:
        """Show a state from the session (already checked; not an undo step): at once if the
        tab is built, else when it is."""
        if self._pages[name].is_built():
            self[name].restore(state, label=None)
        else:
            self._saved[name] = dict(state)

    # ---------------------------------------------------------------- building
    def _make(self, name: str) -> TabBase:
        tab = self._classes[name]()
        saved = self._saved.pop(name, None)
        if saved is not None:
            tab.restore(saved, label=None)
        return tab
