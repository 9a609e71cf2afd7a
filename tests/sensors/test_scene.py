"""The ray-casting scene: road surface classes, asset ids, actor slices and culling."""

from __future__ import annotations

import numpy as np
import pytest

from gauntlet.maps.procedural import procedural_map
from gauntlet.maps.scene import SceneAsset
from gauntlet.sensors.scene import (
    ROAD_OBJECT_ID,
    STATIC_ID_BASE,
    Boxes,
    RaycastScene,
    boxes_mesh,
)
from gauntlet.sensors.semantic import Semantic

DOWN = np.array([-np.pi / 2])


def look_down(scene: RaycastScene, xy: list[tuple[float, float]], height: float = 10.0):
    """Cast one ray straight down from ``height`` above each point."""
    origins = np.array([(x, y, height) for x, y in xy], dtype=float)
    rot = np.repeat(np.eye(3)[None], len(xy), axis=0)
    hits = scene.cast_fans(origins, rot, np.zeros(len(xy)), DOWN, 100.0)
    return hits.range.copy(), hits.object_id.copy(), hits.semantic.copy()


def test_road_surface_carries_lane_markings_as_a_class():
    # Lanes -1 (y -3.5..0) and -2 (y -7..-3.5) with a broken mark between them (3 m painted
    # every 12 m from s = 0) and a solid mark at the edge y = -7; sidewalk beyond it.
    net = procedural_map("straight", length_m=100.0, lanes_right=2, lanes_left=1, sidewalks=True)
    scene = RaycastScene(net)
    points = [
        (50.0, -1.75),
        (1.5, -3.5),
        (7.5, -3.5),
        (25.5, -3.52),
        (31.0, -7.03),
        (31.0, -8.0),
        (31.0, -20.0),
    ]
    rng, obj, sem = look_down(scene, points)
    assert list(sem) == [
        Semantic.ROAD,
        Semantic.ROAD_LINE,
        Semantic.ROAD,
        Semantic.ROAD_LINE,
        Semantic.ROAD_LINE,
        Semantic.SIDEWALK,
        0,
    ]
    np.testing.assert_allclose(rng[:-1], 10.0, atol=1e-4)
    assert list(obj[:-1]) == [ROAD_OBJECT_ID] * 6
    assert obj[-1] == -1 and np.isinf(rng[-1])
    assert scene.objects[ROAD_OBJECT_ID] == "road"


def test_assets_and_static_boxes_keep_their_ids_and_classes():
    v, t = boxes_mesh(
        Boxes(np.array([0]), np.array([0], np.uint8), np.array([10.0]), np.array([0.0]), np.zeros(1),
              np.zeros(1), np.array([2.0]), np.array([2.0]), np.array([5.0]))
    )  # fmt: skip
    asset = SceneAsset("tower.ply", "mesh", "building", v, t, ())
    post = Boxes(np.array([77]), np.array([Semantic.POLE], np.uint8), np.array([20.0]), np.array([0.0]),
                 np.zeros(1), np.zeros(1), np.array([0.3]), np.array([0.3]), np.array([4.0]))  # fmt: skip
    scene = RaycastScene(assets=[asset], static_boxes=post)
    rng, obj, sem = look_down(scene, [(10.0, 0.0), (20.0, 0.0)])
    assert list(obj) == [STATIC_ID_BASE + 1, 77]
    assert list(sem) == [Semantic.BUILDING, Semantic.POLE]
    np.testing.assert_allclose(rng, [5.0, 6.0], atol=1e-4)
    assert scene.objects[STATIC_ID_BASE + 1] == "tower.ply"


def test_actors_move_without_rebuilding_the_static_part():
    net = procedural_map("straight", length_m=100.0)
    scene = RaycastScene(net)
    before = scene._static  # built once: the same open3d scene throughout
    for x in (10.0, 30.0):
        car = Boxes(np.array([3]), np.array([Semantic.CAR], np.uint8), np.array([x]), np.array([-1.75]),
                    np.zeros(1), np.zeros(1), np.array([4.0]), np.array([2.0]), np.array([1.5]))  # fmt: skip
        scene.update_actors(car, 0.0)
        rng, obj, sem = look_down(scene, [(x, -1.75), (x + 5.0, -1.75)])
        assert list(obj) == [3, ROAD_OBJECT_ID]
        assert list(sem) == [Semantic.CAR, Semantic.ROAD]
        assert rng[0] == pytest.approx(10.0 - 1.5, abs=1e-4)
    assert scene._static is before


def test_moving_actor_is_met_where_it_is_at_each_rays_time():
    scene = RaycastScene()
    car = Boxes(np.array([1]), np.array([Semantic.CAR], np.uint8), np.array([0.0]), np.array([0.0]),
                np.zeros(1), np.zeros(1), np.array([4.0]), np.array([2.0]), np.array([1.5]),
                vx=np.array([30.0]))  # fmt: skip
    scene.update_actors(car, 0.0)
    # Rays straight down along x at times t: they meet the car iff |x - 30 t| <= 2.
    times = np.linspace(0.0, 0.1, 101)
    xs = 30.0 * times + np.where(np.arange(101) % 2 == 0, 1.9, 2.2)
    origins = np.stack((xs, np.zeros(101), np.full(101, 5.0)), axis=1)
    rot = np.repeat(np.eye(3)[None], 101, axis=0)
    hits = scene.cast_fans(origins, rot, times, DOWN, 50.0, motion_tolerance_m=0.01)
    expected = np.where(np.arange(101) % 2 == 0, 1, -1)
    assert list(hits.object_id) == list(expected)
