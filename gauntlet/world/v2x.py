"""V2X in the world: who sends what, when, and what reaches the ego's radio.

Stations and their messages (:mod:`gauntlet.sensors.v2x`):

* a connected vehicle sends a BSM every ``1 / v2x.bsm_rate_hz`` seconds: its
  state, the *hard braking* flag while it decelerates harder than 4 m/s², the
  *emergency* flag if it is an emergency vehicle; a vehicle with a ``hazard``
  also sends a hazard warning about itself with each BSM while it stands still;
* a roadside unit sends SPaT (state and next change of each of its signals)
  and MAP (their stop lines), its hazard warnings while they are active, and
  a CPM with the objects its roadside sensor sees, and the raw measurements
  of its sensor models (lidar, radar, camera;
  :mod:`gauntlet.world.roadside_sensing`), which reach the ego's observation
  under ``sensors["rsu:<unit>/<sensor>"]`` instead of its inbox.

Every stream starts at a random phase within its period and then keeps its
rate. After each world step the radio sends what is due through the
:class:`~gauntlet.sensors.v2x.Channel` to the connected receivers and moves
what has arrived by then into their inboxes. Only the ego receives (its stack
is the only reader); when the ego is not connected the radio does nothing.

Randomness comes from generators derived from the run's seed, separate from
the world's own, so declaring V2X changes nothing else in a run.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.errors import error_at
from gauntlet.sensors.object_list import ObjectListSensor
from gauntlet.sensors.schedule import FrameSchedule
from gauntlet.sensors.v2x import (
    BasicSafetyMessage,
    Channel,
    ChannelParams,
    CollectivePerceptionMessage,
    HazardMessage,
    MapMessage,
    Message,
    PathLoss,
    SignalPhase,
    SpatMessage,
    StopLine,
    V2XInbox,
)
from gauntlet.world.perception import (
    ROADSIDE_HEIGHT_M,
    actor_heights,
    detected_objects,
    object_list,
    sensor_params,
)
from gauntlet.world.roadside_sensing import (
    ROADSIDE_CHANNEL_STREAM,
    RoadsideMeasurementMessage,
    RoadsideSensing,
    build_roadside_sensing,
)

if TYPE_CHECKING:
    from gauntlet.world.world import World

VEHICLE_TYPES = frozenset({"car", "truck", "bus", "motorcycle", "bicycle"})
#: Deceleration above which a BSM carries the hard-braking flag (EEBL), m/s².
HARD_BRAKING_MPS2 = 4.0
#: Below this speed a vehicle with a hazard warns of itself, m/s.
STANDSTILL_MPS = 0.5
#: How long a vehicle's own hazard warning stays valid after each message, s.
VEHICLE_HAZARD_VALIDITY_S = 2.0
#: Random streams derived from the run's seed (``SeedSequence(seed, spawn_key=(k,))``).
CHANNEL_STREAM, PHASE_STREAM, PENETRATION_STREAM, ROADSIDE_STREAM = 102, 103, 104, 105

Pose = Callable[[sc.Position], tuple[float, float, float]]


@dataclass
class ConnectedVehicle:
    """A vehicle that sends BSMs (and, standing still, its own hazard warning)."""

    actor: int
    name: str
    schedule: FrameSchedule
    emergency: bool = False
    hazard: str | None = None


@dataclass
class RoadsideStation:
    """A roadside unit with its resolved position, stop lines and streams."""

    name: str
    x: float
    y: float
    spat: sc.SpatBroadcast | None
    spat_schedule: FrameSchedule | None
    stop_lines: tuple[StopLine, ...]
    map_schedule: FrameSchedule | None
    hazards: list[tuple[sc.HazardBroadcast, float, float, FrameSchedule]]
    sensor: ObjectListSensor | None = None
    sensor_heading: float = 0.0
    cpm_schedule: FrameSchedule | None = None


@dataclass
class V2XRadio:
    """Every station of a run, the channel, and the messages in flight."""

    channel: Channel
    receivers: list[int]
    vehicles: list[ConnectedVehicle]
    roadside: list[RoadsideStation]
    heights: np.ndarray
    connected: frozenset[int] = frozenset()
    #: The roadside units' sensor models and the channel their measurements cross; None without.
    roadside_sensing: RoadsideSensing | None = None
    roadside_channel: Channel | None = None
    sent: int = 0
    delivered: int = 0
    _in_flight: list[tuple[float, int, int, Message]] = field(default_factory=list, repr=False)
    _inbox: dict[int, V2XInbox] = field(default_factory=dict, repr=False)
    _seq: int = 0
    _roadside_latest: dict[int, dict[str, Any]] = field(default_factory=dict, repr=False)

    def roadside_measurements(self, actor: int) -> dict[str, Any]:
        """The latest roadside measurement that reached ``actor``, by ``rsu:<unit>/<sensor>``."""
        return dict(self._roadside_latest.get(actor, {}))

    def inbox(self, actor: int) -> V2XInbox | None:
        """What ``actor``'s radio received during the last step; None if it is not connected."""
        if actor not in self.receivers:
            return None
        return self._inbox.get(actor, V2XInbox(0.0))

    def step(self, world: World) -> None:
        """Send what is due at the world's time and deliver what has arrived."""
        if not self.receivers:
            return
        t = world.time_s
        messages, senders, where = self._compose(world, t)
        raw = []
        if self.roadside_sensing is not None and self.roadside_channel is not None:
            raw = self.roadside_sensing.messages(world)
        if messages or raw:  # receiver positions only when something is sent
            rx = np.stack((world.x[self.receivers], world.y[self.receivers]), axis=1)
            self._transmit(self.channel, t, messages, senders, where, rx)
            if self.roadside_channel is not None:
                self._transmit(
                    self.roadside_channel,
                    t,
                    [m for _, m in raw],
                    [s.unit for s, _ in raw],
                    [(s.pose.x, s.pose.y) for s, _ in raw],
                    rx,
                )
        arrived: dict[int, list[Message]] = {r: [] for r in self.receivers}
        while self._in_flight and self._in_flight[0][0] <= t + 1e-9:
            _, _, receiver, message = heapq.heappop(self._in_flight)
            self.delivered += 1
            if isinstance(message, RoadsideMeasurementMessage):
                self._roadside_latest.setdefault(receiver, {})[message.key] = message.measurement
            else:
                arrived[receiver].append(message)
        self._inbox = {r: V2XInbox(t, tuple(m)) for r, m in arrived.items()}

    def _transmit(
        self,
        channel: Channel,
        t: float,
        messages: list,
        senders: list[str],
        where: list[tuple[float, float]],
        rx: np.ndarray,
    ) -> None:
        if not messages:
            return
        out = channel.transmit(t, senders, np.array(where), rx)
        self.sent += len(messages)
        for i, j in zip(*np.nonzero(out.delivered), strict=True):
            heapq.heappush(
                self._in_flight,
                (float(out.arrival_s[i, j]), self._seq, self.receivers[j], messages[i]),
            )
            self._seq += 1

    def _compose(self, world: World, t: float) -> tuple[list[Message], list[str], list[tuple]]:
        messages: list[Message] = []
        senders: list[str] = []
        where: list[tuple[float, float]] = []

        def send(message: Message, sender: str, x: float, y: float) -> None:
            messages.append(message)
            senders.append(sender)
            where.append((x, y))

        for cv in self.vehicles:
            if not cv.schedule.due(t):
                continue
            a = cv.actor
            x, y, v = float(world.x[a]), float(world.y[a]), float(world.v[a])
            send(
                BasicSafetyMessage(
                    cv.name, t, a, world.types[a], x, y, float(world.h[a]), v,
                    float(world.accel[a]), float(world.length[a]), float(world.width[a]),
                    hard_braking=bool(world.accel[a] < -HARD_BRAKING_MPS2),
                    emergency=cv.emergency,
                ),
                cv.name, x, y,
            )  # fmt: skip
            if cv.hazard is not None and abs(v) < STANDSTILL_MPS:
                radius = 0.5 * float(np.hypot(world.length[a], world.width[a]))
                event = HazardMessage(
                    cv.name, t, f"{cv.name}/{cv.hazard}", cv.hazard, x, y, radius,  # type: ignore[arg-type]
                    t + VEHICLE_HAZARD_VALIDITY_S,
                )  # fmt: skip
                send(event, cv.name, x, y)
        for rsu in self.roadside:
            self._roadside(world, t, rsu, send)
        return messages, senders, where

    def _roadside(self, world: World, t: float, rsu: RoadsideStation, send: Callable) -> None:
        if rsu.spat is not None and rsu.spat_schedule is not None and rsu.spat_schedule.due(t):
            phases = []
            # The states the world shows now were computed at the start of the step.
            shown_at = world.signals.updated_s
            for sid in rsu.spat.signals:
                change_at, next_state = world.signals.next_change(sid, shown_at)
                phases.append(SignalPhase(sid, world.signals.states[sid], change_at, next_state))
            send(SpatMessage(rsu.name, t, tuple(phases)), rsu.name, rsu.x, rsu.y)
        if rsu.map_schedule is not None and rsu.map_schedule.due(t):
            send(MapMessage(rsu.name, t, rsu.stop_lines), rsu.name, rsu.x, rsu.y)
        for k, (hazard, hx, hy, schedule) in enumerate(rsu.hazards):
            until = np.inf if hazard.until_s is None else hazard.until_s
            if hazard.from_s <= t < until and schedule.due(t):
                event = HazardMessage(
                    rsu.name, t, f"{rsu.name}/{k}", hazard.cause, hx, hy, hazard.radius_m, until
                )
                send(event, rsu.name, rsu.x, rsu.y)
        if rsu.sensor is not None and rsu.cpm_schedule is not None and rsu.cpm_schedule.due(t):
            ids = detected_objects(
                world, rsu.sensor, (rsu.x, rsu.y), rsu.sensor_heading, None, self.heights
            )
            ids = ids[np.isin(ids, self.receivers, invert=True)]
            seen = object_list(world, ids)
            cpm = CollectivePerceptionMessage(
                rsu.name, t, (rsu.x, rsu.y), seen.ids, seen.types, seen.xy, seen.heading,
                seen.velocity, seen.length, seen.width,
            )  # fmt: skip
            send(cpm, rsu.name, rsu.x, rsu.y)


