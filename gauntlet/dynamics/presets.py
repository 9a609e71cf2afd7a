"""Physical parameters of typical road users, by category.

:class:`VehicleParams` gathers what every motion model might need about one road
user; each model picks the fields it uses through its ``from_params``
constructor (``KinematicBicycle.from_params([preset("car")] * 3)``). The
figures are representative published-style values for a typical member of the
category, not data of a particular product.

Conventions: ``lr_m`` is the distance from the rear axle to the centre of mass
(the reference point of the vehicle models); cornering stiffnesses are per axle
(both tyres together); steering angles are road-wheel angles.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from gauntlet.dynamics.tyres import GRAVITY_MPS2, PacejkaTyre


@dataclass(frozen=True)
class VehicleParams:
    """Dimensions, inertia, limits and tyre data of one road user.

    Fields that do not apply to a category (a pedestrian has no wheelbase or
    tyres) are 0 or ``None``; models that need them reject such parameters.

    Attributes:
        category: Category name, e.g. ``"car"``.
        length_m: Overall length, m.
        width_m: Overall width, m.
        height_m: Overall height, m.
        wheelbase_m: Front to rear axle, m.
        lr_m: Rear axle to centre of mass, m.
        mass_kg: Mass including a typical load or rider, kg.
        yaw_inertia_kgm2: Moment of inertia about the vertical axis through the
            centre of mass, kg m^2.
        max_speed_mps: Highest forward speed, m/s.
        max_reverse_speed_mps: Highest speed when backing up, m/s (positive). A
            vehicle reverses only when told to drive backwards (a negative target
            speed); 3 m/s (about walking pace plus) by default, as a reverse gear
            manoeuvres at a few m/s.
        max_accel_mps2: Highest longitudinal acceleration, m/s^2.
        max_decel_mps2: Highest braking deceleration (positive), m/s^2.
        max_steer_rad: Largest road-wheel steering angle, rad.
        max_steer_rate_radps: Largest road-wheel steering rate, rad/s.
        accel_lag_s: Time constant of the drive/brake response, s.
        steer_lag_s: Time constant of the steering response, s.
        cornering_stiffness_front_npr: Front axle cornering stiffness, N/rad.
        cornering_stiffness_rear_npr: Rear axle cornering stiffness, N/rad.
        friction_coefficient: Peak tyre-road friction coefficient (dry asphalt ~1).
        pacejka_front: Magic-formula coefficients of the front axle.
        pacejka_rear: Magic-formula coefficients of the rear axle.
    """

    category: str
    length_m: float
    width_m: float
    height_m: float
    wheelbase_m: float
    lr_m: float
    mass_kg: float
    yaw_inertia_kgm2: float
    max_speed_mps: float
    max_accel_mps2: float
    max_decel_mps2: float
    max_steer_rad: float
    max_steer_rate_radps: float
    accel_lag_s: float
    steer_lag_s: float
    cornering_stiffness_front_npr: float = 0.0
    cornering_stiffness_rear_npr: float = 0.0
    friction_coefficient: float = 1.0
    pacejka_front: PacejkaTyre | None = None
    pacejka_rear: PacejkaTyre | None = None
    max_reverse_speed_mps: float = 3.0

    def __post_init__(self) -> None:
        positive = (
            "length_m",
            "width_m",
            "height_m",
            "mass_kg",
            "yaw_inertia_kgm2",
            "max_speed_mps",
            "max_reverse_speed_mps",
            "max_accel_mps2",
            "max_decel_mps2",
            "friction_coefficient",
        )
        for name in positive:
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0.0):
                raise ValueError(f"VehicleParams.{name} must be a finite number > 0, got {value!r}")
        non_negative = (
            "wheelbase_m",
            "lr_m",
            "max_steer_rad",
            "max_steer_rate_radps",
            "accel_lag_s",
            "steer_lag_s",
            "cornering_stiffness_front_npr",
            "cornering_stiffness_rear_npr",
        )
        for name in non_negative:
            value = getattr(self, name)
            if not value >= 0.0:
                raise ValueError(f"VehicleParams.{name} must be >= 0, got {value!r}")
        if self.lr_m > self.wheelbase_m:
            raise ValueError(
                f"VehicleParams.lr_m ({self.lr_m}) must not exceed wheelbase_m ({self.wheelbase_m})"
            )

    @property
    def lf_m(self) -> float:
        """Front axle to centre of mass, m."""
        return self.wheelbase_m - self.lr_m

    @property
    def axle_loads_n(self) -> tuple[float, float]:
        """Static normal loads ``(front, rear)`` in N; ``(0, 0)`` without a wheelbase."""
        if self.wheelbase_m == 0.0:
            return 0.0, 0.0
        weight = self.mass_kg * GRAVITY_MPS2
        return weight * self.lr_m / self.wheelbase_m, weight * self.lf_m / self.wheelbase_m


def _with_matched_pacejka(params: VehicleParams) -> VehicleParams:
    """Give ``params`` magic-formula tyres whose small-slip slope equals its stiffnesses."""
    front_load, rear_load = params.axle_loads_n
    mu = params.friction_coefficient
    return VehicleParams(
        **{
            **params.__dict__,
            "pacejka_front": PacejkaTyre.matching(
                params.cornering_stiffness_front_npr, front_load, mu
            ),
            "pacejka_rear": PacejkaTyre.matching(
                params.cornering_stiffness_rear_npr, rear_load, mu
            ),
        }
    )


_VEHICLES = (
    VehicleParams(
        category="car",
        length_m=4.7,
        width_m=1.85,
        height_m=1.45,
        wheelbase_m=2.8,
        lr_m=1.6,
        mass_kg=1500.0,
        yaw_inertia_kgm2=2900.0,
        max_speed_mps=50.0,
        max_accel_mps2=3.5,
        max_decel_mps2=9.0,
        max_steer_rad=0.6,
        max_steer_rate_radps=0.7,
        accel_lag_s=0.2,
        steer_lag_s=0.1,
        cornering_stiffness_front_npr=150_000.0,
        cornering_stiffness_rear_npr=180_000.0,
    ),
    VehicleParams(
        category="truck",
        length_m=12.0,
        width_m=2.55,
        height_m=4.0,
        wheelbase_m=6.0,
        lr_m=2.5,
        mass_kg=18_000.0,
        yaw_inertia_kgm2=200_000.0,
        max_speed_mps=25.0,
        max_accel_mps2=1.0,
        max_decel_mps2=6.0,
        max_steer_rad=0.6,
        max_steer_rate_radps=0.4,
        accel_lag_s=0.5,
        steer_lag_s=0.2,
        cornering_stiffness_front_npr=600_000.0,
        cornering_stiffness_rear_npr=1_400_000.0,
        friction_coefficient=0.8,
    ),
    VehicleParams(
        category="bus",
        length_m=12.0,
        width_m=2.55,
        height_m=3.2,
        wheelbase_m=6.0,
        lr_m=2.0,
        mass_kg=15_000.0,
        yaw_inertia_kgm2=150_000.0,
        max_speed_mps=25.0,
        max_accel_mps2=1.2,
        max_decel_mps2=6.0,
        max_steer_rad=0.7,
        max_steer_rate_radps=0.4,
        accel_lag_s=0.4,
        steer_lag_s=0.2,
        cornering_stiffness_front_npr=350_000.0,
        cornering_stiffness_rear_npr=900_000.0,
        friction_coefficient=0.8,
    ),
    VehicleParams(
        category="motorcycle",
        length_m=2.2,
        width_m=0.8,
        height_m=1.3,
        wheelbase_m=1.45,
        lr_m=0.7,
        mass_kg=250.0,
        yaw_inertia_kgm2=110.0,
        max_speed_mps=60.0,
        max_accel_mps2=6.0,
        max_decel_mps2=8.0,
        max_steer_rad=0.5,
        max_steer_rate_radps=1.0,
        accel_lag_s=0.15,
        steer_lag_s=0.1,
        cornering_stiffness_front_npr=20_000.0,
        cornering_stiffness_rear_npr=24_000.0,
    ),
    VehicleParams(
        category="bicycle",
        length_m=1.8,
        width_m=0.65,
        height_m=1.75,
        wheelbase_m=1.05,
        lr_m=0.45,
        mass_kg=90.0,
        yaw_inertia_kgm2=25.0,
        max_speed_mps=12.0,
        max_accel_mps2=1.5,
        max_decel_mps2=5.0,
        max_steer_rad=0.6,
        max_steer_rate_radps=1.5,
        accel_lag_s=0.3,
        steer_lag_s=0.1,
        cornering_stiffness_front_npr=6_000.0,
        cornering_stiffness_rear_npr=9_000.0,
        friction_coefficient=0.8,
    ),
)

_PEDESTRIAN = VehicleParams(
    category="pedestrian",
    length_m=0.5,
    width_m=0.5,
    height_m=1.75,
    wheelbase_m=0.0,
    lr_m=0.0,
    mass_kg=75.0,
    yaw_inertia_kgm2=3.0,
    max_speed_mps=2.5,
    max_accel_mps2=1.5,
    max_decel_mps2=1.5,
    max_steer_rad=0.0,
    max_steer_rate_radps=0.0,
    accel_lag_s=0.5,
    steer_lag_s=0.0,
)

#: The presets by category; read-only.
PRESETS: Mapping[str, VehicleParams] = MappingProxyType(
    {v.category: _with_matched_pacejka(v) for v in _VEHICLES} | {"pedestrian": _PEDESTRIAN}
)


def preset(category: str) -> VehicleParams:
    """Parameters of a typical road user of ``category``.

    Args:
        category: One of ``car``, ``truck``, ``bus``, ``motorcycle``, ``bicycle``,
            ``pedestrian``.

    Raises:
        KeyError: For an unknown category; the message lists the known ones.
    """
    try:
        return PRESETS[category]
    except KeyError:
        known = ", ".join(sorted(PRESETS))
        raise KeyError(f"unknown road-user category {category!r}; known: {known}") from None
