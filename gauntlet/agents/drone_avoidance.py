"""The reference drone stack: mission following with a sampling-based velocity planner over the 360° ring.

Every step the :class:`~gauntlet.agents.drone_mission.MissionFollower` gives
a desired velocity ``v_d`` (goal attraction, path tracking, low-battery
return-to-home). When a new ring scan has arrived, the planner turns its
returns into points relative to the drone and estimates each point's radial
velocity from the change of its ray's range between scans
(``v_obj = dr/dt + v_own . u``; under 1.5 m/s, with a jump of more than
1 m per scan, or unless the previous scan saw the ray move the same way, the
point counts as static). Static returns go into a memory in the world frame
(the scans of the last MEMORY_S = 1 s, one point per 0.25 m cell), so that a
trunk once seen is not lost between rays or behind a nearer one; moving
returns are used from the latest scan only.

Candidate velocities ``v`` — the desired one, stopping, and 48 horizontal
directions x 3 speeds (x 3 climb rates when the ring has elevations off the
horizon) — are checked against the points over the horizon
``T = max(1.5 s, v / a + 0.5 s)``: the drone keeps its velocity for
REACTION_S = 0.06 s, then its velocity follows the (turn-lengthened, below)
command as a first-order lag of the controller's time constant ``tau``, its
change limited to ``1.5 a`` (the tilt limit), each point moving at
``v_obj u``; the path is sampled at most 1 m apart. The closest approach must
stay above ``radius + margin + 0.02 s x speed``. The full-speed directions
are checked first, the slower ones only when none of them is safe. Among the
safe candidates the planner takes the one that minimises::

    |v - v_d|² + 6 max(|v_d| - |v|, 0)² + 0.3 |v - v_prev|²
      + 0.5 v_d² exp(-(free - R) / 1 m) + 50 (zone shortfall)²

plus ``v_d²`` for stopping (the last resort), so that a gap beside the line
wins over braking (``free`` the closest approach; the zone shortfall is how
far the position ``2 s`` ahead comes inside ``margin + 2 m`` of a no-fly
zone). With no safe candidate it takes the one with the largest closest
approach. Between scans it repeats its choice, re-aimed
at the new ``v_d`` when the choice was ``v_d`` itself.

The command sent is lengthened in turns (:func:`~gauntlet.agents.drone_paths.hold_speed_in_turns`, at
most x1.25) so that its component along the flight is the commanded speed:
the velocity loop then turns the drone without cutting the corner and
losing speed.

Moving obstacles (:mod:`gauntlet.agents.drone_tracking`): the moving returns
are tracked over scans; the returns of a confirmed track move with its fitted
velocity (its predicted centroid stands in when a scan misses it), and their
predicted distance counts SPREAD_SHARE x speed x time less (a heading error of
about 6 degrees). When a confirmed mover comes within ``R + THREAT_EXTRA_M`` of
the drone within THREAT_S (flying on, stopping, or flying ``v_d``), the drone is
*threatened* for THREAT_HOLD_S: the horizon reaches 1 s past the mover's
arrival (at most THREAT_S), the candidates fly at least the cruise speed (at
least ESCAPE_MIN_MPS) and the cost adds ``ACROSS_WEIGHT (v . u)²`` (``u`` the
mover's direction: escape across its path), ``SIDE_WEIGHT`` times the square
of any velocity back towards the side of its path the drone escaped from (the
side is chosen once, by the drone's offset from the path or its first escape,
and kept while threatened: turning back across a fast mover's path is how it
hits) and ``VERTICAL_WEIGHT vz²`` (a climb takes the mover out of the ring).

The flight controller enforces no-fly zones whatever the stack commands;
the zone term only makes the detour start earlier (zone distances from
:func:`gauntlet.dynamics.airspace.signed_distance`).
"""

from __future__ import annotations

import math

import numpy as np

from gauntlet.agents.drone_mission import MissionFollower
from gauntlet.agents.drone_paths import closest_approach, hold_speed_in_turns
from gauntlet.agents.drone_tracking import MovingTracker, points_within, threat_time
from gauntlet.agents.drone_types import DroneCommand, DroneEpisodeInfo, DroneObservation
from gauntlet.dynamics.airspace import Zone, signed_distance

