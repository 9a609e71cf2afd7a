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

# Gain-table columns; the last is derived (tan of the tilt limit).
K_POS, K_VEL, KI_VEL, I_VEL_MAX = 0, 1, 2, 3
K_ATT, K_YAW, K_RATE, K_YAW_RATE, KI_RATE, I_RATE_MAX = 4, 5, 6, 7, 8, 9
MAX_TILT, MAX_RATE, MAX_YAW_RATE = 10, 11, 12
MAX_SPEED_XY, MAX_CLIMB, MAX_DESCENT, THRUST_SHARE = 13, 14, 15, 16
TAN_MAX_TILT = 17
GAIN_SIZE = 18

# Setpoint-table columns.
SP_X, SP_Y, SP_Z, SP_VX, SP_VY, SP_VZ, SP_YAW, SP_MODE = 0, 1, 2, 3, 4, 5, 6, 7
SETPOINT_SIZE = 8
MODE_VELOCITY, MODE_POSITION = 0.0, 1.0

# Integrator columns: velocity loop (m/s^2), then rate loop (rad/s^2), then the velocity
# reference model (m/s; NaN until the first update, which starts it at the drone's velocity).
REF_VX = 6
INTEGRATOR_SIZE = 9
# Attitude setpoint columns: desired quaternion (w, x, y, z), thrust vector (N,
# world); then the heading whose cosine and sine follow (a cache: the heading
# setpoint rarely changes, NaN until the first update).
ATT_YAW, ATT_COS_YAW, ATT_SIN_YAW = 7, 8, 9
ATTITUDE_SIZE = 10


@njit(cache=True, error_model="numpy", inline="always")
def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


@njit(cache=True, error_model="numpy", inline="always")
def desired_quaternion(
    fx: float, fy: float, fz: float, cos_yaw: float, sin_yaw: float
) -> tuple[float, float, float, float]:
    """Attitude whose body z points along ``f`` and whose heading has this cosine and sine."""
    inv = 1.0 / math.sqrt(fx * fx + fy * fy + fz * fz)
    b3x, b3y, b3z = fx * inv, fy * inv, fz * inv
    cx, cy = cos_yaw, sin_yaw
    # b2 = b3 x (cos yaw, sin yaw, 0), normalised; b1 = b2 x b3.
    b2x, b2y, b2z = -b3z * cy, b3z * cx, b3x * cy - b3y * cx
    inv = 1.0 / math.sqrt(b2x * b2x + b2y * b2y + b2z * b2z)
    b2x, b2y, b2z = b2x * inv, b2y * inv, b2z * inv
    b1x = b2y * b3z - b2z * b3y
    b1y = b2z * b3x - b2x * b3z
    b1z = b2x * b3y - b2y * b3x
    # Shepperd's method on R = [b1 b2 b3].
    trace = b1x + b2y + b3z
    if trace > 0.0:
        s = 2.0 * math.sqrt(trace + 1.0)
        r = 1.0 / s
        return 0.25 * s, (b2z - b3y) * r, (b3x - b1z) * r, (b1y - b2x) * r
    if b1x > b2y and b1x > b3z:
        s = 2.0 * math.sqrt(1.0 + b1x - b2y - b3z)
        r = 1.0 / s
        return (b2z - b3y) * r, 0.25 * s, (b2x + b1y) * r, (b3x + b1z) * r
    if b2y > b3z:
        s = 2.0 * math.sqrt(1.0 + b2y - b1x - b3z)
        r = 1.0 / s
        return (b3x - b1z) * r, (b2x + b1y) * r, 0.25 * s, (b3y + b2z) * r
    s = 2.0 * math.sqrt(1.0 + b3z - b1x - b2y)
    r = 1.0 / s
    return (b1y - b2x) * r, (b3x + b1z) * r, (b3y + b2z) * r, 0.25 * s


