"""The reference drone stack: mission following with a sampling-based velocity planner over the 360° ring.

Every step the :class:`~gauntlet.agents.drone_mission.MissionFollower` gives
a desired velocity ``v_d`` (goal attraction, path tracking, low-battery
return-to-home). When a new ring scan has arrived, the planner turns its
returns into points ``p`` relative to the drone and estimates each point's
radial velocity from the change of its ray's range between scans
(``v_obj = dr/dt + v_own . u``; under 1.5 m/s, with a jump of more than
1 m per scan, or unless the previous scan saw the ray move the same way, the
point counts as static). Candidate velocities ``v`` — the desired
one, and 32 horizontal directions x 3 speeds (x 3 climb rates when the ring
has elevations off the horizon) — are scored by a velocity-obstacle test:
the drone's path under a candidate is its velocity following the command
as a first-order lag (the controller's velocity time constant ``tau``),
``d(t) = v t + (v0 - v) tau (1 - exp(-t / tau))``, each point moves at
``v_obj u``, and the closest approach at 10 times over the horizon
``T = max(1.5 s, v / a + 0.5 s)`` must stay above
``radius + margin + 0.02 s x speed``. Among the safe candidates the planner takes the
one that minimises::

    |v - v_d|² + 0.3 |v - v_prev|² + 0.5 v_d² exp(-(free - R) / 1 m) + 50 (zone shortfall)²

plus ``v_d²`` for stopping (the last resort)

(``free`` the closest approach; the zone shortfall is how far the position
``2 s`` ahead comes inside ``margin + 2 m`` of a no-fly zone). With no safe
candidate it takes the one with the largest closest approach. Between
scans it repeats its choice, re-aimed at the new ``v_d`` when the choice was
``v_d`` itself.

The flight controller enforces no-fly zones whatever the stack commands;
the zone term only makes the detour start earlier.
"""

from __future__ import annotations

import math

import numpy as np

from gauntlet.agents.drone_mission import MissionFollower
from gauntlet.agents.drone_types import DroneCommand, DroneEpisodeInfo, DroneObservation, DroneZone

DIRECTIONS = 32
SPEED_FACTORS = (1.0, 0.6, 0.3)
STATIC_BELOW_MPS = 1.5
JUMP_M = 1.0
ZONE_LOOKAHEAD_S = 2.0
ZONE_BUFFER_M = 2.0
LAG_MARGIN_S = 0.02
HORIZON_SAMPLES = 10
MAX_POINTS = 120


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
        speed_xy = math.hypot(command[0], command[1])
        heading = math.atan2(command[1], command[0]) if speed_xy > 1.0 else math.nan
        return DroneCommand(np.array(command, dtype=np.float64), heading, mode)

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
        speed = float(np.linalg.norm(desired))
        reach = max(speed, float(np.linalg.norm(obs.velocity_mps)))
        horizon = max(self.horizon_s, reach / max(info.max_accel_mps2, 1e-3) + 0.5)
        # The drone turns with a lag: keep more room the faster it flies.
        safe_r = (
            info.radius_m + self.margin_m + LAG_MARGIN_S * float(np.linalg.norm(obs.velocity_mps))
        )
        near = finite & (ranges < reach * horizon + safe_r + 8.0)
        if np.count_nonzero(near) > MAX_POINTS:
            # The nearest returns matter: keep MAX_POINTS of them.
            cut = np.partition(ranges[near], MAX_POINTS - 1)[MAX_POINTS - 1]
            near &= ranges <= cut
        points = ranges[near][:, None] * self._rays[near]
        point_v = radial[near][:, None] * self._rays[near]
        base = max(speed, 1.0)
        candidates = np.vstack(
            (desired[None], np.zeros((1, 3)),
             *(f * base * self._units for f in SPEED_FACTORS)),
        )  # fmt: skip
        if len(points) == 0:
            free = np.full(len(candidates), np.inf)
        else:
            # The drone's displacement as its velocity follows the command with a lag tau:
            # d(t) = v t + (v0 - v) tau (1 - exp(-t / tau)); obstacle points move at point_v.
            tau = info.velocity_time_constant_s
            times = np.linspace(0.0, horizon, HORIZON_SAMPLES + 1)[1:]
            lag = tau * (1.0 - np.exp(-times / tau))
            v0 = obs.velocity_mps
            free = np.full(len(candidates), np.inf)
            for t, g in zip(times, lag, strict=True):
                drone = candidates * t + (v0[None] - candidates) * g
                gap = (points + point_v * t)[None, :, :] - drone[:, None, :]
                free = np.minimum(free, np.sqrt(np.min(np.sum(gap * gap, axis=-1), axis=1)))
        cost = np.sum((candidates - desired) ** 2, axis=1)
        cost += 0.3 * np.sum((candidates - self._choice) ** 2, axis=1)
        cost += 0.5 * base * base * np.exp(-np.maximum(free - safe_r, 0.0) / 1.0)
        cost[1] += base * base  # stopping is the last resort
        if info.zones:
            ahead = obs.position_m[None] + ZONE_LOOKAHEAD_S * candidates
            shortfall = np.maximum(
                info.zone_margin_m + ZONE_BUFFER_M - _zone_distance(info.zones, ahead), 0.0
            )
            cost += 50.0 * shortfall * shortfall
        safe = free >= safe_r
        best = (
            int(np.argmin(np.where(safe, cost, np.inf))) if np.any(safe) else int(np.argmax(free))
        )
        self._choice = candidates[best].copy()
        self._choice_is_desired = best == 0


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
        speed_xy = math.hypot(desired[0], desired[1])
        heading = math.atan2(desired[1], desired[0]) if speed_xy > 1.0 else math.nan
        return DroneCommand(desired, heading, mode)


def _zone_distance(zones: tuple[DroneZone, ...], points: np.ndarray) -> np.ndarray:
    """Smallest distance of points ``(m, 3)`` to any zone, m (negative inside; exact for the solids)."""
    best = np.full(len(points), np.inf)
    for z in zones:
        if z.center_m is not None:
            d_h = np.hypot(points[:, 0] - z.center_m[0], points[:, 1] - z.center_m[1]) - z.radius_m
        else:
            d_h = _polygon_distance(z.polygon_m, points[:, :2])
        d_v = np.maximum(z.floor_m - points[:, 2], points[:, 2] - z.ceiling_m)
        inside = (d_h <= 0.0) & (d_v <= 0.0)
        d = np.where(
            inside, np.maximum(d_h, d_v), np.hypot(np.maximum(d_h, 0.0), np.maximum(d_v, 0.0))
        )
        best = np.minimum(best, d)
    return best


def _polygon_distance(polygon: np.ndarray, xy: np.ndarray) -> np.ndarray:
    a = polygon
    b = np.roll(a, -1, axis=0)
    edge = b - a
    rel = xy[:, None, :] - a[None]
    t = np.clip(np.sum(rel * edge, axis=2) / np.sum(edge * edge, axis=1), 0.0, 1.0)
    gap = rel - t[:, :, None] * edge
    distance = np.sqrt(np.min(np.sum(gap * gap, axis=2), axis=1))
    y = xy[:, 1:2]
    straddles = (a[None, :, 1] > y) != (b[None, :, 1] > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        cross_x = a[:, 0] + (y - a[:, 1]) * edge[:, 0] / edge[:, 1]
    inside = np.sum(straddles & (xy[:, 0:1] < cross_x), axis=1) % 2 == 1
    return np.where(inside, -distance, distance)
