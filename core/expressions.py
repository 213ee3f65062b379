"""Safe parsing, evaluation and symbolic differentiation of formulas typed by a user.

The Langevin and Fokker–Planck tabs (notes §9.1–9.2) let the user type a potential such as
``x**4/4 - x**2/2 + 0.2*sin(5*x)``.  The drift of eq. 9.2 is μ = −V′, so the simulation needs
an accurate V′ too: :meth:`Expression.derivative` returns the exact symbolic derivative, not a
finite difference.

Safety
------
The text is parsed with ``ast.parse(text, mode="eval")`` and the syntax tree is walked against
a strict **whitelist**: numbers, the named variables, ``+ - * / **``, unary ``±``,
parentheses, one-argument calls of the functions in :data:`FUNCTIONS` and the constants
:data:`CONSTANTS` (``pi``, ``e``).  Everything else — attributes, subscripts, other names,
lambdas, comprehensions, strings, keyword arguments, comparisons, ``//``, ``%``, ``^`` … — is
refused with a :class:`ValueError` saying what was not allowed and at which column.  The
whitelisted tree is converted to a small tree of our own nodes, which is compiled into a list
of numpy ufunc calls (below); nothing is ever passed to ``eval``, ``exec`` or ``compile``, and
no Python object reachable from the text is ever called.

Limits: at most :data:`MAX_LENGTH` characters and :data:`MAX_DEPTH` levels of nesting.

Evaluation
----------
A typed potential steps an ensemble as fast as a built-in one, so each :class:`Expression` is
compiled once (:class:`_Kernel`): repeated subexpressions computed once, constants folded,
``u**n`` for integer 1 ≤ |n| ≤ 64 by multiplications and ``u**0.5`` as ``sqrt``, and every
ufunc called with ``out=`` into per-thread scratch blocks or the caller's array.  The
ensembles call ``dV_into``/``grad_into`` from several threads at once; the scratch is
``threading.local``, so that is safe.  Results equal the plain tree walk bit for bit, except
integer powers n ∉ {1, 2, −1}, which are a few ulp from ``np.power`` (≤ (|n| − 1) roundings).

Measured at N = 10⁶ on 2 cores, V′ = x**3 − x: the tree walk took 59–64 ms
(``np.power(x, 3.0)`` alone 65 ms); compiled, 0.8 ms on one thread and 1.15 ms in the
ensembles' chunks on the thread pool (the built-in V′: 1.1 ms).  numexpr 2.14 was considered:
0.6 ms on the whole array with its own 2 threads, but 1.44 ms in the same chunks (the way the
ensembles evaluate), and equal with a transcendental term (x**3 − x + cos(5x): 9.6 against
9.2 ms).  It was not taken: no faster where it counts, a new dependency, a global lock that
serialises concurrent ``evaluate`` calls, compiled objects not safe to share between threads,
and it would re-parse text rendered from the tree.

Contents
--------
``parse_expression(text, variables=("x",))``
    Validate and convert; returns an :class:`Expression`.
``Expression``
    Callable, vectorised (``expr(x)`` or ``expr(x, y)``), with ``.derivative(var)``.
"""

from __future__ import annotations

import ast
import keyword
import math
import numbers
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core.checks import array as _array

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Expression",
    "parse_expression",
]

FloatArray = NDArray[np.float64]

#: Longest accepted text, in characters.
MAX_LENGTH = 500
#: Deepest accepted nesting of operations (each operator, call or sign is one level).
MAX_DEPTH = 48

#: Functions a user may call, each with exactly one positional argument.
FUNCTIONS: dict[str, Callable[[FloatArray], FloatArray]] = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "tanh": np.tanh,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "arctan": np.arctan,
    "abs": np.abs,
}

#: Functions that appear only in derivatives (d|u|/du = sign u); not accepted in user text.
_INTERNAL_FUNCTIONS: dict[str, Callable[[FloatArray], FloatArray]] = {"sign": np.sign}
_ALL_FUNCTIONS = {**FUNCTIONS, **_INTERNAL_FUNCTIONS}

#: Named constants a user may write.
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_REFUSED_BINOPS = {
    ast.BitXor: "'^' (write powers as x**2)",
    ast.FloorDiv: "'//' (floor division)",
    ast.Mod: "'%' (remainder)",
    ast.MatMult: "'@' (matrix product)",
    ast.LShift: "'<<'",
    ast.RShift: "'>>'",
    ast.BitOr: "'|'",
    ast.BitAnd: "'&'",
}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}

# Characters that look like operators and are turned into ASCII before parsing (same length,
# so column numbers in messages stay right).
_LOOKALIKES = str.maketrans({"\u2212": "-", "\u00d7": "*", "\u00b7": "*"})


# --------------------------------------------------------------------------------------------
# the expression tree (immutable; subtrees may be shared)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Const:
    value: float


