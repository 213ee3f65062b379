"""The cost of linear algebra, measured (notes §1.3).

The notes list the time complexity of the matrix product, O(n^2.8); of ``numpy.linalg.solve``,
O(n³); of the SVD of an n×m matrix (n ≤ m), O(mn²); and of the determinant, O(n³) — and warn
that "the time complexity of an algorithm doesn't translate to the actual run time". This
module measures the run time on random matrices for n on a log grid, so that both show: the
slope of log t against log n at large n, and the constant factors, cache and BLAS effects and
interpreter overhead that the O(·) leaves out.

The notes' 2.8 for the product is Strassen's exponent log₂7 ≈ 2.807 (seven half-size products
instead of eight, recursively). BLAS libraries (OpenBLAS, MKL) do the classical 2n³ flops,
blocked for the caches, so a measured product grows as n³.

Contents
--------
``OPERATIONS``
    What can be timed: ``Operation`` records keyed ``"product"``, ``"solve"``, ``"svd"``,
    ``"svd_wide"`` (n × 4n), ``"det"`` and ``"python"`` (the triple loop of
    :func:`python_product`).
``size_grid(n_max)``
    The sizes n: ``PER_OCTAVE`` per doubling from ``SIZE_MIN`` to n_max.
``working_bytes(operation, n, dtype)``, ``memory_limit(...)``, ``available_memory()``
    The memory a size needs, and the largest sizes that fit.
``measure(request, clock=…, operations=…, progress=…, cancel=…)``
    The timings (``TimingResult``): per operation and size the per-call time of each repeat;
    stops before a size whose predicted cost would overrun the request's time budget.
``fit_exponent(n, seconds)``
    The least-squares slope of log t against log n over the upper half of the sizes.
``gemm_rate(n, dtype)``, ``product_rate(n, seconds)``
    Floating-point operations per second of a matrix product (2n³ flops).

The clock and the operations are arguments of :func:`measure`, so tests run it exactly and at
once on a synthetic clock.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core.checks import array as _array
from core.checks import callback as _callback
from core.checks import count as _count
from core.checks import real as _real
from core.checks import seed as _seed

__all__ = [
    "OPERATIONS",
    "ExponentFit",
    "Operation",
    "Timing",
    "TimingRequest",
    "TimingResult",
    "available_memory",
    "fit_exponent",
    "gemm_rate",
    "measure",
    "memory_limit",
    "product_rate",
    "python_product",
    "size_grid",
    "working_bytes",
]

FloatArray = NDArray[np.float64]

#: The smallest size timed, and how many sizes per doubling of n.
SIZE_MIN = 16
PER_OCTAVE = 3
#: The largest size any request may name (a 65536² float64 matrix is 32 GiB).
MAX_N = 65_536
#: The pure-Python triple loop runs up to this n only: it is ~1000× slower than BLAS (n = 128
#: takes about 0.1 s a call, n = 256 about 0.7 s, on a 2.6 GHz core).
PYTHON_MAX_N = 128
#: A repeat of a short call loops it until the repeat lasts this long; the time per call is
#: the repeat's time over the number of calls. Long enough for the timer's resolution (and the
#: loop's own overhead, ~30 ns a call) not to matter; short beside the scheduler's time slices,
#: so that another program on the machine interrupts few repeats.
MIN_REPEAT_SECONDS = 0.002
MAX_CALLS = 100_000
#: No size is started whose single call is predicted to take longer than this: a call cannot
#: be interrupted, so Cancel answers within about this time.
MAX_CALL_SECONDS = 10.0
#: The shortest time a call is said to take (a clock that did not move).
TIME_FLOOR = 1e-12
#: The exponent used to predict the next size's time from the last one (the classical n³).
PREDICTION_EXPONENT = 3.0
#: A request may use this fraction of the memory available when it is planned.
MEMORY_FRACTION = 0.5
#: Assumed available memory when the system does not say (bytes).
FALLBACK_MEMORY = 4 * 2**30
#: Size of the matrix product whose rate estimates the machine's peak (``gemm_rate``).
PEAK_N = 2048
DTYPES = ("float64", "float32")
OUTCOMES = ("running", "complete", "cancelled", "time_capped")
#: Bytes of one entry of a list of Python floats: an 8-byte pointer to a 24-byte float object.
PYTHON_FLOAT_BYTES = 32


# --------------------------------------------------------------------------------------------
# the operations
# --------------------------------------------------------------------------------------------


def python_product(A: Sequence[Sequence[float]], B: Sequence[Sequence[float]]) -> list[list[float]]:
    """The matrix product C = AB by the textbook triple loop, in pure Python.

    ``C[i][j] = Σ_k A[i][k] B[k][j]``: n·m·p multiplications and as many additions, the same
    classical algorithm BLAS runs, without vector instructions, cache blocking or compiled
    code. Python floats are double precision whatever the inputs were.

    Parameters
    ----------
    A : sequence of sequences of float, shape (n, m)
    B : sequence of sequences of float, shape (m, p)

    Returns
    -------
    list of lists of float, shape (n, p)

    Raises
    ------
    ValueError
        If A or B is not a non-empty rectangular table of finite numbers, or their inner sizes
        differ.
    """
    a = _array(A, "A", ndim=2, min_size=1)
    b = _array(B, "B", ndim=2, min_size=1)
    if a.shape[1] != b.shape[0]:
        raise ValueError(f"B must have {a.shape[1]} rows to multiply A {a.shape}, got {b.shape}")
    return _triple_loop(a.tolist(), b.tolist())


def _triple_loop(A: list[list[float]], B: list[list[float]]) -> list[list[float]]:
    inner, columns = len(B), len(B[0])
    C = []
    for row in A:
        out = [0.0] * columns
        for j in range(columns):
            total = 0.0
            for k in range(inner):
                total += row[k] * B[k][j]
            out[j] = total
        C.append(out)
    return C


def _random_matrix(rng: np.random.Generator, rows: int, cols: int, dtype: str) -> np.ndarray:
    """Entries N(0, e/n), n = cols: then |det A| stays of order one at every n. (With N(0, 1)
    entries |det A| ≈ √(n!), which overflows float64 from n ≈ 300 and float32 from n ≈ 60.)"""
    scale = math.sqrt(math.e / cols)
    return (rng.standard_normal((rows, cols)) * scale).astype(dtype, copy=False)


def _two_square(n, dtype, rng):
    return _random_matrix(rng, n, n, dtype), _random_matrix(rng, n, n, dtype)


def _square_and_vector(n, dtype, rng):
    return _random_matrix(rng, n, n, dtype), rng.standard_normal(n).astype(dtype)


def _square(n, dtype, rng):
    return (_random_matrix(rng, n, n, dtype),)


def _wide(n, dtype, rng):
    return (_random_matrix(rng, n, 4 * n, dtype),)


def _two_lists(n, dtype, rng):
    A, B = _two_square(n, "float64", rng)
    return A.tolist(), B.tolist()


def _thin_svd(A):
    return np.linalg.svd(A, full_matrices=False)


@dataclass(frozen=True)
class Operation:
    """One timed computation.

    Attributes
    ----------
    key, label : str
        Its name in requests and results, and on screen.
    notes : str
        What the notes (§1.3) say it costs, e.g. ``"O(n^2.8)"``.
    notes_exponent : float
        The exponent of n in the notes' claim (m = 4n for the n × 4n SVD).
    elements : float
        Its working memory, in units of n² entries (inputs, outputs and LAPACK's copies and
        workspace): an estimate.
    prepare : callable
        ``prepare(n, dtype, rng)``: the inputs, a tuple (not timed).
    run : callable
        ``run(*inputs)``: the timed call.
    max_n : int
        The largest n it is timed at.
    entry_bytes : int or None
        Bytes per entry; None: the dtype's.
    """

    key: str
    label: str
    notes: str
    notes_exponent: float
    elements: float
    prepare: Callable[[int, str, np.random.Generator], tuple]
    run: Callable[..., object]
    max_n: int = MAX_N
    entry_bytes: int | None = None


OPERATIONS: Mapping[str, Operation] = {
    op.key: op
    for op in (
        Operation("product", "matrix product AB", "O(n^2.8)", 2.8, 3, _two_square, np.matmul),
        Operation("solve", "solve Ax = b", "O(n³)", 3.0, 2, _square_and_vector, np.linalg.solve),
        Operation("svd", "SVD, n × n", "O(mn²), m = n", 3.0, 12, _square, _thin_svd),
        Operation("svd_wide", "SVD, n × 4n", "O(mn²), m = 4n", 3.0, 22, _wide, _thin_svd),
        Operation("det", "determinant", "O(n³)", 3.0, 2, _square, np.linalg.det),
        Operation(
            "python",
            "pure-Python triple loop",
            "O(n³), as written",
            3.0,
            3,
            _two_lists,
            _triple_loop,
            max_n=PYTHON_MAX_N,
            entry_bytes=PYTHON_FLOAT_BYTES,
        ),
    )
}


# --------------------------------------------------------------------------------------------
# sizes and memory
# --------------------------------------------------------------------------------------------


def size_grid(n_max: int, n_min: int = SIZE_MIN, per_octave: int = PER_OCTAVE) -> tuple[int, ...]:
    """The sizes timed: ``round(n_min · 2^(k/per_octave))`` for k = 0, 1, … up to n_max.

    n_max itself is the last size; a grid size within 2^(1/(2·per_octave)) of it gives way to it.

    Parameters
    ----------
    n_max : int
        Largest size, in [n_min, MAX_N].
    n_min : int
        Smallest size, in [1, MAX_N].
    per_octave : int
        Sizes per doubling of n, in [1, 24].

    Returns
    -------
    tuple of int
        Strictly increasing, from n_min to n_max.
    """
    n_min = _count(n_min, "n_min", 1, MAX_N)
    n_max = _count(n_max, "n_max", n_min, MAX_N)
    per_octave = _count(per_octave, "per_octave", 1, 24)
    octaves = math.log2(n_max / n_min)
    steps = np.arange(math.floor(octaves * per_octave) + 1)
    sizes = np.unique(np.round(n_min * 2.0 ** (steps / per_octave)).astype(np.int64))
    kept = [int(n) for n in sizes if n * 2 ** (0.5 / per_octave) < n_max]
    return tuple(dict.fromkeys([*kept, n_max]))


def working_bytes(operation: str, n: int, dtype: str = "float64") -> float:
    """Estimated memory (bytes) one call of ``operation`` at size n uses: inputs, outputs and
    LAPACK's copies and workspace (``Operation.elements`` n² entries).

    Parameters
    ----------
    operation : str
        A key of ``OPERATIONS``.
    n : int
        Size, in [1, MAX_N].
    dtype : str
        ``"float64"`` or ``"float32"`` (the pure-Python loop keeps Python floats either way).
    """
    op = _operation(operation, OPERATIONS)
    n = _count(n, "n", 1, MAX_N)
    entry = op.entry_bytes or np.dtype(_dtype(dtype)).itemsize
    return float(op.elements * n * n * entry)


def available_memory() -> int | None:
    """Bytes of memory available now: MemAvailable of /proc/meminfo (Linux), else the free
    physical pages the system reports; None when it says neither."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def memory_limit(
    operations: Sequence[str], sizes: Sequence[int], dtype: str, available: float | None
) -> int:
    """The largest of ``sizes`` up to which every one of ``operations`` timed there (up to its
    ``max_n``) fits in MEMORY_FRACTION of ``available`` bytes (None: FALLBACK_MEMORY); 0 when
    not even the smallest fits.

    Parameters
    ----------
    operations : sequence of str
        Keys of ``OPERATIONS``.
    sizes : sequence of int
        Strictly increasing sizes (``size_grid``).
    dtype : str
        ``"float64"`` or ``"float32"``.
    available : float or None
        Bytes available (``available_memory()``), > 0.
    """
    keys = _operation_keys(operations, OPERATIONS)
    grid = _sizes(sizes)
    budget = MEMORY_FRACTION * (
        FALLBACK_MEMORY if available is None else _real(available, "available", lo=0, lo_open=True)
    )
    largest = 0
    for n in grid:
        timed = [key for key in keys if n <= OPERATIONS[key].max_n]
        if any(working_bytes(key, n, dtype) > budget for key in timed):
            break
        largest = n
    return largest


