"""Lane changes of the reference stack: passing slow traffic and closed lanes, then back.

The stack's route fixes the lanes it drives, its own lane changes included. With
passing switched on the stack may leave that *home* lane for one neighbour lane by
driving a lateral offset from the route (a :class:`LateralMove`), deciding every
:data:`DECISION_INTERVAL_S`:

* **out** when the home lane's leader is slower than desired by ``speed_gain_mps``
  and the neighbour offers an acceleration better by ``accel_gain_mps2`` (MOBIL's
  incentive without politeness); left first, right only past a (nearly) standing
  leader (a closed lane), never near a traffic light or a lane change of the route;
* **back** as soon as that is safe and no worse than staying by
  ``keep_home_bias_mps2``, at the latest before the neighbour ends or the route
  turns the other way (:meth:`PassingPlanner.end_gap` stops the ego there if the
  way back stays shut);
* **the route's own lane changes**: if the lane the route moves to is taken, the
  ego keeps to its lane through the route's move (a *hold*) and merges later; if
  the route moves over to the lane the ego is passing in, the ego goes straight on;
* **where**: a neighbour counts where the map gives the route's lane one of the
  same direction and enough width, looked up every :data:`GRID_M` along the route;
* **safe**: the target lane's leader leaves ``min_gap_m + 0.5 s`` and its follower
  (or a faster one in the ego's own lane, which may move over too) need not brake
  harder than ``safe_decel_mps2``; a change under way is given up in its first
  half when that stops being true;
* **how**: the offset follows ``3x^2 - 2x^3`` over 3.5 s of driving (15 m to
  110 m), so a change from a standstill moves sideways only as the ego moves on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gauntlet.agents.stack import EpisodeInfo, Observation

#: Time between decisions, s.
DECISION_INTERVAL_S = 0.5
#: Spacing of the neighbour-lane lookups along the route, m.
GRID_M = 20.0
#: No passing starts closer than this to a traffic light, m.
SIGNAL_CLEARANCE_M = 250.0
#: Range behind the ego searched for followers in the target lane, m.
REAR_RANGE_M = 100.0
#: Range ahead searched for leaders, m.
FRONT_RANGE_M = 150.0
#: Duration of driving that the lateral move takes, s, and its bounds in m.
CHANGE_TIME_S = 3.5
CHANGE_MIN_M = 15.0
CHANGE_MAX_M = 110.0
#: Below this speed a lateral move under way may be replaced by a new decision, m/s.
STALLED_MPS = 3.0
#: IDM parameters assumed for other drivers when judging the safety of a change.
OTHER_IDM = {"a": 1.5, "b": 2.0, "T": 1.5, "s0": 2.0}


@dataclass(frozen=True)
class LateralMove:
    """A move of the driven line from offset ``start`` to ``end`` between route ``s0`` and ``s1``.

    ``linear`` moves keep pace with one of the route's own lane changes (a straight
    bridge between lane centres), so that the ego goes straight on while the route
    comes over to its lane. Only ``abortable`` moves are given up half-way.
    """

    s0: float
    s1: float
    start: float
    end: float
    linear: bool = False
    abortable: bool = True

    def offsets(self, s: np.ndarray) -> np.ndarray:
        """:meth:`offset` at every route ``s`` of an array."""
        x = np.clip((s - self.s0) / max(self.s1 - self.s0, 1e-9), 0.0, 1.0)
        shape = x if self.linear else x * x * (3.0 - 2.0 * x)
        return self.start + (self.end - self.start) * shape

    def offset(self, s: float) -> float:
        """Offset from the route at route ``s``, m (positive to the left)."""
        if s <= self.s0:
            return self.start
        if s >= self.s1:
            return self.end
        x = (s - self.s0) / (self.s1 - self.s0)
        return self.start + (self.end - self.start) * (
            x if self.linear else x * x * (3.0 - 2.0 * x)
        )


@dataclass(frozen=True)
class RouteLaneChange:
    """Where the route itself moves to a neighbour lane: its bridge and the side (+1 left)."""

    s0: float
    s1: float
    side: int


def route_lane_changes(info: EpisodeInfo) -> list[RouteLaneChange]:
    """The route's own lane changes, from ``info.route_lane_change``."""
    marks = info.route_lane_change
    if marks is None or not len(marks):
        return []
    marks = marks.astype(np.int64)
    # Runs of equal nonzero marks: where the mark changes, a run ends and another starts.
    bounds = np.flatnonzero(np.diff(marks)) + 1
    starts = np.concatenate(([0], bounds))
    ends = np.concatenate((bounds, [len(marks)]))
    last = len(marks) - 1
    return [
        RouteLaneChange(float(info.route_s[a]), float(info.route_s[min(b, last)]), int(marks[a]))
        for a, b in zip(starts, ends, strict=True)
        if marks[a] != 0
    ]


