"""``gauntlet bench swarm``: heterogeneous swarms with the network model and CBBA running.

Two swarms, 100 and 1,000 nodes (70 % drones, 20 % USVs, 10 % amphibious
drones), spread at the same density (about 30 radio neighbours per node:
path-loss exponent 3, range 215 m) over a square sea area split into search
sectors (one per two nodes) with relay stations, in current, gusts and
waves, tick 50 ms. For each:

* ``sim_s_per_wall_s`` / ``sim_s_per_cpu_s``: simulated seconds per wall
  (CPU) second over the whole mission loop: beacons, links, packet delivery,
  CBBA, control, dynamics and the observer;
* ``cbba_allocation_s``: simulated time until every node agrees on the
  allocation and executes it; ``cbba_messages``: CBBA packets sent (one per
  neighbour reached) until then;
* the Hungarian baseline on the same start: its optimal total score, the
  score of CBBA's first-slot assignment against it, its solve time, and
  the messages a central coordinator needs (every node's state routed to the
  base and an assignment routed back, counted per hop on the discovered topology).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from gauntlet.scenarios.swarm import (
    Environment,
    NetworkSpec,
    NodeGroup,
    RelayTasks,
    SearchTasks,
    SwarmScenario,
)
from gauntlet.swarm.hungarian import hungarian_assignment, score_matrix
from gauntlet.swarm.mission import SwarmMission
from gauntlet.swarm.world import ROLE_AGENT

DT_S = 0.05
#: Nodes per square metre: 100 nodes on 700 m x 700 m.
DENSITY_PER_M2 = 100 / 700.0**2


def bench_scenario(nodes: int, duration_s: float) -> SwarmScenario:
    """The benchmark swarm of ``nodes`` nodes (see the module docstring)."""
    side = float(np.sqrt(nodes / DENSITY_PER_M2))
    half = side / 2
    n_drone, n_usv = int(0.7 * nodes), int(0.2 * nodes)
    n_amph = nodes - n_drone - n_usv
    sectors = int(np.ceil(np.sqrt(nodes / 2)))
    return SwarmScenario(
        name=f"bench_{nodes}",
        dt_s=DT_S,
        duration_s=duration_s,
        bundle_size=2,
        fleet=(
            NodeGroup(
                kind="drone", count=n_drone, center_m=(0.0, 0.0), spread_m=half, altitude_m=25.0
            ),
            NodeGroup(kind="usv", count=n_usv, center_m=(0.0, 0.0), spread_m=half),
            NodeGroup(
                kind="amphibious", count=n_amph, center_m=(0.0, 0.0), spread_m=half, altitude_m=0.0
            ),
        ),
        network=NetworkSpec(path_loss_exponent=3.0),
        environment=Environment(
            current_mps=(0.2, 0.1), wind_mps=(5.0, 0.0), gust_mps=1.0, wave_hs_m=0.5, wave_tp_s=5.0
        ),
        tasks=(
            SearchTasks(
                area_m=(-half, -half, half, half), sectors=(sectors, sectors), sensor_radius_m=20.0
            ),
            RelayTasks(stations_m=((0.0, 0.0), (half / 2, 0.0), (-half / 2, 0.0)), altitude_m=30.0),
        ),
    )


def _hungarian(mission: SwarmMission) -> dict[str, float]:
    w, board = mission.world, mission.tasking.board
    agents = np.flatnonzero(w.role == ROLE_AGENT)
    capable = mission.stack.capable[agents]
    scores = score_matrix(
        w.position_m[agents, :2],
        np.maximum(w.max_speed_mps[agents], 0.1),
        capable,
        board.xy,
        board.value,
    )
    t0 = time.perf_counter()
    _, best = hungarian_assignment(scores)
    solve = time.perf_counter() - t0
    # Central coordination: each node's state to the base and its assignment back, per hop.
    hops = _hops_to_base(mission)
    reachable = hops[agents] >= 0
    first = mission.stack.task[agents]
    cbba_score = float(sum(scores[k, j] for k, j in enumerate(first) if j >= 0))
    return {
        "hungarian_score": best,
        "cbba_first_slot_score": cbba_score,
        "cbba_score_ratio": cbba_score / best if best > 0 else 1.0,
        "hungarian_solve_s": solve,
        "hungarian_messages": float(2 * hops[agents][reachable].sum()),
        "hungarian_unreachable_nodes": float(np.sum(~reachable)),
    }


def _hops_to_base(mission: SwarmMission) -> np.ndarray:
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import shortest_path

    net = mission.world.network
    table = net.neighbours(mission.world.time_s)
    dist = shortest_path(csr_matrix(table & table.T), unweighted=True, indices=0, directed=False)
    return np.where(np.isfinite(dist), dist, -1).astype(np.int64)


def run_case(nodes: int, sim_s: float) -> dict[str, float]:
    """Run one swarm: allocation phase measured, then the rate over ``sim_s`` simulated seconds."""
    mission = SwarmMission(bench_scenario(nodes, 3600.0), seed=1)
    alloc_s = -1.0
    # Allocation phase: CBBA from scratch at the start of the mission.
    while mission.world.time_s < 10.0:
        mission.step()
        if mission.record.allocations:
            alloc_s = mission.record.allocations[0][1]
            break
    alloc_msgs = float(mission.world.network.stats.sent_by_kind.get("cbba", 0))
    base = _hungarian(mission)
    steps = int(round(sim_s / DT_S))
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        mission.step()
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return {
        "nodes": float(nodes),
        "tasks": float(mission.tasking.board.count),
        "sim_s_per_wall_s": steps * DT_S / wall,
        "sim_s_per_cpu_s": steps * DT_S / cpu,
        "cbba_allocation_s": alloc_s,
        "cbba_messages": alloc_msgs,
        **base,
        "messages_per_sim_s": mission.world.network.stats.sent / mission.world.time_s,
    }


def bench_swarm(quick: bool = False) -> dict[str, Any]:
    """Both swarms; ``quick`` simulates fewer seconds."""
    out: dict[str, Any] = {"dt_s": DT_S}
    for nodes, sim_s in ((100, 5.0 if quick else 20.0), (1000, 1.0 if quick else 5.0)):
        case = run_case(nodes, sim_s)
        for key, value in case.items():
            out[f"{key}_{nodes}"] = value
    out["target_real_time_100"] = 10.0
    out["target_real_time_1000"] = 1.0
    return out
