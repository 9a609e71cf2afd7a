"""The generated JSON Schema: its structure, and that scenario files validate against it.

A small structural validator below covers exactly the keywords the generator
emits (and fails on any other), so the check needs no extra dependency. When
the ``jsonschema`` package happens to be installed, it is used as well.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest
import yaml
from scenario_samples import EVERY_CLASS, MINIMAL, docs_example

from gauntlet.scenarios.introspect import schema_fields
from gauntlet.scenarios.jsonschema import scenario_json_schema
from gauntlet.scenarios.schema import Scenario

_ANNOTATIONS = {"$schema", "$defs", "title", "description", "default"}
_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "integer": lambda v: (
        isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer()
    ),
}


def validate(
    instance: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$"
) -> list[str]:
    """Errors of ``instance`` against the subset of draft 2020-12 the generator uses."""
    errors: list[str] = []
    for keyword, value in schema.items():
        if keyword in _ANNOTATIONS:
            continue
        if keyword == "$ref":
            target = root
            for part in value.removeprefix("#/").split("/"):
                target = target[part]
            errors += validate(instance, target, root, path)
        elif keyword == "type":
            names = value if isinstance(value, list) else [value]
            if not any(_TYPES[n](instance) for n in names):
                errors.append(f"{path}: expected {value}, got {instance!r}")
        elif keyword == "enum":
            if not any(instance == v and type(instance) is type(v) for v in value):
                errors.append(f"{path}: {instance!r} not in {value}")
        elif keyword == "const":
            if instance != value:
                errors.append(f"{path}: expected {value!r}")
        elif keyword == "pattern":
            if isinstance(instance, str) and not re.search(value, instance):
                errors.append(f"{path}: {instance!r} does not match {value}")
        elif keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if _TYPES["number"](instance) and not _in_bound(keyword, instance, value):
                errors.append(f"{path}: {instance!r} violates {keyword} {value}")
        elif keyword == "properties":
            if isinstance(instance, dict):
                for key, sub in value.items():
                    if key in instance:
                        errors += validate(instance[key], sub, root, f"{path}.{key}")
        elif keyword == "required":
            if isinstance(instance, dict):
                errors += [f"{path}: missing {key}" for key in value if key not in instance]
        elif keyword == "additionalProperties":
            if isinstance(instance, dict):
                extra = [k for k in instance if k not in schema.get("properties", {})]
                for key in extra:
                    if value is False:
                        errors.append(f"{path}: unexpected key {key!r}")
                    else:
                        errors += validate(instance[key], value, root, f"{path}.{key}")
        elif keyword == "items":
            if isinstance(instance, list):
                for index, item in enumerate(instance):
                    errors += validate(item, value, root, f"{path}[{index}]")
        elif keyword in ("anyOf", "oneOf"):
            matches = sum(not validate(instance, sub, root, path) for sub in value)
            if matches == 0 or (keyword == "oneOf" and matches > 1):
                errors.append(f"{path}: {matches} alternatives of {keyword} match")
        else:
            raise AssertionError(f"the test validator does not know the keyword {keyword!r}")
    return errors


def _in_bound(keyword: str, value: float, bound: float) -> bool:
    return {
        "minimum": value >= bound,
        "maximum": value <= bound,
        "exclusiveMinimum": value > bound,
        "exclusiveMaximum": value < bound,
    }[keyword] and math.isfinite(value)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return scenario_json_schema()


def test_schema_is_json_with_resolvable_refs(schema):
    text = json.dumps(schema)
    assert json.loads(text) == schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    refs = set(re.findall(r'"\$ref": "#/\$defs/(\w+)"', text))
    assert refs <= set(schema["$defs"])
    assert "Scenario" in refs


def test_scenario_definition(schema):
    scenario = schema["$defs"]["Scenario"]
    assert scenario["type"] == "object"
    assert scenario["additionalProperties"] is False
    assert scenario["required"] == ["name", "map", "entities"]
    assert list(scenario["properties"]) == [f.name for f in schema_fields(Scenario)]
    dt = scenario["properties"]["dt_s"]
    assert dt["description"] == "Fixed simulation step."
    assert dt["default"] == 0.05
    assert dt["anyOf"] == [
        {"type": "number", "exclusiveMinimum": 0.0, "maximum": 0.5},
        {"$ref": "#/$defs/Expression"},
    ]
    assert scenario["properties"]["category"]["anyOf"][0] == {
        "enum": ["smoke", "typical", "continuous", "v2x", "urban"]
    }


def test_tagged_unions_are_one_key_objects(schema):
    position = schema["$defs"]["Position"]["oneOf"]
    assert [form["required"] for form in position] == [
        ["world"],
        ["lane"],
        ["relative_lane"],
        ["relative_world"],
    ]
    assert all(form["additionalProperties"] is False for form in position)
    behaviour = schema["$defs"]["Behaviour"]["oneOf"]
    assert {"const": "idle"} in behaviour
    assert {"const": "walk"} not in behaviour  # walk has a required path
    after_event = next(
        f for f in schema["$defs"]["Trigger"]["oneOf"] if f.get("required") == ["after_event"]
    )
    shorthand = after_event["properties"]["after_event"]["anyOf"]
    assert {"$ref": "#/$defs/AfterEventTrigger"} in shorthand
    assert {"type": ["string", "integer"]} in shorthand


def test_motion_model_shorthand(schema):
    model = schema["$defs"]["Entity"]["properties"]["model"]["anyOf"][0]
    assert model["anyOf"] == [{"$ref": "#/$defs/MotionModelSpec"}, {"type": ["string", "integer"]}]


@pytest.mark.parametrize(
    "text", [MINIMAL, EVERY_CLASS, docs_example()], ids=["minimal", "every_class", "docs_example"]
)
def test_scenario_files_validate(schema, text):
    # Raw YAML, before parameters are substituted: ${...} strings must pass.
    assert validate(yaml.safe_load(text), schema, schema) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("speed_mps: 10.0", "speed_mps: fast", "$.entities[0].initial.speed_mps"),
        ("speed_mps: 10.0", "sped_mps: 10.0", "$.entities[0].initial: unexpected key 'sped_mps'"),
        ("{lane: {", "{frenet: {", "$.entities[0].initial.position: 0 alternatives"),
        ("s_m: 10.0", "s_m: -1.0", "$.entities[0].initial.position"),
        ("type: car", "type: van", "$.entities[0].type"),
    ],
)
def test_invalid_files_do_not_validate(schema, old, new, expected):
    errors = validate(yaml.safe_load(MINIMAL.replace(old, new)), schema, schema)
    assert any(e.startswith(expected) for e in errors), errors


def test_with_the_jsonschema_package_when_installed(schema):
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for text in (MINIMAL, EVERY_CLASS, docs_example()):
        assert list(validator.iter_errors(yaml.safe_load(text))) == []
    assert list(validator.iter_errors(yaml.safe_load(MINIMAL.replace("type: car", "type: van"))))
