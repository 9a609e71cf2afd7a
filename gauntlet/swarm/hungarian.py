"""The centralised baseline: an optimal one-task-per-agent assignment (Hungarian method).

A coordinator that knows every agent's position solves
``max sum score(i, task(i))`` with ``scipy.optimize.linear_sum_assignment``
over the same score as CBBA's first bundle slot
(``value * lambda ** (distance / speed)``); incapable pairs are forbidden.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from gauntlet.swarm.cbba import TIME_DISCOUNT


def score_matrix(
    xy: np.ndarray, speed: np.ndarray, capable: np.ndarray, task_xy: np.ndarray, value: np.ndarray
) -> np.ndarray:
    """``(n, m)`` single-task scores (0 where the agent cannot do the task)."""
    dist = np.linalg.norm(xy[:, None, :] - task_xy[None, :, :], axis=2)
    return np.where(capable, value[None, :] * TIME_DISCOUNT ** (dist / speed[:, None]), 0.0)


def hungarian_assignment(scores: np.ndarray) -> tuple[np.ndarray, float]:
    """Optimal assignment of the score matrix ``(n, m)``: task per agent (-1: none) and total score."""
    rows, cols = linear_sum_assignment(scores, maximize=True)
    task = np.full(scores.shape[0], -1, dtype=np.int64)
    keep = scores[rows, cols] > 0.0
    task[rows[keep]] = cols[keep]
    return task, float(scores[rows[keep], cols[keep]].sum())
