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

from gauntlet.scenarios.spec import param

FORMAT_VERSION = 1

Rule = Literal["<", "<=", ">", ">="]
Shape = Literal["step", "linear", "cubic", "sinusoidal"]
EntityType = Literal["car", "truck", "bus", "motorcycle", "bicycle", "pedestrian", "obstacle"]
Category = Literal["smoke", "typical", "continuous", "v2x", "urban"]
LightState = Literal["red", "yellow", "green", "off"]
Scalar = float | int | str | bool

# --------------------------------------------------------------------------- positions


@dataclass(frozen=True)
class WorldPosition:
    """A pose in the map's world frame."""

    KIND: ClassVar[str] = "world"
    x_m: float = param(doc="East coordinate.")
    y_m: float = param(doc="North coordinate.")
    z_m: float = param(0.0, doc="Height above the map datum.")
    heading_rad: float = param(0.0, doc="Yaw, counter-clockwise from +x.")


@dataclass(frozen=True)
class LanePosition:
    """A position on a lane, in OpenDRIVE road coordinates."""

    KIND: ClassVar[str] = "lane"
    road: str = param(doc="OpenDRIVE road id.")
    lane: int = param(doc="OpenDRIVE lane id (negative: right of the reference line).")
    s_m: float = param(doc="Distance along the road reference line.", ge=0.0)
    offset_m: float = param(0.0, doc="Lateral offset from the lane centre, positive to the left.")
    heading_rad: float = param(0.0, doc="Yaw relative to the lane's driving direction.")


@dataclass(frozen=True)
class RelativeLanePosition:
    """A position on the lanes, relative to another entity."""

    KIND: ClassVar[str] = "relative_lane"
    entity: str = param(doc="The reference entity.")
    ds_m: float = param(0.0, doc="Distance ahead of the entity along its lane (negative: behind).")
    lanes: int = param(0, doc="Lanes to the left of the entity's lane (negative: to the right).")
    offset_m: float = param(0.0, doc="Lateral offset from the target lane's centre.")


@dataclass(frozen=True)
class RelativeWorldPosition:
    """A pose offset from another entity, in its body frame or the world frame."""

    KIND: ClassVar[str] = "relative_world"
    entity: str = param(doc="The reference entity.")
    dx_m: float = param(0.0, doc="Offset along x of the chosen frame.")
    dy_m: float = param(0.0, doc="Offset along y of the chosen frame.")
    dheading_rad: float = param(0.0, doc="Heading offset from the entity's heading.")
    frame: Literal["entity", "world"] = param("entity", doc="Frame of dx_m and dy_m.")


Position = WorldPosition | LanePosition | RelativeLanePosition | RelativeWorldPosition

# --------------------------------------------------------------------------- map


@dataclass(frozen=True)
class OpenDriveMap:
    """A road network read from an OpenDRIVE file."""

    KIND: ClassVar[str] = "opendrive"
    SHORTHAND: ClassVar[str] = "file"
    file: str = param(doc="Path to the .xodr file, relative to the scenario file.")


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


