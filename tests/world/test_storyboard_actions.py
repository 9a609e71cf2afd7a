"""Storyboard actions and MOBIL, checked against what they must do."""

import numpy as np
import pytest

from gauntlet.scenarios.errors import ScenarioErrors
from gauntlet.scenarios.loader import parse_scenario
from tests.world.helpers import STRAIGHT, run, world_from_yaml


def test_mobil_overtakes_a_slow_truck():
    # A car wanting 30 m/s behind a truck at 20 m/s: staying costs it the IDM braking,
    # the free left lane offers full acceleration, nobody is disadvantaged -> it changes left.
    _, w = world_from_yaml(
        STRAIGHT
        + """
entities:
  - {name: truck, type: truck, initial: {position: {lane: {road: "1", lane: -2, s_m: 120}}, speed_mps: 20}, behaviour: {cruise: {speed_mps: 20}}}
  - {name: car, type: car, initial: {position: {lane: {road: "1", lane: -2, s_m: 60}}, speed_mps: 22}, behaviour: {idm: {desired_speed_mps: 30}}}
ego: {entity: truck}
"""
    )
    run(w, 25.0)
    assert w.y[1] == pytest.approx(-1.75, abs=0.2)  # in lane -1, the left lane
    assert w.x[1] > w.x[0] + 20.0  # and past the truck
    assert not w.collisions


def test_no_lane_change_when_disabled():
    _, w = world_from_yaml(
        STRAIGHT
        + """
entities:
  - {name: truck, type: truck, initial: {position: {lane: {road: "1", lane: -2, s_m: 120}}, speed_mps: 20}, behaviour: {cruise: {speed_mps: 20}}}
  - {name: car, type: car, initial: {position: {lane: {road: "1", lane: -2, s_m: 60}}, speed_mps: 22},
     behaviour: {idm: {desired_speed_mps: 30, lane_changes: false}}}
ego: {entity: truck}
"""
    )
    run(w, 25.0)
    assert w.y[1] == pytest.approx(-5.25, abs=0.05)
    assert w.v[1] == pytest.approx(20.0, abs=0.2)  # follows the truck instead


def test_follow_trajectory_interpolates_timed_vertices():
    _, w = world_from_yaml(
        STRAIGHT
        + """
entities:
  - {name: a, type: pedestrian, initial: {position: {world: {x_m: 10, y_m: 5}}}}
  - {name: e, type: car, initial: {position: {lane: {road: "1", lane: -1, s_m: 500}}}, behaviour: idle}
ego: {entity: e}
storyboard:
  - name: go
    trigger: {simulation_time: 1.0}
    actions:
      - follow_trajectory:
          entity: a
          points: [{t_s: 0, x_m: 10, y_m: 5}, {t_s: 4, x_m: 18, y_m: 5}, {t_s: 6, x_m: 18, y_m: 9}]
"""
    )
    run(w, 1.0 + 2.0)  # half way along the first leg: (14, 5), walking east at 2 m/s
    assert (w.x[0], w.y[0]) == pytest.approx((14.0, 5.0), abs=1e-6)
    assert w.v[0] == pytest.approx(2.0) and w.h[0] == pytest.approx(0.0)
    run(w, 3.0)  # one second into the second leg: (18, 7)
    assert (w.x[0], w.y[0]) == pytest.approx((18.0, 7.0), abs=1e-6)
    assert w.h[0] == pytest.approx(np.pi / 2)
    run(w, 3.0)
    assert (w.x[0], w.y[0]) == pytest.approx((18.0, 9.0)) and w.v[0] == 0.0


def test_follow_trajectory_in_the_start_pose_frame():
    # The walker stands at (10, 5) facing north when the action starts: its x axis points
    # north, its y axis west, so (x, y) in its frame is (10 - y, 5 + x) in the world, and
    # headings turn by pi/2.
    _, w = world_from_yaml(
        STRAIGHT
        + """
entities:
  - name: a
    type: pedestrian
    initial: {position: {world: {x_m: 10, y_m: 5, heading_rad: 1.5707963267948966}}}
  - {name: e, type: car, initial: {position: {lane: {road: "1", lane: -1, s_m: 500}}}, behaviour: idle}
ego: {entity: e}
storyboard:
  - name: go
    trigger: {simulation_time: 1.0}
    actions:
      - follow_trajectory:
          entity: a
          frame: start_pose
          points:
            - {t_s: 0, x_m: 0, y_m: 0, heading_rad: 0}
            - {t_s: 4, x_m: 8, y_m: 0, heading_rad: 0}
            - {t_s: 6, x_m: 8, y_m: 4, heading_rad: 0.5}
"""
    )
    run(w, 1.0)
    assert (w.x[0], w.y[0], w.h[0]) == pytest.approx((10.0, 5.0, np.pi / 2))
    run(w, 2.0)  # half way along the first leg: 4 m ahead of the start, facing north
    assert (w.x[0], w.y[0]) == pytest.approx((10.0, 9.0), abs=1e-6)
    assert w.h[0] == pytest.approx(np.pi / 2)
    run(w, 5.0)  # the end: (8, 4) -> (6, 13), heading 0.5 + pi/2
    assert (w.x[0], w.y[0]) == pytest.approx((6.0, 13.0), abs=1e-6)
    assert w.h[0] == pytest.approx(0.5 + np.pi / 2) and w.v[0] == 0.0


