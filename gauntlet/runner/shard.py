"""Split a suite across CI jobs, stably."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from gauntlet.runner.single import scenario_id
from gauntlet.scenarios import schema as sc


def parse_shard(text: str) -> tuple[int, int]:
    """``"i/n"`` (1-based) as ``(i, n)``; raises ValueError with what was expected."""
    try:
        i_text, n_text = text.split("/")
        i, n = int(i_text), int(n_text)
    except ValueError:
        raise ValueError(f"--shard expects i/n such as 2/4, got {text!r}") from None
    if not 1 <= i <= n:
        raise ValueError(f"--shard {text}: i must be between 1 and n")
    return i, n


def shard_of(scenario_id_text: str, count: int) -> int:
    """The 1-based shard a scenario id belongs to (a hash: adding scenarios moves no others)."""
    digest = hashlib.sha1(scenario_id_text.encode()).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def select_shard(scenarios: Sequence[sc.Scenario], index: int, count: int) -> list[sc.Scenario]:
    """The scenarios of shard ``index`` of ``count``."""
    return [s for s in scenarios if shard_of(scenario_id(s), count) == index]
