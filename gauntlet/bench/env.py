"""``gauntlet bench env``: steps per second of ``gauntlet/LaneKeep-v0`` and of the batch, one core.

The loop measured is an agent's: ``env.step(action)`` with ground-truth
observations and the reward terms, through ``gymnasium.make``'s wrappers,
with seeded random actions; an episode that ends is reset (the resets are
timed apart). The unwrapped environment's rate shows the wrappers' share.
``*_cpu`` rates divide by this process's CPU time instead of the wall clock:
on a machine shared with other work they show the code's own speed.

The native batch (``gymnasium.make_vec("gauntlet/LaneKeepBatch-v0", 1024)``)
is timed the same way, ``step`` of all worlds at once with the worlds that
end restarting inside it; its rate counts env-steps (worlds × steps) per second.
"""

from __future__ import annotations

import time
from typing import Any

import gymnasium
import numpy as np

import gauntlet  # noqa: F401 - registers the ids

ENV_ID = "gauntlet/LaneKeep-v0"
BATCH_ID = "gauntlet/LaneKeepBatch-v0"
BATCH_NUM_ENVS = 1024


def _rate(
    env: gymnasium.Env, actions: np.ndarray, resets: list[float], cpu: list[float] | None = None
) -> float:
    """Steps per second over ``actions`` (wall clock); the time of each reset goes to ``resets``.

    ``cpu`` receives the rate in this process's CPU time, which leaves out the
    time the process waited for a core on a busy machine.
    """
    spent = spent_cpu = 0.0
    for action in actions:
        c0 = time.process_time()
        t0 = time.perf_counter()
        _, _, terminated, truncated, _ = env.step(action)
        spent += time.perf_counter() - t0
        spent_cpu += time.process_time() - c0
        if terminated or truncated:
            t0 = time.perf_counter()
            env.reset()
            resets.append(time.perf_counter() - t0)
    if cpu is not None:
        cpu.append(len(actions) / max(spent_cpu, 1e-9))
    return len(actions) / spent


def bench_env(quick: bool = False) -> dict[str, Any]:
    """Steps per second of LaneKeep-v0 (wrapped and unwrapped) and the time of a reset."""
    steps, repeats = (500, 2) if quick else (4000, 5)
    env = gymnasium.make(ENV_ID)
    env.reset(seed=0)
    env.action_space.seed(0)
    actions = np.array([env.action_space.sample() for _ in range(steps)])
    actions[:, 1] *= 0.05  # gentle steering keeps episodes on the road for a while
    resets: list[float] = []
    _rate(env, actions[: steps // 5], resets)  # warm up: compiled kernels, caches
    cpu: list[float] = []
    wrapped = [_rate(env, actions, resets, cpu) for _ in range(repeats)]
    raw = env.unwrapped
    unwrapped = [_rate(raw, actions, resets) for _ in range(repeats)]
    median = float(np.median(wrapped))
    return {
        "env": ENV_ID,
        "steps_per_repeat": steps,
        "repeats": repeats,
        "dt_s": raw.world.dt,
        "steps_per_s": round(median, 1),
        "steps_per_s_best": round(max(wrapped), 1),
        "steps_per_s_worst": round(min(wrapped), 1),
        "steps_per_s_cpu": round(float(np.median(cpu)), 1),
        "steps_per_s_unwrapped": round(float(np.median(unwrapped)), 1),
        "reset_ms_median": round(float(np.median(resets)) * 1e3, 2) if resets else None,
        "episodes_reset": len(resets),
        "target_steps_per_s": 5000,
        **bench_batch(quick),
    }


def bench_batch(quick: bool = False) -> dict[str, Any]:
    """Env-steps per second of the native batch of ``BATCH_NUM_ENVS`` worlds."""
    steps, repeats = (50, 2) if quick else (400, 5)
    env = gymnasium.make_vec(BATCH_ID, num_envs=BATCH_NUM_ENVS)
    env.reset(seed=0)
    env.action_space.seed(0)
    actions = np.array([env.action_space.sample() for _ in range(steps)])
    actions[..., 1] *= 0.05
    for action in actions[: steps // 5]:  # warm up
        env.step(action)
    rates, cpu = [], []
    for _ in range(repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        for action in actions:
            env.step(action)
        rates.append(steps * BATCH_NUM_ENVS / (time.perf_counter() - t0))
        cpu.append(steps * BATCH_NUM_ENVS / max(time.process_time() - c0, 1e-9))
    return {
        "batch_env": BATCH_ID,
        "batch_num_envs": BATCH_NUM_ENVS,
        "batch_env_steps_per_s": round(float(np.median(rates)), 1),
        "batch_env_steps_per_s_best": round(max(rates), 1),
        "batch_env_steps_per_s_worst": round(min(rates), 1),
        "batch_env_steps_per_s_cpu": round(float(np.median(cpu)), 1),
        "batch_target_env_steps_per_s": 100_000,
    }
