"""The drone environments: hover, velocity actions, the ring observation, rewards, bad arguments.

The conformance suite (``test_conformance.py``) covers check_env,
determinism, pickling and frames for the three ids.
"""

from __future__ import annotations

import math

import gymnasium
import numpy as np
import pytest

import gauntlet  # noqa: F401 - registers the ids
from gauntlet.envs.drone_env import RING_SLICE, DroneEnv
from gauntlet.envs.drone_tasks import DEFAULTS

CALM_HOVER = {"task": "hover", "beaufort": 0, "start_offset_m": 0.0}


def test_the_three_ids_make_their_tasks() -> None:
    for name, task, size in (
        ("Hover", "hover", 13),
        ("Waypoint", "waypoint", 13),
        ("Avoid", "avoid", 49),
    ):
        env = gymnasium.make(f"gauntlet/Drone{name}-v0").unwrapped
        assert env.task == task
        assert env.observation_space.shape == (size,)
        assert env.action_space.shape == (4,)


def test_calm_hover_with_zero_action_stays_at_the_point() -> None:
    env = DroneEnv(**CALM_HOVER)
    obs, info = env.reset(seed=3)
    assert info["beaufort"] == 0
    point = env.mission.points[0].copy()
    np.testing.assert_allclose(obs[0:3], 0.0, atol=1e-6)
    for _ in range(150):  # 3 s
        obs, reward, terminated, truncated, info = env.step(np.zeros(4, np.float32))
    assert not (terminated or truncated)
    position = env.world.fleet.position[0]
    assert np.linalg.norm(position - point) < 0.02
    np.testing.assert_allclose(obs[0:3], point - position, atol=1e-5)
    # Level and still; Beaufort 0 is the middle of its band (0-0.2 m/s), so the
    # airspeed is the ground velocity less that light air.
    np.testing.assert_allclose(obs[3:6], 0.0, atol=0.01)
    np.testing.assert_allclose(obs[6:8], 0.0, atol=1e-3)
    wind = env.world.fleet.wind_mps[0]
    assert np.linalg.norm(wind) < 0.2
    np.testing.assert_allclose(obs[9:12], obs[3:6] - wind, atol=1e-6)
    assert 0.9 < obs[12] < 1.0
    # Hovering costs energy only: the electrical energy of 0.02 s at the step's power.
    terms = info["reward_terms"]
    power_w = float(env.world.fleet.electrical_power_w[0])
    assert terms["energy"] == pytest.approx(-power_w * 0.02 / 3600.0)
    assert terms["collision"] == terms["goal"] == terms["waypoint"] == 0.0
    assert reward == pytest.approx(sum(terms.values()))


@pytest.mark.parametrize(
    ("action", "expected_mps"),
    [
        ((0.5, 0.0, 0.0), (1.0, 0.0, 0.0)),  # 0.5 x 2 m/s east
        ((0.3, -0.4, 0.0), (0.6, -0.8, 0.0)),
        ((1.0, 1.0, 0.0), (math.sqrt(2.0), math.sqrt(2.0), 0.0)),  # length limited to 2 m/s
        ((0.0, 0.0, 0.5), (0.0, 0.0, 0.5)),  # 0.5 x 1 m/s up
    ],
)
def test_a_velocity_action_flies_the_commanded_velocity(action, expected_mps) -> None:
    env = DroneEnv(**CALM_HOVER)
    env.reset(seed=4)
    start = env.world.fleet.position[0].copy()
    a = np.array([*action, 0.0], np.float32)
    for _ in range(100):  # 2 s: 8 velocity-loop time constants of the agile preset
        env.step(a)
    before = env.world.fleet.position[0].copy()
    for _ in range(50):  # then 1 s at the commanded velocity
        obs, *_ = env.step(a)
    moved = env.world.fleet.position[0] - before
    # The velocity loop is PI: it overshoots by about 4 % and settles over seconds.
    tolerance = 0.05 * float(np.linalg.norm(expected_mps)) + 0.005
    np.testing.assert_allclose(moved, expected_mps, atol=tolerance)
    np.testing.assert_allclose(obs[3:6], expected_mps, atol=tolerance)
    assert np.linalg.norm(before - start) > 0.5 * np.linalg.norm(expected_mps)


