"""Where scenario positions lie in the world: poses, lanes and routes.

:class:`Resolver` turns scenario positions (world, lane, relative to another
entity) into world poses and the driving lane under them; :func:`lanes_along_route`
turns route waypoints into the lanes a driver follows. A position that does
not resolve is a :class:`ScenarioError` naming the file, line and key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gauntlet.agents.paths import LaneTable, straightest
from gauntlet.maps.network import RoadNetwork
from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.errors import ScenarioError, error_at

if TYPE_CHECKING:
    from gauntlet.world.world import World


@dataclass(frozen=True)
class Placement:
    """A resolved start pose, with the lane it lies on (if any)."""

    x: float
    y: float
    heading: float
    lane: int = -1
    lane_s: float = 0.0
    offset: float = 0.0


class Resolver:
    """Resolves scenario positions to world poses and lanes."""

    def __init__(self, scenario: sc.Scenario, network: RoadNetwork, table: LaneTable) -> None:
        self.scenario = scenario
        self.network = network
        self.table = table
        self.placed: dict[str, Placement] = {}
        self.live: World | None = None

    def error(self, path: tuple, message: str) -> ScenarioError:
        return error_at(self.scenario.source, path, message)

    def lane_pose(self, lane: int, lane_s: float, offset: float, dh: float = 0.0) -> Placement:
        ln = self.table.lanes[lane]
        s = float(np.clip(lane_s, 0.0, ln.length))
        xy = np.asarray(ln.position(np.array([s]), np.array([offset]))).reshape(-1, 2)[0]
        h = float(np.asarray(ln.heading_at(np.array([s]))).ravel()[0]) + dh
        return Placement(float(xy[0]), float(xy[1]), h, lane, s, offset)

    def reference(self, name: str, path: tuple) -> Placement:
        if self.live is not None:
            w = self.live
            k = w.actor_id(name)
            slot = w.driver_slot.get(k)
            lane, lane_s = (
                (int(w.drivers.lane[slot]), float(w.drivers.lane_s[slot]))
                if slot is not None
                else (-1, 0.0)
            )
            return Placement(float(w.x[k]), float(w.y[k]), float(w.h[k]), lane, lane_s)
        if name not in self.placed:
            raise self.error(
                path,
                f"entity {name!r} is not placed yet: place it before entities positioned relative to it",
            )
        return self.placed[name]

    def resolve(self, pos: sc.Position, path: tuple = ()) -> Placement:
        path = (*path, pos.KIND)  # the YAML form nests the fields under the kind
        match pos:
            case sc.WorldPosition(x_m=x, y_m=y, heading_rad=h):
                located = self.network.locate(x, y, h)
                if located is not None and located.key in self.table.index:
                    return Placement(x, y, h, self.table.index[located.key], float(located.s))
                return Placement(x, y, h)
            case sc.LanePosition(road=road, lane=lane_id, s_m=s, offset_m=off, heading_rad=dh):
                if road not in self.network.roads:
                    known = ", ".join(sorted(self.network.roads)[:20])
                    raise self.error(
                        (*path, "road"), f"unknown road {road!r}; the map has roads {known}"
                    )
                try:
                    key, lane_s = self.network.lane_at(road, lane_id, s)
                except (KeyError, ValueError) as exc:
                    raise self.error(
                        (*path, "lane"), f"no lane {lane_id} on road {road!r} at s={s}: {exc}"
                    ) from None
                if key not in self.table.index:
                    raise self.error(
                        (*path, "lane"), f"lane {lane_id} of road {road!r} is not a driving lane"
                    )
                return self.lane_pose(self.table.index[key], lane_s, off, dh)
            case sc.RelativeLanePosition(entity=name, ds_m=ds, lanes=n, offset_m=off):
                ref = self.reference(name, (*path, "entity"))
                if ref.lane < 0:
                    raise self.error((*path, "entity"), f"entity {name!r} is not on a driving lane")
                lane = ref.lane
                side = self.table.left if n > 0 else self.table.right
                for _ in range(abs(n)):
                    lane = int(side[lane])
                    if lane < 0:
                        raise self.error(
                            (*path, "lanes"), f"there is no lane {n:+d} from {name!r}'s lane"
                        )
                lane, lane_s = self._advance(lane, ref.lane_s + ds)
                return self.lane_pose(lane, lane_s, off)
            case sc.RelativeWorldPosition(
                entity=name, dx_m=dx, dy_m=dy, dheading_rad=dh, frame=frame
            ):
                ref = self.reference(name, (*path, "entity"))
                if frame == "entity":
                    c, s = np.cos(ref.heading), np.sin(ref.heading)
                    dx, dy = dx * c - dy * s, dx * s + dy * c
                return self.resolve(
                    sc.WorldPosition(ref.x + dx, ref.y + dy, 0.0, ref.heading + dh), path
                )
        raise TypeError(pos)

    def _advance(self, lane: int, lane_s: float) -> tuple[int, float]:
        """Move ``lane_s`` across lane ends along the straightest successors."""
        choose = straightest(self.table)
        while lane_s > self.table.length[lane]:
            nxt = self.table.successors(lane)
            if not nxt:
                return lane, float(self.table.length[lane])
            lane_s -= self.table.length[lane]
            lane = choose(lane, nxt)
        while lane_s < 0:
            prev = [
                self.table.index[k]
                for k in self.table.lanes[lane].predecessors
                if k in self.table.index
            ]
            if not prev:
                return lane, 0.0
            lane = prev[0]
            lane_s += self.table.length[lane]
        return lane, lane_s

    def pose(self, pos: sc.Position) -> tuple[float, float, float]:
        p = self.resolve(pos)
        return p.x, p.y, p.heading


def lanes_along_route(
    resolver: Resolver,
    start: Placement,
    waypoints: tuple[sc.Position, ...],
    path: tuple,
) -> list[int]:
    """Lane indices from the start's lane through every waypoint, along shortest routes.

    ``path`` is the key path of the waypoints, for errors.
    """
    table = resolver.table
    lanes = [start.lane]
    for k, wp in enumerate(waypoints):
        target = resolver.resolve(wp, (*path, k))
        if target.lane < 0:
            raise resolver.error((*path, k), "route waypoint is not on a driving lane")
        try:
            keys = resolver.network.route(table.keys[lanes[-1]], table.keys[target.lane])
        except Exception as exc:  # noqa: BLE001 - routing errors carry their own message
            raise resolver.error((*path, k), str(exc)) from None
        lanes.extend(table.index[key] for key in keys[1:] if key in table.index)
    return lanes
