"""Scenario format: road users — dimensions, limits, motion models, initial states, behaviours, the ego."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from gauntlet.scenarios.literals import EntityType, Scalar
from gauntlet.scenarios.positions import Position
from gauntlet.scenarios.sensing import (
    EgoSensor,
    EntityV2X,
    Perception,
)
from gauntlet.scenarios.spec import param

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
