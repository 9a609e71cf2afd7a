"""The skill executor: the stack of the ``skill`` domain (built-in stack name ``skill``).

It runs a skill's steps in order, one primitive at a time: precondition
check, start, one update per control tick until done or timed out, success
check. The first failure ends the skill. Every step leaves a
:class:`StepRecord` (what ran, how long, how it ended).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gauntlet.skills.primitives import Primitive, make_primitive
from gauntlet.skills.world import CONTROL_DT_S, Cell


@dataclass(frozen=True)
class SkillEpisode:
    """What the executor learns at reset: the skill's name and steps, and the cell."""

    skill: str
    steps: tuple[Any, ...]
    cell: Cell


@dataclass
class StepRecord:
    """How one step went: kind, target, status (ok, failed, timeout, precondition), times (s)."""

    kind: str
    target: str
    status: str = "pending"
    start_s: float = 0.0
    end_s: float = 0.0
    reason: str = ""


@dataclass
class SkillExecutor:
    """Runs primitives in order. ``step(cell)`` returns True once the skill has ended."""

    records: list[StepRecord] = field(default_factory=list)

    def reset(self, info: SkillEpisode) -> None:
        self.cell = info.cell
        self.steps = list(info.steps)
        self.index = 0
        self.current: Primitive | None = None
        self.started_tick = 0
        self.failed = False
        self.records = [
            StepRecord(type(s).KIND, getattr(s, "target", "") or getattr(s, "object", ""))
            for s in self.steps
        ]

    @property
    def succeeded(self) -> bool:
        """All steps ran and each achieved its effect."""
        return not self.failed and all(r.status == "ok" for r in self.records)

    def _finish(self, status: str, reason: str = "") -> None:
        record = self.records[self.index]
        record.status, record.end_s, record.reason = status, self.cell.time_s, reason
        if status != "ok":
            self.failed = True
        self.index += 1
        self.current = None

    def step(self, obs: Cell) -> bool:
        """Advance the running primitive by one control tick; True when the skill is over."""
        if self.failed or self.index >= len(self.steps):
            return True
        if self.current is None:
            primitive = make_primitive(self.steps[self.index], obs)
            unmet = primitive.preconditions()
            self.records[self.index].start_s = obs.time_s
            if unmet:
                self._finish("precondition", "; ".join(unmet))
                return True
            primitive.start()
            self.current = primitive
            self.started_tick = obs.ticks
        primitive = self.current
        done = primitive.update()
        elapsed = (obs.ticks - self.started_tick) * CONTROL_DT_S
        if done:
            ok = primitive.succeeded()
            self._finish("ok" if ok else "failed", "" if ok else "success condition not met")
        elif elapsed >= primitive.timeout_s:
            self._finish("timeout", f"no result within {primitive.timeout_s:g} s")
        return self.failed or self.index >= len(self.steps)

    def close(self) -> None:
        """Nothing to release: the cell belongs to the runner."""
