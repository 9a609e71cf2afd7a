"""The V2X radio in a world: stations, rates, penetration, inboxes, SPaT, CPM and determinism."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.runner.single import RunOptions, simulate
from gauntlet.scenarios import ScenarioError, parse_scenario
from gauntlet.sensors.v2x import (
    BasicSafetyMessage,
    CollectivePerceptionMessage,
    HazardMessage,
    MapMessage,
    SpatMessage,
)
from gauntlet.world.builder import build_world
from gauntlet.world.observation import EgoRoute, observe
from gauntlet.world.signals import Cycle

from .helpers import STRAIGHT, run, world_from_yaml

EGO = """
entities:
  - name: ego
    type: car
    initial: {position: {lane: {road: "1", lane: -1, s_m: 100}}, speed_mps: 10}
    behaviour: {cruise: {}}
"""


def _car(name: str, s_m: float, extra: str = "") -> str:
    return f"""
  - name: {name}
    type: car
    initial: {{position: {{lane: {{road: "1", lane: -2, s_m: {s_m}}}}}, speed_mps: 10}}
    behaviour: {{cruise: {{}}}}{extra}
"""


def _collect(world, ego: int, seconds: float) -> list:
    got = []
    for _ in range(int(round(seconds / world.dt))):
        world.step()
        got.extend(world.v2x.inbox(ego).messages)
    return got


def test_bsm_rate_latency_and_content():
    text = (
        STRAIGHT
        + EGO
        + _car("other", 130, "\n    v2x: {connected: true}")
        + "v2x: {channel: {latency_s: 0.2}, bsm_rate_hz: 10}\n"
    )
    _, world = world_from_yaml(text)
    got = _collect(world, 0, 10.0)
    bsms = [m for m in got if isinstance(m, BasicSafetyMessage)]
    # 10 Hz for 10 s, less those still in flight at the end (0.2 s latency): 98 to 100.
    assert 98 <= len(bsms) <= 101
    assert all(m.sender == "other" and m.station_id == 1 for m in bsms)
    times = np.array([m.time_s for m in bsms])
    assert np.allclose(np.diff(times), 0.1, atol=1e-9)
    last = bsms[-1]
    # It left 0.2 s before the end and describes the car then: 10 m/s along +x from s = 130.
    assert last.time_s == pytest.approx(world.time_s - 0.2, abs=0.051)
    assert last.x_m == pytest.approx(130.0 + 10.0 * last.time_s, abs=0.05)
    assert last.speed_mps == pytest.approx(10.0)
    assert (last.length_m, last.width_m) == (world.length[1], world.width[1])
    assert not last.emergency and not last.hard_braking


def test_unconnected_ego_has_no_inbox_and_costs_nothing():
    text = STRAIGHT + EGO.replace(
        "behaviour: {cruise: {}}", "behaviour: {cruise: {}}\n    v2x: {connected: false}"
    )
    text += _car("other", 130, "\n    v2x: {connected: true}") + "v2x: {}\n"
    _, world = world_from_yaml(text)
    run(world, 1.0)
    assert world.v2x.inbox(0) is None
    assert world.v2x.sent == 0
    route = EgoRoute(world, 0, 500.0)
    assert "v2x" not in observe(world, route).sensors


def test_penetration_rate_by_numbers_and_by_seed():
    cars = "".join(_car(f"c{k}", 120 + 12 * k) for k in range(200))
    text = STRAIGHT + EGO + cars + "v2x: {penetration: 0.3}\n"
    scenario = parse_scenario(text, "p.yaml")
    worlds = [build_world(scenario, seed=s) for s in (1, 1, 2)]
    connected = [w.v2x.connected - {0} for w in worlds]
    assert connected[0] == connected[1] != connected[2]
    # Binomial(200, 0.3): sd 6.5.
    assert abs(len(connected[0]) - 60) < 4 * math.sqrt(200 * 0.21)
    assert 0 in worlds[0].v2x.connected  # the ego, by default


def test_explicit_flags_override_the_draw():
    text = (
        STRAIGHT
        + EGO
        + _car("never", 130, "\n    v2x: {connected: false}")
        + _car("always", 150, "\n    v2x: {connected: true}")
        + _car("siren", 170, "\n    v2x: {emergency: true}")
        + "v2x: {penetration: 1.0}\n"
    )
    _, world = world_from_yaml(text)
    assert world.v2x.connected == {0, 2, 3}
    got = _collect(world, 0, 1.0)
    flags = {m.sender: m.emergency for m in got if isinstance(m, BasicSafetyMessage)}
    assert flags == {"always": False, "siren": True}


def test_hard_braking_flag_and_vehicle_hazard():
    text = (
        STRAIGHT
        + EGO
        + _car("stopper", 160, "\n    v2x: {connected: true, hazard: stationary_vehicle}")
        + "storyboard:\n  - name: brake\n    trigger: {simulation_time: 1.0}\n"
        + "    actions: [{stop: {entity: stopper, decel_mps2: 6.0}}]\n"
        + "v2x: {channel: {latency_s: 0.0}}\n"
    )
    _, world = world_from_yaml(text)
    got = _collect(world, 0, 5.0)
    bsms = [m for m in got if isinstance(m, BasicSafetyMessage)]
    braking = [m.time_s for m in bsms if m.hard_braking]
    # Told to stop at 1.0 s; the brake actuator's lag passes 4 m/s² after about 0.3 s, and
    # the car stands at about 1.0 + 0.3 + 10 / 7 s (it brakes at up to 7.5 m/s²).
    assert braking and min(braking) == pytest.approx(1.3, abs=0.11)
    assert max(braking) == pytest.approx(2.6, abs=0.15)
    hazards = [m for m in got if isinstance(m, HazardMessage)]
    assert hazards and min(m.time_s for m in hazards) > 2.5
    h = hazards[-1]
    assert (h.cause, h.event_id) == ("stationary_vehicle", "stopper/stationary_vehicle")
    assert h.valid_until_s == pytest.approx(h.time_s + 2.0)


JUNCTION = """
gauntlet: 1
name: j
map: {procedural: {generator: x_junction, params: {arm_length_m: 100, signalised: true}}}
traffic_lights:
  - {signals: [sig_north, sig_south], green_s: 10, yellow_s: 3, red_s: 12, offset_s: 5}
  - {signals: [sig_east, sig_west], green_s: 10, yellow_s: 3, red_s: 12, offset_s: 17.5}
