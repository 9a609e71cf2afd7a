"""Arm environments: goal-conditioned rewards, action modes, robots, pickling, training smoke."""

from __future__ import annotations

import importlib.util
import pickle

import gymnasium
import numpy as np
import pytest

import gauntlet  # noqa: F401 - registers the ids
from gauntlet.envs.arms import EE_STEP_M, SUCCESS_M, ArmEnv


def test_the_four_arm_ids_are_registered() -> None:
    for name in ("ArmReach", "ArmPush", "ArmPickPlace", "ArmPegInsert"):
        assert f"gauntlet/{name}-v0" in gymnasium.registry


def test_rewards_for_substituted_goals_dense_and_sparse() -> None:
    achieved = np.array([[0.0, 0.0, 0.0], [0.3, 0.4, 0.0]])
    desired = np.zeros((2, 3))
    dense = ArmEnv(reward_type="dense").compute_reward(achieved, desired, {})
    sparse = ArmEnv(reward_type="sparse").compute_reward(achieved, desired, {})
    np.testing.assert_allclose(dense, [0.0, -0.5])  # 3-4-5 triangle
    np.testing.assert_array_equal(sparse, [0.0, -1.0])
    assert SUCCESS_M == 0.05


def test_step_reward_matches_compute_reward_and_reports_its_terms() -> None:
    env = gymnasium.make("gauntlet/ArmPush-v0", robot="ur5e").unwrapped
    env.reset(seed=1)
    obs, reward, terminated, truncated, info = env.step(np.zeros(4, dtype=np.float32))
    d = np.linalg.norm(obs["achieved_goal"] - obs["desired_goal"])
    assert reward == pytest.approx(-d)
    assert info["reward_terms"]["distance_m"] == pytest.approx(d)
    assert not terminated and not truncated


def test_ee_action_moves_the_tcp_by_30_mm() -> None:
    env = ArmEnv(task="reach", robot="xarm6")
    obs, _ = env.reset(seed=0)
    dof = env.spec_robot.dof
    start = obs["observation"][2 * dof : 2 * dof + 3]
    for _ in range(4):
        obs, *_ = env.step(np.array([1.0, 0.0, 0.0, 1.0], dtype=np.float32))
    for _ in range(20):  # the servo catches up with the commanded target
        obs, *_ = env.step(np.array([0.0, 0.0, 0.0, 1.0], dtype=np.float32))
    end = obs["observation"][2 * dof : 2 * dof + 3]
    assert end[0] - start[0] == pytest.approx(4 * EE_STEP_M, abs=0.005)


@pytest.mark.parametrize("robot", ["kuka_iiwa", "kinova_gen3"])
def test_joint_mode_and_robot_selection(robot: str) -> None:
    env = gymnasium.make("gauntlet/ArmReach-v0", robot=robot, action_mode="joint")
    dof = 7
    assert env.action_space.shape == (dof + 1,)
    obs, _ = env.reset(seed=4)
    assert obs["observation"].shape == (2 * dof + 4,)
    obs2, *_ = env.step(np.zeros(dof + 1, dtype=np.float32))
    assert env.observation_space.contains(obs2)


def test_bad_arguments_name_what_was_expected() -> None:
    with pytest.raises(ValueError, match="action_mode 'cartesian': expected 'ee' or 'joint'"):
        ArmEnv(action_mode="cartesian")
    with pytest.raises(KeyError, match="unknown robot 'ur3'"):
        ArmEnv(robot="ur3")


def test_peg_insert_starts_with_the_peg_in_hand_and_pickles_mid_episode() -> None:
    env = gymnasium.make("gauntlet/ArmPegInsert-v0").unwrapped
    obs, _ = env.reset(seed=2)
    # The peg hangs just below the TCP.
    dof = env.spec_robot.dof
    tcp = obs["observation"][2 * dof : 2 * dof + 3]
    assert np.linalg.norm(obs["achieved_goal"][:2] - tcp[:2]) < 0.01
    for _ in range(5):
        env.step(np.array([0.0, 0.5, -0.2, 0.0], dtype=np.float32))
    twin = pickle.loads(pickle.dumps(env))
    a = np.array([0.2, 0.2, -0.5, 0.0], dtype=np.float32)
    np.testing.assert_array_equal(env.step(a)[0]["achieved_goal"], twin.step(a)[0]["achieved_goal"])


@pytest.mark.skipif(
    importlib.util.find_spec("stable_baselines3") is None,
    reason="stable-baselines3 is not installed (the [train] extra)",
)
def test_training_example_smoke() -> None:
    import runpy
    from pathlib import Path

    example = runpy.run_path(str(Path(__file__).parents[2] / "examples" / "train_reach.py"))
    result = example["main"](["--smoke", "--robot", "ur5e"])
    assert result["timesteps"] == 120
    assert 0.0 <= result["success_rate"] <= 1.0


def test_domain_randomisation_is_seeded_and_changes_the_episode() -> None:
    def rollout(randomise: bool, seed: int) -> np.ndarray:
        env = ArmEnv(task="push", robot="ur5e", randomise=randomise)
        obs, _ = env.reset(seed=seed)
        out = [obs["observation"]]
        for _ in range(5):
            obs, *_ = env.step(np.array([0.5, 0.0, -0.5, -1.0], dtype=np.float32))
            out.append(obs["observation"])
        return np.array(out)

    np.testing.assert_array_equal(rollout(True, 3), rollout(True, 3))
    assert not np.array_equal(rollout(True, 3), rollout(False, 3))
    # The noise is on what the policy sees of the object, not on the goal it is scored by.
    env = ArmEnv(task="push", randomise=True)
    obs, _ = env.reset(seed=3)
    seen = obs["observation"][-6:-3]
    assert 0.0 < np.linalg.norm(seen - obs["achieved_goal"]) < 0.02
