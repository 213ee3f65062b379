"""The SVD tab (notes §1.1): state, the geometry and low-rank views, and the tab."""

from mlphys_gui.tabs.svd.tab import SvdTab

__all__ = ["SvdTab"]