entities:
  - name: ego
    type: car
    initial: {position: {lane: {road: "3", lane: -1, s_m: 20}}}
    behaviour: idle
v2x:
  channel: {latency_s: 0.0}
  roadside_units:
    - name: rsu
      position: {world: {x_m: 12, y_m: -12}}
      spat: {signals: [sig_south], rate_hz: 10, map_rate_hz: 1}
"""


def test_spat_state_and_next_change_match_the_cycle():
    _, world = world_from_yaml(JUNCTION)
    got = _collect(world, 0, 12.0)
    spats = [m for m in got if isinstance(m, SpatMessage)]
    maps = [m for m in got if isinstance(m, MapMessage)]
    assert 118 <= len(spats) <= 121 and 11 <= len(maps) <= 13
    cycle = Cycle(10, 3, 12, 5)
    for m in spats:
        (phase,) = m.phases
        shown_at = m.time_s - world.dt  # the world shows the states of the step's start
        assert phase.state == cycle.state_at(shown_at)
        change_at, next_state = cycle.next_change(shown_at)
        assert (phase.change_at_s, phase.next_state) == (pytest.approx(change_at), next_state)
    # Green from 0 to 5 s, yellow to 8 s, red to 20 s.
    assert [p.change_at_s for p in spats[0].phases] == [pytest.approx(5.0)]
    (line,) = maps[0].stop_lines
    # The south approach's stop line: end of road 3, lane -1 (x = 1.75, y = -9.5), heading north.
    assert (line.signal_id, line.x_m, line.y_m) == (
        "sig_south",
        pytest.approx(1.75),
        pytest.approx(-9.5),
    )
    assert line.heading_rad == pytest.approx(math.pi / 2)


def test_unknown_signal_of_a_roadside_unit_is_located():
    text = JUNCTION.replace("spat: {signals: [sig_south]", "spat: {signals: [sig_sooth]")
    scenario = parse_scenario(text, "rsu.yaml")
    with pytest.raises(ScenarioError) as info:
        build_world(scenario)
    err = info.value
    assert (err.file, err.path) == ("rsu.yaml", ("v2x", "roadside_units", 0, "spat", "signals", 0))
    assert (
        err.line
        == text.splitlines().index(next(line for line in text.splitlines() if "sig_sooth" in line))
        + 1
    )
    assert "unknown signal 'sig_sooth'" in str(err)


def test_roadside_hazard_window_and_cpm_from_a_roadside_sensor():
    text = (
        STRAIGHT
        + EGO
        + _car("seen", 140)
        + """v2x:
  channel: {latency_s: 0.0}
  roadside_units:
    - name: rsu
      position: {world: {x_m: 150, y_m: 5}}
      hazards:
        - {cause: road_works, position: {world: {x_m: 300, y_m: -1.75}}, radius_m: 8, from_s: 1.0, until_s: 2.0, rate_hz: 5}
      perception: {sensor: {range_m: 60}, rate_hz: 5}
"""
    )
    _, world = world_from_yaml(text)
    got = _collect(world, 0, 3.0)
    hazards = [m for m in got if isinstance(m, HazardMessage)]
    assert 4 <= len(hazards) <= 6
    assert all(1.0 <= m.time_s < 2.0 and m.valid_until_s == 2.0 for m in hazards)
    assert (hazards[0].x_m, hazards[0].radius_m) == (300.0, 8.0)
    cpms = [m for m in got if isinstance(m, CollectivePerceptionMessage)]
    assert 14 <= len(cpms) <= 16
    # The roadside sensor sees the other car; the ego (the receiver) is left out.
    assert all(m.ids.tolist() == [1] for m in cpms)
    assert cpms[0].xy[0, 0] == pytest.approx(140.0 + 10.0 * cpms[0].time_s, abs=0.05)


def test_connected_trace_is_bit_identical_and_v2x_does_not_disturb_the_rest():
    text = (
        STRAIGHT
        + EGO
        + _car("a", 130, "\n    v2x: {connected: true}")
        + "v2x: {channel: {loss: 0.4, jitter: exponential, jitter_s: 0.05}}\n"
        + "stop: {duration_s: 8}\n"
    )
    scenario = parse_scenario(text, "d.yaml")
    w1, _ = simulate(scenario, RunOptions(plots=False))
    w2, _ = simulate(scenario, RunOptions(plots=False))
    t1, t2 = w1.recorder.trace(), w2.recorder.trace()
    for channel in t1.data:
        assert np.array_equal(t1.data[channel], t2.data[channel]), channel
    assert (w1.v2x.sent, w1.v2x.delivered) == (w2.v2x.sent, w2.v2x.delivered)
    assert 0.5 < w1.v2x.delivered / w1.v2x.sent < 0.7
    # The world's own generator is untouched by the radio.
    plain = parse_scenario(
        text.replace("\n    v2x: {connected: true}", "").split("v2x:")[0], "p.yaml"
    )
    assert plain.v2x is None
    assert w1.rng.bit_generator.state == build_world(plain).rng.bit_generator.state
