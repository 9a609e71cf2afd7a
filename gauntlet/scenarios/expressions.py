"""The ``${...}`` expressions of scenario files: substitution into strings and evaluation.

A string value of the form ``"${expr}"`` becomes the value of ``expr`` (a
number, boolean or string); an expression inside a longer string is written
into it as text (``"cut_in_${gap_m}m"``). ``$${`` stands for a literal ``${``.
:mod:`gauntlet.scenarios.parameters` applies this to a whole file.

Expressions are evaluated by walking their syntax tree, never by ``eval``:
numbers, strings, booleans, parameter names, ``pi``, the operators
``+ - * / // % **``, unary minus, comparisons, ``and``/``or``/``not``,
``a if cond else b`` and calls to the functions in :data:`FUNCTIONS`.
Anything else is an error that names the offending part.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from gauntlet.scenarios.convert import INVALID
from gauntlet.scenarios.errors import describe, suggestion
from gauntlet.scenarios.schema import Scalar

#: Functions an expression may call.
FUNCTIONS: Mapping[str, Callable[..., Any]] = MappingProxyType(
    {
        "abs": abs,
        "min": min,
        "max": max,
        "round": round,
        "sqrt": math.sqrt,
        "sin": math.sin,
        "cos": math.cos,
        "tan": math.tan,
        "atan2": math.atan2,
        "radians": math.radians,
        "degrees": math.degrees,
        "hypot": math.hypot,
        "floor": math.floor,
        "ceil": math.ceil,
    }
)
#: Named constants an expression may use.
CONSTANTS: Mapping[str, float] = MappingProxyType({"pi": math.pi})

_BINARY: dict[type[ast.operator], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
    ast.FloorDiv: ("//", operator.floordiv),
    ast.Mod: ("%", operator.mod),
    ast.Pow: ("**", operator.pow),
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_NODE_NAMES: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscript",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "comprehension",
    ast.List: "list",
    ast.Tuple: "tuple",
    ast.Dict: "mapping",
    ast.Set: "set",
    ast.JoinedStr: "f-string",
    ast.NamedExpr: "assignment",
    ast.Starred: "unpacking",
    ast.Await: "await",
}
_WHOLE = re.compile(r"\$\{([^{}]*)\}")
_TOKEN = re.compile(r"\$\$\{|\$\{([^{}]*)\}|\$\{")


class ExpressionError(Exception):
    """An expression that cannot be evaluated; the message names the offending part."""


class UnresolvedParameter(ExpressionError):
    """An expression used a parameter whose own definition failed (already reported)."""


def evaluate(expression: str, names: Mapping[str, Any]) -> Scalar:
    """Evaluate one expression (the text between ``${`` and ``}``).

    Args:
        expression: Python-like expression text, e.g. ``"speed_mps * 1.5"``.
        names: Parameter values visible to the expression; a name whose value
            is :data:`~gauntlet.scenarios.convert.INVALID` raises
            :class:`UnresolvedParameter`.

    Returns:
        The value: an int, float, str or bool.

    Raises:
        ExpressionError: On syntax errors, disallowed constructs, unknown
            names and failed arithmetic (division by zero, math domain).
    """
    text = expression.strip()
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"invalid expression: {exc.msg}") from None
    return _Evaluator(text, names).visit(tree.body)


def substitute(text: str, names: Mapping[str, Any]) -> Any:
    """Replace the expressions in one string value.

    A string that is exactly ``"${expr}"`` becomes the expression's value;
    expressions inside a longer string are written as text.

    Raises:
        ExpressionError: As :func:`evaluate`, or for an unterminated ``${``.
    """
    if "$" not in text:
        return text
    whole = _WHOLE.fullmatch(text)
    if whole:
        return evaluate(whole.group(1), names)

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$${":
            return "${"
        if match.group(1) is None:
            raise ExpressionError(
                "unterminated '${'; close it with '}' or write '$${' for a literal '${'"
            )
        return as_text(evaluate(match.group(1), names))

    return _TOKEN.sub(replace, text)


def as_text(value: Any) -> str:
    """Write a value into a string the way YAML spells it (``true``, ``2.5``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def escape(text: str) -> str:
    """Protect a literal string from substitution (``${`` becomes ``$${``)."""
    return text.replace("${", "$${")


class _Evaluator:
    """Evaluates the whitelisted subset of Python expressions."""

    def __init__(self, text: str, names: Mapping[str, Any]) -> None:
        self.text = text
        self.names = names

    def part(self, node: ast.AST) -> str:
        """The source text of ``node``, as the user wrote it."""
        return ast.get_source_segment(self.text, node) or ast.unparse(node)

    def visit(self, node: ast.AST) -> Any:
        method = getattr(self, f"_visit_{type(node).__name__}", None)
        if method is None:
            what = _NODE_NAMES.get(type(node), "this construct")
            raise ExpressionError(f"{what} '{self.part(node)}' is not allowed")
        return method(node)

    def _visit_Constant(self, node: ast.Constant) -> Any:
        if isinstance(node.value, bool | int | float | str):
            return node.value
        raise ExpressionError(f"constant {self.part(node)} is not allowed")

    def _visit_Name(self, node: ast.Name) -> Any:
        if node.id in self.names:
            value = self.names[node.id]
            if value is INVALID:
                raise UnresolvedParameter(node.id)
            return value
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        if node.id in FUNCTIONS:
            raise ExpressionError(f"function '{node.id}' must be called")
        raise ExpressionError(
            f"unknown parameter '{node.id}'{suggestion(node.id, [*self.names, *CONSTANTS], 'names')}"
        )

    def _visit_BinOp(self, node: ast.BinOp) -> Any:
        symbol, function = _BINARY.get(type(node.op), (None, None))
        if function is None:
            raise ExpressionError(f"operator in '{self.part(node)}' is not allowed")
        left, right = self.visit(node.left), self.visit(node.right)
        if symbol == "+" and isinstance(left, str) and isinstance(right, str):
            return left + right
        if not (_is_number(left) and _is_number(right)):
            raise ExpressionError(
                f"cannot apply '{symbol}' to {describe(left)} and {describe(right)}"
            )
        if symbol == "**" and _huge_integer_power(left, right):
            left = float(left)  # overflows at once instead of computing for ever
        try:
            result = function(left, right)
        except ZeroDivisionError:
            raise ExpressionError(f"division by zero in '{self.part(node)}'") from None
        except OverflowError:
            raise ExpressionError(f"number too large in '{self.part(node)}'") from None
        if isinstance(result, complex):
            raise ExpressionError(f"'{self.part(node)}' is not a real number")
        return result

    def _visit_UnaryOp(self, node: ast.UnaryOp) -> Any:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return not operand
        if isinstance(node.op, ast.USub | ast.UAdd) and _is_number(operand):
            return -operand if isinstance(node.op, ast.USub) else +operand
        raise ExpressionError(f"'{self.part(node)}' is not allowed")

    def _visit_BoolOp(self, node: ast.BoolOp) -> Any:
        value = self.visit(node.values[0])
        for operand in node.values[1:]:
            if isinstance(node.op, ast.And) and not value:
                return value
            if isinstance(node.op, ast.Or) and value:
                return value
            value = self.visit(operand)
        return value

    def _visit_Compare(self, node: ast.Compare) -> Any:
        left = self.visit(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            compare = _COMPARE.get(type(op))
            if compare is None:
                raise ExpressionError(f"comparison in '{self.part(node)}' is not allowed")
            right = self.visit(right_node)
            try:
                if not compare(left, right):
                    return False
            except TypeError:
                raise ExpressionError(
                    f"cannot compare {describe(left)} with {describe(right)}"
                ) from None
            left = right
        return True

    def _visit_IfExp(self, node: ast.IfExp) -> Any:
        return self.visit(node.body) if self.visit(node.test) else self.visit(node.orelse)

    def _visit_Call(self, node: ast.Call) -> Any:
        if not isinstance(node.func, ast.Name):
            self.visit(node.func)  # reports attribute access, subscripts, ...
            raise ExpressionError(f"call '{self.part(node)}' is not allowed")
        name = node.func.id
        function = FUNCTIONS.get(name)
        if function is None:
            raise ExpressionError(
                f"unknown function '{name}'{suggestion(name, FUNCTIONS, 'functions')}"
            )
        if node.keywords:
            raise ExpressionError(f"keyword arguments in '{self.part(node)}' are not allowed")
        args = [self.visit(a) for a in node.args]
        try:
            return function(*args)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ExpressionError(f"{name}() failed in '{self.part(node)}': {exc}") from None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _huge_integer_power(base: Any, exponent: Any) -> bool:
    if not (isinstance(base, int) and isinstance(exponent, int)):
        return False
    return abs(exponent) > 1024 or abs(base).bit_length() * abs(exponent) > 65536
