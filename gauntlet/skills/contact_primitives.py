"""Primitives that work through contact with the scene: push, insert, turn.

Each closes the loop on what the object does (its position, the peg's
depth, the valve's angle) rather than on the hand alone; see
:mod:`gauntlet.skills.primitives` for the protocol they follow.
"""

from __future__ import annotations

import math

import numpy as np

from gauntlet.skills.motion import Motion, transfer
from gauntlet.skills.primitive_base import Primitive
from gauntlet.skills.world import CONTROL_DT_S


class PushPrimitive(Primitive):
    """Push an object along the table into a zone with the closed fingers (closed loop)."""

    KIND = "push"

    def preconditions(self) -> list[str]:
        return self._needs_empty_hand()

    def _behind(self) -> tuple[np.ndarray, np.ndarray]:
        scene = self.cell.scene
        obj = scene.pose(self.step.object)[0]
        goal = scene.centre_xy(self.step.target)
        d = goal - obj[:2]
        d = d / max(float(np.linalg.norm(d)), 1e-9)
        half = scene.items[self.step.object].half_m
        reach = float(abs(d[0]) * half[0] + abs(d[1]) * half[1]) + 0.022
        point = np.array([obj[0] - d[0] * reach, obj[1] - d[1] * reach, max(obj[2], 0.015)])
        return point, d

    def start(self) -> None:
        point, d = self._behind()
        self.direction = d
        # Closed fingers face the object with their broad side.
        self.arm.yaw = math.atan2(d[1], d[0])
        self.arm.opening = 0.0
        self.motion = Motion(self.arm, transfer(self.cell, self.arm, point), 0.35)
        self.pushing = False
        self.retreat: Motion | None = None

    def _remaining(self) -> float:
        obj = self.cell.scene.pose(self.step.object)[0][:2]
        return float(np.linalg.norm(obj - self.cell.scene.centre_xy(self.step.target)))

    def _at_goal(self) -> bool:
        inside = self.cell.scene.inside(self.step.object, self.step.target, margin_m=-0.005)
        return inside or self._remaining() <= self.step.tolerance_m

    def update(self) -> bool:
        if self.retreat is not None:
            return self.retreat.advance()
        if not self.pushing:
            self.pushing = self.motion.advance()
            return False
        if self._at_goal():
            self.retreat = Motion(self.arm, [self.arm.target + np.array([0, 0, 0.08])], 0.2, 0.02)
            return False
        point, d = self._behind()
        # Track the line behind the object and advance along the push direction.
        # Press in deeper while far (to overcome friction), gently near the goal.
        lead = point + np.append(d * (0.012 + min(0.023, 0.5 * self._remaining())), 0.0)
        delta = lead - self.arm.target
        dist = float(np.linalg.norm(delta))
        # Slow down over the last 50 mm so the object does not coast past the goal.
        speed = self.step.speed_mps * float(np.clip(self._remaining() / 0.05, 0.3, 1.0))
        step = speed * CONTROL_DT_S
        self.arm.target = lead if dist <= step else self.arm.target + delta * (step / dist)
        return False

    def succeeded(self) -> bool:
        return self._at_goal()


class InsertPrimitive(Primitive):
    """Put the held peg into a hole: align above it, descend compliantly, spiral if blocked."""

    KIND = "insert"

    def preconditions(self) -> list[str]:
        return self._needs_holding()

    def start(self) -> None:
        scene = self.cell.scene
        hole = scene.items[self.step.target]
        self.hole_xy = hole.centre_xy
        self.top = hole.support_top_m
        peg = scene.items[self.arm.held]
        pos, _ = scene.pose(self.arm.held)
        tcp, _ = self.arm.robot.tcp_pose()
        self.offset = pos - tcp
        self.half = peg.half_m[2]
        above = np.array(
            [*(self.hole_xy - self.offset[:2]), self.top + self.half + 0.015 - self.offset[2]]
        )
        self.motion = Motion(
            self.arm, transfer(self.cell, self.arm, above), 0.25, tolerance_m=0.003
        )
        self.aligned = False
        self.search_k = 0

    def depth(self) -> float:
        """How far the peg's bottom is below the hole's top (m)."""
        if self.arm.held is None:
            return 0.0
        pos, _ = self.cell.scene.pose(self.arm.held)
        return float(self.top - (pos[2] - self.half))

    def update(self) -> bool:
        if not self.aligned:
            self.aligned = self.motion.advance()
            if self.aligned:
                self.arm.force_scale = self.step.compliance
            return False
        if self.depth() >= 0.8 * (self.top - 0.005):
            self.arm.force_scale = 1.0
            return True
        tcp, _ = self.arm.robot.tcp_pose()
        blocked = tcp[2] - self.arm.target[2] > 0.008
        if blocked:
            # Spiral search: r grows by search_radius over 60 ticks, 0.5 rad per tick.
            self.search_k += 1
            r = self.step.search_radius_m * min(1.0, self.search_k / 60)
            a = 0.5 * self.search_k
            xy = self.hole_xy - self.offset[:2] + r * np.array([math.cos(a), math.sin(a)])
            self.arm.target = np.array([xy[0], xy[1], tcp[2] - 0.004])
        else:
            self.arm.target = self.arm.target - np.array([0.0, 0.0, 0.03 * CONTROL_DT_S])
        return False

    def succeeded(self) -> bool:
        self.arm.force_scale = 1.0
        return self.depth() >= 0.8 * (self.top - 0.005)


class TurnPrimitive(Primitive):
    """Turn a grasped valve knob about the valve axis by ``angle_rad``."""

    KIND = "turn"

    def preconditions(self) -> list[str]:
        unmet = self._needs_holding()
        if not unmet and self.arm.held != self.step.target:
            unmet.append(f"arm {self.arm.name} holds {self.arm.held}, not {self.step.target}")
        return unmet

    def start(self) -> None:
        scene = self.cell.scene
        self.theta0 = scene.joint_value(self.step.target)
        self.axis = scene.items[self.step.target].centre_xy
        self.radius = float(np.linalg.norm(self.arm.robot.tcp_pose()[0][:2] - self.axis))
        self.z = self.arm.target[2]
        self.yaw0 = self.arm.yaw
        self.cmd = 0.0
        self.settle = 0

    def update(self) -> bool:
        rate = 0.8 * CONTROL_DT_S * math.copysign(1.0, self.step.angle_rad)
        if abs(self.cmd) < abs(self.step.angle_rad):
            self.cmd += rate
            if abs(self.cmd) > abs(self.step.angle_rad):
                self.cmd = self.step.angle_rad
        else:
            self.settle += 1
        theta = self.theta0 + self.cmd
        self.arm.target = np.array(
            [
                self.axis[0] + self.radius * math.cos(theta),
                self.axis[1] + self.radius * math.sin(theta),
                self.z,
            ]
        )
        self.arm.yaw = self.yaw0 + self.cmd
        return self.settle > 15

    def succeeded(self) -> bool:
        turned = self.cell.scene.joint_value(self.step.target) - self.theta0
        return turned * math.copysign(1.0, self.step.angle_rad) >= 0.9 * abs(self.step.angle_rad)
