"""Benchmark (printed, not asserted): every slider of every tab → the next paint of the figure,
at each tab's heaviest documented setting (issue 14: under 10 ms median).

The sliders are found from the declarations: every Real or Integer parameter whose control is
a slider (``tab.controls.widget(key)``), measured in the settings below where it is on screen
and enabled; the test fails if a slider is measured nowhere, so a new one cannot be missed.
A move is one keyboard step of the slider (``singleStep``), down and up in turn around the
setting, as a hand dragging it does. It is timed from the move to the end of the first paint
of the figure's viewport that shows its result, through the event loop (Qt paints the region
that changed). Where the result is computed on a worker thread (a sweep, sampling), the time
the move itself kept the GUI thread busy is shown beside (the event loop is free meanwhile).
"""

import statistics
import time

import numpy as np
import pytest
from bench_report import PaintClock, report
from PyQt6 import QtCore, QtWidgets

from core import regression
from mlphys_gui.state import Integer, Real
from mlphys_gui.tabs import TAB_CLASSES
from mlphys_gui.widgets.entries import ValueSlider

MOVES = 12
WORKER_MOVES = 2  # where a worker computes the result (a sweep, sampling: seconds each)
PAINT_TIMEOUT = 2.0  # s: a move that changes nothing drawn is reported as such


def _points(truth: str, heteroscedastic: bool) -> list[list[float]]:
    """10 000 points from the posterior tab's generator (its documented maximum)."""
    params = regression.GeneratorParams(truth=truth, sigma=0.2, heteroscedastic=heteroscedastic)
    x, y, sigma_i = regression.generate(params, 10_000)
    return np.column_stack([x, y, sigma_i / params.sigma]).tolist()


# (tab, setting, changes to the defaults): the heaviest documented settings (README, and the
# declarations' ranges), and the variants in which the other sliders are shown
SETTINGS = [
    ("svd", "geometry view", {}),
    ("svd", "low-rank view", {"view": "low-rank", "rank": 143}),  # (144: exact, error ~1e-16)
    (
        "posterior",
        "10⁴ points, degree 12, 50 samples",
        {"degree": 12, "samples": 50, "points": _points("sine", False), "stream_position": 10_000},
    ),
    (
        "posterior",
        "10⁴ points, 20 bumps, 50 samples, heteroscedastic",
        {
            "basis": "gaussian",
            "bumps": 20,
            "samples": 50,
            "heteroscedastic": True,
            "points": _points("sine", True),
            "stream_position": 10_000,
        },
    ),
    ("double-descent", "n = 400, ridgeless", {"n": 400, "p_view": 400}),
    ("double-descent", "n = 400, ridge", {"n": 400, "p_view": 400, "ridgeless": False}),
    ("langevin", "1-D double well, N = 10⁶", {"n": 1_000_000, "initial": "uniform"}),
    (
        "langevin",
        "1-D harmonic, Gaussian start, N = 10⁶",
        {"n": 1_000_000, "potential": "harmonic", "initial": "gaussian"},
    ),
    (
        "langevin",
        "1-D tilted, inertia, N = 10⁶",
        {"n": 1_000_000, "potential": "tilted", "tilt": 0.5, "inertia": True},
    ),
    ("langevin", "2-D, N = 10⁶", {"n": 1_000_000, "dimension": "2d", "initial": "uniform"}),
    ("transport", "1-D, N = 20 000", {"n": 20_000, "tau": 0.5}),
    ("transport", "2-D, N = 20 000", {"n": 20_000, "tau": 0.5, "dimension": "2d"}),
    # a move starts a new measurement in a worker: timed to the paint that clears the old one
    ("complexity", "n ≤ 512, every operation", {}),
]


def sliders(tab) -> list[str]:
    """The keys of the tab's Real and Integer parameters whose control is a slider."""
    return [
        key
        for key, param in tab.SCHEMA.params.items()
        if isinstance(param, Real | Integer)
        and key in tab.controls.bound_keys()
        and isinstance(tab.controls.widget(key), ValueSlider)
    ]


