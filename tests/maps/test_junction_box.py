"""The connecting roads of a junction box and the typed OpenDRIVE attribute reader."""

from __future__ import annotations

import math

import pytest

from gauntlet.maps._xml import parse_xml
from gauntlet.maps.opendrive import OpenDriveError as ReExported
from gauntlet.maps.opendrive_attributes import AttributeReader, OpenDriveError
from gauntlet.maps.procedural import x_junction
from gauntlet.maps.procedural.junctions import (
    ARM_ROAD_IDS,
    CONNECTING_ROAD_IDS,
    JUNCTION_ID,
    junction_box,
)


def test_junction_box_two_connections_per_pair_of_arms():
    arms = ("east", "south", "west")
    roads, connections = junction_box(
        arms, ARM_ROAD_IDS, CONNECTING_ROAD_IDS, JUNCTION_ID, 9.5, 1, 3.5, 10.0, (100.0, -20.0)
    )
    # Three pairs: east-south (a quarter circle), east-west (a line), south-west.
    assert [r.id for r in roads] == ["104", "105", "106"]
    assert [c.id for c in connections] == ["0", "1", "2", "3", "4", "5"]
    assert [(c.incoming_road, c.connecting_road, c.contact_point) for c in connections[:2]] == [
        ("2", "104", "start"),
        ("3", "104", "end"),
    ]
    assert connections[1].lane_links == ((-1, 1),)
    straight = roads[1]
    assert straight.length == pytest.approx(2 * 9.5)
    assert roads[0].length == pytest.approx(9.5 * math.pi / 2)
    start = straight.plan_view.geometries[0]
    assert (start.x, start.y) == pytest.approx((109.5, -20.0))


def test_x_junction_uses_the_same_connections():
    network = x_junction(lanes_per_direction=2)
    (junction,) = network.junctions.values()
    assert len(junction.connections) == 12
    assert junction.connections[0].lane_links == ((-1, -1), (-2, -2))
    assert junction.connections[1].lane_links == ((-1, 1), (-2, 2))


def test_attribute_reader_names_file_line_element_and_expectation():
    node = parse_xml(b'<OpenDRIVE>\n<width sOffset="x" a="1e400" n="2.5"/>\n</OpenDRIVE>').children[
        0
    ]
    reader = AttributeReader("map.xodr")
    with pytest.raises(
        OpenDriveError,
        match=r"^map.xodr:2: <width> attribute 'sOffset': expected a number, got 'x'$",
    ):
        reader.number(node, "sOffset")
    with pytest.raises(OpenDriveError, match=r"expected a number, got '1e400'"):
        reader.number(node, "a")
    with pytest.raises(OpenDriveError, match=r"attribute 'n': expected an integer, got '2.5'"):
        reader.integer(node, "n")
    assert reader.number(node, "b", 0.5) == 0.5
    assert ReExported is OpenDriveError
