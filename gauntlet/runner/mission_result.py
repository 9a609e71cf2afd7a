"""What every non-driving domain runner shares: the run's header, its artefacts, its result.

A domain runner (:mod:`gauntlet.runner.domains`) asks :func:`run_header` for
the id, seed and stack of a run, writes its trace and figure with
:func:`write_artifacts`, and returns :func:`mission_result`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gauntlet.evaluation.result import CriterionResult, ScenarioResult, overall_status
from gauntlet.runner.single import RunOptions, safe_name
from gauntlet.scenarios.domains import seed_of, stack_of
from gauntlet.scenarios.variations import scenario_id


@dataclass(frozen=True)
class RunHeader:
    """Id, seed and stack of one run (the options override the scenario's own)."""

    id: str
    seed: int
    stack: str
    started: float


def run_header(scenario: Any, options: RunOptions) -> RunHeader:
    """The header of a run of ``scenario``; starts its wall clock."""
    return RunHeader(
        id=scenario_id(scenario),
        seed=seed_of(scenario, options.seed),
        stack=stack_of(scenario, options.stack),
        started=time.perf_counter(),
    )


def write_artifacts(
    options: RunOptions,
    run_id: str,
    trace: Mapping[str, np.ndarray] | Callable[[Path], None],
    draw: Callable[[Path], None] | None,
) -> tuple[str | None, str | None]:
    """Write ``<out>/scenarios/<id>.trace.npz`` and, with plots on, ``<id>.png``.

    Every domain, driving included, writes its artefacts here, so their
    names and relative paths are the same everywhere.

    Args:
        options: The run's options; nothing is written without ``out_dir``.
        run_id: The scenario id (made file-system safe here).
        trace: The trace's arrays (written as a compressed ``.npz``), or a
            callback that writes the trace into the path it is given.
        draw: Draws the figure into the path it is given; ``None``: no figure.

    Returns:
        The trace and figure paths relative to ``out_dir`` (``None`` when not written).
    """
    if options.out_dir is None:
        return None, None
    root = Path(options.out_dir)
    folder = root / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    stem = safe_name(run_id)
    trace_path = folder / f"{stem}.trace.npz"
    if callable(trace):
        trace(trace_path)
    else:
        np.savez_compressed(trace_path, **trace)
    plot = None
    if options.plots and draw is not None:
        png = folder / f"{stem}.png"
        draw(png)
        plot = str(png.relative_to(root))
    return str(trace_path.relative_to(root)), plot


def mission_result(
    scenario: Any,
    header: RunHeader,
    *,
    criteria: Sequence[CriterionResult],
    metrics: dict[str, float],
    sim_time_s: float,
    steps: int,
    stop_reason: str,
    artifacts: tuple[str | None, str | None] = (None, None),
) -> ScenarioResult:
    """The :class:`ScenarioResult` of a finished run; its status is the criteria's."""
    trace, plot = artifacts
    return ScenarioResult(
        id=header.id,
        name=scenario.name,
        file=scenario.source.file if scenario.source is not None else "",
        category=scenario.category,
        tags=tuple(scenario.tags),
        seed=header.seed,
        stack=header.stack,
        status=overall_status(list(criteria)),
        criteria=tuple(criteria),
        metrics=metrics,
        sim_time_s=float(sim_time_s),
        wall_time_s=time.perf_counter() - header.started,
        steps=int(steps),
        stop_reason=stop_reason,
        trace=trace,
        plot=plot,
    )
