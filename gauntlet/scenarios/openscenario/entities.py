"""Entities: ``ScenarioObject`` elements to Gauntlet entity types, sizes and limits.

OpenSCENARIO places an entity by its reference point (for vehicles the
rear-axle centre) and gives the bounding box's centre relative to it;
Gauntlet places the box centre. :attr:`EntityInfo.center` keeps the offset so
that positions can be moved to the box centre.

The ego: OpenSCENARIO has no ego flag. The import takes, in this order, the
entity the caller names; the entity with the property ``gauntlet.ego=true``
(or the one the file header's ``gauntlet.ego`` property names); the entity
called ``Ego`` (any case); the first entity.
"""

from __future__ import annotations

from dataclasses import dataclass

from gauntlet.scenarios.openscenario.catalogs import Catalogs
from gauntlet.scenarios.openscenario.nodes import Node
from gauntlet.scenarios.schema import Dimensions, EntityType, Limits

#: Gauntlet entity type of each OpenSCENARIO vehicle category.
VEHICLE_CATEGORIES: dict[str, EntityType] = {
    "car": "car",
    "van": "car",
    "truck": "truck",
    "bus": "bus",
    "motorbike": "motorcycle",
    "bicycle": "bicycle",
}
#: Pedestrian categories Gauntlet moves as pedestrians.
PEDESTRIAN_CATEGORIES = ("pedestrian", "wheelchair")
EGO_PROPERTY = "gauntlet.ego"


@dataclass(frozen=True)
class EntityInfo:
    """What the import knows about one entity."""

    name: str
    type: EntityType
    node: Node
    dimensions: Dimensions
    limits: Limits
    center: tuple[float, float] = (0.0, 0.0)
    ego_hint: bool = False


def read_entities(entities: Node, catalogs: Catalogs) -> list[EntityInfo]:
    """Read every ``ScenarioObject`` of an ``Entities`` element."""
    found: list[EntityInfo] = []
    names: set[str] = set()
    for child in entities.children():
        if child.tag != "ScenarioObject":
            raise child.unsupported("(only ScenarioObject entities are supported)")
        name = child.text("name")
        if name in names:
            raise child.error(f"duplicate entity name {name!r}")
        names.add(name)
        found.append(_scenario_object(child, name, catalogs))
    if not found:
        raise entities.error("the scenario has no entities")
    return found


def _scenario_object(node: Node, name: str, catalogs: Catalogs) -> EntityInfo:
    body: Node | None = None
    for child in node.children():
        if child.tag == "CatalogReference":
            body = catalogs.resolve(child)
        elif child.tag in ("Vehicle", "Pedestrian", "MiscObject"):
            body = child
        elif child.tag == "ObjectController":
            child.note(
                "controllers are not simulated: Gauntlet's default behaviour (keep lane and "
                "speed) or the stack under test drives the entity"
            )
        else:
            raise child.unsupported()
    if body is None:
        raise node.error("expected a Vehicle, Pedestrian, MiscObject or CatalogReference")
    if body.tag == "Vehicle":
        return _vehicle(body, name)
    if body.tag == "Pedestrian":
        return _pedestrian(body, name)
    if body.tag == "MiscObject":
        box, center = _bounding_box(body)
        return EntityInfo(name, "obstacle", body, box, Limits(), center, _hint(body))
    raise body.error(f"catalog entry {body.tag} is not an entity")


def _vehicle(node: Node, name: str) -> EntityInfo:
    category = node.text("vehicleCategory")
    if category not in VEHICLE_CATEGORIES:
        raise node.error(
            f"vehicleCategory {category!r} is not supported "
            f"(supported: {', '.join(VEHICLE_CATEGORIES)})"
        )
    box, center = _bounding_box(node)
    max_speed = max_accel = max_decel = max_steer = None
    performance = node.find("Performance")
    if performance is not None:
        max_speed = _positive(performance.opt_num("maxSpeed"))
        max_accel = _positive(performance.opt_num("maxAcceleration"))
        max_decel = _positive(performance.opt_num("maxDeceleration"))
    axles = node.find("Axles")
    if axles is not None:
        front = axles.find("FrontAxle")
        if front is not None:
            max_steer = _positive(front.opt_num("maxSteering"))
        axles.note(
            "axle positions, track and wheel sizes are not carried over; the motion "
            f"model uses the '{VEHICLE_CATEGORIES[category]}' preset's wheelbase"
        )
    limits = Limits(
        max_speed_mps=max_speed,
        max_accel_mps2=max_accel,
        max_decel_mps2=max_decel,
        max_steer_rad=max_steer,
    )
    return EntityInfo(name, VEHICLE_CATEGORIES[category], node, box, limits, center, _hint(node))


def _pedestrian(node: Node, name: str) -> EntityInfo:
    category = node.text("pedestrianCategory", "pedestrian")
    if category not in PEDESTRIAN_CATEGORIES:
        raise node.error(
            f"pedestrianCategory {category!r} is not supported "
            f"(supported: {', '.join(PEDESTRIAN_CATEGORIES)})"
        )
    box, center = _bounding_box(node)
    return EntityInfo(name, "pedestrian", node, box, Limits(), center, _hint(node))


def _bounding_box(node: Node) -> tuple[Dimensions, tuple[float, float]]:
    box = node.need("BoundingBox")
    size = box.need("Dimensions")
    length, width, height = size.num("length"), size.num("width"), size.num("height")
    for key, value in (("length", length), ("width", width), ("height", height)):
        if value <= 0:
            raise size.error(f"{key} must be > 0 for Gauntlet's collision model, got {value}")
    center = box.find("Center")
    offset = (center.num("x", 0.0), center.num("y", 0.0)) if center is not None else (0.0, 0.0)
    return Dimensions(length_m=length, width_m=width, height_m=height), offset


def _positive(value: float | None) -> float | None:
    return value if value is not None and value > 0 else None


def _hint(node: Node) -> bool:
    properties = node.find("Properties")
    if properties is None:
        return False
    return any(
        p.text("name", "") == EGO_PROPERTY and p.text("value", "").lower() == "true"
        for p in properties.children("Property")
    )


def choose_ego(entities: list[EntityInfo], header_hint: str | None, requested: str | None) -> str:
    """The ego entity's name by the rule in this module's docstring.

    Raises:
        KeyError: If ``requested`` or ``header_hint`` names no entity.
    """
    names = [e.name for e in entities]
    for given in (requested, header_hint):
        if given is not None:
            if given not in names:
                raise KeyError(f"no entity {given!r} to be the ego; entities: {', '.join(names)}")
            return given
    hinted = [e.name for e in entities if e.ego_hint]
    if hinted:
        return hinted[0]
    named = [n for n in names if n.lower() == "ego"]
    return named[0] if named else names[0]
