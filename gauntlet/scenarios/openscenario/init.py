"""The ``Init`` section: where entities start, how fast, on which route or path.

Teleports and step speed changes give each entity's initial state; a
position relative to another entity uses that entity's start (resolved in
whatever order the references need). A trajectory or route assigned here
becomes the entity's path or route. Other Init actions run as events at the
start of the scenario.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.openscenario import actions, routing
from gauntlet.scenarios.openscenario.board import Board
from gauntlet.scenarios.openscenario.context import Fired, ImportContext, Mover
from gauntlet.scenarios.openscenario.entities import EntityInfo
from gauntlet.scenarios.openscenario.nodes import Node
from gauntlet.scenarios.openscenario.parameters import Scope, Value, to_float
from gauntlet.scenarios.openscenario.positions import LANE_TYPES
from gauntlet.scenarios.openscenario.roadmap import Pose
from gauntlet.scenarios.openscenario.triggers import ALWAYS, to_schema


@dataclass
class InitSection:
    """The Init actions, sorted by what they set."""

    teleports: dict[str, Node] = field(default_factory=dict)
    speeds: dict[str, Node] = field(default_factory=dict)
    trajectories: dict[str, Node] = field(default_factory=dict)
    routes: dict[str, Node] = field(default_factory=dict)
    later: list[tuple[str | None, Node]] = field(default_factory=list)
    globals_: list[Node] = field(default_factory=list)


def read_init(init: Node | None, entities: dict[str, EntityInfo]) -> InitSection:
    """Sort the Init actions; the first teleport, speed, trajectory and route of each entity count."""
    section = InitSection()
    if init is None:
        return section
    for holder in init.need("Actions").children():
        if holder.tag == "GlobalAction":
            section.globals_.append(holder)
            continue
        if holder.tag == "UserDefinedAction":
            raise holder.error(
                "user-defined actions are not supported: the import never runs commands"
            )
        if holder.tag != "Private":
            raise holder.unsupported()
        name = holder.text("entityRef")
        if name not in entities:
            raise holder.error(f"unknown entity {name!r}")
        for private in holder.children("PrivateAction"):
            kind = private.choice()
            inner = kind.choice() if kind.tag in ("LongitudinalAction", "RoutingAction") else kind
            table = {
                "TeleportAction": section.teleports,
                "SpeedAction": section.speeds,
                "FollowTrajectoryAction": section.trajectories,
                "AssignRouteAction": section.routes,
            }.get(inner.tag)
            if table is not None and name not in table and _immediate(inner):
                table[name] = inner
            else:
                section.later.append((name, private))
            if inner.tag == "FollowTrajectoryAction" and _timed(inner):
                # A timed trajectory places the entity at its start too (it moves by an event).
                section.trajectories.setdefault(name, inner)
    return section


def _timed(kind: Node) -> bool:
    reference = kind.find("TimeReference")
    return reference is not None and reference.find("Timing") is not None


def _immediate(kind: Node) -> bool:
    """Whether an Init action sets the start state (a step speed change, a placement, ...)."""
    if kind.tag == "FollowTrajectoryAction":
        return not _timed(kind)
    if kind.tag != "SpeedAction":
        return True
    dynamics = kind.need("SpeedActionDynamics")
    return dynamics.text("dynamicsShape") == "step" or dynamics.num("value") == 0.0


def start_poses(section: InitSection, ctx: ImportContext) -> None:
    """Place every entity; fills ``ctx.movers``."""
    busy: set[str] = set()

    def place(name: str, asking: Node | None = None) -> Pose:
        if name in ctx.movers:
            return ctx.movers[name].start
        if name in busy:
            where = asking if asking is not None else ctx.entities[name].node
            raise where.error(f"start positions refer to each other in a circle (through {name!r})")
        busy.add(name)
        info = ctx.entities[name]
        node = section.teleports.get(name)
        if node is not None:
            pose = ctx.placer.pose(node.need("Position"))
        elif name in section.trajectories:
            trajectory = section.trajectories[name]
            node = trajectory
            path = routing.trajectory_path(trajectory, ctx)
            pose = path.at(trajectory.num("initialDistanceOffset", 0.0))
        else:
            raise info.node.error(
                f"entity {name!r} has no start position (no TeleportAction in Init)"
            )
        ctx.movers[name] = Mover(info, pose, node)
        busy.discard(name)
        return pose

    ctx.placer.start_pose = place
    for name in ctx.entities:
        place(name)


def start_motion(section: InitSection, ctx: ImportContext) -> None:
    """Start speeds, movers' kinds, routes and paths."""
    for name, node in section.speeds.items():
        target = node.need("SpeedActionTarget").choice(
            ("AbsoluteTargetSpeed", "RelativeTargetSpeed")
        )
        if target.tag == "AbsoluteTargetSpeed":
            ctx.movers[name].speed_mps = target.num("value")
    for name, node in section.speeds.items():
        target = node.need("SpeedActionTarget").choice()
        if target.tag == "RelativeTargetSpeed":
            base = ctx.movers[target.text("entityRef")].speed_mps
            value = target.num("value")
            how = target.enum("speedTargetValueType", ("delta", "factor"))
            ctx.movers[name].speed_mps = base + value if how == "delta" else base * value
    for name, mover in ctx.movers.items():
        mover.kind = "lane" if name == ctx.ego or _on_lane(mover, ctx) else "path"
        if mover.kind == "path" and mover.info.type in LANE_TYPES and mover.speed_mps > 0:
            (mover.start_node or mover.info.node).note(
                f"{name!r} does not start along a driving lane; it moves straight on at its "
                "planned speed"
            )
    for name, node in section.routes.items():
        if ctx.movers[name].kind != "lane":
            raise node.error(
                f"a route for {name!r}, which does not drive on the lanes, is not supported"
            )
        routing.assign_route_at_start(node, ctx.movers[name], ctx)
    for name, node in section.trajectories.items():
        if not _timed(node):
            routing.follow_trajectory(node, name, Fired(None, 0.0), ctx, at_start=True)


