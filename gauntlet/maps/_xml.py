"""A minimal XML element tree that remembers the line of every element."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.parsers import expat


@dataclass(eq=False)
class XmlNode:
    """An element: tag, attributes, children in document order and its line (1-based)."""

    tag: str
    attrib: dict[str, str]
    line: int
    children: list[XmlNode] = field(default_factory=list)
    text: str = ""

    def iter(self, tag: str) -> list[XmlNode]:
        """Direct children with this tag."""
        return [child for child in self.children if child.tag == tag]

    def find(self, tag: str) -> XmlNode | None:
        """First direct child with this tag, or ``None``."""
        for child in self.children:
            if child.tag == tag:
                return child
        return None


class XmlSyntaxError(ValueError):
    """Malformed XML, with the line where the parser stopped."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def parse_xml(data: bytes) -> XmlNode:
    """Parses an XML document; entities are not fetched and DTDs are refused.

    Raises:
        XmlSyntaxError: If the document is not well-formed.
    """
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[XmlNode] = []
    roots: list[XmlNode] = []

    def start(tag: str, attrib: dict[str, str]) -> None:
        node = XmlNode(tag, attrib, parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(node)
        else:
            roots.append(node)
        stack.append(node)

    def end(tag: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        if stack:
            stack[-1].text += data

    def refuse_doctype(*args: object) -> None:
        raise XmlSyntaxError(
            "document type declarations are not accepted", parser.CurrentLineNumber
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = refuse_doctype
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise XmlSyntaxError(expat.errors.messages[error.code], error.lineno) from None
    return roots[0]