def channel_params(spec: sc.V2XChannel) -> ChannelParams:
    """The channel model's parameters from the scenario's channel section."""
    pl = spec.path_loss
    return ChannelParams(
        range_m=spec.range_m,
        loss=spec.loss,
        latency_s=spec.latency_s,
        jitter=spec.jitter,
        jitter_s=spec.jitter_s,
        path_loss=None
        if pl is None
        else PathLoss(
            pl.exponent, pl.tx_power_dbm, pl.reference_loss_db, pl.sensitivity_dbm, pl.shadowing_db
        ),
        max_rate_hz=spec.max_rate_hz,
    )


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(stream,)))


def build_v2x(scenario: sc.Scenario, world: World, pose: Pose, seed: int) -> V2XRadio | None:
    """The radio of ``scenario`` (None without a ``v2x`` section)."""
    spec = scenario.v2x
    if spec is None:
        return None
    phases = _rng(seed, PHASE_STREAM)
    # One draw per entity, in file order, whatever its type: flags elsewhere never shift draws.
    draws = _rng(seed, PENETRATION_STREAM).random(len(scenario.entities))
    ego = world.actor_id(scenario.ego.entity)
    period = 1.0 / spec.bsm_rate_hz
    vehicles, connected = [], set()
    for k, e in enumerate(scenario.entities):
        flags = e.v2x or sc.EntityV2X()
        is_connected = flags.connected
        if is_connected is None:
            is_connected = (
                k == ego
                or flags.emergency
                or (e.type in VEHICLE_TYPES and bool(draws[k] < spec.penetration))
            )
        if not is_connected:
            continue
        connected.add(k)
        if k != ego:
            start = float(phases.random()) * period
            vehicles.append(
                ConnectedVehicle(
                    k, e.name, FrameSchedule(period, start), flags.emergency, flags.hazard
                )
            )
    heights = actor_heights(world)
    units = [(unit, *pose(unit.position)) for unit in spec.roadside_units]
    roadside = [
        _station(scenario, world, pose, k, unit, (x, y), phases, seed, heights)
        for k, (unit, x, y, _) in enumerate(units)
    ]
    # What the ego's sensors see as boxes, and the ego itself; all actors without ego sensors.
    shown = (
        np.union1d(world.sensing.shown, [ego])
        if world.sensing is not None
        else np.arange(len(world.actors))
    )
    sensing = build_roadside_sensing(scenario, world, units, shown, seed)
    return V2XRadio(
        Channel(channel_params(spec.channel), _rng(seed, CHANNEL_STREAM)),
        [ego] if ego in connected else [],
        vehicles,
        roadside,
        heights,
        frozenset(connected),
        sensing,
        None
        if sensing is None
        else Channel(channel_params(spec.channel), _rng(seed, ROADSIDE_CHANNEL_STREAM)),
    )


