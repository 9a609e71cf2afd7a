"""Goals of a skill scenario, checked on the final state of the cell.

Each goal gives a verdict and the measured value it was judged by, so a
report shows how far off a failed goal was.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gauntlet.scenarios import skill as sk
from gauntlet.skills.world import Cell


@dataclass(frozen=True)
class GoalVerdict:
    """One goal's outcome: name, met, measured value, bound and units."""

    name: str
    met: bool
    actual: float
    threshold: float
    units: str


def _resting(cell: Cell, obj: str) -> bool:
    return all(arm.held != obj for arm in cell.arms.values())


def check_goal(goal: sk.Goal, cell: Cell) -> GoalVerdict:
    """Judge ``goal`` on the cell as it is now."""
    scene = cell.scene
    if isinstance(goal, sk.ObjectIn):
        region = scene.items[goal.region]
        pos = scene.pose(goal.object)[0]
        # Distance outside the region's rectangle (0 when inside).
        outside = np.maximum(np.abs(pos[:2] - region.centre_xy) - region.region_half_m, 0.0)
        miss = float(np.linalg.norm(outside))
        met = miss == 0.0 and _resting(cell, goal.object)
        return GoalVerdict(f"{goal.object}_in_{goal.region}", met, miss, 0.0, "m")
    if isinstance(goal, sk.ObjectOn):
        top, below = scene.pose(goal.object)[0], scene.pose(goal.support)[0]
        offset = float(np.linalg.norm(top[:2] - below[:2]))
        gap = (
            top[2]
            - scene.items[goal.object].half_m[2]
            - (below[2] + scene.items[goal.support].half_m[2])
        )
        met = offset <= goal.tolerance_m and abs(gap) < 0.01 and _resting(cell, goal.object)
        return GoalVerdict(f"{goal.object}_on_{goal.support}", met, offset, goal.tolerance_m, "m")
    if isinstance(goal, sk.Inserted):
        hole = scene.items[goal.hole]
        pos = scene.pose(goal.object)[0]
        depth = float(hole.support_top_m - (pos[2] - scene.items[goal.object].half_m[2]))
        inside = bool(np.all(np.abs(pos[:2] - hole.centre_xy) <= hole.region_half_m))
        met = inside and depth >= goal.depth_m
        return GoalVerdict(f"{goal.object}_inserted_{goal.hole}", met, depth, goal.depth_m, "m")
    if isinstance(goal, sk.Opened):
        amount = scene.opening(goal.fixture)
        units = "m" if scene.items[goal.fixture].kind == "drawer" else "rad"
        return GoalVerdict(
            f"{goal.fixture}_opened", amount >= goal.amount, amount, goal.amount, units
        )
    held = cell.arms.get(goal.arm)
    met = held is not None and held.held == goal.object
    return GoalVerdict(f"{goal.object}_held_by_{goal.arm}", met, float(met), 1.0, "bool")
