"""Property tests (hypothesis) of the public core API: valid inputs give finite results,
invalid ones a ValueError that names the parameter, and typed text never does anything else."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from core import double_descent as dd
from core import expressions, langevin, regression, svd
from core.fokker_planck import FokkerPlanck1D

FAST = settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


def matrices(min_side=1, max_side=6):
    shapes = st.tuples(st.integers(min_side, max_side), st.integers(min_side, max_side))
    return shapes.flatmap(lambda shape: arrays(np.float64, shape, elements=finite))


@FAST
@given(matrices())
def test_decompose_reconstructs_any_finite_matrix(A):
    result = svd.decompose(A)
    assert np.all(np.diff(result.s) <= 1e-12 * max(1.0, result.s[0]))
    assert np.all(result.s >= 0)
    m, n = A.shape
    sigma = np.zeros((m, n))
    sigma[np.arange(len(result.s)), np.arange(len(result.s))] = result.s
    assert np.allclose(result.U @ sigma @ result.Vt, A, atol=1e-9 * max(1.0, np.abs(A).max()))


@FAST
@given(arrays(np.float64, (2, 2), elements=finite), st.floats(0.0, 3.0))
def test_staged_map_is_finite_and_ends_at_A(A, t):
    points = np.array([[1.0, 0.0, -0.5], [0.0, 1.0, 2.0]])
    assert np.isfinite(svd.staged_map(A, points, t)).all()
    assert np.allclose(svd.staged_map(A, points, 3.0), A @ points)


@pytest.mark.parametrize("t", [-0.1, 3.1, math.nan, math.inf])
def test_staged_map_names_t(t):
    with pytest.raises(ValueError, match="t"):
        svd.staged_map(np.eye(2), np.zeros((2, 1)), t)


@FAST
@given(
    st.integers(0, 15),
    st.integers(1, 6),
    st.floats(1e-3, 10.0),
    st.floats(1e-4, 1e4),
    st.integers(0, 10_000),
)
def test_posterior_is_a_proper_gaussian(n, m, sigma, lam, seed):
    rng = np.random.default_rng(seed)
    Phi, y = rng.normal(size=(n, m)), rng.normal(size=n)
    post = regression.posterior(Phi, y, sigma, lam)
    assert np.isfinite(post.mean).all() and np.isfinite(post.cov).all()
    assert np.allclose(post.cov, post.cov.T)
    assert np.linalg.eigvalsh(post.cov).min() > -1e-12 * np.abs(post.cov).max()
    mean, variance = regression.predictive(post, Phi[:3] if n else np.ones((1, m)), sigma)
    assert np.isfinite(mean).all() and (variance >= sigma**2 * (1 - 1e-9)).all()
    assert np.isfinite(regression.log_evidence(Phi, y, sigma, lam))


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: regression.posterior(np.ones((2, 1)), [1, 2], -1.0, 1.0), "sigma"),
        (lambda: regression.posterior(np.ones((2, 1)), [1, 2], 1.0, 0.0), "prior_precision"),
        (lambda: regression.polynomial_features([0.0], 13), "degree"),
        (lambda: regression.GeneratorParams(sigma=-1.0), "sigma"),
        (lambda: regression.GeneratorParams(x_range=(1.0, -1.0)), "x_range"),
        (lambda: dd.SweepParams(n=0, widths=(1,), trials=1, sigma=0.1), "n"),
        (lambda: dd.SweepParams(n=5, widths=(1,), trials=0, sigma=0.1), "trials"),
        (lambda: dd.SweepParams(n=5, widths=(1,), trials=1, sigma=-0.1), "sigma"),
        (lambda: dd.SweepParams(n=5, widths=(1,), trials=1, sigma=0.1, ridge=-1.0), "ridge"),
        (lambda: langevin.Ensemble(langevin.harmonic(), 10, 1.0, -0.1, 0), "dt"),
        (lambda: langevin.Ensemble(langevin.harmonic(), -1, 1.0, 0.1, 0), "n"),
        (lambda: langevin.Ensemble(langevin.harmonic(), 10, -1.0, 0.1, 0), "sigma"),
        (lambda: langevin.harmonic(-1.0), "k"),
        (lambda: langevin.double_well(-1.0), "depth"),
    ],
)
def test_invalid_parameters_name_themselves(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@FAST
@given(st.integers(1, 12), st.integers(1, 30), st.floats(0.0, 2.0), st.integers(0, 1000))
def test_min_norm_solution_is_finite_and_interpolates_when_it_can(n, p, sigma, seed):
    rng = np.random.default_rng(seed)
    Phi, y = rng.normal(size=(n, p)), rng.normal(size=n)
    beta = dd.min_norm_lstsq(Phi, y)
    assert np.isfinite(beta).all()
    if p >= n:
        assert np.allclose(Phi @ beta, y, atol=1e-6 * max(1.0, np.abs(y).max()))


@FAST
@given(
    st.lists(st.floats(-2.0, 2.0), min_size=2, max_size=5),
    st.floats(0.05, 2.0),
    st.floats(1e-4, 1e6),
)
def test_fokker_planck_keeps_mass_and_positivity(coefficients, sigma, dt):
    coefficients = np.array(coefficients)

    class Polynomial:  # V(x) = x⁴/4 + Σ cₖ xᵏ: confining, otherwise arbitrary
        def V(self, x):
            return np.asarray(x) ** 4 / 4 + np.polyval(coefficients, x)

        def dV(self, x):
            return np.asarray(x) ** 3 + np.polyval(np.polyder(coefficients), x)

    pde = FokkerPlanck1D(Polynomial(), sigma, np.linspace(-3, 3, 101), ("uniform", -1.0, 1.0))
    pde.step(dt, k=3)
    assert pde.mass() == pytest.approx(1.0, abs=1e-10)
    assert (pde.p >= 0).all() and np.isfinite(pde.p).all()


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
