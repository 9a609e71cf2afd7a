"""The Markdown reference of the scenario format, generated from the dataclasses.

``docs/scenario-format.md`` holds a hand-written introduction followed by
this reference between two marker comments. Regenerate it with::

    python3 -m gauntlet.scenarios.reference --write docs/scenario-format.md

``--check`` exits with status 1 when the file is out of date; without
options the reference is printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, get_args

from gauntlet.scenarios import introspect
from gauntlet.scenarios.dump import to_raw
from gauntlet.scenarios.schema import Scenario

BEGIN_MARKER = "<!-- BEGIN GENERATED REFERENCE: python3 -m gauntlet.scenarios.reference -->"
END_MARKER = "<!-- END GENERATED REFERENCE -->"

_PRIMITIVE_NAMES = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


def markdown_reference() -> str:
    """Markdown sections for every class and tagged union of the format.

    Sections come in the order a reader meets them, starting at ``Scenario``.
    Each class lists its keys with type, default, allowed range and description.
    """
    sections: list[str] = []
    _Writer(sections).visit(Scenario)
    intro = (
        "## Reference\n\n"
        "Every key of the format. *required* keys have no default; ranges are "
        "checked when the file is loaded. Types link to their sections.\n"
    )
    return "\n".join([intro, *sections]).rstrip() + "\n"


def replace_generated(document: str, reference: str) -> str:
    """Put ``reference`` between the markers of ``document``.

    Raises:
        ValueError: If the markers are missing or out of order.
    """
    begin, end = document.find(BEGIN_MARKER), document.find(END_MARKER)
    if begin < 0 or end < begin:
        raise ValueError(f"expected the markers {BEGIN_MARKER!r} and {END_MARKER!r} in this order")
    head = document[: begin + len(BEGIN_MARKER)]
    return f"{head}\n\n{reference}\n{document[end:]}"


def _anchor(name: str) -> str:
    return f"[{name}](#{name.lower()})"


def type_text(tp: Any) -> str:
    """How a field type reads in the reference (with links to its sections)."""
    if tp is Any:
        return "any"
    if tp in _PRIMITIVE_NAMES:
        return _PRIMITIVE_NAMES[tp]
    inner, optional = introspect.split_optional(tp)
    if optional:
        return f"{type_text(inner)} or null"
    if introspect.is_literal(tp):
        return "one of " + ", ".join(f"`{v}`" for v in get_args(tp))
    if introspect.tagged_members(tp) is not None:
        return _anchor(introspect.union_name(tp))
    if introspect.is_union(tp):
        names = [type_text(m) for m in get_args(tp)]
        return ", ".join(names[:-1]) + " or " + names[-1]
    item = introspect.tuple_item(tp)
    if item is not None:
        length = introspect.tuple_length(tp)
        return f"list of {type_text(item)}" + ("" if length is None else f" (exactly {length})")
    value = introspect.dict_value(tp)
    if value is not None:
        return f"mapping of string to {type_text(value)}"
    if introspect.is_schema_class(tp):
        return _anchor(tp.__name__)
    raise TypeError(f"unsupported schema type {tp!r}")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _default_text(field: introspect.FieldInfo) -> str:
    if field.required:
        return "*required*"
    return f"`{json.dumps(to_raw(field.default))}`"


def _range_text(field: introspect.FieldInfo) -> str:
    return ", ".join(f"{introspect.BOUND_SYMBOLS[k]} {v:g}" for k, v in field.bounds.items())


class _Writer:
    """Walks the schema from a root class and writes one section per class or union."""

    def __init__(self, sections: list[str]) -> None:
        self.sections = sections
        self.done: set[str] = set()

    def visit(self, tp: Any) -> None:
        inner, _ = introspect.split_optional(tp)
        kinds = introspect.tagged_members(inner)
        if kinds is not None:
            self._union(inner, kinds)
            return
        if introspect.is_schema_class(inner):
            self._class(inner)
            return
        for arg in get_args(inner):
            if arg is not Ellipsis:
                self.visit(arg)

    def _union(self, tp: Any, kinds: dict[str, type]) -> None:
        name = introspect.union_name(tp)
        if name in self.done:
            return
        self.done.add(name)
        rows = ["| Kind | Class | Description |", "|---|---|---|"]
        for kind, cls in kinds.items():
            description = _cell(introspect.first_doc_paragraph(cls))
            rows.append(f"| `{kind}` | {_anchor(cls.__name__)} | {description} |")
        self.sections.append(
            f"### {name}\n\n"
            f"Written as a one-key mapping whose key is the kind: `{{kind: {{...}}}}`.\n\n"
            + "\n".join(rows)
            + "\n"
        )
        for cls in kinds.values():
            self._class(cls)

    def _class(self, cls: type) -> None:
        name = cls.__name__
        if name in self.done:
            return
        self.done.add(name)
        lines = [f"### {name}", ""]
        description = introspect.first_doc_paragraph(cls)
        if description:
            lines += [description, ""]
        lines += self._forms(cls)
        fields = introspect.schema_fields(cls)
        if fields:
            lines += ["| Key | Type | Default | Range | Description |", "|---|---|---|---|---|"]
            for field in fields:
                cells = [
                    f"`{field.name}`",
                    type_text(field.type),
                    _default_text(field),
                    _range_text(field),
                    field.doc,
                ]
                lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        else:
            lines.append("No keys.")
        self.sections.append("\n".join(lines) + "\n")
        for field in fields:
            self.visit(field.type)

    @staticmethod
    def _forms(cls: type) -> list[str]:
        kind = introspect.kind_of(cls)
        shorthand = introspect.shorthand_of(cls)
        forms = []
        if kind:
            forms.append(f"`{{{kind}: {{...}}}}`")
            if shorthand:
                forms.append(f"`{{{kind}: <{shorthand}>}}`")
            if not introspect.required_fields(cls):
                forms.append(f"`{kind}`")
        elif shorthand:
            forms += ["a mapping of the keys below", f"`<{shorthand}>` alone"]
        if not forms:
            return []
        return ["Written as " + " or ".join(forms) + ".", ""]


def main(argv: Sequence[str] | None = None) -> int:
    """Print the reference, or write or check it in a Markdown file."""
    parser = argparse.ArgumentParser(
        prog="python3 -m gauntlet.scenarios.reference", description=__doc__.split("\n")[0]
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--write", type=Path, metavar="FILE", help="replace the generated part of FILE"
    )
    group.add_argument(
        "--check", type=Path, metavar="FILE", help="exit 1 if the generated part of FILE is stale"
    )
    args = parser.parse_args(argv)
    reference = markdown_reference()
    target = args.write or args.check
    if target is None:
        sys.stdout.write(reference)
        return 0
    current = target.read_text(encoding="utf-8")
    updated = replace_generated(current, reference)
    if args.check:
        if updated != current:
            print(
                f"{target} is out of date; run: python3 -m gauntlet.scenarios.reference --write {target}"
            )
            return 1
        return 0
    target.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
