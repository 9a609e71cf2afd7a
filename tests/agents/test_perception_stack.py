"""The reference perception stack: lidar boxes, radar clusters, the tracker, closed loop."""

import math

import numpy as np
import pytest

from gauntlet.agents.perception.lidar_objects import (
    LidarBoxes,
    LidarDetector,
    complete_box,
    fit_rectangle,
)
from gauntlet.agents.perception.radar_objects import RadarClusters, radar_clusters
from gauntlet.agents.perception.stack import SENSOR_RIG, PerceptionStack
from gauntlet.agents.perception.tracker import Tracker, TrackerParams, associate
from gauntlet.agents.stack import make_stack
from gauntlet.evaluation.result import Status
from gauntlet.runner.single import RunOptions, simulate
from gauntlet.scenarios.loader import load_scenario
from gauntlet.sensors.base import SensorPose
from gauntlet.sensors.lidar import Lidar
from gauntlet.sensors.lidar_presets import lidar_preset
from gauntlet.sensors.radar import RADAR_DETECTION_DTYPE
from gauntlet.sensors.scene import Boxes, RaycastScene
from gauntlet.sensors.semantic import Semantic
from gauntlet.world.sensing import with_sensor_rig


def _rectangle_edges(cx, cy, heading, length, width, step=0.05):
    """Points on the two edges of a box that face a sensor at the origin (an L shape)."""
    c, s = math.cos(heading), math.sin(heading)
    along = np.arange(-0.5 * length, 0.5 * length + 1e-9, step)
    across = np.arange(-0.5 * width, 0.5 * width + 1e-9, step)
    local = np.concatenate(
        [
            np.stack((along, np.full_like(along, -0.5 * width)), axis=1),
            np.stack((np.full_like(across, -0.5 * length), across), axis=1),
        ]
    )
    return np.stack(
        (cx + local[:, 0] * c - local[:, 1] * s, cy + local[:, 0] * s + local[:, 1] * c), axis=1
    )


def test_l_shape_fit_recovers_a_rectangle_from_two_edges():
    pts = _rectangle_edges(0.0, 0.0, math.radians(30.0), 4.0, 2.0)
    cx, cy, angle, e1, e2 = fit_rectangle(pts)
    assert math.degrees(angle) == pytest.approx(30.0, abs=1e-9)
    assert (e1, e2) == (pytest.approx(4.0, abs=1e-9), pytest.approx(2.0, abs=1e-9))
    assert (cx, cy) == (pytest.approx(0.0, abs=1e-9), pytest.approx(0.0, abs=1e-9))


def test_a_car_seen_end_on_grows_away_from_the_sensor():
    # Only the rear face: 1.8 m wide, no depth, 10 m ahead of a sensor at the origin.
    x, y, heading, length, width, kind = complete_box(10.0, 0.0, 0.5 * math.pi, 1.8, 0.0, (0, 0))
    assert kind == "car"
    assert abs(math.cos(heading)) == pytest.approx(1.0)  # the length runs along x
    assert (length, width) == (4.5, 1.85)
    assert x == pytest.approx(10.0 + 0.5 * 4.5)  # the car's centre is behind its rear face
    assert abs(y) == pytest.approx(0.5 * (1.85 - 1.8))  # the width grows to the prior too


def test_a_known_bicycle_side_is_not_read_as_a_car_end():
    # A 1.8 m flat face 4 m to the right of the sensor: alone, the end of a car.
    face = (3.0, -4.0, 0.0, 1.8, 0.1)
    *_, kind = complete_box(*face, (0.0, 0.0))
    assert kind == "car"
    x, y, heading, length, width, kind = complete_box(*face, (0.0, 0.0), kind="bicycle")
    assert kind == "bicycle" and (length, width) == (1.8, 0.6)
    assert abs(math.sin(heading)) == pytest.approx(0.0, abs=1e-12)  # along the face
    assert (x, y) == (pytest.approx(3.0), pytest.approx(-4.0 - 0.5 * (0.6 - 0.1)))  # away


