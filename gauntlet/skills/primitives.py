"""Skill primitives: small controllers with parameters, preconditions, success and a timeout.

Each primitive is built from its step of the scenario (the parameters, see
:mod:`gauntlet.scenarios.skill`) and the :class:`~gauntlet.skills.world.Cell`.
The executor checks :meth:`Primitive.preconditions` (a list of unmet ones),
calls :meth:`Primitive.start` once, then :meth:`Primitive.update` every control
tick until it returns True or ``timeout_s`` passes, and finally asks
:meth:`Primitive.succeeded`. Primitives command TCP targets only, so the same
code runs on every arm.

The grip: once both fingers press on the target with ``min_force_n``, the
object is held by a fixed constraint whose strength is the friction grip
``2 mu F`` (two fingers, friction coefficient ``mu``, finger force ``F``), so a
grip slips when the load exceeds what friction would carry.

This module holds the free-space and pick-and-place primitives (reach,
grasp, release, lift, transport, place) and the table of all primitives;
:mod:`gauntlet.skills.primitive_base` holds the base class and
:mod:`gauntlet.skills.contact_primitives` the contact ones (push, insert, turn).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gauntlet.scenarios import skill as sk
from gauntlet.skills._pybullet import pb
from gauntlet.skills.contact_primitives import InsertPrimitive, PushPrimitive, TurnPrimitive
from gauntlet.skills.motion import Motion, clear_grasp_yaw, cruise_height, hang_depth, transfer
from gauntlet.skills.primitive_base import PREGRASP_M, Primitive
from gauntlet.skills.world import CONTROL_DT_S, Cell


class ReachPrimitive(Primitive):
    """Move above the target's grasp point (collision-aware: up, over, down), fingers open."""

    KIND = "reach"

    def preconditions(self) -> list[str]:
        return self._needs_empty_hand()

    def start(self) -> None:
        point, yaw = self.cell.observed_grasp_point(self.step.target, self.step.offset_m)
        self.goal = point + np.array([0.0, 0.0, PREGRASP_M + self.step.height_m])
        self.yaw = clear_grasp_yaw(self.cell, self.step.target, point, yaw)
        # Open to the target's width plus a margin: wide enough, without sweeping neighbours.
        item = self.cell.scene.items[self.step.target]
        narrow = 2 * float(min(item.half_m[0], item.half_m[1]))
        self.opening = min(2 * self.arm.robot.spec.finger_max_m, narrow + 0.035)
        path = transfer(self.cell, self.arm, self.goal)
        self.motion = Motion(self.arm, path, 0.35)
        # Turn the hand and open the fingers only once up at cruise height, clear of neighbours.
        self.turn_after = len(path) - 1 if len(path) == 3 else len(path)

    def update(self) -> bool:
        if len(self.motion.waypoints) <= self.turn_after:
            self.arm.yaw, self.arm.opening = self.yaw, self.opening
        moved = self.motion.advance()
        return moved and self.arm.yaw == self.yaw and self._turned()

    def succeeded(self) -> bool:
        tcp, _ = self.arm.robot.tcp_pose()
        return bool(np.linalg.norm(tcp - self.goal) < 0.015)


