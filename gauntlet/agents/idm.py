"""Intelligent Driver Model and MOBIL lane-change rule, vectorised.

IDM (Treiber, Hennecke, Helbing 2000)::

    a = a_max * (1 - (v / v0)**delta - (s_star / s)**2)
    s_star = s0 + max(0, v*T + v*dv / (2*sqrt(a_max*b)))

MOBIL (Kesting, Treiber, Helbing 2007): change when the new follower need not
brake harder than ``b_safe`` and::

    (a_c' - a_c) + p * ((a_n' - a_n) + (a_o' - a_o)) > a_threshold
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass
class IdmParams:
    """Per-driver IDM and MOBIL parameters as arrays of shape ``(n,)``."""

    time_headway_s: np.ndarray
    min_gap_m: np.ndarray
    max_accel_mps2: np.ndarray
    comfort_decel_mps2: np.ndarray
    delta: np.ndarray
    politeness: np.ndarray
    change_threshold_mps2: np.ndarray
    safe_decel_mps2: np.ndarray


def idm_formula(
    speed: np.ndarray | float,
    desired_speed: np.ndarray | float,
    gap: np.ndarray | float,
    approach_rate: np.ndarray | float,
    max_accel: np.ndarray | float,
    comfort_decel: np.ndarray | float,
    time_headway: np.ndarray | float,
    min_gap: np.ndarray | float,
    delta: np.ndarray | float,
) -> np.ndarray | float:
    """The IDM acceleration for arrays or plain floats (see the module docstring)."""
    dyn = speed * time_headway + speed * approach_rate / (2.0 * np.sqrt(max_accel * comfort_decel))
    s_star = min_gap + np.maximum(0.0, dyn)
    free = (np.maximum(speed, 0.0) / np.maximum(desired_speed, 0.1)) ** delta
    interaction = (s_star / np.maximum(gap, 0.1)) ** 2
    return max_accel * (1.0 - free - interaction)


def idm_scalar(
    speed: float,
    desired_speed: float,
    gap: float,
    approach_rate: float,
    max_accel: float,
    comfort_decel: float,
    time_headway: float,
    min_gap: float,
    delta: float,
) -> float:
    """:func:`idm_formula` for one driver, on plain floats (the same expression)."""
    dyn = speed * time_headway + speed * approach_rate / (
        2.0 * math.sqrt(max_accel * comfort_decel)
    )
    s_star = min_gap + max(0.0, dyn)
    free = (max(speed, 0.0) / max(desired_speed, 0.1)) ** delta
    interaction = (s_star / max(gap, 0.1)) ** 2
    return max_accel * (1.0 - free - interaction)


def idm_acceleration(
    speed: np.ndarray,
    desired_speed: np.ndarray,
    gap: np.ndarray,
    approach_rate: np.ndarray,
    p: IdmParams,
    rows: np.ndarray | slice = slice(None),
) -> np.ndarray:
    """IDM acceleration in m/s^2 for the drivers ``rows`` of ``p``.

    Args:
        speed: Own speed v.
        desired_speed: Free-road speed v0 (> 0).
        gap: Bumper-to-bumper gap s to the leader; ``inf`` for a free road.
        approach_rate: dv = v - v_leader.
        p: Parameters; ``rows`` selects the drivers they belong to.
    """
    return idm_formula(
        speed,
        desired_speed,
        gap,
        approach_rate,
        p.max_accel_mps2[rows],
        p.comfort_decel_mps2[rows],
        p.time_headway_s[rows],
        p.min_gap_m[rows],
        p.delta[rows],
    )


def mobil_gain(
    own_now: np.ndarray,
    own_after: np.ndarray,
    new_follower_now: np.ndarray,
    new_follower_after: np.ndarray,
    old_follower_now: np.ndarray,
    old_follower_after: np.ndarray,
    p: IdmParams,
    rows: np.ndarray | slice = slice(None),
) -> tuple[np.ndarray, np.ndarray]:
    """MOBIL incentive (m/s^2) and safety flag for each candidate change."""
    incentive = (own_after - own_now) + p.politeness[rows] * (
        (new_follower_after - new_follower_now) + (old_follower_after - old_follower_now)
    )
    safe = new_follower_after >= -p.safe_decel_mps2[rows]
    return incentive - p.change_threshold_mps2[rows], safe