@njit(cache=True, error_model="numpy", inline="always")
def mix(p: np.ndarray, thrust: float, tx: float, ty: float, tz: float, out: np.ndarray) -> None:
    """Motor-speed commands for a collective thrust and body torques, with priorities.

    Roll and pitch come first (scaled down only if their spread alone exceeds
    the rotor range), then the collective is shifted into range, then as much
    yaw as still fits; each rotor thrust is finally clipped to its range.
    """
    fmin = p[qk.ROTOR_THRUST_MIN]
    fmax = p[qk.ROTOR_THRUST_MAX]
    # Roll and pitch share of each rotor, (y tau_x - x tau_y) / (4 d): with the
    # rotors at (+-d, +-d) it is (+-tau_x +- tau_y) / (4 d).
    a = tx * p[qk.INV_ARM4]
    b = ty * p[qk.INV_ARM4]
    rp0, rp1, rp2, rp3 = a - b, a + b, b - a, -a - b
    lo = min(min(rp0, rp1), min(rp2, rp3))
    hi = max(max(rp0, rp1), max(rp2, rp3))
    if hi - lo > fmax - fmin:
        rp_scale = (fmax - fmin) / (hi - lo)
        rp0 *= rp_scale
        rp1 *= rp_scale
        rp2 *= rp_scale
        rp3 *= rp_scale
        lo *= rp_scale
        hi *= rp_scale
    base = _clamp(0.25 * thrust, fmin - lo, fmax - hi)
    # Yaw share of each rotor, -spin tau_z kf / (4 km): + on the clockwise rotors 0 and 2.
    yaw = tz * p[qk.YAW_SHARE]
    f0, f1, f2, f3 = base + rp0, base + rp1, base + rp2, base + rp3
    share = 1.0
    if yaw > 0.0:
        # Rotors 0 and 2 rise towards fmax, rotors 1 and 3 fall towards fmin.
        room = min(min(fmax - f0, fmax - f2), min(f1 - fmin, f3 - fmin))
        if room < yaw:
            share = max(room, 0.0) / yaw
    elif yaw < 0.0:
        room = min(min(f0 - fmin, f2 - fmin), min(fmax - f1, fmax - f3))
        if room < -yaw:
            share = max(room, 0.0) / -yaw
    yaw *= share
    inv_kf = p[qk.INV_KF]
    out[0] = math.sqrt(_clamp(f0 + yaw, fmin, fmax) * inv_kf)
    out[1] = math.sqrt(_clamp(f1 - yaw, fmin, fmax) * inv_kf)
    out[2] = math.sqrt(_clamp(f2 + yaw, fmin, fmax) * inv_kf)
    out[3] = math.sqrt(_clamp(f3 - yaw, fmin, fmax) * inv_kf)


@njit(cache=True, error_model="numpy", inline="always")
def limit_velocity(g: np.ndarray, vcx: float, vcy: float, vcz: float) -> tuple[float, float, float]:
    """A velocity command within the horizontal speed and climb/descent limits."""
    horizontal2 = vcx * vcx + vcy * vcy
    if horizontal2 > g[MAX_SPEED_XY] * g[MAX_SPEED_XY]:
        shrink = g[MAX_SPEED_XY] / math.sqrt(horizontal2)
        vcx *= shrink
        vcy *= shrink
    return vcx, vcy, _clamp(vcz, -g[MAX_DESCENT], g[MAX_CLIMB])


@njit(cache=True, error_model="numpy", inline="always")
def velocity_command(s: np.ndarray, g: np.ndarray, sp: np.ndarray) -> tuple[float, float, float]:
    """The position loop: the (limited) velocity command of one drone, m/s."""
    if sp[SP_MODE] == MODE_POSITION:
        return limit_velocity(
            g,
            g[K_POS] * (sp[SP_X] - s[qk.X]) + sp[SP_VX],
            g[K_POS] * (sp[SP_Y] - s[qk.Y]) + sp[SP_VY],
            g[K_POS] * (sp[SP_Z] - s[qk.Z]) + sp[SP_VZ],
        )
    return limit_velocity(g, sp[SP_VX], sp[SP_VY], sp[SP_VZ])


@njit(cache=True, error_model="numpy")
def velocity_commands(
    state: np.ndarray, gains: np.ndarray, setpoints: np.ndarray, out: np.ndarray
) -> None:
    """The position loops of every drone: velocity commands ``(n, 3)`` into ``out``."""
    for i in range(state.shape[0]):
        out[i, 0], out[i, 1], out[i, 2] = velocity_command(state[i], gains[i], setpoints[i])


@njit(cache=True, error_model="numpy")
def limit_velocities(gains: np.ndarray, velocity: np.ndarray, rows: np.ndarray) -> None:
    """Apply the speed limits to the velocity commands ``(n, 3)`` of the drones ``rows``, in place."""
    for i in rows:
        v = velocity[i]
        v[0], v[1], v[2] = limit_velocity(gains[i], v[0], v[1], v[2])


