"""The perception and V2X sections of the format: parsing, errors, sweeps with exclude, docs."""

from __future__ import annotations

import typing

import pytest
import yaml
from scenario_samples import MINIMAL, line_of

from gauntlet.scenarios import ScenarioErrors, dump_scenario, parse_scenario
from gauntlet.scenarios import sensing as v2x_schema
from gauntlet.scenarios.jsonschema import scenario_json_schema
from gauntlet.scenarios.loader import load_concrete
from gauntlet.scenarios.reference import markdown_reference
from gauntlet.scenarios.references import iter_with_paths
from gauntlet.scenarios.variations import scenario_id
from gauntlet.sensors import v2x as radio

#: Every class of the perception and V2X sections, once.
CONNECTED = (
    MINIMAL.replace(
        "map: {procedural: {generator: straight}}\n",
        "map: {procedural: {generator: straight}}\n"
        "ego:\n"
        "  perception:\n"
        "    objects: {range_m: 80, fov_rad: 2.0, occlusion: true, dropout: 0.05, height_m: 1.4}\n"
        "    signal_range_m: 25\n",
    )
    + """    v2x: {connected: true}
  - name: ambulance
    type: car
    initial: {position: {lane: {road: "1", lane: -1, s_m: 60.0}}}
    v2x: {emergency: true, hazard: accident}
v2x:
  channel:
    range_m: 250
    latency_s: 0.05
    jitter: uniform
    jitter_s: 0.02
    loss: 0.1
    path_loss: {exponent: 2.7, shadowing_db: 3.0}
    max_rate_hz: 20
  penetration: 0.4
  bsm_rate_hz: 5
  roadside_units:
    - name: rsu
      position: {world: {x_m: 50, y_m: 6}}
      hazards:
        - {cause: road_works, position: {world: {x_m: 120, y_m: -1.75}}, radius_m: 10, from_s: 2, until_s: 20}
      perception:
        sensor: {range_m: 40, heading_rad: 3.14}
        rate_hz: 5
"""
)

V2X_CLASSES = {
    v2x_schema.Perception,
    v2x_schema.ObjectSensor,
    v2x_schema.V2X,
    v2x_schema.V2XChannel,
    v2x_schema.PathLoss,
    v2x_schema.RoadsideUnit,
    v2x_schema.HazardBroadcast,
    v2x_schema.RoadsidePerception,
    v2x_schema.EntityV2X,
}


def _errors(text: str) -> list:
    with pytest.raises(ScenarioErrors) as info:
        parse_scenario(text, "v2x.yaml")
    return list(info.value)


def test_every_v2x_class_parses_and_dumps_losslessly():
    scenario = parse_scenario(CONNECTED, "v2x.yaml")
    found = {type(obj) for _, obj in iter_with_paths(scenario)}
    assert found >= V2X_CLASSES
    assert scenario.v2x.channel.path_loss.shadowing_db == 3.0
    assert scenario.entities[1].v2x.hazard == "accident"
    assert scenario.ego.perception.objects.dropout == 0.05
    again = parse_scenario(dump_scenario(scenario), "dumped.yaml")
    assert again == scenario


def test_defaults_without_the_sections():
    scenario = parse_scenario(MINIMAL)
    assert scenario.v2x is None and scenario.ego.perception is None
    assert scenario.entities[0].v2x is None


def test_hazard_causes_match_the_radio_model():
    assert typing.get_args(v2x_schema.HazardCause) == typing.get_args(radio.HazardCause)
    assert typing.get_args(v2x_schema.Jitter) == typing.get_args(radio.Jitter)


@pytest.mark.parametrize(
    ("old", "new", "path", "needle", "message"),
    [
        (
            "loss: 0.1",
            "loss: 1.5",
            ("v2x", "channel", "loss"),
            "loss: 1.5",
            "expected a value <= 1",
        ),
        (
            "jitter: uniform",
            "jitter: gaussian",
            ("v2x", "channel", "jitter"),
            "jitter: gaussian",
            "expected one of 'none', 'uniform', 'exponential'",
        ),
        (
            "max_rate_hz: 20",
            "max_rate: 20",
            ("v2x", "channel", "max_rate"),
            "max_rate: 20",
            "unknown key 'max_rate'; did you mean 'max_rate_hz'?",
        ),
        (
            "penetration: 0.4",
            "penetration: -0.1",
            ("v2x", "penetration"),
            "penetration",
            "expected a value >= 0",
        ),
        (
            "cause: road_works",
            "cause: pothole",
            ("v2x", "roadside_units", 0, "hazards", 0, "cause"),
            "cause: pothole",
            "expected one of 'stationary_vehicle'",
        ),
        (
            "until_s: 20",
            "until_s: 1",
            ("v2x", "roadside_units", 0, "hazards", 0, "until_s"),
            "until_s: 1",
            "must be after from_s (2.0), got 1.0",
        ),
        (
            "name: rsu",
            "name: ambulance",
            ("v2x", "roadside_units", 0, "name"),
            "    - name: ambulance",
            "duplicate station name 'ambulance' (already an entity)",
        ),
        (
            "{emergency: true, hazard: accident}",
            "{emergency: 1}",
            ("entities", 1, "v2x", "emergency"),
            "emergency: 1",
            "expected a boolean",
        ),
        (
            "signal_range_m: 25",
            "signal_range_m: 0",
            ("ego", "perception", "signal_range_m"),
            "signal_range_m",
            "expected a value > 0",
        ),
        (
            "fov_rad: 2.0",
            "fov_rad: 7.0",
            ("ego", "perception", "objects", "fov_rad"),
            "fov_rad",
            "expected a value <= 6.28319",
        ),
    ],
)
def test_errors_name_file_line_and_key(old, new, path, needle, message):
    text = CONNECTED.replace(old, new)
    assert text != CONNECTED
    errors = _errors(text)
    match = [e for e in errors if e.path == path]
    assert match, errors
    assert match[0].file == "v2x.yaml"
    assert match[0].line == line_of(text, needle)
    assert message in match[0].message


