"""The radar against hand calculations and its configured statistics."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from gauntlet.sensors.base import Sensor, SensorPose, sensor_kind
from gauntlet.sensors.radar import (
    NO_OBJECT_ID,
    RADAR_DETECTION_DTYPE,
    ClassRcs,
    DetectionKind,
    MirrorPlane,
    Radar,
    RadarConfig,
    RadarTargets,
    ScanMode,
    albersheim_pd,
    albersheim_snr_db,
    detection_probability,
)
from gauntlet.sensors.radar_presets import ARS408_FAR, ARS408_NEAR, ARS_408, radar_preset
from gauntlet.sensors.semantic import Semantic

#: A class with an aspect-free 0 dBsm RCS, for hand calculations.
POINT = Semantic.STATIC
POINT_RCS = {POINT: ClassRcs(0.0, 0.0)}
EXACT_FAR = dataclasses.replace(
    ARS408_FAR,
    range_accuracy_m=0.0,
    azimuth_accuracy_deg=((0.0, 0.0),),
    velocity_accuracy_mps=0.0,
    false_alarms_per_scan=0.0,
    clutter_per_scan=0.0,
    snr_ref_db=60.0,  # every target detected
)


def points(x, y, vx=None, vy=None, ids=None, z=0.0, size=1e-5, semantic=POINT) -> RadarTargets:  # noqa: ANN001
    """Tiny boxes (point targets) centred at height ``z``."""
    n = len(x)
    return RadarTargets(
        ids=np.arange(1, n + 1) if ids is None else np.asarray(ids),
        semantic=np.full(n, semantic, np.uint8),
        x=np.asarray(x, float),
        y=np.asarray(y, float),
        z=np.full(n, z - 0.5 * size),
        heading=np.zeros(n),
        length=np.full(n, size),
        width=np.full(n, size),
        height=np.full(n, size),
        vx=np.zeros(n) if vx is None else np.asarray(vx, float),
        vy=np.zeros(n) if vy is None else np.asarray(vy, float),
    )


def radar(*modes: ScanMode, **changes) -> Radar:  # noqa: ANN003
    config = {"modes": modes or (EXACT_FAR,), "swerling": 0, "rcs": POINT_RCS, "occlusion": False}
    config.update(changes)
    return Radar(RadarConfig(**config))


def test_registered_and_follows_the_sensor_protocol():
    assert sensor_kind("radar") is Radar
    r = Radar(radar_preset("ars408"))
    assert isinstance(r, Sensor)
    assert r.rate_hz == pytest.approx(1 / 0.072)
    assert [n.quantity for n in r.noise][:3] == [
        "range (far)",
        "azimuth (far, boresight)",
        "radial velocity (far)",
    ]


def test_albersheim_textbook_value():
    # Pd 0.9, Pfa 1e-6, one pulse: 13.1 dB (Albersheim 1981; Richards, Fundamentals of Radar
    # Signal Processing, table 6.1 lists 13.2 dB for the exact steady-target value).
    assert albersheim_snr_db(0.9, 1e-6) == pytest.approx(13.11, abs=0.01)
    assert albersheim_pd(albersheim_snr_db(0.9, 1e-6), 1e-6) == pytest.approx(0.9, abs=1e-9)
    assert albersheim_pd(albersheim_snr_db(0.2, 1e-4, 10), 1e-4, 10) == pytest.approx(0.2)


def test_doppler_of_a_target_at_known_speed_and_angle():
    # Sensor at the origin heading 30 deg, driving at 20 m/s along its heading; target at
    # (80, 60) moving at (-10, 5) m/s. d = (80, 60), |d| = 100; relative velocity
    # (-10 - 20 cos30, 5 - 20 sin30) = (-27.3205, -5); radial = (80 * -27.3205 + 60 * -5) / 100.
    yaw = math.radians(30.0)
    pose = SensorPose(0.0, 0.0, 0.0, yaw=yaw, vx=20 * math.cos(yaw), vy=20 * math.sin(yaw))
    sensor = radar(dataclasses.replace(EXACT_FAR, coverage=((45.0, 250.0),)))
    scan = sensor.measure(
        points([80.0], [60.0], [-10.0], [5.0]), pose, 0.0, np.random.default_rng(0)
    )
    d = scan.detections
    assert d.dtype == RADAR_DETECTION_DTYPE and len(d) == 1
    expected = (80 * (-10 - 20 * math.cos(yaw)) + 60 * (5 - 20 * math.sin(yaw))) / 100
    assert d["radial_velocity_mps"][0] == pytest.approx(expected, abs=1e-4)
    assert expected < 0  # closing: negative, as the ARS 408 reports
    assert d["range_m"][0] == pytest.approx(100.0, abs=1e-4)
    assert d["azimuth_rad"][0] == pytest.approx(math.atan2(60, 80) - yaw, abs=1e-6)
    # A target pulling away at 10 m/s straight ahead of a parked radar reads +10.
    away = sensor.measure(
        points([50.0], [0.0], [10.0]), SensorPose(0, 0, 0), 0, np.random.default_rng(0)
    )
    assert away.detections["radial_velocity_mps"][0] == pytest.approx(10.0, abs=1e-5)


def test_reflection_from_the_nearest_face_and_aspect_rcs():
    # A car 40 m ahead (4 m long), seen from behind: its rear face is at 38 m, RCS 10 dBsm;
    # turned broadside (2 m wide) its side is at 39 m, RCS 20 dBsm.
    sensor = Radar(RadarConfig(modes=(EXACT_FAR,), swerling=0, occlusion=False))
    for heading, face, rcs in ((0.0, 38.0, 10.0), (math.pi / 2, 39.0, 20.0)):
        car = RadarTargets(
            ids=np.array([7]), semantic=np.array([Semantic.CAR], np.uint8),
            x=np.array([40.0]), y=np.zeros(1), z=np.zeros(1), heading=np.array([heading]),
            length=np.array([4.0]), width=np.array([2.0]), height=np.array([1.5]),
        )  # fmt: skip
        d = sensor.measure(car, SensorPose(0, 0, 0.5), 0.0, np.random.default_rng(1)).detections
        assert d["range_m"][0] == pytest.approx(face, abs=1e-4)
        assert d["rcs_dbsm"][0] == pytest.approx(rcs, abs=1e-3)
        snr = EXACT_FAR.snr_ref_db + rcs - 40 * math.log10(face / 100.0)
        assert d["snr_db"][0] == pytest.approx(snr, abs=1e-3)


def test_range_and_azimuth_noise_match_the_datasheet_sigma():
    # ARS 408 near scan, target at 30 deg: azimuth sigma interpolates 0.3 deg (0) -> 1 deg (45).
    mode = dataclasses.replace(
        ARS408_NEAR, snr_ref_db=60.0, false_alarms_per_scan=0.0, clutter_per_scan=0.0
    )
    sensor = radar(mode)
    az = math.radians(30.0)
    target = points([40 * math.cos(az)], [40 * math.sin(az)])
    rng = np.random.default_rng(3)
    d = np.concatenate(
        [sensor.measure(target, SensorPose(0, 0, 0), 0, rng).detections for _ in range(4000)]
    )
    assert len(d) == 4000
    n = len(d)
    tol = 5.0 / math.sqrt(2 * n)  # relative standard error of a sample std, 5 sigma
    assert np.std(d["range_m"]) == pytest.approx(0.10, rel=tol)
    assert np.mean(d["range_m"]) == pytest.approx(40.0, abs=5 * 0.10 / math.sqrt(n))
    sigma_az = math.radians(0.3 + 0.7 * 30 / 45)
    assert np.std(d["azimuth_rad"]) == pytest.approx(sigma_az, rel=tol)
    assert np.std(d["radial_velocity_mps"]) == pytest.approx(0.1 / 3.6, rel=tol)


def test_detection_probability_falls_with_range_as_configured():
    # 5 ranges x 16 azimuths of steady 0 dBsm point targets, far apart in azimuth.
    mode = ScanMode(
        name="test", coverage=((60.0, 300.0),), elevation_fov_deg=20.0,
        range_resolution_m=0.5, range_accuracy_m=0.0,
        azimuth_resolution_deg=((0.0, 1.0),), azimuth_accuracy_deg=((0.0, 0.0),),
        velocity_resolution_mps=0.1, velocity_accuracy_mps=0.0, snr_ref_db=15.0,
    )  # fmt: skip
    ranges = np.array([40.0, 70.0, 100.0, 130.0, 170.0])
    az = np.radians(np.linspace(-52.5, 52.5, 16))
    rr, aa = np.meshgrid(ranges, az, indexing="ij")
    targets = points((rr * np.cos(aa)).ravel(), (rr * np.sin(aa)).ravel())
    sensor = radar(mode)
    rng = np.random.default_rng(11)
    scans = 600
    hits = np.zeros(len(targets))
    for _ in range(scans):
        ids = sensor.measure(targets, SensorPose(0, 0, 0), 0, rng).detections["object_id"]
        hits[ids - 1] += 1
    measured = hits.reshape(5, 16).sum(axis=1) / (16 * scans)
    expected = detection_probability(mode, 0.0, ranges, 1e-6)
    assert np.all(np.diff(expected) < 0) and expected[0] > 0.99 and expected[-1] < 0.1
    trials = 16 * scans
    bound = 4.5 * np.sqrt(expected * (1 - expected) / trials) + 1e-3
    assert np.all(np.abs(measured - expected) <= bound), (measured, expected)


def test_swerling_1_follows_the_exact_fluctuating_curve():
    # Swerling 1, one pulse: Pd = Pfa ** (1 / (1 + SNR)) exactly; the model draws an
    # exponential RCS and applies Albersheim's steady curve, good to a few percent.
    mode = dataclasses.replace(EXACT_FAR, snr_ref_db=15.0)
    sensor = radar(mode, swerling=1)
    rng = np.random.default_rng(5)
    for r in (60.0, 100.0, 160.0):
        target = points([r], [0.0])
        hits = sum(
            len(sensor.measure(target, SensorPose(0, 0, 0), 0, rng).detections) for _ in range(3000)
        )
        snr = 10 ** ((15.0 - 40 * math.log10(r / 100)) / 10)
        assert hits / 3000 == pytest.approx(1e-6 ** (1 / (1 + snr)), abs=0.05)


def test_false_alarms_poisson_rate_id_and_field_of_view():
    mode = dataclasses.replace(ARS408_NEAR, false_alarms_per_scan=2.5, clutter_per_scan=0.0)
    sensor = radar(mode)
    rng = np.random.default_rng(9)
    empty = points([], [])
    scans = 2000
    d = np.concatenate(
        [sensor.measure(empty, SensorPose(0, 0, 0), 0, rng).detections for _ in range(scans)]
    )
    mean = scans * 2.5
    assert abs(len(d) - mean) < 5 * math.sqrt(mean)
    assert np.all(d["object_id"] == NO_OBJECT_ID)
    assert np.all(d["kind"] == DetectionKind.FALSE_ALARM)
    assert np.all(np.abs(d["azimuth_rad"]) <= math.radians(60.0) + 1e-6)
    assert np.all(d["range_m"][np.abs(d["azimuth_rad"]) > math.radians(45.0)] <= 20.0 + 1e-4)
    # Uniform in azimuth: the share beyond 45 deg is 15/60.
    share = np.mean(np.abs(d["azimuth_rad"]) > math.radians(45.0))
    assert share == pytest.approx(0.25, abs=5 * math.sqrt(0.25 * 0.75 / len(d)))
    assert np.all(d["snr_db"] >= 10 * math.log10(-math.log(1e-6)) - 1e-4)


def test_two_targets_in_one_cell_merge_into_the_stronger():
    # 60 m ahead, 0.5 deg apart (far scan: 1.6 deg resolution), same speed; the right one is
    # 6 dB stronger (a truck's rear), so the cell carries its id and lies nearer its azimuth.
    rcs = {**POINT_RCS, Semantic.TRUCK: ClassRcs(6.0, 6.0)}
    az = math.radians(0.5)
    targets = points([60.0, 60.0 * math.cos(az)], [0.0, -60.0 * math.sin(az)], ids=[1, 2])
    targets = dataclasses.replace(targets, semantic=np.array([POINT, Semantic.TRUCK], np.uint8))
    sensor = radar(rcs=rcs)
    d = sensor.measure(targets, SensorPose(0, 0, 0), 0, np.random.default_rng(0)).detections
    assert len(d) == 1
    assert d["object_id"][0] == 2
    w = 10**0.6
    assert d["azimuth_rad"][0] == pytest.approx(-az * w / (1 + w), abs=1e-6)
    assert d["rcs_dbsm"][0] == pytest.approx(10 * math.log10(1 + w), abs=1e-3)
    # 3 deg apart they are resolved; at different speeds too.
    az3 = math.radians(3.0)
    apart = points([60.0, 60.0 * math.cos(az3)], [0.0, -60.0 * math.sin(az3)])
    assert (
        len(sensor.measure(apart, SensorPose(0, 0, 0), 0, np.random.default_rng(0)).detections) == 2
    )
    moving = points([60.0, 60.0 * math.cos(az)], [0.0, -60.0 * math.sin(az)], vx=[0.0, 1.0])
    assert (
        len(sensor.measure(moving, SensorPose(0, 0, 0), 0, np.random.default_rng(0)).detections)
        == 2
    )


def test_a_car_hides_the_car_behind_it():
    cars = RadarTargets(
        ids=np.array([1, 2, 3]), semantic=np.full(3, Semantic.CAR, np.uint8),
        x=np.array([30.0, 60.0, 60.0]), y=np.array([0.0, 0.0, 6.0]), z=np.zeros(3),
        heading=np.zeros(3), length=np.full(3, 4.5), width=np.full(3, 1.8), height=np.full(3, 1.5),
    )  # fmt: skip
    near = dataclasses.replace(EXACT_FAR, coverage=((30.0, 250.0),))
    sensor = Radar(RadarConfig(modes=(near,), swerling=0))
    d = sensor.measure(cars, SensorPose(0, 0, 0.5), 0, np.random.default_rng(0)).detections
    assert sorted(d["object_id"]) == [1, 3]


def test_guard_rail_ghost_and_ground_clutter():
    # Guard rail along y = 3: the target at (50, 0) has an image at (50, 6), 12 dB weaker.
    sensor = radar()
    rail = MirrorPlane.vertical(0.0, 3.0, 0.0)
    d = sensor.measure(
        points([50.0], [0.0]), SensorPose(0, 0, 0), 0, np.random.default_rng(0), mirrors=(rail,)
    ).detections
    ghost = d[d["kind"] == DetectionKind.GHOST]
    assert len(ghost) == 1 and ghost["object_id"][0] == 1
    assert ghost["range_m"][0] == pytest.approx(math.hypot(50, 6), abs=1e-4)
    assert ghost["azimuth_rad"][0] == pytest.approx(math.atan2(6, 50), abs=1e-6)
    target = d[d["kind"] == DetectionKind.TARGET]
    assert ghost["rcs_dbsm"][0] == pytest.approx(target["rcs_dbsm"][0] - 12.0, abs=1e-3)
    # Clutter lies still on the ground: radial velocity = -v . line of sight.
    mode = dataclasses.replace(ARS408_NEAR, range_accuracy_m=0.0, azimuth_accuracy_deg=((0.0, 0.0),),
                               velocity_accuracy_mps=0.0, clutter_per_scan=20.0, false_alarms_per_scan=0.0)  # fmt: skip
    sensor = radar(mode, clutter_rcs_dbsm=20.0)
    pose = SensorPose(0, 0, 0.5, vx=20.0)
    c = sensor.measure(points([], []), pose, 0, np.random.default_rng(4), ground_z=0.0).detections
    assert (
        len(c) > 5 and np.all(c["kind"] == DetectionKind.CLUTTER) and np.all(c["object_id"] == -1)
    )
    ground = np.sqrt(c["range_m"].astype(float) ** 2 - 0.25)  # horizontal distance
    expected = -20.0 * np.cos(c["azimuth_rad"]) * ground / c["range_m"]
    merged = np.abs(c["radial_velocity_mps"] - expected) > 1e-3  # cells may merge two patches
    assert merged.mean() < 0.2


def test_same_seed_same_scan():
    targets = points([30.0, 80.0, 150.0], [0.0, 2.0, -3.0], vx=[-5.0, 3.0, 0.0])
    sensor = Radar(dataclasses.replace(ARS_408, rcs=POINT_RCS))
    pose = SensorPose(0, 0, 0.5, vx=15.0)
    a = sensor.measure(targets, pose, 0, np.random.default_rng(42)).detections
    b = sensor.measure(targets, pose, 0, np.random.default_rng(42)).detections
    c = sensor.measure(targets, pose, 0, np.random.default_rng(43)).detections
    assert a.tobytes() == b.tobytes()
    assert a.tobytes() != c.tobytes()


def test_excluded_own_vehicle_and_bad_config():
    sensor = radar()
    d = sensor.measure(
        points([20.0], [0.0], ids=[5]),
        SensorPose(0, 0, 0),
        0,
        np.random.default_rng(0),
        exclude_id=5,
    )
    assert len(d.detections) == 0
    with pytest.raises(ValueError, match="swerling"):
        RadarConfig(modes=(EXACT_FAR,), swerling=2)
    with pytest.raises(ValueError, match="coverage"):
        dataclasses.replace(EXACT_FAR, coverage=((45.0, 70.0), (30.0, 20.0)))
