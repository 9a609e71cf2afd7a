"""Joining the boxes of one two-wheeler that a sparse lidar sees in pieces.

A 16-channel lidar looking down on a motorcycle or bicycle a few metres
ahead sees its rear face and, more than a metre farther, a ring across its
top or front: two clusters, neither of them the whole object. When both
boxes' centres lie in the predicted box of one confirmed two-wheeler track
(grown by ``margin_m`` on every side), :func:`merge_on_tracks` replaces them
by one box: the rectangle along the track's heading that holds both visible
rectangles, at least the track's class size, classed as that track.
"""

from __future__ import annotations

import math

import numpy as np

from gauntlet.agents.perception.geometry import box_corners
from gauntlet.agents.perception.lidar_objects import LidarBoxes

#: How far outside a track's box a piece's centre may lie, m.
MERGE_MARGIN_M = 0.5


def merge_on_tracks(
    boxes: LidarBoxes,
    tracks: np.ndarray,
    kind: str = "bicycle",
    margin_m: float = MERGE_MARGIN_M,
) -> LidarBoxes:
    """``boxes`` with the pieces of each track's object joined (see the module docstring).

    Args:
        boxes: One sweep's boxes (with their visible rectangles).
        tracks: ``(k, 5)`` predicted track boxes: x, y (m), heading (rad),
            length, width (m).
        kind: The class given to a joined box.
        margin_m: Growth of each track box on every side, m.
    """
    if len(boxes) < 2 or len(tracks) == 0 or len(boxes.visible) != len(boxes):
        return boxes
    taken = np.zeros(len(boxes), dtype=bool)
    rows: list[tuple] = []
    for x, y, heading, length, width in tracks:
        c, s = math.cos(heading), math.sin(heading)
        d = np.stack((boxes.x - x, boxes.y - y), axis=1)
        along, across = d @ np.array([c, s]), d @ np.array([-s, c])
        inside = (
            (np.abs(along) <= 0.5 * length + margin_m)
            & (np.abs(across) <= 0.5 * width + margin_m)
            & ~taken
        )
        members = np.flatnonzero(inside)
        if len(members) < 2:
            continue
        taken[members] = True
        v = boxes.visible[members]
        corners = box_corners(v[:, 0], v[:, 1], v[:, 2], v[:, 3], v[:, 4]).reshape(-1, 2)
        e1 = (corners - [x, y]) @ np.array([c, s])
        e2 = (corners - [x, y]) @ np.array([-s, c])
        lo1, hi1, lo2, hi2 = e1.min(), e1.max(), e2.min(), e2.max()
        m1, m2 = 0.5 * (lo1 + hi1), 0.5 * (lo2 + hi2)
        visible = (x + m1 * c - m2 * s, y + m1 * s + m2 * c, heading, hi1 - lo1, hi2 - lo2)
        rows.append(
            (
                visible[0],
                visible[1],
                heading,
                max(length, hi1 - lo1),
                max(width, hi2 - lo2),
                float(boxes.height[members].max()),
                int(boxes.points[members].sum()),
                kind,
                visible,
            )
        )
    if not rows:
        return boxes
    keep = np.flatnonzero(~taken)
    cols = list(zip(*rows, strict=True))
    return LidarBoxes(
        x=np.r_[boxes.x[keep], cols[0]],
        y=np.r_[boxes.y[keep], cols[1]],
        heading=np.r_[boxes.heading[keep], cols[2]],
        length=np.r_[boxes.length[keep], cols[3]],
        width=np.r_[boxes.width[keep], cols[4]],
        height=np.r_[boxes.height[keep], cols[5]],
        points=np.r_[boxes.points[keep], np.array(cols[6], np.int64)],
        types=tuple(boxes.types[k] for k in keep) + tuple(cols[7]),
        visible=np.concatenate((boxes.visible[keep], np.array(cols[8], float))),
    )
