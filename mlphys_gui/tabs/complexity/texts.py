"""What the complexity tab says about a run, in its readouts and under its plots: how far the
measurement got (and why it stopped), the memory it needed, each fitted exponent beside the
notes', the products' rates against the estimated peak."""

import math
from collections.abc import Mapping
from typing import Any

from core import complexity as cx
from mlphys_gui.tabs.complexity.record import Run
from mlphys_gui.tabs.complexity.state import OPERATION_KEYS
from mlphys_gui.tabs.complexity.timing import usable_cores

UNITS = ((1e-6, "ns", 1e9), (1e-3, "µs", 1e6), (1.0, "ms", 1e3), (120.0, "s", 1.0))


def seconds_text(t: float) -> str:
    """3.2 µs, 5.41 ms, 0.27 s, 3.2 min, 1.5 h, 2.1 days."""
    for limit, unit, scale in UNITS:
        if t < limit:
            return f"{t * scale:.3g} {unit}"
    for limit, unit, scale in ((7200.0, "min", 60.0), (172_800.0, "h", 3600.0)):
        if t < limit:
            return f"{t / scale:.2g} {unit}"
    return f"{t / 86_400:.2g} days"


def bytes_text(size: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if size < 1000:
            return f"{size:.3g} {unit}"
        size /= 1000
    return f"{size:.3g} TB"


def expected(key: str) -> str:
    """The exponent to compare a fitted slope with: the notes' (§1.3), or the loops'."""
    if key == "python":
        return "three loops: 3"
    return f"notes {cx.OPERATIONS[key].notes_exponent:g}"


def selected(values: Mapping[str, Any]) -> list[str]:
    return [key for key in OPERATION_KEYS if values[key]]


def planned_sizes(values: Mapping[str, Any], memory_cap: int) -> tuple[int, ...]:
    """The sizes a measurement of these settings times (up to the memory cap, if any)."""
    grid = cx.size_grid(values["n_max"])
    return tuple(n for n in grid if not memory_cap or n <= memory_cap) or grid[:1]


def planned_points(values: Mapping[str, Any], sizes: tuple[int, ...]) -> int:
    return sum(n <= cx.OPERATIONS[key].max_n for key in selected(values) for n in sizes)


def needed_bytes(values: Mapping[str, Any], n: int) -> float:
    """The largest working memory of the selected operations up to n (each up to its max_n)."""
    return max(
        cx.working_bytes(key, min(n, cx.OPERATIONS[key].max_n), values["dtype"])
        for key in selected(values)
    )


def status(run: Run, values: Mapping[str, Any]) -> str:
    """How far the measurement got, in a few words."""
    sizes = run.sizes()
    points = len(run.timings)
    if run.outcome == "none":
        if not selected(values):
            return "no operation chosen"
        return "not measured yet"
    if run.outcome == "running":
        total = planned_points(values, planned_sizes(values, run.memory_cap))
        at = f"n = {sizes[-1]}: " if sizes else ""
        return f"measuring {at}{points} of {total} points"
    if run.outcome == "complete":
        return f"complete: {points} points in {seconds_text(run.elapsed)}"
    if not sizes:
        return "cancelled"
    verb = "cancelled" if run.outcome == "cancelled" else "stopped by the budget"
    return f"{verb} at n = {sizes[-1]} ({points} points)"


def skipped(run: Run, values: Mapping[str, Any]) -> str:
    """What a run stopped by the time budget left out, and what it would have cost."""
    sizes = run.sizes()
    later = [n for n in planned_sizes(values, run.memory_cap) if sizes and n > sizes[-1]]
    if run.outcome != "time_capped" or not later:
        return "—"
    return f"n = {later[0]}…{later[-1]}: ≈ {seconds_text(run.skipped_seconds)} more"


def stopped_why(run: Run, values: Mapping[str, Any]) -> str:
    """Why a time-capped run stopped, and what the sizes it left out would have cost."""
    sizes = run.sizes()
    later = [n for n in planned_sizes(values, run.memory_cap) if sizes and n > sizes[-1]]
    if not later:
        return "stopped by the time budget"
    calls = [
        run.series(key)[1][-1] * (later[0] / run.series(key)[0][-1]) ** cx.PREDICTION_EXPONENT
        for key in run.operations()
        if later[0] <= cx.OPERATIONS[key].max_n
    ]
    longest = max(calls, default=0.0)
    reason = (
        f"one call would take ≈ {seconds_text(longest)}"
        if longest > cx.MAX_CALL_SECONDS
        else f"the {values['budget']:g} s budget"
    )
    return (
        f"n = {later[0]} not started ({reason}): n up to {later[-1]} would take "
        f"≈ {seconds_text(run.skipped_seconds)} more"
    )


def memory(run: Run, values: Mapping[str, Any]) -> str:
    """The working memory of the largest matrices, and the cap if they did not fit."""
    n_max = values["n_max"]
    if not selected(values):
        return "—"
    need = needed_bytes(values, n_max)
    if run.memory_cap and run.memory_cap < n_max:
        return f"n ≤ {run.memory_cap}: n = {n_max} needs ≈ {bytes_text(need)}"
    return f"≈ {bytes_text(need)} at n = {n_max}"


def exponent(run: Run, key: str) -> str:
    """The fitted slope ± its standard error, and the median time at the largest n."""
    n, median, _fastest, _slowest = run.series(key)
    if not n.size:
        return "—"
    fit = run.fit(key)
    if fit is None:
        slope = "–"
    elif math.isnan(fit.stderr):
        slope = f"{fit.slope:.2f}"
    else:
        slope = f"{fit.slope:.2f} ± {fit.stderr:.2f}"
    return f"{slope} · {seconds_text(median[-1])} at {int(n[-1])}"


def rates(run: Run) -> dict[str, str]:
    """The product's rate against the peak, and the triple loop's against BLAS at its n."""
    texts = {"rate": "—", "python_rate": "—", "peak": "—"}
    blas_n, blas_t, _f, _s = run.series("product")
    if blas_n.size:
        gflops = cx.product_rate(blas_n[-1], blas_t[-1]) / 1e9
        share = f" ({100 * gflops / run.peak_gflops:.0f} % of peak)" if run.peak_gflops else ""
        texts["rate"] = f"{gflops:.3g} GFLOP/s{share}"
    loop_n, loop_t, _f, _s = run.series("python")
    if loop_n.size:
        n, gflops = int(loop_n[-1]), cx.product_rate(loop_n[-1], loop_t[-1]) / 1e9
        texts["python_rate"] = f"{gflops:.2g} GFLOP/s"
        same = blas_t[blas_n == n]
        if same.size:
            texts["python_rate"] += f", {loop_t[-1] / same[0]:.0f}× slower"
    if run.peak_gflops:
        threads = f"{run.peak_threads} thread{'s' if run.peak_threads != 1 else ''}"
        texts["peak"] = f"≈ {run.peak_gflops:.3g} GFLOP/s: {cx.PEAK_N}² AB, {threads}"
    return texts


def readouts(run: Run, values: Mapping[str, Any]) -> dict[str, str]:
    """Every readout of the tab, by id."""
    cores = usable_cores()
    used = str(run.threads_used) if run.threads_used else "—"
    return {
        "status": status(run, values),
        "skipped": skipped(run, values),
        "memory": memory(run, values),
        **{key: exponent(run, key) for key in OPERATION_KEYS},
        **rates(run),
        "threads": f"{used} (machine: {cores} core{'s' if cores != 1 else ''})",
    }


def caption(run: Run, values: Mapping[str, Any]) -> str:
    """The two lines under the plots (exported with them): how the points were measured, and
    how far the measurement got."""
    threads = run.threads_used or values["threads"] or "all"
    plural = "" if threads == 1 else "s"
    how = (
        f"{values['dtype']}, {threads} BLAS thread{plural}, seed {values['seed']}: each point is "
        f"the median of {values['repeats']} repeats, its bar spans the fastest to the slowest"
    )
    where = status(run, values)
    if run.outcome == "time_capped":
        where += f"; {stopped_why(run, values)}"
    elif run.memory_cap and run.memory_cap < values["n_max"]:
        where += f"; memory: {memory(run, values)}"
    return f"{how}<br>{where}"