@dataclass(frozen=True, eq=False)
class _Var:
    name: str


@dataclass(frozen=True, eq=False)
class _Neg:
    arg: _Node


@dataclass(frozen=True, eq=False)
class _BinOp:
    op: str  # one of + - * / **
    left: _Node
    right: _Node


@dataclass(frozen=True, eq=False)
class _Call:
    func: str
    arg: _Node


_Node = _Const | _Var | _Neg | _BinOp | _Call

_ZERO = _Const(0.0)
_ONE = _Const(1.0)
_TWO = _Const(2.0)


def _is_const(node: _Node, value: float | None = None) -> bool:
    return isinstance(node, _Const) and (value is None or node.value == value)


def _fold(op: str, a: float, b: float) -> float | None:
    """Constant folding in float64; None when the result would not be finite."""
    with np.errstate(all="ignore"):
        x, y = np.float64(a), np.float64(b)
        if op == "+":
            r = x + y
        elif op == "-":
            r = x - y
        elif op == "*":
            r = x * y
        elif op == "/":
            r = x / y if y != 0.0 else np.float64(np.nan)
        else:
            r = np.power(x, y)
    return float(r) if np.isfinite(r) else None


# Smart constructors: trivial simplification (constant folding, 0 and 1 identities).


def _neg(a: _Node) -> _Node:
    if isinstance(a, _Const):
        return _Const(-a.value)
    if isinstance(a, _Neg):
        return a.arg
    if isinstance(a, _BinOp) and a.op == "*" and isinstance(a.left, _Const):
        return _mul(_Const(-a.left.value), a.right)
    return _Neg(a)


def _add(a: _Node, b: _Node) -> _Node:
    if isinstance(a, _Const) and isinstance(b, _Const):
        folded = _fold("+", a.value, b.value)
        if folded is not None:
            return _Const(folded)
    if _is_const(a, 0.0):
        return b
    if _is_const(b, 0.0):
        return a
    if isinstance(b, _Neg):
        return _sub(a, b.arg)
    if isinstance(b, _BinOp) and b.op == "*" and _is_const(b.left) and b.left.value < 0:
        return _sub(a, _mul(_Const(-b.left.value), b.right))  # a + (−c)·r = a − c·r
    return _BinOp("+", a, b)


def _sub(a: _Node, b: _Node) -> _Node:
    if isinstance(a, _Const) and isinstance(b, _Const):
        folded = _fold("-", a.value, b.value)
        if folded is not None:
            return _Const(folded)
    if _is_const(b, 0.0):
        return a
    if _is_const(a, 0.0):
        return _neg(b)
    if isinstance(b, _Neg):
        return _add(a, b.arg)
    return _BinOp("-", a, b)


def _mul(a: _Node, b: _Node) -> _Node:
    if isinstance(a, _Const) and isinstance(b, _Const):
        folded = _fold("*", a.value, b.value)
        if folded is not None:
            return _Const(folded)
    if _is_const(a, 0.0) or _is_const(b, 0.0):
        return _ZERO
    if _is_const(a, 1.0):
        return b
    if _is_const(b, 1.0):
        return a
    if _is_const(a, -1.0):
        return _neg(b)
    if _is_const(b, -1.0):
        return _neg(a)
    if isinstance(a, _Neg) and isinstance(b, _Neg):
        return _mul(a.arg, b.arg)
    if isinstance(a, _Neg):
        return _neg(_mul(a.arg, b))
    if isinstance(b, _Neg):
        return _neg(_mul(a, b.arg))
    if isinstance(b, _Const) and not isinstance(a, _Const):
        return _mul(b, a)  # constants in front: 2*x rather than x*2
    if (
        isinstance(a, _Const)
        and isinstance(b, _BinOp)
        and b.op == "*"
        and isinstance(b.left, _Const)
    ):
        folded = _fold("*", a.value, b.left.value)  # c·(d·r) = (c d)·r
        if folded is not None:
            return _mul(_Const(folded), b.right)
    return _BinOp("*", a, b)


def _div(a: _Node, b: _Node) -> _Node:
    if isinstance(a, _Const) and isinstance(b, _Const):
        folded = _fold("/", a.value, b.value)
        if folded is not None:
            return _Const(folded)
    if _is_const(a, 0.0) and not _is_const(b, 0.0):
        return _ZERO
    if _is_const(b, 1.0):
        return a
    if _is_const(b, -1.0):
        return _neg(a)
    if isinstance(a, _Neg):
        return _neg(_div(a.arg, b))
    if (
        isinstance(b, _Const)
        and isinstance(a, _BinOp)
        and a.op == "*"
        and isinstance(a.left, _Const)
    ):
        folded = _fold("/", a.left.value, b.value)  # (c·r)/d = (c/d)·r
        if folded is not None:
            return _mul(_Const(folded), a.right)
    return _BinOp("/", a, b)


