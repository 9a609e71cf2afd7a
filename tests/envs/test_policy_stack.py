"""A Stack sees what the environment's agent sees: the observation vector built both ways."""

from __future__ import annotations

import gymnasium
import numpy as np
import pytest

import gauntlet  # noqa: F401 - registers the ids
from gauntlet.agents.stack import StackError
from gauntlet.envs.policy_stack import PolicyStack
from gauntlet.envs.stack_observation import StackObservation
from gauntlet.world.observation import episode_info, observe


@pytest.mark.parametrize("env_id", ["gauntlet/Follow-v0", "gauntlet/Intersection-v0"])
def test_stack_observation_equals_the_environments(env_id: str) -> None:
    env = gymnasium.make(env_id).unwrapped
    obs, info = env.reset(seed=3)
    env.action_space.seed(3)
    stack_obs = StackObservation(
        episode_info(env.world, env.route, info["scenario"], info["world_seed"])
    )
    for _ in range(120):
        built = stack_obs.build(observe(env.world, env.route), float(obs[3]))
        np.testing.assert_allclose(built, obs, rtol=0, atol=1e-5)
        action = env.action_space.sample()
        action[1] *= 0.1
        obs, _, terminated, truncated, _ = env.step(action)
        if terminated or truncated:
            break


def test_policy_stack_without_a_policy_says_how_to_name_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GAUNTLET_POLICY", raising=False)
    with pytest.raises(StackError, match=r"needs a policy file: give ego.params \{policy: path\}"):
        PolicyStack()
    with pytest.raises(StackError, match=r"policy file '/no/such.zip' does not exist"):
        PolicyStack("/no/such.zip")
