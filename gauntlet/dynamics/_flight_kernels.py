"""Compiled cascaded flight controller and the fused controller + physics step.

One drone at a time: position -> velocity (:func:`outer_step`, giving the
attitude setpoint: desired quaternion and thrust vector), then attitude ->
body rate -> mixer (:func:`inner_step`), then :func:`rigid_body_step`. The column constants index
the controller's gain table, the setpoint table and the integrator table;
:mod:`gauntlet.dynamics.flight_control` documents the controller.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from gauntlet.dynamics import _quadrotor_kernels as qk
from gauntlet.dynamics.tyres import GRAVITY_MPS2

# Gain-table columns.
K_POS, K_VEL, KI_VEL, I_VEL_MAX = 0, 1, 2, 3
K_ATT, K_YAW, K_RATE, K_YAW_RATE, KI_RATE, I_RATE_MAX = 4, 5, 6, 7, 8, 9
MAX_TILT, MAX_RATE, MAX_YAW_RATE = 10, 11, 12
MAX_SPEED_XY, MAX_CLIMB, MAX_DESCENT, THRUST_SHARE = 13, 14, 15, 16
GAIN_SIZE = 17

# Setpoint-table columns.
SP_X, SP_Y, SP_Z, SP_VX, SP_VY, SP_VZ, SP_YAW, SP_MODE = 0, 1, 2, 3, 4, 5, 6, 7
SETPOINT_SIZE = 8
MODE_VELOCITY, MODE_POSITION = 0.0, 1.0

# Integrator columns: velocity loop (m/s^2), then rate loop (rad/s^2).
INTEGRATOR_SIZE = 6
# Attitude setpoint columns: desired quaternion (w, x, y, z), thrust vector (N, world).
ATTITUDE_SIZE = 7


@njit(cache=True, error_model="numpy")
def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


@njit(cache=True, error_model="numpy")
def desired_quaternion(
    fx: float, fy: float, fz: float, yaw: float
) -> tuple[float, float, float, float]:
    """Attitude whose body z points along ``f`` and whose heading is ``yaw``."""
    norm = math.sqrt(fx * fx + fy * fy + fz * fz)
    b3x, b3y, b3z = fx / norm, fy / norm, fz / norm
    cx, cy = math.cos(yaw), math.sin(yaw)
    # b2 = b3 x (cos yaw, sin yaw, 0), normalised; b1 = b2 x b3.
    b2x, b2y, b2z = -b3z * cy, b3z * cx, b3x * cy - b3y * cx
    n2 = math.sqrt(b2x * b2x + b2y * b2y + b2z * b2z)
    b2x, b2y, b2z = b2x / n2, b2y / n2, b2z / n2
    b1x = b2y * b3z - b2z * b3y
    b1y = b2z * b3x - b2x * b3z
    b1z = b2x * b3y - b2y * b3x
    # Shepperd's method on R = [b1 b2 b3].
    trace = b1x + b2y + b3z
    if trace > 0.0:
        s = 2.0 * math.sqrt(trace + 1.0)
        return 0.25 * s, (b2z - b3y) / s, (b3x - b1z) / s, (b1y - b2x) / s
    if b1x > b2y and b1x > b3z:
        s = 2.0 * math.sqrt(1.0 + b1x - b2y - b3z)
        return (b2z - b3y) / s, 0.25 * s, (b2x + b1y) / s, (b3x + b1z) / s
    if b2y > b3z:
        s = 2.0 * math.sqrt(1.0 + b2y - b1x - b3z)
        return (b3x - b1z) / s, (b2x + b1y) / s, 0.25 * s, (b3y + b2z) / s
    s = 2.0 * math.sqrt(1.0 + b3z - b1x - b2y)
    return (b1y - b2x) / s, (b3x + b1z) / s, (b3y + b2z) / s, 0.25 * s


@njit(cache=True, error_model="numpy")
def mix(p: np.ndarray, thrust: float, tx: float, ty: float, tz: float, out: np.ndarray) -> None:
    """Motor-speed commands for a collective thrust and body torques, with priorities.

    Roll and pitch come first (scaled down only if their spread alone exceeds
    the rotor range), then the collective is shifted into range, then as much
    yaw as still fits; each rotor thrust is finally clipped to its range.
    """
    kf = p[qk.KF]
    fmin = kf * p[qk.MOTOR_MIN] * p[qk.MOTOR_MIN]
    fmax = kf * p[qk.MOTOR_MAX] * p[qk.MOTOR_MAX]
    d4 = 4.0 * p[qk.ARM_XY]
    c4 = 4.0 * p[qk.KM] / kf
    # Roll and pitch share of each rotor: (y tau_x - x tau_y) / (4 d), times rp_scale.
    lo, hi = np.inf, -np.inf
    for m in range(4):
        rp = (qk.MOTOR_Y[m] * tx - qk.MOTOR_X[m] * ty) / d4
        lo = min(lo, rp)
        hi = max(hi, rp)
    rp_scale = 1.0
    if hi - lo > fmax - fmin:
        rp_scale = (fmax - fmin) / (hi - lo)
        lo *= rp_scale
        hi *= rp_scale
    base = _clamp(0.25 * thrust, fmin - lo, fmax - hi)
    share = 1.0
    for m in range(4):
        yaw = -qk.MOTOR_SPIN[m] * tz / c4
        f = base + rp_scale * (qk.MOTOR_Y[m] * tx - qk.MOTOR_X[m] * ty) / d4
        if yaw > 0.0 and f + yaw > fmax:
            share = min(share, max(fmax - f, 0.0) / yaw)
        elif yaw < 0.0 and f + yaw < fmin:
            share = min(share, max(f - fmin, 0.0) / -yaw)
    for m in range(4):
        f = base + rp_scale * (qk.MOTOR_Y[m] * tx - qk.MOTOR_X[m] * ty) / d4
        f -= share * qk.MOTOR_SPIN[m] * tz / c4
        f = _clamp(f, fmin, fmax)
        out[m] = math.sqrt(f / kf)


@njit(cache=True, error_model="numpy")
def outer_step(
    s: np.ndarray, p: np.ndarray, g: np.ndarray, sp: np.ndarray, integ: np.ndarray,
    dt: float, att: np.ndarray,
) -> None:  # fmt: skip
    """Position and velocity loops: the attitude setpoint ``att`` = (q_d, f) of one drone."""
    # Position -> velocity command.
    if sp[SP_MODE] == MODE_POSITION:
        vcx = g[K_POS] * (sp[SP_X] - s[qk.X]) + sp[SP_VX]
        vcy = g[K_POS] * (sp[SP_Y] - s[qk.Y]) + sp[SP_VY]
        vcz = g[K_POS] * (sp[SP_Z] - s[qk.Z]) + sp[SP_VZ]
    else:
        vcx, vcy, vcz = sp[SP_VX], sp[SP_VY], sp[SP_VZ]
    horizontal = math.sqrt(vcx * vcx + vcy * vcy)
    if horizontal > g[MAX_SPEED_XY]:
        shrink = g[MAX_SPEED_XY] / horizontal
        vcx *= shrink
        vcy *= shrink
    vcz = _clamp(vcz, -g[MAX_DESCENT], g[MAX_CLIMB])
    # Velocity PI -> thrust vector.
    ex, ey, ez = vcx - s[qk.VX], vcy - s[qk.VY], vcz - s[qk.VZ]
    m = p[qk.MASS]
    fx = m * (g[K_VEL] * ex + integ[0])
    fy = m * (g[K_VEL] * ey + integ[1])
    fz = m * (g[K_VEL] * ez + integ[2] + GRAVITY_MPS2)
    max_thrust = g[THRUST_SHARE] * 4.0 * p[qk.KF] * p[qk.MOTOR_MAX] * p[qk.MOTOR_MAX]
    fz_limited = _clamp(fz, 0.1 * m * GRAVITY_MPS2, max_thrust)
    max_h = min(fz_limited * math.tan(g[MAX_TILT]), math.sqrt(max_thrust**2 - fz_limited**2))
    fh = math.sqrt(fx * fx + fy * fy)
    h_saturated = fh > max_h
    if h_saturated:
        fx *= max_h / fh
        fy *= max_h / fh
    # Anti-windup: integrate only the axes whose output is not saturated.
    limit = g[I_VEL_MAX]
    if not h_saturated:
        integ[0] = _clamp(integ[0] + g[KI_VEL] * ex * dt, -limit, limit)
        integ[1] = _clamp(integ[1] + g[KI_VEL] * ey * dt, -limit, limit)
    if fz == fz_limited:
        integ[2] = _clamp(integ[2] + g[KI_VEL] * ez * dt, -limit, limit)
    att[0], att[1], att[2], att[3] = desired_quaternion(fx, fy, fz_limited, sp[SP_YAW])
    att[4], att[5], att[6] = fx, fy, fz_limited


@njit(cache=True, error_model="numpy")
def inner_step(
    s: np.ndarray, p: np.ndarray, g: np.ndarray, att: np.ndarray, integ: np.ndarray,
    dt: float, out: np.ndarray,
) -> None:  # fmt: skip
    """Attitude and body-rate loops and the mixer: four motor-speed commands into ``out``."""
    dw, dx, dy, dz = att[0], att[1], att[2], att[3]
    qw, qx, qy, qz = s[qk.QW], s[qk.QX], s[qk.QY], s[qk.QZ]
    # Collective: the thrust vector projected on the current body z.
    bz_x = 2.0 * (qx * qz + qw * qy)
    bz_y = 2.0 * (qy * qz - qw * qx)
    bz_z = 1.0 - 2.0 * (qx * qx + qy * qy)
    thrust = max(att[4] * bz_x + att[5] * bz_y + att[6] * bz_z, 0.0)
    # Error quaternion conj(q) * q_d, on the short way round.
    ew = qw * dw + qx * dx + qy * dy + qz * dz
    exq = qw * dx - qx * dw - qy * dz + qz * dy
    eyq = qw * dy + qx * dz - qy * dw - qz * dx
    ezq = qw * dz - qx * dy + qy * dx - qz * dw
    if ew < 0.0:
        exq, eyq, ezq = -exq, -eyq, -ezq
    rate_p = _clamp(2.0 * g[K_ATT] * exq, -g[MAX_RATE], g[MAX_RATE])
    rate_q = _clamp(2.0 * g[K_ATT] * eyq, -g[MAX_RATE], g[MAX_RATE])
    rate_r = _clamp(2.0 * g[K_YAW] * ezq, -g[MAX_YAW_RATE], g[MAX_YAW_RATE])
    # Body-rate PI -> torques, with the gyroscopic term cancelled.
    wp, wq, wr = s[qk.P], s[qk.Q], s[qk.R]
    ep, eq, er = rate_p - wp, rate_q - wq, rate_r - wr
    alpha_p = g[K_RATE] * ep + integ[3]
    alpha_q = g[K_RATE] * eq + integ[4]
    alpha_r = g[K_YAW_RATE] * er + integ[5]
    limit = g[I_RATE_MAX]
    integ[3] = _clamp(integ[3] + g[KI_RATE] * ep * dt, -limit, limit)
    integ[4] = _clamp(integ[4] + g[KI_RATE] * eq * dt, -limit, limit)
    integ[5] = _clamp(integ[5] + g[KI_RATE] * er * dt, -limit, limit)
    ixx, iyy, izz = p[qk.IXX], p[qk.IYY], p[qk.IZZ]
    tx = ixx * alpha_p + (izz - iyy) * wq * wr
    ty = iyy * alpha_q + (ixx - izz) * wr * wp
    tz = izz * alpha_r + (iyy - ixx) * wp * wq
    mix(p, thrust, tx, ty, tz, out)


@njit(cache=True, error_model="numpy")
def fleet_steps(
    state: np.ndarray, params: np.ndarray, gains: np.ndarray, setpoints: np.ndarray,
    integ: np.ndarray, attitude: np.ndarray, wind: np.ndarray, downwash: bool, dt: float,
    substeps: int, energy_out: np.ndarray, commands: np.ndarray,
) -> None:  # fmt: skip
    """One world step of ``substeps`` physics steps of ``dt`` for every drone.

    The position and velocity loops run once, at the start (their integrators
    advance by ``substeps * dt``); the attitude and rate loops and the rigid
    body run at every substep. Wind ``(n, 3)`` and setpoints are held;
    ``energy_out`` receives each drone's shaft energy over the step, J, and
    ``commands`` the last motor commands.
    """
    n = state.shape[0]
    extra = np.zeros(n)
    for i in range(n):
        energy_out[i] = 0.0
        outer_step(
            state[i], params[i], gains[i], setpoints[i], integ[i], dt * substeps, attitude[i]
        )
    for _ in range(substeps):
        if downwash:
            qk.downwash_speeds(state, params, extra)
        for i in range(n):
            s = state[i]
            inner_step(s, params[i], gains[i], attitude[i], integ[i], dt, commands[i])
            power = qk.rigid_body_step(
                s, params[i], commands[i], wind[i, 0], wind[i, 1], wind[i, 2], extra[i], dt
            )
            energy_out[i] += power * dt
    for i in range(n):
        qk.derive_pose(state[i])


@njit(cache=True, error_model="numpy")
def control_batch(
    state: np.ndarray, params: np.ndarray, gains: np.ndarray, setpoints: np.ndarray,
    integ: np.ndarray, attitude: np.ndarray, dt: float, commands: np.ndarray,
) -> None:  # fmt: skip
    """One update of all loops of every drone; motor commands into ``commands`` ``(n, 4)``."""
    for i in range(state.shape[0]):
        outer_step(state[i], params[i], gains[i], setpoints[i], integ[i], dt, attitude[i])
        inner_step(state[i], params[i], gains[i], attitude[i], integ[i], dt, commands[i])