def _pow(a: _Node, b: _Node) -> _Node:
    if isinstance(a, _Const) and isinstance(b, _Const):
        folded = _fold("**", a.value, b.value)
        if folded is not None:
            return _Const(folded)
    if _is_const(b, 0.0):
        return _ONE
    if _is_const(b, 1.0):
        return a
    return _BinOp("**", a, b)


def _call(func: str, arg: _Node) -> _Node:
    if isinstance(arg, _Const):
        with np.errstate(all="ignore"):
            value = float(_ALL_FUNCTIONS[func](np.float64(arg.value)))
        if math.isfinite(value):
            return _Const(value)
    return _Call(func, arg)


_BUILD = {"+": _add, "-": _sub, "*": _mul, "/": _div, "**": _pow}


# --------------------------------------------------------------------------------------------
# parsing: whitelist walk of Python's syntax tree
# --------------------------------------------------------------------------------------------


def _quote(text: str, limit: int = 80) -> str:
    """repr of the text, shortened for messages."""
    return repr(text) if len(text) <= limit else repr(text[: limit - 1]) + "…"


def _where(node: ast.AST) -> str:
    if isinstance(node, ast.expr | ast.keyword):
        return f" at column {node.col_offset + 1}"
    return ""


def _describe(node: ast.AST) -> str:
    """What a refused syntax node is, with its verb ("… is" / "… are")."""
    if isinstance(node, ast.Attribute):
        return f"attribute access ('.{node.attr}') is"
    names = {
        ast.Subscript: "subscripts (indexing with [...]) are",
        ast.Lambda: "lambda functions are",
        ast.ListComp: "list comprehensions are",
        ast.SetComp: "set comprehensions are",
        ast.DictComp: "dict comprehensions are",
        ast.GeneratorExp: "generator expressions are",
        ast.List: "lists are",
        ast.Tuple: "tuples (a comma outside a function call) are",
        ast.Set: "sets are",
        ast.Dict: "dicts are",
        ast.Compare: "comparisons are",
        ast.BoolOp: "'and' / 'or' are",
        ast.IfExp: "'if … else' expressions are",
        ast.NamedExpr: "assignments (':=') are",
        ast.JoinedStr: "f-strings are",
        ast.Starred: "'*' unpacking is",
        ast.Await: "'await' is",
        ast.Yield: "'yield' is",
        ast.YieldFrom: "'yield from' is",
        ast.Slice: "slices are",
        ast.Call: "the result of a call is",
    }
    for kind, text in names.items():
        if isinstance(node, kind):
            return text
    return f"'{type(node).__name__}' syntax is"


class _Converter:
    """Converts a whitelisted Python syntax tree to our node tree, refusing everything else."""

    def __init__(self, text: str, variables: tuple[str, ...]) -> None:
        self.text = text
        self.variables = variables

    def refuse(self, what: str, node: ast.AST, hint: str = "") -> ValueError:
        message = f"{what} not allowed{_where(node)} in {_quote(self.text)}"
        if hint:
            message += f"; {hint}"
        return ValueError(message)

    def allowed_names(self) -> str:
        parts = []
        if self.variables:
            parts.append("variables " + ", ".join(self.variables))
        parts.append("constants " + ", ".join(CONSTANTS))
        parts.append("functions " + ", ".join(FUNCTIONS))
        return "allowed: " + "; ".join(parts)

    def convert(self, node: ast.AST, depth: int) -> _Node:
        if depth > MAX_DEPTH:
            raise ValueError(
                f"expression nested too deeply (more than {MAX_DEPTH} levels){_where(node)} "
                f"in {_quote(self.text)}"
            )
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return _neg(self.convert(node.operand, depth + 1))
            if isinstance(node.op, ast.UAdd):
                return self.convert(node.operand, depth + 1)
            op = "'not'" if isinstance(node.op, ast.Not) else "'~'"
            raise self.refuse(f"operator {op} is", node)
        if isinstance(node, ast.BinOp):
            op = _BINOPS.get(type(node.op))
            if op is None:
                what = _REFUSED_BINOPS.get(type(node.op), type(node.op).__name__)
                raise self.refuse(
                    f"operator {what} is", node, "allowed operators: + - * / ** and unary -"
                )
            left = self.convert(node.left, depth + 1)
            right = self.convert(node.right, depth + 1)
            return _BUILD[op](left, right)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        raise self.refuse(_describe(node), node, self.allowed_names())

    def constant(self, node: ast.Constant) -> _Node:
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise self.refuse(f"the constant {value!r} is", node, "only numbers are allowed")
        if isinstance(value, str | bytes):
            raise self.refuse("strings are", node, "only numbers are allowed")
        if isinstance(value, complex):
            raise self.refuse(
                f"the complex number {value!r} is", node, "only real numbers are allowed"
            )
        if not isinstance(value, numbers.Real):
            raise self.refuse(f"the constant {value!r} is", node)
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            literal = ast.get_source_segment(self.text, node) or repr(value)
            literal = literal if len(literal) <= 24 else literal[:20] + "…"
            raise ValueError(
                f"the number {literal} is not finite (it overflows a float){_where(node)} "
                f"in {_quote(self.text)}"
            )
        return _Const(number)

    def name(self, node: ast.Name) -> _Node:
        if node.id in self.variables:
            return _Var(node.id)
        if node.id in CONSTANTS:
            return _Const(CONSTANTS[node.id])
        if node.id in FUNCTIONS:
            raise self.refuse(
                f"the function name '{node.id}' without a call is", node, f"write {node.id}(...)"
            )
        raise self.refuse(f"the name '{node.id}' is", node, self.allowed_names())

    def call(self, node: ast.Call, depth: int) -> _Node:
        func = node.func
        if not isinstance(func, ast.Name):
            what = _describe(func).rsplit(" ", 1)[0]
            raise self.refuse(
                f"calling {what} is",
                node,
                "only the functions " + ", ".join(FUNCTIONS) + " may be called",
            )
        if func.id not in FUNCTIONS:
            raise self.refuse(
                f"the function '{func.id}' is", node, "allowed functions: " + ", ".join(FUNCTIONS)
            )
        if node.keywords:
            raise self.refuse(
                f"keyword arguments (in {func.id}(...)) are",
                node.keywords[0],
                f"write {func.id}(x)",
            )
        if len(node.args) != 1:
            raise ValueError(
                f"{func.id}() takes exactly one argument, got {len(node.args)}{_where(node)} "
                f"in {_quote(self.text)}"
            )
        arg = self.convert(node.args[0], depth + 1)
        return _call(func.id, arg)


