"""What a connected ego learns from V2X messages, for the reference stack.

:class:`CooperativeAwareness` keeps the latest messages a stack received
(``obs.sensors["v2x"]``) and turns them into what the reference stack plans
with:

* **objects** — BSM senders and CPM objects, moved forward to the current
  time at their reported velocity, added to the perceived object list (a
  perceived object wins over a message about the same actor, a BSM over a
  CPM, a newer CPM over an older one);
* **the next signal on the route** — from MAP stop lines matched to the route
  and SPaT phases, with the time of its next change;
* **hazards** — DENM / RSI warnings whose area reaches into the route
  corridor ahead, as stationary obstacles;
* **an emergency vehicle approaching from behind** — a BSM with the
  emergency flag, behind the ego in its lane, at least as fast.

Messages older than ``max_age_s`` (BSM, CPM) are forgotten, a SPaT phase
when it is that old and its announced change has passed, a hazard at the end
of its validity. Objects are matched by actor id, as if association
were perfect.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gauntlet.agents.idm import idm_formula
from gauntlet.agents.stack import EpisodeInfo, ObjectList, Observation
from gauntlet.sensors.v2x import (
    BasicSafetyMessage,
    CollectivePerceptionMessage,
    HazardMessage,
    MapMessage,
    SignalPhase,
    SpatMessage,
    StopLine,
    V2XInbox,
)

#: Route window searched when matching a point to the route, m behind / ahead of the ego.
MATCH_BEHIND_M, MATCH_AHEAD_M = 20.0, 400.0
#: Largest heading difference between a MAP stop line's lane and the route.
STOP_LINE_HEADING_RAD = 0.6
#: An emergency vehicle counts as approaching from behind within this distance, m.
EMERGENCY_RANGE_M = 150.0
#: Green-light speed advice aims to reach the stop line this long after the light turns green, s.
GLOSA_MARGIN_S = 1.0
#: Slowest arrival speed worth advising; below it the ego stops at the line instead, m/s.
GLOSA_MIN_SPEED_MPS = 4.0
#: Pull-over offsets tried, largest first, when an emergency vehicle approaches (m, to the right).
PULL_OVER_OFFSETS_M = (3.5, 3.0, 2.5, 2.0, 1.5, 1.0)
#: How fast the ego moves sideways while pulling over and back, m/s.
PULL_OVER_RATE_MPS = 1.5


@dataclass(frozen=True)
class SignalByV2X:
    """The next signal on the route as SPaT and MAP describe it."""

    signal_id: str
    distance_m: float
    state: str
    change_at_s: float
    next_state: str


class CooperativeAwareness:
    """The V2X picture of one ego; ``active`` once a radio inbox has been seen.

    Args:
        info: The episode's route.
        max_age_s: Messages older than this are forgotten.
    """

    def __init__(self, info: EpisodeInfo, max_age_s: float = 1.0) -> None:
        self.info = info
        self.max_age_s = max_age_s
        self.active = False
        self._bsm: dict[str, BasicSafetyMessage] = {}
        self._cpm: dict[str, CollectivePerceptionMessage] = {}
        self._phase: dict[str, tuple[float, SignalPhase]] = {}
        self._stop_s: dict[str, float] = {}
        self._hazards: dict[str, HazardMessage] = {}

    # ------------------------------------------------------------------ intake

    def update(self, obs: Observation) -> None:
        """Take in the observation's inbox and forget what is out of date."""
        inbox = obs.sensors.get("v2x")
        if not isinstance(inbox, V2XInbox):
            return
        self.active = True
        for m in inbox.messages:
            if isinstance(m, BasicSafetyMessage):
                if m.sender not in self._bsm or self._bsm[m.sender].time_s <= m.time_s:
                    self._bsm[m.sender] = m
            elif isinstance(m, CollectivePerceptionMessage):
                if m.sender not in self._cpm or self._cpm[m.sender].time_s <= m.time_s:
                    self._cpm[m.sender] = m
            elif isinstance(m, SpatMessage):
                for phase in m.phases:
                    known = self._phase.get(phase.signal_id)
                    if known is None or known[0] <= m.time_s:
                        self._phase[phase.signal_id] = (m.time_s, phase)
            elif isinstance(m, MapMessage):
                for line in m.stop_lines:
                    self._match_stop_line(line, obs.route_s)
            elif isinstance(m, HazardMessage):
                self._hazards[m.event_id] = m
        now, old = obs.time_s, obs.time_s - self.max_age_s
        self._bsm = {k: m for k, m in self._bsm.items() if m.time_s >= old}
        self._cpm = {k: m for k, m in self._cpm.items() if m.time_s >= old}
        # A phase stays known until its announced change, however old the message.
        self._phase = {
            k: p for k, p in self._phase.items() if p[0] >= old or now < p[1].change_at_s
        }
        self._hazards = {k: m for k, m in self._hazards.items() if m.valid_until_s > now}

    def _project(self, x: float, y: float, around_s: float) -> tuple[float, float, float]:
        """Route ``s``, lateral offset (left positive) and route heading at the nearest vertex."""
        info = self.info
        rs = info.route_s
        lo = int(np.searchsorted(rs, around_s - MATCH_BEHIND_M))
        hi = max(int(np.searchsorted(rs, around_s + MATCH_AHEAD_M)), lo + 1)
        px, py = info.route_xy[lo:hi, 0], info.route_xy[lo:hi, 1]
        k = lo + int(np.argmin((px - x) ** 2 + (py - y) ** 2))
        h = float(info.route_heading[k])
        dx, dy = x - float(info.route_xy[k, 0]), y - float(info.route_xy[k, 1])
        c, s = math.cos(h), math.sin(h)
        return float(rs[k]) + dx * c + dy * s, -dx * s + dy * c, h

    def _match_stop_line(self, line: StopLine, route_s: float) -> None:
        if line.signal_id in self._stop_s:
            return
        s, lateral, h = self._project(line.x_m, line.y_m, route_s)
        turn = abs((line.heading_rad - h + math.pi) % (2.0 * math.pi) - math.pi)
        if abs(lateral) <= 0.5 * line.lane_width_m and turn <= STOP_LINE_HEADING_RAD:
            self._stop_s[line.signal_id] = s

    # ------------------------------------------------------------------ what the stack uses

    def objects(self, obs: Observation) -> ObjectList:
        """The perceived objects plus those only known from messages, at the current time."""
        perceived = obs.objects
        taken = {int(i) for i in perceived.ids}
        rows: list[tuple] = []
        for m in sorted(self._bsm.values(), key=lambda m: m.station_id):
            if m.station_id in taken:
                continue
            taken.add(m.station_id)
            vx, vy = m.speed_mps * math.cos(m.heading_rad), m.speed_mps * math.sin(m.heading_rad)
            age = obs.time_s - m.time_s
            rows.append(
                (m.station_id, m.vehicle_type, m.x_m + vx * age, m.y_m + vy * age,
                 m.heading_rad, vx, vy, m.length_m, m.width_m)
            )  # fmt: skip
        for cpm in sorted(self._cpm.values(), key=lambda m: (-m.time_s, m.sender)):
            age = obs.time_s - cpm.time_s
            for j, actor in enumerate(cpm.ids.tolist()):
                if actor in taken:
                    continue
                taken.add(actor)
                vx, vy = float(cpm.velocity[j, 0]), float(cpm.velocity[j, 1])
                rows.append(
                    (actor, cpm.types[j], float(cpm.xy[j, 0]) + vx * age,
                     float(cpm.xy[j, 1]) + vy * age, float(cpm.heading[j]), vx, vy,
                     float(cpm.length[j]), float(cpm.width[j]))
                )  # fmt: skip
        if not rows:
            return perceived
        cols = list(zip(*rows, strict=True))
        num = np.array([c for k, c in enumerate(cols) if k != 1], dtype=float)
        return ObjectList(
            ids=np.concatenate((perceived.ids, num[0].astype(np.int64))),
            types=perceived.types + tuple(cols[1]),
            xy=np.concatenate((perceived.xy.reshape(-1, 2), num[1:3].T)),
            heading=np.concatenate((perceived.heading, num[3])),
            velocity=np.concatenate((perceived.velocity.reshape(-1, 2), num[4:6].T)),
            length=np.concatenate((perceived.length, num[6])),
            width=np.concatenate((perceived.width, num[7])),
        )

    def signal(self, obs: Observation) -> SignalByV2X | None:
        """The nearest signal ahead on the route with a stop line from MAP and a fresh SPaT."""
        half = 0.5 * obs.ego.length_m
        best: SignalByV2X | None = None
        for sid, stop_s in self._stop_s.items():
            known = self._phase.get(sid)
            distance = stop_s - obs.route_s - half
            if (
                known is None
                or distance <= -0.5
                or (best is not None and distance >= best.distance_m)
            ):
                continue
            phase = known[1]
            state, change_at, next_state = phase.state, phase.change_at_s, phase.next_state
            if obs.time_s >= change_at:
                # The announced change has happened; the one after it is not known yet.
                state, change_at = next_state, math.inf
            best = SignalByV2X(sid, distance, state, change_at, next_state)
        return best

    def hazard_gap(self, obs: Observation, margin_m: float = 0.5) -> float:
        """Bumper gap to the nearest hazard area that reaches into the route corridor ahead."""
        e = obs.ego
        best = math.inf
        for m in self._hazards.values():
            s, lateral, _ = self._project(m.x_m, m.y_m, obs.route_s)
            reach = m.radius_m + 0.5 * e.width_m + margin_m
            if abs(lateral) >= reach:
                continue
            # Where the route enters the hazard's disc widened by half the ego and the margin.
            entry = s - math.sqrt(reach * reach - lateral * lateral)
            gap = entry - obs.route_s - 0.5 * e.length_m
            if s + m.radius_m > obs.route_s and gap < best:
                best = max(gap, 0.0)
        return best

    def emergency_behind(self, obs: Observation, lane_half_width_m: float = 2.5) -> bool:
        """Whether an emergency vehicle is coming up from behind in the ego's lane."""
        e = obs.ego
        c, s = math.cos(e.heading_rad), math.sin(e.heading_rad)
        for m in self._bsm.values():
            if not m.emergency:
                continue
            age = obs.time_s - m.time_s
            x = m.x_m + m.speed_mps * math.cos(m.heading_rad) * age - e.x_m
            y = m.y_m + m.speed_mps * math.sin(m.heading_rad) * age - e.y_m
            lon, lat = x * c + y * s, -x * s + y * c
            aligned = math.cos(m.heading_rad - e.heading_rad) > 0.7
            if (
                aligned
                and -EMERGENCY_RANGE_M < lon < 0.0
                and abs(lat) < lane_half_width_m + 1.5
                and m.speed_mps >= e.speed_mps - 1.0
            ):
                return True
        return False


