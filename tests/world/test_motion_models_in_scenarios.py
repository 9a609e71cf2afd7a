"""Every vehicle motion model can drive the ego of a scenario under the reference stack."""

import pytest

from gauntlet.evaluation.result import Status
from gauntlet.runner.single import RunOptions, run_scenario
from gauntlet.scenarios.dump import dump_scenario
from gauntlet.scenarios.loader import load_scenario, parse_scenario


@pytest.mark.parametrize(
    "model",
    [
        "kinematic_bicycle",
        "{name: dynamic_single_track, params: {tyre_model: linear}}",
        "{name: dynamic_single_track, params: {tyre_model: pacejka}}",
        "point_mass",
    ],
)
def test_stationary_target_with_each_model(repo_root, model):
    base = dump_scenario(
        load_scenario(repo_root / "scenarios" / "smoke" / "stationary_target.yaml")
    )
    text = base.replace(
        "- name: ego\n  type: car\n", f"- name: ego\n  type: car\n  model: {model}\n", 1
    )
    assert text != base
    result = run_scenario(parse_scenario(text, file="model.yaml"), RunOptions())
    assert result.status is Status.PASS, (result.error, result.criteria)
    # The ego comes to rest behind the target: 100 m ahead, minus a few metres.
    assert 85.0 < result.metrics["distance_m"] < 97.0
