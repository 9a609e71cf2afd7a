"""A multi-object tracker: constant-velocity Kalman filters with global association.

Each track is a Kalman filter on the world-frame state ``[x, y, vx, vy]``
(m, m/s) under the constant-velocity model with white-acceleration process
noise of spectral density ``accel_noise_mps2**2``, plus a box (length, width,
heading) and a class carried along.

* **Prediction** to each measurement's time, and to the output time without
  changing the state.
* **Association** (:func:`associate`): the Hungarian algorithm
  (``scipy.optimize.linear_sum_assignment``) on the centre distances between
  predicted tracks and measurements, pairs farther than the gate left out.
* **Lidar boxes** update the position (noise ``lidar_sigma_m``); the class is
  the one most of its boxes had, the box size the running maximum of the
  boxes of that class (a lidar sees an object's far faces late; at most
  :data:`CLASS_MAX_SIZE_M` for walkers and bicycles), the
  heading follows the box, turned to the direction of motion once the track
  moves faster than ``heading_speed_mps`` (a moving pedestrian or bicycle
  takes its heading from its velocity). A confirmed pedestrian-sized track
  faster than ``walking_speed_mps`` is a bicycle seen end on: its box grows to
  a bicycle's length behind the face the lidar sees. A box the detector
  read as the end face of a car, on a confirmed pedestrian or bicycle track,
  is that object's side: its visible rectangle is completed as the track's
  class instead. A small box on a track faster than ``vehicle_speed_mps`` is
  part of a car: the car lies behind the visible face along the motion. A
  bicycle track that rode faster than walking for :data:`RODE_SWEEPS` sweeps
  in a row stays a bicycle, with its heading, when it stops, and the pieces
  a sparse lidar makes of it are joined into one box
  (:func:`~gauntlet.agents.perception.track_merge.merge_on_tracks`). A
  track faster than :data:`DRIVING_SPEED_MPS` whose box lies more than 45
  degrees across its motion takes the heading of its motion.
* **Radar clusters** pair with tracks whose near face is within the gate and
  whose predicted radial velocity agrees within ``radar_vr_gate_sigmas``
  standard deviations (static clusters only pair with tracks slower than
  ``static_track_speed_mps``: ground clutter must not slow a moving track
  whose motion is across the line of sight); they update the velocity along the line of sight with
  the ground radial velocity (noise ``radar_vr_sigma_mps``); a moving radar
  cluster without a track starts a track of a car's size, its centre half a
  car length behind the reflection.
* **Birth and death**: a new track is tentative until it has ``confirm_hits``
  updates (``radar_confirm_hits`` for a track only the radar has seen: a
  false alarm seldom comes back at the same place and speed); a tentative track dies at its first missed lidar sweep once it has
  been missed ``tentative_misses`` times; any track dies when nothing has
  updated it for ``max_coast_s`` (radar updates keep only radar-only tracks
  alive); a track whose centre lies in the box of a track with more updates,
  moving within ``merge_speed_mps`` of it, is a duplicate and is dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from gauntlet.agents.perception.geometry import in_box
from gauntlet.agents.perception.lidar_objects import (
    CAR_SIZE_M,
    CYCLIST_SIZE_M,
    PEDESTRIAN_SIZE_M,
    LidarBoxes,
    complete_box,
)
from gauntlet.agents.perception.radar_objects import RadarClusters
from gauntlet.agents.perception.track_merge import merge_on_tracks

#: Cost given to pairs outside the gate (never chosen over a gated pair).
NO_PAIR = 1e9
#: Speed above which a car's heading is never more than 45 degrees off its motion, m/s.
DRIVING_SPEED_MPS = 5.0
#: Updates a track needs before its speed may make a small box a car's.
VEHICLE_HITS = 5
#: Lidar sweeps in a row a bicycle track must be fast before it stays a bicycle once stopped.
RODE_SWEEPS = 10
#: Largest box (length, width) a track of a class keeps, m: a walker's box is
#: its class's (a lidar sees nearly all of a walker at once, and a box grown by
#: a neighbour's points once must not stay grown), a bicycle's at most this.
CLASS_MAX_SIZE_M = {"pedestrian": PEDESTRIAN_SIZE_M, "bicycle": (2.2, 1.0)}


@dataclass(frozen=True)
class TrackerParams:
    """Settings of :class:`Tracker` (see the module docstring)."""

    accel_noise_mps2: float = 2.0
    lidar_sigma_m: float = 0.3
    radar_vr_sigma_mps: float = 0.5
    radar_pos_sigma_m: float = 1.5
    init_speed_sigma_mps: float = 10.0
    lidar_gate_m: float = 3.0
    radar_gate_m: float = 3.5
    confirm_hits: int = 3
    radar_confirm_hits: int = 5
    radar_vr_gate_sigmas: float = 3.0
    static_track_speed_mps: float = 1.0
    tentative_misses: int = 2
    max_coast_s: float = 0.6
    heading_speed_mps: float = 1.5
    merge_speed_mps: float = 3.0
    walking_speed_mps: float = 3.0
    vehicle_speed_mps: float = 16.0


@dataclass
class Track:
    """One tracked object; ``state`` is ``[x, y, vx, vy]`` and ``cov`` its covariance."""

    track_id: int
    state: np.ndarray
    cov: np.ndarray
    time_s: float
    length: float
    width: float
    heading: float
    kind: str
    hits: int = 1
    misses: int = 0
    confirmed: bool = False
    last_update_s: float = 0.0
    lidar: bool = True
    votes: dict[str, int] = field(default_factory=dict)
    fast_sweeps: int = 0
    was_fast: bool = False

    @property
    def score(self) -> float:
        """Confidence in [0, 1]: grows with updates, shrinks with misses."""
        return min(1.0, self.hits / 5.0) * 0.8**self.misses


def associate(cost: np.ndarray, gate: float) -> list[tuple[int, int]]:
    """Pairs ``(row, column)`` of least total cost with every pair's cost at most ``gate``."""
    if cost.size == 0:
        return []
    masked = np.where(cost <= gate, cost, NO_PAIR)
    rows, cols = linear_sum_assignment(masked)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if masked[r, c] < NO_PAIR]


