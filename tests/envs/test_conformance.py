"""Conformance of every registered ``gauntlet/`` environment (ids added later are covered too)."""

from __future__ import annotations

import pickle
import warnings

import gymnasium
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import gauntlet  # noqa: F401 - registers the ids
from gauntlet.envs.render import RENDER_SIZE_PX

ENV_IDS = sorted(e for e in gymnasium.registry if e.startswith("gauntlet/"))
STEPS = 60


def rollout(env: gymnasium.Env, seed: int, steps: int = STEPS) -> list:
    """Observations, rewards, flags and reward terms of a seeded rollout (actions from the seed)."""
    obs, info = env.reset(seed=seed)
    env.action_space.seed(seed)
    out = [obs, info["scenario"]]
    for _ in range(steps):
        obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
        out.append((obs, reward, terminated, truncated, info["reward_terms"]))
        if terminated or truncated:
            break
    return out


def test_the_ready_made_ids_are_registered() -> None:
    for name in ("LaneKeep", "Follow", "HighwayMerge", "Intersection", "Roundabout", "Parking"):
        assert f"gauntlet/{name}-v0" in ENV_IDS
    assert "gauntlet/ScenarioEnv-v0" in ENV_IDS


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_check_env_passes_without_warnings(env_id: str) -> None:
    env = gymnasium.make(env_id, render_mode="rgb_array")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(env.unwrapped)
    env.close()


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_same_seed_gives_identical_rollouts(env_id: str) -> None:
    a = rollout(gymnasium.make(env_id), seed=11)
    b = rollout(gymnasium.make(env_id), seed=11)
    assert len(a) == len(b)
    assert a[1] == b[1]
    np.testing.assert_array_equal(a[0], b[0])
    for x, y in zip(a[2:], b[2:], strict=True):
        np.testing.assert_array_equal(x[0], y[0])
        assert x[1:] == y[1:]


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_pickle_round_trip_continues_identically(env_id: str) -> None:
    env = gymnasium.make(env_id).unwrapped
    env.reset(seed=5)
    env.action_space.seed(5)
    actions = [env.action_space.sample() for _ in range(40)]
    for action in actions[:20]:
        env.step(action)
    twin = pickle.loads(pickle.dumps(env))
    for action in actions[20:]:
        first, second = env.step(action), twin.step(action)
        np.testing.assert_array_equal(first[0], second[0])
        assert first[1:4] == second[1:4]
        if first[2] or first[3]:
            break
    # A fresh environment pickles too, and so does the wrapped one.
    pickle.loads(pickle.dumps(gymnasium.make(env_id).unwrapped))
    pickle.loads(pickle.dumps(gymnasium.make(env_id)))


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_observations_stay_in_their_space(env_id: str) -> None:
    env = gymnasium.make(env_id)
    for seed in (0, 1):
        obs, _ = env.reset(seed=seed)
        env.action_space.seed(seed)
        assert env.observation_space.contains(obs)
        for _ in range(STEPS):
            obs, _, terminated, truncated, _ = env.step(env.action_space.sample())
            assert env.observation_space.contains(obs), obs
            if terminated or truncated:
                break


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_rgb_array_frames_have_the_documented_shape(env_id: str) -> None:
    env = gymnasium.make(env_id, render_mode="rgb_array")
    env.reset(seed=2)
    frame = env.render()
    assert frame.shape == (RENDER_SIZE_PX, RENDER_SIZE_PX, 3)
    assert frame.dtype == np.uint8
    env.step(env.action_space.sample())
    assert env.render().shape == (400, 400, 3)