def test_a_yaw_rate_action_turns_the_heading() -> None:
    env = DroneEnv(**CALM_HOVER)
    obs, _ = env.reset(seed=5)
    yaw0 = float(obs[8])
    for _ in range(25):  # 0.5 s at 0.5 x 1 rad/s
        obs, *_ = env.step(np.array([0.0, 0.0, 0.0, 0.5], np.float32))
    for _ in range(75):  # settle
        obs, *_ = env.step(np.zeros(4, np.float32))
    turned = (float(obs[8]) - yaw0 + math.pi) % (2 * math.pi) - math.pi
    assert turned == pytest.approx(0.25, abs=0.01)


def _ray_circle(origin: np.ndarray, azimuth: float, trees: np.ndarray) -> tuple[float, float]:
    """Range to the nearest trunk along a level ray, and the ray's closest miss distance ratio."""
    d = np.array([math.cos(azimuth), math.sin(azimuth)])
    rel = trees[:, :2] - origin[:2]
    along = rel @ d
    perp = np.abs(rel[:, 0] * d[1] - rel[:, 1] * d[0])
    ahead = along > 0
    hit = ahead & (perp < trees[:, 2])
    t = np.where(hit, along - np.sqrt(np.maximum(trees[:, 2] ** 2 - perp**2, 0.0)), np.inf)
    k = int(np.argmin(t))
    ratio = np.where(ahead, perp / trees[:, 2], np.inf)
    return float(t[k]), float(perp[k] / trees[k, 2]) if math.isfinite(t[k]) else float(
        np.min(ratio)
    )


def test_the_avoid_ring_sees_the_trunks_at_their_distance() -> None:
    env = gymnasium.make("gauntlet/DroneAvoid-v0").unwrapped
    max_range = DEFAULTS["avoid"].ring.max_range_m
    checked_hits = checked_misses = 0
    for seed in range(6):
        obs, info = env.reset(seed=seed)
        assert info["trees"] > 0
        origin = env.world.fleet.position[0]
        trees = env.world.obstacles.cylinders
        ring = obs[RING_SLICE]
        azimuths = env.world.ring.azimuth_rad
        assert ring.shape == azimuths.shape == (36,)
        for a, reading in zip(azimuths, ring, strict=True):
            t, ratio = _ray_circle(origin, a, trees)
            if t < max_range - 0.5 and ratio < 0.8:
                # A clear hit: the range to the trunk (12-sided prism round it, 2 cm noise).
                assert reading * max_range == pytest.approx(t, abs=0.1)
                checked_hits += 1
            elif not math.isfinite(t) and ratio > 1.2:
                assert reading == 1.0
                checked_misses += 1
    assert checked_hits >= 3
    assert checked_misses >= 3


def test_a_tree_placed_ahead_is_seen_and_hitting_it_ends_the_episode() -> None:
    env = DroneEnv(task="avoid", beaufort=0)
    env.reset(seed=2)
    world = env.world
    x, y, z = world.fleet.position[0]
    # The nearest trunk, whatever the forest: fly straight at it.
    trees = world.obstacles.cylinders
    k = int(np.argmin(np.hypot(trees[:, 0] - x, trees[:, 1] - y)))
    bearing = math.atan2(trees[k, 1] - y, trees[k, 0] - x)
    action = np.array([math.cos(bearing), math.sin(bearing), 0.0, 0.0], np.float32)
    terminated = False
    for _ in range(1500):
        obs, reward, terminated, truncated, info = env.step(action)
        if terminated or truncated:
            break
    assert terminated and info["collided"]
    assert info["reward_terms"]["collision"] == -10.0
    assert world.collision_events[0]["with"] == "obstacle"


def test_waypoint_progress_is_the_distance_closed() -> None:
    env = DroneEnv(task="waypoint", beaufort=0)
    obs, _ = env.reset(seed=1)
    before = float(np.linalg.norm(obs[0:3]))
    direction = obs[0:2] / np.linalg.norm(obs[0:2])
    obs, _, _, _, info = env.step(np.array([*direction, 0.0, 0.0], np.float32))
    after = float(np.linalg.norm(obs[0:3]))
    assert info["reward_terms"]["progress"] == pytest.approx(before - after, abs=1e-5)


def test_bad_arguments_are_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="task must be one of"):
        DroneEnv(task="loop")
    with pytest.raises(ValueError, match="beaufort must be a level 0-12"):
        DroneEnv(beaufort=(5, 2))
    with pytest.raises(ValueError, match="time_limit_s must be > 0"):
        DroneEnv(time_limit_s=0.0)
    with pytest.raises(RuntimeError, match="call reset"):
        DroneEnv().step(np.zeros(4, np.float32))
