"""Mission decomposition: a scenario's task generators become the task board every node holds."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gauntlet.scenarios.swarm import (
    DeliverTasks,
    EscortTasks,
    RelayTasks,
    SearchTasks,
    SwarmScenario,
    TrackTasks,
)
from gauntlet.swarm.paths import PathReference
from gauntlet.swarm.tasks import TaskBoard, task_board

#: Search rows are this fraction of the footprint diameter apart (overlap for drift).
ROW_SPACING = 0.8


@dataclass
class Tasking:
    """The tasking order: board, moving references, sweep plans and per-task parameters.

    Attributes:
        board: The tasks.
        refs: Moving references; ``board.ref`` indexes this list.
        sweeps: Per task, the lawnmower waypoints ``(k, 2)`` of a search sector (else ``None``).
        radius_m: Per task, the track distance or the search footprint radius, m.
        hold_s: Per task, how long a target must be tracked, s.
        search_areas: ``(q, 4)`` search rectangles, m.
        sensor_radius_m: Footprint radius of each search area, m.
        convoy: Index of the convoy reference in ``refs`` (-1: none).
    """

    board: TaskBoard
    refs: list[PathReference]
    sweeps: list[np.ndarray | None]
    radius_m: np.ndarray
    hold_s: np.ndarray
    search_areas: np.ndarray
    sensor_radius_m: np.ndarray
    convoy: int
    convoy_spacing_m: float

    def update(self, time_s: float) -> np.ndarray:
        """Move the board's references to ``time_s``; returns the reference velocities ``(m, 2)``."""
        b = self.board
        vel = np.zeros((b.count, 2))
        for k, ref in enumerate(self.refs):
            pos, v = ref.state(time_s)
            rows = b.ref == k
            b.xy[rows] = pos + b.offset[rows]
            vel[rows] = v
        return vel


def lawnmower(x0: float, y0: float, x1: float, y1: float, radius_m: float) -> np.ndarray:
    """Boustrophedon waypoints covering the rectangle with a footprint of ``radius_m``."""
    spacing = 2.0 * radius_m * ROW_SPACING
    rows = max(1, int(np.ceil((y1 - y0) / spacing)))
    ys = np.linspace(y0 + min(radius_m, (y1 - y0) / 2), y1 - min(radius_m, (y1 - y0) / 2), rows)
    inset = min(0.5 * radius_m, (x1 - x0) / 2)
    pts = []
    for r, y in enumerate(ys):
        xs = (x0 + inset, x1 - inset) if r % 2 == 0 else (x1 - inset, x0 + inset)
        pts += [(xs[0], y), (xs[1], y)]
    return np.array(pts)


def decompose(scenario: SwarmScenario) -> Tasking:
    """The task board of ``scenario``."""
    rows: list[dict] = []
    refs: list[PathReference] = []
    sweeps: list[np.ndarray | None] = []
    radius: list[float] = []
    hold: list[float] = []
    areas, sensors = [], []
    convoy = -1
    if len(scenario.convoy.path_m) >= 2:
        convoy = len(refs)
        refs.append(PathReference(np.array(scenario.convoy.path_m), scenario.convoy.speed_mps))
    for spec in scenario.tasks:
        if isinstance(spec, SearchTasks):
            x0, y0, x1, y1 = spec.area_m
            nx, ny = spec.sectors
            areas.append(spec.area_m)
            sensors.append(spec.sensor_radius_m)
            for a in range(nx):
                for b in range(ny):
                    sx0, sx1 = x0 + (x1 - x0) * a / nx, x0 + (x1 - x0) * (a + 1) / nx
                    sy0, sy1 = y0 + (y1 - y0) * b / ny, y0 + (y1 - y0) * (b + 1) / ny
                    rows.append({"type": "search", "xy": ((sx0 + sx1) / 2, (sy0 + sy1) / 2),
                                 "size": (sx1 - sx0, sy1 - sy0), "value": spec.value,
                                 "altitude_m": spec.altitude_m})  # fmt: skip
                    sweeps.append(lawnmower(sx0, sy0, sx1, sy1, spec.sensor_radius_m))
                    radius.append(spec.sensor_radius_m)
                    hold.append(0.0)
        elif isinstance(spec, TrackTasks):
            refs.append(PathReference(np.array(spec.path_m), spec.speed_mps))
            rows.append({"type": "track", "xy": spec.path_m[0], "value": spec.value, "ref": len(refs) - 1,
                         "altitude_m": 25.0})  # fmt: skip
            sweeps.append(None)
            radius.append(spec.radius_m)
            hold.append(spec.hold_s)
        elif isinstance(spec, RelayTasks):
            for st in spec.stations_m:
                rows.append(
                    {"type": "relay", "xy": st, "value": spec.value, "altitude_m": spec.altitude_m}
                )
                sweeps.append(None)
                radius.append(0.0)
                hold.append(0.0)
        elif isinstance(spec, EscortTasks):
            for off in spec.offsets_m:
                rows.append({"type": "escort", "xy": scenario.convoy.path_m[0], "value": spec.value,
                             "ref": convoy, "offset": off, "altitude_m": spec.altitude_m})  # fmt: skip
                sweeps.append(None)
                radius.append(0.0)
                hold.append(0.0)
        elif isinstance(spec, DeliverTasks):
            for job in spec.jobs_m:
                rows.append({"type": "deliver", "xy": job[:2], "drop_xy": job[2:], "value": spec.value,
                             "altitude_m": 0.0})  # fmt: skip
                sweeps.append(None)
                radius.append(0.0)
                hold.append(0.0)
    board = task_board(rows)
    tasking = Tasking(
        board=board,
        refs=refs,
        sweeps=sweeps,
        radius_m=np.array(radius, dtype=np.float64),
        hold_s=np.array(hold, dtype=np.float64),
        search_areas=np.array(areas, dtype=np.float64).reshape(-1, 4),
        sensor_radius_m=np.array(sensors, dtype=np.float64),
        convoy=convoy,
        convoy_spacing_m=scenario.convoy.spacing_m,
    )
    tasking.update(0.0)
    return tasking