def test_entity_radio_needs_the_v2x_section():
    text = MINIMAL + "    v2x: {connected: true}\n"
    (error,) = _errors(text)
    assert error.path == ("entities", 0, "v2x")
    assert error.line == line_of(text, "v2x: {connected")
    assert "needs the scenario's v2x section" in error.message


def test_only_vehicles_are_emergency_vehicles():
    text = CONNECTED.replace(
        'type: car\n    initial: {position: {lane: {road: "1", lane: -1, s_m: 60.0}}}',
        'type: pedestrian\n    initial: {position: {lane: {road: "1", lane: -1, s_m: 60.0}}}',
    )
    errors = _errors(text)
    assert [e.path for e in errors] == [("entities", 1, "v2x", "emergency")]
    assert "must be a vehicle, not a pedestrian" in errors[0].message


SWEEP = MINIMAL.replace(
    "name: minimal\n",
    """name: sweep
parameters: {connected: true, latency_s: 0.1, loss: 0.0}
variations:
  grid: {connected: [true, false], latency_s: [0.05, 0.5], loss: [0.0, 0.5]}
  exclude:
    - {connected: false, latency_s: 0.5}
    - {connected: false, loss: 0.5}
""",
)


def test_exclude_drops_matching_grid_points(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text(SWEEP, encoding="utf-8")
    ids = [scenario_id(s) for s in load_concrete(path)]
    assert ids == [
        "sweep/connected=true,latency_s=0.05,loss=0",
        "sweep/connected=true,latency_s=0.05,loss=0.5",
        "sweep/connected=true,latency_s=0.5,loss=0",
        "sweep/connected=true,latency_s=0.5,loss=0.5",
        "sweep/connected=false,latency_s=0.05,loss=0",
    ]


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        (
            "{connected: false, latency_s: 0.5}",
            "{connected: false, latncy_s: 0.5}",
            ("variations", "exclude", 0, "latncy_s"),
            "'latncy_s' is not a grid or ranges parameter",
        ),
        (
            "{connected: false, latency_s: 0.5}",
            "{connected: false, latency_s: 0.3}",
            ("variations", "exclude", 0, "latency_s"),
            "0.3 is not one of the grid values [0.05, 0.5]; it excludes nothing",
        ),
        (
            "{connected: false, latency_s: 0.5}",
            "{connected: 0, latency_s: 0.5}",
            ("variations", "exclude", 0, "connected"),
            "it excludes nothing",
        ),
    ],
)
def test_exclude_errors(old, new, path, message):
    text = SWEEP.replace(old, new)
    (error,) = _errors(text)
    assert error.path == path
    assert error.line == line_of(text, new)
    assert message in error.message


def test_json_schema_accepts_the_sections():
    from test_scenario_jsonschema import validate

    schema = scenario_json_schema()
    assert validate(yaml.safe_load(CONNECTED), schema, schema) == []
    assert validate(yaml.safe_load(SWEEP), schema, schema) == []
    bad = yaml.safe_load(CONNECTED.replace("loss: 0.1", "loss: 2"))
    assert any(e.startswith("$.v2x") for e in validate(bad, schema, schema))


def test_reference_documents_the_sections():
    reference = markdown_reference()
    for cls in V2X_CLASSES:
        assert f"\n### {cls.__name__}\n" in reference
    assert "| `v2x` | [V2X](#v2x) or null |" in reference
    assert "| `exclude` |" in reference


def test_roadside_sensors_are_checked_at_load_with_every_error():
    text = CONNECTED.replace(
        "        rate_hz: 5\n",
        "        rate_hz: 5\n"
        "      sensors:\n"
        "        - {name: top, kind: lidar, params: {channel: 4}}\n"
        "        - {name: top, kind: radar}\n"
        "        - {name: cam, kind: camera, preset: nope}\n",
    )
    with pytest.raises(ScenarioErrors) as info:
        parse_scenario(text, "test.yaml")
    first = line_of(text, "{name: top, kind: lidar")
    messages = [str(e) for e in info.value.errors]
    assert len(messages) == 3, messages
    assert messages[0].startswith(
        f"test.yaml:{first}: v2x.roadside_units[0].sensors[0].params.channel: "
        "unknown lidar parameter 'channel'; known: channels, "
    )
    assert messages[1] == (
        f"test.yaml:{first + 1}: v2x.roadside_units[0].sensors[1].name: "
        "sensor name 'top' is used twice on roadside unit 'rsu'"
    )
    assert messages[2].startswith(
        f"test.yaml:{first + 2}: v2x.roadside_units[0].sensors[2].preset: "
    )
