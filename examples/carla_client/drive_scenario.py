"""Drive the ego of a Gauntlet scenario from a CARLA client script, and get a Gauntlet report.

Start the scenario in scenario mode, then this script::

    gauntlet run scenarios/smoke/follow_lead.yaml --stack carla --carla-port 2000 &
    python examples/carla_client/drive_scenario.py --port 2000

The script is ordinary CARLA code. It waits for the server, finds the
vehicle whose ``role_name`` is ``hero`` (the scenario's ego), attaches a GNSS
receiver to it, and drives it: pure pursuit along the map's waypoints, and a
time-gap speed controller behind the nearest vehicle ahead in its lane,
read from the world snapshot. It ticks the world until the server says the
scenario has ended (``RuntimeError``); the scenario's storyboard drove the
other actors and Gauntlet wrote the results and reports (``results.json``,
``junit.xml``, ``report.html``) to ``gauntlet run``'s output folder.

It prints one JSON line: steps driven, distance, the smallest gap to the
vehicle ahead and the number of GNSS fixes received.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

import carla


def connect(host: str, port: int, wait_s: float) -> carla.Client:
    """A client once the server answers (it starts when ``gauntlet run`` reaches the scenario)."""
    end = time.monotonic() + wait_s
    while True:
        client = carla.Client(host, port)
        client.set_timeout(2.0)
        try:
            client.get_server_version()
            client.set_timeout(20.0)
            return client
        except RuntimeError:
            if time.monotonic() > end:
                raise
            time.sleep(0.2)


def find_hero(world: carla.World, wait_s: float) -> carla.Actor:
    """The scenario's ego (``role_name`` ``hero``) once the first world snapshot has arrived.

    In synchronous mode the client does not wait for a snapshot when it
    connects; the actor list is empty until the episode stream delivers one.
    """
    end = time.monotonic() + wait_s
    while True:
        for actor in world.get_actors():
            if actor.attributes.get("role_name") == "hero":
                return actor
        if time.monotonic() > end:
            raise RuntimeError(f"no actor with role_name 'hero' after {wait_s:g} s")
        time.sleep(0.05)


def steer_towards(transform: carla.Transform, target: carla.Location, wheelbase: float) -> float:
    """Pure pursuit from ``transform`` to ``target``; CARLA steer in [-1, 1] (positive right)."""
    yaw = math.radians(transform.rotation.yaw)
    dx, dy = target.x - transform.location.x, target.y - transform.location.y
    ahead = dx * math.cos(yaw) + dy * math.sin(yaw)
    right = -dx * math.sin(yaw) + dy * math.cos(yaw)
    angle = math.atan(2.0 * wheelbase * right / max(ahead * ahead + right * right, 1e-6))
    return max(-1.0, min(1.0, angle / math.radians(35.0)))


def gap_ahead(world: carla.World, hero: carla.Actor, lane_width: float) -> tuple[float, float]:
    """Bumper-to-bumper gap (m) and speed (m/s) of the nearest vehicle ahead in the hero's lane."""
    t = hero.get_transform()
    yaw = math.radians(t.rotation.yaw)
    best, speed = math.inf, 0.0
    for other in world.get_actors().filter("vehicle.*"):
        if other.id == hero.id:
            continue
        o = other.get_transform().location
        dx, dy = o.x - t.location.x, o.y - t.location.y
        ahead = dx * math.cos(yaw) + dy * math.sin(yaw)
        side = -dx * math.sin(yaw) + dy * math.cos(yaw)
        if ahead > 0.0 and abs(side) < lane_width / 2.0:
            gap = ahead - hero.bounding_box.extent.x - other.bounding_box.extent.x
            if gap < best:
                best, speed = gap, other.get_velocity().length()
    return best, speed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2000)
    parser.add_argument("--wait", type=float, default=60.0, help="seconds to wait for the server")
    parser.add_argument("--speed", type=float, default=25.0, help="cruise speed, m/s")
    parser.add_argument("--time-gap", type=float, default=1.8, help="time gap to keep, s")
    args = parser.parse_args()

    client = connect(args.host, args.port, args.wait)
    world = client.get_world()
    town = world.get_map()
    hero = find_hero(world, args.wait)
    gnss = world.spawn_actor(
        world.get_blueprint_library().find("sensor.other.gnss"),
        carla.Transform(carla.Location(z=1.5)),
        attach_to=hero,
    )
    fixes: list = []
    gnss.listen(fixes.append)
    start = hero.get_location()
    steps, min_gap = 0, math.inf
    try:
        while True:
            t = hero.get_transform()
            lane = town.get_waypoint(t.location)
            speed = hero.get_velocity().length()
            target = lane.next(max(6.0, 0.8 * speed))[0]
            gap, lead_speed = gap_ahead(world, hero, lane.lane_width)
            min_gap = min(min_gap, gap)
            # Time-gap following (IDM-like): slow towards the lead's speed as the gap closes.
            wanted = args.speed
            if gap < math.inf:
                wanted = min(wanted, lead_speed + 0.5 * (gap - 3.0 - args.time_gap * speed))
            error = wanted - speed
            throttle = max(0.0, min(1.0, 0.4 * error))
            brake = max(0.0, min(1.0, -0.3 * error))
            steer = steer_towards(t, target.transform.location, 2.9)
            hero.apply_control(carla.VehicleControl(throttle=throttle, brake=brake, steer=steer))
            try:
                world.tick()
            except RuntimeError as exc:
                if "scenario has ended" in str(exc):
                    break
                raise
            steps += 1
    finally:
        gnss.stop()
    driven = hero.get_location().distance(start) if steps else 0.0
    print(
        json.dumps(
            {
                "steps": steps,
                "driven_m": round(driven, 1),
                "min_gap_m": round(min_gap, 2),
                "gnss_fixes": len(fixes),
            }
        )
    )
    return 0 if steps > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
