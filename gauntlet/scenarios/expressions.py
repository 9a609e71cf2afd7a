"""Scenario parameters and the ``${...}`` expressions that use them.

A scenario's ``parameters`` mapping names scalar values. Before the file is
converted, every string value of the form ``"${expr}"`` is replaced by the
value of ``expr`` (a number, boolean or string); an expression inside a longer
string is written into it as text (``"cut_in_${gap_m}m"``). ``$${`` stands for
a literal ``${``. Parameter values may themselves use parameters defined above
them.

Expressions are evaluated by walking their syntax tree, never by ``eval``:
numbers, strings, booleans, parameter names, ``pi``, the operators
``+ - * / // % **``, unary minus, comparisons, ``and``/``or``/``not``,
``a if cond else b`` and calls to the functions in :data:`FUNCTIONS`.
Anything else is an error that names the offending part.
"""

from __future__ import annotations

import ast
import keyword
import math
import operator
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from gauntlet.scenarios.convert import INVALID
from gauntlet.scenarios.errors import KeyPath, ScenarioError, describe, suggestion
from gauntlet.scenarios.schema import Scalar, SourceInfo

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


class _Failed:
    """Value of a parameter whose own definition failed (its error is already reported)."""


class _Suppressed(Exception):
    """Raised when an expression uses a failed parameter: report nothing more."""


_FAILED = _Failed()


def evaluate(expression: str, names: Mapping[str, Any]) -> Scalar:
    """Evaluate one expression (the text between ``${`` and ``}``).

    Args:
        expression: Python-like expression text, e.g. ``"speed_mps * 1.5"``.
        names: Parameter values visible to the expression.

    Returns:
        The value: an int, float, str or bool.

    Raises:
        ExpressionError: On syntax errors, disallowed constructs, unknown
            names and failed arithmetic (division by zero, math domain).
    """
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"invalid expression: {exc.msg}") from None
    return _Evaluator(names).visit(tree.body)


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
            raise ExpressionError("unterminated '${'; close it with '}' or write '$${' for a literal '${'")
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


def apply_parameters(
    raw: dict[Any, Any], source: SourceInfo, overrides: Mapping[str, Any] | None = None
) -> tuple[dict[Any, Any], list[ScenarioError]]:
    """Evaluate a raw scenario's ``parameters`` and substitute them everywhere else.

    The tree keeps its shape, so line numbers found for the original file
    still apply to the substituted values.

    Args:
        raw: The file's top-level mapping as read from YAML.
        source: File name and line table, to locate errors.
        overrides: Values that replace declared parameters before evaluation
            (one point of a parameter sweep); undeclared names are errors.

    Returns:
        A new tree with values substituted, and the errors found. A value whose
        expression failed is :data:`~gauntlet.scenarios.convert.INVALID`, which
        the converter passes over without a second error.
    """
    errors: list[ScenarioError] = []

    def report(path: KeyPath, message: str) -> None:
        errors.append(ScenarioError(source.file, source.line_of(path), path, message))

    declared = raw.get("parameters", {})
    if not isinstance(declared, dict):
        return raw, errors  # the converter reports the wrong type
    for name in overrides or {}:
        if name not in declared:
            report(("parameters",), f"override of undeclared parameter '{name}'{suggestion(name, declared, 'parameters')}")

    names: dict[str, Any] = {}
    evaluated: dict[Any, Any] = {}
    for index, (name, value) in enumerate(declared.items()):
        path = ("parameters", name)
        if overrides and name in overrides:
            value = overrides[name]
        evaluated[name] = value
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            report(path, f"parameter names must be identifiers (letters, digits, _), got {describe(name)}")
            continue
        if name in FUNCTIONS or name in CONSTANTS:
            report(path, f"parameter name '{name}' is reserved for a function or constant")
            names[name] = _FAILED
            continue
        if isinstance(value, str):
            later = [n for n in list(declared)[index + 1 :] if isinstance(n, str)]
            try:
                value = substitute(value, _Scope(names, name, later))
            except ExpressionError as exc:
                report(path, f"in {value!r}: {exc}")
                value = _FAILED
            except _Suppressed:
                value = _FAILED
            evaluated[name] = INVALID if value is _FAILED else value
        elif value is None or not isinstance(value, bool | int | float):
            value = _FAILED  # the converter reports the wrong type
        names[name] = value

    result = {key: _substitute_tree(value, names, (key,), report) for key, value in raw.items() if key != "parameters"}
    if "parameters" in raw:
        result = _reinsert(raw, result, evaluated)
    return result, errors


def _reinsert(raw: dict[Any, Any], substituted: dict[Any, Any], parameters: dict[Any, Any]) -> dict[Any, Any]:
    """Rebuild the top-level mapping in its original key order."""
    return {key: parameters if key == "parameters" else substituted[key] for key in raw}


