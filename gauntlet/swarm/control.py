"""Cooperative control of swarm nodes: guidance, station keeping, formation consensus, avoidance.

All functions work on arrays of nodes and use only what a node knows: its
own state and the neighbour states it received (with their age).

* :func:`seek` — position loop: velocity towards a target with a speed limit
  and the target's velocity as feed-forward; near the target it is a
  proportional station keeper.
* :func:`consensus_reference` — formation by consensus: each node's estimate
  of the formation reference moves with the reference's planned velocity,
  towards its neighbours' estimates, and to the measured reference when it
  hears the reference node itself (leader-follower consensus).
* :func:`avoid` — reciprocal collision avoidance in the spirit of ORCA (van
  den Berg et al., 2011): for every neighbour whose predicted closest
  approach within ``horizon_s`` is nearer than the two radii plus a margin,
  each node takes half of the velocity change that would clear it, along the
  line between them; the half-plane corrections are applied in turn.
* :func:`vessel_thrust` and :func:`diff_drive_twist` — the node autopilots
  that turn a desired velocity into propeller thrusts or wheel commands.
"""

from __future__ import annotations

import numpy as np

from gauntlet.dynamics.differential_drive import DiffDriveParams
from gauntlet.dynamics.vessel import VesselParams


def seek(
    position_m: np.ndarray,
    target_m: np.ndarray,
    max_speed_mps: np.ndarray,
    gain_per_s: float = 1.0,
    feedforward_mps: np.ndarray | None = None,
) -> np.ndarray:
    """Velocity command ``(n, d)`` towards ``target_m``: ``k (target - p) + v_ff``, speed-limited."""
    v = gain_per_s * (target_m - position_m)
    if feedforward_mps is not None:
        v = v + feedforward_mps
    speed = np.linalg.norm(v[:, :2], axis=1)
    scale = np.minimum(1.0, max_speed_mps / np.maximum(speed, 1e-12))
    v[:, :2] *= scale[:, None]
    return v


def consensus_reference(
    estimate_m: np.ndarray,
    reference_velocity_mps: np.ndarray,
    recv: np.ndarray,
    neighbour_estimate_m: np.ndarray,
    measured_m: np.ndarray,
    measured_mask: np.ndarray,
    dt: float,
    gain: float = 0.5,
) -> np.ndarray:
    """One consensus step of the formation-reference estimates ``(n, 2)``.

    Args:
        estimate_m: Current estimates of every node.
        reference_velocity_mps: Planned reference velocity ``(2,)``.
        recv: For each received state packet, the receiving node ``(p,)``.
        neighbour_estimate_m: The sender's estimate in that packet ``(p, 2)``.
        measured_m: The reference position a node measured itself ``(n, 2)``.
        measured_mask: Nodes that measured the reference this tick ``(n,)``.
        dt: Tick, s.
        gain: Consensus gain per packet (0..1).
    """
    new = estimate_m + reference_velocity_mps[None, :] * dt
    if len(recv):
        pull = np.zeros_like(new)
        count = np.zeros(len(new))
        np.add.at(pull, recv, neighbour_estimate_m - new[recv])
        np.add.at(count, recv, 1.0)
        new += gain * pull / np.maximum(count, 1.0)[:, None]
    new[measured_mask] = measured_m[measured_mask]
    return new


