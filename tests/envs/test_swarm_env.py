"""The PettingZoo swarm-search environment: PettingZoo's API test, determinism, rendering."""

from __future__ import annotations

import pickle

import numpy as np

import gauntlet  # noqa: F401 - registers the environments
from gauntlet.envs.registry import make_parallel_env, parallel_env_names
from gauntlet.envs.swarm import OBS_SIZE, make_swarm_env


def test_parallel_api() -> None:
    from pettingzoo.test import parallel_api_test

    parallel_api_test(make_swarm_env(max_steps=40), num_cycles=40)


def test_registered_and_deterministic_and_pickles() -> None:
    assert "gauntlet/SwarmSearch-v0" in parallel_env_names()

    def rollout(env, seed):
        obs, _ = env.reset(seed=seed)
        out = [obs]
        for step in range(15):
            actions = {
                a: np.array([np.cos(step + k), np.sin(step + k)], dtype=np.float32)
                for k, a in enumerate(env.agents)
            }
            step_out = env.step(actions)
            out.append((step_out[0], step_out[1], step_out[4]))
        return out

    env = make_parallel_env("gauntlet/SwarmSearch-v0", render_mode="rgb_array")
    a = rollout(env, 3)
    b = rollout(pickle.loads(pickle.dumps(make_swarm_env())), 3)
    for x, y in zip(a[1:], b[1:], strict=True):
        for agent in x[0]:
            np.testing.assert_array_equal(x[0][agent], y[0][agent])
            assert x[1][agent] == y[1][agent]
    first = a[0]["drone_0"]
    assert first.shape == (OBS_SIZE,) and env.observation_space("drone_0").contains(first)
    # Searching: coverage rewards accumulate for agents flying over new cells.
    assert sum(i["reward_terms"]["coverage"] for step in a[1:] for i in step[2].values()) > 0
    frame = env.render()
    assert frame.shape == (160, 160, 3) and frame.dtype == np.uint8
