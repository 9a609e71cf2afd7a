"""Registration of the gymnasium ids ``gauntlet/<Name>-v<N>`` (run on ``import gauntlet``).

Entries name their class by an entry-point string, so registering imports
nothing of the simulator; the environment module loads on the first
``gymnasium.make``. Ids are versioned: a change of behaviour bumps ``-v<N>``.

PettingZoo environments (multi-agent, e.g. swarms) have no global registry of
their own: a package registers its parallel environment here with
:func:`register_parallel_env`, and the conformance suite runs PettingZoo's
``parallel_api_test`` over every name of :func:`parallel_env_names`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

ENTRY_POINT = "gauntlet.envs.scenario_env:ScenarioEnv"
#: Native batched environments: ``gymnasium.make_vec(id, num_envs)`` builds these
#: (``vectorization_mode="vector_entry_point"``, the default for these ids).
VECTOR_ENTRY_POINTS: dict[str, str] = {
    "gauntlet/LaneKeepBatch-v0": "gauntlet.envs.batch:BatchScenarioEnv",
}

#: Registered ids and their keyword arguments for :class:`ScenarioEnv`.
ENVS: dict[str, dict[str, Any]] = {
    "gauntlet/ScenarioEnv-v0": {},
    "gauntlet/LaneKeep-v0": {"scenarios": "template:lane_keep", "randomisation": "lane_keep"},
    # Car following (ACC): the reward preset adds time-headway, TTC and speed-tracking
    # terms (gauntlet.envs.reward.ACC_WEIGHTS).
    "gauntlet/Follow-v0": {
        "scenarios": "template:follow",
        "randomisation": "follow",
        "reward": "follow",
    },
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
    # The lane-keeping bend with the ego alone: one world by ``gymnasium.make``,
    # many as arrays by ``gymnasium.make_vec`` (gauntlet.envs.batch).
    "gauntlet/LaneKeepBatch-v0": {"scenarios": "template:lane_keep"},
}

#: The drone and arm environments: id -> their own class, as ``"module:Class"``
#: (the module loads on the first ``gymnasium.make``).
DOMAIN_ENVS: dict[str, str] = {
    "gauntlet/DroneHover-v0": "gauntlet.envs.drone_env:DroneHoverEnv",
    "gauntlet/DroneWaypoint-v0": "gauntlet.envs.drone_env:DroneWaypointEnv",
    "gauntlet/DroneAvoid-v0": "gauntlet.envs.drone_env:DroneAvoidEnv",
    "gauntlet/ArmReach-v0": "gauntlet.envs.arms:ArmReachEnv",
    "gauntlet/ArmPush-v0": "gauntlet.envs.arms:ArmPushEnv",
    "gauntlet/ArmPickPlace-v0": "gauntlet.envs.arms:ArmPickPlaceEnv",
    "gauntlet/ArmPegInsert-v0": "gauntlet.envs.arms:ArmPegInsertEnv",
}

#: PettingZoo parallel environments by name: a factory or a ``"module:attr"`` string.
_PARALLEL_ENVS: dict[str, Callable[..., Any] | str] = {}


#: PettingZoo parallel environments that ship with Gauntlet: name -> "module:factory".
PARALLEL_ENVS: dict[str, str] = {
    "gauntlet/SwarmSearch-v0": "gauntlet.envs.swarm:make_swarm_env",
}


def register_envs() -> None:
    """Register every id of :data:`ENVS` and :data:`DOMAIN_ENVS` that gymnasium does not know yet."""
    import gymnasium

    for env_id, kwargs in ENVS.items():
        if env_id not in gymnasium.registry:
            gymnasium.register(
                id=env_id,
                entry_point=ENTRY_POINT,
                vector_entry_point=VECTOR_ENTRY_POINTS.get(env_id),
                kwargs=dict(kwargs),
            )
    for env_id, entry_point in DOMAIN_ENVS.items():
        if env_id not in gymnasium.registry:
            gymnasium.register(id=env_id, entry_point=entry_point)
    # PettingZoo environments register here too, by a "module:attr" string, so
    # that `import gauntlet` imports none of their simulators.
    for name, factory in PARALLEL_ENVS.items():
        register_parallel_env(name, factory)


def register_parallel_env(name: str, factory: Callable[..., Any] | str) -> None:
    """Register a PettingZoo ``ParallelEnv`` under ``name`` (``gauntlet/<Name>-v<N>``).

    Args:
        name: Versioned name, like the gymnasium ids.
        factory: Builds the environment from keyword arguments (``render_mode``
            among them); a ``"module:attr"`` string is imported on the first
            :func:`make_parallel_env`, so registering imports nothing.

    Raises:
        ValueError: A name that is not ``gauntlet/<Name>-v<N>``, or one already
            registered with another factory.
    """
    prefix, _, rest = name.partition("/")
    base, _, version = rest.rpartition("-v")
    if prefix != "gauntlet" or not base or not version.isdigit():
        raise ValueError(f"parallel env name must look like 'gauntlet/<Name>-v<N>', got {name!r}")
    known = _PARALLEL_ENVS.get(name)
    if known is not None and known != factory:
        raise ValueError(f"parallel env {name!r} is already registered with {known!r}")
    _PARALLEL_ENVS[name] = factory


def parallel_env_names() -> list[str]:
    """Names of the registered PettingZoo parallel environments, sorted."""
    return sorted(_PARALLEL_ENVS)


def make_parallel_env(name: str, /, **kwargs: Any) -> Any:
    """Build the PettingZoo parallel environment registered as ``name``.

    Raises:
        KeyError: An unknown name (the message lists the known ones).
    """
    try:
        factory = _PARALLEL_ENVS[name]
    except KeyError:
        known = ", ".join(parallel_env_names()) or "none"
        raise KeyError(f"no parallel env {name!r}; registered: {known}") from None
    if isinstance(factory, str):
        module, _, attr = factory.partition(":")
        factory = getattr(importlib.import_module(module), attr)
    return factory(**kwargs)
