"""Motion models: kinematic and dynamic bicycle, point mass, pedestrian; quadrotors.

Drones: the quadrotor rigid body, its cascaded flight controller, wind,
battery and no-fly zones, stepped together by :class:`QuadrotorFleet`
(see docs/drones.md). The quadrotor is not in the motion-model registry: it
takes four motor commands, not the road models' two.

Importing this package registers every model; look one up by name with
:func:`motion_model` (``motion_model("kinematic_bicycle")``). Each model steps a
batch of actors as one array operation; see :mod:`gauntlet.dynamics.base` for
the state and control convention.
"""

from gauntlet.dynamics.actuators import ActuatorBank, lag_fractions, vehicle_actuators
from gauntlet.dynamics.airspace import Airspace, CylinderZone, PrismZone, zones_from_geojson
from gauntlet.dynamics.base import (
    HEADING,
    MOTION_MODELS,
    SPEED,
    MotionModel,
    X,
    Y,
    motion_model,
    register_motion_model,
)
from gauntlet.dynamics.battery import Battery, BatteryParams
from gauntlet.dynamics.drone_presets import DRONE_PRESETS, DronePreset, drone_preset
from gauntlet.dynamics.fleet import QuadrotorFleet
from gauntlet.dynamics.flight_control import FlightController, FlightControlParams
from gauntlet.dynamics.kinematic_bicycle import (
    KinematicBicycle,
    KinematicBicycleParams,
    KinematicBicycleState,
)
from gauntlet.dynamics.pedestrian import Pedestrian, PedestrianParams, PedestrianState
from gauntlet.dynamics.point_mass import PointMass, PointMassParams, PointMassState
from gauntlet.dynamics.presets import PRESETS, VehicleParams, preset
from gauntlet.dynamics.quadrotor import Quadrotor, QuadrotorParams, QuadrotorState
from gauntlet.dynamics.single_track import DynamicSingleTrack, SingleTrackState
from gauntlet.dynamics.single_track_params import SingleTrackParams
from gauntlet.dynamics.tyres import (
    GRAVITY_MPS2,
    PacejkaTyre,
    TyreModel,
    linear_lateral_force,
    pacejka_lateral_force,
)
from gauntlet.dynamics.wind import Gust, MeanWind, WindField

__all__ = [
    "DRONE_PRESETS",
    "GRAVITY_MPS2",
    "HEADING",
    "MOTION_MODELS",
    "PRESETS",
    "SPEED",
    "X",
    "Y",
    "ActuatorBank",
    "Airspace",
    "Battery",
    "BatteryParams",
    "CylinderZone",
    "DronePreset",
    "FlightControlParams",
    "FlightController",
    "Gust",
    "MeanWind",
    "PrismZone",
    "Quadrotor",
    "QuadrotorFleet",
    "QuadrotorParams",
    "QuadrotorState",
    "WindField",
    "drone_preset",
    "zones_from_geojson",
    "DynamicSingleTrack",
    "KinematicBicycle",
    "KinematicBicycleParams",
    "KinematicBicycleState",
    "MotionModel",
    "PacejkaTyre",
    "Pedestrian",
    "PedestrianParams",
    "PedestrianState",
    "PointMass",
    "PointMassParams",
    "PointMassState",
    "SingleTrackParams",
    "SingleTrackState",
    "TyreModel",
    "VehicleParams",
    "lag_fractions",
    "linear_lateral_force",
    "motion_model",
    "pacejka_lateral_force",
    "preset",
    "register_motion_model",
    "vehicle_actuators",
]
