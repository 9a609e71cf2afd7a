"""Scenario parameters: evaluate them and substitute them into the rest of the file.

A scenario's ``parameters`` mapping names scalar values. Before the file is
converted, every string value in it is passed through
:func:`~gauntlet.scenarios.expressions.substitute`, so ``"${expr}"`` becomes
the expression's value and ``${...}`` inside longer text is interpolated.
Parameter values may themselves use parameters defined above them. A sweep
replaces declared values through ``overrides`` before anything is evaluated.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from gauntlet.scenarios.convert import INVALID
from gauntlet.scenarios.errors import KeyPath, ScenarioError, describe, suggestion
from gauntlet.scenarios.expressions import (
    CONSTANTS,
    FUNCTIONS,
    ExpressionError,
    UnresolvedParameter,
    substitute,
)
from gauntlet.scenarios.schema import SourceInfo


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
            report(
                ("parameters",),
                f"override of undeclared parameter '{name}'{suggestion(name, declared, 'parameters')}",
            )

    names: dict[str, Any] = {}
    evaluated: dict[Any, Any] = {}
    for index, (name, value) in enumerate(declared.items()):
        path = ("parameters", name)
        if overrides and name in overrides:
            value = overrides[name]
        evaluated[name] = value
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            report(
                path,
                f"parameter names must be identifiers (letters, digits, _), got {describe(name)}",
            )
            continue
        if name in FUNCTIONS or name in CONSTANTS:
            report(path, f"parameter name '{name}' is reserved for a function or constant")
            names[name] = INVALID
            continue
        if isinstance(value, str):
            later = [n for n in list(declared)[index + 1 :] if isinstance(n, str)]
            try:
                value = substitute(value, _Scope(names, name, later))
            except UnresolvedParameter:
                value = INVALID
            except ExpressionError as exc:
                report(path, f"in {value!r}: {exc}")
                value = INVALID
            evaluated[name] = value
        elif value is None or not isinstance(value, bool | int | float):
            value = INVALID  # the converter reports the wrong type
        names[name] = value

    # The tree keeps its shape and key order, so the line table still applies.
    result = {
        key: evaluated if key == "parameters" else _substitute_tree(value, names, (key,), report)
        for key, value in raw.items()
    }
    return result, errors


def _substitute_tree(
    value: Any, names: Mapping[str, Any], path: KeyPath, report: Callable[[KeyPath, str], None]
) -> Any:
    if isinstance(value, str):
        try:
            return substitute(value, names)
        except UnresolvedParameter:
            pass
        except ExpressionError as exc:
            report(path, f"in {value!r}: {exc}")
        return INVALID
    if isinstance(value, dict):
        return {k: _substitute_tree(v, names, (*path, k), report) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute_tree(v, names, (*path, i), report) for i, v in enumerate(value)]
    return value


class _Scope(Mapping[str, Any]):
    """The parameters visible while one parameter is defined: those above it.

    Looking up the parameter itself or one further down is an error that
    says so, rather than an unknown name.
    """

    def __init__(self, names: Mapping[str, Any], current: str, later: list[str]) -> None:
        self._names = names
        self._current = current
        self._later = later

    def __contains__(self, key: object) -> bool:
        return key in self._names or key == self._current or key in self._later

    def __getitem__(self, key: str) -> Any:
        if key == self._current:
            raise ExpressionError(f"parameter '{key}' refers to itself")
        if key in self._later:
            raise ExpressionError(
                f"parameter '{key}' is defined further down; a parameter may use only those above it"
            )
        return self._names[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)
