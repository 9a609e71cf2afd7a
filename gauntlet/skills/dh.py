"""Denavit-Hartenberg kinematics: published arm parameters, forward kinematics, URDF text.

Two conventions appear in manufacturers' documents:

* *standard* (distal) DH, ``T_i = Rz(theta_i) Tz(d_i) Tx(a_i) Rx(alpha_i)``
  (Universal Robots, KUKA, Kinova);
* *modified* (proximal, Craig) DH, ``T_i = Rx(alpha_{i-1}) Tx(a_{i-1}) Rz(theta_i) Tz(d_i)``
  (Franka Emika, UFactory).

:func:`forward_kinematics` evaluates either; :func:`urdf_from_dh` writes a
URDF whose link ``link<i>`` frame *is* DH frame ``i`` (standard convention),
which is how the UR5e and Kinova Gen3 models in ``assets/robots/`` were made.
Lengths in m, angles in rad, masses in kg.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np


@dataclass(frozen=True)
class DHTable:
    """One arm's published DH parameters (one entry per revolute joint).

    Attributes:
        convention: ``standard`` or ``modified``.
        a_m, d_m, alpha_rad, theta_offset_rad: The DH parameters per joint.
        base: 4x4 transform from the robot base frame to DH frame 0 (row-major tuple).
        flange: 4x4 transform from the last DH frame to the tool flange.
        source: Where the figures come from.
    """

    convention: Literal["standard", "modified"]
    a_m: tuple[float, ...]
    d_m: tuple[float, ...]
    alpha_rad: tuple[float, ...]
    theta_offset_rad: tuple[float, ...]
    base: tuple[float, ...] = tuple(np.eye(4).ravel())
    flange: tuple[float, ...] = tuple(np.eye(4).ravel())
    source: str = ""

    @property
    def dof(self) -> int:
        return len(self.a_m)


def rot_x(angle: float) -> np.ndarray:
    """Homogeneous rotation about x by ``angle`` rad."""
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[1, 0, 0, 0], [0, c, -s, 0], [0, s, c, 0], [0, 0, 0, 1]], dtype=float)


def rot_z(angle: float) -> np.ndarray:
    """Homogeneous rotation about z by ``angle`` rad."""
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s, 0, 0], [s, c, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], dtype=float)


def translate(x: float, y: float, z: float) -> np.ndarray:
    """Homogeneous translation by (x, y, z) m."""
    t = np.eye(4)
    t[:3, 3] = (x, y, z)
    return t


def forward_kinematics(table: DHTable, q: Sequence[float]) -> list[np.ndarray]:
    """World transforms of DH frames 1..n and of the flange (last) for joint angles ``q`` rad."""
    if len(q) != table.dof:
        raise ValueError(f"expected {table.dof} joint angles, got {len(q)}")
    t = np.array(table.base, dtype=float).reshape(4, 4)
    frames = []
    for i, qi in enumerate(q):
        theta = qi + table.theta_offset_rad[i]
        a, d, alpha = table.a_m[i], table.d_m[i], table.alpha_rad[i]
        if table.convention == "standard":
            t = t @ rot_z(theta) @ translate(0, 0, d) @ translate(a, 0, 0) @ rot_x(alpha)
        else:
            t = t @ rot_x(alpha) @ translate(a, 0, 0) @ rot_z(theta) @ translate(0, 0, d)
        frames.append(t)
    frames.append(t @ np.array(table.flange, dtype=float).reshape(4, 4))
    return frames


def _rpy(matrix: np.ndarray) -> tuple[float, float, float]:
    """URDF roll-pitch-yaw (fixed axes x, y, z) of a rotation matrix."""
    r = matrix[:3, :3]
    pitch = math.asin(max(-1.0, min(1.0, -r[2, 0])))
    if abs(math.cos(pitch)) > 1e-9:
        roll = math.atan2(r[2, 1], r[2, 2])
        yaw = math.atan2(r[1, 0], r[0, 0])
    else:  # gimbal lock: put everything in yaw
        roll = 0.0
        yaw = math.atan2(-r[0, 1], r[1, 1])
    return roll, pitch, yaw


def _origin(t: np.ndarray) -> str:
    x, y, z = (float(v) for v in t[:3, 3])
    r, p, w = _rpy(t)
    return f'<origin xyz="{x:.6f} {y:.6f} {z:.6f}" rpy="{r:.9f} {p:.9f} {w:.9f}"/>'


def _segment(start: np.ndarray, end: np.ndarray, radius: float) -> str:
    """Visual and collision cylinder from ``start`` to ``end`` (link frame), or nothing if short."""
    v = end - start
    length = float(np.linalg.norm(v))
    if length < 1e-6:
        return ""
    mid = (start + end) / 2
    z = v / length
    # Rotation taking the cylinder's z axis onto v.
    axis = np.cross([0.0, 0.0, 1.0], z)
    s, c = float(np.linalg.norm(axis)), float(z[2])
    if s < 1e-9:
        rot = np.eye(4) if c > 0 else rot_x(math.pi)
    else:
        k = axis / s
        kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
        rot = np.eye(4)
        rot[:3, :3] = np.eye(3) + s * kx + (1 - c) * kx @ kx
    t = translate(*mid) @ rot
    geom = f'<geometry><cylinder radius="{radius:.3f}" length="{length:.6f}"/></geometry>'
    return (
        f'    <visual>{_origin(t)}{geom}<material name="grey"/></visual>\n'
        f"    <collision>{_origin(t)}{geom}</collision>\n"
    )


def _inertial(mass: float, centre: np.ndarray, radius: float, length: float) -> str:
    """Solid-cylinder inertia about the centre of mass (kg m^2)."""
    ixx = mass * (3 * radius**2 + length**2) / 12
    izz = mass * radius**2 / 2
    x, y, z = (float(v) for v in centre)
    return (
        f'    <inertial><origin xyz="{x:.6f} {y:.6f} {z:.6f}" rpy="0 0 0"/>'
        f'<mass value="{mass:.4f}"/>'
        f'<inertia ixx="{ixx:.6f}" ixy="0" ixz="0" iyy="{ixx:.6f}" iyz="0" izz="{izz:.6f}"/>'
        "</inertial>\n"
    )


#: Inertial block of a frame-only link (1 g), so loaders need not invent one.
_TINY_INERTIAL = (
    '<inertial><mass value="0.001"/>'
    '<inertia ixx="1e-7" ixy="0" ixz="0" iyy="1e-7" iyz="0" izz="1e-7"/></inertial>'
)


@dataclass(frozen=True)
class JointLimits:
    """Published limits of one joint: range (rad), speed (rad/s), torque (N m)."""

    lower_rad: float
    upper_rad: float
    velocity_radps: float
    effort_nm: float


def urdf_from_dh(
    name: str,
    table: DHTable,
    masses_kg: Sequence[float],
    limits: Sequence[JointLimits],
    radii_m: Sequence[float],
    header: str,
    gripper: str = "",
) -> str:
    """URDF text of a standard-DH arm: ``base_link``, ``link1..n``, ``tool0`` (the flange).

    ``masses_kg`` has ``n + 1`` entries (base first). Each link is drawn as
    cylinders along its DH offsets ``d`` then ``a``. ``gripper`` is URDF text
    attached to ``tool0``.
    """
    if table.convention != "standard":
        raise ValueError("urdf_from_dh writes standard-DH chains only")
    n = table.dof
    lines = ['<?xml version="1.0"?>', header.rstrip(), f'<robot name="{name}">']
    lines.append('  <material name="grey"><color rgba="0.7 0.7 0.72 1"/></material>')
    base = np.array(table.base, dtype=float).reshape(4, 4)
    base_len = max(abs(table.d_m[0]) * 0.4, 0.05)
    lines.append('  <link name="base_link">')
    lines.append(
        _segment(np.zeros(3), np.array([0.0, 0.0, base_len]), radii_m[0])
        + _inertial(masses_kg[0], np.array([0, 0, base_len / 2]), radii_m[0], base_len)
    )
    lines.append("  </link>")
    parent_to_joint = base
    for i in range(n):
        a, d, alpha = table.a_m[i], table.d_m[i], table.alpha_rad[i]
        # Link i's frame is DH frame i-1 turned by theta_i; it reaches (0,0,d) then (a,0,d).
        knee = np.array([0.0, 0.0, d])
        tip = np.array([a, 0.0, d])
        length = abs(d) + abs(a)
        centre = (knee / 2 * abs(d) + (knee + tip) / 2 * abs(a)) / max(length, 1e-9)
        r = radii_m[i + 1]
        lim = limits[i]
        lines.append(f'  <link name="link{i + 1}">')
        lines.append(
            _segment(np.zeros(3), knee, r)
            + _segment(knee, tip, r)
            + _inertial(masses_kg[i + 1], centre, r, max(length, 2 * r))
        )
        lines.append("  </link>")
        parent = "base_link" if i == 0 else f"link{i}"
        joint_origin = parent_to_joint @ rot_z(table.theta_offset_rad[i])
        lines.append(
            f'  <joint name="joint{i + 1}" type="revolute"><parent link="{parent}"/>'
            f'<child link="link{i + 1}"/>{_origin(joint_origin)}<axis xyz="0 0 1"/>'
            f'<limit lower="{lim.lower_rad:.6f}" upper="{lim.upper_rad:.6f}" '
            f'velocity="{lim.velocity_radps:.4f}" effort="{lim.effort_nm:.1f}"/>'
            '<dynamics damping="0.5" friction="0.0"/></joint>'
        )
        parent_to_joint = translate(0, 0, d) @ translate(a, 0, 0) @ rot_x(alpha)
    flange = parent_to_joint @ np.array(table.flange, dtype=float).reshape(4, 4)
    lines.append(f'  <link name="tool0">{_TINY_INERTIAL}</link>')
    lines.append(
        f'  <joint name="flange" type="fixed"><parent link="link{n}"/><child link="tool0"/>'
        f"{_origin(flange)}</joint>"
    )
    if gripper:
        lines.append(gripper.rstrip())
    lines.append("</robot>")
    return "\n".join(line for line in lines if line) + "\n"
