"""Write scenarios back to YAML: the inverse of the loader.

The written form keeps the key order of the dataclasses, leaves out values
equal to their defaults, writes tagged unions as one-key mappings
(``{lane_change: {entity: cut_in, lanes: 1}}``) and protects literal ``${``
in strings as ``$${``, so that reading the text back gives an equal scenario.
"""

from __future__ import annotations

from typing import Any

import yaml

from gauntlet.scenarios import introspect
from gauntlet.scenarios.domains import DEFAULT_DOMAIN, domain_of
from gauntlet.scenarios.expressions import escape
from gauntlet.scenarios.schema import FORMAT_VERSION, Scenario


def to_raw(value: Any) -> Any:
    """Turn a schema value into plain YAML data (dicts, lists, scalars).

    Args:
        value: A schema dataclass instance, tuple, dict or scalar.

    Returns:
        Data for ``yaml.safe_dump``; fields equal to their defaults are omitted.
    """
    if introspect.is_schema_class(type(value)):
        body: dict[str, Any] = {}
        for field in introspect.schema_fields(type(value)):
            item = getattr(value, field.name)
            if field.required or not _same(item, field.default):
                body[field.name] = to_raw(item)
        kind = introspect.kind_of(type(value))
        return {kind: body} if kind else body
    if isinstance(value, tuple | list):
        return [to_raw(v) for v in value]
    if isinstance(value, dict):
        return {k: to_raw(v) for k, v in value.items()}
    if isinstance(value, str):
        return escape(value)
    return value


def _same(value: Any, default: Any) -> bool:
    # 1 == 1.0 == True in Python; a default is only omitted when the type matches too.
    return type(value) is type(default) and value == default


def dump_scenario(scenario: Scenario | Any) -> str:
    """Write a scenario as YAML text that :func:`parse_scenario` reads back equal.

    The format version ``gauntlet: 1`` is always written, as the first key,
    so that the file declares its format; so is the ``domain`` of a drone,
    swarm or skill scenario.

    Args:
        scenario: The scenario to write; ``source`` is not written.

    Returns:
        YAML text of one scenario mapping.
    """
    body = to_raw(scenario)
    body.pop("gauntlet", None)
    domain = domain_of(scenario)
    if domain != DEFAULT_DOMAIN:
        body.pop("domain", None)
        body = {"name": body.pop("name"), "domain": domain, **body}
    document = {"gauntlet": FORMAT_VERSION, **body}
    return yaml.safe_dump(
        document, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )
