"""Sensor models on roadside units: measured from the unit's pose, delivered over V2X."""

from __future__ import annotations

import numpy as np
import pytest

from gauntlet.scenarios.errors import ScenarioError, ScenarioErrors
from gauntlet.sensors.lidar import LidarScan
from gauntlet.sensors.radar import RadarScan
from gauntlet.world.observation import EgoRoute, observe

from .helpers import STRAIGHT, world_from_yaml

# The ego at x = 20 and a stationary car at x = 120 on lane -1 (y = -1.75), both 4.7 m long and
# 1.45 m tall; a unit on the lane's centre line at x = 100 facing +x. A 20 Hz world.
SCENE = """
dt_s: 0.05
seed: 7
entities:
  - name: ego
    type: car
    initial: {{position: {{lane: {{road: "1", lane: -1, s_m: 20}}}}}}
    behaviour: idle
    v2x: {{connected: {connected}}}
  - name: lead
    type: car
    initial: {{position: {{lane: {{road: "1", lane: -1, s_m: 120}}}}}}
    behaviour: idle
v2x:
  channel: {{latency_s: {latency_s}}}
  roadside_units:
    - name: pole
      position: {{world: {{x_m: 100.0, y_m: -1.75}}}}
      sensors:
{sensors}
"""

LIDAR = "        - {name: top, kind: lidar, preset: vlp16, mount: {z_m: 0.7}, params: {noise_stddev: 0.0}}"
RADAR = "        - {name: front, kind: radar, preset: ars408}"


def _world(sensors: str = LIDAR, *, latency_s: float = 0.1, connected: bool = True, seed: int = 7):
    text = STRAIGHT + SCENE.format(
        sensors=sensors, latency_s=latency_s, connected=str(connected).lower()
    )
    _, world = world_from_yaml(text.replace("seed: 7", f"seed: {seed}"), external={"ego"})
    return world, EgoRoute(world, 0, 500.0)


def _deliveries(world, route, steps: int) -> list[tuple[float, dict[str, float]]]:
    """(world time, {key: time_s of the measurement in the observation}) at each step."""
    out = []
    for _ in range(steps):
        sensors = observe(world, route).sensors
        rsu = {k: round(m.time_s, 6) for k, m in sensors.items() if k.startswith("rsu:")}
        out.append((round(world.time_s, 6), rsu))
        world.step()
    return out


def test_roadside_lidar_sees_the_car_face_at_the_hand_computed_range():
    world, route = _world()
    for _ in range(5):
        world.step()
    scan = observe(world, route).sensors["rsu:pole/top"]
    assert isinstance(scan, LidarScan)
    # The unit's frame: its position on the datum, facing +x; the mount lifts the lidar 0.7 m.
    assert (scan.pose.x, scan.pose.y, scan.pose.z, scan.pose.yaw) == (100.0, -1.75, 0.7, 0.0)
    car = scan.points[scan.points["object_id"] == 1]
    # The car's rear face is at 120 - 4.7 / 2 = 117.65: 17.65 m ahead of the sensor. Beams at
    # +1 deg reach it 17.65 tan(1 deg) = 0.31 m up, below the roof (1.45 m - 0.7 m = 0.75 m).
    assert car["x"].min() == pytest.approx(17.65, abs=1e-4)
    face = car[np.abs(car["x"] - 17.65) < 1e-3]
    assert np.abs(face["y"]).max() <= 0.9 + 1e-4  # half the car's width
    assert face["z"].max() <= 0.75 + 1e-4


def test_measurements_arrive_with_the_channel_latency():
    # Lidar (10 Hz, a 0.1 s sweep): taken at 0, ready at 0.1, sent then, arrives 0.1 s later.
    # Radar (13.9 Hz, no acquisition time): taken and sent at 0, arrives at 0.1; the next
    # cycles are due at 0.072 and 0.144, taken at the steps 0.1 and 0.15.
    world, route = _world(f"{LIDAR}\n{RADAR}")
    got = _deliveries(world, route, 6)
    assert got == [
        (0.0, {}),
        (0.05, {}),
        (0.1, {"rsu:pole/front": 0.0}),
        (0.15, {"rsu:pole/front": 0.0}),
        (0.2, {"rsu:pole/front": 0.1, "rsu:pole/top": 0.0}),
        (0.25, {"rsu:pole/front": 0.15, "rsu:pole/top": 0.0}),
    ]
    assert isinstance(observe(world, route).sensors["rsu:pole/front"], RadarScan)
    # A slower channel: the first sweep arrives at 0.1 + 0.3.
    world, route = _world(latency_s=0.3)
    got = _deliveries(world, route, 9)
    assert [t for t, rsu in got if rsu] == [0.4]


