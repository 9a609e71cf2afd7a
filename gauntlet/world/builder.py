"""Build a :class:`World` from a concrete :class:`Scenario`.

Everything the scenario refers to is resolved here (map, roads and lanes,
relative positions, signals); a reference that does not resolve is a
:class:`ScenarioError` naming the file, line and key. The map is loaded by
:mod:`gauntlet.world.map_loading`, positions and routes are resolved by
:mod:`gauntlet.world.placement`; this module puts actors, drivers, signals,
storyboard and sensors together.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from gauntlet.agents.drivers import PATH_BEHIND_M, PATH_HORIZON_M, LaneDrivers
from gauntlet.agents.idm import IdmParams
from gauntlet.agents.paths import LaneTable, build_path, straightest
from gauntlet.agents.paths import Path as LanePath
from gauntlet.agents.profiles import STEP
from gauntlet.agents.walkers import Walkers
from gauntlet.dynamics.base import motion_model
from gauntlet.dynamics.presets import VehicleParams, preset
from gauntlet.maps.network import RoadNetwork
from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.errors import error_at
from gauntlet.world.behaviours import apply_behaviour
from gauntlet.world.map_loading import load_network
from gauntlet.world.perception import build_perception
from gauntlet.world.placement import Placement, Resolver, lanes_along_route
from gauntlet.world.sensing import build_sensing
from gauntlet.world.signals import Cycle, SignalController, default_cycles
from gauntlet.world.static_geometry import with_static_obstacles
from gauntlet.world.storyboard import Storyboard, StoryboardCompiler
from gauntlet.world.v2x import build_v2x
from gauntlet.world.world import VEHICLE_TYPES, ActorInfo, MotionGroup, SignalStop, World

DEFAULT_MODEL = {"pedestrian": "pedestrian", "obstacle": None}


def vehicle_params(entity: sc.Entity) -> VehicleParams:
    """The preset of the entity's type with its dimensions and limits applied."""
    base = preset(entity.type if entity.type != "obstacle" else "car")
    changes: dict[str, Any] = {}
    if entity.dimensions is not None:
        d = entity.dimensions
        changes.update(length_m=d.length_m, width_m=d.width_m, height_m=d.height_m)
    lim = entity.limits
    for key in (
        "max_speed_mps",
        "max_accel_mps2",
        "max_decel_mps2",
        "max_steer_rad",
        "max_steer_rate_radps",
    ):
        value = getattr(lim, key)
        if value is not None:
            changes[key] = value
    return replace(base, **changes) if changes else base


def _model_name(entity: sc.Entity) -> str | None:
    if entity.model is not None:
        return entity.model.name
    if entity.type == "obstacle":
        return None
    return DEFAULT_MODEL.get(entity.type, "kinematic_bicycle")