def _wait_for_paint(paints: PaintClock, count: int) -> bool:
    deadline = time.perf_counter() + PAINT_TIMEOUT
    while len(paints.times) <= count:
        if time.perf_counter() > deadline:
            return False
        QtWidgets.QApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
    return True


# tabs whose result comes from a worker thread: when it has been drawn
RESULT_DRAWN = {
    "double-descent": lambda tab: tab.result is not None,  # the new sweep's first trial
    "transport": lambda tab: not tab.job.busy,  # the new sampling
}


def measure(tab, key: str) -> tuple[list[float], list[float]] | None:
    """(move → paint of its result, the move's own time on the GUI thread) in ms for each
    move; None if the figure does not change."""
    slider = tab.controls.widget(key).slider
    viewport = tab.figure_view().viewport()
    drawn = RESULT_DRAWN.get(tab.name, lambda _tab: True)
    step = max(1, slider.singleStep())
    home = slider.value()
    positions = [home - step if home - step >= slider.minimum() else home + step, home]
    paints = PaintClock()
    viewport.installEventFilter(paints)
    results, blocked = [], []
    try:
        moves = WORKER_MOVES if tab.name in RESULT_DRAWN else MOVES
        for move in range(moves + 2):  # the first two warm caches up
            count = len(paints.times)
            start = time.perf_counter()
            slider.setValue(positions[move % 2])
            moved = time.perf_counter()
            while not drawn(tab):  # a worker's result: until it has been drawn
                QtWidgets.QApplication.processEvents(
                    QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5
                )
                count = len(paints.times)  # (paints before it show the old result)
            if not _wait_for_paint(paints, count):
                return None
            if move >= 2:
                results.append((time.perf_counter() - start) * 1e3)
                blocked.append((moved - start) * 1e3)
    finally:
        viewport.removeEventFilter(paints)
        slider.setValue(home)
        tab.settle()
    return results, blocked


def print_table(rows) -> None:
    header = ("tab", "setting", "slider", "median ms", "min", "max", "")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print(" | ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


def test_settings_cover_every_tab():
    assert {name for name, _setting, _changes in SETTINGS} == set(TAB_CLASSES)


@pytest.mark.parametrize("name", list(TAB_CLASSES))
def test_every_slider_to_repaint(qtbot, window, name):
    rows, measured = [], set()
    window.select_tab(name)
    tab = window.tabs[name]
    for setting, changes in [(s, c) for n, s, c in SETTINGS if n == name]:
        tab.restore({**tab.default_state(), **changes}, label="bench")
        tab.settle()
        QtWidgets.QApplication.processEvents()
        for key in sliders(tab):
            control = tab.controls.widget(key)
            if not (control.isVisible() and control.isEnabled()):
                continue  # hidden or disabled here (another view): measured in another setting
            times = measure(tab, key)
            measured.add(key)
            label = tab.SCHEMA.params[key].label
            if times is None:
                rows.append((name, setting, label, "—", "—", "—", "nothing in the figure changes"))
                continue
            totals, blocked = times
            median = statistics.median(totals)
            note = "under 10 ms" if median < 10 else "NOT under 10 ms"
            if name in RESULT_DRAWN:
                note += f" (GUI thread busy {statistics.median(blocked):.1f} ms of it)"
            rows.append(
                (
                    name,
                    setting,
                    label,
                    f"{median:.1f}",
                    f"{min(totals):.1f}",
                    f"{max(totals):.1f}",
                    note,
                )
            )
    print()
    print_table(rows)
    missing = set(sliders(tab)) - measured
    assert not missing, f"sliders measured in no setting: {sorted(missing)}"
    slow = [f"{row[2]} ({row[1]}): {row[3]} ms" for row in rows if "NOT" in row[6]]
    report(
        f"{tab.title}: slider → next paint, heaviest settings",
        f"{len(rows)} sliders measured, {len(slow)} not under 10 ms median"
        + (": " + "; ".join(slow) if slow else ""),
    )
