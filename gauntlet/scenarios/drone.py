"""The drone scenario format (``domain: drone``): quadrotors, missions, obstacles, wind, airspace.

A drone scenario places one or more quadrotors of a preset (``crazyflie``,
``agile``, ``industrial``; see ``docs/drones.md``) in a world of obstacles
(trees, poles, buildings, boxes, wires, a seeded forest, boxes that appear or
move), wind (Beaufort level, Dryden turbulence, gusts) and no-fly zones
(cylinders, prisms with altitude bands, GeoJSON files), gives each a mission
(goal, waypoints, patrol loop, hover point), and scores the run with
criteria. Coordinates are world ENU metres (x east, y north, z up, the
ground at ``z = 0``); angles in degrees where the key says ``_deg``.

Positions are lists: ``[x, y]`` in plan or ``[x, y, z]`` in space; their
field types fix the lengths, which the converter checks. The world around
the drones (obstacles, wind, airspace) is declared in
:mod:`gauntlet.scenarios.drone_world`; its names are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from gauntlet.scenarios.domains import DomainCategory, MissionHeader
from gauntlet.scenarios.drone_world import (
    XY,
    XYZ,
    Box,
    Building,
    CylinderNoFly,
    Forest,
    GeoJsonNoFly,
    GustSpec,
    Intruder,
    MovingBox,
    NoFlyZone,
    Obstacle,
    Pole,
    PrismNoFly,
    Rectangle,
    Tree,
    WindSpec,
    Wire,
)
from gauntlet.scenarios.errors import ScenarioError, error_at
from gauntlet.scenarios.references import unique_names
from gauntlet.scenarios.spec import param

PresetName = Literal["crazyflie", "agile", "industrial"]

# --------------------------------------------------------------------------- missions


@dataclass(frozen=True)
class GoalMission:
    """Fly to a goal position and stop there."""

    KIND: ClassVar[str] = "goal"
    SHORTHAND: ClassVar[str] = "position_m"
    position_m: XYZ = param(doc="Goal [x, y, z], m.")
    tolerance_m: float = param(1.0, doc="Distance at which the goal counts as reached, m.", gt=0.0)


@dataclass(frozen=True)
class WaypointsMission:
    """Fly a path through waypoints in order (the path between them is the tracking reference)."""

    KIND: ClassVar[str] = "waypoints"
    SHORTHAND: ClassVar[str] = "points_m"
    points_m: tuple[XYZ, ...] = param(doc="Waypoints [x, y, z], m.")
    tolerance_m: float = param(1.0, doc="Distance at which a waypoint counts as passed, m.", gt=0.0)


@dataclass(frozen=True)
class PatrolMission:
    """Fly a closed loop through the points again and again until the run ends."""

    KIND: ClassVar[str] = "patrol"
    SHORTHAND: ClassVar[str] = "points_m"
    points_m: tuple[XYZ, ...] = param(doc="Loop corners [x, y, z], m.")
    tolerance_m: float = param(2.0, doc="Distance at which a corner counts as passed, m.", gt=0.0)


@dataclass(frozen=True)
class HoverMission:
    """Hold a position."""

    KIND: ClassVar[str] = "hover"
    SHORTHAND: ClassVar[str] = "position_m"
    position_m: XYZ = param(doc="Hover point [x, y, z], m.")


Mission = GoalMission | WaypointsMission | PatrolMission | HoverMission


@dataclass(frozen=True)
class Drone:
    """One quadrotor under test, flown by the scenario's stack."""

    mission: Mission = param(doc="What the drone has to do.")
    name: str = param("drone", doc="Drone name, unique in the scenario.")
    preset: PresetName = param("agile", doc="Airframe, controller and battery preset.")
    start_m: XYZ = param(doc="Start position [x, y, z], m.", factory=lambda: (0.0, 0.0, 2.0))
    heading_deg: float = param(0.0, doc="Start heading, counter-clockwise from east, deg.")
    cruise_speed_mps: float = param(5.0, doc="Speed the stack aims for on its way, m/s.", gt=0.0)
    radius_m: float | None = param(
        None, doc="Collision radius, m; default the arm length plus a rotor radius.", gt=0.0
    )
    battery_soc: float = param(1.0, doc="State of charge at the start (0-1).", gt=0.0, le=1.0)
    home_m: XYZ | None = param(
        None, doc="Where a low battery sends it [x, y, z], m; default the start."
    )
    return_reserve_s: float = param(
        120.0, doc="Flight time the stack keeps in hand on its way home, s.", ge=0.0
    )


@dataclass(frozen=True)
class HomeStation:
    """A landing pad where a returning drone gets a fresh battery."""

    swap_battery: bool = param(False, doc="Whether a drone that returns home gets a full battery.")
    swap_time_s: float = param(60.0, doc="Time on the pad for a swap, s.", ge=0.0)
    radius_m: float = param(1.5, doc="Distance from home that counts as arrived, m.", gt=0.0)


# --------------------------------------------------------------------------- sensing, link, timing


