"""The V2X radio: typed messages and a channel with range, path loss, loss, latency and rate cap.

Messages follow the common V2X message sets, reduced to what a driving stack
uses:

* :class:`BasicSafetyMessage` — BSM (SAE J2735) / CAM (ETSI): a vehicle's
  position, speed, heading, acceleration and size, with the event flags
  *hard braking* (the emergency electronic brake light) and *emergency* (an
  emergency vehicle with lights and siren on, ETSI's CAM emergency container);
* :class:`SpatMessage` — signal phase and timing: per signal its state and the
  simulation time of its next change; :class:`MapMessage` — the intersection
  map, reduced to the stop line of each signal;
* :class:`HazardMessage` — DENM (ETSI) / RSI (road-side information): a hazard
  at a position, its cause and how long the warning is valid;
* :class:`CollectivePerceptionMessage` — CPM: an object list shared by a
  roadside or on-board sensor.

Every message carries its ``sender`` and its generation time ``time_s`` (all
stations share the simulation clock, as GNSS time gives them in the field).

:class:`Channel` decides for each (message, receiver) pair whether and when it
arrives. All randomness comes from the generator it is given; one call draws
the same numbers whatever the geometry, so runs are deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

import numpy as np
from scipy.special import ndtr

from gauntlet.sensors.object_list import ObjectList

HazardCause = Literal[
    "stationary_vehicle", "road_works", "accident", "obstacle", "emergency_brake", "slow_vehicle"
]
Jitter = Literal["none", "uniform", "exponential"]

#: Free-space path loss at 1 m for 5.9 GHz (ITS-G5 / C-V2X), dB: 20 log10(4 pi / lambda).
FREE_SPACE_LOSS_1M_DB = 47.86


# --------------------------------------------------------------------------- messages


@dataclass(frozen=True)
class BasicSafetyMessage:
    """A vehicle's own state (BSM / CAM), world frame, SI units.

    ``station_id`` is the sender's actor id, so a receiver can match the
    message with what its own sensors report.
    """

    KIND: ClassVar[str] = "bsm"
    sender: str
    time_s: float
    station_id: int
    vehicle_type: str
    x_m: float
    y_m: float
    heading_rad: float
    speed_mps: float
    accel_mps2: float
    length_m: float
    width_m: float
    hard_braking: bool = False
    emergency: bool = False


@dataclass(frozen=True)
class SignalPhase:
    """One signal's state and when it next changes (``inf``: held for good)."""

    signal_id: str
    state: str
    change_at_s: float
    next_state: str


@dataclass(frozen=True)
class SpatMessage:
    """Signal phase and timing of the signals an RSU serves."""

    KIND: ClassVar[str] = "spat"
    sender: str
    time_s: float
    phases: tuple[SignalPhase, ...]


@dataclass(frozen=True)
class StopLine:
    """Where a signal holds traffic on one approach lane: centre of the line and lane heading."""

    signal_id: str
    x_m: float
    y_m: float
    heading_rad: float
    lane_width_m: float


@dataclass(frozen=True)
class MapMessage:
    """The intersection map, reduced to the stop lines of the signals an RSU serves."""

    KIND: ClassVar[str] = "map"
    sender: str
    time_s: float
    stop_lines: tuple[StopLine, ...]


@dataclass(frozen=True)
class HazardMessage:
    """A hazard warning (DENM / RSI): what, where, and until when it holds."""

    KIND: ClassVar[str] = "hazard"
    sender: str
    time_s: float
    event_id: str
    cause: HazardCause
    x_m: float
    y_m: float
    radius_m: float
    valid_until_s: float


@dataclass(frozen=True, eq=False)
class _PerceptionHeader:
    sender: str
    time_s: float
    sensor_xy: tuple[float, float]


