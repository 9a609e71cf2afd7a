"""The Gauntlet world behind the CARLA actors that have a body.

Vehicles, walkers and props that clients spawn become actors of one
:class:`~gauntlet.world.world.World`, built with the ordinary scenario
builder: every body is an entity driven from outside (the clients), vehicles
on the kinematic bicycle with reverse allowed, walkers on the pedestrian
model, props as static obstacles. A world's actor set is fixed, so spawning
or destroying marks it stale and it is rebuilt before the next step, with
every surviving actor's full motion state (actuators included), the clock
and the step count carried over; a batch of spawns costs one rebuild.

The server runs for as long as people like, so the world's trace recorder is
replaced by one that keeps nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gauntlet.bridges.carla.coords import WorldPose
from gauntlet.scenarios import schema as sc
from gauntlet.world.builder import build_world
from gauntlet.world.collision import overlapping_pairs
from gauntlet.world.world import World

VEHICLE_MODEL = sc.MotionModelSpec("kinematic_bicycle", {"allow_reverse": True})


@dataclass(frozen=True)
class Body:
    """What the world needs to know about one CARLA actor with a body.

    Attributes:
        carla_id: The CARLA actor id.
        road_user: Gauntlet entity type (``car``, ``pedestrian``, ``obstacle``, ...).
        extent: Half-extents (forward, sideways, up), m.
        pose: Where it is now.
        speed_mps: How fast it moves along its heading now.
    """

    carla_id: int
    road_user: str
    extent: tuple[float, float, float]
    pose: WorldPose
    speed_mps: float = 0.0


class _DiscardingRecorder:
    """Stands in for the world's recorder: a server keeps no trace."""

    def append(self, t: float, values: dict[str, np.ndarray]) -> None:
        del t, values


def _entity(body: Body) -> sc.Entity:
    ex, ey, ez = body.extent
    model = VEHICLE_MODEL if body.road_user not in ("pedestrian", "obstacle") else None
    return sc.Entity(
        name=f"carla{body.carla_id}",
        type=body.road_user,  # type: ignore[arg-type]
        initial=sc.InitialState(
            sc.WorldPosition(body.pose.x_m, body.pose.y_m, 0.0, body.pose.heading_rad),
            body.speed_mps if body.road_user != "obstacle" else 0.0,
        ),
        dimensions=sc.Dimensions(2.0 * ex, 2.0 * ey, 2.0 * ez),
        model=model,
        behaviour=sc.IdleBehaviour(),
    )


def build_body_world(
    map_source: sc.MapSource,
    bodies: Sequence[Body],
    dt: float,
    seed: int,
    step_index: int,
    previous: tuple[World, Sequence[int]] | None = None,
) -> World:
    """A world holding ``bodies`` (at least one), continuing ``previous`` if given.

    Args:
        map_source: The map every rebuild uses (the network is built once and cached).
        bodies: The bodies, in the order of their world actor index.
        dt: Step length, s.
        seed: Seed of the world's generator.
        step_index: Steps taken so far; the world's clock continues from there.
        previous: The world this one replaces and the CARLA ids of its actors.
    """
    scenario = sc.Scenario(
        name="carla_server",
        map=map_source,
        entities=tuple(_entity(b) for b in bodies),
        seed=seed,
        dt_s=dt,
        stop=sc.StopConditions(duration_s=dt, on_collision=False),
    )
    world = build_world(scenario, external={f"carla{b.carla_id}" for b in bodies})
    world.recorder = _DiscardingRecorder()  # type: ignore[assignment]
    world.step_index = step_index
    world.time_s = step_index * dt
    if previous is not None:
        _carry_state(previous[0], previous[1], world, [b.carla_id for b in bodies])
    return world


def _carry_state(old: World, old_ids: Sequence[int], new: World, new_ids: Sequence[int]) -> None:
    where = {cid: k for k, cid in enumerate(old_ids)}
    for k, cid in enumerate(new_ids):
        j = where.get(cid)
        if j is None:
            continue
        g_old, g_new = old.group_of[j], new.group_of[k]
        if g_old >= 0 and g_new >= 0:
            src, dst = old.groups[g_old], new.groups[g_new]
            if src.model.NAME == dst.model.NAME:
                dst.state[new.row_of[k]] = src.state[old.row_of[j]]
                dst.control[new.row_of[k]] = src.control[old.row_of[j]]
        for name in ("x", "y", "z", "h", "v", "pitch", "roll", "accel", "yaw_rate", "odometer"):
            getattr(new, name)[k] = getattr(old, name)[j]


def pose_at(world: World, k: int) -> WorldPose:
    """Where the world's actor ``k`` is now."""
    axes = (world.x, world.y, world.z, world.h, world.pitch, world.roll)
    return WorldPose(*(float(a[k]) for a in axes))


def overlaps_any(bodies: Sequence[Body], candidate: Body) -> bool:
    """Whether ``candidate``'s footprint overlaps that of any of ``bodies``."""
    if not bodies:
        return False
    every = [*bodies, candidate]
    x = np.array([b.pose.x_m for b in every])
    y = np.array([b.pose.y_m for b in every])
    h = np.array([b.pose.heading_rad for b in every])
    hl = np.array([b.extent[0] for b in every])
    hw = np.array([b.extent[1] for b in every])
    pairs = overlapping_pairs(x, y, h, hl, hw, np.hypot(hl, hw))
    return bool(np.any(pairs[:, 1] == len(bodies)))
