"""A measured run as the complexity tab keeps, saves and draws it: the medians and ranges of the
timings (no raw repeats), how the run ended, and the facts of the machine it ran on that the
readouts quote. A scene stores it as run progress, so reopening shows the same points."""

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from core import complexity as cx
from mlphys_gui.tabs.complexity.state import OPERATION_KEYS, SCHEMA

COLUMNS = 5  # operation index, n, median, fastest, slowest
MAX_SKIPPED = SCHEMA.progress["skipped_seconds"].high


def _table(rows) -> np.ndarray:
    table = np.array(rows, dtype=float).reshape(-1, COLUMNS)
    table.setflags(write=False)
    return table


@dataclass(frozen=True)
class Run:
    """What a measurement gave (``outcome`` "none": nothing measured yet)."""

    timings: np.ndarray = field(default_factory=lambda: _table([]))
    outcome: str = "none"
    elapsed: float = 0.0
    skipped_seconds: float = 0.0
    memory_cap: int = 0
    threads_used: int = 0
    peak_gflops: float = 0.0
    peak_threads: int = 0

    @classmethod
    def from_result(cls, result: cx.TimingResult, **facts) -> "Run":
        """A core result with the facts of the run (memory cap, threads, peak)."""
        rows = [
            (OPERATION_KEYS.index(p.operation), p.n, p.median, p.low, p.high) for p in result.points
        ]
        skipped = min(result.skipped_seconds, MAX_SKIPPED)  # beyond: "forever" all the same
        return cls(_table(rows), result.outcome, result.elapsed, skipped, **facts)

    @classmethod
    def from_progress(cls, progress: dict[str, Any]) -> "Run":
        """The run a scene's progress (checked against SCHEMA) describes."""
        return cls(
            _table(progress["timings"]),
            progress["outcome"],
            progress["elapsed"],
            progress["skipped_seconds"],
            progress["memory_cap"],
            progress["threads_used"],
            progress["peak_gflops"],
            progress["peak_threads"],
        )

    def progress(self) -> dict[str, Any]:
        """The run as JSON values of SCHEMA.progress."""
        values = {
            "timings": self.timings,
            "outcome": self.outcome,
            "elapsed": self.elapsed,
            "skipped_seconds": self.skipped_seconds,
            "memory_cap": self.memory_cap,
            "threads_used": self.threads_used,
            "peak_gflops": self.peak_gflops,
            "peak_threads": self.peak_threads,
        }
        fields = SCHEMA.progress
        return {key: fields[key].to_json(fields[key].check(value)) for key, value in values.items()}

    @property
    def measured(self) -> bool:
        return self.outcome not in ("none", "running")

    def with_outcome(self, outcome: str) -> "Run":
        return replace(self, outcome=outcome)

    def operations(self) -> list[str]:
        """The operations with at least one point, in the order of OPERATION_KEYS."""
        present = set(self.timings[:, 0].astype(int).tolist())
        return [key for index, key in enumerate(OPERATION_KEYS) if index in present]

    def series(self, operation: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(n, median, fastest, slowest) of one operation, by increasing n."""
        rows = self.timings[self.timings[:, 0] == OPERATION_KEYS.index(operation)]
        rows = rows[np.argsort(rows[:, 1], kind="stable")]
        return rows[:, 1], rows[:, 2], rows[:, 3], rows[:, 4]

    def fit(self, operation: str) -> cx.ExponentFit | None:
        """The slope over the upper half of the operation's sizes (core.complexity)."""
        n, median, _fastest, _slowest = self.series(operation)
        return cx.fit_exponent(n, median)

    def sizes(self) -> list[int]:
        """The sizes measured, increasing."""
        return sorted({int(n) for n in self.timings[:, 1]})

    def up_to(self, count: int) -> "Run":
        """The points of the first ``count`` sizes only (a recording reveals them one by one)."""
        sizes = self.sizes()[:count]
        keep = np.isin(self.timings[:, 1], sizes)
        return replace(self, timings=_table(self.timings[keep]), outcome="running")