def _station(
    scenario: sc.Scenario,
    world: World,
    pose: Pose,
    index: int,
    unit: sc.RoadsideUnit,
    xy_m: tuple[float, float],
    phases: np.random.Generator,
    seed: int,
    heights: np.ndarray,
) -> RoadsideStation:
    path = ("v2x", "roadside_units", index)
    x, y = xy_m

    def schedule(rate_hz: float) -> FrameSchedule:
        return FrameSchedule.at_rate(rate_hz, float(phases.random()) / rate_hz)

    stop_lines: list[StopLine] = []
    spat_schedule = map_schedule = None
    if unit.spat is not None:
        known = set(world.signals.ids)
        for j, sid in enumerate(unit.spat.signals):
            if sid not in known:
                names = ", ".join(sorted(known)) or "none"
                raise error_at(
                    scenario.source,
                    (*path, "spat", "signals", j),
                    f"unknown signal {sid!r}; the map's signals: {names}",
                )
        for stop in world.signal_stops:
            if stop.signal_id in unit.spat.signals:
                lane = world.lanes.lanes[stop.lane]
                s = np.array([stop.lane_s])
                sx, sy = np.asarray(lane.position(s)).reshape(-1, 2)[0]
                heading = float(np.asarray(lane.heading_at(s)).ravel()[0])
                width = float(np.asarray(lane.width_at(s)).ravel()[0])
                stop_lines.append(StopLine(stop.signal_id, float(sx), float(sy), heading, width))
        spat_schedule = schedule(unit.spat.rate_hz)
        map_schedule = schedule(unit.spat.map_rate_hz)
    hazards = []
    for hazard in unit.hazards:
        hx, hy, _ = pose(hazard.position)
        hazards.append((hazard, hx, hy, schedule(hazard.rate_hz)))
    station = RoadsideStation(
        unit.name, x, y, unit.spat, spat_schedule, tuple(stop_lines), map_schedule, hazards
    )
    if unit.perception is not None:
        params = sensor_params(unit.perception.sensor, ROADSIDE_HEIGHT_M)
        station.sensor = ObjectListSensor(params, _rng(seed, ROADSIDE_STREAM + 16 * index))
        station.sensor_heading = unit.perception.sensor.heading_rad
        station.cpm_schedule = schedule(unit.perception.rate_hz)
    return station
