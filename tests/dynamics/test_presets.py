"""Road-user presets."""

from __future__ import annotations

import dataclasses

import pytest

from gauntlet.dynamics import PRESETS, VehicleParams, preset

WHEELED = ["car", "truck", "bus", "motorcycle", "bicycle"]


def test_known_categories():
    assert sorted(PRESETS) == ["bicycle", "bus", "car", "motorcycle", "pedestrian", "truck"]


def test_unknown_category_lists_the_known_ones():
    with pytest.raises(
        KeyError,
        match="unknown road-user category 'tram'; known: bicycle, bus, car, motorcycle, pedestrian, truck",
    ):
        preset("tram")


def test_car_figures():
    car = preset("car")
    assert (car.length_m, car.width_m, car.height_m) == (4.7, 1.85, 1.45)
    assert (car.wheelbase_m, car.mass_kg, car.max_decel_mps2, car.max_steer_rad) == (
        2.8,
        1500.0,
        9.0,
        0.6,
    )
    assert car.lf_m == pytest.approx(1.2)


def test_other_headline_figures():
    assert preset("truck").length_m == 12.0 and preset("truck").mass_kg == 18_000.0
    assert preset("truck").max_decel_mps2 == 6.0
    assert preset("bicycle").length_m == 1.8 and preset("bicycle").max_speed_mps == 12.0
    pedestrian = preset("pedestrian")
    assert (pedestrian.length_m, pedestrian.width_m, pedestrian.height_m) == (0.5, 0.5, 1.75)
    assert pedestrian.max_speed_mps == 2.5 and pedestrian.max_accel_mps2 == 1.5


@pytest.mark.parametrize("category", WHEELED)
def test_wheeled_presets_understeer_and_have_matched_magic_formula_tyres(category):
    vehicle = preset(category)
    gradient = (
        vehicle.mass_kg
        / vehicle.wheelbase_m**2
        * (
            vehicle.lr_m / vehicle.cornering_stiffness_front_npr
            - vehicle.lf_m / vehicle.cornering_stiffness_rear_npr
        )
    )
    assert gradient > 0.0
    front_load, rear_load = vehicle.axle_loads_n
    assert front_load + rear_load == pytest.approx(vehicle.mass_kg * 9.80665)
    for tyre, load, stiffness in (
        (vehicle.pacejka_front, front_load, vehicle.cornering_stiffness_front_npr),
        (vehicle.pacejka_rear, rear_load, vehicle.cornering_stiffness_rear_npr),
    ):
        assert tyre is not None
        slope = tyre.stiffness_factor_b * tyre.shape_factor_c * vehicle.friction_coefficient * load
        assert slope == pytest.approx(stiffness)


def test_presets_are_read_only():
    with pytest.raises(TypeError):
        PRESETS["car"] = preset("truck")  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        preset("car").mass_kg = 1.0  # type: ignore[misc]


def test_invalid_vehicle_params_are_rejected():
    car = preset("car")
    with pytest.raises(ValueError, match="mass_kg"):
        dataclasses.replace(car, mass_kg=0.0)
    with pytest.raises(ValueError, match="lr_m"):
        dataclasses.replace(car, lr_m=3.0)
    assert isinstance(dataclasses.replace(car, mass_kg=1600.0), VehicleParams)
