"""A reduced quadrotor for swarms: a point mass with first-order attitude and a velocity loop.

For hundreds of drones the full 6-DOF model (:mod:`gauntlet.dynamics.quadrotor`)
is more than a swarm study needs. This model keeps what shapes a drone's
motion at swarm scale:

* the thrust vector tilts towards the commanded horizontal acceleration,
  limited to ``max_tilt_rad``, following it with the attitude loop's time
  constant ``attitude_time_constant_s`` (the attitude is the tilt vector
  ``(tan roll, tan pitch)`` in the world frame);
* collective thrust is limited to ``[0, thrust_to_weight] * m g``;
* air drag is linear in the velocity relative to the wind
  (``drag_per_s`` = drag coefficient / mass);
* a velocity loop ``a = K_v (v_cmd - v) + drag feed-forward`` turns velocity
  commands into accelerations, as the velocity loop of
  :class:`~gauntlet.dynamics.flight_control.FlightController` does.

Amphibious drones can land on water: a drone that descends to the surface floats there (drifting with the current, rotors idle) until a
command climbs faster than ``takeoff_climb_mps``. A drone that is not
amphibious and reaches the surface is ditched (``ditched``) and stops.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gauntlet.dynamics.tyres import GRAVITY_MPS2


@dataclass(frozen=True)
class PointMassDroneParams:
    """Parameters of the reduced drone (defaults: a 1.5 kg survey quadrotor).

    Attributes:
        max_speed_mps: Horizontal speed limit of the velocity loop, m/s.
        max_climb_mps: Vertical speed limit, m/s.
        max_tilt_rad: Tilt limit, rad.
        thrust_to_weight: Maximum collective thrust over weight.
        attitude_time_constant_s: First-order lag of the tilt, s.
        velocity_gain_per_s: Velocity-loop gain ``K_v``, 1/s.
        drag_per_s: Linear drag over mass, 1/s.
        radius_m: Footprint radius for collision avoidance, m.
        takeoff_climb_mps: Climb command that lifts a floating drone off the water, m/s.
    """

    max_speed_mps: float = 12.0
    max_climb_mps: float = 4.0
    max_tilt_rad: float = math.radians(35.0)
    thrust_to_weight: float = 2.0
    attitude_time_constant_s: float = 0.08
    velocity_gain_per_s: float = 3.0
    drag_per_s: float = 0.15
    radius_m: float = 0.5
    takeoff_climb_mps: float = 0.2


class PointMassDrones:
    """``n`` reduced drones stepped together (arrays, world ENU).

    Attributes:
        position_m, velocity_mps: ``(n, 3)``.
        tilt: ``(n, 2)`` horizontal thrust direction over the vertical thrust.
        amphibious: ``(n,)`` which drones may land on water.
        floating: ``(n,)`` which drones float on the water.
        ditched: ``(n,)`` non-amphibious drones that reached the water.
    """

    def __init__(
        self,
        params: PointMassDroneParams,
        position_m: np.ndarray,
        amphibious: np.ndarray | bool = False,
    ) -> None:
        self.params = params
        self.position_m = np.array(position_m, dtype=np.float64).reshape(-1, 3)
        n = len(self.position_m)
        self.velocity_mps = np.zeros((n, 3))
        self.tilt = np.zeros((n, 2))
        self.amphibious = np.broadcast_to(np.asarray(amphibious, dtype=bool), (n,)).copy()
        self.floating = self.amphibious & (self.position_m[:, 2] <= 0.0)
        self.ditched = np.zeros(n, dtype=bool)
        self.command_mps = np.zeros((n, 3))

    @property
    def size(self) -> int:
        return len(self.position_m)

    def command_velocity(self, velocity_mps: np.ndarray) -> None:
        """Command world velocities ``(n, 3)``, m/s (clipped to the speed limits)."""
        p = self.params
        v = np.array(velocity_mps, dtype=np.float64)
        horizontal = np.hypot(v[:, 0], v[:, 1])
        scale = np.minimum(1.0, p.max_speed_mps / np.maximum(horizontal, 1e-12))
        v[:, :2] *= scale[:, None]
        v[:, 2] = np.clip(v[:, 2], -p.max_climb_mps, p.max_climb_mps)
        self.command_mps = v

    def step(
        self, dt: float, wind_mps: np.ndarray | None = None, current_mps: np.ndarray | None = None
    ) -> None:
        """Advance by ``dt`` seconds in a uniform wind and surface current (``(2,)`` or ``(3,)``, m/s)."""
        if not dt > 0.0:
            raise ValueError(f"PointMassDrones: dt must be > 0, got {dt!r}")
        p = self.params
        wind = np.zeros(3)
        if wind_mps is not None:
            w = np.asarray(wind_mps, dtype=np.float64)
            wind[: len(w)] = w
        air = self.velocity_mps - wind
        accel = p.velocity_gain_per_s * (self.command_mps - self.velocity_mps) + p.drag_per_s * air
        # Collective thrust per unit mass and the tilt that points it.
        vertical = np.clip(accel[:, 2] + GRAVITY_MPS2, 0.0, p.thrust_to_weight * GRAVITY_MPS2)
        tilt_cmd = accel[:, :2] / np.maximum(vertical, 0.1 * GRAVITY_MPS2)[:, None]
        norm = np.hypot(tilt_cmd[:, 0], tilt_cmd[:, 1])
        tilt_cmd *= np.minimum(1.0, math.tan(p.max_tilt_rad) / np.maximum(norm, 1e-12))[:, None]
        self.tilt += (1.0 - math.exp(-dt / p.attitude_time_constant_s)) * (tilt_cmd - self.tilt)
        acc = np.empty_like(accel)
        acc[:, :2] = vertical[:, None] * self.tilt
        acc[:, 2] = vertical - GRAVITY_MPS2
        acc -= p.drag_per_s * air
        self.velocity_mps += dt * acc
        self.position_m += dt * self.velocity_mps
        self._surface(current_mps)

    def _surface(self, current_mps: np.ndarray | None) -> None:
        p = self.params
        takeoff = self.floating & (self.command_mps[:, 2] > p.takeoff_climb_mps)
        self.floating &= ~takeoff
        below = self.position_m[:, 2] <= 0.0
        self.floating |= below & self.amphibious
        self.ditched |= below & ~self.amphibious
        still = self.floating | self.ditched
        if np.any(still):
            drift = np.zeros(3)
            if current_mps is not None:
                c = np.asarray(current_mps, dtype=np.float64)
                drift[: len(c)] = c
            self.position_m[still, 2] = 0.0
            self.velocity_mps[still] = drift
            self.velocity_mps[self.ditched] = 0.0
            self.tilt[still] = 0.0
