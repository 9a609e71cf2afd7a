"""Reading and writing OpenDRIVE: the NCAP files, error messages, round trips."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from gauntlet.maps import (
    Arc,
    LaneKey,
    OpenDriveError,
    Poly3,
    RoadNetwork,
    Spiral,
    read_opendrive,
)


@pytest.fixture(scope="module")
def ncap_files(osc_ncap_dir: Path) -> list[Path]:
    files = sorted((osc_ncap_dir / "OpenDRIVE" / "NCAP").glob("*.xodr"))
    assert files, "no .xodr files found"
    return files


@pytest.fixture(scope="module")
def x_intersection_path(osc_ncap_dir: Path) -> Path:
    return osc_ncap_dir / "OpenDRIVE" / "NCAP" / "X-Intersection_NCAP.xodr"


def lane_samples(net: RoadNetwork) -> dict[LaneKey, np.ndarray]:
    out = {}
    for key, lane in net.lanes.items():
        s = np.linspace(0.0, lane.length, 11)
        out[key] = lane.position(s, np.full_like(s, 0.4))
    return out


def assert_same_network(a: RoadNetwork, b: RoadNetwork) -> None:
    assert list(a.roads.values()) == list(b.roads.values())
    assert list(a.junctions.values()) == list(b.junctions.values())
    assert a.signals == b.signals
    samples_a, samples_b = lane_samples(a), lane_samples(b)
    assert samples_a.keys() == samples_b.keys()
    for key in samples_a:
        np.testing.assert_allclose(samples_a[key], samples_b[key], atol=1e-6, rtol=0)
        assert a.lanes[key].successors == b.lanes[key].successors


def test_every_ncap_file_loads(ncap_files):
    for path in ncap_files:
        net = RoadNetwork.from_opendrive(path)
        expected = (10, 1) if path.name.startswith("X-Intersection") else (1, 0)
        assert (len(net.roads), len(net.junctions)) == expected, path.name
        assert net.driving_lanes(), path.name


def test_x_intersection_contents(x_intersection_path):
    net = RoadNetwork.from_opendrive(x_intersection_path)
    assert len(net.roads) == 10
    assert list(net.junctions) == ["1"]
    assert len(net.junctions["1"].connections) == 12
    assert net.roads["0"].length == 250.0
    assert net.header.rev_minor == 8
    connecting = sorted(road.id for road in net.roads.values() if road.junction == "1")
    assert connecting == ["4", "5", "6", "7", "8", "9"]
    arc = net.roads["4"].plan_view.geometries[0]
    assert isinstance(arc, Arc) and arc.curvature == pytest.approx(1 / 11.5)
    # eastbound lane of road 0 reaches the junction: straight on, left turn, right turn
    assert net.lane(LaneKey("0", 0, -1)).successors == (
        LaneKey("4", 0, -1),
        LaneKey("7", 0, 1),
        LaneKey("8", 0, -1),
    )
    assert net.lane(LaneKey("0", 0, -1)).position(250.0) == pytest.approx([250.0, -1.75])
    assert len(net.driving_lanes()) == 20


def test_straight_road_file_values(ncap_files):
    path = next(p for p in ncap_files if p.name == "StraightRoad_NCAP_noRoadmarks.xodr")
    net = RoadNetwork.from_opendrive(path)
    assert net.roads["0"].length == 1500.0
    lane = net.lane(LaneKey("0", 0, -1))
    assert lane.width_at(700.0) == pytest.approx(28.0)
    assert lane.position(700.0) == pytest.approx([700.0, -14.0])


def test_ncap_round_trip(ncap_files, tmp_path):
    for path in ncap_files:
        original = RoadNetwork.from_opendrive(path)
        written = tmp_path / path.name
        original.to_opendrive(written)
        assert_same_network(original, RoadNetwork.from_opendrive(written))


def line_number(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_bad_attribute_names_file_line_and_attribute(x_intersection_path, tmp_path):
    text = x_intersection_path.read_text()
    needle = '<geometry s="0" x="261.50000000000006" y="261.5" hdg="4.71238898038469" length="250">'
    broken = text.replace(needle, needle.replace('length="250"', 'length="abc"'))
    path = tmp_path / "X-Intersection.xodr"
    path.write_text(broken)
    with pytest.raises(OpenDriveError) as caught:
        RoadNetwork.from_opendrive(path)
    message = str(caught.value)
    line = line_number(broken, needle.replace('length="250"', 'length="abc"'))
    assert message == (
        f"{path}:{line}: <geometry> attribute 'length': expected a number, got 'abc'"
    )
    assert isinstance(caught.value, ValueError)


def document(body: str, header: str = '<header revMajor="1" revMinor="4"/>') -> str:
    return f'<?xml version="1.0"?>\n<OpenDRIVE>\n{header}\n{body}\n</OpenDRIVE>\n'


def road_xml(geometry: str = "<line/>", lanes: str | None = None, extra: str = "") -> str:
    lanes = lanes or (
        '<laneSection s="0"><center><lane id="0" type="none"/></center>'
        '<right><lane id="-1" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/>'
        "</lane></right></laneSection>"
    )
    return (
        f'<road id="7" length="20" junction="-1">{extra}\n'
        f'<planView><geometry s="0" x="0" y="0" hdg="0" length="20">{geometry}</geometry></planView>\n'
        f"<lanes>{lanes}</lanes>\n</road>"
    )


@pytest.mark.parametrize(
    ("body", "line", "expected"),
    [
        (
            road_xml("<clothoid/>"),
            5,
            "<geometry> needs exactly one shape element (<line>, <arc>, <spiral>, <poly3>, "
            "<paramPoly3>), found <clothoid>",
        ),
        (
            road_xml('<arc curvature="x"/>'),
            5,
            "<arc> attribute 'curvature': expected a number, got 'x'",
        ),
        (
            road_xml('<spiral curvStart="0"/>'),
            5,
            "<spiral> attribute 'curvEnd' is missing (expected a number)",
        ),
        (
            road_xml(extra='<link><successor elementType="street" elementId="1"/></link>'),
            4,
            "<successor> attribute 'elementType': expected one of 'road', 'junction', got 'street'",
        ),
        (
            road_xml(extra='<link><successor elementType="road" elementId="99"/></link>'),
            4,
            "<successor> attribute 'elementId': no road with id '99'",
        ),
        (
            road_xml(
                lanes='<laneSection s="0"><right><lane id="2" type="driving"/></right></laneSection>'
            ),
            6,
            "<lane> attribute 'id': expected a negative lane id in <right>, got 2",
        ),
        (
            road_xml(
                lanes='<laneSection s="0"><right><lane id="-1.5" type="driving"/></right></laneSection>'
            ),
            6,
            "<lane> attribute 'id': expected an integer, got '-1.5'",
        ),
        (
            road_xml(
                lanes='<laneSection s="0"><right><lane id="-1" type="driving">'
                '<border sOffset="0" a="1" b="0" c="0" d="0"/></lane></right></laneSection>'
            ),
            6,
            "<border> lane borders are not supported: describe the lane with <width>",
        ),
        (
            '<junction id="1"><connection id="0" incomingRoad="7" connectingRoad="8" contactPoint="start"/>'
            "</junction>\n" + road_xml(),
            4,
            "<connection> attribute 'connectingRoad': no road with id '8'",
        ),
    ],
)
def test_error_messages(body, line, expected):
    with pytest.raises(OpenDriveError) as caught:
        read_opendrive(document(body))
    assert str(caught.value) == f"<string>:{line}: {expected}"


def test_malformed_xml_and_wrong_root():
    with pytest.raises(OpenDriveError, match=r"^<string>:3: malformed XML: mismatched tag"):
        read_opendrive("<OpenDRIVE>\n<header>\n</OpenDRIVE>")
    with pytest.raises(OpenDriveError, match=r"^<string>:1: <OSC> is not an OpenDRIVE document"):
        read_opendrive("<OSC/>")
    with pytest.raises(OpenDriveError, match="document type declarations"):
        read_opendrive('<!DOCTYPE x [<!ENTITY a "b">]><OpenDRIVE/>')


OLD_STYLE = """<?xml version="1.0" standalone="yes"?>
<OpenDRIVE>
  <header revMajor="1" revMinor="4" name="old" version="1.00"/>
  <road name="r" length="60" id="1" junction="-1">
    <link/>
    <type s="0" type="town"><speed max="50" unit="km/h"/></type>
    <type s="30" type="rural"><speed max="no limit"/></type>
    <planView>
      <geometry s="0" x="0" y="0" hdg="0" length="20"><poly3 a="0" b="0" c="0" d="0"/></geometry>
      <geometry s="20" x="20" y="0" hdg="0" length="40"><spiral curvStart="0" curvEnd="0.02"/></geometry>
    </planView>
    <elevationProfile><elevation s="0" a="1" b="0.05" c="0" d="0"/></elevationProfile>
    <lanes>
      <laneSection s="0">
        <left><lane id="1" type="driving" level="0"><width sOffset="0" a="3" b="0" c="0" d="0"/>
          <speed sOffset="0" max="30" unit="mph"/></lane></left>
        <center><lane id="0" type="none" level="false"/></center>
        <right><lane id="-1" type="driving" level="false"><width sOffset="0" a="3" b="0" c="0" d="0"/></lane></right>
      </laneSection>
    </lanes>
    <signals>
      <signal s="50" t="-4" id="s1" name="stop" dynamic="no" orientation="+" zOffset="1"
              country="DE" type="206" subtype="-1" value="-1" height="0.6" width="0.6"/>
      <signal s="10" t="4" id="s2" dynamic="yes" orientation="-" zOffset="2" type="1000001"
              subtype="-1"><validity fromLane="1" toLane="1"/></signal>
    </signals>
  </road>
