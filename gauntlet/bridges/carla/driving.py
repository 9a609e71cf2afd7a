"""The clients' controls written into the world's motion groups before each step.

Every body of a server's world is driven from outside. Before a step each
vehicle's last ``carla.VehicleControl`` becomes an acceleration and a
road-wheel angle through :func:`~.pedals.pedal_command` (with its preset's
limits), and each walker's last ``carla.WalkerControl`` a velocity through
:func:`~.pedals.walker_velocity`; both are written straight into the rows of
the motion groups' control arrays.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from gauntlet.bridges.carla.actors import Actor
from gauntlet.bridges.carla.pedals import VehicleLimits, pedal_command, walker_velocity
from gauntlet.dynamics.presets import preset
from gauntlet.world.world import World


class BodyDriver:
    """Writes the bodies' controls into a world; keeps each vehicle's preset limits."""

    def __init__(self) -> None:
        self._vehicle_limits: dict[int, VehicleLimits] = {}

    def limits(self, actor: Actor) -> VehicleLimits:
        """The pedal and steering limits of vehicle ``actor`` (from its preset)."""
        limits = self._vehicle_limits.get(actor.id)
        if limits is None:
            p = preset(actor.blueprint.road_user or "car")
            limits = VehicleLimits(p.max_accel_mps2, p.max_decel_mps2, p.max_steer_rad)
            self._vehicle_limits[actor.id] = limits
        return limits

    def drive(
        self, world: World, bodies: Iterable[Actor], index: Mapping[int, int], dt: float
    ) -> list[tuple[int, float, float, float]]:
        """Write every body's command into its motion group.

        Args:
            world: The world about to step.
            bodies: The actors with a body.
            index: World index of each body, by CARLA id.
            dt: Step length, s.

        Returns:
            The world index and pose (x, y in m, heading in rad) of each vehicle
            its brakes hold at standstill.
        """
        held = []
        for actor in bodies:
            k = index[actor.id]
            g = world.group_of[k]
            if g < 0:
                continue
            control = world.groups[g].control
            row = world.row_of[k]
            if actor.kind == "vehicle":
                c = actor.vehicle_control
                accel, steer, hold = pedal_command(
                    c.throttle,
                    c.brake,
                    c.steer,
                    c.hand_brake,
                    c.reverse,
                    float(world.v[k]),
                    self.limits(actor),
                    dt,
                )
                if hold:
                    world.set_speed(k, 0.0)
                    held.append((k, float(world.x[k]), float(world.y[k]), float(world.h[k])))
                control[row, 0] = accel
                control[row, 1] = steer
            elif actor.kind == "walker":
                w = actor.walker_control
                control[row] = walker_velocity(w.direction, w.speed)
        return held
