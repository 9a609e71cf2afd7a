"""The ``skill`` domain: robot arms running skills in a table-top scene.

A skill scenario names a robot, a scene (objects on a table, fixtures such as
bins, pallets, holes, drawers, valves and zones), the skill as a list of
primitive steps, and the goals that say whether the skill succeeded::

    domain: skill
    name: pick_and_place
    robot: ${robot}
    parameters: {robot: panda}
    variations: {grid: {robot: [kuka_iiwa, panda, xarm6, ur5e, kinova_gen3]}}
    objects:
      - {name: cube, position_m: [0.45, -0.1], size_m: [0.04, 0.04, 0.04]}
    fixtures:
      - zone: {name: target, position_m: [0.45, 0.15], size_m: [0.1, 0.1]}
    steps:
      - reach: cube
      - grasp: cube
      - lift: {}
      - transport: target
      - place: target
      - release: {}
    goals:
      - object_in: {object: cube, region: target}

With ``plan: true`` and no steps, the planner (:mod:`gauntlet.skills.planner`)
composes the primitives from the goals. Positions are in the world frame (m):
x away from the main robot's base, z up, the table top at z = 0. This module
is the data model only; :mod:`gauntlet.skills` builds and runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from gauntlet.scenarios.domains import DomainCategory, MissionHeader
from gauntlet.scenarios.errors import ScenarioError, error_at
from gauntlet.scenarios.literals import XY, XYZ
from gauntlet.scenarios.references import unique_names
from gauntlet.scenarios.spec import param

RobotName = Literal["kuka_iiwa", "panda", "xarm6", "ur5e", "kinova_gen3"]
ArmName = Literal["main", "helper"]

# --------------------------------------------------------------------------- scene


@dataclass(frozen=True)
class SceneObject:
    """A free rigid object resting on the table."""

    name: str = param(doc="Name steps and goals refer to.")
    shape: Literal["box", "cylinder"] = param("box", doc="Collision shape.")
    size_m: XYZ = param(
        doc="Box: x, y, z edge lengths; cylinder: diameter, diameter, height (m).",
        factory=lambda: (0.04, 0.04, 0.04),
    )
    position_m: tuple[float, ...] = param(
        doc="x, y of the centre on the table (m); a third value raises the base above the table.",
        factory=lambda: (0.45, 0.0),
    )
    yaw_rad: float = param(0.0, doc="Heading about z (rad).")
    mass_kg: float = param(0.1, doc="Mass (kg).", gt=0.0, le=5.0)
    friction: float = param(0.8, doc="Coulomb friction coefficient.", ge=0.0, le=3.0)
    label: str = param("", doc="Class label (colour, kind) used by sorting goals.")
    jitter_m: float = param(
        0.0, doc="Uniform random offset of x and y, drawn from the seed (m).", ge=0.0, le=0.05
    )


@dataclass(frozen=True)
class Zone:
    """A marked rectangle on the table (no collision): a place target and a goal region."""

    KIND: ClassVar[str] = "zone"
    name: str = param(doc="Fixture name.")
    position_m: XY = param(doc="x, y of the centre (m).", factory=lambda: (0.45, 0.0))
    size_m: XY = param(doc="x, y extent (m).", factory=lambda: (0.1, 0.1))


@dataclass(frozen=True)
class Bin:
    """An open box on the table: four walls around a floor."""

    KIND: ClassVar[str] = "bin"
    name: str = param(doc="Fixture name.")
    position_m: XY = param(doc="x, y of the centre (m).", factory=lambda: (0.45, 0.0))
    size_m: XY = param(doc="Inner x, y extent (m).", factory=lambda: (0.2, 0.2))
    wall_height_m: float = param(0.08, doc="Height of the walls (m).", gt=0.0, le=0.3)


@dataclass(frozen=True)
class Pallet:
    """A low platform to stack boxes on."""

    KIND: ClassVar[str] = "pallet"
    name: str = param(doc="Fixture name.")
    position_m: XY = param(doc="x, y of the centre (m).", factory=lambda: (0.45, 0.0))
    size_m: XY = param(doc="x, y extent (m).", factory=lambda: (0.2, 0.2))
    height_m: float = param(0.02, doc="Deck height above the table (m).", gt=0.0, le=0.2)


@dataclass(frozen=True)
class Hole:
    """A block with a square hole for peg insertion."""

    KIND: ClassVar[str] = "hole"
    name: str = param(doc="Fixture name.")
    position_m: XY = param(doc="x, y of the hole axis (m).", factory=lambda: (0.45, 0.0))
    width_m: float = param(0.036, doc="Inner width of the square hole (m).", gt=0.0, le=0.1)
    depth_m: float = param(0.05, doc="Depth of the hole (m).", gt=0.0, le=0.2)


@dataclass(frozen=True)
class Drawer:
    """A cabinet with a drawer that slides towards -x, with a handle on its front."""

    KIND: ClassVar[str] = "drawer"
    name: str = param(doc="Fixture name.")
    position_m: XY = param(
        doc="x, y of the drawer front's centre when closed (m).", factory=lambda: (0.55, 0.0)
    )
    travel_m: float = param(0.2, doc="How far the drawer opens (m).", gt=0.0, le=0.4)
    height_m: float = param(
        0.12, doc="Height of the cabinet the drawer sits on (m).", ge=0.0, le=0.4
    )
    damping: float = param(2.0, doc="Viscous damping of the slide (N s/m).", ge=0.0)


@dataclass(frozen=True)
class Valve:
    """A hand wheel turning about a vertical axis, with a knob on its rim."""

    KIND: ClassVar[str] = "valve"
    name: str = param(doc="Fixture name.")
    position_m: XY = param(doc="x, y of the axis (m).", factory=lambda: (0.5, 0.0))
    radius_m: float = param(0.08, doc="Distance of the knob from the axis (m).", gt=0.02, le=0.2)
    height_m: float = param(0.08, doc="Height of the wheel above the table (m).", gt=0.0, le=0.3)
    friction_nm: float = param(0.2, doc="Dry friction torque of the spindle (N m).", ge=0.0)


Fixture = Zone | Bin | Pallet | Hole | Drawer | Valve

# --------------------------------------------------------------------------- primitives


@dataclass(frozen=True)
class Reach:
    """Move the TCP above a target with a collision-aware approach, then down to it."""

    KIND: ClassVar[str] = "reach"
    SHORTHAND: ClassVar[str] = "target"
    target: str = param(doc="Object or fixture name.")
    arm: ArmName = param("main", doc="Which arm.")
    height_m: float = param(0.0, doc="Extra TCP height above the pre-grasp point (m).", ge=0.0)
    offset_m: float = param(
        0.0, doc="Grasp point offset along the object's long horizontal axis (m)."
    )
    timeout_s: float = param(6.0, doc="Give up after this long (s).", gt=0.0)


@dataclass(frozen=True)
class Grasp:
    """Descend onto a target and close the fingers until both touch it."""

    KIND: ClassVar[str] = "grasp"
    SHORTHAND: ClassVar[str] = "target"
    target: str = param(doc="Object or fixture (drawer handle, valve knob) name.")
    arm: ArmName = param("main", doc="Which arm.")
    offset_m: float = param(
        0.0, doc="Grasp point offset along the object's long horizontal axis (m)."
    )
    min_force_n: float = param(1.0, doc="Contact force each finger must reach (N).", gt=0.0)
    timeout_s: float = param(3.0, doc="Give up after this long (s).", gt=0.0)


@dataclass(frozen=True)
class Release:
    """Open the fingers and back off upwards."""

    KIND: ClassVar[str] = "release"
    arm: ArmName = param("main", doc="Which arm.")
    retreat_m: float = param(0.08, doc="How far to back off upwards after opening (m).", ge=0.0)
    timeout_s: float = param(3.0, doc="Give up after this long (s).", gt=0.0)


@dataclass(frozen=True)
class Lift:
    """Raise the held object straight up."""

    KIND: ClassVar[str] = "lift"
    arm: ArmName = param("main", doc="Which arm.")
    height_m: float = param(0.12, doc="How far to raise (m).", gt=0.0, le=0.5)
    timeout_s: float = param(4.0, doc="Give up after this long (s).", gt=0.0)


@dataclass(frozen=True)
class Transport:
    """Carry the held object to above a target (or by a displacement), avoiding obstacles."""

    KIND: ClassVar[str] = "transport"
    SHORTHAND: ClassVar[str] = "target"
    target: str = param("", doc="Object or fixture to carry to (empty: use by_m).")
    by_m: tuple[float, ...] = param(
        doc="Displacement [x, y, z] (m) when no target is named; a straight move. Empty or 3 numbers.",
        factory=tuple,
    )
    offset_m: tuple[float, ...] = param(
        doc="[x, y] offset from the target (m). Empty or 2 numbers.", factory=tuple
    )
    arm: ArmName = param("main", doc="Which arm.")
    speed_mps: float = param(0.25, doc="TCP speed (m/s).", gt=0.0, le=1.0)
    timeout_s: float = param(8.0, doc="Give up after this long (s).", gt=0.0)


@dataclass(frozen=True)
class Place:
    """Lower the held object onto a support (table zone, pallet, bin, another object)."""

    KIND: ClassVar[str] = "place"
    SHORTHAND: ClassVar[str] = "target"
    target: str = param(doc="Zone, pallet, bin or object to put it on.")
    offset_m: tuple[float, ...] = param(
        doc="[x, y] offset from the target's centre (m). Empty or 2 numbers.", factory=tuple
    )
    arm: ArmName = param("main", doc="Which arm.")
    timeout_s: float = param(6.0, doc="Give up after this long (s).", gt=0.0)


@dataclass(frozen=True)
class Push:
    """Push an object along the table to a target with the closed gripper."""

    KIND: ClassVar[str] = "push"
    object: str = param(doc="Object to push.")
    target: str = param(doc="Zone to push it into.")
    arm: ArmName = param("main", doc="Which arm.")
    tolerance_m: float = param(0.02, doc="Success radius around the target (m).", gt=0.0)
    speed_mps: float = param(0.1, doc="Pushing speed (m/s).", gt=0.0, le=0.5)
    timeout_s: float = param(10.0, doc="Give up after this long (s).", gt=0.0)


@dataclass(frozen=True)
class Insert:
    """Insert the held peg into a hole with a compliant descent and a spiral search."""

    KIND: ClassVar[str] = "insert"
    SHORTHAND: ClassVar[str] = "target"
    target: str = param(doc="Hole fixture.")
    arm: ArmName = param("main", doc="Which arm.")
    compliance: float = param(
        0.3,
        doc="Fraction of the published joint torque the arm may use (compliance).",
        gt=0.0,
        le=1.0,
    )
    search_radius_m: float = param(0.004, doc="Largest radius of the spiral search (m).", ge=0.0)
    timeout_s: float = param(8.0, doc="Give up after this long (s).", gt=0.0)


@dataclass(frozen=True)
class Turn:
    """Turn a grasped valve knob about its axis."""

    KIND: ClassVar[str] = "turn"
    SHORTHAND: ClassVar[str] = "target"
    target: str = param(doc="Valve fixture.")
    angle_rad: float = param(
        1.57, doc="Turn by this much, counter-clockwise seen from above (rad)."
    )
    arm: ArmName = param("main", doc="Which arm.")
    timeout_s: float = param(8.0, doc="Give up after this long (s).", gt=0.0)


Step = Reach | Grasp | Release | Lift | Transport | Place | Push | Insert | Turn

#: Vector keys of steps that are empty (unused) or of a fixed length:
#: step kind -> ((key, length, meaning), ...).
VECTOR_KEYS: dict[str, tuple[tuple[str, int, str], ...]] = {
    "transport": (("by_m", 3, "x, y, z"), ("offset_m", 2, "x, y")),
    "place": (("offset_m", 2, "x, y"),),
}

# --------------------------------------------------------------------------- goals


@dataclass(frozen=True)
class ObjectIn:
    """The object's centre is inside a zone, bin or pallet (x, y), resting below a height."""

    KIND: ClassVar[str] = "object_in"
    object: str = param(doc="Object name.")
    region: str = param(doc="Zone, bin or pallet name.")