def test_follow_trajectory_frame_is_checked():
    text = STRAIGHT + (
        "entities: [{name: e, type: car, initial: {position: {world: {x_m: 0, y_m: 0}}}}]\n"
        "storyboard:\n"
        "  - name: go\n"
        "    trigger: {simulation_time: 1.0}\n"
        "    actions:\n"
        "      - follow_trajectory: {entity: e, frame: body, points: "
        "[{t_s: 0, x_m: 0, y_m: 0}, {t_s: 1, x_m: 1, y_m: 0}]}\n"
    )
    with pytest.raises(ScenarioErrors) as caught:
        parse_scenario(text, file="test.yaml")
    (error,) = caught.value.errors
    assert error.path == ("storyboard", 0, "actions", 0, "follow_trajectory", "frame")
    assert error.line == 10
    assert error.message == "expected one of 'world', 'start_pose', got 'body'"


def test_teleport_and_lane_offset():
    _, w = world_from_yaml(
        STRAIGHT
        + """
entities:
  - {name: a, type: car, initial: {position: {lane: {road: "1", lane: -1, s_m: 10}}, speed_mps: 15}, behaviour: cruise}
ego: {entity: a}
storyboard:
  - name: jump
    trigger: {simulation_time: 1.0}
    actions: [{teleport: {entity: a, position: {lane: {road: "1", lane: -2, s_m: 1000}}}}]
  - name: drift
    trigger: {after_event: {event: jump, delay_s: 1.0}}
    actions: [{lane_offset: {entity: a, offset_m: 0.8, duration_s: 2}}]
"""
    )
    run(w, 1.05)
    assert w.x[0] == pytest.approx(1000.0, abs=1.0) and w.y[0] == pytest.approx(-5.25, abs=0.01)
    run(w, 8.0)
    # Kept driving in the new lane, 0.8 m left of its centre.
    assert w.y[0] == pytest.approx(-5.25 + 0.8, abs=0.05)
    assert w.v[0] == pytest.approx(15.0, abs=0.05)


def test_follow_route_takes_the_requested_turn():
    scenario_text = """
gauntlet: 1
name: t
map: {procedural: {generator: x_junction, params: {arm_length_m: 80}}}
entities:
  - {name: a, type: car, initial: {position: {lane: {road: "3", lane: -1, s_m: 30}}, speed_mps: 8}, behaviour: {cruise: {speed_mps: 8}}}
ego: {entity: a}
storyboard:
  - name: turn
    trigger: {simulation_time: 0.5}
    actions: [{follow_route: {entity: a, waypoints: [{lane: {road: "2", lane: 1, s_m: 40}}]}}]
"""
    _, w = world_from_yaml(scenario_text)
    run(w, 15.0)
    # Came from the south and turned right: now on the east arm, heading east.
    assert w.x[0] > 20.0 and abs(w.y[0]) < 3.0
    assert w.h[0] == pytest.approx(0.0, abs=0.1)
    assert not w.off_road[0]


def test_a_cyclist_rides_a_walk_path():
    # A bicycle (kinematic bicycle model) given walk waypoints rides them: east 30 m, then north.
    _, w = world_from_yaml(
        STRAIGHT
        + """
entities:
  - {name: e, type: car, initial: {position: {lane: {road: "1", lane: -1, s_m: 500}}}, behaviour: idle}
  - name: rider
    type: bicycle
    initial: {position: {world: {x_m: 10, y_m: 4}}}
    behaviour: {walk: {path: [{world: {x_m: 40, y_m: 4}}, {world: {x_m: 40, y_m: 30}}], speed_mps: 4}}
ego: {entity: e}
"""
    )
    run(w, 5.0)
    assert w.x[1] > 20.0 and w.y[1] == pytest.approx(4.0, abs=0.3)
    assert w.v[1] == pytest.approx(4.0, abs=0.3)
    run(w, 15.0)
    assert w.x[1] == pytest.approx(40.0, abs=1.5) and w.y[1] > 20.0