@dataclass(frozen=True)
class Ego:
    """Which entity the stack under test drives, and with which stack."""

    entity: str = param("ego", doc="Name of the ego entity.")
    stack: str = param("reference", doc="Stack name (entry point) or 'module:Class'.")
    params: dict[str, Any] = param(doc="Keyword arguments for the stack.", factory=dict)
    step_budget_s: float | None = param(
        None, doc="Largest time a stack step may take; exceeding it fails the run.", gt=0.0
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
    """

    KIND: ClassVar[str] = "speed"
    entity: str = param(doc="Entity whose speed changes.")
    target_mps: float = param(doc="Target speed.", ge=0.0)
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
    x_m: float = param(doc="East coordinate.")
    y_m: float = param(doc="North coordinate.")
    heading_rad: float | None = param(None, doc="Yaw; default the direction of travel.")


@dataclass(frozen=True)
class FollowTrajectoryAction:
    """Follow a timed polyline exactly (a scripted actor)."""

    KIND: ClassVar[str] = "follow_trajectory"
    entity: str = param(doc="Entity that follows the trajectory.")
    points: tuple[TrajectoryPoint, ...] = param(
        doc="Timed vertices, at least two, times increasing."
    )
    timing: Literal["relative", "absolute"] = param(
        "relative", doc="Whether t_s counts from the action start or the scenario start."
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
class CollisionCriterion:
    """The entity must not collide with anything."""

    KIND: ClassVar[str] = "collision"
    entity: str = param("ego", doc="Entity that must not collide.")
    at_fault_only: bool = param(
        False, doc="Fail only on collisions the entity is at fault for (see docs/evaluation.md)."
    )


@dataclass(frozen=True)
class OffRoadCriterion:
    """The entity must stay on the drivable area."""

    KIND: ClassVar[str] = "off_road"
    entity: str = param("ego", doc="Entity that must stay on drivable area.")


@dataclass(frozen=True)
class ReachCriterion:
    """The entity must reach a goal position before the run ends."""

    KIND: ClassVar[str] = "reach"
    position: Position = param(doc="Goal position.")
    entity: str = param("ego", doc="Entity that must reach the goal.")
    tolerance_m: float = param(3.0, doc="Radius around the goal.", gt=0.0)


@dataclass(frozen=True)
class MinTimeToCollisionCriterion:
    """The entity's time to collision must stay above a threshold."""

    KIND: ClassVar[str] = "min_ttc"
    threshold_s: float = param(doc="Smallest allowed time to collision.", gt=0.0)
    entity: str = param("ego", doc="Entity whose TTC to others is measured.")


@dataclass(frozen=True)
class MinDistanceCriterion:
    """The entity's gap to others must stay above a threshold."""

    KIND: ClassVar[str] = "min_distance"
    threshold_m: float = param(doc="Smallest allowed bounding-box gap.", ge=0.0)
    entity: str = param("ego", doc="Entity whose gap to others is measured.")
    other: str | None = param(None, doc="Only this entity; default any other.")


@dataclass(frozen=True)
class MaxDecelerationCriterion:
    """The entity must not brake harder than a threshold."""

    KIND: ClassVar[str] = "max_decel"
    threshold_mps2: float = param(doc="Largest allowed deceleration.", gt=0.0)
    entity: str = param("ego", doc="Entity measured.")


@dataclass(frozen=True)
class MaxSpeedCriterion:
    """The entity must not drive faster than a threshold."""

    KIND: ClassVar[str] = "max_speed"
    threshold_mps: float = param(doc="Largest allowed speed.", gt=0.0)
    entity: str = param("ego", doc="Entity measured.")


@dataclass(frozen=True)
class StandstillCriterion:
    """The entity must come to rest (e.g. in front of a stopped target)."""

    KIND: ClassVar[str] = "standstill"
    entity: str = param("ego", doc="Entity that must stop.")
    speed_below_mps: float = param(0.1, doc="Speed that counts as standing.", gt=0.0)


@dataclass(frozen=True)
class LaneDepartureCriterion:
    """The entity must stay inside its route lane, except in its route's lane changes.

    It departs when its centre is further from the lane centre than half the
    lane width minus half its own width plus ``tolerance_m``.
    """

    KIND: ClassVar[str] = "lane_departure"
    tolerance_m: float = param(0.3, doc="How far the body may reach over the lane edge.", ge=0.0)
    entity: str = param("ego", doc="Entity that must keep its lane.")


@dataclass(frozen=True)
class WrongWayCriterion:
    """The entity must not drive against its lane's direction for longer than a time."""

    KIND: ClassVar[str] = "wrong_way"
    min_duration_s: float = param(
        1.0, doc="Wrong-way driving shorter than this is tolerated.", ge=0.0
    )
    heading_threshold_rad: float = param(
        1.5707963267948966,
        doc="Angle between direction of motion and lane direction that counts as wrong way.",
        gt=0.0,
        le=3.141592653589793,
    )
    entity: str = param("ego", doc="Entity measured.")


@dataclass(frozen=True)
class RedLightCriterion:
    """The entity's front must not cross the stop line of a red signal on its route."""

    KIND: ClassVar[str] = "red_light"
    entity: str = param("ego", doc="Entity that must stop at red.")


@dataclass(frozen=True)
class StopSignCriterion:
    """The entity must stop before every stop sign (OpenDRIVE type 206) on its route."""

    KIND: ClassVar[str] = "stop_sign"
    stop_speed_mps: float = param(0.5, doc="Speed that counts as stopped.", gt=0.0)
    zone_m: float = param(5.0, doc="Distance before the stop line in which to stop.", gt=0.0)
    entity: str = param("ego", doc="Entity that must stop.")


@dataclass(frozen=True)
class SpeedingCriterion:
    """The entity must not exceed the speed limit of its route's lanes by more than a tolerance."""

    KIND: ClassVar[str] = "speeding"
    tolerance_mps: float = param(0.5, doc="Largest allowed excess over the speed limit.", ge=0.0)
    entity: str = param("ego", doc="Entity measured.")


@dataclass(frozen=True)
class RouteCompletionCriterion:
    """The entity must cover a share of its route to the goal (see docs/evaluation.md)."""

    KIND: ClassVar[str] = "route_completion"
    min_pct: float = param(
        80.0, doc="Smallest share of the route to complete, %.", ge=0.0, le=100.0
    )
    entity: str = param("ego", doc="Entity measured.")


@dataclass(frozen=True)
class ScenarioTimeoutCriterion:
    """The entity must reach the goal before the scenario's duration runs out."""

    KIND: ClassVar[str] = "scenario_timeout"
    position: Position | None = param(None, doc="Goal; default the reach criterion's position.")
    tolerance_m: float = param(3.0, doc="Radius around the goal.", gt=0.0)
    entity: str = param("ego", doc="Entity that must reach the goal.")


@dataclass(frozen=True)
class BlockedCriterion:
    """The entity must not stand still for longer than a time."""

    KIND: ClassVar[str] = "blocked"
    max_duration_s: float = param(90.0, doc="Longest allowed standstill.", gt=0.0)
    speed_below_mps: float = param(0.1, doc="Speed that counts as standing.", gt=0.0)
    entity: str = param("ego", doc="Entity measured.")


@dataclass(frozen=True)
class MinHeadwayCriterion:
    """The entity's time headway to the road user ahead of it must stay above a threshold."""

    KIND: ClassVar[str] = "min_headway"
    threshold_s: float = param(1.0, doc="Smallest allowed time headway.", gt=0.0)
    min_speed_mps: float = param(1.0, doc="Headway is measured only above this speed.", ge=0.0)
    entity: str = param("ego", doc="Follower measured.")


@dataclass(frozen=True)
class PostEncroachmentTimeCriterion:
    """Where the entity's path crosses another's, the two must pass a threshold apart in time."""

    KIND: ClassVar[str] = "pet"
    threshold_s: float = param(1.0, doc="Smallest allowed post-encroachment time.", gt=0.0)
    entity: str = param("ego", doc="Entity measured.")
    other: str | None = param(None, doc="Only this entity; default any other.")


@dataclass(frozen=True)
class MaxJerkCriterion:
    """The entity's longitudinal jerk must stay below a bound."""

    KIND: ClassVar[str] = "max_jerk"
    threshold_mps3: float = param(4.13, doc="Largest allowed absolute longitudinal jerk.", gt=0.0)
    window_s: float = param(0.5, doc="Window of the jerk's difference quotient.", gt=0.0)
    entity: str = param("ego", doc="Entity measured.")


@dataclass(frozen=True)
class MaxLateralAccelerationCriterion:
    """The entity's lateral acceleration (speed times yaw rate) must stay below a bound."""

    KIND: ClassVar[str] = "max_lateral_accel"
    threshold_mps2: float = param(
        4.89, doc="Largest allowed absolute lateral acceleration.", gt=0.0
    )
    entity: str = param("ego", doc="Entity measured.")


@dataclass(frozen=True)
class MaxYawRateCriterion:
    """The entity's yaw rate must stay below a bound."""

    KIND: ClassVar[str] = "max_yaw_rate"
    threshold_radps: float = param(0.95, doc="Largest allowed absolute yaw rate.", gt=0.0)
    entity: str = param("ego", doc="Entity measured.")


@dataclass(frozen=True)
class ComfortCriterion:
    """Every comfort quantity of the entity must stay within nuPlan's bounds."""

    KIND: ClassVar[str] = "comfort"
    min_lon_accel_mps2: float = param(-4.05, doc="Hardest allowed braking.", lt=0.0)
    max_lon_accel_mps2: float = param(2.40, doc="Largest allowed forward acceleration.", gt=0.0)
    max_lat_accel_mps2: float = param(4.89, doc="Largest absolute lateral acceleration.", gt=0.0)
    max_jerk_mps3: float = param(8.37, doc="Largest magnitude of the jerk vector.", gt=0.0)
    max_lon_jerk_mps3: float = param(4.13, doc="Largest absolute longitudinal jerk.", gt=0.0)
    max_yaw_rate_radps: float = param(0.95, doc="Largest absolute yaw rate.", gt=0.0)
    max_yaw_accel_radps2: float = param(1.93, doc="Largest absolute yaw acceleration.", gt=0.0)
    window_s: float = param(0.5, doc="Window of the derivatives' difference quotients.", gt=0.0)
    entity: str = param("ego", doc="Entity measured.")


@dataclass(frozen=True)
class StackLatencyCriterion:
    """A percentile of the stack's step time must stay below a bound."""

    KIND: ClassVar[str] = "stack_latency"
    threshold_ms: float = param(100.0, doc="Largest allowed step time at the percentile.", gt=0.0)
    percentile: float = param(99.0, doc="Percentile of the step times compared.", gt=0.0, le=100.0)


@dataclass(frozen=True)
class MinSpeedCriterion:
    """The entity must keep up with the surrounding traffic (CARLA's minimum-speed test).

    Its route to the goal is cut into ``checkpoints`` equal parts; on each, its
    mean speed must be at least ``min_pct`` % of the mean speed of the other
    vehicles over the same time.
    """

    KIND: ClassVar[str] = "min_speed"
    min_pct: float = param(100.0, doc="Smallest ratio of own to traffic speed, %.", gt=0.0)
    checkpoints: int = param(4, doc="Number of route parts checked.", ge=1)
    entity: str = param("ego", doc="Entity measured.")


@dataclass(frozen=True)
class OutsideRouteLanesCriterion:
    """Share of the completed route the entity drove off the road or in an oncoming lane."""

    KIND: ClassVar[str] = "outside_route_lanes"
    max_pct: float = param(0.0, doc="Largest allowed share, %.", ge=0.0, le=100.0)
    entity: str = param("ego", doc="Entity measured.")


Criterion = (
    CollisionCriterion
    | OffRoadCriterion
    | ReachCriterion
    | MinTimeToCollisionCriterion
    | MinDistanceCriterion
    | MaxDecelerationCriterion
    | MaxSpeedCriterion
    | StandstillCriterion
    | LaneDepartureCriterion
    | WrongWayCriterion
    | RedLightCriterion
    | StopSignCriterion
    | SpeedingCriterion
    | RouteCompletionCriterion
    | ScenarioTimeoutCriterion
    | BlockedCriterion
    | MinHeadwayCriterion
    | PostEncroachmentTimeCriterion
    | MaxJerkCriterion
    | MaxLateralAccelerationCriterion
    | MaxYawRateCriterion
    | ComfortCriterion
    | StackLatencyCriterion
    | MinSpeedCriterion
    | OutsideRouteLanesCriterion
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
    stop: StopConditions = param(doc="When the run ends.", factory=StopConditions)
    criteria: tuple[Criterion, ...] = param(
        doc="Pass criteria; default: no collision and no off-road for the ego.", factory=tuple
    )
    source: SourceInfo | None = field(default=None, compare=False, repr=False)

    def entity(self, name: str) -> Entity:
        """The entity called ``name``."""
        for e in self.entities:
            if e.name == name:
                return e
        raise KeyError(name)
