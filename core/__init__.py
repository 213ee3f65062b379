"""Headless numerics for mlphys-gui (numpy + scipy only; never imports Qt)."""