def _ground_and_box(x, y, heading, length=4.5, width=1.8, height=1.5):
    ground = Boxes(
        ids=np.array([1 << 20]), semantic=np.array([Semantic.ROAD], np.uint8),
        x=np.zeros(1), y=np.zeros(1), z=np.array([-0.1]), heading=np.zeros(1),
        length=np.array([300.0]), width=np.array([300.0]), height=np.array([0.1]),
    )  # fmt: skip
    scene = RaycastScene(static_boxes=ground)
    car = Boxes(
        ids=np.array([7]), semantic=np.array([Semantic.CAR], np.uint8),
        x=np.array([x]), y=np.array([y]), z=np.zeros(1), heading=np.array([heading]),
        length=np.array([length]), width=np.array([width]), height=np.array([height]),
    )  # fmt: skip
    scene.update_actors(car, 0.0)
    return scene


def test_lidar_detector_boxes_a_car_in_a_ray_cast_sweep():
    heading = math.radians(30.0)
    scene = _ground_and_box(18.0, 4.0, heading)
    pose = SensorPose(0.0, 0.0, 1.9)
    config = lidar_preset("vlp16")
    scan = Lidar(config).measure(scene, pose, 0.0, np.random.default_rng(3))
    boxes = LidarDetector().detect(scan.points, pose)
    assert len(boxes) == 1
    assert boxes.types == ("car",)
    assert (boxes.x[0], boxes.y[0]) == (pytest.approx(18.0, abs=0.2), pytest.approx(4.0, abs=0.2))
    turn = math.remainder(boxes.heading[0] - heading, math.pi)
    assert abs(math.degrees(turn)) < 2.0
    assert boxes.length[0] == pytest.approx(4.5, abs=0.2)
    assert boxes.width[0] == pytest.approx(1.85, abs=0.1)


def test_association_respects_the_gate():
    cost = np.array([[0.5, 4.0], [1.0, 0.2], [9.0, 9.0]])
    assert associate(cost, 3.0) == [(0, 0), (1, 1)]
    assert associate(np.zeros((0, 2)), 3.0) == []


def _box_at(x, y, heading=0.0):
    one = np.ones(1)
    return LidarBoxes(
        np.array([x]), np.array([y]), np.array([heading]), 4.5 * one, 1.85 * one, one,
        10 * one.astype(int), ("car",),
    )  # fmt: skip


def test_tracker_converges_to_a_constant_velocity():
    rng = np.random.default_rng(5)
    tracker = Tracker()
    v = np.array([10.0, -2.0])
    backwards = math.atan2(-2.0, 10.0) + math.pi  # a box fit cannot tell front from back
    for k in range(40):  # 4 s of sweeps at 10 Hz, 0.1 m of noise
        t = 0.1 * k
        x, y = np.array([5.0, 3.0]) + v * t + rng.normal(0.0, 0.1, 2)
        tracker.update_lidar(_box_at(x, y, backwards), t)
        if k == 1:
            assert not tracker.tracks[0].confirmed
        if k == 2:
            assert tracker.tracks[0].confirmed  # the third update confirms
    (track,) = tracker.tracks
    assert track.state[2:] == pytest.approx(v, abs=0.15)
    assert track.state[:2] == pytest.approx([5.0 + 39.0, 3.0 - 7.8], abs=0.2)
    # Turned by a half turn to agree with the motion: atan2(-2, 10).
    assert math.degrees(track.heading) == pytest.approx(-11.31, abs=0.01)


def test_tracks_die_after_coasting_and_false_births_die_young():
    tracker = Tracker(TrackerParams(max_coast_s=0.6))
    for k in range(5):
        tracker.update_lidar(_box_at(10.0, 0.0), 0.1 * k)
    tracker.update_lidar(_box_at(50.0, 0.0), 0.5)  # a one-off: tentative
    tracker.update_lidar(_box_at(10.0, 0.0), 0.6)
    tracker.update_lidar(_box_at(10.0, 0.0), 0.7)
    assert [t.track_id for t in tracker.tracks] == [1]  # missed twice while tentative
    empty = LidarBoxes(*(np.zeros(0),) * 6, np.zeros(0, int), ())
    for k in range(8, 13):
        tracker.update_lidar(empty, 0.1 * k)
    assert [t.track_id for t in tracker.tracks] == [1]  # 0.5 s of coasting is allowed
    tracker.update_lidar(empty, 1.4)
    assert tracker.tracks == []


