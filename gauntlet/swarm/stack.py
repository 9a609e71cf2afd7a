"""The reference swarm stack: the decision layer of every node, run as one batch.

Row ``i`` of every array is node ``i``'s own computer: it reads its own
navigation state, the tasking order and the packets the network delivered
to it, and nothing else. Per tick it

1. applies received packets: CBBA bids (:mod:`gauntlet.swarm.cbba`), leave
   announcements, and neighbour states (position, velocity, formation
   estimate) into its neighbour table;
2. forgets winners it has heard nothing of for ``FAIL_TIMEOUT_S`` (failed or
   cut-off nodes), rebuilds its bundle, marks tasks it finished;
3. executes the first task of its bundle: lawnmower sweep, target tracking,
   relay or escort station keeping, pickup-and-drop; amphibious drones
   without a task land on the water and take off when they win one;
4. corrects the velocity for collision avoidance with neighbours it heard;
5. asks the network to broadcast its CBBA packet (when its bids changed, and
   as a heartbeat) and its state (at ``STATE_HZ``).

Timing, as the metrics report it: a node's *decision response time* runs
from a CBBA packet's arrival to the decision that used it: the wait for the
node's next tick plus its computation, taken as its share of the batch's
wall time (the batch does every node's work at once; each node's own
computer does one share). The *control latency* is that computation plus
the tick over which the command holds. The whole batch's wall time is kept
too (``batch_s``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from gauntlet.swarm.cbba import CBBA, build_bundles, forget_pairs, forget_stale, release_done
from gauntlet.swarm.control import avoid, consensus_reference, seek
from gauntlet.swarm.network import Delivery
from gauntlet.swarm.tasking import Tasking
from gauntlet.swarm.tasks import AMPHIBIOUS, DELIVER, ESCORT, SEARCH, TRACK, aerial

STATE_HZ = 5.0
HEARTBEAT_S = 0.5
FAIL_TIMEOUT_S = 3.0
#: Period of an agent's bundle rebuild when nothing changed, s.
REBID_S = 0.5
#: Period of the check for winners not heard of, s.
STALE_CHECK_S = 0.2
STATE_BYTES = 48
BYE_BYTES = 16
WAYPOINT_REACHED_M = 3.0
ARRIVED_M = 1.0


@dataclass(frozen=True)
class SwarmInfo:
    """What every node knows at the start: the fleet plan and the tasking order."""

    dt_s: float
    kind: np.ndarray
    role: np.ndarray
    radius_m: np.ndarray
    max_speed_mps: np.ndarray
    cruise_altitude_m: np.ndarray
    tasking: Tasking
    bundle_size: int
    convoy_slots: np.ndarray


@dataclass(frozen=True)
class SwarmObservation:
    """One tick's inputs, row ``i`` for node ``i``: its own state and its inbox."""

    tick: int
    time_s: float
    active: np.ndarray
    position_m: np.ndarray
    velocity_mps: np.ndarray
    floating: np.ndarray
    inbox: dict[str, Delivery]
    leaving: np.ndarray


@dataclass
class SwarmCommand:
    """The stack's outputs: desired velocities and packets to send."""

    velocity_mps: np.ndarray
    broadcasts: list[tuple[str, np.ndarray, int]] = field(default_factory=list)