@njit(cache=True, error_model="numpy", inline="always")
def drag_feedforward(
    s: np.ndarray, p: np.ndarray, vcx: float, vcy: float, vcz: float
) -> tuple[float, float, float]:
    """The force that cancels the airframe's drag at the commanded velocity in still air, N (world).

    The commanded velocity is taken into the current body frame, the body-axis
    drag law of the rigid body (:func:`gauntlet.dynamics._quadrotor_kernels.rigid_body_step`)
    is evaluated there and the result turned back into the world, negated.
    """
    r00, r01, r02, r10, r11, r12, r20, r21, r22 = qk.rotation_matrix(
        s[qk.QW], s[qk.QX], s[qk.QY], s[qk.QZ]
    )
    bx = r00 * vcx + r10 * vcy + r20 * vcz
    by = r01 * vcx + r11 * vcy + r21 * vcz
    bz = r02 * vcx + r12 * vcy + r22 * vcz
    cx = (p[qk.DRAG_LIN_XY] + p[qk.DRAG_QUAD_XY] * abs(bx)) * bx
    cy = (p[qk.DRAG_LIN_XY] + p[qk.DRAG_QUAD_XY] * abs(by)) * by
    cz = (p[qk.DRAG_LIN_Z] + p[qk.DRAG_QUAD_Z] * abs(bz)) * bz
    return (
        r00 * cx + r01 * cy + r02 * cz,
        r10 * cx + r11 * cy + r12 * cz,
        r20 * cx + r21 * cy + r22 * cz,
    )


@njit(cache=True, error_model="numpy", inline="always")
def velocity_loop(
    s: np.ndarray, p: np.ndarray, g: np.ndarray, yaw: float, vcx: float, vcy: float,
    vcz: float, integ: np.ndarray, dt: float, att: np.ndarray,
) -> None:  # fmt: skip
    """Velocity PI of one drone: the attitude setpoint ``att`` = (q_d, f) for a velocity command."""
    ex, ey, ez = vcx - s[qk.VX], vcy - s[qk.VY], vcz - s[qk.VZ]
    m = p[qk.MASS]
    dx, dy, dz = drag_feedforward(s, p, vcx, vcy, vcz)
    fx = m * (g[K_VEL] * ex + integ[0]) + dx
    fy = m * (g[K_VEL] * ey + integ[1]) + dy
    fz = m * (g[K_VEL] * ez + integ[2] + GRAVITY_MPS2) + dz
    max_thrust = g[THRUST_SHARE] * 4.0 * p[qk.ROTOR_THRUST_MAX]
    fz_limited = _clamp(fz, 0.1 * m * GRAVITY_MPS2, max_thrust)
    max_h = min(fz_limited * g[TAN_MAX_TILT], math.sqrt(max_thrust**2 - fz_limited**2))
    fh2 = fx * fx + fy * fy
    h_saturated = fh2 > max_h * max_h
    if h_saturated:
        # The drag feed-forward first, then as much of the feedback as fits: a turn at
        # the tilt limit keeps its speed instead of shrinking the drag compensation too.
        bx, by = fx - dx, fy - dy
        ff2 = dx * dx + dy * dy
        if ff2 >= max_h * max_h:
            shrink = max_h / math.sqrt(ff2)
            fx, fy = dx * shrink, dy * shrink
        else:
            a = bx * bx + by * by
            b = dx * bx + dy * by
            share = (math.sqrt(b * b + a * (max_h * max_h - ff2)) - b) / a
            fx, fy = dx + share * bx, dy + share * by
    # The integrator acts on the gap between a reference model (the command through the
    # first-order lag 1 / K_vel that the P loop and the drag feed-forward give in still air)
    # and the velocity: a disturbance opens it, a step of the command does not (no
    # overshoot from a wound-up integral). Anti-windup: an axis whose output is limited
    # does not integrate, and its reference restarts from the velocity.
    if math.isnan(integ[REF_VX]):
        integ[REF_VX], integ[REF_VX + 1], integ[REF_VX + 2] = s[qk.VX], s[qk.VY], s[qk.VZ]
    pull = 1.0 - math.exp(-g[K_VEL] * dt)
    limit = g[I_VEL_MAX]
    if h_saturated:
        integ[REF_VX], integ[REF_VX + 1] = s[qk.VX], s[qk.VY]
    else:
        rx = integ[REF_VX] + (vcx - integ[REF_VX]) * pull
        ry = integ[REF_VX + 1] + (vcy - integ[REF_VX + 1]) * pull
        integ[0] = _clamp(integ[0] + g[KI_VEL] * (integ[REF_VX] - s[qk.VX]) * dt, -limit, limit)
        integ[1] = _clamp(integ[1] + g[KI_VEL] * (integ[REF_VX + 1] - s[qk.VY]) * dt, -limit, limit)
        integ[REF_VX], integ[REF_VX + 1] = rx, ry
    if fz == fz_limited:
        rz = integ[REF_VX + 2] + (vcz - integ[REF_VX + 2]) * pull
        integ[2] = _clamp(integ[2] + g[KI_VEL] * (integ[REF_VX + 2] - s[qk.VZ]) * dt, -limit, limit)
        integ[REF_VX + 2] = rz
    else:
        integ[REF_VX + 2] = s[qk.VZ]
    if att[ATT_YAW] != yaw:
        att[ATT_YAW], att[ATT_COS_YAW], att[ATT_SIN_YAW] = yaw, math.cos(yaw), math.sin(yaw)
    att[0], att[1], att[2], att[3] = desired_quaternion(
        fx, fy, fz_limited, att[ATT_COS_YAW], att[ATT_SIN_YAW]
    )
    att[4], att[5], att[6] = fx, fy, fz_limited