DIRECTIONS = 48
SPEED_FACTORS = (1.0, 0.6, 0.3)
STATIC_BELOW_MPS = 1.5
JUMP_M = 1.0
ZONE_LOOKAHEAD_S = 2.0
ZONE_BUFFER_M = 2.0
LAG_MARGIN_S = 0.02
TURN_ACCEL_SHARE = 1.5
MAX_POINTS = 1500
MEMORY_S = 1.0
SLOWING_WEIGHT = 6.0
SMOOTHNESS_WEIGHT = 0.3
MEMORY_CELL_M = 0.25
THREAT_S = 4.0
THREAT_EXTRA_M = 2.0
ESCAPE_MIN_MPS = 3.0
THREAT_HOLD_S = 1.0
SPREAD_SHARE = 0.1
ACROSS_WEIGHT = 1.0
SIDE_WEIGHT = 100.0
SIDE_DECIDED_M = 0.5
VERTICAL_WEIGHT = 10.0


class DroneAvoidanceStack:
    """The reference drone stack (builtin name ``drone-reference``).

    Args:
        margin_m: Distance kept beyond the drone's radius, m.
        horizon_s: Shortest look-ahead of the collision test, s.
    """

    def __init__(self, margin_m: float = 0.8, horizon_s: float = 1.5) -> None:
        self.margin_m = margin_m
        self.horizon_s = horizon_s

    def reset(self, info: DroneEpisodeInfo) -> None:
        """Start an episode."""
        self.info = info
        self.follower = MissionFollower(info)
        self._zones = info.zones
        az, el = info.ring_azimuth_rad, info.ring_elevation_rad
        # Unit ray directions (E, A, 3).
        self._rays = np.stack(
            (np.cos(el)[:, None] * np.cos(az)[None], np.cos(el)[:, None] * np.sin(az)[None],
             np.broadcast_to(np.sin(el)[:, None], (len(el), len(az)))),
            axis=-1,
        )  # fmt: skip
        angle = 2.0 * math.pi * np.arange(DIRECTIONS) / DIRECTIONS
        climbs = (0.0, -0.3, 0.3) if np.any(np.abs(el) > 1e-6) else (0.0,)
        units = []
        for c in climbs:
            h = math.sqrt(1.0 - c * c)
            units.append(
                np.column_stack((h * np.cos(angle), h * np.sin(angle), np.full(DIRECTIONS, c)))
            )
        self._units = np.concatenate(units)
        self._previous_ranges: np.ndarray | None = None
        self._previous_residual = np.zeros((len(el), len(az)))
        self._previous_scan_s = -math.inf
        self._memory: list[tuple[float, np.ndarray]] = []
        self._tracker = MovingTracker()
        self._threat_until_s = -math.inf
        self._threat_s = math.inf
        self._threat_dir = np.zeros(3)
        self._threat_side = np.zeros(3)
        self._choice = np.zeros(3)
        self._choice_is_desired = True
        self._mode = "mission"

    def step(self, obs: DroneObservation) -> DroneCommand:
        """One decision: a velocity command."""
        desired, mode = self.follower.desired(obs)
        if obs.ring_time_s > self._previous_scan_s:
            self._plan(obs, desired)
        command = desired if self._choice_is_desired else self._choice
        if not self._choice_is_desired:
            mode = "avoid" if mode == "mission" else mode
        command = hold_speed_in_turns(command, obs.velocity_mps)
        return DroneCommand(np.array(command, dtype=np.float64), heading_of(command), mode)

    # ------------------------------------------------------------------ memory

    def _remember(self, obs: DroneObservation, ranges: np.ndarray, static: np.ndarray) -> None:
        """Store this scan's static returns in the world frame; forget scans older than MEMORY_S."""
        world = obs.position_m + ranges[static][:, None] * self._rays[static]
        # One point per MEMORY_CELL_M cell: repeated scans of a trunk add nothing new.
        self._memory.append((obs.ring_time_s, _one_per_cell(world)))
        while self._memory and self._memory[0][0] < obs.ring_time_s - MEMORY_S:
            self._memory.pop(0)

    def _memory_points(self) -> np.ndarray:
        """The remembered static returns, world ENU ``(m, 3)``, m, one per cell."""
        return _one_per_cell(np.vstack([points for _, points in self._memory]))

    # ------------------------------------------------------------------ planner

    def _plan(self, obs: DroneObservation, desired: np.ndarray) -> None:
        info = self.info
        ranges = obs.ring_ranges_m
        finite = np.isfinite(ranges)
        scan_dt = obs.ring_time_s - self._previous_scan_s
        radial = np.zeros_like(ranges)
        if self._previous_ranges is not None and math.isfinite(scan_dt) and scan_dt > 0.0:
            both = finite & np.isfinite(self._previous_ranges)
            change = np.zeros_like(ranges)
            np.subtract(ranges, self._previous_ranges, out=change, where=both)
            own = self._rays @ obs.velocity_mps
            residual = np.where(both, change + own * scan_dt, 0.0)
            moving = (
                both & (np.abs(residual) < JUMP_M) & (np.abs(residual) > STATIC_BELOW_MPS * scan_dt)
            )
            # Trust a ray's motion only when the previous scan saw it move the same way.
            moving &= np.sign(residual) == np.sign(self._previous_residual)
            radial = np.where(moving, residual / scan_dt, 0.0)
            self._previous_residual = np.where(both, residual, 0.0)
        self._previous_ranges = ranges
        self._previous_scan_s = obs.ring_time_s
        # Moving returns from this scan (velocities from the tracker); static ones from the
        # memory of recent scans, less those beside a moving return (the mover's first sightings).
        rel = ranges[finite][:, None] * self._rays[finite]
        flagged = radial[finite] != 0.0
        moves, velocity, confirmed = self._tracker.update(
            obs.ring_time_s, obs.position_m + rel, radial[finite][:, None] * self._rays[finite],
            flagged, obs.velocity_mps,
        )  # fmt: skip
        lost_at, lost_v = self._tracker.unseen(obs.ring_time_s)
        moving_rel = np.vstack((rel[moves], lost_at - obs.position_m))
        moving_v = np.vstack((velocity[moves], lost_v))
        tracked = np.concatenate((confirmed[moves], np.ones(len(lost_at), dtype=bool)))
        static = finite.copy()
        static[finite] = ~moves
        if np.any(tracked) and np.any(static):
            near = points_within(
                ranges[static][:, None] * self._rays[static], moving_rel[tracked], 1.0
            )
            static[static] = ~near
        self._remember(obs, ranges, static)
        own_speed = float(np.linalg.norm(obs.velocity_mps))
        speed = float(np.linalg.norm(desired))
        reach = max(speed, own_speed)
        horizon = max(self.horizon_s, reach / max(info.max_accel_mps2, 1e-3) + 0.5)
        # The drone turns with a lag: keep more room the faster it flies.
        safe_r = info.radius_m + self.margin_m + LAG_MARGIN_S * own_speed
        base = max(speed, 1.0)
        # A mover on a collision course with the drone as it flies, or as it would be were
        # it to stop: look past its arrival, allow a fast escape, across its path.
        threat, hit = math.inf, np.zeros(np.count_nonzero(tracked), dtype=bool)
        for own in (obs.velocity_mps, np.zeros(3), desired):
            other, other_hit = threat_time(
                moving_rel[tracked], moving_v[tracked] - own, safe_r + THREAT_EXTRA_M, THREAT_S
            )
            threat = min(threat, other)
            hit |= other_hit
        if math.isfinite(threat):
            self._threat_s = threat
            self._threat_until_s = obs.ring_time_s + THREAT_HOLD_S
            heading = np.mean(moving_v[tracked][hit], axis=0)
            size = float(np.linalg.norm(heading))
            self._threat_dir = heading / size if size > 1e-6 else np.zeros(3)
            across = np.array([-self._threat_dir[1], self._threat_dir[0], 0.0])
            if not np.any(self._threat_side):
                # The side of the mover's path the drone escapes to, kept until the threat is
                # over (turning back across the path of a fast mover is how it hits).
                offset = -float(np.mean(moving_rel[tracked][hit], axis=0) @ across)
                if abs(offset) > SIDE_DECIDED_M:
                    self._threat_side = math.copysign(1.0, offset) * across
            elif float(self._threat_side @ across) < 0.0:
                self._threat_side = -across
            else:
                self._threat_side = across
        threatened = obs.ring_time_s <= self._threat_until_s
        if not threatened:
            self._threat_side = np.zeros(3)
        if threatened:
            horizon = max(horizon, min(self._threat_s + 1.0, THREAT_S))
            escape = min(max(info.cruise_speed_mps, ESCAPE_MIN_MPS), info.max_speed_mps)
            base = max(base, escape)
            mover_speed = float(np.max(np.linalg.norm(moving_v, axis=1))) if len(moving_v) else 0.0
            reach = max(reach, base) + mover_speed
        stored = self._memory_points() - obs.position_m
        distance = np.sqrt(np.sum(stored * stored, axis=1))
        reach_m = reach * horizon + safe_r + 8.0
        keep = distance < reach_m
        if np.count_nonzero(keep) > MAX_POINTS:
            # The nearest returns matter: keep MAX_POINTS of them.
            cut = np.partition(distance[keep], MAX_POINTS - 1)[MAX_POINTS - 1]
            keep &= distance <= cut
        points = np.vstack((stored[keep], moving_rel))
        point_v = np.vstack((np.zeros((np.count_nonzero(keep), 3)), moving_v))
        point_spread = np.concatenate(
            (np.zeros(np.count_nonzero(keep)), np.where(tracked, SPREAD_SHARE, 0.0))
        )
        candidates = np.vstack(
            (desired[None], np.zeros((1, 3)),
             *(f * base * self._units for f in SPEED_FACTORS)),
        )  # fmt: skip
        free = np.full(len(candidates), np.inf)
        if len(points):
            # The desired velocity, stopping and the full-speed directions first; the slower
            # ones only when none of those at speed is safe.
            fast = 2 + len(self._units)
            args = (
                obs.velocity_mps, points, point_v, horizon, info.velocity_time_constant_s,
                TURN_ACCEL_SHARE * info.max_accel_mps2, reach, point_spread,
            )  # fmt: skip
            free[:fast] = closest_approach(candidates[:fast], *args)
            if np.any(free[:fast] >= safe_r) and (
                free[0] >= safe_r or np.any(free[2:fast] >= safe_r)
            ):
                free[fast:] = 0.0
            else:
                free[fast:] = closest_approach(candidates[fast:], *args)
        cost = np.sum((candidates - desired) ** 2, axis=1)
        # Losing speed costs more than turning: a gap beside the line is better than braking.
        lost = np.maximum(speed - np.linalg.norm(candidates, axis=1), 0.0)
        cost += SLOWING_WEIGHT * lost * lost
        cost += SMOOTHNESS_WEIGHT * np.sum((candidates - self._choice) ** 2, axis=1)
        cost += 0.5 * base * base * np.exp(-np.maximum(free - safe_r, 0.0) / 1.0)
        cost[1] += base * base  # stopping is the last resort
        if threatened:
            along = candidates @ self._threat_dir
            cost += ACROSS_WEIGHT * along * along
            back = np.minimum(candidates @ self._threat_side, 0.0)
            cost += SIDE_WEIGHT * back * back
            # Escape in the ring's plane: climbing or sinking loses the mover from view.
            cost += VERTICAL_WEIGHT * candidates[:, 2] * candidates[:, 2]
        if info.zones:
            ahead = obs.position_m[None] + ZONE_LOOKAHEAD_S * candidates
            shortfall = np.maximum(
                info.zone_margin_m + ZONE_BUFFER_M - _zone_distance(self._zones, ahead), 0.0
            )
            cost += 50.0 * shortfall * shortfall
        safe = free >= safe_r
        best = (
            int(np.argmin(np.where(safe, cost, np.inf))) if np.any(safe) else int(np.argmax(free))
        )
        self._choice = candidates[best].copy()
        self._choice_is_desired = best == 0
        if threatened and not np.any(self._threat_side):
            across = np.array([-self._threat_dir[1], self._threat_dir[0], 0.0])
            lateral = float(self._choice @ across)
            self._threat_side = (-1.0 if lateral < 0.0 else 1.0) * across


