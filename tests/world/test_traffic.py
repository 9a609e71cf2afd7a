"""Traffic behaviour against hand calculations."""

import numpy as np
import pytest

from tests.world.helpers import STRAIGHT, run, world_from_yaml


def test_idm_follower_settles_at_equilibrium_gap():
    # IDM equilibrium behind a leader at v: s_e = (s0 + v*T) / sqrt(1 - (v/v0)^delta)
    # v = 20, v0 = 30, s0 = 2, T = 1.5, delta = 4  ->  32 / sqrt(1 - (2/3)^4) = 35.72 m
    _, w = world_from_yaml(
        STRAIGHT
        + """
entities:
  - {name: lead, type: car, initial: {position: {lane: {road: "1", lane: -1, s_m: 200}}, speed_mps: 20}, behaviour: {cruise: {speed_mps: 20}}}
  - {name: follower, type: car, initial: {position: {lane: {road: "1", lane: -1, s_m: 100}}, speed_mps: 20},
     behaviour: {idm: {desired_speed_mps: 30, lane_changes: false}}}
ego: {entity: lead}
stop: {duration_s: 120}
"""
    )
    run(w, 90.0)
    gap = w.x[0] - w.x[1] - 0.5 * (w.length[0] + w.length[1])
    expected = (2.0 + 20.0 * 1.5) / np.sqrt(1.0 - (20.0 / 30.0) ** 4)
    assert gap == pytest.approx(expected, abs=0.3)
    assert w.v[1] == pytest.approx(20.0, abs=0.05)


def test_free_vehicle_reaches_desired_speed_and_keeps_its_lane():
    _, w = world_from_yaml(
        STRAIGHT
        + """
entities:
  - {name: a, type: car, initial: {position: {lane: {road: "1", lane: -2, s_m: 10}}, speed_mps: 10}, behaviour: {idm: {desired_speed_mps: 25}}}
ego: {entity: a}
"""
    )
    run(w, 60.0)
    assert w.v[0] == pytest.approx(25.0, abs=0.3)
    assert w.y[0] == pytest.approx(-3.5 * 1.5, abs=0.05)  # centre of lane -2


def test_linear_speed_action_follows_its_ramp():
    _, w = world_from_yaml(
        STRAIGHT
        + """
entities:
  - {name: a, type: car, initial: {position: {lane: {road: "1", lane: -1, s_m: 10}}, speed_mps: 20}, behaviour: cruise}
ego: {entity: a}
storyboard:
  - name: slow
    trigger: {simulation_time: 1.0}
    actions: [{speed: {entity: a, target_mps: 10, rate_mps2: 2}}]
"""
    )
    run(w, 1.0 + 2.5)
    # Halfway down the 5 s ramp: 15 m/s, give or take the actuator lag (~tau * rate).
    assert w.v[0] == pytest.approx(15.0, abs=0.7)
    run(w, 6.0)
    assert w.v[0] == pytest.approx(10.0, abs=0.05)


def test_lane_change_ends_on_the_next_lane_centre():
    _, w = world_from_yaml(
        STRAIGHT
        + """
entities:
  - {name: a, type: car, initial: {position: {lane: {road: "1", lane: -2, s_m: 10}}, speed_mps: 20}, behaviour: cruise}
ego: {entity: a}
storyboard:
  - name: go_left
    trigger: {simulation_time: 1.0}
    actions: [{lane_change: {entity: a, lanes: 1, duration_s: 3}}]
"""
    )
    run(w, 1.0)
    assert w.y[0] == pytest.approx(-5.25, abs=0.05)
    run(w, 1.5)
    assert -5.0 < w.y[0] < -2.0  # under way
    run(w, 6.0)
    assert w.y[0] == pytest.approx(-1.75, abs=0.1)


