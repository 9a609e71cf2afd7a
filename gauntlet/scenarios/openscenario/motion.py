"""Motion computed ahead of the run: speed plans, synchronisation and timed paths.

Some OpenSCENARIO actions describe motion Gauntlet can only replay: a path
without time stamps driven at the speed other actions give, or an arrival
synchronised with another entity. For these the import computes the speed
over time (a :class:`SpeedPlan`) from actions whose start times are known
before the run, and turns path and speed into time-stamped trajectory points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.openscenario.roadmap import Path

#: Time step of computed speed plans and trajectories, s.
PLAN_STEP_S = 0.02
#: Time between the points of a computed trajectory, s.
TRAJECTORY_STEP_S = 0.1


@dataclass(frozen=True)
class SpeedChange:
    """A speed transition starting at ``t_s``; ``duration_s`` 0 is a step."""

    t_s: float
    target_mps: float
    shape: str = "linear"
    duration_s: float = 0.0


@dataclass
class SpeedPlan:
    """Speed of one entity over time: a start speed and transitions at known times."""

    start_mps: float
    changes: list[SpeedChange] = field(default_factory=list)

    def sampled(self, horizon_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Times, speeds and travelled distances every :data:`PLAN_STEP_S` up to ``horizon_s``."""
        t = np.arange(0.0, horizon_s + PLAN_STEP_S, PLAN_STEP_S)
        v = np.full_like(t, self.start_mps)
        for change in sorted(self.changes, key=lambda c: c.t_s):
            k = int(np.searchsorted(t, change.t_s - 1e-9))
            if k >= len(t):
                continue
            v0 = float(v[k - 1]) if k > 0 else self.start_mps
            u = (
                (t[k:] - change.t_s) / change.duration_s
                if change.duration_s > 0
                else np.ones(len(t) - k)
            )
            v[k:] = v0 + (change.target_mps - v0) * _progress(change.shape, u)
        s = np.concatenate(([0.0], np.cumsum(0.5 * (v[1:] + v[:-1]) * PLAN_STEP_S)))
        return t, v, s

    def speed_at(self, t_s: float) -> float:
        """Speed at ``t_s``."""
        t, v, _ = self.sampled(t_s + PLAN_STEP_S)
        return float(np.interp(t_s, t, v))

    def distance_at(self, t_s: float) -> float:
        """Distance travelled from time 0 to ``t_s``."""
        t, _, s = self.sampled(t_s + PLAN_STEP_S)
        return float(np.interp(t_s, t, s))

    def is_constant(self) -> bool:
        """Whether the speed never changes."""
        return all(abs(c.target_mps - self.start_mps) < 1e-12 for c in self.changes)


def _progress(shape: str, u: np.ndarray) -> np.ndarray:
    u = np.clip(u, 0.0, 1.0)
    if shape == "step":
        return np.ones_like(u)
    if shape == "cubic":
        return u * u * (3.0 - 2.0 * u)
    if shape == "sinusoidal":
        return 0.5 * (1.0 - np.cos(np.pi * u))
    return u


def synchronise(
    t0: float,
    time_to_arrive_s: float,
    distance_m: float,
    start_mps: float,
    final_mps: float | None,
    steady: tuple[str, float] | None,
) -> list[SpeedChange]:
    """Speed changes that bring an actor ``distance_m`` ahead in ``time_to_arrive_s``.

    The actor reaches ``final_mps`` where the steady state begins (``("distance", d)``
    metres or ``("time", s)`` seconds before the target) and holds it. In the
    synchronisation phase it keeps its speed, then changes it at a constant
    rate so as to arrive on time; where that cannot work, it passes through
    one intermediate speed instead.

    Raises:
        ValueError: If the arrival cannot be reached going forwards.
    """
    if time_to_arrive_s <= 0:
        raise ValueError("the master would reach its target before the action starts")
    if final_mps is None:
        return [SpeedChange(t0, distance_m / time_to_arrive_s, "step")]
    if steady is None:
        free_m, free_s = distance_m, time_to_arrive_s
    elif steady[0] == "distance":
        if final_mps <= 0:
            raise ValueError("a steady-state distance needs a final speed above 0")
        free_m, free_s = distance_m - steady[1], time_to_arrive_s - steady[1] / final_mps
    else:
        free_m, free_s = distance_m - final_mps * steady[1], time_to_arrive_s - steady[1]
    if free_s <= 0 or free_m < 0:
        raise ValueError(
            f"no time or room left before the steady state ({free_s:.2f} s, {free_m:.2f} m)"
        )
    v0, vf = start_mps, final_mps
    if abs(vf - v0) > 1e-9:
        ramp = 2.0 * (free_m - v0 * free_s) / (vf - v0)
        if 0.0 < ramp <= free_s + 1e-9:
            return [SpeedChange(t0 + free_s - ramp, vf, "linear", ramp)]
    elif abs(free_m - v0 * free_s) < 1e-6:
        return []
    peak = 2.0 * free_m / free_s - 0.5 * (v0 + vf)
    if peak < 0:
        raise ValueError(f"the actor would have to move backwards ({peak:.2f} m/s)")
    half = 0.5 * free_s
    return [SpeedChange(t0, peak, "linear", half), SpeedChange(t0 + half, vf, "linear", half)]


def timed_points(
    path: Path,
    start_s: float,
    plan: SpeedPlan,
    t_from: float,
    horizon_s: float,
    center: tuple[float, float],
) -> tuple[sc.TrajectoryPoint, ...]:
    """Trajectory points of a box centre moving along ``path`` from ``start_s`` by ``plan``.

    The distance travelled from ``t_from`` on comes from the plan; motion ends
    at the end of the path. Points on a straight line at a constant speed are
    merged.
    """
    t, _, s = plan.sampled(horizon_s)
    keep = t >= t_from - 1e-9
    t, s = t[keep], s[keep] - s[keep][0] + start_s
    s = np.minimum(s, path.length)
    stride = max(1, int(round(TRAJECTORY_STEP_S / PLAN_STEP_S)))
    index = np.unique(np.concatenate((np.arange(0, len(t), stride), [len(t) - 1])))
    rows = []
    for k in index:
        pose = path.at(float(s[k])).moved(*center)
        rows.append((float(t[k]), pose.x, pose.y, pose.h))
    rows = _merge_linear(rows)
    return tuple(sc.TrajectoryPoint(t_s=r[0], x_m=r[1], y_m=r[2], heading_rad=r[3]) for r in rows)


def _merge_linear(
    rows: list[tuple[float, float, float, float]],
) -> list[tuple[float, float, float, float]]:
    """Drop points that linear interpolation of their neighbours reproduces."""
    if len(rows) <= 2:
        return rows
    kept = [rows[0]]
    for k in range(1, len(rows) - 1):
        a, b, c = kept[-1], rows[k], rows[k + 1]
        u = (b[0] - a[0]) / (c[0] - a[0])
        if not all(math.isclose(a[i] + u * (c[i] - a[i]), b[i], abs_tol=1e-6) for i in (1, 2, 3)):
            kept.append(b)
    kept.append(rows[-1])
    return kept
