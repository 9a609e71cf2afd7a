"""Safety criteria: collisions (by class, with fault), time headway, post-encroachment time."""

from __future__ import annotations

from typing import Any

import numpy as np

from gauntlet.evaluation.criteria.base import Criterion, Passive, in_path_gaps, ttc_series
from gauntlet.evaluation.criteria.track import MOVING_MPS, RouteTrack
from gauntlet.evaluation.result import CriterionResult
from gauntlet.world.world import World

#: Class of the other party of a collision, by entity type (anything else is a vehicle).
COLLISION_CLASS = {"pedestrian": "pedestrian", "bicycle": "cyclist", "obstacle": "static"}
#: Trajectories are compared at vertices this far apart along the path, m.
PET_SAMPLE_M = 0.5


def collision_class(entity_type: str) -> str:
    """``vehicle``, ``pedestrian``, ``cyclist`` or ``static``."""
    return COLLISION_CLASS.get(entity_type, "vehicle")


def fault(world: World, a: int, b: int, track: RouteTrack | None) -> tuple[bool, str]:
    """Whether ``a`` is at fault for its contact with ``b`` now, and the rule that decided.

    The rule, in order:

    1. ``stopped``: an actor standing (slower than 0.1 m/s) is never at fault.
    2. ``front``: the contact point lies in ``a``'s front half (the centre of
       ``b`` is ahead of ``a``'s centre, in ``a``'s frame).
    3. ``faster``: ``a`` was closing in on ``b`` faster than ``b`` on ``a``,
       along the line between their centres.
    4. ``off_lane``: ``a`` was not fully inside its route lane (a lane change,
       or off its lane).
    5. ``none``: otherwise ``a`` is not at fault.
    """
    if abs(world.v[a]) < MOVING_MPS:
        return False, "stopped"
    ca, sa = np.cos(world.h[a]), np.sin(world.h[a])
    dx, dy = world.x[b] - world.x[a], world.y[b] - world.y[a]
    if dx * ca + dy * sa > 0.0:
        return True, "front"
    dist = max(float(np.hypot(dx, dy)), 1e-9)
    nx, ny = dx / dist, dy / dist
    closing_a = world.v[a] * (ca * nx + sa * ny)
    closing_b = -world.v[b] * (np.cos(world.h[b]) * nx + np.sin(world.h[b]) * ny)
    if closing_a > closing_b:
        return True, "faster"
    if track is not None:
        track.update(world)
        rs = track.series()
        margin = 0.5 * world.width[a]
        if not track.in_lane(rs.lateral[-1:], rs.index[-1:], margin)[0] or bool(
            track.lane_change[rs.index[-1]]
        ):
            return True, "off_lane"
    return False, "none"


class NoCollision(Criterion):
    """Counts the entity's collisions; each event names the other party, its class and the fault."""

    name, units = "collision", "count"

    def __init__(
        self, world: World, entity: str, track: RouteTrack | None, at_fault_only: bool = False
    ) -> None:
        self.actor = world.actor_id(entity)
        self.track, self.at_fault_only = track, at_fault_only
        self.events: list[dict[str, Any]] = []
        self._seen = 0

    def update(self, world: World) -> None:
        if len(world.collisions) == self._seen:
            return
        for ev in world.collisions[self._seen :]:
            if self.actor in (ev.a, ev.b):
                other = ev.b if ev.a == self.actor else ev.a
                at_fault, rule = fault(world, self.actor, other, self.track)
                self.events.append(
                    {
                        "time_s": ev.time_s,
                        "other": world.actors[other].name,
                        "other_type": world.actors[other].type,
                        "other_class": collision_class(world.actors[other].type),
                        "speed_mps": float(world.v[self.actor]),
                        "other_speed_mps": float(world.v[other]),
                        "at_fault": at_fault,
                        "fault_rule": rule,
                    }
                )
        self._seen = len(world.collisions)

    def result(self) -> CriterionResult:
        counted = [e for e in self.events if e["at_fault"] or not self.at_fault_only]
        return self.verdict(bool(counted), float(len(counted)), 0.0, self.events)


