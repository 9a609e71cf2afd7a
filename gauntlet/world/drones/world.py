"""The drone world: a quadrotor fleet among obstacles, in wind, under an airspace.

:class:`DroneWorld` builds everything from a
:class:`~gauntlet.scenarios.drone.DroneScenario` and a seed, and advances by
one world step per :meth:`DroneWorld.step`. Per step at time ``t``:

1. a ring scan is taken when one is due (:class:`PerceptionRing`);
2. the caller reads :meth:`observation` for each drone and passes one
   :class:`~gauntlet.agents.drone_types.DroneCommand` (or ``None``) per drone;
3. each command is sent over the drone's :class:`CommandLink` at ``t``; the
   newest command that has arrived by ``t`` becomes the flight controller's
   velocity setpoint (so a zero-latency link acts at once);
4. the fleet advances by ``dt`` (the airspace constraint acts inside it, so a
   command into a zone is limited whatever the stack asked for);
5. clearances, zone distances and mission progress are updated and the
   state is recorded (:class:`DroneRecorder`).

A drone that returns to its home pad with ``home.swap_battery`` holds over
the pad for ``swap_time_s`` (ignoring commands) and then has a full battery.

Randomness: one :class:`numpy.random.SeedSequence` from the seed, spawned
into independent generators for the forest, the wind, the ring noise and
each link, so adding a drone does not change the forest.
"""

from __future__ import annotations

import math

import numpy as np

from gauntlet.agents.drone_types import DroneCommand, DroneEpisodeInfo, DroneObservation
from gauntlet.dynamics import GRAVITY_MPS2
from gauntlet.dynamics.airspace import Airspace, CylinderZone, PrismZone, Zone, zones_from_geojson
from gauntlet.dynamics.drone_link import CommandLink, LinkParams
from gauntlet.dynamics.drone_presets import drone_preset
from gauntlet.dynamics.fleet import QuadrotorFleet
from gauntlet.dynamics.wind import Gust, MeanWind, WindField
from gauntlet.library import AssetNotFoundError, resolve_asset, scenario_folder
from gauntlet.scenarios import drone as sd
from gauntlet.scenarios.errors import error_at
from gauntlet.world.drones.mission import MissionProgress
from gauntlet.world.drones.obstacles import ObstacleField, build_obstacles
from gauntlet.world.drones.perception import PerceptionRing
from gauntlet.world.drones.recorder import DroneRecorder


def build_zones(scenario: sd.DroneScenario) -> list[Zone]:
    """The scenario's no-fly zones (GeoJSON files resolved next to the scenario, then in assets/)."""
    zones: list[Zone] = []
    base = scenario_folder(scenario.source.file if scenario.source is not None else None)
    for i, z in enumerate(scenario.no_fly_zones):
        name = z.name if not isinstance(z, sd.GeoJsonNoFly) else ""
        if isinstance(z, sd.CylinderNoFly):
            zones.append(
                CylinderZone(
                    tuple(z.center_m), z.radius_m, z.floor_m, z.ceiling_m, name or f"zone{i}"
                )
            )
        elif isinstance(z, sd.PrismNoFly):
            polygon = tuple((float(p[0]), float(p[1])) for p in z.polygon_m)
            zones.append(PrismZone(polygon, z.floor_m, z.ceiling_m, name or f"zone{i}"))
        else:
            path = ("no_fly_zones", i, "geojson", "file")
            try:
                file = resolve_asset(z.file, base)
                zones.extend(zones_from_geojson(file, tuple(z.origin_lonlat)))
            except AssetNotFoundError as exc:
                raise error_at(scenario.source, path, f"GeoJSON file not found: {exc}") from None
            except (ValueError, KeyError, IndexError) as exc:
                raise error_at(
                    scenario.source, path, f"not a usable GeoJSON zone file: {exc}"
                ) from None
    return zones


def drone_radius_m(drone: sd.Drone) -> float:
    """Collision radius: the scenario's, else the arm length plus a rotor radius, m."""
    if drone.radius_m is not None:
        return drone.radius_m
    frame = drone_preset(drone.preset).airframe
    return frame.arm_length_m + frame.rotor_radius_m


