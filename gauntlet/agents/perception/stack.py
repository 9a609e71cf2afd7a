"""The ``reference:perception`` stack: the reference driving stack on lidar and radar perception.

Each step the stack takes every lidar sweep and radar cycle delivered since
the last step (in time order), turns sweeps into boxes
(:class:`~gauntlet.agents.perception.lidar_objects.LidarDetector`) and radar
cycles into clusters (:func:`~gauntlet.agents.perception.radar_objects.radar_clusters`),
feeds both to the :class:`~gauntlet.agents.perception.tracker.Tracker`, and
hands the confirmed tracks, predicted to the observation's time, to a
:class:`~gauntlet.agents.reference.ReferenceStack` in place of the
ground-truth object list. Its own state (odometry and localisation), the
route and the next traffic light stay as the observation gives them.

It finds its sensors by the type of their measurements, whatever their names.
A scenario that declares no ``ego.sensors`` gets :data:`SENSOR_RIG` (a
VLP-16 lidar on the roof and an ARS 408 radar in the front bumper):
the runner mounts a stack's ``SENSORS`` when the scenario has none.
:meth:`PerceptionStack.perceived_objects` shows every track, tentative ones
included, with its confidence, for the evaluator's perception metrics.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from gauntlet.agents.perception.lidar_objects import LidarDetector, LidarDetectorParams
from gauntlet.agents.perception.radar_objects import RadarClusterParams, radar_clusters
from gauntlet.agents.perception.tracker import Tracker, TrackerParams
from gauntlet.agents.reference import ReferenceStack
from gauntlet.agents.stack import Control, EpisodeInfo, ObjectList, Observation
from gauntlet.scenarios.sensing import EgoSensor, SensorMount
from gauntlet.sensors.lidar import LidarScan
from gauntlet.sensors.radar import RadarScan

#: The sensors the stack needs: a VLP-16 on the roof (its -1 degree beam meets
#: a car's sides from about 23 m to 100 m) and an ARS 408 in the front bumper.
SENSOR_RIG: tuple[EgoSensor, ...] = (
    EgoSensor(name="lidar", kind="lidar", preset="vlp16", mount=SensorMount(x_m=0.0, z_m=1.9)),
    EgoSensor(name="radar", kind="radar", preset="ars408", mount=SensorMount(x_m=2.0, z_m=0.5)),
)


@dataclass(frozen=True)
class PerceivedObjects:
    """What a perception stack believes at one time: its objects and their confidences.

    Attributes:
        objects: The tracks as an object list (``ids`` are track ids).
        scores: Confidence of each object in [0, 1].
        confirmed: Whether each object is passed on to planning.
    """

    objects: ObjectList
    scores: np.ndarray
    confirmed: np.ndarray


def empty_object_list() -> ObjectList:
    """An object list without objects."""
    z = np.zeros(0)
    return ObjectList(np.zeros(0, np.int64), (), np.zeros((0, 2)), z, np.zeros((0, 2)), z, z)


class PerceptionStack:
    """The reference driving stack on tracked lidar and radar objects.

    Args:
        **driving: Parameters of :class:`~gauntlet.agents.reference.ReferenceStack`.
    """

    SENSORS = SENSOR_RIG

    def __init__(self, **driving: Any) -> None:
        self.driver = ReferenceStack(**driving)
        self.detector = LidarDetector(LidarDetectorParams())
        self.radar_params = RadarClusterParams()
        self.tracker = Tracker(TrackerParams())
        # The time of the newest measurement taken in, per sensor (each sensor's times only grow).
        self._latest: dict[str, float] = {}
        self._perceived: PerceivedObjects | None = None

    def reset(self, info: EpisodeInfo) -> None:
        self.driver.reset(info)
        self.tracker = Tracker(self.tracker.params)
        self._latest = {}
        self._perceived = None

    def _ingest(self, sensors: dict[str, Any]) -> None:
        """Feed the measurements not seen before to the tracker, oldest first."""
        new: list[tuple[float, str, Any]] = []
        for name, m in sensors.items():
            if isinstance(m, LidarScan):
                t = m.time_s + 0.5 * m.duration_s  # the sweep's mean firing time
            elif isinstance(m, RadarScan):
                t = m.time_s
            else:
                continue
            if t > self._latest.get(name, -math.inf):
                self._latest[name] = t
                new.append((t, name, m))
        for t, _, m in sorted(new, key=lambda e: (e[0], e[1])):
            if isinstance(m, LidarScan):
                self.tracker.update_lidar(
                    self.detector.detect(m.points, m.pose), t, (m.pose.x, m.pose.y)
                )
            else:
                self.tracker.update_radar(
                    radar_clusters(m.detections, m.pose, self.radar_params), t
                )

    def perceive(self, obs: Observation) -> PerceivedObjects:
        """Update the tracks from ``obs.sensors`` and return them at ``obs.time_s``."""
        self._ingest(obs.sensors)
        est = self.tracker.estimates(obs.time_s)
        if not est:
            self._perceived = PerceivedObjects(empty_object_list(), np.zeros(0), np.zeros(0, bool))
            return self._perceived
        states = np.array([s for _, s in est])
        tracks = [t for t, _ in est]
        objects = ObjectList(
            ids=np.array([t.track_id for t in tracks], np.int64),
            types=tuple(t.kind for t in tracks),
            xy=states[:, :2].copy(),
            heading=np.array([t.heading for t in tracks]),
            velocity=states[:, 2:].copy(),
            length=np.array([t.length for t in tracks]),
            width=np.array([t.width for t in tracks]),
        )
        self._perceived = PerceivedObjects(
            objects,
            np.array([t.score for t in tracks]),
            np.array([t.confirmed for t in tracks], bool),
        )
        return self._perceived

    def perceived_objects(self) -> PerceivedObjects | None:
        """The objects of the latest step (None before the first)."""
        return self._perceived

    def step(self, obs: Observation) -> Control:
        p = self.perceive(obs)
        keep = np.flatnonzero(p.confirmed)
        o = p.objects
        objects = ObjectList(
            ids=o.ids[keep],
            types=tuple(o.types[k] for k in keep),
            xy=o.xy[keep],
            heading=o.heading[keep],
            velocity=o.velocity[keep],
            length=o.length[keep],
            width=o.width[keep],
        )
        return self.driver.step(replace(obs, objects=objects))

    def close(self) -> None:
        close = getattr(self.driver, "close", None)
        if callable(close):
            close()
