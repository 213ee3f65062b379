"""The cost-of-linear-algebra tab (notes §1.3): state, controls, figure, timing and tab."""

from mlphys_gui.tabs.complexity.tab import ComplexityTab

__all__ = ["ComplexityTab"]
