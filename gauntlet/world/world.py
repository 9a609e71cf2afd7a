"""The simulation kernel: a fixed-step world of actors on a road network.

One :meth:`World.step` runs, in order: the storyboard (triggers -> actions),
traffic-light states, the behaviour models of every actor not driven from
outside, the motion models (one vectorised step per model), scripted
trajectories, localisation, collisions, off-road checks and the recorder.
The world holds no global state and draws randomness only from its own
generator, so the same scenario, seed and stack give a bit-identical trace.
The records it is built from live in :mod:`gauntlet.world.actors` (and are
re-exported here); the commands of behaviour-driven actors are written by
:mod:`gauntlet.world.behaviour_control`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from gauntlet.agents.drivers import LaneDrivers, StopLines
from gauntlet.agents.paths import LaneTable
from gauntlet.agents.stack import Control, EgoState, ObjectList
from gauntlet.agents.walkers import Walkers
from gauntlet.dynamics.base import HEADING, SPEED, X, Y
from gauntlet.maps.network import RoadNetwork
from gauntlet.world.actors import (
    ActorInfo,
    CollisionEvent,
    MotionGroup,
    ScriptedMotion,
    SignalStop,
)
from gauntlet.world.behaviour_control import command_behaviours, yaw_rate_for
from gauntlet.world.collision import overlapping_pairs
from gauntlet.world.recorder import Recorder
from gauntlet.world.signals import RED, YELLOW, SignalController

if TYPE_CHECKING:
    from gauntlet.world.perception import EgoPerception
    from gauntlet.world.sensing import EgoSensing
    from gauntlet.world.v2x import V2XRadio

VEHICLE_TYPES = frozenset({"car", "truck", "bus", "motorcycle", "bicycle"})
OBSERVATION_RANGE_M = 150.0
#: How often behaviour models (traffic drivers, walkers) decide; commands hold in between.
BEHAVIOUR_INTERVAL_S = 0.1


@dataclass
class World:
    """A running simulation. Build one with :func:`gauntlet.world.builder.build_world`."""

    network: RoadNetwork
    lanes: LaneTable
    dt: float
    rng: np.random.Generator
    actors: list[ActorInfo]
    groups: list[MotionGroup]
    drivers: LaneDrivers
    driver_slot: dict[int, int]
    walkers: Walkers
    signals: SignalController
    signal_stops: list[SignalStop]
    external: set[int]
    capacity_steps: int = 1000
    initial_pose: np.ndarray | None = None
    behaviour_interval_s: float = BEHAVIOUR_INTERVAL_S
    storyboard: Callable[[World], None] | None = None
    time_s: float = 0.0
    step_index: int = 0
    collisions: list[CollisionEvent] = field(default_factory=list)
    scripted: dict[int, ScriptedMotion] = field(default_factory=dict)
    stopped_by_collision: set[int] = field(default_factory=set)
    #: The V2X radio (``gauntlet.world.v2x``), stepped after every step; None without V2X.
    v2x: V2XRadio | None = None
    #: Perception of actors whose stacks see through sensors (``gauntlet.world.perception``).
    perception: dict[int, EgoPerception] = field(default_factory=dict)
    #: The ego's sensor models (``gauntlet.world.sensing``), measured when it is observed; None without.
    sensing: EgoSensing | None = None

    def __post_init__(self) -> None:
        n = len(self.actors)
        self.index = {a.name: a.id for a in self.actors}
        self.types = [a.type for a in self.actors]
        self.length = np.array([a.length_m for a in self.actors])
        self.width = np.array([a.width_m for a in self.actors])
        self.radius = 0.5 * np.hypot(self.length, self.width)
        self.half_length = 0.5 * self.length
        self.half_width = 0.5 * self.width
        self.wheelbase = np.array([a.wheelbase_m for a in self.actors])
        self.x, self.y, self.h, self.v = (np.zeros(n) for _ in range(4))
        self.z, self.pitch, self.roll = np.zeros(n), np.zeros(n), np.zeros(n)
        self.accel, self.yaw_rate, self.odometer = np.zeros(n), np.zeros(n), np.zeros(n)
        self.off_road = np.zeros(n, dtype=bool)
        self.is_vehicle = np.array([t in VEHICLE_TYPES for t in self.types])
        self.is_walker = np.array([t == "pedestrian" for t in self.types])
        self.obstacle_ids = np.flatnonzero(~self.is_vehicle)
        self._contacts: set[tuple[int, int]] = set()
        self._decide_now = True
        #: Limits per actor (the builder sets them from the presets and entity limits).
        self.max_speed, self.max_reverse_speed = np.full(n, np.inf), np.full(n, 3.0)
        self.max_accel, self.max_decel = np.full(n, np.inf), np.full(n, np.inf)
        self._reverse_allowed: set[int] = set()
        self._reverse_releasing: set[int] = set()
        self.group_of = np.full(n, -1, np.int64)
        self.row_of = np.full(n, -1, np.int64)
        for g, group in enumerate(self.groups):
            self.group_of[group.actors] = g
            self.row_of[group.actors] = np.arange(len(group.actors))
        if self.initial_pose is not None:
            # Actors without a motion model (static obstacles) keep these for good.
            self.x[:], self.y[:], self.h[:] = self.initial_pose.T
        self._gather_states()
        self._stop_lane = np.array([s.lane for s in self.signal_stops], dtype=np.int64)
        self._stop_s = np.array([s.lane_s for s in self.signal_stops])
        self._stop_signal = [s.signal_id for s in self.signal_stops]
        self.behaviour_every = max(1, int(round(self.behaviour_interval_s / self.dt)))
        self.signals.update(0.0)
        self.drivers.localise(self.x, self.y, self.h, np.zeros(n), 0.0)
        self._update_terrain()
        self.off_road = ~self.network.on_drivable(self.x, self.y)
        self.recorder = Recorder(
            np.arange(n),
            [a.name for a in self.actors],
            self.types,
            self.length,
            self.width,
            self.capacity_steps + 1,
        )
        self._record()

    # ------------------------------------------------------------------ state access

    def actor_id(self, name: str) -> int:
        """Index of the actor called ``name``."""
        return self.index[name]

    def _gather_states(self) -> None:
        for group in self.groups:
            a = group.actors
            self.x[a] = group.state[:, X]
            self.y[a] = group.state[:, Y]
            self.h[a] = group.state[:, HEADING]
            self.v[a] = group.state[:, SPEED]

    def set_pose(
        self, actor: int, x: float, y: float, h: float, speed: float | None = None
    ) -> None:
        """Place an actor (teleport); its driver, if any, re-localises on the next step."""
        group = self.groups[self.group_of[actor]] if self.group_of[actor] >= 0 else None
        if group is not None:
            row = self.row_of[actor]
            group.state[row, X], group.state[row, Y], group.state[row, HEADING] = x, y, h
            if speed is not None:
                group.state[row, SPEED] = speed
        self.x[actor], self.y[actor], self.h[actor] = x, y, h
        if speed is not None:
            self.v[actor] = speed

    def set_speed(self, actor: int, speed: float) -> None:
        """Set an actor's speed at once (the initial state, a step speed change)."""
        if self.group_of[actor] >= 0:
            self.groups[self.group_of[actor]].state[self.row_of[actor], SPEED] = speed
        self.v[actor] = speed

    def allow_reverse(self, actor: int, allowed: bool) -> None:
        """Let an actor back up (a negative target speed), or stop it at 0 again.

        Vehicles brake to a standstill and stay there unless told to reverse;
        while allowed, an actor's speed may fall to ``-max_reverse_speed``.
        Withdrawing the permission takes effect once the actor no longer moves
        backwards, so a reversing vehicle is never stopped dead by it.
        """
        g = int(self.group_of[actor])
        if g < 0:
            return
        if allowed:
            try:
                self.groups[g].model.set_min_speed(
                    int(self.row_of[actor]), -float(self.max_reverse_speed[actor])
                )
            except NotImplementedError:  # models without speed bounds do not reverse
                return
            self._reverse_allowed.add(actor)
            self._reverse_releasing.discard(actor)
        elif actor in self._reverse_allowed:
            self._reverse_releasing.add(actor)

    def _release_reverse(self) -> None:
        for actor in sorted(self._reverse_releasing):
            if self.v[actor] >= 0.0:
                g = int(self.group_of[actor])
                self.groups[g].model.set_min_speed(int(self.row_of[actor]), 0.0)
                self._reverse_allowed.discard(actor)
                self._reverse_releasing.discard(actor)

    def drivers_slot(self, actor: int) -> int | None:
        """The driver slot of a lane-following actor, or None."""
        return self.driver_slot.get(actor)

    def relocate(self, actor: int) -> None:
        """Find the lane under an actor again (after a teleport) and follow it."""
        slot = self.driver_slot.get(actor)
        if slot is None:
            return
        found = self.network.locate(
            float(self.x[actor]), float(self.y[actor]), float(self.h[actor])
        )
        if found is None or found.key not in self.lanes.index:
            return
        self.drivers.set_route(slot, [self.lanes.index[found.key]], float(found.s))

    # ------------------------------------------------------------------ stepping

    def step(self, controls: Mapping[int, Control] | None = None) -> None:
        """Advance the world by ``dt``; ``controls`` drive the external actors."""
        controls = controls or {}
        if self.storyboard is not None:
            self.storyboard(self)
        states = self.signals.update(self.time_s)
        if self.step_index % self.behaviour_every == 0 or self._decide_now:
            self._behaviours(states)
            self._decide_now = False
        for actor, control in controls.items():
            g = self.group_of[actor]
            if g >= 0:
                row = self.row_of[actor]
                group = self.groups[g]
                group.control[row] = (control.accel_mps2, control.steer_rad)
                if group.steer_is_yaw_rate:
                    group.control[row, 1] = yaw_rate_for(self, actor, control.steer_rad)
        v_before, h_before = self.v.copy(), self.h.copy()
        for group in self.groups:
            group.state = group.model.step(group.state, group.control, self.dt)
        self._gather_states()
        if self._reverse_releasing:
            self._release_reverse()
        self.time_s = (self.step_index + 1) * self.dt
        self.step_index += 1
        self._apply_scripts()
        self._freeze_crashed()
        self.accel = (self.v - v_before) / self.dt
        self.yaw_rate = ((self.h - h_before + np.pi) % (2 * np.pi) - np.pi) / self.dt
        self.odometer += np.abs(self.v) * self.dt
        decision_next = self.step_index % self.behaviour_every == 0
        self.drivers.localise(self.x, self.y, self.h, self.v, self.dt, housekeeping=decision_next)
        if decision_next:
            self.drivers.finish_lane_changes(self.time_s)
        self._update_terrain()
        self._detect_collisions()
        self.off_road = ~self.network.on_drivable(self.x, self.y)
        self._record()
        if self.v2x is not None:
            self.v2x.step(self)

    def _behaviours(self, signal_states: Mapping[str, str]) -> None:
        if self.signal_stops:
            states = [signal_states.get(sid, "off") for sid in self._stop_signal]
            held = np.array([s in (RED, YELLOW) for s in states])
            yellow = np.array([s == YELLOW for s in states])
            stops = StopLines(self._stop_lane[held], self._stop_s[held], yellow[held])
        else:
            stops = StopLines.none()
        command_behaviours(self, stops)

    def decide_now(self) -> None:
        """Let behaviour models decide on the next step (after a storyboard action)."""
        self._decide_now = True

    def _apply_scripts(self) -> None:
        for actor, m in list(self.scripted.items()):
            self.set_pose(actor, *m.pose_at(self.time_s))

    def _freeze_crashed(self) -> None:
        for actor in self.stopped_by_collision:
            self.set_speed(actor, 0.0)

    def _update_terrain(self) -> None:
        # Height and pitch of lane-following actors come from their path's road height.
        d = self.drivers
        if not d.bank.has_height.any():
            return
        i, frac = d.bank.segment(d.slots, d.s)
        z0, z1 = d.bank.z[i], d.bank.z[i + 1]
        a = d.actor
        self.z[a] = z0 + (z1 - z0) * frac
        self.pitch[a] = -np.arctan((z1 - z0) / np.maximum(d.bank.s[i + 1] - d.bank.s[i], 1e-6))

    def _detect_collisions(self) -> None:
        pairs = overlapping_pairs(
            self.x, self.y, self.h, self.half_length, self.half_width, self.radius
        )
        contacts = {(int(a), int(b)) for a, b in pairs}
        for a, b in sorted(contacts - self._contacts):
            self.collisions.append(CollisionEvent(self.time_s, a, b))
            for actor in (a, b):
                if actor not in self.external:
                    self.stopped_by_collision.add(actor)
        self._contacts = contacts

    def _record(self) -> None:
        self.recorder.append(
            self.time_s,
            {
                "x": self.x,
                "y": self.y,
                "z": self.z,
                "h": self.h,
                "p": self.pitch,
                "r": self.roll,
                "speed": self.v,
                "accel": self.accel,
            },
        )

    # ------------------------------------------------------------------ observations

    def ego_state(self, actor: int) -> EgoState:
        """The ego's own state."""
        a = self.actors[actor]
        return EgoState(
            float(self.x[actor]),
            float(self.y[actor]),
            float(self.h[actor]),
            float(self.v[actor]),
            float(self.accel[actor]),
            float(self.yaw_rate[actor]),
            a.length_m,
            a.width_m,
            a.wheelbase_m,
        )

    def objects_near(self, actor: int, range_m: float = OBSERVATION_RANGE_M) -> ObjectList:
        """Ground-truth object list of every other actor within ``range_m``."""
        dx = self.x - self.x[actor]
        dy = self.y - self.y[actor]
        near = dx * dx + dy * dy < range_m * range_m
        near[actor] = False
        sel = np.flatnonzero(near)
        h, v = self.h[sel], self.v[sel]
        xy = np.empty((len(sel), 2))
        xy[:, 0] = self.x[sel]
        xy[:, 1] = self.y[sel]
        velocity = np.empty((len(sel), 2))
        np.multiply(v, np.cos(h), out=velocity[:, 0])
        np.multiply(v, np.sin(h), out=velocity[:, 1])
        types = self.types
        return ObjectList(
            ids=sel,
            types=tuple([types[k] for k in sel.tolist()]),
            xy=xy,
            heading=h,
            velocity=velocity,
            length=self.length[sel],
            width=self.width[sel],
        )


__all__ = [
    "OBSERVATION_RANGE_M", "VEHICLE_TYPES", "ActorInfo", "CollisionEvent", "MotionGroup",
    "ScriptedMotion", "SignalStop", "World",
]  # fmt: skip