def build_world(
    scenario: sc.Scenario, *, external: set[str] | None = None, seed: int | None = None
) -> World:
    """Build the world of ``scenario``.

    Args:
        scenario: A concrete scenario.
        external: Names of entities driven from outside (the ego under a stack);
            all others are driven by their behaviour models.
        seed: Overrides the scenario's seed.
    """
    external = external or set()
    network = load_network(scenario)
    declared = {e.name for e in scenario.entities}
    scenario = with_static_obstacles(scenario)  # imported 3D geometry's footprints
    table = LaneTable(network)
    resolver = Resolver(scenario, network, table)
    rng = np.random.default_rng(np.random.SeedSequence(scenario.seed if seed is None else seed))

    placements: list[Placement] = []
    infos: list[ActorInfo] = []
    params: list[VehicleParams] = []
    for k, e in enumerate(scenario.entities):
        place = resolver.resolve(e.initial.position, ("entities", k, "initial", "position"))
        resolver.placed[e.name] = place
        placements.append(place)
        vp = vehicle_params(e)
        params.append(vp)
        infos.append(
            ActorInfo(k, e.name, e.type, vp.length_m, vp.width_m, vp.height_m, vp.wheelbase_m)
        )

    groups = _motion_groups(scenario, placements, params)
    # Without a route, vehicles take the straightest continuation at junctions.
    choose_straight = straightest(table)
    slots: list[int] = []
    paths: list[LanePath] = []
    route_lanes: list[list[int]] = []
    for k, e in enumerate(scenario.entities):
        place = placements[k]
        if e.type not in VEHICLE_TYPES or place.lane < 0:
            continue
        lanes = lanes_along_route(resolver, place, e.route, ("entities", k, "route"))
        paths.append(
            build_path(table, lanes, place.lane_s, PATH_HORIZON_M, choose_straight, PATH_BEHIND_M)
        )
        route_lanes.append(lanes)
        slots.append(k)
    n = len(slots)
    idm = IdmParams(*(np.full(n, v) for v in (1.5, 2.0, 1.5, 2.0, 4.0, 0.3, 0.2, 4.0)))
    slot_params = [params[k] for k in slots]
    drivers = LaneDrivers(
        table,
        np.array(slots, dtype=np.int64),
        paths,
        np.array([min(placements[k].lane_s, 30.0) for k in slots]),
        np.array([0.5 * p.length_m for p in slot_params]),
        np.array([0.5 * p.width_m for p in slot_params]),
        np.array([max(p.wheelbase_m, 0.5) for p in slot_params]),
        np.array([p.lr_m for p in slot_params]),
        idm,
        np.full(n, np.nan),
        np.ones(n, dtype=bool),
        np.ones(n, dtype=bool),
        np.ones(n, dtype=bool),
        choose_straight,
    )
    driver_slot = {k: i for i, k in enumerate(slots)}
    for i, k in enumerate(slots):
        if placements[k].offset:
            # Keep riding at the start offset (a cyclist at the kerb) until an action moves it.
            drivers.offset.set(i, placements[k].offset, placements[k].offset, 0.0, 1e-9, STEP)
    for i, lanes in enumerate(route_lanes):
        drivers.route_plan[i] = list(lanes[1:])

    signals, stops = _signals(scenario, network, table)
    ext_ids = {k for k, e in enumerate(scenario.entities) if e.name in external}
    duration = scenario.stop.duration_s
    world = World(
        network=network,
        lanes=table,
        dt=scenario.dt_s,
        rng=rng,
        actors=infos,
        groups=groups,
        drivers=drivers,
        driver_slot=driver_slot,
        walkers=Walkers(),
        signals=signals,
        signal_stops=stops,
        external=ext_ids,
        capacity_steps=int(np.ceil(duration / scenario.dt_s)) + 2,
        initial_pose=np.array([(p.x, p.y, p.heading) for p in placements]).reshape(-1, 3),
    )
    resolver.live = world
    world.resolve_position = resolver.pose  # type: ignore[attr-defined]
    world.assign_behaviour = lambda actor, b: apply_behaviour(world, actor, b, resolver.pose)  # type: ignore[attr-defined]
    world.max_reverse_speed[:] = [p.max_reverse_speed_mps for p in params]
    world.max_speed[:] = [p.max_speed_mps for p in params]
    world.max_accel[:] = [p.max_accel_mps2 for p in params]
    world.max_decel[:] = [p.max_decel_mps2 for p in params]
    for k, e in enumerate(scenario.entities):
        world.set_speed(k, e.initial.speed_mps)
        behaviour = e.behaviour
        if behaviour is None:
            if e.name == scenario.ego.entity:
                behaviour = sc.CruiseBehaviour()
            elif e.type in VEHICLE_TYPES:
                behaviour = sc.IdmBehaviour()
            else:
                behaviour = sc.IdleBehaviour()
        apply_behaviour(world, k, behaviour, resolver.pose)
        if e.initial.speed_mps < 0.0:
            # Starts backing up. A stack that drives it gets a forward-only vehicle
            # again once it has stopped reversing.
            world.allow_reverse(k, True)
            if k in ext_ids:
                world.allow_reverse(k, False)
    world.drivers.localise(world.x, world.y, world.h, np.zeros(len(infos)), 0.0)
    _attach_storyboard(world, scenario, resolver)
    run_seed = scenario.seed if seed is None else seed
    world.perception = build_perception(scenario, world, run_seed)
    world.sensing = build_sensing(scenario, world, run_seed, declared)
    world.v2x = build_v2x(scenario, world, resolver.pose, run_seed)
    if world.v2x is not None:
        world.v2x.step(world)  # what is due at t = 0
    return world


