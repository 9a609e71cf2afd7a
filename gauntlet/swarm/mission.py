"""The swarm mission loop: events, network, decision stack, dynamics, and the observer's measurements.

One tick (``dt_s``):

1. late joiners join; scheduled events fire (nodes leave or fail, loss
   spikes and jamming barriers start or end);
2. the network refreshes its links, sends beacons and delivers the packets
   due (:class:`~gauntlet.swarm.network.SwarmNetwork`);
3. the stack decides for every node from its own state and inbox
   (:class:`~gauntlet.swarm.stack.SwarmStack`) and its packets go to the network;
4. the bodies move (:class:`~gauntlet.swarm.world.SwarmWorld`);
5. the observer (not the nodes) measures: search coverage, station
   deviations, allocation agreement, connectivity; and records the trace.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from gauntlet.scenarios.swarm import LossSpike, Partition, RemoveNodes, SwarmScenario
from gauntlet.swarm.coverage import CoverageGrid
from gauntlet.swarm.stack import SwarmInfo, SwarmObservation, SwarmStack
from gauntlet.swarm.tasking import decompose
from gauntlet.swarm.tasks import ESCORT, PERSISTENT, USV, aerial
from gauntlet.swarm.world import ROLE_AGENT, ROLE_CONVOY, SwarmWorld

#: Trace sample period, s.
SAMPLE_S = 0.5
#: A station counts from this long after a node first comes within twice the bound, s.
SETTLE_S = 5.0


@dataclass
class MissionRecord:
    """What the observer recorded (trace samples every ``SAMPLE_S``)."""

    time_s: list[float] = field(default_factory=list)
    position_m: list[np.ndarray] = field(default_factory=list)
    active: list[np.ndarray] = field(default_factory=list)
    task: list[np.ndarray] = field(default_factory=list)
    connectivity: list[float] = field(default_factory=list)
    coverage: list[float] = field(default_factory=list)
    graphs: list[tuple[float, np.ndarray]] = field(default_factory=list)
    station_usv_m: list[float] = field(default_factory=list)
    station_drone_m: list[float] = field(default_factory=list)
    allocations: list[tuple[float, float]] = field(default_factory=list)
    events: list[tuple[float, str]] = field(default_factory=list)


class SwarmMission:
    """One run of a swarm scenario with a stack (by default :class:`SwarmStack`)."""

    def __init__(self, scenario: SwarmScenario, seed: int, stack: SwarmStack | None = None) -> None:
        self.scenario = scenario
        self.world = world = SwarmWorld(scenario, seed)
        self.tasking = decompose(scenario)
        self.stack = stack if stack is not None else SwarmStack()
        convoy = np.flatnonzero(world.role == ROLE_CONVOY)
        self.stack.reset(
            SwarmInfo(
                dt_s=world.dt, kind=world.kind, role=world.role, radius_m=world.radius_m,
                max_speed_mps=world.max_speed_mps, cruise_altitude_m=world.cruise_altitude,
                tasking=decompose(scenario), bundle_size=scenario.bundle_size, convoy_slots=convoy,
            )
        )  # fmt: skip
        self.convoy = convoy
        self.record = MissionRecord()
        self.episode_start: float | None = 0.0
        self.arrived_at = np.full(world.n, np.inf)
        self.station_task = np.full(world.n, -1)
        self._grids = self._coverage_grids()
        self._sample_every = max(1, int(round(SAMPLE_S / world.dt)))
        self._graph_ticks = {
            int(round(f * scenario.duration_s / world.dt)) for f in (0.1, 0.5, 0.95)
        }
        self.wall_s = 0.0
        self.steps = 0

    def _coverage_grids(self) -> list[CoverageGrid]:
        return [
            CoverageGrid.over(area, r)
            for area, r in zip(self.tasking.search_areas, self.tasking.sensor_radius_m, strict=True)
        ]

    # ------------------------------------------------------------------ loop

    def run(self) -> None:
        steps = int(round(self.scenario.duration_s / self.world.dt))
        wall0 = time.perf_counter()
        for _ in range(steps):
            self.step()
        self.wall_s = time.perf_counter() - wall0

    def step(self) -> None:
        w = self.world
        t = w.time_s
        joined = w.update_membership()
        if len(joined) and t > 0:
            self._event(t, f"{len(joined)} nodes join")
        leaving = self._fire_events(t)
        net = w.network
        net.update(w.tick, w.position_m)
        inbox = net.deliver(w.tick)
        floating = np.zeros(w.n, dtype=bool)
        floating[w.drone_slots] = w.drones.floating
        obs = SwarmObservation(w.tick, t, w.active.copy(), w.position_m.copy(), w.velocity_mps.copy(),
                               floating, inbox, leaving)  # fmt: skip
        cmd = self.stack.step(obs)
        for kind, senders, size in cmd.broadcasts:
            net.broadcast(kind, senders, size, w.tick)
        if len(leaving):
            w.remove(leaving)
        w.apply(cmd.velocity_mps)
        w.step()
        self.steps += 1
        self._observe()

    def _event(self, t: float, text: str) -> None:
        self.record.events.append((t, text))
        if self.episode_start is None:
            self.episode_start = t

    def _fire_events(self, t: float) -> np.ndarray:
        w = self.world
        dt = w.dt
        leaving = np.zeros(0, dtype=np.int64)
        extra, barrier = 0.0, None
        for ev in self.scenario.events:
            if isinstance(ev, RemoveNodes) and t - dt / 2 <= ev.at_s < t + dt / 2:
                agents = np.flatnonzero(w.active & (w.role == ROLE_AGENT))
                k = int(round(ev.fraction * len(agents)))
                slots = np.sort(w.event_rng.choice(agents, size=k, replace=False))
                if ev.silent:
                    w.remove(slots)
                    self._event(t, f"{k} nodes fail")
                else:
                    leaving = slots
                    self._event(t, f"{k} nodes leave")
            if isinstance(ev, (LossSpike, Partition)) and t - dt / 2 <= ev.at_s < t + dt / 2:
                self._event(t, f"{ev.KIND} starts")
            if isinstance(ev, LossSpike) and ev.at_s <= t < ev.at_s + ev.duration_s:
                extra = max(extra, ev.loss)
            elif isinstance(ev, Partition) and ev.at_s <= t < ev.at_s + ev.duration_s:
                barrier = ev.barrier_x_m
            if (
                isinstance(ev, (LossSpike, Partition))
                and t - dt / 2 <= ev.at_s + ev.duration_s < t + dt / 2
            ):
                self._event(t, f"{ev.KIND} ends")
        w.network.set_conditions(extra, barrier, w.position_m)
        return leaving

    # ------------------------------------------------------------------ observer

    def _observe(self) -> None:
        w, st, rec = self.world, self.stack, self.record
        t = w.time_s
        board = self.tasking.board
        self.tasking.update(t)
        self._mark_coverage()
        # Allocation: every active agent agrees on the winner of every task nobody finished,
        # and no two agents execute the same task.
        if self.episode_start is not None:
            agents = np.flatnonzero(w.active & (w.role == ROLE_AGENT))
            z = st.cbba.z[agents]
            open_ = ~st.cbba.done.any(axis=0)
            agree = bool(np.all(z[:, open_] == z[:1, open_])) if len(agents) else True
            first = st.task[agents]
            first = first[first >= 0]
            if agree and len(np.unique(first)) == len(first):
                rec.allocations.append((self.episode_start, t - self.episode_start))
                self.episode_start = None
        # Station keeping of relay and escort stations, against the true stations.
        task = st.task
        station = np.full((w.n, 3), np.nan)
        on = (task >= 0) & w.active
        on[on] &= PERSISTENT[board.type[task[on]]]
        idx = np.flatnonzero(on)
        if len(idx):
            j = task[idx]
            xy = board.xy[j].copy()
            esc = board.type[j] == ESCORT
            if esc.any() and len(self.convoy):
                xy[esc] = w.position_m[self.convoy[0], :2] + board.offset[j[esc]]
            station[idx, :2] = xy
            station[idx, 2] = np.where(aerial(w.kind[idx]), board.altitude_m[j], 0.0)
        changed = task != self.station_task
        self.arrived_at[changed] = np.inf
        self.station_task = task.copy()
        dev = np.linalg.norm(w.position_m - station, axis=1)
        usv = w.kind == USV
        bound = np.where(
            usv, self.scenario.criteria.usv_station_m, self.scenario.criteria.drone_station_m
        )
        first = on & (dev < 2 * bound) & np.isinf(self.arrived_at)
        self.arrived_at[first] = t
        settled = on & (t - self.arrived_at >= SETTLE_S)
        rec.station_usv_m.extend(dev[settled & usv].tolist())
        rec.station_drone_m.extend(dev[settled & ~usv].tolist())
        if w.tick % self._sample_every == 0:
            rec.time_s.append(t)
            rec.position_m.append(w.position_m.copy())
            rec.active.append(w.active.copy())
            rec.task.append(task.copy())
            rec.connectivity.append(w.network.connectivity(t))
            rec.coverage.append(self.coverage())
        if w.tick in self._graph_ticks:
            table = w.network.neighbours(t)
            i, j = np.nonzero(np.triu(table & table.T))
            rec.graphs.append((t, np.stack([i, j], axis=1)))

    def _mark_coverage(self) -> None:
        w = self.world
        searching = (
            w.active
            & (w.role == ROLE_AGENT)
            & (aerial(w.kind) & (w.position_m[:, 2] > 5.0) | (w.kind == USV))
        )
        pos = w.position_m[searching, :2]
        if len(pos):
            for grid in self._grids:
                grid.mark(pos)

    def coverage(self) -> float:
        """Fraction of the search areas' cells seen so far (1 when there is nothing to search)."""
        total = sum(g.seen.size for g in self._grids)
        return float(sum(g.seen.sum() for g in self._grids) / total) if total else 1.0

    def completion_rate(self) -> float:
        """Finished tasks plus stations held at the end, over all tasks."""
        board, w, st = self.tasking.board, self.world, self.stack
        m = board.count
        if m == 0:
            return 1.0
        done = st.cbba.done.any(axis=0)
        held = np.zeros(m, dtype=bool)
        persistent = PERSISTENT[board.type]
        for i in np.flatnonzero(w.active & (st.task >= 0)):
            j = st.task[i]
            if persistent[j] and np.isfinite(self.arrived_at[i]):
                held[j] = True
        return float(np.sum((done & ~persistent) | (held & persistent)) / m)
