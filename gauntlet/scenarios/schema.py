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
from typing import Any, ClassVar, Literal

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

Rule = Literal["<", "<=", ">", ">="]
Shape = Literal["step", "linear", "cubic", "sinusoidal"]
EntityType = Literal["car", "truck", "bus", "motorcycle", "bicycle", "pedestrian", "obstacle"]
Category = Literal["smoke", "typical", "continuous", "v2x", "urban"]
LightState = Literal["red", "yellow", "green", "off"]
Scalar = float | int | str | bool

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


# --------------------------------------------------------------------------- entities


@dataclass(frozen=True)
class Dimensions:
    """Bounding-box size of an entity."""

    length_m: float = param(doc="Length.", gt=0.0)
    width_m: float = param(doc="Width.", gt=0.0)
    height_m: float = param(1.5, doc="Height.", gt=0.0)


@dataclass(frozen=True)
class Limits:
    """Performance limits; an omitted value takes the entity type's preset."""

    max_speed_mps: float | None = param(None, doc="Top speed.", gt=0.0)
    max_accel_mps2: float | None = param(None, doc="Largest forward acceleration.", gt=0.0)
    max_decel_mps2: float | None = param(None, doc="Largest braking deceleration.", gt=0.0)
    max_steer_rad: float | None = param(None, doc="Largest road-wheel steering angle.", gt=0.0)
    max_steer_rate_radps: float | None = param(None, doc="Largest steering rate.", gt=0.0)


@dataclass(frozen=True)
class MotionModelSpec:
    """Which motion model moves the entity, with overrides of its parameters."""

    SHORTHAND: ClassVar[str] = "name"
    name: str = param(
        doc="Registered motion model: kinematic_bicycle, dynamic_single_track, point_mass, pedestrian."
    )
    params: dict[str, Scalar] = param(
        doc="Model parameters (e.g. tyre_model: pacejka).", factory=dict
    )


@dataclass(frozen=True)
class InitialState:
    """Where an entity starts and how fast it moves."""

    position: Position = param(doc="Start pose.")
    speed_mps: float = param(0.0, doc="Start speed along the heading.")


@dataclass(frozen=True)
class IdmBehaviour:
    """Car following by the Intelligent Driver Model, lane changes by MOBIL."""

    KIND: ClassVar[str] = "idm"
    desired_speed_mps: float | None = param(
        None, doc="Free-road speed; default the lane's speed limit.", gt=0.0
    )
    time_headway_s: float = param(1.5, doc="Desired time gap to the leader.", ge=0.0)
    min_gap_m: float = param(2.0, doc="Standstill gap to the leader.", ge=0.0)
    max_accel_mps2: float = param(1.5, doc="IDM maximum acceleration a.", gt=0.0)
    comfort_decel_mps2: float = param(2.0, doc="IDM comfortable deceleration b.", gt=0.0)
    delta: float = param(4.0, doc="IDM acceleration exponent.", gt=0.0)
    lane_changes: bool = param(True, doc="Change lanes by MOBIL.")
    politeness: float = param(0.3, doc="MOBIL politeness factor p.", ge=0.0, le=1.0)
    change_threshold_mps2: float = param(
        0.2, doc="MOBIL acceleration gain needed to change.", ge=0.0
    )
    safe_decel_mps2: float = param(
        4.0, doc="MOBIL largest deceleration imposed on the new follower.", gt=0.0
    )
    obey_signals: bool = param(True, doc="Stop at red and yellow traffic lights.")


@dataclass(frozen=True)
class CruiseBehaviour:
    """Keep the lane at a set speed, ignoring other road users (scripted targets)."""

    KIND: ClassVar[str] = "cruise"
    speed_mps: float | None = param(None, doc="Speed to hold; default the initial speed.", ge=0.0)


@dataclass(frozen=True)
class WalkBehaviour:
    """Walk or ride along a path of waypoints (pedestrians, cyclists)."""

    KIND: ClassVar[str] = "walk"
    path: tuple[Position, ...] = param(doc="Waypoints to visit in order.")
    speed_mps: float = param(1.4, doc="Walking speed.", gt=0.0)
    loop: bool = param(False, doc="Start again from the first waypoint at the end.")
    yield_to_vehicles: bool = param(
        False, doc="Wait at the kerb while a vehicle would reach the crossing within 3 s."
    )


