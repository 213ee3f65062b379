"""Tests for core.expressions: the safe formula parser behind user-typed potentials (§9.1).

References are numpy written out by hand (the formula's closed form) and central finite
differences for the derivatives; refusals are checked by message content.  The compiled
evaluator is compared with :func:`reference`, the plain tree walk that it replaced (one numpy
call and one temporary per node, ``np.power`` for every power).
"""

from __future__ import annotations

import ast
import inspect
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import core.expressions as expressions
from core.expressions import MAX_DEPTH, MAX_LENGTH, Expression, parse_expression

GRID = np.linspace(-2.0, 2.0, 401)
POSITIVE = np.linspace(0.2, 2.5, 231)


def central_difference(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)


# --------------------------------------------------------------------------------------------
# accepting and evaluating
# --------------------------------------------------------------------------------------------


def test_course_potential_evaluates_like_numpy() -> None:
    e = parse_expression("x**4/4 - x**2/2 + 0.2*sin(5*x)")
    expected = GRID**4 / 4 - GRID**2 / 2 + 0.2 * np.sin(5 * GRID)
    np.testing.assert_allclose(e(GRID), expected, rtol=1e-14, atol=1e-15)
    assert e.variables == ("x",)
    assert str(e) == "x**4/4 - x**2/2 + 0.2*sin(5*x)"


def test_course_potential_derivative_matches_finite_differences() -> None:
    e = parse_expression("x**4/4 - x**2/2 + 0.2*sin(5*x)")
    d = e.derivative("x")
    np.testing.assert_allclose(d(GRID), central_difference(e, GRID), atol=1e-6)
    # and the closed form
    np.testing.assert_allclose(d(GRID), GRID**3 - GRID + np.cos(5 * GRID), atol=1e-13)
    d2 = d.derivative()
    np.testing.assert_allclose(d2(GRID), 3 * GRID**2 - 1 - 5 * np.sin(5 * GRID), atol=1e-12)


@pytest.mark.parametrize(
    ("text", "grid"),
    [
        ("sin(3*x) + cos(x)**2", GRID),
        ("tan(x/2)", GRID),
        ("exp(-x**2/2)", GRID),
        ("log(x) * x", POSITIVE),
        ("sqrt(1 + x**2)", GRID),
        ("tanh(2*x) - sinh(x)/cosh(x)", GRID),
        ("arctan(3*x) - e**-x", GRID),
        ("abs(x)**3", GRID),
        ("x**x", POSITIVE),
        ("2**x / (1 + x**2)", GRID),
        ("pi*x - -x + +x", GRID),
        ("(x - 1)**3 / 3", GRID),
        ("sqrt(x)**3", POSITIVE),
        ("x**-2", POSITIVE),
        ("exp(sin(x))*log(cosh(x))", GRID),
    ],
)
def test_derivative_of_every_function_matches_finite_differences(text, grid) -> None:
    e = parse_expression(text)
    d = e.derivative("x")
    np.testing.assert_allclose(d(grid), central_difference(e, grid), atol=1e-6, rtol=1e-7)


def test_derivative_text_parses_back_to_the_same_function() -> None:
    for text in [
        "x**4/4 - x**2/2 + 0.2*sin(5*x)",
        "(-x)**3 - 2**-x",
        "exp(-x)/(1+x**2)",
        "-(x - 2)**2*3",
        "x/(2*x + 3)**2",
    ]:
        d = parse_expression(text).derivative()
        again = parse_expression(d.text)
        np.testing.assert_allclose(again(GRID), d(GRID), rtol=1e-13, atol=1e-13)


def test_simplification_is_trivial_but_tidy() -> None:
    assert parse_expression("x**4/4 - x**2/2").derivative().text == "x**3 - x"
    assert parse_expression("3*x + 2").derivative().text == "3"
    assert parse_expression("-x**2").derivative().text == "-2 * x"
    assert parse_expression("7").derivative().is_constant


def test_two_variables_and_partial_derivatives() -> None:
    e = parse_expression("(x**2 - 1)**2 + y**2/2 + x*y", ("x", "y"))
    X, Y = np.meshgrid(GRID[::20], GRID[::20])
    np.testing.assert_allclose(e(X, Y), (X**2 - 1) ** 2 + Y**2 / 2 + X * Y, atol=1e-14)
    np.testing.assert_allclose(e.derivative("x")(X, Y), 4 * X * (X**2 - 1) + Y, atol=1e-13)
    np.testing.assert_allclose(e.derivative("y")(X, Y), Y + X, atol=1e-14)
    np.testing.assert_allclose(e(x=X, y=Y), e(X, Y))
    with pytest.raises(ValueError, match="name the variable"):
        e.derivative()
    with pytest.raises(ValueError, match="var must be one of"):
        e.derivative("z")


