"""No-fly zones: signed distances by hand, GeoJSON, the velocity constraint."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.dynamics.airspace import (
    EARTH_RADIUS_M,
    Airspace,
    CylinderZone,
    PrismZone,
    signed_distance,
    zones_from_geojson,
)

SQUARE = PrismZone(
    ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)), floor_m=0.0, ceiling_m=50.0
)


def test_prism_signed_distances():
    points = np.array([
        [5.0, 5.0, 20.0],    # inside: 5 m to the nearest wall
        [13.0, 5.0, 20.0],   # 3 m east of the east wall
        [13.0, 14.0, 20.0],  # 3 m east and 4 m north of the corner: 5 m
        [5.0, 5.0, 53.0],    # 3 m above the ceiling
        [13.0, 5.0, 54.0],   # 3 m out and 4 m up: 5 m
        [5.0, 5.0, 49.0],    # 1 m under the ceiling: -1
    ])  # fmt: skip
    assert signed_distance(SQUARE, points) == pytest.approx([-5.0, 3.0, 5.0, 3.0, 5.0, -1.0])


def test_concave_polygon_inside_test():
    l_shape = PrismZone(((0, 0), (10, 0), (10, 4), (4, 4), (4, 10), (0, 10)))
    d = signed_distance(l_shape, np.array([[7.0, 7.0, 100.0], [2.0, 2.0, 100.0]]))
    assert d == pytest.approx([3.0, -2.0])


def test_cylinder_signed_distances():
    zone = CylinderZone((100.0, 0.0), 20.0, floor_m=10.0, ceiling_m=120.0)
    d = signed_distance(zone, np.array([[100.0, 50.0, 50.0], [100.0, 0.0, 5.0], [110.0, 0, 50.0]]))
    assert d == pytest.approx([30.0, 5.0, -10.0])


def test_constraint_stops_at_the_boundary_and_slides_along_it():
    airspace = Airspace([SQUARE], margin_m=1.0)
    position = np.array([[-3.0, 5.0, 20.0], [-3.0, -15.0, 20.0]])
    velocity = np.array([[10.0, 2.0, 0.0], [10.0, 0.0, 0.0]])
    out = airspace.constrain(position, velocity, 1.0)
    # Towards the west wall: 2 m of room (3 m minus the margin) in 1 s; the 2 m/s north stays.
    assert out[0] == pytest.approx([2.0, 2.0, 0.0])
    assert out[1] == pytest.approx([10.0, 0.0, 0.0])  # passes south of the zone


def test_a_drone_that_follows_the_constraint_never_enters():
    airspace = Airspace([SQUARE, CylinderZone((30.0, 5.0), 5.0)], margin_m=0.5)
    position = np.array([[-20.0, 4.0, 20.0]])
    for _ in range(2000):
        command = np.array([[5.0, 0.3, 0.0]])
        position = position + airspace.constrain(position, command, 0.05) * 0.05
        assert airspace.distances(position).min() >= 0.5 - 1e-6
    assert position[0, 0] > 10.0  # it got round the square


def test_geojson_polygon_and_point_in_local_metres():
    lon0, lat0 = 11.0, 48.0
    metre_lat = 180.0 / (math.pi * EARTH_RADIUS_M)
    metre_lon = metre_lat / math.cos(math.radians(lat0))
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature",
             "properties": {"name": "field", "floor_m": 0, "ceiling_m": 120},
             "geometry": {"type": "Polygon", "coordinates": [[
                 [lon0, lat0], [lon0 + 100 * metre_lon, lat0],
                 [lon0 + 100 * metre_lon, lat0 + 50 * metre_lat], [lon0, lat0]]]}},
            {"type": "Feature", "properties": {"radius_m": 30},
             "geometry": {"type": "Point", "coordinates": [lon0, lat0 + 200 * metre_lat]}},
        ],
    }  # fmt: skip
    prism, cylinder = zones_from_geojson(geojson, (lon0, lat0))
    assert np.array(prism.polygon_m) == pytest.approx(
        np.array([[0.0, 0.0], [100.0, 0.0], [100.0, 50.0]]), abs=1e-6
    )
    assert (prism.name, prism.ceiling_m) == ("field", 120.0)
    assert cylinder.center_m == pytest.approx((0.0, 200.0), abs=1e-6)
    with pytest.raises(ValueError, match="radius_m"):
        zones_from_geojson(
            {"features": [{"geometry": {"type": "Point", "coordinates": [0, 0]}}]}, (0.0, 0.0)
        )
