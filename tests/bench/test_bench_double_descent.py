"""Benchmark (printed, not asserted): the double-descent sweep against per-width lstsq.

Issue 4: ReLU random features, n = 100, d = 20, 200 widths from 1 to 1000 (geometric, unique
integers), 20 trials, 1000 test points.  ``core.double_descent.sweep`` shares one factorisation
across the nested widths of a trial; the reference solves every width with its own
``np.linalg.lstsq`` on the same draws and computes the same errors.  The numbers must agree to
1e-8 relative (asserted); the times and their ratio are printed (target ≥ 13×), as is the time
to the first progress callback of the GUI's default sweep (target < 100 ms).

The measurement runs in a fresh interpreter with one BLAS thread: on a loaded two-core machine
multi-threaded OpenBLAS can stall small calls by orders of magnitude, which would make the
figures (and the run time) depend on whatever else is running.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from bench_report import report

import core

TOLERANCE = 1e-8

CHILD = textwrap.dedent(
    """
    import json, statistics, time
    import numpy as np
    REPEATS = 3
    from core.double_descent import SweepParams, default_sweep_params, draw_trial, run_sweep

    widths = np.unique(np.round(np.geomspace(1, 1000, 346)).astype(int))
    assert len(widths) == 200 and widths[0] == 1 and widths[-1] == 1000
    params = SweepParams(n=100, widths=tuple(int(w) for w in widths), trials=20, sigma=0.5,
                         features="relu", input_dim=20, n_test=1000, seed=0)

    # Warm-up: imports, LAPACK first-call costs.
    run_sweep(SweepParams(n=5, widths=(1, 5, 10), trials=1, sigma=0.1, features="relu",
                          n_test=10))
    for p in (1, 10):
        np.linalg.lstsq(np.ones((5, p)), np.ones(5), rcond=None)

    def per_width_lstsq(params=params):
        T, W = params.trials, len(params.widths)
        test, train, norm = np.empty((T, W)), np.empty((T, W)), np.empty((T, W))
        for t in range(T):
            d = draw_trial(params, t)
            for j, p in enumerate(params.widths):
                A, y = d.Phi[:, :p], d.Y[:, j]
                beta = np.linalg.lstsq(A, y, rcond=None)[0]
                test[t, j] = np.mean((d.Phi_test[:, :p] @ beta - d.f_test) ** 2)
                train[t, j] = np.mean((y - A @ beta) ** 2)
                norm[t, j] = np.linalg.norm(beta)
        return test, train, norm

    t_fast, t_slow = [], []
    for _ in range(REPEATS):  # best of REPEATS for both, interleaved
        start = time.perf_counter()
        fast = run_sweep(params)
        t_fast.append(time.perf_counter() - start)
        start = time.perf_counter()
        test, train, norm = per_width_lstsq()
        t_slow.append(time.perf_counter() - start)
    t_fast, t_slow = min(t_fast), min(t_slow)

    def rel(a, b):
        return float(np.max(np.abs(a - b) / np.abs(b)))

    y_scale = float(np.mean(draw_trial(params, 0).Y ** 2))

    # More test points than one panel of the sweep's prediction products (core: _ROW_PANEL).
    many = SweepParams(n=30, widths=(1, 7, 29, 30, 31, 45, 90, 200), trials=2, sigma=0.5,
                       features="relu", input_dim=5, n_test=5000, seed=4)
    many_test = per_width_lstsq(many)[0]
    many_rel = rel(run_sweep(many).test_trials, many_test)

    first, total = [], []
    gui = default_sweep_params()
    for _ in range(5):
        seen = []
        start = time.perf_counter()
        run_sweep(gui, progress=lambda done, n, part: seen.append(time.perf_counter() - start))
        first.append(seen[0])
        total.append(time.perf_counter() - start)

    print(json.dumps({
        "t_fast": t_fast, "t_slow": t_slow, "fallbacks": fast.fallbacks,
        "test_rel": rel(fast.test_trials, test), "norm_rel": rel(fast.norm_trials, norm),
        "train_abs": float(np.max(np.abs(fast.train_trials - train))) / y_scale,
        "mean_rel": rel(fast.test_mean, test.mean(axis=0)), "many_rel": many_rel,
        "first_ms": 1e3 * statistics.median(first), "gui_total_ms": 1e3 * statistics.median(total),
        "gui": [gui.n, len(gui.widths), gui.widths[-1], gui.trials, gui.features],
    }))
    """
)


def test_sweep_against_per_width_lstsq():
    root = Path(core.__file__).resolve().parent.parent  # the same core the tests import
    env = dict(os.environ)
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, "-c", CHILD],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])

    # Correctness is asserted; the timing is only reported.
    assert out["test_rel"] < TOLERANCE, out
    assert out["norm_rel"] < TOLERANCE, out
    assert out["mean_rel"] < TOLERANCE, out
    assert out["many_rel"] < TOLERANCE, out  # n_test = 5000: several row panels
    assert out["train_abs"] < TOLERANCE, out  # ~0 past p = n: compared to the scale of y²

    report(
        "Double descent sweep vs per-width lstsq",
        f"ReLU features n=100, d=20, 200 widths 1…1000, 20 trials, 1000 test points: "
        f"sweep {out['t_fast'] * 1e3:.0f} ms, per-width np.linalg.lstsq "
        f"{out['t_slow'] * 1e3:.0f} ms, ratio {out['t_slow'] / out['t_fast']:.1f}× "
        f"(target ≥ 13×; best of 3, 1 BLAS thread; agreement: test error "
        f"{out['test_rel']:.1e}, ‖β̂‖ {out['norm_rel']:.1e} relative; "
        f"{out['fallbacks']} SVD fallbacks)",
    )
    n, count, p_max, trials, features = out["gui"]
    report(
        "Double descent: first partial curve after",
        f"{out['first_ms']:.1f} ms (target < 100 ms; default GUI sweep: {features} n={n}, "
        f"widths 1…{p_max} ({count}), {trials} trials; whole sweep "
        f"{out['gui_total_ms']:.0f} ms; median of 5)",
    )
