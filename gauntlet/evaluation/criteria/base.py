"""What every criterion shares: the contract, the evaluation context and series helpers.

A criterion is updated after every world step and gives one verdict at the
end. Checks that need the live world (the state of a traffic light when the
ego crosses its stop line, the contact geometry of a new collision) run in
``update``; checks that only need positions and speeds read the world's
recorder once in ``result`` and work on whole time series as arrays, so that
they cost nothing per step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gauntlet.evaluation.result import CriterionResult, Status
from gauntlet.scenarios import schema as sc
from gauntlet.world.observation import EgoRoute
from gauntlet.world.world import World


@dataclass(frozen=True)
class EvaluationContext:
    """What criteria may look at: the world, the scenario, the ego and its route."""

    world: World
    scenario: sc.Scenario
    ego: int
    route: EgoRoute


@dataclass(frozen=True)
class RunFacts:
    """What the runner measured that the world does not hold, handed over after the run.

    Attributes:
        stack_latencies_s: Wall-clock time of every stack step, s (empty for
            playback stacks, which the runner does not call).
        stop_reason: Why the run ended (``duration``, ``collision``, ...).
    """

    stack_latencies_s: np.ndarray = field(default_factory=lambda: np.zeros(0))
    stop_reason: str = "duration"


class Criterion:
    """Base: subclasses set ``name``/``units`` and implement ``update`` and ``result``.

    ``finish`` is called once after the last step, before ``result``, with
    what the runner measured besides the world; most criteria ignore it.
    """

    name: str = ""
    units: str = ""

    def update(self, world: World) -> None:
        raise NotImplementedError

    def finish(self, facts: RunFacts) -> None:  # noqa: B027 - an optional hook
        """Receive the runner's measurements (default: ignore them)."""

    def result(self) -> CriterionResult:
        raise NotImplementedError

    def verdict(
        self,
        failed: bool,
        actual: float | None,
        threshold: float | None,
        events: list[dict[str, Any]] | tuple[dict[str, Any], ...] = (),
    ) -> CriterionResult:
        """A result under this criterion's name and units."""
        status = Status.FAIL if failed else Status.PASS
        return CriterionResult(self.name, status, actual, threshold, self.units, tuple(events))

    def not_evaluated(self, threshold: float | None, why: str) -> CriterionResult:
        """A NOT_EVALUATED result; the single event says why."""
        return CriterionResult(
            self.name,
            Status.NOT_EVALUATED,
            None,
            threshold,
            self.units,
            ({"time_s": 0.0, "reason": why},),
        )


class Passive(Criterion):
    """A criterion evaluated from the recorded series at the end; ``update`` does nothing."""

    def update(self, world: World) -> None:
        pass


@dataclass(frozen=True)
class Series:
    """One actor's recorded states, one row per recorded step (views, not copies)."""

    t: np.ndarray
    x: np.ndarray
    y: np.ndarray
    h: np.ndarray
    v: np.ndarray
    accel: np.ndarray

    @property
    def weights(self) -> np.ndarray:
        """Time each sample stands for: the step that ended at it (0 for the first)."""
        return np.diff(self.t, prepend=self.t[:1])

    @property
    def yaw_rate(self) -> np.ndarray:
        """Yaw rate from consecutive headings, rad/s (0 for the first sample)."""
        dh = wrap(np.diff(self.h, prepend=self.h[:1]))
        dt = self.weights
        return np.divide(dh, dt, out=np.zeros_like(dh), where=dt > 0)


def series(world: World, actor: int) -> Series:
    """The recorded states of ``actor`` so far."""
    rec = world.recorder
    k = rec.count
    b = rec.buffers
    return Series(
        rec.time[:k],
        b["x"][:k, actor],
        b["y"][:k, actor],
        b["h"][:k, actor],
        b["speed"][:k, actor],
        b["accel"][:k, actor],
    )


def wrap(angle: np.ndarray | float) -> np.ndarray:
    """Angles wrapped to ``[-pi, pi)``."""
    return (np.asarray(angle) + np.pi) % (2 * np.pi) - np.pi


