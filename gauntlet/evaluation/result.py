"""Plain, JSON-serialisable results of criteria, scenarios and suites."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from gauntlet import __version__

#: Version of the results.json layout; bump on any incompatible change.
RESULTS_SCHEMA_VERSION = 1


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
    scores: dict[str, float] = field(default_factory=dict)
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


@dataclass(frozen=True)
class SuiteResult:
    """All scenario results of one run, with when and how it ran."""

    results: tuple[ScenarioResult, ...]
    started: str
    wall_time_s: float
    jobs: int
    stack: str | None
    meta: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        c = {s.value: 0 for s in Status if s is not Status.NOT_EVALUATED}
        for r in self.results:
            c[r.status.value] += 1
        c["total"] = len(self.results)
        return c

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": RESULTS_SCHEMA_VERSION,
            "gauntlet_version": __version__,
            "started": self.started,
            "wall_time_s": self.wall_time_s,
            "jobs": self.jobs,
            "stack": self.stack,
            "machine": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
            },
            "summary": self.counts(),
            "scenarios": [r.to_dict() for r in self.results],
            **self.meta,
        }

    def write_json(self, path: Path) -> None:
        """Write ``results.json`` (see docs/results.md)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2, allow_nan=False) + "\n")

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SuiteResult:
        """Read back what :meth:`to_dict` wrote."""
        known = {
            "schema_version",
            "gauntlet_version",
            "started",
            "wall_time_s",
            "jobs",
            "stack",
            "machine",
            "summary",
            "scenarios",
        }
        return cls(
            results=tuple(ScenarioResult.from_dict(s) for s in d["scenarios"]),
            started=d["started"],
            wall_time_s=d["wall_time_s"],
            jobs=d["jobs"],
            stack=d["stack"],
            meta={k: v for k, v in d.items() if k not in known},
        )

    @classmethod
    def read_json(cls, path: Path) -> SuiteResult:
        """Load a ``results.json``."""
        return cls.from_dict(json.loads(Path(path).read_text()))
