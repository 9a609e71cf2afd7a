"""Gymnasium environments of the driving domain and their registration.

``import gauntlet`` registers the ids of :data:`gauntlet.envs.registry.ENVS`
(``gauntlet/ScenarioEnv-v0``, ``gauntlet/LaneKeep-v0``, ...); the simulator
loads on the first ``gymnasium.make``. ``gauntlet/LaneKeepBatch-v0`` also has a
native batch for ``gymnasium.make_vec`` (:mod:`gauntlet.envs.batch`);
PettingZoo environments register through
:func:`gauntlet.envs.registry.register_parallel_env`. A trained policy runs as
a Stack through :mod:`gauntlet.envs.policy_stack`. See ``docs/envs.md``.
"""
