"""The tasks of the drone environments: what each reset draws, and the reward weights.

A task turns the environment's generator into one concrete
:class:`~gauntlet.scenarios.drone.DroneScenario` per episode (the drone
world then runs it unchanged) and fixes the action scale and the reward
weights. Three tasks (``docs/drones.md``, "Gymnasium environments"):

* ``hover``: hold a point 5–15 m up in wind of a Beaufort level drawn from
  ``beaufort`` (inclusive), blowing from a uniform direction, with Dryden
  turbulence; the drone starts up to ``start_offset_m`` from the point.
* ``waypoint``: pass 3–5 waypoints (tolerance 1.5 m) in a 60 m square,
  5–20 m up, at least 10 m apart, in wind of Beaufort 0–3.
* ``avoid``: cross a forest (trees 15 m tall, 0.2–0.4 m radius, density
  50–200 trees/ha) to a goal 80 m east (tolerance 2 m), 4 m up, under a
  no-fly ceiling at 10 m (so the forest cannot be overflown), Beaufort 0–2.

Commands reach the controller without latency (the link is ideal); the
ring has no noise in ``hover`` and ``waypoint`` (it sees nothing there).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gauntlet.scenarios import drone as sd

TASKS = ("hover", "waypoint", "avoid")
#: World step of every task (the agent acts at 50 Hz), s.
STEP_S = 0.02
#: Longest physics substep, s.
PHYSICS_DT_S = 0.004
#: Height of the no-fly ceiling over the forest of ``avoid``, m.
AVOID_CEILING_M = 10.0


@dataclass(frozen=True)
class RewardWeights:
    """Weights of the reward terms (each term in ``info["reward_terms"]`` is already weighted).

    Attributes:
        progress: Per metre the drone came closer to its current target.
        tracking: Per metre of distance from the mission's reference per second
            (the hover point, or the polyline start -> waypoints / goal).
        collision: On the step of the first collision (the episode ends).
        energy: Per watt-hour of electrical energy drawn.
        waypoint: Per waypoint passed (the last one too).
        goal: When the mission is complete (the episode ends).
    """

    progress: float = 1.0
    tracking: float = -0.1
    collision: float = -10.0
    energy: float = -1.0
    waypoint: float = 1.0
    goal: float = 10.0


@dataclass(frozen=True)
class TaskSettings:
    """Fixed settings of one task.

    Attributes:
        name: ``hover``, ``waypoint`` or ``avoid``.
        max_speed_xy_mps: Horizontal speed of a unit action, m/s.
        max_speed_z_mps: Vertical speed of a unit action, m/s.
        max_yaw_rate_radps: Yaw rate of a unit action, rad/s.
        time_limit_s: Episode length before truncation, s.
        beaufort: Inclusive range of the Beaufort level drawn at reset.
        ring: The 360° ring (its ranges are observed in ``avoid`` only).
        reward: Reward weights.
    """

    name: str
    max_speed_xy_mps: float
    max_speed_z_mps: float
    max_yaw_rate_radps: float
    time_limit_s: float
    beaufort: tuple[int, int]
    ring: sd.RingSpec
    reward: RewardWeights


_QUIET_RING = sd.RingSpec(azimuths=8, elevations_deg=(0.0,), rate_hz=1.0, noise_m=0.0)

DEFAULTS: dict[str, TaskSettings] = {
    "hover": TaskSettings(
        "hover", 2.0, 1.0, 1.0, 20.0, (0, 6), _QUIET_RING, RewardWeights(tracking=-0.5)
    ),
    "waypoint": TaskSettings("waypoint", 8.0, 3.0, 1.5, 60.0, (0, 3), _QUIET_RING, RewardWeights()),
    "avoid": TaskSettings(
        "avoid",
        6.0,
        2.0,
        1.5,
        40.0,
        (0, 2),
        sd.RingSpec(
            azimuths=36, elevations_deg=(0.0,), rate_hz=50.0, max_range_m=20.0, noise_m=0.02
        ),
        RewardWeights(tracking=0.0),
    ),
}


def _wind(rng: np.random.Generator, beaufort: tuple[int, int]) -> sd.WindSpec:
    level = int(rng.integers(beaufort[0], beaufort[1] + 1))
    direction = float(rng.uniform(0.0, 360.0))
    return sd.WindSpec(beaufort=level, direction_deg=direction, turbulence=level > 0)


def build_scenario(
    settings: TaskSettings, rng: np.random.Generator, start_offset_m: float = 2.0
) -> sd.DroneScenario:
    """The episode's scenario, drawn from ``rng`` (the environment's generator).

    Args:
        settings: The task.
        rng: Generator every random choice comes from.
        start_offset_m: ``hover`` only: largest distance of the start from the point, m.
    """
    wind = _wind(rng, settings.beaufort)
    obstacles: tuple[sd.Obstacle, ...] = ()
    zones: tuple[sd.NoFlyZone, ...] = ()
    if settings.name == "hover":
        point = (
            float(rng.uniform(-5.0, 5.0)),
            float(rng.uniform(-5.0, 5.0)),
            float(rng.uniform(5.0, 15.0)),
        )
        direction = rng.standard_normal(3)
        offset = start_offset_m * rng.uniform() * direction / max(np.linalg.norm(direction), 1e-9)
        start = tuple(float(v) for v in np.asarray(point) + offset)
        mission: sd.Mission = sd.HoverMission(position_m=point)
    elif settings.name == "waypoint":
        start = (0.0, 0.0, 10.0)
        points: list[tuple[float, float, float]] = []
        last = np.asarray(start)
        for _ in range(int(rng.integers(3, 6))):
            for _attempt in range(50):
                p = np.array(
                    (rng.uniform(-30.0, 30.0), rng.uniform(-30.0, 30.0), rng.uniform(5.0, 20.0))
                )
                if np.linalg.norm(p - last) >= 10.0:
                    break
            points.append((float(p[0]), float(p[1]), float(p[2])))
            last = p
        mission = sd.WaypointsMission(points_m=tuple(points), tolerance_m=1.5)
    elif settings.name == "avoid":
        start = (0.0, 0.0, 4.0)
        goal = (80.0, float(rng.uniform(-10.0, 10.0)), 4.0)
        mission = sd.GoalMission(position_m=goal, tolerance_m=2.0)
        density = float(rng.uniform(50.0, 200.0))
        obstacles = (
            sd.Forest(
                area_m=(8.0, -25.0, 72.0, 25.0),
                trees_per_ha=density,
                radius_m=(0.2, 0.4),
                height_m=15.0,
                spacing_m=3.0,
                keep_clear_m=3.0,
            ),
        )
        zones = (
            sd.PrismNoFly(
                polygon_m=((-50.0, -60.0), (130.0, -60.0), (130.0, 60.0), (-50.0, 60.0)),
                floor_m=AVOID_CEILING_M,
                ceiling_m=1.0e4,
                name="ceiling",
            ),
        )
    else:
        raise ValueError(f"drone env: task must be one of {TASKS}, got {settings.name!r}")
    heading = float(rng.uniform(-180.0, 180.0))
    drone = sd.Drone(mission=mission, preset="agile", start_m=start, heading_deg=heading)
    return sd.DroneScenario(
        name=f"drone_{settings.name}",
        seed=int(rng.integers(2**31 - 1)),
        drones=(drone,),
        obstacles=obstacles,
        wind=wind,
        no_fly_zones=zones,
        zone_margin_m=1.0,
        perception=settings.ring,
        link=sd.LinkSpec(latency_s=0.0, jitter_s=0.0, loss=0.0),
        timing=sd.TimingSpec(step_s=STEP_S, physics_dt_s=PHYSICS_DT_S),
        stop=sd.DroneStop(duration_s=settings.time_limit_s),
    )
