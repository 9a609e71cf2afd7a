"""The scenario format, version 1: frozen dataclasses parsed once at the boundary.

Units are SI and stand in field names (``speed_mps``, ``heading_rad``). Lane
positions follow OpenDRIVE: ``road`` and ``lane`` are OpenDRIVE ids, ``s_m`` is
measured along the road's reference line, ``offset_m`` to the left of the lane
centre. Headings are counter-clockwise from +x (east).

The YAML form of a union of tagged classes is a one-key mapping whose key is
the class's ``KIND`` (see :mod:`gauntlet.scenarios.spec`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

from gauntlet.scenarios.criteria_kinds import (  # noqa: F401 - part of the schema's namespace
    BlockedCriterion,
    CollisionCriterion,
    ComfortCriterion,
    Criterion,
    LaneDepartureCriterion,
    MaxDecelerationCriterion,
    MaxJerkCriterion,
    MaxLateralAccelerationCriterion,
    MaxSpeedCriterion,
    MaxYawRateCriterion,
    MinDistanceCriterion,
    MinHeadwayCriterion,
    MinSpeedCriterion,
    MinTimeToCollisionCriterion,
    OffRoadCriterion,
    OutsideRouteLanesCriterion,
    PostEncroachmentTimeCriterion,
    ReachCriterion,
    RedLightCriterion,
    RouteCompletionCriterion,
    ScenarioTimeoutCriterion,
    SpeedingCriterion,
    StackLatencyCriterion,
    StandstillCriterion,
    StopSignCriterion,
    WrongWayCriterion,
)
from gauntlet.scenarios.entities import (  # noqa: F401 - part of the schema's namespace
    Behaviour,
    CruiseBehaviour,
    Dimensions,
    Ego,
    Entity,
    IdleBehaviour,
    IdmBehaviour,
    InitialState,
    Limits,
    MotionModelSpec,
    WalkBehaviour,
)
from gauntlet.scenarios.events import (  # noqa: F401 - part of the schema's namespace
    Action,
    AfterEventTrigger,
    AllTrigger,
    AnyTrigger,
    AssignBehaviourAction,
    DistanceTrigger,
    Event,
    FollowRouteAction,
    FollowTrajectoryAction,
    HeadwayTrigger,
    KeepDistanceAction,
    LaneChangeAction,
    LaneOffsetAction,
    ReachedPositionTrigger,
    SimulationTimeTrigger,
    SpeedAction,
    SpeedTrigger,
    StopAction,
    TeleportAction,
    TimeToCollisionTrigger,
    TrafficLightAction,
    TrajectoryPoint,
    TraveledDistanceTrigger,
    Trigger,
)
from gauntlet.scenarios.literals import (  # noqa: F401 - part of the schema's namespace
    Category,
    EntityType,
    LightState,
    Rule,
    Scalar,
    Shape,
)
from gauntlet.scenarios.positions import (  # noqa: F401 - part of the schema's namespace
    LanePosition,
    Position,
    RelativeLanePosition,
    RelativeWorldPosition,
    WorldPosition,
)
from gauntlet.scenarios.sensing import (  # noqa: F401 - part of the schema's namespace
    V2X,
    EgoSensor,
    EntityV2X,
    HazardBroadcast,
    ObjectSensor,
    PathLoss,
    Perception,
    RoadsidePerception,
    RoadsideUnit,
    SensorMount,
    SpatBroadcast,
    V2XChannel,
)
from gauntlet.scenarios.spec import param

FORMAT_VERSION = 1

# --------------------------------------------------------------------------- map


@dataclass(frozen=True)
class OpenDriveMap:
    """A road network read from an OpenDRIVE file."""

    KIND: ClassVar[str] = "opendrive"
    SHORTHAND: ClassVar[str] = "file"
    file: str = param(
        doc="Path to the .xodr file: relative to the scenario file, else to Gauntlet's assets folder."
    )


@dataclass(frozen=True)
class ProceduralMap:
    """A road network from the procedural generator.

    ``generator`` names one of the procedural maps (straight, curve, x_junction,
    t_junction, roundabout, highway); ``params`` are its keyword arguments,
    checked against the generator's signature when the scenario is built.
    """

    KIND: ClassVar[str] = "procedural"
    generator: str = param(doc="Name of the procedural map generator.")
    params: dict[str, Scalar] = param(doc="Keyword arguments of the generator.", factory=dict)


MapSource = OpenDriveMap | ProceduralMap

#: Semantic classes an imported asset can carry (CARLA's tags, by name).
StaticSemantic = Literal[
    "static",
    "building",
    "wall",
    "fence",
    "pole",
    "traffic_sign",
    "traffic_light",
    "vegetation",
    "terrain",
    "ground",
    "road",
    "sidewalk",
    "bridge",
    "guard_rail",
    "rail_track",
    "water",
    "other",
]


@dataclass(frozen=True)
class AssetPose:
    """Placement of an imported asset: a file point p lands at Rz(heading) (scale p) + (x, y, z)."""

    x_m: float = param(0.0, doc="East coordinate of the asset's origin.")
    y_m: float = param(0.0, doc="North coordinate of the asset's origin.")
    z_m: float = param(0.0, doc="Height of the asset's origin above the map datum.")
    heading_rad: float = param(0.0, doc="Yaw of the asset's frame, counter-clockwise from +x.")
    scale: float = param(1.0, doc="Uniform scale of the file's coordinates.", gt=0.0)


@dataclass(frozen=True)
class StaticGeometry:
    """A mesh or point cloud placed in the world as static geometry, for sensors and collisions.

    Its footprint (the geometry 0.2-2 m above the datum, one convex piece per
    connected part) becomes static obstacles for the collision check.
    """

    SHORTHAND: ClassVar[str] = "file"
    file: str = param(
        doc="A .ply or .obj mesh, or a .pcd or .ply point cloud: relative to the scenario "
        "file, else to Gauntlet's assets folder."
    )
    pose: AssetPose = param(doc="Where the file's frame goes in the world.", factory=AssetPose)
    semantic: StaticSemantic = param("static", doc="Semantic class sensors report for it.")
    kind: Literal["auto", "mesh", "points"] = param(
        "auto", doc="How to read the file; auto: OBJ mesh, PCD points, PLY mesh if it has faces."
    )
    voxel_m: float = param(0.1, doc="Point clouds: edge of the cubes they are meshed with.", gt=0.0)
    collision: bool = param(True, doc="Whether its footprint is an obstacle for collisions.")


# --------------------------------------------------------------------------- signals, stop, criteria


@dataclass(frozen=True)
class SignalPlan:
    """A fixed-time cycle for a group of signals that show the same state."""

    signals: tuple[str, ...] = param(doc="Signal ids from the map.")
    green_s: float = param(20.0, doc="Green time.", gt=0.0)
    yellow_s: float = param(3.0, doc="Yellow time.", ge=0.0)
    red_s: float = param(23.0, doc="Red time.", gt=0.0)
    offset_s: float = param(
        0.0, doc="Time into the cycle at t=0 (cycle starts with green).", ge=0.0
    )


@dataclass(frozen=True)
class StopConditions:
    """When the run ends."""

    duration_s: float = param(30.0, doc="Largest simulated time.", gt=0.0)
    on_collision: bool = param(True, doc="End when the ego collides.")
    when: tuple[Trigger, ...] = param(doc="End as soon as any of these fires.", factory=tuple)


@dataclass(frozen=True)
class ValueRange:
    """Values from ``start`` to ``stop`` (inclusive, within rounding) in ``step`` increments."""

    start: float = param(doc="First value.")
    stop: float = param(doc="Last value (included when a whole number of steps away).")
    step: float = param(doc="Increment.", gt=0.0)


@dataclass(frozen=True)
class RandomRange:
    """A parameter drawn uniformly from ``[low, high]`` for each random sample."""

    low: float = param(doc="Smallest value.")
    high: float = param(doc="Largest value.")


@dataclass(frozen=True)
class Variations:
    """How a logical scenario expands into concrete ones.

    ``grid`` and ``ranges`` combine as a full factorial; with ``random``
    parameters, each grid point is combined with ``samples`` seeded draws
    (Latin hypercube by default). Every concrete scenario gets an id that
    encodes its parameter values and a seed derived from that id.
    """

    grid: dict[str, tuple[Scalar, ...]] = param(
        doc="Parameter values to combine (lists).", factory=dict
    )
    ranges: dict[str, ValueRange] = param(doc="Parameters swept over ranges.", factory=dict)
    random: dict[str, RandomRange] = param(
        doc="Parameters drawn at random per sample.", factory=dict
    )
    samples: int = param(0, doc="Random draws per grid point (needs `random`).", ge=0)
    method: Literal["latin_hypercube", "uniform"] = param(
        "latin_hypercube", doc="How random draws are spread."
    )
    exclude: tuple[dict[str, Scalar], ...] = param(
        doc="Grid points to leave out: each mapping drops the points that match all its values.",
        factory=tuple,
    )


@dataclass(frozen=True)
class SourceInfo:
    """Where a scenario came from: file and the line of every key path."""

    file: str
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)

    def line_of(self, path: tuple[str | int, ...]) -> int | None:
        """Line of ``path``, or of its closest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


