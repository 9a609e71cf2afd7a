"""Backing up (negative target speeds) and keeping a distance, against hand calculations."""

from __future__ import annotations

import numpy as np
import pytest

from gauntlet.scenarios.errors import ScenarioErrors
from tests.world.helpers import STRAIGHT, run, world_from_yaml

CAR = '{{name: {name}, type: car, initial: {{position: {{lane: {{road: "1", lane: -1, s_m: {s}}}}}, speed_mps: {v}}}, behaviour: {{cruise: {{speed_mps: {v}}}}}}}'


def _reversing_world(action: str):
    return world_from_yaml(
        STRAIGHT
        + f"""
entities:
  - {CAR.format(name="car", s=100, v=0)}
ego: {{entity: car}}
storyboard:
  - name: back
    trigger: {{simulation_time: 1.0}}
    actions: [{action}]
"""
    )[1]


def test_a_step_to_minus_2_mps_backs_up_2_m_every_second():
    w = _reversing_world("{speed: {entity: car, target_mps: -2, shape: step}}")
    x0, y0 = w.x[0], w.y[0]
    run(w, 6.0)
    # Standing for 1 s, then 5 s at -2 m/s along the heading (+x): 10 m back, exactly.
    assert w.v[0] == pytest.approx(-2.0)
    assert w.x[0] - x0 == pytest.approx(-10.0, abs=1e-9)
    assert w.y[0] == pytest.approx(y0) and w.h[0] == pytest.approx(0.0)


def test_a_linear_change_to_minus_2_mps_at_1_mps2():
    w = _reversing_world("{speed: {entity: car, target_mps: -2, shape: linear, rate_mps2: 1.0}}")
    x0 = w.x[0]
    accel = []
    for _ in range(int(round(8.0 / w.dt))):
        w.step()
        accel.append(w.accel[0])
    # The target is reached 2 s after the start at 1 m/s^2 (2 m), then 5 s at -2 m/s (10 m).
    assert w.v[0] == pytest.approx(-2.0, abs=1e-3)
    assert w.x[0] - x0 == pytest.approx(-12.0, abs=0.1)  # the actuator lag costs 7 cm
    # Backwards only, at about the commanded rate (the speed loop overshoots by a quarter).
    assert max(accel) < 0.2 and min(accel) > -1.3
    assert np.mean(accel[: int(round(3.0 / w.dt))]) == pytest.approx(-2.0 / 3.0, abs=0.01)


def test_the_reverse_speed_limit_holds():
    w = _reversing_world("{speed: {entity: car, target_mps: -10, shape: step}}")
    run(w, 3.0)
    assert w.v[0] == pytest.approx(-3.0)  # the car preset's max_reverse_speed_mps


def test_braking_to_a_standstill_after_reversing_does_not_reverse_again():
    w = world_from_yaml(
        STRAIGHT
        + """
entities:
  - {name: car, type: car, initial: {position: {lane: {road: "1", lane: -1, s_m: 100}}, speed_mps: -2}, behaviour: cruise}
ego: {entity: car}
storyboard:
  - name: forward
    trigger: {simulation_time: 1.0}
    actions: [{speed: {entity: car, target_mps: 3, shape: linear, rate_mps2: 2.0}}]
  - name: stop
    trigger: {simulation_time: 6.0}
    actions: [{stop: {entity: car, decel_mps2: 6.0}}]
"""
    )[1]
    x0 = w.x[0]
    run(w, 1.0)
    assert w.x[0] - x0 == pytest.approx(-2.0, abs=1e-9)  # starts backing up at 2 m/s
    run(w, 9.0)
    assert w.v[0] == 0.0  # stopped exactly at 0: forward-only again


def test_keep_distance_converges_within_its_limits():
    _, w = world_from_yaml(
        STRAIGHT
        + f"""
entities:
  - {CAR.format(name="lead", s=200, v=15)}
  - {CAR.format(name="car", s=170, v=15)}
ego: {{entity: lead}}
storyboard:
  - name: keep
    trigger: {{simulation_time: 0.0}}
    actions:
      - keep_distance: {{entity: car, other: lead, distance_m: 10, max_accel_mps2: 2.0, max_decel_mps2: 3.0}}
"""
    )
    gaps, accel = [], []
    for _ in range(int(round(30.0 / w.dt))):
        w.step()
        gaps.append(w.x[0] - w.x[1] - 4.7)  # bumper gap of two 4.7 m cars
        accel.append(w.accel[1])
    # 30 m between centres is a 25.3 m free gap: 15.3 m to close, never overshooting.
    assert gaps[-1] == pytest.approx(10.0, abs=0.01)
    assert min(gaps) > 10.0 - 0.01
    assert w.v[1] == pytest.approx(15.0, abs=0.01)
    assert max(accel) <= 2.0 + 1e-9 and min(accel) >= -3.0 - 1e-9
    assert not w.collisions


def test_keep_distance_time_gap_from_ahead():
    _, w = world_from_yaml(
        STRAIGHT
        + f"""
entities:
  - {CAR.format(name="ref", s=100, v=10)}
  - {CAR.format(name="car", s=110, v=10)}
ego: {{entity: ref}}
storyboard:
  - name: keep
    trigger: {{simulation_time: 0.0}}
    actions:
      - keep_distance: {{entity: car, other: ref, time_gap_s: 2.0, side: ahead, freespace: false}}
"""
    )
    run(w, 40.0)
    assert w.x[1] - w.x[0] == pytest.approx(20.0, abs=0.05)  # 2 s at the reference's 10 m/s


def test_keep_distance_needs_exactly_one_of_distance_and_time_gap():
    with pytest.raises(ScenarioErrors, match="exactly one of distance_m, time_gap_s"):
        world_from_yaml(
            STRAIGHT
            + f"""
entities:
  - {CAR.format(name="ref", s=100, v=10)}
  - {CAR.format(name="car", s=110, v=10)}
ego: {{entity: ref}}
storyboard:
  - name: keep
    trigger: {{simulation_time: 0.0}}
    actions: [{{keep_distance: {{entity: car, other: ref}}}}]
"""
        )
