"""Lane-following drivers for every vehicle that is not driven by a stack.

All drivers are stepped together as array operations:

* **localisation** projects each vehicle onto its own path (a :class:`PathBank`),
  giving path ``s``, lateral offset, lane and lane-frame ``s``;
* **lateral control** is pure pursuit (from the rear axle) towards a point
  ``lookahead`` metres ahead on the path, shifted by the driver's lateral-offset
  transition (lane changes, lane offsets);
* **longitudinal control** tracks a speed transition (storyboard speed actions)
  and, for car-following drivers, takes the minimum with IDM towards the
  nearest obstacle ahead: another vehicle on a lane of the own path, a red
  stop line, the end of a dead-end lane, or a pedestrian/obstacle in the
  corridor in front;
* **lane changes** are decided by MOBIL every ``mobil_interval_s``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gauntlet.agents.distance_keeping import DistanceKeeping, keeping_acceleration
from gauntlet.agents.idm import IdmParams, idm_acceleration, mobil_gain
from gauntlet.agents.kernels import (
    nearest_ahead,
    nearest_in_corridor,
    nearest_stop_line,
    neighbours_on_lane,
    pure_pursuit,
)
from gauntlet.agents.paths import PATH_DS, Chooser, LaneTable, Path, PathBank, build_path
from gauntlet.agents.profiles import CUBIC, Transitions
from gauntlet.maps.lanegraph import RoutingError

PATH_HORIZON_M = 1000.0
PATH_BEHIND_M = 30.0
EXTEND_WHEN_LEFT_M = 150.0
DEFAULT_SPEED_MPS = 13.9
SPEED_GAIN = 1.5
LANE_CHANGE_S = 4.0
LANE_CHANGE_COOLDOWN_S = 4.0
CORRIDOR_LENGTH_M = 40.0
#: Faster drivers look further for obstacles: this many seconds of driving, up to the cap.
CORRIDOR_TIME_S = 3.0
CORRIDOR_MAX_M = 100.0
YELLOW_STOP_DECEL_MPS2 = 3.0
MIN_LANE_CHANGE_SPEED_MPS = 2.0
MERGE_ZONE_M = 200.0
MERGE_BIAS_MPS2 = 10.0
#: A vehicle whose side reaches this far from its lane's centre occupies the neighbour lane, m.
NEIGHBOUR_REACH_M = 2.1
#: ... and it has left its own lane when its near side is this far from the centre, m.
OWN_LANE_LEFT_M = 1.9
#: Lateral distance at which lane changes look for obstacles in the target lane, m.
LANE_SHIFT_M = 3.5
#: A lane change needs a target lane this much wider than the vehicle, m.
MIN_LANE_ROOM_M = 0.5


@dataclass
class Obstacles:
    """Things not on lanes that drivers must not hit: pedestrians, static objects."""

    xy: np.ndarray
    velocity: np.ndarray
    radius: np.ndarray
    actor: np.ndarray

    @classmethod
    def none(cls) -> Obstacles:
        return cls(np.zeros((0, 2)), np.zeros((0, 2)), np.zeros(0), np.zeros(0, np.int64))


@dataclass
class StopLines:
    """Stop lines that currently hold traffic: lane index, lane-frame s, yellow flag."""

    lane: np.ndarray
    lane_s: np.ndarray
    yellow: np.ndarray

    @classmethod
    def none(cls) -> StopLines:
        return cls(np.zeros(0, np.int64), np.zeros(0), np.zeros(0, bool))


class LaneDrivers:
    """The drivers of ``n`` vehicles (slots); ``actor[k]`` is slot k's actor index."""

    def __init__(
        self,
        table: LaneTable,
        actor: np.ndarray,
        paths: list[Path],
        start_s: np.ndarray,
        half_length: np.ndarray,
        half_width: np.ndarray,
        wheelbase: np.ndarray,
        rear_to_ref: np.ndarray,
        idm: IdmParams,
        desired_speed: np.ndarray,
        follow: np.ndarray,
        lane_changes: np.ndarray,
        obey_signals: np.ndarray,
        choose: Chooser,
        mobil_interval_s: float = 1.0,
    ) -> None:
        n = len(actor)
        self.table = table
        self.actor = np.asarray(actor, dtype=np.int64)
        self.paths = list(paths)
        self.bank = PathBank(self.paths, len(table))
        self.slots = np.arange(n)
        self.s = np.asarray(start_s, dtype=np.float64).copy()
        self.lateral = np.zeros(n)
        self.lane = np.zeros(n, np.int64)
        self.lane_s = np.zeros(n)
        self.heading_error = np.zeros(n)
        self.half_length = half_length
        self.half_width = half_width
        self.wheelbase = wheelbase
        self.rear_to_ref = rear_to_ref
        self.idm = idm
        self.desired_speed = desired_speed
        self.follow = follow
        self.lane_changes = lane_changes
        self.obey_signals = obey_signals
        self.choose = choose
        self.mobil_interval_s = mobil_interval_s
        self.route_plan: list[list[int]] = [[] for _ in range(n)]
        self.extend = np.ones(n, dtype=bool)
        self.horizon = np.full(n, PATH_HORIZON_M)
        self.offset = Transitions.empty(n)
        self.speed = Transitions.empty(n)
        self.keep = DistanceKeeping.empty(n)
        self.prev_lane = np.full(n, -1, np.int64)
        self.last_change_t = np.full(n, -np.inf)
        self.last_accel = np.zeros(n)
        self.gap = np.full(n, np.inf)
        self.leader_speed = np.zeros(n)
        self._next_mobil_t = 0.0
        self._ends: dict[int, list[tuple[int, float]]] = {}

    # ------------------------------------------------------------------ paths

    def set_route(self, slot: int, lanes: list[int], lane_s: float) -> None:
        """Make ``slot`` follow ``lanes`` from lane-frame ``lane_s`` on ``lanes[0]``."""
        self.route_plan[slot] = list(lanes[1:])
        self._rebuild(slot, lanes, lane_s)

    def _rebuild(self, slot: int, lanes: list[int], lane_s: float) -> None:
        path = build_path(
            self.table, lanes, lane_s, float(self.horizon[slot]), self.choose, PATH_BEHIND_M
        )
        self.paths[slot] = path
        self.bank.set(slot, path)
        self.s[slot] = min(lane_s, PATH_BEHIND_M)

    def _extend_paths(self) -> None:
        due = (self.bank.length - self.s < EXTEND_WHEN_LEFT_M) & self.extend & ~self.bank.complete
        if not due.any():
            return
        for slot in np.flatnonzero(due):
            lane = int(self.lane[slot])
            plan = self.route_plan[slot]
            if lane in plan:
                del plan[: plan.index(lane) + 1]
            self._rebuild(int(slot), [lane, *plan], float(self.lane_s[slot]))

    # ------------------------------------------------------------------ localisation

    def localise(
        self,
        x: np.ndarray,
        y: np.ndarray,
        h: np.ndarray,
        v: np.ndarray,
        dt: float,
        housekeeping: bool = True,
    ) -> None:
        """Project every slot's vehicle (actor arrays ``x, y, h, v``) onto its path.

        With ``housekeeping``, paths running short are extended (the world
        does this on behaviour-decision steps).
        """
        a = self.actor
        s, lat, i = self.bank.project(self.slots, self.s + v[a] * dt, x[a], y[a])
        self.s = s
        self.lateral = lat
        self.lane = self.bank.lane[i]
        self.lane_s = self.bank.lane_s[i] + (s - self.bank.s[i])
        self.heading_error = (h[a] - self.bank.heading[i] + np.pi) % (2 * np.pi) - np.pi
        if housekeeping:
            self._extend_paths()

    # ------------------------------------------------------------------ control

    def controls(
        self,
        t: float,
        x: np.ndarray,
        y: np.ndarray,
        h: np.ndarray,
        v: np.ndarray,
        obstacles: Obstacles,
        stops: StopLines,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Acceleration and steering commands for every slot."""
        a = self.actor
        xa, ya, ha, va = x[a], y[a], h[a], v[a]
        # Backing up (a negative target speed), a driver holds the wheel straight:
        # it reverses along its heading; pure pursuit only tracks a path ahead.
        steer = np.where(va < 0.0, 0.0, self._steer(t, xa, ya, ha, va))
        v_ref, a_ref = self._speed_reference(t, va)
        accel = a_ref + SPEED_GAIN * (v_ref - va)
        gap, lead_v = self._gaps(xa, ya, ha, va, obstacles, stops)
        self.gap, self.leader_speed = gap, lead_v
        idm = idm_acceleration(va, np.maximum(v_ref, 0.1), gap, va - lead_v, self.idm)
        free = ~self.speed.active
        # Car following looks ahead only: a driver told to reverse tracks its speed.
        follow = self.follow & (v_ref >= 0.0)
        accel = np.where(follow, np.where(free, idm, np.minimum(accel, idm)), accel)
        keeping = np.flatnonzero(self.keep.active)
        if len(keeping):
            accel[keeping] = keeping_acceleration(self.keep, keeping, a, x, y, h, v)
        self.last_accel = accel
        if t >= self._next_mobil_t:
            self._next_mobil_t = t + self.mobil_interval_s
            self._mobil(t, va, v_ref, (xa, ya, ha), obstacles)
        return accel, steer

    def _steer(
        self, t: float, x: np.ndarray, y: np.ndarray, h: np.ndarray, v: np.ndarray
    ) -> np.ndarray:
        speed = np.abs(v)
        lookahead = np.clip(4.0 + 0.6 * speed, 5.0, 35.0)
        offset, _ = self.offset.value(t + lookahead / np.maximum(speed, 1.0))
        b = self.bank
        return pure_pursuit(
            b.first,
            b.last_segment,
            b.length,
            PATH_DS,
            b.s,
            b.x,
            b.y,
            b.heading,
            self.s,
            lookahead,
            offset,
            x,
            y,
            h,
            self.rear_to_ref,
            self.wheelbase,
        )

    def _speed_reference(self, t: float, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        limit = self.table.speed_limit[self.lane]
        default = np.where(np.isnan(self.desired_speed), limit, self.desired_speed)
        default = np.where(np.isnan(default), DEFAULT_SPEED_MPS, default)
        value, rate = self.speed.value(t)
        v_ref = np.where(self.speed.active, value, default)
        a_ref = np.where(self.speed.active, rate, 0.0)
        return v_ref, a_ref

    def _occupants(self, v: np.ndarray) -> tuple[np.ndarray, ...]:
        """Lane occupants: every slot on its lane, and on its old lane while changing.

        A vehicle driving well off its path's lane (an ego passing on a neighbour
        lane, a wide lane offset) occupies the neighbour lane it reaches into, and
        no longer its own once it has left it.
        """
        changing = self.prev_lane >= 0
        reach = np.abs(self.lateral) + self.half_width
        wide = (reach > NEIGHBOUR_REACH_M) & ~changing
        if not wide.any():
            if not changing.any():
                return self.lane, self.lane_s, v, self.half_length, self.slots
            side, into, kept = self.lane, wide, ~wide
        else:
            side = np.where(
                self.lateral > 0, self.table.left[self.lane], self.table.right[self.lane]
            )
            into = wide & (side >= 0)
            kept = ~(into & (reach - 2.0 * self.half_width > OWN_LANE_LEFT_M))
        extra = np.concatenate((np.flatnonzero(changing), np.flatnonzero(into)))
        lane = np.concatenate((self.lane[kept], self.prev_lane[changing], side[into]))
        lane_s = np.concatenate((self.lane_s[kept], self.lane_s[extra]))
        speed = np.concatenate((v[kept], v[extra]))
        half = np.concatenate((self.half_length[kept], self.half_length[extra]))
        owner = np.concatenate((self.slots[kept], self.slots[extra]))
        return lane, lane_s, speed, half, owner

    def _gaps(
        self,
        x: np.ndarray,
        y: np.ndarray,
        h: np.ndarray,
        v: np.ndarray,
        obstacles: Obstacles,
        stops: StopLines,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Gap to the nearest thing ahead and its speed: a vehicle on a lane of the
        own path, a holding stop line, the end of a dead-end path, or an obstacle
        in the corridor in front."""
        lane, lane_s, speed, half, owner = self._occupants(v)
        entry = self.bank.entry
        best, lead_v = nearest_ahead(
            entry, self.s, self.half_length, lane, lane_s, speed, half, owner
        )
        blockers = []
        if len(stops.lane):
            blockers.append(
                nearest_stop_line(
                    entry,
                    self.s,
                    self.half_length,
                    v,
                    self.obey_signals,
                    stops.lane,
                    stops.lane_s,
                    stops.yellow,
                    YELLOW_STOP_DECEL_MPS2,
                )
            )
        if self.bank.complete.any():
            blockers.append(
                np.where(
                    self.bank.complete,
                    np.maximum(self.bank.length - self.s - self.half_length, 0.0),
                    np.inf,
                )
            )
        if len(obstacles.actor):
            blockers.append(
                nearest_in_corridor(
                    x,
                    y,
                    h,
                    self.half_length,
                    self.half_width,
                    self.actor,
                    obstacles.xy[:, 0],
                    obstacles.xy[:, 1],
                    obstacles.velocity[:, 0],
                    obstacles.velocity[:, 1],
                    obstacles.radius,
                    obstacles.actor,
                    np.clip(CORRIDOR_TIME_S * np.abs(v), CORRIDOR_LENGTH_M, CORRIDOR_MAX_M),
                )
            )
        for gap in blockers:
            closer = gap < best
            best = np.where(closer, gap, best)
            lead_v = np.where(closer, 0.0, lead_v)
        return best, lead_v

    # ------------------------------------------------------------------ lane changes

    def change_lane(
        self, slot: int, target_lane: int, t: float, duration_s: float, shape: int
    ) -> None:
        """Start a lane change of ``slot`` onto ``target_lane`` (a lane index).

        The driver's path moves to the target lane at once; its lateral offset
        starts where the vehicle is (seen from the new lane) and goes to zero
        along the transition ``shape`` over ``duration_s``.
        """
        here = np.array([slot])
        old_x, old_y, _ = self.bank.sample(here, self.s[slot : slot + 1])  # old centre line
        old_lane, old_lateral = int(self.lane[slot]), float(self.lateral[slot])
        lanes = self._replan(target_lane, self.route_plan[slot])
        self.route_plan[slot] = lanes[1:]
        self._rebuild(slot, lanes, float(self.lane_s[slot]))
        _, centre_offset, _ = self.bank.project(here, self.s[slot : slot + 1], old_x, old_y)
        self.offset.set(slot, float(centre_offset[0]) + old_lateral, 0.0, t, duration_s, shape)
        self.prev_lane[slot] = old_lane
        self.last_change_t[slot] = t

    def _replan(self, start: int, plan: list[int]) -> list[int]:
        """Lanes from ``start`` to the end of the current route plan (just ``start`` without one)."""
        if not plan:
            return [start]
        keys = self.table.keys
        try:
            route = self.table.network.route(keys[start], keys[plan[-1]])
        except RoutingError:  # no way from here to the destination: drive on without it
            return [start]
        return [self.table.index[k] for k in route if k in self.table.index] or [start]

    def set_offset(
        self, slot: int, offset_m: float, t: float, duration_s: float, shape: int
    ) -> None:
        """Drift to a lateral offset from the lane centre."""
        value, _ = self.offset.value(t)
        current = float(value[slot]) if self.offset.active[slot] else 0.0
        self.offset.set(slot, current, offset_m, t, duration_s, shape)

    def finish_lane_changes(self, t: float) -> None:
        """Retire finished transitions.

        A lane change releases its old lane; an offset transition back to the
        centre line ends; a finished speed transition leaves its end value as
        the desired speed.
        """
        over = t >= self.offset.t0 + self.offset.duration
        self.prev_lane[(self.prev_lane >= 0) & over] = -1
        self.offset.active &= ~(over & (self.offset.end == 0.0))
        done = self.speed.active & (t >= self.speed.t0 + self.speed.duration)
        if done.any():
            self.desired_speed[done] = self.speed.end[done]
            self.speed.active[done] = False

    def _across_lane_ends(self, *occupants: np.ndarray) -> tuple[np.ndarray, ...]:
        """Occupants listed again on the lanes just before and after their own (in those
        lanes' ``s``), so that lane-change gaps reach across lane and section ends."""
        lane = occupants[0]
        seen: list[tuple[int, int, float]] = []  # (occupant, other lane, s shift)
        for j, here in enumerate(lane.tolist()):
            seen += [(j, other, shift) for other, shift in self._lane_ends(here)]
        if not seen:
            return occupants
        rows, lanes, shift = (np.array(column) for column in zip(*seen, strict=True))
        lane_s = occupants[1]
        return (
            np.concatenate((lane, lanes.astype(lane.dtype))),
            np.concatenate((lane_s, lane_s[rows] + shift)),
            *(np.concatenate((a, a[rows])) for a in occupants[2:]),
        )

    def _lane_ends(self, lane: int) -> list[tuple[int, float]]:
        """The lanes just after and before ``lane``, each with the ``s`` shift into it."""
        ends = self._ends.get(lane)
        if ends is None:
            table = self.table
            ends = [(after, -float(table.length[lane])) for after in table.successors(lane)]
            for key in table.lanes[lane].predecessors:
                before = table.index.get(key)
                if before is not None:
                    ends.append((before, float(table.length[before])))
            self._ends[lane] = ends
        return ends

    def _obstacle_gap(
        self, pose: tuple[np.ndarray, ...], side: int, v: np.ndarray, obstacles: Obstacles
    ) -> np.ndarray:
        """Gap from each driver's front to the nearest obstacle in the lane on ``side``
        (+1 left), from alongside on (negative: an obstacle beside the driver)."""
        x, y, h = pose
        back = 2.0 * self.half_length  # the corridor starts a car length behind the front
        c, sn = np.cos(h), np.sin(h)
        shift = side * LANE_SHIFT_M
        gap = nearest_in_corridor(
            x - shift * sn - back * c,
            y + shift * c - back * sn,
            h,
            self.half_length,
            self.half_width,
            self.actor,
            obstacles.xy[:, 0],
            obstacles.xy[:, 1],
            obstacles.velocity[:, 0],
            obstacles.velocity[:, 1],
            obstacles.radius,
            obstacles.actor,
            back + np.clip(CORRIDOR_TIME_S * np.abs(v), CORRIDOR_LENGTH_M, CORRIDOR_MAX_M),
        )
        return gap - back

    def _mobil(
        self,
        t: float,
        v: np.ndarray,
        v0: np.ndarray,
        pose: tuple[np.ndarray, ...],
        obstacles: Obstacles,
    ) -> None:
        cooled = t - self.last_change_t > LANE_CHANGE_COOLDOWN_S
        can = self.lane_changes & cooled & (self.prev_lane < 0) & (v > MIN_LANE_CHANGE_SPEED_MPS)
        if not can.any():
            return
        lane, lane_s, speed, half, owner = self._across_lane_ends(*self._occupants(v))
        table = self.table
        hl = self.half_length
        # The old follower: nearest behind on the own lane.
        _, o = neighbours_on_lane(self.lane, self.lane_s, lane, lane_s, owner)
        has_o = o >= 0
        o_ = np.maximum(o, 0)
        no = owner[o_]
        of_now = np.where(has_o, self.last_accel[no], 0.0)
        old_gap = (self.lane_s - lane_s[o_]) - half[o_] - hl + 2 * hl + self.gap
        of_after = np.where(
            has_o,
            idm_acceleration(
                speed[o_], v0[no], old_gap, speed[o_] - self.leader_speed, self.idm, no
            ),
            0.0,
        )
        # A lane that ends soon (an acceleration lane) pushes towards one that goes on.
        ending = ~table.has_successor[self.lane] & (
            table.length[self.lane] - self.lane_s < MERGE_ZONE_M
        )
        best_gain = np.full(len(self.slots), -np.inf)
        best_lane = np.full(len(self.slots), -1, np.int64)
        for side in (table.left, table.right):
            target = np.where(can, side[self.lane], -1)
            if not (target >= 0).any():
                continue
            f, b = neighbours_on_lane(target, self.lane_s, lane, lane_s, owner)
            has_f, has_b = f >= 0, b >= 0
            f_, b_ = np.maximum(f, 0), np.maximum(b, 0)
            gap_f = np.where(has_f, lane_s[f_] - self.lane_s - hl - half[f_], np.inf)
            gap_b = np.where(has_b, self.lane_s - lane_s[b_] - hl - half[b_], np.inf)
            lead_v = np.where(has_f, speed[f_], v)
            if len(obstacles.actor):
                # Static obstacles (a closed lane) count as standing leaders there.
                blocked = self._obstacle_gap(pose, 1 if side is table.left else -1, v, obstacles)
                lead_v = np.where(blocked < gap_f, 0.0, lead_v)
                gap_f = np.minimum(gap_f, blocked)
            ok = (target >= 0) & (gap_f > 1.0) & (gap_b > 1.0)
            own_after = idm_acceleration(v, v0, gap_f, v - lead_v, self.idm)
            nb = owner[b_]
            nf_now = np.where(has_b, self.last_accel[nb], 0.0)
            nf_after = np.where(
                has_b, idm_acceleration(speed[b_], v0[nb], gap_b, speed[b_] - v, self.idm, nb), 0.0
            )
            gain, safe = mobil_gain(
                self.last_accel, own_after, nf_now, nf_after, of_now, of_after, self.idm
            )
            gain = np.where(
                ending & table.has_successor[np.maximum(target, 0)], gain + MERGE_BIAS_MPS2, gain
            )
            # ... and keeps drivers out of it.
            t_ = np.maximum(target, 0)
            target_ends = ~table.has_successor[t_] & (table.length[t_] - self.lane_s < MERGE_ZONE_M)
            gain = np.where(target_ends, gain - MERGE_BIAS_MPS2, gain)
            pick = ok & safe & (gain > 0) & (gain > best_gain)
            for slot in np.flatnonzero(pick):
                # Not into a lane too narrow here (one that only begins to widen).
                lane_here = table.lanes[int(target[slot])]
                room = float(lane_here.width_at(min(self.lane_s[slot], lane_here.length)))
                pick[slot] = room > 2.0 * self.half_width[slot] + MIN_LANE_ROOM_M
            best_gain = np.where(pick, gain, best_gain)
            best_lane = np.where(pick, target, best_lane)
        for slot in np.flatnonzero(best_lane >= 0):
            self.change_lane(int(slot), int(best_lane[slot]), t, LANE_CHANGE_S, CUBIC)
