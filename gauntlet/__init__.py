"""Gauntlet: a simulation testbed for autonomous driving and robotics."""

from __future__ import annotations

__version__ = "0.1.0"
