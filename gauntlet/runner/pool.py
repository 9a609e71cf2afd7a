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

from gauntlet.evaluation.result import ScenarioResult
from gauntlet.runner.single import RunOptions, error_result, run_scenario
from gauntlet.scenarios import schema as sc

#: How long to wait for a killed child to go, s.
_REAP_S = 5.0


@dataclass(frozen=True)
class Limits:
    """Per-scenario limits: wall-clock timeout and address-space cap (None: unlimited)."""

    timeout_s: float | None = 600.0
    memory_mb: int | None = None


def _worker(conn: Connection, memory_mb: int | None) -> None:
    """Run scenarios sent over ``conn`` until it closes; send back each result."""
    os.setpgid(0, 0)  # own process group: a timeout kills what the stack started too
    if memory_mb:
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        while True:
            try:
                task = conn.recv()
            except (EOFError, OSError):
                break
            if task is None:  # the parent's stop message
                break
            scenario, options = task
            try:
                conn.send(run_scenario(scenario, options))
            except BaseException:  # noqa: BLE001 - report anything; the parent replaces this worker
                with contextlib.suppress(Exception):
                    conn.send(traceback.format_exc(limit=8))
                break
    finally:
        conn.close()
        os._exit(0)


class _Worker:
    """A forked worker process and its pipe."""

    def __init__(self, ctx: mp.context.BaseContext, memory_mb: int | None) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_worker, args=(child, memory_mb), daemon=True)
        self.process.start()
        child.close()
        self.task: int | None = None
        self.started = 0.0

    def submit(self, index: int, scenario: sc.Scenario, options: RunOptions) -> None:
        self.task, self.started = index, time.monotonic()
        self.conn.send((scenario, options))

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            self.process.kill()
        self.process.join(_REAP_S)
        self.conn.close()

    def stop(self) -> None:
        # An explicit message: later workers hold copies of this pipe's end, so
        # closing it here would not reach the worker as end-of-file.
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.process.join(_REAP_S)
        self.conn.close()
        if self.process.is_alive():
            self.kill()


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
    workers = [_Worker(ctx, limits.memory_mb) for _ in range(min(max(1, jobs), len(scenarios)))]

    def finish(index: int, result: ScenarioResult) -> None:
        results[index] = result
        if on_result is not None:
            on_result(index, result)

    def replace_worker(w: _Worker, message: str) -> None:
        index = w.task
        w.kill()
        workers[workers.index(w)] = _Worker(ctx, limits.memory_mb)
        if index is not None:
            finish(
                index,
                error_result(scenarios[index], options, message, time.monotonic() - w.started),
            )

    try:
        while True:
            for w in workers:
                if w.task is None and queue:
                    k = queue.pop()
                    w.submit(k, scenarios[k], options)
            busy = [w for w in workers if w.task is not None]
            if not busy:
                break
            timeout = None
            if limits.timeout_s is not None:
                timeout = max(
                    0.0, min(w.started + limits.timeout_s for w in busy) - time.monotonic()
                )
            ready = wait([w.conn for w in busy], timeout=timeout)
            for w in busy:
                if w.conn in ready:
                    try:
                        payload = w.conn.recv()
                    except (EOFError, OSError):
                        w.process.join(_REAP_S)
                        replace_worker(w, _describe_exit(w.process.exitcode))
                        continue
                    if isinstance(payload, ScenarioResult):
                        index, w.task = w.task, None
                        finish(index, payload)
                    else:
                        replace_worker(w, str(payload))
                elif (
                    limits.timeout_s is not None
                    and time.monotonic() - w.started >= limits.timeout_s
                ):
                    replace_worker(w, f"timed out after {limits.timeout_s:g} s")
    finally:
        for w in workers:
            w.stop()
    return [r for r in results if r is not None]
