"""Domain randomisation of a scenario's traffic, drawn from an environment's generator.

A :class:`Randomisation` adds a random number of IDM vehicles on the lanes it
names (traffic density) and draws the IDM parameters of every IDM-driven
vehicle, those of the template included (behaviour). All draws come from the
generator passed in, in a fixed order, so one reset seed gives one scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from gauntlet.scenarios import schema as sc

#: Entity types that an IDM behaviour can drive.
IDM_TYPES = frozenset({"car", "truck", "bus", "motorcycle"})
#: Attempts to find a free spot for one added vehicle before giving up on it.
PLACEMENT_TRIES = 20


@dataclass(frozen=True)
class SpawnLane:
    """A stretch of lane where added vehicles may start.

    Attributes:
        road: OpenDRIVE road id.
        lane: OpenDRIVE lane id.
        s_range_m: Start and end of the stretch along the road reference line, m.
    """

    road: str
    lane: int
    s_range_m: tuple[float, float]


@dataclass(frozen=True)
class Randomisation:
    """What a reset randomises: added traffic and the IDM parameters of all traffic.

    Each ``(low, high)`` pair is a uniform range; ``vehicles`` is an inclusive
    integer range. Desired speeds are drawn from ``speed_mps``; template
    vehicles with a desired speed keep it, scaled by a draw from ``speed_scale``.
    """

    spawn: tuple[SpawnLane, ...] = ()
    vehicles: tuple[int, int] = (0, 0)
    speed_mps: tuple[float, float] = (10.0, 15.0)
    speed_scale: tuple[float, float] = (0.9, 1.1)
    time_headway_s: tuple[float, float] = (1.0, 2.0)
    min_gap_m: tuple[float, float] = (1.5, 3.0)
    max_accel_mps2: tuple[float, float] = (1.0, 2.0)
    comfort_decel_mps2: tuple[float, float] = (1.5, 3.0)
    politeness: tuple[float, float] = (0.0, 0.5)
    min_spacing_m: float = 15.0

    def apply(self, scenario: sc.Scenario, rng: np.random.Generator) -> sc.Scenario:
        """``scenario`` with randomised traffic; the ego is left as it is."""
        ego = scenario.ego.entity
        entities = [
            e if e.name == ego else self._randomise_template(e, rng) for e in scenario.entities
        ]
        count = int(rng.integers(self.vehicles[0], self.vehicles[1] + 1)) if self.spawn else 0
        taken = [_lane_spot(e) for e in entities]
        for k in range(count):
            spot = self._free_spot(rng, taken)
            if spot is None:
                continue
            taken.append(spot)
            road, lane, s = spot
            speed = float(rng.uniform(*self.speed_mps))
            entities.append(
                sc.Entity(
                    name=f"traffic_{k}",
                    type="car",
                    initial=sc.InitialState(sc.LanePosition(road, lane, s), speed_mps=speed),
                    behaviour=self._idm(rng, speed),
                )
            )
        return replace(scenario, entities=tuple(entities))

    def _randomise_template(self, entity: sc.Entity, rng: np.random.Generator) -> sc.Entity:
        behaviour = entity.behaviour
        if entity.type not in IDM_TYPES:
            return entity
        if behaviour is None:
            return replace(entity, behaviour=self._idm(rng, None))
        if isinstance(behaviour, sc.IdmBehaviour):
            speed = behaviour.desired_speed_mps
            if speed is not None:
                speed *= float(rng.uniform(*self.speed_scale))
            drawn = self._idm(rng, speed)
            return replace(entity, behaviour=replace(drawn, lane_changes=behaviour.lane_changes))
        return entity

    def _idm(self, rng: np.random.Generator, speed: float | None) -> sc.IdmBehaviour:
        return sc.IdmBehaviour(
            desired_speed_mps=speed,
            time_headway_s=float(rng.uniform(*self.time_headway_s)),
            min_gap_m=float(rng.uniform(*self.min_gap_m)),
            max_accel_mps2=float(rng.uniform(*self.max_accel_mps2)),
            comfort_decel_mps2=float(rng.uniform(*self.comfort_decel_mps2)),
            politeness=float(rng.uniform(*self.politeness)),
        )

    def _free_spot(
        self, rng: np.random.Generator, taken: list[tuple[str, int, float] | None]
    ) -> tuple[str, int, float] | None:
        for _ in range(PLACEMENT_TRIES):
            where = self.spawn[int(rng.integers(len(self.spawn)))]
            s = float(rng.uniform(*where.s_range_m))
            clear = all(
                t is None
                or t[0] != where.road
                or t[1] != where.lane
                or abs(t[2] - s) >= self.min_spacing_m
                for t in taken
            )
            if clear:
                return where.road, where.lane, s
        return None


def _lane_spot(entity: sc.Entity) -> tuple[str, int, float] | None:
    p = entity.initial.position
    if isinstance(p, sc.LanePosition):
        return p.road, p.lane, p.s_m
    return None
