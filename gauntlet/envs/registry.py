"""Registration of the gymnasium ids ``gauntlet/<Name>-v<N>`` (run on ``import gauntlet``).

Entries name their class by an entry-point string, so registering imports
nothing of the simulator; the environment module loads on the first
``gymnasium.make``. Ids are versioned: a change of behaviour bumps ``-v<N>``.
"""

from __future__ import annotations

from typing import Any

ENTRY_POINT = "gauntlet.envs.scenario_env:ScenarioEnv"

#: Registered ids and their keyword arguments for :class:`ScenarioEnv`.
ENVS: dict[str, dict[str, Any]] = {
    "gauntlet/ScenarioEnv-v0": {},
    "gauntlet/LaneKeep-v0": {"scenarios": "template:lane_keep", "randomisation": "lane_keep"},
    "gauntlet/Follow-v0": {"scenarios": "template:follow", "randomisation": "follow"},
    "gauntlet/HighwayMerge-v0": {
        "scenarios": "template:highway_merge",
        "randomisation": "highway_merge",
    },
    "gauntlet/Intersection-v0": {
        "scenarios": "template:intersection",
        "randomisation": "intersection",
    },
    "gauntlet/Roundabout-v0": {"scenarios": "template:roundabout", "randomisation": "roundabout"},
    "gauntlet/Parking-v0": {"scenarios": "template:parking", "randomisation": "parking"},
}


def register_envs() -> None:
    """Register every id of :data:`ENVS` that gymnasium does not know yet."""
    import gymnasium

    for env_id, kwargs in ENVS.items():
        if env_id not in gymnasium.registry:
            gymnasium.register(id=env_id, entry_point=ENTRY_POINT, kwargs=dict(kwargs))
