"""The swarm's radio network: every message between nodes is delivered or lost here.

The network keeps the physical link table (delivery probability of every
ordered pair, from :mod:`gauntlet.swarm.radio`), refreshed every
``link_period_s``, and moves three kinds of traffic:

* **beacons**: every active node broadcasts a small beacon at ``beacon_hz``
  (phases staggered by node); a receiver records when it last heard each
  neighbour. A node's *neighbour table* holds the nodes heard within
  ``neighbour_timeout_s``; the union of the tables is the *discovered
  topology* that routing and partition detection use.
* **broadcasts** (one hop): a sender's packet reaches each node in radio
  range independently with the link's delivery probability.
* **unicasts** (multi-hop): routed on shortest hop paths of the discovered
  topology towards the destination; each hop may lose the packet, and the
  latencies of the hops add up.

Each node may put ``bandwidth_bps * dt`` bits on the air per tick; packets
beyond that are dropped at the sender (congestion). Packets arrive at the
first tick at or after their arrival time. Randomness (losses, jitter) comes
only from the generator given at construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order, connected_components
from scipy.spatial import cKDTree

from gauntlet.swarm.radio import RadioParams, boxes_crossed, crosses_line_x

BEACON_BYTES = 24


@dataclass(frozen=True)
class NetworkParams:
    """How the network runs on top of the radio.

    Attributes:
        radio: Link model.
        beacon_hz: Beacon rate of every node, Hz.
        neighbour_timeout_s: A neighbour not heard for this long leaves the table, s.
        link_period_s: How often the link table follows the nodes' motion, s.
        occluders: Axis-aligned boxes ``(x_min, y_min, x_max, y_max)`` that attenuate links, m.
    """

    radio: RadioParams = field(default_factory=RadioParams)
    beacon_hz: float = 4.0
    neighbour_timeout_s: float = 1.0
    link_period_s: float = 0.1
    occluders: tuple[tuple[float, float, float, float], ...] = ()


@dataclass(frozen=True)
class Delivery:
    """Packets of one kind delivered at a tick (arrays of equal length).

    Attributes:
        src, dst: Sender and receiver node indices.
        sent_tick: Tick at which the sender transmitted.
        latency_s: End-to-end latency, s.
    """

    src: np.ndarray
    dst: np.ndarray
    sent_tick: np.ndarray
    latency_s: np.ndarray


@dataclass
class TrafficStats:
    """Message counts and latencies since the start (all kinds, beacons apart)."""

    sent: int = 0
    delivered: int = 0
    lost: int = 0
    dropped: int = 0
    beacons: int = 0
    latencies_s: list[np.ndarray] = field(default_factory=list)
    sent_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def latency_sum_s(self) -> float:
        """Sum of the latencies of every delivered message, s."""
        return sum((float(lat.sum()) for lat in self.latencies_s), 0.0)

    def mean_latency_s(self) -> float:
        return self.latency_sum_s / self.delivered if self.delivered else 0.0


class SwarmNetwork:
    """The network of ``n`` node slots (inactive slots neither send nor receive).

    Args:
        params: Network and radio parameters.
        n: Number of node slots.
        dt: Tick length, s.
        rng: The generator of every loss and jitter draw.
    """

    def __init__(self, params: NetworkParams, n: int, dt: float, rng: np.random.Generator):
        self.params = params
        self.n = n
        self.dt = dt
        self.rng = rng
        self.active = np.zeros(n, dtype=bool)
        self.probability = np.zeros((n, n))
        self.last_heard = np.full((n, n), -np.inf)
        self.extra_loss = 0.0
        self.barrier_x_m: float | None = None
        self.stats = TrafficStats()
        self._boxes = np.asarray(params.occluders, dtype=np.float64).reshape(-1, 4)
        self._pending: list[tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self._budget_bits = np.zeros(n)
        self._beacon_phase = (np.arange(n) * 0.618034) % 1.0
        self._next_link_time = 0.0
        self._route_cache: dict[int, np.ndarray] = {}
        self._pairs = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))

    # ------------------------------------------------------------------ links

    def update(self, tick: int, positions_m: np.ndarray) -> None:
        """Start tick ``tick``: refresh links (when due), send beacons, reset the budgets."""
        t = tick * self.dt
        if t + 1e-9 >= self._next_link_time:
            self._links(positions_m)
            self._next_link_time = t + self.params.link_period_s
        self._budget_bits[:] = self.params.radio.bandwidth_bps * self.dt
        self._beacons(t)
        self._route_cache.clear()

    def _links(self, pos: np.ndarray) -> None:
        radio = self.params.radio
        idx = np.flatnonzero(self.active)
        self.probability[:] = 0.0
        self._pairs = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))
        if len(idx) < 2:
            return
        p = pos[idx]
        pairs = cKDTree(p).query_pairs(radio.range_m, output_type="ndarray")
        ii = np.concatenate([pairs[:, 0], pairs[:, 1]])
        jj = np.concatenate([pairs[:, 1], pairs[:, 0]])
        rx_pairs = radio.received_power_dbm(np.linalg.norm(p[ii] - p[jj], axis=1))
        if len(self._boxes):
            rx_pairs = rx_pairs - radio.occlusion_loss_db * boxes_crossed(
                p[ii, :2], p[jj, :2], self._boxes
            )
        prob = radio.delivery_probability(rx_pairs, self.extra_loss)
        if self.barrier_x_m is not None:
            prob = np.where(crosses_line_x(p[ii, :2], p[jj, :2], self.barrier_x_m), 0.0, prob)
        self.probability[idx[ii], idx[jj]] = prob
        # The same links as a sparse list, ordered by sender, for broadcasts and beacons.
        keep = prob > 0.0
        order = np.lexsort((idx[jj][keep], idx[ii][keep]))
        self._pairs = (idx[ii][keep][order], idx[jj][keep][order], prob[keep][order])

    def _reached(self, senders: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every link out of ``senders``: sender, receiver, delivery probability."""
        src, dst, prob = self._pairs
        mask = np.zeros(self.n, dtype=bool)
        mask[senders] = True
        sel = mask[src]
        return src[sel], dst[sel], prob[sel]

    def set_conditions(
        self, extra_loss: float, barrier_x_m: float | None, positions_m: np.ndarray
    ) -> None:
        """Change the environment's extra loss and jamming barrier; relinks at once when changed."""
        if extra_loss != self.extra_loss or barrier_x_m != self.barrier_x_m:
            self.extra_loss = extra_loss
            self.barrier_x_m = barrier_x_m
            self._links(positions_m)

    def _beacons(self, t: float) -> None:
        period = 1.0 / self.params.beacon_hz
        phase = (t / period) % 1.0
        prev = ((t - self.dt) / period) % 1.0
        # A node beacons in the tick whose interval contains its phase.
        due = np.flatnonzero(
            self.active
            & (
                ((prev < self._beacon_phase) & (self._beacon_phase <= phase))
                | ((phase < prev) & ((self._beacon_phase > prev) | (self._beacon_phase <= phase)))
            )
        )
        if len(due) == 0:
            return
        src, dst, prob = self._reached(due)
        heard = self.rng.random(len(src)) < prob
        self.last_heard[dst[heard], src[heard]] = t
        self.stats.beacons += len(due)
        self._budget_bits[due] -= 8 * BEACON_BYTES

    def neighbours(self, t: float) -> np.ndarray:
        """The neighbour tables as a boolean matrix: ``[i, j]`` when ``i`` heard ``j`` recently."""
        table = self.last_heard >= t - self.params.neighbour_timeout_s
        table &= self.active[:, None] & self.active[None, :]
        return table

    def components(self, t: float) -> np.ndarray:
        """Component label of every slot in the discovered topology (-1 for inactive slots)."""
        table = self.neighbours(t)
        _, labels = connected_components(csr_matrix(table & table.T), directed=False)
        return np.where(self.active, labels, -1)

    def connectivity(self, t: float) -> float:
        """Fraction of ordered pairs of active nodes that can reach each other (1: one component)."""
        labels = self.components(t)
        act = labels[labels >= 0]
        if len(act) < 2:
            return 1.0
        counts = np.bincount(act)
        return float(np.sum(counts * (counts - 1)) / (len(act) * (len(act) - 1)))

    def next_hops(self, dst: int, t: float) -> np.ndarray:
        """Next hop of every node towards ``dst`` on shortest discovered paths (-1: no route)."""
        if dst in self._route_cache:
            return self._route_cache[dst]
        table = self.neighbours(t)
        graph = csr_matrix(table & table.T)
        _, pred = breadth_first_order(graph, dst, directed=False, return_predecessors=True)
        hops = np.where(pred >= 0, pred, -1)
        hops[dst] = dst
        self._route_cache[dst] = hops
        return hops

    # ------------------------------------------------------------------ traffic

    def _spend(self, senders: np.ndarray, bits: float) -> np.ndarray:
        ok = self._budget_bits[senders] >= bits
        self._budget_bits[senders[ok]] -= bits
        self.stats.dropped += int(np.sum(~ok))
        return senders[ok]

    def broadcast(self, kind: str, senders: np.ndarray, size_bytes: int, tick: int) -> None:
        """One-hop broadcast of a ``size_bytes`` packet from each of ``senders``."""
        senders = np.asarray(senders, dtype=np.int64)
        senders = senders[self.active[senders]]
        senders = self._spend(senders, 8.0 * size_bytes)
        if len(senders) == 0:
            return
        src, dst, prob = self._reached(senders)
        self.stats.sent += len(src)
        self.stats.sent_by_kind[kind] = self.stats.sent_by_kind.get(kind, 0) + len(src)
        arrived = self.rng.random(len(src)) < prob
        self.stats.lost += int(np.sum(~arrived))
        src, dst = src[arrived], dst[arrived]
        lat = self.params.radio.hop_latency_s(size_bytes, self.rng, len(src))
        self._queue(kind, src, dst, np.full(len(src), tick), lat)

    def unicast(
        self, kind: str, src: np.ndarray, dst: np.ndarray, size_bytes: int, tick: int
    ) -> None:
        """Multi-hop packets ``src[k] -> dst[k]`` routed on the discovered topology."""
        src = np.asarray(src, dtype=np.int64)
        dst = np.asarray(dst, dtype=np.int64)
        keep = self.active[src] & self.active[dst]
        src, dst = src[keep], dst[keep]
        self.stats.sent += len(src)
        self.stats.sent_by_kind[kind] = self.stats.sent_by_kind.get(kind, 0) + len(src)
        t = tick * self.dt
        radio = self.params.radio
        cur = src.copy()
        latency = np.zeros(len(src))
        alive = np.ones(len(src), dtype=bool)
        hops_of = {int(d): self.next_hops(int(d), t) for d in np.unique(dst)}
        for _ in range(self.n):
            moving = alive & (cur != dst)
            if not moving.any():
                break
            k = np.flatnonzero(moving)
            nxt = np.array(
                [hops_of[int(d)][c] for d, c in zip(dst[k], cur[k], strict=True)], dtype=np.int64
            )
            no_route = nxt < 0
            ok_budget = np.zeros(len(k), dtype=bool)
            routed = ~no_route
            bits = 8.0 * size_bytes
            for j in np.flatnonzero(routed):
                if self._budget_bits[cur[k[j]]] >= bits:
                    self._budget_bits[cur[k[j]]] -= bits
                    ok_budget[j] = True
            self.stats.dropped += int(np.sum(no_route | (routed & ~ok_budget)))
            alive[k[~ok_budget]] = False
            k, nxt = k[ok_budget], nxt[ok_budget]
            arrived = self.rng.random(len(k)) < self.probability[cur[k], nxt]
            self.stats.lost += int(np.sum(~arrived))
            alive[k[~arrived]] = False
            k, nxt = k[arrived], nxt[arrived]
            latency[k] += radio.hop_latency_s(size_bytes, self.rng, len(k))
            cur[k] = nxt
        done = alive & (cur == dst)
        self._queue(kind, src[done], dst[done], np.full(int(done.sum()), tick), latency[done])

    def _queue(self, kind, src, dst, sent_tick, latency) -> None:
        if len(src):
            self._pending.append((kind, src, dst, sent_tick, latency))

    def deliver(self, tick: int) -> dict[str, Delivery]:
        """Packets that have arrived by tick ``tick`` (to active receivers), by kind."""
        t = tick * self.dt
        out: dict[str, list[tuple[np.ndarray, ...]]] = {}
        keep = []
        for kind, src, dst, sent, lat in self._pending:
            due = sent * self.dt + lat <= t + 1e-9
            if due.all():
                parts = (src, dst, sent, lat)
            else:
                keep.append((kind, src[~due], dst[~due], sent[~due], lat[~due]))
                parts = (src[due], dst[due], sent[due], lat[due])
            alive = self.active[parts[1]]
            self.stats.lost += int(np.sum(~alive))
            parts = tuple(a[alive] for a in parts)
            if len(parts[0]):
                out.setdefault(kind, []).append(parts)
                self.stats.delivered += len(parts[0])
                self.stats.latencies_s.append(parts[3])
        self._pending = keep
        return {
            k: Delivery(*(np.concatenate([p[i] for p in v]) for i in range(4)))
            for k, v in out.items()
        }