class GraspPrimitive(Primitive):
    """Descend onto the grasp point and close until both fingers press with ``min_force_n``."""

    KIND = "grasp"

    def preconditions(self) -> list[str]:
        unmet = self._needs_empty_hand()
        point, _ = self.cell.scene.grasp_point(self.step.target, self.step.offset_m)
        tcp, _ = self.arm.robot.tcp_pose()
        if np.linalg.norm(tcp[:2] - point[:2]) > 0.04:
            unmet.append(f"TCP is not above {self.step.target} (reach it first)")
        return unmet

    def start(self) -> None:
        point, yaw = self.cell.observed_grasp_point(self.step.target, self.step.offset_m)
        self.arm.yaw = clear_grasp_yaw(self.cell, self.step.target, point, yaw)
        self.motion = Motion(self.arm, [point], 0.15, settle_s=0.4)
        self.closing_ticks = 0
        self.gripped = False

    def update(self) -> bool:
        if not self.motion.done or not self._turned():
            self.motion.advance()
            return False
        self.arm.opening = 0.0
        self.closing_ticks += 1
        item = self.cell.scene.items[self.step.target]
        left, right = self.arm.robot.finger_forces(item.body, item.link if item.link >= 0 else None)
        if min(left, right) >= self.step.min_force_n and self.closing_ticks >= 6:
            mu = pb.getDynamicsInfo(item.body, item.link, physicsClientId=self.cell.client)[1]
            grip = 2 * max(mu, 0.5) * self.arm.robot.spec.finger_force_n
            self.cell.attach(self.arm, self.step.target, grip)
            self.gripped = True
            return True
        # Fingers shut on nothing: give up after half a second.
        return self.closing_ticks > 30 and self.arm.robot.opening() < 0.004

    def succeeded(self) -> bool:
        return self.gripped


class ReleasePrimitive(Primitive):
    """Open the fingers, let go and back off upwards."""

    KIND = "release"

    def preconditions(self) -> list[str]:
        return self._needs_holding()

    def start(self) -> None:
        self.released = self.arm.held
        self.cell.detach(self.arm)
        # Open just enough to let go: wide-open fingers would shove what was released.
        self.arm.opening = min(
            2 * self.arm.robot.spec.finger_max_m, self.arm.robot.opening() + 0.03
        )
        self.wait = int(round(0.25 / CONTROL_DT_S))
        up = self.arm.target + np.array([0.0, 0.0, self.step.retreat_m])
        self.motion = Motion(self.arm, [up], 0.2, tolerance_m=0.02, settle_s=0.3)

    def update(self) -> bool:
        if self.wait > 0:
            self.wait -= 1
            return False
        return self.motion.advance()

    def succeeded(self) -> bool:
        item = self.cell.scene.items[self.released]
        forces = self.arm.robot.finger_forces(item.body, item.link if item.link >= 0 else None)
        return self.arm.held is None and max(forces) < 0.5


class LiftPrimitive(Primitive):
    """Raise the held object straight up by ``height_m``."""

    KIND = "lift"

    def preconditions(self) -> list[str]:
        return self._needs_holding()

    def start(self) -> None:
        self.z0 = float(self.cell.scene.pose(self.arm.held)[0][2])
        up = self.arm.target + np.array([0.0, 0.0, self.step.height_m])
        self.motion = Motion(self.arm, [up], 0.2)

    def succeeded(self) -> bool:
        if self.arm.held is None:
            return False
        z = float(self.cell.scene.pose(self.arm.held)[0][2])
        return z - self.z0 >= 0.8 * self.step.height_m


class TransportPrimitive(Primitive):
    """Carry the held object over a target (up, over, at a safe height) or by a displacement."""

    KIND = "transport"

    def preconditions(self) -> list[str]:
        return self._needs_holding()

    def start(self) -> None:
        step = self.step
        if step.target:
            dest = self.cell.scene.centre_xy(step.target)
            if len(step.offset_m) >= 2:
                dest = dest + np.asarray(step.offset_m[:2])
            self.dest_xy = dest
            start = self.arm.target.copy()
            z = max(start[2], cruise_height(self.cell, self.arm, start[:2], dest))
            z = max(
                z,
                self.cell.scene.support_height(step.target)
                + hang_depth(self.cell, self.arm)
                + 0.04,
            )
            # Where the held object's centre sits relative to the TCP now.
            held_xy = self.cell.scene.pose(self.arm.held)[0][:2]
            self.grip_offset = held_xy - self.arm.robot.tcp_pose()[0][:2]
            goal = np.array([dest[0] - self.grip_offset[0], dest[1] - self.grip_offset[1], z])
            points = [np.array([start[0], start[1], z])] if z > start[2] + 1e-4 else []
            self.motion = Motion(self.arm, [*points, goal], step.speed_mps)
        else:
            by = np.zeros(3)
            by[: len(step.by_m)] = step.by_m[:3]
            self.goal = self.arm.target + by
            self.motion = Motion(
                self.arm, [self.goal], step.speed_mps, tolerance_m=0.015, settle_s=0.5
            )

    def succeeded(self) -> bool:
        if self.arm.held is None:
            return False
        if self.step.target:
            held_xy = self.cell.scene.pose(self.arm.held)[0][:2]
            return bool(np.linalg.norm(held_xy - self.dest_xy) < 0.02)
        tcp, _ = self.arm.robot.tcp_pose()
        return bool(np.linalg.norm(tcp - self.goal) < 0.02)