@dataclass(frozen=True)
class IdleBehaviour:
    """Stand still (parked cars, obstacles)."""

    KIND: ClassVar[str] = "idle"


Behaviour = IdmBehaviour | CruiseBehaviour | WalkBehaviour | IdleBehaviour


@dataclass(frozen=True)
class Entity:
    """One road user or obstacle."""

    name: str = param(doc="Unique name, referred to by triggers, actions and criteria.")
    type: EntityType = param(doc="Kind of road user.")
    initial: InitialState = param(doc="Start pose and speed.")
    dimensions: Dimensions | None = param(None, doc="Bounding box; default the type's preset.")
    model: MotionModelSpec | None = param(None, doc="Motion model; default by type.")
    limits: Limits = param(doc="Performance limits.", factory=Limits)
    behaviour: Behaviour | None = param(
        None, doc="Behaviour model of a non-ego entity; default idm for vehicles, idle otherwise."
    )
    route: tuple[Position, ...] = param(
        doc="Waypoints the entity's route passes through, in order.", factory=tuple
    )
    v2x: EntityV2X | None = param(
        None, doc="Its V2X radio; needs the scenario's v2x section. Default: see EntityV2X."
    )


@dataclass(frozen=True)
class Ego:
    """Which entity the stack under test drives, and with which stack."""

    entity: str = param("ego", doc="Name of the ego entity.")
    stack: str = param("reference", doc="Stack name (entry point) or 'module:Class'.")
    params: dict[str, Any] = param(doc="Keyword arguments for the stack.", factory=dict)
    step_budget_s: float | None = param(
        None, doc="Largest time a stack step may take; exceeding it fails the run.", gt=0.0
    )
    perception: Perception | None = param(
        None, doc="What the stack perceives; null: ground truth of every object within 150 m."
    )
    sensors: tuple[EgoSensor, ...] = param(
        doc="Sensor models on the ego; their measurements are in the observation's sensors.",
        factory=tuple,
    )


# --------------------------------------------------------------------------- triggers


@dataclass(frozen=True)
class SimulationTimeTrigger:
    """Fires when the simulation clock passes a time."""

    KIND: ClassVar[str] = "simulation_time"
    SHORTHAND: ClassVar[str] = "value_s"
    value_s: float = param(doc="Simulation time to compare with.", ge=0.0)
    rule: Rule = param(">=", doc="Comparison: time RULE value.")


@dataclass(frozen=True)
class AfterEventTrigger:
    """Fires a delay after another event started."""

    KIND: ClassVar[str] = "after_event"
    SHORTHAND: ClassVar[str] = "event"
    event: str = param(doc="Name of the event that must have started.")
    delay_s: float = param(0.0, doc="Time to wait after that event started.", ge=0.0)


@dataclass(frozen=True)
class DistanceTrigger:
    """Fires on the distance between two entities."""

    KIND: ClassVar[str] = "distance"
    entity: str = param(doc="First entity.")
    other: str = param(doc="Second entity.")
    value_m: float = param(doc="Distance to compare with.", ge=0.0)
    rule: Rule = param("<", doc="Comparison: distance RULE value.")
    freespace: bool = param(True, doc="Measure between bounding boxes instead of centres.")


@dataclass(frozen=True)
class HeadwayTrigger:
    """Fires on the time headway of a follower to its leader."""

    KIND: ClassVar[str] = "headway"
    entity: str = param(doc="Follower.")
    other: str = param(doc="Leader.")
    value_s: float = param(doc="Time headway to compare with.", ge=0.0)
    rule: Rule = param("<", doc="Comparison: headway RULE value.")


@dataclass(frozen=True)
class TimeToCollisionTrigger:
    """Fires on the time to collision between two entities."""

    KIND: ClassVar[str] = "time_to_collision"
    entity: str = param(doc="Follower.")
    other: str = param(doc="The entity it may collide with.")
    value_s: float = param(doc="Time to collision to compare with.", ge=0.0)
    rule: Rule = param("<", doc="Comparison: TTC RULE value.")


@dataclass(frozen=True)
class SpeedTrigger:
    """Fires on an entity's speed."""

    KIND: ClassVar[str] = "speed"
    entity: str = param(doc="Entity whose speed is compared.")
    value_mps: float = param(doc="Speed to compare with.", ge=0.0)
    rule: Rule = param(">=", doc="Comparison: speed RULE value.")