def _on_lane(mover: Mover, ctx: ImportContext) -> bool:
    if mover.info.type not in LANE_TYPES:
        return False
    centre = mover.start.moved(*mover.info.center)
    spot = ctx.roadmap.locate(centre)
    if spot is None:
        return False
    return abs((centre.h - spot.lane_heading + math.pi) % (2 * math.pi) - math.pi) <= math.pi / 2


def init_values(
    section: InitSection, variables: dict[str, Value], parameters: dict[str, Value], scope: Scope
) -> None:
    """Variables and parameters set in Init hold those values from the start.

    ``parameters`` receives the parameters set here; they count for
    ``ParameterCondition`` only (attributes keep the declared values).
    """
    for holder in section.globals_:
        kind = holder.choice()
        if kind.tag == "VariableAction":
            name, table = kind.text("variableRef"), variables
            if name not in variables:
                raise kind.error(f"unknown variable {name!r}")
            current = variables[name]
        elif kind.tag == "ParameterAction":
            name, table = kind.text("parameterRef"), parameters
            try:
                current = parameters.get(name, scope.lookup(name))
            except KeyError:
                raise kind.error(f"unknown parameter {name!r}") from None
        else:
            continue
        body = kind.choice(("SetAction", "ModifyAction"))
        if body.tag == "SetAction":
            table[name] = body.value("value")
            continue
        rule = body.need("Rule").choice(("AddValue", "MultiplyByValue"))
        try:
            number = to_float(current)
        except ValueError as exc:
            raise body.error(str(exc)) from None
        operand = rule.num("value")
        table[name] = number + operand if rule.tag == "AddValue" else number * operand


def start_events(section: InitSection, ctx: ImportContext, board: Board) -> None:
    """Init actions that do not set the start state run as events at the start."""
    for holder in section.globals_:
        kind = holder.choice()
        if kind.tag in ("VariableAction", "ParameterAction"):
            continue
        if kind.tag == "EnvironmentAction":
            kind.note("EnvironmentAction is not simulated by Gauntlet and is left out")
            continue
        name = ctx.unique(f"init:{kind.tag}")
        result = actions.convert(_as_action(holder), [], Fired(name, 0.0), board)
        if result.actions:
            ctx.add_event(name, to_schema(ALWAYS), result.actions, holder.line)
        else:
            ctx.names.discard(name)
    for entity, private in section.later:
        name = ctx.unique(f"init:{entity}")
        result = actions.private(private, [entity], Fired(name, 0.0), board)
        if result.actions:
            ctx.add_event(name, to_schema(ALWAYS), result.actions, private.line)
        else:
            ctx.names.discard(name)


def _as_action(holder: Node) -> Node:
    """A ``GlobalAction`` seen as the body of an ``Action`` element."""
    wrapper = ET.Element("Action", {"name": "init"})
    wrapper.append(holder.element)
    return holder.at(wrapper)


def entity_list(ctx: ImportContext) -> list[tuple[sc.Entity, Node]]:
    """The Gauntlet entities, with the element that placed each."""
    out: list[tuple[sc.Entity, Node]] = []
    for name, mover in ctx.movers.items():
        if mover.deleted:
            continue
        info = mover.info
        if name == ctx.ego:
            behaviour: sc.Behaviour | None = None
        elif mover.kind == "lane":
            behaviour = sc.CruiseBehaviour()
        else:
            behaviour = sc.IdleBehaviour()
        start = mover.start
        if mover.kind == "path" and mover.path is not None and name != ctx.ego:
            start = mover.path.at(mover.path_start_m)
        entity = sc.Entity(
            name=name,
            type=info.type,
            initial=sc.InitialState(ctx.placer.start_position(start, info), mover.speed_mps),
            dimensions=info.dimensions,
            limits=info.limits,
            behaviour=behaviour,
            route=mover.route,
        )
        out.append((entity, mover.start_node or info.node))
    return out