def test_red_light_holds_traffic_at_the_stop_line():
    _, w = world_from_yaml("""
gauntlet: 1
name: t
map: {procedural: {generator: x_junction, params: {arm_length_m: 100, signalised: true}}}
entities:
  - {name: a, type: car, initial: {position: {lane: {road: "3", lane: -1, s_m: 20}}, speed_mps: 12}, behaviour: idm}
ego: {entity: a}
storyboard:
  - name: red
    trigger: {simulation_time: 0}
    actions: [{traffic_light: {signal: sig_south, state: red, duration_s: 30}}]
""")
    run(w, 25.0)
    stop = w.network.signals["sig_south"].stop_positions[0]
    lane = w.network.lanes[stop[0]]
    stop_xy = np.asarray(lane.position(np.array([stop[1]]), np.array([0.0]))).reshape(2)
    front = w.y[0] + 0.5 * w.length[0]
    assert w.v[0] < 0.05
    assert stop_xy[1] - 4.0 < front <= stop_xy[1] + 0.01
    run(w, 10.0)
    assert w.y[0] > stop_xy[1]  # drove on once green


def test_collision_is_recorded_once_and_the_struck_car_stops():
    _, w = world_from_yaml(
        STRAIGHT
        + """
entities:
  - {name: ego, type: car, initial: {position: {lane: {road: "1", lane: -1, s_m: 50}}, speed_mps: 20}}
  - {name: parked, type: car, initial: {position: {lane: {road: "1", lane: -1, s_m: 70}}}, behaviour: idle}
""",
        external={"ego"},
    )
    from gauntlet.agents.stack import Control

    for _ in range(40):
        w.step({0: Control(accel_mps2=0.0)})
    assert len(w.collisions) == 1
    ev = w.collisions[0]
    assert (ev.a, ev.b) == (0, 1)
    # Contact when the 20 m centre gap minus one car length (4.7 m) is closed at 20 m/s: t ~ 0.77 s.
    assert ev.time_s == pytest.approx((20.0 - w.length[0]) / 20.0, abs=0.06)
    assert w.v[1] == 0.0


def test_off_road_flag():
    _, w = world_from_yaml(
        STRAIGHT
        + """
entities:
  - {name: onroad, type: car, initial: {position: {lane: {road: "1", lane: -1, s_m: 50}}}, behaviour: idle}
  - {name: offroad, type: obstacle, initial: {position: {world: {x_m: 50, y_m: 30}}}}
ego: {entity: onroad}
"""
    )
    assert list(w.off_road) == [False, True]


def test_height_and_pitch_follow_the_road_elevation(tmp_path):
    # A 400 m road climbing at 5 %: z = 0.05 s, pitch = -atan(0.05) (nose up is negative pitch in x-forward, z-up).
    xodr = tmp_path / "hill.xodr"
    xodr.write_text("""<?xml version="1.0"?>
<OpenDRIVE>
  <header revMajor="1" revMinor="6" name="hill"/>
  <road id="1" junction="-1" length="400">
    <planView><geometry s="0" x="0" y="0" hdg="0" length="400"><line/></geometry></planView>
    <elevationProfile><elevation s="0" a="0" b="0.05" c="0" d="0"/></elevationProfile>
    <lanes><laneSection s="0">
      <center><lane id="0" type="none"/></center>
      <right><lane id="-1" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/></lane></right>
    </laneSection></lanes>
  </road>
</OpenDRIVE>
""")
    _, w = world_from_yaml(f"""
gauntlet: 1
name: t
map: {{opendrive: {xodr}}}
entities:
  - {{name: a, type: car, initial: {{position: {{lane: {{road: "1", lane: -1, s_m: 20}}}}, speed_mps: 10}}, behaviour: cruise}}
ego: {{entity: a}}
""")
    run(w, 5.0)
    assert w.z[0] == pytest.approx(0.05 * w.x[0], abs=0.01)
    assert w.pitch[0] == pytest.approx(-np.arctan(0.05), abs=1e-3)
