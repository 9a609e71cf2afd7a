"""Train a reaching policy for a robot arm on CPU: SAC with hindsight experience replay.

Needs the ``[train]`` extra (stable-baselines3; install ``torch==2.13.0``, the CPU
build, first)::

    pip install torch==2.13.0 && pip install -e '.[train]'
    python examples/train_reach.py                     # Panda, 12,000 steps
    python examples/train_reach.py --robot ur5e --timesteps 20000
    python examples/train_reach.py --smoke             # a few hundred steps (CI)

It trains on ``gauntlet/ArmReach-v0`` (end-effector actions, sparse reward:
-1 until the TCP is within 5 cm of the goal), then runs the deterministic
policy on ``--eval-episodes`` fresh goals and prints one JSON line: success
rate, training wall time (s), steps. ``--save PATH`` keeps the model.
"""

from __future__ import annotations

import argparse
import json
import time


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--robot", default="panda")
    parser.add_argument("--timesteps", type=int, default=12_000)
    parser.add_argument("--eval-episodes", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--smoke", action="store_true", help="a short run that only checks the loop"
    )
    parser.add_argument("--save", help="where to save the trained model (.zip)")
    args = parser.parse_args(argv)

    import torch
    from stable_baselines3 import SAC, HerReplayBuffer

    from gauntlet.envs.arms import ArmReachEnv

    torch.set_num_threads(1)
    timesteps = 120 if args.smoke else args.timesteps
    episodes = 3 if args.smoke else args.eval_episodes
    env = ArmReachEnv(robot=args.robot, reward_type="sparse", max_episode_steps=50)
    model = SAC(
        "MultiInputPolicy",
        env,
        replay_buffer_class=HerReplayBuffer,
        replay_buffer_kwargs={"n_sampled_goal": 4, "goal_selection_strategy": "future"},
        learning_starts=min(1000, timesteps // 2),
        batch_size=32 if args.smoke else 256,
        gamma=0.95,
        learning_rate=1e-3,
        policy_kwargs={"net_arch": [256, 256]},
        seed=args.seed,
        verbose=0,
    )
    start = time.perf_counter()
    model.learn(total_timesteps=timesteps)
    wall = time.perf_counter() - start
    if args.save:
        model.save(args.save)

    test_env = ArmReachEnv(robot=args.robot, reward_type="sparse", max_episode_steps=50)
    successes = 0
    for episode in range(episodes):
        obs, info = test_env.reset(seed=10_000 + episode)
        done = False
        while not done:
            action, _ = model.predict(obs, deterministic=True)
            obs, _, terminated, truncated, info = test_env.step(action)
            done = terminated or truncated
        successes += bool(info["is_success"])
    result = {
        "robot": args.robot,
        "timesteps": timesteps,
        "train_wall_time_s": round(wall, 1),
        "eval_episodes": episodes,
        "success_rate": successes / episodes,
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
