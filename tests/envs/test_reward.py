"""Reward terms, termination and actions of ``ScenarioEnv``, checked by numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.envs.actions import ACCELERATE, KEEP, RIGHT
from gauntlet.envs.observation import EGO, MASK, OBJECTS
from gauntlet.envs.presets import reward_weights
from gauntlet.envs.reward import (
    ACC_WEIGHTS,
    ALL_TERMS,
    RewardWeights,
    find_lead,
    following_terms,
    safe_following_speed,
)
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
        assert list(info["reward_terms"]) == list(ALL_TERMS)


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


# ---------------------------------------------------------------- car-following (ACC) terms


#: Explicit ACC weights, so that the hand calculations do not follow tuning of the defaults.
HAND = RewardWeights(
    headway_per_s=-1.0,
    ttc_per_s=-2.0,
    speed_tracking_per_s=1.0,
    desired_headway_s=1.5,
    ttc_threshold_s=3.0,
    speed_error_scale_mps=10.0,
    standstill_gap_m=4.0,
    comfort_decel_mps2=3.0,
)


def test_safe_following_speed_by_hand() -> None:
    w = HAND  # s0 = 4 m, T = 1.5 s, b = 3 m/s²
    # Stopped lead 34 m ahead: free gap 30 m; time-gap law 20 m/s, braking law sqrt(180).
    assert safe_following_speed(34.0, 0.0, w) == pytest.approx(math.sqrt(180.0))
    # Lead at 20 m/s 19 m ahead: free 15 m; time-gap law 10 m/s < sqrt(400 + 90).
    assert safe_following_speed(19.0, 20.0, w) == pytest.approx(10.0)
    assert safe_following_speed(4.0, 10.0, w) == 0.0
    assert safe_following_speed(-1.0, 0.0, w) == 0.0


def test_following_terms_by_hand() -> None:
    w = HAND
    # Ego at 20 m/s, lead at 10 m/s, bumper gap 24 m, limit 27.8 m/s, dt 0.05 s:
    # THW = 1.2 s -> headway = -1 * (1 - 1.2/1.5) * 0.05 = -0.01
    # TTC = 24/10 = 2.4 s -> ttc = -2 * (1 - 2.4/3) * 0.05 = -0.02
    # target = min(27.8, (24-4)/1.5 = 13.33, sqrt(100 + 6*20) = 14.83) = 13.33
    # speed = 1 * (1 - |20 - 13.33| / 10) * 0.05 = 0.05/3
    headway, ttc, speed = following_terms(w, 0.05, 20.0, 27.8, 24.0, 10.0)
    assert headway == pytest.approx(-0.01)
    assert ttc == pytest.approx(-0.02)
    assert speed == pytest.approx(0.05 / 3.0)
    # No lead: the target is the limit; 27.8 - 25 = 2.8 m/s off -> 0.72 * 0.05.
    assert following_terms(w, 0.05, 25.0, 27.8, None, 0.0) == pytest.approx((0.0, 0.0, 0.036))
    # Standing still on a free road: 27.8 m/s off, more than twice the scale -> -1 * 0.05.
    assert following_terms(w, 0.05, 0.0, 27.8, None, 0.0) == pytest.approx((0.0, 0.0, -0.05))
    # Opening gap, long headway: only the speed term.
    assert following_terms(w, 0.05, 10.0, 27.8, 40.0, 15.0)[:2] == (0.0, 0.0)


def test_follow_v0_reports_the_acc_terms_of_its_lead() -> None:
    env = follow(reward="follow")
    env.reset(seed=0)
    # Template: lead 60 m ahead centre to centre, both cars 4.7 m long, at 18 m/s.
    gap, lead_speed = find_lead(env.world, env.ego)
    assert gap == pytest.approx(60.0 - 4.7, abs=1e-6)
    assert lead_speed == pytest.approx(18.0, abs=1e-6)
    for _ in range(5):
        _, reward, _, _, info = env.step(COAST)
        terms = info["reward_terms"]
        gap, lead_speed = find_lead(env.world, env.ego)
        v = float(env.world.v[env.ego])
        expected = following_terms(ACC_WEIGHTS, 0.05, v, 27.8, gap, lead_speed)
        assert (terms["headway"], terms["ttc"], terms["speed"]) == pytest.approx(expected)
        assert terms["headway"] == terms["ttc"] == 0.0  # THW > 2 s, TTC > 7 s
        assert terms["speed"] > 0.0
        assert reward == pytest.approx(sum(terms.values()))


def test_other_ids_keep_their_reward() -> None:
    assert not RewardWeights().follows
    env = follow()
    env.reset(seed=0)
    for _ in range(5):
        terms = env.step(FULL_THROTTLE)[4]["reward_terms"]
        assert terms["headway"] == terms["ttc"] == terms["speed"] == terms["lane"] == 0.0


def test_unknown_reward_preset_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="no reward preset 'acc'; known: default, follow"):
        reward_weights("acc")


def test_follow_v0_is_registered_with_the_acc_preset() -> None:
    import gymnasium

    import gauntlet  # noqa: F401 - registers the ids

    assert reward_weights("follow") == ACC_WEIGHTS
    env = gymnasium.make("gauntlet/Follow-v0").unwrapped
    env.reset(seed=0)
    terms = env.step(COAST)[4]["reward_terms"]
    assert terms["speed"] > 0.0 and terms["progress"] == 0.0