def _duplicate(t: Track, host: Track, max_speed_difference: float) -> bool:
    """Whether ``t``'s centre lies in ``host``'s box and both move alike."""
    x, y = host.state[0], host.state[1]
    inside = bool(in_box(t.state[0], t.state[1], (x, y, host.heading, host.length, host.width)))
    return inside and float(np.linalg.norm(t.state[2:] - host.state[2:])) <= max_speed_difference


def _car_behind_face(
    face: np.ndarray, velocity: np.ndarray, sensor_xy: tuple[float, float]
) -> tuple[np.ndarray, tuple[float, float]]:
    """Centre and (length, width) of a car whose visible rectangle is ``face``, moving along ``velocity``.

    The car's length runs along the motion; its centre lies half a car length
    (less the visible depth) behind the face's centre, away from the sensor.
    """
    cx, cy, angle, e1, e2 = (float(v) for v in face[:5])
    u = np.asarray(velocity, float) / float(np.linalg.norm(velocity))
    centre = np.array([cx, cy])
    if float(u @ (centre - np.asarray(sensor_xy))) < 0.0:
        u = -u
    a = np.array([math.cos(angle), math.sin(angle)])
    along = abs(float(a @ u)) * e1 + math.sqrt(max(0.0, 1.0 - float(a @ u) ** 2)) * e2
    across = math.sqrt(max(0.0, 1.0 - float(a @ u) ** 2)) * e1 + abs(float(a @ u)) * e2
    length, width = max(CAR_SIZE_M[0], along), max(CAR_SIZE_M[1], across)
    return centre + 0.5 * (length - along) * u, (length, width)


def cv_transition(dt: float, q: float) -> tuple[np.ndarray, np.ndarray]:
    """Transition matrix and process noise of the constant-velocity model over ``dt``."""
    f = np.eye(4)
    f[0, 2] = f[1, 3] = dt
    g = np.array([[dt**3 / 3, dt**2 / 2], [dt**2 / 2, dt]]) * q
    qm = np.zeros((4, 4))
    for a in (0, 1):
        qm[np.ix_([a, a + 2], [a, a + 2])] = g
    return f, qm