@dataclass(frozen=True)
class LaneTraffic:
    """The nearest road users ahead of and behind the ego in one lane."""

    lead_gap: float
    lead_speed: float
    rear_gap: float
    rear_speed: float


class PassingPlanner:
    """Chooses the lateral offset from the route: 0 (home) or one neighbour lane.

    Args:
        info: The episode's route and limits.
        time_gap_s, min_gap_m, comfort_decel_mps2: The stack's ACC parameters.
        speed_gain_mps: How much slower than desired the leader must be to pass it.
        accel_gain_mps2: Acceleration advantage that makes a pass worth it.
        keep_home_bias_mps2: Disadvantage accepted to go back to the home lane.
        safe_decel_mps2: Largest braking a change may impose on the new follower.
        min_width_fraction: Share of the home lane's width a neighbour needs.
    """

    def __init__(
        self,
        info: EpisodeInfo,
        *,
        time_gap_s: float,
        min_gap_m: float,
        comfort_decel_mps2: float,
        speed_gain_mps: float = 3.0,
        accel_gain_mps2: float = 0.3,
        keep_home_bias_mps2: float = 0.3,
        safe_decel_mps2: float = 2.5,
        min_width_fraction: float = 0.8,
    ) -> None:
        self.info = info
        self.time_gap_s = time_gap_s
        self.min_gap_m = min_gap_m
        self.comfort_decel_mps2 = comfort_decel_mps2
        self.speed_gain_mps = speed_gain_mps
        self.accel_gain_mps2 = accel_gain_mps2
        self.keep_home_bias_mps2 = keep_home_bias_mps2
        self.safe_decel_mps2 = safe_decel_mps2
        self.min_width_fraction = min_width_fraction
        h = info.route_heading
        self._nx, self._ny = -np.sin(h), np.cos(h)
        self._x, self._y = info.route_xy[:, 0], info.route_xy[:, 1]
        self._grid: dict[tuple[int, int], tuple[float, float] | None] = {}
        self._width = 3.5  # the home lane's width where it was last looked up
        self.move = LateralMove(0.0, 0.0, 0.0, 0.0)
        self._next_decision_s = 0.0
        self._route_changes = route_lane_changes(info)

    # ------------------------------------------------------------------ geometry

    def offset(self, s: float) -> float:
        """Lateral offset of the driven line from the route at route ``s``, m."""
        return self.move.offset(s)

    def changing(self, s: float) -> bool:
        """Whether a lateral move is under way or waiting ahead of the ego at route ``s``."""
        return s < self.move.s1 + 5.0 and self.move.start != self.move.end

    def driven_line(
        self, route_x: np.ndarray, route_y: np.ndarray, lo: int, hi: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """The line the ego drives along route samples ``lo:hi``: the route shifted by the offset."""
        x, y = route_x[lo:hi], route_y[lo:hi]
        if self.move.start == self.move.end == 0.0:
            return x, y
        offset = self.move.offsets(self.info.route_s[lo:hi])
        return x + offset * self._nx[lo:hi], y + offset * self._ny[lo:hi]

    def _route_change(self, s_from: float, s_to: float) -> RouteLaneChange | None:
        """The first of the route's own lane changes that ends after ``s_from`` and starts before ``s_to``."""
        for change in self._route_changes:
            if change.s1 > s_from and change.s0 < s_to:
                return change
        return None

    def _neighbour(self, k: int, side: int) -> tuple[float, float] | None:
        """(offset to the neighbour's centre, home lane width) at grid point ``k``, or None."""
        key = (k, side)
        if key not in self._grid:
            self._grid[key] = self._look_up(k * GRID_M, side)
        return self._grid[key]

    def _look_up(self, s: float, side: int) -> tuple[float, float] | None:
        info, network = self.info, self.info.network
        if network is None:
            return None
        i = min(int(np.searchsorted(info.route_s, s)), len(info.route_s) - 1)
        x, y, h = float(self._x[i]), float(self._y[i]), float(info.route_heading[i])
        here = network.locate(x, y, h)
        if here is None:
            return None
        home = network.lane(here.key)
        other_key = home.left if side > 0 else home.right
        if other_key is None:
            return None
        # Lanes of one section share their s closely enough for a width.
        other = network.lane(other_key)
        w_home = float(home.width_at(here.s))
        w_other = float(other.width_at(min(here.s, other.length)))
        if w_other < self.min_width_fraction * w_home:
            return None
        self._width = w_home
        return side * 0.5 * (w_home + w_other), w_home

    def _available(self, side: int, s_from: float, s_to: float) -> float | None:
        """The neighbour's offset if it lasts from ``s_from`` to ``s_to``, else None."""
        # Grid points from the first ahead: one behind may lie on a route lane change.
        first, last = int(math.ceil(s_from / GRID_M)), int(math.ceil(s_to / GRID_M))
        found = None
        for k in range(max(first, 0), last + 1):
            hit = self._neighbour(k, side)
            if hit is None:
                return None
            found = hit[0] if found is None else found
        return found

    def end_gap(self, s: float, front_m: float) -> float:
        """Distance from the ego's front to where the neighbour lane it drives in stops, m.

        The lane stops where the map's neighbour does, or where the route moves over
        to the other side (the ego would be two lanes away). Checked from where the
        present move ends (a move that keeps to a lane the route leaves starts there).
        """
        if self.move.end == 0.0:
            return math.inf
        side = 1 if self.move.end > 0 else -1
        start = max(s, self.move.s1)
        change = self._route_change(start, s + FRONT_RANGE_M)
        if change is not None and change.side != side:
            return max(change.s0 - s - front_m, 0.0)
        k0 = int(math.ceil(start / GRID_M))
        for k in range(k0, int((s + FRONT_RANGE_M) / GRID_M) + 1):
            if self._neighbour(k, side) is None:
                return max(k * GRID_M - GRID_M - s - front_m, 0.0)
        return math.inf

    # ------------------------------------------------------------------ traffic

    def _project(self, obs: Observation) -> tuple[np.ndarray, ...]:
        """Route ``s``, lateral offset, speed along the route, length and width of the objects."""
        objs, info = obs.objects, self.info
        lo = int(np.searchsorted(info.route_s, obs.route_s - REAR_RANGE_M))
        hi = int(np.searchsorted(info.route_s, obs.route_s + FRONT_RANGE_M))
        if not len(objs) or hi - lo < 2:
            empty = np.zeros(0)
            return empty, empty, empty, empty, empty
        rx, ry = self._x[lo:hi], self._y[lo:hi]
        d2 = (objs.xy[:, 0:1] - rx) ** 2 + (objs.xy[:, 1:2] - ry) ** 2
        k = lo + np.argmin(d2, axis=1)
        c, sn = np.cos(info.route_heading[k]), np.sin(info.route_heading[k])
        dx, dy = objs.xy[:, 0] - self._x[k], objs.xy[:, 1] - self._y[k]
        along = info.route_s[k] + dx * c + dy * sn
        lateral = -dx * sn + dy * c
        v_along = objs.velocity[:, 0] * c + objs.velocity[:, 1] * sn
        near = np.abs(along - obs.route_s) < FRONT_RANGE_M
        along = along[near]
        # Offsets count from the route where the ego is (past a lane change it is on), so
        # lateral positions across one of the route's own lane changes are shifted by it.
        on = self._route_change(obs.route_s, obs.route_s)
        reference = on.s1 if on is not None else obs.route_s
        lateral = lateral[near] + self._route_shift(along) - self._route_shift(reference)
        return along, lateral, v_along[near], objs.length[near], objs.width[near]

    def _route_shift(self, s: np.ndarray | float) -> np.ndarray:
        """How far the route has moved sideways (left positive) by route ``s``, by its own
        lane changes within reach of the ego, m."""
        shift = np.zeros_like(np.asarray(s, dtype=float))
        for change in self._route_changes:
            hit = self._neighbour(int(change.s0 // GRID_M), change.side)
            spacing = abs(hit[0]) if hit is not None else self._width
            x = np.clip((np.asarray(s) - change.s0) / max(change.s1 - change.s0, 1e-9), 0.0, 1.0)
            shift = shift + change.side * spacing * x
        return shift

    def _traffic(
        self, obs: Observation, objects: tuple[np.ndarray, ...], offset: float
    ) -> LaneTraffic:
        """Leader and follower in the lane whose centre is ``offset`` from the route."""
        along, lateral, v_along, length, obj_width = objects
        e = obs.ego
        inside = np.abs(lateral - offset) < 0.5 * self._width + 0.5 * obj_width - 0.3
        gap = np.abs(along - obs.route_s) - 0.5 * (e.length_m + length)
        ahead = inside & (along > obs.route_s)
        behind = inside & (along <= obs.route_s)
        lead_gap, lead_v, rear_gap, rear_v = math.inf, 0.0, math.inf, 0.0
        if ahead.any():
            j = int(np.argmin(np.where(ahead, gap, np.inf)))
            lead_gap, lead_v = float(gap[j]), float(v_along[j])
        if behind.any():
            j = int(np.argmin(np.where(behind, gap, np.inf)))
            rear_gap, rear_v = float(gap[j]), float(v_along[j])
        return LaneTraffic(lead_gap, lead_v, rear_gap, rear_v)

    def _accel(self, v: float, v0: float, traffic: LaneTraffic) -> float:
        """The ego's IDM acceleration behind the leader of ``traffic``."""
        return _idm(
            v,
            v0,
            traffic.lead_gap,
            v - traffic.lead_speed,
            self.info.max_accel_mps2,
            self.comfort_decel_mps2,
            self.time_gap_s,
            self.min_gap_m,
        )

    def _safe(self, v: float, target: LaneTraffic, current: LaneTraffic | None = None) -> bool:
        """Whether the ego fits between the leader and the follower of the ``target`` lane.

        A faster follower in the ``current`` lane may be about to move over as well, so
        it counts as a follower in the target lane too.
        """
        if target.lead_gap < self.min_gap_m + 0.5 * v:
            return False
        followers = [(target.rear_gap, target.rear_speed)]
        if current is not None and current.rear_speed > v + 1.0:
            followers.append((current.rear_gap, current.rear_speed))
        p = OTHER_IDM
        for gap, speed in followers:
            vb = max(speed, 0.0)
            if gap < self.min_gap_m + 0.5 * vb:
                return False
            if not math.isfinite(gap):
                continue
            brake = _idm(vb, max(vb, v, 1.0), gap, vb - v, p["a"], p["b"], p["T"], p["s0"])
            if brake < -self.safe_decel_mps2:
                return False
        return True

    # ------------------------------------------------------------------ decisions

    def update(self, obs: Observation, desired_mps: float) -> None:
        """Decide whether to start a lateral move (call every step; decides every 0.5 s)."""
        s, v = obs.route_s, max(obs.ego.speed_mps, 0.0)
        if obs.time_s + 1e-9 < self._next_decision_s:
            return
        self._next_decision_s = obs.time_s + DECISION_INTERVAL_S
        objects = self._project(obs)
        # A move under way is watched; one that stalls (the ego waits in it) may be replaced.
        if self.changing(s) and v > STALLED_MPS:
            self._watch(obs, objects)
            return
        if self.move.end != 0.0:
            self._decide_away(obs, objects, desired_mps)
            return
        change = self._route_change(s, s + 4.0 * v + 60.0)
        if change is not None:
            self._hold_if_taken(obs, objects, change)
            return
        if obs.signal is not None and obs.signal.distance_m < SIGNAL_CLEARANCE_M:
            return
        current = self._traffic(obs, objects, 0.0)
        slow = current.lead_speed < desired_mps - self.speed_gain_mps
        if not slow or current.lead_gap > FRONT_RANGE_M:
            return
        need = s + max(8.0 * v + 50.0, 120.0)
        if self._route_change(s, need) is not None:
            return
        a_now = self._accel(v, desired_mps, current)
        # Undertaking is for standing obstacles only: a closed lane, a broken-down car.
        for side in (1, -1) if current.lead_speed < 1.0 else (1,):
            offset = self._available(side, s, need)
            if offset is None:
                continue
            target = self._traffic(obs, objects, offset)
            a_new = self._accel(v, desired_mps, target)
            if a_new - a_now > self.accel_gain_mps2 and self._safe(v, target, current):
                self._start(s, v, offset)
                return

    def _decide_away(
        self, obs: Observation, objects: tuple[np.ndarray, ...], desired_mps: float
    ) -> None:
        """In a neighbour lane: follow the route over to it, or go back home when that is safe
        and no worse, at the latest before the neighbour stops being one."""
        s, v = obs.route_s, max(obs.ego.speed_mps, 0.0)
        side = 1 if self.move.end > 0 else -1
        horizon = s + 4.0 * v + 40.0
        change = self._route_change(s, horizon)
        if change is not None and change.side == side and change.s0 > s:
            # The route comes over to the ego's lane: go straight on while it does.
            self.move = LateralMove(change.s0, change.s1, self.move.end, 0.0, linear=True)
            return
        home = self._traffic(obs, objects, 0.0)
        current = self._traffic(obs, objects, self.move.end)
        if not self._safe(v, home, current):
            return
        lasting = change is None and self._available(side, s, horizon) is not None
        a_now = self._accel(v, desired_mps, current)
        a_home = self._accel(v, desired_mps, home)
        if not lasting or a_home >= a_now - self.keep_home_bias_mps2:
            self._start(s, v, 0.0)

    def _watch(self, obs: Observation, objects: tuple[np.ndarray, ...]) -> None:
        """Abort a lane change in its first half when the lane it goes to stops being safe."""
        move, s, v = self.move, obs.route_s, max(obs.ego.speed_mps, 0.0)
        if move.linear or not move.abortable or s < move.s0:
            return
        offset = move.offset(s)
        if abs(offset - move.start) > 0.5 * abs(move.end - move.start):
            return
        current = self._traffic(obs, objects, move.start)
        if not self._safe(v, self._traffic(obs, objects, move.end), current):
            length = min(max(CHANGE_TIME_S * v, CHANGE_MIN_M), CHANGE_MAX_M)
            self.move = LateralMove(s, s + length, offset, move.start, abortable=False)

    def _hold_if_taken(
        self, obs: Observation, objects: tuple[np.ndarray, ...], change: RouteLaneChange
    ) -> None:
        """Before one of the route's own lane changes: if the lane it moves to is not free,
        keep to the present lane through the move (and go over later, when it is)."""
        s, v = obs.route_s, max(obs.ego.speed_mps, 0.0)
        hit = self._neighbour(int(change.s0 // GRID_M), change.side)
        if change.s0 <= s or hit is None:
            return
        current = self._traffic(obs, objects, 0.0)
        if not self._safe(v, self._traffic(obs, objects, hit[0]), current):
            self.move = LateralMove(change.s0, change.s1, 0.0, -hit[0], linear=True)

    def _start(self, s: float, v: float, end: float) -> None:
        length = min(max(CHANGE_TIME_S * v, CHANGE_MIN_M), CHANGE_MAX_M)
        self.move = LateralMove(s, s + length, self.move.offset(s), end)


def _idm(
    v: float, v0: float, gap: float, dv: float, a: float, b: float, headway: float, s0: float
) -> float:
    """The IDM acceleration for plain floats (delta 4; see :mod:`gauntlet.agents.idm`)."""
    s_star = s0 + max(0.0, v * headway + v * dv / (2.0 * math.sqrt(a * b)))
    return a * (1.0 - (max(v, 0.0) / max(v0, 0.1)) ** 4 - (s_star / max(gap, 0.1)) ** 2)
