"""Four-way and three-way junctions of straight two-way roads.

Arms point in the compass directions; arm roads run from their far end towards the
junction, so the approach lanes are the right lanes (ids -1 ... -n) and the departure
lanes the left lanes (1 ... n). The junction holds one connecting road per pair of
arms: a line between opposite arms, a quarter circle between neighbouring ones. Each
connecting road carries both directions: its right lanes lead from the first arm of
the pair to the second, its left lanes back. Every approach lane may go straight,
turn left or turn right; lane ``-k`` of an approach continues into lane ``k`` of the
departure arm.

Ids (the same in both layouts):

- arm roads ``"1"`` north, ``"2"`` east, ``"3"`` south, ``"4"`` west;
- the junction ``"100"``;
- connecting roads ``"101"`` north-east, ``"102"`` north-south, ``"103"`` north-west,
  ``"104"`` east-south, ``"105"`` east-west, ``"106"`` south-west (the first arm named
  is at the road's start);
- signals (when ``signalised``) ``"sig_north"``, ``"sig_east"``, ``"sig_south"``,
  ``"sig_west"``: one dynamic signal per approach at the junction entry, controlling
  all approach lanes, with its stop line at the end of each approach lane.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import combinations

from gauntlet.maps._numeric import wrap_angle
from gauntlet.maps.model import Connection, Junction, RoadLink, Signal
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
from gauntlet.maps.procedural.roads import URBAN_SPEED_MPS
from gauntlet.maps.road import Road

ARM_HEADINGS = {"north": math.pi / 2, "east": 0.0, "south": -math.pi / 2, "west": math.pi}
ARM_ROAD_IDS = {"north": "1", "east": "2", "south": "3", "west": "4"}
JUNCTION_ID = "100"
_ARM_ORDER = ("north", "east", "south", "west")
CONNECTING_ROAD_IDS = {
    pair: str(101 + index) for index, pair in enumerate(combinations(_ARM_ORDER, 2))
}
#: OpenDRIVE (German catalogue) type code of a three-light traffic signal.
TRAFFIC_LIGHT_TYPE = "1000001"


def _arm_junction(
    arms: tuple[str, ...],
    *,
    arm_length_m: float,
    lanes_per_direction: int,
    signalised: bool,
    lane_width_m: float,
    speed_limit_mps: float,
    corner_radius_m: float,
    name: str,
) -> RoadNetwork:
    require_positive(
        arm_length_m=arm_length_m,
        lane_width_m=lane_width_m,
        speed_limit_mps=speed_limit_mps,
        corner_radius_m=corner_radius_m,
    )
    require_count("lanes_per_direction", lanes_per_direction, 1)
    n, w = lanes_per_direction, lane_width_m
    half_size = n * w + corner_radius_m
    into_junction = RoadLink("junction", JUNCTION_ID)
    roads = []
    for arm in arms:
        heading = ARM_HEADINGS[arm]
        far = half_size + arm_length_m
        start = Pose(far * math.cos(heading), far * math.sin(heading), heading + math.pi)
        signals = []
        if signalised:
            signals.append(arm_signal(arm, ARM_ROAD_IDS[arm], arm_length_m, n, w))
        roads.append(
            road(
                ARM_ROAD_IDS[arm],
                PlanBuilder(start).line(arm_length_m),
                [section(0.0, carriageway(n, w, +1), carriageway(n, w, -1))],
                name=f"arm_{arm}",
                successor=into_junction,
                speed_limit_mps=speed_limit_mps,
                signals=signals,
            )
        )

    inside, connections = junction_box(
        arms, ARM_ROAD_IDS, CONNECTING_ROAD_IDS, JUNCTION_ID, half_size, n, w, speed_limit_mps
    )
    roads += inside
    return RoadNetwork(roads, [Junction(JUNCTION_ID, connections, name=name)])


def junction_box(
    arms: tuple[str, ...],
    arm_road_ids: Mapping[str, str],
    connecting_road_ids: Mapping[tuple[str, str], str],
    junction_id: str,
    half_size: float,
    lanes: int,
    lane_width_m: float,
    speed_limit_mps: float,
    centre: tuple[float, float] = (0.0, 0.0),
) -> tuple[list[Road], tuple[Connection, ...]]:
    """The connecting roads of a junction box and the junction's connections.

    One two-way connecting road per pair of ``arms`` (in the order of
    :func:`itertools.combinations`): a straight line between opposite arms, a
    quarter circle of radius ``half_size`` between neighbours, with ``lanes``
    lanes each way linked to the arms' end lanes. Each pair gives two connections, numbered
    from ``"0"``: the first arm's approach lane ``-k`` enters the road's lane
    ``-k`` at its start, the second arm's approach lane ``-k`` its lane ``k`` at
    its end.

    Args:
        arms: Compass names of the arms, in order.
        arm_road_ids: Road id of each arm.
        connecting_road_ids: Road id of the connecting road of each pair of arms.
        junction_id: Id of the junction the connecting roads belong to.
        half_size: Distance from ``centre`` to each arm's end, m.
        lanes: Lanes per direction.
        lane_width_m: Lane width, m.
        speed_limit_mps: Speed limit of the connecting roads, m/s.
        centre: World ``(x, y)`` of the junction's centre, m.
    """
    roads = []
    connections: list[Connection] = []
    for first, second in combinations(arms, 2):
        road_id = connecting_road_ids[first, second]
        w = lane_width_m
        right = [lane(-k, w, predecessors=(-k,), successors=(k,)) for k in range(1, lanes + 1)]
        left = [lane(k, w, predecessors=(k,), successors=(-k,)) for k in range(1, lanes + 1)]
        roads.append(
            road(
                road_id,
                _connecting_plan(first, second, half_size, centre),
                [section(0.0, left, right, center_mark="none")],
                name=f"connection_{first}_{second}",
                junction=junction_id,
                predecessor=RoadLink("road", arm_road_ids[first], "end"),
                successor=RoadLink("road", arm_road_ids[second], "end"),
                speed_limit_mps=speed_limit_mps,
            )
        )
        for arm, contact, links in (
            (first, "start", tuple((-k, -k) for k in range(1, lanes + 1))),
            (second, "end", tuple((-k, k) for k in range(1, lanes + 1))),
        ):
            connections.append(
                Connection(str(len(connections)), arm_road_ids[arm], road_id, contact, links)
            )
    return roads, tuple(connections)


def arm_signal(arm: str, road_id: str, s_m: float, lanes: int, lane_width_m: float) -> Signal:
    """The traffic light ``sig_<arm>`` at ``s_m`` on an arm's road, for its ``lanes``
    inbound (right-hand) lanes, 0.5 m beyond their outer edge."""
    return Signal(
        id=f"sig_{arm}",
        road=road_id,
        s=s_m,
        t=-(lanes * lane_width_m + 0.5),
        orientation="+",
        dynamic=True,
        type=TRAFFIC_LIGHT_TYPE,
        subtype="-1",
        name=f"sig_{arm}",
        country="DE",
        z_offset=2.5,
        height=0.9,
        width=0.35,
        validity=((-lanes, -1),),
    )


def _connecting_plan(
    first: str, second: str, half_size: float, centre: tuple[float, float]
) -> PlanBuilder:
    """Plan view of the road from arm ``first`` to arm ``second`` of a four-way box.

    It starts at the first arm's edge of the ``2 half_size`` box around ``centre``
    and is a straight line across, or a circular arc of radius ``half_size`` for a turn.
    """
    a, b = ARM_HEADINGS[first], ARM_HEADINGS[second]
    x, y = centre
    plan = PlanBuilder(Pose(x + half_size * math.cos(a), y + half_size * math.sin(a), a + math.pi))
    turn = float(wrap_angle(b - (a + math.pi)))
    if abs(turn) < 1e-9:
        plan.line(2.0 * half_size)
    else:
        plan.arc(half_size * abs(turn), math.copysign(1.0 / half_size, turn))
    return plan


def x_junction(
    arm_length_m: float = 100.0,
    lanes_per_direction: int = 1,
    signalised: bool = False,
    lane_width_m: float = 3.5,
    speed_limit_mps: float = URBAN_SPEED_MPS,
    corner_radius_m: float = 6.0,
) -> RoadNetwork:
    """A four-way junction centred on the origin (see the module docstring for ids).

    Args:
        arm_length_m: Length of each arm road, m.
        lanes_per_direction: Lanes per direction on each arm.
        signalised: Put one dynamic signal on each approach.
        lane_width_m: Lane width, m.
        speed_limit_mps: Speed limit, m/s.
        corner_radius_m: Kerb radius of the corners, m; the junction area is a square of
            half-size ``lanes_per_direction * lane_width_m + corner_radius_m``.
    """
    return _arm_junction(
        _ARM_ORDER,
        arm_length_m=arm_length_m,
        lanes_per_direction=lanes_per_direction,
        signalised=signalised,
        lane_width_m=lane_width_m,
        speed_limit_mps=speed_limit_mps,
        corner_radius_m=corner_radius_m,
        name="x_junction",
    )


def t_junction(
    arm_length_m: float = 100.0,
    lanes_per_direction: int = 1,
    signalised: bool = False,
    lane_width_m: float = 3.5,
    speed_limit_mps: float = URBAN_SPEED_MPS,
    corner_radius_m: float = 6.0,
) -> RoadNetwork:
    """A three-way junction: the east-west road with the south arm joining it.

    Arguments as for :func:`x_junction`; the arms are ``"2"`` east, ``"3"`` south and
    ``"4"`` west.
    """
    return _arm_junction(
        ("east", "south", "west"),
        arm_length_m=arm_length_m,
        lanes_per_direction=lanes_per_direction,
        signalised=signalised,
        lane_width_m=lane_width_m,
        speed_limit_mps=speed_limit_mps,
        corner_radius_m=corner_radius_m,
        name="t_junction",
    )
