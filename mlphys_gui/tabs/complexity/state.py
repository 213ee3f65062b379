"""The complexity tab's declared state (notes §1.3): which operations to time, the sizes, the
precision, the BLAS threads, the repeats and the time budget; what the plot shows; and, as run
progress kept in scenes, the measured timings (so a scene reopens with the same points)."""

from core import complexity as cx
from mlphys_gui.state import Choice, Column, Flag, Integer, Real, Schema, Seed, Table

OPERATION_KEYS = tuple(cx.OPERATIONS)  # each operation is a Flag of the same name
N_MAX_RANGE = (32, 16_384)
MAX_THREADS = 64
PRECISIONS = {"float64": "float64 (double)", "float32": "float32 (single)"}
OUTCOMES = {
    "none": "not measured",
    "running": "measuring (interrupted)",
    "complete": "complete",
    "cancelled": "cancelled",
    "time_capped": "stopped by the time budget",
}
MAX_ROWS = len(OPERATION_KEYS) * len(cx.size_grid(N_MAX_RANGE[1]))


def _operation(key: str, tooltip: str, default: bool = True) -> Flag:
    op = cx.OPERATIONS[key]
    label = op.label if op.max_n == cx.MAX_N else f"{op.label} (n ≤ {op.max_n})"
    return Flag(default=default, label=label, tooltip=tooltip, equation=f"§1.3: {op.notes}")


