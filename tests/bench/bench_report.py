"""Collects benchmark figures so that the run prints them (not timed assertions), and a clock
of paint events that several benchmarks share."""

import time

from PyQt6 import QtCore

FIGURES: list[tuple[str, str]] = []


def report(name: str, figure: str) -> None:
    FIGURES.append((name, figure))
    print(f"\n[bench] {name}: {figure}")


class PaintClock(QtCore.QObject):
    """Records when a widget starts painting (install it as the widget's event filter)."""

    def __init__(self):
        super().__init__()
        self.times: list[float] = []

    def eventFilter(self, _watched, event) -> bool:
        if event.type() == QtCore.QEvent.Type.Paint:
            self.times.append(time.perf_counter())
        return False