def test_constant_and_identity_broadcast_and_do_not_alias_input() -> None:
    c = parse_expression("2*pi")
    out = c(GRID)
    assert out.shape == GRID.shape and np.all(out == 2 * np.pi)
    ident = parse_expression("x")
    x = GRID.copy()
    y = ident(x)
    y[0] = 99.0
    assert x[0] == GRID[0]
    assert float(parse_expression("x**2")(3.0)) == 9.0


def test_invalid_points_give_nan_not_exceptions() -> None:
    e = parse_expression("log(x)")
    with np.errstate(all="raise"):  # the evaluator silences numpy's own warnings
        out = e(np.array([-1.0, 0.0, 1.0]))
    assert np.isnan(out[0]) and out[1] == -np.inf and out[2] == 0.0


def test_call_argument_errors() -> None:
    e = parse_expression("x + y", ("x", "y"))
    with pytest.raises(ValueError, match="missing"):
        e(1.0)
    with pytest.raises(ValueError, match="unknown variable"):
        e(1.0, z=2.0)
    with pytest.raises(ValueError, match="at most 2"):
        e(1.0, 2.0, 3.0)


def test_unicode_minus_and_times_are_read_as_ascii() -> None:
    e = parse_expression("x\u00d72 \u2212 1")
    assert float(e(3.0)) == 5.0


# --------------------------------------------------------------------------------------------
# refusing
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("__import__('os')", "function '__import__' is not allowed"),
        ("x.real", "attribute access ('.real')"),
        ("x.__class__", "attribute access"),
        ("(lambda: 1)()", "lambda"),
        ("[1][0]", "subscripts"),
        ("x[0]", "subscripts"),
        ("open('f')", "function 'open'"),
        ('"s"', "strings are not allowed"),
        ("1e999*x", "not finite"),
        ("9" * 400 + ".0*x", "not finite"),
        ("x^2", "write powers as x**2"),
        ("x // 2", "floor division"),
        ("x % 2", "remainder"),
        ("y + 1", "the name 'y'"),
        ("sin(x, 2)", "exactly one argument"),
        ("sin(x=1)", "keyword arguments"),
        ("x if x > 0 else 0", "if … else"),
        ("x > 0", "comparisons"),
        ("x and 1", "'and' / 'or'"),
        ("[t for t in x]", "list comprehensions"),
        ("(t for t in x)", "generator expressions"),
        ("{1: 2}", "dicts"),
        ("x, 1", "tuples"),
        ("1j*x", "complex"),
        ("True*x", "the constant True"),
        ("sin", "without a call"),
        ("sin(x)(2)", "calling the result of a call"),
        ("f'{x}'", "f-strings"),
        ("(y := 2)", "assignments"),
        ("not x", "'not'"),
        ("exec('1')", "function 'exec'"),
        ("eval('x')", "function 'eval'"),
        ("sign(x)", "function 'sign'"),
        ("", "empty"),
        ("   ", "empty"),
        ("x +", "invalid syntax"),
        ("x = 1", "invalid syntax"),
    ],
)
def test_refusals_say_what_and_where(text, fragment) -> None:
    with pytest.raises(ValueError) as info:
        parse_expression(text)
    assert fragment in str(info.value)


def test_refusal_messages_give_the_column() -> None:
    with pytest.raises(ValueError, match="at column 8"):
        parse_expression("x**2 + x.real")
    with pytest.raises(ValueError, match="allowed functions: sin, cos"):
        parse_expression("1 + open('f')")


def test_too_long_and_too_deep() -> None:
    with pytest.raises(ValueError, match="too long"):
        parse_expression("x + " * 200 + "x")  # > 500 characters
    assert len("x+" * 24 + "x") <= MAX_LENGTH
    parse_expression("+".join(["x"] * 40))  # a long but shallow-enough sum is fine
    with pytest.raises(ValueError, match="nested too deeply"):
        parse_expression("-" * (MAX_DEPTH + 5) + "x")
    with pytest.raises(ValueError, match="nested too deeply|invalid syntax"):
        parse_expression("sin(" * 80 + "x" + ")" * 80)
    with pytest.raises(ValueError):
        parse_expression("(" * 240 + "x" + ")" * 240)  # the parser's own nesting limit


