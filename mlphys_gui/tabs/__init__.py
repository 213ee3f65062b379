"""One tab per topic of the notes; ``TAB_CLASSES`` maps command-line names to tab classes,
``SCHEMAS`` to their declared states, ``PLAYABLE`` names the tabs with an animation."""

from mlphys_gui.tabs.complexity import ComplexityTab
from mlphys_gui.tabs.double_descent import DoubleDescentTab
from mlphys_gui.tabs.langevin import LangevinTab
from mlphys_gui.tabs.posterior import PosteriorTab
from mlphys_gui.tabs.svd import SvdTab
from mlphys_gui.tabs.transport import TransportTab

TAB_CLASSES = {
    tab.name: tab
    for tab in (SvdTab, PosteriorTab, DoubleDescentTab, LangevinTab, TransportTab, ComplexityTab)
}

SCHEMAS = {name: tab.SCHEMA for name, tab in TAB_CLASSES.items()}
PLAYABLE = frozenset(name for name, tab in TAB_CLASSES.items() if tab.has_playback)
