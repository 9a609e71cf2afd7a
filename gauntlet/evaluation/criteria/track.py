"""Where an actor was on its route at every recorded step, and what its lanes ask there.

A :class:`RouteTrack` projects the actor onto its route path (the same path
the stack is given) once per step, on demand, and keeps the path ``s``,
lateral offset and path sample of every step. Route-based criteria share one
track. Per path sample it knows the lane's half width, speed limit and
driving direction, and whether the route changes lanes there.

Rows the track missed (it was not asked every step) are projected from the
recorder when they are needed, so its series always matches the recorder's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gauntlet.agents.drivers import DEFAULT_SPEED_MPS
from gauntlet.evaluation.criteria.base import wrap
from gauntlet.world.observation import EgoRoute
from gauntlet.world.world import World

#: Lane width assumed where the route leaves the lanes (an ego that starts off-lane), m.
DEFAULT_LANE_WIDTH_M = 3.5
#: Route distance before / after a lane switch that counts as the route's lane change, m.
LANE_CHANGE_BEFORE_M = 25.0
LANE_CHANGE_AFTER_M = 5.0
#: Slower than this, an actor is not driving in any direction.
MOVING_MPS = 0.1
#: How often the lane under an actor that left its route lane is looked up, s.
LOCATE_INTERVAL_S = 0.1


@dataclass(frozen=True)
class RouteSeries:
    """Route coordinates of every recorded step: path ``s``, lateral offset, path sample."""

    s: np.ndarray
    lateral: np.ndarray
    index: np.ndarray


class RouteTrack:
    """Projects one actor onto its route path, step by step, for the route-based criteria."""

    def __init__(self, world: World, route: EgoRoute) -> None:
        self.world, self.route, self.actor = world, route, route.actor
        p = route.path
        table = world.lanes
        lane = p.lane
        on_lane = lane >= 0
        width = np.full(len(lane), DEFAULT_LANE_WIDTH_M)
        for k in np.unique(lane[on_lane]):
            at = lane == k
            width[at] = table.lanes[int(k)].width_at(p.lane_s[at])
        self.half_width = 0.5 * width
        limit = np.full(len(lane), np.nan)
        limit[on_lane] = table.speed_limit[lane[on_lane]]
        self.speed_limit = limit
        self.heading = p.heading
        self.lane = lane
        self.lane_change = _lane_change_zone(p.s, lane, table.left, table.right)
        cap = world.recorder.time.shape[0]
        self._s, self._lat = np.zeros(cap), np.zeros(cap)
        self._idx = np.zeros(cap, dtype=np.int64)
        self._count = 0
        self._slot = np.zeros(1, dtype=np.int64)
        self._wrong: dict[float, np.ndarray] = {}

    # ------------------------------------------------------------------ projection

    def update(self, world: World) -> None:
        """Project the rows recorded since the last call (normally just the current step)."""
        self._catch_up(world.recorder.count)

    def series(self) -> RouteSeries:
        """Route coordinates of every step recorded so far."""
        self._catch_up(self.world.recorder.count)
        k = self._count
        return RouteSeries(self._s[:k], self._lat[:k], self._idx[:k])

    def _catch_up(self, count: int) -> None:
        if count <= self._count:
            return
        if count > len(self._s):
            grow = max(count - len(self._s), len(self._s))
            self._s = np.concatenate((self._s, np.zeros(grow)))
            self._lat = np.concatenate((self._lat, np.zeros(grow)))
            self._idx = np.concatenate((self._idx, np.zeros(grow, dtype=np.int64)))
        rec = self.world.recorder
        x, y = rec.buffers["x"][:, self.actor], rec.buffers["y"][:, self.actor]
        v, t = rec.buffers["speed"][:, self.actor], rec.time
        bank = self.route.bank
        for k in range(self._count, count):
            prev = self._s[k - 1] if k else 0.0
            step = t[k] - t[k - 1] if k else 0.0
            guess = np.array([prev + abs(v[k]) * step])
            s, lat, i = bank.project(self._slot, guess, x[k : k + 1], y[k : k + 1])
            self._s[k], self._lat[k], self._idx[k] = s[0], lat[0], i[0]
        self._count = count

    # ------------------------------------------------------------------ route facts

    def goal_length(self, goal_xy: tuple[float, float] | None, duration_s: float) -> float:
        """Route distance to the goal, m.

        With a goal position: the path ``s`` of the path sample nearest to it.
        Without: how far the route reaches in ``duration_s`` driven at each
        lane's speed limit (the default speed where a lane has none), capped
        at the route's end.
        """
        p = self.route.path
        if goal_xy is not None:
            k = int(np.argmin(np.hypot(p.x - goal_xy[0], p.y - goal_xy[1])))
            return max(float(p.s[k]), 1e-3)
        limit = np.where(np.isfinite(self.speed_limit), self.speed_limit, DEFAULT_SPEED_MPS)
        ds = np.diff(p.s)
        elapsed = np.concatenate(([0.0], np.cumsum(ds / np.maximum(limit[:-1], 0.1))))
        if elapsed[-1] <= duration_s:
            return max(float(p.s[-1]), 1e-3)
        return max(float(np.interp(duration_s, elapsed, p.s)), 1e-3)

    def in_lane(
        self, lateral: np.ndarray, index: np.ndarray, margin: np.ndarray | float
    ) -> np.ndarray:
        """Whether the actor's centre lies within the route lane's half width minus ``margin``."""
        return np.abs(lateral) <= self.half_width[index] - margin

    def wrong_way(self, threshold_rad: float) -> np.ndarray:
        """Per recorded step: is the actor driving against the direction of the lane it is on?

        An actor moving (faster than :data:`MOVING_MPS`) inside its route lane
        compares its heading with the route's heading, and so does
        one in a neighbour lane of the same direction. Anywhere else the lane
        under it is looked up (every :data:`LOCATE_INTERVAL_S`,
        preferring lanes that match its direction, so junction lanes of other
        directions do not count); off every lane it is not driving the wrong way.
        """
        rs = self.series()
        cached = self._wrong.get(threshold_rad)
        if cached is not None and len(cached) == len(rs.s):
            return cached
        rec = self.world.recorder
        k = len(rs.s)
        a = self.actor
        x, y = rec.buffers["x"][:k, a], rec.buffers["y"][:k, a]
        h, v = rec.buffers["h"][:k, a], rec.buffers["speed"][:k, a]
        moving = np.abs(v) > MOVING_MPS
        # The body's heading, not the direction of motion: a vehicle backing up in its
        # lane (a negative speed) is manoeuvring, not driving the wrong way.
        motion = h
        against_route = np.abs(wrap(motion - self.heading[rs.index])) > threshold_rad
        in_route_lane = self.in_lane(rs.lateral, rs.index, 0.0)
        # In a neighbour lane of the route lane's direction (passing), that lane runs
        # along the route: no need to look it up.
        table, lane = self.world.lanes, self.lane[rs.index]
        known = lane >= 0
        side = np.where(rs.lateral > 0, table.left[lane * known], table.right[lane * known])
        beside = known & (side >= 0) & (np.abs(rs.lateral) <= 3.0 * self.half_width[rs.index])
        flags = moving & (in_route_lane | beside) & against_route
        unsure = moving & ~in_route_lane & ~beside
        every = max(1, int(round(LOCATE_INTERVAL_S / self.world.dt)))
        network = self.world.network
        last_check, last_flag = -every, False
        for j in np.flatnonzero(unsure):
            if j - last_check >= every:
                found = network.locate(float(x[j]), float(y[j]), float(motion[j]))
                if found is None:
                    last_flag = False
                else:
                    lane = network.lanes[found.key]
                    mismatch = abs(float(wrap(motion[j] - lane.heading_at(found.s))))
                    last_flag = mismatch > threshold_rad
                last_check = j
            flags[j] = last_flag
        self._wrong[threshold_rad] = flags
        return flags


def _lane_change_zone(
    s: np.ndarray, lane: np.ndarray, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """Path samples around each switch to a neighbouring lane (the route's lane changes)."""
    zone = np.zeros(len(lane), dtype=bool)
    prev, cur = lane[:-1], lane[1:]
    valid = (prev >= 0) & (cur >= 0) & (prev != cur)
    switch = np.zeros(len(prev), dtype=bool)
    switch[valid] = (cur[valid] == left[prev[valid]]) | (cur[valid] == right[prev[valid]])
    for i in np.flatnonzero(switch) + 1:
        zone |= (s >= s[i] - LANE_CHANGE_BEFORE_M) & (s <= s[i] + LANE_CHANGE_AFTER_M)
    return zone
