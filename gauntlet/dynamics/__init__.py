"""Motion models: kinematic and dynamic bicycle, point mass, pedestrian.

Importing this package registers every model; look one up by name with
:func:`motion_model` (``motion_model("kinematic_bicycle")``). Each model steps a
batch of actors as one array operation; see :mod:`gauntlet.dynamics.base` for
the state and control convention.
"""

from gauntlet.dynamics.actuators import ActuatorBank, lag_fractions, vehicle_actuators
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
from gauntlet.dynamics.kinematic_bicycle import (
    KinematicBicycle,
    KinematicBicycleParams,
    KinematicBicycleState,
)
from gauntlet.dynamics.pedestrian import Pedestrian, PedestrianParams, PedestrianState
from gauntlet.dynamics.point_mass import PointMass, PointMassParams, PointMassState
from gauntlet.dynamics.presets import PRESETS, VehicleParams, preset
from gauntlet.dynamics.single_track import DynamicSingleTrack, SingleTrackState
from gauntlet.dynamics.single_track_params import SingleTrackParams
from gauntlet.dynamics.tyres import (
    GRAVITY_MPS2,
    PacejkaTyre,
    TyreModel,
    linear_lateral_force,
    pacejka_lateral_force,
)

__all__ = [
    "GRAVITY_MPS2",
    "HEADING",
    "MOTION_MODELS",
    "PRESETS",
    "SPEED",
    "X",
    "Y",
    "ActuatorBank",
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
