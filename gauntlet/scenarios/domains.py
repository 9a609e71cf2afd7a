"""Scenario domains: one file format, several kinds of world.

A scenario file's top-level ``domain`` key says which world runs it:

* ``driving`` (the default): road users on a road network, :class:`~gauntlet.scenarios.schema.Scenario`;
* ``drone``: quadrotors in wind among obstacles and no-fly zones;
* ``swarm``: heterogeneous drones, surface vessels and ground robots on a radio network;
* ``skill``: robot arms running skills in a pybullet scene.

Each domain has a *document class*, a frozen dataclass of the scenario model
(``gauntlet.scenarios``), built by the same strict loader as driving
scenarios: unknown keys, types, bounds, ``${...}`` parameters and
``variations`` sweeps behave the same, and every error names file, line and
key. A document class carries the header fields every domain shares
(:class:`MissionHeader`): ``name``, ``gauntlet``, ``description``,
``category``, ``tags``, ``seed``, ``parameters``, ``variations``, ``stack``,
plus ``source`` and ``variation`` set by the loader. It may define
``check(self) -> list[ScenarioError]`` for rules across fields.

How a domain's scenarios *run* is registered on the runner side
(:mod:`gauntlet.runner.domains`), so that loading a suite never imports a
simulator it does not need.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Literal

from gauntlet.scenarios.schema import FORMAT_VERSION, Scalar, SourceInfo, Variations
from gauntlet.scenarios.spec import param

#: The domain of a file without a ``domain`` key.
DEFAULT_DOMAIN = "driving"

#: Document class of each domain other than driving, as ``"module:Class"``
#: (imported on first use).
DOCUMENTS: dict[str, str] = {
    "drone": "gauntlet.scenarios.drone:DroneScenario",
    "swarm": "gauntlet.scenarios.swarm:SwarmScenario",
    "skill": "gauntlet.scenarios.skill:SkillScenario",
}

#: Library categories of the non-driving domains (each its own folder under ``scenarios/``).
DomainCategory = Literal["drone", "swarm", "skill"]


def domain_names() -> tuple[str, ...]:
    """Every domain a file may name, the default first."""
    return (DEFAULT_DOMAIN, *sorted(DOCUMENTS))


def document_class(domain: str) -> type:
    """The document class of a non-driving ``domain`` (``KeyError`` when unknown)."""
    module_name, _, attr = DOCUMENTS[domain].partition(":")
    return getattr(importlib.import_module(module_name), attr)


def domain_of(scenario: Any) -> str:
    """The domain of a loaded scenario: its ``domain`` field (each document class
    declares it as the literal of its own domain, ``driving`` for :class:`Scenario`)."""
    return scenario.domain


def stack_of(scenario: Any, override: str | None = None) -> str:
    """The name of the stack that runs ``scenario``.

    Args:
        scenario: A loaded scenario of any domain.
        override: A stack named on the command line; wins when non-empty.

    Returns:
        ``override``, else the ego's stack (driving) or the header's ``stack``
        (other domains).
    """
    if override:
        return override
    return scenario.ego.stack if domain_of(scenario) == DEFAULT_DOMAIN else scenario.stack


def seed_of(scenario: Any, override: int | None = None) -> int:
    """The seed of a run of ``scenario``: ``override`` when given (0 counts), else its own."""
    return scenario.seed if override is None else override


@dataclass(frozen=True)
class MissionHeader:
    """Fields every non-driving scenario shares; document classes extend it.

    Subclasses add their own fields *with defaults* (dataclass inheritance)
    and redeclare ``domain`` as the ``Literal`` of their own domain, with
    that domain as the default.
    """

    name: str = param(doc="Scenario name, unique in its file.")
    domain: str = param(doc="Which world runs the scenario (driving, drone, swarm, skill).")
    gauntlet: int = param(FORMAT_VERSION, doc="Format version; must be 1.", ge=1, le=1)
    description: str = param("", doc="What the scenario tests.")
    category: DomainCategory = param("drone", doc="Library category.")
    tags: tuple[str, ...] = param(doc="Free-form tags for suites and filters.", factory=tuple)
    seed: int = param(0, doc="Seed of every random generator in the run.", ge=0)
    parameters: dict[str, Scalar] = param(
        doc="Values substituted for ${name} in the file.", factory=dict
    )
    variations: Variations | None = param(
        None, doc="Parameter sweep that makes this a logical scenario."
    )
    stack: str = param("reference", doc="The stack that decides for the agents under test.")
    source: SourceInfo | None = field(default=None, compare=False, repr=False)
    #: The swept parameter values of a concrete scenario from a sweep (not a file key).
    variation: tuple[tuple[str, Scalar], ...] = field(default=(), compare=False, repr=False)
