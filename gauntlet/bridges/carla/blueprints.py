"""The blueprint library the server offers: vehicles, walkers, sensors, props.

Ids, tags and attributes follow CARLA's own library, so scripts that filter
(``library.filter("vehicle.*")``, ``find("vehicle.tesla.model3")``) or read
attributes (``number_of_wheels``, ``base_type``, ``generation``) find what they
expect. Each vehicle and walker names the Gauntlet road-user type it becomes
(its motion model and limits come from that type's preset) and its bounding
box half-extents in metres, which also size the Gauntlet actor.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from gauntlet.bridges.carla.protocol import AttributeType

B, INT, F, S, C = (
    AttributeType.BOOL,
    AttributeType.INT,
    AttributeType.FLOAT,
    AttributeType.STRING,
    AttributeType.RGB_COLOR,
)

#: Sensor-registry index of each sensor's data in the 0.9.16 client.
SENSOR_DATA_TYPE: dict[str, int] = {
    "sensor.other.collision": 0,
    "sensor.camera.depth": 1,
    "sensor.camera.normals": 2,
    "sensor.camera.dvs": 3,
    "sensor.other.gnss": 4,
    "sensor.other.imu": 5,
    "sensor.other.lane_invasion": 6,
    "sensor.other.obstacle": 7,
    "sensor.camera.optical_flow": 8,
    "sensor.other.radar": 9,
    "sensor.lidar.ray_cast_semantic": 10,
    "sensor.lidar.ray_cast": 11,
    "sensor.other.rss": 12,
    "sensor.camera.rgb": 13,
    "sensor.camera.semantic_segmentation": 14,
    "sensor.camera.instance_segmentation": 15,
}


@dataclass(frozen=True)
class Attribute:
    """One blueprint attribute; ``modifiable`` ones can be set before spawning."""

    id: str
    type: AttributeType
    value: str
    recommended: tuple[str, ...] = ()
    modifiable: bool = False
    restrict: bool = False

    def encode(self) -> list:
        """``ActorAttribute`` on the wire."""
        return [
            self.id,
            int(self.type),
            self.value,
            list(self.recommended),
            self.modifiable,
            self.restrict,
        ]


@dataclass(frozen=True)
class Blueprint:
    """One actor definition.

    Attributes:
        id: Blueprint id (``vehicle.tesla.model3``).
        kind: ``vehicle``, ``walker``, ``sensor``, ``prop`` or ``controller``.
        attributes: Attributes in the order the client lists them.
        road_user: Gauntlet entity type of vehicles and walkers (``car``, ``pedestrian``).
        extent: Bounding-box half-extents (x forward, y right, z up), m.
    """

    id: str
    kind: str
    attributes: tuple[Attribute, ...]
    road_user: str | None = None
    extent: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @property
    def tags(self) -> str:
        """Comma-separated tags, as CARLA derives them from the id."""
        return ",".join(self.id.split("."))

    def default(self, key: str) -> str | None:
        """The default value of attribute ``key``."""
        for a in self.attributes:
            if a.id == key:
                return a.value
        return None

    def encode(self, uid: int) -> list:
        """``ActorDefinition`` on the wire."""
        return [uid, self.id, self.tags, [a.encode() for a in self.attributes]]


_COLORS = ("17,37,103", "255,255,255", "40,40,40", "183,10,10", "120,120,120", "0,66,110")


def _role(default: str) -> Attribute:
    return Attribute("role_name", S, default, (default, "hero", "scenario", "ego_vehicle"), True)


def _vehicle(
    bp_id: str,
    road_user: str,
    extent: tuple[float, float, float],
    base_type: str,
    generation: int,
    wheels: int,
    special_type: str = "",
    doors: bool = False,
) -> Blueprint:
    attributes = (
        Attribute("base_type", S, base_type),
        Attribute("color", C, _COLORS[0], _COLORS, True),
        Attribute("generation", INT, str(generation)),
        Attribute("has_dynamic_doors", B, "true" if doors else "false"),
        Attribute("has_lights", B, "true" if generation >= 2 else "false"),
        Attribute("number_of_wheels", INT, str(wheels)),
        Attribute("object_type", S, ""),
        _role("autopilot"),
        Attribute("ros_name", S, "", (), True),
        Attribute("special_type", S, special_type),
        Attribute("sticky_control", B, "true", ("true", "false"), True),
        Attribute("terramechanics", B, "false", ("true", "false"), True),
    )
    return Blueprint(bp_id, "vehicle", attributes, road_user, extent)


def _walker(number: int, age: str, gender: str) -> Blueprint:
    attributes = (
        Attribute("age", S, age),
        Attribute("can_use_wheelchair", B, "false"),
        Attribute("gender", S, gender),
        Attribute("generation", INT, "2"),
        Attribute("is_invincible", B, "true", ("true", "false"), True),
        _role("pedestrian"),
        Attribute("ros_name", S, "", (), True),
        Attribute("speed", F, "1.4", ("1.4", "2.5"), True),
        Attribute("use_wheelchair", B, "false", ("true", "false"), True),
    )
    extent = (0.19, 0.19, 0.93) if age == "adult" else (0.15, 0.15, 0.62)
    return Blueprint(f"walker.pedestrian.{number:04d}", "walker", attributes, "pedestrian", extent)


def _sensor(bp_id: str, specific: tuple[Attribute, ...]) -> Blueprint:
    common = (
        _role("front"),
        Attribute("ros_name", S, "", (), True),
        Attribute("sensor_tick", F, "0.0", (), True),
    )
    return Blueprint(bp_id, "sensor", specific + common)


def _modifiable(*items: tuple[str, AttributeType, str]) -> tuple[Attribute, ...]:
    return tuple(Attribute(k, t, v, (), True) for k, t, v in items)


def _camera(bp_id: str, extra: tuple[tuple[str, AttributeType, str], ...] = ()) -> Blueprint:
    return _sensor(
        bp_id,
        _modifiable(
            ("fov", F, "90.0"),
            ("image_size_x", INT, "800"),
            ("image_size_y", INT, "600"),
            ("lens_circle_falloff", F, "5.0"),
            ("lens_circle_multiplier", F, "0.0"),
            ("lens_k", F, "-1.0"),
            ("lens_kcube", F, "0.0"),
            ("lens_x_size", F, "0.08"),
            ("lens_y_size", F, "0.08"),
            *extra,
        ),
    )


_NOISE = tuple(
    (f"noise_{q}_{axis}", F, "0.0")
    for q in ("accel_stddev", "gyro_bias", "gyro_stddev")
    for axis in "xyz"
)


@cache
def library() -> tuple[Blueprint, ...]:
    """Every blueprint the server offers, sorted by id."""
    vehicles = (
        _vehicle("vehicle.audi.a2", "car", (1.853, 0.897, 0.770), "car", 1, 4),
        _vehicle("vehicle.audi.tt", "car", (2.091, 0.998, 0.693), "car", 1, 4),
        _vehicle("vehicle.bh.crossbike", "bicycle", (0.744, 0.430, 0.543), "bicycle", 1, 2),
        _vehicle("vehicle.carlamotors.carlacola", "truck", (2.602, 1.308, 1.248), "truck", 1, 4),
        _vehicle(
            "vehicle.carlamotors.firetruck",
            "truck",
            (4.235, 1.424, 1.923),
            "truck",
            2,
            4,
            "emergency",
        ),
        _vehicle("vehicle.diamondback.century", "bicycle", (0.822, 0.186, 0.751), "bicycle", 1, 2),
        _vehicle("vehicle.dodge.charger_2020", "car", (2.503, 1.051, 0.776), "car", 2, 4, "", True),
        _vehicle("vehicle.ford.mustang", "car", (2.358, 0.947, 0.650), "car", 1, 4),
        _vehicle(
            "vehicle.harley-davidson.low_rider",
            "motorcycle",
            (1.177, 0.381, 0.638),
            "motorcycle",
            1,
            2,
        ),
        _vehicle("vehicle.lincoln.mkz_2020", "car", (2.445, 1.045, 0.766), "car", 2, 4, "", True),
        _vehicle(
            "vehicle.mercedes.coupe_2020", "car", (2.337, 1.006, 0.735), "car", 2, 4, "", True
        ),
        _vehicle("vehicle.mini.cooper_s_2021", "car", (2.276, 1.058, 0.810), "car", 2, 4, "", True),
        _vehicle("vehicle.mitsubishi.fusorosa", "bus", (5.137, 1.972, 1.968), "bus", 2, 4),
        _vehicle("vehicle.nissan.patrol_2021", "car", (2.783, 1.072, 1.024), "car", 2, 4, "", True),
        _vehicle("vehicle.tesla.model3", "car", (2.396, 1.082, 0.744), "car", 1, 4),
        _vehicle("vehicle.toyota.prius", "car", (2.257, 1.003, 0.762), "car", 1, 4, "electric"),
        _vehicle("vehicle.volkswagen.t2", "car", (2.240, 1.034, 1.003), "van", 1, 4),
        _vehicle("vehicle.yamaha.yzf", "motorcycle", (1.104, 0.433, 0.628), "motorcycle", 1, 2),
    )
    walkers = tuple(
        _walker(k, "child" if k in (9, 10, 11, 12) else "adult", "female" if k % 2 else "male")
        for k in range(1, 15)
    )
    # Both lidars' attributes, in CARLA's (alphabetical) order; the last column says
    # whether the semantic lidar has it too (it has no intensity losses and no noise).
    lidar = (
        ("atmosphere_attenuation_rate", F, "0.004", False),
        ("channels", INT, "32", True),
        ("dropoff_general_rate", F, "0.45", False),
        ("dropoff_intensity_limit", F, "0.8", False),
        ("dropoff_zero_intensity", F, "0.4", False),
        ("horizontal_fov", F, "360.0", True),
        ("lower_fov", F, "-30.0", True),
        ("noise_stddev", F, "0.0", False),
        ("points_per_second", INT, "56000", True),
        ("range", F, "10.0", True),
        ("rotation_frequency", F, "10.0", True),
        ("upper_fov", F, "10.0", True),
    )
    sensors = (
        _camera("sensor.camera.rgb", (("gamma", F, "2.2"), ("motion_blur_intensity", F, "0.45"))),
        _camera("sensor.camera.depth"),
        _camera("sensor.camera.semantic_segmentation"),
        _camera("sensor.camera.instance_segmentation"),
        _sensor("sensor.lidar.ray_cast", _modifiable(*(a[:3] for a in lidar))),
        _sensor("sensor.lidar.ray_cast_semantic", _modifiable(*(a[:3] for a in lidar if a[3]))),
        _sensor(
            "sensor.other.radar",
            _modifiable(
                ("horizontal_fov", F, "30.0"),
                ("points_per_second", INT, "1500"),
                ("range", F, "100.0"),
                ("vertical_fov", F, "30.0"),
            ),
        ),
        _sensor("sensor.other.collision", ()),
        _sensor("sensor.other.lane_invasion", ()),
        _sensor(
            "sensor.other.obstacle",
            _modifiable(
                ("debug_linetrace", B, "false"),
                ("distance", F, "5.0"),
                ("hit_radius", F, "0.5"),
                ("only_dynamics", B, "false"),
            ),
        ),
        _sensor(
            "sensor.other.gnss",
            _modifiable(
                ("noise_alt_bias", F, "0.0"),
                ("noise_alt_stddev", F, "0.0"),
                ("noise_lat_bias", F, "0.0"),
                ("noise_lat_stddev", F, "0.0"),
                ("noise_lon_bias", F, "0.0"),
                ("noise_lon_stddev", F, "0.0"),
                ("noise_seed", INT, "0"),
            ),
        ),
        _sensor("sensor.other.imu", _modifiable(*_NOISE, ("noise_seed", INT, "0"))),
    )
    props = (
        Blueprint(
            "static.prop.constructioncone", "prop", (_role("prop"),), None, (0.17, 0.17, 0.36)
        ),
        Blueprint("static.prop.streetbarrier", "prop", (_role("prop"),), None, (0.18, 0.69, 0.56)),
        Blueprint("static.prop.trafficcone01", "prop", (_role("prop"),), None, (0.25, 0.25, 0.45)),
    )
    controllers = (Blueprint("controller.ai.walker", "controller", (_role("controller"),)),)
    return tuple(sorted((*vehicles, *walkers, *sensors, *props, *controllers), key=lambda b: b.id))


@cache
def by_id() -> dict[str, Blueprint]:
    """The library indexed by blueprint id."""
    return {b.id: b for b in library()}


#: What ``get_spectator`` returns: not in the library, not spawnable.
SPECTATOR = Blueprint("spectator", "spectator", ())
