"""Route paths for lane-following actors, stored so that many are queried at once.

A :class:`Path` is a polyline along a sequence of lanes, labelled at every
sample with the lane it lies on and the lane-frame ``s`` there. A
:class:`PathBank` concatenates the paths of many actors into flat arrays, so
that looking up or projecting onto every actor's own path is one
``np.searchsorted`` over all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from gauntlet.agents.kernels import project_on_paths
from gauntlet.maps.network import LaneKey, RoadNetwork

#: Spacing of path samples, m. Paths are sampled uniformly so lookups need no search.
PATH_DS = 1.0


@dataclass(frozen=True)
class Path:
    """A polyline along lanes; ``s`` starts at 0 and increases along the path.

    Attributes:
        s, x, y, heading: float64 arrays of the same length (>= 2).
        z: road height at each sample (None: flat, all zero).
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
    z: np.ndarray | None = None

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
        self.has_successor = np.array(
            [bool(self.successors(i)) for i in range(len(self.lanes))], dtype=bool
        )

    def _idx(self, key: LaneKey | None) -> int:
        return self.index.get(key, -1) if key is not None else -1

    def successors(self, lane: int) -> list[int]:
        return [self.index[k] for k in self.lanes[lane].successors if k in self.index]

    def __len__(self) -> int:
        return len(self.keys)


Chooser = Callable[[int, list[int]], int]


