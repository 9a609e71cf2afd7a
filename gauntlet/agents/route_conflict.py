"""Which object blocks the ego's route: the reference stack's in-path test, compiled.

An object is judged in the frame of the route at its own place along it
(the nearest route sample, 1 m apart, and the route's tangent there), so
"in my path" follows the route's bends rather than the ego's current
heading, and the other road user's motion is judged relative to its lane.
Three tests, in order:

* **now** — the object's centre is inside the corridor: half width
  ``ego_width / 2 + side + margin``, ``side`` the object's half extent
  across the route;
* **drifting** — moving sideways towards the route at ``v_lat``, it is
  inside while the ego passes its position (entry before the ego leaves,
  exit after the ego arrives, within ``DRIFT_HORIZON_S``). A vehicle that
  keeps its lane in a bend shows a lateral velocity relative to the route
  of up to ``|v| |kappa| L / 2`` (its body is a chord of its lane, not a
  tangent: speed ``|v|``, lane curvature ``kappa`` in 1/m, length ``L``);
  that much is not counted as drift - on a bend gentler than
  ``BEND_MAX_CURVATURE`` and for a vehicle that turns with its lane
  (within half the lane's curvature) or whose turning is not yet known;
* **pulling in** — a vehicle slower than ``PULL_IN_MAX_SPEED_MPS`` and
  roughly parallel to the route (within 45 degrees, either way; where the
  route bends no sharper than ``BEND_MAX_CURVATURE``) is predicted over
  ``PULL_IN_HORIZON_S`` on a path of constant curvature relative to its
  lane (its yaw rate over its speed, less the lane's curvature) at a speed
  growing at its acceleration; if a
  corner of its box moves at least ``PULL_IN_MIN_M`` sideways into the
  ego's half width plus margin before the ego has passed that corner, it
  blocks. This sees a vehicle turning out of a parking place or a bus stop
  before its centre moves.

The blocking object nearest along the route is the lead: its bumper gap
(m) and its speed along the route (m/s) are returned.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

INF = np.inf
#: Largest time ahead at which sideways drift at constant velocity counts, s.
DRIFT_HORIZON_S = 6.0
#: Smallest lateral speed that counts as drift, m/s.
DRIFT_MIN_MPS = 0.2
#: Largest route curvature (1/m) of a road bend; sharper is a turn at a junction,
#: where the other road users' lanes are not parallel to the route.
BEND_MAX_CURVATURE = 0.02
#: Largest time ahead at which a corner pulling into the corridor counts, s.
PULL_IN_HORIZON_S = 3.0
#: Fastest vehicle taken to pull in by turning (leaving a stop or a parking place), m/s;
#: faster ones change lanes, which the drift test sees.
PULL_IN_MAX_SPEED_MPS = 8.0
#: Time step of the pulling-in prediction, s.
PULL_IN_STEP_S = 0.25
#: Smallest predicted sideways move of a corner that counts as pulling in, m.
PULL_IN_MIN_M = 0.3


@njit(cache=True)
def _wrap(a: float) -> float:
    return (a + math.pi) % (2.0 * math.pi) - math.pi


@njit(cache=True)
def object_frame(
    ids: np.ndarray, heading: np.ndarray, vx: np.ndarray, vy: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """An object list sorted by id: ids, headings (rad), speeds (m/s), and the speeds unsorted."""
    speed = np.sqrt(vx * vx + vy * vy)
    order = np.argsort(ids, kind="mergesort")
    return ids[order], heading[order], speed[order], speed


@njit(cache=True)
def object_motion(
    ids: np.ndarray,
    heading: np.ndarray,
    speed: np.ndarray,
    ids0: np.ndarray,
    heading0: np.ndarray,
    speed0: np.ndarray,
    dt: float,
    max_turn: float,
    max_accel: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Path curvature (1/m) and acceleration (m/s^2) of each object since an earlier list.

    ``ids0, heading0, speed0`` is the object list ``dt`` seconds earlier,
    sorted by id. The curvature is the heading change over the distance
    travelled (NaN for an object not in the earlier list or not moving),
    clipped to ``max_turn``; the acceleration is the speed change over
    ``dt`` (0 when unknown), clipped to ``max_accel``.
    """
    n = ids.shape[0]
    turn = np.full(n, np.nan)
    accel = np.zeros(n)
    m = ids0.shape[0]
    if m == 0:
        return turn, accel
    for i in range(n):
        k = min(np.searchsorted(ids0, ids[i]), m - 1)
        if ids0[k] != ids[i]:
            continue
        accel[i] = min(max((speed[i] - speed0[k]) / dt, -max_accel), max_accel)
        travelled = 0.5 * (speed[i] + speed0[k]) * dt
        if travelled > 1e-3:
            turned = _wrap(heading[i] - heading0[k])
            turn[i] = min(max(turned / travelled, -max_turn), max_turn)
    return turn, accel


