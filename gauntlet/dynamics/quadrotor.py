"""Quadrotor: a 6-DOF rigid body lifted by four rotors in X configuration, batched.

Frames: world ENU (x east, y north, z up), body FLU (x forward, y left, z up).
The attitude is the unit quaternion ``(qw, qx, qy, qz)`` that rotates body
vectors into the world frame; ``p, q, r`` are the body rates about body x, y, z.

Rotors (body x, y in units of ``d = arm / sqrt(2)``; spin seen from above):

    motor 0  front-left  (+d, +d)  clockwise
    motor 1  rear-left   (-d, +d)  counter-clockwise
    motor 2  rear-right  (-d, -d)  clockwise
    motor 3  front-right (+d, -d)  counter-clockwise

Each rotor ``i`` turning at ``w_i`` (rad/s) gives the thrust ``f_i = kf w_i^2``
along body z and the drag torque ``km w_i^2`` against its spin, so

    T      = sum f_i                       (times the ground-effect ratio)
    tau_x  = d (f0 + f1 - f2 - f3)         tau_y = d (-f0 + f1 + f2 - f3)
    tau_z  = km (w0^2 - w1^2 + w2^2 - w3^2)
    m dv/dt = R (0, 0, T) + R F_drag - (0, 0, m g)
    I dw/dt = tau - w x I w                (diagonal I)

Motors follow their commands with a first-order lag ``tau_m dw/dt = cmd - w``,
the command clipped to ``[min_motor_speed, max_motor_speed]``; the lag is
discretised exactly and the forces use the mean rotor speed over the step.
Body drag acts on the air-relative velocity in the body frame, per axis:
``F = -(c_lin + c_quad |v|) v``. Ground effect (optional, per drone) scales the
thrust by Cheeseman and Bennett's ``1 / (1 - (R / 4z)^2)`` with ``z`` the
height above the plane ``z = 0``, evaluated no lower than ``R / 2``. Downwash
(optional, per model) adds the wakes of drones above to the air velocity and
lowers the thrust, see :func:`gauntlet.dynamics._quadrotor_kernels.downwash_speeds`.

Integration (per step, forces held): motors exact; position
``x += v dt + a dt^2 / 2`` and ``v += a dt`` (exact for constant acceleration,
as in free fall or hover); body rates explicit Euler; the attitude is rotated
by the exponential of the mean body rate over the step (exact to rounding:
for rotations under 0.063 rad per step the series of cos and sin are
summed to the x^6 term). Ground contact
is not modelled here (the world handles landing and crashes).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gauntlet.dynamics import _quadrotor_kernels as k
from gauntlet.dynamics._validation import (
    require_finite_positive,
    require_non_negative,
    require_params,
)
from gauntlet.dynamics.base import MotionModel
from gauntlet.dynamics.tyres import GRAVITY_MPS2


@dataclass(frozen=True)
class QuadrotorParams:
    """Airframe, rotors and motors of one quadrotor.

    Attributes:
        mass_kg: Take-off mass, kg.
        arm_length_m: Centre of mass to each rotor axis, m.
        inertia_xx_kgm2: Moment of inertia about body x, kg m^2.
        inertia_yy_kgm2: Moment of inertia about body y, kg m^2.
        inertia_zz_kgm2: Moment of inertia about body z, kg m^2.
        thrust_coefficient_nps2: ``kf`` in ``f = kf w^2``, N/(rad/s)^2.
        torque_coefficient_nmps2: ``km`` in ``tau = km w^2``, N m/(rad/s)^2.
        motor_time_constant_s: First-order lag of a rotor's speed, s (0: none).
        min_motor_speed_radps: Lowest rotor speed in flight, rad/s.
        max_motor_speed_radps: Highest rotor speed, rad/s.
        rotor_radius_m: Propeller radius, m.
        drag_linear_xy_nspm: Linear body drag along body x and y, N s/m.
        drag_linear_z_nspm: Linear body drag along body z, N s/m.
        drag_quadratic_xy_ns2pm2: Quadratic body drag along body x and y, N s^2/m^2.
        drag_quadratic_z_ns2pm2: Quadratic body drag along body z, N s^2/m^2.
        ground_effect: Whether thrust grows near the ground plane ``z = 0``.
    """

    mass_kg: float
    arm_length_m: float
    inertia_xx_kgm2: float
    inertia_yy_kgm2: float
    inertia_zz_kgm2: float
    thrust_coefficient_nps2: float
    torque_coefficient_nmps2: float
    motor_time_constant_s: float
    min_motor_speed_radps: float
    max_motor_speed_radps: float
    rotor_radius_m: float
    drag_linear_xy_nspm: float = 0.0
    drag_linear_z_nspm: float = 0.0
    drag_quadratic_xy_ns2pm2: float = 0.0
    drag_quadratic_z_ns2pm2: float = 0.0
    ground_effect: bool = False

    def __post_init__(self) -> None:
        owner = type(self).__name__
        require_finite_positive(
            owner,
            mass_kg=self.mass_kg,
            arm_length_m=self.arm_length_m,
            inertia_xx_kgm2=self.inertia_xx_kgm2,
            inertia_yy_kgm2=self.inertia_yy_kgm2,
            inertia_zz_kgm2=self.inertia_zz_kgm2,
            thrust_coefficient_nps2=self.thrust_coefficient_nps2,
            torque_coefficient_nmps2=self.torque_coefficient_nmps2,
            max_motor_speed_radps=self.max_motor_speed_radps,
            rotor_radius_m=self.rotor_radius_m,
        )
        require_non_negative(
            owner,
            motor_time_constant_s=self.motor_time_constant_s,
            min_motor_speed_radps=self.min_motor_speed_radps,
            drag_linear_xy_nspm=self.drag_linear_xy_nspm,
            drag_linear_z_nspm=self.drag_linear_z_nspm,
            drag_quadratic_xy_ns2pm2=self.drag_quadratic_xy_ns2pm2,
            drag_quadratic_z_ns2pm2=self.drag_quadratic_z_ns2pm2,
        )
        if self.min_motor_speed_radps >= self.max_motor_speed_radps:
            raise ValueError(
                f"{owner}.min_motor_speed_radps ({self.min_motor_speed_radps}) must be below "
                f"max_motor_speed_radps ({self.max_motor_speed_radps})"
            )
        if self.max_thrust_n <= self.weight_n:
            raise ValueError(
                f"{owner}: the rotors lift at most {self.max_thrust_n:.3f} N, "
                f"not more than the weight {self.weight_n:.3f} N"
            )

    @property
    def weight_n(self) -> float:
        """``m g``, N."""
        return self.mass_kg * GRAVITY_MPS2

    @property
    def max_thrust_n(self) -> float:
        """All four rotors at full speed, N (out of ground effect)."""
        return 4.0 * self.thrust_coefficient_nps2 * self.max_motor_speed_radps**2

    @property
    def thrust_to_weight(self) -> float:
        """Maximum thrust over weight."""
        return self.max_thrust_n / self.weight_n

    @property
    def hover_motor_speed_radps(self) -> float:
        """Rotor speed that holds the weight, ``sqrt(m g / (4 kf))``, rad/s."""
        return math.sqrt(self.weight_n / (4.0 * self.thrust_coefficient_nps2))

    @property
    def hover_shaft_power_w(self) -> float:
        """Shaft power in hover, ``4 km w_hover^3``, W."""
        return 4.0 * self.torque_coefficient_nmps2 * self.hover_motor_speed_radps**3


@dataclass(frozen=True)
class QuadrotorState:
    """State of one quadrotor (world ENU, body FLU).

    Attributes:
        x_m: Position east, m.
        y_m: Position north, m.
        heading_rad: Yaw of body x from east, counter-clockwise, rad (derived).
        speed_mps: Horizontal ground speed, m/s (derived).
        z_m: Height above the plane ``z = 0``, m.
        vx_mps: Velocity east, m/s.
        vy_mps: Velocity north, m/s.
        vz_mps: Velocity up, m/s.
        qw: Attitude quaternion, scalar part.
        qx: Attitude quaternion, x part.
        qy: Attitude quaternion, y part.
        qz: Attitude quaternion, z part.
        roll_rate_radps: Body rate ``p`` about body x, rad/s.
        pitch_rate_radps: Body rate ``q`` about body y, rad/s.
        yaw_rate_radps: Body rate ``r`` about body z, rad/s.
        motor0_radps: Speed of motor 0 (front-left), rad/s.
        motor1_radps: Speed of motor 1 (rear-left), rad/s.
        motor2_radps: Speed of motor 2 (rear-right), rad/s.
        motor3_radps: Speed of motor 3 (front-right), rad/s.
    """

    x_m: float
    y_m: float
    heading_rad: float = 0.0
    speed_mps: float = 0.0
    z_m: float = 0.0
    vx_mps: float = 0.0
    vy_mps: float = 0.0
    vz_mps: float = 0.0
    qw: float = 1.0
    qx: float = 0.0
    qy: float = 0.0
    qz: float = 0.0
    roll_rate_radps: float = 0.0
    pitch_rate_radps: float = 0.0
    yaw_rate_radps: float = 0.0
    motor0_radps: float = 0.0
    motor1_radps: float = 0.0
    motor2_radps: float = 0.0
    motor3_radps: float = 0.0


def param_table(params: Sequence[QuadrotorParams]) -> np.ndarray:
    """The parameters as the kernels' table, shape ``(n, PARAM_SIZE)``."""
    table = np.zeros((len(params), k.PARAM_SIZE))
    for row, p in enumerate(params):
        table[row, k.MASS] = p.mass_kg
        table[row, k.IXX] = p.inertia_xx_kgm2
        table[row, k.IYY] = p.inertia_yy_kgm2
        table[row, k.IZZ] = p.inertia_zz_kgm2
        table[row, k.KF] = p.thrust_coefficient_nps2
        table[row, k.KM] = p.torque_coefficient_nmps2
        table[row, k.TAU_MOTOR] = p.motor_time_constant_s
        table[row, k.MOTOR_MIN] = p.min_motor_speed_radps
        table[row, k.MOTOR_MAX] = p.max_motor_speed_radps
        table[row, k.ARM_XY] = p.arm_length_m / math.sqrt(2.0)
        table[row, k.ROTOR_RADIUS] = p.rotor_radius_m
        table[row, k.DRAG_LIN_XY] = p.drag_linear_xy_nspm
        table[row, k.DRAG_LIN_Z] = p.drag_linear_z_nspm
        table[row, k.DRAG_QUAD_XY] = p.drag_quadratic_xy_ns2pm2
        table[row, k.DRAG_QUAD_Z] = p.drag_quadratic_z_ns2pm2
        table[row, k.GROUND_EFFECT] = float(p.ground_effect)
    return k.fill_derived(table)


