"""The ego's perceived observation: occluded objects and traffic lights out of reading range."""

from __future__ import annotations

import pytest

from gauntlet.world.observation import EgoRoute, observe

from .helpers import STRAIGHT, world_from_yaml

BUS_AND_WALKER = """
ego: {perception: {objects: {range_m: 80}}}
entities:
  - name: ego
    type: car
    initial: {position: {lane: {road: "1", lane: -1, s_m: 100}}}
    behaviour: idle
  # Parked in lane -2 (centre y = -5.25): spans x 128 ... 140, y -6.5 ... -4.0.
  - name: bus
    type: bus
    dimensions: {length_m: 12.0, width_m: 2.5, height_m: 3.2}
    initial: {position: {lane: {road: "1", lane: -2, s_m: 134}}}
    behaviour: idle
  - name: walker
    type: pedestrian
    initial: {position: {world: {x_m: 141.0, y_m: -7.6, heading_rad: 1.5708}}}
    behaviour: {walk: {path: [{world: {x_m: 141.0, y_m: 3.0}}], speed_mps: 1.0}}
  - name: far_car
    type: car
    initial: {position: {lane: {road: "1", lane: -1, s_m: 200}}}
    behaviour: idle
"""


def _seen(world, route) -> set[str]:
    obs = observe(world, route)
    return {world.actors[int(k)].name for k in obs.objects.ids}


def test_walker_behind_a_bus_appears_when_it_steps_out():
    _, world = world_from_yaml(STRAIGHT + BUS_AND_WALKER, external={"ego"})
    route = EgoRoute(world, 0, 500.0)
    # The car 100 m ahead is beyond the 80 m range; the bus hides the walker.
    assert _seen(world, route) == {"bus"}
    first = None
    for _ in range(200):
        world.step()
        if "walker" in _seen(world, route):
            first = float(world.y[world.actor_id("walker")])
            break
    assert first is not None
    # The walker (0.5 m square, heading north) walks up beside the bus's front. From the ego
    # at (100, -1.75), a ray to its nearest top corner (140.755, y + 0.245) clears the bus's
    # far top corner (140, -4.0) once y + 0.245 >= -1.75 - 2.25 * 40.755 / 40, y >= -4.2875.
    assert first == pytest.approx(-4.2875, abs=0.06)


def test_ground_truth_without_perception():
    text = STRAIGHT + BUS_AND_WALKER.replace("ego: {perception: {objects: {range_m: 80}}}\n", "")
    _, world = world_from_yaml(text, external={"ego"})
    route = EgoRoute(world, 0, 500.0)
    assert _seen(world, route) == {"bus", "walker", "far_car"}


SIGNAL = """
gauntlet: 1
name: s
map: {procedural: {generator: x_junction, params: {arm_length_m: 100, signalised: true}}}
ego: {perception: {signal_range_m: 30}}
entities:
  - name: ego
    type: car
    initial: {position: {lane: {road: "3", lane: -1, s_m: 50}}, speed_mps: 10}
    behaviour: {cruise: {}}
"""


def test_a_traffic_light_is_read_only_within_its_range():
    _, world = world_from_yaml(SIGNAL)
    route = EgoRoute(world, 0, 500.0)
    distances = []
    for _ in range(60):
        obs = observe(world, route)
        distances.append((round(obs.route_s, 3), obs.signal))
        world.step()
    # Front bumper to the stop line: 100 - 50 - 2.35 = 47.65 m at the start.
    hidden = [s for s, sig in distances if sig is None]
    shown = [sig.distance_m for _, sig in distances if sig is not None]
    assert hidden and shown
    assert max(hidden) < min(s for s, sig in distances if sig is not None)
    assert max(shown) <= 30.0 < 47.65 - max(hidden)
