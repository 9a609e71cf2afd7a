"""What ``world.get_map()`` needs: the map's name, its OpenDRIVE text and spawn points.

The client builds its ``carla.Map`` (waypoints, topology, lane queries)
from the OpenDRIVE text the server sends, which Gauntlet writes from its own
road model (:mod:`gauntlet.maps.opendrive_writer`), so both sides see the
same roads. Recommended spawn points are not part of OpenDRIVE: they are
chosen here, on the centre lines of driving lanes outside junctions, facing
the driving direction, 0.5 m above the road as CARLA's are.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from gauntlet.bridges.carla.coords import CarlaTransform, WorldPose, pose_to_carla
from gauntlet.maps.network import RoadNetwork
from gauntlet.scenarios import schema as sc

#: Distance between spawn points along a lane, and kept clear of both lane ends, m.
SPAWN_SPACING_M = 25.0
SPAWN_MARGIN_M = 5.0
SPAWN_HEIGHT_M = 0.5


def map_name(source: sc.MapSource) -> str:
    """The name the client reports for the map (``Carla/Maps/<name>`` style)."""
    if isinstance(source, sc.OpenDriveMap):
        return f"Gauntlet/Maps/{Path(source.file).stem}"
    return f"Gauntlet/Maps/{source.generator}"


def opendrive_for_client(network: RoadNetwork) -> str:
    """The network as OpenDRIVE text, with a geo-reference (the client warns without one)."""
    root = ET.fromstring(network.to_opendrive_string())
    header = root.find("header")
    if header is None:
        header = ET.Element("header", {"revMajor": "1", "revMinor": "8"})
        root.insert(0, header)
    if header.find("geoReference") is None:
        ET.SubElement(header, "geoReference").text = "+lat_0=0.0 +lon_0=0.0"
    return ET.tostring(root, encoding="unicode")


def spawn_points(network: RoadNetwork) -> list[CarlaTransform]:
    """Spawn points on every driving lane outside junctions, in lane-key order."""
    points: list[CarlaTransform] = []
    for lane in network.driving_lanes():
        road = network.roads.get(lane.key.road)
        if road is not None and road.junction is not None:
            continue
        usable = lane.length - 2.0 * SPAWN_MARGIN_M
        if usable < 0.0:
            continue
        s = SPAWN_MARGIN_M + np.arange(0.0, usable + 1e-9, SPAWN_SPACING_M)
        xy = np.asarray(lane.position(s)).reshape(-1, 2)
        heading = np.asarray(lane.heading_at(s)).reshape(-1)
        z = np.asarray(lane.elevation_at(s)).reshape(-1)
        for (x, y), h, height in zip(xy, heading, z, strict=True):
            pose = WorldPose(float(x), float(y), float(height) + SPAWN_HEIGHT_M, float(h))
            points.append(pose_to_carla(pose))
    return points