SCHEMA = Schema(
    {
        "product": _operation(
            "product",
            "A @ B of two n×n matrices: BLAS's blocked classical algorithm, 2n³ flops.\n"
            "The notes' O(n^2.8) is Strassen's exponent log₂7 ≈ 2.81: seven products of\n"
            "half-size blocks instead of eight, recursively. BLAS does the classical O(n³),\n"
            "faster in practice at every n a laptop holds, so the measured slope is near 3.",
        ),
        "solve": _operation(
            "solve",
            "numpy.linalg.solve(A, b), b a vector: LU factorisation with partial pivoting\n"
            "(2n³/3 flops) and two triangular solves (2n²). The inverse, solve(A, I), adds 2n³.",
        ),
        "svd": _operation(
            "svd",
            "numpy.linalg.svd(A, full_matrices=False) of an n×n matrix: U, Σ and Vᵀ\n"
            "(LAPACK gesdd), many times the flops of a product.",
        ),
        "svd_wide": _operation(
            "svd_wide",
            "The SVD of an n×m matrix with m = 4n (U, Σ, Vᵀ): the notes' O(mn²) = 4n³,\n"
            "the same exponent as the square one. A tall 4n×n matrix costs the same.",
        ),
        "det": _operation(
            "det",
            "numpy.linalg.det: an LU factorisation (2n³/3 flops), then the product of U's\n"
            "diagonal. The entries are N(0, e/n), so that det A stays of order one: with\n"
            "N(0, 1) entries it is about √(n!) and overflows from n ≈ 300.",
        ),
        "python": _operation(
            "python",
            "C[i][j] = Σₖ A[i][k]·B[k][j] in three nested Python loops: the classical 2n³ flops\n"
            "of BLAS, about 1000× slower (an interpreter step per multiply-add; no vector\n"
            f"instructions, no cache blocking). Timed up to n = {cx.PYTHON_MAX_N} only: "
            "n = 256 takes about a\nsecond a call. Python floats are float64 whatever the "
            "precision chosen.",
        ),
        "n_max": Integer(
            default=512,
            label="n up to",
            low=N_MAX_RANGE[0],
            high=N_MAX_RANGE[1],
            log=True,
            tooltip=f"The largest matrix size: n runs from {cx.SIZE_MIN} on a log grid, "
            f"{cx.PER_OCTAVE} sizes per doubling.\nCapped where the matrices would not fit in "
            "half the memory available, and stopped\nbefore a size that would overrun the time "
            "budget; the plot then says what it would have cost.",
        ),
        "dtype": Choice(
            default="float64",
            label="precision",
            options=PRECISIONS,
            tooltip="float32 halves the memory and fits twice the numbers in a vector register: "
            "BLAS does\nabout twice the flops per second.",
        ),
        "threads": Integer(
            default=1,
            label="BLAS threads",
            low=0,
            high=MAX_THREADS,
            spin=True,
            tooltip="Threads BLAS uses while this tab measures (0: all cores; more than the "
            "cores are not used).\nThe app keeps BLAS on one thread, so that its workers do not "
            "fight over the cores; a\nmeasurement sets this number and puts one thread back "
            "when it ends or is cancelled.\nOpenBLAS's thread count is one setting for the whole "
            "program: meanwhile the BLAS calls\nof other tabs' workers (a double-descent sweep, "
            "the transport samplers) use as many.",
        ),
        "repeats": Integer(
            default=5,
            label="repeats",
            low=3,
            high=21,
            tooltip="Timed repeats per point: the point is their median, its bar spans the "
            "fastest to the slowest.\nA call shorter than "
            f"{cx.MIN_REPEAT_SECONDS * 1e3:g} ms is repeated within a repeat and timed per call.",
        ),
        "budget": Real(
            default=30.0,
            label="time budget",
            low=5.0,
            high=600.0,
            log=True,
            digits=3,
            unit="s",
            tooltip="No size is started whose predicted cost (each operation's last time "
            "scaled as n³) would\ntake the measurement past this; it stops there and says what "
            "the rest would have cost.",
        ),
        "seed": Seed(0),
        "show_guides": Flag(
            default=True,
            label="guides n², n^2.81, n³",
            tooltip="Lines of slope 2, log₂7 ≈ 2.81 (Strassen, the notes' 2.8) and 3 through "
            "the last point of the first operation timed",
        ),
        "show_fits": Flag(
            default=True,
            label="fitted slopes",
            tooltip="The least-squares line through each operation's medians over the upper "
            "half of its sizes (dashed)",
        ),
    },
    progress={
        "timings": Table(
            default=(),
            label="timings",
            columns=(
                Column("operation", 0, len(OPERATION_KEYS) - 1, integer=True),
                Column("n", 1, cx.MAX_N, integer=True),
                Column("median", cx.TIME_FLOOR, 1e6),
                Column("fastest", cx.TIME_FLOOR, 1e6),
                Column("slowest", cx.TIME_FLOOR, 1e6),
            ),
            max_rows=MAX_ROWS,
            noun="timing",
            tooltip="Seconds per call: the median, fastest and slowest repeat",
        ),
        "outcome": Choice(
            default="none",
            label="outcome",
            options=OUTCOMES,
            tooltip="How the measurement of these timings ended",
        ),
        "elapsed": Real(
            default=0.0,
            label="elapsed",
            low=0.0,
            high=1e7,
            unit="s",
            tooltip="Seconds the measurement took",
        ),
        "skipped_seconds": Real(
            default=0.0,
            label="skipped",
            low=0.0,
            high=1e15,
            unit="s",
            tooltip="Predicted seconds of the sizes not started (over the time budget)",
        ),
        "memory_cap": Integer(
            default=0,
            label="memory cap",
            low=0,
            high=cx.MAX_N,
            tooltip="The largest n the free memory allowed (0: no cap was needed)",
        ),
        "threads_used": Integer(
            default=0,
            label="BLAS threads used",
            low=0,
            high=4096,
            tooltip="The BLAS threads the timings ran with",
        ),
        "peak_gflops": Real(
            default=0.0,
            label="peak",
            low=0.0,
            high=1e7,
            unit="GFLOP/s",
            tooltip="The machine's estimated peak: the best of three large products",
        ),
        "peak_threads": Integer(
            default=0,
            label="peak threads",
            low=0,
            high=4096,
            tooltip="The BLAS threads the peak was estimated with",
        ),
    },
)

MEASURE_KEYS = (*OPERATION_KEYS, "n_max", "dtype", "threads", "repeats", "budget", "seed")
SHOW_KEYS = ("show_guides", "show_fits")
