"""``gauntlet bench radar``: radar cycles per second with 50 targets, end to end.

The scene: a 4-lane road (3.5 m lanes, x along the road) with guard rails on
both edges; 50 seeded targets ahead of the ego within 4-240 m — cars, trucks,
motorcycles, cyclists and pedestrians, moving at seeded speeds. The ego drives
at 25 m/s with an ARS 408-21 preset radar (far and near scan, ground clutter
and false alarms at the preset's rates) on its front bumper, 0.5 m high; the
guard rails make multipath ghosts.

A cycle is one ``Radar.measure`` call, from the target arrays to the
structured detection array: geometry and aspect RCS, shadowing, ghosts,
clutter, fluctuation, cell merging, detection, noise and false alarms, for
both scans. ``scans_per_s`` is the median over the repeats of wall-clock
rate; ``scans_per_cpu_s`` divides by process CPU time, which other load on a
shared machine disturbs much less.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from gauntlet.sensors.base import Mount
from gauntlet.sensors.radar import MirrorPlane, Radar, RadarTargets
from gauntlet.sensors.radar_presets import ARS_408
from gauntlet.sensors.semantic import Semantic

TARGETS = 50
TARGET_SCANS_PER_S = 500
LANE_WIDTH_M = 3.5
LANES = 4
EGO_SPEED_MPS = 25.0

#: Class, length, width, height (m) and speed range (m/s) of the target mix.
_MIX = (
    (Semantic.CAR, 4.5, 1.8, 1.5, (15.0, 35.0)),
    (Semantic.TRUCK, 12.0, 2.5, 3.8, (15.0, 25.0)),
    (Semantic.MOTORCYCLE, 2.2, 0.8, 1.4, (15.0, 35.0)),
    (Semantic.BICYCLE, 1.8, 0.6, 1.7, (3.0, 8.0)),
    (Semantic.PEDESTRIAN, 0.5, 0.5, 1.75, (0.0, 1.5)),
)


def radar_scene(n: int = TARGETS, seed: int = 7) -> RadarTargets:
    """``n`` seeded targets on the benchmark road ahead of the ego (at x = 0, lane 2)."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(len(_MIX), size=n, p=[0.6, 0.15, 0.1, 0.08, 0.07])
    spec = [_MIX[k] for k in kind]
    lane = rng.integers(0, LANES, n)
    speed = np.array([rng.uniform(*s[4]) for s in spec])
    heading = np.where(rng.random(n) < 0.1, np.pi, 0.0)  # a few oncoming or reversing
    return RadarTargets(
        ids=np.arange(1, n + 1),
        semantic=np.array([s[0] for s in spec], dtype=np.uint8),
        x=rng.uniform(4.0, 240.0, n),
        y=(lane - 1.5) * LANE_WIDTH_M,
        z=np.zeros(n),
        heading=heading,
        length=np.array([s[1] for s in spec]),
        width=np.array([s[2] for s in spec]),
        height=np.array([s[3] for s in spec]),
        vx=speed * np.cos(heading),
        vy=speed * np.sin(heading),
    )


def bench_radar(quick: bool = False) -> dict[str, Any]:
    """Radar cycles per second (wall and CPU) for 50 targets, and detections per cycle."""
    targets = radar_scene()
    radar = Radar(ARS_408)
    ego_y = -0.5 * LANE_WIDTH_M
    pose = Mount(x=3.8, z=0.5).sensor_pose(0.0, ego_y, 0.0, speed=EGO_SPEED_MPS)
    rails = (
        MirrorPlane.vertical(0.0, 0.5 * LANES * LANE_WIDTH_M + 0.5, 0.0),
        MirrorPlane.vertical(0.0, -0.5 * LANES * LANE_WIDTH_M - 0.5, 0.0),
    )
    rng = np.random.default_rng(7)

    def cycle() -> int:
        return len(radar.measure(targets, pose, 0.0, rng, mirrors=rails).detections)

    warmup, scans, repeats = (20, 200, 2) if quick else (200, 2000, 7)
    for _ in range(warmup):
        cycle()
    wall, cpu, counts = [], [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        counts += [cycle() for _ in range(scans)]
        wall.append(scans / (time.perf_counter() - t0))
        cpu.append(scans / max(time.process_time() - c0, 1e-9))
    det = np.array(counts)
    return {
        "targets": len(targets),
        "scan_modes": len(ARS_408.modes),
        "scans_per_repeat": scans,
        "repeats": repeats,
        "scans_per_s": round(float(np.median(wall))),
        "scans_per_s_best": round(float(max(wall))),
        "scans_per_cpu_s": round(float(np.median(cpu))),
        "ms_per_scan": round(1e3 / float(np.median(wall)), 3),
        "detections_per_scan_mean": round(float(det.mean()), 2),
        "target_scans_per_s": TARGET_SCANS_PER_S,
    }