def _motion_groups(
    scenario: sc.Scenario, placements: list[Placement], params: list[VehicleParams]
) -> list[MotionGroup]:
    by_model: dict[str, list[int]] = {}
    for k, e in enumerate(scenario.entities):
        name = _model_name(e)
        if name is not None:
            by_model.setdefault(name, []).append(k)
    groups = []
    for name in sorted(by_model):
        members = by_model[name]
        try:
            cls = motion_model(name)
        except KeyError as exc:
            k = members[0]
            raise error_at(scenario.source, ("entities", k, "model"), str(exc.args[0])) from None
        overrides = [
            scenario.entities[k].model.params if scenario.entities[k].model else {} for k in members
        ]
        try:
            model = cls.from_params([params[k] for k in members], **_common(overrides))
        except (TypeError, ValueError) as exc:
            raise error_at(
                scenario.source, ("entities", members[0], "model"), f"{name}: {exc}"
            ) from None
        state = np.zeros((len(members), len(cls.STATE_FIELDS)))
        for row, k in enumerate(members):
            p = placements[k]
            state[row, :4] = (p.x, p.y, p.heading, scenario.entities[k].initial.speed_mps)
        control = np.zeros((len(members), len(cls.CONTROL_FIELDS)))
        groups.append(MotionGroup(model, np.array(members, dtype=np.int64), state, control))
    return groups


def _common(overrides: list[dict[str, Any]]) -> dict[str, Any]:
    """Model options shared by a group (the first entity's; groups split by options later)."""
    return dict(overrides[0]) if overrides else {}


def _signals(
    scenario: sc.Scenario, network: RoadNetwork, table: LaneTable
) -> tuple[SignalController, list[SignalStop]]:
    dynamic = {sid: sig for sid, sig in network.signals.items() if getattr(sig, "dynamic", True)}
    stops: list[SignalStop] = []
    headings: dict[str, float] = {}
    for sid, sig in sorted(dynamic.items()):
        for key, s in sig.stop_positions:
            if key in table.index:
                lane = table.index[key]
                stops.append(SignalStop(sid, lane, float(s)))
                headings.setdefault(
                    sid, float(np.asarray(table.lanes[lane].heading_at(np.array([s]))).ravel()[0])
                )
    cycles: dict[str, Cycle | None] = {sid: None for sid in dynamic}
    planned: set[str] = set()
    for k, plan in enumerate(scenario.traffic_lights):
        for j, sid in enumerate(plan.signals):
            if sid not in cycles:
                known = ", ".join(sorted(cycles)) or "none"
                raise error_at(
                    scenario.source,
                    ("traffic_lights", k, "signals", j),
                    f"unknown signal {sid!r}; the map's signals: {known}",
                )
            cycles[sid] = Cycle(plan.green_s, plan.yellow_s, plan.red_s, plan.offset_s)
            planned.add(sid)
    # Signals without a plan: opposite approaches share a phase, crossing ones alternate.
    groups: list[list[str]] = []
    for sid in sorted(set(headings) - planned):
        axis = headings[sid] % np.pi
        for group in groups:
            ref = headings[group[0]] % np.pi
            if min(abs(axis - ref), np.pi - abs(axis - ref)) < np.pi / 6:
                group.append(sid)
                break
        else:
            groups.append([sid])
    cycles.update(default_cycles(groups))
    return SignalController(cycles), stops


def _attach_storyboard(world: World, scenario: sc.Scenario, resolver: Resolver) -> None:
    board: Storyboard | None = None
    compiler = StoryboardCompiler(world, resolver.pose, lambda: board, _route_action(resolver))
    events = []
    for event in scenario.storyboard:
        events.append(
            (
                event.name,
                compiler.trigger(event.trigger),
                [compiler.action(a) for a in event.actions],
            )
        )
    stop_when = [compiler.trigger(t) for t in scenario.stop.when]
    board = Storyboard(events, stop_when)
    world.storyboard = board


def _route_action(resolver: Resolver):  # noqa: ANN202
    def route_to(world: World, actor: int, waypoints: tuple[sc.Position, ...]) -> None:
        slot = world.driver_slot.get(actor)
        if slot is None:
            return
        start = Placement(
            float(world.x[actor]),
            float(world.y[actor]),
            float(world.h[actor]),
            int(world.drivers.lane[slot]),
            float(world.drivers.lane_s[slot]),
        )
        lanes = lanes_along_route(resolver, start, waypoints, ())
        world.drivers.set_route(slot, lanes, start.lane_s)

    return route_to


__all__ = ["build_world", "load_network", "vehicle_params"]
