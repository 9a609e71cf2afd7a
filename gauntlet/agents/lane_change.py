"""MOBIL lane-change decisions of the lane-following drivers.

Every ``mobil_interval_s`` each driver that may change lanes weighs the lane
on either side: its own IDM acceleration there, and that of the followers it
leaves and joins (MOBIL, Kesting et al. 2007). Lanes that end soon (an
acceleration lane) push drivers towards one that goes on; obstacles in a
target lane count as standing leaders there. The choices are carried out by
:meth:`gauntlet.agents.drivers.LaneDrivers.change_lane`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gauntlet.agents.idm import idm_acceleration, mobil_gain
from gauntlet.agents.kernels import neighbours_on_lane
from gauntlet.agents.paths import LaneTable
from gauntlet.agents.traffic_inputs import Obstacles, corridor_gap

if TYPE_CHECKING:
    from gauntlet.agents.drivers import LaneDrivers

LANE_CHANGE_COOLDOWN_S = 4.0
MIN_LANE_CHANGE_SPEED_MPS = 2.0
MERGE_ZONE_M = 200.0
MERGE_BIAS_MPS2 = 10.0
#: Lateral distance at which lane changes look for obstacles in the target lane, m.
LANE_SHIFT_M = 3.5
#: A lane change needs a target lane this much wider than the vehicle, m.
MIN_LANE_ROOM_M = 0.5


class LaneEnds:
    """The lanes just after and before each lane, with the ``s`` shift into them (cached)."""

    def __init__(self, table: LaneTable) -> None:
        self.table = table
        self._ends: dict[int, list[tuple[int, float]]] = {}

    def __call__(self, lane: int) -> list[tuple[int, float]]:
        """``(other lane, s shift in m)`` for the lanes just after and before ``lane``."""
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

    def across(self, *occupants: np.ndarray) -> tuple[np.ndarray, ...]:
        """Occupants listed again on the lanes just before and after their own (in those
        lanes' ``s``), so that lane-change gaps reach across lane and section ends."""
        lane = occupants[0]
        seen: list[tuple[int, int, float]] = []  # (occupant, other lane, s shift)
        for j, here in enumerate(lane.tolist()):
            seen += [(j, other, shift) for other, shift in self(here)]
        if not seen:
            return occupants
        rows, lanes, shift = (np.array(column) for column in zip(*seen, strict=True))
        lane_s = occupants[1]
        return (
            np.concatenate((lane, lanes.astype(lane.dtype))),
            np.concatenate((lane_s, lane_s[rows] + shift)),
            *(np.concatenate((a, a[rows])) for a in occupants[2:]),
        )


def side_obstacle_gap(
    d: LaneDrivers, pose: tuple[np.ndarray, ...], side: int, v: np.ndarray, obstacles: Obstacles
) -> np.ndarray:
    """Gap from each driver's front to the nearest obstacle in the lane on ``side``
    (+1 left), from alongside on (negative: an obstacle beside the driver), m."""
    x, y, h = pose
    back = 2.0 * d.half_length  # the corridor starts a car length behind the front
    c, sn = np.cos(h), np.sin(h)
    shift = side * LANE_SHIFT_M
    start = (x - shift * sn - back * c, y + shift * c - back * sn, h)
    half_size = (d.half_length, d.half_width)
    gap = corridor_gap(start, half_size, d.actor, obstacles, v, back)
    return gap - back


def mobil_choices(
    d: LaneDrivers,
    t: float,
    v: np.ndarray,
    v0: np.ndarray,
    pose: tuple[np.ndarray, ...],
    obstacles: Obstacles,
) -> list[tuple[int, int]]:
    """The lane changes MOBIL picks now: ``(slot, target lane)`` in slot order.

    Args:
        d: The drivers, localised this step.
        t: Simulation time, s.
        v: Speed of each slot's vehicle, m/s.
        v0: Desired speed of each slot, m/s.
        pose: ``(x, y, heading)`` of each slot's vehicle (m, m, rad).
        obstacles: Things off the lanes (a closed lane's cones).
    """
    cooled = t - d.last_change_t > LANE_CHANGE_COOLDOWN_S
    can = d.lane_changes & cooled & (d.prev_lane < 0) & (v > MIN_LANE_CHANGE_SPEED_MPS)
    if not can.any():
        return []
    lane, lane_s, speed, half, owner = d.lane_ends.across(*d.occupants(v))
    table = d.table
    hl = d.half_length
    # The old follower: nearest behind on the own lane.
    _, o = neighbours_on_lane(d.lane, d.lane_s, lane, lane_s, owner)
    has_o = o >= 0
    o_ = np.maximum(o, 0)
    no = owner[o_]
    of_now = np.where(has_o, d.last_accel[no], 0.0)
    old_gap = (d.lane_s - lane_s[o_]) - half[o_] - hl + 2 * hl + d.gap
    of_after = np.where(
        has_o,
        idm_acceleration(speed[o_], v0[no], old_gap, speed[o_] - d.leader_speed, d.idm, no),
        0.0,
    )
    # A lane that ends soon (an acceleration lane) pushes towards one that goes on.
    ending = ~table.has_successor[d.lane] & (table.length[d.lane] - d.lane_s < MERGE_ZONE_M)
    best_gain = np.full(len(d.slots), -np.inf)
    best_lane = np.full(len(d.slots), -1, np.int64)
    for side in (table.left, table.right):
        target = np.where(can, side[d.lane], -1)
        if not (target >= 0).any():
            continue
        f, b = neighbours_on_lane(target, d.lane_s, lane, lane_s, owner)
        has_f, has_b = f >= 0, b >= 0
        f_, b_ = np.maximum(f, 0), np.maximum(b, 0)
        gap_f = np.where(has_f, lane_s[f_] - d.lane_s - hl - half[f_], np.inf)
        gap_b = np.where(has_b, d.lane_s - lane_s[b_] - hl - half[b_], np.inf)
        lead_v = np.where(has_f, speed[f_], v)
        if len(obstacles.actor):
            # Static obstacles (a closed lane) count as standing leaders there.
            blocked = side_obstacle_gap(d, pose, 1 if side is table.left else -1, v, obstacles)
            lead_v = np.where(blocked < gap_f, 0.0, lead_v)
            gap_f = np.minimum(gap_f, blocked)
        ok = (target >= 0) & (gap_f > 1.0) & (gap_b > 1.0)
        own_after = idm_acceleration(v, v0, gap_f, v - lead_v, d.idm)
        nb = owner[b_]
        nf_now = np.where(has_b, d.last_accel[nb], 0.0)
        nf_after = np.where(
            has_b, idm_acceleration(speed[b_], v0[nb], gap_b, speed[b_] - v, d.idm, nb), 0.0
        )
        gain, safe = mobil_gain(d.last_accel, own_after, nf_now, nf_after, of_now, of_after, d.idm)
        gain = np.where(
            ending & table.has_successor[np.maximum(target, 0)], gain + MERGE_BIAS_MPS2, gain
        )
        # ... and keeps drivers out of it.
        t_ = np.maximum(target, 0)
        target_ends = ~table.has_successor[t_] & (table.length[t_] - d.lane_s < MERGE_ZONE_M)
        gain = np.where(target_ends, gain - MERGE_BIAS_MPS2, gain)
        pick = ok & safe & (gain > 0) & (gain > best_gain)
        for slot in np.flatnonzero(pick):
            # Not into a lane too narrow here (one that only begins to widen).
            lane_here = table.lanes[int(target[slot])]
            room = float(lane_here.width_at(min(d.lane_s[slot], lane_here.length)))
            pick[slot] = room > 2.0 * d.half_width[slot] + MIN_LANE_ROOM_M
        best_gain = np.where(pick, gain, best_gain)
        best_lane = np.where(pick, target, best_lane)
    return [(int(slot), int(best_lane[slot])) for slot in np.flatnonzero(best_lane >= 0)]