class PlacePrimitive(Primitive):
    """Lower the held object until it rests on the target (zone, pallet, bin floor, object)."""

    KIND = "place"

    def preconditions(self) -> list[str]:
        unmet = self._needs_holding()
        if not unmet:
            dest = self._dest()
            held_xy = self.cell.scene.pose(self.arm.held)[0][:2]
            if np.linalg.norm(held_xy - dest) > 0.05:
                unmet.append(f"{self.arm.held} is not over {self.step.target} (transport it first)")
        return unmet

    def _dest(self) -> np.ndarray:
        dest = self.cell.scene.centre_xy(self.step.target)
        if len(self.step.offset_m) >= 2:
            dest = dest + np.asarray(self.step.offset_m[:2])
        return dest

    def start(self) -> None:
        scene = self.cell.scene
        held = scene.items[self.arm.held]
        pos, _ = scene.pose(self.arm.held)
        self.support = scene.support_height(self.step.target)
        bottom = pos[2] - held.half_m[2]
        drop = bottom - (self.support + 0.002)
        tcp = self.arm.target
        dest = self._dest()
        offset = pos[:2] - self.arm.robot.tcp_pose()[0][:2]
        over = np.array([dest[0] - offset[0], dest[1] - offset[1], tcp[2]])
        down = over - np.array([0.0, 0.0, drop])
        self.motion = Motion(self.arm, [over, down], 0.12, tolerance_m=0.004, settle_s=0.4)

    def update(self) -> bool:
        done = self.motion.advance()
        # Stop pressing once the object is blocked: resting on something near the support.
        tcp, _ = self.arm.robot.tcp_pose()
        held = self.cell.scene.items[self.arm.held]
        bottom = self.cell.scene.pose(self.arm.held)[0][2] - held.half_m[2]
        lagging = tcp[2] - self.arm.target[2] > 0.012
        if len(self.motion.waypoints) == 1 and lagging and bottom - self.support < 0.02:
            self.arm.target = tcp.copy()
            return True
        return done

    def succeeded(self) -> bool:
        if self.arm.held is None:
            return False
        held = self.cell.scene.items[self.arm.held]
        pos, _ = self.cell.scene.pose(self.arm.held)
        return abs(pos[2] - held.half_m[2] - self.support) < 0.012


PRIMITIVES: dict[type, type[Primitive]] = {
    sk.Reach: ReachPrimitive,
    sk.Grasp: GraspPrimitive,
    sk.Release: ReleasePrimitive,
    sk.Lift: LiftPrimitive,
    sk.Transport: TransportPrimitive,
    sk.Place: PlacePrimitive,
    sk.Push: PushPrimitive,
    sk.Insert: InsertPrimitive,
    sk.Turn: TurnPrimitive,
}


def make_primitive(step: Any, cell: Cell) -> Primitive:
    """The controller of one scenario step."""
    return PRIMITIVES[type(step)](step, cell)


def primitive_names() -> list[str]:
    """The primitive kinds, as written in scenario files."""
    return [cls.KIND for cls in PRIMITIVES.values()]
