"""Route paths for lane-following actors, stored so that many are queried at once.

A :class:`Path` is a polyline along a sequence of lanes, labelled at every
sample with the lane it lies on and the lane-frame ``s`` there. A
:class:`PathBank` concatenates the paths of many actors into flat arrays, so
that looking up or projecting onto every actor's own path is one
``np.searchsorted`` over all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from gauntlet.maps.network import LaneKey, RoadNetwork

#: Gap between consecutive paths in the bank's key space, so no lookup crosses over.
_KEY_GAP = 1.0e4


@dataclass(frozen=True)
class Path:
    """A polyline along lanes; ``s`` starts at 0 and increases along the path.

    Attributes:
        s, x, y, heading: float64 arrays of the same length (>= 2).
        lane: int64 index of the lane each sample lies on (an index into the
            lane table the path was built with).
        lane_s: lane-frame ``s`` of each sample.
        lanes: lane indices in path order; ``lane_entry_s[k]`` is the path
            ``s`` where lane ``lanes[k]``'s own ``s = 0`` would lie.
        complete: True when the path ends at a dead end (it cannot be extended).
    """

    s: np.ndarray
    x: np.ndarray
    y: np.ndarray
    heading: np.ndarray
    lane: np.ndarray
    lane_s: np.ndarray
    lanes: tuple[int, ...]
    lane_entry_s: tuple[float, ...]
    complete: bool

    @property
    def length(self) -> float:
        return float(self.s[-1])


class LaneTable:
    """Stable integer indices for a network's driving lanes, and their polylines."""

    def __init__(self, network: RoadNetwork) -> None:
        self.network = network
        self.keys: list[LaneKey] = sorted(lane.key for lane in network.driving_lanes())
        self.index: dict[LaneKey, int] = {k: i for i, k in enumerate(self.keys)}
        self.lanes = [network.lanes[k] for k in self.keys]
        self.length = np.array([lane.length for lane in self.lanes])
        self.speed_limit = np.array(
            [lane.speed_limit_mps if lane.speed_limit_mps else np.nan for lane in self.lanes]
        )
        self.left = np.array([self._idx(lane.left) for lane in self.lanes], dtype=np.int64)
        self.right = np.array([self._idx(lane.right) for lane in self.lanes], dtype=np.int64)

    def _idx(self, key: LaneKey | None) -> int:
        return self.index.get(key, -1) if key is not None else -1

    def successors(self, lane: int) -> list[int]:
        return [self.index[k] for k in self.lanes[lane].successors if k in self.index]

    def __len__(self) -> int:
        return len(self.keys)


Chooser = Callable[[int, list[int]], int]


def straightest(table: LaneTable) -> Chooser:
    """A successor chooser that keeps the heading change smallest (deterministic)."""

    def choose(current: int, options: list[int]) -> int:
        end_heading = table.lanes[current].centerline.heading[-1]
        turns = [
            abs(np.angle(np.exp(1j * (table.lanes[o].centerline.heading[0] - end_heading))))
            for o in options
        ]
        return options[int(np.argmin(turns))]

    return choose


def build_path(
    table: LaneTable,
    lanes: Sequence[int],
    start_s: float,
    horizon_m: float,
    choose: Chooser,
    behind_m: float = 0.0,
) -> Path:
    """Build a path that starts ``behind_m`` before ``start_s`` on ``lanes[0]``.

    The path runs through ``lanes`` in order (consecutive entries must be
    successors or left/right neighbours) and then on through successors picked
    by ``choose`` until it is ``horizon_m`` long past ``start_s`` or reaches a
    dead end. A change to a neighbouring lane switches over a 20 m blend.
    """
    queue = list(lanes)
    seg_x: list[np.ndarray] = []
    seg_y: list[np.ndarray] = []
    seg_lane: list[np.ndarray] = []
    seg_ls: list[np.ndarray] = []
    order: list[int] = []
    entry_offsets: list[float] = []
    travelled = 0.0
    s_from = max(0.0, start_s - behind_m)
    behind = start_s - s_from
    current = queue.pop(0)
    complete = False
    while True:
        cl = table.lanes[current].centerline
        lane_len = table.length[current]
        nxt = queue[0] if queue else None
        lateral_next = nxt is not None and nxt in (table.left[current], table.right[current])
        s_to = lane_len
        if lateral_next:
            switch_at = (start_s if not order else s_from) + 5.0
            s_to = min(lane_len, max(s_from + 1.0, switch_at))
        mask = (cl.s >= s_from) & (cl.s <= s_to)
        ss = np.concatenate(([s_from], cl.s[mask], [s_to]))
        ss = np.unique(ss)
        xy = np.asarray(table.lanes[current].position(ss, np.zeros_like(ss)))
        order.append(current)
        entry_offsets.append(travelled - s_from)
        seg_x.append(xy[:, 0])
        seg_y.append(xy[:, 1])
        seg_lane.append(np.full(len(ss), current, dtype=np.int64))
        seg_ls.append(ss)
        travelled += s_to - s_from
        if lateral_next:
            # Join the neighbour 20 m further on; the straight bridge is the blend.
            current = queue.pop(0)
            s_from = min(table.length[current], s_to + 20.0)
            travelled += 20.0
            continue
        if travelled - behind >= horizon_m and not queue:
            break
        if queue:
            current = queue.pop(0)
        else:
            options = table.successors(current)
            if not options:
                complete = True
                break
            current = choose(current, options)
        s_from = 0.0
    x = np.concatenate(seg_x)
    y = np.concatenate(seg_y)
    lane_idx = np.concatenate(seg_lane)
    lane_s = np.concatenate(seg_ls)
    x, y, lane_idx, lane_s = _drop_duplicates(x, y, lane_idx, lane_s)
    ds = np.hypot(np.diff(x), np.diff(y))
    s = np.concatenate(([0.0], np.cumsum(ds)))
    heading = _polyline_heading(x, y)
    return Path(s, x, y, heading, lane_idx, lane_s, tuple(order), tuple(entry_offsets), complete)