@njit(cache=True, error_model="numpy")
def outer_step(
    s: np.ndarray, p: np.ndarray, g: np.ndarray, sp: np.ndarray, integ: np.ndarray,
    dt: float, att: np.ndarray,
) -> None:  # fmt: skip
    """Position and velocity loops: the attitude setpoint ``att`` = (q_d, f) of one drone."""
    vcx, vcy, vcz = velocity_command(s, g, sp)
    velocity_loop(s, p, g, sp[SP_YAW], vcx, vcy, vcz, integ, dt, att)


@njit(cache=True, error_model="numpy", inline="always")
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
    velocity_override: np.ndarray, use_override: bool, work: np.ndarray,
) -> None:  # fmt: skip
    """One world step of ``substeps`` physics steps of ``dt`` for every drone.

    The position and velocity loops run once, at the start (their integrators
    advance by ``substeps * dt``); the attitude and rate loops and the rigid
    body run at every substep. Wind ``(n, 3)`` and setpoints are held;
    ``energy_out`` receives each drone's shaft energy over the step, J, and
    ``commands`` the last motor commands. With ``use_override`` the velocity
    commands ``(n, 3)`` in ``velocity_override`` (within the speed limits)
    replace the position loops'. ``work`` is scratch space ``(3, n)``.

    Each substep runs over all drones in turn: their updates are independent,
    so the processor overlaps consecutive drones' long dependency chains.
    """
    n = state.shape[0]
    outer_dt = dt * substeps
    for i in range(n):
        s, p, g = state[i], params[i], gains[i]
        if use_override:
            vcx, vcy, vcz = (
                velocity_override[i, 0],
                velocity_override[i, 1],
                velocity_override[i, 2],
            )
        else:
            vcx, vcy, vcz = velocity_command(s, g, setpoints[i])
        velocity_loop(s, p, g, setpoints[i, SP_YAW], vcx, vcy, vcz, integ[i], outer_dt, attitude[i])
    # The motor lag over a substep is the same at every substep.
    lags, mean_shares, extra = work[0], work[1], work[2]
    for i in range(n):
        extra[i] = 0.0
        lags[i], mean_shares[i] = qk.motor_lag(params[i, qk.TAU_MOTOR], dt)
        energy_out[i] = 0.0
    for _ in range(substeps):
        if downwash:
            qk.downwash_speeds(state, params, extra)
        for i in range(n):
            s, p, cmd = state[i], params[i], commands[i]
            inner_step(s, p, gains[i], attitude[i], integ[i], dt, cmd)
            power = qk.rigid_body_step(
                s, p, cmd, wind[i, 0], wind[i, 1], wind[i, 2], extra[i], dt,
                lags[i], mean_shares[i],
            )  # fmt: skip
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
