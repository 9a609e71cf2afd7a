"""Perception and V2X sections of the format.

* ``ego.sensors`` mounts sensor models (lidar, camera, radar, IMU, GNSS, wheel
  odometry) on the ego, each from a preset with overrides; the stack finds
  their measurements in its observation;
* ``ego.perception`` makes the ego see through an object-list sensor (range,
  field of view, occlusion, dropout) and read traffic lights only from a
  distance, instead of the ground truth of every object within 150 m;
* ``v2x`` declares the radio channel, the share of connected traffic and the
  roadside units (SPaT/MAP, hazard warnings, cooperative perception, and
  sensor models whose raw measurements they send to the ego);
* an entity's ``v2x`` sets whether it is connected, is an emergency vehicle on
  a run, or warns of itself as a hazard.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from gauntlet.scenarios.positions import Position
from gauntlet.scenarios.spec import param

HazardCause = Literal[
    "stationary_vehicle", "road_works", "accident", "obstacle", "emergency_brake", "slow_vehicle"
]
Jitter = Literal["none", "uniform", "exponential"]
#: Sensor kinds a scenario may declare (the registry names of ``gauntlet.sensors``).
SensorKind = Literal["lidar", "camera", "radar", "imu", "gnss", "wheel_odometry"]

# --------------------------------------------------------------------------- perception


@dataclass(frozen=True)
class ObjectSensor:
    """An object-list sensor: what it covers and what hides objects from it.

    An object is seen when its centre or a corner is within range, within the
    field of view and in line of sight; boxes at least as tall as the lower of
    the sensor's mount and the object block the line of sight.
    """

    range_m: float = param(150.0, doc="Largest distance to a point of an object.", gt=0.0)
    fov_rad: float = param(
        2.0 * math.pi, doc="Horizontal field of view (2 pi: all round).", gt=0.0, le=2.0 * math.pi
    )
    heading_rad: float = param(
        0.0,
        doc="Direction of the field of view: from the vehicle's heading (on a vehicle) or from +x (roadside).",
    )
    occlusion: bool = param(True, doc="Whether other road users and obstacles hide objects.")
    dropout: float = param(
        0.0, doc="Probability that a visible object is missed at one step.", ge=0.0, le=1.0
    )
    height_m: float | None = param(
        None, doc="Mount height; default the vehicle's height, or 5 m at the roadside.", gt=0.0
    )


@dataclass(frozen=True)
class Perception:
    """What the ego's stack perceives, instead of ground truth."""

    objects: ObjectSensor = param(doc="The object-list sensor.", factory=ObjectSensor)
    signal_range_m: float | None = param(
        None,
        doc="Distance to the stop line from which the ego reads a traffic light; null: any.",
        gt=0.0,
    )


# --------------------------------------------------------------------------- sensors


@dataclass(frozen=True)
class SensorMount:
    """Where a sensor sits on the vehicle: body frame (x forward, y left, z up) at its reference point."""

    x_m: float = param(0.0, doc="Forward of the vehicle's reference point (its centre).")
    y_m: float = param(0.0, doc="To the left of the reference point.")
    z_m: float = param(1.8, doc="Above the ground under the reference point.")
    yaw_rad: float = param(0.0, doc="Turn to the left from the vehicle's heading.")
    pitch_rad: float = param(0.0, doc="Pitch about the sensor's y axis (positive: nose down).")
    roll_rad: float = param(0.0, doc="Roll about the sensor's x axis.")


@dataclass(frozen=True)
class EgoSensor:
    """A sensor model on the ego; its latest delivered measurement is in the observation."""

    name: str = param(doc="Unique name; the key of its measurements in the observation's sensors.")
    kind: SensorKind = param(doc="Sensor model.")
    preset: str | None = param(
        None, doc="Named configuration of the kind (lidar: vlp16, hdl64e, os1_128; ...)."
    )
    mount: SensorMount = param(doc="Where it sits on the ego.", factory=SensorMount)
    params: dict[str, Any] = param(
        doc="Overrides of single fields of the kind's configuration.", factory=dict
    )


# --------------------------------------------------------------------------- v2x channel


@dataclass(frozen=True)
class PathLoss:
    """Log-distance path loss with log-normal shadowing.

    A message over ``d`` metres arrives with probability
    ``Phi((tx_power_dbm - reference_loss_db - 10 exponent log10(d) - sensitivity_dbm) / shadowing_db)``.
    """

    exponent: float = param(2.7, doc="Path-loss exponent n (2: free space).", gt=0.0)
    tx_power_dbm: float = param(20.0, doc="Transmit power.")
    reference_loss_db: float = param(47.86, doc="Path loss at 1 m (47.86: 5.9 GHz free space).")
    sensitivity_dbm: float = param(-92.0, doc="Weakest power the receiver decodes.")
    shadowing_db: float = param(
        4.0, doc="Standard deviation of log-normal shadowing (0: a hard edge).", ge=0.0
    )


@dataclass(frozen=True)
class V2XChannel:
    """The radio channel every message crosses."""

    range_m: float = param(300.0, doc="Nothing arrives from farther away.", gt=0.0)
    latency_s: float = param(0.1, doc="Fixed delay from sending to arrival.", ge=0.0)
    jitter: Jitter = param(
        "none",
        doc="Random extra delay: uniform on [0, jitter_s] or exponential with mean jitter_s.",
    )
    jitter_s: float = param(0.0, doc="Scale of the random extra delay.", ge=0.0)
    loss: float = param(
        0.0, doc="Probability that a message is lost, at any distance.", ge=0.0, le=1.0
    )
    path_loss: PathLoss | None = param(
        None, doc="Distance-dependent loss on top of `loss`; null: none."
    )
    max_rate_hz: float | None = param(
        None, doc="Most messages one sender may send per second; null: no cap.", gt=0.0
    )


