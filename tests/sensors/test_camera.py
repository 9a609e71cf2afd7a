"""The camera against hand calculations: depth of planes, lens distortion, classes, ids, boxes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.maps.procedural import procedural_map
from gauntlet.sensors.base import Sensor, SensorPose, sensor_kind
from gauntlet.sensors.camera import Camera, CameraConfig
from gauntlet.sensors.camera_encoding import (
    CARLA_DEPTH_FAR_M,
    carla_to_depth,
    carla_to_instance,
    depth_to_carla,
    semantic_to_cityscapes,
)
from gauntlet.sensors.camera_model import CameraIntrinsics
from gauntlet.sensors.scene import ROAD_OBJECT_ID, Boxes, RaycastScene
from gauntlet.sensors.semantic import Semantic

WALL_ID = 5000


def boxes(ids, x, y, length, width, height, z=None, semantic=Semantic.CAR, heading=None, vx=None):  # noqa: ANN001
    n = len(ids)
    return Boxes(
        ids=np.asarray(ids),
        semantic=np.full(n, semantic, np.uint8),
        x=np.asarray(x, float),
        y=np.asarray(y, float),
        z=np.zeros(n) if z is None else np.asarray(z, float),
        heading=np.zeros(n) if heading is None else np.asarray(heading, float),
        length=np.asarray(length, float),
        width=np.asarray(width, float),
        height=np.asarray(height, float),
        vx=np.zeros(n) if vx is None else np.asarray(vx, float),
    )


def wall_scene(face_x: float = 20.0) -> RaycastScene:
    """A wall whose face is the plane x = face_x, 200 m wide, from z = -50 to 50."""
    return RaycastScene(
        static_boxes=boxes(
            [WALL_ID], [face_x + 0.1], [0.0], [0.2], [200.0], [100.0], z=[-50.0],
            semantic=Semantic.WALL,
        )
    )  # fmt: skip


def camera(**changes) -> Camera:  # noqa: ANN003
    config = {"image_size_x": 64, "image_size_y": 48, "fx": 40.0, "fy": 40.0}
    config.update(changes)
    return Camera(CameraConfig(**config))


def take(cam: Camera, scene: RaycastScene, pose: SensorPose, seed: int = 0, **kw):  # noqa: ANN003, ANN201
    return cam.measure(scene, pose, 0.0, np.random.default_rng(seed), **kw)


def test_depth_of_a_wall_is_exact_on_axis_and_constant_across_the_image():
    cam = camera()
    frame = take(cam, wall_scene(20.0), SensorPose(0.0, 0.0, 0.0))
    assert frame.depth.dtype == np.float32 and frame.depth.shape == (48, 64)
    # Pixel (32, 24) is the principal point: its ray is the optical axis.
    assert frame.depth[24, 32] == np.float32(20.0)
    # Depth is along the optical axis, so a fronto-parallel plane has one depth...
    np.testing.assert_allclose(frame.depth, 20.0, rtol=2e-6)
    # ...while the distance along each ray is 20 / cos(angle off the axis).
    v, u = np.mgrid[0:48, 0:64]
    cos_off_axis = 1.0 / np.sqrt(1.0 + ((u - 32) / 40.0) ** 2 + ((v - 24) / 40.0) ** 2)
    ray_length = frame.depth * np.linalg.norm(cam.pixel_rays, axis=1).reshape(48, 64)
    np.testing.assert_allclose(ray_length, 20.0 / cos_off_axis, rtol=2e-6)
    assert set(np.unique(frame.semantic)) == {Semantic.WALL}


def test_depth_of_a_wall_seen_at_an_angle_follows_d_over_cos():
    yaw = math.radians(30.0)
    frame = take(camera(), wall_scene(20.0), SensorPose(0.0, 0.0, 0.0, yaw=yaw))
    # Pixel column u has a = (u - 32) / 40; its ray (1, -a, 0) turned by the yaw meets
    # x = 20 at depth 20 / (cos yaw + a sin yaw); on the axis that is 20 / cos 30.
    a = (np.arange(64) - 32) / 40.0
    expected = 20.0 / (math.cos(yaw) + a * math.sin(yaw))
    np.testing.assert_allclose(frame.depth[24], expected, rtol=2e-6)
    assert frame.depth[24, 32] == pytest.approx(20.0 / math.cos(yaw), rel=1e-6)


def test_depth_of_the_ground_row_by_row_and_sky_above_the_horizon():
    ground = boxes([7], [0.0], [0.0], [400.0], [400.0], [1.0], z=[-1.0], semantic=Semantic.ROAD)
    frame = take(camera(), RaycastScene(static_boxes=ground), SensorPose(0.0, 0.0, 1.5))
    # Row v looks down by b = (v - 24) / 40 and meets z = 0 at depth 1.5 / b.
    for v in (26, 30, 40, 47):
        np.testing.assert_allclose(frame.depth[v], 1.5 * 40.0 / (v - 24), rtol=2e-6)
        assert set(frame.semantic[v]) == {Semantic.ROAD}
    assert np.all(np.isinf(frame.depth[:24]))
    assert set(np.unique(frame.semantic[:24])) == {Semantic.SKY}


def test_k1_moves_a_pixels_ray_by_the_hand_computed_amount():
    k = CameraIntrinsics(200, 160, 200.0, 200.0, 100.0, 80.0, k1=-0.2)
    # The ray a = 0.5 (0.5 m right at 1 m) is distorted to 0.5 (1 - 0.2 * 0.25) = 0.475,
    # 95 pixels right of the centre instead of 100.
    u, v, front = k.project(np.array([[10.0, -5.0, 0.0]]))
    assert (u[0], v[0], front[0]) == (pytest.approx(195.0), pytest.approx(80.0), True)
    rays = k.pixel_rays().reshape(160, 200, 3)
    np.testing.assert_allclose(rays[80, 195], [1.0, -0.5, 0.0], atol=1e-12)
    # Without distortion the same pixel's ray is 95 / 200 = 0.475 right.
    plain = CameraIntrinsics(200, 160, 200.0, 200.0, 100.0, 80.0).pixel_rays().reshape(160, 200, 3)
    np.testing.assert_allclose(plain[80, 195], [1.0, -0.475, 0.0], atol=1e-12)
    # The camera casts the distorted rays: pixel 195 meets a wall at 20 m at y = -10 m.
    cam = camera(image_size_x=200, image_size_y=160, fx=200.0, fy=200.0, k1=-0.2)
    post = boxes([9], [20.0], [-10.0], [0.02], [0.02], [4.0], z=[-2.0], semantic=Semantic.POLE)
    frame = take(cam, RaycastScene(static_boxes=post), SensorPose(0.0, 0.0, 0.0))
    assert frame.semantic[80, 195] == Semantic.POLE
    assert frame.semantic[80, 193] == frame.semantic[80, 197] == Semantic.SKY  # the horizon row


def test_undistort_inverts_distort_over_the_image():
    k = CameraIntrinsics(640, 480, 400.0, 410.0, 322.0, 236.0, k1=-0.12, k2=0.02, k3=-0.002,
                         p1=1e-3, p2=-5e-4)  # fmt: skip
    a, b = np.meshgrid(np.linspace(-0.8, 0.8, 41), np.linspace(-0.6, 0.6, 31))
    ad, bd = k.distort(a, b)
    a2, b2 = k.undistort(ad, bd)
    # Fixed-point iterations: to 1e-7 at the corners (4e-5 pixels), far better near the centre.
    assert np.max(np.abs(a2 - a)) < 1e-7 and np.max(np.abs(b2 - b)) < 1e-7
    # And the pixel rays project back onto their pixels.
    rays = k.pixel_rays()
    u, v, _ = k.project(rays)
    vv, uu = np.mgrid[0:480, 0:640]
    assert np.max(np.abs(u - uu.ravel())) < 1e-4 and np.max(np.abs(v - vv.ravel())) < 1e-4
    # A barrel distortion so strong that no ray reaches the corners is refused.
    with pytest.raises(ValueError, match="cannot be inverted"):
        CameraIntrinsics(640, 480, 400.0, 400.0, 320.0, 240.0, k1=-0.5).pixel_rays()


def road_view(**changes):  # noqa: ANN003, ANN201
    """Looking straight down from 10 m over the broken mark between lanes -1 and -2.

    The map is the straight road of ``test_scene``: broken mark at y = -3.5 painted on
    x in [0, 3] (every 12 m). Image up is world +x, image right is world -y; 0.1 m per
    pixel: pixel (u, v) sees x = 4.5 - (v - 32) 0.1, y = -3.5 - (u - 32) 0.1.
    """
    net = procedural_map("straight", length_m=100.0, lanes_right=2, lanes_left=1, sidewalks=True)
    scene = RaycastScene(net)
    scene.update_actors(boxes([300], [4.5], [-1.75], [4.0], [1.8], [1.5]), 0.0)
    cam = camera(image_size_x=64, image_size_y=64, fx=100.0, fy=100.0, **changes)
    pose = SensorPose(4.5, -3.5, 10.0, pitch=math.pi / 2)
    return take(cam, scene, pose)


def test_semantic_ids_of_road_marking_and_vehicle_pixels():
    frame = road_view()
    assert frame.semantic[50, 32] == Semantic.ROAD_LINE  # x = 2.7, y = -3.5: painted
    assert frame.semantic[20, 32] == Semantic.ROAD  # x = 5.7: between dashes
    assert frame.semantic[32, 42] == Semantic.ROAD  # y = -4.5: lane -2
    assert frame.semantic[32, 14] == Semantic.CAR  # y = -1.7: the car's roof
    assert frame.depth[32, 14] == pytest.approx(8.5, abs=1e-5)
    assert frame.depth[50, 32] == pytest.approx(10.0, abs=1e-4)
    palette = semantic_to_cityscapes(frame.semantic)
    assert tuple(palette[32, 14]) == (0, 0, 142) and tuple(palette[20, 32]) == (128, 64, 128)
    assert tuple(palette[50, 32]) == (157, 234, 50)


def test_instance_image_encodes_object_ids_as_carla_does():
    frame = road_view(instance=True)
    assert frame.object_id[32, 14] == 300 and frame.object_id[20, 32] == ROAD_OBJECT_ID
    image = frame.instance_carla()
    # Tag in R; id 300 = 0x012C: low byte 44 in G, high byte 1 in B.
    assert tuple(image[32, 14]) == (Semantic.CAR, 44, 1)
    tag, ids = carla_to_instance(image)
    assert tag[32, 14] == Semantic.CAR and ids[32, 14] == 300
    assert np.array_equal(frame.semantic_carla()[..., 0], frame.semantic)


def test_carla_depth_encoding_round_trips():
    step = CARLA_DEPTH_FAR_M / (256**3 - 1)
    depth = np.array([1000.0 * (1 + 2 * 256 + 3 * 65536) / (256**3 - 1), 0.0, 1000.0, np.inf])
    image = depth_to_carla(depth)
    assert tuple(image[0]) == (1, 2, 3) and tuple(image[1]) == (0, 0, 0)
    assert tuple(image[2]) == tuple(image[3]) == (255, 255, 255)
    values = np.random.default_rng(3).uniform(0.0, 999.9, size=(100, 100)).astype(np.float32)
    back = carla_to_depth(depth_to_carla(values))
    assert back.dtype == np.float32
    assert np.max(np.abs(back - values)) <= 0.5 * step + 6.2e-5  # half a step + float32 rounding


def two_cars(**changes):  # noqa: ANN003, ANN201
    """Car 1 at x = 30 (front face at 28, y in [-1, 1], z in [0, 1.5]); car 2 at x = 14 hides
    its left half (y in [-2.02, -0.02]). The camera is level at z = 0.75, 640 x 480, f = 400."""
    scene = RaycastScene()
    scene.update_actors(
        boxes([1, 2], [30.0, 14.0], [0.0, -1.02], [4.0, 4.0], [2.0, 2.0], [1.5, 1.5]), 0.0
    )
    cam = camera(image_size_x=640, image_size_y=480, fx=400.0, fy=400.0, boxes=True, **changes)
    return take(cam, scene, SensorPose(0.0, 0.0, 0.75))


def test_box_of_a_car_projects_to_the_hand_computed_2d_box():
    scene = RaycastScene()
    scene.update_actors(boxes([1], [30.0], [0.0], [4.0], [2.0], [1.5]), 0.0)
    cam = camera(image_size_x=640, image_size_y=480, fx=400.0, fy=400.0, boxes=True)
    gt = take(cam, scene, SensorPose(0.0, 0.0, 0.75)).boxes
    assert list(gt.ids) == [1] and gt.semantic[0] == Semantic.CAR
    # The front face (x = 28) bounds the image: u = 320 -+ 400 / 28, v = 240 -+ 400 * 0.75 / 28.
    np.testing.assert_allclose(
        gt.box_2d[0], [320 - 400 / 28, 240 - 300 / 28, 320 + 400 / 28, 240 + 300 / 28], atol=1e-4
    )
    np.testing.assert_allclose(gt.centre[0], [30.0, 0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(gt.size[0], [4.0, 2.0, 1.5])
    np.testing.assert_allclose(gt.rotation[0], np.eye(3), atol=1e-12)
    assert gt.occlusion[0] == pytest.approx(0.0, abs=0.02)
    # Turned by 90 degrees, its 4 m side faces the camera at x = 29.
    scene.update_actors(boxes([1], [30.0], [0.0], [4.0], [2.0], [1.5], heading=[math.pi / 2]), 0.0)
    gt = take(cam, scene, SensorPose(0.0, 0.0, 0.75)).boxes
    np.testing.assert_allclose(gt.box_2d[0, [0, 2]], [320 - 800 / 29, 320 + 800 / 29], atol=1e-4)
    np.testing.assert_allclose(gt.rotation[0], [[0, -1, 0], [1, 0, 0], [0, 0, 1]], atol=1e-12)


def test_occlusion_of_a_car_half_hidden_behind_another():
    gt = two_cars().boxes
    one, two = list(gt.ids).index(1), list(gt.ids).index(2)
    # Car 1 covers columns 306..334; car 2 hides 306..319 of them: 14 / 29.
    assert gt.occlusion[one] == pytest.approx(0.5, abs=0.03)
    assert gt.occlusion[two] == pytest.approx(0.0, abs=0.02)
    assert gt.visible_pixels[one] < gt.silhouette_pixels[one]
    # Car 2's left edge in the image is its far corner (16, -0.02): u = 320 + 400 * 0.02 / 16.
    assert gt.box_2d[two, 0] == pytest.approx(320 + 400 * 0.02 / 16, abs=1e-4)


def test_box_cut_by_the_image_edge_and_cars_behind_are_left_out():
    scene = RaycastScene()
    # Car 3 alongside the camera (crosses the image plane), car 4 behind it.
    scene.update_actors(
        boxes([3, 4], [1.0, -10.0], [-2.0, 0.0], [4.0, 4.0], [2.0, 2.0], [1.5, 1.5]), 0.0
    )
    cam = camera(image_size_x=640, image_size_y=480, fx=400.0, fy=400.0, boxes=True)
    gt = take(cam, scene, SensorPose(0.0, 0.0, 0.75)).boxes
    assert list(gt.ids) == [3]
    assert gt.box_2d[0, 2] == pytest.approx(639.5)  # clipped at the right edge
    assert gt.occlusion[0] == pytest.approx(0.0, abs=0.02)


def test_exclude_id_and_actors_moved_to_the_frame_time():
    scene = wall_scene(50.0)
    scene.update_actors(boxes([0, 5], [0.0, 10.0], [0.0, 0.0], [4.0, 1.0], [2.0, 2.0], [2.0, 2.0],
                              z=[-1.0, -1.0], vx=[0.0, 10.0]), 0.0)  # fmt: skip
    cam = camera(instance=True)
    # The camera sits inside car 0, which it must not see; car 5 moves 10 m/s: at
    # t = 1 s its back face is at x = 19.5.
    frame = cam.measure(
        scene, SensorPose(0.0, 0.0, 0.0), 1.0, np.random.default_rng(0), exclude_id=0
    )
    assert frame.object_id[24, 32] == 5
    assert frame.depth[24, 32] == pytest.approx(19.5, abs=1e-5)


def test_shaded_rgb_and_seeded_noise():
    cam = camera(
        rgb=True, rgb_noise_stddev=5.0, image_size_x=160, image_size_y=120, fx=100.0, fy=100.0
    )
    clean = camera(rgb=True, image_size_x=160, image_size_y=120, fx=100.0, fy=100.0)
    ground = boxes([7], [0.0], [0.0], [400.0], [400.0], [1.0], z=[-1.0], semantic=Semantic.ROAD)
    scene = RaycastScene(static_boxes=ground)
    pose = SensorPose(0.0, 0.0, 1.5)
    a, b, c = (take(cam, scene, pose, seed).rgb for seed in (42, 42, 43))
    assert a.dtype == np.uint8 and a.shape == (120, 160, 3)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    base = take(clean, scene, pose).rgb
    sky, road = base[0, 80], base[110, 80]
    assert sky[2] > sky[0]  # blue sky
    assert road[0] == road[1] and abs(int(road[2]) - int(road[0])) <= 3  # grey road
    error = a.astype(float) - base.astype(float)
    assert np.std(error) == pytest.approx(5.0, abs=0.15)


def test_camera_is_a_registered_sensor():
    assert sensor_kind("camera") is Camera
    cam = Camera()
    assert isinstance(cam, Sensor)
    assert (cam.intrinsics.width, cam.intrinsics.height) == (800, 600)
    assert cam.intrinsics.fx == pytest.approx(400.0)  # CARLA: 800 / (2 tan 45 deg)
    with pytest.raises(ValueError, match="fov"):
        CameraConfig(fov=180.0)
