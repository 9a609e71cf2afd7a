"""pybullet bodies and physics settings shared by the skill cell and the arm environments.

Every function takes the pybullet client to act in, so each run owns its
physics. Boxes, compound bodies of boxes (bins, peg holes), the rigid grip
that holds an object in a hand, and the relative perturbations of domain
randomisation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gauntlet.dynamics.tyres import GRAVITY_MPS2
from gauntlet.skills._pybullet import pb

#: A box part of a compound body: half extents (m) and the offset of its centre (m).
BoxPart = tuple[Sequence[float], Sequence[float]]
#: Outer half width of a peg hole's block, m.
HOLE_OUTER_M = 0.06


def set_gravity(client: int) -> None:
    """Standard gravity (``GRAVITY_MPS2``, m/s^2) along -z in ``client``."""
    pb.setGravity(0, 0, -GRAVITY_MPS2, physicsClientId=client)


def box(
    client: int,
    half_m: Sequence[float] | np.ndarray,
    pos_m: Sequence[float] | np.ndarray,
    mass_kg: float,
    rgba: Sequence[float],
    orn: Sequence[float] = (0, 0, 0, 1),
) -> int:
    """A box of half extents ``half_m`` (m) at ``pos_m`` (m); mass 0 makes it static.

    ``mass_kg`` in kg; ``rgba`` colour in 0-1; ``orn`` orientation quaternion (x, y, z, w).
    """
    col = pb.createCollisionShape(pb.GEOM_BOX, halfExtents=half_m, physicsClientId=client)
    vis = pb.createVisualShape(
        pb.GEOM_BOX, halfExtents=half_m, rgbaColor=rgba, physicsClientId=client
    )
    return pb.createMultiBody(mass_kg, col, vis, pos_m, orn, physicsClientId=client)


def compound_boxes(
    client: int,
    parts: Sequence[BoxPart],
    pos_m: Sequence[float] | np.ndarray,
    rgba: Sequence[float],
) -> int:
    """A static body made of box ``parts`` (each half extents, centre offset; m) at ``pos_m``."""
    halves = [p[0] for p in parts]
    offsets = [p[1] for p in parts]
    n = len(parts)
    col = pb.createCollisionShapeArray(
        [pb.GEOM_BOX] * n,
        halfExtents=halves,
        collisionFramePositions=offsets,
        physicsClientId=client,
    )
    vis = pb.createVisualShapeArray(
        [pb.GEOM_BOX] * n,
        halfExtents=halves,
        visualFramePositions=offsets,
        rgbaColors=[rgba] * n,
        physicsClientId=client,
    )
    return pb.createMultiBody(0, col, vis, pos_m, physicsClientId=client)


def peg_hole_parts(half_width_m: float, depth_m: float) -> list[BoxPart]:
    """The four walls of a square peg hole ``2 half_width_m`` wide and ``depth_m`` deep (m)."""
    w, d, outer = half_width_m, depth_m, HOLE_OUTER_M
    parts: list[BoxPart] = [
        ((outer, (outer - w) / 2, d / 2), (0, s * (w + outer) / 2, d / 2)) for s in (-1, 1)
    ]
    parts += [(((outer - w) / 2, w, d / 2), (s * (w + outer) / 2, 0, d / 2)) for s in (-1, 1)]
    return parts


def grip(
    client: int, hand_body: int, palm_link: int, body: int, link: int, max_force_n: float
) -> int:
    """Hold ``body`` (its ``link``; -1: base) rigidly in the hand, as they are placed now.

    The hand frame is ``palm_link`` of ``hand_body`` (-1: its base). The grip
    is a fixed constraint whose force is capped at ``max_force_n`` (N);
    returns the constraint id.
    """
    palm_pos, palm_orn = _frame(client, hand_body, palm_link)
    obj_pos, obj_orn = _frame(client, body, link)
    inv_pos, inv_orn = pb.invertTransform(palm_pos, palm_orn)
    rel_pos, rel_orn = pb.multiplyTransforms(inv_pos, inv_orn, obj_pos, obj_orn)
    return fixed_joint(client, hand_body, palm_link, body, link, rel_pos, rel_orn, max_force_n)


def fixed_joint(
    client: int,
    parent: int,
    parent_link: int,
    child: int,
    child_link: int,
    frame_pos_m: Sequence[float],
    frame_orn: Sequence[float],
    max_force_n: float,
) -> int:
    """A fixed constraint putting the child's frame at ``frame_pos_m`` / ``frame_orn`` in the parent's.

    The force holding it is capped at ``max_force_n`` (N); returns the constraint id.
    """
    cid = pb.createConstraint(
        parent,
        parent_link,
        child,
        child_link,
        pb.JOINT_FIXED,
        (0, 0, 0),
        frame_pos_m,
        (0, 0, 0),
        parentFrameOrientation=frame_orn,
        physicsClientId=client,
    )
    pb.changeConstraint(cid, maxForce=max_force_n, physicsClientId=client)
    return cid


def _frame(client: int, body: int, link: int) -> tuple[Sequence[float], Sequence[float]]:
    if link >= 0:
        s = pb.getLinkState(body, link, physicsClientId=client)
        return s[0], s[1]
    return pb.getBasePositionAndOrientation(body, physicsClientId=client)


def perturbed(rng: np.random.Generator, nominal: float, spread: float) -> float:
    """``nominal`` times a uniform draw in ``[1 - spread, 1 + spread]``; no draw when ``spread`` is 0."""
    if spread > 0:
        return nominal * float(rng.uniform(1 - spread, 1 + spread))
    return nominal
