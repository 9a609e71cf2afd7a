"""Reward terms, termination and actions of ``ScenarioEnv``, checked by numbers."""

from __future__ import annotations

import numpy as np
import pytest

from gauntlet.envs.actions import ACCELERATE, KEEP, RIGHT
from gauntlet.envs.observation import EGO, MASK, OBJECTS
from gauntlet.envs.reward import TERMS, RewardWeights
from gauntlet.envs.scenario_env import ScenarioEnv
from gauntlet.library import library_root

COAST = np.zeros(2, dtype=np.float32)
FULL_THROTTLE = np.array([1.0, 0.0], dtype=np.float32)


def follow(**kwargs) -> ScenarioEnv:
    """The ACC template without randomisation: ego at 25 m/s, lead 60 m ahead at 18 m/s."""
    return ScenarioEnv("template:follow", **kwargs)


def test_progress_is_metres_advanced_times_the_weight() -> None:
    env = follow(reward=RewardWeights(progress_per_m=0.5))
    env.reset(seed=0)
    ego = env.ego
    for _ in range(10):
        x0 = float(env.world.x[ego])
        _, reward, _, _, info = env.step(COAST)
        advanced = float(env.world.x[ego]) - x0  # the road runs along +x
        assert advanced == pytest.approx(25.0 * 0.05, rel=1e-3)
        assert info["reward_terms"]["progress"] == pytest.approx(0.5 * advanced, rel=1e-6)
        assert reward == pytest.approx(sum(info["reward_terms"].values()))
        assert set(info["reward_terms"]) == set(TERMS)


def test_a_collision_ends_the_episode_with_the_documented_penalty() -> None:
    env = follow(reward=RewardWeights(collision=-7.0))
    obs, _ = env.reset(seed=0)
    # The lead is the only object, 60 m ahead (centre to centre) and 7 m/s slower.
    assert obs[MASK].tolist() == [1.0] + [0.0] * 7
    assert obs[OBJECTS][:4] == pytest.approx([60.0, 0.0, -7.0, 0.0], abs=1e-4)
    steps = 0
    for _ in range(400):
        _, _, terminated, truncated, info = env.step(FULL_THROTTLE)
        steps += 1
        if terminated:
            break
        assert info["reward_terms"]["collision"] == 0.0
    assert terminated and not truncated and info["collided"]
    assert info["reward_terms"]["collision"] == -7.0
    assert 1 < steps < 200


def test_speeding_comfort_and_off_road_terms() -> None:
    w = RewardWeights()
    env = follow()
    env.reset(seed=0)
    ego, dt = env.ego, env.world.dt
    seen_speeding = False
    accel_before = float(env.world.accel[ego])
    for _ in range(60):
        _, _, terminated, _, info = env.step(FULL_THROTTLE)
        terms = info["reward_terms"]
        over = float(env.world.v[ego]) - 27.8
        assert terms["speeding"] == pytest.approx(w.speeding_per_mps_s * max(over, 0.0) * dt)
        seen_speeding |= over > 0.0
        jerk = abs(float(env.world.accel[ego]) - accel_before) / dt
        assert terms["comfort"] == pytest.approx(w.jerk_per_mps3_s * jerk * dt)
        accel_before = float(env.world.accel[ego])
        assert terms["off_road"] == 0.0
        if terminated:
            break
    assert seen_speeding
    # Steering hard left on a straight road leaves the road within seconds.
    env.reset(seed=0)
    for _ in range(200):
        _, _, terminated, _, info = env.step(np.array([0.0, 1.0], dtype=np.float32))
        if env.world.off_road[ego]:
            break
    assert info["reward_terms"]["off_road"] == pytest.approx(w.off_road_per_s * dt)


def test_running_a_red_light_costs_the_red_light_weight_once() -> None:
    env = ScenarioEnv(str(library_root() / "smoke" / "signal_red_stop.yaml"))
    env.reset(seed=0)
    total, signal_seen = 0.0, False
    for _ in range(200):
        obs, _, terminated, _, info = env.step(np.array([0.2, 0.0], dtype=np.float32))
        total += info["reward_terms"]["red_light"]
        signal_seen |= obs[19] == 1.0 and obs[18] < 100.0
        if terminated:
            break
    assert signal_seen
    assert total == RewardWeights().red_light


def test_reaching_the_goal_terminates_with_the_goal_bonus() -> None:
    env = ScenarioEnv("template:lane_keep", actions="meta")
    env.reset(seed=0)
    total_goal = 0.0
    for k in range(400):
        _, _, terminated, truncated, info = env.step(ACCELERATE if k < 20 else KEEP)
        total_goal += info["reward_terms"]["goal"]
        assert info["reward_terms"]["off_road"] == 0.0  # the controller keeps the lane
        if terminated or truncated:
            break
    assert terminated and info["goal_reached"] and not info["collided"]
    assert total_goal == RewardWeights().goal


def test_time_limit_truncates() -> None:
    env = follow(time_limit_s=1.0)
    env.reset(seed=0)
    flags = [env.step(COAST)[2:4] for _ in range(20)]
    assert flags[-1] == (False, True)
    assert all(f == (False, False) for f in flags[:-1])


def test_meta_action_right_moves_one_lane_over() -> None:
    env = follow(actions="meta")
    env.reset(seed=0)
    env.step(RIGHT)
    for _ in range(100):
        obs, *_ = env.step(KEEP)
    assert obs[EGO][5] == pytest.approx(-3.5, abs=0.2)  # lateral offset, left positive


def test_reset_seed_draws_the_randomisation() -> None:
    env = ScenarioEnv("template:highway_merge", randomisation="highway_merge")
    counts = {env.reset(seed=s)[1]["vehicles"] for s in range(8)}
    assert len(counts) > 1
    assert env.reset(seed=3)[1] == env.reset(seed=3)[1]
