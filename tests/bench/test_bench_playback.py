"""Benchmark (printed, not asserted): every tab's playback for 2 s (issue 14).

Each animation plays through the real Animator, whose timer asks for a frame every 1/60 s, in
a shown 1400 × 860 window, after 0.3 s of warm-up. The table gives the ticks of the timer, the
frames painted (paint events of the figure), the ticks that painted nothing before the next
one (dropped), the frames per second painted, how many frames short of 60 a second that is
(a tick comes late when the frame before took longer than 1/60 s) and the longest gap between
two paints.

Where a tick has nothing new to show, it paints nothing by design: the posterior's points
arrive at 50 a second (its fastest rate), so about one tick in six adds none. At 10⁶ Langevin
particles the frames are computed on a worker and painted when ready, whatever the ticks.
"""

import time

import numpy as np
from bench_report import PaintClock, report
from PyQt6 import QtWidgets

PLAY_SECONDS = 2.0
WARM_UP_SECONDS = 0.3

# (label, tab, changes to the defaults, why some ticks have nothing new to paint)
CASES = [
    ("SVD stages", "svd", {"stage": 0.0, "speed": 1.0}, ""),
    ("SVD ranks", "svd", {"view": "low-rank", "rank": 1}, "12 ranks/s: 4 ticks in 5 add none"),
    (
        "posterior, points arriving",
        "posterior",
        {"degree": 9, "rate": 50.0},
        "50 points/s: 1 tick in 6 adds none",
    ),
    ("Langevin, N = 10⁵", "langevin", {"n": 100_000, "initial": "uniform"}, ""),
    ("Langevin, N = 10⁶", "langevin", {"n": 1_000_000, "initial": "uniform"}, ""),
    ("transport 1-D (defaults)", "transport", {}, ""),
    ("transport 2-D (defaults)", "transport", {"dimension": "2d"}, ""),
]
EXPECTED = round(60 * PLAY_SECONDS)  # frames at 60 fps


class TickClock:
    """Wraps an animator's advance: when each tick came."""

    def __init__(self, animator):
        self.times: list[float] = []
        self._animator, self._advance = animator, animator._advance
        animator._advance = self._tick

    def _tick(self, amount: float) -> bool:
        self.times.append(time.perf_counter())
        return self._advance(amount)

    def remove(self) -> None:
        self._animator._advance = self._advance


def play(qtbot, tab, seconds: float) -> tuple[list[float], list[float]]:
    """Play ``seconds`` after a warm-up; the tick times and the paint times."""
    viewport = tab.figure_view().viewport()
    ticks, paints = TickClock(tab.animator), PaintClock()
    viewport.installEventFilter(paints)
    tab.animator.play()
    try:
        qtbot.wait(round(WARM_UP_SECONDS * 1000))
        start = time.perf_counter()
        qtbot.wait(round(seconds * 1000))
        end = time.perf_counter()
    finally:
        tab.animator.pause()
        ticks.remove()
        viewport.removeEventFilter(paints)
        QtWidgets.QApplication.processEvents()
    return (
        [t for t in ticks.times if start <= t <= end],
        [t for t in paints.times if start <= t <= end],
    )


def test_every_playback_for_two_seconds(qtbot, window):
    rows = []
    for label, name, changes, note in CASES:
        window.select_tab(name)
        tab = window.tabs[name]
        tab.restore({**tab.default_state(), **changes}, label="bench")
        tab.settle()
        QtWidgets.QApplication.processEvents()
        ticks, paints = play(qtbot, tab, PLAY_SECONDS)
        # a tick is dropped when no paint comes before the next tick (the last has no next)
        painted_after = np.searchsorted(paints, ticks[:-1])  # first paint at or after a tick
        dropped = sum(
            1
            for index, first in enumerate(painted_after)
            if first >= len(paints) or paints[first] >= ticks[index + 1]
        )
        gaps = np.diff(paints) if len(paints) > 1 else np.array([PLAY_SECONDS])
        rows.append(
            (
                label,
                str(len(ticks)),
                str(len(paints)),
                str(dropped),
                f"{len(paints) / PLAY_SECONDS:.1f}",
                str(max(EXPECTED - len(paints), 0)),
                f"{gaps.max() * 1e3:.0f}",
                note,
            )
        )
        assert len(paints) > 0, f"{label}: nothing was painted"
    header = (
        "playing for 2 s",
        "ticks",
        "frames painted",
        "dropped",
        "frames/s",
        f"short of {EXPECTED}",
        "longest gap ms",
        "",
    )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    print()
    for row in [header, *rows]:
        print(" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    for row in rows:
        report(
            f"Playback 2 s, {row[0]}",
            f"{row[2]} frames painted of {row[1]} ticks ({row[4]} frames/s), {row[3]} dropped, "
            f"longest gap {row[6]} ms" + (f" ({row[7]})" if row[7] else ""),
        )
