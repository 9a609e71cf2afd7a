"""Registration of the drone gymnasium ids (importing this module loads no simulator).

``gauntlet/DroneHover-v0`` (hold a point in wind), ``gauntlet/DroneWaypoint-v0``
(fly a sequence of waypoints) and ``gauntlet/DroneAvoid-v0`` (cross a forest
with the 360° ring) are :class:`gauntlet.envs.drone_env.DroneEnv` with one task
each; the environment module loads on the first ``gymnasium.make``. See
``docs/drones.md``, "Gymnasium environments".
"""

from __future__ import annotations

import gymnasium

#: Registered ids and their entry points.
DRONE_ENVS: dict[str, str] = {
    "gauntlet/DroneHover-v0": "gauntlet.envs.drone_env:DroneHoverEnv",
    "gauntlet/DroneWaypoint-v0": "gauntlet.envs.drone_env:DroneWaypointEnv",
    "gauntlet/DroneAvoid-v0": "gauntlet.envs.drone_env:DroneAvoidEnv",
}

for _id, _entry_point in DRONE_ENVS.items():
    if _id not in gymnasium.registry:
        gymnasium.register(id=_id, entry_point=_entry_point)