class DroneWorld:
    """Drones, obstacles, wind, airspace, perception and links of one run.

    Args:
        scenario: The concrete scenario.
        seed: The run's seed.
    """

    def __init__(self, scenario: sd.DroneScenario, seed: int) -> None:
        self.scenario = scenario
        self.seed = seed
        self.dt = scenario.timing.step_s
        drones = scenario.drones
        n = len(drones)
        streams = np.random.SeedSequence(seed).spawn(3 + n)
        forest_rng, wind_rng, ring_rng = (np.random.default_rng(s) for s in streams[:3])
        self.missions = [MissionProgress(d.mission, np.asarray(d.start_m, float)) for d in drones]
        keep_clear = [np.asarray(d.start_m) for d in drones]
        for mission in self.missions:
            keep_clear += list(mission.points)
        self.obstacles: ObstacleField = build_obstacles(scenario.obstacles, keep_clear, forest_rng)
        self.zones = build_zones(scenario)
        self.airspace = Airspace(self.zones, scenario.zone_margin_m) if self.zones else None
        w = scenario.wind
        gusts = [Gust(g.start_s, g.rise_s, g.hold_s, tuple(g.amplitude_mps)) for g in w.gusts]
        mean = MeanWind.beaufort(w.beaufort, math.radians(w.direction_deg))
        wind = WindField(n, mean, wind_rng, turbulence=w.turbulence, gusts=gusts)
        self.presets = [drone_preset(d.preset) for d in drones]
        self.fleet = QuadrotorFleet(
            self.presets,
            np.array([d.start_m for d in drones], dtype=np.float64),
            wind=wind,
            heading_rad=np.radians([d.heading_deg for d in drones]),
            physics_dt_s=scenario.timing.physics_dt_s,
            airspace=self.airspace,
        )
        self.fleet.battery.soc[:] = [d.battery_soc for d in drones]
        self.ring = PerceptionRing(scenario.perception, self.obstacles, ring_rng)
        link = LinkParams(scenario.link.latency_s, scenario.link.jitter_s, scenario.link.loss)
        self.links = [CommandLink(link, np.random.default_rng(s)) for s in streams[3:]]
        self.radius_m = np.array([drone_radius_m(d) for d in drones])
        self.home_m = np.array([d.home_m or d.start_m for d in drones], dtype=np.float64)
        self.time_s = 0.0
        self.steps = 0
        e, a = len(self.ring.elevation_rad), len(self.ring.azimuth_rad)
        self.ring_ranges = np.full((n, e, a), np.inf)
        self.ring_time_s = -math.inf
        # The fleet's remaining flight times, worked out once per world time for all observations.
        self._remaining_s: tuple[float, np.ndarray] = (math.nan, np.zeros(0))
        self.collided = np.zeros(n, dtype=bool)
        self.collision_events: list[dict[str, float | str]] = []
        self.pad_until_s = np.full(n, -math.inf)
        self.swaps = np.zeros(n, dtype=np.int64)
        self.modes = ["mission"] * n
        self.clearance_m, self.wire_distance_m = self._clearances()
        self.zone_distance_m = self._zone_distances()
        self.recorder = DroneRecorder(n, len(self.zones))
        self._record(np.zeros((n, 3)))

    # ------------------------------------------------------------------ stacks

    @property
    def size(self) -> int:
        """Number of drones."""
        return self.fleet.size

    def episode_info(self, index: int, scenario_id: str) -> DroneEpisodeInfo:
        """What the stack of drone ``index`` learns at reset."""
        d = self.scenario.drones[index]
        preset = self.presets[index]
        frame, control = preset.airframe, preset.control
        thrust = frame.max_thrust_n * control.thrust_share
        # Braking with the thrust left over at the tilt limit, halved for margin.
        tilt_accel = GRAVITY_MPS2 * math.tan(control.max_tilt_rad)
        spare = math.sqrt(max((thrust / frame.mass_kg) ** 2 - GRAVITY_MPS2**2, 0.0))
        return DroneEpisodeInfo(
            scenario=scenario_id,
            drone=d.name,
            preset=d.preset,
            dt_s=self.dt,
            seed=self.seed,
            mission=type(d.mission).KIND,
            points_m=self.missions[index].points,
            tolerance_m=self.missions[index].tolerance_m,
            cruise_speed_mps=d.cruise_speed_mps,
            max_speed_mps=control.max_speed_xy_mps,
            max_accel_mps2=0.5 * min(tilt_accel, spare),
            velocity_time_constant_s=1.0 / control.velocity_gain_1ps,
            radius_m=float(self.radius_m[index]),
            home_m=self.home_m[index].copy(),
            return_reserve_s=d.return_reserve_s,
            zones=tuple(self.zones),
            zone_margin_m=self.scenario.zone_margin_m,
            ring_azimuth_rad=self.ring.azimuth_rad.copy(),
            ring_elevation_rad=self.ring.elevation_rad.copy(),
            ring_max_range_m=self.scenario.perception.max_range_m,
        )

    def observation(self, index: int) -> DroneObservation:
        """What the stack of drone ``index`` sees now."""
        state = self.fleet.state
        f = self.fleet
        return DroneObservation(
            time_s=self.time_s,
            position_m=f.position[index],
            velocity_mps=f.velocity[index].copy(),
            heading_rad=float(state[index, 2]),
            battery_soc=float(f.battery.soc[index]),
            remaining_flight_s=float(self._remaining_flight_s()[index]),
            ring_ranges_m=self.ring_ranges[index].copy(),
            ring_time_s=self.ring_time_s,
            zone_distance_m=self.zone_distance_m[index].copy(),
            on_pad=bool(math.isfinite(self.pad_until_s[index])),
        )

    def _remaining_flight_s(self) -> np.ndarray:
        time_s, remaining = self._remaining_s
        if time_s != self.time_s:
            remaining = self.fleet.remaining_flight_time_s()
            self._remaining_s = (self.time_s, remaining)
        return remaining

    # ------------------------------------------------------------------ stepping

    def sense(self) -> None:
        """Take a ring scan if one is due (call before reading observations)."""
        if self.ring.scene is not None and self.ring.due(self.time_s):
            self.ring_ranges = self.ring.scan(self.fleet.position, self.time_s)
            self.ring_time_s = self.time_s

    def step(self, commands: list[DroneCommand | None]) -> None:
        """Send the commands, advance by one world step and update the measures."""
        fleet, t = self.fleet, self.time_s
        commanded = np.full((self.size, 3), np.nan)
        for i, (link, command) in enumerate(zip(self.links, commands, strict=True)):
            if command is not None:
                link.send(command, t)
                self.modes[i] = command.mode
            if math.isfinite(self.pad_until_s[i]):
                link.receive(t)  # on the pad: commands are read and ignored
                continue
            acting = link.receive(t)
            if acting is None:
                continue
            heading = acting.heading_rad if math.isfinite(acting.heading_rad) else fleet.state[i, 2]
            fleet.controller.command_velocity(
                np.asarray(acting.velocity_mps)[None], heading, drones=[i]
            )
            commanded[i] = acting.velocity_mps
        fleet.step(self.dt)
        self.time_s = fleet.time_s
        self.steps += 1
        self.clearance_m, self.wire_distance_m = self._clearances()
        self.zone_distance_m = self._zone_distances()
        position = fleet.position
        for i, mission in enumerate(self.missions):
            mission.update(position[i], self.time_s)
        self._update_collisions(position)
        self._update_pads(position)
        self._record(commanded)

    def _clearances(self) -> tuple[np.ndarray, np.ndarray]:
        position = self.fleet.position
        nearest, wire = self.obstacles.distances(position, self.time_s)
        return nearest - self.radius_m, wire - self.radius_m

    def _zone_distances(self) -> np.ndarray:
        if self.airspace is None:
            return np.zeros((self.size, 0))
        return self.airspace.distances(self.fleet.position)

    def _update_collisions(self, position: np.ndarray) -> None:
        ground = position[:, 2] < self.radius_m * 0.5
        hit = (self.clearance_m < 0.0) | ground
        for i in np.flatnonzero(hit & ~self.collided):
            self.collision_events.append(
                {"time_s": self.time_s, "drone": self.scenario.drones[i].name,
                 "with": "ground" if ground[i] else "obstacle",
                 "x_m": float(position[i, 0]), "y_m": float(position[i, 1]), "z_m": float(position[i, 2])}
            )  # fmt: skip
        self.collided |= hit

    def _update_pads(self, position: np.ndarray) -> None:
        home = self.scenario.home
        if not home.swap_battery:
            return
        fleet = self.fleet
        for i in range(self.size):
            if math.isfinite(self.pad_until_s[i]):
                if self.time_s >= self.pad_until_s[i] - 1e-9:
                    fleet.battery.soc[i] = 1.0
                    fleet.battery.v1[i] = 0.0
                    self.swaps[i] += 1
                    self.pad_until_s[i] = -math.inf
                continue
            near = np.linalg.norm(position[i] - self.home_m[i]) < home.radius_m
            slow = np.linalg.norm(fleet.velocity[i]) < 1.0
            if self.modes[i] == "return" and near and slow and fleet.battery.soc[i] < 0.95:
                self.pad_until_s[i] = self.time_s + home.swap_time_s
                fleet.controller.command_waypoint(
                    self.home_m[i][None], fleet.state[i, 2], drones=[i]
                )

    def _record(self, commanded: np.ndarray) -> None:
        f = self.fleet
        self.recorder.append(
            self.time_s, f.position, f.velocity, f.battery.soc, f.electrical_power_w,
            self.clearance_m, self.wire_distance_m, self.zone_distance_m, commanded,
            self.collided,
        )  # fmt: skip
