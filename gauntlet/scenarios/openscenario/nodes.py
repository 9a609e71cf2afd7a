"""Elements with the parameter scope they are read in, and typed attribute access.

A :class:`Node` pairs an XML element with the :class:`Scope` its ``$name``
references resolve in and the :class:`Sources` that know the file and line
of every element (the scenario file and the catalogs it uses). Attribute
readers convert to the wanted type and report problems at the element.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field

from gauntlet.scenarios.expressions import ExpressionError
from gauntlet.scenarios.openscenario.document import Document, OpenScenarioError
from gauntlet.scenarios.openscenario.parameters import (
    Scope,
    Value,
    resolve_text,
    to_bool,
    to_float,
)


@dataclass(frozen=True)
class Note:
    """An element Gauntlet reproduces only approximately or not at all (no motion effect)."""

    file: str
    line: int | None
    element: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.element}: {self.message}"


@dataclass
class Sources:
    """The documents read for one import, and the notes collected on the way."""

    documents: dict[int, Document] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)

    def add(self, document: Document) -> None:
        """Register every element of ``document``."""
        for key in document.lines:
            self.documents[key] = document

    def locate(self, element: ET.Element) -> tuple[str, int | None]:
        """File and line of ``element``."""
        document = self.documents.get(id(element))
        if document is None:
            return "<openscenario>", None
        return document.file, document.line(element)

    def error(self, element: ET.Element, message: str) -> OpenScenarioError:
        """An error at ``element``."""
        file, line = self.locate(element)
        return OpenScenarioError(file, line, (element.tag,), message)

    def note(self, element: ET.Element, message: str) -> None:
        """Record an approximation or an element without effect in Gauntlet."""
        file, line = self.locate(element)
        self.notes.append(Note(file, line, element.tag, message))


@dataclass(frozen=True)
class Node:
    """An element read in a parameter scope."""

    element: ET.Element
    scope: Scope
    sources: Sources

    @property
    def tag(self) -> str:
        """The element's tag."""
        return self.element.tag

    @property
    def line(self) -> int | None:
        """The line of the start tag."""
        return self.sources.locate(self.element)[1]

    def error(self, message: str) -> OpenScenarioError:
        """An error located at this element."""
        return self.sources.error(self.element, message)

    def unsupported(self, what: str | None = None) -> OpenScenarioError:
        """The error for an element outside the supported set."""
        detail = f" {what}" if what else ""
        return self.error(f"not supported by the Gauntlet import{detail}")

    def note(self, message: str) -> None:
        """Record a note at this element."""
        self.sources.note(self.element, message)

    def at(self, element: ET.Element, scope: Scope | None = None) -> Node:
        """Another element, in this node's scope unless given."""
        return Node(element, self.scope if scope is None else scope, self.sources)

    # -- children ------------------------------------------------------------------------

    def children(self, tag: str | None = None) -> Iterator[Node]:
        """Child elements (all, or those called ``tag``)."""
        for element in self.element:
            if tag is None or element.tag == tag:
                yield self.at(element)

    def find(self, tag: str) -> Node | None:
        """The first child called ``tag``, or None."""
        element = self.element.find(tag)
        return None if element is None else self.at(element)

    def need(self, tag: str) -> Node:
        """The child called ``tag``; an error if missing."""
        found = self.find(tag)
        if found is None:
            raise self.error(f"missing child element <{tag}>")
        return found

    def choice(self, allowed: tuple[str, ...] | None = None) -> Node:
        """The single child of a choice element; unknown choices are unsupported."""
        kids = list(self.element)
        if len(kids) != 1:
            found = ", ".join(k.tag for k in kids) or "none"
            raise self.error(f"expected exactly one child element, found {found}")
        child = self.at(kids[0])
        if allowed is not None and child.tag not in allowed:
            raise child.unsupported(f"(supported here: {', '.join(allowed)})")
        return child

    # -- attributes ----------------------------------------------------------------------

    def has(self, name: str) -> bool:
        """Whether the attribute is present."""
        return name in self.element.attrib

    def value(self, name: str, default: Value | None = None) -> Value:
        """The attribute's value after parameter resolution."""
        raw = self.element.get(name)
        if raw is None:
            if default is None:
                raise self.error(f"missing attribute '{name}'")
            return default
        try:
            return resolve_text(raw, self.scope)
        except ExpressionError as exc:
            raise self.error(f"attribute '{name}': {exc}") from None

    def text(self, name: str, default: str | None = None) -> str:
        """A string attribute."""
        value = self.value(name, default)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def num(self, name: str, default: float | None = None) -> float:
        """A number attribute."""
        value = self.value(name, default)
        try:
            return to_float(value)
        except ValueError as exc:
            raise self.error(f"attribute '{name}': {exc}") from None

    def opt_num(self, name: str) -> float | None:
        """A number attribute, or None when absent."""
        return self.num(name) if self.has(name) else None

    def integer(self, name: str, default: int | None = None) -> int:
        """A whole-number attribute."""
        number = self.num(name, None if default is None else float(default))
        if not number.is_integer():
            raise self.error(f"attribute '{name}': expected a whole number, got {number!r}")
        return int(number)

    def flag(self, name: str, default: bool | None = None) -> bool:
        """A boolean attribute."""
        value = self.value(name, default)
        try:
            return to_bool(value)
        except ValueError as exc:
            raise self.error(f"attribute '{name}': {exc}") from None

    def enum(self, name: str, allowed: tuple[str, ...], default: str | None = None) -> str:
        """An attribute restricted to ``allowed`` words; others are unsupported."""
        value = self.text(name, default)
        if value not in allowed:
            raise self.error(
                f"{name}={value!r} is not supported by the Gauntlet import "
                f"(supported: {', '.join(allowed)})"
            )
        return value