class CooperativeControl:
    """The reference stack's reactions to the V2X picture, renewed every step.

    * ``signal`` / :meth:`stop_gap` — the next signal by SPaT and MAP: a red
      holds the ego at the line, unless green-light optimal speed advice
      (GLOSA) applies: the uniform acceleration that reaches the line
      ``GLOSA_MARGIN_S`` after the change, when it needs no more than the
      comfortable deceleration and arrives faster than ``GLOSA_MIN_SPEED_MPS``;
      a yellow holds it when it can stop comfortably; once holding for a red it
      holds until the light changes;
    * :meth:`accel_cap` — the GLOSA acceleration and the IDM acceleration
      towards the nearest warned hazard;
    * ``yielding`` / ``pull_over_offset`` / ``slow_down`` — with an emergency
      vehicle behind, move right (by the largest of ``PULL_OVER_OFFSETS_M`` whose
      whole width is on the drivable area) at ``PULL_OVER_RATE_MPS``, slow down
      once most of the way over, and move back when it has passed.
    """

    def __init__(self, comfort_decel_mps2: float, glosa: bool = True) -> None:
        self.comfort_decel_mps2 = comfort_decel_mps2
        self.glosa = glosa
        self.signal: SignalByV2X | None = None
        self.hold = False
        self.glosa_accel = math.inf
        self.yielding = False
        self.slow_down = False
        self.pull_over_offset = 0.0
        self._target_m = 0.0
        self._holding_for: str | None = None

    def update(self, aware: CooperativeAwareness, obs: Observation, info: EpisodeInfo) -> bool:
        """Renew the decisions; True when the pull-over offset changed."""
        self.signal = aware.signal(obs)
        self.hold, self.glosa_accel = False, math.inf
        if self.signal is not None:
            self.hold, self.glosa_accel = self._signal_decision(self.signal, obs)
        self._holding_for = self.signal.signal_id if self.hold and self.signal else None
        yielding = aware.emergency_behind(obs)
        if yielding and not self.yielding:
            self._target_m = -self._free_offset(obs, info)
        self.yielding = yielding
        target = self._target_m if yielding else 0.0
        step = PULL_OVER_RATE_MPS * info.dt_s
        offset = self.pull_over_offset + min(max(target - self.pull_over_offset, -step), step)
        changed = offset != self.pull_over_offset
        self.pull_over_offset = offset
        # Slow down once out of the way: slowing in the lane only holds the vehicle up sooner.
        self.slow_down = yielding and abs(offset) >= 0.8 * abs(self._target_m)
        return changed

    def stop_gap(self) -> float:
        """Gap to the stop line the ego holds at (inf: none)."""
        if self.signal is None or not self.hold:
            return math.inf
        return max(self.signal.distance_m, 0.0)

    def accel_cap(
        self,
        aware: CooperativeAwareness,
        obs: Observation,
        v0: float,
        a_max: float,
        time_gap_s: float,
        min_gap_m: float,
    ) -> float:
        """Largest acceleration the advice and the hazard warnings allow (inf: no limit)."""
        cap = self.glosa_accel
        gap = aware.hazard_gap(obs)
        if math.isfinite(gap):
            v = max(obs.ego.speed_mps, 0.0)
            hazard = idm_formula(
                v, v0, gap, v, a_max, self.comfort_decel_mps2, time_gap_s, min_gap_m, 4.0
            )
            cap = min(cap, float(hazard))
        return cap

    def shifted_route(self, info: EpisodeInfo) -> tuple[np.ndarray, np.ndarray]:
        """The route polyline moved sideways by the pull-over offset."""
        h, off = info.route_heading, self.pull_over_offset
        x = np.ascontiguousarray(info.route_xy[:, 0] - off * np.sin(h))
        y = np.ascontiguousarray(info.route_xy[:, 1] + off * np.cos(h))
        return x, y

    def _signal_decision(self, sig: SignalByV2X, obs: Observation) -> tuple[bool, float]:
        d, v = sig.distance_m, max(obs.ego.speed_mps, 0.0)
        if sig.state == "red":
            # Once stopping for this red, keep stopping: no switching back and forth.
            advise = self.glosa and self._holding_for != sig.signal_id
            if advise and sig.next_state == "green" and math.isfinite(sig.change_at_s):
                t_arrive = sig.change_at_s - obs.time_s + GLOSA_MARGIN_S
                accel = 2.0 * (d - v * t_arrive) / (t_arrive * t_arrive)
                arrival_speed = 2.0 * d / t_arrive - v
                if accel >= -self.comfort_decel_mps2 and arrival_speed >= GLOSA_MIN_SPEED_MPS:
                    return False, accel
            return True, math.inf
        if sig.state == "yellow":
            need = v * v / (2.0 * max(d, 0.1))
            return need < self.comfort_decel_mps2, math.inf
        return False, math.inf

    @staticmethod
    def _free_offset(obs: Observation, info: EpisodeInfo) -> float:
        """The largest pull-over offset whose whole width is on the drivable area ahead."""
        if info.network is None:
            return 0.0
        rs = info.route_s
        k = np.searchsorted(rs, obs.route_s + np.array([5.0, 15.0, 30.0]))
        k = np.minimum(k, len(rs) - 1)
        px, py, ph = info.route_xy[k, 0], info.route_xy[k, 1], info.route_heading[k]
        edge = 0.5 * obs.ego.width_m + 0.2
        for offset in PULL_OVER_OFFSETS_M:
            reach = offset + edge
            if np.all(info.network.on_drivable(px + reach * np.sin(ph), py - reach * np.cos(ph))):
                return offset
        return 0.0
