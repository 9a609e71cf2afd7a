"""Road networks: OpenDRIVE reading and writing, procedural roads, lane queries, routes.

The simulator core works in lane frames (:class:`Lane`): ``s`` along a lane in its
driving direction, ``t`` to the driver's left. :class:`RoadNetwork` holds the roads,
junctions, signals and lanes and answers network-level queries (``locate``,
``on_drivable``, ``route``).
"""

from __future__ import annotations

from gauntlet.maps.geometry import Arc, Geometry, Line, ParamPoly3, PlanView, Poly3, Spiral
from gauntlet.maps.lanegraph import LaneGraph, RoutingError
from gauntlet.maps.lanes import Lane, LanePosition, Polyline
from gauntlet.maps.model import (
    DRIVABLE_LANE_TYPES,
    Connection,
    CubicRecord,
    Header,
    Junction,
    LaneDef,
    LaneKey,
    LaneSection,
    LaneSpeed,
    RoadLink,
    RoadMark,
    RoadType,
    Signal,
)
from gauntlet.maps.network import RoadNetwork
from gauntlet.maps.opendrive import OpenDriveDocument, OpenDriveError, read_opendrive
from gauntlet.maps.opendrive_writer import write_opendrive, write_opendrive_string
from gauntlet.maps.road import Road

__all__ = [
    "DRIVABLE_LANE_TYPES",
    "Arc",
    "Connection",
    "CubicRecord",
    "Geometry",
    "Header",
    "Junction",
    "Lane",
    "LaneDef",
    "LaneGraph",
    "LaneKey",
    "LanePosition",
    "LaneSection",
    "LaneSpeed",
    "Line",
    "OpenDriveDocument",
    "OpenDriveError",
    "ParamPoly3",
    "PlanView",
    "Poly3",
    "Polyline",
    "Road",
    "RoadLink",
    "RoadMark",
    "RoadNetwork",
    "RoadType",
    "RoutingError",
    "Signal",
    "Spiral",
    "read_opendrive",
    "write_opendrive",
    "write_opendrive_string",
]
