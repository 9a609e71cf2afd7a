"""Moving obstacles tracked over successive ring scans: clusters of moving returns with a velocity.

A ring scan only gives each ray's range, so the change of one ray's range
between scans measures the radial part of an obstacle's motion only: an
intruder that passes beside the drone, or a drone that moves sideways, sees
much of the motion across the rays. The :class:`MovingTracker` groups the
returns that the planner found moving into clusters (returns closer than
CLUSTER_LINK_M joined, world frame), matches each cluster to the track whose
predicted centroid is nearest (within GATE_M plus GATE_SHARE of the track's
own motion since it was last seen; an unconfirmed track only within
UNCONFIRMED_GAP_S of its last sighting), and fits the velocity as the
least-squares slope of the centroids of the last HISTORY scans against time
(the centroid of the visible surface jumps as rays come and go; the slope
over 0.6 s averages that out). A new track starts at rest.

A track is *confirmed* once its history holds CONFIRM_HITS centroids on a
straight line in plan (RMS off the fitted line at most CONFIRM_RMS_M), it
moves horizontally at CONFIRM_MPS or more, both over the ground and relative
to the drone, it has come CONFIRM_M from where it was first seen, and no
static return of the scan lies within SURFACE_M of it. The rays grazing a trunk's edge change range as the
drone flies past and are flagged moving, but their centroid stays on the
trunk (and a level ring sees a trunk at the drone's height, so its returns
climb and sink with the drone: only the plan counts), so they are never
confirmed; the returns of a wall the drone flies along keep their ranges and
slide along with the drone (relative to it they stand still), and a surface
flagged in part lies next to its static returns: not confirmed either. In
fast flight the returns of walls and trunks slide in ways that mimic movers,
so a track is only confirmed while the drone flies at CONFIRM_OWN_MAX_MPS or
less over its history (a hovering or slow drone; once confirmed a track stays
so while the drone escapes); in fast flight movers keep the planner's radial
velocity estimate. A confirmed track's returns move with its velocity in the
planner's prediction; returns within CLAIM_M of its predicted centroid join
it even before their range changes show motion (a ray that has just come onto
the mover); when a scan misses it (a small mover between the rays) it stays
in the prediction at its predicted centroid. A track not seen for FORGET_S
(a confirmed one: CONFIRMED_FORGET_S) is dropped. :func:`threat_time` tells
how soon movers come within a distance of the drone.

All quantities are world ENU, metres, seconds, m/s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

CLUSTER_LINK_M = 1.5
GATE_M = 1.0
GATE_SHARE = 0.3
UNCONFIRMED_GAP_S = 0.15
FORGET_S = 1.0
CONFIRMED_FORGET_S = 2.0
CLAIM_M = 1.0
CONFIRM_HITS = 5
CONFIRM_RMS_M = 0.25
CONFIRM_MPS = 2.0
CONFIRM_M = 1.5
SURFACE_M = 2.0
CONFIRM_OWN_MAX_MPS = 3.0
HISTORY = 12


@dataclass
class Track:
    """One moving obstacle: centroid ``(3,)``, m, velocity ``(3,)``, m/s, last scan time, s, scans seen.

    ``times_s`` and ``centroids_m`` hold the last HISTORY sightings, ``origin_m``
    the first centroid; ``confirmed`` is set once the history holds
    CONFIRM_HITS sightings on a straight line (RMS off the fitted line in plan
    at most CONFIRM_RMS_M), the track moves horizontally at CONFIRM_MPS or more
    and has come CONFIRM_M from its origin in plan, and stays set. (A level ring sees a
    trunk at the drone's height: its returns climb and sink with the drone.)
    """

    centroid_m: np.ndarray
    velocity_mps: np.ndarray
    seen_s: float
    hits: int
    times_s: list[float]
    centroids_m: list[np.ndarray]
    origin_m: np.ndarray
    own_mps: list[np.ndarray] = field(default_factory=list)
    confirmed: bool = False

    def add(
        self, time_s: float, centroid_m: np.ndarray, own_mps: np.ndarray, free: bool = True
    ) -> None:
        """Record a sighting and refit the velocity (least squares over the history).

        ``own_mps`` is the drone's velocity ``(3,)``, m/s: a track that moves with the
        drone over the history (a wall the drone flies along keeps its ranges, so
        its returns slide along with the drone) is not confirmed; nor is one
        sighted beside static returns (``free`` false: a surface of the scenery).
        """
        self.times_s = [*self.times_s[-(HISTORY - 1) :], time_s]
        self.centroids_m = [*self.centroids_m[-(HISTORY - 1) :], centroid_m]
        self.own_mps = [*self.own_mps[-(HISTORY - 1) :], own_mps]
        self.centroid_m = centroid_m
        self.seen_s = time_s
        self.hits += 1
        t = np.asarray(self.times_s) - time_s
        span = t - np.mean(t)
        denominator = float(np.sum(span * span))
        if len(t) < 2 or denominator <= 0.0:
            return
        c = np.asarray(self.centroids_m)
        mean = np.mean(c, axis=0)
        self.velocity_mps = span @ (c - mean) / denominator
        # The centroids in plan must lie on the fitted line: a straight mover, not
        # returns flickering between surfaces.
        off = (c - mean - span[:, None] * self.velocity_mps[None])[:, :2]
        rms = math.sqrt(float(np.mean(np.sum(off * off, axis=1))))
        self.confirmed = self.confirmed or (
            len(t) >= CONFIRM_HITS
            and float(np.hypot(*self.velocity_mps[:2])) >= CONFIRM_MPS
            and float(np.hypot(*(self.velocity_mps - np.mean(self.own_mps, axis=0))[:2]))
            >= CONFIRM_MPS
            and max(float(np.hypot(*v[:2])) for v in self.own_mps) <= CONFIRM_OWN_MAX_MPS
            and float(np.hypot(*(centroid_m - self.origin_m)[:2])) >= CONFIRM_M
            and rms <= CONFIRM_RMS_M
            and free
        )


def clusters(points: np.ndarray) -> np.ndarray:
    """Cluster label of each point ``(n, 3)``, m: points closer than CLUSTER_LINK_M share a label.

    Labels are ``0 .. k-1`` in the order of each cluster's first point.
    """
    n = len(points)
    labels = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return labels
    gap = points[:, None, :] - points[None, :, :]
    linked = np.sum(gap * gap, axis=-1) < CLUSTER_LINK_M * CLUSTER_LINK_M
    label = 0
    for i in range(n):
        if labels[i] >= 0:
            continue
        frontier = np.zeros(n, dtype=bool)
        frontier[i] = True
        members = frontier.copy()
        while np.any(frontier):
            grown = np.any(linked[frontier], axis=0) & ~members
            members |= grown
            frontier = grown
        labels[members] = label
        label += 1
    return labels


class MovingTracker:
    """Tracks of moving obstacles from the moving returns of successive scans."""

    def __init__(self) -> None:
        self.tracks: list[Track] = []

    def update(
        self,
        time_s: float,
        points: np.ndarray,
        radial_v: np.ndarray,
        flagged: np.ndarray,
        own_mps: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Match this scan's moving returns to tracks.

        Args:
            time_s: Scan time, s.
            points: This scan's returns ``(n, 3)``, world, m.
            radial_v: Their radial velocity vectors ``(n, 3)``, m/s (range change along the ray).
            flagged: Which returns the range changes show moving ``(n,)``.
            own_mps: The drone's velocity ``(3,)``, m/s.

        Returns:
            Which returns move ``(n,)``: the flagged ones and those within CLAIM_M of a
            confirmed track's predicted centroid (a ray that has just come onto a
            mover shows no range change yet), the velocity of each ``(n, 3)``, m/s
            (its confirmed track's, else its radial vector; zero when static), and
            which belong to a confirmed track ``(n,)``.
        """
        self.tracks = [
            t
            for t in self.tracks
            if time_s - t.seen_s <= (CONFIRMED_FORGET_S if t.confirmed else FORGET_S)
        ]
        moving = flagged.copy()
        for t in self.tracks:
            if t.confirmed and np.any(~moving):
                ahead = t.centroid_m + t.velocity_mps * (time_s - t.seen_s)
                gap = points - ahead
                moving |= np.sum(gap * gap, axis=1) < CLAIM_M * CLAIM_M
        out = np.where(flagged[:, None], radial_v, 0.0)
        confirmed = np.zeros(len(points), dtype=bool)
        index = np.flatnonzero(moving)
        if len(index) == 0:
            return moving, out, confirmed
        chosen = points[index]
        labels = clusters(chosen)
        still = points[~moving]
        # The existing tracks' predicted centroids, gates and eligibility, as arrays.
        old = len(self.tracks)
        age = time_s - np.array([t.seen_s for t in self.tracks])
        velocity = np.array([t.velocity_mps for t in self.tracks]).reshape(-1, 3)
        ahead = (
            np.array([t.centroid_m for t in self.tracks]).reshape(-1, 3) + velocity * age[:, None]
        )
        slack = GATE_M + GATE_SHARE * np.sqrt(np.sum(velocity * velocity, axis=1)) * age
        open_ = np.array(
            [t.confirmed or a <= UNCONFIRMED_GAP_S for t, a in zip(self.tracks, age, strict=True)]
        )
        open_ = open_.astype(bool).reshape(-1)
        for k in range(int(labels.max()) + 1):
            members = index[labels == k]
            centroid = np.mean(points[members], axis=0)
            best = -1
            if old:
                gap = np.sqrt(np.sum((ahead - centroid) ** 2, axis=1))
                gap = np.where(open_ & (gap < slack), gap, np.inf)
                j = int(np.argmin(gap))
                best = j if math.isfinite(gap[j]) else -1
            if best < 0:
                self.tracks.append(
                    Track(centroid, np.zeros(3), time_s, 1, [time_s], [centroid], centroid)
                )
                continue
            t = self.tracks[best]
            open_[best] = False
            free = not len(still) or not np.any(points_within(points[members], still, SURFACE_M))
            t.add(time_s, centroid, own_mps, free)
            if t.confirmed:
                out[members] = t.velocity_mps
                confirmed[members] = True
        return moving, out, confirmed

    def unseen(self, time_s: float) -> tuple[np.ndarray, np.ndarray]:
        """Predicted centroids ``(k, 3)``, m, and velocities ``(k, 3)``, m/s, of the confirmed
        tracks this scan did not see (a small mover can fall between the rays)."""
        lost = [t for t in self.tracks if t.confirmed and t.seen_s < time_s]
        if not lost:
            return np.zeros((0, 3)), np.zeros((0, 3))
        velocity = np.array([t.velocity_mps for t in lost])
        where = np.array([t.centroid_m for t in lost])
        where += velocity * (time_s - np.array([t.seen_s for t in lost]))[:, None]
        return where, velocity


def points_within(points: np.ndarray, others: np.ndarray, distance_m: float) -> np.ndarray:
    """Whether each point ``(n, 3)`` lies within ``distance_m`` of any of ``others`` ``(k, 3)``, m."""
    gap = points[:, None, :] - others[None, :, :]
    return np.any(np.sum(gap * gap, axis=-1) < distance_m * distance_m, axis=1)


def threat_time(
    relative_m: np.ndarray, relative_v: np.ndarray, distance_m: float, within_s: float
) -> tuple[float, np.ndarray]:
    """How soon any point comes within ``distance_m`` of the drone, s, and which points do.

    The time is ``inf`` when no point comes that close within ``within_s``.

    Args:
        relative_m: Points relative to the drone ``(n, 3)``, m.
        relative_v: Their velocities relative to the drone ``(n, 3)``, m/s (straight lines).
        distance_m: Distance that counts as a threat, m.
        within_s: Look-ahead, s.

    The time of closest approach of each point is ``t* = -p.w / |w|^2``
    (clipped to ``[0, within_s]``); a point whose closest approach over that
    interval is under ``distance_m`` threatens at ``t*``.
    """
    if len(relative_m) == 0:
        return float("inf"), np.zeros(0, dtype=bool)
    w2 = np.sum(relative_v * relative_v, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(w2 > 1e-9, -np.sum(relative_m * relative_v, axis=1) / w2, 0.0)
    t = np.clip(t, 0.0, within_s)
    closest = relative_m + relative_v * t[:, None]
    hit = np.sum(closest * closest, axis=1) < distance_m * distance_m
    return (float(np.min(t[hit])) if np.any(hit) else float("inf")), hit
