"""What the reference stack makes of V2X messages, by hand-checked numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.agents.cooperative import (
    GLOSA_MARGIN_S,
    CooperativeAwareness,
    CooperativeControl,
    SignalByV2X,
)
from gauntlet.agents.stack import EgoState, EpisodeInfo, ObjectList, Observation
from gauntlet.sensors.v2x import (
    BasicSafetyMessage,
    CollectivePerceptionMessage,
    HazardMessage,
    MapMessage,
    SignalPhase,
    SpatMessage,
    StopLine,
    V2XInbox,
)

# A straight route along +x from x = 0, sampled every metre.
S = np.arange(0.0, 1001.0)
INFO = EpisodeInfo(
    scenario="t",
    dt_s=0.05,
    seed=0,
    ego_name="ego",
    route_xy=np.stack((S, np.zeros_like(S)), axis=1),
    route_s=S,
    route_heading=np.zeros_like(S),
    max_accel_mps2=3.0,
    max_decel_mps2=9.0,
    max_steer_rad=0.6,
)


def _objects(ids=(), xy=()) -> ObjectList:
    n = len(ids)
    return ObjectList(
        ids=np.array(ids, dtype=np.int64),
        types=("car",) * n,
        xy=np.array(xy, dtype=float).reshape(n, 2),
        heading=np.zeros(n),
        velocity=np.zeros((n, 2)),
        length=np.full(n, 4.5),
        width=np.full(n, 1.8),
    )


def _obs(t: float, x: float, v: float, messages=(), objects=None) -> Observation:
    ego = EgoState(x, 0.0, 0.0, v, 0.0, 0.0, 4.7, 1.9, 2.8)
    return Observation(
        time_s=t,
        ego=ego,
        objects=objects if objects is not None else _objects(),
        route_s=x,
        route_lateral_m=0.0,
        speed_limit_mps=13.9,
        sensors={"v2x": V2XInbox(t, tuple(messages))},
    )


def _bsm(t, x, y=0.0, v=10.0, heading=0.0, station=7, emergency=False) -> BasicSafetyMessage:
    return BasicSafetyMessage(
        f"car{station}", t, station, "car", x, y, heading, v, 0.0, 4.5, 1.8, emergency=emergency
    )


def test_no_inbox_keeps_it_inactive():
    aware = CooperativeAwareness(INFO)
    obs = Observation(0.0, EgoState(0, 0, 0, 10, 0, 0, 4.7, 1.9, 2.8), _objects(), 0.0, 0.0, 13.9)
    aware.update(obs)
    assert not aware.active
    assert aware.objects(obs) is obs.objects


def test_bsm_objects_are_moved_to_now_and_perceived_ones_win():
    aware = CooperativeAwareness(INFO)
    obs = _obs(2.0, 0.0, 10.0, [_bsm(1.8, 50.0, station=7), _bsm(1.9, 80.0, station=3)])
    aware.update(obs)
    objs = aware.objects(obs)
    assert objs.ids.tolist() == [3, 7]
    # 10 m/s along +x for 0.1 s and 0.2 s.
    assert objs.xy[:, 0] == pytest.approx([81.0, 52.0])
    assert objs.velocity[:, 0] == pytest.approx([10.0, 10.0])
    perceived = _objects([7], [(51.0, 0.0)])
    obs = _obs(2.0, 0.0, 10.0, objects=perceived)
    aware.update(obs)
    merged = aware.objects(obs)
    assert merged.ids.tolist() == [7, 3]
    assert merged.xy[0, 0] == 51.0  # the sensor's own measurement


def test_old_messages_are_forgotten():
    aware = CooperativeAwareness(INFO, max_age_s=1.0)
    aware.update(_obs(1.0, 0.0, 10.0, [_bsm(1.0, 50.0)]))
    obs = _obs(2.05, 0.0, 10.0)
    aware.update(obs)
    assert len(aware.objects(obs)) == 0


def test_cpm_objects_join_but_not_twice():
    cpm = CollectivePerceptionMessage(
        "rsu", 3.0, (60.0, 5.0), np.array([4, 7]), ("pedestrian", "car"),
        np.array([[60.0, -4.0], [70.0, 0.0]]), np.zeros(2), np.array([[0.0, 1.5], [0.0, 0.0]]),
        np.array([0.5, 4.5]), np.array([0.5, 1.8]),
    )  # fmt: skip
    aware = CooperativeAwareness(INFO)
    obs = _obs(3.5, 0.0, 10.0, [_bsm(3.4, 71.0, station=7), cpm])
    aware.update(obs)
    objs = aware.objects(obs)
    assert objs.ids.tolist() == [7, 4]  # the BSM describes actor 7; the CPM adds the walker
    assert objs.types == ("car", "pedestrian")
    assert objs.xy[1] == pytest.approx([60.0, -4.0 + 1.5 * 0.5])


SPAT_LINE = MapMessage("rsu", 0.0, (StopLine("sig", 100.0, 0.3, 0.0, 3.5),
                                    StopLine("other", 100.0, 3.5, math.pi, 3.5)))  # fmt: skip


def _spat(t, state, change_at, next_state):
    return SpatMessage("rsu", t, (SignalPhase("sig", state, change_at, next_state),))


def test_map_stop_lines_are_matched_to_the_route():
    aware = CooperativeAwareness(INFO)
    obs = _obs(0.0, 20.0, 12.0, [SPAT_LINE, _spat(0.0, "red", 8.0, "green")])
    aware.update(obs)
    sig = aware.signal(obs)
    # Only the line in the ego's lane and direction; front bumper 20 + 2.35 from it.
    assert sig == SignalByV2X("sig", pytest.approx(100.0 - 20.0 - 2.35), "red", 8.0, "green")
    aware.update(_obs(7.5, 55.0, 5.0, [_spat(7.5, "red", 8.0, "green")]))
    later = _obs(8.0, 60.0, 5.0)
    aware.update(later)
    assert aware.signal(later).state == "green"  # the announced change has happened
    assert math.isinf(aware.signal(later).change_at_s)


def test_glosa_uniform_deceleration_by_hand():
    control = CooperativeControl(comfort_decel_mps2=3.0)
    aware = CooperativeAwareness(INFO)
    obs = _obs(0.0, 20.0 - 2.35, 12.0, [SPAT_LINE, _spat(0.0, "red", 8.0, "green")])
    aware.update(obs)
    control.update(aware, obs, INFO)
    # d = 80 m, v = 12 m/s, arrive at 8 + 1 = 9 s: a = 2 (80 - 12 * 9) / 81 = -0.691 m/s²,
    # arriving at 2 * 80 / 9 - 12 = 5.78 m/s: advice, no stop.
    assert GLOSA_MARGIN_S == 1.0
    assert control.glosa_accel == pytest.approx(2 * (80 - 108) / 81)
    assert not control.hold and math.isinf(control.stop_gap())


def test_red_too_long_for_advice_holds_and_keeps_holding():
    control = CooperativeControl(comfort_decel_mps2=3.0)
    aware = CooperativeAwareness(INFO)
    obs = _obs(0.0, 60.0 - 2.35, 12.0, [SPAT_LINE, _spat(0.0, "red", 20.0, "green")])
    aware.update(obs)
    control.update(aware, obs, INFO)
    # d = 40 m, arrive at 21 s: arrival speed 80 / 21 - 12 < 4 m/s: stop at the line.
    assert control.hold and control.stop_gap() == pytest.approx(40.0)
    # Slower and nearer, advice would now work (a = 2 (10 - 1 * 2) / 4 = 4 m/s² up, arriving at
    # 9 m/s), but the ego keeps stopping for this red rather than flip-flopping.
    near = _obs(19.0, 90.0 - 2.35, 1.0)
    aware.update(near)
    control.update(aware, near, INFO)
    assert control.hold


def test_yellow_holds_only_when_comfortable():
    aware = CooperativeAwareness(INFO)
    obs = _obs(0.0, 60.0 - 2.35, 12.0, [SPAT_LINE, _spat(0.0, "yellow", 3.0, "red")])
    aware.update(obs)
    control = CooperativeControl(comfort_decel_mps2=3.0)
    control.update(aware, obs, INFO)
    assert control.hold  # 144 / 80 = 1.8 m/s² < 3
    near = _obs(0.1, 85.0 - 2.35, 12.0)
    aware.update(near)
    control.update(aware, near, INFO)
    assert not control.hold  # 144 / 30 = 4.8 m/s² > 3


def test_hazard_gap_by_hand():
    aware = CooperativeAwareness(INFO)
    hazard = HazardMessage("rsu", 0.0, "h", "road_works", 100.0, 1.0, 3.0, 10.0)
    obs = _obs(0.0, 20.0, 10.0, [hazard])
    aware.update(obs)
    # Reach 3 + 1.9 / 2 + 0.5 = 4.45 m; the route enters it at 100 - sqrt(4.45² - 1²).
    entry = 100.0 - math.sqrt(4.45**2 - 1.0)
    assert aware.hazard_gap(obs) == pytest.approx(entry - 20.0 - 2.35)
    beside = HazardMessage("rsu", 0.0, "h2", "road_works", 100.0, 5.0, 3.0, 10.0)
    aware2 = CooperativeAwareness(INFO)
    aware2.update(_obs(0.0, 20.0, 10.0, [beside]))
    assert math.isinf(aware2.hazard_gap(_obs(0.0, 20.0, 10.0)))
    expired = _obs(10.0, 20.0, 10.0)
    aware.update(expired)
    assert math.isinf(aware.hazard_gap(expired))


def test_emergency_vehicle_behind_in_lane():
    def behind(msg) -> bool:
        aware = CooperativeAwareness(INFO)
        obs = _obs(1.0, 200.0, 10.0, [msg])
        aware.update(obs)
        return aware.emergency_behind(obs)

    assert behind(_bsm(1.0, 150.0, v=20.0, emergency=True))
    assert not behind(_bsm(1.0, 150.0, v=20.0))  # no siren
    assert not behind(_bsm(1.0, 250.0, v=20.0, emergency=True))  # ahead
    assert not behind(_bsm(1.0, 150.0, y=3.5, v=20.0, heading=math.pi, emergency=True))  # oncoming
    assert not behind(_bsm(1.0, 30.0, v=20.0, emergency=True))  # 170 m back


def test_pull_over_ramps_at_its_rate_and_needs_a_network():
    aware = CooperativeAwareness(INFO)
    control = CooperativeControl(3.0)
    obs = _obs(1.0, 200.0, 10.0, [_bsm(1.0, 150.0, v=20.0, emergency=True)])
    aware.update(obs)
    control.update(aware, obs, INFO)
    # Without a road network the stack cannot tell where it may go: it only slows down.
    assert control.yielding and control.pull_over_offset == 0.0 and control.slow_down
