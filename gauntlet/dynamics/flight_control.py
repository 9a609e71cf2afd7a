"""Cascaded flight controller for quadrotors: position -> velocity -> attitude -> rate -> mixer.

Per drone, at every physics step (all loops run at the same rate):

1. **Position** (waypoint mode): ``v_c = K_pos (p_sp - p) + v_ff``. In velocity
   mode ``v_c`` is the commanded velocity. ``v_c`` is limited to
   ``max_speed_xy_mps`` horizontally and to ``[-max_descent, max_climb]``.
2. **Velocity** PI with drag feed-forward: ``a_c = K_vel (v_c - v) + I``,
   ``f = m (a_c + g e_z) + D(v_c)``, where ``D`` cancels the airframe's own
   body-axis drag law at the commanded velocity in still air (evaluated in
   the current attitude), so that a commanded cruise is flown without a
   steady-state error. The integrator acts on ``v_ref - v``, where the
   reference ``v_ref`` follows ``v_c`` as the first-order lag ``1 / K_vel``
   the nominal loop gives: wind and model errors open it, a step of the
   command does not (no overshoot from a wound-up integral).
   The vertical part of ``f`` is kept in ``[0.1 m g, T_max]``, the horizontal
   part within the tilt limit ``f_z tan(max_tilt)`` and the thrust limit
   ``|f| <= T_max`` (``T_max = thrust_share * 4 kf w_max^2``); when it is
   limited, the drag feed-forward keeps priority and the feedback is scaled
   to fit (a turn at the tilt limit keeps its speed). Anti-windup: an axis
   integrates only while its output is not limited (its reference then
   restarts from the velocity), and ``|I|`` is clamped.
3. **Attitude** P: the desired attitude points body z along ``f`` with the
   commanded heading; with the error quaternion ``q_e = q^-1 q_d`` (short way),
   the rate command is ``2 K_att q_e,xy`` and ``2 K_yaw q_e,z``, clipped to the
   rate limits. The collective thrust is ``f`` projected on the current body z.
4. **Body rate** PI: ``tau = I (K_rate e + I_rate) + w x I w``.
5. **Mixer**: inverts the X-configuration map with priorities roll/pitch >
   collective > yaw, then clips each rotor; see
   :func:`gauntlet.dynamics._flight_kernels.mix`.

The gains are normalised by mass and inertia (units 1/s and 1/s^2), so one
set of bandwidths fits airframes of any size; each preset has its own set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gauntlet.dynamics import _flight_kernels as fk
from gauntlet.dynamics._validation import require_finite_positive, require_params


@dataclass(frozen=True)
class FlightControlParams:
    """Gains and limits of the cascaded controller of one drone.

    Attributes:
        position_gain_1ps: ``K_pos``, 1/s.
        velocity_gain_1ps: ``K_vel``, 1/s.
        velocity_integral_gain_1ps2: Velocity-loop integral gain, 1/s^2.
        velocity_integral_limit_mps2: Largest integral acceleration, m/s^2.
        attitude_gain_1ps: Roll/pitch attitude gain, 1/s.
        yaw_gain_1ps: Heading gain, 1/s.
        rate_gain_1ps: Roll/pitch rate gain, 1/s.
        yaw_rate_gain_1ps: Yaw rate gain, 1/s.
        rate_integral_gain_1ps2: Rate-loop integral gain, 1/s^2.
        rate_integral_limit_radps2: Largest integral angular acceleration, rad/s^2.
        max_tilt_rad: Largest tilt of body z from vertical, rad.
        max_rate_radps: Largest commanded roll/pitch rate, rad/s.
        max_yaw_rate_radps: Largest commanded yaw rate, rad/s.
        max_speed_xy_mps: Largest commanded horizontal speed, m/s.
        max_climb_mps: Largest commanded climb rate, m/s.
        max_descent_mps: Largest commanded descent rate, m/s.
        thrust_share: Share of the rotors' maximum thrust the velocity loop may ask for.
    """

    position_gain_1ps: float = 1.0
    velocity_gain_1ps: float = 3.0
    velocity_integral_gain_1ps2: float = 1.0
    velocity_integral_limit_mps2: float = 3.0
    attitude_gain_1ps: float = 10.0
    yaw_gain_1ps: float = 3.0
    rate_gain_1ps: float = 30.0
    yaw_rate_gain_1ps: float = 10.0
    rate_integral_gain_1ps2: float = 20.0
    rate_integral_limit_radps2: float = 20.0
    max_tilt_rad: float = 0.6
    max_rate_radps: float = 6.0
    max_yaw_rate_radps: float = 3.0
    max_speed_xy_mps: float = 10.0
    max_climb_mps: float = 3.0
    max_descent_mps: float = 2.0
    thrust_share: float = 0.9

    def __post_init__(self) -> None:
        require_finite_positive(type(self).__name__, **self.__dict__)
        if not self.max_tilt_rad < 1.5:
            raise ValueError(
                f"FlightControlParams.max_tilt_rad must be < 1.5, got {self.max_tilt_rad}"
            )
        if not self.thrust_share <= 1.0:
            raise ValueError(
                f"FlightControlParams.thrust_share must be <= 1, got {self.thrust_share}"
            )


def gain_table(params: Sequence[FlightControlParams]) -> np.ndarray:
    """The controller parameters as the kernels' table, shape ``(n, GAIN_SIZE)``."""
    table = np.zeros((len(params), fk.GAIN_SIZE))
    for row, c in enumerate(params):
        table[row, : fk.TAN_MAX_TILT] = (
            c.position_gain_1ps, c.velocity_gain_1ps, c.velocity_integral_gain_1ps2,
            c.velocity_integral_limit_mps2, c.attitude_gain_1ps, c.yaw_gain_1ps,
            c.rate_gain_1ps, c.yaw_rate_gain_1ps, c.rate_integral_gain_1ps2,
            c.rate_integral_limit_radps2, c.max_tilt_rad, c.max_rate_radps,
            c.max_yaw_rate_radps, c.max_speed_xy_mps, c.max_climb_mps, c.max_descent_mps,
            c.thrust_share,
        )  # fmt: skip
    table[:, fk.TAN_MAX_TILT] = np.tan(table[:, fk.MAX_TILT])
    return table