@dataclass(frozen=True)
class Scenario:
    """A concrete scenario: everything needed to build and run one world."""

    name: str = param(doc="Scenario name, unique in its file.")
    map: MapSource = param(doc="Road network.")
    entities: tuple[Entity, ...] = param(doc="Road users and obstacles.")
    gauntlet: int = param(FORMAT_VERSION, doc="Format version; must be 1.", ge=1, le=1)
    description: str = param("", doc="What the scenario tests.")
    category: Category = param("typical", doc="Library category.")
    tags: tuple[str, ...] = param(doc="Free-form tags for suites and filters.", factory=tuple)
    seed: int = param(0, doc="Seed of every random generator in the run.", ge=0)
    dt_s: float = param(0.05, doc="Fixed simulation step.", gt=0.0, le=0.5)
    parameters: dict[str, Scalar] = param(
        doc="Values substituted for ${name} in the file.", factory=dict
    )
    ego: Ego = param(doc="The entity the stack under test drives.", factory=Ego)
    storyboard: tuple[Event, ...] = param(doc="Events: triggers and actions.", factory=tuple)
    traffic_lights: tuple[SignalPlan, ...] = param(
        doc="Fixed-time plans for the map's signals.", factory=tuple
    )
    static_geometry: tuple[StaticGeometry, ...] = param(
        doc="Imported 3D geometry (meshes, point clouds) standing in the scene.", factory=tuple
    )
    stop: StopConditions = param(doc="When the run ends.", factory=StopConditions)
    criteria: tuple[Criterion, ...] = param(
        doc="Pass criteria; default: no collision and no off-road for the ego.", factory=tuple
    )
    variations: Variations | None = param(
        None, doc="Parameter sweep that makes this a logical scenario."
    )
    v2x: V2X | None = param(
        None, doc="V2X radio channel, connected traffic and roadside units; null: no V2X."
    )
    domain: Literal["driving"] = param(
        "driving", doc="Which world runs the scenario: driving, the default when the key is absent."
    )
    source: SourceInfo | None = field(default=None, compare=False, repr=False)
    #: The swept parameter values of a concrete scenario from a sweep (not a file key).
    variation: tuple[tuple[str, Scalar], ...] = field(default=(), compare=False, repr=False)

    def entity(self, name: str) -> Entity:
        """The entity called ``name``."""
        for e in self.entities:
            if e.name == name:
                return e
        raise KeyError(name)