def straightest(table: LaneTable) -> Chooser:
    """A successor chooser that keeps the overall heading change smallest (deterministic)."""

    def choose(current: int, options: list[int]) -> int:
        # Compare where each successor *ends* up heading: junction connectors all
        # start tangent to the approach, so their start headings look alike.
        end_heading = table.lanes[current].centerline.heading[-1]
        turns = [
            abs(np.angle(np.exp(1j * (table.lanes[o].centerline.heading[-1] - end_heading))))
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
    seg_z: list[np.ndarray] = []
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
        if not queue:
            # Only as much of this lane as the horizon still needs.
            s_to = min(lane_len, s_from + max(behind + horizon_m - travelled, 1.0))
        if lateral_next:
            switch_at = (start_s if not order else s_from) + 5.0
            s_to = min(lane_len, max(s_from + 1.0, switch_at))
        # Only the window [s_from, s_to] of the centre line (lanes can be many km long).
        i0 = max(int(np.searchsorted(cl.s, s_from, side="left")) - 1, 0)
        i1 = min(int(np.searchsorted(cl.s, s_to, side="right")) + 1, len(cl.s))
        ws, wx, wy = cl.s[i0:i1], cl.x[i0:i1], cl.y[i0:i1]
        inside = ws[(ws > s_from) & (ws < s_to)]
        ss = np.concatenate(([s_from], inside, [s_to])) if s_to > s_from else np.array([s_from])
        order.append(current)
        entry_offsets.append(travelled - s_from)
        seg_x.append(np.interp(ss, ws, wx))
        seg_y.append(np.interp(ss, ws, wy))
        seg_z.append(np.interp(ss, ws, cl.z[i0:i1]))
        seg_lane.append(np.full(len(ss), current, dtype=np.int64))
        seg_ls.append(ss)
        travelled += s_to - s_from
        if lateral_next:
            # Join the neighbour 20 m further on; the straight bridge is the blend.
            current = queue.pop(0)
            s_from = min(table.length[current], s_to + 20.0)
            travelled += 20.0
            continue
        if travelled - behind >= horizon_m - 1e-9 and not queue:
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
    z = np.concatenate(seg_z)
    lane_idx = np.concatenate(seg_lane)
    lane_s = np.concatenate(seg_ls)
    x, y, z, lane_idx, lane_s = _drop_duplicates(x, y, z, lane_idx, lane_s)
    s = np.concatenate(([0.0], np.cumsum(np.hypot(np.diff(x), np.diff(y)))))
    path = _resample(s, x, y, lane_idx, lane_s, tuple(order), tuple(entry_offsets), complete)
    if np.any(z != 0.0):
        path = replace(path, z=np.interp(path.s, s, z))
    return path


def _resample(
    s: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    lane: np.ndarray,
    lane_s: np.ndarray,
    order: tuple[int, ...],
    entry: tuple[float, ...],
    complete: bool,
) -> Path:
    """Resample a polyline on the uniform grid ``s = k * PATH_DS`` (plus its end point)."""
    length = float(s[-1])
    su = np.arange(0.0, length, PATH_DS)
    su = np.append(su, length) if length - su[-1] > 1e-9 else su
    if len(su) < 2:
        su = np.array([0.0, max(length, 1e-3)])
    xu = np.interp(su, s, x)
    yu = np.interp(su, s, y)
    seg = np.clip(np.searchsorted(s, su, side="right") - 1, 0, len(s) - 1)
    return Path(
        su,
        xu,
        yu,
        _polyline_heading(xu, yu),
        lane[seg],
        lane_s[seg] + (su - s[seg]),
        order,
        entry,
        complete,
    )


def _drop_duplicates(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    x, y = arrays[0], arrays[1]
    keep = np.ones(len(x), dtype=bool)
    keep[1:] = np.hypot(np.diff(x), np.diff(y)) > 1e-6
    return tuple(a[keep] for a in arrays)


def _polyline_heading(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    seg = np.arctan2(np.diff(y), np.diff(x))
    return np.concatenate((seg, seg[-1:]))


class PathBank:
    """The paths of many actors (slots) in flat arrays for vectorised queries.

    Each slot owns one row of ``capacity`` samples. Paths are sampled every
    :data:`PATH_DS` metres (their last segment may be shorter), so the sample
    index of a path ``s`` is arithmetic: no search, whatever the number of
    slots. Replacing a slot's path rewrites only its row.
    """

    def __init__(self, paths: Sequence[Path], n_lanes: int) -> None:
        self.paths = list(paths)
        self.n_lanes = max(n_lanes, 1)
        self._allocate(len(self.paths), max((len(p.s) for p in self.paths), default=2))
        for slot, p in enumerate(self.paths):
            self.set(slot, p)

    def _allocate(self, n: int, capacity: int) -> None:
        self.capacity = capacity
        self.s2 = np.zeros((n, capacity))
        self.x2 = np.zeros((n, capacity))
        self.y2 = np.zeros((n, capacity))
        self.heading2 = np.zeros((n, capacity))
        self.lane2 = np.zeros((n, capacity), dtype=np.int64)
        self.lane_s2 = np.zeros((n, capacity))
        self.z2 = np.zeros((n, capacity))
        self.z = self.z2.ravel()
        self.s, self.x, self.y = self.s2.ravel(), self.x2.ravel(), self.y2.ravel()
        self.heading, self.lane, self.lane_s = (
            self.heading2.ravel(),
            self.lane2.ravel(),
            self.lane_s2.ravel(),
        )
        self.length = np.zeros(n)
        self.first = np.arange(n, dtype=np.int64) * capacity
        self.last_segment = np.zeros(n, dtype=np.int64)
        self.complete = np.zeros(n, dtype=bool)
        self.has_height = np.zeros(n, dtype=bool)
        self.entry = np.full((n, self.n_lanes), np.inf)

    def set(self, slot: int, path: Path) -> None:
        """Replace the path of ``slot``."""
        m = len(path.s)
        self.paths[slot] = path
        if m > self.capacity:
            paths = self.paths
            self._allocate(len(paths), max(m, 2 * self.capacity))
            for k, p in enumerate(paths):
                self.set(k, p)
            return
        for dst, src in (
            (self.s2, path.s),
            (self.x2, path.x),
            (self.y2, path.y),
            (self.heading2, path.heading),
            (self.lane2, path.lane),
            (self.lane_s2, path.lane_s),
        ):
            dst[slot, :m] = src
            dst[slot, m:] = src[-1]
        z = path.z if path.z is not None else np.zeros(m)
        self.has_height[slot] = path.z is not None
        self.z2[slot, :m] = z
        self.z2[slot, m:] = z[-1]
        self.length[slot] = path.length
        self.last_segment[slot] = m - 2
        self.complete[slot] = path.complete
        self.entry[slot] = np.inf
        for lane, off in zip(path.lanes[::-1], path.lane_entry_s[::-1], strict=True):
            self.entry[slot, lane] = off

    def segment(self, slots: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Flat sample index ``i`` and fraction in ``[0, 1]`` of path ``s`` on each slot's path."""
        k = np.minimum(
            (np.maximum(s, 0.0) * (1.0 / PATH_DS)).astype(np.int64), self.last_segment[slots]
        )
        i = self.first[slots] + k
        s0 = self.s[i]
        frac = np.clip((s - s0) / (self.s[i + 1] - s0), 0.0, 1.0)
        return i, frac

    def sample(self, slots: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """World ``x, y, heading`` at path ``s`` (extrapolated straight past the end)."""
        i, frac = self.segment(slots, s)
        x0, y0 = self.x[i], self.y[i]
        x = x0 + (self.x[i + 1] - x0) * frac
        y = y0 + (self.y[i + 1] - y0) * frac
        h = self.heading[i]
        over = s - self.length[slots]
        if (over > 0).any():
            o = np.maximum(over, 0.0)
            x = x + o * np.cos(h)
            y = y + o * np.sin(h)
        return x, y, h

    def project(
        self, slots: np.ndarray, s_guess: np.ndarray, x: np.ndarray, y: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Path ``s``, signed lateral offset (left positive) and sample index of points.

        ``s_guess`` should be near the answer (the previous step's ``s``
        advanced by the distance driven): the search walks from there to the
        segment that holds the foot point.
        """
        return project_on_paths(
            self.first,
            self.last_segment,
            PATH_DS,
            self.s,
            self.x,
            self.y,
            self.heading,
            np.asarray(slots, dtype=np.int64),
            np.asarray(s_guess, dtype=np.float64),
            np.asarray(x, dtype=np.float64),
            np.asarray(y, dtype=np.float64),
        )