@dataclass(frozen=True)
class RingSpec:
    """The 360° perception ring: a levelled spinning lidar on every drone (rays in world azimuth)."""

    azimuths: int = param(72, doc="Rays around the horizon per elevation.", ge=4, le=2048)
    elevations_deg: tuple[float, ...] = param(
        doc="Ray elevations above the horizon, deg.", factory=lambda: (-10.0, 0.0, 10.0)
    )
    rate_hz: float = param(20.0, doc="Scans per second.", gt=0.0, le=200.0)
    max_range_m: float = param(30.0, doc="Farthest return, m.", gt=0.0)
    noise_m: float = param(0.02, doc="Standard deviation of the range noise, m.", ge=0.0)


@dataclass(frozen=True)
class LinkSpec:
    """The remote link between stack and flight controller."""

    latency_s: float = param(0.02, doc="Mean one-way command latency, s.", ge=0.0)
    jitter_s: float = param(0.005, doc="Standard deviation of the latency, s.", ge=0.0)
    loss: float = param(0.0, doc="Probability that a command is lost.", ge=0.0, lt=1.0)


@dataclass(frozen=True)
class TimingSpec:
    """Rates of the loop."""

    step_s: float = param(
        0.02, doc="World step: stack decisions and position loops, s.", gt=0.0, le=0.5
    )
    physics_dt_s: float = param(0.004, doc="Longest physics substep, s.", gt=0.0, le=0.02)


@dataclass(frozen=True)
class DroneStop:
    """When the run ends."""

    duration_s: float = param(60.0, doc="Largest simulated time, s.", gt=0.0)
    on_collision: bool = param(True, doc="End at the first collision.")
    on_mission_complete: bool = param(True, doc="End when every goal/waypoint mission is done.")


# --------------------------------------------------------------------------- criteria


@dataclass(frozen=True)
class NoCollisionCriterion:
    """No drone touches an obstacle or the ground."""

    KIND: ClassVar[str] = "no_collision"


@dataclass(frozen=True)
class MinClearanceCriterion:
    """Smallest gap between a drone's collision sphere and any obstacle stays above a bound."""

    KIND: ClassVar[str] = "min_clearance"
    SHORTHAND: ClassVar[str] = "min_m"
    min_m: float = param(doc="Smallest allowed clearance, m.", ge=0.0)


@dataclass(frozen=True)
class StandoffCriterion:
    """Every drone keeps at least ``min_m`` from every wire (inspection stand-off)."""

    KIND: ClassVar[str] = "standoff"
    SHORTHAND: ClassVar[str] = "min_m"
    min_m: float = param(doc="Smallest allowed distance to a wire's surface, m.", gt=0.0)


@dataclass(frozen=True)
class MissionCompleteCriterion:
    """Every goal and waypoint mission is completed (within ``within_s``)."""

    KIND: ClassVar[str] = "mission_complete"
    within_s: float | None = param(None, doc="Latest completion time, s; null: by the end.", gt=0.0)


@dataclass(frozen=True)
class NoFlyZoneCriterion:
    """No drone enters a no-fly zone."""

    KIND: ClassVar[str] = "no_fly_zone"


@dataclass(frozen=True)
class ZoneDistanceCriterion:
    """Every drone keeps at least ``min_m`` from every zone."""

    KIND: ClassVar[str] = "zone_distance"
    SHORTHAND: ClassVar[str] = "min_m"
    min_m: float = param(doc="Smallest allowed distance to a zone, m.", ge=0.0)


@dataclass(frozen=True)
class TrackingErrorCriterion:
    """Distance from the mission's reference (hover point, or the waypoint/patrol path) after ``after_s``."""

    KIND: ClassVar[str] = "tracking_error"
    rms_max_m: float | None = param(None, doc="Largest allowed RMS error, m.", gt=0.0)
    max_m: float | None = param(None, doc="Largest allowed error, m.", gt=0.0)
    after_s: float = param(5.0, doc="Settling time not counted, s.", ge=0.0)


@dataclass(frozen=True)
class AverageSpeedCriterion:
    """Mean ground speed from the start until the mission is complete."""

    KIND: ClassVar[str] = "average_speed"
    SHORTHAND: ClassVar[str] = "min_mps"
    min_mps: float = param(doc="Smallest allowed mean speed, m/s.", ge=0.0)


@dataclass(frozen=True)
class FlightTimeCriterion:
    """The run lasts ``min_s`` with every drone airborne and no battery depleted."""

    KIND: ClassVar[str] = "flight_time"
    SHORTHAND: ClassVar[str] = "min_s"
    min_s: float = param(doc="Flight time to achieve, s.", gt=0.0)


@dataclass(frozen=True)
class BatteryReserveCriterion:
    """No battery falls below ``min_soc``."""

    KIND: ClassVar[str] = "battery_reserve"
    SHORTHAND: ClassVar[str] = "min_soc"
    min_soc: float = param(doc="Lowest allowed state of charge (0-1).", ge=0.0, le=1.0)


@dataclass(frozen=True)
class CommandLatencyCriterion:
    """Measured command-to-actuation latency (the largest) stays under a bound."""

    KIND: ClassVar[str] = "command_latency"
    SHORTHAND: ClassVar[str] = "max_s"
    max_s: float = param(doc="Largest allowed latency, s.", gt=0.0)


