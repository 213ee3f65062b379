"""Large particle arrays in fixed chunks, advanced by all cores at once (used by core.langevin).

NumPy releases the GIL inside its array loops and random fills, so threads give a real speed-up
on the many independent particles of eqs. 9.1–9.2. The chunks, not the threads, own the random
streams: results depend on the seed only, never on how many threads ran them.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np

from core.checks import count, seed

CHUNK = 1 << 14  # particles per chunk: small enough to balance cores, and to stay in cache
WORKERS = max(1, min(4, os.cpu_count() or 1))  # threads sharing a call, the caller included

T = TypeVar("T")
_pool: ThreadPoolExecutor | None = None


def spans(n: int) -> list[tuple[int, int]]:
    """The chunks of ``range(n)`` as half-open (start, stop) pairs of at most CHUNK each."""
    n = count(n, "n", 0, 10**12)
    return [(a, min(a + CHUNK, n)) for a in range(0, n, CHUNK)]


def streams(seed_value: int, n: int) -> list[np.random.Generator]:
    """One independent random generator per chunk of ``range(n)``, spawned from the seed."""
    children = np.random.SeedSequence(seed(seed_value)).spawn(len(spans(n)))
    return [np.random.default_rng(child) for child in children]


def run(task: Callable[[int, int, int], T], n: int) -> list[T]:
    """``task(j, start, stop)`` for every chunk j of ``range(n)``; the results in chunk order.

    The chunks are split into ``WORKERS`` contiguous runs that go in parallel (one in the
    calling thread). Floating-point warnings are silenced in every thread alike: the tasks
    check their own results (the ensembles do, for divergence). An exception in a task is
    raised here after all runs have finished, so no thread still writes to the arrays.
    """
    chunks = spans(n)
    parts = min(WORKERS, len(chunks))
    if parts <= 1:
        return _run_part(task, chunks, 0)
    cuts = [round(i * len(chunks) / parts) for i in range(parts + 1)]
    futures = [
        _executor().submit(_run_part, task, chunks[cuts[i] : cuts[i + 1]], cuts[i])
        for i in range(1, parts)
    ]
    try:
        results = _run_part(task, chunks[: cuts[1]], 0)
    finally:
        done = [future.exception() for future in futures]  # waits for every run
    for error in done:
        if error is not None:
            raise error
    for future in futures:
        results += future.result()
    return results


def _run_part(task, chunks: list[tuple[int, int]], first: int) -> list:
    with np.errstate(all="ignore"):
        return [task(first + j, a, b) for j, (a, b) in enumerate(chunks)]


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(WORKERS - 1, thread_name_prefix="core-chunks")
        atexit.register(_pool.shutdown, wait=False)
    return _pool