# --------------------------------------------------------------------------------------------
# requests and results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimingRequest:
    """What to time: a frozen snapshot a worker thread can take.

    Attributes
    ----------
    operations : tuple of str
        Keys of the operations to time (of ``OPERATIONS``, or of the mapping handed to
        :func:`measure`), at least one, no repeats.
    sizes : tuple of int
        Strictly increasing sizes n in [1, MAX_N] (``size_grid``); an operation is timed at
        those up to its ``max_n``.
    dtype : str
        ``"float64"`` or ``"float32"``.
    repeats : int
        Timed repeats per point, in [1, 1000]; each point is their median.
    seed : int
        ≥ 0: the same seed, the same matrices (each operation and size has its own stream).
    budget : float
        Seconds, > 0: no size is started whose predicted cost would take the measurement past
        this.
    """

    operations: tuple[str, ...]
    sizes: tuple[int, ...]
    dtype: str = "float64"
    repeats: int = 5
    seed: int = 0
    budget: float = 30.0

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if isinstance(self.operations, str) or not isinstance(self.operations, Sequence):
            raise ValueError(f"operations must be a sequence of names, got {self.operations!r}")
        names = tuple(self.operations)
        if not names or not all(isinstance(name, str) for name in names):
            raise ValueError(f"operations must name at least one operation, got {names!r}")
        if len(set(names)) != len(names):
            raise ValueError(f"operations must not repeat a name, got {names!r}")
        set_(self, "operations", names)
        set_(self, "sizes", _sizes(self.sizes))
        set_(self, "dtype", _dtype(self.dtype))
        set_(self, "repeats", _count(self.repeats, "repeats", 1, 1000))
        set_(self, "seed", _seed(self.seed))
        set_(self, "budget", _real(self.budget, "budget", lo=0.0, lo_open=True))


