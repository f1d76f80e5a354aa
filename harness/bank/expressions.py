"""A small, safe expression language for parameterised questions.

Bank text is never given to Python's ``eval``. :class:`Expression` parses a formula with
:mod:`ast`, accepts only arithmetic, comparisons, boolean logic, conditionals, names and a
fixed table of math functions, and evaluates the tree itself with guards on the sizes that
could make a formula run away (huge powers, factorials).
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MAX_LENGTH = 500
MAX_EXPONENT = 1_000
MAX_FACTORIAL = 1_000
MAX_INT_BITS = 4_096


class ExpressionError(ValueError):
    """A formula is not in the allowed language, or failed to evaluate."""


def _bounded_int_arg(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        if any(isinstance(a, int) and abs(a) > MAX_FACTORIAL for a in args):
            raise ExpressionError(f"{name}() argument larger than {MAX_FACTORIAL}")
        return fn(*args)

    return call


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "abs": abs,
    "min": min,
    "max": max,
    "round": round,
    "floor": math.floor,
    "ceil": math.ceil,
    "sqrt": math.sqrt,
    "exp": math.exp,
    "log": math.log,
    "log2": math.log2,
    "log10": math.log10,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "comb": _bounded_int_arg("comb", math.comb),
    "perm": _bounded_int_arg("perm", math.perm),
    "factorial": _bounded_int_arg("factorial", math.factorial),
}
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
    ast.Not: operator.not_,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


@dataclass(frozen=True)
class Expression:
    """A parsed formula. Build with :meth:`parse`; run with :meth:`evaluate`."""

    source: str
    tree: ast.expr
    names: frozenset[str]  # the free names it uses (parameters), functions excluded

    @classmethod
    def parse(cls, source: str, known_names: set[str] | None = None) -> Expression:
        """Parse ``source``; when ``known_names`` is given, every free name must be in it.

        Raises:
            ExpressionError: a syntax error, a construct outside the language, or an
                unknown name (the message lists the known ones).
        """
        if len(source) > MAX_LENGTH:
            raise ExpressionError(f"formula longer than {MAX_LENGTH} characters")
        try:
            tree = ast.parse(source.strip(), mode="eval").body
        except SyntaxError as exc:
            raise ExpressionError(f"invalid formula {source.strip()!r}: {exc.msg}") from None
        names = frozenset(_check(tree))
        if known_names is not None:
            unknown = sorted(names - known_names)
            if unknown:
                known = ", ".join(sorted(known_names)) or "none"
                raise ExpressionError(
                    f"unknown name {unknown[0]!r} in formula {source.strip()!r} (parameters: {known})"
                )
        return cls(source, tree, names)

    def evaluate(self, env: Mapping[str, Any]) -> Any:
        """Evaluate with the parameter values in ``env``.

        Raises:
            ExpressionError: a missing name, a math domain error, a division by zero, or a
                value too large to compute.
        """
        try:
            return _eval(self.tree, env)
        except ExpressionError:
            raise
        except (ArithmeticError, ValueError, TypeError) as exc:
            raise ExpressionError(f"cannot evaluate {self.source!r}: {exc}") from None


def _check(node: ast.AST) -> set[str]:
    """Reject anything outside the language; return the free names."""
    if isinstance(node, ast.Constant):
        if not isinstance(node.value, (int, float, str)):
            raise ExpressionError(f"constant {node.value!r} is not allowed")
        return set()
    if isinstance(node, ast.Name):
        return set() if node.id in CONSTANTS else {node.id}
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _check(node.left) | _check(node.right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _check(node.operand)
    if isinstance(node, ast.BoolOp):
        return set().union(*(_check(v) for v in node.values))
    if isinstance(node, ast.Compare) and all(type(op) in _COMPARE for op in node.ops):
        return set().union(_check(node.left), *(_check(c) for c in node.comparators))
    if isinstance(node, ast.IfExp):
        return _check(node.test) | _check(node.body) | _check(node.orelse)
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            allowed = ", ".join(sorted(FUNCTIONS))
            raise ExpressionError(f"only these functions may be called: {allowed}")
        if node.keywords:
            raise ExpressionError("keyword arguments are not allowed in formulas")
        return set().union(*(_check(a) for a in node.args))
    raise ExpressionError(f"{type(node).__name__} is not allowed in formulas")


def _eval(node: ast.expr, env: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        if node.id not in env:
            raise ExpressionError(f"no value for {node.id!r}")
        return env[node.id]
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, env), _eval(node.right, env)
        if not (isinstance(left, (int, float)) and isinstance(right, (int, float))):
            # Numbers only: `"x" * 10**9` would otherwise build a gigabyte string.
            raise ExpressionError("arithmetic is only allowed on numbers")
        if isinstance(node.op, ast.Pow):
            _guard_power(left, right)
        result = _BINARY[type(node.op)](left, right)
        if isinstance(result, int) and result.bit_length() > MAX_INT_BITS:
            raise ExpressionError("intermediate value too large")
        return result
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_eval(node.operand, env))
    if isinstance(node, ast.BoolOp):
        values = (_eval(v, env) for v in node.values)
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.Compare):
        left = _eval(node.left, env)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _eval(comparator, env)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.IfExp):
        return _eval(node.body if _eval(node.test, env) else node.orelse, env)
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)  # guaranteed by _check
        return FUNCTIONS[node.func.id](*(_eval(a, env) for a in node.args))
    raise ExpressionError(f"{type(node).__name__} is not allowed in formulas")


def _guard_power(base: Any, exponent: Any) -> None:
    if isinstance(exponent, (int, float)) and abs(exponent) > MAX_EXPONENT:
        raise ExpressionError(f"exponent larger than {MAX_EXPONENT}")


@lru_cache(maxsize=4096)
def compiled(source: str) -> Expression:
    """:meth:`Expression.parse` with a cache: grading evaluates the same formulas many times."""
    return Expression.parse(source)