def _drop_duplicates(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    x, y = arrays[0], arrays[1]
    keep = np.ones(len(x), dtype=bool)
    keep[1:] = np.hypot(np.diff(x), np.diff(y)) > 1e-6
    return tuple(a[keep] for a in arrays)


def _polyline_heading(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    seg = np.arctan2(np.diff(y), np.diff(x))
    return np.concatenate((seg, seg[-1:]))


class PathBank:
    """The paths of many actors (slots) in flat arrays for vectorised queries."""

    def __init__(self, paths: Sequence[Path], n_lanes: int) -> None:
        self.paths = list(paths)
        self.n_lanes = n_lanes
        n = len(self.paths)
        lengths = np.array([p.length for p in self.paths]) if n else np.zeros(0)
        counts = np.array([len(p.s) for p in self.paths], dtype=np.int64) if n else np.zeros(0, np.int64)
        self.length = lengths
        self.key_offset = np.concatenate(([0.0], np.cumsum(lengths + _KEY_GAP)[:-1])) if n else lengths
        self.first = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64) if n else counts
        self.last = self.first + counts - 1
        if n:
            self.key = np.concatenate([p.s + o for p, o in zip(self.paths, self.key_offset, strict=True)])
            self.x = np.concatenate([p.x for p in self.paths])
            self.y = np.concatenate([p.y for p in self.paths])
            self.heading = np.concatenate([p.heading for p in self.paths])
            self.lane = np.concatenate([p.lane for p in self.paths])
            self.lane_s = np.concatenate([p.lane_s for p in self.paths])
        else:
            self.key = self.x = self.y = self.heading = self.lane_s = np.zeros(0)
            self.lane = np.zeros(0, np.int64)
        # entry[slot, lane]: path s at which that lane's s=0 lies (inf where absent).
        self.entry = np.full((n, max(n_lanes, 1)), np.inf)
        for slot, p in enumerate(self.paths):
            for lane, off in zip(p.lanes[::-1], p.lane_entry_s[::-1], strict=True):
                self.entry[slot, lane] = off

    def segment(self, slots: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sample index ``i`` and fraction in ``[0, 1]`` of path ``s`` on each slot's path."""
        key = self.key_offset[slots] + np.clip(s, 0.0, self.length[slots])
        i = np.searchsorted(self.key, key, side="right") - 1
        i = np.clip(i, self.first[slots], self.last[slots] - 1)
        span = self.key[i + 1] - self.key[i]
        frac = np.clip((key - self.key[i]) / span, 0.0, 1.0)
        return i, frac

    def sample(self, slots: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """World ``x, y, heading`` at path ``s`` (extrapolated straight past the end)."""
        i, frac = self.segment(slots, s)
        x = self.x[i] + (self.x[i + 1] - self.x[i]) * frac
        y = self.y[i] + (self.y[i + 1] - self.y[i]) * frac
        h = self.heading[i]
        over = s - self.length[slots]
        if np.any(over > 0):
            o = np.maximum(over, 0.0)
            x = x + o * np.cos(h)
            y = y + o * np.sin(h)
        return x, y, h

    def project(
        self, slots: np.ndarray, s_guess: np.ndarray, x: np.ndarray, y: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Path ``s``, signed lateral offset (left positive) and sample index of points.

        ``s_guess`` must be within a few metres of the answer (the previous
        step's ``s`` advanced by the distance driven); two refinement passes
        then land on the exact foot point of the local segment.
        """
        s = s_guess
        for _ in range(2):
            i, _ = self.segment(slots, s)
            h = self.heading[i]
            c, sn = np.cos(h), np.sin(h)
            dx = x - self.x[i]
            dy = y - self.y[i]
            s = self.key[i] - self.key_offset[slots] + dx * c + dy * sn
        lateral = -dx * sn + dy * c
        return s, lateral, i
