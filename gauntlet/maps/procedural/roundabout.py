"""A single-ring roundabout with two-way arms.

The ring is one-way, counter-clockwise (right-hand traffic): its reference line is the
circle of ``radius_m`` (the edge of the central island) and its lanes (ids -1 ... -n)
lie outside it. Arm ``k`` (k = 1 ... arms) meets the ring at angle
``-pi/2 + 2 pi (k - 1) / arms`` (arm 1 south, then counter-clockwise). Where an arm
meets the ring, a junction holds three connecting roads: the entry (a right-turning
arc from the arm's approach lanes onto the ring), the exit (a right-turning arc from
the ring into the arm's departure lanes) and the ring's own continuation. Entry and
exit arcs are tangent to both the arm and the ring.

Ids: arm roads ``"1"`` ... ``"N"``; ring road ``"2k"`` runs from junction k to junction
k+1 (``"21"``, ``"22"``, ...); junction k is ``"10k"``; its connecting roads are
``"10k1"`` (entry), ``"10k2"`` (exit) and ``"10k3"`` (ring).
"""

from __future__ import annotations

import math

from gauntlet.maps.model import Connection, Junction, RoadLink
from gauntlet.maps.network import RoadNetwork
from gauntlet.maps.procedural._build import (
    PlanBuilder,
    Pose,
    carriageway,
    lane,
    require_count,
    require_positive,
    road,
    section,
)

#: 30 km/h.
ROUNDABOUT_SPEED_MPS = 30.0 / 3.6
MAX_ARMS = 8


def _entry_geometry(radius: float, lanes_width: float, sector: float) -> tuple[float, float]:
    """Half-angle of a junction on the ring and radius of its entry/exit arcs.

    An arc of radius ``r`` tangent to the arm's centre line and to the ring at angle
    ``beta`` from the arm satisfies ``r = R sin(beta) / (1 - sin(beta))``. The smallest
    beta (from a quarter of the arms' spacing) that keeps the arc's inner lanes clear of
    its centre wins.
    """
    needed = 1.5 * lanes_width + 2.0
    for fraction in [0.25 + 0.01 * i for i in range(18)]:
        beta = fraction * sector
        arc_radius = radius * math.sin(beta) / (1.0 - math.sin(beta))
        if arc_radius >= needed:
            return beta, arc_radius
    raise ValueError(
        f"radius_m={radius} is too small for lanes {lanes_width} m wide in total: "
        "entry arcs would fold over"
    )


