"""Train PPO on ``gauntlet/Follow-v0`` on CPU and save the policy.

    pip install torch==2.13.0            # the CPU build
    pip install -e '.[train]'
    python examples/train_follow/train.py --steps 1200000 --out follow_ppo.zip

Then score it on the library's car-following scenarios (see README.md here):

    GAUNTLET_POLICY=follow_ppo.zip gauntlet run scenarios/smoke/follow_lead.yaml \\
        scenarios/smoke/lead_brakes.yaml --stack gauntlet.envs.policy_stack:PolicyStack
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from gauntlet.envs.policy_stack import normalisation_path

ENV_ID = "gauntlet/Follow-v0"
HERE = Path(__file__).resolve().parent
#: Episodes are drawn from the Follow-v0 template and the example's training situations
#: (slower, stopped and braking leads at several speed limits).
SCENARIOS = ("template:follow", str(HERE / "scenarios" / "acc_training.yaml"))
#: Parallel environments stepped in one process, and steps each one adds per rollout.
N_ENVS, N_STEPS = 8, 256


def train(steps: int, out: Path, seed: int = 0, n_envs: int = N_ENVS) -> Path:
    """Train PPO for ``steps`` environment steps and save it to ``out`` (a ``.zip``).

    Observations are normalised by running mean and variance (stable-baselines3's
    ``VecNormalize``); the statistics are saved next to the policy
    (:func:`normalisation_path`), where :class:`~gauntlet.envs.policy_stack.PolicyStack`
    finds them.

    Args:
        steps: Environment steps of training, all environments together
            (one step is 0.05 s of driving).
        out: Where the policy is saved.
        seed: Seeds the environments (``seed + i``), the policy's initialisation
            and its sampling.
        n_envs: Environments stepped side by side in this process.

    Returns:
        The saved file.
    """
    import gymnasium
    import torch
    from stable_baselines3 import PPO
    from stable_baselines3.common.vec_env import DummyVecEnv, VecMonitor, VecNormalize

    import gauntlet  # noqa: F401 - registers the ids

    torch.set_num_threads(1)
    venv = DummyVecEnv(
        [lambda: gymnasium.make(ENV_ID, scenarios=list(SCENARIOS)) for _ in range(n_envs)]
    )
    venv.seed(seed)
    env = VecNormalize(VecMonitor(venv), norm_obs=True, norm_reward=True, gamma=0.99)
    n_steps = N_STEPS if steps >= N_STEPS * n_envs else max(steps // n_envs, 8)
    model = PPO(
        "MlpPolicy",
        env,
        n_steps=n_steps,
        batch_size=min(256, n_steps * n_envs),
        n_epochs=5,
        learning_rate=3e-4,
        gamma=0.99,
        gae_lambda=0.95,
        policy_kwargs={"log_std_init": -1.0, "net_arch": [64, 64]},
        seed=seed,
        device="cpu",
        verbose=0,
    )
    model.learn(total_timesteps=steps)
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    saved = out if out.suffix == ".zip" else out.with_name(out.name + ".zip")
    rms = env.obs_rms
    np.savez(
        normalisation_path(saved),
        mean=rms.mean,
        var=rms.var,
        clip=np.float64(env.clip_obs),
        epsilon=np.float64(env.epsilon),
    )
    env.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--steps", type=int, default=1_200_000, help="training steps (default 1200000)"
    )
    parser.add_argument("--out", type=Path, default=Path("follow_ppo.zip"), help="policy file")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--envs", type=int, default=N_ENVS, help="parallel environments")
    args = parser.parse_args(argv)
    path = train(args.steps, args.out, args.seed, args.envs)
    print(f"saved {path} and {normalisation_path(path)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
