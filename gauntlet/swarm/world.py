"""The swarm world: node bodies of every kind, the environment, and the radio network.

Slot 0 is the base station (fixed, at ``base_m``); every node of the fleet
groups follows in order. Drones and amphibious drones share one reduced
model (:class:`~gauntlet.dynamics.point_mass_drone.PointMassDrones`) or,
with ``model: quadrotor``, the full :class:`~gauntlet.dynamics.fleet.QuadrotorFleet`;
vessels one :class:`~gauntlet.dynamics.vessel.VesselFleet`; ground robots one
:class:`~gauntlet.dynamics.differential_drive.DiffDriveFleet`. The world
steps them under velocity commands (the node autopilots turn those into
actuator commands) in a uniform current, a mean wind with Gauss-Markov gusts
and JONSWAP waves.
"""

from __future__ import annotations

import math

import numpy as np

from gauntlet.dynamics.differential_drive import DiffDriveFleet, DiffDriveParams, DiffDriveState
from gauntlet.dynamics.point_mass_drone import PointMassDroneParams, PointMassDrones
from gauntlet.dynamics.vessel import VesselFleet, VesselParams, VesselState
from gauntlet.dynamics.waves import SeaState, WaveField
from gauntlet.dynamics.wind import MeanWind, WindField
from gauntlet.scenarios.swarm import SwarmScenario
from gauntlet.swarm.control import diff_drive_twist, vessel_thrust
from gauntlet.swarm.network import NetworkParams, SwarmNetwork
from gauntlet.swarm.radio import RadioParams
from gauntlet.swarm.tasks import AGV, AMPHIBIOUS, NODE_KINDS, USV, aerial

ROLE_BASE, ROLE_AGENT, ROLE_CONVOY = 0, 1, 2
#: Correlation time of the gusts, s.
GUST_TIME_S = 1.0


def network_params(scenario: SwarmScenario) -> NetworkParams:
    """The network model of a scenario."""
    spec = scenario.network
    radio = RadioParams(
        tx_power_dbm=spec.tx_power_dbm,
        path_loss_ref_db=spec.path_loss_ref_db,
        path_loss_exponent=spec.path_loss_exponent,
        sensitivity_dbm=spec.sensitivity_dbm,
        margin_50_db=spec.margin_50_db,
        occlusion_loss_db=spec.occlusion_loss_db,
        access_delay_s=spec.access_delay_ms * 1e-3,
        jitter_mean_s=spec.jitter_ms * 1e-3,
        bandwidth_bps=spec.bandwidth_kbps * 1e3,
    )
    return NetworkParams(
        radio=radio,
        beacon_hz=spec.beacon_hz,
        neighbour_timeout_s=spec.neighbour_timeout_s,
        occluders=tuple(tuple(b) for b in spec.occluders),
    )


class _WorldGust:
    """The world's current horizontal gust, as a gust of a :class:`WindField`."""

    def __init__(self, world: SwarmWorld) -> None:
        self.world = world

    def velocity_at(self, time_s: float) -> np.ndarray:
        """The gust the world drew for this tick ``(3,)``, m/s (``time_s`` is the tick's)."""
        gx, gy = self.world.gust_mps
        return np.array([gx, gy, 0.0])


def swarm_wind(
    world: SwarmWorld, mean_wind_mps: tuple[float, float], size: int, rng: np.random.Generator
) -> WindField:
    """The world's wind for ``size`` quadrotors: the mean plus the world's gusts.

    Args:
        world: The world whose gusts (``gust_mps``, drawn in :meth:`SwarmWorld.step`) apply.
        mean_wind_mps: Mean wind (x, y), m/s.
        size: Number of quadrotors.
        rng: The field's generator (unused: no turbulence).

    The mean has no height profile (shear exponent 0: the same at every
    height, as the point-mass drones feel it) and no Dryden turbulence, so
    both drone models fly in the same air.
    """
    wx, wy = (float(v) for v in mean_wind_mps)
    mean = MeanWind(math.hypot(wx, wy), math.atan2(wy, wx), shear_exponent=0.0)
    return WindField(size, mean, rng, turbulence=False, gusts=(_WorldGust(world),))