@dataclass
class Tracker:
    """Tracks from lidar boxes and radar clusters (see the module docstring)."""

    params: TrackerParams = field(default_factory=TrackerParams)
    tracks: list[Track] = field(default_factory=list)
    next_id: int = 1

    def _predict(self, time_s: float) -> None:
        q = self.params.accel_noise_mps2**2
        transitions: dict[float, tuple[np.ndarray, np.ndarray]] = {}
        for t in self.tracks:
            dt = time_s - t.time_s
            if dt > 0.0:
                if dt not in transitions:
                    transitions[dt] = cv_transition(dt, q)
                f, qm = transitions[dt]
                t.state = f @ t.state
                t.cov = f @ t.cov @ f.T + qm
                t.time_s = time_s

    def _kalman(self, t: Track, h: np.ndarray, z: np.ndarray, r: np.ndarray) -> None:
        s = h @ t.cov @ h.T + r
        k = t.cov @ h.T @ np.linalg.inv(s)
        t.state = t.state + k @ (z - h @ t.state)
        t.cov = (np.eye(4) - k @ h) @ t.cov

    def _new(self, x: float, y: float, time_s: float, **box: float | str) -> Track:
        p = self.params
        cov = np.diag([p.lidar_sigma_m**2] * 2 + [p.init_speed_sigma_mps**2] * 2)
        track = Track(
            self.next_id, np.array([x, y, 0.0, 0.0]), cov, time_s, last_update_s=time_s, **box
        )  # type: ignore[arg-type]
        self.next_id += 1
        self.tracks.append(track)
        return track

    def _hit(self, t: Track, time_s: float) -> None:
        t.hits += 1
        t.misses = 0
        t.last_update_s = time_s
        need = self.params.confirm_hits if t.lidar else self.params.radar_confirm_hits
        t.confirmed = t.confirmed or t.hits >= need

    def update_lidar(
        self, boxes: LidarBoxes, time_s: float, sensor_xy: tuple[float, float] = (0.0, 0.0)
    ) -> None:
        """Predict to ``time_s`` and update with one sweep's boxes, seen from ``sensor_xy``."""
        p = self.params
        self._predict(time_s)
        riders = [t for t in self.tracks if t.was_fast and t.kind == "bicycle"]
        if riders:  # a two-wheeler's pieces are one box
            boxes = merge_on_tracks(
                boxes, np.array([(*t.state[:2], t.heading, t.length, t.width) for t in riders])
            )
        pos = np.array([t.state[:2] for t in self.tracks]).reshape(-1, 2)
        meas = np.stack((boxes.x, boxes.y), axis=1)
        cost = np.linalg.norm(pos[:, None] - meas[None], axis=2)
        pairs = associate(cost, p.lidar_gate_m)
        h = np.eye(2, 4)
        r = np.eye(2) * p.lidar_sigma_m**2
        matched_tracks = {i for i, _ in pairs}
        for i, j in pairs:
            t = self.tracks[i]
            z = meas[j]
            kind, size = boxes.types[j], (float(boxes.length[j]), float(boxes.width[j]))
            face = boxes.visible[j] if len(boxes.visible) else None
            if kind == "car" and self._small(t) and face is not None and max(face[3:]) <= 2.6:
                # A flat face the detector read as a car's end is this object's side.
                x, y, _, ln, wd, kind = complete_box(*face, sensor_xy, kind=t.kind)
                z, size = np.array([x, y]), (ln, wd)
            if self._vehicle(t, kind) and face is not None:
                # Too fast for a walker or a bicycle: part of a car, which lies
                # behind the face the lidar sees, along the motion.
                z, size = _car_behind_face(face, t.state[2:], sensor_xy)
                kind = "car"
                small = t.votes.pop("pedestrian", 0) + t.votes.pop("bicycle", 0)
                t.votes["car"] = t.votes.get("car", 0) + small
            elif self._cyclist(t, kind):
                # An end-on face: the bicycle's centre is behind it, seen from the sensor.
                u = np.array([math.cos(t.heading), math.sin(t.heading)])
                u = u if float(u @ (z - np.asarray(sensor_xy))) >= 0.0 else -u
                z = z + 0.5 * (CYCLIST_SIZE_M[0] - size[0]) * u
                kind, size = "bicycle", (CYCLIST_SIZE_M[0], size[1])
                # What looked like a pedestrian was this bicycle all along.
                t.votes["bicycle"] = t.votes.get("bicycle", 0) + t.votes.pop("pedestrian", 0)
            self._kalman(t, h, z, r)
            self._classify(t, kind, size)
            t.heading = self._heading(t, float(boxes.heading[j]))
            t.lidar = True
            self._hit(t, time_s)
        for i, t in enumerate(self.tracks):
            if i not in matched_tracks:
                t.misses += 1
        for j in sorted(set(range(len(boxes))) - {j for _, j in pairs}):
            t = self._new(
                float(boxes.x[j]), float(boxes.y[j]), time_s,
                length=float(boxes.length[j]), width=float(boxes.width[j]),
                heading=float(boxes.heading[j]), kind=boxes.types[j],
            )  # fmt: skip
            t.votes[boxes.types[j]] = 1
        self._prune(time_s)

    def update_radar(self, clusters: RadarClusters, time_s: float) -> None:
        """Predict to ``time_s`` and update with one radar cycle's clusters."""
        p = self.params
        self._predict(time_s)
        # A radar reflects off the near face: compare with the track's near face.
        pos = np.array([t.state[:2] for t in self.tracks]).reshape(-1, 2)
        half = np.array([0.5 * t.length for t in self.tracks])
        near = pos[:, None] - half[:, None, None] * clusters.los[None]
        cost = np.linalg.norm(near - clusters.xy[None], axis=2)
        # Velocity gate: the cluster's radial velocity must agree with the track's.
        for i, t in enumerate(self.tracks):
            u = clusters.los
            predicted = u @ t.state[2:]
            var = np.einsum("ni,ij,nj->n", u, t.cov[2:, 2:], u) + p.radar_vr_sigma_mps**2
            off = np.abs(clusters.ground_vr - predicted) > p.radar_vr_gate_sigmas * np.sqrt(var)
            # A static cluster is ground clutter or a standing object, never a moving track.
            if math.hypot(t.state[2], t.state[3]) > p.static_track_speed_mps:
                off |= ~clusters.moving
            cost[i, off] = np.inf
        pairs = associate(cost, p.radar_gate_m)
        r = np.array([[p.radar_vr_sigma_mps**2]])
        for i, j in pairs:
            t = self.tracks[i]
            u = clusters.los[j]
            self._kalman(t, np.array([[0.0, 0.0, u[0], u[1]]]), clusters.ground_vr[j : j + 1], r)
            if not t.lidar:  # radar-only tracks take their position from the radar
                centre = clusters.xy[j] + 0.5 * t.length * u
                self._kalman(t, np.eye(2, 4), centre, np.eye(2) * p.radar_pos_sigma_m**2)
                self._hit(t, time_s)
        for j in sorted(set(range(len(clusters))) - {j for _, j in pairs}):
            if clusters.moving[j]:
                u = clusters.los[j]
                centre = clusters.xy[j] + 0.5 * CAR_SIZE_M[0] * u
                t = self._new(
                    float(centre[0]), float(centre[1]), time_s,
                    length=CAR_SIZE_M[0], width=CAR_SIZE_M[1],
                    heading=math.atan2(u[1], u[0]), kind="car",
                )  # fmt: skip
                t.lidar = False
                t.cov[:2, :2] = np.eye(2) * p.radar_pos_sigma_m**2
                self._kalman(
                    t,
                    np.array([[0.0, 0.0, u[0], u[1]]]),
                    clusters.ground_vr[j : j + 1],
                    r,
                )
        self._prune(time_s)

    def _classify(self, t: Track, kind: str, size: tuple[float, float]) -> None:
        """Vote for the class; the size is the largest box of the winning class seen."""
        if not t.lidar:  # a radar track's class and size were guesses
            t.votes = {}
        t.votes[kind] = t.votes.get(kind, 0) + 1
        best = max(sorted(t.votes), key=lambda k: t.votes[k])
        if best != t.kind or not t.lidar:
            t.kind, (t.length, t.width) = best, size
        elif kind == best:
            t.length, t.width = max(t.length, size[0]), max(t.width, size[1])
        cap = CLASS_MAX_SIZE_M.get(t.kind)
        if cap is not None:
            t.length, t.width = min(t.length, cap[0]), min(t.width, cap[1])

    def _small(self, t: Track) -> bool:
        """Whether ``t`` is a confirmed pedestrian or bicycle (by most of its boxes)."""
        small = t.votes.get("pedestrian", 0) + t.votes.get("bicycle", 0)
        return t.confirmed and t.kind in ("pedestrian", "bicycle") and small > t.votes.get("car", 0)

    def _vehicle(self, t: Track, box_kind: str) -> bool:
        """Whether a small box on track ``t`` is part of a car: the track is faster than ``vehicle_speed_mps``."""
        fast = math.hypot(t.state[2], t.state[3]) > self.params.vehicle_speed_mps
        return box_kind != "car" and t.hits >= VEHICLE_HITS and fast

    def _cyclist(self, t: Track, box_kind: str) -> bool:
        """Whether a pedestrian-sized box on track ``t`` is a bicycle: it moves too fast to walk."""
        fast = math.hypot(t.state[2], t.state[3]) > self.params.walking_speed_mps
        small = t.kind in ("pedestrian", "bicycle") and t.confirmed
        # A two-wheeler that rode for a while stays one when it stops.
        # The counter advances only on sweeps that reach this test (a box paired, not a car's part).
        t.fast_sweeps = t.fast_sweeps + 1 if small and fast else 0
        t.was_fast = t.was_fast or (t.kind == "bicycle" and t.fast_sweeps >= RODE_SWEEPS)
        return box_kind == "pedestrian" and small and (fast or t.was_fast)

    def _heading(self, t: Track, box_heading: float) -> float:
        """The box heading, turned by a half turn to agree with the motion (or the old heading)."""
        vx, vy = t.state[2], t.state[3]
        moving = math.hypot(vx, vy) > self.params.heading_speed_mps
        if moving and t.kind in ("pedestrian", "bicycle"):
            return math.atan2(vy, vx)  # a few points give no reliable box orientation
        if t.was_fast and t.kind == "bicycle":
            return t.heading  # a stopped two-wheeler keeps the heading it rode with
        ref = math.atan2(vy, vx) if moving else t.heading
        if math.hypot(vx, vy) > DRIVING_SPEED_MPS and abs(math.cos(box_heading - ref)) < 0.5**0.5:
            return ref  # a driving car does not move sideways: its box was fitted across

        if math.cos(box_heading - ref) < 0.0:
            box_heading += math.pi
        return math.atan2(math.sin(box_heading), math.cos(box_heading))

    def _prune(self, time_s: float) -> None:
        """Drop stale tracks, and tracks inside an older track's box moving with it."""
        p = self.params
        alive = [
            t
            for t in self.tracks
            if time_s - t.last_update_s <= p.max_coast_s
            and (t.confirmed or t.misses < p.tentative_misses)
        ]
        kept: list[Track] = []
        for t in sorted(alive, key=lambda t: (-t.hits, t.track_id)):
            if not any(_duplicate(t, k, p.merge_speed_mps) for k in kept):
                kept.append(t)
        self.tracks = sorted(kept, key=lambda t: t.track_id)

    def estimates(self, time_s: float) -> list[tuple[Track, np.ndarray]]:
        """Every track with its state predicted to ``time_s`` (the tracks are not changed)."""
        out = []
        transitions: dict[float, np.ndarray] = {}
        for t in self.tracks:
            dt = max(time_s - t.time_s, 0.0)
            if dt not in transitions:
                transitions[dt] = cv_transition(dt, 0.0)[0]
            out.append((t, transitions[dt] @ t.state))
        return out