class DroneDirectStack:
    """A baseline without perception (builtin name ``drone-direct``): the mission follower alone.

    It flies straight at its targets, so it meets every obstacle and zone on
    the way; the flight controller still keeps it out of no-fly zones.
    """

    def reset(self, info: DroneEpisodeInfo) -> None:
        """Start an episode."""
        self.follower = MissionFollower(info)

    def step(self, obs: DroneObservation) -> DroneCommand:
        """Fly the mission follower's desired velocity."""
        desired, mode = self.follower.desired(obs)
        return DroneCommand(desired, heading_of(desired), mode)


def heading_of(command_mps: np.ndarray) -> float:
    """The heading to hold for a velocity command ``(3,)``, m/s: its direction, rad.

    ``nan`` (keep the current heading) when its horizontal speed is 1 m/s or less.
    """
    speed_xy = math.hypot(command_mps[0], command_mps[1])
    return math.atan2(command_mps[1], command_mps[0]) if speed_xy > 1.0 else math.nan


def _one_per_cell(world: np.ndarray) -> np.ndarray:
    """The first point ``(m, 3)`` in each MEMORY_CELL_M cube, in their order (cells within 2^20)."""
    cells = np.floor(world / MEMORY_CELL_M).astype(np.int64) + (1 << 20)
    key = (cells[:, 0] << 42) | (cells[:, 1] << 21) | cells[:, 2]
    _, first = np.unique(key, return_index=True)
    return world[np.sort(first)]


def _zone_distance(zones: tuple[Zone, ...], points: np.ndarray) -> np.ndarray:
    """Smallest signed distance of points ``(m, 3)`` to any zone, m (negative inside)."""
    best = np.full(len(points), np.inf)
    for z in zones:
        best = np.minimum(best, signed_distance(z, points))
    return best
