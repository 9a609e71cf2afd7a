"""A scenario's world seen through the CARLA protocol (scenario mode).

In scenario mode the world is the one the runner built from a scenario file,
and the runner steps it: the storyboard and behaviour models drive every
actor but the ego, which an external CARLA client drives. The
:class:`ScenarioEpisode` presents that world to the server like an
:class:`~.episode.Episode`: every scenario actor is a CARLA actor (the ego
with ``role_name`` ``hero``, the others with their entity names), with a
blueprint of its type and its own size; clients may add sensors and read
snapshots, and control only the hero. Stepping is the runner's:
:meth:`ScenarioEpisode.tick` only advances the frame to the world's time.
"""

from __future__ import annotations

import dataclasses

from gauntlet.bridges.carla.actors import Actor, complete_description
from gauntlet.bridges.carla.blueprints import Blueprint, by_id
from gauntlet.bridges.carla.bodies import pose_at
from gauntlet.bridges.carla.coords import CarlaTransform
from gauntlet.bridges.carla.episode import Episode, SpawnError
from gauntlet.bridges.carla.protocol import (
    ActorDescription,
    AttributeType,
    AttributeValue,
    EpisodeSettings,
    VehicleControl,
)
from gauntlet.scenarios import schema as sc
from gauntlet.world.world import World

#: The blueprint standing for each Gauntlet actor type.
TYPE_BLUEPRINTS = {
    "car": "vehicle.tesla.model3",
    "truck": "vehicle.carlamotors.carlacola",
    "bus": "vehicle.mitsubishi.fusorosa",
    "motorcycle": "vehicle.yamaha.yzf",
    "bicycle": "vehicle.bh.crossbike",
    "pedestrian": "walker.pedestrian.0001",
}
#: Blueprint of every other type (static obstacles and the like).
OTHER_BLUEPRINT = "static.prop.streetbarrier"
HERO = "hero"


class ScenarioEpisode(Episode):
    """The runner's world, served to CARLA clients; the runner steps it.

    Args:
        world: The scenario's world, as built by the runner.
        ego: World index of the ego.
        scenario: The scenario's id (the map's name is ``Gauntlet/Scenarios/<id>``).
        seed: The run's seed (sensor noise).
    """

    def __init__(self, world: World, ego: int, scenario: str, seed: int) -> None:
        # The map source only names the map here: the network is the world's own.
        source = sc.ProceduralMap(scenario, {})
        super().__init__(source, dt_s=world.dt, seed=seed, network=world.network, warm_up=False)
        self.map_name = f"Gauntlet/Scenarios/{scenario}"
        self.settings = EpisodeSettings(synchronous_mode=True, fixed_delta_seconds=world.dt)
        self.ego_index = ego
        self.world = world
        ids = []
        for k, spec in enumerate(world.actors):
            actor = self._add_scenario_actor(world, k, HERO if k == ego else spec.name)
            ids.append(actor.id)
        self._set_world_ids(ids)
        self.hero_id = ids[ego]
        self.elapsed_s = world.time_s

    def _add_scenario_actor(self, world: World, k: int, role: str) -> Actor:
        base = by_id()[TYPE_BLUEPRINTS.get(world.types[k], OTHER_BLUEPRINT)]
        extent = (
            float(world.length[k]) / 2.0,
            float(world.width[k]) / 2.0,
            float(world.actors[k].height_m) / 2.0,
        )
        blueprint: Blueprint = dataclasses.replace(base, extent=extent)
        chosen = ActorDescription(
            0, blueprint.id, (AttributeValue("role_name", AttributeType.STRING, role),)
        )
        return self.actors.add(
            blueprint, complete_description(blueprint, chosen), pose_at(world, k)
        )

    # ------------------------------------------------------------------ what clients may do

    def apply_settings(self, settings: EpisodeSettings) -> None:
        """Take new settings; the step length stays the scenario's.

        Raises:
            ValueError: A ``fixed_delta_seconds`` other than the scenario's step.
        """
        dt = settings.fixed_delta_seconds
        if dt is not None and abs(dt - self.world.dt) > 1e-9:
            raise ValueError(
                f"fixed_delta_seconds is the scenario's step, {self.world.dt:g} s, in scenario mode"
            )
        self.settings = dataclasses.replace(settings, fixed_delta_seconds=self.world.dt)

    def _admit(self, blueprint: Blueprint) -> None:
        """Sensors, the spectator's kind of actors and controllers only: the scenario owns the bodies."""
        if blueprint.kind in ("vehicle", "walker", "prop"):
            raise SpawnError(
                f"{blueprint.id}: the scenario's actors are the world in scenario mode; "
                "spawn sensors only"
            )

    def destroy(self, actor_id: int) -> bool:
        """Destroy a sensor; scenario actors stay.

        Raises:
            TypeError: For an actor of the scenario.
        """
        actor = self.actors.get(actor_id)
        if actor is not None and actor.has_body:
            raise TypeError(f"actor {actor_id} belongs to the scenario and stays")
        return super().destroy(actor_id)

    def _scenario_body(self, actor_id: int) -> None:
        actor = self.actors.get(actor_id)
        if actor is not None and actor.has_body and actor_id != self.hero_id:
            raise TypeError(
                f"actor {actor_id} ({actor.role_name}) is driven by the scenario; only the hero "
                f"(actor {self.hero_id}) takes controls"
            )

    def apply_vehicle_control(self, actor_id: int, control: VehicleControl) -> None:
        """Controls for the hero only."""
        self._scenario_body(actor_id)
        super().apply_vehicle_control(actor_id, control)

    def apply_walker_control(self, actor_id: int, control: object) -> None:
        """Walkers belong to the scenario."""
        self._scenario_body(actor_id)
        raise TypeError(f"actor {actor_id} is not a walker the client may drive")

    def set_transform(self, actor_id: int, transform: CarlaTransform) -> None:
        """Move sensors and the spectator; the scenario's bodies move by the simulation alone."""
        actor = self.actors.get(actor_id)
        if actor is not None and actor.has_body:
            raise TypeError(f"actor {actor_id} moves with the simulation in scenario mode")
        super().set_transform(actor_id, transform)

    def set_target_velocity(self, actor_id: int, velocity: tuple[float, float, float]) -> None:
        """Not in scenario mode: the scenario's bodies move by the simulation alone."""
        raise TypeError(f"actor {actor_id} moves with the simulation in scenario mode")

    # ------------------------------------------------------------------ stepping

    def _world(self) -> World:
        return self.world

    def tick(self) -> int:
        """The world has stepped (the runner did it): advance the frame to its time."""
        self.frame += 1
        self.elapsed_s = self.world.time_s
        return self.frame