@dataclass(frozen=True)
class ReachedPositionTrigger:
    """Fires when an entity comes within a radius of a position."""

    KIND: ClassVar[str] = "reached_position"
    entity: str = param(doc="Entity that must reach the position.")
    position: Position = param(doc="Target position.")
    tolerance_m: float = param(2.0, doc="Radius around the position.", gt=0.0)


@dataclass(frozen=True)
class TraveledDistanceTrigger:
    """Fires when an entity has travelled a distance."""

    KIND: ClassVar[str] = "traveled_distance"
    entity: str = param(doc="Entity whose odometer is compared.")
    value_m: float = param(doc="Distance travelled since the start.", ge=0.0)


@dataclass(frozen=True)
class AllTrigger:
    """Fires when all of its conditions hold at once."""

    KIND: ClassVar[str] = "all"
    SHORTHAND: ClassVar[str] = "conditions"
    conditions: tuple[Trigger, ...] = param(doc="Fires when every condition holds.")


@dataclass(frozen=True)
class AnyTrigger:
    """Fires when any of its conditions holds."""

    KIND: ClassVar[str] = "any"
    SHORTHAND: ClassVar[str] = "conditions"
    conditions: tuple[Trigger, ...] = param(doc="Fires when at least one condition holds.")


Trigger = (
    SimulationTimeTrigger
    | AfterEventTrigger
    | DistanceTrigger
    | HeadwayTrigger
    | TimeToCollisionTrigger
    | SpeedTrigger
    | ReachedPositionTrigger
    | TraveledDistanceTrigger
    | AllTrigger
    | AnyTrigger
)

# --------------------------------------------------------------------------- actions


@dataclass(frozen=True)
class SpeedAction:
    """Change speed to a target with a transition shape.

    Give ``duration_s``, ``rate_mps2`` or ``distance_m`` for non-step shapes.
    A negative target drives a vehicle backwards along its heading (wheel held
    straight, no car following), no faster than its reverse speed limit (3 m/s
    for the road-vehicle presets); walkers stop instead.
    """

    KIND: ClassVar[str] = "speed"
    entity: str = param(doc="Entity whose speed changes.")
    target_mps: float = param(doc="Target speed; negative: backwards along the heading.")
    shape: Shape = param("linear", doc="Transition shape.")
    duration_s: float | None = param(None, doc="Transition time.", gt=0.0)
    rate_mps2: float | None = param(None, doc="Transition rate (absolute acceleration).", gt=0.0)
    distance_m: float | None = param(None, doc="Distance over which to reach the target.", gt=0.0)


@dataclass(frozen=True)
class LaneChangeAction:
    """Move to another lane along a lateral profile."""

    KIND: ClassVar[str] = "lane_change"
    entity: str = param(doc="Entity that changes lane.")
    lanes: int = param(doc="Lanes to move: positive to the driver's left, negative to the right.")
    duration_s: float = param(4.0, doc="Time the lateral move takes.", gt=0.0)
    shape: Shape = param("cubic", doc="Lateral profile.")


@dataclass(frozen=True)
class LaneOffsetAction:
    """Drift to a lateral offset within the lane."""

    KIND: ClassVar[str] = "lane_offset"
    entity: str = param(doc="Entity that moves sideways.")
    offset_m: float = param(doc="Target offset from the lane centre, positive to the left.")
    duration_s: float = param(2.0, doc="Time the move takes.", gt=0.0)
    shape: Shape = param("cubic", doc="Lateral profile.")


@dataclass(frozen=True)
class FollowRouteAction:
    """Plan and follow a route through waypoints."""

    KIND: ClassVar[str] = "follow_route"
    entity: str = param(doc="Entity that follows the route.")
    waypoints: tuple[Position, ...] = param(doc="Positions the route passes through.")


@dataclass(frozen=True)
class TrajectoryPoint:
    """One timed vertex of a trajectory."""

    t_s: float = param(doc="Time of the vertex (absolute or relative to the action start).")
    x_m: float = param(doc="East coordinate (frame start_pose: ahead of the start pose).")
    y_m: float = param(doc="North coordinate (frame start_pose: left of the start pose).")
    heading_rad: float | None = param(
        None,
        doc="Yaw (frame start_pose: relative to the start heading); default the direction of "
        "travel.",
    )


