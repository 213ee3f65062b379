"""core.complexity (notes §1.3): the measurement on a synthetic clock (exact medians, spreads,
slopes, the time cap, cancel and progress), the size grid and memory bounds against their
closed forms, the triple loop against numpy, and one short real measurement of the product."""

import math

import numpy as np
import pytest
from scipy import stats
from threadpoolctl import threadpool_limits

from core import complexity as cx


class Clock:
    """A synthetic clock: time passes only when a synthetic operation runs."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def synthetic(clock, costs, factors=(1.0,)):
    """Operations whose every call advances ``clock`` by ``costs[key](n)`` times the next of
    ``factors`` (cycled per operation): a timer with known answers."""
    operations = {}
    for index, (key, cost) in enumerate(costs.items()):
        calls = {"count": 0}

        def run(n, cost=cost, calls=calls):
            clock.now += cost(n) * factors[calls["count"] % len(factors)]
            calls["count"] += 1

        operations[key] = cx.Operation(
            key,
            key,
            "O(n³)",
            3.0,
            1.0,
            prepare=lambda n, _dtype, _rng: (n,),
            run=run,
            max_n=64 if index == 2 else cx.MAX_N,
        )
    return operations


def power(c, p, n0=16):
    return lambda n: c * (n / n0) ** p


SIZES = (16, 24, 32, 48, 64, 96, 128)  # the largest call lasts 5 s < MAX_CALL_SECONDS


def test_each_point_is_the_median_of_its_repeats_with_their_range():
    clock = Clock()
    # the warm-up call takes factor 1, then the five repeats 1.3, 0.9, 1.0, 1.1, 2.0 (one call
    # each: every call lasts at least 10 ms)
    ops = synthetic(clock, {"a": power(0.01, 3.0)}, factors=(1.0, 1.3, 0.9, 1.0, 1.1, 2.0))
    request = cx.TimingRequest(("a",), SIZES, repeats=5, budget=1e9)
    result = cx.measure(request, clock=clock, operations=ops)
    assert result.outcome == "complete"
    n, median, low, high = result.series("a")
    assert n.tolist() == list(SIZES)
    base = 0.01 * (n / 16) ** 3
    assert np.allclose(median, 1.1 * base, rtol=1e-12)  # the middle of 0.9, 1.0, 1.1, 1.3, 2.0
    assert np.allclose(low, 0.9 * base, rtol=1e-12)
    assert np.allclose(high, 2.0 * base, rtol=1e-12)
    point = result.points[0]
    assert point.calls == 1
    assert point.seconds == pytest.approx((0.013, 0.009, 0.01, 0.011, 0.02), rel=1e-12)
    expected_total = sum(base * (1 + 1.3 + 0.9 + 1.0 + 1.1 + 2.0))
    assert result.elapsed == pytest.approx(expected_total, rel=1e-12)


def test_fitted_slopes_are_exact_on_power_laws_over_the_upper_half():
    clock = Clock()
    ops = synthetic(
        clock,
        {"cubic": power(0.01, 3.0), "strassen": power(0.01, math.log2(7))},
    )
    request = cx.TimingRequest(("cubic", "strassen"), SIZES, repeats=3, budget=1e9)
    result = cx.measure(request, clock=clock, operations=ops)
    cubic, strassen = result.fit("cubic"), result.fit("strassen")
    assert cubic.slope == pytest.approx(3.0, abs=1e-12)
    assert strassen.slope == pytest.approx(2.807354922057604, abs=1e-12)
    assert (cubic.n_low, cubic.n_high, cubic.points) == (48, 128, 4)  # ⌈7/2⌉ = 4 sizes
    assert cubic.stderr == pytest.approx(0.0, abs=1e-12)
    assert cubic.predict(512) == pytest.approx(0.01 * 32**3, rel=1e-10)


def test_a_short_call_is_looped_and_timed_per_call():
    clock = Clock()
    ops = synthetic(clock, {"fast": lambda n: 1e-6 * n})
    request = cx.TimingRequest(("fast",), (16, 32), repeats=3, budget=1e9)
    result = cx.measure(request, clock=clock, operations=ops)
    for point in result.points:
        call = 1e-6 * point.n
        assert point.calls == math.ceil(cx.MIN_REPEAT_SECONDS / call)
        assert point.median == pytest.approx(call, rel=1e-9)


def test_the_fit_uses_only_the_upper_half_of_the_sizes():
    n = np.array([16, 32, 64, 128, 256, 512, 1024])
    knee = 100.0  # overhead-dominated n² below, n³ above: the upper half sees only n³
    t = np.where(n < knee, 1e-6 * n**2, 1e-6 * knee**2 * (n / knee) ** 3)
    fit = cx.fit_exponent(n, t)
    assert fit.points == 4 and fit.n_low == 128
    assert fit.slope == pytest.approx(3.0, abs=1e-12)
    whole = np.polyfit(np.log10(n), np.log10(t), 1)[0]  # what a fit over all sizes would say
    assert whole < 2.9


def test_the_slope_and_its_standard_error_match_an_independent_regression():
    rng = np.random.default_rng(3)
    n = np.geomspace(16, 4096, 12)
    t = 1e-9 * n**2.9 * np.exp(rng.normal(0, 0.1, n.size))
    fit = cx.fit_exponent(n, t)
    reference = stats.linregress(np.log10(n[6:]), np.log10(t[6:]))
    assert fit.slope == pytest.approx(reference.slope, rel=1e-12)
    assert fit.intercept == pytest.approx(reference.intercept, rel=1e-12)
    assert fit.stderr == pytest.approx(reference.stderr, rel=1e-10)
    assert cx.fit_exponent([16], [1.0]) is None
    two = cx.fit_exponent([16, 32], [1.0, 8.0])
    assert two.slope == pytest.approx(3.0) and math.isnan(two.stderr)


def test_the_budget_stops_before_a_size_that_would_overrun_it():
    clock = Clock()
    ops = synthetic(clock, {"a": power(0.01, 3.0)})
    # point costs (warm-up + 3 repeats): 0.04, 0.32, 2.56 s (total 2.92), then 20.48 s
    request = cx.TimingRequest(("a",), (16, 32, 64, 128, 256), repeats=3, budget=3.0)
    result = cx.measure(request, clock=clock, operations=ops)
    assert result.outcome == "time_capped"
    assert [p.n for p in result.points] == [16, 32, 64]
    assert result.elapsed == pytest.approx(2.92, rel=1e-12)
    assert result.skipped_seconds == pytest.approx(4 * (5.12 + 40.96), rel=1e-12)
    # with a larger budget the same size goes ahead
    clock.now = 0.0
    wider = cx.TimingRequest(("a",), (16, 32, 64, 128), repeats=3, budget=23.5)
    assert cx.measure(wider, clock=clock, operations=ops).outcome == "complete"


def test_no_size_starts_whose_one_call_would_take_too_long():
    clock = Clock()
    ops = synthetic(clock, {"slow": power(1.0, 3.0)})  # 1 s at 16, 8 s at 32, 64 s at 64
    request = cx.TimingRequest(("slow",), (16, 32, 64), repeats=1, budget=1e9)
    result = cx.measure(request, clock=clock, operations=ops)
    assert result.outcome == "time_capped" and [p.n for p in result.points] == [16, 32]
    assert cx.MAX_CALL_SECONDS < 64


def test_an_operation_stops_at_its_own_largest_size():
    clock = Clock()
    ops = synthetic(clock, {"a": power(0.01, 3.0), "b": power(0.01, 3.0), "c": power(0.01, 3.0)})
    request = cx.TimingRequest(("a", "c"), SIZES, repeats=1, budget=1e9)
    result = cx.measure(request, clock=clock, operations=ops)
    assert result.series("c")[0].tolist() == [16, 24, 32, 48, 64]  # "c" has max_n = 64
    assert result.series("a")[0].tolist() == list(SIZES)
    assert result.series("b")[0].size == 0


def test_points_arrive_one_by_one_and_cancel_stops_the_measurement():
    clock = Clock()
    ops = synthetic(clock, {"a": power(0.01, 3.0), "b": power(0.01, 2.0)})
    request = cx.TimingRequest(("a", "b"), SIZES, repeats=2, budget=1e9)
    reports = []
    result = cx.measure(request, clock=clock, operations=ops, progress=reports.append)
    assert [len(r.points) for r in reports] == list(range(1, 15))
    assert all(r.outcome == "running" for r in reports)
    assert [(p.operation, p.n) for p in reports[3].points] == [
        ("a", 16),
        ("b", 16),
        ("a", 24),
        ("b", 24),
    ]
    assert result.outcome == "complete" and len(result.points) == 14

    seen = []
    stopped = cx.measure(
        request,
        clock=clock,
        operations=ops,
        progress=seen.append,
        cancel=lambda: len(seen) >= 3,
    )
    assert stopped.outcome == "cancelled"
    assert len(stopped.points) == 3 and len(seen) == 3


def test_the_same_seed_draws_the_same_matrices_whatever_else_is_timed():
    def inputs(operations, seed):
        request = cx.TimingRequest(operations, (16, 20), repeats=1, seed=seed, budget=1e9)
        drawn = {}
        ops = {
            key: cx.Operation(
                key,
                key,
                "",
                3.0,
                1.0,
                prepare=lambda n, _d, rng, key=key: (drawn.setdefault((key, n), rng.random()),),
                run=lambda _x: None,
            )
            for key in ("product", "det")
        }
        cx.measure(request, clock=Clock(), operations=ops)
        return drawn

    both = inputs(("product", "det"), seed=4)
    assert inputs(("det",), seed=4) == {k: v for k, v in both.items() if k[0] == "det"}
    assert inputs(("product", "det"), seed=5) != both
    assert len(set(both.values())) == 4  # each operation and size its own stream


def test_size_grid_is_geometric_with_n_max_last():
    assert cx.size_grid(128) == (16, 20, 25, 32, 40, 51, 64, 81, 102, 128)
    assert cx.size_grid(100) == (16, 20, 25, 32, 40, 51, 64, 81, 100)  # 102 gives way to 100
    assert cx.size_grid(16) == (16,)
    assert cx.size_grid(1000, n_min=10, per_octave=1) == (10, 20, 40, 80, 160, 320, 640, 1000)
    with pytest.raises(ValueError, match="n_max"):
        cx.size_grid(8)


def test_working_memory_and_the_largest_size_that_fits():
    assert cx.working_bytes("product", 1000) == 3 * 1000**2 * 8
    assert cx.working_bytes("product", 1000, "float32") == 3 * 1000**2 * 4
    assert cx.working_bytes("python", 100, "float32") == 3 * 100**2 * 32
    sizes = cx.size_grid(16384)
    wide = cx.working_bytes("svd_wide", 4096)  # 22 n² float64 entries: 2.95 GB
    limit = cx.memory_limit(["product", "svd_wide"], sizes, "float64", 2 * wide / 0.999)
    assert limit == 4096
    assert cx.memory_limit(["product"], sizes, "float64", 2 * wide) > 4096
    assert cx.memory_limit(["svd_wide"], sizes, "float64", 10.0) == 0
    # 3 n² Python floats of 32 bytes in half of 1 MB: n ≤ 72
    assert cx.memory_limit(["python"], sizes, "float64", 10**6) == 64
    # the loop stops at n = 128: its lists beyond (2.5 MB at 161) do not cap det (16 n² bytes)
    python_at_cap = cx.working_bytes("python", cx.PYTHON_MAX_N)  # 1.57 MB
    assert cx.memory_limit(["python", "det"], sizes, "float64", 2 * python_at_cap) == 256
    assert cx.available_memory() is None or cx.available_memory() > 0


def test_the_triple_loop_multiplies_like_numpy():
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((5, 7)), rng.standard_normal((7, 3))
    assert np.allclose(cx.python_product(A, B), A @ B, rtol=1e-13, atol=1e-13)
    assert cx.python_product([[2.0]], [[3.0, 4.0]]) == [[6.0, 8.0]]
    with pytest.raises(ValueError, match="B must have 7 rows"):
        cx.python_product(A, B.T)


def test_rates_count_2n3_flops_and_the_peak_takes_the_best_repeat():
    assert cx.product_rate(1000, 2.0) == 1e9
    assert np.allclose(cx.product_rate(np.array([10, 20]), np.array([1e-3, 1e-3])), [2e6, 1.6e7])
    ticks = iter([0.0, 2.0, 10.0, 11.0, 20.0, 23.0])  # products of 2, 1 and 3 s
    assert cx.gemm_rate(8, repeats=3, clock=lambda: next(ticks)) == 2 * 8**3 / 1.0


@pytest.mark.parametrize("dtype", cx.DTYPES)
def test_every_real_operation_runs_in_its_dtype_without_warnings(dtype, recwarn):
    for key, op in cx.OPERATIONS.items():
        inputs = op.prepare(200, dtype, np.random.default_rng(0))
        if key != "python":
            assert all(np.asarray(x).dtype == np.dtype(dtype) for x in inputs)
            op.run(*inputs)  # n = 200: N(0, 1) entries would overflow det in float32
    determinant = cx.OPERATIONS["det"]
    big = determinant.run(*determinant.prepare(1024, dtype, np.random.default_rng(1)))
    assert np.isfinite(big) and 1e-30 < abs(big) < 1e30
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_the_measured_product_grows_between_n2_and_n3_at_large_n():
    """A real measurement, kept short (about 2 s on one 2.6 GHz core): the slope of BLAS's
    product over n = 1024 … 2048 lies between 2 and 3.3 (3 on a quiet machine). One BLAS
    thread, as in the app; calls of 0.04–0.3 s are long beside the scheduler's time slices, so
    other programs on the machine slow every call alike instead of some calls many times."""
    request = cx.TimingRequest(("product",), (512, 724, 1024, 1448, 2048), repeats=3, budget=120)
    with threadpool_limits(limits=1, user_api="blas"):
        fit = cx.measure(request).fit("product")
    assert fit.n_low == 1024
    assert 2.0 <= fit.slope <= 3.3, fit