class SwarmWorld:
    """Bodies, environment and network of one swarm scenario.

    Attributes:
        kind: ``(n,)`` index into :data:`~gauntlet.swarm.tasks.NODE_KINDS` (-1: base).
        role: ``(n,)`` ROLE_BASE, ROLE_AGENT or ROLE_CONVOY.
        join_s: ``(n,)`` time each node joins, s.
        position_m, velocity_mps: ``(n, 3)`` world ENU, refreshed after each step.
        heading_rad: ``(n,)``.
        radius_m, max_speed_mps: ``(n,)`` footprint radius and cruise speed.
    """

    def __init__(self, scenario: SwarmScenario, seed: int) -> None:
        seq = np.random.SeedSequence(seed)
        place_rng, net_rng, wave_rng, gust_rng, self.event_rng = (
            np.random.default_rng(s) for s in seq.spawn(5)
        )
        self.scenario = scenario
        self.dt = scenario.dt_s
        self.tick = 0
        kinds, roles, joins, pos, groups = [-1], [ROLE_BASE], [0.0], [[*scenario.base_m, 0.0]], [-1]
        self.cruise_altitude = [0.0]
        quad = []
        for g, group in enumerate(scenario.fleet):
            k = NODE_KINDS.index(group.kind)
            xy = (
                np.asarray(group.center_m)
                + place_rng.uniform(-1, 1, (group.count, 2)) * group.spread_m
            )
            flies = group.kind in ("drone", "amphibious")
            z = group.altitude_m if flies else 0.0
            for row in xy:
                kinds.append(k)
                roles.append(ROLE_CONVOY if group.role == "convoy" else ROLE_AGENT)
                joins.append(group.join_s)
                pos.append([row[0], row[1], z])
                groups.append(g)
                self.cruise_altitude.append(z)
                quad.append(flies and group.model == "quadrotor")
        self.n = len(kinds)
        self.kind = np.array(kinds, dtype=np.int64)
        self.role = np.array(roles, dtype=np.int64)
        self.join_s = np.array(joins)
        self.group = np.array(groups, dtype=np.int64)
        self.cruise_altitude = np.array(self.cruise_altitude)
        self.position_m = np.array(pos, dtype=np.float64)
        self.velocity_mps = np.zeros((self.n, 3))
        self.heading_rad = np.zeros(self.n)
        quad_mask = np.array([False, *quad])
        self.drone_slots = np.flatnonzero(aerial(self.kind) & ~quad_mask)
        self.quad_slots = np.flatnonzero(quad_mask)
        self.usv_slots = np.flatnonzero(self.kind == USV)
        self.agv_slots = np.flatnonzero(self.kind == AGV)
        self.drone_params = PointMassDroneParams()
        self.vessel_params = VesselParams()
        self.agv_params = DiffDriveParams()
        self.drones = PointMassDrones(
            self.drone_params,
            self.position_m[self.drone_slots],
            amphibious=self.kind[self.drone_slots] == AMPHIBIOUS,
        )
        self.quads = None
        if len(self.quad_slots):
            from gauntlet.dynamics.drone_presets import drone_preset
            from gauntlet.dynamics.fleet import QuadrotorFleet

            preset = drone_preset("industrial")
            self.quads = QuadrotorFleet(
                [preset] * len(self.quad_slots),
                self.position_m[self.quad_slots],
                wind=swarm_wind(
                    self,
                    scenario.environment.wind_mps,
                    len(self.quad_slots),
                    np.random.default_rng(seq.spawn(1)[0]),
                ),
            )
        self.vessels = VesselFleet(
            self.vessel_params, VesselState.at_rest(self.position_m[self.usv_slots, :2])
        )
        self.agvs = DiffDriveFleet(
            self.agv_params, DiffDriveState.at_rest(self.position_m[self.agv_slots, :2])
        )
        self.radius_m = np.full(self.n, self.drone_params.radius_m)
        self.radius_m[self.usv_slots] = 0.5 * self.vessel_params.length_m
        self.radius_m[self.agv_slots] = self.agv_params.radius_m
        self.max_speed_mps = np.full(self.n, 10.0)
        self.max_speed_mps[self.usv_slots] = 0.9 * self.vessel_params.max_speed_mps
        self.max_speed_mps[self.agv_slots] = 0.9 * self.agv_params.max_speed_mps
        self.max_speed_mps[0] = 0.0
        env = scenario.environment
        self.current_mps = np.array(env.current_mps, dtype=np.float64)
        self.mean_wind_mps = np.array(env.wind_mps, dtype=np.float64)
        self.gust_std = env.gust_mps
        self.gust_mps = np.zeros(2)
        self.gust_rng = gust_rng
        self.water = env.surface == "water"
        sea = SeaState(
            env.wave_hs_m, env.wave_tp_s, env.wave_gamma, math.radians(env.wave_direction_deg)
        )
        self.waves = WaveField(sea, wave_rng)
        self.network = SwarmNetwork(network_params(scenario), self.n, self.dt, net_rng)
        self.active = np.zeros(self.n, dtype=bool)
        self.removed = np.zeros(self.n, dtype=bool)
        self.update_membership()

    @property
    def time_s(self) -> float:
        return self.tick * self.dt

    @property
    def wind_mps(self) -> np.ndarray:
        return self.mean_wind_mps + self.gust_mps

    def update_membership(self) -> np.ndarray:
        """Activate nodes whose join time has come; returns the slots that joined now."""
        joining = ~self.active & ~self.removed & (self.join_s <= self.time_s + 1e-9)
        self.active |= joining
        self.network.active[:] = self.active
        return np.flatnonzero(joining)

    def remove(self, slots: np.ndarray) -> None:
        """Take nodes out of the swarm (they stop and fall silent)."""
        self.active[slots] = False
        self.removed[slots] = True
        self.network.active[:] = self.active

    def apply(self, velocity_mps: np.ndarray) -> None:
        """Hand each node's desired world velocity ``(n, 3)`` to its autopilot."""
        if len(self.drone_slots):
            self.drones.command_velocity(velocity_mps[self.drone_slots])
        if self.quads is not None:
            self.quads.controller.command_velocity(velocity_mps[self.quad_slots])
        if len(self.usv_slots):
            s = self.vessels.state
            thrust = vessel_thrust(
                self.vessel_params,
                s.heading_rad,
                s.u_mps,
                s.r_radps,
                velocity_mps[self.usv_slots],
                self.current_mps,
            )
            thrust[~self.active[self.usv_slots]] = 0.0
            self.vessels.set_thrust(thrust)
        if len(self.agv_slots):
            v, w = diff_drive_twist(
                self.agv_params, self.agvs.state.heading_rad, velocity_mps[self.agv_slots]
            )
            off = ~self.active[self.agv_slots]
            v[off] = 0.0
            w[off] = 0.0
            self.agvs.command_twist(v, w)

    def step(self) -> None:
        """Advance bodies and environment by one tick and refresh the node arrays."""
        dt, t = self.dt, self.time_s
        if self.gust_std > 0.0:
            a = math.exp(-dt / GUST_TIME_S)
            self.gust_mps = a * self.gust_mps + self.gust_std * math.sqrt(
                1 - a * a
            ) * self.gust_rng.standard_normal(2)
        wind = self.wind_mps
        if len(self.drone_slots):
            self.drones.step(
                dt, wind_mps=wind, current_mps=self.current_mps if self.water else np.zeros(2)
            )
            self.position_m[self.drone_slots] = self.drones.position_m
            self.velocity_mps[self.drone_slots] = self.drones.velocity_mps
        if self.quads is not None:
            self.quads.step(dt)
            self.position_m[self.quad_slots] = self.quads.position
            self.velocity_mps[self.quad_slots] = self.quads.velocity
        if len(self.usv_slots):
            self.vessels.step(dt, t, self.current_mps, wind, self.waves)
            s = self.vessels.state
            self.position_m[self.usv_slots, 0] = s.x_m
            self.position_m[self.usv_slots, 1] = s.y_m
            self.velocity_mps[self.usv_slots, :2] = s.velocity_world()
            self.heading_rad[self.usv_slots] = s.heading_rad
        if len(self.agv_slots):
            self.agvs.step(dt)
            s = self.agvs.state
            self.position_m[self.agv_slots, 0] = s.x_m
            self.position_m[self.agv_slots, 1] = s.y_m
            self.velocity_mps[self.agv_slots, :2] = s.velocity_world(self.agv_params)
            self.heading_rad[self.agv_slots] = s.heading_rad
        self.tick += 1
