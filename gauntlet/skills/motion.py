"""Cartesian motion for the primitives: waypoint following and obstacle-aware cruise heights.

A :class:`Motion` moves an arm's commanded TCP target through waypoints in
straight lines at a set speed (m/s), one control tick at a time, and counts a
waypoint as reached once the commanded target is there and the measured TCP is
within a tolerance (or has had time to settle). :func:`cruise_height` is the
collision-aware part of every approach: the lowest TCP height (m) at which the
gripper and what it holds clear every scene item under the straight path.
"""

from __future__ import annotations

import math

import numpy as np

from gauntlet.skills._pybullet import pb
from gauntlet.skills.world import CONTROL_DT_S, Arm, Cell

#: Clearance kept above obstacles on a cruise (m).
CLEARANCE_M = 0.04
#: Lowest cruise height of the TCP (m).
MIN_CRUISE_M = 0.12


class Motion:
    """Follow ``waypoints`` (TCP positions, m) at ``speed_mps``.

    Args:
        arm: The arm to move.
        waypoints: TCP positions to pass through, in order.
        speed_mps: Speed of the commanded target.
        tolerance_m: Distance of the measured TCP that counts as arrived.
        settle_s: Longest wait at a waypoint for the TCP to arrive.
    """

    def __init__(
        self,
        arm: Arm,
        waypoints: list[np.ndarray],
        speed_mps: float = 0.3,
        tolerance_m: float = 0.006,
        settle_s: float = 1.2,
    ) -> None:
        self.arm = arm
        self.waypoints = [np.asarray(w, dtype=float) for w in waypoints]
        self.speed = speed_mps
        self.tolerance = tolerance_m
        self.settle_ticks = int(round(settle_s / CONTROL_DT_S))
        self.waited = 0

    @property
    def done(self) -> bool:
        return not self.waypoints

    def advance(self) -> bool:
        """Move the command one tick along; True once the last waypoint is reached."""
        if not self.waypoints:
            return True
        goal = self.waypoints[0]
        delta = goal - self.arm.target
        dist = float(np.linalg.norm(delta))
        step = self.speed * CONTROL_DT_S
        if dist > step:
            self.arm.target = self.arm.target + delta * (step / dist)
            return False
        self.arm.target = goal.copy()
        tcp, _ = self.arm.robot.tcp_pose()
        self.waited += 1
        # Intermediate waypoints need not be met exactly; the last one must.
        tol = self.tolerance if len(self.waypoints) == 1 else 3 * self.tolerance
        if np.linalg.norm(tcp - goal) <= tol or self.waited >= self.settle_ticks:
            self.waypoints.pop(0)
            self.waited = 0
        return not self.waypoints


def hang_depth(cell: Cell, arm: Arm) -> float:
    """How far below the TCP the held object reaches (m); 0 with an empty hand."""
    tcp, _ = arm.robot.tcp_pose()
    depth = 0.02  # finger tips below the TCP
    if arm.held is not None:
        lo, _ = _aabb(cell, arm.held)
        depth = max(depth, float(tcp[2] - lo[2]))
    return depth


def _aabb(cell: Cell, name: str) -> tuple[np.ndarray, np.ndarray]:
    item = cell.scene.items[name]
    c = cell.client
    links = [-1] + list(range(pb.getNumJoints(item.body, physicsClientId=c)))
    los, his = [], []
    for link in links:
        lo, hi = pb.getAABB(item.body, link, physicsClientId=c)
        los.append(lo)
        his.append(hi)
    return np.min(los, axis=0), np.max(his, axis=0)


def cruise_height(cell: Cell, arm: Arm, start_xy: np.ndarray, end_xy: np.ndarray) -> float:
    """Lowest safe TCP height (m) for a straight move from ``start_xy`` to ``end_xy``.

    Every scene item whose footprint (grown by the gripper's half width) meets
    the path raises the cruise to its top plus the held object's hang depth
    plus :data:`CLEARANCE_M`.
    """
    depth = hang_depth(cell, arm)
    height = MIN_CRUISE_M
    samples = np.linspace(0.0, 1.0, 25)[:, None]
    path = start_xy[None, :] * (1 - samples) + end_xy[None, :] * samples
    for name, item in cell.scene.items.items():
        if name == arm.held or item.kind == "zone":
            continue
        lo, hi = _aabb(cell, name)
        grow = 0.07
        inside = np.all((path >= lo[:2] - grow) & (path <= hi[:2] + grow), axis=1)
        if inside.any():
            height = max(height, float(hi[2]) + depth + CLEARANCE_M)
    return height


def transfer(
    cell: Cell, arm: Arm, goal: np.ndarray, extra_height_m: float = 0.0
) -> list[np.ndarray]:
    """Waypoints of an up-over-down move of the TCP from where it is to ``goal`` (m)."""
    start = arm.target.copy()
    z = max(cruise_height(cell, arm, start[:2], goal[:2]), start[2], goal[2]) + extra_height_m
    points = []
    if z > start[2] + 1e-4:
        points.append(np.array([start[0], start[1], z]))
    points.append(np.array([goal[0], goal[1], z]))
    if goal[2] < z - 1e-4:
        points.append(goal.copy())
    return points


def clear_grasp_yaw(
    cell: Cell, name: str, point: np.ndarray, yaw: float, reach_m: float = 0.07
) -> float:
    """For a square object, the grasp yaw (``yaw`` or ``yaw + pi/2``) whose fingers have more room.

    The fingers close along the TCP's y axis. Each candidate is scored by
    horizontal rays from the object's sides outwards along that axis, at the
    grasp height: the free distance (m) to the first thing hit, up to ``reach_m``.
    """
    item = cell.scene.items[name]
    if abs(item.half_m[0] - item.half_m[1]) > 1e-3 or item.kind != "object":
        return yaw
    start = float(item.half_m[0]) + 0.002

    def room(candidate: float) -> float:
        across = np.array([math.sin(candidate), -math.cos(candidate), 0.0])
        froms, tos = [], []
        for sign in (-1.0, 1.0):
            froms.append((point + sign * start * across).tolist())
            tos.append((point + sign * reach_m * across).tolist())
        hits = pb.rayTestBatch(froms, tos, physicsClientId=cell.client)
        return min(start + h[2] * (reach_m - start) if h[0] >= 0 else reach_m for h in hits)

    turned = yaw + math.pi / 2
    return turned if room(turned) > room(yaw) + 1e-3 else yaw
