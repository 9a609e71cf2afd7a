"""Run one skill scenario to its end: the cell, the executor, the goals, the record.

:func:`execute_skill` is the loop shared by the ``gauntlet run`` runner
(:mod:`gauntlet.runner.skill`), the transfer-gap study and the benchmarks.
The skill's steps come from the scenario, or from the planner when the
scenario sets ``plan: true``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from gauntlet.agents.stack import make_stack
from gauntlet.scenarios.skill import SkillScenario
from gauntlet.skills.executor import SkillEpisode, StepRecord
from gauntlet.skills.goals import GoalVerdict, check_goal
from gauntlet.skills.world import CONTROL_DT_S, Cell

#: Time after the last step for things to come to rest before goals are judged (s).
SETTLE_S = 0.4


@dataclass
class SkillRun:
    """The outcome of one skill execution.

    Attributes:
        completed: Every step ran and met its success condition.
        goals: The goal verdicts on the final state.
        steps: How each step went.
        time_s: Simulated time until the skill ended (s), before settling.
        max_contact_force_n: Largest gripper contact force seen (N).
        stack_s: Wall time of each executor decision (s).
        tcp_path: Main arm's TCP position per control tick, ``(n, 3)`` m.
        joint_path: Main arm's joint angles per control tick, ``(n, dof)`` rad.
        stop_reason: Why the run ended.
    """

    completed: bool
    goals: list[GoalVerdict]
    steps: list[StepRecord]
    time_s: float
    max_contact_force_n: float
    stack_s: list[float] = field(default_factory=list)
    tcp_path: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))
    joint_path: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    stop_reason: str = ""
    ticks: int = 0

    @property
    def success(self) -> bool:
        """The skill completed and every goal holds."""
        return self.completed and all(g.met for g in self.goals)


def skill_steps(scenario: SkillScenario) -> tuple:
    """The scenario's steps, or the planner's composition for ``plan: true``."""
    if scenario.steps:
        return tuple(scenario.steps)
    from gauntlet.skills.planner import plan_steps

    return plan_steps(scenario)


def execute_skill(scenario: SkillScenario, seed: int, stack_name: str | None = None) -> SkillRun:
    """Build the cell, run the skill's executor to the end, judge the goals."""
    steps = skill_steps(scenario)
    cell = Cell(scenario, seed)
    try:
        stack = make_stack(stack_name or scenario.stack)
        stack.reset(SkillEpisode(scenario.skill or scenario.name, steps, cell))
        stack_s: list[float] = []
        reason = "duration"
        limit = int(round(scenario.duration_s / CONTROL_DT_S))
        finished = False
        for _ in range(limit):
            start = time.perf_counter()
            finished = stack.step(cell)
            stack_s.append(time.perf_counter() - start)
            if finished:
                reason = "skill failed" if getattr(stack, "failed", False) else "skill complete"
                break
            cell.tick()
        end_s = cell.time_s
        for _ in range(int(round(SETTLE_S / CONTROL_DT_S))):
            cell.tick()
        goals = [check_goal(g, cell) for g in scenario.goals]
        completed = finished and bool(getattr(stack, "succeeded", finished))
        return SkillRun(
            completed=completed,
            goals=goals,
            steps=list(getattr(stack, "records", [])),
            time_s=end_s,
            max_contact_force_n=cell.max_contact_n,
            stack_s=stack_s,
            tcp_path=np.array(cell.tcp_path["main"]),
            joint_path=np.array(cell.joint_path),
            stop_reason=reason,
            ticks=cell.ticks,
        )
    finally:
        cell.close()
