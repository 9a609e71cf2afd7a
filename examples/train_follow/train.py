"""Train PPO on ``gauntlet/Follow-v0`` on CPU and save the policy.

    pip install torch==2.13.0            # the CPU build
    pip install -e '.[train]'
    python examples/train_follow/train.py --steps 200000 --out follow_ppo.zip

Then score it on the library's car-following scenarios (see README.md here):

    GAUNTLET_POLICY=follow_ppo.zip gauntlet run scenarios/smoke/follow_lead.yaml \\
        scenarios/smoke/lead_brakes.yaml --stack gauntlet.envs.policy_stack:PolicyStack
"""

from __future__ import annotations

import argparse
from pathlib import Path

ENV_ID = "gauntlet/Follow-v0"


def train(steps: int, out: Path, seed: int = 0, n_steps: int = 1024) -> Path:
    """Train PPO for ``steps`` environment steps and save it to ``out`` (a ``.zip``).

    Args:
        steps: Environment steps of training (one step is 0.05 s of driving).
        out: Where the policy is saved.
        seed: Seeds the environment, the policy's initialisation and its sampling.
        n_steps: Steps per PPO rollout (and per update).

    Returns:
        The saved file.
    """
    import gymnasium
    import torch
    from stable_baselines3 import PPO

    import gauntlet  # noqa: F401 - registers the ids

    torch.set_num_threads(1)
    env = gymnasium.make(ENV_ID)
    model = PPO(
        "MlpPolicy",
        env,
        n_steps=n_steps,
        batch_size=min(256, n_steps),
        learning_rate=3e-4,
        gamma=0.99,
        seed=seed,
        device="cpu",
        verbose=0,
    )
    model.learn(total_timesteps=steps)
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    env.close()
    return out if out.suffix == ".zip" else out.with_name(out.name + ".zip")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--steps", type=int, default=200_000, help="training steps (default 200000)"
    )
    parser.add_argument("--out", type=Path, default=Path("follow_ppo.zip"), help="policy file")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    path = train(args.steps, args.out, args.seed)
    print(f"saved {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
