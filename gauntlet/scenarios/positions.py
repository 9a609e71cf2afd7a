"""Positions in scenario files: world poses, lane positions and poses relative to an entity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from gauntlet.scenarios.spec import param


@dataclass(frozen=True)
class WorldPosition:
    """A pose in the map's world frame."""

    KIND: ClassVar[str] = "world"
    x_m: float = param(doc="East coordinate.")
    y_m: float = param(doc="North coordinate.")
    z_m: float = param(0.0, doc="Height above the map datum.")
    heading_rad: float = param(0.0, doc="Yaw, counter-clockwise from +x.")


@dataclass(frozen=True)
class LanePosition:
    """A position on a lane, in OpenDRIVE road coordinates."""

    KIND: ClassVar[str] = "lane"
    road: str = param(doc="OpenDRIVE road id.")
    lane: int = param(doc="OpenDRIVE lane id (negative: right of the reference line).")
    s_m: float = param(doc="Distance along the road reference line.", ge=0.0)
    offset_m: float = param(0.0, doc="Lateral offset from the lane centre, positive to the left.")
    heading_rad: float = param(0.0, doc="Yaw relative to the lane's driving direction.")


@dataclass(frozen=True)
class RelativeLanePosition:
    """A position on the lanes, relative to another entity."""

    KIND: ClassVar[str] = "relative_lane"
    entity: str = param(doc="The reference entity.")
    ds_m: float = param(0.0, doc="Distance ahead of the entity along its lane (negative: behind).")
    lanes: int = param(0, doc="Lanes to the left of the entity's lane (negative: to the right).")
    offset_m: float = param(0.0, doc="Lateral offset from the target lane's centre.")


@dataclass(frozen=True)
class RelativeWorldPosition:
    """A pose offset from another entity, in its body frame or the world frame."""

    KIND: ClassVar[str] = "relative_world"
    entity: str = param(doc="The reference entity.")
    dx_m: float = param(0.0, doc="Offset along x of the chosen frame.")
    dy_m: float = param(0.0, doc="Offset along y of the chosen frame.")
    dheading_rad: float = param(0.0, doc="Heading offset from the entity's heading.")
    frame: Literal["entity", "world"] = param("entity", doc="Frame of dx_m and dy_m.")


Position = WorldPosition | LanePosition | RelativeLanePosition | RelativeWorldPosition
