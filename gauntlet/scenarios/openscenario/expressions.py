"""OpenSCENARIO 1.1 expressions (``${$speed / 3.6}``) on Gauntlet's safe evaluator.

The text between ``${`` and ``}`` is split into tokens and checked against the
OpenSCENARIO grammar: numbers, ``$name`` parameter references, ``true`` and
``false``, the operators ``+ - * / %``, comparisons, ``not and or``,
parentheses and calls of the standard functions (``round floor ceil sqrt pow
sin cos tan asin acos atan sign abs max min``). The checked expression is
rewritten into the Python subset that
:func:`gauntlet.scenarios.expressions.evaluate` accepts and evaluated there,
never by ``eval``. ``pi`` is accepted as a constant, as many tools do.
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Mapping
from typing import Any

from gauntlet.scenarios.expressions import FUNCTIONS, ExpressionError, evaluate

#: Functions of the OpenSCENARIO expression language, and the constant ``pi``.
OSC_FUNCTIONS = frozenset(
    {"round", "floor", "ceil", "sqrt", "pow", "sin", "cos", "tan", "asin", "acos", "atan"}
    | {"sign", "abs", "max", "min"}
)
_TOKEN = re.compile(
    r"\s*(?:(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|\$(?P<parameter>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<operator>==|!=|<=|>=|[-+*/%()<>,]))"
)
_WORDS = {"true": "True", "false": "False", "not": "not", "and": "and", "or": "or", "pi": "pi"}


def evaluate_expression(text: str, parameters: Mapping[str, Any]) -> Any:
    """Evaluate the inside of ``${...}``.

    Args:
        text: The expression, e.g. ``"$Ego_speed_kph / 3.6"``.
        parameters: Visible parameter values by name (without ``$``).

    Returns:
        An int, float or bool.

    Raises:
        ExpressionError: On tokens outside the grammar, unknown parameters or
            functions, and failed arithmetic; the message names the part.
    """
    source, used = _to_python(text)
    names: dict[str, Any] = {}
    for name in used:
        if name not in parameters:
            raise ExpressionError(f"unknown parameter '${name}'")
        value = parameters[name]
        if isinstance(value, str):
            value = _number_or_text(value)
        names[_identifier(name)] = value
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"invalid expression {text!r}: {exc.msg}") from None
    python = ast.unparse(_Rewrite().visit(tree))
    return evaluate(python, names)


def _to_python(text: str) -> tuple[str, list[str]]:
    """Translate the tokens to Python source; collect the parameters used."""
    out: list[str] = []
    used: list[str] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ExpressionError(f"unexpected {text[position:].strip()[:20]!r} in {text!r}")
        position = match.end()
        if match.group("number") is not None:
            out.append(match.group("number"))
        elif match.group("parameter") is not None:
            name = match.group("parameter")
            used.append(name)
            out.append(_identifier(name))
        elif match.group("word") is not None:
            word = match.group("word")
            if word in _WORDS:
                out.append(_WORDS[word])
            elif word in OSC_FUNCTIONS:
                out.append(word)
            else:
                raise ExpressionError(
                    f"unknown name {word!r} in {text!r}; parameters are written '${word}'"
                )
        else:
            out.append(match.group("operator"))
    return " ".join(out), used


def _identifier(name: str) -> str:
    """A Python identifier for a parameter that cannot clash with a function or keyword."""
    if keyword.iskeyword(name) or name in FUNCTIONS or name in OSC_FUNCTIONS or name == "pi":
        return f"{name}_"
    return name


def _number_or_text(value: str) -> Any:
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        return value


class _Rewrite(ast.NodeTransformer):
    """Express the OpenSCENARIO functions Gauntlet's evaluator lacks with those it has."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        args = node.args
        if name == "pow" and len(args) == 2:
            return ast.BinOp(args[0], ast.Pow(), args[1])
        if name == "atan" and len(args) == 1:
            return _call("atan2", args[0], ast.Constant(1.0))
        if name in ("asin", "acos") and len(args) == 1:
            x = args[0]
            root = _call(
                "sqrt", ast.BinOp(ast.Constant(1.0), ast.Sub(), ast.BinOp(x, ast.Mult(), x))
            )
            return _call("atan2", x, root) if name == "asin" else _call("atan2", root, x)
        if name == "sign" and len(args) == 1:
            x = args[0]
            negative = ast.IfExp(
                ast.Compare(x, [ast.Lt()], [ast.Constant(0)]), ast.Constant(-1), ast.Constant(0)
            )
            return ast.IfExp(
                ast.Compare(x, [ast.Gt()], [ast.Constant(0)]), ast.Constant(1), negative
            )
        return node


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(ast.Name(name, ast.Load()), list(args), [])
