"""The simulation behind the server, driven directly: motion, spawning, rebuilds, snapshots."""

from __future__ import annotations

import math

import pytest

from gauntlet.bridges.carla.coords import CarlaTransform
from gauntlet.bridges.carla.episode import Episode, SpawnError
from gauntlet.bridges.carla.protocol import ActorDescription, EpisodeSettings, VehicleControl
from gauntlet.bridges.carla.snapshot import parse_snapshot
from gauntlet.scenarios.schema import ProceduralMap

MODEL3 = ActorDescription(1, "vehicle.tesla.model3")
A, TAU = 3.5, 0.2  # the car preset's largest acceleration and its actuator lag


def lagged_distance(t: float) -> float:
    """Distance under an acceleration command A through a first-order lag TAU, from rest."""
    return A * (t * t / 2 - TAU * t + TAU * TAU * (1 - math.exp(-t / TAU)))


def lagged_speed(t: float) -> float:
    return A * (t - TAU * (1 - math.exp(-t / TAU)))


@pytest.fixture(scope="module")
def straight() -> ProceduralMap:
    return ProceduralMap("straight", {})


def test_full_throttle_matches_the_lagged_acceleration(straight):
    episode = Episode(straight)
    episode.apply_settings(EpisodeSettings(True, False, 0.05))
    start = CarlaTransform(50.0, 5.25, 0.5, 0.0, 0.0, 0.0)
    car = episode.spawn(MODEL3, start)
    episode.tick()
    x0 = episode.transform_of(car).x
    episode.apply_vehicle_control(car.id, VehicleControl(throttle=1.0))
    for _ in range(40):
        episode.tick()
    t = episode.transform_of(car)
    assert t.x - x0 == pytest.approx(lagged_distance(2.0), rel=0.01)
    assert t.y == pytest.approx(5.25) and t.yaw == pytest.approx(0.0)
    assert episode.world.v[0] == pytest.approx(lagged_speed(2.0), rel=1e-6)


def test_brakes_stop_without_reversing(straight):
    episode = Episode(straight)
    car = episode.spawn(MODEL3, CarlaTransform(50.0, 5.25, 0.5, 0.0, 0.0, 0.0))
    episode.tick()
    episode.set_target_velocity(car.id, (10.0, 0.0, 0.0))
    episode.apply_vehicle_control(car.id, VehicleControl(brake=1.0))
    for _ in range(60):
        episode.tick()
    assert episode.world.v[0] == 0.0
    x = episode.transform_of(car).x
    episode.tick()
    assert episode.transform_of(car).x == x


def test_reverse_gear_moves_backwards(straight):
    episode = Episode(straight)
    car = episode.spawn(MODEL3, CarlaTransform(50.0, 5.25, 0.5, 0.0, 0.0, 0.0))
    episode.apply_vehicle_control(car.id, VehicleControl(throttle=0.5, reverse=True))
    for _ in range(20):
        episode.tick()
    assert episode.world.v[0] < -1.0
    assert episode.transform_of(car).x < 50.0


def test_spawning_keeps_the_state_of_moving_actors(straight):
    episode = Episode(straight)
    first = episode.spawn(MODEL3, CarlaTransform(50.0, 5.25, 0.5, 0.0, 0.0, 0.0))
    episode.apply_vehicle_control(first.id, VehicleControl(throttle=1.0))
    for _ in range(10):
        episode.tick()
    before = episode.transform_of(first).x, float(episode.world.v[0])
    accel_state = episode.world.groups[0].state[0].copy()
    episode.spawn(MODEL3, CarlaTransform(200.0, 5.25, 0.5, 0.0, 0.0, 0.0))
    assert (episode.transform_of(first).x, float(episode._world().v[0])) == before
    assert (episode.world.groups[0].state[0] == accel_state).all()
    assert len(episode.world.actors) == 2


def test_overlapping_spawn_is_refused(straight):
    episode = Episode(straight)
    episode.spawn(MODEL3, CarlaTransform(50.0, 5.25, 0.5, 0.0, 0.0, 0.0))
    with pytest.raises(SpawnError, match="collision"):
        episode.spawn(MODEL3, CarlaTransform(52.0, 5.5, 0.5, 0.0, 10.0, 0.0))
    # A walker on the pavement beside it is fine.
    episode.spawn(ActorDescription(2, "walker.pedestrian.0001"), CarlaTransform(50.0, 9.0, 1.0))


def test_snapshot_layout(straight):
    episode = Episode(straight)
    car = episode.spawn(MODEL3, CarlaTransform(50.0, 5.25, 0.5, 0.0, 0.0, 0.0))
    episode.set_target_velocity(car.id, (4.0, 0.0, 0.0))
    episode.tick()
    frame, elapsed, records = parse_snapshot(episode.snapshot())
    assert frame == episode.frame == 2 and elapsed == pytest.approx(0.05)
    assert list(records["id"]) == [episode.actors.spectator.id, car.id]
    row = records[1]
    assert row["transform"][0] == pytest.approx(50.0 + 4.0 * 0.05, abs=1e-3)
    # Coasting: the resistance's deceleration comes through the actuator lag.
    lagged = 0.3 * (0.05 - TAU * (1 - math.exp(-0.05 / TAU)))
    assert row["velocity"][0] == pytest.approx(4.0 - lagged, abs=1e-5)


def test_unknown_blueprint_and_parent(straight):
    episode = Episode(straight)
    with pytest.raises(SpawnError, match="unknown blueprint"):
        episode.spawn(ActorDescription(1, "vehicle.nope"), CarlaTransform())
    with pytest.raises(SpawnError, match="no such actor"):
        episode.spawn(ActorDescription(1, "sensor.other.gnss"), CarlaTransform(), parent=999)