@njit(cache=True)
def foot_point(
    route_s: np.ndarray,
    route_x: np.ndarray,
    route_y: np.ndarray,
    route_h: np.ndarray,
    lo: int,
    hi: int,
    x: float,
    y: float,
) -> tuple[float, float, float, float, bool]:
    """Where ``(x, y)`` lies relative to the route samples ``lo:hi``.

    The point is taken to the nearest sample and the route's tangent there.
    Returns the route ``s`` (m), the lateral offset (m, left positive), the
    route heading there (rad), the route curvature there (1/m, left
    positive, over the neighbouring samples) and whether the point lies
    beyond either end of the window.
    """
    k_best = -1
    d_best = INF
    for k in range(lo, hi):
        dx = x - route_x[k]
        dy = y - route_y[k]
        d = dx * dx + dy * dy
        if d < d_best:
            d_best = d
            k_best = k
    k = k_best
    h = route_h[k]
    c = math.cos(h)
    sn = math.sin(h)
    along = (x - route_x[k]) * c + (y - route_y[k]) * sn
    lat = -(x - route_x[k]) * sn + (y - route_y[k]) * c
    outside = (k == lo and along < 0.0) or (k == hi - 1 and along > 0.0)
    k0 = max(k - 2, lo)
    k1 = min(k + 2, hi - 1)
    span = route_s[k1] - route_s[k0]
    kappa = _wrap(route_h[k1] - route_h[k0]) / span if span > 1e-9 else 0.0
    return route_s[k] + along, lat, h, kappa, outside


@njit(cache=True)
def _pulls_in(
    along: float,
    lat: float,
    h: float,
    half_ego: float,
    ego_speed: float,
    ego_length: float,
    v_along: float,
    v_drift: float,
    ob_h: float,
    speed: float,
    accel: float,
    turn: float,
    length: float,
    width: float,
) -> bool:
    """Whether a corner of the object enters the ego's half width in time (see the module).

    The object drifts sideways at ``v_drift`` and turns, relative to its lane,
    on a path of curvature ``turn`` (1/m) at a speed growing at ``accel``.
    """
    c = math.cos(h)
    sn = math.sin(h)
    ch = math.cos(ob_h)
    shh = math.sin(ob_h)
    steps = int(PULL_IN_HORIZON_S / PULL_IN_STEP_S + 0.5)
    for corner in range(4):
        ox = (0.5 if corner < 2 else -0.5) * length
        oy = (0.5 if corner % 2 == 0 else -0.5) * width
        wx = ox * ch - oy * shh
        wy = ox * shh + oy * ch
        c_along = wx * c + wy * sn
        c_lat = lat - wx * sn + wy * c
        if abs(c_lat) <= half_ego:
            continue
        for step in range(1, steps + 1):
            t = step * PULL_IN_STEP_S
            travelled = max(speed * t + 0.5 * accel * t * t, 0.0)
            shift = v_drift * t + c_along * turn * travelled
            if abs(c_lat + shift) > half_ego or abs(shift) < PULL_IN_MIN_M:
                continue
            # Where the corner is, relative to the ego's centre, when it enters.
            if along + c_along + (v_along - ego_speed) * t > -0.5 * ego_length:
                return True
            break
    return False


