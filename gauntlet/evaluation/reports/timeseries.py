"""The ego's speed, acceleration and time to collision over a run, read from its trace.

Time to collision (TTC) is the one the ``min_ttc_s`` metric and the
``min_ttc`` criterion use: constant velocities, only actors ahead whose box
overlaps the ego's sideways (the gaps of
:func:`gauntlet.evaluation.criteria.base.in_path_gaps`), bumper-to-bumper gap
over the closing speed along the ego's heading. All steps and actors are
computed at once as ``(steps, actors)`` arrays; unlike
:func:`~gauntlet.evaluation.criteria.base.ttc_series` this also says which
actor gives the smallest TTC.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gauntlet.evaluation.criteria.base import in_path_gaps
from gauntlet.world.recorder import Trace

#: Closing speeds at or below this are treated as "not closing" (TTC infinite).
MIN_CLOSING_MPS = 1e-6


@dataclass(frozen=True)
class EgoTimeseries:
    """Per-step quantities of the ego, all of shape ``(steps,)``.

    Attributes:
        time_s: Simulation time of each step.
        speed_mps: Ego speed.
        accel_mps2: Ego longitudinal acceleration (negative when braking).
        ttc_s: Smallest time to collision to any other actor; ``inf`` when
            nothing is closing in the ego's path.
        ttc_actor: Trace column of the actor giving ``ttc_s``; -1 where it is infinite.
        ego: Trace column of the ego.
        names: Actor names, indexed by trace column.
    """

    time_s: np.ndarray
    speed_mps: np.ndarray
    accel_mps2: np.ndarray
    ttc_s: np.ndarray
    ttc_actor: np.ndarray
    ego: int
    names: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.time_s)


def ego_index(trace: Trace, name: str = "ego") -> int:
    """Trace column of the ego: the actor called ``name``, else the first actor."""
    return trace.names.index(name) if name in trace.names else 0


def time_to_collision(trace: Trace, ego: int) -> tuple[np.ndarray, np.ndarray]:
    """Time to collision from ``ego`` to every other actor at every step.

    Args:
        trace: A recorded run.
        ego: Trace column of the ego.

    Returns:
        ``(ttc_s, actor)``: the smallest TTC per step (``inf`` where no actor
        is closing in the ego's path) and the trace column of that actor (-1
        where the TTC is infinite).
    """
    x, y, h, v = (trace.data[c] for c in ("x", "y", "h", "speed"))
    steps, n = x.shape
    if n < 2 or steps == 0:
        return np.full(steps, np.inf), np.full(steps, -1, dtype=np.int64)
    length, width = np.asarray(trace.length, float), np.asarray(trace.width, float)
    gap, others = in_path_gaps(x, y, h, length, width, ego)
    closing = v[:, [ego]] - v[:, others] * np.cos(h[:, others] - h[:, [ego]])
    with np.errstate(invalid="ignore"):
        pair_ttc = np.where(
            np.isfinite(gap) & (closing > MIN_CLOSING_MPS),
            gap / np.maximum(closing, MIN_CLOSING_MPS),
            np.inf,
        )
    nearest = np.argmin(pair_ttc, axis=1)
    ttc = np.take_along_axis(pair_ttc, nearest[:, None], axis=1)[:, 0]
    actor = np.where(np.isfinite(ttc), others[nearest], -1)
    return ttc, actor


def ego_timeseries(trace: Trace, ego: int | None = None) -> EgoTimeseries:
    """Speed, acceleration and time to collision of the ego over the whole trace.

    Args:
        trace: A recorded run.
        ego: Trace column of the ego; by default the actor called ``ego``, else column 0.
    """
    k = ego_index(trace) if ego is None else ego
    ttc, actor = time_to_collision(trace, k)
    return EgoTimeseries(
        time_s=np.asarray(trace.time, float),
        speed_mps=np.asarray(trace.data["speed"][:, k], float),
        accel_mps2=np.asarray(trace.data["accel"][:, k], float),
        ttc_s=ttc,
        ttc_actor=actor,
        ego=k,
        names=trace.names,
    )


def _pick(values: np.ndarray, stride: int, key: np.ndarray) -> np.ndarray:
    """One value per bucket of ``stride`` samples: the one where ``key`` is smallest."""
    buckets = math.ceil(len(values) / stride)
    pad = buckets * stride - len(values)
    keyed = np.concatenate((key, np.full(pad, np.inf))).reshape(buckets, stride)
    rows = np.argmin(keyed, axis=1) + np.arange(buckets) * stride
    return values[rows]


def downsample(series: EgoTimeseries, max_points: int = 1500) -> EgoTimeseries:
    """At most ``max_points`` samples, keeping what a plot must not lose.

    Each bucket of consecutive samples keeps its first time and speed, the
    acceleration of largest magnitude and the smallest TTC, so short braking
    peaks and TTC dips survive.
    """
    if max_points < 1:
        raise ValueError(f"max_points must be at least 1, got {max_points}")
    n = len(series)
    if n <= max_points:
        return series
    stride = math.ceil(n / max_points)
    first = np.zeros(n)
    first[::stride] = -1.0
    return EgoTimeseries(
        time_s=_pick(series.time_s, stride, first),
        speed_mps=_pick(series.speed_mps, stride, first),
        accel_mps2=_pick(series.accel_mps2, stride, -np.abs(series.accel_mps2)),
        ttc_s=_pick(series.ttc_s, stride, series.ttc_s),
        ttc_actor=_pick(series.ttc_actor, stride, series.ttc_s),
        ego=series.ego,
        names=series.names,
    )