class Quadrotor(MotionModel):
    """Batched quadrotor rigid-body model driven by motor-speed commands.

    State columns: :attr:`STATE_FIELDS` (19; the first four are the shared
    pose columns, derived from the full state after every step). Control
    columns: the four motor-speed commands, rad/s.

    Args:
        params: One :class:`QuadrotorParams` per drone.
        downwash: Whether the wakes of drones above act on those below
            (``O(n^2)`` per step).
    """

    NAME = "quadrotor"
    STATE_TYPE = QuadrotorState
    STATE_FIELDS = tuple(QuadrotorState.__dataclass_fields__)
    CONTROL_FIELDS = (
        "motor0_cmd_radps",
        "motor1_cmd_radps",
        "motor2_cmd_radps",
        "motor3_cmd_radps",
    )

    def __init__(self, params: Sequence[QuadrotorParams], *, downwash: bool = False) -> None:
        self.params = require_params(type(self).__name__, params, QuadrotorParams)
        self.table = param_table(self.params)
        self.downwash = downwash
        #: Shaft power of each drone over the last step, W.
        self.shaft_power_w = np.zeros(len(self.params))
        self._calm = np.zeros((len(self.params), 3))

    @classmethod
    def from_params(cls, params: Sequence[QuadrotorParams], *, downwash: bool = False) -> Quadrotor:
        """Build the model from presets (``drone_preset(name).airframe``), one per drone."""
        return cls(params, downwash=downwash)

    @property
    def size(self) -> int:
        """Number of drones this instance steps."""
        return len(self.params)

    def hover_state(
        self, positions: np.ndarray, heading_rad: np.ndarray | float = 0.0
    ) -> np.ndarray:
        """Batched state hovering at ``positions`` ``(n, 3)``, motors at hover speed."""
        positions = np.asarray(positions, dtype=np.float64).reshape(self.size, 3)
        state = np.zeros((self.size, k.STATE_SIZE))
        state[:, [k.X, k.Y, k.Z]] = positions
        half = 0.5 * np.broadcast_to(np.asarray(heading_rad, dtype=np.float64), (self.size,))
        state[:, k.QW] = np.cos(half)
        state[:, k.QZ] = np.sin(half)
        state[:, k.HEADING] = 2.0 * half
        hover = [p.hover_motor_speed_radps for p in self.params]
        state[:, k.MOTOR : k.MOTOR + 4] = np.asarray(hover)[:, None]
        return state

    def step(
        self, state: np.ndarray, control: np.ndarray, dt: float, wind: np.ndarray | None = None
    ) -> np.ndarray:
        """Advance ``state`` in place by ``dt`` seconds and return it.

        Args:
            state: Shape ``(n, 19)``, columns :attr:`STATE_FIELDS`.
            control: Motor-speed commands, rad/s, shape ``(n, 4)``.
            dt: Step length, s.
            wind: World-frame wind velocity ``(n, 3)``, m/s (default calm).
        """
        self.check_step_args(state, control, dt)
        wind = self._calm if wind is None else np.ascontiguousarray(wind, dtype=np.float64)
        if wind.shape != (self.size, 3):
            raise ValueError(f"Quadrotor: wind must have shape ({self.size}, 3), got {wind.shape}")
        control = np.ascontiguousarray(control, dtype=np.float64)
        k.step_batch(state, self.table, control, wind, self.downwash, dt, self.shaft_power_w)
        return state

    def velocity(self, state: np.ndarray) -> np.ndarray:
        """Horizontal world-frame velocity ``(n, 2)``, m/s."""
        return state[:, k.VX : k.VY + 1].copy()

    def velocity_3d(self, state: np.ndarray) -> np.ndarray:
        """World-frame velocity ``(n, 3)``, m/s."""
        return state[:, k.VX : k.VZ + 1].copy()

    def yaw_rate(self, state: np.ndarray) -> np.ndarray:
        """Rate of change of the heading, ``(q sin(roll) + r cos(roll)) / cos(pitch)``, rad/s."""
        roll, pitch, _ = euler_angles(state)
        return (state[:, k.Q] * np.sin(roll) + state[:, k.R] * np.cos(roll)) / np.cos(pitch)


def euler_angles(state: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Roll, pitch and yaw (intrinsic z-y'-x'') of each drone, rad.

    Pitch here is the FLU body pitch (positive nose-down), ``asin(-R[2, 0])``.
    """
    qw, qx, qy, qz = (state[:, c] for c in (k.QW, k.QX, k.QY, k.QZ))
    roll = np.arctan2(2.0 * (qw * qx + qy * qz), 1.0 - 2.0 * (qx * qx + qy * qy))
    pitch = np.arcsin(np.clip(2.0 * (qw * qy - qz * qx), -1.0, 1.0))
    yaw = np.arctan2(2.0 * (qw * qz + qx * qy), 1.0 - 2.0 * (qy * qy + qz * qz))
    return roll, pitch, yaw
