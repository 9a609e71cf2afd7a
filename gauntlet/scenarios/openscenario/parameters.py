"""Parameters of OpenSCENARIO files: declarations, references, constraints and typed values.

A parameter is declared with a type and a value; the value may be a literal,
a reference ``$other`` or an expression ``${...}`` over parameters declared
above it. An attribute whose value is ``$name`` or ``${...}`` takes the
parameter's or expression's value; any other attribute is a literal.
Declarations nest: a catalog entry or a storyboard element sees its own
parameters first, then those of the enclosing scope.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from typing import Any

from gauntlet.scenarios.expressions import ExpressionError
from gauntlet.scenarios.openscenario.document import OpenScenarioError
from gauntlet.scenarios.openscenario.expressions import evaluate_expression

Value = float | int | str | bool
#: Makes the error for an element: ``(element, message) -> OpenScenarioError``.
ErrorAt = Callable[[ET.Element, str], OpenScenarioError]

_INT_TYPES = ("int", "integer", "unsignedInt", "unsignedShort")
_TYPES = ("double", "string", "boolean", "dateTime", *_INT_TYPES)
_CONSTRAINT_RULES = {
    "equalTo": lambda a, b: a == b,
    "notEqualTo": lambda a, b: a != b,
    "greaterThan": lambda a, b: a > b,
    "greaterOrEqual": lambda a, b: a >= b,
    "lessThan": lambda a, b: a < b,
    "lessOrEqual": lambda a, b: a <= b,
}


class Scope:
    """Parameter values visible at one place of a file; inner scopes shadow outer ones."""

    def __init__(self, values: Mapping[str, Value] | None = None, parent: Scope | None = None):
        self.values: dict[str, Value] = dict(values or {})
        self.parent = parent

    def flat(self) -> dict[str, Value]:
        """All visible values by name."""
        merged = self.parent.flat() if self.parent is not None else {}
        merged.update(self.values)
        return merged

    def lookup(self, name: str) -> Value:
        """The value of ``name``; ``KeyError`` if it is not declared."""
        scope: Scope | None = self
        while scope is not None:
            if name in scope.values:
                return scope.values[name]
            scope = scope.parent
        raise KeyError(name)

    def child(self, values: Mapping[str, Value] | None = None) -> Scope:
        """A nested scope."""
        return Scope(values, self)


def resolve_text(raw: str, scope: Scope) -> Value:
    """The value of one attribute text: a literal, ``$name`` or ``${expression}``.

    Raises:
        ExpressionError: For unknown parameters and invalid expressions.
    """
    text = raw.strip()
    if text.startswith("${") and text.endswith("}"):
        return evaluate_expression(text[2:-1], scope.flat())
    if text.startswith("$"):
        name = text[1:]
        try:
            return scope.lookup(name)
        except KeyError:
            raise ExpressionError(f"unknown parameter '{text}'") from None
    return raw


def declare(
    doc_error: ErrorAt,
    declarations: ET.Element | None,
    scope: Scope,
    overrides: Mapping[str, Any] | None = None,
    anchor: ET.Element | None = None,
) -> Scope:
    """Evaluate a ``ParameterDeclarations`` element into a new scope below ``scope``.

    Args:
        doc_error: ``(element, message) -> OpenScenarioError`` locating errors.
        declarations: The element, or None for an empty scope.
        scope: The enclosing scope.
        overrides: Values replacing declared ones (parameter assignments of a
            catalog reference, or the caller's values for the scenario file).
        anchor: Element that locates an error about undeclared overrides
            (default the declarations).

    Raises:
        OpenScenarioError: For a bad name, type, value or violated constraint,
            and for overrides of undeclared parameters.
    """
    inner = scope.child()
    overrides = dict(overrides or {})
    declared: list[str] = []
    for element in list(declarations) if declarations is not None else []:
        if element.tag != "ParameterDeclaration":
            raise doc_error(element, "expected ParameterDeclaration elements only")
        name = element.get("name")
        kind = element.get("parameterType", "string")
        if not name:
            raise doc_error(element, "a parameter needs a name")
        if kind not in _TYPES:
            raise doc_error(element, f"unknown parameterType {kind!r}; expected one of {_TYPES}")
        declared.append(name)
        raw: Any = overrides.pop(name) if name in overrides else element.get("value", "")
        try:
            value = resolve_text(raw, inner) if isinstance(raw, str) else raw
            inner.values[name] = typed(value, kind)
        except (ExpressionError, ValueError) as exc:
            raise doc_error(element, f"parameter '{name}': {exc}") from None
        _check_constraints(doc_error, element, name, inner.values[name], inner)
    if overrides:
        unknown = ", ".join(sorted(overrides))
        anchor = anchor if anchor is not None else declarations
        message = (
            f"value given for undeclared parameter(s) {unknown}; "
            f"declared: {', '.join(declared) or 'none'}"
        )
        if anchor is None:
            raise OpenScenarioError("<parameters>", None, (), message)
        raise doc_error(anchor, message)
    return inner


def typed(value: Value, kind: str) -> Value:
    """Convert ``value`` to a parameter type (``double``, ``int``, ``boolean``, ...)."""
    if kind == "double":
        return to_float(value)
    if kind in _INT_TYPES:
        number = to_float(value)
        if not number.is_integer():
            raise ValueError(f"expected a whole number, got {value!r}")
        return int(number)
    if kind == "boolean":
        return to_bool(value)
    return value if isinstance(value, str) else _text(value)


def to_float(value: Value) -> float:
    """A number from a literal or parameter value."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {_text(value)!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {value!r}")
    return number


def to_bool(value: Value) -> bool:
    """A boolean from ``true``/``false`` (or ``1``/``0``) or a boolean value."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def _text(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return repr(value)
    return str(value)


def compare(rule: str, left: Value, right: Value) -> bool:
    """Apply an OpenSCENARIO rule (``equalTo``, ``greaterThan``, ...) to two values."""
    if rule not in _CONSTRAINT_RULES:
        raise ValueError(f"unknown rule {rule!r}; expected one of {', '.join(_CONSTRAINT_RULES)}")
    if isinstance(left, bool) or isinstance(right, bool):
        left, right = to_bool(left), to_bool(right)
    elif isinstance(left, int | float) or isinstance(right, int | float):
        left, right = to_float(left), to_float(right)
    return bool(_CONSTRAINT_RULES[rule](left, right))


def _check_constraints(
    doc_error: ErrorAt, element: ET.Element, name: str, value: Value, scope: Scope
) -> None:
    groups = element.findall("ConstraintGroup")
    if not groups:
        return
    for group in groups:
        try:
            if all(
                compare(c.get("rule", ""), value, resolve_text(c.get("value", ""), scope))
                for c in group.findall("ValueConstraint")
            ):
                return
        except (ExpressionError, ValueError) as exc:
            raise doc_error(element, f"parameter '{name}': constraint: {exc}") from None
    described = " or ".join(
        " and ".join(f"{c.get('rule')} {c.get('value')}" for c in group.findall("ValueConstraint"))
        for group in groups
    )
    raise doc_error(
        element, f"parameter '{name}' = {_text(value)} violates its constraints ({described})"
    )
