"""Conformance: the unmodified ``carla==0.9.16`` client against the server."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from gauntlet.maps.procedural import PROCEDURAL_MAPS
from tests.bridges.carla_process import start_server, stop_server, tick_until_data, wait_for_frame

carla = pytest.importorskip("carla")

A, TAU, DT = 3.5, 0.2, 0.05  # car preset: largest acceleration, actuator lag; step


def connect(server):
    client = carla.Client(server.host, server.port)
    client.set_timeout(60.0)
    return client, client.get_world()


def lagged_distance(t: float) -> float:
    return A * (t * t / 2 - TAU * t + TAU * TAU * (1 - math.exp(-t / TAU)))


def lagged_speed(t: float) -> float:
    return A * (t - TAU * (1 - math.exp(-t / TAU)))


def test_sync_session_vehicle_lidar_camera(sync_server):
    client, world = connect(sync_server)
    assert client.get_server_version() == "0.9.16"
    settings = world.get_settings()
    assert settings.synchronous_mode and settings.fixed_delta_seconds == pytest.approx(DT)
    library = world.get_blueprint_library()
    spawn = world.get_map().get_spawn_points()[0]
    car = world.spawn_actor(library.find("vehicle.tesla.model3"), spawn)
    assert car.type_id == "vehicle.tesla.model3"
    assert car.bounding_box.extent.x == pytest.approx(2.396)
    lidar_bp = library.find("sensor.lidar.ray_cast")
    lidar_bp.set_attribute("channels", "64")
    lidar = world.spawn_actor(lidar_bp, carla.Transform(carla.Location(z=2.0)), attach_to=car)
    camera_bp = library.find("sensor.camera.rgb")
    camera_bp.set_attribute("image_size_x", "320")
    camera_bp.set_attribute("image_size_y", "240")
    camera = world.spawn_actor(
        camera_bp, carla.Transform(carla.Location(x=1.5, z=1.6)), attach_to=car
    )
    assert lidar.parent.id == car.id and lidar.attributes["channels"] == "64"
    scans: list = []
    images: list = []
    lidar.listen(scans.append)
    camera.listen(images.append)

    warm = tick_until_data(world, scans, images)  # the car stands still meanwhile
    start = car.get_transform()
    assert (start.location.x, start.location.y) == pytest.approx(
        (spawn.location.x, spawn.location.y)
    )
    car.apply_control(carla.VehicleControl(throttle=1.0))
    frames = [world.tick() for _ in range(40)]
    assert frames == list(range(warm + 1, warm + 41))
    # Data through listen: a camera frame every step, a lidar sweep every 0.1 s (every
    # other step) from the sweep of its first step.
    first_sweep = scans[0].frame
    sweeps = [f for f in frames if (f - first_sweep) % 2 == 0]
    deadline = time.monotonic() + 10.0
    while (
        images[-1].frame < frames[-1] or scans[-1].frame < sweeps[-1]
    ) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [i.frame for i in images if i.frame > warm] == frames
    assert (images[-1].width, images[-1].height) == (320, 240)
    assert len(images[-1].raw_data) == 320 * 240 * 4
    assert [s.frame for s in scans if s.frame > warm] == sweeps
    assert scans[-1].channels == 64 and len(scans[-1]) > 0
    snapshot = world.get_snapshot()
    assert snapshot.frame == frames[-1]
    assert snapshot.timestamp.delta_seconds == pytest.approx(DT)

    end = car.get_transform()
    yaw = math.radians(spawn.rotation.yaw)
    dx, dy = end.location.x - start.location.x, end.location.y - start.location.y
    forward = dx * math.cos(yaw) + dy * math.sin(yaw)
    sideways = -dx * math.sin(yaw) + dy * math.cos(yaw)
    assert forward == pytest.approx(lagged_distance(40 * DT), rel=0.01)
    assert sideways == pytest.approx(0.0, abs=1e-3)
    velocity = car.get_velocity()
    assert (velocity.x, velocity.y) == pytest.approx(
        (lagged_speed(2.0) * math.cos(yaw), lagged_speed(2.0) * math.sin(yaw)), abs=1e-3
    )
    accel = car.get_acceleration()
    assert math.hypot(accel.x, accel.y) == pytest.approx(A, rel=0.01)
    # The sensors ride along at their offsets.
    assert lidar.get_transform().location.z == pytest.approx(end.location.z + 2.0, abs=1e-4)
    cam = camera.get_transform().location
    assert cam.x == pytest.approx(end.location.x + 1.5 * math.cos(yaw), abs=1e-3)
    assert cam.y == pytest.approx(end.location.y + 1.5 * math.sin(yaw), abs=1e-3)

    # Positive steer turns right: clockwise, so CARLA's yaw grows.
    car.apply_control(carla.VehicleControl(throttle=0.3, steer=0.5))
    for _ in range(20):
        world.tick()
    turned = car.get_transform().rotation.yaw - end.rotation.yaw
    assert 5.0 < (turned + 180.0) % 360.0 - 180.0 < 90.0
    assert car.get_angular_velocity().z > 0.0

    # Teleport and set a velocity: the next snapshot shows both.
    target = carla.Transform(
        carla.Location(x=spawn.location.x, y=spawn.location.y, z=0.0), spawn.rotation
    )
    car.set_transform(target)
    car.set_target_velocity(carla.Vector3D(4.0 * math.cos(yaw), 4.0 * math.sin(yaw), 0.0))
    car.apply_control(carla.VehicleControl(throttle=0.0, brake=0.0))
    world.tick()
    moved = car.get_transform().location
    assert math.hypot(moved.x - target.location.x, moved.y - target.location.y) == pytest.approx(
        0.2, abs=0.01
    )
    lidar.stop()
    camera.stop()
    for actor in (camera, lidar, car):
        assert actor.destroy()


def test_brake_hand_brake_and_reverse(sync_server):
    client, world = connect(sync_server)
    spawn = world.get_map().get_spawn_points()[3]
    car = world.spawn_actor(world.get_blueprint_library().find("vehicle.audi.a2"), spawn)
    car.apply_control(carla.VehicleControl(throttle=1.0))
    for _ in range(30):
        world.tick()
    assert car.get_velocity().length() > 3.0
    car.apply_control(carla.VehicleControl(hand_brake=True))
    for _ in range(60):
        world.tick()
    assert car.get_velocity().length() == 0.0
    stopped = car.get_transform()
    car.apply_control(carla.VehicleControl(throttle=0.5, reverse=True))
    for _ in range(20):
        world.tick()
    now = car.get_transform()
    yaw = math.radians(stopped.rotation.yaw)
    back = (now.location.x - stopped.location.x) * math.cos(yaw) + (
        now.location.y - stopped.location.y
    ) * math.sin(yaw)
    assert back < -0.5
    assert car.get_control().reverse is True


def test_batch_spawn_of_50_vehicles():
    server = start_server("--sync", "--map", "procedural:highway")
    try:
        client, world = connect(server)
        points = world.get_map().get_spawn_points()
        assert len(points) >= 50
        blueprints = world.get_blueprint_library().filter("vehicle.*")
        batch = [
            carla.command.SpawnActor(blueprints[k % len(blueprints)], points[k]).then(
                carla.command.SetSimulatePhysics(carla.command.FutureActor, True)
            )
            for k in range(50)
        ]
        before = world.tick()
        responses = client.apply_batch_sync(batch, True)
        assert [r.error for r in responses] == [""] * 50
        ids = [r.actor_id for r in responses]
        assert len(set(ids)) == 50
        # The batch's tick is frame ``before + 1``; the actor list is that snapshot's.
        assert wait_for_frame(world, before + 1).frame == before + 1
        vehicles = world.get_actors().filter("vehicle.*")
        assert sorted(v.id for v in vehicles) == sorted(ids)
        for k, vehicle in enumerate(sorted(vehicles, key=lambda v: v.id)):
            loc = vehicle.get_location()
            assert (loc.x, loc.y) == pytest.approx((points[k].location.x, points[k].location.y))
        controls = [
            carla.command.ApplyVehicleControl(i, carla.VehicleControl(throttle=0.5)) for i in ids
        ]
        assert all(not r.error for r in client.apply_batch_sync(controls, False))
        for _ in range(10):
            world.tick()
        speeds = [v.get_velocity().length() for v in world.get_actors(ids)]
        assert min(speeds) > 0.05  # trucks and bicycles accelerate slowly
        again = client.apply_batch_sync([carla.command.SpawnActor(blueprints[0], points[0])])
        assert "collision" in again[0].error
        destroyed = client.apply_batch_sync([carla.command.DestroyActor(i) for i in ids])
        assert all(not r.error for r in destroyed)
        world.tick()
        assert len(world.get_actors().filter("vehicle.*")) == 0
    finally:
        stop_server(server)


def test_async_session(carla_server):
    client, world = connect(carla_server)
    assert not world.get_settings().synchronous_mode
    first = world.wait_for_tick()
    second = world.wait_for_tick()
    assert second.frame == first.frame + 1
    assert second.timestamp.elapsed_seconds - first.timestamp.elapsed_seconds == pytest.approx(DT)
    walker = world.spawn_actor(
        world.get_blueprint_library().find("walker.pedestrian.0001"),
        carla.Transform(carla.Location(x=30.0, y=-10.0, z=1.0)),
    )
    walker.apply_control(carla.WalkerControl(direction=carla.Vector3D(0.0, 1.0, 0.0), speed=1.4))
    world.wait_for_tick()
    seen: list[int] = []
    callback = world.on_tick(lambda snap: seen.append(snap.frame))
    time.sleep(1.0)
    world.remove_on_tick(callback)
    # Every frame in order, at about real-time pace: 20 steps per second of wall-clock time.
    assert seen == list(range(seen[0], seen[0] + len(seen)))
    assert 8 <= len(seen) <= 30
    where = walker.get_location()
    assert where.x == pytest.approx(30.0, abs=0.05)
    assert where.y > -10.0 + 0.1  # walked along CARLA's +y (walkers speed up gradually)
    assert walker.get_control().speed == pytest.approx(1.4)


def test_map_waypoints_topology_and_spawn_points(carla_server):
    client, world = connect(carla_server)
    town = world.get_map()
    assert town.name == "Gauntlet/Maps/x_junction"
    network = PROCEDURAL_MAPS["x_junction"]()
    waypoints = town.generate_waypoints(2.0)
    assert len(waypoints) > 200
    # Every waypoint lies on a Gauntlet lane once y is flipped back, facing its way.
    for wp in waypoints[::10]:
        loc = wp.transform.location
        found = network.locate(loc.x, -loc.y, -math.radians(wp.transform.rotation.yaw))
        assert found is not None and abs(found.t) < 0.05
    topology = town.get_topology()
    assert len(topology) > 10
    for start, end in topology:
        assert start.transform.location.distance(end.transform.location) > 1.0
    for point in town.get_spawn_points():
        wp = town.get_waypoint(point.location)
        assert wp.transform.location.distance(point.location) == pytest.approx(0.5, abs=0.05)
        assert math.cos(math.radians(wp.transform.rotation.yaw - point.rotation.yaw)) > 0.999
        assert wp.lane_type == carla.LaneType.Driving


def test_blueprints_and_spectator(carla_server):
    client, world = connect(carla_server)
    library = world.get_blueprint_library()
    assert len(library.filter("vehicle.*")) >= 15
    assert len(library.filter("walker.pedestrian.*")) >= 10
    bp = library.find("vehicle.harley-davidson.low_rider")
    assert bp.get_attribute("number_of_wheels").as_int() == 2
    assert bp.get_attribute("base_type").as_str() == "motorcycle"
    assert bp.has_attribute("color") and bp.get_attribute("color").is_modifiable
    lidar = library.find("sensor.lidar.ray_cast")
    assert lidar.get_attribute("range").as_float() == pytest.approx(10.0)
    spectator = world.get_spectator()
    assert spectator.type_id == "spectator"
    spectator.set_transform(
        carla.Transform(carla.Location(1.0, 2.0, 30.0), carla.Rotation(pitch=-90))
    )
    # Asynchronous mode: no call returns the frame that first shows the move, and a
    # snapshot stepped before the call may still be on its way; wait for one that shows it.
    deadline = time.monotonic() + 10.0
    while spectator.get_transform().location.z != pytest.approx(30.0):
        assert time.monotonic() < deadline, "no snapshot shows the spectator's new transform"
        world.wait_for_tick()
    where = spectator.get_transform()
    assert (where.location.x, where.location.y, where.location.z) == pytest.approx((1.0, 2.0, 30.0))
    assert where.rotation.pitch == pytest.approx(-90.0)


def test_error_paths(sync_server):
    client, world = connect(sync_server)
    with pytest.raises(RuntimeError, match="load_new_episode"):
        client.load_world("Town01")
    with pytest.raises(RuntimeError, match="is_traffic_manager_running"):
        client.get_trafficmanager()
    bp = world.get_blueprint_library().find("vehicle.tesla.model3")
    spawn = world.get_map().get_spawn_points()[0]
    car = world.spawn_actor(bp, spawn)
    with pytest.raises(RuntimeError, match="collision"):
        world.spawn_actor(bp, spawn)
    assert world.try_spawn_actor(bp, spawn) is None
    world.tick()  # as in CARLA, an actor exists for the client once a snapshot lists it
    assert car.destroy() is True
    assert world.get_actor(car.id) is None or not car.is_alive
    responses = client.apply_batch_sync([carla.command.DestroyActor(car.id)])
    assert "not found" in responses[0].error
    # The server is still in step after the errors.
    frame = world.tick()
    assert world.get_snapshot().frame == frame
    assert np.isfinite(frame)
