"""The diffusion / flow-matching tab (notes §9.2–9.5): state, controls, figure and tab."""

from mlphys_gui.tabs.transport.tab import TransportTab

__all__ = ["TransportTab"]
