"""Dynamic single-track ("bicycle") model with linear or magic-formula tyres.

The wheels of each axle are lumped into one; the reference point is the centre
of mass (CoG). In the body frame, with longitudinal speed ``vx``, lateral speed
``vy``, yaw rate ``r`` and road-wheel angle ``delta``:

    alpha_f = delta - atan((vy + lf r) / vx)      alpha_r = -atan((vy - lr r) / vx)
    dvy/dt = (Fyf(alpha_f) cos(delta) + Fyr(alpha_r)) / m - vx r
    dr/dt  = (lf Fyf(alpha_f) cos(delta) - lr Fyr(alpha_r)) / Iz
    dvx/dt = a
    dx/dt = vx cos(psi) - vy sin(psi)             dy/dt = vx sin(psi) + vy cos(psi)
    dpsi/dt = r

The longitudinal channel is acceleration-controlled: ``a`` (from the
acceleration actuator) is the rate of change of ``vx``; the drive force that
this needs is assumed available, and tyre forces are not limited by combined
slip. Steady cornering with linear tyres gives the textbook yaw rate
``vx delta / (L (1 + K vx^2))`` with ``K = m / L^2 (lr / Cf - lf / Cr)``.

Low speed: the slip angles are singular at ``vx = 0``. Below ``BLEND_HIGH_MPS``
the model blends, with a smooth cubic weight ``w`` (1 at and above
``BLEND_HIGH_MPS``, 0 at and below ``BLEND_LOW_MPS``), into the kinematic
bicycle. At the start of each step the lateral speed and yaw rate are set to
``w * (their value) + (1 - w) * (kinematic value)``, and during the step their
derivatives are ``w * (dynamic derivative) + (1 - w) * (kinematic
derivative)``. The kinematic values are ``vy = vx lr / L tan(delta)`` and
``r = vx tan(delta) / L``; their derivatives follow the actual rate of change
of ``vx`` (0 once it stops at a speed bound), so a vehicle at rest has
``vy = r = 0`` exactly. The slip angles use ``max(|vx|, BLEND_LOW_MPS)`` as
denominator, so the dynamic part stays finite and no stiffer than at
``BLEND_LOW_MPS``. Below ``BLEND_LOW_MPS`` the model follows the kinematic
bicycle up to integration error.

Integration: each step is split into equal substeps no longer than
``max_substep_s`` (5 ms by default) and short enough for the stiffest actor
(``h * lambda <= 1.5``, with ``lambda`` a Gershgorin bound on the eigenvalues of
the linearised lateral dynamics at ``BLEND_LOW_MPS`` and at top speed), so the
number of substeps depends only on ``dt`` and the parameters. The actuators
advance once per step and their mean outputs are held over it, as in the
kinematic model; ``vx`` is integrated exactly; the pose, ``vy`` and ``r`` by the
explicit midpoint rule (second order) in each substep.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gauntlet.dynamics._integration import smoothstep, wrap_angle
from gauntlet.dynamics._validation import gather, require_params
from gauntlet.dynamics.base import HEADING, SPEED, MotionModel, X, Y, register_motion_model
from gauntlet.dynamics.presets import VehicleParams
from gauntlet.dynamics.single_track_params import SingleTrackParams
from gauntlet.dynamics.steered_vehicle import speed_bounds, steering_actuators
from gauntlet.dynamics.tyres import TyreModel, pacejka_lateral_force

LATERAL_SPEED, YAW_RATE, STEER, ACCEL = 4, 5, 6, 7

#: Largest ``h * |lambda|`` allowed for the stiffest lateral mode; the explicit
#: midpoint rule is stable on the negative real axis up to 2.
_STABILITY_LIMIT = 1.5


@dataclass(frozen=True)
class SingleTrackState:
    """State of one actor of the dynamic single-track model.

    Attributes:
        x_m: CoG position, world x, m.
        y_m: CoG position, world y, m.
        heading_rad: Yaw angle, rad, in ``[-pi, pi)`` after a step.
        speed_mps: Longitudinal body velocity ``vx`` of the CoG, m/s.
        lateral_speed_mps: Lateral body velocity ``vy`` of the CoG (left positive), m/s.
        yaw_rate_radps: Yaw rate ``r``, rad/s (counter-clockwise positive).
        steer_rad: Road-wheel steering angle (actuator output), rad.
        accel_mps2: Longitudinal acceleration (actuator output), m/s^2.
    """

    x_m: float
    y_m: float
    heading_rad: float
    speed_mps: float = 0.0
    lateral_speed_mps: float = 0.0
    yaw_rate_radps: float = 0.0
    steer_rad: float = 0.0
    accel_mps2: float = 0.0


@register_motion_model
class DynamicSingleTrack(MotionModel):
    """Dynamic single-track model, batched over actors.

    State columns: ``x_m, y_m, heading_rad, speed_mps, lateral_speed_mps,
    yaw_rate_radps, steer_rad, accel_mps2``. Control columns:
    ``accel_cmd_mps2, steer_cmd_rad``.

    Args:
        params: One :class:`SingleTrackParams` per actor; actors may mix tyre models.
        max_substep_s: Longest internal substep, s.
    """

    NAME = "dynamic_single_track"
    STATE_TYPE = SingleTrackState
    STATE_FIELDS = (
        "x_m",
        "y_m",
        "heading_rad",
        "speed_mps",
        "lateral_speed_mps",
        "yaw_rate_radps",
        "steer_rad",
        "accel_mps2",
    )
    CONTROL_FIELDS = ("accel_cmd_mps2", "steer_cmd_rad")

    #: Below this |vx| the model is purely kinematic, m/s.
    BLEND_LOW_MPS = 1.0
    #: At and above this |vx| the model is purely dynamic, m/s.
    BLEND_HIGH_MPS = 2.0

    def __init__(self, params: Sequence[SingleTrackParams], max_substep_s: float = 0.005) -> None:
        if not (math.isfinite(max_substep_s) and max_substep_s > 0.0):
            raise ValueError(f"max_substep_s must be a finite number > 0, got {max_substep_s!r}")
        self.params = require_params(type(self).__name__, params, SingleTrackParams)
        p = self.params
        wheelbase = gather(p, "wheelbase_m")
        lr = gather(p, "lr_m")
        lf = wheelbase - lr
        self._lf, self._lr = lf, lr
        self._inv_wheelbase = 1.0 / wheelbase
        self._inv_mass = 1.0 / gather(p, "mass_kg")
        self._inv_yaw_inertia = 1.0 / gather(p, "yaw_inertia_kgm2")
        self._min_speed, self._max_speed = speed_bounds(p)
        # Per-axle rows (front, rear): lever arm of the yaw rate in the axle's lateral speed.
        self._axle_arm = np.stack((lf, -lr))
        self._stiffness = np.stack(
            (gather(p, "cornering_stiffness_front_npr"), gather(p, "cornering_stiffness_rear_npr"))
        )
        front = [q.front_pacejka() for q in p]
        rear = [q.rear_pacejka() for q in p]
        self._b = _axle_rows(
            [t.stiffness_factor_b for t in front], [t.stiffness_factor_b for t in rear]
        )
        self._c = _axle_rows([t.shape_factor_c for t in front], [t.shape_factor_c for t in rear])
        self._e = _axle_rows(
            [t.curvature_factor_e for t in front], [t.curvature_factor_e for t in rear]
        )
        peaks = [q.axle_peak_forces_n() for q in p]
        self._d = _axle_rows([f for f, _ in peaks], [r for _, r in peaks])
        self._pacejka = np.array([q.tyre_model is TyreModel.PACEJKA for q in p], dtype=bool)
        self._all_pacejka = bool(self._pacejka.all())
        self._any_pacejka = bool(self._pacejka.any())
        self._actuators = steering_actuators(p)
        self.max_substep_s = (
            min(max_substep_s, _STABILITY_LIMIT / self._stiffness_bound()) if p else max_substep_s
        )
        self._dt = float("nan")
        self._substeps = 1

    @classmethod
    def from_params(
        cls,
        vehicles: Sequence[VehicleParams],
        *,
        tyre_model: TyreModel | str = TyreModel.LINEAR,
        allow_reverse: bool = False,
        max_substep_s: float = 0.005,
    ) -> DynamicSingleTrack:
        """Build the model from presets or other :class:`VehicleParams`, one per actor."""
        return cls(
            [
                SingleTrackParams.from_vehicle(
                    v, tyre_model=tyre_model, allow_reverse=allow_reverse
                )
                for v in vehicles
            ],
            max_substep_s=max_substep_s,
        )

    def substeps(self, dt: float) -> int:
        """Number of internal substeps a step of ``dt`` seconds takes."""
        return max(1, math.ceil(dt / self.max_substep_s - 1e-9))

    def _stiffness_bound(self) -> float:
        """Upper bound on the lateral dynamics' eigenvalue magnitudes, 1/s."""
        slope = np.where(self._pacejka, self._b * self._c * self._d, self._stiffness)
        cf, cr = slope
        coupling = np.abs(self._lf * cf - self._lr * cr)
        lateral = (cf + cr + coupling) * self._inv_mass
        yaw = (coupling + self._lf**2 * cf + self._lr**2 * cr) * self._inv_yaw_inertia
        bound = 0.0
        for speed in (self.BLEND_LOW_MPS, float(np.max(self._max_speed))):
            rows = np.maximum(lateral / speed + speed, yaw / speed)
            bound = max(bound, float(np.max(rows)))
        return bound

    def _lateral_forces(self, slip: np.ndarray) -> np.ndarray:
        """Tyre lateral forces ``(2, n)`` (front, rear) in N for slip angles ``(2, n)``."""
        if not self._any_pacejka:
            return self._stiffness * slip
        magic = pacejka_lateral_force(slip, self._b, self._c, self._d, self._e)
        if self._all_pacejka:
            return magic
        return np.where(self._pacejka, magic, self._stiffness * slip)

    def _derivatives(
        self,
        heading: np.ndarray,
        vx: np.ndarray,
        vy: np.ndarray,
        r: np.ndarray,
        held: _HeldOverStep,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(dx/dt, dy/dt, dvy/dt, dr/dt)``; ``dpsi/dt`` is ``r`` itself."""
        axle_speed = self._axle_arm * r
        axle_speed += vy
        axle_speed /= np.maximum(np.abs(vx), self.BLEND_LOW_MPS)
        slip = held.steer_per_axle - np.arctan(axle_speed, out=axle_speed)
        force = self._lateral_forces(slip)
        front = force[0]
        front *= held.cos_steer
        rear = force[1]
        lateral_accel = front + rear
        lateral_accel *= self._inv_mass
        lateral_accel -= vx * r
        yaw_accel = self._lf * front
        yaw_accel -= self._lr * rear
        yaw_accel *= self._inv_yaw_inertia
        # Blend towards the kinematic model's derivatives at low speed.
        lateral_accel *= held.weight
        lateral_accel += held.kinematic_lateral_accel
        yaw_accel *= held.weight
        yaw_accel += held.kinematic_yaw_accel
        cos_h, sin_h = np.cos(heading), np.sin(heading)
        dx = vx * cos_h
        dx -= vy * sin_h
        dy = np.multiply(vx, sin_h, out=sin_h)
        dy += vy * cos_h
        return dx, dy, lateral_accel, yaw_accel

    def step(self, state: np.ndarray, control: np.ndarray, dt: float) -> np.ndarray:
        """Advance ``state`` in place by ``dt`` seconds and return it.

        Args:
            state: Shape ``(n, 8)``, columns :attr:`STATE_FIELDS`.
            control: Shape ``(n, 2)``, columns :attr:`CONTROL_FIELDS`.
            dt: Step length, s.
        """
        self.check_step_args(state, control, dt)
        if dt != self._dt:
            self._substeps = self.substeps(dt)
            self._dt = dt
        h = dt / self._substeps
        work = np.array(state.T, order="C")
        x, y, heading, vx = work[X], work[Y], work[HEADING], work[SPEED]
        vy, r = work[LATERAL_SPEED], work[YAW_RATE]
        # Actuator rows are (steer, accel); the control columns are (accel, steer).
        mean = self._actuators.advance(
            work[STEER : ACCEL + 1], np.ascontiguousarray(control.T[::-1]), dt
        )
        # With vx inside its bounds, clip(vx + a t) is its exact course over the step.
        np.minimum(vx, self._max_speed, out=vx)
        np.maximum(vx, self._min_speed, out=vx)
        held = _HeldOverStep(self, vx, mean[0])
        # Pull the lateral state towards the kinematic one as the speed drops
        # (written so that a weight of exactly 1 leaves it bit-for-bit unchanged).
        pull = held.kinematic_vy - vy
        pull *= held.kinematic_share
        vy += pull
        pull = np.subtract(held.kinematic_r, r, out=pull)
        pull *= held.kinematic_share
        r += pull
        speed_change = mean[1] * h
        half = 0.5 * h
        for _ in range(self._substeps):
            vx_end = vx + speed_change
            np.minimum(vx_end, self._max_speed, out=vx_end)
            np.maximum(vx_end, self._min_speed, out=vx_end)
            # The kinematic share follows the speed's actual rate of change, which
            # is 0 once a speed bound is reached.
            held.set_speed_rate((vx_end - vx) / h)
            dx, dy, dvy, dr = self._derivatives(heading, vx, vy, r, held)
            vx_mid = np.add(vx, vx_end, out=vx)
            vx_mid *= 0.5
            r_mid = dr * half
            r_mid += r
            dvy *= half
            dvy += vy
            dx, dy, dvy, dr = self._derivatives(heading + half * r, vx_mid, dvy, r_mid, held)
            dx *= h
            x += dx
            dy *= h
            y += dy
            r_mid *= h
            heading += r_mid
            dvy *= h
            vy += dvy
            dr *= h
            r += dr
            vx[:] = vx_end
        wrap_angle(heading)
        state[...] = work.T
        return state

    def slip_angle(self, state: np.ndarray) -> np.ndarray:
        """Body slip angle ``atan2(vy, vx)`` of the CoG, rad, shape ``(n,)``."""
        return np.arctan2(state[:, LATERAL_SPEED], state[:, SPEED])

    def yaw_rate(self, state: np.ndarray) -> np.ndarray:
        """Yaw rate in rad/s, shape ``(n,)`` (the ``yaw_rate_radps`` column)."""
        return state[:, YAW_RATE].copy()

    def velocity(self, state: np.ndarray) -> np.ndarray:
        """World-frame CoG velocity ``(n, 2)`` in m/s: ``(vx, vy)`` rotated by the heading."""
        heading = state[:, HEADING]
        cos_h, sin_h = np.cos(heading), np.sin(heading)
        vx, vy = state[:, SPEED], state[:, LATERAL_SPEED]
        return np.stack((vx * cos_h - vy * sin_h, vx * sin_h + vy * cos_h), axis=1)


def _axle_rows(front: list[float], rear: list[float]) -> np.ndarray:
    """Per-actor values of the two axles as rows ``(front, rear)``, shape ``(2, n)``."""
    return np.array([front, rear], dtype=np.float64).reshape(2, len(front))


class _HeldOverStep:
    """Quantities held constant over one step: steering, blend weight, kinematic values."""

    __slots__ = (
        "_lateral_per_accel",
        "_yaw_per_accel",
        "cos_steer",
        "kinematic_lateral_accel",
        "kinematic_r",
        "kinematic_share",
        "kinematic_vy",
        "kinematic_yaw_accel",
        "steer_per_axle",
        "weight",
    )

    def __init__(self, model: DynamicSingleTrack, vx: np.ndarray, steer: np.ndarray) -> None:
        self.weight = smoothstep(np.abs(vx), model.BLEND_LOW_MPS, model.BLEND_HIGH_MPS)
        self.kinematic_share = 1.0 - self.weight
        self.cos_steer = np.cos(steer)
        # Reversing turns the tyres' velocity round, so the steer angle enters the
        # front slip angle with the sign of vx.
        self.steer_per_axle = np.stack((steer * np.sign(vx), np.zeros_like(steer)))
        curvature = np.tan(steer) * model._inv_wheelbase
        self.kinematic_r = vx * curvature
        self.kinematic_vy = self.kinematic_r * model._lr
        # d/dt of the kinematic r and vy per unit of dvx/dt, times the kinematic share.
        self._yaw_per_accel = curvature * self.kinematic_share
        self._lateral_per_accel = self._yaw_per_accel * model._lr
        self.kinematic_yaw_accel = np.zeros_like(vx)
        self.kinematic_lateral_accel = np.zeros_like(vx)

    def set_speed_rate(self, dvx_dt: np.ndarray) -> None:
        """Set the kinematic derivatives of ``r`` and ``vy`` for a rate of change of ``vx``."""
        np.multiply(dvx_dt, self._yaw_per_accel, out=self.kinematic_yaw_accel)
        np.multiply(dvx_dt, self._lateral_per_accel, out=self.kinematic_lateral_accel)
