"""Typed reading of OpenDRIVE attributes, with errors that say where and what was expected.

:class:`AttributeReader` turns the string attributes of one parsed element into
numbers, integers, choices, booleans, speeds and cubic records. Every error is an
:class:`OpenDriveError` naming the file, the line, the element, the attribute and
what was expected; the element readers of :mod:`gauntlet.maps.opendrive` build on it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TypeVar

from gauntlet.maps._xml import XmlNode
from gauntlet.maps.polynomial import CubicRecord

#: Factors from OpenDRIVE speed units to m/s.
SPEED_UNITS = {"m/s": 1.0, "km/h": 1.0 / 3.6, "mph": 0.44704}
_NO_LIMIT = ("no limit", "undefined")

T = TypeVar("T")
#: Default of the attribute getters: the attribute must be present.
REQUIRED = object()


class OpenDriveError(ValueError):
    """An OpenDRIVE file that cannot be read; the message says where and why."""


def _to_float(raw: str) -> float:
    """``raw`` as a float; NaN when it is not a number at all."""
    try:
        return float(raw)
    except ValueError:
        return math.nan


class AttributeReader:
    """Reads typed attributes of the elements of one OpenDRIVE source.

    Args:
        name: The source's name in error messages (a path, ``<string>`` or ``<bytes>``).
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def error(self, node: XmlNode, message: str) -> OpenDriveError:
        return OpenDriveError(f"{self.name}:{node.line}: <{node.tag}> {message}")

    def _raw(self, node: XmlNode, attr: str, default: object, expected: str) -> object:
        if attr in node.attrib:
            return node.attrib[attr]
        if default is REQUIRED:
            raise self.error(node, f"attribute {attr!r} is missing (expected {expected})")
        return default

    def string(self, node: XmlNode, attr: str, default: object = REQUIRED) -> str:
        return self._raw(node, attr, default, "a string")  # type: ignore[return-value]

    def number(
        self, node: XmlNode, attr: str, default: object = REQUIRED, *, minimum: float | None = None
    ) -> float:
        raw = self._raw(node, attr, default, "a number")
        if not isinstance(raw, str):
            return raw  # type: ignore[return-value]
        value = _to_float(raw)
        if not math.isfinite(value):
            raise self.error(node, f"attribute {attr!r}: expected a number, got {raw!r}")
        if minimum is not None and value < minimum:
            raise self.error(
                node, f"attribute {attr!r}: expected a number >= {minimum:g}, got {raw!r}"
            )
        return value

    def optional_number(self, node: XmlNode, attr: str) -> float | None:
        return self.number(node, attr) if attr in node.attrib else None

    def integer(self, node: XmlNode, attr: str, default: object = REQUIRED) -> int:
        raw = self._raw(node, attr, default, "an integer")
        if not isinstance(raw, str):
            return raw  # type: ignore[return-value]
        value = _to_float(raw)
        if not (math.isfinite(value) and value == int(value)):
            raise self.error(node, f"attribute {attr!r}: expected an integer, got {raw!r}")
        return int(value)

    def choice(
        self, node: XmlNode, attr: str, options: Sequence[str], default: object = REQUIRED
    ) -> str:
        raw = self._raw(node, attr, default, "one of " + ", ".join(repr(o) for o in options))
        if not isinstance(raw, str):
            return raw  # type: ignore[return-value]
        for option in options:
            if raw == option or raw.lower() == option.lower():
                return option
        expected = ", ".join(repr(o) for o in options)
        raise self.error(node, f"attribute {attr!r}: expected one of {expected}, got {raw!r}")

    def boolean(self, node: XmlNode, attr: str, default: bool) -> bool:
        raw = node.attrib.get(attr)
        if raw is None:
            return default
        lowered = raw.strip().lower()
        if lowered in ("true", "yes", "1"):
            return True
        if lowered in ("false", "no", "0"):
            return False
        raise self.error(node, f"attribute {attr!r}: expected true/false or yes/no, got {raw!r}")

    def speed(self, node: XmlNode, attr: str = "max") -> float | None:
        raw = self.string(node, attr)
        if raw.strip().lower() in _NO_LIMIT:
            return None
        value = self.number(node, attr, minimum=0.0)
        unit = node.attrib.get("unit", "m/s")
        if unit not in SPEED_UNITS:
            expected = ", ".join(repr(u) for u in SPEED_UNITS)
            raise self.error(node, f"attribute 'unit': expected one of {expected}, got {unit!r}")
        return value * SPEED_UNITS[unit]

    def cubic(self, node: XmlNode, s_attr: str) -> CubicRecord:
        return CubicRecord(
            self.number(node, s_attr, minimum=0.0),
            self.number(node, "a"),
            self.number(node, "b"),
            self.number(node, "c"),
            self.number(node, "d"),
        )

    def require(self, node: XmlNode, tag: str) -> XmlNode:
        child = node.find(tag)
        if child is None:
            raise self.error(node, f"is missing the child element <{tag}>")
        return child

    def ordered(
        self, nodes: list[XmlNode], values: list[T], key: Callable[[T], float], what: str
    ) -> None:
        for index in range(1, len(values)):
            if key(values[index]) < key(values[index - 1]):
                raise self.error(nodes[index], f"{what} must be ordered by s")