@dataclass(frozen=True)
class FollowTrajectoryAction:
    """Follow a timed polyline exactly (a scripted actor).

    With ``frame: start_pose`` the points are in the entity's own frame at the
    moment the action starts (x ahead, y to the left, headings relative to its
    heading then): the trajectory starts wherever the entity is.
    """

    KIND: ClassVar[str] = "follow_trajectory"
    entity: str = param(doc="Entity that follows the trajectory.")
    points: tuple[TrajectoryPoint, ...] = param(
        doc="Timed vertices, at least two, times increasing."
    )
    timing: Literal["relative", "absolute"] = param(
        "relative", doc="Whether t_s counts from the action start or the scenario start."
    )
    frame: Literal["world", "start_pose"] = param(
        "world", doc="Frame of the points: the world, or the entity's pose at the action start."
    )


@dataclass(frozen=True)
class TeleportAction:
    """Move an entity to a new pose at once."""

    KIND: ClassVar[str] = "teleport"
    entity: str = param(doc="Entity to move.")
    position: Position = param(doc="New pose.")


@dataclass(frozen=True)
class TrafficLightAction:
    """Force a signal into a state, for a time or until the end."""

    KIND: ClassVar[str] = "traffic_light"
    signal: str = param(doc="Signal id from the map.")
    state: LightState = param(doc="State to set.")
    duration_s: float | None = param(
        None, doc="Hold time before the cycle resumes; default for good.", gt=0.0
    )


@dataclass(frozen=True)
class AssignBehaviourAction:
    """Hand an entity to a behaviour model."""

    KIND: ClassVar[str] = "assign_behaviour"
    entity: str = param(doc="Entity to hand over.")
    behaviour: Behaviour = param(doc="The behaviour that drives it from now on.")


@dataclass(frozen=True)
class StopAction:
    """Brake to a standstill and stay there."""

    KIND: ClassVar[str] = "stop"
    entity: str = param(doc="Entity that stops.")
    decel_mps2: float = param(4.0, doc="Braking deceleration.", gt=0.0)


@dataclass(frozen=True)
class KeepDistanceAction:
    """Reach and hold a distance or time gap to another entity (lane-following vehicles).

    The distance is measured along the entity's heading. It holds until
    another speed, stop, keep-distance or behaviour action on the entity
    replaces it. Give exactly one of ``distance_m`` and ``time_gap_s``. The
    controller is described in docs/behaviours.md.
    """

    KIND: ClassVar[str] = "keep_distance"
    entity: str = param(doc="Entity that keeps the distance.")
    other: str = param(doc="Entity the distance is kept to.")
    distance_m: float | None = param(None, doc="Wanted distance.", ge=0.0)
    time_gap_s: float | None = param(
        None, doc="Wanted time gap: the distance is this times the other's speed.", ge=0.0
    )
    side: Literal["behind", "ahead"] = param(
        "behind", doc="Whether the entity stays behind or ahead of the other."
    )
    freespace: bool = param(
        True, doc="Distance between the bounding boxes (false: between their centres)."
    )
    max_accel_mps2: float | None = param(
        None, doc="Acceleration limit; default the vehicle's.", gt=0.0
    )
    max_decel_mps2: float | None = param(
        None, doc="Deceleration limit (positive); default the vehicle's.", gt=0.0
    )
    max_speed_mps: float | None = param(None, doc="Speed limit; default the vehicle's.", gt=0.0)


Action = (
    SpeedAction
    | LaneChangeAction
    | LaneOffsetAction
    | FollowRouteAction
    | FollowTrajectoryAction
    | TeleportAction
    | TrafficLightAction
    | AssignBehaviourAction
    | StopAction
    | KeepDistanceAction
)


@dataclass(frozen=True)
class Event:
    """Actions that start together when a trigger fires (once)."""

    name: str = param(doc="Unique event name.")
    trigger: Trigger = param(doc="Start condition.")
    actions: tuple[Action, ...] = param(doc="Actions started when the trigger fires.")


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
    source: SourceInfo | None = field(default=None, compare=False, repr=False)
    #: The swept parameter values of a concrete scenario from a sweep (not a file key).
    variation: tuple[tuple[str, Scalar], ...] = field(default=(), compare=False, repr=False)

    def entity(self, name: str) -> Entity:
        """The entity called ``name``."""
        for e in self.entities:
            if e.name == name:
                return e
        raise KeyError(name)