def avoid(
    velocity_cmd: np.ndarray,
    position_m: np.ndarray,
    i: np.ndarray,
    j_position_m: np.ndarray,
    j_velocity_mps: np.ndarray,
    radius_m: np.ndarray,
    j_radius_m: np.ndarray,
    horizon_s: float = 3.0,
    margin_m: float = 0.5,
) -> np.ndarray:
    """Correct horizontal velocity commands ``(n, 2+)`` for neighbour pairs ``(i, j)``.

    ``j_position_m``/``j_velocity_mps`` are what node ``i[k]`` knows of its
    neighbour (the received state, extrapolated to now). Returns a new array.
    """
    out = velocity_cmd.copy()
    if len(i) == 0:
        return out
    rel_p = j_position_m[:, :2] - position_m[i, :2]
    rel_v = j_velocity_mps[:, :2] - out[i, :2]
    reach = radius_m[i] + j_radius_m + margin_m
    vv = np.einsum("ij,ij->i", rel_v, rel_v)
    t_cpa = np.clip(-np.einsum("ij,ij->i", rel_p, rel_v) / np.maximum(vv, 1e-9), 0.0, horizon_s)
    closest = rel_p + rel_v * t_cpa[:, None]
    miss = np.linalg.norm(closest, axis=1)
    hit = miss < reach
    if not hit.any():
        return out
    k = np.flatnonzero(hit)
    # Push away along the closest-approach direction (or the line of centres when head-on).
    away = -closest[k]
    norm = np.linalg.norm(away, axis=1)
    fallback = -rel_p[k]
    away = np.where((norm > 1e-6)[:, None], away, fallback)
    away /= np.maximum(np.linalg.norm(away, axis=1), 1e-9)[:, None]
    need = (reach[k] - miss[k]) / np.maximum(t_cpa[k], 0.5)
    np.add.at(out[:, :2], i[k], 0.5 * need[:, None] * away)
    return out


def vessel_thrust(
    params: VesselParams,
    heading_rad: np.ndarray,
    u_mps: np.ndarray,
    r_radps: np.ndarray,
    desired_mps: np.ndarray,
    current_mps: np.ndarray,
) -> np.ndarray:
    """Propeller thrusts ``(n, 2)`` (port, starboard), N, that track a desired ground velocity.

    The vessel heads along the water-relative velocity it needs
    (``desired - current``); when that is small it heads into the current.
    Surge: damping feed-forward plus a proportional term; yaw: PD on the heading.
    """
    water = desired_mps[:, :2] - current_mps[None, :2]
    speed = np.linalg.norm(water, axis=1)
    into_current = (
        np.arctan2(-current_mps[1], -current_mps[0]) if np.any(current_mps) else heading_rad
    )
    psi_d = np.where(speed > 0.05, np.arctan2(water[:, 1], water[:, 0]), into_current)
    err = (psi_d - heading_rad + np.pi) % (2 * np.pi) - np.pi
    # Project the needed water speed on the hull's axis; only drive forwards when roughly aligned.
    c = np.cos(heading_rad) * water[:, 0] + np.sin(heading_rad) * water[:, 1]
    u_d = np.clip(c, -0.5, params.max_speed_mps) * (np.abs(err) < 1.2)
    current_surge = np.cos(heading_rad) * current_mps[0] + np.sin(heading_rad) * current_mps[1]
    u_rel = u_mps - current_surge
    m11, _, m66 = params.mass_matrix_diagonal
    surge = params.surge_damping * u_d + 2.0 * m11 * (u_d - u_rel)
    yaw = m66 * (4.0 * err - 4.0 * r_radps)
    port = 0.5 * (surge - yaw / params.propeller_y_m)
    stbd = 0.5 * (surge + yaw / params.propeller_y_m)
    return np.stack([port, stbd], axis=1)


def diff_drive_twist(
    params: DiffDriveParams, heading_rad: np.ndarray, desired_mps: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Speed (m/s) and yaw rate (rad/s) that track a desired velocity: turn first, then drive."""
    speed = np.linalg.norm(desired_mps[:, :2], axis=1)
    psi_d = np.arctan2(desired_mps[:, 1], desired_mps[:, 0])
    err = (psi_d - heading_rad + np.pi) % (2 * np.pi) - np.pi
    err = np.where(speed > 0.02, err, 0.0)
    v = np.clip(speed * np.cos(err), 0.0, params.max_speed_mps) * (np.abs(err) < 1.0)
    return v, 3.0 * err
