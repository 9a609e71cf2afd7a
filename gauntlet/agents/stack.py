"""The Stack protocol: how an autonomy stack under test drives the ego.

A stack is any object with ``reset(info)`` and ``step(obs) -> Control`` (and
optionally ``close()``). Stacks are found by name through the
``gauntlet.stacks`` entry-point group, or by a ``"module:Class"`` string.
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from gauntlet.sensors.object_list import ObjectList

if TYPE_CHECKING:
    from gauntlet.maps.network import RoadNetwork


@dataclass(frozen=True)
class Control:
    """A vehicle command: longitudinal acceleration and road-wheel steering angle.

    Negative acceleration brakes. The vehicle's actuators apply their lag and
    limits to these commands.
    """

    accel_mps2: float = 0.0
    steer_rad: float = 0.0


@dataclass(frozen=True)
class EgoState:
    """The ego's own state, as a perfect odometry/localisation source reports it."""

    x_m: float
    y_m: float
    heading_rad: float
    speed_mps: float
    accel_mps2: float
    yaw_rate_radps: float
    length_m: float
    width_m: float
    wheelbase_m: float


@dataclass(frozen=True)
class SignalAhead:
    """The next traffic light on the ego's route."""

    signal_id: str
    state: str
    distance_m: float


@dataclass(frozen=True)
class Observation:
    """What the stack sees at one step.

    ``route_s`` is the ego's arc-length position on ``EpisodeInfo.route_xy``.
    ``sensors`` holds sensor measurements by sensor name.
    """

    time_s: float
    ego: EgoState
    objects: ObjectList
    route_s: float
    route_lateral_m: float
    speed_limit_mps: float
    signal: SignalAhead | None = None
    sensors: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EpisodeInfo:
    """What a stack learns once, at reset."""

    scenario: str
    dt_s: float
    seed: int
    ego_name: str
    route_xy: np.ndarray
    route_s: np.ndarray
    route_heading: np.ndarray
    max_accel_mps2: float
    max_decel_mps2: float
    max_steer_rad: float
    network: RoadNetwork | None = None
    goal_xy: tuple[float, float] | None = None
    #: Speed limit at each route sample, m/s (``None``: not known ahead).
    route_speed_limit_mps: np.ndarray | None = None
    #: Per route sample: +1 (-1) where the route moves over to the left (right)
    #: neighbour lane, 0 elsewhere (``None``: not known).
    route_lane_change: np.ndarray | None = None


@runtime_checkable
class Stack(Protocol):
    """An autonomy stack. ``close()`` is optional."""

    def reset(self, info: EpisodeInfo) -> None: ...

    def step(self, obs: Observation) -> Control: ...


#: Stacks that ship with Gauntlet, found even when the package is not installed.
BUILTIN_STACKS = {
    "reference": "gauntlet.agents.reference:ReferenceStack",
    "reference:perception": "gauntlet.agents.perception.stack:PerceptionStack",
    "scenario": "gauntlet.agents.playback:ScenarioStack",
    "carla": "gauntlet.bridges.carla.scenario_mode:CarlaClientStack",
    "swarm": "gauntlet.swarm.stack:SwarmStack",
    "skill": "gauntlet.skills.executor:SkillExecutor",
    "drone-reference": "gauntlet.agents.drone_avoidance:DroneAvoidanceStack",
    "drone-direct": "gauntlet.agents.drone_avoidance:DroneDirectStack",
}


class StackError(LookupError):
    """A stack name that does not resolve, or a stack that cannot be built."""


def stack_names() -> list[str]:
    """Names of the stacks installed through the ``gauntlet.stacks`` entry points."""
    return sorted({*BUILTIN_STACKS, *(ep.name for ep in entry_points(group="gauntlet.stacks"))})


def resolve_stack(name: str) -> type:
    """The stack class for an entry-point name or a ``module:Class`` string."""
    name = BUILTIN_STACKS.get(name, name)
    if ":" in name:
        module_name, _, attr = name.partition(":")
        # Like `python -m`, find modules in the working directory too.
        if os.getcwd() not in sys.path:
            sys.path.append(os.getcwd())
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise StackError(
                f"stack {name!r}: cannot import module {module_name!r}: {exc}"
            ) from exc
        try:
            return getattr(module, attr)
        except AttributeError:
            raise StackError(
                f"stack {name!r}: module {module_name!r} has no attribute {attr!r}"
            ) from None
    for ep in entry_points(group="gauntlet.stacks"):
        if ep.name == name:
            return ep.load()
    known = ", ".join(stack_names()) or "none installed"
    raise StackError(f"unknown stack {name!r}; installed stacks: {known}; or give 'module:Class'")


def make_stack(name: str, params: dict[str, Any] | None = None) -> Stack:
    """Build the stack called ``name`` with keyword ``params``."""
    cls = resolve_stack(name)
    try:
        stack = cls(**(params or {}))
    except TypeError as exc:
        raise StackError(f"stack {name!r}: bad parameters {sorted(params or {})}: {exc}") from exc
    if not isinstance(stack, Stack):
        raise StackError(f"stack {name!r}: {cls.__name__} has no reset(info) and step(obs) methods")
    return stack


def close_stack(stack: object) -> None:
    """Call ``stack.close()`` when the stack has one (the method is optional).

    Runners call this in a ``finally`` block, so that a stack holding
    processes, sockets or files releases them even when the run fails.
    """
    close = getattr(stack, "close", None)
    if callable(close):
        close()
