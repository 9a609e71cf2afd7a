"""Perception metrics against ground truth: precision, recall, AP (BEV IoU) and CLEAR MOT.

A stack that exposes ``perceived_objects()`` (returning
:class:`~gauntlet.agents.perception.stack.PerceivedObjects`) is scored each
step against the world's actors, and the scenario's metrics get:

* ``perception_ap_bev{30,50}`` — average precision at bird's-eye-view IoU
  0.3 and 0.5 of oriented boxes, over every object the stack reports, ranked
  by its confidence; all-point interpolation (the area under the precision
  envelope, as PASCAL VOC since 2010);
* ``perception_ap_bev30_{0_20,20_40,40_60}m`` — the same at IoU 0.3 with ground
  truth and detections both limited to a range bin (distance from the ego's
  centre);
* ``perception_precision_bev{30,50}``, ``perception_recall_bev{30,50}`` — at
  the stack's operating point (the confirmed objects it plans with);
* ``perception_mota``, ``perception_motp_m``, ``perception_id_switches`` —
  CLEAR MOT (Bernardin and Stiefelhagen, 2008) of the confirmed objects,
  matched within ``MOT_MATCH_M`` of centre distance; MOTP is the mean centre
  distance of the matches, m;
* ``perception_frames``, ``perception_gt`` — steps scored and ground-truth
  boxes counted.

Ground truth is every other actor the sensors can show (not the static
geometry's footprints) within ``EVAL_RANGE_M`` of the ego. With a lidar on
the ego, only actors with at least ``MIN_LIDAR_POINTS`` points in its latest
sweep must be found; a detection of an actor in range with fewer points is
neither a true nor a false positive (a "don't care" box, as in KITTI). A
metric that is undefined (no ground truth, no detections) is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gauntlet.agents.perception.geometry import bev_iou_matrix, box_corners
from gauntlet.agents.perception.tracker import associate

if TYPE_CHECKING:
    from gauntlet.agents.perception.stack import PerceivedObjects
    from gauntlet.world.world import World

#: Ground truth farther from the ego than this is not scored, m.
EVAL_RANGE_M = 60.0
#: Range bins of the binned AP, m.
RANGE_BINS_M = ((0.0, 20.0), (20.0, 40.0), (40.0, 60.0))
#: Lidar points an actor needs in the latest sweep to be a must-find box.
MIN_LIDAR_POINTS = 3
#: Largest centre distance of a track matched to an object in CLEAR MOT, m.
MOT_MATCH_M = 2.0
#: IoU thresholds of the reported precision, recall and AP.
IOU_THRESHOLDS = (0.3, 0.5)


@dataclass(frozen=True)
class PerceptionFrame:
    """Ground truth and detections at one time (BEV boxes, world frame).

    Attributes:
        gt_ids: Actor ids.
        gt_corners: ``(n, 4, 2)`` box corners, m.
        gt_range: Distance from the ego, m.
        gt_care: Whether each box must be found (see the module docstring).
        det_ids: Track ids.
        det_corners: ``(m, 4, 2)`` box corners, m.
        det_range: Distance from the ego, m.
        det_scores: Confidence in [0, 1].
        det_confirmed: Whether the stack plans with each detection.
        iou: ``(m, n)`` BEV IoU of each detection with each ground-truth box
            (computed from the corners when not given).
    """

    gt_ids: np.ndarray
    gt_corners: np.ndarray
    gt_range: np.ndarray
    gt_care: np.ndarray
    det_ids: np.ndarray
    det_corners: np.ndarray
    det_range: np.ndarray
    det_scores: np.ndarray
    det_confirmed: np.ndarray
    iou: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.iou is None:
            object.__setattr__(self, "iou", bev_iou_matrix(self.det_corners, self.gt_corners))

    def subset(self, gt: np.ndarray, det: np.ndarray) -> PerceptionFrame:
        """The frame with only the ground-truth rows ``gt`` and detection rows ``det``."""
        return PerceptionFrame(
            self.gt_ids[gt], self.gt_corners[gt], self.gt_range[gt], self.gt_care[gt],
            self.det_ids[det], self.det_corners[det], self.det_range[det],
            self.det_scores[det], self.det_confirmed[det], self.iou[np.ix_(det, gt)],
        )  # fmt: skip


def match_detections(frame: PerceptionFrame, iou_threshold: float) -> np.ndarray:
    """Label each detection 1 (true positive), 0 (false positive) or -1 (ignored).

    Detections in descending confidence take the unmatched must-find box of
    highest IoU at or above the threshold; a detection that finds none but
    overlaps a don't-care box that much is ignored.
    """
    iou = frame.iou
    label = np.zeros(len(frame.det_ids), dtype=np.int8)
    taken = np.zeros(len(frame.gt_ids), dtype=bool)
    for d in np.argsort(-frame.det_scores, kind="stable"):
        free = np.where(frame.gt_care & ~taken, iou[d], -1.0)
        g = int(np.argmax(free)) if len(free) else -1
        if g >= 0 and free[g] >= iou_threshold:
            label[d] = 1
            taken[g] = True
        elif len(free) and (iou[d][~frame.gt_care] >= iou_threshold).any():
            label[d] = -1
    return label


def average_precision(scores: np.ndarray, true_positive: np.ndarray, n_gt: int) -> float:
    """All-point interpolated AP of detections ranked by ``scores`` against ``n_gt`` boxes."""
    if n_gt == 0:
        return float("nan")
    order = np.argsort(-scores, kind="stable")
    tp = np.cumsum(true_positive[order])
    fp = np.cumsum(~true_positive[order])
    recall = np.concatenate(([0.0], tp / n_gt, [tp[-1] / n_gt if len(tp) else 0.0]))
    precision = np.concatenate(([1.0], tp / np.maximum(tp + fp, 1), [0.0]))
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    return float(np.sum(np.diff(recall) * envelope[1:]))


def detection_scores(frames: Sequence[PerceptionFrame], iou_threshold: float) -> dict[str, float]:
    """AP over all detections, and precision and recall of the confirmed ones."""
    scores, tp, confirmed = [], [], []
    n_gt = 0
    for f in frames:
        label = match_detections(f, iou_threshold)
        keep = label >= 0
        scores.append(f.det_scores[keep])
        tp.append(label[keep] == 1)
        confirmed.append(f.det_confirmed[keep])
        n_gt += int(f.gt_care.sum())
    s, t, c = (np.concatenate(a) if a else np.zeros(0) for a in (scores, tp, confirmed))
    t, c = t.astype(bool), c.astype(bool)
    out = {"ap": average_precision(s, t, n_gt)}
    out["recall"] = float(t[c].sum() / n_gt) if n_gt else float("nan")
    out["precision"] = float(t[c].sum() / c.sum()) if c.sum() else float("nan")
    return out


def clear_mot(
    frames: Sequence[PerceptionFrame], max_distance_m: float = MOT_MATCH_M
) -> dict[str, float]:
    """MOTA, MOTP (mean centre distance, m) and identity switches of the confirmed detections.

    Per frame, a must-find object keeps its previous track while it stays
    within ``max_distance_m``; the rest are matched by the Hungarian algorithm
    on centre distance. Don't-care objects are left out, and confirmed
    detections that match them are not false positives.
    """
    last: dict[int, int] = {}
    fn = fp = switches = matches = 0
    n_gt = 0
    dist_sum = 0.0
    for f in frames:
        det = np.flatnonzero(f.det_confirmed)
        gc, dc = f.gt_corners.mean(axis=1), f.det_corners[det].mean(axis=1)
        dist = (
            np.linalg.norm(gc[:, None] - dc[None], axis=2) if len(det) else np.zeros((len(gc), 0))
        )
        care = np.flatnonzero(f.gt_care)
        n_gt += len(care)
        pairs: dict[int, int] = {}
        for g in care:
            prev = last.get(int(f.gt_ids[g]))
            hit = np.flatnonzero(f.det_ids[det] == prev) if prev is not None else []
            if len(hit) and dist[g, hit[0]] <= max_distance_m and hit[0] not in pairs.values():
                pairs[int(g)] = int(hit[0])
        rest_g = [g for g in care if g not in pairs]
        rest_d = [d for d in range(len(det)) if d not in pairs.values()]
        if rest_g and rest_d:
            sub = dist[np.ix_(rest_g, rest_d)]
            for r, c in associate(sub, max_distance_m):
                pairs[int(rest_g[r])] = int(rest_d[c])
        for g, d in pairs.items():
            gid, tid = int(f.gt_ids[g]), int(f.det_ids[det][d])
            if gid in last and last[gid] != tid:
                switches += 1
            last[gid] = tid
            dist_sum += float(dist[g, d])
        matches += len(pairs)
        fn += len(care) - len(pairs)
        dontcare = np.flatnonzero(~f.gt_care)
        for d in set(range(len(det))) - set(pairs.values()):
            if not (len(dontcare) and (dist[dontcare, d] <= max_distance_m).any()):
                fp += 1
    out = {"id_switches": float(switches)}
    if n_gt:
        out["mota"] = 1.0 - (fn + fp + switches) / n_gt
    if matches:
        out["motp_m"] = dist_sum / matches
    return out


def perception_metrics(frames: Sequence[PerceptionFrame]) -> dict[str, float]:
    """The scenario metrics of the module docstring from the scored frames."""
    out: dict[str, float] = {
        "perception_frames": float(len(frames)),
        "perception_gt": float(sum(int(f.gt_care.sum()) for f in frames)),
    }
    for thr in IOU_THRESHOLDS:
        tag = f"bev{round(thr * 100):02d}"
        for key, value in detection_scores(frames, thr).items():
            out[f"perception_{key}_{tag}"] = value
    for lo, hi in RANGE_BINS_M:
        binned = [
            f.subset(
                (f.gt_range >= lo) & (f.gt_range < hi), (f.det_range >= lo) & (f.det_range < hi)
            )
            for f in frames
        ]
        out[f"perception_ap_bev30_{lo:.0f}_{hi:.0f}m"] = detection_scores(binned, 0.3)["ap"]
    out.update({f"perception_{k}": v for k, v in clear_mot(frames).items()})
    return {k: v for k, v in out.items() if np.isfinite(v)}


class PerceptionEvaluation:
    """Collects one :class:`PerceptionFrame` per step from the world and a stack's perceived objects."""

    def __init__(self, world: World, ego: int) -> None:
        self.ego = ego
        sensing = world.sensing
        shown = sensing.shown if sensing is not None else np.arange(len(world.actors))
        self.candidates = shown[shown != ego]
        self.lidars = [s for s in (sensing.sensors if sensing else []) if s.kind == "lidar"]
        self.frames: list[PerceptionFrame] = []

    def _care(self, ids: np.ndarray) -> np.ndarray | None:
        """Whether each actor has enough points in the latest sweeps; None before any sweep."""
        scans = [s.latest for s in self.lidars if s.latest is not None]
        if not self.lidars:
            return np.ones(len(ids), dtype=bool)
        if not scans:
            return None
        counts = np.zeros(len(ids), dtype=np.int64)
        for scan in scans:
            seen, n = np.unique(scan.points["object_id"], return_counts=True)
            k = np.searchsorted(seen, ids)
            hit = (k < len(seen)) & (seen[np.minimum(k, len(seen) - 1)] == ids)
            counts[hit] += n[k[hit]]
        return counts >= MIN_LIDAR_POINTS

    def update(self, world: World, perceived: PerceivedObjects | None) -> None:
        """Score the world's current state against ``perceived`` (skipped before the first sweep)."""
        if perceived is None:
            return
        e = self.ego
        ex, ey = float(world.x[e]), float(world.y[e])
        c = self.candidates
        gt_range = np.hypot(world.x[c] - ex, world.y[c] - ey)
        ids = c[gt_range <= EVAL_RANGE_M]
        care = self._care(ids)
        if care is None:
            return
        o = perceived.objects
        det_range = np.hypot(o.xy[:, 0] - ex, o.xy[:, 1] - ey)
        det = np.flatnonzero(det_range <= EVAL_RANGE_M)
        self.frames.append(
            PerceptionFrame(
                gt_ids=ids,
                gt_corners=box_corners(
                    world.x[ids], world.y[ids], world.h[ids], world.length[ids], world.width[ids]
                ),
                gt_range=gt_range[gt_range <= EVAL_RANGE_M],
                gt_care=care,
                det_ids=o.ids[det],
                det_corners=box_corners(
                    o.xy[det, 0], o.xy[det, 1], o.heading[det], o.length[det], o.width[det]
                ),
                det_range=det_range[det],
                det_scores=perceived.scores[det],
                det_confirmed=perceived.confirmed[det],
            )
        )

    def metrics(self) -> dict[str, float]:
        """The metrics of every frame scored so far."""
        return perception_metrics(self.frames)
