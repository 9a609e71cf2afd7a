"""``gauntlet bench arm``: arm environment throughput and primitive success per robot.

* ``reach_steps_per_s`` / ``pick_place_steps_per_s``: environment steps per
  second of ``gauntlet/ArmReach-v0`` and ``gauntlet/ArmPickPlace-v0`` (Panda,
  end-effector actions, 25 Hz control with 20 physics substeps), on one core,
  random actions, resets excluded;
* ``primitive_success``: per robot, the share of primitive steps that met
  their success condition over the library skills run (``quick``: the
  pick-and-place skill only), and the share of skills that succeeded.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np


def env_steps_per_s(env_id: str, steps: int) -> float:
    """Steps per second of ``env_id`` with the Panda arm under random actions (resets not timed)."""
    import gymnasium

    import gauntlet  # noqa: F401 - registers the ids

    env = gymnasium.make(env_id, robot="panda").unwrapped
    env.reset(seed=0)
    env.action_space.seed(0)
    actions = [env.action_space.sample() for _ in range(steps)]
    elapsed = 0.0
    for i, a in enumerate(actions):
        start = time.perf_counter()
        _, _, terminated, truncated, _ = env.step(a)
        elapsed += time.perf_counter() - start
        if terminated or truncated:
            env.reset(seed=i)
    env.close()
    return steps / elapsed


def primitive_success(quick: bool) -> dict[str, dict[str, float]]:
    """Per robot: share of primitive steps and of skills that succeeded, library skills."""
    from gauntlet.library import library_root
    from gauntlet.scenarios.files import load_file
    from gauntlet.skills.run import execute_skill

    names = (
        ["pick_and_place"] if quick else ["pick_and_place", "stack", "peg_insertion", "turn_valve"]
    )
    tally: dict[str, list[int]] = {}
    for name in names:
        for scenario in load_file(library_root() / "skill" / f"{name}.yaml"):
            run = execute_skill(scenario, scenario.seed)
            t = tally.setdefault(scenario.robot, [0, 0, 0, 0])
            t[0] += sum(r.status == "ok" for r in run.steps)
            t[1] += len(run.steps)
            t[2] += int(run.success)
            t[3] += 1
    return {
        robot: {"primitives": t[0] / t[1], "skills": t[2] / t[3], "runs": float(t[3])}
        for robot, t in sorted(tally.items())
    }


def bench_arm(quick: bool = False) -> dict[str, Any]:
    """Run the arm benchmark; see the module docstring."""
    from gauntlet.envs.arms import CONTROL_HZ, SUBSTEPS

    steps = 300 if quick else 2000
    reach = [env_steps_per_s("gauntlet/ArmReach-v0", steps) for _ in range(1 if quick else 3)]
    pick = [env_steps_per_s("gauntlet/ArmPickPlace-v0", steps) for _ in range(1 if quick else 3)]
    return {
        "reach_steps_per_s": float(np.median(reach)),
        "pick_place_steps_per_s": float(np.median(pick)),
        "control_hz": CONTROL_HZ,
        "physics_substeps": SUBSTEPS,
        "primitive_success": primitive_success(quick),
    }
