"""What every registered motion model shares: registry, pack/unpack, determinism."""

from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pytest

from gauntlet.dynamics import (
    MOTION_MODELS,
    DynamicSingleTrack,
    KinematicBicycle,
    MotionModel,
    Pedestrian,
    PointMass,
    motion_model,
    preset,
    register_motion_model,
)

CATEGORIES = ["car", "truck", "bus", "motorcycle", "bicycle"]


def build(name: str) -> MotionModel:
    """A batch of five actors of the model ``name``, from presets."""
    if name == "pedestrian":
        return Pedestrian.from_params([preset("pedestrian")] * 5)
    cls = motion_model(name)
    return cls.from_params([preset(c) for c in CATEGORIES])  # type: ignore[attr-defined]


def random_state(model: MotionModel, rng: np.random.Generator) -> np.ndarray:
    n, k = model.size, len(model.STATE_FIELDS)
    state = np.zeros((n, k))
    state[:, :2] = rng.uniform(-50.0, 50.0, (n, 2))
    state[:, 2] = rng.uniform(-np.pi, np.pi, n)
    state[:, 3] = rng.uniform(0.0, 2.0 if model.NAME == "pedestrian" else 20.0, n)
    return state


def random_controls(model: MotionModel, rng: np.random.Generator, steps: int) -> np.ndarray:
    scale = {"pedestrian": (2.0, 2.0), "point_mass": (4.0, 0.3)}.get(model.NAME, (4.0, 0.05))
    return rng.uniform(-1.0, 1.0, (steps, model.size, 2)) * np.array(scale)


MODEL_NAMES = sorted(MOTION_MODELS)


def test_registry_holds_the_models():
    expected = {
        "dynamic_single_track": DynamicSingleTrack,
        "kinematic_bicycle": KinematicBicycle,
        "pedestrian": Pedestrian,
        "point_mass": PointMass,
    }
    assert expected.items() <= MOTION_MODELS.items()
    assert motion_model("point_mass") is PointMass


def test_unknown_model_name_lists_the_known_ones():
    with pytest.raises(KeyError) as error:
        motion_model("hovercraft")
    message = error.value.args[0]
    assert (
        message == f"unknown motion model 'hovercraft'; known: {', '.join(sorted(MOTION_MODELS))}"
    )
    assert "dynamic_single_track, kinematic_bicycle, pedestrian, point_mass" in message


def test_registering_a_taken_name_or_a_bad_state_layout_fails():
    class Duplicate(KinematicBicycle):
        pass

    with pytest.raises(ValueError, match="already registered"):
        register_motion_model(Duplicate)

    class BadLayout(MotionModel):
        NAME = "bad_layout"
        STATE_FIELDS = ("y_m", "x_m", "heading_rad", "speed_mps")

    with pytest.raises(TypeError, match="must start with x_m, y_m, heading_rad, speed_mps"):
        register_motion_model(BadLayout)
    assert "bad_layout" not in MOTION_MODELS


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_state_type_fields_match_state_columns(name):
    cls = motion_model(name)
    assert tuple(f.name for f in dataclasses.fields(cls.STATE_TYPE)) == cls.STATE_FIELDS
    assert cls.STATE_FIELDS[:4] == ("x_m", "y_m", "heading_rad", "speed_mps")
    assert len(cls.CONTROL_FIELDS) == 2


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_pack_unpack_round_trip(name):
    cls = motion_model(name)
    rng = np.random.default_rng(1)
    array = rng.normal(size=(4, len(cls.STATE_FIELDS)))
    states = cls.unpack(array)
    assert all(isinstance(s, cls.STATE_TYPE) for s in states)
    assert np.array_equal(cls.pack(states), array)
    assert cls.unpack(cls.pack(states)) == states
    assert cls.pack([]).shape == (0, len(cls.STATE_FIELDS))


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_same_inputs_give_bit_identical_outputs(name):
    traces = []
    for _ in range(2):
        rng = np.random.default_rng(7)
        model = build(name)
        state = random_state(model, rng)
        controls = random_controls(model, rng, 300)
        trace = []
        for control in controls:
            model.step(state, control, 0.02)
            trace.append(state.copy())
        traces.append(np.array(trace))
    assert traces[0].tobytes() == traces[1].tobytes()
    assert np.all(np.isfinite(traces[0]))


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_step_updates_in_place_and_accepts_an_empty_batch(name):
    model = build(name)
    state = random_state(model, np.random.default_rng(3))
    assert model.step(state, np.zeros((model.size, 2)), 0.01) is state
    empty = motion_model(name)([])  # type: ignore[call-arg]
    assert empty.size == 0
    out = empty.step(np.zeros((0, len(empty.STATE_FIELDS))), np.zeros((0, 2)), 0.01)
    assert out.shape == (0, len(empty.STATE_FIELDS))


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_velocity_and_yaw_rate_have_batch_shapes(name):
    model = build(name)
    state = random_state(model, np.random.default_rng(5))
    model.step(state, np.zeros((model.size, 2)), 0.01)
    assert model.velocity(state).shape == (model.size, 2)
    assert model.yaw_rate(state).shape == (model.size,)
    speed = np.hypot(*model.velocity(state).T)
    if name != "dynamic_single_track":
        assert speed == pytest.approx(np.abs(state[:, 3]))


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_heading_stays_wrapped(name):
    model = build(name)
    rng = np.random.default_rng(11)
    state = random_state(model, rng)
    for control in random_controls(model, rng, 200):
        model.step(state, control, 0.05)
    assert np.all((-np.pi <= state[:, 2]) & (state[:, 2] < np.pi))


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_a_pickled_model_steps_identically(name):
    model = build(name)
    rng = np.random.default_rng(13)
    state = random_state(model, rng)
    controls = random_controls(model, rng, 20)
    model.step(state, controls[0], 0.02)  # the copy also carries the per-dt caches
    copy = pickle.loads(pickle.dumps(model))
    other = state.copy()
    for control in controls[1:]:
        model.step(state, control, 0.02)
        copy.step(other, control, 0.02)
    assert state.tobytes() == other.tobytes()
