"""Unmanned surface vessels: Fossen's 3-DOF manoeuvring model, Otter-class parameters.

The model (surge ``u``, sway ``v``, yaw rate ``r`` in the body frame; x
forward, y to port, yaw counter-clockwise, as everywhere in Gauntlet) is

    M nu_r' + C(nu_r) nu_r + D(nu_r) nu_r = tau_thrust + tau_wind + tau_wave

with ``nu_r = nu - nu_current`` the velocity relative to the water,
``M = M_RB + M_A``, rigid-body and added-mass Coriolis matrices, linear
damping and quadratic cross-flow drag in sway and yaw (T. I. Fossen,
*Handbook of Marine Craft Hydrodynamics and Motion Control*, 2nd ed., Wiley
2021, ch. 6-7).

Parameters follow the Maritime Robotics Otter USV as published in Fossen's
Python Vehicle Simulator (``otter.py``, github.com/cybergalactic/
PythonVehicleSimulator): length 2.0 m, beam 1.08 m, mass 55 kg, two
propellers at ``y = +-0.395 m``; added mass ``X_u' = -0.1 m``, ``Y_v' = -1.5 m``,
``N_r' = -1.7 I_z``; yaw radius of gyration ``0.25 L``; surge damping
``X_u = -24.4 g / U_max`` with ``U_max`` = 6 knots (3.09 m/s), so that both
propellers at full thrust (``k_pos n_max^2`` = 119.6 N each, half of
24.4 kg-force) hold exactly ``U_max``; yaw damping from the time constant
``T_yaw`` = 1 s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gauntlet.dynamics.waves import GRAVITY_MPS2, RHO_WATER, WaveField

RHO_AIR = 1.225


@dataclass(frozen=True)
class VesselParams:
    """A twin-propeller surface vessel (defaults: Otter USV, see the module docstring).

    Attributes:
        length_m, beam_m, draft_m: Hull size, m.
        mass_kg: Mass including payload, kg.
        max_speed_mps: Speed at full thrust on both propellers, m/s.
        max_thrust_n: Forward thrust of one propeller at full speed, N.
        max_reverse_thrust_n: Reverse thrust of one propeller, N.
        propeller_y_m: Lateral distance of each propeller from the centre line, m.
        yaw_time_constant_s: ``T_yaw`` that sets the linear yaw damping, s.
        crossflow_cd: 2-D cross-flow drag coefficient of the hull in sway.
        wind_area_front_m2, wind_area_side_m2: Projected areas above water, m^2.
    """

    length_m: float = 2.0
    beam_m: float = 1.08
    draft_m: float = 0.134
    mass_kg: float = 55.0
    max_speed_mps: float = 6.0 * 0.5144
    max_thrust_n: float = 0.5 * 24.4 * GRAVITY_MPS2
    max_reverse_thrust_n: float = 0.5 * 24.4 * GRAVITY_MPS2 * 0.01289 / 0.02216
    propeller_y_m: float = 0.395
    yaw_time_constant_s: float = 1.0
    crossflow_cd: float = 1.0
    wind_area_front_m2: float = 0.6
    wind_area_side_m2: float = 1.2

    @property
    def yaw_inertia_kgm2(self) -> float:
        """Rigid-body yaw moment of inertia, kg m^2."""
        return self.mass_kg * (0.25 * self.length_m) ** 2

    @property
    def mass_matrix_diagonal(self) -> tuple[float, float, float]:
        """Diagonal of ``M = M_RB + M_A`` (surge kg, sway kg, yaw kg m^2)."""
        m, iz = self.mass_kg, self.yaw_inertia_kgm2
        return (1.1 * m, 2.5 * m, 2.7 * iz)

    @property
    def surge_damping(self) -> float:
        """Linear surge damping ``-X_u``, N s/m."""
        return 2.0 * self.max_thrust_n / self.max_speed_mps


@dataclass
class VesselState:
    """States of ``n`` vessels, world frame (arrays of shape ``(n,)``).

    Attributes:
        x_m, y_m: Position, m.
        heading_rad: Yaw, counter-clockwise from east, rad.
        u_mps, v_mps: Surge and sway velocity over ground, body frame, m/s.
        r_radps: Yaw rate, rad/s.
    """

    x_m: np.ndarray
    y_m: np.ndarray
    heading_rad: np.ndarray
    u_mps: np.ndarray
    v_mps: np.ndarray
    r_radps: np.ndarray

    @classmethod
    def at_rest(cls, xy_m: np.ndarray, heading_rad: np.ndarray | float = 0.0) -> VesselState:
        xy = np.asarray(xy_m, dtype=np.float64).reshape(-1, 2)
        n = len(xy)
        z = np.zeros(n)
        h = np.broadcast_to(np.asarray(heading_rad, dtype=np.float64), (n,)).copy()
        return cls(xy[:, 0].copy(), xy[:, 1].copy(), h, z.copy(), z.copy(), z.copy())

    def velocity_world(self) -> np.ndarray:
        """Velocity over ground ``(n, 2)`` in the world frame, m/s."""
        c, s = np.cos(self.heading_rad), np.sin(self.heading_rad)
        return np.stack([c * self.u_mps - s * self.v_mps, s * self.u_mps + c * self.v_mps], axis=1)


@dataclass(frozen=True)
class _HullCoefficients:
    """The constant factors of the substep's force terms, computed once per parameter set.

    Each is evaluated exactly as the force expressions group it, so hoisting
    them out of the substep leaves every result bit-identical.
    """

    m11: float
    m22: float
    m66: float
    m11_minus_m22: float
    surge: float
    sway_quadratic: float
    sway_linear: float
    yaw_linear: float
    yaw_quadratic: float
    weight: float

    @classmethod
    def of(cls, p: VesselParams) -> _HullCoefficients:
        m11, m22, m66 = p.mass_matrix_diagonal
        half_rho_t = 0.5 * RHO_WATER * p.draft_m * p.crossflow_cd
        return cls(
            m11=m11,
            m22=m22,
            m66=m66,
            m11_minus_m22=m11 - m22,
            surge=-p.surge_damping,
            sway_quadratic=-half_rho_t * p.length_m,
            sway_linear=0.1 * m22,
            yaw_linear=-(m66 / p.yaw_time_constant_s),
            yaw_quadratic=half_rho_t * p.length_m**4 / 32.0,
            weight=-p.mass_kg * GRAVITY_MPS2,
        )


class VesselFleet:
    """``n`` vessels of one parameter set, stepped together.

    Commands are per-propeller thrusts ``(n, 2)`` (port, starboard), N,
    clipped to the propellers' limits. Environment: a uniform current and
    wind (world-frame vectors, m/s) and an optional :class:`WaveField`.
    """

    def __init__(
        self, params: VesselParams, state: VesselState, max_substep_s: float = 0.05
    ) -> None:
        self.params = params
        self.state = state
        self.max_substep_s = max_substep_s
        self.thrust_n = np.zeros((len(state.x_m), 2))
        self._coefficients = _HullCoefficients.of(params)

    @property
    def size(self) -> int:
        return len(self.state.x_m)

    def set_thrust(self, thrust_n: np.ndarray) -> None:
        """Set per-propeller thrusts ``(n, 2)`` (port, starboard), N, within the limits."""
        p = self.params
        self.thrust_n = np.clip(thrust_n, -p.max_reverse_thrust_n, p.max_thrust_n)

    def step(
        self,
        dt: float,
        time_s: float = 0.0,
        current_mps: np.ndarray | None = None,
        wind_mps: np.ndarray | None = None,
        waves: WaveField | None = None,
    ) -> None:
        """Advance every vessel by ``dt`` seconds (semi-implicit Euler substeps)."""
        if not dt > 0.0:
            raise ValueError(f"VesselFleet: dt must be > 0, got {dt!r}")
        count = max(1, math.ceil(dt / self.max_substep_s - 1e-9))
        h = dt / count
        # What holds over the whole step: the current, the wind and the mean wave drift.
        cur = np.zeros(2) if current_mps is None else np.asarray(current_mps, dtype=np.float64)
        wind = None if wind_mps is None else np.asarray(wind_mps, dtype=np.float64)
        if waves is not None and waves.calm:
            waves = None
        drift = None if waves is None else waves.mean_drift_force_n(self.params.beam_m)[None, :]
        for k in range(count):
            self._substep(h, time_s + k * h, cur, wind, waves, drift)

    def _substep(
        self,
        h: float,
        time_s: float,
        cur: np.ndarray,
        wind: np.ndarray | None,
        waves: WaveField | None,
        drift: np.ndarray | None,
    ) -> None:
        p, s, k = self.params, self.state, self._coefficients
        m11, m22, m66 = k.m11, k.m22, k.m66
        c, sn = np.cos(s.heading_rad), np.sin(s.heading_rad)
        uc = c * cur[0] + sn * cur[1]
        vc = -sn * cur[0] + c * cur[1]
        ur, vr, r = s.u_mps - uc, s.v_mps - vc, s.r_radps
        # Coriolis and centripetal terms of M (rigid body + added mass), x_g = 0.
        cx = m22 * vr * r
        cy = -m11 * ur * r
        cn = k.m11_minus_m22 * ur * vr
        # Damping: linear surge and yaw, quadratic cross-flow drag in sway and yaw.
        dx = k.surge * ur
        dy = k.sway_quadratic * np.abs(vr) * vr - k.sway_linear * vr
        dn = k.yaw_linear * r - k.yaw_quadratic * np.abs(r) * r
        port, stbd = self.thrust_n[:, 0], self.thrust_n[:, 1]
        fx = port + stbd + cx + dx
        fy = cy + dy
        fn = p.propeller_y_m * (stbd - port) + cn + dn
        if wind is not None:
            wx, wy = wind
            # Air velocity relative to the vessel, body frame.
            vw = s.velocity_world()
            rx, ry = wx - vw[:, 0], wy - vw[:, 1]
            ru = c * rx + sn * ry
            rv = -sn * rx + c * ry
            q = 0.5 * RHO_AIR * np.hypot(ru, rv)
            fx = fx + q * 0.7 * p.wind_area_front_m2 * ru
            fy = fy + q * 0.9 * p.wind_area_side_m2 * rv
        if waves is not None and drift is not None:
            xy = np.stack([s.x_m, s.y_m], axis=1)
            force = k.weight * waves.slope(xy, time_s)
            force = force + drift
            fx = fx + c * force[:, 0] + sn * force[:, 1]
            fy = fy - sn * force[:, 0] + c * force[:, 1]
        # The current is uniform and steady, so d(nu_c)/dt in the body frame is r x nu_c.
        s.u_mps = s.u_mps + h * (fx / m11 + r * vc)
        s.v_mps = s.v_mps + h * (fy / m22 - r * uc)
        s.r_radps = s.r_radps + h * fn / m66
        s.heading_rad = s.heading_rad + h * s.r_radps
        c, sn = np.cos(s.heading_rad), np.sin(s.heading_rad)
        s.x_m = s.x_m + h * (c * s.u_mps - sn * s.v_mps)
        s.y_m = s.y_m + h * (sn * s.u_mps + c * s.v_mps)