class FlightController:
    """Setpoints, integrators and gains of a batch of drones; the command interface of stacks.

    A drone is either in waypoint mode (hold or fly to a position, optionally
    with a feed-forward velocity) or in velocity mode. Every drone starts in
    waypoint mode at the origin with heading 0; call :meth:`command_waypoint`
    (or :meth:`hold`) before flying.

    Args:
        params: One :class:`FlightControlParams` per drone.
    """

    def __init__(self, params: Sequence[FlightControlParams]) -> None:
        self.params = require_params(type(self).__name__, params, FlightControlParams)
        n = len(self.params)
        self.gains = gain_table(self.params)
        #: Columns ``x, y, z, vx, vy, vz, yaw, mode`` (mode 1 waypoint, 0 velocity).
        self.setpoints = np.zeros((n, fk.SETPOINT_SIZE))
        self.setpoints[:, fk.SP_MODE] = fk.MODE_POSITION
        #: Velocity-loop (m/s^2) and rate-loop (rad/s^2) integrators, then the velocity
        #: reference model (m/s) whose gap to the velocity the velocity loop integrates.
        self.integrators = np.zeros((n, fk.INTEGRATOR_SIZE))
        self.integrators[:, fk.REF_VX :] = np.nan
        #: Attitude setpoint from the outer loops: desired quaternion, thrust vector (N),
        #: and the cosine and sine of the heading setpoint (cached by the kernels).
        self.attitude = np.zeros((n, fk.ATTITUDE_SIZE))
        self.attitude[:, fk.ATT_YAW] = np.nan

    @property
    def size(self) -> int:
        """Number of drones."""
        return len(self.params)

    def _rows(self, drones: np.ndarray | Sequence[int] | None) -> np.ndarray | slice:
        return slice(None) if drones is None else np.asarray(drones, dtype=np.int64)

    def command_waypoint(
        self,
        position_m: np.ndarray,
        heading_rad: np.ndarray | float = 0.0,
        *,
        feedforward_mps: np.ndarray | None = None,
        drones: np.ndarray | Sequence[int] | None = None,
    ) -> None:
        """Fly to (and hold) world positions ``(k, 3)``, m, with headings, rad.

        Args:
            position_m: Target positions, world ENU, m.
            heading_rad: Target headings, rad.
            feedforward_mps: Velocity added to the position loop's output ``(k, 3)``.
            drones: Which drones (default all, in order).
        """
        rows = self._rows(drones)
        sp = self.setpoints
        sp[rows, fk.SP_X : fk.SP_Z + 1] = position_m
        sp[rows, fk.SP_VX : fk.SP_VZ + 1] = 0.0 if feedforward_mps is None else feedforward_mps
        sp[rows, fk.SP_YAW] = heading_rad
        sp[rows, fk.SP_MODE] = fk.MODE_POSITION

    def command_velocity(
        self,
        velocity_mps: np.ndarray,
        heading_rad: np.ndarray | float = 0.0,
        *,
        drones: np.ndarray | Sequence[int] | None = None,
    ) -> None:
        """Fly at world velocities ``(k, 3)``, m/s, with headings, rad."""
        rows = self._rows(drones)
        sp = self.setpoints
        sp[rows, fk.SP_VX : fk.SP_VZ + 1] = velocity_mps
        sp[rows, fk.SP_YAW] = heading_rad
        sp[rows, fk.SP_MODE] = fk.MODE_VELOCITY

    def hold(self, state: np.ndarray, drones: np.ndarray | Sequence[int] | None = None) -> None:
        """Hold the current position and heading of the drones (columns of the quadrotor state)."""
        rows = self._rows(drones)
        self.command_waypoint(state[rows][:, [0, 1, 4]], state[rows][:, 2], drones=drones)

    def reset(self) -> None:
        """Zero every integrator; the velocity reference restarts from the drones' velocity."""
        self.integrators[:] = 0.0
        self.integrators[:, fk.REF_VX :] = np.nan

    def motor_commands(self, state: np.ndarray, quad_table: np.ndarray, dt: float) -> np.ndarray:
        """One controller update: motor-speed commands ``(n, 4)``, rad/s.

        Args:
            state: Quadrotor state ``(n, 19)``.
            quad_table: The model's parameter table (``Quadrotor.table``).
            dt: Time since the last update, s (for the integrators).
        """
        out = np.empty((self.size, 4))
        fk.control_batch(
            state,
            quad_table,
            self.gains,
            self.setpoints,
            self.integrators,
            self.attitude,
            dt,
            out,
        )
        return out