class MinTimeToCollision(Passive):
    """Smallest constant-velocity time to collision with anything in the entity's path."""

    name, units = "min_ttc", "s"

    def __init__(self, world: World, entity: str, threshold: float) -> None:
        self.world, self.actor, self.threshold = world, world.actor_id(entity), threshold

    def result(self) -> CriterionResult:
        w, k = self.world, self.world.recorder.count
        b = w.recorder.buffers
        ttc = ttc_series(
            b["x"][:k], b["y"][:k], b["h"][:k], b["speed"][:k], w.length, w.width, self.actor
        )
        j = int(np.argmin(ttc))
        if not np.isfinite(ttc[j]):
            return self.verdict(False, None, self.threshold)
        value = float(ttc[j])
        bad = value < self.threshold
        events = [{"time_s": float(w.recorder.time[j]), "value": value}] if bad else []
        return self.verdict(bad, value, self.threshold, events)


class MinHeadway(Passive):
    """Smallest time headway: bumper gap to the nearest road user in the path over own speed."""

    name, units = "min_headway", "s"

    def __init__(self, world: World, entity: str, threshold: float, min_speed: float) -> None:
        self.world, self.actor = world, world.actor_id(entity)
        self.threshold, self.min_speed = threshold, min_speed

    def result(self) -> CriterionResult:
        w, k, a = self.world, self.world.recorder.count, self.actor
        b = w.recorder.buffers
        gap, others = in_path_gaps(b["x"][:k], b["y"][:k], b["h"][:k], w.length, w.width, a)
        if gap.shape[1] == 0:
            return self.verdict(False, None, self.threshold)
        leader = np.argmin(gap, axis=1)
        nearest = gap[np.arange(k), leader]
        v = b["speed"][:k, a]
        following = np.isfinite(nearest) & (v > self.min_speed)
        if not following.any():
            return self.verdict(False, None, self.threshold)
        headway = np.where(following, nearest / np.maximum(v, 1e-9), np.inf)
        j = int(np.argmin(headway))
        value = float(headway[j])
        bad = value < self.threshold
        events = [
            {
                "time_s": float(w.recorder.time[j]),
                "value": value,
                "leader": w.actors[int(others[leader[j]])].name,
            }
        ]
        return self.verdict(bad, value, self.threshold, events if bad else ())


class PostEncroachmentTime(Passive):
    """Smallest post-encroachment time where the entity's trajectory crosses another's.

    Where two recorded trajectories cross, the conflict area is the crossing
    point widened by the actors' sizes: an actor occupies it while its centre
    is within half its own length plus half the other's width of the point,
    along its own trajectory. PET is the time from the first actor leaving
    the area to the second entering it; 0 if both were in it at once.
    Crossings the second actor had not reached by the end are not counted.
    """

    name, units = "pet", "s"

    def __init__(self, world: World, entity: str, threshold: float, other: str | None) -> None:
        self.world, self.actor, self.threshold = world, world.actor_id(entity), threshold
        n = len(world.actors)
        self.others = [world.actor_id(other)] if other else [k for k in range(n) if k != self.actor]

    def result(self) -> CriterionResult:
        w, k = self.world, self.world.recorder.count
        b, t = w.recorder.buffers, w.recorder.time[:k]
        a = self.actor
        mine = _Trajectory(b["x"][:k, a], b["y"][:k, a], t)
        best, events = np.inf, []
        for o in self.others:
            theirs = _Trajectory(b["x"][:k, o], b["y"][:k, o], t)
            if not mine.may_cross(theirs):
                continue
            for sa, so, px, py in mine.crossings(theirs):
                reach_a = 0.5 * w.length[a] + 0.5 * w.width[o]
                reach_o = 0.5 * w.length[o] + 0.5 * w.width[a]
                pet, when = _pet(mine.passage(sa, reach_a), theirs.passage(so, reach_o))
                if pet is None:
                    continue
                best = min(best, pet)
                if pet < self.threshold:
                    events.append(
                        {
                            "time_s": when,
                            "other": w.actors[o].name,
                            "pet_s": pet,
                            "x_m": px,
                            "y_m": py,
                        }
                    )
        actual = float(best) if np.isfinite(best) else None
        return self.verdict(bool(events), actual, self.threshold, events)


