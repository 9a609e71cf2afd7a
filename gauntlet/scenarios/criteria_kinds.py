"""Pass criteria a scenario can declare, with their thresholds.

Each kind is evaluated by :mod:`gauntlet.evaluation.criteria`; defaults and
units are in the field declarations and in docs/evaluation.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from gauntlet.scenarios.positions import Position
from gauntlet.scenarios.spec import param


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
