"""The gauntlet command, end to end."""

import json
import subprocess
import sys

import pytest

from gauntlet.cli import main

GOOD = """
gauntlet: 1
name: short_follow
category: smoke
map: {procedural: {generator: straight, params: {length_m: 600, lanes_right: 1, lanes_left: 1}}}
entities:
  - {name: ego, type: car, initial: {position: {lane: {road: "1", lane: -1, s_m: 20}}, speed_mps: 15}}
  - {name: lead, type: car, initial: {position: {relative_lane: {entity: ego, ds_m: 40}}, speed_mps: 10}, behaviour: cruise}
stop: {duration_s: 6}
"""


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    return path


def test_run_writes_results_trace_and_plot(good, tmp_path, capsys):
    out = tmp_path / "res"
    assert main(["run", str(good), "--out", str(out), "--jobs", "1"]) == 0
    results = json.loads((out / "results.json").read_text())
    assert results["summary"] == {"PASS": 1, "FAIL": 0, "ERROR": 0, "total": 1}
    row = results["scenarios"][0]
    assert row["id"] == "short_follow" and row["status"] == "PASS"
    assert {c["name"] for c in row["criteria"]} == {"collision", "off_road"}
    assert (out / row["trace"]).is_file() and (out / row["plot"]).stat().st_size > 10_000
    assert "1 passed" in capsys.readouterr().out


def test_failing_scenario_exits_1(good, tmp_path):
    out = tmp_path / "res"
    # A stack that brakes to a standstill never reaches the goal.
    path = tmp_path / "goal.yaml"
    path.write_text(
        GOOD.replace(
            "stop: {duration_s: 6}",
            'stop: {duration_s: 6}\ncriteria: [{reach: {position: {lane: {road: "1", lane: -1, s_m: 500}}}}]',
        )
    )
    assert (
        main(
            [
                "run",
                str(path),
                "--out",
                str(out),
                "--stack",
                "tests.runner.stacks_for_tests:FullBrake",
                "--no-plots",
            ]
        )
        == 1
    )
    row = json.loads((out / "results.json").read_text())["scenarios"][0]
    assert row["status"] == "FAIL" and row["criteria"][0]["name"] == "reach"


def test_crashing_stack_is_an_error_row_and_the_suite_goes_on(good, tmp_path, capsys):
    other = tmp_path / "other.yaml"
    other.write_text(GOOD.replace("short_follow", "second"))
    out = tmp_path / "res"
    code = main(
        [
            "run",
            str(good),
            str(other),
            "--out",
            str(out),
            "--stack",
            "tests.runner.stacks_for_tests:Crashing",
            "--jobs",
            "2",
            "--no-plots",
        ]
    )
    assert code == 1
    rows = json.loads((out / "results.json").read_text())["scenarios"]
    assert [r["status"] for r in rows] == ["ERROR", "ERROR"]
    assert "RuntimeError: perception node died" in rows[0]["error"]
    assert "ERROR" in capsys.readouterr().out


def test_step_budget_fails_a_slow_stack(good, tmp_path):
    path = tmp_path / "budget.yaml"
    path.write_text(GOOD.replace("stop:", "ego: {step_budget_s: 0.005}\nstop:"))
    out = tmp_path / "res"
    assert (
        main(
            [
                "run",
                str(path),
                "--out",
                str(out),
                "--stack",
                "tests.runner.stacks_for_tests:Slow",
                "--no-plots",
            ]
        )
        == 1
    )
    row = json.loads((out / "results.json").read_text())["scenarios"][0]
    assert row["status"] == "FAIL" and "over the 5.0 ms budget" in row["stop_reason"]


def test_unknown_stack_is_a_usage_error(good, tmp_path, capsys):
    assert main(["run", str(good), "--out", str(tmp_path), "--stack", "refrence"]) == 2
    err = capsys.readouterr().err
    assert "unknown stack 'refrence'" in err and "reference" in err and "Traceback" not in err


def test_validate_reports_file_line_key_and_suggestion(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("speed_mps: 15", "sped_mps: 15"))
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.yaml:7:" in err
    assert "entities[0].initial.sped_mps" in err and "did you mean 'speed_mps'" in err
    assert "Traceback" not in err


def test_validate_checks_map_references(tmp_path, capsys):
    bad = tmp_path / "road.yaml"
    bad.write_text(GOOD.replace('road: "1"', 'road: "9"'))
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "road.yaml:7: entities[0].initial.position.lane.road: unknown road '9'" in err


def test_validate_accepts_the_smoke_suite(repo_root, capsys):
    assert main(["validate", str(repo_root / "scenarios" / "smoke")]) == 0
    assert "15 scenario(s) valid" in capsys.readouterr().out


