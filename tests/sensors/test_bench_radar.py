"""``gauntlet bench radar --json`` prints one JSON object with the cycle rate."""

from __future__ import annotations

import json

from gauntlet.cli import main


def test_bench_radar_prints_one_json_object(capsys):
    assert main(["bench", "radar", "--json", "--quick"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["benchmark"] == "radar"
    assert (result["targets"], result["scan_modes"]) == (50, 2)
    assert result["scans_per_s"] > 0 and result["scans_per_cpu_s"] > 0
    assert 0 < result["detections_per_scan_mean"] < 200
