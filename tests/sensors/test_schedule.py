"""The frame-sensor schedule: the steps it fires at, worked out by hand."""

from __future__ import annotations

import pytest

from gauntlet.sensors.schedule import FrameSchedule


def firing_steps(schedule: FrameSchedule, dt_s: float, steps: int) -> list[int]:
    """Steps ``k`` (world time ``k * dt_s``, as the world keeps it) at which it fires."""
    return [k for k in range(steps) if schedule.due(k * dt_s)]


@pytest.mark.parametrize(
    ("rate_hz", "dt_s", "steps", "expected"),
    [
        # due 0, 0.1, 0.2, ...: every second step of 0.05 s
        (10.0, 0.05, 10, [0, 2, 4, 6, 8]),
        # due 0, 1/3, 2/3, 1, 4/3: first steps at or after are 0, 0.4, 0.7, 1.0, 1.4
        (3.0, 0.1, 15, [0, 4, 7, 10, 14]),
        # due 0, 0.25, 0.5, 0.75, 1.0: steps at 0, 0.3, 0.5, 0.8, 1.0
        (4.0, 0.1, 11, [0, 3, 5, 8, 10]),
        # due k/7: 0, .143, .286, .429, .571, .714, .857, 1.0 -> 0, .15, .3, .45, .6, .75, .9, 1.0
        (7.0, 0.05, 21, [0, 3, 6, 9, 12, 15, 18, 20]),
        # faster than the world: once a step, never twice
        (30.0, 0.1, 6, [0, 1, 2, 3, 4, 5]),
        # exactly the step rate
        (20.0, 0.05, 5, [0, 1, 2, 3, 4]),
    ],
)
def test_fires_at_the_first_step_at_or_after_each_due_time(
    rate_hz: float, dt_s: float, steps: int, expected: list[int]
) -> None:
    assert firing_steps(FrameSchedule.at_rate(rate_hz), dt_s, steps) == expected


def test_faster_than_the_world_keeps_its_own_grid() -> None:
    s = FrameSchedule.at_rate(30.0)
    assert s.due(0.0) and s.due(0.1)
    # due times 0, 1/30, ..., 3/30 = 0.1 passed; the next is 4/30, not 0.1 + 1/30 re-phased
    assert s.next_s == pytest.approx(4.0 / 30.0)


def test_starts_when_first_asked_when_no_start_is_given() -> None:
    # first asked at 0.2 s, then due 0.45 and 0.7: steps at 0.2, 0.5, 0.7
    s = FrameSchedule(0.25, None)
    assert [k for k in range(2, 9) if s.due(k * 0.1)] == [2, 5, 7]


def test_period_zero_is_due_every_time_it_is_asked() -> None:
    s = FrameSchedule(0.0, None)
    assert [s.due(t) for t in (0.3, 0.3, 0.35, 1.0)] == [True, True, True, True]
    assert s.next_s == 1.0


def test_not_due_before_start() -> None:
    s = FrameSchedule.at_rate(10.0, start_s=0.5)
    assert [k for k in range(10) if s.due(k * 0.1)] == [5, 6, 7, 8, 9]