def roundabout(
    radius_m: float = 20.0,
    arms: int = 4,
    arm_length_m: float = 80.0,
    lanes: int = 1,
    lane_width_m: float = 3.5,
    speed_limit_mps: float = ROUNDABOUT_SPEED_MPS,
) -> RoadNetwork:
    """A roundabout centred on the origin (see the module docstring for the layout).

    Args:
        radius_m: Radius of the central island (the ring's reference line), m.
        arms: Number of arms, 3 to 8, evenly spaced.
        arm_length_m: Length of each arm road, m.
        lanes: Lanes on the ring and per direction on each arm.
        lane_width_m: Lane width, m.
        speed_limit_mps: Speed limit, m/s.

    Raises:
        ValueError: If a parameter is out of range or the island is too small for the lanes.
    """
    require_positive(
        radius_m=radius_m,
        arm_length_m=arm_length_m,
        lane_width_m=lane_width_m,
        speed_limit_mps=speed_limit_mps,
    )
    require_count("arms", arms, 3)
    require_count("lanes", lanes, 1)
    if arms > MAX_ARMS:
        raise ValueError(f"arms must be <= {MAX_ARMS}, got {arms}")
    n, w, big_r = lanes, lane_width_m, radius_m
    sector = 2.0 * math.pi / arms
    beta, r = _entry_geometry(big_r, n * w, sector)
    reach = (big_r + r) * math.cos(beta)  # distance of the arm ends from the centre
    if reach * math.sin(0.5 * sector) < n * w + 1.0:
        raise ValueError(
            f"{arms} arms of {n} lanes per direction do not fit around radius {radius_m} m"
        )
    turn = 0.5 * math.pi - beta

    roads = []
    connections_of: dict[int, list[Connection]] = {}
    for k in range(1, arms + 1):
        phi = -0.5 * math.pi + (k - 1) * sector
        rotate = phi + 0.5 * math.pi  # the layout is built for the south arm, then rotated
        previous = arms if k == 1 else k - 1
        junction_id, ring_in, ring_out = f"10{k}", f"2{previous}", f"2{k}"
        entry_id, exit_id, through_id = f"10{k}1", f"10{k}2", f"10{k}3"

        arm_start = Pose(0.0, -(reach + arm_length_m), 0.5 * math.pi).rotated(rotate)
        roads.append(
            road(
                str(k),
                PlanBuilder(arm_start).line(arm_length_m),
                [section(0.0, carriageway(n, w, +1), carriageway(n, w, -1))],
                name=f"arm_{k}",
                successor=RoadLink("junction", junction_id),
                speed_limit_mps=speed_limit_mps,
            )
        )
        entry_start = Pose(0.0, -reach, 0.5 * math.pi).rotated(rotate)
        exit_start = Pose(-big_r * math.sin(beta), -big_r * math.cos(beta), -beta).rotated(rotate)
        through_start = exit_start
        on_ring = [lane(-j, w, predecessors=(-j,), successors=(-j,)) for j in range(1, n + 1)]
        to_arm = [lane(-j, w, predecessors=(-j,), successors=(j,)) for j in range(1, n + 1)]
        roads.append(
            road(
                entry_id,
                PlanBuilder(entry_start).arc(r * turn, -1.0 / r),
                [section(0.0, [], on_ring, center_mark="none")],
                name=f"entry_{k}",
                predecessor=RoadLink("road", str(k), "end"),
                successor=RoadLink("road", ring_out, "start"),
                junction=junction_id,
                speed_limit_mps=speed_limit_mps,
            )
        )
        roads.append(
            road(
                exit_id,
                PlanBuilder(exit_start).arc(r * turn, -1.0 / r),
                [section(0.0, [], to_arm, center_mark="none")],
                name=f"exit_{k}",
                predecessor=RoadLink("road", ring_in, "end"),
                successor=RoadLink("road", str(k), "end"),
                junction=junction_id,
                speed_limit_mps=speed_limit_mps,
            )
        )
        roads.append(
            road(
                through_id,
                PlanBuilder(through_start).arc(2.0 * beta * big_r, 1.0 / big_r),
                [section(0.0, [], on_ring, center_mark="solid")],
                name=f"ring_junction_{k}",
                predecessor=RoadLink("road", ring_in, "end"),
                successor=RoadLink("road", ring_out, "start"),
                junction=junction_id,
                speed_limit_mps=speed_limit_mps,
            )
        )
        ring_start = Pose(big_r * math.sin(beta), -big_r * math.cos(beta), beta).rotated(rotate)
        nxt = 1 if k == arms else k + 1
        roads.append(
            road(
                ring_out,
                PlanBuilder(ring_start).arc(big_r * (sector - 2.0 * beta), 1.0 / big_r),
                [section(0.0, [], carriageway(n, w, -1), center_mark="solid")],
                name=f"ring_{k}_{nxt}",
                predecessor=RoadLink("junction", junction_id),
                successor=RoadLink("junction", f"10{nxt}"),
                speed_limit_mps=speed_limit_mps,
            )
        )
        same = tuple((-j, -j) for j in range(1, n + 1))
        connections_of[k] = [
            Connection("0", str(k), entry_id, "start", same),
            Connection("1", ring_in, through_id, "start", same),
            Connection("2", ring_in, exit_id, "start", same),
        ]
    junctions = [
        Junction(f"10{k}", tuple(connections_of[k]), name=f"roundabout_arm_{k}")
        for k in range(1, arms + 1)
    ]
    return RoadNetwork(roads, junctions)
