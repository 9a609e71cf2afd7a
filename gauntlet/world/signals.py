"""Traffic-light states: fixed-time cycles per signal group, and storyboard overrides."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RED, YELLOW, GREEN, OFF = "red", "yellow", "green", "off"


@dataclass(frozen=True)
class Cycle:
    """A fixed-time plan: green, then yellow, then red; ``offset_s`` into the cycle at t=0."""

    green_s: float
    yellow_s: float
    red_s: float
    offset_s: float = 0.0

    @property
    def period_s(self) -> float:
        return self.green_s + self.yellow_s + self.red_s

    def state_at(self, t: float) -> str:
        phase = (t + self.offset_s) % self.period_s
        if phase < self.green_s:
            return GREEN
        if phase < self.green_s + self.yellow_s:
            return YELLOW
        return RED

    def next_change(self, t: float) -> tuple[float, str]:
        """When after ``t`` the state next changes, and to what (zero-length phases skipped)."""
        phase = (t + self.offset_s) % self.period_s
        now = self.state_at(t)
        after_green = YELLOW if self.yellow_s > 0.0 else RED
        bounds = (
            (self.green_s, after_green),
            (self.green_s + self.yellow_s, RED),
            (self.period_s, GREEN),
        )
        for bound, state in bounds:
            if bound > phase and state != now:
                return t - phase + bound, state
        return t - phase + self.period_s + self.green_s, after_green


class SignalController:
    """States of all signals in a world.

    Each signal has a cycle (or none: permanently ``off``) and may be forced to
    a state by the storyboard, for a time or for good.
    """

    def __init__(self, cycles: dict[str, Cycle | None]) -> None:
        self.ids = sorted(cycles)
        self.cycles = cycles
        self._override: dict[str, tuple[str, float]] = {}
        self.states: dict[str, str] = {sid: OFF for sid in self.ids}
        #: The time ``states`` hold for (that of the last update).
        self.updated_s = 0.0

    def force(self, signal_id: str, state: str, until_s: float = np.inf) -> None:
        """Hold ``signal_id`` in ``state`` until simulation time ``until_s``."""
        if signal_id not in self.cycles:
            raise KeyError(signal_id)
        self._override[signal_id] = (state, until_s)

    def next_change(self, signal_id: str, t: float) -> tuple[float, str]:
        """When after ``t`` the signal's state next changes, and to what (``inf`` if never)."""
        cycle = self.cycles[signal_id]
        forced = self._override.get(signal_id)
        if forced is not None and t < forced[1]:
            if not np.isfinite(forced[1]):
                return np.inf, forced[0]
            return forced[1], cycle.state_at(forced[1]) if cycle is not None else OFF
        if cycle is None:
            return np.inf, OFF
        return cycle.next_change(t)

    def update(self, t: float) -> dict[str, str]:
        """Recompute every state for time ``t``; returns ``{signal_id: state}``."""
        self.updated_s = t
        for sid in self.ids:
            forced = self._override.get(sid)
            if forced is not None and t < forced[1]:
                self.states[sid] = forced[0]
                continue
            cycle = self.cycles[sid]
            self.states[sid] = cycle.state_at(t) if cycle is not None else OFF
        return self.states


def default_cycles(
    groups: list[list[str]], green_s: float = 20.0, yellow_s: float = 3.0
) -> dict[str, Cycle]:
    """Fixed-time plans that give each group green in turn (all-red between is the yellow)."""
    n = max(len(groups), 1)
    period = n * (green_s + yellow_s)
    cycles: dict[str, Cycle] = {}
    for k, group in enumerate(groups):
        red = period - green_s - yellow_s
        offset = (period - k * (green_s + yellow_s)) % period
        for sid in group:
            cycles[sid] = Cycle(green_s, yellow_s, max(red, 1e-6), offset)
    return cycles