@dataclass(frozen=True)
class ObjectOn:
    """The object rests on top of another object (stacking)."""

    KIND: ClassVar[str] = "object_on"
    object: str = param(doc="Object on top.")
    support: str = param(doc="Object below.")
    tolerance_m: float = param(0.02, doc="Largest horizontal offset of the centres (m).", gt=0.0)


@dataclass(frozen=True)
class Inserted:
    """The peg is inside the hole, at least this deep."""

    KIND: ClassVar[str] = "inserted"
    object: str = param(doc="Peg name.")
    hole: str = param(doc="Hole fixture.")
    depth_m: float = param(0.03, doc="Least insertion depth (m).", gt=0.0)


@dataclass(frozen=True)
class Opened:
    """A drawer is open by at least ``distance_m`` (m) or a valve turned by ``angle_rad``."""

    KIND: ClassVar[str] = "opened"
    fixture: str = param(doc="Drawer or valve.")
    amount: float = param(doc="Least opening: m for a drawer, rad for a valve.", gt=0.0)


@dataclass(frozen=True)
class Held:
    """An arm holds the object at the end."""

    KIND: ClassVar[str] = "held"
    object: str = param(doc="Object name.")
    arm: ArmName = param("main", doc="Which arm.")


Goal = ObjectIn | ObjectOn | Inserted | Opened | Held


