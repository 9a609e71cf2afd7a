"""Scenario format: the storyboard's triggers, actions and events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from gauntlet.scenarios.entities import Behaviour
from gauntlet.scenarios.literals import LightState, Rule, Shape
from gauntlet.scenarios.positions import Position
from gauntlet.scenarios.spec import param

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
