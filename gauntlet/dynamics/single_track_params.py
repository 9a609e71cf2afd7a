"""Parameters of one actor of the dynamic single-track model."""

from __future__ import annotations

from dataclasses import dataclass

from gauntlet.dynamics._validation import require_finite_positive
from gauntlet.dynamics.presets import VehicleParams, preset
from gauntlet.dynamics.steered_vehicle import SteeredVehicleParams
from gauntlet.dynamics.tyres import GRAVITY_MPS2, PacejkaTyre, TyreModel

_CAR = preset("car")


@dataclass(frozen=True)
class SingleTrackParams(SteeredVehicleParams):
    """Parameters of one actor of :class:`~gauntlet.dynamics.single_track.DynamicSingleTrack`.

    Besides the fields below, those of :class:`SteeredVehicleParams`; here
    ``speed_mps`` is the longitudinal body velocity ``vx`` and
    ``0 < lr_m < wheelbase_m``. Defaults are those of the ``car`` preset, with
    linear tyres.

    Attributes:
        mass_kg: Mass, kg.
        yaw_inertia_kgm2: Yaw moment of inertia about the CoG, kg m^2.
        tyre_model: ``"linear"`` or ``"pacejka"`` (a :class:`TyreModel` or its value).
        cornering_stiffness_front_npr: Front axle cornering stiffness, N/rad.
        cornering_stiffness_rear_npr: Rear axle cornering stiffness, N/rad.
        friction_coefficient: Peak friction coefficient ``mu`` (magic formula ``D = mu Fz``).
        pacejka_front: Front magic-formula coefficients; ``None`` derives ``B`` from
            the front cornering stiffness (``C = 1.3``, ``E = 0``).
        pacejka_rear: Rear magic-formula coefficients; ``None`` as for the front.
    """

    mass_kg: float = _CAR.mass_kg
    yaw_inertia_kgm2: float = _CAR.yaw_inertia_kgm2
    tyre_model: TyreModel = TyreModel.LINEAR
    cornering_stiffness_front_npr: float = _CAR.cornering_stiffness_front_npr
    cornering_stiffness_rear_npr: float = _CAR.cornering_stiffness_rear_npr
    friction_coefficient: float = _CAR.friction_coefficient
    pacejka_front: PacejkaTyre | None = None
    pacejka_rear: PacejkaTyre | None = None

    def __post_init__(self) -> None:
        owner = type(self).__name__
        object.__setattr__(self, "tyre_model", TyreModel.parse(self.tyre_model))
        require_finite_positive(owner, mass_kg=self.mass_kg, yaw_inertia_kgm2=self.yaw_inertia_kgm2)
        self.check_steered_limits()
        require_finite_positive(
            owner,
            cornering_stiffness_front_npr=self.cornering_stiffness_front_npr,
            cornering_stiffness_rear_npr=self.cornering_stiffness_rear_npr,
            friction_coefficient=self.friction_coefficient,
        )
        if not self.lr_m < self.wheelbase_m:
            raise ValueError(
                f"{owner}.lr_m ({self.lr_m}) must be less than wheelbase_m ({self.wheelbase_m})"
            )
        if self.lr_m == 0.0:
            raise ValueError(f"{owner}.lr_m must be > 0: the rear axle cannot carry the whole load")
        self.check_steer_angle()

    @classmethod
    def from_vehicle(
        cls,
        vehicle: VehicleParams,
        *,
        tyre_model: TyreModel | str = TyreModel.LINEAR,
        allow_reverse: bool = False,
    ) -> SingleTrackParams:
        """Take the fields this model uses from a :class:`VehicleParams`."""
        return cls(
            **cls.steered_fields(vehicle, allow_reverse=allow_reverse),
            mass_kg=vehicle.mass_kg,
            yaw_inertia_kgm2=vehicle.yaw_inertia_kgm2,
            tyre_model=TyreModel.parse(tyre_model),
            cornering_stiffness_front_npr=vehicle.cornering_stiffness_front_npr,
            cornering_stiffness_rear_npr=vehicle.cornering_stiffness_rear_npr,
            friction_coefficient=vehicle.friction_coefficient,
            pacejka_front=vehicle.pacejka_front,
            pacejka_rear=vehicle.pacejka_rear,
        )

    @property
    def lf_m(self) -> float:
        """Front axle to the CoG, m."""
        return self.wheelbase_m - self.lr_m

    def axle_loads_n(self) -> tuple[float, float]:
        """Static normal loads ``(front, rear)`` in N."""
        weight = self.mass_kg * GRAVITY_MPS2
        return weight * self.lr_m / self.wheelbase_m, weight * self.lf_m / self.wheelbase_m

    def axle_peak_forces_n(self) -> tuple[float, float]:
        """Magic-formula peak forces ``D = mu Fz`` ``(front, rear)`` in N."""
        front, rear = self.axle_loads_n()
        return self.friction_coefficient * front, self.friction_coefficient * rear

    def front_pacejka(self) -> PacejkaTyre:
        """Front magic-formula coefficients, derived from the stiffness when not given."""
        if self.pacejka_front is not None:
            return self.pacejka_front
        load = self.axle_loads_n()[0]
        return PacejkaTyre.matching(
            self.cornering_stiffness_front_npr, load, self.friction_coefficient
        )

    def rear_pacejka(self) -> PacejkaTyre:
        """Rear magic-formula coefficients, derived from the stiffness when not given."""
        if self.pacejka_rear is not None:
            return self.pacejka_rear
        load = self.axle_loads_n()[1]
        return PacejkaTyre.matching(
            self.cornering_stiffness_rear_npr, load, self.friction_coefficient
        )

    @property
    def understeer_gradient_s2pm2(self) -> float:
        """``K = m / L^2 (lr / Cf - lf / Cr)`` in s^2/m^2 (linear tyres; > 0: understeer).

        Steady cornering at speed ``v`` and steer ``delta`` then has the yaw rate
        ``v delta / (L (1 + K v^2))``.
        """
        return (
            self.mass_kg
            / self.wheelbase_m**2
            * (
                self.lr_m / self.cornering_stiffness_front_npr
                - self.lf_m / self.cornering_stiffness_rear_npr
            )
        )
