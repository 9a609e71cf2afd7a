"""Scenario mode: ``gauntlet run X --stack carla`` with the ego driven by a real CARLA client."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from tests.bridges.carla_process import ROOT

pytest.importorskip("carla")

_READY = re.compile(r"server on [\d.]+:(?P<port>\d+) \(streams on \d+\), scenario (?P<id>\S+):")


def start_run(scenario: Path, out: Path) -> tuple[subprocess.Popen, int, list[str]]:
    """``gauntlet run SCENARIO --stack carla --carla-port 0``; returns it, its port and its stderr."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = subprocess.Popen(
        [sys.executable, "-m", "gauntlet.cli", "run", str(scenario), "--stack", "carla",
         "--carla-port", "0", "--out", str(out), "--quiet", "--no-plots"],
        stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    lines: list[str] = []
    assert run.stderr is not None
    for line in run.stderr:
        lines.append(line)
        match = _READY.search(line)
        if match:
            break
    else:
        run.wait(timeout=30)
        raise AssertionError("the run printed no server line:\n" + "".join(lines))
    threading.Thread(target=lambda: lines.extend(run.stderr), daemon=True).start()
    return run, int(match["port"]), lines


def client(script: str, port: int) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), str(port)],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip


def test_example_client_drives_a_smoke_scenario_to_a_report(tmp_path):
    run, port, lines = start_run(ROOT / "scenarios" / "smoke" / "follow_lead.yaml", tmp_path)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "carla_client" / "drive_scenario.py"),
         "--port", str(port)],
        capture_output=True, text=True, timeout=180, env=env,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert run.wait(timeout=60) == 0, "".join(lines)
    driven = json.loads(out.stdout.strip().splitlines()[-1])
    results = json.loads((tmp_path / "results.json").read_text())
    (result,) = results["scenarios"]
    assert result["stack"] == "carla" and result["status"] == "PASS"
    # 30 s at 0.05 s steps, every step a tick of the client.
    assert result["steps"] == driven["steps"] == 600
    assert result["stop_reason"] == "duration"
    assert driven["gnss_fixes"] == 600
    # The client's view of the hero and the evaluator's agree.
    assert driven["driven_m"] == pytest.approx(result["metrics"]["distance_m"], abs=1.0)
    # The client kept its time gap behind the lead (60 m ahead at 18 m/s): no collision.
    assert result["metrics"]["collisions"] == 0.0 and driven["min_gap_m"] > 20.0
    for report in ("junit.xml", "report.html"):
        assert (tmp_path / report).is_file()


SHORT = """\
gauntlet: 1
name: carla_short
category: smoke
map:
  procedural: {generator: straight, params: {length_m: 400, lanes_right: 1, lanes_left: 0}}
entities:
  - name: ego
    type: car
    initial: {position: {lane: {road: "1", lane: -1, s_m: 20}}, speed_mps: 0}
  - name: lead
    type: car
    initial: {position: {relative_lane: {entity: ego, ds_m: 30}}, speed_mps: 10}
    behaviour: {cruise: {speed_mps: 10}}
stop: {duration_s: 1}
criteria:
  - collision: {}
"""