def episodes(flags: np.ndarray) -> list[tuple[int, int]]:
    """``(first, stop)`` index ranges of the runs of True in ``flags``."""
    f = np.concatenate(([False], np.asarray(flags, dtype=bool), [False]))
    edges = np.flatnonzero(f[1:] != f[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def windowed_difference(values: np.ndarray, t: np.ndarray, window_s: float) -> np.ndarray:
    """``(f(t) - f(t - w)) / w``: the mean rate of change over the last ``window_s``.

    Before the series is ``window_s`` long, the first sample stands in for
    ``f(t - w)``. A step of height ``d`` in ``f`` gives ``d / w`` for ``w``.
    """
    if len(values) < 2:
        return np.zeros(len(values))
    dt = float(t[1] - t[0])
    lag = max(1, int(round(window_s / dt)))
    before = values[np.maximum(np.arange(len(values)) - lag, 0)]
    return (values - before) / (lag * dt)


def in_path_gaps(
    x: np.ndarray,
    y: np.ndarray,
    h: np.ndarray,
    length: np.ndarray,
    width: np.ndarray,
    a: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Bumper gaps from actor ``a`` to every other actor in its path ahead.

    ``x, y, h`` have shape ``(steps, actors)``; an actor is in ``a``'s path
    when it lies ahead of ``a``'s centre and their boxes overlap sideways
    (measured in ``a``'s frame). Returns the gaps ``(steps, actors - 1)``
    (``inf`` where not in the path) and the indices of the other actors.
    """
    others = np.flatnonzero(np.arange(x.shape[1]) != a)
    c, s = np.cos(h[:, a : a + 1]), np.sin(h[:, a : a + 1])
    dx, dy = x[:, others] - x[:, a : a + 1], y[:, others] - y[:, a : a + 1]
    lon = dx * c + dy * s
    lat = -dx * s + dy * c
    gap = lon - 0.5 * length[a] - 0.5 * length[others]
    in_path = (lon > 0) & (np.abs(lat) < 0.5 * (width[a] + width[others]))
    return np.where(in_path, np.maximum(gap, 0.0), np.inf), others


def ttc_series(
    x: np.ndarray,
    y: np.ndarray,
    h: np.ndarray,
    v: np.ndarray,
    length: np.ndarray,
    width: np.ndarray,
    a: int,
) -> np.ndarray:
    """Smallest constant-velocity time to collision from ``a`` to anything in its path, per row.

    Arrays have shape ``(steps, actors)``; the closing speed is ``a``'s speed
    minus the other's speed component along ``a``'s heading.
    """
    gap, others = in_path_gaps(x, y, h, length, width, a)
    closing = v[:, a : a + 1] - v[:, others] * np.cos(h[:, others] - h[:, a : a + 1])
    with np.errstate(invalid="ignore"):
        ttc = np.where(np.isfinite(gap) & (closing > 1e-6), gap / np.maximum(closing, 1e-6), np.inf)
    return ttc.min(axis=1) if ttc.shape[1] else np.full(x.shape[0], np.inf)


def ttc_to_all(world: World, a: int) -> float:
    """Smallest constant-velocity time to collision from ``a`` to anything in its path."""
    row = (world.x[None], world.y[None], world.h[None], world.v[None])
    return float(ttc_series(*row, world.length, world.width, a)[0])


class Extreme(Criterion):
    """Tracks the smallest or largest value of a per-step measurement against a bound."""

    def __init__(
        self,
        name: str,
        units: str,
        measure: Callable[[World], float],
        threshold: float,
        keep_min: bool,
    ) -> None:
        self.name, self.units = name, units
        self.measure, self.threshold, self.keep_min = measure, threshold, keep_min
        self.value = np.inf if keep_min else -np.inf
        self.at: float | None = None

    def update(self, world: World) -> None:
        v = self.measure(world)
        if (v < self.value) if self.keep_min else (v > self.value):
            self.value, self.at = v, world.time_s

    def result(self) -> CriterionResult:
        bad = self.value < self.threshold if self.keep_min else self.value > self.threshold
        actual = None if not np.isfinite(self.value) else float(self.value)
        events = ({"time_s": self.at, "value": actual},) if bad else ()
        return self.verdict(bool(bad), actual, self.threshold, events)
