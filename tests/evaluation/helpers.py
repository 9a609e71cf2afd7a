"""Test stacks and a small runner for the evaluation tests (stacks importable as module:Class)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from gauntlet.agents.stack import Control
from gauntlet.runner.single import RunOptions, simulate
from gauntlet.scenarios.loader import parse_scenario

#: Car preset size, m.
CAR_LENGTH_M, CAR_WIDTH_M = 4.7, 1.85
#: A car moved by the point-mass model: commands take effect within the step, without lag.
NO_LAG = "model: point_mass"


class Constant:
    """Commands a constant acceleration and steering angle: ignores lights and traffic."""

    def __init__(self, accel_mps2: float = 0.0, steer_rad: float = 0.0) -> None:
        self.control = Control(accel_mps2, steer_rad)

    def reset(self, info):
        pass

    def step(self, obs):
        return self.control


class Piecewise:
    """Follows ``[[until_s, accel_mps2, steer_rad], ...]``; the last entry holds afterwards."""

    def __init__(self, plan: list[list[float]]) -> None:
        self.plan = [tuple(p) for p in plan]

    def reset(self, info):
        pass

    def step(self, obs):
        for until, accel, steer in self.plan:
            if obs.time_s < until - 1e-9:
                return Control(accel, steer)
        return Control(*self.plan[-1][1:])


def run(text: str, *, tmp_path: Path | None = None, criteria: tuple = ()):
    """Parse and simulate a scenario; return ``(world, result)``."""
    file = str(tmp_path / "test.yaml") if tmp_path is not None else "test.yaml"
    scenario = parse_scenario(text, file=file)
    if criteria:
        scenario = replace(scenario, criteria=criteria)
    return simulate(scenario, RunOptions(plots=False))


def criterion(result, name: str):
    """The criterion result called ``name``."""
    return next(c for c in result.criteria if c.name == name)


def straight(
    ego: str,
    *,
    others: str = "",
    criteria: str = "",
    duration_s: float = 3.0,
    stack: str = "Constant",
    params: str = "{}",
    extra: str = "",
    limit_mps: float = 13.9,
) -> str:
    """A straight two-way road (one lane each way, 3.5 m) with the given ego and others."""
    return f"""
gauntlet: 1
name: t
map: {{procedural: {{generator: straight, params: {{length_m: 600, lanes_right: 1, lanes_left: 1, speed_limit_mps: {limit_mps}}}}}}}
ego: {{stack: "tests.evaluation.helpers:{stack}", params: {params}}}
entities:
  - {{name: ego, type: car, {NO_LAG}, {ego}}}
{others}
stop: {{duration_s: {duration_s}}}
criteria: {criteria or "[collision]"}
{extra}
"""
