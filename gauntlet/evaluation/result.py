"""Plain, JSON-serialisable results of criteria, scenarios and suites."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """Outcome of a criterion or a scenario."""

    PASS = "PASS"
    FAIL = "FAIL"
    NOT_EVALUATED = "NOT_EVALUATED"
    ERROR = "ERROR"


@dataclass(frozen=True)
class CriterionResult:
    """One criterion's verdict with the measured value and the bound it was held to."""

    name: str
    status: Status
    actual: float | None
    threshold: float | None
    units: str
    events: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["status"] = self.status.value
        d["events"] = list(self.events)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CriterionResult:
        return cls(
            d["name"],
            Status(d["status"]),
            d["actual"],
            d["threshold"],
            d["units"],
            tuple(d["events"]),
        )


@dataclass(frozen=True)
class ScenarioResult:
    """The outcome of one concrete scenario run.

    ``status`` is FAIL if any criterion failed, ERROR if the run could not
    complete (bad input, a crashing stack), PASS otherwise.
    """

    id: str
    name: str
    file: str
    category: str
    tags: tuple[str, ...]
    seed: int
    stack: str
    status: Status
    criteria: tuple[CriterionResult, ...] = ()
    metrics: dict[str, float] = field(default_factory=dict)
    sim_time_s: float = 0.0
    wall_time_s: float = 0.0
    steps: int = 0
    stop_reason: str = ""
    error: str | None = None
    trace: str | None = None
    plot: str | None = None

    @property
    def failed_criteria(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.status is Status.FAIL]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["status"] = self.status.value
        d["tags"] = list(self.tags)
        d["criteria"] = [c.to_dict() for c in self.criteria]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ScenarioResult:
        d = dict(d)
        d["status"] = Status(d["status"])
        d["tags"] = tuple(d["tags"])
        d["criteria"] = tuple(CriterionResult.from_dict(c) for c in d["criteria"])
        return cls(**d)


def overall_status(criteria: list[CriterionResult]) -> Status:
    """FAIL if any criterion failed, else PASS."""
    return Status.FAIL if any(c.status is Status.FAIL for c in criteria) else Status.PASS
