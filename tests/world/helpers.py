"""Small builders for world tests."""

from __future__ import annotations

from gauntlet.scenarios.loader import parse_scenario
from gauntlet.world.builder import build_world


def world_from_yaml(text: str, external: set[str] | None = None):
    scenario = parse_scenario(text, file="test.yaml")
    return scenario, build_world(scenario, external=external)


def run(world, seconds: float) -> None:
    for _ in range(int(round(seconds / world.dt))):
        world.step()
