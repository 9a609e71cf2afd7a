"""Conformance of every registered ``gauntlet/`` environment (ids added later are covered too).

Gymnasium ids: ``check_env``, same-seed determinism, pickling, observations in
their space, frame shape. Ids with a native vector entry point: the batch
through ``gymnasium.make_vec`` (spaces, determinism, pickling). PettingZoo
environments registered with :func:`gauntlet.envs.registry.register_parallel_env`:
PettingZoo's ``parallel_api_test`` and same-seed determinism.
"""

from __future__ import annotations

import importlib
import pickle
import pkgutil
import warnings

import gymnasium
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import gauntlet.envs  # `import gauntlet` registers the ids
from gauntlet.envs import registry
from gauntlet.envs.registry import make_parallel_env, parallel_env_names
from gauntlet.envs.render import RENDER_SIZE_PX


def import_env_modules() -> None:
    """Import every module of ``gauntlet.envs``: environments that register on import count too."""
    for module in pkgutil.iter_modules(gauntlet.envs.__path__):
        importlib.import_module(f"gauntlet.envs.{module.name}")


import_env_modules()
ENV_IDS = sorted(e for e in gymnasium.registry if e.startswith("gauntlet/"))
VECTOR_IDS = [e for e in ENV_IDS if gymnasium.spec(e).vector_entry_point is not None]
PARALLEL_NAMES = parallel_env_names()
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


def vector_rollout(env: gymnasium.vector.VectorEnv, seed: int, steps: int = STEPS) -> list:
    """Observations, rewards and flags of a seeded rollout of a native batch."""
    obs, _ = env.reset(seed=seed)
    env.action_space.seed(seed)
    out = [obs]
    for _ in range(steps):
        obs, reward, terminated, truncated, _ = env.step(env.action_space.sample())
        assert env.observation_space.contains(obs)
        out.append((obs, reward, terminated, truncated))
    return out


@pytest.mark.parametrize("env_id", VECTOR_IDS)
def test_native_vector_env_is_deterministic_in_its_space_and_pickles(env_id: str) -> None:
    env = gymnasium.make_vec(env_id, num_envs=4, vectorization_mode="vector_entry_point")
    assert env.single_observation_space == gymnasium.make(env_id).observation_space
    assert env.single_action_space == gymnasium.make(env_id).action_space
    a = vector_rollout(env, seed=3)
    b = vector_rollout(pickle.loads(pickle.dumps(env)), seed=3)
    np.testing.assert_array_equal(a[0], b[0])
    for x, y in zip(a[1:], b[1:], strict=True):
        for u, v in zip(x, y, strict=True):
            np.testing.assert_array_equal(u, v)


def check_parallel_api(name: str) -> None:
    """PettingZoo's own API test on the parallel environment registered as ``name``."""
    from pettingzoo.test import parallel_api_test

    parallel_api_test(make_parallel_env(name), num_cycles=STEPS)


def parallel_rollout(name: str, seed: int) -> list:
    """Observations, rewards and flags of a seeded rollout (actions seeded per step and agent)."""
    env = make_parallel_env(name)
    obs, _ = env.reset(seed=seed)
    out = [obs]
    for step in range(STEPS):
        if not env.agents:
            break
        actions = {}
        for k, agent in enumerate(env.agents):
            space = env.action_space(agent)
            space.seed(seed + 1000 * step + k)
            actions[agent] = space.sample()
        out.append(env.step(actions)[:4])
    env.close()
    return out


@pytest.mark.parametrize("name", PARALLEL_NAMES)
def test_pettingzoo_parallel_api(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_parallel_api(name)


@pytest.mark.parametrize("name", PARALLEL_NAMES)
def test_pettingzoo_same_seed_gives_identical_rollouts(name: str) -> None:
    a, b = parallel_rollout(name, 6), parallel_rollout(name, 6)
    assert len(a) == len(b)
    np.testing.assert_equal(a, b)


def test_the_pettingzoo_checks_run_through_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """The two checks above, on an example environment PettingZoo ships for its own tests."""
    monkeypatch.setattr(registry, "_PARALLEL_ENVS", {})
    name = "gauntlet/PettingZooExample-v0"
    registry.register_parallel_env(
        name, "pettingzoo.test.example_envs.generated_agents_parallel_v0:parallel_env"
    )
    with warnings.catch_warnings():
        # That environment generates its agents, so it has no possible_agents (PettingZoo warns).
        warnings.filterwarnings("ignore", message="This environment does not have possible_agents")
        check_parallel_api(name)
    np.testing.assert_equal(parallel_rollout(name, 6), parallel_rollout(name, 6))
