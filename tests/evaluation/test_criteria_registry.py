"""Every criterion kind of the scenario format has a builder; the runner's evaluation set."""

from __future__ import annotations

import typing

from gauntlet.evaluation.criteria import (
    BUILDERS,
    Evaluation,
    EvaluationContext,
    build_criteria,
    score_specs,
)
from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.loader import parse_scenario
from gauntlet.world.builder import build_world
from gauntlet.world.observation import EgoRoute
from tests.evaluation.helpers import straight


def test_every_criterion_kind_has_a_builder():
    assert set(typing.get_args(sc.Criterion)) <= set(BUILDERS)


def _context(criteria: str) -> EvaluationContext:
    text = straight(
        'initial: {position: {lane: {road: "1", lane: -1, s_m: 20}}}', criteria=criteria
    )
    scenario = parse_scenario(text, file="t.yaml")
    world = build_world(scenario, external={"ego"})
    return EvaluationContext(world, scenario, 0, EgoRoute(world, 0, 1000.0))


def test_defaults_and_monitors_share_identical_criteria():
    ctx = _context("[]")
    evaluation = Evaluation(ctx)
    assert [c.name for c in evaluation.criteria] == ["collision", "off_road"]
    assert [type(c) for c in build_criteria(ctx)] == [type(c) for c in evaluation.criteria]
    assert len(evaluation.monitors) == len(score_specs("ego"))
    # The default collision and off-road criteria are the monitors themselves.
    assert evaluation.criteria[0] is evaluation.monitors[0]
    assert evaluation.criteria[1] is evaluation.monitors[1]


def test_only_per_step_criteria_are_updated_every_step():
    evaluation = Evaluation(_context("[comfort, speeding, pet, red_light]"))
    per_step = {c.name for c in evaluation._live}  # noqa: SLF001 - the point of the test
    assert per_step == {"collision", "off_road", "red_light"}
