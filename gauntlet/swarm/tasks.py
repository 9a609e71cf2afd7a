"""Missions as tasks: types, which node kinds can do them, and the task board.

A mission decomposes into tasks of five types, each with a position, a
value and a type requirement (the node kinds that can do it):

* ``search`` (drone, amphibious, usv): done when the node has flown its
  sector's lawnmower sweep;
* ``track`` (drone, amphibious): done when the target was followed within
  ``radius_m`` for ``hold_s`` seconds;
* ``relay`` and ``escort`` (stations; drone and amphibious aloft, usv at
  altitude 0): never done, held to the end of the mission;
* ``deliver`` (agv): done when the load reaches the drop point.

Every node holds the task board (the tasking order issued at the start, and
the positions of moving references such as a convoy or a target, which the
order describes as paths); which node does what is decided over the network.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NODE_KINDS: tuple[str, ...] = ("drone", "usv", "agv", "amphibious")
TASK_TYPES: tuple[str, ...] = ("search", "track", "relay", "escort", "deliver")
#: Indices into :data:`NODE_KINDS`.
DRONE, USV, AGV, AMPHIBIOUS = (NODE_KINDS.index(k) for k in ("drone", "usv", "agv", "amphibious"))
#: Indices into :data:`TASK_TYPES`.
SEARCH, TRACK, RELAY, ESCORT, DELIVER = (
    TASK_TYPES.index(t) for t in ("search", "track", "relay", "escort", "deliver")
)

#: ``CAPABLE[type_index, kind_index]``: whether that node kind can do that task type.
CAPABLE = np.array(
    [
        # drone usv  agv   amphibious
        [True, True, False, True],  # search
        [True, False, False, True],  # track
        [True, True, False, True],  # relay
        [True, True, False, True],  # escort
        [False, False, True, False],  # deliver
    ]
)

#: Task types held to the end of the mission (stations), not finished.
PERSISTENT = np.isin(np.arange(len(TASK_TYPES)), (RELAY, ESCORT))


def aerial(kind: np.ndarray) -> np.ndarray:
    """Which nodes (by kind index into :data:`NODE_KINDS`; -1: the base) fly: drones, amphibious."""
    return (kind == DRONE) | (kind == AMPHIBIOUS)


@dataclass
class TaskBoard:
    """The mission's tasks as arrays (``m`` tasks).

    Attributes:
        type: ``(m,)`` index into :data:`TASK_TYPES`.
        xy: ``(m, 2)`` current reference position, m (search: sector centre).
        size: ``(m, 2)`` search sector width and height, m (0 otherwise).
        value: ``(m,)`` reward of the task.
        drop_xy: ``(m, 2)`` drop point of a delivery, m.
        ref: ``(m,)`` index of the moving reference the task follows (-1: fixed).
        offset: ``(m, 2)`` offset from the moving reference, m.
        altitude_m: ``(m,)`` altitude for aerial nodes, m.
        release_s: ``(m,)`` time the task appears on the board, s.
    """

    type: np.ndarray
    xy: np.ndarray
    size: np.ndarray
    value: np.ndarray
    drop_xy: np.ndarray
    ref: np.ndarray
    offset: np.ndarray
    altitude_m: np.ndarray
    release_s: np.ndarray

    @property
    def count(self) -> int:
        return len(self.type)

    def capable(self, node_kind: np.ndarray) -> np.ndarray:
        """``(n, m)``: which node (by kind index) can do which task.

        Stations (relay, escort) at altitude 0 are surface stations, for
        vessels; stations above it are for aerial nodes.
        """
        table = CAPABLE[self.type][:, node_kind].T.copy()
        flies = aerial(node_kind)
        station = PERSISTENT[self.type]
        surface = station & (self.altitude_m <= 0.0)
        table[:, surface] &= ~flies[:, None]
        table[:, station & ~surface] &= flies[:, None]
        return table


def task_board(rows: list[dict]) -> TaskBoard:
    """A board from task rows (keys: type, xy, and optionally size, value, drop_xy, ref, offset, altitude_m, release_s)."""
    m = len(rows)

    def col(key, default, width=None):
        vals = [r.get(key, default) for r in rows]
        if width:
            return np.array(vals, dtype=np.float64).reshape(m, width)
        return np.array(vals)

    return TaskBoard(
        type=np.array([TASK_TYPES.index(r["type"]) for r in rows], dtype=np.int64),
        xy=col("xy", (0.0, 0.0), 2),
        size=col("size", (0.0, 0.0), 2),
        value=col("value", 1.0).astype(np.float64),
        drop_xy=col("drop_xy", (0.0, 0.0), 2),
        ref=col("ref", -1).astype(np.int64),
        offset=col("offset", (0.0, 0.0), 2),
        altitude_m=col("altitude_m", 20.0).astype(np.float64),
        release_s=col("release_s", 0.0).astype(np.float64),
    )