def test_scenario_mode_actors_rules_and_end(tmp_path):
    scenario = tmp_path / "short.yaml"
    scenario.write_text(SHORT)
    run, port, lines = start_run(scenario, tmp_path / "out")
    out = client(
        """
        import sys, time, carla
        c = carla.Client("127.0.0.1", int(sys.argv[1])); c.set_timeout(10.0)
        w = c.get_world()
        assert w.get_map().name == "Gauntlet/Scenarios/carla_short", w.get_map().name
        assert w.get_settings().synchronous_mode
        assert w.get_settings().fixed_delta_seconds == 0.05
        # Synchronous mode: the actor list fills once the first snapshot arrives.
        for _ in range(200):
            actors = {a.attributes["role_name"]: a for a in w.get_actors().filter("vehicle.*")}
            if actors:
                break
            time.sleep(0.05)
        hero, lead = actors["hero"], actors["lead"]
        assert hero.type_id == "vehicle.tesla.model3"
        def error(call):
            try:
                call()
            except RuntimeError as exc:
                return str(exc)
            raise AssertionError("no error")
        # apply_control does not wait for an answer; a synchronous batch shows the refusal.
        cmd = carla.command.ApplyVehicleControl(lead.id, carla.VehicleControl(throttle=1.0))
        print(c.apply_batch_sync([cmd])[0].error)
        bp = w.get_blueprint_library().find("vehicle.audi.a2")
        print(error(lambda: w.spawn_actor(bp, w.get_map().get_spawn_points()[0])))
        s = w.get_settings(); s.fixed_delta_seconds = 0.1
        print(error(lambda: w.apply_settings(s)))
        start = lead.get_location().x
        hero.apply_control(carla.VehicleControl(throttle=1.0))
        frames = []
        while True:
            try:
                frames.append(w.tick())
            except RuntimeError as exc:
                print(exc)
                break
        print(len(frames), round(lead.get_location().x - start, 3), round(hero.get_velocity().length(), 3))
        """,
        port,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert run.wait(timeout=60) == 0, "".join(lines)
    msgs = out.stdout.strip().splitlines()
    assert "driven by the scenario" in msgs[0]
    assert "spawn_actor" in msgs[1] and "spawn sensors only" in msgs[1]
    assert "set_episode_settings" in msgs[2] and "0.05 s" in msgs[2]
    assert "tick" in msgs[3] and "the scenario has ended" in msgs[3]
    steps, lead_moved, hero_speed = msgs[4].split()
    # 1 s of 0.05 s steps; the storyboard drives the lead at 10 m/s along +x.
    assert int(steps) == 20
    assert float(lead_moved) == pytest.approx(10.0, abs=0.01)
    result = json.loads((tmp_path / "out" / "results.json").read_text())["scenarios"][0]
    assert result["steps"] == 20 and result["status"] == "PASS"
    assert result["metrics"]["max_speed_mps"] == pytest.approx(float(hero_speed), abs=1e-3)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"carla_port": "two thousand"},
            "carla stack: ego.params.carla_port must be a TCP port, a whole number from 0 to "
            "65535 (0 picks a free port), got 'two thousand'",
        ),
        (
            {"carla_stream_port": 70000},
            "carla stack: ego.params.carla_stream_port must be a TCP port, a whole number from 0 "
            "to 65535 (0 picks a free port), got 70000",
        ),
        (
            {"carla_step_timeout_s": "soon"},
            "carla stack: ego.params.carla_step_timeout_s must be a positive number of seconds, "
            "got 'soon'",
        ),
        (
            {"carla_connect_timeout_s": 0},
            "carla stack: ego.params.carla_connect_timeout_s must be a positive number of "
            "seconds, got 0",
        ),
        (
            {"carla_prot": 2000},
            "carla stack: unknown key ego.params.carla_prot (did you mean carla_port?); expected "
            "one of carla_host, carla_port, carla_stream_port, carla_connect_timeout_s, "
            "carla_step_timeout_s",
        ),
    ],
)
def test_carla_stack_params_are_checked(params, message):
    from gauntlet.agents.stack import StackError, make_stack

    with pytest.raises(StackError) as info:
        make_stack("carla", {"target_speed_mps": 10.0, **params})
    assert str(info.value) == message


def test_carla_stack_params_convert():
    from gauntlet.bridges.carla.scenario_mode import CarlaClientStack

    stack = CarlaClientStack(
        carla_port="2005", carla_stream_port=2006.0, carla_step_timeout_s="2.5", speed=3
    )
    assert (stack.port, stack.stream_port, stack.step_timeout_s) == (2005, 2006, 2.5)
    assert stack.connect_timeout_s == 120.0
