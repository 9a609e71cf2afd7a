"""Drive a vehicle along its lane with CARLA's own Python client.

An ordinary CARLA script: nothing in it is specific to Gauntlet. Start a
server, then run it::

    gauntlet serve carla --port 2000 &
    python examples/carla_client/follow_lane.py --port 2000

It switches the world to synchronous mode, spawns a car (role ``hero``) at
the first recommended spawn point with a camera (400 x 300) and a lidar on
it, listens to both, and
steers it along the map's waypoints at a set speed for a number of steps,
then restores the settings and cleans up. It prints one JSON line with the
distance driven, the largest distance from the lane centre and the number
of camera frames and lidar sweeps received, and exits
non-zero if the car did not follow its lane.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

import carla


def steer_towards(vehicle: carla.Vehicle, target: carla.Location, wheelbase: float) -> float:
    """Pure pursuit from the vehicle's pose to ``target``; CARLA steer in [-1, 1]."""
    t = vehicle.get_transform()
    yaw = math.radians(t.rotation.yaw)
    dx, dy = target.x - t.location.x, target.y - t.location.y
    # Lateral offset of the target in the vehicle frame (CARLA: +y is to the right).
    ahead = dx * math.cos(yaw) + dy * math.sin(yaw)
    right = -dx * math.sin(yaw) + dy * math.cos(yaw)
    distance_sq = max(ahead * ahead + right * right, 1e-6)
    angle = math.atan(2.0 * wheelbase * right / distance_sq)
    max_steer = math.radians(35.0)
    return max(-1.0, min(1.0, angle / max_steer))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2000)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--speed", type=float, default=8.0, help="target speed, m/s")
    args = parser.parse_args()

    client = carla.Client(args.host, args.port)
    client.set_timeout(10.0)
    world = client.get_world()
    original = world.get_settings()
    settings = world.get_settings()
    settings.synchronous_mode = True
    settings.fixed_delta_seconds = 0.05
    world.apply_settings(settings)

    town = world.get_map()
    library = world.get_blueprint_library()
    blueprint = library.find("vehicle.lincoln.mkz_2020")
    blueprint.set_attribute("role_name", "hero")
    actors = []
    try:
        vehicle = world.spawn_actor(blueprint, town.get_spawn_points()[0])
        actors.append(vehicle)
        camera_bp = library.find("sensor.camera.rgb")
        camera_bp.set_attribute("image_size_x", "400")
        camera_bp.set_attribute("image_size_y", "300")
        camera = world.spawn_actor(
            camera_bp, carla.Transform(carla.Location(x=1.5, z=2.4)), attach_to=vehicle
        )
        lidar = world.spawn_actor(
            library.find("sensor.lidar.ray_cast"),
            carla.Transform(carla.Location(z=2.5)),
            attach_to=vehicle,
        )
        actors += [camera, lidar]
        images: list = []
        sweeps: list = []
        camera.listen(lambda image: images.append(image.frame))
        lidar.listen(lambda scan: sweeps.append(len(scan)))
        world.tick()
        start = vehicle.get_location()
        wheelbase = 2.9
        worst_offset = 0.0
        for _ in range(args.steps):
            here = vehicle.get_location()
            lane = town.get_waypoint(here)
            worst_offset = max(worst_offset, lane.transform.location.distance(here))
            target = lane.next(max(6.0, vehicle.get_velocity().length()))[0]
            speed = vehicle.get_velocity().length()
            throttle = max(0.0, min(1.0, 0.5 * (args.speed - speed)))
            brake = max(0.0, min(1.0, 0.5 * (speed - args.speed)))
            steer = steer_towards(vehicle, target.transform.location, wheelbase)
            vehicle.apply_control(carla.VehicleControl(throttle=throttle, brake=brake, steer=steer))
            world.tick()
        driven = vehicle.get_location().distance(start)
        print(
            json.dumps(
                {
                    "driven_m": round(driven, 2),
                    "max_lane_offset_m": round(worst_offset, 3),
                    "camera_frames": len(images),
                    "lidar_sweeps": len(sweeps),
                }
            )
        )
        return 0 if driven > 10.0 and worst_offset < 0.5 else 1
    finally:
        for sensor in actors[1:]:
            sensor.stop()
        client.apply_batch([carla.command.DestroyActor(a.id) for a in reversed(actors)])
        world.apply_settings(original)


if __name__ == "__main__":
    sys.exit(main())