# --------------------------------------------------------------------------- roadside units


@dataclass(frozen=True)
class SpatBroadcast:
    """Signal phase and timing (SPaT) and the intersection map (MAP) of some signals."""

    signals: tuple[str, ...] = param(doc="Signal ids from the map.")
    rate_hz: float = param(10.0, doc="SPaT messages per second.", gt=0.0)
    map_rate_hz: float = param(1.0, doc="MAP messages per second.", gt=0.0)


@dataclass(frozen=True)
class HazardBroadcast:
    """A hazard warning (DENM / RSI) about a place on the road."""

    cause: HazardCause = param(doc="What the hazard is.")
    position: Position = param(doc="Centre of the hazard.")
    radius_m: float = param(5.0, doc="Extent of the hazard around its centre.", gt=0.0)
    from_s: float = param(0.0, doc="Simulation time the warning starts.", ge=0.0)
    until_s: float | None = param(None, doc="Time the warning ends; null: never.", gt=0.0)
    rate_hz: float = param(5.0, doc="Messages per second.", gt=0.0)


@dataclass(frozen=True)
class RoadsidePerception:
    """A roadside sensor whose object list the unit shares (collective perception)."""

    sensor: ObjectSensor = param(doc="The roadside sensor, at the unit's position.")
    rate_hz: float = param(10.0, doc="CPM messages per second.", gt=0.0)


#: Sensor kinds a roadside unit may carry (the frame sensors of ``gauntlet.sensors``).
RoadsideSensorKind = Literal["lidar", "camera", "radar"]


@dataclass(frozen=True)
class RoadsideMount:
    """Where a sensor sits on a roadside unit: the unit's frame (x along its heading, y left, z up).

    The frame's origin is the unit's position on the map datum (z = 0); its
    heading is the heading of the unit's position (``heading_rad`` of a world
    position, the lane's direction of a lane position).
    """

    x_m: float = param(0.0, doc="Along the unit's heading from its position.")
    y_m: float = param(0.0, doc="To the left of the unit's position.")
    z_m: float = param(5.0, doc="Above the map datum: the height of the unit's mast.")
    yaw_rad: float = param(0.0, doc="Turn to the left from the unit's heading.")
    pitch_rad: float = param(0.0, doc="Pitch about the sensor's y axis (positive: nose down).")
    roll_rad: float = param(0.0, doc="Roll about the sensor's x axis.")


@dataclass(frozen=True)
class RoadsideSensor:
    """A sensor model on a roadside unit; its measurements reach the ego over the V2X channel."""

    name: str = param(
        doc="Unique name on the unit; the ego's observation holds its measurements under `rsu:<unit>/<name>`."
    )
    kind: RoadsideSensorKind = param(doc="Sensor model.")
    preset: str | None = param(
        None, doc="Named configuration of the kind (lidar: vlp16, hdl64e, os1_128; ...)."
    )
    mount: RoadsideMount = param(doc="Where it sits on the unit.", factory=RoadsideMount)
    params: dict[str, Any] = param(
        doc="Overrides of single fields of the kind's configuration.", factory=dict
    )


@dataclass(frozen=True)
class RoadsideUnit:
    """A roadside unit: a fixed radio station that broadcasts what it knows."""

    name: str = param(doc="Unique name; the sender of its messages.")
    position: Position = param(doc="Where the unit (and its sensor) stands.")
    spat: SpatBroadcast | None = param(None, doc="Signal phase and timing it broadcasts.")
    hazards: tuple[HazardBroadcast, ...] = param(
        doc="Hazard warnings it broadcasts.", factory=tuple
    )
    perception: RoadsidePerception | None = param(
        None, doc="Roadside sensor whose objects it shares."
    )
    sensors: tuple[RoadsideSensor, ...] = param(
        doc="Sensor models whose raw measurements it sends to the ego.", factory=tuple
    )


@dataclass(frozen=True)
class V2X:
    """Vehicle-to-everything communication: the channel, connected traffic, roadside units."""

    channel: V2XChannel = param(doc="The radio channel.", factory=V2XChannel)
    penetration: float = param(
        0.0,
        doc="Share of other vehicles that are connected, each drawn from the run's seed.",
        ge=0.0,
        le=1.0,
    )
    bsm_rate_hz: float = param(
        10.0, doc="Basic safety messages (BSM/CAM) per second of a connected vehicle.", gt=0.0
    )
    roadside_units: tuple[RoadsideUnit, ...] = param(doc="Roadside units.", factory=tuple)


@dataclass(frozen=True)
class EntityV2X:
    """An entity's radio: connected or not, and what it announces about itself."""

    connected: bool | None = param(
        None,
        doc="Whether it sends and receives; null: the ego and emergency vehicles are, other vehicles are drawn with v2x.penetration.",
    )
    emergency: bool = param(
        False, doc="An emergency vehicle on a run: its messages carry the emergency flag."
    )
    hazard: HazardCause | None = param(
        None, doc="Hazard it warns of at its own position while it stands still."
    )
