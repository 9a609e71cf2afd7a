"""Build typed, frozen dataclasses from plain YAML data, driven by type hints.

Accepted forms, by field type:

- ``str``: a string; an integer is accepted and written as text (OpenDRIVE
  ids such as ``road: 1``).
- ``int``: an integer, or a float with an integral value; never a boolean.
- ``float``: a finite number (integers included); never a boolean or string.
- ``bool``: ``true`` or ``false``.
- ``Literal[...]``: one of the listed values.
- ``X | None``: ``null`` or an ``X``.
- ``tuple[X, ...]``: a list of ``X``.
- ``tuple[X, X, X]``: a list of exactly that many ``X`` (positions ``[x, y, z]``).
- ``dict[str, X]``: a mapping with string keys and ``X`` values.
- ``Any``: any YAML value, unchanged.
- a dataclass: a mapping of its fields; a class with ``SHORTHAND`` also takes
  a non-mapping value for that field (``model: kinematic_bicycle``).
- a union of tagged dataclasses: ``{kind: {...}}``; ``{kind: value}`` fills
  the class's ``SHORTHAND`` field; a bare ``kind`` (or ``{kind: null}``) stands
  for a class without required fields (``behaviour: idle``).

Every problem is collected with its key path; conversion carries on past a
bad field so that one pass reports all problems of a file.
"""

from __future__ import annotations

import math
from typing import Any, get_args

from gauntlet.scenarios import introspect
from gauntlet.scenarios.errors import KeyPath, ScenarioError, describe, suggestion
from gauntlet.scenarios.schema import SourceInfo


class _Invalid:
    """Marks a value that could not be converted (its error is already recorded)."""

    def __repr__(self) -> str:
        return "<invalid>"


INVALID: Any = _Invalid()

_TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean (true or false)",
    type(None): "null",
}

_PLURAL_NAMES = {
    str: "strings",
    int: "integers",
    float: "numbers",
    bool: "booleans (true or false)",
}


def expected_name(tp: Any) -> str:
    """How a type reads after 'expected' in a message."""
    if tp in _TYPE_NAMES:
        return _TYPE_NAMES[tp]
    if introspect.is_literal(tp):
        return "one of " + ", ".join(repr(v) for v in get_args(tp))
    if introspect.is_union(tp):
        names = [expected_name(m) for m in get_args(tp)]
        return ", ".join(names[:-1]) + " or " + names[-1]
    item = introspect.tuple_item(tp)
    if item is not None:
        length = introspect.tuple_length(tp)
        return "a list" if length is None else fixed_list_name(item, length)
    return "a mapping"


def fixed_list_name(item: Any, length: int) -> str:
    """How a list of exactly ``length`` items of type ``item`` reads: 'a list of 3 numbers'."""
    if length == 1:
        return f"a list of one item, {expected_name(item)}"
    if item in _PLURAL_NAMES:
        return f"a list of {length} {_PLURAL_NAMES[item]}"
    return f"a list of {length} items, each {expected_name(item)}"


