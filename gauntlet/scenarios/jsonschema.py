"""A JSON Schema (draft 2020-12) of the scenario format, generated from the dataclasses.

Editors with YAML language support use it for completion, hover docs and
early errors: point them at the output of ``python3 -m gauntlet.scenarios.jsonschema``.

The schema checks structure and types; the loader remains the authority
(references between names, parameter expressions). Wherever a number,
boolean or fixed word is expected, a ``${...}`` string is accepted as well,
so that parameterised files are not flagged.
"""

from __future__ import annotations

import json
from typing import Any, get_args

from gauntlet.scenarios import introspect
from gauntlet.scenarios.domains import DEFAULT_DOMAIN, document_class
from gauntlet.scenarios.dump import to_raw
from gauntlet.scenarios.schema import FORMAT_VERSION, Scenario

DRAFT = "https://json-schema.org/draft/2020-12/schema"
#: Name of the definition of ``${...}`` strings.
EXPRESSION = "Expression"

_BOUND_KEYWORDS = {
    "ge": "minimum",
    "gt": "exclusiveMinimum",
    "le": "maximum",
    "lt": "exclusiveMaximum",
}
_PRIMITIVES: dict[type, dict[str, Any]] = {
    str: {"type": ["string", "integer"]},
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    float: {"type": "number"},
}


def scenario_json_schema(domain: str = DEFAULT_DOMAIN) -> dict[str, Any]:
    """The JSON Schema of one scenario file of ``domain`` (driving, drone, swarm, skill).

    Raises:
        KeyError: An unknown domain.

    Returns:
        A JSON-serialisable dict: ``$defs`` holds one object schema per
        dataclass, one ``oneOf`` per tagged union and the expression pattern.
    """
    document = Scenario if domain == DEFAULT_DOMAIN else document_class(domain)
    builder = _Builder()
    builder.schema_for(document)
    kind = "" if domain == DEFAULT_DOMAIN else f"{domain} "
    return {
        "$schema": DRAFT,
        "title": f"Gauntlet {kind}scenario (format version {FORMAT_VERSION})",
        "$ref": f"#/$defs/{document.__name__}",
        "$defs": dict(sorted(builder.defs.items())),
    }


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def _parameterisable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, _ref(EXPRESSION)]}


class _Builder:
    """Collects ``$defs`` while turning type hints into schemas."""

    def __init__(self) -> None:
        self.defs: dict[str, Any] = {
            EXPRESSION: {
                "description": "A ${...} expression over the scenario's parameters.",
                "type": "string",
                "pattern": r"^\$\{[^{}]*\}$",
            }
        }

    def schema_for(self, tp: Any, bounds: dict[str, float] | None = None) -> dict[str, Any]:
        if tp is Any:
            return {}
        inner, optional = introspect.split_optional(tp)
        if optional:
            return {"anyOf": [self.schema_for(inner, bounds), {"type": "null"}]}
        if tp is str:
            return dict(_PRIMITIVES[str])
        if tp in (bool, int, float):
            schema = dict(_PRIMITIVES[tp])
            for key, bound in (bounds or {}).items():
                schema[_BOUND_KEYWORDS[key]] = bound
            return _parameterisable(schema)
        if introspect.is_literal(tp):
            return _parameterisable({"enum": list(get_args(tp))})
        kinds = introspect.tagged_members(tp)
        if kinds is not None:
            return self._tagged_union(tp, kinds)
        if introspect.is_union(tp):
            return {"anyOf": [dict(_PRIMITIVES.get(m) or self.schema_for(m)) for m in get_args(tp)]}
        item = introspect.tuple_item(tp)
        if item is not None:
            array = {"type": "array", "items": self.schema_for(item)}
            length = introspect.tuple_length(tp)
            if length is not None:
                array.update(minItems=length, maxItems=length)
            return array
        value = introspect.dict_value(tp)
        if value is not None:
            return {"type": "object", "additionalProperties": self.schema_for(value)}
        if introspect.is_schema_class(tp):
            ref = self._class(tp)
            shorthand = introspect.shorthand_of(tp)
            if shorthand is not None and not introspect.kind_of(tp):
                return {"anyOf": [ref, self._field_schema(tp, shorthand)]}
            return ref
        raise TypeError(f"unsupported schema type {tp!r}")

    def _field_schema(self, cls: type, name: str) -> dict[str, Any]:
        field = next(f for f in introspect.schema_fields(cls) if f.name == name)
        return self.schema_for(field.type, field.bounds)

    def _class(self, cls: type) -> dict[str, Any]:
        name = cls.__name__
        if name in self.defs:
            return _ref(name)
        self.defs[name] = {}  # placeholder: breaks recursion (AllTrigger -> Trigger -> AllTrigger)
        properties = {}
        for field in introspect.schema_fields(cls):
            schema = {**self.schema_for(field.type, field.bounds), "description": field.doc}
            if not field.required:
                schema["default"] = to_raw(field.default)
            properties[field.name] = schema
        definition: dict[str, Any] = {"type": "object"}
        description = introspect.first_doc_paragraph(cls)
        if description:
            definition["description"] = description
        definition["properties"] = properties
        required = list(introspect.required_fields(cls))
        if required:
            definition["required"] = required
        definition["additionalProperties"] = False
        self.defs[name] = definition
        return _ref(name)

    def _tagged_union(self, tp: Any, kinds: dict[str, type]) -> dict[str, Any]:
        name = introspect.union_name(tp)
        if name in self.defs:
            return _ref(name)
        self.defs[name] = {}
        forms: list[dict[str, Any]] = []
        for kind, cls in kinds.items():
            values = [self._class(cls)]
            has_required = bool(introspect.required_fields(cls))
            if not has_required:
                values.append({"type": "null"})
            shorthand = introspect.shorthand_of(cls)
            if shorthand is not None:
                values.append(self._field_schema(cls, shorthand))
            forms.append(
                {
                    "type": "object",
                    "properties": {kind: values[0] if len(values) == 1 else {"anyOf": values}},
                    "required": [kind],
                    "additionalProperties": False,
                }
            )
            if not has_required:
                forms.append({"const": kind})
        self.defs[name] = {
            "description": f"One of the kinds {', '.join(kinds)}, as a one-key mapping {{kind: {{...}}}}.",
            "oneOf": forms,
        }
        return _ref(name)


if __name__ == "__main__":
    print(json.dumps(scenario_json_schema(), indent=2))
