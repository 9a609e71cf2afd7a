"""Compiled rigid-body step of the quadrotor model, one drone at a time.

The batched state and the parameter table are 2-D float64 arrays whose column
indices are the constants below; :mod:`gauntlet.dynamics.quadrotor` documents
the model. These functions are the only implementation of the physics: the
plain motion-model step and the fused controller + physics step of a fleet
both call :func:`rigid_body_step`. Compiled code is cached on disk.

Frames: world ENU (x east, y north, z up), body FLU (x forward, y left, z up);
the quaternion ``(qw, qx, qy, qz)`` rotates body vectors into the world.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from gauntlet.dynamics.tyres import GRAVITY_MPS2

#: Density of air at sea level, ISA, kg/m^3.
AIR_DENSITY_KGPM3 = 1.225

# State columns.
X, Y, HEADING, SPEED, Z = 0, 1, 2, 3, 4
VX, VY, VZ = 5, 6, 7
QW, QX, QY, QZ = 8, 9, 10, 11
P, Q, R = 12, 13, 14
MOTOR = 15  # motor speeds occupy MOTOR .. MOTOR + 3
STATE_SIZE = 19

# Parameter-table columns.
MASS, IXX, IYY, IZZ = 0, 1, 2, 3
KF, KM, TAU_MOTOR, MOTOR_MIN, MOTOR_MAX = 4, 5, 6, 7, 8
ARM_XY, ROTOR_RADIUS = 9, 10
DRAG_LIN_XY, DRAG_LIN_Z, DRAG_QUAD_XY, DRAG_QUAD_Z = 11, 12, 13, 14
GROUND_EFFECT = 15
# Derived columns (functions of the ones above, precomputed so the hot loops
# multiply instead of divide): 1/m, 1/Ixx, 1/Iyy, 1/Izz, 1/kf, the thrust range
# of one rotor (kf w_min^2, kf w_max^2), 1/(4 d) and kf/(4 km).
INV_MASS, INV_IXX, INV_IYY, INV_IZZ, INV_KF = 16, 17, 18, 19, 20
ROTOR_THRUST_MIN, ROTOR_THRUST_MAX, INV_ARM4, YAW_SHARE = 21, 22, 23, 24
PARAM_SIZE = 25

#: Body x and y of motors 0..3 in units of ``arm / sqrt(2)``, and their spin
#: (+1: counter-clockwise seen from above). Diagonal motors spin alike.
MOTOR_X = np.array([1.0, -1.0, -1.0, 1.0])
MOTOR_Y = np.array([1.0, 1.0, -1.0, -1.0])
MOTOR_SPIN = np.array([-1.0, 1.0, -1.0, 1.0])

#: Ground effect is evaluated no closer than this many rotor radii (ratio 4/3).
GROUND_EFFECT_MIN_HEIGHT_RADII = 0.5

#: Below this squared half rotation angle (|w| dt / 2 < 0.0316) the attitude
#: update uses the series of cos and sin(x)/x to the x^6 term; the first term
#: left out is below 2.5e-17, under half an ulp of 1.
SERIES_MAX_HALF_ANGLE_SQ = 1e-3


def fill_derived(table: np.ndarray) -> np.ndarray:
    """Fill the derived columns of a parameter table from its base columns, in place."""
    table[:, INV_MASS] = 1.0 / table[:, MASS]
    table[:, INV_IXX] = 1.0 / table[:, IXX]
    table[:, INV_IYY] = 1.0 / table[:, IYY]
    table[:, INV_IZZ] = 1.0 / table[:, IZZ]
    table[:, INV_KF] = 1.0 / table[:, KF]
    table[:, ROTOR_THRUST_MIN] = table[:, KF] * table[:, MOTOR_MIN] ** 2
    table[:, ROTOR_THRUST_MAX] = table[:, KF] * table[:, MOTOR_MAX] ** 2
    table[:, INV_ARM4] = 1.0 / (4.0 * table[:, ARM_XY])
    table[:, YAW_SHARE] = table[:, KF] / (4.0 * table[:, KM])
    return table


@njit(cache=True, error_model="numpy", inline="always")
def motor_lag(tau: float, dt: float) -> tuple[float, float]:
    """Exact first-order lag over ``dt``: the share of the gap closed, ``1 - e^(-dt/tau)``,
    and the weight ``tau / dt (1 - e^(-dt/tau))`` of the start speed in the mean speed."""
    if tau > 0.0:
        lag = 1.0 - math.exp(-dt / tau)
        return lag, tau / dt * lag
    return 1.0, 0.0


@njit(cache=True, error_model="numpy", inline="always")
def ground_effect_ratio(height_m: float, rotor_radius_m: float) -> float:
    """Cheeseman-Bennett thrust ratio ``T_IGE / T_OGE = 1 / (1 - (R / 4z)^2)``."""
    z = max(height_m, GROUND_EFFECT_MIN_HEIGHT_RADII * rotor_radius_m)
    ratio = rotor_radius_m / (4.0 * z)
    return 1.0 / (1.0 - ratio * ratio)


@njit(cache=True, error_model="numpy", inline="always")
def hover_induced_velocity(thrust_n: float, rotor_radius_m: float) -> float:
    """Momentum-theory induced velocity ``sqrt(T / (2 rho A))`` of four rotors, m/s."""
    area = 4.0 * math.pi * rotor_radius_m * rotor_radius_m
    return math.sqrt(max(thrust_n, 0.0) / (2.0 * AIR_DENSITY_KGPM3 * area))


@njit(cache=True, error_model="numpy")
def downwash_speeds(state: np.ndarray, params: np.ndarray, out: np.ndarray) -> None:
    """Downward air speed, m/s, that each drone meets in the wakes of those above it.

    Each wake is a round jet: far-wake speed ``2 v_h`` at the contracted radius
    ``b0 = sqrt(2) R`` (equivalent disc of the four rotors), widening as
    ``b = b0 + 0.1 dz`` with the centre-line speed ``2 v_h b0 / b`` and a
    Gaussian profile ``exp(-(r / b)^2)``. ``v_h`` is the hover induced velocity
    of the upper drone at its current thrust. Contributions add.
    """
    n = state.shape[0]
    for j in range(n):
        out[j] = 0.0
    for i in range(n):
        kf = params[i, KF]
        thrust = 0.0
        for m in range(4):
            w = state[i, MOTOR + m]
            thrust += kf * w * w
        radius = params[i, ROTOR_RADIUS]
        speed = 2.0 * hover_induced_velocity(thrust, radius)
        b0 = math.sqrt(2.0) * radius
        for j in range(n):
            dz = state[i, Z] - state[j, Z]
            if j == i or dz <= 0.0:
                continue
            b = b0 + 0.1 * dz
            dx = state[i, X] - state[j, X]
            dy = state[i, Y] - state[j, Y]
            r2 = (dx * dx + dy * dy) / (b * b)
            if r2 < 25.0:
                out[j] += speed * b0 / b * math.exp(-r2)


@njit(cache=True, error_model="numpy", inline="always")
def rotation_matrix(
    qw: float, qx: float, qy: float, qz: float
) -> tuple[float, float, float, float, float, float, float, float, float]:
    """Body-to-world rotation matrix of a unit quaternion, row by row.

    Returns:
        ``(r00, r01, r02, r10, r11, r12, r20, r21, r22)``; column ``k`` is body axis ``k``
        in the world.
    """
    return (
        1.0 - 2.0 * (qy * qy + qz * qz),
        2.0 * (qx * qy - qw * qz),
        2.0 * (qx * qz + qw * qy),
        2.0 * (qx * qy + qw * qz),
        1.0 - 2.0 * (qx * qx + qz * qz),
        2.0 * (qy * qz - qw * qx),
        2.0 * (qx * qz - qw * qy),
        2.0 * (qy * qz + qw * qx),
        1.0 - 2.0 * (qx * qx + qy * qy),
    )


@njit(cache=True, error_model="numpy", inline="always")
def rigid_body_step(
    s: np.ndarray,
    p: np.ndarray,
    cmd: np.ndarray,
    wind_x: float,
    wind_y: float,
    wind_z: float,
    downwash_mps: float,
    dt: float,
    lag: float,
    mean_share: float,
) -> float:
    """Advance one drone's state row ``s`` by ``dt`` in place; returns the shaft power, W.

    Args:
        s: The drone's state row (``STATE_SIZE``).
        p: The drone's parameter row (``PARAM_SIZE``).
        cmd: Four motor-speed commands, rad/s (clipped to the motor range).
        wind_x: Wind velocity, world east, m/s.
        wind_y: Wind velocity, world north, m/s.
        wind_z: Wind velocity, world up, m/s.
        downwash_mps: Downward air speed from drones above, m/s (0: none).
        dt: Step length, s.
        lag: ``1 - e^(-dt/tau_m)`` (:func:`motor_lag`).
        mean_share: Weight of the start speed in the mean rotor speed (:func:`motor_lag`).

    The shaft power is ``sum(km w^3)`` over the four rotors at their mean speed
    over the step. The pose columns are left to :func:`derive_pose`.
    """
    kf = p[KF]
    km = p[KM]
    thrust = 0.0
    roll_sum = 0.0
    pitch_sum = 0.0
    yaw_torque = 0.0
    power = 0.0
    for m in range(4):
        c = min(max(cmd[m], p[MOTOR_MIN]), p[MOTOR_MAX])
        w0 = s[MOTOR + m]
        mean = c + (w0 - c) * mean_share
        s[MOTOR + m] = w0 + (c - w0) * lag
        f = kf * mean * mean
        thrust += f
        roll_sum += MOTOR_Y[m] * f
        pitch_sum -= MOTOR_X[m] * f
        yaw_torque -= MOTOR_SPIN[m] * km * mean * mean
        power += km * mean * mean * mean
    # Thrust along body z at (x, y) gives the moment (y T, -x T, 0).
    tx = p[ARM_XY] * roll_sum
    ty = p[ARM_XY] * pitch_sum
    if p[GROUND_EFFECT] > 0.0:
        thrust *= ground_effect_ratio(s[Z], p[ROTOR_RADIUS])
    if downwash_mps > 0.0:
        # Inflow from above at fixed rotor speed lowers the thrust (assumed smooth loss).
        v_h = hover_induced_velocity(thrust, p[ROTOR_RADIUS])
        thrust /= 1.0 + downwash_mps / (2.0 * v_h + 1e-9)
    qw, qx, qy, qz = s[QW], s[QX], s[QY], s[QZ]
    r00, r01, r02, r10, r11, r12, r20, r21, r22 = rotation_matrix(qw, qx, qy, qz)
    ax_w = s[VX] - wind_x
    ay_w = s[VY] - wind_y
    az_w = s[VZ] - wind_z + downwash_mps
    # Air-relative velocity in the body frame (R^T v).
    bx = r00 * ax_w + r10 * ay_w + r20 * az_w
    by = r01 * ax_w + r11 * ay_w + r21 * az_w
    bz = r02 * ax_w + r12 * ay_w + r22 * az_w
    fx = -(p[DRAG_LIN_XY] + p[DRAG_QUAD_XY] * abs(bx)) * bx
    fy = -(p[DRAG_LIN_XY] + p[DRAG_QUAD_XY] * abs(by)) * by
    fz = thrust - (p[DRAG_LIN_Z] + p[DRAG_QUAD_Z] * abs(bz)) * bz
    inv_m = p[INV_MASS]
    acc_x = (r00 * fx + r01 * fy + r02 * fz) * inv_m
    acc_y = (r10 * fx + r11 * fy + r12 * fz) * inv_m
    acc_z = (r20 * fx + r21 * fy + r22 * fz) * inv_m - GRAVITY_MPS2
    half_dt2 = 0.5 * dt * dt
    s[X] += s[VX] * dt + acc_x * half_dt2
    s[Y] += s[VY] * dt + acc_y * half_dt2
    s[Z] += s[VZ] * dt + acc_z * half_dt2
    s[VX] += acc_x * dt
    s[VY] += acc_y * dt
    s[VZ] += acc_z * dt
    # Euler's equations, I dw/dt = tau - w x I w, with a diagonal inertia.
    ixx, iyy, izz = p[IXX], p[IYY], p[IZZ]
    w_p, w_q, w_r = s[P], s[Q], s[R]
    new_p = w_p + dt * (tx - (izz - iyy) * w_q * w_r) * p[INV_IXX]
    new_q = w_q + dt * (ty - (ixx - izz) * w_r * w_p) * p[INV_IYY]
    new_r = w_r + dt * (yaw_torque - (iyy - ixx) * w_p * w_q) * p[INV_IZZ]
    # Rotate the attitude by the mean body rate over the step (exponential map).
    hx = 0.25 * dt * (w_p + new_p)
    hy = 0.25 * dt * (w_q + new_q)
    hz = 0.25 * dt * (w_r + new_r)
    h2 = hx * hx + hy * hy + hz * hz
    if h2 < SERIES_MAX_HALF_ANGLE_SQ:
        cw = 1.0 - h2 * (0.5 - h2 * (1.0 / 24.0 - h2 * (1.0 / 720.0)))
        sinc = 1.0 - h2 * (1.0 / 6.0 - h2 * (1.0 / 120.0 - h2 * (1.0 / 5040.0)))
    else:
        half = math.sqrt(h2)
        cw = math.cos(half)
        sinc = math.sin(half) / half
    dx, dy, dz = hx * sinc, hy * sinc, hz * sinc
    nw = qw * cw - qx * dx - qy * dy - qz * dz
    nx = qw * dx + qx * cw + qy * dz - qz * dy
    ny = qw * dy - qx * dz + qy * cw + qz * dx
    nz = qw * dz + qx * dy - qy * dx + qz * cw
    n2 = nw * nw + nx * nx + ny * ny + nz * nz
    # Near 1, one Newton step of 1/sqrt(n2) from 1: its error 3/8 (n2 - 1)^2 is below an ulp.
    norm = 1.5 - 0.5 * n2 if abs(n2 - 1.0) < 1e-8 else 1.0 / math.sqrt(n2)
    s[QW], s[QX], s[QY], s[QZ] = nw * norm, nx * norm, ny * norm, nz * norm
    s[P], s[Q], s[R] = new_p, new_q, new_r
    return power


@njit(cache=True, error_model="numpy", inline="always")
def derive_pose(s: np.ndarray) -> None:
    """Write the shared pose columns (heading from the quaternion, horizontal speed)."""
    s[HEADING] = math.atan2(
        2.0 * (s[QW] * s[QZ] + s[QX] * s[QY]), 1.0 - 2.0 * (s[QY] * s[QY] + s[QZ] * s[QZ])
    )
    s[SPEED] = math.sqrt(s[VX] * s[VX] + s[VY] * s[VY])


@njit(cache=True, error_model="numpy")
def step_batch(
    state: np.ndarray,
    params: np.ndarray,
    commands: np.ndarray,
    wind: np.ndarray,
    downwash: bool,
    dt: float,
    power_out: np.ndarray,
) -> None:
    """One physics step of every drone under held motor commands ``(n, 4)`` and wind ``(n, 3)``."""
    n = state.shape[0]
    extra = np.zeros(n)
    if downwash:
        downwash_speeds(state, params, extra)
    for i in range(n):
        p = params[i]
        lag, mean_share = motor_lag(p[TAU_MOTOR], dt)
        power_out[i] = rigid_body_step(
            state[i], p, commands[i], wind[i, 0], wind[i, 1], wind[i, 2], extra[i], dt,
            lag, mean_share,
        )  # fmt: skip
        derive_pose(state[i])