def test_unconnected_ego_receives_nothing():
    world, route = _world(connected=False)
    got = _deliveries(world, route, 6)
    assert all(not rsu for _, rsu in got)


def test_same_seed_gives_identical_measurements_other_seed_other_noise():
    def points(seed: int) -> np.ndarray:
        world, route = _world(
            "        - {name: top, kind: lidar, preset: vlp16, mount: {z_m: 0.7}}", seed=seed
        )
        for _ in range(5):
            world.step()
        return observe(world, route).sensors["rsu:pole/top"].points

    a, b, c = points(7), points(7), points(8)
    # Field by field: the structured dtype has a padding byte that holds no data.
    assert all(np.array_equal(a[f], b[f]) for f in a.dtype.names)
    assert not np.array_equal(a["x"], c["x"])


@pytest.mark.parametrize(
    ("sensor", "message"),
    [
        (
            "        - {name: top, kind: lidar, mount: {z_m: 3, height_m: 1}}",
            "test.yaml:24: v2x.roadside_units[0].sensors[0].mount.height_m: unknown key",
        ),
        (
            "        - {name: top, kind: imu}",
            "test.yaml:24: v2x.roadside_units[0].sensors[0].kind: expected one of 'lidar', "
            "'camera', 'radar', got 'imu'",
        ),
        (
            "        - {name: top, kind: lidar, params: {channel: 4}}",
            "test.yaml:24: v2x.roadside_units[0].sensors[0].params.channel: unknown lidar parameter "
            "'channel'",
        ),
        (
            f"{LIDAR}\n{LIDAR}",
            "test.yaml:25: v2x.roadside_units[0].sensors[1].name: sensor name 'top' is used twice",
        ),
    ],
)
def test_errors_name_file_line_and_key(sensor, message):
    # The first sensor's entry is on line 24 of the file (STRAIGHT's four lines, then the
    # scene's blank first line and eighteen more).
    with pytest.raises((ScenarioError, ScenarioErrors)) as info:
        _world(sensor)
    assert message in str(info.value)


EGO_LIDAR = "ego:\n  sensors:\n    - {name: top, kind: lidar, preset: vlp16, mount: {z_m: 1.0}}\n"


def _ego_and_roadside_world(ego: bool, roadside: bool):
    """The scene above with a lidar on the ego, on the unit, or on both."""
    text = STRAIGHT + SCENE.format(sensors=LIDAR, latency_s=0.0, connected="true")
    if ego:
        text = text.replace("seed: 7\n", "seed: 7\n" + EGO_LIDAR)
    if not roadside:
        text = text.replace(f"      sensors:\n{LIDAR}\n", "")
    _, world = world_from_yaml(text, external={"ego"})
    route = EgoRoute(world, 0, 500.0)
    for _ in range(5):
        observe(world, route)
        world.step()
    return world, observe(world, route).sensors


def test_ego_and_roadside_sensors_share_the_world_scene(monkeypatch):
    import gauntlet.world.sensing as sensing

    built = []

    class CountedScene(sensing.RaycastScene):
        def __init__(self, *args, **kwargs):
            built.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(sensing, "RaycastScene", CountedScene)
    world, both = _ego_and_roadside_world(ego=True, roadside=True)
    # The static part (road surface and static geometry) is built once, for both.
    assert len(built) == 1
    assert world.sensing.scene is built[0]
    assert world.v2x.roadside_sensing.scene is built[0]
    monkeypatch.undo()
    # Sharing it changes no measurement: the same points as with either sensor alone.
    _, ego_only = _ego_and_roadside_world(ego=True, roadside=False)
    _, roadside_only = _ego_and_roadside_world(ego=False, roadside=True)
    for key, alone in (("top", ego_only), ("rsu:pole/top", roadside_only)):
        a, b = both[key].points, alone[key].points
        assert len(a) > 1000
        assert all(np.array_equal(a[f], b[f]) for f in a.dtype.names)
