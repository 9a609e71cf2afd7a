"""The run journal: every finished result appended at once, so a run can resume."""

from __future__ import annotations

import json
import os
from pathlib import Path

from gauntlet.evaluation.result import ScenarioResult

JOURNAL_NAME = "results.partial.jsonl"


class Journal:
    """One JSON line per finished scenario in ``<results dir>/results.partial.jsonl``."""

    def __init__(self, out_dir: Path) -> None:
        self.path = Path(out_dir) / JOURNAL_NAME

    def load(self) -> dict[str, ScenarioResult]:
        """Results recorded so far, by scenario id (a torn last line is ignored)."""
        done: dict[str, ScenarioResult] = {}
        if not self.path.is_file():
            return done
        for line in self.path.read_text().splitlines():
            try:
                result = ScenarioResult.from_dict(json.loads(line))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError):
                continue
            done[result.id] = result
        return done

    def start(self, keep: bool) -> None:
        """Begin a run: keep what is there (resume) or start afresh."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not keep and self.path.exists():
            self.path.unlink()

    def append(self, result: ScenarioResult) -> None:
        """Record one result durably."""
        with self.path.open("a") as f:
            f.write(json.dumps(result.to_dict(), allow_nan=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