def _check_variables(variables: object) -> tuple[str, ...]:
    if isinstance(variables, str):
        variables = (variables,)
    try:
        names = tuple(variables)  # type: ignore[arg-type]
    except TypeError as exc:
        raise ValueError(f"variables must be a sequence of names, got {variables!r}") from exc
    for name in names:
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise ValueError(f"variables: {name!r} is not a valid variable name")
        if name in CONSTANTS or name in _ALL_FUNCTIONS:
            raise ValueError(
                f"variables: {name!r} clashes with a built-in constant or function name"
            )
    if len(set(names)) != len(names):
        raise ValueError(f"variables must be distinct, got {names!r}")
    return names


def parse_expression(
    text: str, variables: tuple[str, ...] | list[str] | str = ("x",)
) -> Expression:
    """Parse a formula in the given variables, safely (never ``eval``).

    Parameters
    ----------
    text : str
        For example ``"x**4/4 - x**2/2 + 0.2*sin(5*x)"`` — a potential V(x) for the drift
        μ = −V′ of eq. 9.2.  Allowed: numbers, the variables, ``+ - * / **``, unary ``±``,
        parentheses, the constants ``pi`` and ``e``, and one-argument calls of
        ``sin cos tan exp log sqrt tanh sinh cosh arctan abs``.  At most
        :data:`MAX_LENGTH` characters; the Unicode minus sign ``−`` and ``×``, ``·`` are
        read as ``-`` and ``*``.
    variables : sequence of str
        The variable names, default ``("x",)``; ``("x", "y")`` for a 2-D potential.

    Returns
    -------
    Expression
        Callable on arrays; ``.derivative(var)`` gives the exact derivative.

    Raises
    ------
    ValueError
        If the text is not a string, is empty or too long, is not valid syntax, nests more
        than :data:`MAX_DEPTH` levels, contains a non-finite number (``1e999``), or uses
        anything outside the whitelist (attributes, subscripts, other names or functions,
        lambdas, comprehensions, strings, keyword arguments, comparisons, …).  The message
        says what was refused and at which column.
    """
    names = _check_variables(variables)
    if not isinstance(text, str):
        raise ValueError(f"text: the expression must be a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ValueError(
            f"the expression is too long ({len(text)} characters; at most {MAX_LENGTH})"
        )
    source = text.translate(_LOOKALIKES)
    if not source.strip():
        raise ValueError("the expression is empty; type a formula such as x**2/2")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        where = f" at column {exc.offset}" if exc.offset else ""
        raise ValueError(f"invalid syntax{where} in {_quote(text)}: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise ValueError(f"expression nested too deeply in {_quote(text)}") from None
    root = _Converter(source.strip(), names).convert(tree.body, 0)
    return Expression(root, names, text.strip())


# --------------------------------------------------------------------------------------------
# differentiation, printing
# --------------------------------------------------------------------------------------------


def _d(node: _Node, var: str, memo: dict[int, _Node]) -> _Node:
    """Exact derivative d(node)/d(var), with trivial simplification."""
    key = id(node)
    if key in memo:
        return memo[key]
    if isinstance(node, _Const):
        out: _Node = _ZERO
    elif isinstance(node, _Var):
        out = _ONE if node.name == var else _ZERO
    elif isinstance(node, _Neg):
        out = _neg(_d(node.arg, var, memo))
    elif isinstance(node, _Call):
        out = _d_call(node, _d(node.arg, var, memo))
    else:
        a, b = node.left, node.right
        da, db = _d(a, var, memo), _d(b, var, memo)
        op = node.op
        if op == "+":
            out = _add(da, db)
        elif op == "-":
            out = _sub(da, db)
        elif op == "*":
            out = _add(_mul(da, b), _mul(a, db))
        elif op == "/":
            # (a/b)' = a'/b − a b'/b²
            out = _sub(_div(da, b), _div(_mul(a, db), _pow(b, _TWO)))
        elif _is_const(db, 0.0):
            # (a^c)' = c a^(c−1) a'
            out = _mul(_mul(b, _pow(a, _sub(b, _ONE))), da)
        elif _is_const(da, 0.0):
            # (c^b)' = c^b log(c) b'
            out = _mul(_mul(node, _call("log", a)), db)
        else:
            # (a^b)' = a^b (b' log a + b a'/a)
            out = _mul(node, _add(_mul(db, _call("log", a)), _div(_mul(b, da), a)))
    memo[key] = out
    return out


def _d_call(node: _Call, du: _Node) -> _Node:
    if _is_const(du, 0.0):
        return _ZERO
    u, f = node.arg, node.func
    if f == "sin":
        outer: _Node = _call("cos", u)
    elif f == "cos":
        outer = _neg(_call("sin", u))
    elif f == "tan":
        outer = _div(_ONE, _pow(_call("cos", u), _TWO))
    elif f == "exp":
        outer = node
    elif f == "log":
        return _div(du, u)
    elif f == "sqrt":
        return _div(du, _mul(_TWO, node))
    elif f == "tanh":
        outer = _sub(_ONE, _pow(node, _TWO))
    elif f == "sinh":
        outer = _call("cosh", u)
    elif f == "cosh":
        outer = _call("sinh", u)
    elif f == "arctan":
        return _div(du, _add(_ONE, _pow(u, _TWO)))
    elif f == "abs":
        outer = _call("sign", u)
    elif f == "sign":
        return _ZERO  # almost everywhere
    else:  # pragma: no cover - the whitelist is closed
        raise ValueError(f"no derivative rule for {f}")
    return _mul(outer, du)


def _format_number(value: float) -> str:
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _render(node: _Node, parent: int = 0) -> str:
    """Text that parses back to the same tree (``sign`` only appears in derivatives).

    ``parent`` is the binding strength the context needs; a node binding more loosely is
    parenthesised.
    """
    if isinstance(node, _Const):
        text = _format_number(node.value)
        if node.value < 0 and parent >= _PRECEDENCE["neg"]:
            return f"({text})"  # a negative number behaves like a unary minus
        return text
    if isinstance(node, _Var):
        return node.name
    if isinstance(node, _Call):
        return f"{node.func}({_render(node.arg)})"
    if isinstance(node, _Neg):
        level = _PRECEDENCE["neg"]
        text = "-" + _render(node.arg, level)
        return f"({text})" if parent >= level else text
    level = _PRECEDENCE[node.op]
    if node.op == "**":  # right-associative, and binds tighter than a unary minus on its left
        text = f"{_render(node.left, level + 1)}**{_render(node.right, level)}"
    else:  # left-associative
        text = f"{_render(node.left, level)} {node.op} {_render(node.right, level + 1)}"
    return f"({text})" if parent > level else text


def _depth(node: _Node) -> int:
    if isinstance(node, _Const | _Var):
        return 1
    if isinstance(node, _Neg | _Call):
        return 1 + _depth(node.arg)
    return 1 + max(_depth(node.left), _depth(node.right))


# --------------------------------------------------------------------------------------------
# compiled evaluation
# --------------------------------------------------------------------------------------------

#: Elements per block of a compiled evaluation: ``core.chunks.CHUNK``, so that one chunk of an
#: ensemble is one block, and a block's scratch registers stay in the L2 cache.
_BLOCK = 1 << 14
#: Largest |n| of an integer power ``u**n`` evaluated by multiplications (at most 2·log₂|n|
#: of them, relative error ≤ (|n| − 1)·2⁻⁵³ ≈ 7e-15; at N = 10⁶ ``np.power(x, 3.0)`` took
#: 65 ms here, ``x*x*x`` 0.6 ms).
_MAX_INT_POWER = 64

_UFUNCS: dict[str, Callable[..., FloatArray]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.true_divide,
    "**": np.power,
    "neg": np.negative,
    **_ALL_FUNCTIONS,
}
_COMMUTATIVE = frozenset({"+", "*"})  # exactly so in IEEE arithmetic: operands are sorted


class _Kernel:
    """Expressions compiled once into a straight-line program of numpy ufunc calls.

    Lowering: every subexpression becomes one value, found by its structure, so that a
    repeated subexpression (``x**2`` twice in V′, both partial derivatives of a 2-D
    potential) is computed once; operations on constants only are folded with the numpy
    functions that evaluation would apply; integer powers ``u**n`` (1 ≤ |n| ≤
    :data:`_MAX_INT_POWER`) become squarings and multiplications (and ``1/…`` for n < 0),
    and ``u**0.5`` becomes ``sqrt(u)``, as numpy itself evaluates ``u**0.5``.  Other powers
    stay ``np.power``.

    Evaluation calls the ufuncs with ``out=``: into scratch registers of :data:`_BLOCK`
    elements, reused as soon as their value is dead (so most operations run in place), and
    for the results straight into the caller's arrays.  The registers belong to the calling
    **thread** (:data:`_scratch`): the ensembles evaluate one potential from several threads
    at once, on different chunks.  Arrays larger than a block are evaluated block by block,
    which keeps the registers in cache; nothing is allocated per call for 1-D arrays.
    """

    def __init__(self, roots: tuple[_Node, ...], variables: tuple[str, ...]) -> None:
        self.variables = variables
        self._values: list[tuple] = []  # ("in", i) | ("const", c) | (op, operand values…)
        self._keys: dict[tuple, int] = {}
        self._memo: dict[int, int] = {}
        outputs = [self._lower(root) for root in roots]
        self._allocate(outputs)
        del self._values, self._keys, self._memo

    # lowering to values ----------------------------------------------------------------------

    def _value(self, key: tuple) -> int:
        index = self._keys.get(key)
        if index is None:
            index = self._keys[key] = len(self._values)
            self._values.append(key)
        return index

    def _const(self, value: float) -> int:
        value = float(value)
        return self._value(("const", value.hex()))  # hex: keeps −0.0 apart from 0.0

    def _is_const(self, value: int) -> bool:
        return self._values[value][0] == "const"

    def _number(self, value: int) -> float:
        return float.fromhex(self._values[value][1])

    def _op(self, op: str, *args: int) -> int:
        if all(self._is_const(a) for a in args):
            with np.errstate(all="ignore"):
                return self._const(_UFUNCS[op](*(np.float64(self._number(a)) for a in args)))
        if op in _COMMUTATIVE:
            args = tuple(sorted(args))
        return self._value((op, *args))

    def _lower(self, node: _Node) -> int:
        key = id(node)  # subtrees shared by identity; equal structures meet in _value
        if key not in self._memo:
            self._memo[key] = self._lower_new(node)
        return self._memo[key]

    def _lower_new(self, node: _Node) -> int:
        if isinstance(node, _Const):
            return self._const(node.value)
        if isinstance(node, _Var):
            return self._value(("in", self.variables.index(node.name)))
        if isinstance(node, _Neg):
            return self._op("neg", self._lower(node.arg))
        if isinstance(node, _Call):
            return self._op(node.func, self._lower(node.arg))
        a, b = self._lower(node.left), self._lower(node.right)
        if node.op == "**" and self._is_const(b) and not self._is_const(a):
            exponent = self._number(b)
            if exponent == 0.5:
                return self._op("sqrt", a)
            if exponent.is_integer() and 0 < abs(exponent) <= _MAX_INT_POWER:
                power = self._int_power(a, int(abs(exponent)))
                return power if exponent > 0 else self._op("/", self._const(1.0), power)
        return self._op(node.op, a, b)

    def _int_power(self, a: int, n: int) -> int:
        """a**n by squaring: a³ = (a·a)·a, a⁴ = (a·a)·(a·a), …"""
        if n == 1:
            return a
        half = self._int_power(a, n // 2)
        square = self._op("*", half, half)
        return self._op("*", square, a) if n % 2 else square

    # register allocation ---------------------------------------------------------------------

    def _allocate(self, outputs: list[int]) -> None:
        """Sets ``_program``: (ufunc, operand slots, result slot) in order; ``_finish``:
        (output, slot) copies for outputs that are an input, a constant or an earlier output;
        ``_registers``: the number of scratch registers; ``_constants``.

        A slot indexes the list [inputs…, registers…, outputs…, constants…] of one block.
        An output array also holds the chain of values that ends in it (each dying where the
        next is made: ``x*x``, then ``·x``, then ``− x`` for x³ − x), so that the last
        operations run in place there, and a register is free again after its last use.
        """
        values = self._values

        def is_op(v: int) -> bool:
            return values[v][0] not in ("in", "const")

        needed: set[int] = set()
        stack = list(outputs)
        while stack:
            v = stack.pop()
            if v not in needed:
                needed.add(v)
                stack.extend(values[v][1:] if is_op(v) else ())
        order = [v for v in sorted(needed) if is_op(v)]  # operands come first
        step_of = {v: step for step, v in enumerate(order)}
        last_use = {a: step for step, v in enumerate(order) for a in values[v][1:]}
        home: dict[int, int] = {}  # value → the output array that holds it
        for k, v in enumerate(outputs):
            while v is not None and is_op(v) and v not in home:
                home[v] = k
                v = next(
                    (
                        a
                        for a in values[v][1:]
                        if is_op(a) and a not in outputs and last_use[a] == step_of[v]
                    ),
                    None,
                )
        constants = sorted(v for v in needed if values[v][0] == "const")
        where = {v: ("const", i) for i, v in enumerate(constants)}
        where.update({v: values[v] for v in needed if values[v][0] == "in"})
        free: list[int] = []
        registers = 0
        program = []
        for step, v in enumerate(order):
            op, *args = values[v]
            operands = tuple(where[a] for a in args)
            for a in dict.fromkeys(args):  # a register whose value dies here is free again
                if last_use[a] == step and where[a][0] == "reg":
                    free.append(where[a][1])
            if v in home:
                where[v] = ("out", home[v])
            elif free:
                where[v] = ("reg", free.pop())
            else:
                where[v] = ("reg", registers)
                registers += 1
            program.append((_UFUNCS[op], operands, where[v]))
        n_in, n_out = len(self.variables), len(outputs)
        base = {"in": 0, "reg": n_in, "out": n_in + registers, "const": n_in + registers + n_out}

        def index(slot: tuple[str, int]) -> int:
            return base[slot[0]] + slot[1]

        self._program = tuple(
            (func, *(index(s) for s in operands), index(result))
            for func, operands, result in program
        )
        self._finish = tuple(
            (k, index(where[v])) for k, v in enumerate(outputs) if where[v] != ("out", k)
        )
        self._registers = registers
        self._constants = [float.fromhex(values[v][1]) for v in constants]

    # evaluation -----------------------------------------------------------------------------

    def run(self, inputs: tuple[FloatArray, ...], outputs: tuple[FloatArray, ...]) -> None:
        """Evaluate into ``outputs``: float64 arrays, all of the shape to which the float64
        ``inputs`` (one per variable) broadcast.  An output may overlap an input."""
        for o in outputs:
            for a in inputs:
                if np.may_share_memory(o, a):
                    fresh = tuple(np.empty(o.shape) for o in outputs)
                    self.run(inputs, fresh)
                    for o, f in zip(outputs, fresh, strict=True):
                        np.copyto(o, f)
                    return
        shape, size = outputs[0].shape, outputs[0].size
        with np.errstate(all="ignore"):
            if size <= _BLOCK:
                self._block([*inputs], outputs, size, shape)
                return
            flat_in = [_flat(a, shape) for a in inputs]
            if all(o.ndim == 1 or o.flags.c_contiguous for o in outputs):
                self._blocks(flat_in, [o.reshape(-1) for o in outputs], size)
                return
            fresh = [np.empty(size) for _ in outputs]  # outputs not viewable as 1-D
            self._blocks(flat_in, fresh, size)
            for o, f in zip(outputs, fresh, strict=True):
                np.copyto(o, f.reshape(shape))

    def _blocks(self, inputs: list, outputs: list, size: int) -> None:
        for start in range(0, size, _BLOCK):
            stop = min(start + _BLOCK, size)
            ins = [a if a.ndim == 0 else a[start:stop] for a in inputs]
            self._block(ins, [o[start:stop] for o in outputs], stop - start, (stop - start,))

    def _block(self, slots: list, outputs, n: int, shape: tuple[int, ...]) -> None:
        """One block: ``slots`` holds the inputs, and gets the registers, outputs and
        constants appended."""
        pool = _scratch.pool
        while len(pool) < self._registers:
            pool.append(np.empty(_BLOCK))
        if len(shape) == 1:
            slots += [pool[r][:n] for r in range(self._registers)]
        else:
            slots += [pool[r][:n].reshape(shape) for r in range(self._registers)]
        slots += outputs
        slots += self._constants
        for func, *i, r in self._program:
            if len(i) == 1:
                func(slots[i[0]], out=slots[r])
            else:
                func(slots[i[0]], slots[i[1]], out=slots[r])
        for k, source in self._finish:
            np.copyto(outputs[k], slots[source])


def _flat(a: FloatArray, shape: tuple[int, ...]) -> FloatArray:
    """An input as a 1-D array of the broadcast size, or 0-d when it is a single number."""
    if a.size == 1:
        return a.reshape(())
    if a.shape != shape:
        a = np.broadcast_to(a, shape)
    return a if a.ndim == 1 else a.reshape(-1)  # (copies only what is not contiguous)


class _Scratch(threading.local):
    """Scratch registers of :class:`_Kernel`, :data:`_BLOCK` float64 each, one list per
    thread (threading.local), grown to the largest number of registers a kernel needs."""

    def __init__(self) -> None:
        self.pool: list[FloatArray] = []


_scratch = _Scratch()


def _kernel(*expressions: Expression) -> _Kernel:
    """One kernel for several expressions in the same variables, their common
    subexpressions computed once (for :mod:`core.langevin`: V′, and ∇V in 2-D)."""
    return _Kernel(tuple(e._root for e in expressions), expressions[0].variables)


@dataclass(frozen=True, eq=False)
class Expression:
    """A parsed, whitelisted formula; evaluate with ``expr(x)`` (or ``expr(x, y)``).

    Build one with :func:`parse_expression`.  Evaluation runs the formula compiled into
    numpy ufunc calls (vectorised, float64, no ``eval``; see the module docstring); invalid
    points (``log`` of a negative number, a division by zero) give ``nan``/``inf``
    silently, as numpy does, so check ``np.isfinite`` where it matters.

    Attributes
    ----------
    variables : tuple of str
        Names of the arguments, in call order.
    text : str
        The formula: what the user typed, or for a derivative a rendering of it that
        :func:`parse_expression` reads back (except that derivatives of ``abs`` contain
        ``sign``).
    """

    _root: _Node = field(repr=False)
    variables: tuple[str, ...]
    text: str
    _kernel: _Kernel = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self._root, _Const | _Var | _Neg | _BinOp | _Call):
            raise ValueError("Expression: build one with parse_expression(text)")
        object.__setattr__(self, "_kernel", _Kernel((self._root,), self.variables))

    def __call__(self, *args: ArrayLike, **kwargs: ArrayLike) -> FloatArray:
        """Evaluate at arrays (broadcast together); returns a float64 array of their shape.

        Arguments are given positionally in the order of :attr:`variables`, or by name.
        """
        if len(args) > len(self.variables):
            raise ValueError(
                f"expected at most {len(self.variables)} positional arguments "
                f"({', '.join(self.variables) or 'none'}), got {len(args)}"
            )
        env: dict[str, FloatArray] = {}
        for name, value in zip(self.variables, args, strict=False):
            env[name] = value  # type: ignore[assignment]
        for name, value in kwargs.items():
            if name not in self.variables:
                raise ValueError(f"unknown variable {name!r}; variables are {self.variables}")
            if name in env:
                raise ValueError(f"variable {name!r} given twice")
            env[name] = value  # type: ignore[assignment]
        missing = [name for name in self.variables if name not in env]
        if missing:
            raise ValueError(f"missing value for variable(s) {', '.join(missing)}")
        arrays = {k: _array(v, k, finite=False, copy=False) for k, v in env.items()}
        try:
            shape = np.broadcast_shapes(*(a.shape for a in arrays.values())) if arrays else ()
        except ValueError as exc:
            shapes = ", ".join(f"{k}: {a.shape}" for k, a in arrays.items())
            raise ValueError(
                f"variables must have shapes that broadcast together, got {shapes}"
            ) from exc
        out = np.empty(shape)  # a new array: never the caller's own
        self._kernel.run(tuple(arrays[name] for name in self.variables), (out,))
        return out

    def derivative(self, var: str | None = None) -> Expression:
        """The exact symbolic derivative ∂/∂var, as a new :class:`Expression`.

        Parameters
        ----------
        var : str, optional
            One of :attr:`variables`; may be omitted when there is exactly one.

        Notes
        -----
        Standard rules (sum, product, quotient, power, chain) for every whitelisted node,
        with trivial simplification (constant folding, ``0 + a``, ``1 * a``, ``a ** 1`` …).
        ``d|u|/du = sign(u)`` (taken as 0 at u = 0).  Where the formula is smooth the result
        matches central finite differences to rounding.
        """
        if var is None:
            if len(self.variables) != 1:
                raise ValueError(f"derivative: name the variable (var), one of {self.variables}")
            var = self.variables[0]
        if var not in self.variables:
            raise ValueError(f"derivative: var must be one of {self.variables}, got {var!r}")
        root = _d(self._root, var, {})
        return Expression(root, self.variables, _render(root))

    @property
    def is_constant(self) -> bool:
        """True when the formula does not depend on any variable (after simplification)."""
        return isinstance(self._root, _Const)

    @property
    def depth(self) -> int:
        """Nesting depth of the (simplified) tree."""
        return _depth(self._root)

    def __str__(self) -> str:
        return self.text
