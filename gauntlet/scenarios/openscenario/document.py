"""OpenSCENARIO XML documents: parsing with line numbers, element access and errors.

Files are read with :mod:`xml.parsers.expat` into :mod:`xml.etree.ElementTree`
elements, recording the line of every start tag. Document type declarations
are refused, so no entity is ever expanded and nothing outside the file is
fetched. Every problem is reported as a :class:`~gauntlet.scenarios.errors.ScenarioError`
whose key path is the element's tag (``file:line: Tag: message``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from gauntlet.scenarios.errors import ScenarioError


class OpenScenarioError(ScenarioError):
    """One problem in an OpenSCENARIO file, located at an element's start tag."""


@dataclass
class Document:
    """A parsed XML file and the line of each of its elements."""

    file: str
    root: ET.Element
    lines: dict[int, int] = field(default_factory=dict, repr=False)

    def line(self, element: ET.Element) -> int | None:
        """1-based line of ``element``'s start tag."""
        return self.lines.get(id(element))


def parse_document(path: str | Path) -> Document:
    """Read an XML file, recording the line of every element.

    Raises:
        OpenScenarioError: If the file cannot be read, is not well-formed XML,
            or declares a document type (entities are never expanded).
    """
    file = str(path)
    try:
        data = Path(file).read_bytes()
    except FileNotFoundError:
        raise OpenScenarioError(file, None, (), "file not found") from None
    except OSError as exc:
        raise OpenScenarioError(file, None, (), f"cannot read the file: {exc}") from None
    return parse_bytes(data, file)


def parse_bytes(data: bytes, file: str = "<string>") -> Document:
    """Parse XML bytes (or text encoded as UTF-8); see :func:`parse_document`."""
    builder = ET.TreeBuilder()
    lines: dict[int, int] = {}
    parser = expat.ParserCreate()
    parser.buffer_text = True

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = builder.start(tag, attrs)
        lines[id(element)] = parser.CurrentLineNumber

    def refuse_doctype(*_: object) -> None:
        raise _Refused("document type declarations are not accepted")

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        raise OpenScenarioError(file, parser.CurrentLineNumber, (), str(exc)) from None
    except expat.ExpatError as exc:
        message = f"invalid XML: {expat.ErrorString(exc.code)}"
        raise OpenScenarioError(file, exc.lineno, (), message) from None
    root = builder.close()
    return Document(file, root, lines)


class _Refused(Exception):
    """Raised inside the expat callbacks for a construct that is not accepted."""
