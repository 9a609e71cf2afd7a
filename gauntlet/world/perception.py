"""Perceived observations: the ego's object list through an object-list sensor.

A scenario's ``ego.perception`` replaces the ground-truth object list (every
actor within 150 m) with what an :class:`~gauntlet.sensors.object_list.ObjectListSensor`
at the ego's centre sees: range, field of view, occlusion by other actors'
boxes (parked buses, ``obstacle`` buildings) and dropout. Its
``signal_range_m`` hides the next traffic light until the ego is that close
to the stop line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gauntlet.agents.stack import ObjectList, SignalAhead
from gauntlet.scenarios import schema as sc
from gauntlet.sensors.object_list import ObjectListSensor, ObjectSensorParams

if TYPE_CHECKING:
    from gauntlet.world.world import World

#: Mount height of a roadside sensor without a given height, m.
ROADSIDE_HEIGHT_M = 5.0
#: Random streams derived from the run's seed (``SeedSequence(seed, spawn_key=(k,))``).
PERCEPTION_STREAM = 101


def sensor_params(spec: sc.ObjectSensor, default_height_m: float) -> ObjectSensorParams:
    """The sensor model's parameters from a scenario's sensor declaration."""
    return ObjectSensorParams(
        range_m=spec.range_m,
        fov_rad=spec.fov_rad,
        occlusion=spec.occlusion,
        dropout=spec.dropout,
        height_m=spec.height_m if spec.height_m is not None else default_height_m,
    )


def actor_heights(world: World) -> np.ndarray:
    """Every actor's height, m."""
    return np.array([a.height_m for a in world.actors], dtype=float)


def detected_objects(
    world: World,
    sensor: ObjectListSensor,
    origin: tuple[float, float],
    heading_rad: float,
    exclude: int | None,
    heights: np.ndarray,
) -> np.ndarray:
    """Ids of the actors ``sensor`` sees from ``origin`` (leaving out ``exclude``), ascending."""
    xy = np.stack((world.x, world.y), axis=1)
    candidates = np.arange(len(world.actors))
    if exclude is not None:
        candidates = candidates[candidates != exclude]
    return sensor.detect(
        origin, heading_rad, xy, world.h, world.length, world.width, heights, candidates
    )


def object_list(world: World, ids: np.ndarray) -> ObjectList:
    """The object list of the actors ``ids`` from the world's current state."""
    h, v = world.h[ids], world.v[ids]
    return ObjectList(
        ids=ids,
        types=tuple(world.types[k] for k in ids),
        xy=np.stack((world.x[ids], world.y[ids]), axis=1),
        heading=h,
        velocity=np.stack((v * np.cos(h), v * np.sin(h)), axis=1),
        length=world.length[ids],
        width=world.width[ids],
    )


@dataclass
class EgoPerception:
    """What one actor's stack perceives: an object-list sensor and a signal range."""

    actor: int
    sensor: ObjectListSensor
    heading_offset_rad: float
    signal_range_m: float | None
    heights: np.ndarray

    def objects(self, world: World) -> ObjectList:
        """The objects the sensor sees now."""
        a = self.actor
        ids = detected_objects(
            world,
            self.sensor,
            (float(world.x[a]), float(world.y[a])),
            float(world.h[a]) + self.heading_offset_rad,
            a,
            self.heights,
        )
        return object_list(world, ids)

    def signal(self, signal: SignalAhead | None) -> SignalAhead | None:
        """The next traffic light if it is close enough to be read, else None."""
        if signal is None or self.signal_range_m is None:
            return signal
        return signal if signal.distance_m <= self.signal_range_m else None


def build_perception(scenario: sc.Scenario, world: World, seed: int) -> dict[int, EgoPerception]:
    """The ego's perception from ``scenario.ego.perception`` (empty: ground truth)."""
    spec = scenario.ego.perception
    if spec is None:
        return {}
    actor = world.actor_id(scenario.ego.entity)
    heights = actor_heights(world)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(PERCEPTION_STREAM,)))
    params = sensor_params(spec.objects, float(heights[actor]))
    return {
        actor: EgoPerception(
            actor,
            ObjectListSensor(params, rng),
            spec.objects.heading_rad,
            spec.signal_range_m,
            heights,
        )
    }