def test_run_refuses_bad_input_before_running_anything(good, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("gauntlet: 1\nname: x\nmap: {opendrive: nowhere.xodr}\nentities: []\nbogus: 1\n")
    out = tmp_path / "res"
    assert main(["run", str(good), str(bad), "--out", str(out)]) == 2
    assert "bad.yaml:5: bogus: unknown key" in capsys.readouterr().err
    assert not (out / "results.json").exists()


def test_export_csv(good, tmp_path, capsys):
    out = tmp_path / "res"
    main(["run", str(good), "--out", str(out), "--no-plots", "--quiet"])
    trace = next((out / "scenarios").glob("*.trace.npz"))
    capsys.readouterr()
    assert main(["export", str(trace), "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "time,id,name,x,y,z,h,p,r,speed"
    assert len(lines) == 1 + 2 * (int(6 / 0.05) + 1)
    assert lines[1].startswith("0.0,0,ego,")
    assert main(["export", str(tmp_path / "missing.npz"), "--csv"]) == 2


def test_list_json_and_schema(repo_root, capsys):
    assert main(["list", str(repo_root / "scenarios" / "smoke"), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in rows} >= {"cut_in", "roundabout", "pedestrian_crossing"}
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("https://json-schema.org/draft/2020-12")


def test_bench_step_prints_one_json_object(capsys):
    assert main(["bench", "step", "--json", "--quick"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["benchmark"] == "step" and result["vehicles"] == 50 and result["steps_per_s"] > 0


def test_console_script_runs_the_default_suite(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "gauntlet.cli", "run", "--out", str(tmp_path / "r"), "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "15 scenarios: 15 passed" in proc.stdout


def test_validate_rejects_unknown_stack_parameters(good, tmp_path, capsys):
    bad = tmp_path / "params.yaml"
    bad.write_text(GOOD.replace("stop:", "ego: {params: {target_speed: 20}}\nstop:"))
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "params.yaml:9: ego.params: stack 'reference': bad parameters ['target_speed']" in err
    assert main(["run", str(bad), "--out", str(tmp_path / "r")]) == 2


def test_shards_merge_to_the_full_run_and_compare_finds_a_regression(repo_root, tmp_path, capsys):
    smoke = str(repo_root / "scenarios" / "smoke")
    full, s1, s2, merged = (tmp_path / n for n in ("full", "s1", "s2", "merged"))
    assert main(["run", smoke, "--out", str(full), "--quiet", "--no-plots"]) == 0
    assert main(["run", smoke, "--out", str(s1), "--quiet", "--no-plots", "--shard", "1/2"]) == 0
    assert main(["run", smoke, "--out", str(s2), "--quiet", "--no-plots", "--shard", "2/2"]) == 0
    assert main(["merge", str(s1), str(s2), "--out", str(merged)]) == 0
    one = json.loads((full / "results.json").read_text())["scenarios"]
    two = json.loads((merged / "results.json").read_text())["scenarios"]
    assert [r["id"] for r in one] == [r["id"] for r in two]
    assert [(r["status"], r["metrics"]["distance_m"]) for r in one] == [
        (r["status"], r["metrics"]["distance_m"]) for r in two
    ]
    for name in ("report.html", "junit.xml", "results.db"):
        assert (merged / name).is_file() and (full / name).is_file()
    # A planted regression: the same suite with a stack that brakes to a stop.
    db = str(full / "results.db")
    brake = ["--stack", "tests.runner.stacks_for_tests:FullBrake", "--label", "brake", "--db", db]
    assert main(["run", smoke, "--out", str(tmp_path / "b"), "--quiet", "--no-plots", *brake]) == 1
    capsys.readouterr()
    assert main(["compare", "latest~1", "brake", "--db", db]) == 1
    out = capsys.readouterr().out
    assert "REGRESSIONS" in out and "curve_lane_keep: PASS -> FAIL" in out and "reach: FAIL" in out
    assert main(["history", "curve_lane_keep", "--db", db]) == 0
    assert "brake" in capsys.readouterr().out
    assert main(["compare", "nope", "brake", "--db", db]) == 2


def test_openscenario_files_list_and_run(osc_ncap_dir, tmp_path, capsys):
    base = osc_ncap_dir / "OpenSCENARIO" / "NCAP" / "CA-FC_2026"
    variation = base / "Variations" / "StandardRange" / "CCRm.xosc"
    assert main(["list", str(variation), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 55 and len({r["id"] for r in rows}) == 55
    assert rows[0]["id"].startswith("StandardRange/CCRm/") and "Ego_speed_kph=30" in rows[0]["id"]
    out = tmp_path / "x"
    # Playback: the file's own storyboard drives everything; the ego has no AEB, so the rear-end happens.
    assert (
        main(
            [
                "run",
                str(base / "CCRs.xosc"),
                "--stack",
                "scenario",
                "--out",
                str(out),
                "--quiet",
                "--no-plots",
            ]
        )
        == 1
    )
    row = json.loads((out / "results.json").read_text())["scenarios"][0]
    assert row["status"] == "FAIL"
    assert [c["name"] for c in row["criteria"] if c["status"] == "FAIL"] == ["collision"]


def test_schema_rejects_an_unknown_domain_with_usage_exit(capsys):
    with pytest.raises(SystemExit) as info:
        main(["schema", "--domain", "dron"])
    assert info.value.code == 2
    assert (
        "argument --domain: invalid choice: 'dron' (choose from 'driving', 'drone', 'skill', 'swarm')"
        in capsys.readouterr().err
    )
