"""The built-in stacks drive scenarios the way they are documented to."""

import numpy as np
import pytest

from gauntlet.evaluation.result import Status
from gauntlet.runner.single import RunOptions, simulate
from gauntlet.scenarios.dump import dump_scenario
from gauntlet.scenarios.loader import load_scenario, parse_scenario


@pytest.mark.parametrize("lateral", ["pure_pursuit", "stanley"])
def test_reference_keeps_its_lane_through_the_bend(repo_root, lateral):
    base = dump_scenario(load_scenario(repo_root / "scenarios" / "smoke" / "curve_lane_keep.yaml"))
    text = base.replace(
        "gauntlet: 1\n", f"gauntlet: 1\nego: {{params: {{lateral: {lateral}}}}}\n", 1
    )
    world, result = simulate(parse_scenario(text, file="bend.yaml"), RunOptions())
    assert result.status is Status.PASS, result.criteria
    # Largest distance from the lane centre over the run, from the ego route tracker's view.
    slot = world.driver_slot[0]
    assert abs(world.drivers.lateral[slot]) < 0.3


def test_reference_never_passes_a_red_light(repo_root):
    from gauntlet.agents.reference import ReferenceStack
    from gauntlet.world.builder import build_world
    from gauntlet.world.observation import EgoRoute, episode_info, observe

    scenario = load_scenario(repo_root / "scenarios" / "smoke" / "signal_red_stop.yaml")
    world = build_world(scenario, external={"ego"})
    route = EgoRoute(world, 0, 2000.0)
    stack = ReferenceStack()
    stack.reset(episode_info(world, route, "red", 0))
    key, stop_s = world.network.signals["sig_south"].stop_positions[0]
    stop_y = float(
        world.network.lanes[key].position(np.array([stop_s]), np.array([0.0])).reshape(2)[1]
    )
    crossed_at = None
    for _ in range(int(40 / world.dt)):
        was_red = world.signals.states["sig_south"] == "red"
        world.step({0: stack.step(observe(world, route))})
        front = world.y[0] + 0.5 * world.length[0]
        if crossed_at is None and front > stop_y:
            assert not was_red, f"crossed the stop line on red at t={world.time_s:.2f}"
            crossed_at = world.time_s
    # South's green is held red for the first 14 s: the ego waits, then goes.
    assert crossed_at is not None and 14.0 <= crossed_at < 17.0


def test_scenario_stack_plays_back_the_storyboard(repo_root):
    # With playback the ego keeps its lane and initial speed; the cut-in car's
    # lane change still happens and a cruising ego does not react to it.
    scenario = load_scenario(repo_root / "scenarios" / "smoke" / "follow_lead.yaml")
    world, result = simulate(scenario, RunOptions(stack="scenario"))
    assert result.stack == "scenario"
    assert "stack_latency_p50_ms" not in result.metrics  # the stack is never asked
    assert world.v[0] == pytest.approx(25.0, abs=0.05)
    # Holding 25 m/s behind an 18 m/s car that started 60 m ahead ends in a collision.
    assert result.status is Status.FAIL and result.stop_reason == "collision"