@dataclass(frozen=True)
class Timing:
    """The timing of one operation at one size.

    Attributes
    ----------
    operation : str
    n : int
    seconds : tuple of float
        The time per call of each repeat (> 0), in the order measured.
    calls : int
        Calls per repeat (short calls are looped: MIN_REPEAT_SECONDS).
    median, low, high : float
        The median of the repeats, and their smallest and largest time.
    """

    operation: str
    n: int
    seconds: tuple[float, ...]
    calls: int = 1
    median: float = field(init=False)
    low: float = field(init=False)
    high: float = field(init=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        times = _array(self.seconds, "seconds", ndim=1, min_size=1)
        if np.any(times <= 0):
            raise ValueError("seconds must all be > 0")
        set_(self, "n", _count(self.n, "n", 1, MAX_N))
        set_(self, "calls", _count(self.calls, "calls", 1, MAX_CALLS))
        set_(self, "seconds", tuple(float(t) for t in times))
        set_(self, "median", float(np.median(times)))
        set_(self, "low", float(times.min()))
        set_(self, "high", float(times.max()))


@dataclass(frozen=True)
class ExponentFit:
    """log t = log c + slope · log n, fitted by least squares.

    Attributes
    ----------
    slope : float
        The fitted exponent p of t ≈ c nᵖ.
    intercept : float
        log₁₀ c.
    stderr : float
        The standard error of the slope (NaN with two points).
    n_low, n_high : int
        The sizes fitted span [n_low, n_high].
    points : int
        How many sizes were fitted.
    """

    slope: float
    intercept: float
    stderr: float
    n_low: int
    n_high: int
    points: int

    def predict(self, n: ArrayLike) -> FloatArray | float:
        """The fitted time c nᵖ at n (> 0)."""
        sizes = _array(n, "n", ndim=(0, 1))
        if np.any(sizes <= 0):
            raise ValueError("n must be > 0")
        values = 10.0 ** (self.intercept + self.slope * np.log10(sizes))
        return float(values) if values.ndim == 0 else values


def fit_exponent(n: ArrayLike, seconds: ArrayLike) -> ExponentFit | None:
    """The exponent p of t ≈ c nᵖ over the upper half of the sizes (notes §1.3: the O(nᵖ)
    is a statement about large n).

    A least-squares line through (log₁₀ n, log₁₀ t) of the last ⌈k/2⌉ of the k points, by
    increasing n; at least two points are fitted. Nothing is smoothed: the points are the
    medians as measured.

    Parameters
    ----------
    n : array_like, shape (k,)
        Sizes, > 0 and strictly increasing.
    seconds : array_like, shape (k,)
        Times, > 0.

    Returns
    -------
    ExponentFit or None
        None with fewer than two points.
    """
    sizes = _array(n, "n", ndim=1)
    times = _array(seconds, "seconds", ndim=1)
    if sizes.shape != times.shape:
        raise ValueError(f"seconds must have the shape of n {sizes.shape}, got {times.shape}")
    if np.any(sizes <= 0) or np.any(np.diff(sizes) <= 0):
        raise ValueError("n must be positive and strictly increasing")
    if np.any(times <= 0):
        raise ValueError("seconds must all be > 0")
    k = sizes.size
    if k < 2:
        return None
    upper = slice(k - max(2, (k + 1) // 2), k)
    x, y = np.log10(sizes[upper]), np.log10(times[upper])
    dx = x - x.mean()
    slope = float(dx @ (y - y.mean()) / (dx @ dx))
    intercept = float(y.mean() - slope * x.mean())
    m = x.size
    if m > 2:
        residual = y - (intercept + slope * x)
        stderr = math.sqrt(float(residual @ residual) / (m - 2) / float(dx @ dx))
    else:
        stderr = math.nan
    return ExponentFit(slope, intercept, stderr, int(sizes[upper][0]), int(sizes[-1]), m)


@dataclass(frozen=True, eq=False)
class TimingResult:
    """The timings of a (possibly partial) measurement.

    Attributes
    ----------
    request : TimingRequest
    points : tuple of Timing
        In the order measured: by size, and at each size by the request's order of operations.
    outcome : str
        ``"running"`` (a partial result, reported while measuring), ``"complete"``,
        ``"cancelled"`` or ``"time_capped"`` (stopped before a size that would have overrun
        the budget, or whose one call would take longer than MAX_CALL_SECONDS).
    elapsed : float
        Seconds from the start to the last point (on the measuring clock).
    skipped_seconds : float
        ``"time_capped"``: the predicted cost of the sizes not measured (each operation's last
        time scaled as n³); else 0.
    """

    request: TimingRequest
    points: tuple[Timing, ...]
    outcome: str
    elapsed: float
    skipped_seconds: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.request, TimingRequest):
            raise ValueError(f"request must be a TimingRequest, got {type(self.request).__name__}")
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, got {self.outcome!r}")
        if not all(isinstance(point, Timing) for point in self.points):
            raise ValueError("points must be Timing records")
        object.__setattr__(self, "points", tuple(self.points))
        object.__setattr__(self, "elapsed", _real(self.elapsed, "elapsed", lo=0.0))
        skipped = _real(self.skipped_seconds, "skipped_seconds", lo=0.0)
        object.__setattr__(self, "skipped_seconds", skipped)

    def series(self, operation: str) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """(n, median, low, high) of one operation, by increasing n (empty if not timed)."""
        rows = [(p.n, p.median, p.low, p.high) for p in self.points if p.operation == operation]
        table = np.array(rows, dtype=float).reshape(-1, 4)
        return table[:, 0], table[:, 1], table[:, 2], table[:, 3]

    def fit(self, operation: str) -> ExponentFit | None:
        """The exponent of one operation over the upper half of its sizes (:func:`fit_exponent`)."""
        n, median, _low, _high = self.series(operation)
        return fit_exponent(n, median)


# --------------------------------------------------------------------------------------------
# measuring
# --------------------------------------------------------------------------------------------


class _CancelledError(Exception):
    pass


def _time_point(
    run: Callable[..., object],
    inputs: tuple,
    repeats: int,
    clock: Callable[[], float],
    cancel: Callable[[], bool],
) -> tuple[tuple[float, ...], int]:
    """Per-call seconds of each repeat, and the calls per repeat. One call first, untimed in
    the result (it loads code and caches), tells how many calls make a repeat last
    MIN_REPEAT_SECONDS."""
    start = clock()
    run(*inputs)
    first = clock() - start
    calls = int(min(MAX_CALLS, max(1, math.ceil(MIN_REPEAT_SECONDS / max(first, 1e-9)))))
    seconds = []
    for _ in range(repeats):
        if cancel():
            raise _CancelledError
        start = clock()
        for _ in range(calls):
            run(*inputs)
        seconds.append(max((clock() - start) / calls, TIME_FLOOR))
    return tuple(seconds), calls


def _predicted_call(last: Timing | None, n: int) -> float | None:
    """One call at n, from the operation's last point scaled as n³ (None: nothing to go on)."""
    if last is None:
        return None
    return last.median * (n / last.n) ** PREDICTION_EXPONENT


def _predicted_point(call: float, repeats: int) -> float:
    """A point's cost: the first call, then the repeats of looped calls."""
    calls = max(1, math.ceil(MIN_REPEAT_SECONDS / max(call, 1e-9)))
    return call * (1 + repeats * min(calls, MAX_CALLS))


def measure(
    request: TimingRequest,
    *,
    clock: Callable[[], float] = time.perf_counter,
    operations: Mapping[str, Operation] = OPERATIONS,
    progress: Callable[[TimingResult], object] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> TimingResult:
    """Time the request's operations at its sizes (notes §1.3).

    Size by size, each operation (up to its ``max_n``) gets fresh random inputs from its own
    stream of the seed, one call to warm up, then ``repeats`` timed repeats, each of as many
    calls as make it last MIN_REPEAT_SECONDS. Before a size is started its cost is predicted
    from each operation's last time scaled as n³; when that would take the measurement past
    ``request.budget`` seconds, or one call past MAX_CALL_SECONDS, the measurement stops there
    (``"time_capped"``) and says what the rest would have cost. The first size is always
    measured.

    Parameters
    ----------
    request : TimingRequest
    clock : callable
        Seconds, monotonic (``time.perf_counter``); tests pass a synthetic clock.
    operations : mapping of str to Operation
        Where the request's names are looked up (``OPERATIONS``; tests pass synthetic ones).
    progress : callable, optional
        ``progress(partial)`` after every point, ``partial`` a ``"running"`` TimingResult.
    cancel : callable, optional
        Polled before every point and repeat; once True, the measurement returns the points
        done (``"cancelled"``).

    Returns
    -------
    TimingResult
    """
    if not isinstance(request, TimingRequest):
        raise ValueError(f"request must be a TimingRequest, got {type(request).__name__}")
    if not callable(clock):
        raise ValueError(f"clock must be callable, got {clock!r}")
    keys = _operation_keys(request.operations, operations)
    progress = _callback(progress, "progress")
    cancel = _callback(cancel, "cancel") or (lambda: False)
    start = clock()
    points: list[Timing] = []
    last: dict[str, Timing] = {}
    outcome, skipped = "complete", 0.0

    def result(outcome_now: str) -> TimingResult:
        return TimingResult(request, tuple(points), outcome_now, max(clock() - start, 0.0), skipped)

    for index, n in enumerate(request.sizes):
        row = [key for key in keys if n <= operations[key].max_n]
        if not row:
            break
        calls = [_predicted_call(last.get(key), n) for key in row]
        cost = sum(_predicted_point(c, request.repeats) for c in calls if c is not None)
        longest = max((c for c in calls if c is not None), default=0.0)
        if index and (clock() - start + cost > request.budget or longest > MAX_CALL_SECONDS):
            outcome = "time_capped"
            skipped = _remaining_cost(request, keys, operations, last, index)
            break
        try:
            for key in row:
                if cancel():
                    raise _CancelledError
                op = operations[key]
                rng = np.random.default_rng([request.seed, list(operations).index(key), n])
                inputs = op.prepare(n, request.dtype, rng)
                seconds, per_repeat = _time_point(op.run, inputs, request.repeats, clock, cancel)
                del inputs
                last[key] = Timing(key, n, seconds, per_repeat)
                points.append(last[key])
                if progress is not None:
                    progress(result("running"))
        except _CancelledError:
            outcome = "cancelled"
            break
    return result(outcome)


def _remaining_cost(request, keys, operations, last, index) -> float:
    total = 0.0
    for n in request.sizes[index:]:
        for key in keys:
            call = _predicted_call(last.get(key), n)
            if call is not None and n <= operations[key].max_n:
                total += _predicted_point(call, request.repeats)
    return total


# --------------------------------------------------------------------------------------------
# rates
# --------------------------------------------------------------------------------------------


def product_rate(n: ArrayLike, seconds: ArrayLike) -> FloatArray | float:
    """Floating-point operations per second of an n×n matrix product taking ``seconds``: the
    classical algorithm's 2n³ flops (n³ multiplications, n²(n − 1) additions, rounded up)."""
    sizes = _array(n, "n", ndim=(0, 1))
    times = _array(seconds, "seconds", ndim=(0, 1))
    if np.any(sizes <= 0):
        raise ValueError("n must be > 0")
    if np.any(times <= 0):
        raise ValueError("seconds must be > 0")
    rate = 2.0 * sizes**3 / times
    return float(rate) if rate.ndim == 0 else rate


def gemm_rate(
    n: int = PEAK_N,
    dtype: str = "float64",
    repeats: int = 3,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """The best rate (flop/s) of ``repeats`` n×n matrix products: an estimate of the machine's
    peak with the BLAS threads in force (a large product is where BLAS comes closest to it).

    Parameters
    ----------
    n : int
        Size, in [1, 16384].
    dtype : str
        ``"float64"`` or ``"float32"``.
    repeats : int
        In [1, 100].
    clock : callable
        Seconds, monotonic.
    """
    n = _count(n, "n", 1, 16_384)
    dtype = _dtype(dtype)
    repeats = _count(repeats, "repeats", 1, 100)
    if not callable(clock):
        raise ValueError(f"clock must be callable, got {clock!r}")
    A, B = _two_square(n, dtype, np.random.default_rng(0))
    out = np.empty_like(A)
    best = math.inf
    for _ in range(repeats):
        start = clock()
        np.matmul(A, B, out=out)
        best = min(best, clock() - start)
    return float(product_rate(n, max(best, 1e-12)))


# --------------------------------------------------------------------------------------------
# argument checks
# --------------------------------------------------------------------------------------------


def _dtype(value: object) -> str:
    if value not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, got {value!r}")
    return str(value)


def _sizes(value: object) -> tuple[int, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence) or not value:
        raise ValueError(f"sizes must be a non-empty sequence of integers, got {value!r}")
    sizes = tuple(_count(n, "sizes", 1, MAX_N) for n in value)
    if any(b <= a for a, b in zip(sizes, sizes[1:], strict=False)):
        raise ValueError("sizes must be strictly increasing")
    return sizes


def _operation(key: object, operations: Mapping[str, Operation]) -> Operation:
    if not isinstance(key, str) or key not in operations:
        raise ValueError(f"operation must be one of {', '.join(operations)}, got {key!r}")
    return operations[key]


def _operation_keys(keys: object, operations: Mapping[str, Operation]) -> tuple[str, ...]:
    if isinstance(keys, str) or not isinstance(keys, Sequence) or not keys:
        raise ValueError(f"operations must name at least one operation, got {keys!r}")
    for key in keys:
        if not isinstance(key, str) or key not in operations:
            raise ValueError(f"operations must be among {', '.join(operations)}, got {key!r}")
    return tuple(keys)
