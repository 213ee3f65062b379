"""The posterior tab (notes §3–4): state, controls, figure and tab."""

from mlphys_gui.tabs.posterior.tab import PosteriorTab

__all__ = ["PosteriorTab"]