@njit(cache=True)
def route_conflict(
    route_s: np.ndarray,
    route_x: np.ndarray,
    route_y: np.ndarray,
    route_h: np.ndarray,
    lo: int,
    hi: int,
    ego_s: float,
    ego_speed: float,
    ego_length: float,
    ego_width: float,
    margin: float,
    ob_x: np.ndarray,
    ob_y: np.ndarray,
    ob_vx: np.ndarray,
    ob_vy: np.ndarray,
    ob_h: np.ndarray,
    ob_turn: np.ndarray,
    ob_accel: np.ndarray,
    ob_length: np.ndarray,
    ob_width: np.ndarray,
) -> tuple[float, float]:
    """Bumper gap (m) to, and speed along the route (m/s) of, the nearest blocking object.

    ``route_*`` are the route samples (``s`` m, position m, heading rad);
    only samples ``lo:hi`` are searched. ``ob_turn`` is the curvature of
    each object's path (1/m, left positive: its yaw rate over its speed;
    NaN where unknown) and ``ob_accel`` its acceleration along its path
    (m/s^2). Returns ``inf, 0`` if nothing blocks; see the module docstring
    for the tests.
    """
    best_gap = INF
    best_v = 0.0
    half_ego = 0.5 * ego_width + margin
    for j in range(ob_x.shape[0]):
        s, lat, h, kappa, outside = foot_point(
            route_s, route_x, route_y, route_h, lo, hi, ob_x[j], ob_y[j]
        )
        c = math.cos(h)
        sn = math.sin(h)
        along = s - ego_s
        v_along = ob_vx[j] * c + ob_vy[j] * sn
        v_lat = -ob_vx[j] * sn + ob_vy[j] * c
        rel = abs(_wrap(ob_h[j] - h))
        aligned = rel < 0.25 * math.pi or rel > 0.75 * math.pi
        extent = 0.5 * (ob_length[j] if aligned else ob_width[j])
        side = 0.5 * (ob_width[j] if aligned else ob_length[j])
        half = half_ego + side
        gap = along - 0.5 * ego_length - extent
        if gap <= -ego_length:
            continue
        g = max(gap, 0.0)
        blocks = abs(lat) <= half
        if blocks:
            if g < best_gap:
                best_gap = g
                best_v = v_along
            continue
        closing = max(ego_speed - v_along, 0.1)
        # Lateral motion relative to the lane the object follows.
        kappa_ob = kappa / max(1.0 - kappa * lat, 0.1)
        # Along a road bend (not a turn at a junction) a vehicle that turns with
        # its lane (or is not yet known to turn otherwise) follows it.
        lane_turn = kappa_ob if v_along >= 0.0 else -kappa_ob
        follows = (
            aligned
            and not outside
            and abs(kappa_ob) < BEND_MAX_CURVATURE
            and (
                math.isnan(ob_turn[j]) or abs(ob_turn[j] - lane_turn) <= 0.5 * abs(kappa_ob) + 2e-3
            )
        )
        v_drift = v_lat
        if follows:
            slack = abs(v_along * kappa_ob) * 0.5 * ob_length[j]
            v_drift = math.copysign(max(abs(v_lat) - slack, 0.0), v_lat)
        if lat * v_drift < 0.0 and abs(v_drift) > DRIFT_MIN_MPS:
            t_in = (abs(lat) - half) / abs(v_drift)
            t_out = (abs(lat) + half) / abs(v_drift)
            t_arrive = g / closing
            t_leave = (g + ego_length + 2.0 * extent) / closing
            blocks = t_in < t_leave + 0.5 and t_out > t_arrive - 0.5 and t_in < DRIFT_HORIZON_S
        gentle = abs(kappa_ob) < BEND_MAX_CURVATURE and not outside
        slow = math.hypot(ob_vx[j], ob_vy[j]) < PULL_IN_MAX_SPEED_MPS
        if not blocks and aligned and gentle and slow and not math.isnan(ob_turn[j]):
            blocks = _pulls_in(
                along,
                lat,
                h,
                half_ego,
                ego_speed,
                ego_length,
                v_along,
                v_drift,
                ob_h[j],
                math.hypot(ob_vx[j], ob_vy[j]),
                ob_accel[j],
                ob_turn[j] - lane_turn,
                ob_length[j],
                ob_width[j],
            )
        if blocks and g < best_gap:
            best_gap = g
            best_v = v_along
    return best_gap, best_v
