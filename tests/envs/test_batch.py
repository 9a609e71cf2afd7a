"""The native batched driving environment (``gauntlet/LaneKeepBatch-v0`` via ``make_vec``)."""

from __future__ import annotations

import math
import pickle

import gymnasium
import numpy as np
import pytest

import gauntlet  # noqa: F401 - registers the ids
from gauntlet.envs.batch import AGREEMENT_ATOL, BatchScenarioEnv
from gauntlet.envs.observation import EGO, MASK, OBJECTS, SIGNAL
from gauntlet.envs.reward import ALL_TERMS, TERMS
from gauntlet.scenarios.errors import ScenarioError

ENV_ID = "gauntlet/LaneKeepBatch-v0"
MAX_STEER_RAD = 0.6  # the car preset's largest road-wheel angle


def lane_keeper(obs: np.ndarray) -> np.ndarray:
    """Steer along the route (Stanley law on the observed errors) and speed up gently."""
    heading_error, lateral, speed = obs[..., 6], obs[..., 5], obs[..., 0]
    steer = heading_error + np.arctan2(-lateral, np.maximum(speed, 1.0))
    return np.stack((np.full_like(speed, 0.2), np.clip(steer / MAX_STEER_RAD, -1, 1)), axis=-1)


def test_make_vec_builds_the_native_batch() -> None:
    env = gymnasium.make_vec(ENV_ID, num_envs=4)
    assert isinstance(env, BatchScenarioEnv)
    assert env.observation_space.shape == (4, 92)
    assert env.action_space.shape == (4, 2)


def test_each_world_agrees_with_the_single_environment() -> None:
    """World 0 drives the bend to its goal; worlds 1-2 take seeded random actions."""
    n, steps = 3, 420
    rng = np.random.default_rng(7)
    noise = rng.uniform(-1.0, 1.0, (steps, n, 2)).astype(np.float32)
    noise[..., 1] *= 0.1
    batch = BatchScenarioEnv(num_envs=n)
    obs, _ = batch.reset(seed=0)
    batch_out = []
    for t in range(steps):
        actions = noise[t].copy()
        actions[0] = lane_keeper(obs[0])
        obs, reward, terminated, truncated, info = batch.step(actions)
        batch_out.append((obs, reward, terminated, truncated, info["reward_terms"]))
        if terminated[0] or truncated[0]:
            break
    single = gymnasium.make(ENV_ID).unwrapped
    for w in range(n):
        obs, _ = single.reset(seed=0)
        for t, (b_obs, b_reward, b_term, b_trunc, b_terms) in enumerate(batch_out):
            action = lane_keeper(obs) if w == 0 else noise[t, w]
            obs, reward, terminated, truncated, info = single.step(action)
            np.testing.assert_allclose(b_obs[w], obs, rtol=0, atol=AGREEMENT_ATOL)
            assert b_reward[w] == pytest.approx(reward, abs=AGREEMENT_ATOL)
            for term in TERMS:
                assert b_terms[term][w] == pytest.approx(info["reward_terms"][term], abs=1e-9)
            assert (b_term[w], b_trunc[w]) == (terminated, truncated)
            if terminated or truncated:
                break
        if w == 0:
            assert terminated and info["reward_terms"]["goal"] == 5.0  # the bend is driven
    assert batch_out[-1][2][0]


def test_straight_approach_matches_a_hand_calculation() -> None:
    """No acceleration, no steering: 15 m/s on the straight approach, 20 s to truncation."""
    env = BatchScenarioEnv(num_envs=2)
    obs, _ = env.reset(seed=1)
    np.testing.assert_allclose(obs[:, EGO][:, 0], 15.0)
    assert obs[0, SIGNAL].tolist() == [100.0, 0.0]
    obs, reward, terminated, truncated, info = env.step(np.zeros((2, 2), np.float32))
    # 15 m/s for 0.05 s is 0.75 m of progress, 0.1 per m.
    np.testing.assert_allclose(reward, 0.075, atol=1e-12)
    np.testing.assert_allclose(info["reward_terms"]["progress"], 0.075, atol=1e-12)
    assert not obs[:, OBJECTS].any() and not obs[:, MASK].any()
    steps = 1
    while not truncated.any() and steps < 1000:
        obs, reward, terminated, truncated, _ = env.step(np.zeros((2, 2), np.float32))
        steps += 1
    assert steps == 400  # 20 s / 0.05 s
    assert truncated.all() and not terminated.any()
    # Next step: the worlds restart (autoreset), reward 0, the start observation.
    first, _ = BatchScenarioEnv(num_envs=2).reset()
    obs, reward, terminated, truncated, _ = env.step(np.ones((2, 2), np.float32))
    np.testing.assert_array_equal(obs, first)
    assert reward.tolist() == [0.0, 0.0] and not (terminated | truncated).any()
    assert math.isclose(float(obs[0, 0]), 15.0)


