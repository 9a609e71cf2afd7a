"""The scenario model: schema, YAML loader with strict validation, and discovery.

Typical use::

    from gauntlet.scenarios import load_scenario, ScenarioErrors

    try:
        scenario = load_scenario("scenarios/highway/cut_in.yaml")
    except ScenarioErrors as errors:
        print(errors)  # one "file:line: key.path: message" per line
"""

from __future__ import annotations

from gauntlet.scenarios.catalog import find_scenario_files
from gauntlet.scenarios.errors import ScenarioError, ScenarioErrors, error_at
from gauntlet.scenarios.loader import (
    dump_scenario,
    load_scenario,
    load_yaml_with_lines,
    parse_scenario,
)
from gauntlet.scenarios.schema import FORMAT_VERSION, Scenario, SourceInfo

__all__ = [
    "FORMAT_VERSION",
    "Scenario",
    "ScenarioError",
    "ScenarioErrors",
    "SourceInfo",
    "dump_scenario",
    "error_at",
    "find_scenario_files",
    "load_scenario",
    "load_yaml_with_lines",
    "parse_scenario",
]