def test_non_string_and_bad_variables_are_refused() -> None:
    with pytest.raises(ValueError, match="must be a string"):
        parse_expression(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a valid variable name"):
        parse_expression("x", ("x-1",))
    with pytest.raises(ValueError, match="clashes"):
        parse_expression("x", ("pi",))
    with pytest.raises(ValueError, match="distinct"):
        parse_expression("x", ("x", "x"))
    with pytest.raises(ValueError, match="build one with parse_expression"):
        Expression("x**2", ("x",), "x**2")  # type: ignore[arg-type]


def test_module_never_calls_eval_exec_or_compile() -> None:
    tree = ast.parse(inspect.getsource(expressions))
    forbidden = {"eval", "exec", "compile", "__import__", "getattr", "globals", "locals"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in forbidden, f"core.expressions calls {node.func.id}"
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = {a.name for a in node.names}
            assert not names & {"pickle", "marshal", "subprocess", "os"}


# --------------------------------------------------------------------------------------------
# the compiled evaluator against the plain tree walk
# --------------------------------------------------------------------------------------------


def _walk(node, env, cache):
    """The tree walk that the compiled evaluator replaced: one numpy call per node."""
    key = id(node)
    if key in cache:
        return cache[key]
    if isinstance(node, expressions._Const):
        return node.value
    if isinstance(node, expressions._Var):
        return env[node.name]
    if isinstance(node, expressions._Neg):
        out = np.negative(_walk(node.arg, env, cache))
    elif isinstance(node, expressions._Call):
        out = expressions._ALL_FUNCTIONS[node.func](_walk(node.arg, env, cache))
    else:
        a, b = _walk(node.left, env, cache), _walk(node.right, env, cache)
        if node.op == "**" and isinstance(node.right, expressions._Const) and b == 2.0:
            out = np.square(a)
        else:
            ufunc = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.true_divide}
            out = ufunc.get(node.op, np.power)(a, b)
    cache[key] = out
    return out


def reference(expression: Expression, *args) -> np.ndarray:
    """``expression(*args)`` by the plain tree walk (slow; only the tests use it)."""
    env = {
        k: np.asarray(v, dtype=np.float64) for k, v in zip(expression.variables, args, strict=True)
    }
    shape = np.broadcast_shapes(*(a.shape for a in env.values()))
    with np.errstate(all="ignore"):
        out = _walk(expression._root, env, {})
    return np.array(np.broadcast_to(out, shape), dtype=np.float64)


def uses_power(expression: Expression) -> bool:
    return any(step[0] is np.power for step in expression._kernel._program)


SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-300, -1e-300, 1e300, -1e300, 5e-324])
VALUES = np.concatenate([SPECIAL, np.linspace(-3.0, 3.0, 61), [0.3, 1.7, 12.5, -40.0, 1e5]])

#: Rewritten exactly: these give bit for bit the tree walk's numbers (numpy evaluates ``u**2``
#: as ``square``, ``u**-1`` as ``1/u`` and ``u**0.5`` as ``sqrt`` for a float exponent).
EXACT = [
    "x**0",
    "x**1",
    "x**2",
    "x**-1",
    "x**0.5",
    "x**2.5",
    "x**-0.7",
    "x**x",
    "2**x",
    "e**-x",
    "(x**2 + 1)**0.5 - sqrt(x**2 + 1)",
    "sin(x)**2 + cos(x)**2 - 1",
    "sin(x)*sin(x) + sin(x)",
    "exp(sin(x))*log(cosh(x)) + exp(sin(x))",
    "abs(x)**2.5 + abs(x)",
    "tan(arctan(x)) - x",
    "tanh(sinh(x)/cosh(x))",
    "sqrt(abs(log(abs(x))))",
    "1/x - 1/(x + 0)",
    "-(-(-x))",
    "3 + 4",
    "log(-1) + x",
    "10**400*x",
    "0*x",
    "x - x",
    "pi*x**2/2 - e",
]
#: Integer powers by multiplication: within (|n| − 1) roundings of ``np.power``.
POWERS = [
    "x**3",
    "x**4",
    "x**5",
    "x**7",
    "x**-2",
    "x**-3",
    "x**16",
    "x**-5",
    "x**64",
    "(1 + x**2)**-3",
    "sin(x)**3",
    "exp(x)**4",
    "x**4/4 - x**2/2 + 0.2*sin(5*x)",
    "(x**2 - 1)**3 + x**3",
    "abs(x)**3",
]


@pytest.mark.parametrize(
    "text",
    ["x^x", "x**x.real", "pow(x, x)", "x**(1j)", "x**[2]", "x**'2'", "x**-sign(x)", "x**x(2)"],
)
def test_powers_that_were_refused_stay_refused(text) -> None:
    with pytest.raises(ValueError, match="not allowed|invalid syntax"):
        parse_expression(text)


def assert_matches(got, want, rtol, scale=0.0):
    """Same shape, NaN and infinities where the reference has them, and finite values within
    ``rtol`` relative (plus ``rtol·scale`` absolute, for formulas whose terms cancel)."""
    assert got.shape == want.shape and got.dtype == np.float64
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(np.isinf(got) * np.sign(got), np.isinf(want) * np.sign(want))
    ok = np.isfinite(want)
    np.testing.assert_allclose(got[ok], want[ok], rtol=rtol, atol=rtol * scale)


@pytest.mark.parametrize("text", EXACT)
def test_exact_rewrites_give_the_tree_walks_numbers_bit_for_bit(text) -> None:
    e = parse_expression(text)
    for x in (VALUES, VALUES[::-1].copy(), VALUES[::3], 0.75, np.float64(-0.0)):
        got, want = e(x), reference(e, x)
        assert got.shape == np.shape(x)
        np.testing.assert_array_equal(got, want)  # NaN where NaN, ±0 and ±inf alike
        number = ~np.isnan(want)
        np.testing.assert_array_equal(np.signbit(got)[number], np.signbit(want)[number])


def test_no_power_is_left_to_np_power_where_a_multiplication_or_sqrt_does() -> None:
    for text in ["x**4/4 - x**2/2", "x**-3 + 1/x**2", "x**64", "(x - 1)**3/3"]:
        e = parse_expression(text)
        assert not uses_power(e) and not uses_power(e.derivative())
    assert not uses_power(parse_expression("x**0.5 + sqrt(x)"))
    for text in ["x**2.5", "x**x", "2**x", "x**65", "x**-0.5"]:
        assert uses_power(parse_expression(text))


@pytest.mark.parametrize("text", POWERS)
def test_integer_powers_by_multiplication_match_np_power(text) -> None:
    """x**n as squarings and products rounds up to |n| − 1 times where np.power rounds once:
    a few ulp apart (≤ 64·2⁻⁵³ ≈ 7e-15 relative), so 1e-13, not bit for bit.  Near
    underflow the products lose digits that pow keeps; the grid stays away from there."""
    e = parse_expression(text)
    x = np.concatenate([[np.nan, np.inf, -np.inf, 0.0, -0.0], np.linspace(-3.0, 3.0, 601)])
    for f in (e, e.derivative(), e.derivative().derivative()):
        want = reference(f, x)
        scale = float(np.max(np.abs(want[np.isfinite(want)])))
        assert_matches(f(x), want, 1e-13, scale)


def _formulas(leaves, exponents):
    return st.recursive(
        st.sampled_from(leaves),
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(inner, st.sampled_from(exponents)).map(lambda t: f"({t[0]})**{t[1]}"),
            st.tuples(st.sampled_from(sorted(expressions.FUNCTIONS)), inner).map(
                lambda t: f"{t[0]}({t[1]})"
            ),
            inner.map(lambda t: f"-{t}"),
        ),
        max_leaves=8,
    )


