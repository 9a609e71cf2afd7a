"""A fleet: many quadrotors with their controllers, wind and batteries, stepped as one group.

This is the unit a world steps: :meth:`QuadrotorFleet.step` advances every
drone by one world step ``dt``, split into physics substeps of at most
``physics_dt_s`` (500 Hz by default). The controller and the rigid body run
in one compiled call: position and velocity loops once per world step,
attitude and rate loops and the rigid body at every substep
(:func:`gauntlet.dynamics._flight_kernels.fleet_steps`); the wind is sampled
once per world step and held over its substeps; the batteries draw the mean
electrical power of the step. Stacks command the drones through
:attr:`QuadrotorFleet.controller` (waypoints or velocities).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from gauntlet.dynamics import _flight_kernels as fk
from gauntlet.dynamics import _quadrotor_kernels as qk
from gauntlet.dynamics.battery import Battery
from gauntlet.dynamics.drone_presets import DronePreset
from gauntlet.dynamics.flight_control import FlightController
from gauntlet.dynamics.quadrotor import Quadrotor
from gauntlet.dynamics.wind import WindField


class QuadrotorFleet:
    """Drones of any presets, stepped together.

    Args:
        presets: One :class:`DronePreset` per drone.
        positions_m: Initial positions ``(n, 3)``, world ENU, m; the drones start
            hovering there and hold it.
        wind: Wind field for ``n`` drones (``None``: calm).
        heading_rad: Initial headings, rad.
        physics_dt_s: Longest physics substep, s.
        downwash: Whether drones' wakes act on the drones below them.
    """

    def __init__(
        self,
        presets: Sequence[DronePreset],
        positions_m: np.ndarray,
        *,
        wind: WindField | None = None,
        heading_rad: np.ndarray | float = 0.0,
        physics_dt_s: float = 0.002,
        downwash: bool = False,
    ) -> None:
        self.presets = tuple(presets)
        n = len(self.presets)
        if wind is not None and wind.size != n:
            raise ValueError(f"QuadrotorFleet: the wind field is for {wind.size} drones, not {n}")
        if not physics_dt_s > 0.0:
            raise ValueError(f"QuadrotorFleet: physics_dt_s must be > 0, got {physics_dt_s!r}")
        self.model = Quadrotor([p.airframe for p in self.presets], downwash=downwash)
        self.controller = FlightController([p.control for p in self.presets])
        self.battery = Battery([p.battery for p in self.presets])
        self.efficiency = np.array([p.motor_efficiency for p in self.presets])
        self.wind = wind
        self.physics_dt_s = physics_dt_s
        self.state = self.model.hover_state(positions_m, heading_rad)
        self.controller.hold(self.state)
        self.time_s = 0.0
        #: Wind at each drone over the last step ``(n, 3)``, m/s.
        self.wind_mps = np.zeros((n, 3))
        #: Mean electrical power of each drone over the last step, W.
        self.electrical_power_w = np.zeros(n)
        self._energy = np.zeros(n)
        self._commands = np.zeros((n, 4))

    @property
    def size(self) -> int:
        """Number of drones."""
        return len(self.presets)

    @property
    def position(self) -> np.ndarray:
        """Positions ``(n, 3)``, m (a view into the state)."""
        return self.state[:, [qk.X, qk.Y, qk.Z]]

    @property
    def velocity(self) -> np.ndarray:
        """Velocities ``(n, 3)``, m/s."""
        return self.state[:, qk.VX : qk.VZ + 1]

    def substeps(self, dt: float) -> int:
        """Physics substeps per world step of ``dt`` seconds."""
        return max(1, math.ceil(dt / self.physics_dt_s - 1e-9))

    def step(self, dt: float) -> None:
        """Advance every drone by ``dt`` seconds under the current commands."""
        if not dt > 0.0:
            raise ValueError(f"QuadrotorFleet: dt must be > 0, got {dt!r}")
        count = self.substeps(dt)
        if self.wind is not None:
            self.wind_mps = self.wind.sample(self.position, self.velocity, self.time_s, dt)
        c = self.controller
        fk.fleet_steps(
            self.state, self.model.table, c.gains, c.setpoints, c.integrators, c.attitude,
            self.wind_mps,
            self.model.downwash, dt / count, count, self._energy, self._commands,
        )  # fmt: skip
        self.electrical_power_w = self._energy / (dt * self.efficiency)
        self.battery.step(self.electrical_power_w, dt)
        self.time_s += dt

    def remaining_flight_time_s(self) -> np.ndarray:
        """Predicted time to each battery's cut-off at the last step's power, s."""
        return self.battery.remaining_time_s(self.electrical_power_w)
