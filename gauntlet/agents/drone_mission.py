"""Mission following for drone stacks: where to fly next, and when to go home.

:class:`MissionFollower` turns a :class:`~gauntlet.agents.drone_types.DroneEpisodeInfo`
and the drone's state into a *desired* velocity, before any obstacle avoidance:

* **hover**: a PI law on the position error (``K_p = 1.2 /s``, ``K_i = 0.3 /s²``,
  integral limited to 3 m/s), which rejects a steady wind the flight
  controller's own integrator cannot fully hold;
* **goal**: straight at the goal at the cruise speed, slowing down as
  ``sqrt(2 a d)`` to stop on it;
* **waypoints / patrol**: along the current leg at the cruise speed with a
  cross-track correction (``K = 1.0 /s``) towards the leg, the next leg once
  within the tolerance of its end (a patrol wraps round); the same PI on the
  cross-track error as for hover;
* **return**: when the predicted remaining flight time (averaged over 10 s)
  falls below the time home at the cruise speed plus the reserve, the target becomes home; on the
  pad it waits, and with a fresh battery it resumes the mission where it left.
"""

from __future__ import annotations

import math

import numpy as np

from gauntlet.agents.drone_types import DroneEpisodeInfo, DroneObservation

HOVER_GAIN_1PS = 1.2
HOVER_INTEGRAL_1PS2 = 0.3
INTEGRAL_LIMIT_MPS = 3.0
CROSS_TRACK_GAIN_1PS = 1.0
CLIMB_GAIN_1PS = 1.0
MAX_CLIMB_MPS = 3.0
REMAINING_AVERAGE_S = 10.0


class MissionFollower:
    """The desired velocity of one drone along its mission.

    Args:
        info: What the stack learnt at reset.
    """

    def __init__(self, info: DroneEpisodeInfo) -> None:
        self.info = info
        self.index = 0
        self.done = False
        self.returning = False
        self.integral = np.zeros(3)
        self._last_time = -math.inf
        self._remaining_s = math.inf
        self._soc_at_return = 0.0

    def desired(self, obs: DroneObservation) -> tuple[np.ndarray, str]:
        """Desired velocity ``(3,)``, m/s, and the mode (``mission``, ``return``, ``done``)."""
        info = self.info
        dt = info.dt_s if math.isfinite(self._last_time) else 0.0
        self._last_time = obs.time_s
        p = obs.position_m
        if obs.on_pad:
            self.integral[:] = 0.0
            return np.zeros(3), "return"
        self._update_return(obs)
        if self.returning:
            return self._approach(p, info.home_m, info.cruise_speed_mps), "return"
        kind = info.mission
        if kind == "hover" or self.done:
            target = info.points_m[-1] if self.done else info.points_m[0]
            return self._hold(p, target, dt), "done" if self.done else "mission"
        if kind == "goal":
            goal = info.points_m[0]
            if np.linalg.norm(goal - p) < info.tolerance_m:
                self.done = True
            return self._approach(p, goal, info.cruise_speed_mps), "mission"
        return self._follow_path(p, dt), "mission" if not self.done else "done"

    # ------------------------------------------------------------------ laws

    def _update_return(self, obs: DroneObservation) -> None:
        info = self.info
        if self.returning:
            # Back in the air with a fresh battery: resume.
            if obs.battery_soc > max(self._soc_at_return + 0.2, 0.9):
                self.returning = False
                self.integral[:] = 0.0
            return
        if info.mission == "hover" or not math.isfinite(obs.remaining_flight_s):
            return
        # Average the prediction over ~REMAINING_AVERAGE_S: the power swings in manoeuvres.
        if math.isfinite(self._remaining_s):
            share = min(info.dt_s / REMAINING_AVERAGE_S, 1.0)
            self._remaining_s += share * (obs.remaining_flight_s - self._remaining_s)
        else:
            self._remaining_s = obs.remaining_flight_s
        home = np.linalg.norm(info.home_m - obs.position_m) / info.cruise_speed_mps
        if obs.time_s > REMAINING_AVERAGE_S and self._remaining_s < home + info.return_reserve_s:
            self.returning = True
            self._soc_at_return = obs.battery_soc

    def _approach(self, p: np.ndarray, goal: np.ndarray, cruise: float) -> np.ndarray:
        offset = goal - p
        horizontal = np.hypot(offset[0], offset[1])
        speed = min(
            cruise, math.sqrt(2.0 * self.info.max_accel_mps2 * horizontal), 1.2 * horizontal
        )
        v = np.zeros(3)
        if horizontal > 1e-6:
            v[:2] = speed * offset[:2] / horizontal
        v[2] = np.clip(CLIMB_GAIN_1PS * offset[2], -MAX_CLIMB_MPS, MAX_CLIMB_MPS)
        return v

    def _hold(self, p: np.ndarray, target: np.ndarray, dt: float) -> np.ndarray:
        error = target - p
        self.integral = np.clip(
            self.integral + HOVER_INTEGRAL_1PS2 * error * dt,
            -INTEGRAL_LIMIT_MPS,
            INTEGRAL_LIMIT_MPS,
        )
        v = HOVER_GAIN_1PS * error + self.integral
        return _limit(v, self.info.cruise_speed_mps)

    def _follow_path(self, p: np.ndarray, dt: float) -> np.ndarray:
        info = self.info
        points = info.points_m
        loop = info.mission == "patrol"
        target = points[self.index]
        if np.linalg.norm(target - p) < info.tolerance_m:
            self.index += 1
            if self.index == len(points):
                if loop:
                    self.index = 0
                else:
                    self.done = True
                    self.index = len(points) - 1
                    return self._hold(p, points[-1], dt)
            target = points[self.index]
        previous = points[self.index - 1] if (self.index > 0 or loop) else None
        if previous is None:
            return self._approach(p, target, info.cruise_speed_mps)
        leg = target - previous
        length = float(np.linalg.norm(leg))
        if length < 1e-6:
            return self._approach(p, target, info.cruise_speed_mps)
        along = leg / length
        s = float(np.clip(np.dot(p - previous, along), 0.0, length))
        closest = previous + s * along
        cross = closest - p
        self.integral = np.clip(
            self.integral + HOVER_INTEGRAL_1PS2 * cross * dt,
            -INTEGRAL_LIMIT_MPS,
            INTEGRAL_LIMIT_MPS,
        )
        remaining = length - s
        last = not loop and self.index == len(points) - 1
        speed = info.cruise_speed_mps
        if last:
            speed = min(speed, math.sqrt(2.0 * info.max_accel_mps2 * remaining))
        v = speed * along + CROSS_TRACK_GAIN_1PS * cross + self.integral
        return _limit(v, max(info.cruise_speed_mps, 1.0) * 1.2)


def _limit(v: np.ndarray, speed: float) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v if norm <= speed else v * (speed / norm)