@dataclass(frozen=True, eq=False)
class CollectivePerceptionMessage(ObjectList, _PerceptionHeader):
    """A shared object list (CPM), world frame: an :class:`ObjectList` with a header.

    Fields, in order: ``sender``, ``time_s``, ``sensor_xy`` (where the sensor
    stands, m), then the object list's arrays (``ids`` are the perceived
    actors' ids). Compared by identity, as every message is.
    """

    KIND: ClassVar[str] = "cpm"
    __eq__ = object.__eq__
    __hash__ = object.__hash__


Message = (
    BasicSafetyMessage | SpatMessage | MapMessage | HazardMessage | CollectivePerceptionMessage
)


@dataclass(frozen=True)
class V2XInbox:
    """What a connected vehicle's radio received since the previous observation.

    ``messages`` are in order of arrival (ties in order of sending). An
    unconnected vehicle has no inbox.
    """

    time_s: float
    messages: tuple[Message, ...] = ()

    def of_kind(self, kind: type) -> list[Message]:
        """The received messages of one class, in order of arrival."""
        return [m for m in self.messages if isinstance(m, kind)]


# --------------------------------------------------------------------------- channel


@dataclass(frozen=True)
class PathLoss:
    """Log-distance path loss with log-normal shadowing.

    Received power ``P(d) = tx_power_dbm - reference_loss_db - 10 n log10(d / 1 m)``;
    with shadowing of standard deviation ``shadowing_db`` a message arrives
    with probability ``Phi((P(d) - sensitivity_dbm) / shadowing_db)`` (a step at
    ``P(d) = sensitivity_dbm`` without shadowing).
    """

    exponent: float = 2.7
    tx_power_dbm: float = 20.0
    reference_loss_db: float = FREE_SPACE_LOSS_1M_DB
    sensitivity_dbm: float = -92.0
    shadowing_db: float = 4.0

    def received_power_dbm(self, distance_m: np.ndarray) -> np.ndarray:
        """Mean received power at ``distance_m`` (distances below 1 m count as 1 m)."""
        d = np.maximum(np.asarray(distance_m, dtype=float), 1.0)
        return self.tx_power_dbm - self.reference_loss_db - 10.0 * self.exponent * np.log10(d)

    def delivery_probability(self, distance_m: np.ndarray) -> np.ndarray:
        """Probability that a message sent over ``distance_m`` is decoded."""
        margin = self.received_power_dbm(distance_m) - self.sensitivity_dbm
        if self.shadowing_db <= 0.0:
            return (margin >= 0.0).astype(float)
        return ndtr(margin / self.shadowing_db)


@dataclass(frozen=True)
class ChannelParams:
    """How the radio channel behaves; see :class:`Channel`.

    Attributes:
        range_m: Nothing arrives from farther away.
        loss: Probability that a message is lost whatever the distance.
        latency_s: Fixed part of the delay from sending to arrival.
        jitter: Random part of the delay: ``none``, ``uniform`` on
            ``[0, jitter_s]`` or ``exponential`` with mean ``jitter_s``.
        jitter_s: Scale of the random part.
        path_loss: Distance-dependent loss on top of ``loss``; None: none.
        max_rate_hz: Most messages a sender may send per second (a token
            bucket holding one second's worth); more are dropped at the sender.
    """

    range_m: float = 300.0
    loss: float = 0.0
    latency_s: float = 0.1
    jitter: Jitter = "none"
    jitter_s: float = 0.0
    path_loss: PathLoss | None = None
    max_rate_hz: float | None = None

    def __post_init__(self) -> None:
        if not self.range_m > 0.0:
            raise ValueError(f"range_m must be > 0, got {self.range_m}")
        if not 0.0 <= self.loss <= 1.0:
            raise ValueError(f"loss must be in [0, 1], got {self.loss}")
        if self.latency_s < 0.0 or self.jitter_s < 0.0:
            raise ValueError("latency_s and jitter_s must be >= 0")
        if self.jitter not in ("none", "uniform", "exponential"):
            raise ValueError(f"unknown jitter {self.jitter!r}")
        if self.max_rate_hz is not None and not self.max_rate_hz > 0.0:
            raise ValueError(f"max_rate_hz must be > 0, got {self.max_rate_hz}")

    @property
    def mean_latency_s(self) -> float:
        """Expected delay of a delivered message."""
        extra = {"none": 0.0, "uniform": 0.5 * self.jitter_s, "exponential": self.jitter_s}
        return self.latency_s + extra[self.jitter]


