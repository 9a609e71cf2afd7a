"""Collisions by class and fault, time headway, TTC and post-encroachment time."""

from __future__ import annotations

import pytest

from gauntlet.evaluation.criteria import collision_class
from gauntlet.evaluation.result import Status
from tests.evaluation.helpers import CAR_LENGTH_M, CAR_WIDTH_M, criterion, run, straight

EGO = 'initial: {{position: {{lane: {{road: "1", lane: -1, s_m: 20}}}}, speed_mps: {speed}}}'


def _other(name: str, kind: str, s: float, speed: float = 0.0, behaviour: str = "idle") -> str:
    return (
        f"  - {{name: {name}, type: {kind}, behaviour: {behaviour}, initial: "
        f'{{position: {{lane: {{road: "1", lane: -1, s_m: {s}}}}}, speed_mps: {speed}}}}}'
    )


@pytest.mark.parametrize(
    ("kind", "cls"),
    [
        ("obstacle", "static"),
        ("pedestrian", "pedestrian"),
        ("bicycle", "cyclist"),
        ("car", "vehicle"),
    ],
)
def test_driving_into_something_ahead_is_an_at_fault_collision_of_its_class(kind, cls):
    text = straight(EGO.format(speed=10), others=_other("thing", kind, 50))
    c = criterion(run(text)[1], "collision")
    assert c.status is Status.FAIL and c.actual == 1.0
    (event,) = c.events
    assert event["other"] == "thing" and event["other_class"] == cls == collision_class(kind)
    assert event["at_fault"] is True and event["fault_rule"] == "front"


def test_a_standing_ego_hit_from_behind_is_not_at_fault():
    text = straight(
        EGO.format(speed=0),
        others=_other("rammer", "car", 5, 10, "{cruise: {speed_mps: 10}}"),
        criteria="[collision, {collision: {at_fault_only: true}}]",
    )
    _, result = run(text)
    everything, at_fault = result.criteria
    assert everything.status is Status.FAIL and everything.events[0]["fault_rule"] == "stopped"
    assert at_fault.status is Status.PASS and at_fault.actual == 0.0


def test_a_slow_ego_in_its_lane_hit_from_behind_is_not_at_fault():
    text = straight(
        EGO.format(speed=2),
        others=_other("rammer", "car", 5, 12, "{cruise: {speed_mps: 12}}"),
    )
    (event,) = criterion(run(text)[1], "collision").events
    assert event["at_fault"] is False and event["fault_rule"] == "none"


def test_min_headway_behind_a_lead_at_the_same_speed():
    # Centres 25 m apart: bumper gap 25 - 4.7 = 20.3 m, at 10 m/s a headway of 2.03 s.
    text = straight(
        EGO.format(speed=10),
        others=_other("lead", "car", 45, 10, "{cruise: {speed_mps: 10}}"),
        criteria="[min_headway: {threshold_s: 2.5}, min_ttc: {threshold_s: 1.0}]",
    )
    _, result = run(text)
    headway = criterion(result, "min_headway")
    assert headway.status is Status.FAIL
    assert headway.actual == pytest.approx((25.0 - CAR_LENGTH_M) / 10.0)
    assert headway.events[0]["leader"] == "lead"
    ttc = criterion(result, "min_ttc")
    assert ttc.status is Status.PASS and ttc.actual is None  # never closing in


def test_min_ttc_closing_on_a_standing_car():
    # 30 m between centres, 25.3 m between bumpers, closing at 10 m/s: 2.53 s at the start.
    text = straight(
        EGO.format(speed=10),
        others=_other("parked", "car", 50),
        criteria="[min_ttc: {threshold_s: 3.0}]",
        duration_s=1.0,
    )
    c = criterion(run(text)[1], "min_ttc")
    assert c.status is Status.FAIL
    # The last recorded step, 1 s later, is 10 m closer.
    assert c.actual == pytest.approx((30.0 - CAR_LENGTH_M - 10.0) / 10.0)


def test_post_encroachment_time_of_a_crossing_pedestrian():
    # The ego drives along y = -1.75 at 10 m/s from x = 20; the pedestrian walks
    # north along x = 60 at 1 m/s from y = -8. They cross at (60, -1.75).
    walker = """  - name: walker
    type: pedestrian
    behaviour: idle
    initial: {position: {world: {x_m: 60, y_m: -8, heading_rad: 1.5707963}}}"""
    story = """storyboard:
  - name: walk
    trigger: {simulation_time: 0}
    actions:
      - follow_trajectory: {entity: walker, timing: absolute, points: [{t_s: 0, x_m: 60, y_m: -8}, {t_s: 12, x_m: 60, y_m: 4}]}"""
    text = straight(
        EGO.format(speed=10),
        others=walker,
        criteria="[pet: {threshold_s: 2.0}]",
        duration_s=10,
        extra=story,
    )
    world, result = run(text)
    c = criterion(result, "pet")
    walker_length, walker_width = world.length[1], world.width[1]
    # The ego leaves the conflict area when its centre is L/2 + w_walker/2 past x = 60.
    ego_leaves = (40.0 + CAR_LENGTH_M / 2 + walker_width / 2) / 10.0
    # The walker enters it when its centre is l_walker/2 + W/2 before y = -1.75.
    walker_enters = 6.25 - walker_length / 2 - CAR_WIDTH_M / 2
    assert c.actual == pytest.approx(walker_enters - ego_leaves, abs=0.01)
    assert c.status is Status.FAIL  # under 2 s
    (event,) = c.events
    assert event["other"] == "walker" and (event["x_m"], event["y_m"]) == pytest.approx((60, -1.75))
    assert event["time_s"] == pytest.approx(walker_enters, abs=0.01)


def test_no_crossing_means_no_post_encroachment_time():
    text = straight(
        EGO.format(speed=10),
        others=_other("lead", "car", 60, 10, "{cruise: {speed_mps: 10}}"),
        criteria="[pet]",
    )
    c = criterion(run(text)[1], "pet")
    assert c.status is Status.PASS and c.actual is None