class Converter:
    """Converts raw YAML data to schema objects, collecting every error.

    Args:
        source: File name and line table used to locate errors.
    """

    def __init__(self, source: SourceInfo) -> None:
        self.source = source
        self.errors: list[ScenarioError] = []

    def error(self, path: KeyPath, message: str) -> Any:
        """Record an error at ``path`` and return :data:`INVALID`."""
        self.errors.append(
            ScenarioError(self.source.file, self.source.line_of(path), path, message)
        )
        return INVALID

    # ------------------------------------------------------------------ dispatch

    def convert(self, tp: Any, value: Any, path: KeyPath) -> Any:
        """Convert ``value`` to type ``tp``; :data:`INVALID` on error."""
        if value is INVALID:
            return INVALID
        if tp is Any:
            return value
        inner, optional = introspect.split_optional(tp)
        if optional:
            return None if value is None else self.convert(inner, value, path)
        if tp in (str, int, float, bool):
            return self._scalar(tp, value, path)
        if introspect.is_literal(tp):
            return self._literal(tp, value, path)
        kinds = introspect.tagged_members(tp)
        if kinds is not None:
            return self._tagged(kinds, value, path)
        if introspect.is_union(tp):
            return self._plain_union(tp, value, path)
        item = introspect.tuple_item(tp)
        if item is not None:
            return self._tuple(item, value, path, introspect.tuple_length(tp))
        dict_value = introspect.dict_value(tp)
        if dict_value is not None:
            return self._dict(dict_value, value, path)
        if introspect.is_schema_class(tp):
            return self._dataclass(tp, value, path)
        raise TypeError(f"unsupported schema type {tp!r} at {path}")

    # ------------------------------------------------------------------ scalars

    def _scalar(self, tp: type, value: Any, path: KeyPath) -> Any:
        is_bool = isinstance(value, bool)
        if tp is bool:
            return value if is_bool else self._wrong(tp, value, path)
        if tp is str:
            if isinstance(value, str):
                return value
            if isinstance(value, int) and not is_bool:
                return str(value)
            return self._wrong(tp, value, path)
        if is_bool or not isinstance(value, int | float):
            return self._wrong(tp, value, path)
        if isinstance(value, float) and not math.isfinite(value):
            return self.error(path, f"expected a finite number, got {describe(value)}")
        if tp is int:
            if isinstance(value, float) and not value.is_integer():
                return self._wrong(tp, value, path)
            return int(value)
        try:
            return float(value)
        except OverflowError:
            return self.error(path, f"expected a number within float range, got {describe(value)}")

    def _wrong(self, tp: Any, value: Any, path: KeyPath) -> Any:
        message = f"expected {expected_name(tp)}, got {describe(value)}"
        if tp in (int, float) and isinstance(value, str):
            if "${" in value:
                message += " (an unsubstituted ${...} expression)"
            else:
                try:
                    float(value)
                    message += " (a string: YAML reads 1e3 as text; write 1.0e+3)"
                except ValueError:
                    pass
        return self.error(path, message)

    def _literal(self, tp: Any, value: Any, path: KeyPath) -> Any:
        allowed = get_args(tp)
        # bool == int in Python; compare types too so that `true` is not `1`.
        if any(value == a and type(value) is type(a) for a in allowed):
            return value
        message = f"expected one of {', '.join(repr(a) for a in allowed)}, got {describe(value)}"
        if isinstance(value, str):
            hint = suggestion(value, [a for a in allowed if isinstance(a, str)], "values")
            if hint.startswith("; did you mean"):
                message += hint
        return self.error(path, message)

    def _plain_union(self, tp: Any, value: Any, path: KeyPath) -> Any:
        members = get_args(tp)
        # A value that already has one of the member types keeps it (3 stays an int).
        for member in members:
            if type(value) is member:
                return value
        for member in members:
            trial = Converter(self.source)
            result = trial.convert(member, value, path)
            if not trial.errors:
                return result
        return self._wrong(tp, value, path)

    # ------------------------------------------------------------------ containers

    def _tuple(self, item: Any, value: Any, path: KeyPath, length: int | None) -> Any:
        if length is not None and not (isinstance(value, list) and len(value) == length):
            got = len(value) if isinstance(value, list) else describe(value)
            return self.error(path, f"expected {fixed_list_name(item, length)}, got {got}")
        if not isinstance(value, list):
            return self.error(path, f"expected a list, got {describe(value)}")
        items = [self.convert(item, v, (*path, i)) for i, v in enumerate(value)]
        return INVALID if any(v is INVALID for v in items) else tuple(items)

    def _dict(self, value_type: Any, value: Any, path: KeyPath) -> Any:
        if not isinstance(value, dict):
            return self.error(path, f"expected a mapping, got {describe(value)}")
        result: dict[str, Any] = {}
        ok = True
        for key, v in value.items():
            if not isinstance(key, str):
                self.error((*path, key), f"expected a string key, got {describe(key)}")
                ok = False
                continue
            converted = self.convert(value_type, v, (*path, key))
            ok = ok and converted is not INVALID
            result[key] = converted
        return result if ok else INVALID

    # ------------------------------------------------------------------ dataclasses

    def _dataclass(self, cls: type, value: Any, path: KeyPath) -> Any:
        if isinstance(value, dict):
            return self.build(cls, value, path)
        shorthand = introspect.shorthand_of(cls)
        if shorthand is not None and value is not None:
            return self._shorthand(cls, shorthand, value, path)
        return self.error(path, f"expected a mapping, got {describe(value)}")

    def build(self, cls: type, mapping: dict[Any, Any], path: KeyPath) -> Any:
        """Build ``cls`` from a mapping of its fields."""
        fields = {f.name: f for f in introspect.schema_fields(cls)}
        kwargs: dict[str, Any] = {}
        ok = True
        for key, value in mapping.items():
            field = fields.get(key) if isinstance(key, str) else None
            if field is None:
                self.error(
                    (*path, key), f"unknown key {describe(key)}{suggestion(key, fields, 'keys')}"
                )
                ok = False
                continue
            converted = self.convert(field.type, value, (*path, key))
            if converted is not INVALID:
                converted = self._check_bounds(field, converted, (*path, key))
            ok = ok and converted is not INVALID
            kwargs[key] = converted
        for name, field in fields.items():
            if field.required and name not in mapping:
                self.error(path, f"missing required key '{name}'")
                ok = False
        return cls(**kwargs) if ok else INVALID

    def _shorthand(self, cls: type, shorthand: str, value: Any, path: KeyPath) -> Any:
        field = next(f for f in introspect.schema_fields(cls) if f.name == shorthand)
        converted = self.convert(field.type, value, path)
        if converted is not INVALID:
            converted = self._check_bounds(field, converted, path)
        if converted is INVALID:
            return INVALID
        missing = [n for n in introspect.required_fields(cls) if n != shorthand]
        if missing:
            return self.error(path, f"missing required key '{missing[0]}'")
        return cls(**{shorthand: converted})

    def _check_bounds(self, field: introspect.FieldInfo, value: Any, path: KeyPath) -> Any:
        if not field.bounds or isinstance(value, bool) or not isinstance(value, int | float):
            return value
        for key, bound in field.bounds.items():
            ok = {
                "ge": value >= bound,
                "gt": value > bound,
                "le": value <= bound,
                "lt": value < bound,
            }[key]
            if not ok:
                symbol = introspect.BOUND_SYMBOLS[key]
                return self.error(
                    path, f"expected a value {symbol} {bound:g}, got {describe(value)}"
                )
        return value

    # ------------------------------------------------------------------ tagged unions

    def _tagged(self, kinds: dict[str, type], value: Any, path: KeyPath) -> Any:
        allowed = ", ".join(kinds)
        if isinstance(value, str):
            cls = kinds.get(value)
            if cls is None:
                return self.error(
                    path, f"unknown kind {describe(value)}{suggestion(value, kinds, 'kinds')}"
                )
            required = introspect.required_fields(cls)
            if required:
                keys = ", ".join(f"{n}: ..." for n in required)
                return self.error(
                    path, f"kind '{value}' needs its keys: write {{{value}: {{{keys}}}}}"
                )
            return cls()
        if not isinstance(value, dict):
            return self.error(
                path,
                f"expected a one-key mapping {{kind: {{...}}}} with kind one of {allowed}, got {describe(value)}",
            )
        if len(value) != 1:
            return self.error(path, self._not_one_key(kinds, value))
        ((kind, body),) = value.items()
        cls = kinds.get(kind) if isinstance(kind, str) else None
        if cls is None:
            return self.error(
                (*path, kind), f"unknown kind {describe(kind)}{suggestion(kind, kinds, 'kinds')}"
            )
        body_path = (*path, kind)
        if isinstance(body, dict):
            return self.build(cls, body, body_path)
        if body is None and not introspect.required_fields(cls):
            return cls()
        shorthand = introspect.shorthand_of(cls)
        if shorthand is not None and body is not None:
            return self._shorthand(cls, shorthand, body, body_path)
        keys = ", ".join(f"{n}: ..." for n in introspect.required_fields(cls))
        return self.error(
            body_path, f"expected a mapping such as {{{kind}: {{{keys}}}}}, got {describe(body)}"
        )

    @staticmethod
    def _not_one_key(kinds: dict[str, type], value: dict[Any, Any]) -> str:
        if not value:
            return f"expected a one-key mapping {{kind: {{...}}}} with kind one of {', '.join(kinds)}, got an empty mapping"
        keys = ", ".join(describe(k) for k in value)
        message = f"expected a single kind key (one of {', '.join(kinds)}), got keys {keys}"
        fitting = [
            kind
            for kind, cls in kinds.items()
            if set(value) <= {f.name for f in introspect.schema_fields(cls)}
        ]
        if len(fitting) == 1:
            message += f"; did you mean {{{fitting[0]}: {{...}}}}?"
        return message
