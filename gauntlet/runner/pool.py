"""Run scenarios in isolated child processes, a few at a time.

Each scenario runs in a process forked from the parent, which has already
loaded (and compiled) everything a run needs, so a child starts in
milliseconds. A child that crashes, is killed, exceeds its memory limit or
runs past its timeout becomes an ERROR result with the reason; the other
scenarios go on and every finished result is handed to ``on_result`` at once.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import resource
import signal
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from gauntlet.evaluation.result import ScenarioResult, Status
from gauntlet.runner.single import RunOptions, run_scenario, scenario_id
from gauntlet.scenarios import schema as sc

#: How long to wait for a killed child to go, s.
_REAP_S = 5.0


@dataclass(frozen=True)
class Limits:
    """Per-scenario limits: wall-clock timeout and address-space cap (None: unlimited)."""

    timeout_s: float | None = 600.0
    memory_mb: int | None = None


def _child(
    conn: Connection, scenario: sc.Scenario, options: RunOptions, memory_mb: int | None
) -> None:
    try:
        os.setpgid(0, 0)  # own process group: a timeout kills what the stack started too
        if memory_mb:
            cap = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        result = run_scenario(scenario, options)
        conn.send(result)
    except BaseException:  # noqa: BLE001 - report anything, then leave
        # If even this fails, the parent reports the lost child.
        with contextlib.suppress(Exception):
            conn.send(traceback.format_exc(limit=8))
    finally:
        conn.close()
        os._exit(0)


@dataclass
class _Running:
    index: int
    process: mp.Process
    conn: Connection
    started: float


def _error(scenario: sc.Scenario, options: RunOptions, message: str, wall: float) -> ScenarioResult:
    return ScenarioResult(
        id=scenario_id(scenario),
        name=scenario.name,
        file=scenario.source.file if scenario.source else "",
        category=scenario.category,
        tags=scenario.tags,
        seed=scenario.seed if options.seed is None else options.seed,
        stack=options.stack or scenario.ego.stack,
        status=Status.ERROR,
        wall_time_s=wall,
        stop_reason="error",
        error=message,
    )


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "the worker did not finish"
    if code < 0:
        name = (
            signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        )
        hint = " (killed: out of memory?)" if -code == signal.SIGKILL else ""
        return f"the worker died from signal {name}{hint}"
    return f"the worker exited with code {code} without a result"


def _kill(proc: mp.Process) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.join(_REAP_S)


def run_isolated(
    scenarios: Sequence[sc.Scenario],
    options: RunOptions,
    jobs: int,
    limits: Limits | None = None,
    on_result: Callable[[int, ScenarioResult], None] | None = None,
) -> list[ScenarioResult]:
    """Run every scenario in its own child process, ``jobs`` at a time.

    Returns the results in input order. ``on_result(index, result)`` is
    called as each one finishes.
    """
    limits = limits or Limits()
    ctx = mp.get_context("fork")
    results: list[ScenarioResult | None] = [None] * len(scenarios)
    queue = list(range(len(scenarios)))[::-1]
    running: dict[int, _Running] = {}

    def finish(index: int, result: ScenarioResult) -> None:
        results[index] = result
        if on_result is not None:
            on_result(index, result)

    while queue or running:
        while queue and len(running) < max(1, jobs):
            k = queue.pop()
            recv, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(
                target=_child, args=(send, scenarios[k], options, limits.memory_mb), daemon=True
            )
            proc.start()
            send.close()
            running[k] = _Running(k, proc, recv, time.monotonic())
        timeout = None
        if limits.timeout_s is not None:
            now = time.monotonic()
            timeout = max(0.0, min(r.started + limits.timeout_s - now for r in running.values()))
        ready = wait([r.conn for r in running.values()], timeout=timeout)
        now = time.monotonic()
        for r in list(running.values()):
            wall = now - r.started
            if r.conn in ready:
                try:
                    payload = r.conn.recv()
                except (EOFError, OSError):
                    r.process.join(_REAP_S)
                    payload = _describe_exit(r.process.exitcode)
                r.process.join(_REAP_S)
                if r.process.is_alive():
                    _kill(r.process)
                r.conn.close()
                del running[r.index]
                scenario = scenarios[r.index]
                if isinstance(payload, ScenarioResult):
                    finish(r.index, payload)
                else:
                    finish(r.index, _error(scenario, options, str(payload), wall))
            elif limits.timeout_s is not None and wall >= limits.timeout_s:
                _kill(r.process)
                r.conn.close()
                del running[r.index]
                finish(
                    r.index,
                    _error(
                        scenarios[r.index], options, f"timed out after {limits.timeout_s:g} s", wall
                    ),
                )
    return [r for r in results if r is not None]