# --------------------------------------------------------------------------- randomisation


@dataclass(frozen=True)
class Randomisation:
    """Domain randomisation: each run draws perturbations from the seed (relative spreads)."""

    mass_rel: float = param(0.0, doc="Object masses scaled by U(1-x, 1+x).", ge=0.0, lt=1.0)
    friction_rel: float = param(0.0, doc="Friction scaled by U(1-x, 1+x).", ge=0.0, lt=1.0)
    damping_rel: float = param(0.0, doc="Joint damping scaled by U(1-x, 1+x).", ge=0.0, lt=1.0)
    latency_s: float = param(
        0.0, doc="Actuation latency up to this (s), drawn per run.", ge=0.0, le=0.1
    )
    sensor_noise_m: float = param(
        0.0, doc="Std. dev. of object position noise (m).", ge=0.0, le=0.02
    )
    pose_m: float = param(0.0, doc="Uniform offset of object x, y up to this (m).", ge=0.0, le=0.05)


# --------------------------------------------------------------------------- document


@dataclass(frozen=True)
class SkillScenario(MissionHeader):
    """A robot-arm skill in a table-top scene (``domain: skill``)."""

    domain: Literal["skill"] = param("skill", doc="Which world runs the scenario: skill.")
    category: DomainCategory = param("skill", doc="Library category.")
    stack: str = param("skill", doc="The skill executor that drives the arms.")
    skill: str = param("", doc="Skill name shown in reports (default: the scenario name).")
    robot: RobotName = param("panda", doc="The main arm's model.")
    helper_robot: RobotName | None = param(
        None, doc="A second arm facing the first across the table (hand-overs)."
    )
    helper_base_m: XY = param(
        doc="x, y of the helper arm's base (m); it faces -x.", factory=lambda: (1.0, 0.0)
    )
    objects: tuple[SceneObject, ...] = param(doc="Free objects on the table.", factory=tuple)
    fixtures: tuple[Fixture, ...] = param(doc="Fixtures on the table.", factory=tuple)
    steps: tuple[Step, ...] = param(doc="The skill: primitives run in order.", factory=tuple)
    plan: bool = param(False, doc="Compose the steps from the goals with the planner.")
    goals: tuple[Goal, ...] = param(doc="What must hold at the end.", factory=tuple)
    duration_s: float = param(40.0, doc="Time limit of the whole skill (s).", gt=0.0, le=300.0)
    max_contact_force_n: float = param(
        200.0, doc="Largest contact force the gripper may exert on the scene (N).", gt=0.0
    )
    randomisation: Randomisation = param(
        doc="Perturbations drawn per run (domain randomisation).", factory=Randomisation
    )

    def check(self) -> list[ScenarioError]:
        """Names that steps and goals use exist; vectors have the right length."""
        errors: list[ScenarioError] = []
        named = [(("objects", i, "name"), o.name) for i, o in enumerate(self.objects)]
        named += [(("fixtures", i, f.KIND, "name"), f.name) for i, f in enumerate(self.fixtures)]
        names = unique_names(self.source, named, "scene", errors)
        for i, obj in enumerate(self.objects):
            if len(obj.position_m) not in (2, 3):
                errors.append(
                    error_at(self.source, ("objects", i, "position_m"), "expected 2 or 3 numbers")
                )
        for i, step in enumerate(self.steps):
            for key, length, meaning in VECTOR_KEYS.get(step.KIND, ()):
                value = getattr(step, key)
                if value and len(value) != length:
                    errors.append(
                        error_at(
                            self.source,
                            ("steps", i, step.KIND, key),
                            f"expected [] or a list of {length} numbers ({meaning}), "
                            f"got {len(value)}",
                        )
                    )
        if any(getattr(s, "arm", "main") == "helper" for s in self.steps) and not self.helper_robot:
            errors.append(
                error_at(
                    self.source, ("steps",), "steps use arm 'helper' but no helper_robot is set"
                )
            )
        for group, items in (("steps", self.steps), ("goals", self.goals)):
            for i, item in enumerate(items):
                for key in ("target", "object", "region", "support", "hole", "fixture"):
                    ref = getattr(item, key, "")
                    if ref and ref not in names:
                        errors.append(
                            error_at(
                                self.source,
                                (group, i, item.KIND, key),
                                f"unknown name {ref!r}; the scene has: {', '.join(names) or 'nothing'}",
                            )
                        )
        if not self.steps and not self.plan:
            errors.append(
                error_at(self.source, ("steps",), "no steps: give steps or set plan: true")
            )
        return errors
