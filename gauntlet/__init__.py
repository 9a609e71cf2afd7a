"""Gauntlet: a simulation testbed for autonomous driving and robotics."""

from __future__ import annotations

__version__ = "0.1.0"

from gauntlet.envs.registry import register_envs as _register_envs

_register_envs()