def test_batch_pickles_mid_episode() -> None:
    env = BatchScenarioEnv(num_envs=3)
    env.reset(seed=3)
    actions = np.random.default_rng(3).uniform(-1, 1, (30, 3, 2)).astype(np.float32)
    actions[..., 1] *= 0.1
    for a in actions[:15]:
        env.step(a)
    twin = pickle.loads(pickle.dumps(env))
    for a in actions[15:]:
        first, second = env.step(a), twin.step(a)
        np.testing.assert_array_equal(first[0], second[0])
        np.testing.assert_array_equal(first[1], second[1])


def test_a_scenario_with_traffic_is_refused_with_its_file() -> None:
    with pytest.raises(ScenarioError, match=r"follow\.yaml.*entities.*expected 1 entity, got 2"):
        BatchScenarioEnv(num_envs=2, scenarios="template:follow")


def test_bad_actions_are_refused() -> None:
    env = BatchScenarioEnv(num_envs=2)
    env.reset()
    with pytest.raises(ValueError, match=r"actions must have shape \(2, 2\), got \(3, 2\)"):
        env.step(np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"options\['mask'\] must have shape \(2,\), got \(3,\)"):
        env.reset(options={"mask": [True, False, True]})


def test_a_masked_reset_restarts_only_the_worlds_marked() -> None:
    env = BatchScenarioEnv(num_envs=2)
    start, _ = env.reset(seed=0)
    for _ in range(10):
        obs, *_ = env.step(np.array([[1.0, 0.0], [1.0, 0.0]], np.float32))
    obs, _ = env.reset(options={"mask": np.array([False, True])})
    np.testing.assert_array_equal(obs[1], start[1])
    # 0.5 s of full throttle (3.5 m/s²) through the 0.2 s first-order actuator lag:
    # v = 15 + 3.5 (t - 0.2 (1 - exp(-t / 0.2))) = 16.1075 m/s.
    assert obs[0, 0] == pytest.approx(15 + 3.5 * (0.5 - 0.2 * (1 - math.exp(-2.5))), abs=1e-5)


def test_following_weights_agree_with_the_single_environment() -> None:
    """The ``follow`` preset: speed tracking of the limit and the lane term, as ScenarioEnv."""
    steps = 120
    batch = BatchScenarioEnv(num_envs=1, reward="follow")
    single = gymnasium.make(ENV_ID, reward="follow").unwrapped
    b_obs, _ = batch.reset(seed=0)
    obs, _ = single.reset(seed=0)
    speed_total = 0.0
    for _ in range(steps):
        b_obs, b_reward, _, _, b_info = batch.step(lane_keeper(b_obs))
        obs, reward, terminated, truncated, info = single.step(lane_keeper(obs))
        assert list(b_info["reward_terms"]) == list(ALL_TERMS)
        for term in ALL_TERMS:
            assert b_info["reward_terms"][term][0] == pytest.approx(
                info["reward_terms"][term], abs=1e-9
            )
        assert b_reward[0] == pytest.approx(reward, abs=AGREEMENT_ATOL)
        speed_total += info["reward_terms"]["speed"]
        assert not (terminated or truncated)
    # Alone on the road the target is the limit: the tracking term is paid and nonzero.
    assert speed_total != 0.0
    assert info["reward_terms"]["lane"] != 0.0


def test_unknown_reward_preset_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"no reward preset 'acc'; known: default, follow"):
        BatchScenarioEnv(num_envs=1, reward="acc")
