"""Widgets shared by the tabs: validated entries, sliders with typed values, playback, equations."""
