"""The complexity tab's measurement, run off the GUI thread by a LatestJob.

BLAS threads: the app limits BLAS to one thread for the whole process (mlphys_gui/app.py). A
measurement sets the number asked for with threadpoolctl and puts the previous number back when
it ends, is cancelled or fails. OpenBLAS keeps one thread count per process, not per thread, so
while a measurement with k > 1 threads runs, the BLAS calls of other workers (a double-descent
sweep, the transport samplers) may use k threads too. One measurement runs at a time: a new one
waits until the one it superseded has noticed its cancel (at most one call), so two never time
each other and the thread limits are restored in the order they were set.

threadpoolctl (3.6 on) lets only one Python thread set OpenBLAS's process-wide count: the first
that did, here the GUI thread at start-up; from any other thread it does nothing, silently. The
GUI thread sets no limit after start-up, so a measurement takes over that control
(``clear_controlling_thread(force=True)``, threadpoolctl's documented way) and gives it up when
its limit ends. The threads in force are read back, not assumed.

The machine's peak is estimated once per precision and process: the best of three float
products of size core.complexity.PEAK_N on all cores (a measurement, labelled an estimate).
"""

import os
import threading
from dataclasses import dataclass

import threadpoolctl
from threadpoolctl import threadpool_info, threadpool_limits

from core import complexity as cx
from mlphys_gui.tabs.complexity.record import Run

_ONE_AT_A_TIME = threading.Lock()
_PEAKS: dict[str, tuple[float, int]] = {}  # precision → (GFLOP/s, threads)


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def blas_threads(asked: int) -> int:
    """The BLAS threads a measurement uses for the number asked (0: all cores): never more
    than the cores."""
    cores = usable_cores()
    return cores if asked == 0 else min(asked, cores)


@dataclass(frozen=True)
class Measurement:
    """What the worker needs, frozen: the request, the threads and the memory cap (0: none)."""

    request: cx.TimingRequest
    threads: int
    memory_cap: int


def _threads_in_force() -> int:
    """The threads of the BLAS numpy calls (scipy may load another BLAS of its own)."""
    blas = [info for info in threadpool_info() if info["user_api"] == "blas"]
    numpy_blas = [info for info in blas if "numpy" in info["filepath"]] or blas
    return max((info["num_threads"] for info in numpy_blas), default=1)


def _blas_limit(threads: int) -> threadpool_limits:
    """threadpool_limits for this thread (see the module's docstring on control)."""
    controller = getattr(threadpoolctl, "OpenBLASController", None)
    take_control = getattr(controller, "clear_controlling_thread", None)
    if take_control is not None:
        take_control(force=True)
    return threadpool_limits(limits=threads, user_api="blas")


def peak(dtype: str) -> tuple[float, int]:
    """(GFLOP/s, threads) of the best large product on all cores, measured once per precision."""
    if dtype not in _PEAKS:
        with _blas_limit(usable_cores()):
            rate = cx.gemm_rate(cx.PEAK_N, dtype)
            _PEAKS[dtype] = (rate / 1e9, _threads_in_force())
    return _PEAKS[dtype]


def measure(job: Measurement, *, progress, cancel) -> Run | None:
    """Time ``job.request`` with ``job.threads`` BLAS threads; ``progress(run)`` after every
    point. None if cancelled before it started."""
    with _ONE_AT_A_TIME:
        if cancel():
            return None
        peak_gflops, peak_threads = peak(job.request.dtype)
        with _blas_limit(job.threads):
            facts = {
                "memory_cap": job.memory_cap,
                "threads_used": _threads_in_force(),
                "peak_gflops": peak_gflops,
                "peak_threads": peak_threads,
            }
            result = cx.measure(
                job.request,
                progress=lambda partial: progress(Run.from_result(partial, **facts)),
                cancel=cancel,
            )
    return Run.from_result(result, **facts)
