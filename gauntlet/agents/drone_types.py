"""What a drone stack learns and sees, and what it commands.

A drone stack follows the :class:`~gauntlet.agents.stack.Stack` protocol with
these types: ``reset(info: DroneEpisodeInfo)`` once, then
``step(obs: DroneObservation) -> DroneCommand`` at every world step. One
stack instance flies one drone. Frames are world ENU (x east, y north, z up),
units SI.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gauntlet.dynamics.airspace import Zone


@dataclass(frozen=True)
class DroneEpisodeInfo:
    """What a drone stack learns once, at reset.

    Attributes:
        scenario: Scenario id.
        drone: Drone name.
        preset: Preset name (``crazyflie``, ``agile``, ``industrial``).
        dt_s: Time between ``step`` calls, s.
        seed: Run seed.
        mission: Mission kind (``goal``, ``waypoints``, ``patrol``, ``hover``).
        points_m: Mission points ``(k, 3)``, m (one row for goal and hover).
        tolerance_m: Distance at which a point counts as reached, m.
        cruise_speed_mps: Speed to aim for, m/s.
        max_speed_mps: The controller's horizontal speed limit, m/s.
        max_accel_mps2: A braking acceleration the airframe can hold, m/s^2.
        velocity_time_constant_s: Time constant of the velocity loop (1 / its gain), s.
        radius_m: The drone's collision radius, m.
        home_m: Where to return on a low battery ``(3,)``, m.
        return_reserve_s: Flight time to keep in hand on the way home, s.
        zones: The no-fly zones (:mod:`gauntlet.dynamics.airspace` solids).
        zone_margin_m: The distance the flight controller keeps from zones, m.
        ring_azimuth_rad: Azimuth of each ring column ``(A,)``, world frame, rad.
        ring_elevation_rad: Elevation of each ring row ``(E,)``, rad.
        ring_max_range_m: Farthest return, m.
    """

    scenario: str
    drone: str
    preset: str
    dt_s: float
    seed: int
    mission: str
    points_m: np.ndarray
    tolerance_m: float
    cruise_speed_mps: float
    max_speed_mps: float
    max_accel_mps2: float
    velocity_time_constant_s: float
    radius_m: float
    home_m: np.ndarray
    return_reserve_s: float
    zones: tuple[Zone, ...]
    zone_margin_m: float
    ring_azimuth_rad: np.ndarray
    ring_elevation_rad: np.ndarray
    ring_max_range_m: float


@dataclass(frozen=True)
class DroneObservation:
    """What a drone stack sees at one step.

    Attributes:
        time_s: Simulation time, s.
        position_m: Position ``(3,)``, m.
        velocity_mps: Velocity ``(3,)``, m/s.
        heading_rad: Heading, ccw from east, rad.
        battery_soc: State of charge (0-1).
        remaining_flight_s: Predicted time to the battery's cut-off at the current power, s.
        ring_ranges_m: Latest 360° scan ``(E, A)``: range along each ray, m
            (``inf``: nothing within range); rows follow ``ring_elevation_rad``,
            columns ``ring_azimuth_rad``.
        ring_time_s: When that scan was taken, s (``-inf`` before the first).
        zone_distance_m: Signed distance to each zone ``(Z,)``, m (negative inside).
        on_pad: Whether the drone is on its home pad having its battery swapped.
    """

    time_s: float
    position_m: np.ndarray
    velocity_mps: np.ndarray
    heading_rad: float
    battery_soc: float
    remaining_flight_s: float
    ring_ranges_m: np.ndarray
    ring_time_s: float
    zone_distance_m: np.ndarray
    on_pad: bool = False


@dataclass(frozen=True)
class DroneCommand:
    """A velocity-level command to the flight controller.

    Attributes:
        velocity_mps: World velocity ``(3,)`` to fly, m/s.
        heading_rad: Heading to hold, rad (``nan``: keep the current one).
        mode: What the stack is doing (``mission``, ``avoid``, ``return``, ``done``), for the trace.
    """

    velocity_mps: np.ndarray
    heading_rad: float = math.nan
    mode: str = "mission"