@dataclass(frozen=True)
class Transmission:
    """Outcome of sending ``n`` messages to ``m`` receivers.

    Attributes:
        delivered: bool ``(n, m)``; False for lost, out-of-range and rate-capped messages.
        arrival_s: float64 ``(n, m)`` arrival times (``inf`` where not delivered).
        rate_capped: bool ``(n,)``: dropped at the sender by the rate cap.
    """

    delivered: np.ndarray
    arrival_s: np.ndarray
    rate_capped: np.ndarray


@dataclass
class Channel:
    """A shared broadcast channel: every message goes to every receiver independently.

    A message from ``s`` reaches receiver ``r`` when ``|s - r| <= range_m``,
    the sender's rate cap lets it out, it survives the distance-independent
    ``loss`` and (with a path-loss model) the distance-dependent loss. It
    arrives ``latency_s`` plus jitter after it was sent.

    Args:
        params: The channel's behaviour.
        rng: The generator every draw comes from.
    """

    params: ChannelParams
    rng: np.random.Generator
    _tokens: dict[str, float] = field(default_factory=dict, repr=False)
    _last_s: dict[str, float] = field(default_factory=dict, repr=False)

    def transmit(
        self,
        time_s: float,
        senders: list[str],
        sender_xy: np.ndarray,
        receiver_xy: np.ndarray,
    ) -> Transmission:
        """Send one message per row of ``sender_xy`` at ``time_s`` to every receiver.

        Args:
            time_s: Sending time.
            senders: Name of the sender of each message (for the rate cap).
            sender_xy: float ``(n, 2)`` sender positions.
            receiver_xy: float ``(m, 2)`` receiver positions.
        """
        p = self.params
        sxy = np.asarray(sender_xy, dtype=float).reshape(-1, 2)
        rxy = np.asarray(receiver_xy, dtype=float).reshape(-1, 2)
        n, m = len(sxy), len(rxy)
        # Draw first, a fixed count per call: the outcome of one pair never shifts another's draws.
        u_loss = self.rng.random((n, m))
        u_path = self.rng.random((n, m))
        if p.jitter == "uniform":
            delay = p.latency_s + p.jitter_s * self.rng.random((n, m))
        elif p.jitter == "exponential":
            delay = p.latency_s + self.rng.exponential(1.0, (n, m)) * p.jitter_s
        else:
            delay = np.full((n, m), p.latency_s)
        distance = np.hypot(sxy[:, None, 0] - rxy[None, :, 0], sxy[:, None, 1] - rxy[None, :, 1])
        ok = (distance <= p.range_m) & (u_loss >= p.loss)
        if p.path_loss is not None:
            ok &= u_path < p.path_loss.delivery_probability(distance)
        capped = self._rate_cap(time_s, senders) if p.max_rate_hz is not None else np.zeros(n, bool)
        ok &= ~capped[:, None]
        return Transmission(ok, np.where(ok, time_s + delay, np.inf), capped)

    def _rate_cap(self, time_s: float, senders: list[str]) -> np.ndarray:
        """Token bucket per sender: ``max_rate_hz`` tokens a second, one second's worth at most."""
        rate = float(self.params.max_rate_hz)  # type: ignore[arg-type]
        burst = max(rate, 1.0)
        capped = np.zeros(len(senders), dtype=bool)
        for k, name in enumerate(senders):
            last = self._last_s.get(name)
            tokens = burst if last is None else self._tokens[name] + rate * (time_s - last)
            tokens = min(tokens, burst)
            self._last_s[name] = time_s
            if tokens >= 1.0 - 1e-9:
                tokens -= 1.0
            else:
                capped[k] = True
            self._tokens[name] = tokens
        return capped
