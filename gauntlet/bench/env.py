"""``gauntlet bench env``: steps per second of ``gauntlet/LaneKeep-v0``, one core.

The loop measured is an agent's: ``env.step(action)`` with ground-truth
observations and the reward terms, through ``gymnasium.make``'s wrappers,
with seeded random actions; an episode that ends is reset (the resets are
timed apart). The unwrapped environment's rate shows the wrappers' share.
"""

from __future__ import annotations

import time
from typing import Any

import gymnasium
import numpy as np

import gauntlet  # noqa: F401 - registers the ids

ENV_ID = "gauntlet/LaneKeep-v0"


def _rate(env: gymnasium.Env, actions: np.ndarray, resets: list[float]) -> float:
    """Steps per second over ``actions``; the time of each reset goes to ``resets``."""
    spent = 0.0
    for action in actions:
        t0 = time.perf_counter()
        _, _, terminated, truncated, _ = env.step(action)
        spent += time.perf_counter() - t0
        if terminated or truncated:
            t0 = time.perf_counter()
            env.reset()
            resets.append(time.perf_counter() - t0)
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
    wrapped = [_rate(env, actions, resets) for _ in range(repeats)]
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
        "steps_per_s_unwrapped": round(float(np.median(unwrapped)), 1),
        "reset_ms_median": round(float(np.median(resets)) * 1e3, 2) if resets else None,
        "episodes_reset": len(resets),
        "target_steps_per_s": 5000,
    }
