"""A fleet: many quadrotors with their controllers, wind, batteries and airspace, stepped as one group.

This is the unit a world steps: :meth:`QuadrotorFleet.step` advances every
drone by one world step ``dt``, split into physics substeps of at most
``physics_dt_s`` (500 Hz by default). Per world step:

1. the wind at each drone is sampled (compiled) and held over the substeps;
2. with an :class:`~gauntlet.dynamics.airspace.Airspace`, the position loops'
   velocity commands are limited by :meth:`Airspace.constrain` (a hard
   constraint: each drone slows down so as to stop ``margin_m`` from every
   zone and follows the boundary round it);
3. one compiled call runs the controller and the rigid body: position and
   velocity loops once, attitude and rate loops and the rigid body at every
   substep (:func:`gauntlet.dynamics._flight_kernels.fleet_steps`);
4. the batteries draw the step's mean electrical power (compiled). They are
   not stepped less often: the current is a convex function of the power
   (series resistance), and in aggressive flight, where the power swings
   within 0.1 s, averaging the power over 0.1 s changed the state of charge
   by about 1 % of the charge used.

Stacks command the drones through :attr:`QuadrotorFleet.controller`
(waypoints or velocities). Without an airspace no arrays are allocated per
step (the wind draws its noise in blocks).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from gauntlet.dynamics import _flight_kernels as fk
from gauntlet.dynamics import _quadrotor_kernels as qk
from gauntlet.dynamics.airspace import Airspace
from gauntlet.dynamics.battery import Battery
from gauntlet.dynamics.drone_presets import DronePreset
from gauntlet.dynamics.flight_control import FlightController
from gauntlet.dynamics.quadrotor import Quadrotor
from gauntlet.dynamics.wind import WindField

_POSITION_COLUMNS = np.array([qk.X, qk.Y, qk.Z])

#: The airspace horizon is this many velocity-loop time constants (1 / K_vel):
#: a drone whose velocity follows its command as a first-order lag then
#: closes on a zone critically damped, without overshoot.
STOPPING_HORIZON_TIME_CONSTANTS = 4.0


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
        airspace: No-fly zones every drone keeps out of (``None``: none).
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
        airspace: Airspace | None = None,
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
        self.airspace = airspace
        self.physics_dt_s = physics_dt_s
        self.state = self.model.hover_state(positions_m, heading_rad)
        self.controller.hold(self.state)
        self.time_s = 0.0
        #: Wind at each drone over the last step ``(n, 3)``, m/s.
        self.wind_mps = np.zeros((n, 3))
        #: Mean electrical power of each drone over the last step, W.
        self.electrical_power_w = np.zeros(n)
        #: Velocity commands after the airspace constraint ``(n, 3)``, m/s (with an airspace).
        self.constrained_velocity_mps = np.zeros((n, 3))
        #: Boundary-following sense per drone (0 free, +1/-1 round a zone; with an airspace).
        self.detour = np.zeros(n, dtype=np.int8)
        self._horizon_s = STOPPING_HORIZON_TIME_CONSTANTS / self.controller.gains[:, fk.K_VEL]
        self._inv_efficiency = 1.0 / self.efficiency
        self._energy = np.zeros(n)
        self._commands = np.zeros((n, 4))
        self._position = np.zeros((n, 3))
        self._work = np.zeros((3, n))

    @property
    def size(self) -> int:
        """Number of drones."""
        return len(self.presets)

    @property
    def position(self) -> np.ndarray:
        """Positions ``(n, 3)``, m (a copy)."""
        return self.state[:, _POSITION_COLUMNS]

    @property
    def velocity(self) -> np.ndarray:
        """Velocities ``(n, 3)``, m/s (a view into the state)."""
        return self.state[:, qk.VX : qk.VZ + 1]

    def substeps(self, dt: float) -> int:
        """Physics substeps per world step of ``dt`` seconds."""
        return max(1, math.ceil(dt / self.physics_dt_s - 1e-9))

    def step(self, dt: float) -> None:
        """Advance every drone by ``dt`` seconds under the current commands."""
        if not dt > 0.0:
            raise ValueError(f"QuadrotorFleet: dt must be > 0, got {dt!r}")
        count = self.substeps(dt)
        state = self.state
        if self.wind is not None or self.airspace is not None:
            np.take(state, _POSITION_COLUMNS, axis=1, out=self._position)
        if self.wind is not None:
            self.wind.sample(
                self._position, state[:, qk.VX : qk.VZ + 1], self.time_s, dt, out=self.wind_mps
            )
        c = self.controller
        constrained = self.airspace is not None
        if self.airspace is not None:
            self._constrain(self.airspace, dt)
        fk.fleet_steps(
            state, self.model.table, c.gains, c.setpoints, c.integrators, c.attitude,
            self.wind_mps, self.model.downwash, dt / count, count, self._energy, self._commands,
            self.constrained_velocity_mps, constrained, self._work,
        )  # fmt: skip
        # Mean electrical power of the step: shaft energy / (dt efficiency), W.
        np.multiply(self._energy, self._inv_efficiency, out=self.electrical_power_w)
        self.electrical_power_w /= dt
        self.battery.step(self.electrical_power_w, dt)
        self.time_s += dt

    def _constrain(self, airspace: Airspace, dt: float) -> None:
        """The position loops' velocity commands, limited by the airspace."""
        c = self.controller
        commands = self.constrained_velocity_mps
        fk.velocity_commands(self.state, c.gains, c.setpoints, commands)
        horizon = np.maximum(self._horizon_s, dt)
        limited = airspace.constrain(self._position, commands, horizon, detour=self.detour)
        changed = np.flatnonzero(np.any(limited != commands, axis=1))
        if len(changed):
            # A push out of a margin may exceed the speed limits; drones far
            # from every zone keep their commands bit for bit.
            commands[changed] = limited[changed]
            fk.limit_velocities(c.gains, commands, changed)

    def remaining_flight_time_s(self) -> np.ndarray:
        """Predicted time to each battery's cut-off at the last step's power, s."""
        return self.battery.remaining_time_s(self.electrical_power_w)