LEAVES = ["x", "y", "x", "y", "0", "1", "2", "0.5", "-1.25", "3.7", "pi", "1e-3"]
floats_any = st.floats(allow_nan=True, allow_infinity=True)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    _formulas(LEAVES, ["2", "-1", "0.5", "2.5", "(-0.7)", "x", "y", "0", "1"]),
    st.lists(floats_any, max_size=12),
    floats_any,
)
def test_compiled_formulas_equal_the_tree_walk_bit_for_bit(text, xs, y) -> None:
    """Structure sharing, folding, commutative operand order, in-place registers and the
    exact power rewrites change no bit, whatever the formula and the inputs."""
    e = parse_expression(text, ("x", "y"))
    x = np.array(xs, dtype=np.float64)
    derivatives = (e.derivative("x"), e.derivative("y"))
    # (the derivative of u**-1 has u**-2, which is not exact: see the next tests)
    for d in (e, *(derivatives if "**-1" not in text else ())):
        np.testing.assert_array_equal(d(x, y), reference(d, x, y))
        np.testing.assert_array_equal(d(y, x), reference(d, y, x))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    _formulas(LEAVES, ["2", "-1", "0.5", "2.5", "x"]),
    st.sampled_from([3, 4, 5, 6, 7, -2, -3, -4, 11, 16, 33, -33, 64, -64]),
    st.lists(st.floats(-4.0, 4.0), min_size=1, max_size=12),
    st.floats(-4.0, 4.0),
)
def test_an_integer_power_of_any_formula_matches_np_power(text, n, xs, y) -> None:
    """(u)**n for an arbitrary subformula u: only the outer power differs from the tree walk
    (u itself is bit for bit, above), by at most |n| − 1 roundings."""
    e = parse_expression(f"({text})**{n}", ("x", "y"))
    x = np.array(xs)
    got, want = e(x, y), reference(e, x, y)
    tiny = np.abs(want) < 1e-290  # near underflow: products keep fewer digits than pow
    assert_matches(np.where(tiny, 0.0, got), np.where(tiny, 0.0, want), 1e-13)


@pytest.mark.parametrize(
    ("x", "y"),
    [
        (np.array([]), np.array([])),
        (np.array([]), 2.0),
        (1.5, -0.5),
        (np.float64(2.0), np.array(3.0)),
        (np.linspace(-2, 2, 12).reshape(3, 4), 0.5),
        (np.linspace(-2, 2, 5)[:, None], np.linspace(-1, 1, 4)[None, :]),
        (np.linspace(-2, 2, 40_001), 0.25),  # several blocks
        (np.linspace(-2, 2, 40_000).reshape(200, 200), np.linspace(0, 1, 200)),  # broadcast
        (np.linspace(-2, 2, 60_000)[::3], np.linspace(-1, 1, 20_000)),  # strided
        (np.linspace(-2, 2, 60_000).reshape(300, 200).T, 1.0),  # non-contiguous 2-D
        (np.zeros((0, 3)), np.zeros((1, 3))),
    ],
)
def test_every_shape_and_layout_matches_the_tree_walk(x, y) -> None:
    for text in ["x**3 - x*y + sin(x)**2", "y", "x", "7", "x**4/4 - y**2/2 + x*y**5"]:
        e = parse_expression(text, ("x", "y"))
        for d in (e, e.derivative("x"), e.derivative("y")):
            got, want = d(x, y), reference(d, x, y)
            assert isinstance(got, np.ndarray) and got.shape == want.shape
            assert_matches(got, want, 1e-13, 1e3)
            assert not np.shares_memory(got, x) and not np.shares_memory(got, y)


def test_an_output_may_be_its_own_input() -> None:
    e = parse_expression("x**3 - sin(x)*x")
    for x in (np.linspace(-2, 2, 101), np.linspace(-2, 2, 50_001)):
        want = e(x)
        x = x.copy()
        e._kernel.run((x,), (x,))
        np.testing.assert_array_equal(x, want)


def test_concurrent_evaluation_from_many_threads_equals_one_thread() -> None:
    """The scratch registers are per thread: 8 threads evaluate the same expressions at once,
    on arrays of different sizes (from one element to several blocks), and each gets exactly
    the single-threaded numbers."""
    e = parse_expression("x**4/4 - x**2/2 + 0.2*sin(5*x)*exp(-x**2) + x**-2", ("x",))
    d = e.derivative()
    rng = np.random.default_rng(5)
    sizes = [1, 7, 1000, 16_384, 16_385, 50_000, 3, 20_000]
    inputs = [rng.uniform(-3.0, 3.0, n) for n in sizes]
    expected = [(e(x), d(x)) for x in inputs]
    start = threading.Barrier(len(sizes))
    failures = []

    def work(i: int) -> None:
        x = inputs[i]
        out = np.empty_like(x)
        start.wait()
        for r in range(30):
            f = (e, d)[r % 2]
            f._kernel.run((x,), (out,))
            if not np.array_equal(out, expected[i][r % 2]):
                failures.append((i, r))
            if not np.array_equal(f(x), expected[i][r % 2]):
                failures.append((i, r, "call"))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(sizes))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
