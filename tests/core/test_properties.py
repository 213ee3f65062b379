"""Property tests (hypothesis) of the public core API (issue #7): valid inputs give finite
results of the right shape (plus a cheap invariant where one is meaningful), invalid ones a
ValueError that names the parameter, and typed text never does anything else.

Hypothesis runs derandomized (``FAST``), so a run repeats the examples of the last.  The
strategies keep magnitudes sensible (matrix entries up to 1e3, σ, dt, γ, … in their physical
ranges); inputs whose exact result overflows float64 (a matrix with entries near 1e308) are out
of scope.

Coverage map
------------
Every public callable defined in these modules, and every public method of their classes, is
exercised here; ``test_every_public_core_name_is_covered`` fails when a new one appears that is
not in ``COVERED`` (keep this map in step).

svd
    decompose, SVDResult, low_rank, reconstruct, relative_error, eckart_young_error,
    storage_ratio, rotation, StagedSVD, staged_factors, staged_matrix, staged_map, stage_name,
    decompose_image, ImageSVD (.reconstruct .eckart_young_errors .eckart_young_error)
regression
    polynomial_features, gaussian_features, gaussian_centers, features, mle, mle_covariance,
    UnderdeterminedError, ridge, Posterior, prior, posterior, Spectrum (.posterior .log_evidence
    .best_precision .with_noise_scale), spectrum, update, map_estimate, predictive,
    predictive_bands, sample_weights, sample_functions, log_evidence, evidence_vs_precision,
    best_precision, evidence_vs_degree, evidence_vs_size,
    marginal, gaussian_grid, likelihood_grid, covariance_ellipses, likelihood_slice,
    true_weights, GeneratorParams, true_function, noise_sigma, generate
double_descent
    min_norm_lstsq, nested_solutions, isotropic_risk, isotropic_risk_exact, SweepParams,
    default_sweep_params, SweepResult, TrialDraw, draw_trial, run_sweep, sweep, fourier_target,
    FunctionFit, fit_function, widths_for
langevin
    Harmonic, DoubleWell (.V .dV .d2V .dV_into .drift_into), ExpressionPotential (.V .dV .d2V
    .dV_into), harmonic, double_well, tilted_double_well, from_expression, DoubleWell2D (.V
    .V_xy .grad .grad_into .drift_into .hessian_bound), ExpressionPotential2D (.V .V_xy .grad
    .grad_into), double_well_2d, from_expression_2d, Uniform, Gaussian,
    parse_initial_condition, initial_positions, Ensemble and Ensemble2D (.step .set_sigma
    .set_dt .set_potential), UnderdampedEnsemble (.step .set_sigma .set_gamma .set_dt
    .set_potential), DivergenceError, boltzmann, boltzmann_2d, effective_sigma, summary,
    EnsembleSummary, kramers_rate
langevin_run
    LangevinRun (.step .set_sigma .set_dt .set_gamma .set_potential .histogram .boltzmann
    .summary), RunSummary
densities
    histogram, histogram_2d, bin_average, total_variation, binned_distance
fokker_planck
    sg_coefficients, gth_factor, FokkerPlanck1D (.step .set_potential .set_sigma .set_density
    .generator .stationary .relaxation_rates .mass .summary), FPSummary
expressions
    parse_expression, Expression (.derivative; calling it)
checks
    range_text, real, count, seed, interval, array, grid, callback (the argument checks the
    other modules share)
chunks
    spans, streams, run (particle arrays in chunks on all cores)
mixture_fit
    image_mass, mixture_from_image, mixture_from_points, neighbour_bandwidth (a shape as a target)
datasets
    load_digits, Digits (the real data shipped for the double-descent sweep)
datafiles
    decode_text, parse_table, NumberTable (.column_name .describe), read_measurements,
    Measurements, read_points, DataFileError (the user's tables: only parsed or refused)
complexity
    size_grid, working_bytes, available_memory, memory_limit, Operation, TimingRequest, Timing,
    TimingResult (.series .fit), ExponentFit (.predict), fit_exponent, measure, product_rate,
    gemm_rate, python_product
transport
    GaussianMixture (.isotropic .log_pdf .pdf .score .responsibilities .cdf .mean .cov .sample
    .affine .with_component .without_component .with_mean .with_weight .with_std .from_rows
    .rows),
    default_target, NoiseSchedule (.beta .integral .alpha .sigma), base_mismatch, vp_marginal,
    interpolant_marginal, marginal, reverse_sde_drift, probability_flow_velocity,
    flow_matching_velocity, velocity, noise_scale, Trajectory (.index .at .interpolate), sample,
    sample_final, SamplingCancelledError, SamplingRequest, SamplingResult, sample_processes,
    grid_density, histogram_distance, vector_field

Exempt (``EXEMPT``): the Protocols ``langevin.Potential`` and ``langevin.Potential2D``, pure
interfaces without behaviour of their own.

Valid input only, on purpose: the record ``complexity.Operation`` (callables and numbers that
this module or a test puts together, checked where they are used), the result containers
``SVDResult``, ``TrialDraw``,
``EnsembleSummary`` and ``FPSummary`` (built by core functions, no validation of their own),
the potential kernels ``.V .dV .d2V .dV_into .drift_into`` of the 1-D potentials (numpy
semantics on the integrators' hot path; the 2-D ones do check the shape of ``xy``) and the
``Expression`` constructor (documented: build one with ``parse_expression``).

transport: points ``x`` (densities, scores, fields) must be finite — NaN and ±inf are refused,
as are falsy non-schedules (``schedule=0`` used to mean the default).  Out of scope, like the
overflowing matrices above: points or variances so extreme that ``(x − m)²/s²`` overflows
float64 (say |x| ≈ 1e155 for s = 1), where the log-density itself is not a float64.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
import pkgutil
import re
from functools import partial

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.linalg import lapack

import core
from core import (
    checks,
    chunks,
    datafiles,
    datasets,
    densities,
    expressions,
    fokker_planck,
    langevin,
    langevin_run,
    mixture_fit,
    regression,
    svd,
)
from core import complexity as cx
from core import double_descent as dd
from core import transport as tr
from core.fokker_planck import FokkerPlanck1D

# derandomize=True fixes Hypothesis' seed.  It still mixes in literal constants found in the
# loaded local modules, so running this file alone or with the rest of the suite may try
# different examples: every property must hold for any valid example, not just today's.
FAST = settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
#: For the tests whose single example runs a small simulation or sweep.
SLOW = settings(FAST, max_examples=30)

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
seeds = st.integers(0, 2**32 - 1)
NAN, INF = math.nan, math.inf


def matrices(min_side=1, max_side=6):
    shapes = st.tuples(st.integers(min_side, max_side), st.integers(min_side, max_side))
    return shapes.flatmap(lambda shape: arrays(np.float64, shape, elements=finite))


def vectors(min_size=0, max_size=20, lo=-1e3, hi=1e3):
    return arrays(np.float64, st.integers(min_size, max_size), elements=st.floats(lo, hi))


def intervals(lo=-10.0, hi=10.0, min_width=1e-3, max_width=20.0):
    """(lo, hi) pairs with lo < hi."""
    return st.tuples(st.floats(lo, hi), st.floats(min_width, max_width)).map(
        lambda t: (t[0], t[0] + t[1])
    )


def is_finite(*values) -> bool:
    return all(np.all(np.isfinite(np.asarray(v, dtype=np.float64))) for v in values)


def names(name: str) -> str:
    """Regex: ``name`` as a word of its own (``k`` in "k must be", not in "kind")."""
    return rf"(?<![\w.]){re.escape(name)}(?!\w)"


# --------------------------------------------------------------------------------------------
# coverage: every public name has a test
# --------------------------------------------------------------------------------------------

MODULES = tuple(
    importlib.import_module(f"core.{info.name}") for info in pkgutil.iter_modules(core.__path__)
)  # every module of core, so a new one cannot slip past

#: What this file tests, per module: ``Class:method,method`` also lists public methods.
TESTED = {
    "svd": """
        decompose SVDResult low_rank reconstruct relative_error eckart_young_error
        storage_ratio rotation StagedSVD staged_factors staged_matrix staged_map stage_name
        decompose_image ImageSVD:reconstruct,eckart_young_errors,eckart_young_error
    """,
    "regression": """
        polynomial_features gaussian_features gaussian_centers features mle mle_covariance
        UnderdeterminedError ridge Posterior prior posterior update map_estimate predictive
        Spectrum:posterior,log_evidence,best_precision,with_noise_scale spectrum
        predictive_bands sample_weights sample_functions log_evidence evidence_vs_precision
        best_precision evidence_vs_degree evidence_vs_size
        marginal gaussian_grid likelihood_grid covariance_ellipses likelihood_slice
        true_weights GeneratorParams true_function noise_sigma generate
    """,
    "double_descent": """
        min_norm_lstsq nested_solutions isotropic_risk isotropic_risk_exact SweepParams
        default_sweep_params SweepResult TrialDraw draw_trial run_sweep sweep fourier_target
        FunctionFit fit_function widths_for
    """,
    "langevin": """
        Harmonic:V,dV,d2V,dV_into,drift_into DoubleWell:V,dV,d2V,dV_into,drift_into
        ExpressionPotential:V,dV,d2V,dV_into harmonic double_well tilted_double_well
        from_expression DoubleWell2D:V,V_xy,grad,grad_into,drift_into,hessian_bound
        ExpressionPotential2D:V,V_xy,grad,grad_into double_well_2d from_expression_2d
        Uniform Gaussian parse_initial_condition initial_positions
        Ensemble:step,set_sigma,set_dt,set_potential Ensemble2D:step,set_sigma,set_dt,set_potential
        UnderdampedEnsemble:step,set_sigma,set_gamma,set_dt,set_potential DivergenceError
        boltzmann boltzmann_2d effective_sigma summary EnsembleSummary kramers_rate
    """,
    "langevin_run": """
        LangevinRun:step,set_sigma,set_dt,set_gamma,set_potential,histogram,boltzmann,summary
        RunSummary
    """,
    "densities": "histogram histogram_2d bin_average total_variation binned_distance",
    "fokker_planck": """
        sg_coefficients gth_factor FPSummary
        FokkerPlanck1D:step,set_potential,set_sigma,set_density,generator,stationary
        FokkerPlanck1D:relaxation_rates,mass,summary
    """,
    "expressions": "parse_expression Expression:derivative",
    "checks": "range_text real count seed interval array grid callback",
    "chunks": "spans streams run",
    "mixture_fit": "image_mass mixture_from_image mixture_from_points neighbour_bandwidth",
    "datasets": "load_digits Digits",
    "datafiles": """
        decode_text parse_table NumberTable:column_name,describe read_measurements Measurements
        read_points DataFileError
    """,
    "complexity": """
        Operation size_grid working_bytes available_memory memory_limit TimingRequest Timing
        TimingResult:series,fit ExponentFit:predict fit_exponent measure product_rate gemm_rate
        python_product
    """,
    "transport": """
        GaussianMixture:isotropic,log_pdf,pdf,score,responsibilities,cdf,mean,cov,sample,affine
        GaussianMixture:with_component,without_component,with_mean,with_weight,with_std
        GaussianMixture:from_rows,rows
        default_target NoiseSchedule:beta,integral,alpha,sigma base_mismatch vp_marginal
        interpolant_marginal marginal reverse_sde_drift probability_flow_velocity
        flow_matching_velocity velocity noise_scale Trajectory:index,at,interpolate sample
        sample_final SamplingRequest SamplingResult sample_processes
        SamplingCancelledError grid_density histogram_distance vector_field
    """,
}
COVERED = {
    f"{module}.{name}{member}"
    for module, listed in TESTED.items()
    for entry in listed.split()
    for name, _, methods in [entry.partition(":")]
    for member in ["", *(f".{m}" for m in methods.split(",") if m)]
}

EXEMPT = {
    "langevin.Potential": "typing.Protocol: an interface, its methods have no body",
    "langevin.Potential2D": "typing.Protocol: an interface, its methods have no body",
}


def public_names(module) -> set[str]:
    """``module.name`` of every public callable defined in ``module``, and
    ``module.Class.method`` of every public method of its classes (inherited ones and
    classmethods included)."""
    short = module.__name__.rsplit(".", 1)[-1]
    found = set()
    for name, obj in vars(module).items():
        if name.startswith("_") or not callable(obj):
            continue
        if getattr(obj, "__module__", None) != module.__name__:
            continue  # imported, or a type alias
        found.add(f"{short}.{name}")
        if inspect.isclass(obj) and f"{short}.{name}" not in EXEMPT:
            for method, fn in inspect.getmembers(obj, inspect.isroutine):
                if not method.startswith("_") and getattr(fn, "__module__", "") == module.__name__:
                    found.add(f"{short}.{name}.{method}")
    return found


def test_every_public_core_name_is_covered():
    found = set().union(*(public_names(m) for m in MODULES))
    missing = found - COVERED - EXEMPT.keys()
    assert not missing, f"public core names without a property test here: {sorted(missing)}"
    stale = (COVERED | EXEMPT.keys()) - found
    assert not stale, f"COVERED/EXEMPT list names that no longer exist: {sorted(stale)}"
    unmapped = {
        n
        for n in COVERED
        if not re.search(names(n.split(".")[1]), __doc__)
        or (n.count(".") == 2 and "." + n.split(".")[2] not in __doc__)
    }
    assert not unmapped, f"add to the coverage map in the module docstring: {sorted(unmapped)}"


def on(factory, method: str, *args, **kwargs):
    """A call of ``factory().method(*args, **kwargs)``: a fresh object for every case."""

    def call():
        return getattr(factory(), method)(*args, **kwargs)

    call.__qualname__ = f"{getattr(factory, '__name__', 'object')}.{method}"
    return call


def case_id(value) -> str | None:
    """Readable test ids for the tables of invalid calls: the function and the parameter."""
    if isinstance(value, str):
        return value
    func = value.func if isinstance(value, partial) else value
    return getattr(func, "__qualname__", type(func).__name__)


def assert_invalid(call, name: str) -> None:
    with pytest.raises(ValueError, match=names(name)):
        call()


# --------------------------------------------------------------------------------------------
# svd
# --------------------------------------------------------------------------------------------

STAGES = ["identity", "Vᵀ: rotate", "Σ: stretch", "U: rotate", "A = UΣVᵀ"]


@FAST
@given(matrices())
def test_decompose_reconstructs_any_finite_matrix(A):
    result = svd.decompose(A)
    m, n = A.shape
    scale = max(1.0, np.abs(A).max())
    assert result.shape == (m, n) and result.Sigma.shape == (m, n)
    assert result.s.shape == (min(m, n),) and is_finite(result.U, result.s, result.Vt)
    assert np.all(np.diff(result.s) <= 1e-12 * max(1.0, result.s[0]))
    assert np.all(result.s >= 0)
    assert np.allclose(result.U @ result.U.T, np.eye(m), atol=1e-10)
    assert np.allclose(result.Vt @ result.Vt.T, np.eye(n), atol=1e-10)
    assert np.allclose(result.U @ result.Sigma @ result.Vt, A, atol=1e-9 * scale)
    assert 0 <= result.rank <= min(m, n) and result.cond >= 1.0


@FAST
@given(matrices(), st.data())
def test_low_rank_is_the_best_approximation_eckart_young(A, data):
    k = data.draw(st.integers(0, min(A.shape)), label="k")
    result = svd.decompose(A)
    Ak = svd.low_rank(A, k)
    assert Ak.shape == A.shape and is_finite(Ak)
    scale = max(1.0, np.abs(A).max())
    assert np.allclose(Ak, svd.reconstruct(result, k), atol=1e-9 * scale)
    tail = np.linalg.svd(Ak, compute_uv=False)[k:]  # rank ≤ k
    assert np.all(tail <= 1e-9 * scale)
    error = svd.eckart_young_error(result.s, k)
    assert 0.0 <= error <= 1.0
    assert svd.relative_error(A, Ak) == pytest.approx(error, abs=1e-9)  # the theorem
    if k < min(A.shape):
        assert svd.eckart_young_error(result.s, k + 1) <= error + 1e-15


@FAST
@given(st.integers(1, 10**6), st.integers(1, 10**6), st.data())
def test_storage_ratio_grows_with_k_and_full_rank_never_saves(m, n, data):
    k = data.draw(st.integers(0, min(m, n)), label="k")
    ratio = svd.storage_ratio(m, n, k)
    assert math.isfinite(ratio) and ratio >= 0
    assert ratio == pytest.approx(k * svd.storage_ratio(m, n, 1))
    assert svd.storage_ratio(m, n, min(m, n)) > 1.0


@FAST
@given(st.floats(-100, 100), st.floats(-100, 100))
def test_rotations_are_orthogonal_and_compose(a, b):
    R = svd.rotation(a)
    assert R.shape == (2, 2) and is_finite(R)
    assert np.allclose(R.T @ R, np.eye(2), atol=1e-14)
    assert np.linalg.det(R) == pytest.approx(1.0)
    assert np.allclose(R @ svd.rotation(b), svd.rotation(a + b), atol=1e-12)


@FAST
@given(arrays(np.float64, (2, 2), elements=finite))
def test_staged_factors_rebuild_A_from_two_proper_rotations(A):
    f = svd.staged_factors(A)
    scale = max(1.0, np.abs(A).max())
    assert -math.pi / 2 < f.theta_v <= math.pi / 2 and -math.pi < f.theta_u <= math.pi
    assert f.d[0] >= abs(f.d[1])
    assert np.allclose(f.U @ f.Sigma @ f.Vt, A, atol=1e-9 * scale)
    assert np.linalg.det(f.U) == pytest.approx(1.0) and np.linalg.det(f.Vt) == pytest.approx(1.0)
    assert np.allclose(np.abs(f.d), svd.decompose(A).s, atol=1e-9 * scale)
    with np.errstate(all="ignore"):  # numpy's LU warns on some singular matrices
        det = np.linalg.det(A)
    assert f.det == pytest.approx(det, abs=1e-9 * scale**2)
    assert f.reflection == (f.d[1] < 0)
    again = svd.StagedSVD(f.theta_v, f.theta_u, f.d)  # the fields are a valid StagedSVD
    assert (again.theta_v, again.theta_u) == (f.theta_v, f.theta_u)


@FAST
@given(
    arrays(np.float64, (2, 2), elements=finite),
    arrays(np.float64, st.tuples(st.just(2), st.integers(0, 5)), elements=finite),
    st.floats(0.0, 3.0),
)
def test_staged_map_moves_points_continuously_from_identity_to_A(A, points, t):
    out = svd.staged_map(A, points, t)
    M = svd.staged_matrix(A, t)
    scale = max(1.0, np.abs(A).max())
    assert out.shape == points.shape and M.shape == (2, 2) and is_finite(out, M)
    assert np.allclose(out, M @ points, atol=1e-9 * scale * max(1.0, np.abs(points).max(initial=0)))
    assert np.array_equal(svd.staged_map(A, points, 0.0), points)
    assert np.array_equal(svd.staged_map(A, points, 3.0), A @ points)
    delta = 1e-7  # M(t) is Lipschitz in t, with a constant of order π (1 + σ₁)
    sigma1 = svd.decompose(A).s[0]
    step = np.abs(svd.staged_matrix(A, min(t + delta, 3.0)) - M).max()
    assert step <= 4 * (1 + sigma1) * delta + 1e-9 * scale
    t2 = min(t + 0.4, 3.0)
    assert STAGES.index(svd.stage_name(t)) <= STAGES.index(svd.stage_name(t2))


@FAST
@given(
    st.tuples(st.integers(1, 7), st.integers(1, 7)).flatmap(
        lambda shape: st.one_of(
            arrays(np.float64, shape, elements=st.floats(0, 255)),
            arrays(np.float64, (*shape, 3), elements=st.floats(0, 255)),
        )
    ),
    st.data(),
)
def test_every_channel_at_rank_k_meets_eckart_young(pixels, data):
    result = svd.decompose_image(pixels)
    m, n = pixels.shape[:2]
    assert result.shape == (m, n) and result.colour == (pixels.ndim == 3)
    assert result.channels == (3 if pixels.ndim == 3 else 1)
    k = data.draw(st.integers(0, min(m, n)), label="k")
    approx = result.reconstruct(k)
    assert approx.shape == pixels.shape and is_finite(approx)
    errors = result.eckart_young_errors()
    assert errors.shape == (min(m, n) + 1,) and np.all(np.diff(errors) <= 1e-15)
    assert errors[-1] == 0.0 and result.eckart_young_error(k) == errors[k]
    assert svd.relative_error(pixels, approx) == pytest.approx(errors[k], abs=1e-9)
    assert all(0 <= r <= min(m, n) for r in result.ranks)


SVD_INVALID = [
    *[
        (partial(svd.decompose_image, p), "pixels")
        for p in (np.zeros((2, 2, 5)), np.zeros(4), [[NAN]], np.zeros((0, 3)), "ab")
    ],
    *[(on(lambda: svd.decompose_image(np.eye(3)), "reconstruct", k), "k") for k in (-1, 4, 0.5)],
    (on(lambda: svd.decompose_image(np.eye(3)), "eckart_young_error", 4), "k"),
    *[
        (partial(svd.decompose, A), "A")
        for A in (
            [[NAN, 1.0]],
            [[INF]],
            [1.0, 2.0],
            np.zeros((0, 2)),
            "ab",
            [[1j]],
            [[1], [1, 2]],
            None,
        )
    ],
    *[(partial(svd.low_rank, np.eye(2), k), "k") for k in (-1, 3, 1.5, "1", True)],
    (partial(svd.low_rank, [[NAN]], 0), "A"),
    (partial(svd.reconstruct, "not a result", 1), "result"),
    *[(partial(svd.reconstruct, svd.decompose(np.eye(2)), k), "k") for k in (-1, 3, 0.5)],
    (partial(svd.relative_error, [[NAN]], [[1.0]]), "A"),
    (partial(svd.relative_error, [[1.0]], [[INF]]), "B"),
    (partial(svd.relative_error, np.eye(2), np.eye(3)), "B"),
    *[
        (partial(svd.eckart_young_error, s, 0), "s")
        for s in ([-1.0], [NAN], [[1.0, 2.0]], [], "ab")
    ],
    *[(partial(svd.eckart_young_error, [2.0, 1.0], k), "k") for k in (-1, 3, 1.0)],
    *[(partial(svd.storage_ratio, m, 2, 1), "m") for m in (0, 1.5, True)],
    (partial(svd.storage_ratio, 2, -1, 1), "n"),
    *[(partial(svd.storage_ratio, 2, 2, k), "k") for k in (-1, 3)],
    *[(partial(svd.rotation, theta), "theta") for theta in (NAN, INF, "a", None, True)],
    *[(partial(svd.StagedSVD, tv, 0.0, [1.0, 0.0]), "theta_v") for tv in (2.0, NAN, "a")],
    *[(partial(svd.StagedSVD, 0.0, tu, [1.0, 0.0]), "theta_u") for tu in (4.0, -INF, None)],
    *[
        (partial(svd.StagedSVD, 0.0, 0.0, d), "d")
        for d in ([1.0, 2.0], [-1.0, 0.0], [1.0, 0.0, 0.0], "ab", [NAN, 0.0], [[1], [1, 2]])
    ],
    *[(partial(svd.staged_factors, A), "A") for A in (np.eye(3), [[NAN, 0], [0, 1]])],
    (partial(svd.staged_matrix, [[1.0, 2.0]], 1.0), "A"),
    *[(partial(svd.staged_matrix, np.eye(2), t), "t") for t in (-0.1, 3.1, NAN, "1")],
    (partial(svd.staged_map, [[INF, 0], [0, 1]], np.zeros((2, 1)), 1.0), "A"),
    *[
        (partial(svd.staged_map, np.eye(2), P, 1.0), "points")
        for P in (np.zeros((3, 2)), [[NAN], [0.0]], "ab", [1.0, 2.0])
    ],
    (partial(svd.staged_map, np.eye(2), np.zeros((2, 1)), 3.5), "t"),
    *[(partial(svd.stage_name, t), "t") for t in (-1.0, INF, None)],
]


@pytest.mark.parametrize(("call", "name"), SVD_INVALID, ids=case_id)
def test_invalid_svd_parameters_name_themselves(call, name):
    assert_invalid(call, name)


# --------------------------------------------------------------------------------------------
# regression
# --------------------------------------------------------------------------------------------

truths = st.sampled_from(regression.TRUTHS)
bases = st.sampled_from(regression.BASES)


def random_problem(seed, n, m):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, m)), rng.normal(size=n), rng


@FAST
@given(vectors(0, 20, -3.0, 3.0), st.integers(0, regression.MAX_DEGREE))
def test_polynomial_features_are_the_powers_of_x(x, degree):
    Phi = regression.polynomial_features(x, degree)
    assert Phi.shape == (x.size, degree + 1) and is_finite(Phi)
    assert np.all(Phi[:, 0] == 1.0)
    assert np.allclose(Phi[:, 1:], Phi[:, :-1] * x[:, None], rtol=1e-12, atol=0)


@FAST
@given(
    vectors(0, 20, -5.0, 5.0),
    bases,
    st.integers(0, regression.MAX_GAUSSIAN_SIZE),
    intervals(),
    st.none() | st.floats(1e-2, 10.0),
)
def test_features_have_a_bias_column_and_the_requested_size(x, basis, size, x_range, width):
    if basis == "polynomial":
        size = min(size, regression.MAX_DEGREE)
    Phi = regression.features(x, basis, size, width, x_range=x_range)
    assert Phi.shape == (x.size, size + 1) and is_finite(Phi) and np.all(Phi[:, 0] == 1.0)
    if basis == "gaussian":
        centers, default = regression.gaussian_centers(size, x_range)
        assert centers.shape == (size,) and default > 0 and np.all(np.diff(centers) > 0)
        assert np.all((centers >= x_range[0]) & (centers <= x_range[1]))
        bumps = regression.gaussian_features(x, centers, default if width is None else width)
        assert np.array_equal(Phi, bumps) and np.all((Phi >= 0) & (Phi <= 1))
        at_centers = regression.gaussian_features(centers, centers, default)[:, 1:]
        assert np.allclose(np.diagonal(at_centers), 1.0)  # each bump peaks at its centre


@FAST
@given(st.integers(1, 5), st.integers(0, 10), seeds, st.booleans())
def test_mle_solves_the_weighted_normal_equations(m, extra, seed, per_point):
    Phi, y, rng = random_problem(seed, m + extra, m)
    sigma = rng.uniform(0.1, 2.0, y.size) if per_point else 0.5
    beta = regression.mle(Phi, y, sigma)
    assert beta.shape == (m,) and is_finite(beta)
    w = 1.0 / np.broadcast_to(sigma, y.shape) ** 2
    gradient = Phi.T @ (w * (y - Phi @ beta))  # ∂/∂β of the weighted squared error
    size = np.abs(Phi).T @ (w * (np.abs(y) + np.abs(Phi @ beta)))
    assert np.all(np.abs(gradient) <= 1e-9 * size.max())
    cov = regression.mle_covariance(Phi, sigma)  # the inverse Fisher information
    assert cov.shape == (m, m) and np.allclose(cov, cov.T) and np.linalg.eigvalsh(cov).min() > 0
    assert np.allclose(cov @ (Phi.T @ (w[:, None] * Phi)), np.eye(m), atol=1e-6)


@FAST
@given(st.integers(2, 6), st.integers(0, 5), seeds)
def test_an_underdetermined_mle_raises_but_ridge_and_map_stay_defined(m, short, seed):
    Phi, y, _ = random_problem(seed, max(m - 1 - short, 0), m)
    repeated = np.repeat(random_problem(seed, 1, m)[0], m + 2, axis=0)  # rank 1
    for design in (Phi, repeated):
        targets = np.zeros(design.shape[0])
        with pytest.raises(regression.UnderdeterminedError, match="MLE"):
            regression.mle(design, targets, 1.0)
        with pytest.raises(regression.UnderdeterminedError, match="MLE covariance"):
            regression.mle_covariance(design, 1.0)
        assert is_finite(regression.ridge(design, targets, 1e-3))
        assert is_finite(regression.map_estimate(design, targets, 1.0, 1e-3))
    assert issubclass(regression.UnderdeterminedError, ValueError)


@FAST
@given(st.integers(0, 8), st.integers(1, 6), seeds, st.floats(0.0, 1e3))
def test_ridge_solves_its_normal_equations_and_shrinks_as_the_penalty_grows(n, m, seed, lam):
    Phi, y, _ = random_problem(seed, n, m)
    beta = regression.ridge(Phi, y, lam)
    assert beta.shape == (m,) and is_finite(beta)
    if lam > 0:
        residual = Phi.T @ (Phi @ beta) + lam * beta - Phi.T @ y
        size = 1.0 + np.abs(Phi).max(initial=0) ** 2 * np.abs(beta).sum() + np.abs(Phi.T @ y).max()
        assert np.abs(residual).max() <= 1e-9 * size
    stronger = regression.ridge(Phi, y, 2 * lam + 1.0)
    assert np.linalg.norm(stronger) <= np.linalg.norm(beta) * (1 + 1e-9) + 1e-12


@FAST
@given(
    st.integers(0, 15),
    st.integers(1, 6),
    st.floats(1e-3, 10.0),
    st.floats(1e-4, 1e4),
    seeds,
)
def test_posterior_is_a_proper_gaussian(n, m, sigma, lam, seed):
    Phi, y, _ = random_problem(seed, n, m)
    post = regression.posterior(Phi, y, sigma, lam)
    assert post.n_weights == m and is_finite(post.mean, post.cov, post.precision, post.root)
    assert np.allclose(post.cov, post.cov.T)
    assert np.linalg.eigvalsh(post.cov).min() > -1e-12 * np.abs(post.cov).max()
    Phi_star = Phi[:3] if n else np.ones((1, m))
    mean, variance = regression.predictive(post, Phi_star, sigma)
    assert mean.shape == variance.shape == (Phi_star.shape[0],) and is_finite(mean, variance)
    assert (variance >= sigma**2 * (1 - 1e-9)).all()
    assert (regression.predictive(post, Phi_star, 0.0)[1] >= 0).all()  # epistemic part alone
    assert np.isfinite(regression.log_evidence(Phi, y, sigma, lam))


@FAST
@given(
    st.integers(0, 12),
    st.integers(1, 5),
    st.floats(1e-2, 10.0),
    arrays(np.float64, st.integers(1, 6), elements=st.floats(1e-4, 1e4)),
    st.floats(0.1, 10.0),
    seeds,
)
def test_a_spectrum_gives_posterior_and_evidence_at_every_precision(n, m, sigma, lams, k, seed):
    Phi, y, _ = random_problem(seed, n, m)
    spec = regression.spectrum(Phi, y, sigma)
    assert (spec.n_points, spec.n_weights, spec.Vt.shape) == (n, m, (m, m))
    assert is_finite(spec.s, spec.Vt, spec.c, spec.residual, spec.constant)
    assert spec.residual >= 0 and np.all(spec.s >= 0)
    for lam in lams:  # the same numbers as from scratch, for every λ
        post, direct = spec.posterior(lam), regression.posterior(Phi, y, sigma, lam)
        assert np.array_equal(post.mean, direct.mean) and np.array_equal(post.root, direct.root)
    curve = spec.log_evidence(lams)
    assert np.array_equal(curve, regression.evidence_vs_precision(Phi, y, sigma, lams))
    best = spec.best_precision(lams)
    assert math.isnan(best) if n == 0 else best == regression.best_precision(Phi, y, sigma, lams)
    scaled = spec.with_noise_scale(k).log_evidence(lams)  # σ → kσ without a new SVD
    fresh = regression.evidence_vs_precision(Phi, y, k * sigma, lams)
    assert np.allclose(scaled, fresh, rtol=1e-12, atol=1e-9)
    for bad, call in (
        ("prior_precision", lambda: spec.posterior(0.0)),
        ("precisions", lambda: spec.log_evidence([1.0, -1.0])),
        ("scale", lambda: spec.with_noise_scale(NAN)),
        ("sigma", lambda: regression.spectrum(Phi, y, np.ones(n + 1))),
    ):
        with pytest.raises(ValueError, match=names(bad)):
            call()


@FAST
@given(st.integers(0, 12), st.integers(1, 5), st.floats(0.1, 2.0), st.floats(1e-2, 1e2), seeds)
def test_map_estimate_is_ridge_with_penalty_lambda_sigma_squared(n, m, sigma, lam, seed):
    Phi, y, _ = random_problem(seed, n, m)
    beta = regression.map_estimate(Phi, y, sigma, lam)
    assert beta.shape == (m,) and is_finite(beta)
    assert np.allclose(beta, regression.ridge(Phi, y, lam * sigma**2), rtol=1e-8, atol=1e-10)


@FAST
@given(st.integers(1, 50), st.floats(1e-6, 1e6))
def test_prior_is_isotropic_with_variance_one_over_lambda(m, lam):
    p = regression.prior(m, lam)
    assert p.n_weights == m and np.all(p.mean == 0)
    assert np.allclose(p.cov, np.eye(m) / lam) and np.allclose(p.precision, lam * np.eye(m))
    assert np.allclose(p.std, 1 / math.sqrt(lam))
    assert np.allclose(regression.posterior(np.zeros((0, m)), [], 1.0, lam).cov, p.cov)


@FAST
@given(st.integers(1, 5), seeds, st.booleans())
def test_a_posterior_built_from_mean_and_cov_derives_precision_and_root(m, seed, with_precision):
    rng = np.random.default_rng(seed)
    B = rng.normal(size=(m, m))
    cov, mean = B @ B.T + 0.1 * np.eye(m), rng.normal(size=m)
    precision = np.linalg.inv(cov) if with_precision else None
    post = regression.Posterior(mean, cov, precision=precision)
    R = post.root
    assert np.allclose(post.precision @ post.cov, np.eye(m), atol=1e-8)
    assert np.array_equal(np.triu(R), R) and np.all(np.diag(R) >= 0)
    assert np.allclose(R.T @ R, post.precision, rtol=1e-9, atol=1e-9 * np.abs(post.precision).max())
    assert np.allclose(post.std, np.sqrt(np.diag(cov)))


@FAST
@given(st.integers(1, 4), st.integers(0, 8), seeds, st.floats(0.1, 10.0), st.floats(0.1, 2.0))
def test_sequential_updates_reproduce_the_batch_posterior(m, n, seed, lam, sigma):
    Phi, y, _ = random_problem(seed, n, m)
    post = regression.prior(m, lam)
    for phi, target in zip(Phi, y, strict=True):
        post = regression.update(post, phi, target, sigma)
        assert is_finite(post.mean, post.cov)
    batch = regression.posterior(Phi, y, sigma, lam)
    assert np.allclose(post.mean, batch.mean, rtol=1e-8, atol=1e-10)
    assert np.allclose(post.cov, batch.cov, rtol=1e-8, atol=1e-12)


@FAST
@given(st.integers(1, 4), st.integers(0, 30), seeds)
def test_sample_weights_are_reproducible_finite_draws(m, count, seed):
    Phi, y, _ = random_problem(seed, 5, m)
    post = regression.posterior(Phi, y, 0.3, 1.0)
    draws = regression.sample_weights(post, count, seed)
    assert draws.shape == (count, m) and is_finite(draws)
    assert np.array_equal(draws, regression.sample_weights(post, count, seed))


@FAST
@given(
    st.integers(0, 8),
    st.integers(1, 4),
    st.integers(0, 6),
    arrays(np.float64, st.integers(0, 3), elements=st.floats(0.0, 5.0)),
    st.floats(0.0, 2.0),
    seeds,
)
def test_predictive_bands_are_ordered_around_the_mean(n, m, k, multiples, noise, seed):
    Phi, y, rng = random_problem(seed, n, m)
    post = regression.posterior(Phi, y, 0.5, 1.0)
    Xs = rng.normal(size=(k, m))
    mean, lower, upper = regression.predictive_bands(post, Xs, noise, multiples)
    assert mean.shape == (k,) and lower.shape == upper.shape == (multiples.size, k)
    assert is_finite(mean, lower, upper)
    assert np.allclose(upper - mean, mean - lower, rtol=1e-12, atol=1e-12)  # symmetric
    sd = np.sqrt(regression.predictive(post, Xs, noise)[1])
    assert np.allclose(upper - lower, 2 * multiples[:, None] * sd, rtol=1e-12, atol=1e-12)


@FAST
@given(st.integers(0, 8), st.integers(1, 4), st.integers(0, 6), st.integers(0, 20), seeds)
def test_sample_functions_are_the_sampled_weights_on_the_inputs(n, m, k, count, seed):
    Phi, y, rng = random_problem(seed, n, m)
    post = regression.posterior(Phi, y, 0.5, 1.0)
    Xs = rng.normal(size=(k, m))
    curves = regression.sample_functions(post, Xs, count, seed)
    assert curves.shape == (count, k) and is_finite(curves)
    betas = regression.sample_weights(post, count, seed)
    assert np.allclose(curves, betas @ Xs.T, rtol=1e-12, atol=1e-12)


#: (points, weights, σ, a grid of λ, seed) for the evidence against λ.
EVIDENCE_PROBLEMS = (
    st.integers(0, 12),
    st.integers(1, 5),
    st.floats(1e-2, 10.0),
    arrays(np.float64, st.integers(1, 6), elements=st.floats(1e-4, 1e4)),
    seeds,
)


@FAST
@given(*EVIDENCE_PROBLEMS)
def test_best_precision_has_the_largest_evidence_on_the_grid(n, m, sigma, lams, seed):
    Phi, y, _ = random_problem(seed, n, m)
    best = regression.best_precision(Phi, y, sigma, lams)
    if n == 0:
        assert math.isnan(best)
        return
    assert best in lams
    curve = regression.evidence_vs_precision(Phi, y, sigma, lams)
    assert regression.log_evidence(Phi, y, sigma, best) == pytest.approx(curve.max(), abs=1e-9)


@FAST
@given(*EVIDENCE_PROBLEMS)
def test_evidence_is_the_marginal_likelihood_at_each_precision(n, m, sigma, lams, seed):
    Phi, y, _ = random_problem(seed, n, m)
    curve = regression.evidence_vs_precision(Phi, y, sigma, lams)
    assert curve.shape == lams.shape and is_finite(curve)
    for lam, value in zip(lams, curve, strict=True):
        assert value == pytest.approx(regression.log_evidence(Phi, y, sigma, lam), abs=1e-9)
    if n:  # the log density of y under N(0, σ²I + ΦΦᵀ/λ), from the N×N covariance directly
        C = sigma**2 * np.eye(n) + Phi @ Phi.T / lams[0]
        _, logdet = np.linalg.slogdet(C)
        direct = -0.5 * (n * math.log(2 * math.pi) + logdet + y @ np.linalg.solve(C, y))
        assert curve[0] == pytest.approx(direct, rel=1e-7, abs=1e-7)


@FAST
@given(
    st.integers(0, 12),
    seeds,
    bases,
    st.lists(st.integers(0, regression.MAX_DEGREE), max_size=4),
    st.floats(0.05, 1.0),
    st.floats(1e-2, 1e2),
)
def test_evidence_vs_degree_scores_each_model_size(n, seed, basis, degrees, sigma, lam):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, n)
    y = np.sin(3 * x) + sigma * rng.normal(size=n)
    curve = regression.evidence_vs_degree(x, y, sigma, lam, degrees, basis)
    assert curve.shape == (len(degrees),) and is_finite(curve)
    assert np.array_equal(curve, regression.evidence_vs_size(x, y, sigma, lam, degrees, basis))
    for d, value in zip(degrees, curve, strict=True):
        P = regression.features(x, basis, d)
        assert value == pytest.approx(regression.log_evidence(P, y, sigma, lam), abs=1e-9)


@FAST
@given(st.integers(2, 4), st.integers(0, 6), seeds, st.data())
def test_weight_space_pictures_of_a_posterior(m, n, seed, data):
    Phi, y, rng = random_problem(seed, n, m)
    post = regression.posterior(Phi, y, 0.5, 1.0)
    i, j = data.draw(st.lists(st.integers(0, m - 1), min_size=2, max_size=2, unique=True))
    mean2, cov2 = regression.marginal(post, i, j)
    assert np.array_equal(mean2, post.mean[[i, j]])
    assert np.array_equal(cov2, post.cov[np.ix_([i, j], [i, j])])
    sd = np.sqrt(np.diag(cov2))
    b0 = np.linspace(mean2[0] - 5 * sd[0], mean2[0] + 5 * sd[0], 61)
    b1 = np.linspace(mean2[1] - 5 * sd[1], mean2[1] + 5 * sd[1], 51)
    density = regression.gaussian_grid(mean2, cov2, b0, b1)
    assert density.shape == (51, 61) and is_finite(density) and np.all(density >= 0)
    assert np.allclose(np.exp(regression.gaussian_grid(mean2, cov2, b0, b1, log=True)), density)
    assert np.trapezoid(np.trapezoid(density, b0, axis=1), b1) == pytest.approx(1.0, abs=1e-4)

    xs, ys = regression.covariance_ellipses(mean2, cov2, levels=(1.0, 2.0), n_points=40)
    assert xs.shape == ys.shape == (2 * 43 - 1,)
    assert np.isnan(xs).sum() == 1 and np.isnan(xs[42])
    offsets = np.stack([xs, ys])[:, ~np.isnan(xs)] - mean2[:, None]
    radius = np.sqrt(np.einsum("ik,ij,jk->k", offsets, np.linalg.inv(cov2), offsets))
    assert np.allclose(radius, np.repeat([1.0, 2.0], 42), rtol=1e-9)  # Mahalanobis distance

    phi, target, s = rng.normal(size=m), float(rng.normal()), 0.3
    peak = 1 / (math.sqrt(2 * math.pi) * s)  # the largest value of N(target | ·, s²)
    like = regression.likelihood_slice(post, phi, target, s, i, j, b0, b1)
    assert like.shape == (51, 61) and is_finite(like) and np.all((like >= 0) & (like <= peak))
    log_like = regression.likelihood_grid(phi[[i, j]], target, s, b0, b1, log=True)
    assert log_like.shape == (51, 61) and is_finite(log_like)
    assert np.all(log_like <= math.log(peak) + 1e-12)
    if m == 2:  # with two weights the slice is the plain likelihood
        assert np.allclose(like, np.exp(log_like))


@FAST
@given(truths, bases, st.integers(0, regression.MAX_GAUSSIAN_SIZE), vectors(0, 20, -2.0, 2.0))
def test_true_weights_reproduce_the_truth_when_it_is_in_the_model(truth, basis, size, x):
    if basis == "polynomial":
        size = min(size, regression.MAX_DEGREE)
    f = regression.true_function(truth, x)
    assert f.shape == x.shape and is_finite(f)
    w = regression.true_weights(truth, basis, size)
    in_model = basis == "polynomial" and size >= {"line": 1, "cubic": 3}.get(truth, math.inf)
    assert (w is not None) == in_model
    if w is not None:
        assert w.shape == (size + 1,)
        assert np.allclose(regression.features(x, basis, size) @ w, f, atol=1e-12)


@FAST
@given(
    truths,
    st.floats(1e-3, regression.SIGMA_MAX),
    st.booleans(),
    intervals(),
    st.integers(0, 2**63 - 1),
    st.integers(0, 60),
)
def test_generated_data_are_finite_and_reproducible_prefixes(
    truth, sigma, hetero, x_range, seed, n
):
    params = regression.GeneratorParams(truth, sigma, hetero, x_range, seed)
    assert dataclasses.replace(params) == params
    x, y, s = regression.generate(params, n)
    assert x.shape == y.shape == s.shape == (n,) and is_finite(x, y, s)
    assert np.all((x >= x_range[0]) & (x <= x_range[1])) and np.all(s > 0)
    assert np.array_equal(s, regression.noise_sigma(params, x))
    if hetero:
        assert np.all((s >= sigma / 4 * (1 - 1e-12)) & (s <= 7 * sigma / 4 * (1 + 1e-12)))
    else:
        assert np.all(s == sigma)
    prefix = regression.generate(params, n // 2)
    assert all(np.array_equal(a, b[: n // 2]) for a, b in zip(prefix, (x, y, s), strict=True))


_rng = np.random.default_rng(7)
POST3 = regression.posterior(_rng.normal(size=(5, 3)), _rng.normal(size=5), 0.5, 1.0)
PHI = np.ones((2, 1))
I2 = np.eye(2)

REGRESSION_INVALID = [
    *[(partial(regression.polynomial_features, x, 2), "x") for x in ([NAN], [[1.0, 2.0]], "ab")],
    *[(partial(regression.polynomial_features, [0.0], d), "degree") for d in (13, -1, 1.5)],
    (partial(regression.gaussian_features, [INF], [0.0], 1.0), "x"),
    *[
        (partial(regression.gaussian_features, [0.0], c, 1.0), "centers")
        for c in ([NAN], [[1], [1, 2]], [[1.0, 2.0]], "ab")
    ],
    *[
        (partial(regression.gaussian_features, [0.0], [0.0], w), "width")
        for w in (0.0, -1.0, NAN, "a")
    ],
    *[(partial(regression.gaussian_centers, k), "size") for k in (-1, 51, 2.5)],
    *[
        (partial(regression.gaussian_centers, 3, r), "x_range")
        for r in ((1.0, 0.0), (0.0, NAN), "ab", (0, 1, 2))
    ],
    *[(partial(regression.features, [0.0], b, 2), "basis") for b in ("spline", ["polynomial"])],
    (partial(regression.features, [0.0], "polynomial", 13), "degree"),
    (partial(regression.features, [0.0], "gaussian", 51), "size"),
    (partial(regression.features, [0.0], "gaussian", 3, -1.0), "width"),
    (partial(regression.features, [0.0], "gaussian", 3, x_range=(1, -1)), "x_range"),
    *[
        (partial(regression.mle, P, [1.0, 2.0], 1.0), "Phi")
        for P in ([[NAN], [1.0]], [1.0, 2.0], np.zeros((2, 0)))
    ],
    *[(partial(regression.mle, PHI, y, 1.0), "y") for y in ([1.0], [1.0, NAN])],
    *[
        (partial(regression.mle, PHI, [1.0, 2.0], s), "sigma")
        for s in (0.0, -1.0, [1.0, 2.0, 3.0], NAN)
    ],
    (partial(regression.mle_covariance, [[NAN], [1.0]], 1.0), "Phi"),
    (partial(regression.mle_covariance, PHI, 0.0), "sigma"),
    (partial(regression.ridge, "ab", [1.0], 1.0), "Phi"),
    (partial(regression.ridge, PHI, [1.0], 1.0), "y"),
    *[(partial(regression.ridge, PHI, [1.0, 2.0], lam), "lam") for lam in (-1.0, NAN, "a")],
    *[
        (partial(regression.Posterior, mean, I2), "mean")
        for mean in ([[1.0, 2.0], [3.0, 4.0]], [], [NAN, 0.0])
    ],
    *[
        (partial(regression.Posterior, [0.0, 0.0], cov), "cov")
        for cov in (np.eye(3), -I2, [[1.0, 2.0], [2.0, 1.0]], [[NAN, 0], [0, 1]])
    ],
    *[
        (partial(regression.Posterior, [0.0, 0.0], I2, precision=p), "precision")
        for p in (np.eye(3), -I2)
    ],
    *[
        (partial(regression.Posterior, [0.0, 0.0], I2, root=r), "root")
        for r in (np.eye(3), np.zeros((2, 2)))
    ],
    *[(partial(regression.prior, m, 1.0), "n_weights") for m in (0, 10_001, 1.5)],
    *[(partial(regression.prior, 2, lam), "prior_precision") for lam in (0.0, -1.0, INF)],
    (partial(regression.posterior, [[NAN], [0.0]], [1.0, 2.0], 1.0, 1.0), "Phi"),
    (partial(regression.posterior, PHI, [1.0], 1.0, 1.0), "y"),
    (partial(regression.posterior, PHI, [1.0, 2.0], -1.0, 1.0), "sigma"),
    (partial(regression.posterior, PHI, [1.0, 2.0], 1.0, 0.0), "prior_precision"),
    (partial(regression.update, None, [1.0], 0.0, 1.0), "post"),
    (partial(regression.update, POST3, [1.0, 2.0], 0.0, 1.0), "phi"),
    *[(partial(regression.update, POST3, [1.0, 2.0, 3.0], y, 1.0), "y") for y in (NAN, "a")],
    (partial(regression.update, POST3, [1.0, 2.0, 3.0], 0.0, 0.0), "sigma"),
    (partial(regression.map_estimate, PHI, [1.0, 2.0], -1.0, 1.0), "sigma"),
    (partial(regression.map_estimate, PHI, [1.0, 2.0], 1.0, NAN), "prior_precision"),
    (partial(regression.predictive, "post", np.ones((1, 3)), 1.0), "post"),
    *[
        (partial(regression.predictive, POST3, P, 1.0), "Phi_star")
        for P in (np.ones((1, 2)), [[NAN, 0.0, 0.0]])
    ],
    (partial(regression.predictive, POST3, np.ones((1, 3)), -1.0), "sigma"),
    (partial(regression.sample_weights, None, 3, 0), "post"),
    *[(partial(regression.sample_weights, POST3, k, 0), "n_samples") for k in (-1, 1.5, 10**7)],
    (partial(regression.sample_weights, POST3, 3, -1), "seed"),
    (partial(regression.log_evidence, [[NAN], [0.0]], [1.0, 2.0], 1.0, 1.0), "Phi"),
    (partial(regression.log_evidence, PHI, [1.0, 2.0, 3.0], 1.0, 1.0), "y"),
    (partial(regression.log_evidence, PHI, [1.0, 2.0], 0.0, 1.0), "sigma"),
    (partial(regression.log_evidence, PHI, [1.0, 2.0], 1.0, -1.0), "prior_precision"),
    *[
        (partial(regression.evidence_vs_precision, PHI, [1.0, 2.0], 1.0, lams), "precisions")
        for lams in ([0.0], [-1.0], [[1.0]], [NAN])
    ],
    (partial(regression.evidence_vs_precision, PHI, [1.0, 2.0], 0.0, [1.0]), "sigma"),
    (partial(regression.evidence_vs_degree, [NAN, 0.0], [1.0, 2.0], 1.0, 1.0, [1]), "x"),
    (partial(regression.evidence_vs_degree, [0.0, 1.0], [1.0], 1.0, 1.0, [1]), "y"),
    (partial(regression.evidence_vs_degree, [0.0, 1.0], [1.0, 2.0], 0.0, 1.0, [1]), "sigma"),
    (
        partial(regression.evidence_vs_degree, [0.0, 1.0], [1.0, 2.0], 1.0, 0.0, [1]),
        "prior_precision",
    ),
    *[
        (partial(regression.evidence_vs_degree, [0.0, 1.0], [1.0, 2.0], 1.0, 1.0, d), "degrees")
        for d in ([[1], [1, 2]], [[1, 2]], "ab")
    ],
    *[
        (partial(regression.evidence_vs_degree, [0.0, 1.0], [1.0, 2.0], 1.0, 1.0, d), "degrees[0]")
        for d in ([1.5], [-1], [13])
    ],
    (partial(regression.evidence_vs_degree, [0.0], [1.0], 1.0, 1.0, [1], "spline"), "basis"),
    (
        partial(regression.evidence_vs_size, [0.0], [1.0], 1.0, 1.0, [2, 51], "gaussian"),
        "degrees[1]",
    ),
    (partial(regression.marginal, "post", 0, 1), "post"),
    *[(partial(regression.marginal, POST3, i, 1), "i") for i in (-1, 3, 1.5)],
    *[(partial(regression.marginal, POST3, 0, j), "j") for j in (0, 3)],
    *[
        (partial(regression.gaussian_grid, mu, I2, [0.0], [0.0]), "mean2")
        for mu in ([0.0, 0.0, 0.0], [NAN, 0.0])
    ],
    *[
        (partial(regression.gaussian_grid, [0.0, 0.0], C, [0.0], [0.0]), "cov2")
        for C in (np.eye(3), -I2, [[1.0, 2.0], [2.0, 1.0]], [[NAN, 0], [0, 1]])
    ],
    *[
        (partial(regression.gaussian_grid, [0.0, 0.0], I2, b, [0.0]), "b0")
        for b in ([[0.0, 1.0]], [NAN])
    ],
    (partial(regression.gaussian_grid, [0.0, 0.0], I2, [0.0], "ab"), "b1"),
    (partial(regression.likelihood_grid, [1.0, 2.0, 3.0], 0.0, 1.0, [0.0], [0.0]), "phi2"),
    *[
        (partial(regression.likelihood_grid, [1.0, 2.0], y, 1.0, [0.0], [0.0]), "y")
        for y in (NAN, "a")
    ],
    (partial(regression.likelihood_grid, [1.0, 2.0], 0.0, 0.0, [0.0], [0.0]), "sigma"),
    (partial(regression.likelihood_grid, [1.0, 2.0], 0.0, 1.0, [INF], [0.0]), "b0"),
    (partial(regression.covariance_ellipses, [0.0], I2), "mean2"),
    (partial(regression.covariance_ellipses, [0.0, 0.0], -I2), "cov2"),
    *[
        (partial(regression.covariance_ellipses, [0.0, 0.0], I2, lv), "levels")
        for lv in ([0.0], [-1.0], "a")
    ],
    *[
        (partial(regression.covariance_ellipses, [0.0, 0.0], I2, (1.0,), k), "n_points")
        for k in (5, 2, 20_000, 4.5)
    ],
    (partial(regression.likelihood_slice, None, [1.0], 0.0, 1.0, 0, 1, [0.0], [0.0]), "post"),
    (partial(regression.likelihood_slice, POST3, [1.0], 0.0, 1.0, 0, 1, [0.0], [0.0]), "phi"),
    (partial(regression.likelihood_slice, POST3, [1, 2, 3], NAN, 1.0, 0, 1, [0], [0]), "y"),
    (partial(regression.likelihood_slice, POST3, [1, 2, 3], 0.0, 0.0, 0, 1, [0], [0]), "sigma"),
    (partial(regression.likelihood_slice, POST3, [1, 2, 3], 0.0, 1.0, 5, 1, [0], [0]), "i"),
    (partial(regression.likelihood_slice, POST3, [1, 2, 3], 0.0, 1.0, 1, 1, [0], [0]), "j"),
    (partial(regression.likelihood_slice, POST3, [1, 2, 3], 0.0, 1.0, 0, 1, [[0]], [0]), "b0"),
    (partial(regression.true_weights, "quartic", "polynomial", 3), "truth"),
    (partial(regression.true_weights, "line", "spline", 3), "basis"),
    *[(partial(regression.true_weights, "line", "polynomial", k), "size") for k in (13, -1)],
    (partial(regression.GeneratorParams, truth="quartic"), "truth"),
    *[(partial(regression.GeneratorParams, sigma=s), "sigma") for s in (0.0, 11.0, NAN, "a")],
    *[
        (partial(regression.GeneratorParams, heteroscedastic=h), "heteroscedastic")
        for h in ("yes", 1)
    ],
    *[
        (partial(regression.GeneratorParams, x_range=r), "x_range")
        for r in ((1.0, -1.0), "ab", (0.0, INF))
    ],
    *[(partial(regression.GeneratorParams, seed=s), "seed") for s in (-1, 1.5)],
    (partial(regression.true_function, "quartic", [0.0]), "truth"),
    *[(partial(regression.true_function, "line", x), "x") for x in ([NAN], "ab")],
    (partial(regression.predictive_bands, None, [[1.0, 0.0, 0.0]], 0.1), "post"),
    (partial(regression.predictive_bands, POST3, [[1.0, 0.0]], 0.1), "Phi_star"),
    (partial(regression.predictive_bands, POST3, [[1.0, 0.0, 0.0]], -0.1), "sigma"),
    *[
        (partial(regression.predictive_bands, POST3, [[1.0, 0.0, 0.0]], 0.1, k), "multiples")
        for k in ((1, -1), (NAN,), "ab", [[1.0]])
    ],
    (partial(regression.sample_functions, None, [[1.0]], 3, 0), "post"),
    *[(partial(regression.sample_functions, POST3, P, 3, 0), "Phi_star") for P in ([[1.0]], "a")],
    (partial(regression.sample_functions, POST3, [[1.0, 0.0, 0.0]], -1, 0), "n_samples"),
    (partial(regression.sample_functions, POST3, [[1.0, 0.0, 0.0]], 3, -1), "seed"),
    (partial(regression.best_precision, [[NAN]], [1.0], 1.0, [1.0]), "Phi"),
    (partial(regression.best_precision, PHI, [1.0], 1.0, [1.0]), "y"),
    (partial(regression.best_precision, PHI, [1.0, 2.0], 0.0, [1.0]), "sigma"),
    *[
        (partial(regression.best_precision, PHI, [1.0, 2.0], 1.0, lams), "precisions")
        for lams in ([], [0.0], [-1.0, 1.0], [NAN], "ab")
    ],
    (partial(regression.noise_sigma, None, [0.0]), "params"),
    (partial(regression.noise_sigma, regression.GeneratorParams(), [INF]), "x"),
    (partial(regression.generate, None, 3), "params"),
    *[
        (partial(regression.generate, regression.GeneratorParams(), n), "n")
        for n in (-1, 1.5, 10**7)
    ],
]


@pytest.mark.parametrize(("call", "name"), REGRESSION_INVALID, ids=case_id)
def test_invalid_regression_parameters_name_themselves(call, name):
    assert_invalid(call, name)


# --------------------------------------------------------------------------------------------
# double_descent
# --------------------------------------------------------------------------------------------


def increasing_widths(max_width=10, max_count=4):
    return st.lists(st.integers(1, max_width), min_size=1, max_size=max_count, unique=True).map(
        sorted
    )


@FAST
@given(st.integers(1, 12), st.integers(1, 30), st.integers(1, 3), seeds)
def test_min_norm_solution_is_finite_and_interpolates_when_it_can(n, p, k, seed):
    rng = np.random.default_rng(seed)
    Phi, Y = rng.normal(size=(n, p)), rng.normal(size=(n, k))
    for y in (Y[:, 0], Y):
        beta = dd.min_norm_lstsq(Phi, y)
        assert beta.shape == (p,) + y.shape[1:] and is_finite(beta)
        if p >= n:
            assert np.allclose(Phi @ beta, y, atol=1e-6 * max(1.0, np.abs(y).max()))
        else:  # least squares: the residual is orthogonal to the columns
            assert np.allclose(Phi.T @ (y - Phi @ beta), 0.0, atol=1e-8)


@FAST
@given(
    st.integers(1, 8), st.integers(1, 12), seeds, st.just(0.0) | st.floats(1e-3, 10.0), st.data()
)
def test_nested_solutions_solve_every_width(n, P, seed, ridge, data):
    widths = data.draw(increasing_widths(P), label="widths")
    rng = np.random.default_rng(seed)
    Phi, y = rng.normal(size=(n, P)), rng.normal(size=n)
    solutions = dd.nested_solutions(Phi, y, widths, ridge)
    assert len(solutions) == len(widths)
    for beta, p in zip(solutions, widths, strict=True):
        assert beta.shape == (p,) and is_finite(beta)
        A = Phi[:, :p]
        if ridge == 0.0:  # agrees with a per-width SVD solve
            reference = dd.min_norm_lstsq(A, y)
            assert np.allclose(
                beta, reference, rtol=1e-6, atol=1e-8 * (1 + np.abs(reference).max())
            )
        else:  # (AᵀA + λI) β = Aᵀy
            residual = A.T @ (A @ beta) + ridge * beta - A.T @ y
            assert np.abs(residual).max() <= 1e-8 * (1 + np.abs(A.T @ y).max())


@FAST
@given(
    arrays(np.float64, st.integers(1, 10), elements=st.floats(1e-3, 1e3).filter(lambda g: g != 1)),
    st.floats(0.0, 1e3),
    st.floats(0.0, 1e3),
)
def test_isotropic_risk_is_finite_off_the_peak_and_grows_towards_it(gamma, signal, noise):
    risk = dd.isotropic_risk(gamma, signal, noise)
    assert risk.shape == gamma.shape and is_finite(risk) and np.all(risk >= 0)
    below = np.sort(gamma[gamma < 1])
    assert np.all(np.diff(dd.isotropic_risk(below, signal, noise)) >= 0) if below.size else True
    assert isinstance(dd.isotropic_risk(float(gamma[0]), signal, noise), float)
    assert dd.isotropic_risk(1.0, signal, noise) == (math.inf if noise > 0 else 0.0)


@FAST
@given(
    st.integers(1, 200),
    arrays(np.int64, st.integers(1, 10), elements=st.integers(1, 400)),
    st.floats(0.0, 1e3),
    st.floats(0.0, 1e3),
)
def test_isotropic_risk_exact_is_infinite_only_at_the_threshold(n, p, signal, noise):
    risk = dd.isotropic_risk_exact(n, p, signal, noise)
    assert risk.shape == p.shape and np.all(risk >= 0)
    peak = np.abs(p - n) <= 1
    assert is_finite(risk[~peak])
    assert np.all(np.isinf(risk[peak])) if noise > 0 else is_finite(risk)


@FAST
@given(st.floats(0.05, 0.9) | st.floats(1.1, 20.0), st.floats(0.0, 10.0), st.floats(0.0, 10.0))
def test_isotropic_risk_exact_tends_to_the_asymptotic_risk(gamma, signal, noise):
    n = 100_000
    p = round(gamma * n)
    exact = dd.isotropic_risk_exact(n, p, signal, noise)
    assert exact == pytest.approx(dd.isotropic_risk(p / n, signal, noise), rel=1e-3, abs=1e-9)


@FAST
@given(vectors(0, 20))
def test_fourier_target_is_smooth_and_bounded(x):
    f = dd.fourier_target(x)
    assert f.shape == x.shape and is_finite(f) and np.all(np.abs(f) <= 1.5)


#: A few "digits" (random 8 × 8 images, labels 0–9) for the real-data family.
SMALL_DIGITS = datasets.Digits(
    images=np.random.default_rng(0).integers(0, 17, (12, 64)).astype(float),
    labels=np.arange(12) % 10,
)


def sweep_params():
    return st.sampled_from(dd.FEATURE_FAMILIES).flatmap(
        lambda family: st.builds(
            dd.SweepParams,
            n=st.integers(1, 6),
            widths=increasing_widths(10, 4),
            trials=st.integers(1, 2),
            sigma=st.floats(0.0, 2.0),
            ridge=st.just(0.0) | st.floats(1e-3, 1.0),
            features=st.just(family),
            signal=st.floats(0.0, 4.0),
            seed=seeds,
            input_dim=st.integers(1, 4),
            n_test=st.integers(1, 10),
            data=st.just(SMALL_DIGITS if family == "digits" else None),
        )
    )


@SLOW
@given(sweep_params())
def test_sweeps_report_finite_curves_with_progress(params):
    assert params.p_max == max(params.widths) and isinstance(params.widths, tuple)
    assert dataclasses.replace(params) == params
    calls = []
    result = dd.run_sweep(params, progress=lambda done, total, partial: calls.append(done))
    assert calls == list(range(1, params.trials + 1))
    W = len(params.widths)
    assert np.array_equal(result.p, params.widths) and result.trials_done == params.trials
    assert not result.cancelled and result.n == params.n
    assert np.allclose(result.gamma, np.array(params.widths) / params.n)
    for key in ("test", "train", "norm"):
        mean, std = getattr(result, f"{key}_mean"), getattr(result, f"{key}_std")
        assert mean.shape == std.shape == (W,) and is_finite(mean, std) and np.all(mean >= 0)
    if params.features == "isotropic" and params.ridge == 0.0:  # p ≥ n interpolates
        fits = np.array(params.widths) >= params.n
        assert np.all(result.train_mean[fits] <= 1e-12 * (1 + params.signal + params.sigma**2))
    again = dd.sweep(**{f.name: getattr(params, f.name) for f in dataclasses.fields(params)})
    assert np.array_equal(again.test_mean, result.test_mean)  # the same sweep, reproducibly
    rebuilt = dd.SweepResult(params, result.test_trials, result.train_trials, result.norm_trials)
    assert np.array_equal(rebuilt.norm_mean, result.norm_mean)


@SLOW
@given(sweep_params(), st.data())
def test_draw_trial_is_deterministic_and_shaped_for_its_family(params, data):
    trial = data.draw(st.integers(0, params.trials - 1), label="trial")
    draw = dd.draw_trial(params, trial)
    n, P, W = params.n, params.p_max, len(params.widths)
    assert draw.Phi.shape == (n, P) and draw.Y.shape == (n, W) and is_finite(draw.Phi, draw.Y)
    if params.features == "isotropic":
        assert draw.beta.shape == (P, W) and draw.Phi_test is None and is_finite(draw.beta)
    else:
        assert draw.Phi_test.shape == (params.tested, P) and draw.f_test.shape == (params.tested,)
        assert is_finite(draw.Phi_test, draw.f_test)
    again = dd.draw_trial(params, trial)
    assert np.array_equal(again.Phi, draw.Phi) and np.array_equal(again.Y, draw.Y)


def test_a_cancelled_sweep_returns_the_trials_done():
    params = dd.SweepParams(n=4, widths=(1, 3, 6), trials=3, sigma=0.1)
    result = dd.run_sweep(params, cancel=lambda: True)
    assert result.cancelled and result.trials_done == 0 and np.all(np.isnan(result.test_mean))


def test_the_default_sweep_is_valid_and_drawable():
    params = dd.default_sweep_params()
    assert isinstance(params, dd.SweepParams) and dataclasses.replace(params) == params
    draw = dd.draw_trial(params, 0)
    assert draw.Phi.shape == (params.n, params.p_max) and is_finite(draw.Phi)


@SLOW
@given(
    st.integers(1, 12),
    st.integers(1, 30),
    st.floats(0.0, 1.0),
    st.just(0.0) | st.floats(1e-4, 1.0),
    seeds,
    st.integers(2, 50),
)
def test_fit_function_gives_a_finite_curve_on_the_grid(n, p, sigma, ridge, seed, grid):
    fit = dd.fit_function(n, p, sigma, ridge, seed, grid)
    assert fit.n == n and fit.p == p and fit.beta.shape == (p,)
    assert fit.x_train.shape == fit.y_train.shape == (n,) and np.all(np.diff(fit.x_train) > 0)
    assert np.all(np.abs(fit.x_train) <= 1) and fit.x_grid[0] == -1 and fit.x_grid[-1] == 1
    assert fit.f_hat.shape == fit.f_true.shape == fit.x_grid.shape == (grid,)
    assert is_finite(fit.y_train, fit.f_hat, fit.f_true, fit.beta)
    assert fit.train_error >= 0 and fit.grid_error >= 0
    assert is_finite(fit.train_error, fit.grid_error)
    assert np.array_equal(fit.f_true, dd.fourier_target(fit.x_grid))
    copy = dd.FunctionFit(**{f.name: getattr(fit, f.name) for f in dataclasses.fields(fit)})
    assert copy.grid_error == fit.grid_error


@FAST
@given(st.integers(1, dd.MAX_N), st.floats(1e-3, 25.0))
def test_widths_for_are_valid_sweep_widths_dense_around_n(n, ratio):
    assume(ratio * n <= dd.MAX_WIDTH)
    widths = dd.widths_for(n, ratio)
    top = max(2, round(ratio * n))
    assert widths[0] == 1 and widths[-1] == top and len(widths) <= dd.MAX_WIDTHS + 7
    assert np.all(np.diff(widths) > 0)
    assert set(range(max(1, n - 3), min(top, n + 3) + 1)) <= set(widths)
    if n * top <= dd.MAX_ENTRIES:  # beyond it a sweep is refused for its memory, not its widths
        assert dd.SweepParams(n=n, widths=widths, trials=1, sigma=0.0).widths == widths


SWEEP = dd.SweepParams(n=3, widths=(1, 2), trials=1, sigma=0.1)
ONE_ROW = np.zeros((1, 2))
FIT = dict(
    x_train=[0.0, 0.5],
    y_train=[1.0, 2.0],
    x_grid=[0.0],
    f_true=[0.0],
    f_hat=[0.0],
    beta=[1.0],
    train_error=0.0,
    grid_error=0.0,
)

DOUBLE_DESCENT_INVALID = [
    *[
        (partial(dd.min_norm_lstsq, P, [1.0]), "Phi")
        for P in ([[NAN]], [1.0, 2.0], np.zeros((0, 2)), "ab")
    ],
    *[
        (partial(dd.min_norm_lstsq, np.ones((2, 2)), y), "y")
        for y in ([1.0], np.ones((2, 1, 1)), [1.0, INF])
    ],
    (partial(dd.nested_solutions, [[NAN, 1.0]], [1.0], [1]), "Phi"),
    *[
        (partial(dd.nested_solutions, np.ones((2, 3)), y, [1]), "y")
        for y in ([1.0], np.ones((2, 2)))
    ],
    *[
        (partial(dd.nested_solutions, np.ones((2, 3)), [1.0, 2.0], w), "widths")
        for w in ([], [2, 1], [[1], [1, 2]], [4], "ab")
    ],
    *[
        (partial(dd.nested_solutions, np.ones((2, 3)), [1.0, 2.0], w), "widths[0]")
        for w in ([0], [1.5])
    ],
    *[
        (partial(dd.nested_solutions, np.ones((2, 3)), [1.0, 2.0], [1], r), "ridge")
        for r in (-1.0, NAN)
    ],
    *[(partial(dd.isotropic_risk, g, 1.0, 1.0), "gamma") for g in (0.0, -1.0, NAN, "a", [])],
    *[(partial(dd.isotropic_risk, 0.5, s, 1.0), "signal") for s in (-1.0, NAN)],
    *[(partial(dd.isotropic_risk, 0.5, 1.0, s), "noise") for s in (-1.0, INF)],
    *[(partial(dd.isotropic_risk_exact, n, 3, 1.0, 1.0), "n") for n in (0, 1.5)],
    *[(partial(dd.isotropic_risk_exact, 5, p, 1.0, 1.0), "p") for p in ([0], [1.5], "a", [])],
    (partial(dd.isotropic_risk_exact, 5, 3, -1.0, 1.0), "signal"),
    (partial(dd.isotropic_risk_exact, 5, 3, 1.0, NAN), "noise"),
    *[
        (partial(dd.SweepParams, n=n, widths=(1,), trials=1, sigma=0.1), "n")
        for n in (0, 10_001, 1.5)
    ],
    *[
        (partial(dd.SweepParams, n=3, widths=w, trials=1, sigma=0.1), "widths")
        for w in ((), (2, 1))
    ],
    *[
        (partial(dd.SweepParams, n=3, widths=w, trials=1, sigma=0.1), "widths[0]")
        for w in ((0,), (1.5,))
    ],
    (partial(dd.SweepParams, n=3, widths=range(1, 10_001), trials=1, sigma=0.1), "widths"),
    (partial(dd.SweepParams, n=10_000, widths=(20_000,), trials=1, sigma=0.1), "n"),
    (
        partial(
            dd.SweepParams,
            n=3,
            widths=(1000,),
            trials=1,
            sigma=0.1,
            features="relu",
            n_test=100_000,
        ),
        "n_test",
    ),
    (partial(dd.SweepParams, n=3, widths=(1,), trials=0, sigma=0.1), "trials"),
    *[
        (partial(dd.SweepParams, n=3, widths=(1,), trials=1, sigma=s), "sigma")
        for s in (-0.1, NAN, "a")
    ],
    (partial(dd.SweepParams, n=3, widths=(1,), trials=1, sigma=0.1, ridge=-1.0), "ridge"),
    *[
        (partial(dd.SweepParams, n=3, widths=(1,), trials=1, sigma=0.1, features=f), "features")
        for f in ("spline", None)
    ],
    (partial(dd.SweepParams, n=3, widths=(1,), trials=1, sigma=0.1, signal=-1.0), "signal"),
    (partial(dd.SweepParams, n=3, widths=(1,), trials=1, sigma=0.1, seed=-1), "seed"),
    (partial(dd.SweepParams, n=3, widths=(1,), trials=1, sigma=0.1, input_dim=0), "input_dim"),
    (partial(dd.SweepParams, n=3, widths=(1,), trials=1, sigma=0.1, n_test=0), "n_test"),
    (partial(dd.SweepResult, None, ONE_ROW, ONE_ROW, ONE_ROW), "params"),
    (partial(dd.SweepResult, SWEEP, np.zeros((1, 3)), ONE_ROW, ONE_ROW), "test_trials"),
    (partial(dd.SweepResult, SWEEP, ONE_ROW, np.zeros((0, 2)), ONE_ROW, True), "train_trials"),
    (partial(dd.SweepResult, SWEEP, *[np.zeros((2, 2))] * 3), "trials_done"),
    (partial(dd.SweepResult, SWEEP, *[np.zeros((0, 2))] * 3), "trials_done"),
    (partial(dd.SweepResult, SWEEP, ONE_ROW, ONE_ROW, ONE_ROW, fallbacks=-1), "fallbacks"),
    (partial(dd.draw_trial, None, 0), "params"),
    *[(partial(dd.draw_trial, SWEEP, t), "trial") for t in (-1, 1, 1.5)],
    (partial(dd.run_sweep, None), "params"),
    (partial(dd.run_sweep, SWEEP, progress=3), "progress"),
    (partial(dd.run_sweep, SWEEP, cancel="stop"), "cancel"),
    (partial(dd.sweep, 0, (1,), 1, 0.1), "n"),
    (partial(dd.sweep, 3, (), 1, 0.1), "widths"),
    (partial(dd.sweep, 3, (1,), 0, 0.1), "trials"),
    (partial(dd.sweep, 3, (1,), 1, -0.1), "sigma"),
    (partial(dd.sweep, 3, (1,), 1, 0.1, features="x"), "features"),
    (partial(dd.sweep, 3, (1,), 1, 0.1, progress=3), "progress"),
    (partial(dd.fit_function, 0, 3, 0.1), "n"),
    *[(partial(dd.fit_function, 5, p, 0.1), "p") for p in (0, 1.5)],
    (partial(dd.fit_function, 5, 3, -0.1), "sigma"),
    (partial(dd.fit_function, 5, 3, 0.1, NAN), "ridge"),
    (partial(dd.fit_function, 5, 3, 0.1, seed=-1), "seed"),
    *[(partial(dd.fit_function, 5, p, 0.1, grid=g), "grid") for p, g in ((3, 1), (20_000, 10_000))],
    (partial(dd.FunctionFit, **{**FIT, "x_train": "ab"}), "x_train"),
    (partial(dd.FunctionFit, **{**FIT, "y_train": [1.0]}), "y_train"),
    (partial(dd.FunctionFit, **{**FIT, "x_grid": [[0.0]]}), "x_grid"),
    (partial(dd.FunctionFit, **{**FIT, "f_hat": [0.0, 1.0]}), "f_hat"),
    (partial(dd.FunctionFit, **{**FIT, "beta": [[1.0]]}), "beta"),
    (partial(dd.FunctionFit, **{**FIT, "train_error": "a"}), "train_error"),
    (partial(dd.FunctionFit, **{**FIT, "grid_error": None}), "grid_error"),
    *[(partial(dd.fourier_target, x), "x") for x in ("a", NAN, [INF], None)],
    *[(partial(dd.widths_for, n, 2.0), "n") for n in (0, 1.5, dd.MAX_N + 1, True)],
    *[(partial(dd.widths_for, 10, r), "ratio") for r in (0.0, -1.0, NAN, "2", 1e4)],
]


@pytest.mark.parametrize(("call", "name"), DOUBLE_DESCENT_INVALID, ids=case_id)
def test_invalid_double_descent_parameters_name_themselves(call, name):
    assert_invalid(call, name)


# --------------------------------------------------------------------------------------------
# langevin
# --------------------------------------------------------------------------------------------

EXPRESSIONS_1D = ("x**4/4 - x**2/2 + 0.2*sin(5*x)", "cosh(x)", "x**2/2 + exp(-x**2)")
EXPRESSIONS_2D = ("(x**2 - 1)**2 + y**2/2 + 0.3*x*y", "cos(x)*cos(y) + (x**2 + y**2)/8")

potentials_1d = st.one_of(
    st.builds(langevin.harmonic, st.floats(0.0, 10.0)),
    st.builds(langevin.Harmonic, st.floats(0.0, 10.0)),
    st.builds(langevin.double_well, st.floats(0.0, 5.0)),
    st.builds(langevin.tilted_double_well, st.floats(0.0, 5.0), st.floats(-3.0, 3.0)),
    st.builds(langevin.DoubleWell, st.floats(0.0, 5.0), st.floats(-3.0, 3.0)),
    st.builds(langevin.from_expression, st.sampled_from(EXPRESSIONS_1D)),
    st.builds(langevin.ExpressionPotential, st.sampled_from(EXPRESSIONS_1D), intervals(-3, 0, 1)),
)
potentials_2d = st.one_of(
    st.builds(
        langevin.double_well_2d, st.floats(0.0, 5.0), st.floats(0.0, 5.0), st.floats(-2.0, 2.0)
    ),
    st.builds(
        langevin.DoubleWell2D, st.floats(0.0, 5.0), st.floats(0.0, 5.0), st.floats(-2.0, 2.0)
    ),
    st.builds(langevin.from_expression_2d, st.sampled_from(EXPRESSIONS_2D)),
    st.builds(langevin.ExpressionPotential2D, st.sampled_from(EXPRESSIONS_2D)),
)
initial_conditions = st.one_of(
    st.floats(-1.0, 1.0),
    st.builds(langevin.Uniform, st.floats(-1.0, 0.0), st.floats(0.0, 1.0)),
    st.builds(langevin.Gaussian, st.floats(-0.5, 0.5), st.floats(0.0, 0.3)),
    st.tuples(st.just("uniform"), st.floats(-1.0, 0.0), st.floats(0.0, 1.0)),
    st.tuples(st.sampled_from(["gaussian", "normal"]), st.floats(-0.5, 0.5), st.floats(0, 0.3)),
)


def central_difference(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)


@FAST
@given(potentials_1d, vectors(1, 20, -2.0, 2.0), st.floats(1e-4, 0.1))
def test_1d_potentials_have_consistent_derivatives_and_kernels(pot, x, dt):
    V, dV, d2V = pot.V(x), pot.dV(x), pot.d2V(x)
    assert V.shape == dV.shape == d2V.shape == x.shape and is_finite(V, dV, d2V)
    scale = 1 + np.abs(V).max() + np.abs(dV).max()
    assert np.allclose(dV, central_difference(pot.V, x), rtol=1e-6, atol=1e-6 * scale)
    assert np.allclose(d2V, central_difference(pot.dV, x), rtol=1e-6, atol=1e-5 * scale)
    out = np.empty_like(x)
    pot.dV_into(x, out)
    assert np.allclose(out, dV, rtol=1e-13, atol=1e-13 * scale)
    if hasattr(pot, "drift_into"):
        pot.drift_into(x, dt, out)
        assert np.allclose(out, x - dt * dV, rtol=1e-12, atol=1e-12 * scale)
    assert pot.name and pot.description.startswith("V(x) =")


@FAST
@given(
    potentials_2d,
    arrays(np.float64, st.tuples(st.integers(1, 10), st.just(2)), elements=st.floats(-2, 2)),
    st.floats(1e-4, 0.1),
)
def test_2d_potentials_have_consistent_gradients_and_kernels(pot, xy, dt):
    V, grad = pot.V(xy), pot.grad(xy)
    assert V.shape == (xy.shape[0],) and grad.shape == xy.shape and is_finite(V, grad)
    assert np.allclose(pot.V_xy(xy[:, 0], xy[:, 1]), V)
    scale = 1 + np.abs(V).max() + np.abs(grad).max()
    for axis, shift in enumerate(np.eye(2)):
        numeric = central_difference(
            lambda t, shift=shift: pot.V(xy + t[:, None] * shift), np.zeros(len(xy))
        )
        assert np.allclose(grad[:, axis], numeric, rtol=1e-6, atol=1e-6 * scale)
    out = np.empty_like(xy)
    pot.grad_into(xy, out)
    assert np.allclose(out, grad, rtol=1e-13, atol=1e-13 * scale)
    if hasattr(pot, "drift_into"):
        pot.drift_into(xy, dt, out)
        assert np.allclose(out, xy - dt * grad, rtol=1e-12, atol=1e-12 * scale)
    if hasattr(pot, "hessian_bound"):  # bounds every second derivative on the box
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        hessian = [
            central_difference(
                lambda t, a=a: pot.grad(xy + t[:, None] * np.eye(2)[a]), np.zeros(len(xy))
            )
            for a in (0, 1)
        ]
        assert np.abs(hessian).max() <= pot.hessian_bound(lo, hi) * (1 + 1e-6) + 1e-6
    assert pot.name and pot.description.startswith("V(x, y) =")


@FAST
@given(
    st.floats(-10.0, 10.0),
    st.floats(0.0, 10.0),
    st.floats(-10.0, 10.0),
    st.floats(0.0, 5.0),
    st.integers(0, 50),
    seeds,
    st.sampled_from([1, 2]),
)
def test_initial_conditions_give_finite_positions_of_the_right_shape(
    lo, span, mean, std, n, seed, dim
):
    hi = lo + span
    uniform, gaussian = langevin.Uniform(lo, hi), langevin.Gaussian(mean, std)
    assert langevin.parse_initial_condition(("uniform", lo, hi)) == uniform
    assert langevin.parse_initial_condition(["normal", mean, std]) == gaussian
    assert langevin.parse_initial_condition(mean) == mean  # anything else passes through
    shape = (n,) if dim == 1 else (n, 2)
    rng = np.random.default_rng(seed)
    for spec in (uniform, gaussian, ("uniform", lo, hi), mean, np.full(shape, mean)):
        x = langevin.initial_positions(spec, n, rng, dim)
        assert x.shape == shape and is_finite(x)
    x = langevin.initial_positions(uniform, n, rng, dim)
    assert np.all((x >= lo) & (x <= hi + 1e-12 * (1 + abs(hi))))
    if dim == 2:
        point = langevin.initial_positions((mean, lo), n, rng, 2)
        assert np.all(point == [mean, lo])
        pair = langevin.initial_positions(langevin.Gaussian((mean, lo), std), n, rng, 2)
        assert pair.shape == (n, 2) and is_finite(pair)


@SLOW
@given(
    potentials_1d,
    st.integers(0, 30),
    st.floats(0.0, 1.0),
    st.floats(1e-4, 5e-3),
    seeds,
    initial_conditions,
    st.integers(0, 20),
)
def test_an_ensemble_stays_finite_and_keeps_time(pot, n, sigma, dt, seed, x0, k):
    ensemble = langevin.Ensemble(pot, n, sigma, dt, seed, x0)
    ensemble.step(k)
    assert ensemble.x.shape == (n,) and is_finite(ensemble.x)
    assert ensemble.steps == k and ensemble.t == pytest.approx(k * dt)
    assert ensemble.kT == pytest.approx(sigma**2 / 2)
    twin = langevin.Ensemble(pot, n, sigma, dt, seed, x0)
    twin.step(k)
    assert np.array_equal(twin.x, ensemble.x)  # same seed, same numbers
    ensemble.set_sigma(2 * sigma)
    ensemble.set_dt(dt / 2)
    ensemble.set_potential(langevin.harmonic(1.0))
    assert (ensemble.sigma, ensemble.dt) == (2 * sigma, dt / 2)
    ensemble.step(2)
    assert is_finite(ensemble.x) and ensemble.t == pytest.approx(k * dt + dt)


@FAST
@given(st.floats(0.0, 10.0), st.floats(1e-3, 1.0), vectors(1, 10, -5.0, 5.0))
def test_noiseless_flow_in_a_harmonic_well_never_climbs(k, dt_fraction, x0):
    dt = dt_fraction / max(k, 1.0)  # dt·k ≤ 1: the gradient step cannot overshoot
    ensemble = langevin.Ensemble(langevin.harmonic(k), x0.size, 0.0, dt, 0, x0)
    before = ensemble.potential.V(ensemble.x)
    ensemble.step(3)
    assert np.all(ensemble.potential.V(ensemble.x) <= before + 1e-12)


@SLOW
@given(
    potentials_2d,
    st.integers(0, 20),
    st.floats(0.0, 1.0),
    st.floats(1e-4, 5e-3),
    seeds,
    st.one_of(initial_conditions, st.tuples(st.floats(-1, 1), st.floats(-1, 1))),
    st.integers(0, 20),
)
def test_a_2d_ensemble_stays_finite_and_keeps_time(pot, n, sigma, dt, seed, x0, k):
    ensemble = langevin.Ensemble2D(pot, n, sigma, dt, seed, x0)
    ensemble.step(k)
    assert ensemble.xy.shape == (n, 2) and is_finite(ensemble.xy)
    assert np.array_equal(ensemble.x, ensemble.xy[:, 0]) and np.array_equal(
        ensemble.y, ensemble.xy[:, 1]
    )
    assert ensemble.steps == k and ensemble.t == pytest.approx(k * dt)
    ensemble.set_sigma(sigma / 2)
    ensemble.set_dt(2 * dt)
    ensemble.set_potential(langevin.double_well_2d(1.0, 1.0))
    ensemble.step(2)
    assert is_finite(ensemble.xy) and ensemble.t == pytest.approx(k * dt + 4 * dt)


@SLOW
@given(
    potentials_1d,
    st.integers(0, 20),
    st.floats(0.0, 1.0),
    st.floats(0.1, 10.0),
    st.floats(0.1, 10.0),
    st.floats(1e-4, 5e-3),
    seeds,
    initial_conditions,
    st.one_of(st.just("thermal"), initial_conditions),
    st.integers(0, 20),
)
def test_an_underdamped_ensemble_stays_finite(pot, n, sigma, gamma, mass, dt, seed, x0, v0, k):
    ensemble = langevin.UnderdampedEnsemble(pot, n, sigma, gamma, mass, dt, seed, x0, v0)
    ensemble.step(k)
    assert ensemble.x.shape == ensemble.v.shape == (n,) and is_finite(ensemble.x, ensemble.v)
    assert ensemble.kT == pytest.approx(sigma**2 / (2 * gamma))  # fluctuation–dissipation
    assert ensemble.steps == k and ensemble.t == pytest.approx(k * dt)
    ensemble.set_sigma(sigma / 2)
    ensemble.set_gamma(2 * gamma)
    ensemble.set_dt(dt / 2)
    ensemble.set_potential(langevin.harmonic(1.0))
    assert (ensemble.sigma, ensemble.gamma, ensemble.dt) == (sigma / 2, 2 * gamma, dt / 2)
    ensemble.step(2)
    assert is_finite(ensemble.x, ensemble.v)


@FAST
@given(st.floats(10.0, 1e3), st.floats(1.2, 2.0), seeds, st.sampled_from(["1d", "2d", "under"]))
def test_a_blown_up_step_raises_divergence_error_and_keeps_a_finite_state(dt, x0, seed, kind):
    if kind == "1d":
        ensemble = langevin.Ensemble(langevin.double_well(), 5, 0.0, dt, seed, x0)
    elif kind == "2d":
        ensemble = langevin.Ensemble2D(langevin.double_well_2d(), 5, 0.0, dt, seed, x0)
    else:
        ensemble = langevin.UnderdampedEnsemble(
            langevin.double_well(), 5, 0.0, 1.0, 1.0, dt, seed, x0
        )
    with pytest.raises(langevin.DivergenceError, match="dt") as info:
        ensemble.step(10)
    assert isinstance(info.value, ValueError) and ensemble.diverged
    coordinates = ensemble.xy if kind == "2d" else ensemble.x
    assert is_finite(coordinates) and np.abs(coordinates).max() <= langevin.DEFAULT_BOUND
    assert info.value.t == ensemble.t
    assert math.isnan(info.value.suggested_dt) or 0 < info.value.suggested_dt < dt


@FAST
@given(potentials_1d, st.floats(0.05, 5.0), intervals(-3.0, 1.0, 0.1, 2.0), st.integers(2, 200))
def test_boltzmann_is_a_normalised_density_that_prefers_low_energy(pot, sigma, x_range, m):
    x = np.linspace(*x_range, m)
    p = langevin.boltzmann(pot, sigma, x)
    assert p.shape == (m,) and is_finite(p) and np.all(p >= 0)
    assert np.trapezoid(p, x) == pytest.approx(1.0)
    V = pot.V(x)
    lower = V[:, None] < V[None, :] - 1e-9  # lower energy, at least as likely
    assert np.all((p[:, None] >= p[None, :] * (1 - 1e-9)) | ~lower)


@FAST
@given(potentials_2d, st.floats(0.1, 5.0), st.integers(2, 30), st.integers(2, 30))
def test_boltzmann_2d_is_a_normalised_image(pot, sigma, mx, my):
    x, y = np.linspace(-2, 2, mx), np.linspace(-1.5, 1.5, my)
    p = langevin.boltzmann_2d(pot, sigma, x, y)
    assert p.shape == (my, mx) and is_finite(p) and np.all(p >= 0)
    assert np.trapezoid(np.trapezoid(p, x, axis=1), y) == pytest.approx(1.0)


@FAST
@given(vectors(1, 50), finite)
def test_summary_moments_are_consistent(x, barrier):
    s = langevin.summary(x, barrier)
    assert isinstance(s, langevin.EnsembleSummary) and s.n == x.size
    assert x.min() - 1e-9 <= s.mean <= x.max() + 1e-9 and s.variance >= 0
    assert s.fraction_right == np.count_nonzero(x > barrier) / x.size


@FAST
@given(st.floats(0.5, 5.0), st.floats(-0.5, 0.5), st.floats(0.1, 2.0))
def test_kramers_rate_is_positive_and_grows_with_the_noise(depth, tilt, sigma):
    pot = langevin.tilted_double_well(depth, tilt)
    minimum = -1.0 if tilt >= 0 else 1.0  # a point of positive curvature in the lower well
    rate = langevin.kramers_rate(pot, sigma, minimum, 0.0)
    assert math.isfinite(rate) and rate >= 0
    assert langevin.kramers_rate(pot, 1.5 * sigma, minimum, 0.0) >= rate


H = langevin.harmonic()
DW2 = langevin.double_well_2d()
RNG = np.random.default_rng(0)


class OnlyV:
    """A potential object lacking dV and grad."""

    def V(self, x):
        return np.zeros(np.shape(x))


def ensemble():
    return langevin.Ensemble(H, 4, 0.5, 0.01)


def ensemble_2d():
    return langevin.Ensemble2D(DW2, 4, 0.5, 0.01)


def underdamped():
    return langevin.UnderdampedEnsemble(H, 4, 0.5, 1.0, 1.0, 0.01)


LANGEVIN_INVALID = [
    *[(partial(langevin.Harmonic, k), "k") for k in (-1.0, NAN, "a")],
    (partial(langevin.harmonic, INF), "k"),
    (partial(langevin.DoubleWell, -1.0), "depth"),
    *[(partial(langevin.DoubleWell, 1.0, t), "tilt") for t in (NAN, "a")],
    (partial(langevin.double_well, NAN), "depth"),
    (partial(langevin.tilted_double_well, -1.0, 0.0), "depth"),
    (partial(langevin.tilted_double_well, 1.0, INF), "tilt"),
    *[
        (partial(langevin.ExpressionPotential, "x**2", r), "reference")
        for r in ((1.0, 0.0), "ab", 3.0)
    ],
    (partial(langevin.ExpressionPotential, "x**2", (0.0, NAN)), "reference"),
    (partial(langevin.from_expression, "x**2", (0.0, 0.0)), "reference"),
    *[(partial(langevin.ExpressionPotential, text), "text") for text in (5, None, "1/x", "log(x)")],
    *[(partial(langevin.from_expression_2d, text), "text") for text in (5, "log(x) + y")],
    (partial(langevin.ExpressionPotential2D, "x*y", (2.0, 1.0)), "reference"),
    (partial(langevin.DoubleWell2D, -1.0), "depth"),
    *[(partial(langevin.DoubleWell2D, 1.0, k), "ky") for k in (-1.0, NAN)],
    (partial(langevin.DoubleWell2D, 1.0, 1.0, INF), "tilt"),
    (partial(langevin.double_well_2d, 1.0, "a"), "ky"),
    *[
        (partial(pot.V, xy), "xy")
        for pot in (DW2, langevin.from_expression_2d("x*y"))
        for xy in ([1.0, 2.0, 3.0], [[1.0, 2.0, 3.0]], "ab")
    ],
    *[
        (partial(pot.grad, [[1.0, 2.0, 3.0]]), "xy")
        for pot in (DW2, langevin.from_expression_2d("x*y"))
    ],
    *[(partial(langevin.Uniform, lo, 1.0), "lo") for lo in (NAN, "a", 2.0)],
    (partial(langevin.Uniform, 0.0, INF), "hi"),
    *[(partial(langevin.Gaussian, mean, 1.0), "mean") for mean in (NAN, (1.0, 2.0, 3.0), "a")],
    (partial(langevin.Gaussian, (1.0, NAN), 1.0), "mean[1]"),
    *[(partial(langevin.Gaussian, 0.0, std), "std") for std in (-1.0, NAN)],
    *[
        (partial(langevin.parse_initial_condition, x0), "x0")
        for x0 in (
            ("cauchy", 0, 1),
            ("uniform", 0.0),
            ("uniform", "a", 1.0),
            ["gaussian", 0.0, -1.0],
        )
    ],
    (partial(langevin.parse_initial_condition, ("uniform", 1.0, 0.0), "p0"), "p0"),
    *[
        (partial(langevin.initial_positions, x0, 3, RNG), "x0")
        for x0 in ("abc", [NAN, 0.0, 0.0], np.zeros(4), ("gaussian", (0.0, 1.0), 1.0))
    ],
    (partial(langevin.initial_positions, "abc", 3, RNG, name="v0"), "v0"),
    *[(partial(langevin.initial_positions, 0.0, n, RNG), "n") for n in (-1, "a", 1.5)],
    (partial(langevin.initial_positions, ("uniform", 0, 1), 3, None), "rng"),
    *[(partial(langevin.initial_positions, 0.0, 3, RNG, dim), "dim") for dim in (3, 0, True)],
    *[(partial(langevin.Ensemble, pot, 4, 0.5, 0.01), "potential") for pot in (None, OnlyV())],
    *[(partial(langevin.Ensemble, H, n, 0.5, 0.01), "n") for n in (-1, 1.5, 10**9)],
    *[(partial(langevin.Ensemble, H, 4, s, 0.01), "sigma") for s in (-1.0, NAN)],
    *[(partial(langevin.Ensemble, H, 4, 0.5, dt), "dt") for dt in (0.0, -0.1, INF, "a")],
    *[(partial(langevin.Ensemble, H, 4, 0.5, 0.01, seed), "seed") for seed in (-1, 1.5)],
    *[
        (partial(langevin.Ensemble, H, 4, 0.5, 0.01, 0, x0), "x0")
        for x0 in ("abc", ("uniform", 2.0, 1.0), 1e9)
    ],
    *[(partial(langevin.Ensemble, H, 4, 0.5, 0.01, bound=b), "bound") for b in (0.0, NAN)],
    *[(on(ensemble, "set_sigma", s), "sigma") for s in (-1.0, NAN)],
    *[(on(ensemble, "set_dt", dt), "dt") for dt in (0.0, INF)],
    (on(ensemble, "set_potential", None), "potential"),
    *[(on(ensemble, "step", k), "k") for k in (-1, 1.5, "a")],
    (partial(langevin.Ensemble2D, H, 4, 0.5, 0.01), "potential"),
    (partial(langevin.Ensemble2D, DW2, -1, 0.5, 0.01), "n"),
    (partial(langevin.Ensemble2D, DW2, 4, -0.5, 0.01), "sigma"),
    (partial(langevin.Ensemble2D, DW2, 4, 0.5, 0.0), "dt"),
    (partial(langevin.Ensemble2D, DW2, 3, 0.5, 0.01, 0, (1.0, 2.0, 3.0)), "x0"),
    (on(ensemble_2d, "set_potential", H), "potential"),
    (on(ensemble_2d, "set_sigma", -1.0), "sigma"),
    (on(ensemble_2d, "set_dt", NAN), "dt"),
    (on(ensemble_2d, "step", -1), "k"),
    (partial(langevin.UnderdampedEnsemble, None, 4, 0.5, 1.0, 1.0, 0.01), "potential"),
    (partial(langevin.UnderdampedEnsemble, H, -1, 0.5, 1.0, 1.0, 0.01), "n"),
    (partial(langevin.UnderdampedEnsemble, H, 4, -0.5, 1.0, 1.0, 0.01), "sigma"),
    *[
        (partial(langevin.UnderdampedEnsemble, H, 4, 0.5, g, 1.0, 0.01), "gamma")
        for g in (0.0, -1.0, NAN)
    ],
    *[(partial(langevin.UnderdampedEnsemble, H, 4, 0.5, 1.0, m, 0.01), "mass") for m in (0.0, INF)],
    (partial(langevin.UnderdampedEnsemble, H, 4, 0.5, 1.0, 1.0, 0.0), "dt"),
    (partial(langevin.UnderdampedEnsemble, H, 4, 0.5, 1.0, 1.0, 0.01, -1), "seed"),
    (partial(langevin.UnderdampedEnsemble, H, 4, 0.5, 1.0, 1.0, 0.01, 0, "abc"), "x0"),
    *[
        (partial(langevin.UnderdampedEnsemble, H, 4, 0.5, 1.0, 1.0, 0.01, 0, 0.0, v0), "v0")
        for v0 in ("hot", [NAN] * 4, 1e9)
    ],
    (partial(langevin.UnderdampedEnsemble, H, 4, 0.5, 1.0, 1.0, 0.01, bound=-1.0), "bound"),
    (on(underdamped, "set_potential", None), "potential"),
    (on(underdamped, "set_sigma", -1.0), "sigma"),
    (on(underdamped, "set_gamma", 0.0), "gamma"),
    (on(underdamped, "set_dt", NAN), "dt"),
    (on(underdamped, "step", -1), "k"),
    (partial(langevin.boltzmann, None, 1.0, [0.0, 1.0]), "potential"),
    *[(partial(langevin.boltzmann, H, s, [0.0, 1.0]), "sigma") for s in (0.0, -1.0, NAN)],
    *[(partial(langevin.boltzmann, H, 1.0, x), "x") for x in ([1.0, 0.0], [0.0], [NAN, 1.0], "ab")],
    *[(partial(langevin.boltzmann_2d, pot, 1.0, [0, 1], [0, 1]), "potential") for pot in (None, H)],
    (partial(langevin.boltzmann_2d, DW2, 0.0, [0, 1], [0, 1]), "sigma"),
    (partial(langevin.boltzmann_2d, DW2, 1.0, [0], [0, 1]), "x"),
    (partial(langevin.boltzmann_2d, DW2, 1.0, [0, 1], [1, 0]), "y"),
    (partial(langevin.summary, "ab"), "x"),
    *[(partial(langevin.summary, [1.0], b), "barrier") for b in (NAN, "a")],
    (partial(langevin.kramers_rate, None, 1.0, -1.0, 0.0), "potential"),
    (partial(langevin.kramers_rate, langevin.double_well(), 0.0, -1.0, 0.0), "sigma"),
    (partial(langevin.kramers_rate, langevin.double_well(), 1.0, NAN, 0.0), "x_min"),
    (partial(langevin.kramers_rate, langevin.double_well(), 1.0, -1.0, "a"), "x_barrier"),
    (partial(langevin.kramers_rate, H, 1.0, -1.0, 0.0), "x_barrier"),  # no barrier top
    (partial(langevin.kramers_rate, langevin.double_well(), 0.05, 2.0, 0.0), "x_barrier"),
]


@pytest.mark.parametrize(("call", "name"), LANGEVIN_INVALID, ids=case_id)
def test_invalid_langevin_parameters_name_themselves(call, name):
    assert_invalid(call, name)


# --------------------------------------------------------------------------------------------
# densities
# --------------------------------------------------------------------------------------------


@FAST
@given(
    arrays(np.float64, st.integers(0, 60), elements=st.floats(-5, 5) | st.just(math.nan)),
    st.floats(-3.0, 0.0),
    arrays(np.float64, st.integers(1, 12), elements=st.floats(0.05, 1.0)),
    st.booleans(),
)
def test_histogram_integrates_to_the_fraction_of_samples_inside(x, start, widths, uniform):
    if uniform:
        widths = np.full(widths.size, widths[0])
    edges = start + np.concatenate([[0.0], np.cumsum(widths)])
    away = np.abs(x[:, None] - edges[[0, -1]][None, :]) > 1e-9  # no sample on the outer edges
    assume(np.all(away | np.isnan(x)[:, None]))
    h = densities.histogram(x, edges)
    assert h.shape == (widths.size,) and is_finite(h) and np.all(h >= 0)
    inside = np.count_nonzero((x >= edges[0]) & (x < edges[-1]))
    expected = inside / x.size if x.size else 0.0
    assert np.sum(h * np.diff(edges)) == pytest.approx(expected, abs=1e-12)


@FAST
@given(
    arrays(np.float64, st.tuples(st.integers(0, 60), st.just(2)), elements=st.floats(-3, 3)),
    st.integers(1, 10),
    st.integers(1, 10),
)
def test_histogram_2d_integrates_to_the_fraction_of_samples_inside(xy, mx, my):
    xe, ye = np.linspace(-2, 2, mx + 1), np.linspace(-1, 1.5, my + 1)
    assume(np.all(np.abs(np.abs(xy[:, 0]) - 2) > 1e-9) and np.all(np.abs(xy[:, 1] + 1) > 1e-9))
    assume(np.all(np.abs(xy[:, 1] - 1.5) > 1e-9))
    h = densities.histogram_2d(xy, xe, ye)
    assert h.shape == (my, mx) and is_finite(h) and np.all(h >= 0)
    inside = np.count_nonzero((np.abs(xy[:, 0]) < 2) & (xy[:, 1] > -1) & (xy[:, 1] < 1.5))
    area = (xe[1] - xe[0]) * (ye[1] - ye[0])
    assert h.sum() * area == pytest.approx(inside / len(xy) if len(xy) else 0.0, abs=1e-12)


@FAST
@given(st.integers(1, 10), st.integers(1, 8), st.data())
def test_bin_average_keeps_the_mean(factor, groups, data):
    values = data.draw(arrays(np.float64, factor * groups, elements=finite), label="values")
    out = densities.bin_average(values, factor)
    assert out.shape == (groups,) and is_finite(out)
    assert out.mean() == pytest.approx(values.mean(), abs=1e-9)
    assert np.array_equal(densities.bin_average(values, 1), values)


@FAST
@given(st.integers(1, 20), st.floats(1e-3, 10.0), st.data())
def test_total_variation_is_a_distance_between_densities(m, width, data):
    def density():
        w = data.draw(arrays(np.float64, m, elements=st.floats(0.0, 1.0)))
        assume(w.sum() > 1e-6)
        return w / (w.sum() * width)

    p, q = density(), density()
    tv = densities.total_variation(p, q, width)
    assert 0.0 <= tv <= 1.0 + 1e-12
    assert tv == pytest.approx(densities.total_variation(q, p, width))
    assert densities.total_variation(p, p, width) == 0.0


@FAST
@given(st.integers(1, 12), st.integers(1, 6), st.floats(1e-3, 10.0), st.data())
def test_binned_distance_is_the_distance_to_the_bin_averages(m, k, width, data):
    histogram = data.draw(arrays(np.float64, m, elements=st.floats(0.0, 10.0)), label="h")
    fine = data.draw(arrays(np.float64, m * k, elements=st.floats(0.0, 10.0)), label="p")
    distance = densities.binned_distance(histogram, fine, width)
    averages = fine.reshape(m, k).mean(axis=1)
    assert distance == pytest.approx(0.5 * np.abs(histogram - averages).sum() * width)
    assert densities.binned_distance(averages, fine, width) == pytest.approx(0.0, abs=1e-12)


DENSITIES_INVALID = [
    (partial(densities.histogram, "ab", [0.0, 1.0]), "x"),
    *[(partial(densities.histogram, [0.5], e), "edges") for e in ([1.0, 0.0], [0.0], "ab")],
    *[(partial(densities.histogram_2d, xy, [0, 1], [0, 1]), "xy") for xy in ([1, 2, 3], "ab")],
    (partial(densities.histogram_2d, [[0.5, 0.5]], [1, 0], [0, 1]), "x_edges"),
    (partial(densities.histogram_2d, [[0.5, 0.5]], [0, 1], [0]), "y_edges"),
    *[(partial(densities.bin_average, v, 2), "values") for v in ("ab", [[1, 2]], [1, 2, 3])],
    *[(partial(densities.bin_average, [1, 2], f), "factor") for f in (0, 1.5)],
    (partial(densities.total_variation, "a", [1.0], 1.0), "p"),
    (partial(densities.total_variation, [1.0], [1.0, 2.0], 1.0), "q"),
    *[(partial(densities.total_variation, [1.0], [1.0], w), "width") for w in (0.0, NAN)],
    *[(partial(densities.binned_distance, h, [1.0], 1.0), "histogram") for h in ([], "a")],
    *[(partial(densities.binned_distance, [1.0], p, 1.0), "density") for p in ([], "a")],
    (partial(densities.binned_distance, [1.0, 2.0], [1.0, 2.0, 3.0], 1.0), "density"),
    (partial(densities.binned_distance, [1.0], [1.0], 0.0), "width"),
]


@pytest.mark.parametrize(("call", "name"), DENSITIES_INVALID, ids=case_id)
def test_invalid_densities_parameters_name_themselves(call, name):
    assert_invalid(call, name)


# --------------------------------------------------------------------------------------------
# fokker_planck
# --------------------------------------------------------------------------------------------


class Polynomial:
    """V(x) = x⁴/4 + Σ cₖ xᵏ: confining, otherwise arbitrary."""

    def __init__(self, coefficients):
        self.coefficients = np.asarray(coefficients, dtype=np.float64)

    def V(self, x):
        return np.asarray(x) ** 4 / 4 + np.polyval(self.coefficients, x)

    def dV(self, x):
        return np.asarray(x) ** 3 + np.polyval(np.polyder(self.coefficients), x)


polynomials = st.lists(st.floats(-2.0, 2.0), min_size=2, max_size=5).map(Polynomial)
initial_densities = st.one_of(
    st.floats(-3.0, 3.0),
    st.tuples(st.just("uniform"), st.floats(-2.0, -0.5), st.floats(0.5, 2.0)),
    st.tuples(st.just("gaussian"), st.floats(-1.0, 1.0), st.floats(0.0, 1.0)),
    st.builds(langevin.Uniform, st.floats(-2.0, -0.5), st.floats(0.5, 2.0)),
    st.builds(langevin.Gaussian, st.floats(-1.0, 1.0), st.floats(0.0, 1.0)),
)


@FAST
@given(vectors(2, 30, -50.0, 50.0), st.floats(0.0, 5.0), st.floats(1e-3, 1.0))
def test_scharfetter_gummel_coefficients_are_non_negative_and_balanced(V, sigma, h):
    alpha, beta = fokker_planck.sg_coefficients(V, sigma, h)
    assert alpha.shape == beta.shape == (V.size - 1,) and is_finite(alpha, beta)
    assert np.all(alpha >= 0) and np.all(beta >= 0)
    if sigma > 0:  # detailed balance with exp(−V/D): β/α = exp(ΔV/D)
        D = sigma**2 / 2
        both = (alpha > 1e-250) & (beta > 1e-250)
        log_ratio = np.log(beta[both]) - np.log(alpha[both])
        assert np.allclose(log_ratio, np.diff(V)[both] / D, rtol=1e-8, atol=1e-8)


@FAST
@given(st.integers(2, 30), st.data())  # N = m + 1 ≥ 3 cells, as in FokkerPlanck1D
def test_gth_factors_solve_the_backward_euler_system_positively(m, data):
    e = data.draw(arrays(np.float64, m, elements=st.floats(0.0, 1e6)), label="e")
    c = data.draw(arrays(np.float64, m, elements=st.floats(0.0, 1e6)), label="c")
    b = data.draw(arrays(np.float64, m + 1, elements=st.floats(0.0, 1.0)), label="b")
    dl, d, du, du2, ipiv = fokker_planck.gth_factor(e, c)
    assert is_finite(dl, d, du) and np.all(d > 0)
    A = np.diag(np.ones(m + 1))  # columns sum to 1: I minus a mass-conserving generator
    A[np.arange(1, m + 1), np.arange(m)] = -e
    A[np.arange(m), np.arange(1, m + 1)] = -c
    A[np.arange(m), np.arange(m)] += e
    A[np.arange(1, m + 1), np.arange(1, m + 1)] += c
    x, info = lapack.dgttrs(dl, d, du, du2, ipiv, b)
    assert info == 0 and np.all(x >= 0)  # an M-matrix: non-negative data, non-negative solution
    assert np.allclose(A @ x, b, atol=1e-9 * (np.abs(A) @ np.abs(x)).max() + 1e-300)


@FAST
@given(
    polynomials,
    st.floats(0.05, 2.0),
    st.floats(1e-4, 1e6),
    st.integers(3, 80),
    initial_densities,
    st.floats(-3.0, 3.0),
)
def test_fokker_planck_conserves_mass_and_positivity(pot, sigma, dt, cells, p0, barrier):
    pde = FokkerPlanck1D(pot, sigma, np.linspace(-3, 3, cells), p0)
    assert pde.mass() == pytest.approx(1.0) and np.all(pde.p >= 0)
    L = pde.generator().toarray()
    off = L - np.diag(np.diag(L))
    assert np.all(off >= 0)
    assert np.allclose(L.sum(axis=0), 0.0, atol=1e-12 * np.abs(L).max())
    stationary = pde.stationary()
    assert np.all(stationary >= 0) and np.sum(stationary) * pde.h == pytest.approx(1.0)
    assert np.all(np.abs(L @ stationary) <= 1e-9 * (np.abs(L) @ stationary) + 1e-300)
    rates = pde.relaxation_rates(min(3, cells - 1))
    assert is_finite(rates) and np.all(np.diff(rates) >= 0)
    assert np.all(rates >= -1e-9 * np.abs(np.diag(L)).max())

    pde.step(dt, k=3)
    assert pde.mass() == pytest.approx(1.0, abs=1e-10) and pde.t == pytest.approx(3 * dt)
    assert (pde.p >= 0).all() and is_finite(pde.p)
    s = pde.summary(barrier)
    assert isinstance(s, fokker_planck.FPSummary) and s.mass == pytest.approx(1.0)
    assert -3 - 1e-9 <= s.mean <= 3 + 1e-9 and s.variance >= 0
    assert 0 <= s.fraction_right <= 1 + 1e-12  # (a ratio of two sums: exact up to rounding)

    pde.set_sigma(2 * sigma)
    pde.set_potential(langevin.double_well(1.0))
    pde.set_density(("gaussian", 0.5, 0.5))
    assert pde.sigma == 2 * sigma and np.array_equal(pde.V, langevin.double_well(1.0).V(pde.x))
    pde.step(dt)
    assert pde.mass() == pytest.approx(1.0, abs=1e-10) and (pde.p >= 0).all()


class InfiniteV:
    def V(self, x):
        return np.full(np.shape(x), np.inf)


GRID5 = np.linspace(-1.0, 1.0, 5)


def pde():
    return FokkerPlanck1D(langevin.harmonic(), 1.0, GRID5, 0.0)


def pde_without_noise():
    return FokkerPlanck1D(langevin.harmonic(), 0.0, GRID5, 0.0)


FOKKER_PLANCK_INVALID = [
    *[
        (partial(fokker_planck.sg_coefficients, V, 1.0, 0.1), "V")
        for V in ("ab", [[0.0, 1.0]], [0.0, NAN])
    ],
    *[
        (partial(fokker_planck.sg_coefficients, [0.0, 1.0], s, 0.1), "sigma")
        for s in (-1.0, "a", NAN)
    ],
    *[(partial(fokker_planck.sg_coefficients, [0.0, 1.0], 1.0, h), "h") for h in (0.0, -1.0, INF)],
    *[
        (partial(fokker_planck.gth_factor, e, [1.0]), "e")
        for e in ([], [-1.0], [NAN], [INF], "a", [[1.0]])
    ],
    *[(partial(fokker_planck.gth_factor, [1.0], c), "c") for c in ([1.0, 2.0], [-1.0])],
    *[(partial(FokkerPlanck1D, pot, 1.0, GRID5, 0.0), "potential") for pot in (None, InfiniteV())],
    *[
        (partial(FokkerPlanck1D, langevin.harmonic(), s, GRID5, 0.0), "sigma")
        for s in (-1.0, NAN, "a")
    ],
    *[
        (partial(FokkerPlanck1D, langevin.harmonic(), 1.0, x, 0.0), "x_grid")
        for x in (
            [0.0, 1.0],
            [0.0, 1.0, 3.0],
            [1.0, 0.0, -1.0],
            [0.0, NAN, 1.0],
            "abc",
            [[0, 1, 2]],
        )
    ],
    *[
        (partial(FokkerPlanck1D, langevin.harmonic(), 1.0, GRID5, p0), "p0")
        for p0 in (
            "abc",
            -np.ones(5),
            np.ones(4),
            [NAN] * 5,
            np.zeros(5),
            ("uniform", 5.0, 6.0),
            ("gaussian", (0.0, 0.0), 1.0),
            ("cauchy", 0.0, 1.0),
            NAN,
            ("uniform", 1.0, 0.0),
        )
    ],
    (on(pde, "set_potential", None), "potential"),
    *[(on(pde, "set_sigma", s), "sigma") for s in (-1.0, INF)],
    *[(on(pde, "set_density", p0), "p0") for p0 in (np.zeros(5), "abc")],
    *[(on(pde, "step", dt), "dt") for dt in (0.0, -1.0, NAN, "0.1", 1e308)],
    *[(on(pde, "step", 0.1, k), "k") for k in (-1, 1.5)],
    *[(on(pde, "relaxation_rates", count), "count") for count in (0, 5, 1.5)],
    (on(pde_without_noise, "relaxation_rates"), "sigma"),
    *[(on(pde, "summary", b), "barrier") for b in (NAN, "a")],
]


@pytest.mark.parametrize(("call", "name"), FOKKER_PLANCK_INVALID, ids=case_id)
def test_invalid_fokker_planck_parameters_name_themselves(call, name):
    assert_invalid(call, name)


# --------------------------------------------------------------------------------------------
# langevin_run
# --------------------------------------------------------------------------------------------

RUN_EDGES = np.linspace(-3.0, 3.0, 31)


@SLOW
@given(
    potentials_1d,
    st.integers(1, 30),
    st.floats(0.0, 1.0),
    st.floats(1e-4, 5e-3),
    seeds,
    initial_conditions,
    st.integers(0, 20),
    st.none() | st.floats(0.1, 10.0),
    st.integers(1, 4),
)
def test_a_langevin_run_keeps_the_particles_and_p_t_at_one_time(
    pot, n, sigma, dt, seed, x0, k, gamma, per_bin
):
    run = langevin_run.LangevinRun(
        pot, n, sigma, dt, seed, x0, edges=RUN_EDGES, cells_per_bin=per_bin, gamma=gamma
    )
    run.step(k)
    assert run.t == pytest.approx(k * dt) and run.inertia == (gamma is not None)
    histogram = run.histogram()
    assert histogram.shape == (30,) and is_finite(histogram) and np.all(histogram >= 0)
    summary = run.summary(histogram)
    assert isinstance(summary, langevin_run.RunSummary) and summary.particles.n == n
    if gamma is None:
        assert run.pde.t == pytest.approx(run.t) and run.pde.mass() == pytest.approx(1.0)
        assert run.p.shape == (30 * per_bin,) and np.all(run.p >= 0)
        assert 0.0 <= summary.distance <= 1.0 + 1e-9
        assert summary.density == run.pde.summary(0.0)
    else:
        assert run.pde is None and run.p is None and summary.distance is None
        run.set_gamma(2 * gamma)
        assert run.gamma == 2 * gamma
    assert run.kT == pytest.approx(sigma**2 / (2 * (run.gamma or 1.0)))
    run.set_sigma(sigma / 2)
    run.set_dt(dt / 2)
    run.set_potential(langevin.harmonic(1.0))
    run.step(2)
    assert run.t == pytest.approx(k * dt + dt) and is_finite(run.ensemble.x)
    x = np.linspace(-2.0, 2.0, 41)
    if run.sigma > 0:
        p = run.boltzmann(x)
        assert is_finite(p) and np.trapezoid(p, x) == pytest.approx(1.0)


@SLOW
@given(potentials_2d, st.integers(0, 20), st.floats(0.0, 1.0), seeds, st.integers(0, 10))
def test_a_2d_langevin_run_draws_an_image_of_unit_mass(pot, n, sigma, seed, k):
    run = langevin_run.LangevinRun(pot, n, sigma, 1e-3, seed, (0.5, -0.5), edges=RUN_EDGES, dim=2)
    run.step(k)
    image = run.histogram()
    assert image.shape == (30, 30) and is_finite(image)
    inside = np.count_nonzero(np.all(np.abs(run.ensemble.xy) < 3.0, axis=1))
    assert image.sum() * 0.2**2 == pytest.approx(inside / n if n else 0.0, abs=1e-12)
    assert run.summary().density is None and run.dim == 2


@FAST
@given(st.floats(0.0, 10.0), st.none() | st.floats(1e-3, 1e3))
def test_effective_sigma_gives_the_temperature_of_the_run(sigma, gamma):
    effective = langevin.effective_sigma(sigma, gamma)
    kT = sigma**2 / (2 * (1.0 if gamma is None else gamma))  # fluctuation–dissipation
    assert effective >= 0 and effective**2 / 2 == pytest.approx(kT, rel=1e-12, abs=1e-300)


def overdamped_run():
    return langevin_run.LangevinRun(H, 4, 0.5, 0.01, 0, 0.0, edges=RUN_EDGES)


LANGEVIN_RUN_INVALID = [
    (partial(langevin_run.LangevinRun, None, 4, 0.5, 0.01, edges=RUN_EDGES), "potential"),
    *[
        (partial(langevin_run.LangevinRun, H, n, 0.5, 0.01, edges=RUN_EDGES), "n")
        for n in (-1, 1.5)
    ],
    (partial(langevin_run.LangevinRun, H, 4, -0.5, 0.01, edges=RUN_EDGES), "sigma"),
    (partial(langevin_run.LangevinRun, H, 4, 0.5, 0.0, edges=RUN_EDGES), "dt"),
    (partial(langevin_run.LangevinRun, H, 4, 0.5, 0.01, -1, edges=RUN_EDGES), "seed"),
    (partial(langevin_run.LangevinRun, H, 4, 0.5, 0.01, 0, 5.0, edges=RUN_EDGES), "x0"),
    (partial(langevin_run.LangevinRun, H, 4, 0.5, 0.01, 0, "a", edges=RUN_EDGES), "x0"),
    *[
        (partial(langevin_run.LangevinRun, H, 4, 0.5, 0.01, edges=e), "edges")
        for e in ([0.0], [1.0, 0.0], [0.0, 1.0, 3.0], "ab")
    ],
    *[
        (
            partial(langevin_run.LangevinRun, H, 4, 0.5, 0.01, edges=RUN_EDGES, cells_per_bin=c),
            "cells_per_bin",
        )
        for c in (0, 1.5)
    ],
    (
        partial(langevin_run.LangevinRun, H, 4, 0.5, 0.01, edges=[0, 1], cells_per_bin=2),
        "cells_per_bin",
    ),  # p_t needs 3 cells
    *[
        (partial(langevin_run.LangevinRun, H, 4, 0.5, 0.01, edges=RUN_EDGES, dim=d), "dim")
        for d in (0, 3, True)
    ],
    (partial(langevin_run.LangevinRun, H, 4, 0.5, 0.01, edges=RUN_EDGES, gamma=0.0), "gamma"),
    (
        partial(langevin_run.LangevinRun, DW2, 4, 0.5, 0.01, edges=RUN_EDGES, dim=2, gamma=1.0),
        "gamma",
    ),
    (
        partial(langevin_run.LangevinRun, H, 4, 0.5, 0.01, edges=RUN_EDGES, gamma=1.0, mass=0.0),
        "mass",
    ),
    (partial(langevin_run.LangevinRun, H, 4, 0.5, 0.01, edges=RUN_EDGES, pde_dt=0.0), "pde_dt"),
    (on(overdamped_run, "step", -1), "k"),
    (on(overdamped_run, "set_sigma", NAN), "sigma"),
    (on(overdamped_run, "set_dt", 0.0), "dt"),
    (on(overdamped_run, "set_gamma", 1.0), "gamma"),
    (on(overdamped_run, "set_potential", None), "potential"),
    (on(overdamped_run, "boltzmann", [1.0, 0.0]), "x"),
    *[(on(overdamped_run, "summary", h), "histogram") for h in ([1.0, 2.0], [NAN] * 30, "a")],
    (on(overdamped_run, "summary", None, NAN), "barrier"),
    *[(partial(langevin.effective_sigma, s), "sigma") for s in (-1.0, NAN, "a")],
    *[(partial(langevin.effective_sigma, 1.0, g), "gamma") for g in (0.0, -1.0, INF)],
]


@pytest.mark.parametrize(("call", "name"), LANGEVIN_RUN_INVALID, ids=case_id)
def test_invalid_langevin_run_parameters_name_themselves(call, name):
    assert_invalid(call, name)


# --------------------------------------------------------------------------------------------
# expressions
# --------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(max_size=80))
def test_typed_text_is_parsed_or_refused_never_anything_else(text):
    try:
        expression = expressions.parse_expression(text)
    except ValueError:
        return
    with np.errstate(all="ignore"):
        values = np.asarray(expression(np.linspace(-1, 1, 5)), dtype=float)
    assert values.shape in {(5,), ()}


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.recursive(
        st.sampled_from(["x", "1", "2.5", "pi", "e"]),
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(st.sampled_from(["sin", "cos", "exp", "tanh", "arctan"]), inner).map(
                lambda t: f"{t[0]}({t[1]})"
            ),
        ),
        max_leaves=6,
    )
)
def test_the_derivative_matches_finite_differences(text):
    try:
        expression = expressions.parse_expression(text)
    except ValueError:
        return
    x = np.linspace(-0.9, 0.9, 7)
    with np.errstate(all="ignore"):
        value = np.broadcast_to(expression(x), x.shape)
        exact = np.broadcast_to(expression.derivative("x")(x), x.shape)
        h = 1e-6
        numeric = (
            np.broadcast_to(expression(x + h), x.shape)
            - np.broadcast_to(expression(x - h), x.shape)
        ) / (2 * h)
    ok = np.isfinite(value) & np.isfinite(exact) & np.isfinite(numeric) & (np.abs(exact) < 1e6)
    assert np.allclose(exact[ok], numeric[ok], rtol=1e-4, atol=1e-4)


@FAST
@given(
    st.floats(-10.0, 10.0),
    st.floats(-10.0, 10.0),
    vectors(0, 6, -5.0, 5.0),
    vectors(1, 1, -5.0, 5.0),
)
def test_a_two_variable_expression_broadcasts_and_differentiates(a, b, x, y):
    expression = expressions.parse_expression(f"{a!r}*x + {b!r}*y**2", ("x", "y"))
    assert expression.variables == ("x", "y") and expression.depth >= 1
    value = expression(x, y)
    assert value.shape == x.shape and is_finite(value)
    assert np.array_equal(expression(y=y, x=x), value)
    assert np.allclose(value, a * x + b * y**2)
    d_dx = expression.derivative("x")
    assert d_dx.is_constant and np.allclose(d_dx(x, y), a)
    assert np.allclose(expression.derivative("y")(x, y), 2 * b * y)
    assert not expressions.parse_expression("x*y", ("x", "y")).is_constant


EXPRESSION = expressions.parse_expression("x*y", ("x", "y"))

EXPRESSIONS_INVALID = [
    *[(partial(expressions.parse_expression, text), "text") for text in (5, None, b"x")],
    *[
        (partial(expressions.parse_expression, "x", v), "variables")
        for v in (5, ("pi",), ("x", "x"), ("1x",), ("x", 3), ("sin",), ("lambda",))
    ],
    (partial(EXPRESSION, 1.0, 2.0, 3.0), "x"),  # one positional argument too many
    (partial(EXPRESSION, 1.0, z=2.0), "z"),
    (partial(EXPRESSION, 1.0), "y"),
    (partial(EXPRESSION, 1.0, 2.0, y=3.0), "y"),
    *[(partial(EXPRESSION, x, 1.0), "x") for x in ("abc", [[1], [1, 2]])],
    (partial(EXPRESSION, [1.0, 2.0], [1.0, 2.0, 3.0]), "y"),
    *[(partial(EXPRESSION.derivative, var), "var") for var in ("z", None)],
]


@pytest.mark.parametrize(("call", "name"), EXPRESSIONS_INVALID, ids=case_id)
def test_invalid_expressions_parameters_name_themselves(call, name):
    assert_invalid(call, name)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "x" * 501,
        "x +",
        "__import__('os')",
        "1e999",
        "x.real",
        "foo(x)",
        "sin(x, 1)",
        "-" * 60 + "x",
        "x if x else 1",
        "[x]",
        "x ^ 2",
        "'x'",
    ],
)
def test_refused_text_is_named_by_quoting_it(text):
    """User-typed formulas are refused with a message that shows the text or says which
    expression (the GUI puts it next to the formula box), never with another exception."""
    for parse in (
        expressions.parse_expression,
        langevin.from_expression,
        langevin.from_expression_2d,
    ):
        with pytest.raises(ValueError) as info:
            parse(text)
        message = str(info.value)
        assert "expression" in message or repr(text.strip())[:20] in message


# --------------------------------------------------------------------------------------------
# transport
# --------------------------------------------------------------------------------------------

dims = st.sampled_from([1, 2])
processes = st.sampled_from(tr.PROCESSES)
PROCESS_FM = "flow_matching"
#: Schedules with β_max ≤ 50, so that α(s) = exp(−½∫β) stays far from underflowing.
schedules = st.builds(
    lambda kind, beta_max, fraction: tr.NoiseSchedule(kind, fraction * beta_max, beta_max),
    st.sampled_from(tr.SCHEDULE_KINDS),
    st.floats(1e-3, 50.0),
    st.floats(0.0, 1.0),
)
#: Affine coefficients: 0, or a magnitude in [0.01, 10] (a², b² must neither under- nor
#: overflow in the covariances).
scales = st.just(0.0) | st.floats(0.01, 10.0) | st.floats(-10.0, -0.01)


@st.composite
def mixtures(draw, dim=None, max_k=3):
    """Gaussian mixtures with k ≤ max_k components, some weights 0, means in [−5, 5] and
    isotropic or full covariances with standard deviations ≥ 0.1; or a default target."""
    d = draw(dims) if dim is None else dim
    if draw(st.integers(0, 9)) == 0:
        return tr.default_target(d)
    k = draw(st.integers(1, max_k))
    rest = draw(arrays(np.float64, k - 1, elements=st.floats(0.0, 10.0)))
    weights = np.insert(rest, draw(st.integers(0, k - 1)), draw(st.floats(0.01, 10.0)))
    means = draw(arrays(np.float64, (k, d), elements=st.floats(-5.0, 5.0)))
    stds = draw(arrays(np.float64, k, elements=st.floats(0.1, 3.0)))
    if draw(st.booleans()):
        return tr.GaussianMixture.isotropic(weights, means, stds)
    a = draw(arrays(np.float64, (k, d, d), elements=st.floats(-2.0, 2.0)))
    covs = a @ a.transpose(0, 2, 1) + stds[:, None, None] ** 2 * np.eye(d)
    return tr.GaussianMixture(weights, means, covs)


def points(d, max_n=8, lo=-10.0, hi=10.0):
    """Points in every accepted form: (n, d); in 1-D also (n,) and a scalar, in 2-D (2,)."""
    shapes = [st.tuples(st.integers(0, max_n), st.just(d))]
    shapes += [st.tuples(st.integers(0, max_n)), st.just(())] if d == 1 else [st.just((2,))]
    return st.one_of(shapes).flatmap(
        lambda shape: arrays(np.float64, shape, elements=st.floats(lo, hi))
    )


def batch_shape(x, d):
    """Shape of a per-point result for the points x."""
    shape = np.shape(x)
    return shape[:1] if d == 1 else shape[:-1]


def standard_normal_pdf(x, d):
    pts = np.reshape(x, (-1, d))
    return np.exp(-0.5 * np.sum(pts**2, axis=1)) / (2 * math.pi) ** (d / 2)


def close(a, b, rtol=1e-9, atol=1e-9):
    return np.allclose(a, b, rtol=rtol, atol=atol)


def same_law(a, b):
    """Equal mixtures up to rounding (the weights are renormalised on construction)."""
    return all(
        close(getattr(a, f), getattr(b, f), 1e-14, 1e-15) for f in ("weights", "means", "covs")
    )


@FAST
@given(mixtures())
def test_a_gaussian_mixture_is_a_normalised_read_only_law(mix):
    d, k = mix.dim, mix.k
    assert d in (1, 2) and k >= 1
    assert mix.weights.shape == (k,) and mix.means.shape == (k, d) and mix.covs.shape == (k, d, d)
    assert np.all(mix.weights >= 0) and mix.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert not any(a.flags.writeable for a in (mix.weights, mix.means, mix.covs))
    assert np.all(np.linalg.eigvalsh(mix.covs) > 0) and np.all(mix.stds > 0)
    assert np.array_equal(mix.covs, mix.covs.transpose(0, 2, 1))
    twin = tr.GaussianMixture(7 * mix.weights, mix.means.tolist(), mix.covs)  # weights: relative
    assert close(twin.weights, mix.weights, atol=1e-15) and twin.means.shape == (k, d)
    mean, cov = mix.mean(), mix.cov()
    assert mean.shape == (d,) and cov.shape == (d, d) and is_finite(mean, cov)
    assert np.all(mean >= mix.means.min(axis=0) - 1e-9) and np.all(mean <= mix.means.max(axis=0))
    # the law of total variance: Cov X = E[Cov(X | k)] + Cov E[X | k] ⪰ Σ w_k S_k
    within = np.einsum("k,kij->ij", mix.weights, mix.covs)
    assert np.linalg.eigvalsh(cov - within).min() >= -1e-9 * (1 + np.abs(cov).max())


@FAST
@given(mixtures(), st.data())
def test_mixture_densities_scores_and_responsibilities_are_finite_and_shaped(mix, data):
    x = data.draw(points(mix.dim), label="x")
    batch = batch_shape(x, mix.dim)
    log_p, p, score = mix.log_pdf(x), mix.pdf(x), mix.score(x)
    assert log_p.shape == p.shape == batch and is_finite(log_p, p)
    assert np.all(p >= 0) and close(p, np.exp(log_p), rtol=1e-12, atol=0)
    peak = np.sum(mix.weights / np.sqrt(np.linalg.det(2 * math.pi * mix.covs)))
    assert np.all(p <= peak * (1 + 1e-12))  # no component is denser than at its mean
    assert score.shape == np.shape(x) and is_finite(score)
    r = mix.responsibilities(x)
    assert r.shape == batch + (mix.k,) and np.all(r >= 0) and close(r.sum(axis=-1), 1.0)
    assert np.all(r[..., mix.weights == 0] == 0)  # a component of weight 0 explains nothing
    if mix.dim == 1:
        F = mix.cdf(x)
        assert F.shape == batch and np.all((F >= 0) & (F <= 1 + 1e-12))  # Σ w_k = 1 ± 1 ulp
        flat = np.sort(np.ravel(x))
        assert np.all(np.diff(mix.cdf(flat)) >= 0)
    else:
        with pytest.raises(ValueError, match="1-D"):
            mix.cdf(x)


@FAST
@given(dims, st.floats(0.01, 10.0), st.floats(0.1, 3.0), st.data())
def test_the_score_of_one_gaussian_points_back_to_its_mean(d, weight, std, data):
    m = data.draw(arrays(np.float64, d, elements=st.floats(-5.0, 5.0)), label="m")
    x = data.draw(arrays(np.float64, (5, d), elements=st.floats(-10.0, 10.0)), label="x")
    one = tr.GaussianMixture.isotropic([weight], m[None, :], std)
    assert one.weights.tolist() == [1.0] and close(one.covs[0], std**2 * np.eye(d), atol=0)
    assert close(one.score(x), -(x - m) / std**2, rtol=1e-12, atol=1e-12)
    assert np.all(one.log_pdf(x) <= one.log_pdf(m if d == 2 else m[0]) + 1e-12)
    a = data.draw(arrays(np.float64, (d, d), elements=st.floats(-2.0, 2.0)), label="a")
    S = a @ a.T + std**2 * np.eye(d)
    full = tr.GaussianMixture([weight], [m], [S])  # anisotropic: −S⁻¹(x − m)
    expected = -np.linalg.solve(S, (x - m).T).T
    assert close(full.score(x), expected, rtol=1e-9, atol=1e-9 * np.abs(expected).max())
    assert np.array_equal(full.responsibilities(x), np.ones((5, 1)))


@FAST
@given(mixtures(), st.integers(0, 50), seeds)
def test_mixture_samples_are_finite_and_reproducible(mix, n, seed):
    x = mix.sample(n, seed)
    assert x.shape == (n, mix.dim) and is_finite(x)
    assert np.array_equal(x, mix.sample(n, seed))
    if n:  # every draw comes from a component of positive weight
        assert np.all(mix.responsibilities(x)[:, mix.weights > 0].sum(axis=1) > 0)


@FAST
@given(mixtures(), scales, scales)
def test_affine_is_the_law_of_a_x_plus_b_z(mix, a, b):
    assume(a != 0 or b != 0)
    out = mix.affine(a, b)
    assert out.k == mix.k and out.dim == mix.dim and close(out.weights, mix.weights, atol=1e-15)
    # a X + b Z with Z ~ N(0, I) independent: mean a·E X, covariance a²·Cov X + b²·I
    scale = 1 + np.abs(mix.cov()).max() + np.abs(mix.mean()).max() ** 2
    assert close(out.mean(), a * mix.mean(), atol=1e-9 * scale)
    expected = a * a * mix.cov() + b * b * np.eye(mix.dim)
    assert close(out.cov(), expected, rtol=1e-9, atol=1e-9 * scale * (a * a + b * b))
    assert same_law(mix.affine(1.0, 0.0), mix)


@FAST
@given(mixtures(), st.data())
def test_editing_helpers_change_one_component_and_renormalise(mix, data):
    d, k = mix.dim, mix.k
    i = data.draw(st.integers(0, k - 1), label="index")
    weight = data.draw(st.floats(0.0, 10.0), label="weight")
    mean = data.draw(arrays(np.float64, d, elements=st.floats(-5.0, 5.0)), label="mean")
    std = data.draw(st.floats(0.1, 3.0), label="std")

    added = mix.with_component(weight, mean if d == 2 else float(mean[0]), std)
    assert added.k == k + 1 and np.array_equal(added.means[-1], mean)
    assert close(added.covs[-1], std**2 * np.eye(d), atol=0)
    # the old weights keep their ratios; the new one is on the scale of the old (sum 1)
    assert close(added.weights * (1 + weight), np.append(mix.weights, weight), atol=1e-15)
    back = added.without_component(k)
    assert close(back.weights, mix.weights, atol=1e-15) and np.array_equal(back.means, mix.means)

    moved = mix.with_mean(i, mean)
    assert np.array_equal(moved.means[i], mean) and np.array_equal(moved.covs, mix.covs)
    assert np.array_equal(np.delete(moved.means, i, 0), np.delete(mix.means, i, 0))
    wider = mix.with_std(i, std)
    assert close(wider.covs[i], std**2 * np.eye(d), atol=0)
    assert np.array_equal(np.delete(wider.covs, i, 0), np.delete(mix.covs, i, 0))

    raw = mix.weights.copy()
    raw[i] = weight
    if raw.max() > 0:
        assert close(mix.with_weight(i, weight).weights, raw / raw.sum(), atol=1e-15)
    else:
        assert_invalid(partial(mix.with_weight, i, weight), "weight")
    keep = np.delete(mix.weights, i)
    if k > 1 and keep.max() > 0:
        removed = mix.without_component(i)
        assert removed.k == k - 1 and close(removed.weights, keep / keep.sum(), atol=1e-15)
    else:
        assert_invalid(partial(mix.without_component, i), "index")


@FAST
@given(schedules, arrays(np.float64, st.integers(1, 20), elements=st.floats(0.0, 1.0)))
def test_noise_schedules_carry_the_data_monotonically_into_noise(schedule, s):
    s = np.sort(s)
    beta, B = schedule.beta(s), schedule.integral(s)
    alpha, sigma = schedule.alpha(s), schedule.sigma(s)
    assert beta.shape == B.shape == alpha.shape == sigma.shape == s.shape
    assert is_finite(beta, B, alpha, sigma)
    assert np.all(beta >= 0) and np.all(beta <= schedule.beta_max * (1 + 1e-12))
    assert np.all(np.diff(beta) >= -1e-12 * schedule.beta_max)  # β never decreases in s
    # B = ∫₀ˢ β with β non-decreasing: β(s₁)·Δs ≤ B(s₂) − B(s₁) ≤ β(s₂)·Δs
    ds, dB, tol = np.diff(s), np.diff(B), 1e-9 * (1 + B.max())
    assert np.all(dB >= beta[:-1] * ds - tol) and np.all(dB <= beta[1:] * ds + tol)
    assert np.all(B >= 0) and np.all((alpha > 0) & (alpha <= 1)) and np.all(np.diff(alpha) <= 0)
    assert np.all((sigma >= 0) & (sigma <= 1)) and np.all(np.diff(sigma) >= 0)
    assert close(alpha**2 + sigma**2, 1.0, rtol=1e-12, atol=1e-12)
    assert schedule.integral(0.0) == 0.0 and schedule.alpha(0.0) == 1.0
    assert schedule.sigma(0.0) == 0.0 and np.ndim(schedule.beta(0.5)) == 0
    mismatch = tr.base_mismatch(schedule)
    assert 0 < mismatch <= 1 and mismatch == pytest.approx(float(schedule.alpha(1.0)) ** 2)
    stronger = dataclasses.replace(schedule, beta_max=2 * schedule.beta_max)
    assert tr.base_mismatch(stronger) <= mismatch  # more noise, less leftover signal


@FAST
@given(mixtures(), schedules, st.floats(0.0, 1.0), st.data())
def test_exact_marginals_go_from_the_base_to_the_target(mix, schedule, tau, data):
    d, x = mix.dim, data.draw(points(mix.dim), label="x")
    flow = tr.interpolant_marginal(mix, tau)
    assert tr.marginal(mix, "flow_matching", tau, schedule) == flow
    # (1 − τ) X₀ + τ X₁ with X₀ ~ N(0, I): mean τ·E X₁, covariance τ²·Cov X₁ + (1 − τ)²·I
    scale = 1 + np.abs(mix.cov()).max() + np.abs(mix.mean()).max() ** 2
    assert close(flow.mean(), tau * mix.mean(), atol=1e-9 * scale)
    assert close(flow.cov(), tau**2 * mix.cov() + (1 - tau) ** 2 * np.eye(d), atol=1e-9 * scale)
    vp = tr.vp_marginal(mix, 1 - tau, schedule)
    for process in ("reverse_sde", "probability_flow"):
        assert tr.marginal(mix, process, tau, schedule) == vp
    for law in (flow, vp):
        assert law.k == mix.k and law.dim == d and is_finite(law.log_pdf(x))
    a2 = float(schedule.alpha(1 - tau)) ** 2
    assert close(vp.cov(), a2 * mix.cov() + (1 - a2) * np.eye(d), atol=1e-9 * scale)
    # the ends: τ = 0 is N(0, I) for flow matching, α(1)² away from it for the VP SDE
    base = tr.marginal(mix, "flow_matching", 0.0)
    assert close(base.pdf(x), standard_normal_pdf(x, d).reshape(np.shape(base.pdf(x))))
    noise = tr.vp_marginal(mix, 1.0, schedule)
    mismatch = tr.base_mismatch(schedule)
    assert close(noise.cov() - np.eye(d), mismatch * (mix.cov() - np.eye(d)), atol=1e-9 * scale)
    assert same_law(tr.interpolant_marginal(mix, 1.0), mix)
    assert same_law(tr.vp_marginal(mix, 0.0, schedule), mix)


@FAST
@given(mixtures(), schedules, st.floats(0.0, 1.0), st.data())
def test_fields_are_finite_and_keep_the_shape_of_x(mix, schedule, tau, data):
    x = data.draw(points(mix.dim), label="x")
    drift = tr.reverse_sde_drift(mix, tau, x, schedule)
    flow = tr.probability_flow_velocity(mix, tau, x, schedule)
    fm = tr.flow_matching_velocity(mix, tau, x)
    for field, process in ((drift, "reverse_sde"), (flow, "probability_flow"), (fm, PROCESS_FM)):
        assert field.shape == np.shape(x) and is_finite(field)
        assert np.array_equal(tr.velocity(mix, process, tau, x, schedule), field)
    beta = float(schedule.beta(1 - tau))
    # the SDE drift ½βx + β∇log p and the ODE velocity ½βx + ½β∇log p share the score term
    size = 1 + np.abs(drift).max(initial=0) + np.abs(flow).max(initial=0)
    assert close(2 * flow - drift, 0.5 * beta * np.asarray(x), atol=1e-9 * size)
    g = tr.noise_scale("reverse_sde", tau, schedule)
    assert g >= 0 and g**2 == pytest.approx(beta)
    assert tr.noise_scale("probability_flow", tau, schedule) == 0.0
    assert tr.noise_scale(PROCESS_FM, tau) == 0.0
    # flow matching, v = E[x₁ − x₀ | x_τ]: at τ = 0 (x_τ = x₀) towards the target mean,
    # at τ = 1 (x_τ = x₁, E[x₀] = 0) the point itself
    pts = np.reshape(x, (-1, mix.dim))
    assert close(tr.flow_matching_velocity(mix, 0.0, pts), mix.mean() - pts, atol=1e-9)
    assert close(tr.flow_matching_velocity(mix, 1.0, pts), pts, atol=1e-9)


@FAST
@given(dims, schedules, st.floats(0.0, 1.0), st.data())
def test_the_standard_normal_is_at_rest_under_the_probability_flow(d, schedule, tau, data):
    """N(0, I) is the stationary law of the forward VP SDE, so p_s = N(0, I) for every s:
    the probability-flow velocity vanishes and the reverse drift is ½βx − βx = −½βx."""
    x = data.draw(arrays(np.float64, (6, d), elements=st.floats(-10.0, 10.0)), label="x")
    normal = tr.GaussianMixture.isotropic([1.0], np.zeros((1, d)), 1.0)
    beta = float(schedule.beta(1 - tau))
    assert close(tr.probability_flow_velocity(normal, tau, x, schedule), 0.0, atol=1e-9 * beta)
    assert close(tr.reverse_sde_drift(normal, tau, x, schedule), -0.5 * beta * x, atol=1e-9)


@FAST
@given(
    mixtures(),
    vectors(1, 8, -10.0, 10.0),
    vectors(1, 8, -10.0, 10.0),
    processes,
    st.floats(0.0, 1.0),
    schedules,
    st.data(),
)
def test_density_and_field_grids_are_finite_and_oriented(mix, xs, ys, process, tau, sched, data):
    if mix.dim == 1:
        z = tr.grid_density(mix, xs)
        assert z.shape == xs.shape and np.all(z >= 0) and np.array_equal(z, mix.pdf(xs))
        assert_invalid(partial(tr.vector_field, mix, process, tau, xs, ys, sched), "target")
        return
    z = tr.grid_density(mix, xs, ys)
    assert z.shape == (ys.size, xs.size) and is_finite(z) and np.all(z >= 0)
    u, v = tr.vector_field(mix, process, tau, xs, ys, sched)
    assert u.shape == v.shape == (ys.size, xs.size) and is_finite(u, v)
    i = data.draw(st.integers(0, ys.size - 1), label="i")
    j = data.draw(st.integers(0, xs.size - 1), label="j")
    point = [xs[j], ys[i]]  # column j is x, row i is y
    assert z[i, j] == pytest.approx(float(mix.pdf(point)), rel=1e-12)
    expected = tr.velocity(mix, process, tau, point, sched)
    assert close([u[i, j], v[i, j]], expected, rtol=1e-12, atol=1e-12 * np.abs(expected).max())


@FAST
@given(
    mixtures(),
    processes,
    schedules,
    st.integers(0, 6),
    st.integers(1, 12),
    seeds,
    st.just(1.0) | st.floats(1e-3, 1.0),
    st.none() | st.integers(1, 15),
    st.data(),
)
def test_samplers_give_finite_reproducible_paths(
    mix, process, schedule, n, steps, seed, tau_end, frames, data
):
    d = mix.dim
    x_start = data.draw(
        st.none() | arrays(np.float64, (n, d), elements=st.floats(-5.0, 5.0)), label="x_start"
    )
    args = (mix, process, n, steps, seed, schedule, tau_end, x_start)
    traj = tr.sample(*args, frames=frames)
    kept = steps + 1 if frames is None else min(frames, steps) + 1
    assert traj.tau.shape == (kept,) and traj.x.shape == (kept, n, d) and is_finite(traj.x)
    assert (traj.steps, traj.n, traj.dim) == (kept - 1, n, d)
    assert traj.tau[0] == 0.0 and traj.tau[-1] == pytest.approx(tau_end, rel=1e-15)
    assert np.all(np.diff(traj.tau) > 0) and not traj.x.flags.writeable
    if x_start is not None:
        assert np.array_equal(traj.x[0], x_start)
    assert np.array_equal(tr.sample(*args, frames=frames).x, traj.x)  # same seed, same path
    end = tr.sample_final(*args)
    assert end.shape == (n, d) and np.array_equal(end, traj.final)
    if process != "reverse_sde" and x_start is not None:  # the ODEs use no random numbers
        assert np.array_equal(tr.sample_final(mix, process, n, steps, seed + 1, *args[5:]), end)
    i = data.draw(st.integers(0, kept - 1), label="i")
    assert traj.index(traj.tau[i]) == i and np.array_equal(traj.at(traj.tau[i]), traj.x[i])
    assert traj.index(-1.0) == 0 and traj.index(2.0) == kept - 1


@FAST
@given(processes, st.integers(1, 10), st.integers(0, 12))
def test_sampling_stops_when_cancel_returns_true(process, steps, allowed):
    calls = []

    def cancel():
        calls.append(None)
        return len(calls) > allowed

    run = partial(tr.sample, tr.default_target(1), process, 3, steps, 0, cancel=cancel)
    if allowed >= steps:
        assert run().x.shape == (steps + 1, 3, 1) and len(calls) == steps
    else:
        with pytest.raises(tr.SamplingCancelledError, match=f"after {allowed} of {steps}"):
            run()
        assert len(calls) == allowed + 1
    assert not issubclass(tr.SamplingCancelledError, ValueError)  # stopping is not an error


@FAST
@given(st.integers(1, 8), st.integers(0, 4), dims, st.data())
def test_a_trajectory_finds_the_stored_time_nearest_to_tau(k, n, d, data):
    tau = np.sort(
        data.draw(arrays(np.float64, k, elements=st.floats(0.0, 1.0), unique=True), label="tau")
    )
    x = data.draw(arrays(np.float64, (k, n, d), elements=st.floats(-5.0, 5.0)), label="x")
    traj = tr.Trajectory(tau, x)
    assert (traj.steps, traj.n, traj.dim) == (k - 1, n, d) and np.array_equal(traj.final, x[-1])
    t = data.draw(st.floats(-2.0, 2.0), label="t")
    i = traj.index(t)
    assert 0 <= i < k and abs(tau[i] - t) == np.abs(tau - t).min()
    assert np.array_equal(traj.at(t), x[i])
    between = traj.interpolate(t)  # within the stored particles' range, coordinate by coordinate
    assert between.shape == (n, d) and np.all(np.isfinite(between))
    assert np.all(x.min(axis=0) - 1e-12 <= between) and np.all(between <= x.max(axis=0) + 1e-12)
    for j in range(k):
        assert np.allclose(traj.interpolate(tau[j]), x[j])


@FAST
@given(mixtures(), st.data())
def test_rows_convert_isotropic_mixtures_both_ways(mix, data):
    isotropic = tr.GaussianMixture.isotropic(mix.weights, mix.means, mix.stds)
    rows = isotropic.rows()
    assert len(rows) == mix.k and all(len(row) == mix.dim + 2 for row in rows)
    again = tr.GaussianMixture.from_rows(rows)
    for name in ("weights", "means", "covs"):
        assert np.allclose(getattr(again, name), getattr(isotropic, name), rtol=1e-12, atol=0)
    scale = data.draw(st.floats(0.1, 10.0), label="scale")  # weights are relative
    scaled = [[scale * row[0], *row[1:]] for row in rows]
    assert np.allclose(tr.GaussianMixture.from_rows(scaled).weights, isotropic.weights)


@SLOW
@given(mixtures(max_k=2), st.lists(processes, min_size=1, max_size=3, unique=True), seeds)
def test_sample_processes_gives_each_process_its_sample(mix, chosen, seed):
    request = tr.SamplingRequest(mix, chosen, 4, 3, seed, frames=2)
    reports = []
    result = tr.sample_processes(request, lambda *done: reports.append(done))
    assert isinstance(result, tr.SamplingResult) and tuple(result.trajectories) == tuple(chosen)
    assert reports == [(i, len(chosen)) for i in range(1, len(chosen) + 1)]
    for process, trajectory in result.trajectories.items():
        alone = tr.sample(mix, process, 4, 3, seed, frames=2)
        assert np.array_equal(trajectory.x, alone.x)
    assert result.seconds >= 0 and result.particle_steps_per_second >= 0
    assert tr.sample_processes(request, cancel=lambda: True) is None


@FAST
@given(mixtures(), st.integers(0, 200), st.integers(1, 12), seeds)
def test_histogram_distance_is_a_total_variation(mix, n, bins, seed):
    edges = np.linspace(-4.0, 4.0, bins + 1)
    points = mix.sample(n, seed)
    if mix.dim == 1:
        histogram = densities.histogram(points[:, 0], edges)
        distance = tr.histogram_distance(mix, histogram, edges)
    else:
        histogram = densities.histogram_2d(points, edges, edges)
        distance = tr.histogram_distance(mix, histogram, edges, edges)
    assert math.isfinite(distance) and distance >= 0
    if mix.dim == 1:  # exact bin masses: at most the two total masses, each ≤ 1
        assert distance <= 1.0 + 1e-12


ONE, TWO = tr.default_target(1), tr.default_target(2)
SINGLE = tr.GaussianMixture.isotropic([1.0], [0.0], 1.0)
HALF_EMPTY = tr.GaussianMixture([1.0, 0.0], [0.0, 1.0], [1.0, 1.0])
SCHED = tr.NoiseSchedule()
TRAJ = tr.Trajectory([0.0, 1.0], np.zeros((2, 3, 1)))
BAD_POINTS_1D = ([NAN], [0.0, INF], -INF, None, "ab", [[1.0], [1.0, 2.0]], np.zeros((3, 2)))
BAD_POINTS_2D = ([NAN, 0.0], [[0.0, INF]], [1.0, 2.0, 3.0], np.zeros((3, 3)), 0.5, "ab")
BAD_SCHEDULES = ("linear", 0, "", [], SCHED.beta)  # 0, "" and [] used to mean the default
BAD_TAUS = (-0.1, 1.5, NAN, INF, "a", None, True)

TRANSPORT_INVALID = [
    *[
        (partial(tr.GaussianMixture, w, [0.0], [1.0]), "weights")
        for w in ([], [[1.0]], [-1.0], [NAN], [INF], [0.0], "ab", None)
    ],
    *[
        (partial(tr.GaussianMixture, [1, 1], m, [1.0, 1.0]), "means")
        for m in ([0.0, NAN], np.zeros((2, 3)), [0.0], "ab", None)
    ],
    *[
        (partial(tr.GaussianMixture, [1, 1], [0.0, 1.0], c), "covs")
        for c in ([1.0, 0.0], [1.0, -1.0], [1.0, NAN], [1.0, INF], [1.0], "ab", [1e-320, 1.0])
    ],
    *[
        (partial(tr.GaussianMixture, [1], [[0.0, 0.0]], c), "covs")
        for c in ([[[1, 2], [2, 1]]], [[[1, 0.5], [0.4, 1]]], np.eye(3)[None], [1.0])
    ],
    (partial(tr.GaussianMixture.isotropic, [], [0.0], 1.0), "weights"),
    (partial(tr.GaussianMixture.isotropic, [1.0], [[0.0, 0.0, 0.0]], 1.0), "means"),
    *[
        (partial(tr.GaussianMixture.isotropic, [1, 1], [0.0, 1.0], s), "stds")
        for s in (0.0, -1.0, NAN, INF, [1.0, 2.0, 3.0], "a")
    ],
    *[
        (partial(getattr(ONE, method), x), "x")
        for method in ("log_pdf", "pdf", "score", "responsibilities", "cdf")
        for x in BAD_POINTS_1D
    ],
    *[
        (partial(getattr(TWO, method), x), "x")
        for method in ("log_pdf", "pdf", "score", "responsibilities")
        for x in BAD_POINTS_2D
    ],
    *[(partial(ONE.sample, n, 0), "n") for n in (-1, 1.5, True, "3", 10**8)],
    *[(partial(ONE.sample, 3, seed), "seed") for seed in (-1, 1.5, True, "0", None)],
    *[(partial(ONE.affine, a, 1.0), "a") for a in (NAN, INF, "a", None, True)],
    *[(partial(ONE.affine, 1.0, b), "b") for b in (NAN, -INF, "b")],
    (partial(ONE.affine, 0.0, 0.0), "a"),
    *[(partial(ONE.with_component, w, 0.0, 1.0), "weight") for w in (-1.0, NAN, INF, "a")],
    *[(partial(ONE.with_component, 1.0, m, 1.0), "mean") for m in ([1.0, 2.0], NAN, "ab")],
    (partial(TWO.with_component, 1.0, [1.0], 1.0), "mean"),
    *[(partial(ONE.with_component, 1.0, 0.0, s), "std") for s in (0.0, -1.0, INF, None)],
    *[(partial(ONE.without_component, i), "index") for i in (-1, 2, 1.5, True, "0")],
    (partial(SINGLE.without_component, 0), "index"),  # the only component
    (partial(HALF_EMPTY.without_component, 0), "index"),  # would leave weight 0 only
    *[(partial(ONE.with_mean, i, 0.0), "index") for i in (-1, 2, 0.5)],
    *[(partial(TWO.with_mean, 0, m), "mean") for m in ([1.0], [NAN, 0.0], None, "ab")],
    (partial(ONE.with_weight, 5, 1.0), "index"),
    *[(partial(ONE.with_weight, 0, w), "weight") for w in (-1.0, NAN, "a")],
    (partial(HALF_EMPTY.with_weight, 0, 0.0), "weight"),  # all weights 0
    (partial(ONE.with_std, -1, 1.0), "index"),
    *[(partial(ONE.with_std, 0, s), "std") for s in (0.0, -1.0, NAN, "a")],
    *[(partial(tr.default_target, dim), "dim") for dim in (0, 3, 1.5, True, "1", None)],
    *[
        (partial(tr.NoiseSchedule, kind), "kind")
        for kind in ("quadratic", None, 1, ["linear"], np.array(["linear", "cosine"]))
    ],
    *[
        (partial(tr.NoiseSchedule, "linear", 0.1, b), "beta_max")
        for b in (0.0, -1.0, NAN, INF, "a", None)
    ],
    *[
        (partial(tr.NoiseSchedule, kind, b, 20.0), "beta_min")
        for kind in tr.SCHEDULE_KINDS
        for b in (-1.0, NAN, INF, "a")
    ],
    (partial(tr.NoiseSchedule, "linear", 30.0, 20.0), "beta_min"),  # β_min > β_max
    *[
        (partial(getattr(schedule, method), s), "s")
        for schedule in (SCHED, tr.NoiseSchedule("cosine"), tr.NoiseSchedule("constant"))
        for method in ("beta", "integral", "alpha", "sigma")
        for s in (-0.1, 1.5, NAN, INF, [0.5, 2.0], "ab", None)
    ],
    *[(partial(tr.base_mismatch, s), "schedule") for s in ("linear", None, 20.0)],
    *[(partial(tr.vp_marginal, t, 0.5, SCHED), "target") for t in (None, "x", SCHED)],
    *[(partial(tr.vp_marginal, ONE, 0.5, s), "schedule") for s in BAD_SCHEDULES],
    *[(partial(tr.vp_marginal, ONE, s, SCHED), "s") for s in BAD_TAUS],
    (partial(tr.interpolant_marginal, None, 0.5), "target"),
    *[(partial(tr.interpolant_marginal, ONE, tau), "tau") for tau in BAD_TAUS],
    *[(partial(tr.marginal, None, p, 0.5), "target") for p in tr.PROCESSES],
    *[
        (partial(tr.marginal, ONE, p, 0.5), "process")
        for p in ("ddpm", None, 1, np.array(list(tr.PROCESSES)))
    ],
    *[(partial(tr.marginal, ONE, "reverse_sde", tau), "tau") for tau in BAD_TAUS],
    *[
        (partial(tr.marginal, ONE, p, 0.5, s), "schedule")  # flow matching ignores valid ones
        for p in tr.PROCESSES
        for s in BAD_SCHEDULES
    ],
    *[
        (partial(field, t, 0.5, [0.0], SCHED), "target")
        for field in (tr.reverse_sde_drift, tr.probability_flow_velocity)
        for t in (None, "x")
    ],
    *[
        (partial(field, ONE, 0.5, [0.0], s), "schedule")
        for field in (tr.reverse_sde_drift, tr.probability_flow_velocity)
        for s in BAD_SCHEDULES
    ],
    *[
        (partial(field, ONE, tau, [0.0], SCHED), "tau")
        for field in (tr.reverse_sde_drift, tr.probability_flow_velocity)
        for tau in BAD_TAUS
    ],
    *[
        (partial(field, target, 0.5, x, SCHED), "x")
        for field in (tr.reverse_sde_drift, tr.probability_flow_velocity)
        for target, bad in ((ONE, BAD_POINTS_1D), (TWO, BAD_POINTS_2D))
        for x in bad
    ],
    (partial(tr.flow_matching_velocity, None, 0.5, [0.0]), "target"),
    *[(partial(tr.flow_matching_velocity, ONE, tau, [0.0]), "tau") for tau in BAD_TAUS],
    *[(partial(tr.flow_matching_velocity, ONE, 0.5, x), "x") for x in BAD_POINTS_1D],
    *[(partial(tr.flow_matching_velocity, TWO, 0.5, x), "x") for x in BAD_POINTS_2D],
    *[(partial(tr.velocity, None, p, 0.5, [0.0]), "target") for p in tr.PROCESSES],
    *[(partial(tr.velocity, ONE, p, 0.5, [0.0]), "process") for p in ("ode", None, ["ode"])],
    *[(partial(tr.velocity, ONE, p, tau, [0.0]), "tau") for p in tr.PROCESSES for tau in BAD_TAUS],
    *[(partial(tr.velocity, TWO, p, 0.5, x), "x") for p in tr.PROCESSES for x in BAD_POINTS_2D],
    *[
        (partial(tr.velocity, ONE, p, 0.5, [0.0], s), "schedule")
        for p in tr.PROCESSES
        for s in BAD_SCHEDULES
    ],
    *[(partial(tr.noise_scale, p, 0.5), "process") for p in ("sde", None)],
    *[(partial(tr.noise_scale, p, tau), "tau") for p in tr.PROCESSES for tau in BAD_TAUS],
    *[
        (partial(tr.noise_scale, p, 0.5, s), "schedule")
        for p in tr.PROCESSES
        for s in BAD_SCHEDULES
    ],
    *[
        (partial(tr.Trajectory, tau, np.zeros((2, 1, 1))), "tau")
        for tau in ("ab", [[0.0, 1.0]], [], None)
    ],
    *[
        (partial(tr.Trajectory, [0.0, 1.0], x), "x")
        for x in ([[1], [1, 2]], np.zeros((2, 3)), np.zeros((2, 3, 3)), np.zeros((3, 1, 1)), "ab")
    ],
    *[
        (partial(method, tau), "tau")
        for method in (TRAJ.index, TRAJ.at, TRAJ.interpolate)
        for tau in BAD_TAUS[2:]
    ],
]

SAMPLE_ARGS = {"process": "flow_matching", "n": 3, "steps": 4, "seed": 0}
SAMPLER_INVALID = [
    ({"target": None}, "target"),
    *[({"process": p}, "process") for p in ("ddpm", None, 1)],
    *[({"n": n}, "n") for n in (-1, 1.5, True, "3", tr.MAX_PARTICLES + 1)],
    *[({"steps": k}, "steps") for k in (0, -1, 1.5, None, tr.MAX_STEPS + 1)],
    *[({"seed": seed}, "seed") for seed in (-1, 1.5, True, None)],
    *[({"schedule": s}, "schedule") for s in BAD_SCHEDULES],
    *[({"tau_end": t}, "tau_end") for t in (0.0, -0.5, 1.5, NAN, INF, "1", None)],
    *[
        ({"x_start": x}, "x_start")
        for x in (np.zeros((2, 1)), [NAN, 0.0, 0.0], [0.0, INF, 0.0], np.zeros((3, 2)), "ab")
    ],
]


ROWS_1D = [[1.0, 0.0, 1.0]]
TRANSPORT_INVALID += [
    *[
        (partial(tr.GaussianMixture.from_rows, rows), "rows")
        for rows in ([], [[1.0, 0.0]], [[1.0, 0.0, 1.0, 2.0, 1.0]], [1.0, 0.0, 1.0], "ab", None)
    ],
    (partial(tr.GaussianMixture.from_rows, [[1.0, NAN, 1.0]]), "rows"),
    (partial(tr.GaussianMixture.from_rows, [[1.0, 0.0, -1.0]]), "stds"),
    (partial(tr.GaussianMixture.from_rows, [[-1.0, 0.0, 1.0]]), "weights"),
    (
        on(lambda: tr.GaussianMixture([1.0], [[0.0, 0.0]], [[[1.0, 0.5], [0.5, 1.0]]]), "rows"),
        "rows",
    ),
    *[(partial(tr.SamplingRequest, t, tr.PROCESSES, 1, 1, 0), "target") for t in (None, ROWS_1D)],
    *[
        (partial(tr.SamplingRequest, ONE, p, 1, 1, 0), "processes")
        for p in ((), ("flow_matching",) * 2, "flow_matching", ("ddpm",), None)
    ],
    *[(partial(tr.SamplingRequest, ONE, tr.PROCESSES, n, 1, 0), "n") for n in (-1, 1.5, 10**7)],
    *[(partial(tr.SamplingRequest, ONE, tr.PROCESSES, 1, s, 0), "steps") for s in (0, "1")],
    (partial(tr.SamplingRequest, ONE, tr.PROCESSES, 1, 1, -1), "seed"),
    (partial(tr.SamplingRequest, ONE, tr.PROCESSES, 1, 1, 0, "linear"), "schedule"),
    (partial(tr.SamplingRequest, ONE, tr.PROCESSES, 1, 1, 0, frames=0), "frames"),
    (partial(tr.sample_processes, None), "request"),
    *[
        (
            partial(tr.sample_processes, tr.SamplingRequest(ONE, ("flow_matching",), 1, 1, 0), **c),
            name,
        )
        for name in ("progress", "cancel")
        for c in ({name: 1},)
    ],
    *[(partial(tr.histogram_distance, m, [1.0], [0.0, 1.0]), "mixture") for m in (None, SCHED)],
    *[(partial(tr.histogram_distance, ONE, h, [0.0, 1.0]), "histogram") for h in ([], [NAN], "a")],
    *[
        (partial(tr.histogram_distance, ONE, [1.0], e), "x_edges")
        for e in ([0.0], [1.0, 0.0], [0.0, 1.0, 3.0], "ab")
    ],
    (partial(tr.histogram_distance, ONE, [1.0], [0.0, 1.0], [0.0, 1.0]), "y_edges"),
    (partial(tr.histogram_distance, TWO, [[1.0]], [0.0, 1.0]), "y_edges"),
    (partial(tr.histogram_distance, TWO, [[1.0]], [0.0, 1.0], [0.0, 2.0, 3.0]), "y_edges"),
    (partial(tr.histogram_distance, TWO, [1.0], [0.0, 1.0], [0.0, 1.0]), "histogram"),
]


@pytest.mark.parametrize(("call", "name"), TRANSPORT_INVALID, ids=case_id)
def test_invalid_transport_parameters_name_themselves(call, name):
    assert_invalid(call, name)


@pytest.mark.parametrize("sampler", [tr.sample, tr.sample_final])
@pytest.mark.parametrize(("kwargs", "name"), SAMPLER_INVALID, ids=case_id)
def test_invalid_sampler_parameters_name_themselves(sampler, kwargs, name):
    assert_invalid(partial(sampler, **({"target": ONE} | SAMPLE_ARGS | kwargs)), name)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        *[({"frames": f}, "frames") for f in (0, -1, 1.5, "2")],
        *[({"cancel": c}, "cancel") for c in ("stop", True, 1)],  # "stop" raised TypeError
        ({"n": tr.MAX_PARTICLES, "steps": 100}, "steps"),  # a path of 800 MB
    ],
    ids=case_id,
)
def test_invalid_sample_only_parameters_name_themselves(kwargs, name):
    assert_invalid(partial(tr.sample, ONE, **(SAMPLE_ARGS | kwargs)), name)


def test_grid_parameters_name_themselves():
    for xs in ([], [[0.0, 1.0]], [NAN], [0.0, INF], "ab", None):
        assert_invalid(partial(tr.grid_density, ONE, xs), "xs")
        assert_invalid(partial(tr.vector_field, TWO, PROCESS_FM, 0.5, xs, [0.0]), "xs")
    for ys in ([], [[0.0]], [NAN], "ab"):
        assert_invalid(partial(tr.grid_density, TWO, [0.0], ys), "ys")
        assert_invalid(partial(tr.vector_field, TWO, PROCESS_FM, 0.5, [0.0], ys), "ys")
    assert_invalid(partial(tr.grid_density, ONE, [0.0], [0.0]), "ys")  # 1-D: no ys
    assert_invalid(partial(tr.grid_density, TWO, [0.0]), "ys")  # 2-D: ys required
    for target in (None, "x", ONE):
        assert_invalid(partial(tr.vector_field, target, PROCESS_FM, 0.5, [0.0], [0.0]), "target")
    for mixture in (None, SCHED):  # used to say "target"
        assert_invalid(partial(tr.grid_density, mixture, [0.0]), "mixture")
    assert_invalid(partial(tr.vector_field, TWO, "ode", 0.5, [0.0], [0.0]), "process")
    for tau in BAD_TAUS:
        assert_invalid(partial(tr.vector_field, TWO, PROCESS_FM, tau, [0.0], [0.0]), "tau")
    for s in BAD_SCHEDULES:
        assert_invalid(
            partial(tr.vector_field, TWO, "reverse_sde", 0.5, [0.0], [0.0], s), "schedule"
        )


# --------------------------------------------------------------------------------------------
# complexity: the cost of linear algebra, measured (notes §1.3)
# --------------------------------------------------------------------------------------------

OPERATION_KEYS = list(cx.OPERATIONS)


@FAST
@given(st.integers(cx.SIZE_MIN, cx.MAX_N), st.integers(1, 8))
def test_size_grids_run_geometrically_from_n_min_to_n_max(n_max, per_octave):
    sizes = cx.size_grid(n_max, per_octave=per_octave)
    assert sizes[0] == cx.SIZE_MIN and sizes[-1] == n_max
    gaps = np.diff(np.log2(sizes))
    assert np.all(gaps > 0) and np.all(gaps <= 1.5 / per_octave + 0.05)


@FAST
@given(
    st.lists(st.sampled_from(OPERATION_KEYS), min_size=1, max_size=6, unique=True),
    st.integers(cx.SIZE_MIN, cx.MAX_N),
    st.sampled_from(cx.DTYPES),
    st.floats(1.0, 1e12),
)
def test_memory_limit_keeps_every_operation_within_half_the_memory(keys, n_max, dtype, available):
    sizes = cx.size_grid(n_max)
    limit = cx.memory_limit(keys, sizes, dtype, available)
    assert limit == 0 or limit in sizes

    def timed(n):  # the operations timed at size n
        return [k for k in keys if n <= cx.OPERATIONS[k].max_n]

    fits = [n for n in sizes if n <= limit]
    assert all(cx.working_bytes(k, n, dtype) <= available / 2 for n in fits for k in timed(n))
    beyond = [n for n in sizes if n > limit]
    if beyond:
        assert any(cx.working_bytes(k, beyond[0], dtype) > available / 2 for k in timed(beyond[0]))


def test_available_memory_is_a_positive_number_of_bytes_or_unknown():
    memory = cx.available_memory()
    assert memory is None or (isinstance(memory, int) and memory > 0)


@FAST
@given(
    st.lists(st.integers(1, cx.MAX_N), min_size=1, max_size=12, unique=True),
    st.floats(0.0, 4.0),
    st.floats(1e-9, 1e3),
)
def test_fit_exponent_recovers_the_power_of_a_power_law(sizes, p, c):
    n = np.sort(np.array(sizes, dtype=float))
    fit = cx.fit_exponent(n, c * n**p)
    if n.size < 2:
        assert fit is None
        return
    assert fit.slope == pytest.approx(p, abs=1e-6)
    assert fit.points == max(2, (n.size + 1) // 2) and fit.n_high == n[-1]
    assert fit.predict(n[-1]) == pytest.approx(c * n[-1] ** p, rel=1e-6)
    assert is_finite(fit.predict(n))


@FAST
@given(
    st.integers(1, cx.MAX_N), arrays(np.float64, st.integers(1, 9), elements=st.floats(1e-9, 1e3))
)
def test_a_timing_is_the_median_and_range_of_its_repeats(n, seconds):
    timing = cx.Timing("product", n, tuple(seconds))
    assert timing.low <= timing.median <= timing.high
    assert timing.median == np.median(seconds) and timing.low == seconds.min()


@settings(FAST, max_examples=8)
@given(
    st.lists(st.sampled_from(OPERATION_KEYS), min_size=1, max_size=6, unique=True),
    st.integers(cx.SIZE_MIN, 40),
    st.integers(1, 3),
    seeds,
    st.sampled_from(cx.DTYPES),
)
def test_measure_times_every_operation_at_every_size(keys, n_max, repeats, seed, dtype):
    request = cx.TimingRequest(tuple(keys), cx.size_grid(n_max), dtype, repeats, seed, 60.0)
    reports = []
    result = cx.measure(request, progress=reports.append)
    assert result.outcome == "complete" and len(reports) == len(result.points)
    for key in keys:
        n, median, low, high = result.series(key)
        assert n.tolist() == list(request.sizes)
        assert is_finite(median) and np.all((0 < low) & (low <= median) & (median <= high))
        fit = result.fit(key)
        assert fit is None if n.size < 2 else math.isfinite(fit.slope)
    assert result.elapsed > 0


@FAST
@given(matrices(1, 5), st.data())
def test_the_triple_loop_is_the_matrix_product(A, data):
    B = data.draw(arrays(np.float64, (A.shape[1], data.draw(st.integers(1, 5))), elements=finite))
    C = np.array(cx.python_product(A, B))
    assert C.shape == (A.shape[0], B.shape[1])
    assert np.allclose(C, A @ B, rtol=1e-12, atol=1e-9)


@FAST
@given(st.floats(1, 1e5), st.floats(1e-9, 1e3))
def test_product_rates_are_2n3_over_the_time(n, seconds):
    assert cx.product_rate(n, seconds) == pytest.approx(2 * n**3 / seconds)


@settings(FAST, max_examples=10)
@given(st.integers(1, 64), st.sampled_from(cx.DTYPES), st.integers(1, 3))
def test_gemm_rate_is_a_positive_finite_rate(n, dtype, repeats):
    rate = cx.gemm_rate(n, dtype, repeats)
    assert math.isfinite(rate) and rate > 0


REQUEST = cx.TimingRequest(("product",), (16, 20))
COMPLEXITY_INVALID = [
    *[(partial(cx.size_grid, n), "n_max") for n in (8, 1.5, cx.MAX_N + 1, True, "64")],
    (partial(cx.size_grid, 64, 0), "n_min"),
    *[(partial(cx.size_grid, 64, per_octave=k), "per_octave") for k in (0, 25, 2.0)],
    *[(partial(cx.working_bytes, op, 16), "operation") for op in ("gemm", None, 3)],
    *[(partial(cx.working_bytes, "det", n), "n") for n in (0, 2.5, cx.MAX_N + 1)],
    (partial(cx.working_bytes, "det", 16, "float16"), "dtype"),
    (partial(cx.memory_limit, [], (16,), "float64", 1e9), "operations"),
    (partial(cx.memory_limit, ["lu"], (16,), "float64", 1e9), "operations"),
    (partial(cx.memory_limit, ["det"], (16, 16), "float64", 1e9), "sizes"),
    (partial(cx.memory_limit, ["det"], (), "float64", 1e9), "sizes"),
    *[(partial(cx.memory_limit, ["det"], (16,), "float64", a), "available") for a in (0, NAN)],
    *[(partial(cx.TimingRequest, ops, (16,)), "operations") for ops in ((), "det", (1,))],
    (partial(cx.TimingRequest, ("det", "det"), (16,)), "operations"),
    *[(partial(cx.TimingRequest, ("det",), s), "sizes") for s in ((), (20, 16), (0,), "16")],
    (partial(cx.TimingRequest, ("det",), (16,), "int8"), "dtype"),
    *[(partial(cx.TimingRequest, ("det",), (16,), repeats=r), "repeats") for r in (0, 1.5)],
    (partial(cx.TimingRequest, ("det",), (16,), seed=-1), "seed"),
    *[(partial(cx.TimingRequest, ("det",), (16,), budget=b), "budget") for b in (0, INF, NAN)],
    *[(partial(cx.Timing, "det", 16, s), "seconds") for s in ((), (0.0,), (NAN,), "1")],
    (partial(cx.Timing, "det", 0, (1.0,)), "n"),
    (partial(cx.Timing, "det", 16, (1.0,), 0), "calls"),
    (partial(cx.TimingResult, "request", (), "complete", 0.0), "request"),
    (partial(cx.TimingResult, REQUEST, (), "done", 0.0), "outcome"),
    (partial(cx.TimingResult, REQUEST, ("point",), "complete", 0.0), "points"),
    (partial(cx.TimingResult, REQUEST, (), "complete", -1.0), "elapsed"),
    (partial(cx.TimingResult, REQUEST, (), "complete", 0.0, NAN), "skipped_seconds"),
    *[(partial(cx.fit_exponent, n, [1.0, 2.0]), "n") for n in ([2, 1], [0, 1], [[1, 2]])],
    *[(partial(cx.fit_exponent, [1, 2], t), "seconds") for t in ([1.0], [1.0, 0.0], [NAN, 1])],
    *[(on(lambda: cx.fit_exponent([1, 2], [1, 2]), "predict", n), "n") for n in (0, -1, "a")],
    (partial(cx.measure, "request"), "request"),
    (partial(cx.measure, REQUEST, clock=3), "clock"),
    (partial(cx.measure, REQUEST, operations={}), "operations"),
    (partial(cx.measure, REQUEST, progress=3), "progress"),
    (partial(cx.measure, REQUEST, cancel="yes"), "cancel"),
    *[(partial(cx.python_product, a, [[1.0]]), "A") for a in ([], [[NAN]], "ab", [1.0])],
    (partial(cx.python_product, [[1.0, 2.0]], [[1.0]]), "B"),
    *[(partial(cx.product_rate, n, 1.0), "n") for n in (0, -2, NAN)],
    *[(partial(cx.product_rate, 16, t), "seconds") for t in (0, INF, "1")],
    *[(partial(cx.gemm_rate, n), "n") for n in (0, 20_000, 1.5)],
    (partial(cx.gemm_rate, 8, "float16"), "dtype"),
    (partial(cx.gemm_rate, 8, repeats=0), "repeats"),
    (partial(cx.gemm_rate, 8, clock=None), "clock"),
]


@pytest.mark.parametrize(("call", "name"), COMPLEXITY_INVALID, ids=case_id)
def test_invalid_complexity_parameters_name_themselves(call, name):
    assert_invalid(call, name)


# --------------------------------------------------------------------------------------------
# regressions: valid input that used to crash or give NaN (fixed in core)
# --------------------------------------------------------------------------------------------


def test_staged_factors_accept_entries_beyond_2_to_the_1023():
    f = svd.staged_factors([[1.7e308, 0.0], [0.0, 1e308]])  # used to raise OverflowError
    assert np.allclose(f.d, [1.7e308, 1e308])
    with pytest.raises(ValueError, match=names("A")):  # σ₁ = √2·1.7e308 is not a float64
        svd.staged_factors([[1.7e308, 1.7e308], [1.7e308, -1.7e308]])


@pytest.mark.parametrize("size", [2.2e-311, 1e-200, 1e200, 1e308])
def test_relative_error_is_scale_free_for_tiny_and_huge_matrices(size):
    A = np.full((2, 2), size)  # the squares under- or overflowed: 0.0 or NaN instead of 1 and 2
    assert svd.relative_error(A, np.zeros((2, 2))) == pytest.approx(1.0)
    assert svd.relative_error(A, -A) == pytest.approx(2.0)


@pytest.mark.parametrize("sigma", [1e-200, 1e-160, 1e200])
def test_stationary_densities_survive_sigma_squared_under_or_overflowing(sigma):
    x = np.linspace(-2.0, 2.0, 9)
    p = langevin.boltzmann(langevin.double_well(), sigma, x)  # was NaN (0/0) for σ < 1e-162
    assert is_finite(p) and np.trapezoid(p, x) == pytest.approx(1.0)
    p2 = langevin.boltzmann_2d(langevin.double_well_2d(), sigma, x, x)
    assert is_finite(p2) and np.trapezoid(np.trapezoid(p2, x, axis=1), x) == pytest.approx(1.0)
    pde = FokkerPlanck1D(langevin.double_well(), sigma, x, 0.0)
    stationary = pde.stationary()  # was NaN, or OverflowError for σ > 1e154
    assert is_finite(stationary) and np.sum(stationary) * pde.h == pytest.approx(1.0)


def test_huge_sigma_gives_an_infinite_temperature_not_an_overflow_error():
    # σ**2 raised OverflowError in .kT, which UnderdampedEnsemble calls while constructing
    assert langevin.Ensemble(langevin.harmonic(), 3, 1e200, 0.1).kT == math.inf
    ensemble = langevin.UnderdampedEnsemble(langevin.harmonic(), 3, 1e200, 1.0, 1.0, 0.1)
    assert ensemble.kT == math.inf


def test_kramers_rate_vanishes_when_kT_underflows():
    assert langevin.kramers_rate(langevin.double_well(), 1e-200, -1.0, 0.0) == 0.0  # was 1/0


@pytest.mark.parametrize("mean", [0.25, 0.3, 2.9])
def test_a_gaussian_narrower_than_a_cell_becomes_a_point_mass(mean):
    grid = np.linspace(-1.0, 3.0, 9)  # used to raise "p0 must have positive mass"
    pde = FokkerPlanck1D(langevin.harmonic(), 1.0, grid, ("gaussian", mean, 1e-4))
    assert np.count_nonzero(pde.p) == 1 and pde.mass() == pytest.approx(1.0)
    assert abs(pde.x[np.argmax(pde.p)] - mean) <= pde.h / 2


def test_mixture_weights_may_sum_beyond_the_float_range():
    # the sum overflowed to inf and normalised every weight to 0: NaN densities
    mix = tr.GaussianMixture([1e308, 1e308], [0.0, 1.0], [1.0, 1.0])
    assert np.array_equal(mix.weights, [0.5, 0.5]) and is_finite(mix.pdf([0.0, 0.5]))
    heavy = tr.GaussianMixture.isotropic([1.5e308] * 3, [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], 1.0)
    assert np.allclose(heavy.weights, 1 / 3) and is_finite(heavy.score([[0.0, 3.0]]))


# --------------------------------------------------------------------------------------------
# checks: the shared argument checks
# --------------------------------------------------------------------------------------------


@FAST
@given(st.floats(allow_nan=True, allow_infinity=True), st.floats(-10, 10), st.floats(0, 10))
def test_real_returns_the_number_or_names_the_parameter(x, lo, width):
    hi = lo + width
    if math.isfinite(x) and lo <= x <= hi:
        assert checks.real(x, "speed", lo=lo, hi=hi) == x
    else:
        with pytest.raises(ValueError, match=names("speed")):
            checks.real(x, "speed", lo=lo, hi=hi)
    assert checks.range_text(lo, hi, False) == f"in [{lo:g}, {hi:g}]"


@pytest.mark.parametrize("bad", [True, 1.5, "3", None, -1, 11])
def test_count_and_seed_refuse_what_is_not_a_whole_number_in_range(bad):
    with pytest.raises(ValueError, match=names("steps")):
        checks.count(bad, "steps", 0, 10)
    if not (isinstance(bad, int) and not isinstance(bad, bool) and bad >= 0):
        with pytest.raises(ValueError, match=names("seed")):
            checks.seed(bad)


@FAST
@given(st.integers(0, 10**6))
def test_count_and_seed_accept_whole_numbers(k):
    assert checks.count(np.int64(k), "n", 0, 10**6) == k
    assert checks.count(k, "n", 0) == k  # no upper bound
    assert checks.seed(k) == k


@FAST
@given(st.floats(allow_nan=True, allow_infinity=True), st.floats(allow_nan=True))
def test_interval_accepts_finite_increasing_pairs_only(lo, hi):
    if math.isfinite(lo) and math.isfinite(hi) and lo < hi:
        assert checks.interval((lo, hi), "x_range") == (lo, hi)
    else:
        assert_invalid(partial(checks.interval, (lo, hi), "x_range"), "x_range")
    for bad in (lo, (lo,), (lo, hi, hi), "ab", None, (True, 2.0)):
        assert_invalid(partial(checks.interval, bad, "x_range"), "x_range")


@FAST
@given(
    arrays(
        np.float64,
        st.lists(st.integers(0, 4), min_size=0, max_size=3).map(tuple),
        elements=st.floats(allow_nan=True, allow_infinity=True),
    )
)
def test_array_returns_a_float_copy_or_names_the_parameter(values):
    lenient = checks.array(values, "Phi", finite=False)
    assert lenient.dtype == np.float64 and np.array_equal(lenient, values, equal_nan=True)
    if np.all(np.isfinite(values)):
        out = checks.array(values, "Phi")
        assert np.array_equal(out, values) and not np.shares_memory(out, values)
        assert checks.array(values, "Phi", copy=False) is values  # float64 already: no copy
    else:
        assert_invalid(partial(checks.array, values, "Phi"), "Phi")
    other = tuple(d for d in range(4) if d != values.ndim)
    assert_invalid(partial(checks.array, values, "Phi", ndim=other, finite=False), "Phi")
    assert_invalid(partial(checks.array, values, "Phi", min_size=values.size + 1), "Phi")


@pytest.mark.parametrize(
    "bad", ["ab", [[1.0, 2.0], [3.0]], [1 + 2j], [None, 1.0], [10**400], {"a": 1}, object()]
)
def test_array_refuses_what_is_not_an_array_of_real_numbers(bad):
    assert_invalid(partial(checks.array, bad, "Phi", finite=False), "Phi")


@FAST
@given(vectors(lo=-1e6, hi=1e6), st.integers(1, 4))
def test_grid_accepts_strictly_increasing_points_only(values, min_points):
    if values.size >= min_points and np.all(np.diff(values) > 0):
        assert np.array_equal(checks.grid(values, "edges", min_points=min_points), values)
    else:
        assert_invalid(partial(checks.grid, values, "edges", min_points=min_points), "edges")
    assert_invalid(partial(checks.grid, [[0.0, 1.0]], "edges"), "edges")


@FAST
@given(st.floats(-10, 10), st.floats(0.1, 10), st.integers(3, 50))
def test_grid_tells_uniform_from_uneven_spacing(start, width, m):
    even = np.linspace(start, start + width, m)
    assert np.array_equal(checks.grid(even, "x_grid", uniform=True), even)
    uneven = even.copy()
    uneven[1] += 0.3 * (even[1] - even[0])
    assert_invalid(partial(checks.grid, uneven, "x_grid", uniform=True), "x_grid")
    assert np.array_equal(checks.grid(uneven, "x_grid"), uneven)


@pytest.mark.parametrize("good", [None, print, lambda: True, np.sum])
def test_callback_passes_callables_and_none_through(good):
    assert checks.callback(good, "progress") is good


@pytest.mark.parametrize("bad", [0, True, "stop", [print]])
def test_callback_refuses_what_cannot_be_called(bad):
    assert_invalid(partial(checks.callback, bad, "cancel"), "cancel")


# --------------------------------------------------------------------------------------------
# chunks: particle arrays in chunks on all cores
# --------------------------------------------------------------------------------------------


@FAST
@given(st.integers(0, 5 * chunks.CHUNK + 3))
def test_spans_cover_the_range_once_in_order(n):
    spans = chunks.spans(n)
    assert [i for a, b in spans for i in range(a, b)] == list(range(n))
    assert all(0 < b - a <= chunks.CHUNK for a, b in spans)


@FAST
@given(st.integers(0, 2**31 - 1), st.integers(1, 4 * chunks.CHUNK))
def test_streams_are_one_reproducible_independent_generator_per_chunk(seed, n):
    first, again = chunks.streams(seed, n), chunks.streams(seed, n)
    assert len(first) == len(chunks.spans(n))
    draws = [g.standard_normal(4) for g in first]
    assert all(np.array_equal(d, g.standard_normal(4)) for d, g in zip(draws, again, strict=True))
    assert len({d.tobytes() for d in draws}) == len(draws)  # no two chunks share a stream


@FAST
@given(st.integers(0, 6 * chunks.CHUNK), st.integers(1, 4))
def test_run_returns_every_chunks_result_in_order_whatever_the_threads(n, workers):
    expected = [(j, a, b) for j, (a, b) in enumerate(chunks.spans(n))]
    saved = chunks.WORKERS
    try:
        chunks.WORKERS = workers
        assert chunks.run(lambda j, a, b: (j, a, b), n) == expected
    finally:
        chunks.WORKERS = saved


def test_run_raises_a_tasks_error_after_every_chunk_is_done():
    done = []

    def task(j, a, b):
        if j == 0:
            raise ArithmeticError("chunk 0")
        done.append(j)

    with pytest.raises(ArithmeticError, match="chunk 0"):
        chunks.run(task, 4 * chunks.CHUNK)
    if chunks.WORKERS >= 2:  # chunks 2 and 3 went to other threads, which finished them
        assert {2, 3} <= set(done)


@pytest.mark.parametrize("call", [chunks.spans, partial(chunks.run, print)])
@pytest.mark.parametrize("bad", [-1, 1.5, "10", True])
def test_chunks_refuse_a_count_that_is_not_a_whole_number(call, bad):
    assert_invalid(partial(call, bad), "n")


def test_streams_refuse_a_bad_seed():
    assert_invalid(partial(chunks.streams, -1, 10), "seed")


# --------------------------------------------------------------------------------------------
# datafiles: the user's tables of numbers
# --------------------------------------------------------------------------------------------

SEPARATORS = ["\t", ";", ",", " "]


def table_text(values, separator, decimal_comma, header) -> str:
    """``values`` written as a user's file would be: ``repr`` numbers (exact), a decimal comma
    where the separator allows one, an optional header row."""

    def cell(v):
        text = repr(float(v))
        return text.replace(".", ",") if decimal_comma else text

    rows = [separator.join(cell(v) for v in row) for row in values]
    if header:
        rows.insert(0, separator.join(f"c{j}" for j in range(values.shape[1])))
    return "\n".join(rows) + "\n"


@FAST
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 12), st.integers(1, 4)),
        elements=st.floats(-1e6, 1e6, allow_subnormal=False),
    ),
    st.sampled_from(SEPARATORS),
    st.booleans(),
    st.booleans(),
)
def test_a_written_table_reads_back_exactly(values, separator, decimal_comma, header):
    # a decimal comma where it cannot be a separator: between tabs or semicolons
    decimal_comma = decimal_comma and separator in "\t;" and values.shape[1] > 1
    text = table_text(values, separator, decimal_comma, header)
    table = datafiles.parse_table(text, "t.csv", max_rows=100)
    assert np.array_equal(table.values, values) and table.values.flags.writeable is False
    assert table.separator == separator or values.shape[1] == 1  # (one column: none to see)
    first = 2 if header else 1
    assert table.lines.tolist() == list(range(first, first + len(values)))
    assert (table.header is not None) == header
    assert table.column_name(0) == ("c0" if header else "column 1")
    assert f"{len(values)} row" in table.describe()
    if decimal_comma and any("e" not in repr(float(v)) for v in values.ravel()):
        assert table.decimal_comma


@FAST
@given(st.text(max_size=300))
def test_any_text_is_read_or_refused_with_a_data_file_error(text):
    try:
        table = datafiles.parse_table(text, "t.txt")
    except datafiles.DataFileError as error:
        assert str(error).startswith("t.txt")
    else:
        assert is_finite(table.values) and table.values.ndim == 2


@FAST
@given(st.binary(max_size=300))
def test_any_bytes_decode_to_text_or_are_refused(data):
    try:
        text = datafiles.decode_text(data, "b.csv")
    except datafiles.DataFileError as error:
        assert "b.csv" in str(error)
    else:
        assert isinstance(text, str) and "\0" not in text


@FAST
@given(
    arrays(np.float64, st.tuples(st.integers(1, 10), st.integers(2, 3)), elements=finite),
    st.sampled_from(SEPARATORS),
)
def test_measurements_have_positive_sigma_or_are_refused(values, separator):
    text = table_text(values, separator, False, False)
    try:
        data = datafiles.read_measurements(text.encode(), "m.csv")
    except datafiles.DataFileError as error:
        assert values.shape[1] == 3 and np.any(values[:, 2] <= 0) and "σ" in str(error)
    else:
        assert np.array_equal(data.x, values[:, 0]) and np.array_equal(data.y, values[:, 1])
        assert len(data) == len(values)
        assert (data.sigma is None) == (values.shape[1] == 2)
        assert data.sigma is None or np.all(data.sigma > 0)


@FAST
@given(arrays(np.float64, st.tuples(st.integers(1, 10), st.integers(1, 2)), elements=finite))
def test_points_are_one_or_two_columns(values):
    table = datafiles.read_points(table_text(values, ",", False, False), "p.csv")
    assert np.array_equal(table.values, values)


DATAFILES_INVALID = [
    (partial(datafiles.parse_table, "1,2", min_columns=0), "min_columns"),
    (partial(datafiles.parse_table, "1,2", min_columns=3, max_columns=2), "max_columns"),
    (partial(datafiles.parse_table, "1,2", max_rows=0), "max_rows"),
    (partial(datafiles.parse_table, b"1,2"), "the text"),
    (partial(datafiles.decode_text, "1,2"), "the text"),
    (partial(datafiles.read_measurements, 12), "the text"),
    (partial(datafiles.read_points, None), "the text"),
]


@pytest.mark.parametrize(("call", "name"), DATAFILES_INVALID, ids=case_id)
def test_invalid_datafiles_arguments_name_themselves(call, name):
    assert_invalid(call, name)


# --------------------------------------------------------------------------------------------
# mixture_fit: a shape as a transport target
# --------------------------------------------------------------------------------------------


@SLOW
@given(
    arrays(
        np.float64, st.tuples(st.integers(1, 40), st.integers(1, 40)), elements=st.floats(0, 255)
    ),
    st.integers(1, 300),
    st.floats(0.5, 5.0),
)
def test_any_picture_with_ink_is_a_mixture_inside_the_box(grey, k_max, half_width):
    mass = mixture_fit.image_mass(grey)
    assert mass.shape == grey.shape and np.all((mass >= 0) & (mass <= 1))
    assume(mass.max() > 0)
    mix = mixture_fit.mixture_from_image(mass, half_width, k_max)
    assert mix.dim == 2 and 1 <= mix.k <= k_max
    assert np.all(np.abs(mix.means) <= half_width + 1e-12) and is_finite(mix.stds)


@SLOW
@given(
    arrays(np.float64, st.tuples(st.integers(1, 400), st.integers(1, 2)), elements=finite),
    st.integers(1, 64),
    seeds,
)
def test_any_point_cloud_is_a_mixture_inside_the_box(points, k_max, seed):
    mix = mixture_fit.mixture_from_points(points, 3.0, k_max, seed=seed % 2**31)
    assert mix.dim == points.shape[1] and 1 <= mix.k <= k_max
    assert np.all(np.abs(mix.means) <= 3.0 + 1e-9)
    assert np.all((mix.stds >= 0.05) & (mix.stds <= 3.0))
    assert mixture_fit.neighbour_bandwidth(points) >= 0.0


MIXTURE_FIT_INVALID = [
    (partial(mixture_fit.image_mass, [[300.0]]), "grey"),
    (partial(mixture_fit.image_mass, [[3.0]], [[2.0]]), "alpha"),
    (partial(mixture_fit.image_mass, [[3.0]], [[1.0, 1.0]]), "alpha"),
    (partial(mixture_fit.mixture_from_image, np.zeros((3, 3))), "mass"),
    (partial(mixture_fit.mixture_from_image, [[-1.0, 2.0]]), "mass"),
    (partial(mixture_fit.mixture_from_image, [[1.0]], 0.0), "half_width"),
    (partial(mixture_fit.mixture_from_image, [[1.0]], 1.0, 0), "max_components"),
    (partial(mixture_fit.mixture_from_image, [[1.0]], 1.0, 8, -1.0), "min_std"),
    (partial(mixture_fit.mixture_from_points, np.zeros((4, 3))), "points"),
    (partial(mixture_fit.mixture_from_points, [[NAN, 1.0]]), "points"),
    (partial(mixture_fit.mixture_from_points, [[1.0]], max_points=0), "max_points"),
    (partial(mixture_fit.mixture_from_points, [[1.0]], seed=-1), "seed"),
    (partial(mixture_fit.mixture_from_points, [[1.0]], min_std=1.0, max_std=0.5), "max_std"),
    (partial(mixture_fit.neighbour_bandwidth, [1.0, 2.0]), "centres"),
]


@pytest.mark.parametrize(("call", "name"), MIXTURE_FIT_INVALID, ids=case_id)
def test_invalid_mixture_fit_arguments_name_themselves(call, name):
    assert_invalid(call, name)


# --------------------------------------------------------------------------------------------
# datasets: real data shipped with the app
# --------------------------------------------------------------------------------------------


@FAST
@given(st.binary(max_size=200))
def test_any_bytes_are_digits_or_refused(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("digits") / "d.csv.gz"
    path.write_bytes(data)
    try:
        digits = datasets.load_digits(path)
    except ValueError as error:
        assert "path" in str(error)
    else:
        assert digits.images.shape[1] == 64 and len(digits) >= 1
