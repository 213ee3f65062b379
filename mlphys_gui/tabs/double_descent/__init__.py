"""The double-descent tab (notes §5): state, controls, figure and tab."""

from mlphys_gui.tabs.double_descent.tab import DoubleDescentTab

__all__ = ["DoubleDescentTab"]