def _substitute_tree(value: Any, names: Mapping[str, Any], path: KeyPath, report: Callable[[KeyPath, str], None]) -> Any:
    if isinstance(value, str):
        try:
            return substitute(value, names)
        except ExpressionError as exc:
            report(path, f"in {value!r}: {exc}")
        except _Suppressed:
            pass
        return INVALID
    if isinstance(value, dict):
        return {k: _substitute_tree(v, names, (*path, k), report) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute_tree(v, names, (*path, i), report) for i, v in enumerate(value)]
    return value


class _Scope(Mapping[str, Any]):
    """The parameters visible while defining one parameter, knowing those still to come."""

    def __init__(self, names: Mapping[str, Any], current: str, later: list[str]) -> None:
        self._names = names
        self.current = current
        self.later = later

    def __getitem__(self, key: str) -> Any:
        return self._names[key]

    def __iter__(self) -> Any:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


class _Evaluator:
    """Evaluates the whitelisted subset of Python expressions."""

    def __init__(self, names: Mapping[str, Any]) -> None:
        self.names = names

    def visit(self, node: ast.AST) -> Any:
        method = getattr(self, f"_visit_{type(node).__name__}", None)
        if method is None:
            what = _NODE_NAMES.get(type(node), "this construct")
            raise ExpressionError(f"{what} '{ast.unparse(node)}' is not allowed")
        return method(node)

    def _visit_Constant(self, node: ast.Constant) -> Any:
        if isinstance(node.value, bool | int | float | str):
            return node.value
        raise ExpressionError(f"constant {ast.unparse(node)} is not allowed")

    def _visit_Name(self, node: ast.Name) -> Any:
        if node.id in self.names:
            value = self.names[node.id]
            if value is _FAILED:
                raise _Suppressed
            return value
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        if node.id in FUNCTIONS:
            raise ExpressionError(f"function '{node.id}' must be called")
        if node.id == getattr(self.names, "current", None):
            raise ExpressionError(f"parameter '{node.id}' refers to itself")
        if node.id in getattr(self.names, "later", ()):
            raise ExpressionError(f"parameter '{node.id}' is defined further down; a parameter may use only those above it")
        raise ExpressionError(f"unknown parameter '{node.id}'{suggestion(node.id, [*self.names, *CONSTANTS], 'names')}")

    def _visit_BinOp(self, node: ast.BinOp) -> Any:
        symbol, function = _BINARY.get(type(node.op), (None, None))
        if function is None:
            raise ExpressionError(f"operator in '{ast.unparse(node)}' is not allowed")
        left, right = self.visit(node.left), self.visit(node.right)
        if symbol == "+" and isinstance(left, str) and isinstance(right, str):
            return left + right
        if not (_is_number(left) and _is_number(right)):
            raise ExpressionError(f"cannot apply '{symbol}' to {describe(left)} and {describe(right)}")
        if symbol == "**" and isinstance(left, int) and isinstance(right, int):
            # Keep huge integer powers from running for ever: they go through floats.
            if abs(right) > 1024 or abs(left).bit_length() * abs(right) > 65536:
                left = float(left)
        try:
            return function(left, right)
        except ZeroDivisionError:
            raise ExpressionError(f"division by zero in '{ast.unparse(node)}'") from None
        except OverflowError:
            raise ExpressionError(f"number too large in '{ast.unparse(node)}'") from None

    def _visit_UnaryOp(self, node: ast.UnaryOp) -> Any:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return not operand
        if isinstance(node.op, ast.USub | ast.UAdd) and _is_number(operand):
            return -operand if isinstance(node.op, ast.USub) else +operand
        raise ExpressionError(f"'{ast.unparse(node)}' is not allowed")

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
                raise ExpressionError(f"comparison in '{ast.unparse(node)}' is not allowed")
            right = self.visit(right_node)
            try:
                if not compare(left, right):
                    return False
            except TypeError:
                raise ExpressionError(f"cannot compare {describe(left)} with {describe(right)}") from None
            left = right
        return True

    def _visit_IfExp(self, node: ast.IfExp) -> Any:
        return self.visit(node.body) if self.visit(node.test) else self.visit(node.orelse)

    def _visit_Call(self, node: ast.Call) -> Any:
        if not isinstance(node.func, ast.Name):
            self.visit(node.func)  # reports attribute access, subscripts, ...
            raise ExpressionError(f"call '{ast.unparse(node)}' is not allowed")
        name = node.func.id
        function = FUNCTIONS.get(name)
        if function is None:
            raise ExpressionError(f"unknown function '{name}'{suggestion(name, FUNCTIONS, 'functions')}")
        if node.keywords:
            raise ExpressionError(f"keyword arguments in '{ast.unparse(node)}' are not allowed")
        args = [self.visit(a) for a in node.args]
        try:
            return function(*args)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ExpressionError(f"{name}() failed in '{ast.unparse(node)}': {exc}") from None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
