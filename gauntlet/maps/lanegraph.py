"""The lane graph and shortest routes over it."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from gauntlet.maps.lanes import Lane
from gauntlet.maps.model import LaneKey

#: Cost of one lane change, in metres of driving.
DEFAULT_LANE_CHANGE_COST_M = 20.0


class RoutingError(ValueError):
    """No route exists between two lanes, or a lane is not routable."""


class LaneGraph:
    """A directed graph over the drivable lanes.

    Edges lead from a lane to each successor (cost: the lane's length) and to its left
    and right neighbours (cost: ``lane_change_cost_m``).

    Args:
        lanes: All lanes of a network; only drivable lanes become nodes.
        lane_change_cost_m: Cost of a lane change, m.
    """

    def __init__(
        self,
        lanes: Mapping[LaneKey, Lane],
        lane_change_cost_m: float = DEFAULT_LANE_CHANGE_COST_M,
    ) -> None:
        self.keys: tuple[LaneKey, ...] = tuple(
            sorted(k for k, lane in lanes.items() if lane.is_drivable)
        )
        self.index: dict[LaneKey, int] = {key: i for i, key in enumerate(self.keys)}
        costs: dict[tuple[int, int], float] = {}

        def add(u: int, v: int, cost: float) -> None:
            # zero-cost entries would vanish from a sparse matrix; keep them positive
            cost = max(cost, 1e-9)
            costs[u, v] = min(cost, costs.get((u, v), np.inf))

        for key in self.keys:
            lane = lanes[key]
            u = self.index[key]
            for succ in lane.successors:
                if succ in self.index:
                    add(u, self.index[succ], lane.length)
            for side in (lane.left, lane.right):
                if side is not None and side in self.index:
                    add(u, self.index[side], lane_change_cost_m)
        n = len(self.keys)
        if costs:
            rows, cols = zip(*costs, strict=True)
            data = np.fromiter(costs.values(), dtype=float, count=len(costs))
            self.matrix = csr_array((data, (rows, cols)), shape=(n, n))
        else:
            self.matrix = csr_array((n, n))

    def _node(self, key: LaneKey, role: str) -> int:
        try:
            return self.index[key]
        except KeyError:
            raise RoutingError(
                f"{role} lane {key} is not a drivable lane of this network"
            ) from None

    def route(self, start: LaneKey, goal: LaneKey) -> list[LaneKey]:
        """The cheapest lane sequence from ``start`` to ``goal`` (both included).

        Consecutive lanes are successors or, for a lane change, neighbours.

        Raises:
            RoutingError: If either lane is not routable or ``goal`` is unreachable.
        """
        u, v = self._node(start, "start"), self._node(goal, "goal")
        if u == v:
            return [start]
        dist, pred = dijkstra(self.matrix, directed=True, indices=u, return_predecessors=True)
        if not np.isfinite(dist[v]):
            raise RoutingError(f"no route from lane {start} to lane {goal}")
        path = [v]
        while path[-1] != u:
            path.append(int(pred[path[-1]]))
        return [self.keys[i] for i in reversed(path)]

    def route_length(self, route: list[LaneKey]) -> float:
        """Total edge cost of a route returned by :meth:`route`, m."""
        return float(
            sum(
                self.matrix[self.index[a], self.index[b]]
                for a, b in zip(route, route[1:], strict=False)
            )
        )
