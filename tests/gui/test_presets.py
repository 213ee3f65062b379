"""Presets: every shipped preset opens in its tab and shows its teaching note."""

import pytest

from mlphys_gui.presets import presets_for
from mlphys_gui.tabs import TAB_CLASSES

ALL_PRESETS = [preset for name in TAB_CLASSES for preset in presets_for(name)]


def test_every_tab_has_at_least_four_presets():
    for name in TAB_CLASSES:
        assert len(presets_for(name)) >= 4, name


@pytest.mark.parametrize("preset", ALL_PRESETS, ids=lambda p: p.path.stem)
def test_preset_loads_and_shows_its_note(window, preset):
    assert window.load_preset(preset), window.statusBar().currentMessage()
    assert window.current_tab().name == preset.tab
    assert window.note_banner.isVisible() and preset.note in window.note_banner.text()
    window.current_tab().settle()
    window.reset_tab()
    assert not window.note_banner.isVisible()


def test_presets_menu_lists_them(window):
    titles = {
        action.text()
        for menu_action in window.menuBar().actions()
        if menu_action.text() == "Pre&sets"
        for submenu in menu_action.menu().actions()
        for action in submenu.menu().actions()
    }
    assert {preset.title for preset in ALL_PRESETS} <= titles
