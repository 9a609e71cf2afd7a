"""Small builders for world tests."""

from __future__ import annotations

from gauntlet.scenarios.loader import parse_scenario
from gauntlet.world.builder import build_world

#: A two-lane one-way road along +x; lane -1 centre at y = -1.75, lane -2 at y = -5.25.
STRAIGHT = """
gauntlet: 1
name: t
map: {procedural: {generator: straight, params: {length_m: 5000, lanes_right: 2, lanes_left: 0, speed_limit_mps: 30}}}
"""


def world_from_yaml(text: str, external: set[str] | None = None):
    scenario = parse_scenario(text, file="test.yaml")
    return scenario, build_world(scenario, external=external)


def run(world, seconds: float) -> None:
    for _ in range(int(round(seconds / world.dt))):
        world.step()
