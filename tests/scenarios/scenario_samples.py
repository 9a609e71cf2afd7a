"""Scenario texts and small helpers shared by the scenario tests."""

from __future__ import annotations

import re
from pathlib import Path

DOCS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "scenario-format.md"

#: The smallest valid scenario; tests append to it or replace parts of it.
MINIMAL = """\
gauntlet: 1
name: minimal
map: {procedural: {generator: straight}}
entities:
  - name: ego
    type: car
    initial:
      position: {lane: {road: "1", lane: -1, s_m: 10.0}}
      speed_mps: 10.0
"""


def docs_example() -> str:
    """The complete example scenario of docs/scenario-format.md."""
    page = DOCS_PAGE.read_text(encoding="utf-8")
    match = re.search(r"<!-- example: highway_cut_in -->\n```yaml\n(.*?)```", page, re.S)
    if match is None:
        raise AssertionError("the docs page lost its example block")
    return match.group(1)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th line of ``text`` that contains ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    if len(hits) < occurrence:
        raise AssertionError(f"{needle!r} not found {occurrence} times")
    return hits[occurrence - 1]


#: A scenario that uses every class of the format at least once.
EVERY_CLASS = """\
gauntlet: 1
name: every_class
description: "Literal $${not_a_parameter} stays text."
category: urban
tags: [junction, night]
seed: 42
dt_s: 0.02
parameters: {crossing_speed_mps: 1.2, flag: true, label: walker, label_size: 1, gap: 1.5}
variations:
  grid: {crossing_speed_mps: [1.0, 1.5]}
  ranges: {label_size: {start: 1, stop: 2, step: 1}}
  random: {gap: {low: 1, high: 2}}
  samples: 2
  method: uniform
map: {opendrive: maps/town.xodr}
ego:
  entity: ego
  stack: my_stacks.planner:Planner
  params: {horizon_s: 4.0, layers: [64, 64], mode: {name: fast}}
  step_budget_s: 0.05
entities:
  - name: ego
    type: car
    dimensions: {length_m: 4.5, width_m: 1.8}
    model: {name: dynamic_single_track, params: {tyre: pacejka, mu: 0.9}}
    limits: {max_speed_mps: 30, max_accel_mps2: 3, max_decel_mps2: 8, max_steer_rad: 0.6, max_steer_rate_radps: 0.5}
    initial: {position: {lane: {road: "7", lane: -1, s_m: 5, offset_m: 0.2, heading_rad: 0.1}}, speed_mps: 8}
    route: [{lane: {road: "7", lane: -1, s_m: 80}}, {world: {x_m: 100, y_m: 20, z_m: 1, heading_rad: 1.57}}]
  - name: bus
    type: bus
    behaviour: {idm: {desired_speed_mps: 12, time_headway_s: 2, lane_changes: false, politeness: 0.5}}
    initial: {position: {relative_lane: {entity: ego, ds_m: -20, lanes: 1, offset_m: 0.1}}}
  - name: walker
    type: pedestrian
    behaviour:
      walk:
        path: [{world: {x_m: 10, y_m: 5}}, {relative_world: {entity: ego, dx_m: 30, dy_m: -4, frame: world}}]
        speed_mps: ${crossing_speed_mps}
        loop: ${flag}
        yield_to_vehicles: true
    initial: {position: {relative_world: {entity: ego, dx_m: 25, dy_m: 6, dheading_rad: -1.57}}}
  - name: cyclist
    type: bicycle
    behaviour: {cruise: {speed_mps: 5}}
    initial: {position: {world: {x_m: 0, y_m: 3}}, speed_mps: 5}
  - name: box
    type: obstacle
    behaviour: idle
    initial: {position: {world: {x_m: 50, y_m: 0}}}
storyboard:
  - name: start
    trigger: {simulation_time: {value_s: 1, rule: ">"}}
    actions:
      - speed: {entity: bus, target_mps: 10, shape: sinusoidal, duration_s: 2}
      - traffic_light: {signal: "12", state: red, duration_s: 5}
  - name: squeeze
    trigger:
      all:
        - {after_event: {event: start, delay_s: 0.5}}
        - {distance: {entity: ego, other: bus, value_m: 15, rule: ">=", freespace: false}}
        - {headway: {entity: ego, other: cyclist, value_s: 1.2}}
    actions:
      - lane_change: {entity: bus, lanes: -1, duration_s: 5, shape: linear}
      - lane_offset: {entity: cyclist, offset_m: 0.5}
  - name: react
    trigger:
      any:
        - {time_to_collision: {entity: ego, other: walker, value_s: 3, rule: "<="}}
        - {speed: {entity: ego, value_mps: 12}}
        - {reached_position: {entity: ego, position: {lane: {road: "7", lane: -1, s_m: 60}}, tolerance_m: 1}}
        - {traveled_distance: {entity: ego, value_m: 100}}
    actions:
      - follow_route: {entity: cyclist, waypoints: [{lane: {road: "8", lane: 1, s_m: 10}}]}
      - follow_trajectory:
          entity: box
          timing: absolute
          points: [{t_s: 2, x_m: 50, y_m: 0}, {t_s: 4, x_m: 52, y_m: 1, heading_rad: 0.4}]
      - teleport: {entity: walker, position: {world: {x_m: 12, y_m: 5}}}
      - assign_behaviour: {entity: bus, behaviour: {idm: {}}}
      - stop: {entity: cyclist, decel_mps2: 2}
      - keep_distance: {entity: bus, other: ego, time_gap_s: 2, side: behind, freespace: false, max_accel_mps2: 1, max_decel_mps2: 3, max_speed_mps: 20}
traffic_lights:
  - {signals: ["12", "13"], green_s: 15, yellow_s: 3, red_s: 20, offset_s: 4}
static_geometry:
  - site.ply
  - file: scan.pcd
    pose: {x_m: 30, y_m: 12, z_m: 0.1, heading_rad: 0.5, scale: 1.5}
    semantic: vegetation
    kind: points
    voxel_m: 0.2
    collision: false
stop:
  duration_s: 60
  on_collision: false
  when: [{reached_position: {entity: ego, position: {world: {x_m: 100, y_m: 20}}}}]
criteria:
  - collision
  - off_road: {entity: ego}
  - reach: {position: {world: {x_m: 100, y_m: 20}}, tolerance_m: 5}
  - min_ttc: {threshold_s: 1.0}
  - min_distance: {threshold_m: 0.5, other: walker}
  - max_decel: {threshold_mps2: 6}
  - max_speed: {threshold_mps: 14}
  - standstill: {entity: ego, speed_below_mps: 0.2}
  - lane_departure: {tolerance_m: 0.2}
  - wrong_way: {min_duration_s: 2}
  - red_light
  - stop_sign: {stop_speed_mps: 0.3}
  - speeding: {tolerance_mps: 1}
  - route_completion: {min_pct: 90}
  - scenario_timeout: {position: {world: {x_m: 100, y_m: 20}}}
  - blocked: {max_duration_s: 60}
  - min_headway: {threshold_s: 0.8}
  - pet: {threshold_s: 1.5, other: walker}
  - max_jerk: {threshold_mps3: 5}
  - max_lateral_accel: {threshold_mps2: 3}
  - max_yaw_rate: {threshold_radps: 0.5}
  - comfort: {max_jerk_mps3: 9}
  - stack_latency: {threshold_ms: 50, percentile: 95}
  - min_speed: {checkpoints: 2}
  - outside_route_lanes: {max_pct: 5}
"""
