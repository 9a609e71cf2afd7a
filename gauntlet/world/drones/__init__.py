"""The drone world: quadrotors, obstacles, wind, no-fly zones, a 360° perception ring, command links.

See :mod:`gauntlet.world.drones.world` and ``docs/drones.md``.
"""

from __future__ import annotations

from gauntlet.world.drones.world import DroneWorld, build_zones, drone_radius_m

__all__ = ["DroneWorld", "build_zones", "drone_radius_m"]