def test_radar_clusters_give_the_targets_ground_radial_velocity():
    det = np.zeros(3, RADAR_DETECTION_DTYPE)
    det["range_m"] = [40.0, 40.5, 80.0]
    det["azimuth_rad"] = [0.0, 0.01, 0.2]
    det["radial_velocity_mps"] = [-5.0, -5.2, -20.0]
    det["snr_db"] = [20.0, 20.0, 15.0]
    pose = SensorPose(0.0, 0.0, 0.5, vx=20.0)  # the sensor drives at 20 m/s along +x
    c = radar_clusters(det, pose)
    assert len(c) == 2 and list(c.detections) == [2, 1]
    assert c.ground_vr[0] == pytest.approx(15.0 - 0.0005 * 20, abs=0.1)  # -5.1 + 20 cos(~0)
    assert c.ground_vr[1] == pytest.approx(-20.0 + 20.0 * math.cos(0.2), abs=1e-4)
    assert list(c.moving) == [True, False]


def test_radar_updates_the_velocity_of_a_new_track_and_gates_a_settled_one():
    u = np.array([[1.0, 0.0]])
    # The reflection comes from the near face, half a car length before the centre.
    clusters = RadarClusters(
        np.array([[27.75, 0.0]]), u, np.array([8.0]), np.ones(1, int), np.ones(1, bool)
    )
    fresh = Tracker()
    fresh.update_lidar(_box_at(30.0, 0.0), 0.0)  # speed unknown (10 m/s sigma)
    fresh.update_radar(clusters, 0.05)
    assert fresh.tracks[0].state[2] == pytest.approx(8.0, abs=0.1)
    settled = Tracker()
    for k in range(5):
        settled.update_lidar(_box_at(30.0, 0.0), 0.1 * k)
    settled.update_radar(clusters, 0.45)  # 8 m/s disagrees with a parked car: a new track
    assert settled.tracks[0].state[2] == pytest.approx(0.0, abs=0.1)
    assert len(settled.tracks) == 2 and not settled.tracks[1].lidar


def test_the_stack_brings_its_sensor_rig_unless_the_scenario_has_sensors(repo_root):
    scenario = load_scenario(repo_root / "scenarios" / "smoke" / "lead_brakes.yaml")
    assert scenario.ego.sensors == ()
    assert with_sensor_rig(scenario, SENSOR_RIG).ego.sensors == SENSOR_RIG
    own = with_sensor_rig(scenario, SENSOR_RIG[1:])
    assert with_sensor_rig(own, SENSOR_RIG).ego.sensors == SENSOR_RIG[1:]
    assert isinstance(make_stack("reference:perception"), PerceptionStack)


def test_reference_perception_completes_a_smoke_scenario(repo_root):
    scenario = load_scenario(repo_root / "scenarios" / "smoke" / "lead_brakes.yaml")
    world, result = simulate(scenario, RunOptions(stack="reference:perception", plots=False))
    assert result.status is Status.PASS, result.criteria
    m = result.metrics
    assert m["perception_frames"] > 200
    assert m["perception_recall_bev30"] > 0.8
    assert m["perception_precision_bev30"] > 0.8
    assert m["perception_mota"] > 0.8
    # Same scenario and seed: the same trace and perception metrics, bit for bit.
    again, repeat = simulate(scenario, RunOptions(stack="reference:perception", plots=False))
    trace, trace2 = world.recorder.trace().data, again.recorder.trace().data
    assert all(np.array_equal(trace[k], trace2[k]) for k in trace)
    assert {k: v for k, v in m.items() if k.startswith("perception")} == {
        k: v for k, v in repeat.metrics.items() if k.startswith("perception")
    }
