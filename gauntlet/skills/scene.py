"""Build a skill scenario's table-top scene in its own pybullet client.

The table top is the plane z = 0 (a 1.6 m x 1.6 m slab below it). Objects
are boxes or cylinders resting on it; fixtures are zones (marks, no
collision), bins, pallets, peg holes, drawers (a prismatic joint) and valves
(a revolute joint with dry friction). Every body is created here, in the
client the caller passes, so each run owns its physics.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from gauntlet.scenarios import skill as sk
from gauntlet.skills._pybullet import pb
from gauntlet.skills.bodies import box, compound_boxes, peg_hole_parts

TABLE_TOP_M = 0.0
COLOURS = {
    "red": (0.85, 0.2, 0.2, 1),
    "blue": (0.2, 0.35, 0.85, 1),
    "green": (0.2, 0.7, 0.3, 1),
    "yellow": (0.9, 0.8, 0.2, 1),
}


@dataclass
class Body:
    """A scene item in pybullet: body id, link (-1: base), and geometry facts.

    Attributes:
        name: Scene name.
        body: pybullet body id.
        link: Link that steps act on (-1: the base).
        half_m: Half extents x, y, z of the item's bounding box (m).
        grasp_yaw_rad: Heading a top-down grasp uses (fingers close across the narrow side).
        support_top_m: Height things placed on it rest at (fixtures), m.
        label: Class label (objects).
    """

    name: str
    body: int
    link: int = -1
    half_m: np.ndarray = field(default_factory=lambda: np.zeros(3))
    grasp_yaw_rad: float = 0.0
    support_top_m: float = 0.0
    label: str = ""
    kind: str = "object"
    joint: int = -1
    centre_xy: np.ndarray = field(default_factory=lambda: np.zeros(2))
    region_half_m: np.ndarray = field(default_factory=lambda: np.zeros(2))


class Scene:
    """All bodies of one scenario's scene, by name.

    Args:
        client: The pybullet client to build in.
        scenario: The skill scenario.
        rng: Generator for object jitter and randomised poses.
    """

    def __init__(self, client: int, scenario: sk.SkillScenario, rng: np.random.Generator) -> None:
        self.client = client
        self.items: dict[str, Body] = {}
        self.table = box(client, (0.8, 0.8, 0.025), (0.5, 0.0, -0.025), 0.0, (0.6, 0.5, 0.4, 1))
        pb.changeDynamics(self.table, -1, lateralFriction=0.6, physicsClientId=client)
        for fixture in scenario.fixtures:
            self.items[fixture.name] = self._fixture(fixture)
        pose_m = scenario.randomisation.pose_m
        for obj in scenario.objects:
            self.items[obj.name] = self._object(obj, rng, pose_m)

    # ------------------------------------------------------------------ objects
    def _object(self, obj: sk.SceneObject, rng: np.random.Generator, pose_m: float) -> Body:
        c = self.client
        sx, sy, sz = obj.size_m
        x, y = obj.position_m[0], obj.position_m[1]
        base = obj.position_m[2] if len(obj.position_m) > 2 else 0.0
        spread = obj.jitter_m + pose_m
        if spread > 0:
            dx, dy = rng.uniform(-spread, spread, 2)
            x, y = x + dx, y + dy
        rgba = COLOURS.get(obj.label, (0.9, 0.55, 0.1, 1))
        orn = pb.getQuaternionFromEuler((0, 0, obj.yaw_rad))
        pos = (x, y, TABLE_TOP_M + base + sz / 2)
        if obj.shape == "box":
            body = box(c, (sx / 2, sy / 2, sz / 2), pos, obj.mass_kg, rgba, orn)
        else:
            col = pb.createCollisionShape(
                pb.GEOM_CYLINDER, radius=sx / 2, height=sz, physicsClientId=c
            )
            vis = pb.createVisualShape(
                pb.GEOM_CYLINDER, radius=sx / 2, length=sz, rgbaColor=rgba, physicsClientId=c
            )
            body = pb.createMultiBody(obj.mass_kg, col, vis, pos, orn, physicsClientId=c)
        pb.changeDynamics(
            body, -1, lateralFriction=obj.friction, spinningFriction=0.001, physicsClientId=c
        )
        # Fingers close along the TCP's y axis: across the narrower side.
        yaw = obj.yaw_rad + (math.pi / 2 if sy > sx + 1e-9 else 0.0)
        return Body(obj.name, body, -1, np.array([sx, sy, sz]) / 2, yaw, label=obj.label)

    # ------------------------------------------------------------------ fixtures
    def _fixture(self, f: sk.Fixture) -> Body:
        c = self.client
        x, y = f.position_m[0], f.position_m[1]
        grey = (0.55, 0.55, 0.6, 1)
        if isinstance(f, sk.Zone):
            hx, hy = f.size_m[0] / 2, f.size_m[1] / 2
            vis = pb.createVisualShape(
                pb.GEOM_BOX,
                halfExtents=(hx, hy, 0.0005),
                rgbaColor=(0.3, 0.8, 0.3, 0.6),
                physicsClientId=c,
            )
            body = pb.createMultiBody(0, -1, vis, (x, y, 0.0005), physicsClientId=c)
            return Body(
                f.name,
                body,
                kind="zone",
                centre_xy=np.array([x, y]),
                region_half_m=np.array([hx, hy]),
            )
        if isinstance(f, sk.Bin):
            hx, hy, h, t = f.size_m[0] / 2, f.size_m[1] / 2, f.wall_height_m, 0.01
            parts = [((hx + t, hy + t, t / 2), (0, 0, t / 2))]
            parts += [((t / 2, hy + t, h / 2), (s * (hx + t / 2), 0, h / 2)) for s in (-1, 1)]
            parts += [((hx, t / 2, h / 2), (0, s * (hy + t / 2), h / 2)) for s in (-1, 1)]
            body = compound_boxes(c, parts, (x, y, 0.0), grey)
            return Body(
                f.name,
                body,
                kind="bin",
                support_top_m=t,
                centre_xy=np.array([x, y]),
                region_half_m=np.array([hx, hy]),
                half_m=np.array([hx, hy, h]),
            )
        if isinstance(f, sk.Pallet):
            hx, hy = f.size_m[0] / 2, f.size_m[1] / 2
            body = box(
                c, (hx, hy, f.height_m / 2), (x, y, f.height_m / 2), 0.0, (0.7, 0.55, 0.3, 1)
            )
            return Body(
                f.name,
                body,
                kind="pallet",
                support_top_m=f.height_m,
                centre_xy=np.array([x, y]),
                region_half_m=np.array([hx, hy]),
            )
        if isinstance(f, sk.Hole):
            w, d = f.width_m / 2, f.depth_m
            body = compound_boxes(c, peg_hole_parts(w, d), (x, y, 0.0), grey)
            return Body(
                f.name,
                body,
                kind="hole",
                support_top_m=d,
                centre_xy=np.array([x, y]),
                region_half_m=np.array([w, w]),
                half_m=np.array([w, w, d]),
            )
        if isinstance(f, sk.Drawer):
            return self._drawer(f, x, y)
        return self._valve(f, x, y)

    def _drawer(self, f: sk.Drawer, x: float, y: float) -> Body:
        c = self.client
        box, bar = (0.12, 0.12, 0.05), (0.01, 0.05, 0.01)
        # Drawer link frame at the front face's centre; box behind (+x), handle bar 60 mm in front.
        halves = [box, bar, (0.03, 0.01, 0.01), (0.03, 0.01, 0.01)]
        offsets = [(0.12, 0, 0.052), (-0.06, 0, 0.07), (-0.03, 0.04, 0.07), (-0.03, -0.04, 0.07)]
        col = pb.createCollisionShapeArray(
            [pb.GEOM_BOX] * 4,
            halfExtents=halves,
            collisionFramePositions=offsets,
            physicsClientId=c,
        )
        vis = pb.createVisualShapeArray(
            [pb.GEOM_BOX] * 4,
            halfExtents=halves,
            visualFramePositions=offsets,
            rgbaColors=[(0.5, 0.4, 0.3, 1)] * 4,
            physicsClientId=c,
        )
        h = f.height_m
        cabinet = -1
        if h > 0:
            cabinet = pb.createCollisionShape(
                pb.GEOM_BOX,
                halfExtents=(0.12, 0.13, h / 2),
                collisionFramePosition=(0.12, 0, -h / 2),
                physicsClientId=c,
            )
        cabinet_vis = -1
        if h > 0:
            cabinet_vis = pb.createVisualShape(
                pb.GEOM_BOX,
                halfExtents=(0.12, 0.13, h / 2),
                visualFramePosition=(0.12, 0, -h / 2),
                rgbaColor=(0.45, 0.35, 0.25, 1),
                physicsClientId=c,
            )
        body = pb.createMultiBody(
            0,
            cabinet,
            cabinet_vis,
            (x, y, h),
            linkMasses=[1.0],
            linkCollisionShapeIndices=[col],
            linkVisualShapeIndices=[vis],
            linkPositions=[(0, 0, 0)],
            linkOrientations=[(0, 0, 0, 1)],
            linkInertialFramePositions=[(0.1, 0, 0.05)],
            linkInertialFrameOrientations=[(0, 0, 0, 1)],
            linkParentIndices=[0],
            linkJointTypes=[pb.JOINT_PRISMATIC],
            linkJointAxis=[(1, 0, 0)],
            physicsClientId=c,
        )
        pb.changeDynamics(
            body,
            0,
            jointLowerLimit=-f.travel_m,
            jointUpperLimit=0.0,
            linearDamping=0.0,
            jointDamping=f.damping,
            lateralFriction=0.5,
            physicsClientId=c,
        )
        # Free slide (no motor), with the table not rubbing: the link rides 2 mm above it.
        pb.setJointMotorControl2(body, 0, pb.VELOCITY_CONTROL, force=0.0, physicsClientId=c)
        pb.setCollisionFilterPair(body, self.table, 0, -1, 0, physicsClientId=c)
        pb.setCollisionFilterPair(body, body, -1, 0, 0, physicsClientId=c)
        return Body(
            f.name,
            body,
            0,
            np.array([0.01, 0.05, 0.01]),
            math.pi / 2,
            kind="drawer",
            joint=0,
            centre_xy=np.array([x, y]),
        )

    def _valve(self, f: sk.Valve, x: float, y: float) -> Body:
        c = self.client
        post = pb.createCollisionShape(
            pb.GEOM_CYLINDER, radius=0.02, height=f.height_m, physicsClientId=c
        )
        post_vis = pb.createVisualShape(
            pb.GEOM_CYLINDER,
            radius=0.02,
            length=f.height_m,
            rgbaColor=(0.4, 0.4, 0.45, 1),
            physicsClientId=c,
        )
        r = f.radius_m
        wheel = pb.createCollisionShapeArray(
            [pb.GEOM_CYLINDER, pb.GEOM_CYLINDER],
            radii=[r + 0.012, 0.012],
            lengths=[0.01, 0.04],
            collisionFramePositions=[(0, 0, 0.005), (r, 0, 0.03)],
            physicsClientId=c,
        )
        wheel_vis = pb.createVisualShapeArray(
            [pb.GEOM_CYLINDER, pb.GEOM_CYLINDER],
            radii=[r + 0.012, 0.012],
            lengths=[0.01, 0.04],
            visualFramePositions=[(0, 0, 0.005), (r, 0, 0.03)],
            rgbaColors=[(0.8, 0.2, 0.2, 1), (0.2, 0.2, 0.2, 1)],
            physicsClientId=c,
        )
        body = pb.createMultiBody(
            0,
            post,
            post_vis,
            (x, y, f.height_m / 2),
            linkMasses=[0.3],
            linkCollisionShapeIndices=[wheel],
            linkVisualShapeIndices=[wheel_vis],
            linkPositions=[(0, 0, f.height_m / 2)],
            linkOrientations=[(0, 0, 0, 1)],
            linkInertialFramePositions=[(0, 0, 0.005)],
            linkInertialFrameOrientations=[(0, 0, 0, 1)],
            linkParentIndices=[0],
            linkJointTypes=[pb.JOINT_REVOLUTE],
            linkJointAxis=[(0, 0, 1)],
            physicsClientId=c,
        )
        # Dry friction of the spindle: a velocity motor at zero speed with a capped torque.
        pb.setJointMotorControl2(
            body, 0, pb.VELOCITY_CONTROL, targetVelocity=0.0, force=f.friction_nm, physicsClientId=c
        )
        return Body(
            f.name,
            body,
            0,
            np.array([0.012, 0.012, 0.02]),
            0.0,
            kind="valve",
            joint=0,
            centre_xy=np.array([x, y]),
            support_top_m=f.height_m,
            region_half_m=np.array([r, r]),
        )

    # ------------------------------------------------------------------ queries
    def pose(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """World position (m) and quaternion of an item's acting part (object base, fixture link)."""
        item = self.items[name]
        if item.link >= 0:
            s = pb.getLinkState(
                item.body, item.link, computeForwardKinematics=1, physicsClientId=self.client
            )
            return np.array(s[4]), np.array(s[5])
        pos, orn = pb.getBasePositionAndOrientation(item.body, physicsClientId=self.client)
        return np.array(pos), np.array(orn)

    def grasp_point(self, name: str, offset_m: float = 0.0) -> tuple[np.ndarray, float]:
        """Where a top-down grasp of ``name`` puts the TCP (m) and the grasp yaw (rad)."""
        item = self.items[name]
        pos, orn = self.pose(name)
        yaw = pb.getEulerFromQuaternion(orn)[2]
        if item.kind == "drawer":
            p = pos + np.array([-0.06, 0.0, 0.07])
            return p, item.grasp_yaw_rad
        if item.kind == "valve":
            r = self.items[name].region_half_m[0]
            angle = self.joint_value(name)
            p = pos + np.array([r * math.cos(angle), r * math.sin(angle), 0.045])
            return p, angle
        top = pos[2] + item.half_m[2]
        p = pos.copy()
        p[2] = top - min(0.02, item.half_m[2])
        # Fingers close along the TCP's y axis: across the narrower side; offsets go along the other.
        across_y = item.half_m[1] > item.half_m[0] + 1e-9
        grasp_yaw = yaw + (math.pi / 2 if across_y else 0.0)
        p[:2] += offset_m * np.array([math.cos(grasp_yaw), math.sin(grasp_yaw)])
        return p, grasp_yaw

    def support_height(self, name: str) -> float:
        """Height (m) at which something placed on ``name`` rests."""
        item = self.items[name]
        if item.kind == "object":
            pos, _ = self.pose(name)
            return float(pos[2] + item.half_m[2])
        return item.support_top_m

    def centre_xy(self, name: str) -> np.ndarray:
        """x, y (m) of an item now."""
        item = self.items[name]
        if item.kind in ("zone", "bin", "pallet", "hole"):
            return item.centre_xy.copy()
        return self.pose(name)[0][:2]

    def joint_value(self, name: str) -> float:
        """A drawer's or valve's joint position (m or rad)."""
        item = self.items[name]
        return float(pb.getJointState(item.body, item.joint, physicsClientId=self.client)[0])

    def opening(self, name: str) -> float:
        """How far a drawer is open (m) or a valve turned (rad)."""
        value = self.joint_value(name)
        return -value if self.items[name].kind == "drawer" else value

    def object_names(self) -> list[str]:
        return [n for n, b in self.items.items() if b.kind == "object"]

    def inside(self, obj: str, region: str, margin_m: float = 0.0) -> bool:
        """Whether the centre of ``obj`` lies over ``region``'s rectangle (x, y)."""
        r = self.items[region]
        p = self.pose(obj)[0][:2]
        return bool(np.all(np.abs(p - r.centre_xy) <= r.region_half_m + margin_m))
