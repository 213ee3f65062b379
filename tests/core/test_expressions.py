"""Tests for core.expressions: the safe formula parser behind user-typed potentials (§9.1).

References are numpy written out by hand (the formula's closed form) and central finite
differences for the derivatives; refusals are checked by message content.
"""

from __future__ import annotations

import ast
import inspect

import numpy as np
import pytest

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
