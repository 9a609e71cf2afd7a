"""The ego's time series: TTC by hand calculation, against the runner's metric, downsampling."""

from __future__ import annotations

import numpy as np
import pytest

from gauntlet.evaluation.reports.timeseries import (
    downsample,
    ego_index,
    ego_timeseries,
    time_to_collision,
)
from gauntlet.evaluation.result import Status
from gauntlet.world.recorder import Trace


def _trace(x, y, h, speed, names=("ego", "other")) -> Trace:
    """A trace of two 4 m x 2 m cars; each argument has shape (steps, 2)."""
    arrays = {k: np.asarray(v, float) for k, v in {"x": x, "y": y, "h": h, "speed": speed}.items()}
    steps = arrays["x"].shape[0]
    zeros = np.zeros_like(arrays["x"])
    data = {**arrays, "z": zeros, "p": zeros, "r": zeros, "accel": zeros}
    return Trace(
        np.arange(steps) * 0.1,
        np.arange(2),
        tuple(names),
        ("car", "car"),
        np.array([4.0, 4.0]),
        np.array([2.0, 2.0]),
        data,
    )


def test_ttc_is_the_gap_over_the_closing_speed():
    # Centres 50 m apart, 4 m cars: a 46 m gap closed at 20 - 10 m/s takes 4.6 s.
    ttc, actor = time_to_collision(_trace([[0, 50]], [[0, 0]], [[0, 0]], [[20, 10]]), 0)
    assert ttc[0] == pytest.approx(4.6) and actor[0] == 1


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        ((50, 0.0, np.pi, 10), 46 / 30),  # oncoming: closing at 20 + 10 m/s
        ((50, 1.9, 0.0, 10), 4.6),  # still overlapping the ego's width
        ((50, 2.1, 0.0, 10), np.inf),  # beside the ego's path
        ((-50, 0.0, 0.0, 30), np.inf),  # behind the ego
        ((50, 0.0, 0.0, 25), np.inf),  # ahead but pulling away
        ((3, 0.0, 0.0, 10), 0.0),  # overlapping boxes: the gap is clamped to zero
    ],
)
def test_ttc_only_counts_actors_closing_in_the_path(other, expected):
    ox, oy, oh, ov = other
    ttc, actor = time_to_collision(_trace([[0, ox]], [[0, oy]], [[0, oh]], [[20, ov]]), 0)
    assert ttc[0] == pytest.approx(expected)
    assert actor[0] == (-1 if np.isinf(expected) else 1)


def test_ttc_is_computed_from_the_ego_column():
    trace = _trace([[50, 0]], [[0, 0]], [[0, 0]], [[10, 20]], names=("lead", "ego"))
    assert ego_index(trace) == 1
    series = ego_timeseries(trace)
    assert series.ego == 1 and series.speed_mps[0] == 20
    assert series.ttc_s[0] == pytest.approx(4.6) and series.ttc_actor[0] == 0


def test_minimum_ttc_matches_the_runners_metric(suite, results_dir):
    checked = 0
    for r in suite.results:
        if r.status is Status.ERROR:
            continue
        series = ego_timeseries(Trace.load(results_dir / r.trace))
        # The runner measures after each step, so the initial state does not count.
        smallest = series.ttc_s[1:].min()
        expected = r.metrics["min_ttc_s"]
        if expected < 0:
            assert np.isinf(smallest), r.id
        else:
            assert smallest == pytest.approx(expected, rel=1e-12), r.id
        checked += 1
    assert checked == 4


def test_downsampling_keeps_the_smallest_ttc_and_the_hardest_braking():
    n = 10_001
    t = np.arange(n) * 0.01
    x_ego = 10.0 * t
    trace = _trace(
        np.stack((x_ego, x_ego + 30 + 5 * np.cos(t)), axis=1),
        np.zeros((n, 2)),
        np.zeros((n, 2)),
        np.stack((np.full(n, 10.0), 10 - 5 * np.sin(t)), axis=1),
    )
    trace.data["accel"][4321, 0] = -9.0
    full = ego_timeseries(trace)
    small = downsample(full, 500)
    assert len(small) <= 500
    assert small.ttc_s.min() == full.ttc_s.min()
    assert small.accel_mps2.min() == -9.0
    assert small.time_s[0] == 0.0 and np.all(np.diff(small.time_s) > 0)
    assert downsample(full, n) is full
    with pytest.raises(ValueError, match="at least 1"):
        downsample(full, 0)
