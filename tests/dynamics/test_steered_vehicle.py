"""The limits shared by the kinematic bicycle and the dynamic single-track model."""

from __future__ import annotations

import numpy as np
import pytest

from gauntlet.dynamics import KinematicBicycleParams, PointMassParams, SingleTrackParams
from gauntlet.dynamics.presets import preset
from gauntlet.dynamics.steered_vehicle import SteeredVehicleParams, speed_bounds


@pytest.mark.parametrize("cls", [KinematicBicycleParams, SingleTrackParams])
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"wheelbase_m": 0.0}, "wheelbase_m must be a finite number > 0, got 0.0"),
        ({"max_steer_rate_radps": -1.0}, "max_steer_rate_radps must be > 0 (inf allowed)"),
        ({"steer_lag_s": -0.1}, "steer_lag_s must be a finite number >= 0, got -0.1"),
        ({"max_steer_rad": 1.6}, "max_steer_rad must lie in (0, pi/2), got 1.6"),
    ],
)
def test_both_models_check_the_shared_limits_under_their_own_name(cls, kwargs, message):
    with pytest.raises(ValueError) as caught:
        cls(**kwargs)
    assert str(caught.value).startswith(f"{cls.__name__}.{message}")


def test_the_models_keep_their_own_rules_for_the_cog():
    # The kinematic model allows the CoG on the rear axle; the single-track model does not.
    assert KinematicBicycleParams(lr_m=0.0).lr_m == 0.0
    with pytest.raises(ValueError, match=r"SingleTrackParams.lr_m must be > 0"):
        SingleTrackParams(lr_m=0.0)
    with pytest.raises(ValueError, match=r"KinematicBicycleParams.lr_m \(3.0\) must not exceed"):
        KinematicBicycleParams(wheelbase_m=2.5, lr_m=3.0)


def test_from_vehicle_takes_the_shared_fields_of_the_preset():
    truck = preset("truck")
    kinematic = KinematicBicycleParams.from_vehicle(truck, allow_reverse=True)
    single = SingleTrackParams.from_vehicle(truck, allow_reverse=True)
    shared = SteeredVehicleParams.steered_fields(truck, allow_reverse=True)
    assert set(shared) == {f for f in SteeredVehicleParams.__dataclass_fields__}
    for name, value in shared.items():
        assert getattr(kinematic, name) == value == getattr(single, name)
    assert single.mass_kg == truck.mass_kg


def test_speed_bounds_reverse_only_where_allowed():
    params = (PointMassParams(max_speed_mps=20.0), PointMassParams(allow_reverse=True))
    low, high = speed_bounds(params)
    np.testing.assert_array_equal(high, [20.0, PointMassParams().max_speed_mps])
    np.testing.assert_array_equal(low, [0.0, -PointMassParams().max_speed_mps])
