"""Build a :class:`World` from a concrete :class:`Scenario`.

Everything the scenario refers to is resolved here (map, roads and lanes,
relative positions, signals); a reference that does not resolve is a
:class:`ScenarioError` naming the file, line and key.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, replace
from pathlib import Path
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
from gauntlet.library import AssetNotFoundError, resolve_asset
from gauntlet.maps.network import RoadNetwork
from gauntlet.maps.procedural import PROCEDURAL_MAPS
from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.errors import ScenarioError, error_at
from gauntlet.world.behaviours import apply_behaviour
from gauntlet.world.perception import build_perception
from gauntlet.world.sensing import build_sensing
from gauntlet.world.signals import Cycle, SignalController, default_cycles
from gauntlet.world.static_geometry import with_static_obstacles
from gauntlet.world.storyboard import Storyboard, StoryboardCompiler
from gauntlet.world.v2x import build_v2x
from gauntlet.world.world import VEHICLE_TYPES, ActorInfo, MotionGroup, SignalStop, World

DEFAULT_MODEL = {"pedestrian": "pedestrian", "obstacle": None}


@dataclass(frozen=True)
class Placement:
    """A resolved start pose, with the lane it lies on (if any)."""

    x: float
    y: float
    heading: float
    lane: int = -1
    lane_s: float = 0.0
    offset: float = 0.0


# Road networks are read-only once built, and suites reuse a handful of maps across
# hundreds of scenarios: each worker process builds each one once.
@functools.lru_cache(maxsize=32)
def _procedural(name: str, params: tuple[tuple[str, object], ...]) -> RoadNetwork:
    return PROCEDURAL_MAPS[name](**dict(params))


@functools.lru_cache(maxsize=32)
def _opendrive(path: str, mtime_ns: int) -> RoadNetwork:
    del mtime_ns  # part of the cache key: an edited file is read again
    return RoadNetwork.from_opendrive(path)


def load_network(scenario: sc.Scenario) -> RoadNetwork:
    """The road network of ``scenario`` (an OpenDRIVE file or a procedural map)."""
    src = scenario.source
    match scenario.map:
        case sc.OpenDriveMap(file=file):
            base = (
                Path(src.file).parent
                if src and src.file and not src.file.startswith("<")
                else Path.cwd()
            )
            try:
                path = resolve_asset(file, base)
            except AssetNotFoundError as exc:
                raise error_at(
                    src,
                    ("map", "opendrive", "file"),
                    f"OpenDRIVE file {file!r} not found; {exc.looked_for}",
                ) from exc
            try:
                return _opendrive(str(path), path.stat().st_mtime_ns)
            except ValueError as exc:
                raise error_at(src, ("map", "opendrive", "file"), str(exc)) from exc
        case sc.ProceduralMap(generator=name, params=params):
            if name not in PROCEDURAL_MAPS:
                known = ", ".join(sorted(PROCEDURAL_MAPS))
                raise error_at(
                    src,
                    ("map", "procedural", "generator"),
                    f"unknown generator {name!r}; expected one of {known}",
                )
            fn = PROCEDURAL_MAPS[name]
            accepted = inspect.signature(fn).parameters
            for key in params:
                if key not in accepted:
                    import difflib

                    close = difflib.get_close_matches(key, list(accepted), n=1)
                    hint = (
                        f"; did you mean {close[0]!r}?"
                        if close
                        else f"; expected one of {', '.join(accepted)}"
                    )
                    raise error_at(
                        src,
                        ("map", "procedural", "params", key),
                        f"unknown parameter {key!r} of {name}{hint}",
                    )
            try:
                return _procedural(name, tuple(sorted(params.items())))
            except (TypeError, ValueError) as exc:
                raise error_at(src, ("map", "procedural", "params"), f"{name}: {exc}") from exc
    raise TypeError(scenario.map)


class _Resolver:
    """Resolves scenario positions to world poses and lanes."""

    def __init__(self, scenario: sc.Scenario, network: RoadNetwork, table: LaneTable) -> None:
        self.scenario = scenario
        self.network = network
        self.table = table
        self.placed: dict[str, Placement] = {}
        self.live: World | None = None

    def error(self, path: tuple, message: str) -> ScenarioError:
        return error_at(self.scenario.source, path, message)

    def lane_pose(self, lane: int, lane_s: float, offset: float, dh: float = 0.0) -> Placement:
        ln = self.table.lanes[lane]
        s = float(np.clip(lane_s, 0.0, ln.length))
        xy = np.asarray(ln.position(np.array([s]), np.array([offset]))).reshape(-1, 2)[0]
        h = float(np.asarray(ln.heading_at(np.array([s]))).ravel()[0]) + dh
        return Placement(float(xy[0]), float(xy[1]), h, lane, s, offset)

    def reference(self, name: str, path: tuple) -> Placement:
        if self.live is not None:
            w = self.live
            k = w.actor_id(name)
            slot = w.driver_slot.get(k)
            lane, lane_s = (
                (int(w.drivers.lane[slot]), float(w.drivers.lane_s[slot]))
                if slot is not None
                else (-1, 0.0)
            )
            return Placement(float(w.x[k]), float(w.y[k]), float(w.h[k]), lane, lane_s)
        if name not in self.placed:
            raise self.error(
                path,
                f"entity {name!r} is not placed yet: place it before entities positioned relative to it",
            )
        return self.placed[name]

    def resolve(self, pos: sc.Position, path: tuple = ()) -> Placement:
        path = (*path, pos.KIND)  # the YAML form nests the fields under the kind
        match pos:
            case sc.WorldPosition(x_m=x, y_m=y, heading_rad=h):
                located = self.network.locate(x, y, h)
                if located is not None and located.key in self.table.index:
                    return Placement(x, y, h, self.table.index[located.key], float(located.s))
                return Placement(x, y, h)
            case sc.LanePosition(road=road, lane=lane_id, s_m=s, offset_m=off, heading_rad=dh):
                if road not in self.network.roads:
                    known = ", ".join(sorted(self.network.roads)[:20])
                    raise self.error(
                        (*path, "road"), f"unknown road {road!r}; the map has roads {known}"
                    )
                try:
                    key, lane_s = self.network.lane_at(road, lane_id, s)
                except (KeyError, ValueError) as exc:
                    raise self.error(
                        (*path, "lane"), f"no lane {lane_id} on road {road!r} at s={s}: {exc}"
                    ) from None
                if key not in self.table.index:
                    raise self.error(
                        (*path, "lane"), f"lane {lane_id} of road {road!r} is not a driving lane"
                    )
                return self.lane_pose(self.table.index[key], lane_s, off, dh)
            case sc.RelativeLanePosition(entity=name, ds_m=ds, lanes=n, offset_m=off):
                ref = self.reference(name, (*path, "entity"))
                if ref.lane < 0:
                    raise self.error((*path, "entity"), f"entity {name!r} is not on a driving lane")
                lane = ref.lane
                side = self.table.left if n > 0 else self.table.right
                for _ in range(abs(n)):
                    lane = int(side[lane])
                    if lane < 0:
                        raise self.error(
                            (*path, "lanes"), f"there is no lane {n:+d} from {name!r}'s lane"
                        )
                lane, lane_s = self._advance(lane, ref.lane_s + ds)
                return self.lane_pose(lane, lane_s, off)
            case sc.RelativeWorldPosition(
                entity=name, dx_m=dx, dy_m=dy, dheading_rad=dh, frame=frame
            ):
                ref = self.reference(name, (*path, "entity"))
                if frame == "entity":
                    c, s = np.cos(ref.heading), np.sin(ref.heading)
                    dx, dy = dx * c - dy * s, dx * s + dy * c
                return self.resolve(
                    sc.WorldPosition(ref.x + dx, ref.y + dy, 0.0, ref.heading + dh), path
                )
        raise TypeError(pos)

    def _advance(self, lane: int, lane_s: float) -> tuple[int, float]:
        """Move ``lane_s`` across lane ends along the straightest successors."""
        choose = straightest(self.table)
        while lane_s > self.table.length[lane]:
            nxt = self.table.successors(lane)
            if not nxt:
                return lane, float(self.table.length[lane])
            lane_s -= self.table.length[lane]
            lane = choose(lane, nxt)
        while lane_s < 0:
            prev = [
                self.table.index[k]
                for k in self.table.lanes[lane].predecessors
                if k in self.table.index
            ]
            if not prev:
                return lane, 0.0
            lane = prev[0]
            lane_s += self.table.length[lane]
        return lane, lane_s

    def pose(self, pos: sc.Position) -> tuple[float, float, float]:
        p = self.resolve(pos)
        return p.x, p.y, p.heading


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


def _route_lanes(
    resolver: _Resolver,
    entity_index: int,
    start: Placement,
    waypoints: tuple[sc.Position, ...],
    path: tuple,
) -> list[int]:
    table = resolver.table
    lanes = [start.lane]
    for k, wp in enumerate(waypoints):
        target = resolver.resolve(wp, (*path, k))
        if target.lane < 0:
            raise resolver.error((*path, k), "route waypoint is not on a driving lane")
        try:
            keys = resolver.network.route(table.keys[lanes[-1]], table.keys[target.lane])
        except Exception as exc:  # noqa: BLE001 - routing errors carry their own message
            raise resolver.error((*path, k), str(exc)) from None
        lanes.extend(table.index[key] for key in keys[1:] if key in table.index)
    return lanes


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
    resolver = _Resolver(scenario, network, table)
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
        lanes = _route_lanes(resolver, k, place, e.route, ("entities", k, "route"))
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


def _attach_storyboard(world: World, scenario: sc.Scenario, resolver: _Resolver) -> None:
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


def _route_action(resolver: _Resolver):  # noqa: ANN202
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
        lanes = _route_lanes(resolver, actor, start, waypoints, ())
        world.drivers.set_route(slot, lanes, start.lane_s)

    return route_to