</OpenDRIVE>
"""


def test_old_style_file_values_and_round_trip():
    net = RoadNetwork.from_opendrive(OLD_STYLE)
    road = net.roads["1"]
    assert isinstance(road.plan_view.geometries[0], Poly3)
    assert isinstance(road.plan_view.geometries[1], Spiral)
    assert road.elevation_at(10.0) == pytest.approx(1.5)
    assert road.heading(60.0) == pytest.approx(0.02 * 40 / 2)
    east = net.lane(LaneKey("1", 0, -1))
    west = net.lane(LaneKey("1", 0, 1))
    assert east.speed_limit_mps == pytest.approx(50 / 3.6)
    assert west.speed_limit_mps == pytest.approx(30 * 0.44704)
    assert road.speed_limit_at(45.0) is None
    assert east.elevation_at(0.0) == pytest.approx(1.0)
    stop = net.signals["s1"]
    assert stop.stop_positions == ((east.key, pytest.approx(float(east.s_at_road_s(50.0)))),)
    light = net.signals["s2"]
    assert light.dynamic and light.validity == ((1, 1),)
    # the west lane runs from road s = 60 back; the poly3 part is straight
    assert light.stop_positions == ((west.key, pytest.approx(west.length - 10.0)),)
    again = RoadNetwork.from_opendrive(net.to_opendrive_string())
    assert_same_network(net, again)
    assert again.header.rev_minor == 8
    assert 'revMinor="8"' in net.to_opendrive_string()


def test_paths_and_strings_are_both_accepted(x_intersection_path):
    from_path = read_opendrive(str(x_intersection_path))
    from_text = read_opendrive(x_intersection_path.read_text())
    assert from_path.roads == from_text.roads
    with pytest.raises(FileNotFoundError):
        read_opendrive("no/such/file.xodr")


def test_direct_junction_and_reversed_lane_direction():
    body = (
        road_xml(extra='<link><successor elementType="junction" elementId="9"/></link>')
        + '\n<road id="8" length="10" junction="-1"><link><predecessor elementType="junction" '
        'elementId="9"/></link><planView><geometry s="0" x="20" y="0" hdg="0" length="10"><line/>'
        '</geometry></planView><lanes><laneSection s="0"><right><lane id="-1" type="driving" '
        'direction="reversed"><width sOffset="0" a="3" b="0" c="0" d="0"/></lane>'
        '<lane id="-2" type="driving"><width sOffset="0" a="3" b="0" c="0" d="0"/></lane>'
        "</right></laneSection></lanes></road>\n"
        '<junction id="9" type="direct"><connection id="0" incomingRoad="7" linkedRoad="8" '
        'contactPoint="start"><laneLink from="-1" to="-2"/></connection></junction>'
    )
    net = RoadNetwork.from_opendrive(document(body, '<header revMajor="1" revMinor="7"/>'))
    assert net.junctions["9"].type == "direct"
    assert net.lane(LaneKey("8", 0, -1)).direction == -1
    assert net.lane(LaneKey("7", 0, -1)).successors == (LaneKey("8", 0, -2),)
    assert_same_network(net, RoadNetwork.from_opendrive(net.to_opendrive_string()))
    assert math.isclose(net.lane(LaneKey("8", 0, -1)).heading_at(0.0), -math.pi)