class SwarmStack:
    """CBBA allocation + cooperative control for every node (see the module docstring)."""

    def reset(self, info: SwarmInfo) -> None:
        self.info = info
        n = len(info.kind)
        m = info.tasking.board.count
        self.n, self.m = n, m
        self.cbba = CBBA(n, m, info.bundle_size)
        agent = info.role == 1
        self.agent = agent
        kind = np.where(info.kind >= 0, info.kind, 0)
        self.capable = info.tasking.board.capable(kind) & agent[:, None]
        self.known = np.zeros((n, n, 8), dtype=np.float32)
        self.known_t = np.full((n, n), -np.inf, dtype=np.float32)
        # State snapshots kept for packets in flight, as deep as the CBBA ring.
        self.ring_state = np.zeros((self.cbba.ring, n, 8))
        self.estimate = np.zeros((n, 2))
        if info.tasking.convoy >= 0:
            self.estimate[:] = info.tasking.refs[info.tasking.convoy].state(0.0)[0]
        self.task = np.full(n, -1, dtype=np.int64)
        self.aerial = aerial(info.kind)
        #: Convoy vehicles: they flag themselves as escorted in their state packets.
        self.convoy_node = np.isin(np.arange(n), info.convoy_slots)
        # The sweep plans as one array: task j's waypoints are rows start[j] .. start[j] + len[j].
        sweeps = [np.zeros((0, 2)) if wp is None else wp for wp in info.tasking.sweeps]
        self.sweep_len = np.array([len(wp) for wp in sweeps], dtype=np.int64)
        self.sweep_start = np.cumsum(self.sweep_len) - self.sweep_len
        self.sweep_xy = np.concatenate(sweeps) if sweeps else np.zeros((0, 2))
        self.track_tasks = np.flatnonzero(info.tasking.board.type == TRACK)
        self.sweep_idx = np.zeros(n, dtype=np.int64)
        self.phase = np.zeros(n, dtype=np.int64)
        self.hold = np.zeros(n)
        self.last_sent = np.full(n, -np.inf)
        self.dirty = np.ones(n, dtype=bool)
        self.state_every = max(1, int(round(1.0 / (STATE_HZ * info.dt_s))))
        self.every_rebid = max(1, int(round(REBID_S / info.dt_s)))
        self.every_check = max(1, int(round(STALE_CHECK_S / info.dt_s)))
        #: Per-tick samples for the metrics: response times (s) and control latencies (s).
        self.response_s: list[np.ndarray] = []
        self.control_latency_s: list[float] = []
        self.neighbour_age_s: list[float] = []
        self.compute_s = 0.0
        #: Wall time of each batched decision step (all nodes), s.
        self.batch_s: list[float] = []

    # ------------------------------------------------------------------ step

    def step(self, obs: SwarmObservation) -> SwarmCommand:
        t0 = time.perf_counter()
        info, cbba = self.info, self.cbba
        tick, now = obs.tick, obs.time_s
        act = obs.active
        agents = np.flatnonzero(act & self.agent)
        ref_vel = info.tasking.update(now)
        board = info.tasking.board
        changed = np.zeros(self.n, dtype=bool)
        cb = obs.inbox.get("cbba")
        if cb is not None:
            changed |= cbba.receive(cb.dst, cb.src, cb.sent_tick, tick, now)
        bye = obs.inbox.get("bye")
        if bye is not None:
            forget_pairs(bye.dst, bye.src, cbba.y, cbba.z, cbba.done, cbba.bundle, cbba.blen)
            changed[bye.dst] = True
        st = obs.inbox.get("state")
        measured = np.zeros(self.n, dtype=bool)
        measured_xy = np.zeros((self.n, 2))
        recv_est = np.zeros(0, dtype=np.int64)
        est_vals = np.zeros((0, 2))
        if st is not None:
            fresh = tick - st.sent_tick < cbba.ring
            src, dst, sent = st.src[fresh], st.dst[fresh], st.sent_tick[fresh]
            payload = self.ring_state[sent % cbba.ring, src]
            self.known[dst, src] = payload
            self.known_t[dst, src] = sent * info.dt_s
            lead = info.convoy_slots[0] if len(info.convoy_slots) else -1
            hit = src == lead
            measured[dst[hit]] = True
            age = (now - sent[hit] * info.dt_s)[:, None]
            measured_xy[dst[hit]] = payload[hit, 0:2] + payload[hit, 3:5] * age
            escorting = payload[:, 7] > 0
            recv_est, est_vals = dst[escorting & ~hit], payload[escorting & ~hit, 5:7]
        if tick % self.every_check == 0:
            changed |= forget_stale(agents, now, FAIL_TIMEOUT_S, cbba.y, cbba.z, cbba.s, cbba.done,
                                    cbba.bundle, cbba.blen)  # fmt: skip
        open_task = ~cbba.done & (board.release_s <= now)[None, :]
        before = cbba.blen.copy()
        # An agent rebuilds its bundle when its information changed, and every REBID_S as it moves.
        rebid = agents[
            changed[agents] | ((agents + tick) % self.every_rebid == 0) | (cbba.blen[agents] == 0)
        ]
        build_bundles(rebid, obs.position_m[:, :2], np.maximum(info.max_speed_mps, 0.1), self.capable,
                      open_task, board.xy, board.value, cbba.y, cbba.z, cbba.bundle, cbba.blen)  # fmt: skip
        changed |= before != cbba.blen
        task = np.where(act & self.agent, cbba.bundle[:, 0], -1)
        switched = task != self.task
        self.sweep_idx[switched] = 0
        self.phase[switched] = 0
        self.hold[switched] = 0.0
        self.task = task
        convoy = info.tasking.convoy
        convoy_vel = info.tasking.refs[convoy].state(now)[1] if convoy >= 0 else np.zeros(2)
        self.estimate = consensus_reference(
            self.estimate, convoy_vel, recv_est, est_vals, measured_xy, measured, info.dt_s
        )
        target, ff = self._targets(obs, ref_vel)
        vel = seek(obs.position_m, target, info.max_speed_mps, 1.0, ff)
        finished = self._progress(obs, target)
        if len(finished):
            cbba.done[finished, task[finished]] = True
            release_done(finished, cbba.y, cbba.z, cbba.done, cbba.bundle, cbba.blen)
            changed[finished] = True
        vel, ages = self._avoid(obs, vel)
        vel[~act] = 0.0
        vel[obs.leaving] = 0.0
        # Packets: CBBA when changed or as a heartbeat; state at STATE_HZ (staggered); bye when leaving.
        due = act & self.agent & (changed | (now - self.last_sent >= HEARTBEAT_S - 1e-9))
        senders = np.flatnonzero(due)
        self.last_sent[senders] = now
        cbba.snapshot(tick, senders)
        state_senders = np.flatnonzero(act & ((np.arange(self.n) + tick) % self.state_every == 0))
        r = tick % cbba.ring
        self.ring_state[r, :, 0:3] = obs.position_m
        self.ring_state[r, :, 3:5] = obs.velocity_mps[:, :2]
        self.ring_state[r, :, 5:7] = self.estimate
        escort_now = (task >= 0) & (board.type[np.maximum(task, 0)] == ESCORT)
        self.ring_state[r, :, 7] = escort_now | self.convoy_node
        out = SwarmCommand(vel)
        if len(senders):
            out.broadcasts.append(("cbba", senders, cbba.packet_bytes()))
        if len(state_senders):
            out.broadcasts.append(("state", state_senders, STATE_BYTES))
        if len(obs.leaving):
            out.broadcasts.append(("bye", obs.leaving, BYE_BYTES))
        wall = time.perf_counter() - t0
        self.compute_s += wall
        self.batch_s.append(wall)
        # One node's share of the batch: what its own computer would spend on its decision.
        per_node = wall / max(int(act.sum()), 1)
        if cb is not None and len(cb.src):
            # Response: from a packet's arrival to the decision that used it (the wait for
            # the node's next tick, then its computation).
            arrival = cb.sent_tick * info.dt_s + cb.latency_s
            self.response_s.append(np.maximum(now - arrival, 0.0) + per_node)
        # Sense to actuate: the node's computation plus the tick over which the command holds.
        self.control_latency_s.append(per_node + info.dt_s)
        if len(ages):
            self.neighbour_age_s.append(float(np.mean(ages)))
        return out

    # ------------------------------------------------------------------ tasks

    def _targets(self, obs: SwarmObservation, ref_vel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Target position ``(n, 3)`` and velocity feed-forward of every node's current task."""
        info = self.info
        board = info.tasking.board
        pos = obs.position_m
        target = pos.copy()
        ff = np.zeros((self.n, 3))
        target[:, 2] = info.cruise_altitude_m
        nodes = np.flatnonzero(self.task >= 0)
        if len(nodes):
            tasks = self.task[nodes]
            kind = board.type[tasks]
            # Relay and track by default: the task's position, with its velocity as feed-forward.
            xy = board.xy[tasks]
            vel = ref_vel[tasks]
            search = kind == SEARCH
            if search.any():
                j = tasks[search]
                step = np.minimum(self.sweep_idx[nodes[search]], self.sweep_len[j] - 1)
                xy[search] = self.sweep_xy[self.sweep_start[j] + step]
            deliver = kind == DELIVER
            if deliver.any():
                j = tasks[deliver]
                picked = (self.phase[nodes[deliver]] != 0)[:, None]
                xy[deliver] = np.where(picked, board.drop_xy[j], board.xy[j])
            escort = kind == ESCORT
            if escort.any():
                xy[escort] = self.estimate[nodes[escort]] + board.offset[tasks[escort]]
            track = kind == TRACK
            if track.any():
                xy[track] -= self._track_lag(ref_vel)[tasks[track]]
            target[nodes, :2] = xy
            moving = ~(search | deliver)
            ff[nodes[moving], :2] = vel[moving]
            aerial = self.aerial[nodes]
            target[nodes[aerial], 2] = board.altitude_m[tasks[aerial]]
        # Convoy vessels follow the route, spaced along it.
        conv = info.tasking.convoy
        if conv >= 0:
            ref = info.tasking.refs[conv]
            for k, slot in enumerate(info.convoy_slots):
                p, v = ref.state(obs.time_s, k * info.tasking.convoy_spacing_m)
                target[slot, :2] = p
                ff[slot, :2] = v
        # Amphibious drones without a task land on the water; others hold where they are.
        idle_amph = (self.task < 0) & (info.kind == AMPHIBIOUS) & self.agent
        target[idle_amph, 2] = -1.0
        return target, ff

    def _track_lag(self, ref_vel: np.ndarray) -> np.ndarray:
        """Per task ``(m, 2)``: how far behind its target a tracker follows (a third of the
        tracking distance, along the target's velocity; zero for other tasks), m."""
        lag = np.zeros((self.m, 2))
        radius = self.info.tasking.radius_m
        for j in self.track_tasks:
            v = ref_vel[j]
            sp = np.linalg.norm(v)
            if sp > 0:
                lag[j] = v / sp * radius[j] / 3
        return lag

    def _progress(self, obs: SwarmObservation, target: np.ndarray) -> np.ndarray:
        """Advance sweeps, deliveries and tracking; return the nodes that finished their task."""
        info = self.info
        board = info.tasking.board
        dist = np.linalg.norm(obs.position_m[:, :2] - target[:, :2], axis=1)
        nodes = np.flatnonzero(self.task >= 0)
        tasks = self.task[nodes]
        kind = board.type[tasks]
        finished = np.zeros(len(nodes), dtype=bool)
        # Search: next waypoint when near; done after the last one.
        at_wp = (kind == SEARCH) & (dist[nodes] < WAYPOINT_REACHED_M)
        i = nodes[at_wp]
        self.sweep_idx[i] += 1
        finished[at_wp] = self.sweep_idx[i] >= self.sweep_len[tasks[at_wp]]
        # Delivery: pick up, then drop.
        arrived = (kind == DELIVER) & (dist[nodes] < ARRIVED_M)
        picking = arrived & (self.phase[nodes] == 0)
        finished |= arrived & ~picking
        self.phase[nodes[picking]] = 1
        # Tracking: time within the tracking distance of the target.
        track = kind == TRACK
        if track.any():
            i, j = nodes[track], tasks[track]
            gap = np.linalg.norm(obs.position_m[i, :2] - board.xy[j], axis=1)
            near = gap < info.tasking.radius_m[j]
            self.hold[i[near]] += info.dt_s
            finished[track] = self.hold[i] >= info.tasking.hold_s[j]
        return nodes[finished]

    def _avoid(self, obs: SwarmObservation, vel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Collision avoidance against neighbours heard in the last 0.5 s on the same layer."""
        now = obs.time_s
        # Neighbours heard recently first (a sparse set), then the near ones on the same layer.
        recent = self.known_t >= now - 0.5
        recent[~obs.active] = False
        i, j = np.nonzero(recent)
        kp = self.known[i, j, 0:3].astype(np.float64)
        d = obs.position_m[i] - kp
        near = (np.abs(d[:, 0]) < 20.0) & (np.abs(d[:, 1]) < 20.0) & (np.abs(d[:, 2]) < 3.0)
        i, j, kp = i[near], j[near], kp[near]
        if len(i) == 0:
            return vel, np.zeros(0)
        age = now - self.known_t[i, j].astype(np.float64)
        kv = self.known[i, j, 3:5].astype(np.float64)
        kp[:, :2] += kv * age[:, None]
        out = avoid(vel, obs.position_m, i, kp, kv, self.info.radius_m, self.info.radius_m[j])
        return out, age

    def close(self) -> None:
        """Nothing to release."""
