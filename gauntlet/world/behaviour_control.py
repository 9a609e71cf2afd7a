"""Commands of the actors that behaviour models drive: lane drivers and walkers.

On behaviour-decision steps the world asks the lane drivers
(:class:`gauntlet.agents.drivers.LaneDrivers`) for acceleration and steering
and the walkers for velocities, and writes them into the control arrays of
the motion groups: a steering angle becomes a yaw rate for models that take
one, and a vehicle on a walk path is turned onto the walker's velocity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gauntlet.agents.drivers import Obstacles, StopLines
from gauntlet.world.actors import MotionGroup

if TYPE_CHECKING:
    from gauntlet.world.world import World

#: Gains turning a vehicle onto a walk path's desired velocity (1/s).
WALK_SPEED_GAIN = 1.5
WALK_HEADING_GAIN = 2.0


def command_behaviours(world: World, stops: StopLines) -> None:
    """Write the commands of every actor a behaviour model drives into its motion group.

    Lane drivers react to ``stops`` (the stop lines signals hold now) and to
    the actors that are not vehicles; walkers (and vehicles on walk paths)
    steer towards their desired velocities.
    """
    ob = world.obstacle_ids
    if len(ob):
        vel = np.stack(
            (world.v[ob] * np.cos(world.h[ob]), world.v[ob] * np.sin(world.h[ob])), axis=1
        )
        obstacles = Obstacles(
            np.stack((world.x[ob], world.y[ob]), axis=1), vel, world.radius[ob], ob
        )
    else:
        obstacles = Obstacles.none()
    accel, steer = world.drivers.controls(
        world.time_s, world.x, world.y, world.h, world.v, obstacles, stops
    )
    for group in world.groups:
        if group.model.CONTROL_FIELDS[0].startswith("accel"):
            slots = driver_slots_of(world, group)
            mask = slots >= 0
            group.control[mask, 0] = accel[slots[mask]]
            group.control[mask, 1] = steer[slots[mask]]
            if group.steer_is_yaw_rate:
                actors = group.actors[mask]
                group.control[mask, 1] = yaw_rate_for(world, actors, steer[slots[mask]])
    if world.walkers.walkers:
        veh = np.flatnonzero(world.is_vehicle)
        vxy = np.stack((world.x[veh], world.y[veh]), axis=1)
        vvel = np.stack(
            (world.v[veh] * np.cos(world.h[veh]), world.v[veh] * np.sin(world.h[veh])), axis=1
        )
        on_road = ~world.off_road
        for actor, (vx, vy) in world.walkers.velocity_commands(
            world.x, world.y, vxy, vvel, on_road
        ).items():
            g = world.group_of[actor]
            if g < 0:
                continue
            group = world.groups[g]
            if group.model.CONTROL_FIELDS[0].startswith("vx"):
                group.control[world.row_of[actor]] = (vx, vy)
            else:
                group.control[world.row_of[actor]] = vehicle_command_towards(
                    world, actor, vx, vy, group
                )


def vehicle_command_towards(
    world: World, actor: int, vx: float, vy: float, group: MotionGroup
) -> tuple[float, float]:
    """Acceleration and steering (or yaw rate) that turn a vehicle onto a desired velocity.

    Used when a vehicle (a cyclist, say) follows walk waypoints: speed by a
    proportional law, heading by a yaw rate proportional to the heading error.
    """
    speed = float(np.hypot(vx, vy))
    accel = WALK_SPEED_GAIN * (speed - float(world.v[actor]))
    if speed < 1e-6:
        return accel, 0.0
    error = (np.arctan2(vy, vx) - world.h[actor] + np.pi) % (2 * np.pi) - np.pi
    yaw_rate = WALK_HEADING_GAIN * error
    if group.steer_is_yaw_rate:
        return accel, float(yaw_rate)
    wheelbase = max(float(world.wheelbase[actor]), 0.5)
    return accel, float(np.arctan(wheelbase * yaw_rate / max(float(world.v[actor]), 0.5)))


def yaw_rate_for(world: World, actor: int | np.ndarray, steer: float | np.ndarray) -> np.ndarray:
    """Yaw rate (rad/s) a bicycle of the actor's wheelbase turns at under ``steer`` (rad)."""
    wheelbase = np.maximum(world.wheelbase[actor], 0.5)
    return world.v[actor] * np.tan(steer) / wheelbase


def driver_slots_of(world: World, group: MotionGroup) -> np.ndarray:
    """Driver slot of each of the group's actors; -1 for those driven from outside."""
    if group.driver_slots is None:
        group.driver_slots = np.array(
            [
                -1 if int(a) in world.external else world.driver_slot.get(int(a), -1)
                for a in group.actors
            ],
            dtype=np.int64,
        )
    return group.driver_slots