class _Trajectory:
    """A recorded path with its travelled distance, for crossing and passage-time queries."""

    def __init__(self, x: np.ndarray, y: np.ndarray, t: np.ndarray) -> None:
        self.t = t
        self.dist = np.concatenate(([0.0], np.cumsum(np.hypot(np.diff(x), np.diff(y)))))
        _, keep = np.unique(np.floor(self.dist / PET_SAMPLE_M), return_index=True)
        keep = np.union1d(keep, [len(x) - 1])
        self.vx, self.vy, self.vd = x[keep], y[keep], self.dist[keep]

    def may_cross(self, other: _Trajectory) -> bool:
        if len(self.vx) < 2 or len(other.vx) < 2:
            return False
        return not (
            self.vx.max() < other.vx.min()
            or other.vx.max() < self.vx.min()
            or self.vy.max() < other.vy.min()
            or other.vy.max() < self.vy.min()
        )

    def crossings(self, other: _Trajectory) -> list[tuple[float, float, float, float]]:
        """Travelled distance of each, and the point, where the two polylines cross."""
        px, py = self.vx[:-1, None], self.vy[:-1, None]
        rx, ry = np.diff(self.vx)[:, None], np.diff(self.vy)[:, None]
        qx, qy = other.vx[None, :-1], other.vy[None, :-1]
        sx, sy = np.diff(other.vx)[None, :], np.diff(other.vy)[None, :]
        denom = rx * sy - ry * sx
        with np.errstate(divide="ignore", invalid="ignore"):
            u = ((qx - px) * sy - (qy - py) * sx) / denom
            v = ((qx - px) * ry - (qy - py) * rx) / denom
        hit = (np.abs(denom) > 1e-12) & (u >= 0) & (u <= 1) & (v >= 0) & (v <= 1)
        out = []
        for i, j in zip(*np.nonzero(hit), strict=True):
            da = self.vd[i] + u[i, j] * (self.vd[i + 1] - self.vd[i])
            db = other.vd[j] + v[i, j] * (other.vd[j + 1] - other.vd[j])
            if any(abs(da - a) < PET_SAMPLE_M and abs(db - b) < PET_SAMPLE_M for a, b, *_ in out):
                continue  # the same crossing, found on both segments that share a vertex
            out.append(
                (
                    float(da),
                    float(db),
                    float(px[i, 0] + u[i, j] * rx[i, 0]),
                    float(py[i, 0] + u[i, j] * ry[i, 0]),
                )
            )
        return out

    def passage(self, d: float, reach: float) -> tuple[float | None, float | None]:
        """Times the actor enters and leaves ``[d - reach, d + reach]`` of travel (None: never)."""
        return self._time_at(d - reach), self._time_at(d + reach)

    def _time_at(self, d: float) -> float | None:
        i = int(np.searchsorted(self.dist, d, side="left"))
        if i >= len(self.dist):
            return None
        if i == 0:
            return float(self.t[0])
        d0, d1 = self.dist[i - 1], self.dist[i]
        frac = (d - d0) / (d1 - d0) if d1 > d0 else 1.0
        return float(self.t[i - 1] + frac * (self.t[i] - self.t[i - 1]))


def _pet(
    a: tuple[float | None, float | None], b: tuple[float | None, float | None]
) -> tuple[float | None, float]:
    """PET and the time the second actor entered, from both (enter, leave) passage times."""
    (a_in, a_out), (b_in, b_out) = a, b
    if a_in is None or b_in is None:
        return None, 0.0
    first_out, second_in = (a_out, b_in) if a_in <= b_in else (b_out, a_in)
    if first_out is None or first_out >= second_in:
        return 0.0, second_in
    return second_in - first_out, second_in
