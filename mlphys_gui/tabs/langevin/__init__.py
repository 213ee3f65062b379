"""The Langevin / Fokker–Planck tab (notes §9.1–9.2): state, controls, figure and tab."""

from mlphys_gui.tabs.langevin.tab import LangevinTab

__all__ = ["LangevinTab"]
