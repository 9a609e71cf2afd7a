"""Gymnasium environments of the driving domain and their registration.

``import gauntlet`` registers the ids of :data:`gauntlet.envs.registry.ENVS`
(``gauntlet/ScenarioEnv-v0``, ``gauntlet/LaneKeep-v0``, ...); the simulator
loads on the first ``gymnasium.make``. See ``docs/envs.md``.
"""