DroneCriterion = (
    NoCollisionCriterion
    | MinClearanceCriterion
    | StandoffCriterion
    | MissionCompleteCriterion
    | NoFlyZoneCriterion
    | ZoneDistanceCriterion
    | TrackingErrorCriterion
    | AverageSpeedCriterion
    | FlightTimeCriterion
    | BatteryReserveCriterion
    | CommandLatencyCriterion
)


@dataclass(frozen=True)
class DroneScenario(MissionHeader):
    """A concrete drone scenario: drones, world, wind, airspace, criteria."""

    domain: Literal["drone"] = param("drone", doc="Which world runs the scenario: drone.")
    category: DomainCategory = param("drone", doc="Library category.")
    stack: str = param("drone-reference", doc="The stack that flies every drone.")
    drones: tuple[Drone, ...] = param(doc="The drones under test.", factory=tuple)
    obstacles: tuple[Obstacle, ...] = param(doc="Obstacles.", factory=tuple)
    wind: WindSpec = param(doc="Wind.", factory=WindSpec)
    no_fly_zones: tuple[NoFlyZone, ...] = param(doc="No-fly zones.", factory=tuple)
    zone_margin_m: float = param(
        1.0, doc="Distance the flight controller keeps from zones, m.", ge=0.0
    )
    home: HomeStation = param(doc="The home pad.", factory=HomeStation)
    perception: RingSpec = param(doc="The 360° ring on every drone.", factory=RingSpec)
    link: LinkSpec = param(doc="The command link.", factory=LinkSpec)
    timing: TimingSpec = param(doc="Loop rates.", factory=TimingSpec)
    stop: DroneStop = param(doc="When the run ends.", factory=DroneStop)
    criteria: tuple[DroneCriterion, ...] = param(
        doc="Pass criteria; default: no collision, no zone entered, missions complete.",
        factory=tuple,
    )

    def check(self) -> list[ScenarioError]:
        """Rules across fields: unique names, at least one drone, point counts, ranges, rates."""
        errors: list[ScenarioError] = []
        if not self.drones:
            errors.append(error_at(self.source, ("drones",), "expected at least one drone"))
        unique_names(
            self.source,
            [(("drones", i, "name"), d.name) for i, d in enumerate(self.drones)],
            "drone",
            errors,
        )
        for i, drone in enumerate(self.drones):
            kind = type(drone.mission).KIND
            points = getattr(drone.mission, "points_m", None)
            least = 3 if kind == "patrol" else 1
            if points is not None and len(points) < least:
                errors.append(
                    error_at(
                        self.source,
                        ("drones", i, "mission", kind, "points_m"),
                        f"expected at least {least} points, got {len(points)}",
                    )
                )
        for i, ob in enumerate(self.obstacles):
            path = ("obstacles", i, type(ob).KIND)
            if isinstance(ob, Forest) and not 0 < ob.radius_m[0] <= ob.radius_m[1]:
                errors.append(error_at(self.source, (*path, "radius_m"), "expected 0 < min <= max"))
            if isinstance(ob, Forest) and not (
                ob.area_m[0] < ob.area_m[2] and ob.area_m[1] < ob.area_m[3]
            ):
                errors.append(
                    error_at(
                        self.source, (*path, "area_m"), "expected x_min < x_max and y_min < y_max"
                    )
                )
        for i, zone in enumerate(self.no_fly_zones):
            path = ("no_fly_zones", i, type(zone).KIND)
            if isinstance(zone, PrismNoFly) and len(zone.polygon_m) < 3:
                errors.append(
                    error_at(self.source, (*path, "polygon_m"), "expected at least 3 corners")
                )
            if not isinstance(zone, GeoJsonNoFly) and not zone.floor_m < zone.ceiling_m:
                errors.append(
                    error_at(self.source, (*path, "ceiling_m"), "expected ceiling_m > floor_m")
                )
        if self.timing.physics_dt_s > self.timing.step_s:
            errors.append(
                error_at(self.source, ("timing", "physics_dt_s"), "expected at most timing.step_s")
            )
        return errors


__all__ = [
    "XY", "XYZ", "AverageSpeedCriterion", "BatteryReserveCriterion", "Box", "Building",
    "CommandLatencyCriterion", "CylinderNoFly", "Drone", "DroneCriterion", "DroneScenario",
    "DroneStop", "FlightTimeCriterion", "Forest", "GeoJsonNoFly", "GoalMission", "GustSpec",
    "HomeStation", "HoverMission", "Intruder", "LinkSpec", "MinClearanceCriterion", "Mission",
    "MissionCompleteCriterion", "MovingBox", "NoCollisionCriterion", "NoFlyZone",
    "NoFlyZoneCriterion", "Obstacle", "PatrolMission", "Pole", "PresetName", "PrismNoFly",
    "Rectangle", "RingSpec", "StandoffCriterion", "TimingSpec", "TrackingErrorCriterion", "Tree",
    "WaypointsMission", "WindSpec", "Wire", "ZoneDistanceCriterion",
]  # fmt: skip
