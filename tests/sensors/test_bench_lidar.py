"""``gauntlet bench lidar --json`` prints one JSON object with the frame and raw cast rates."""

from __future__ import annotations

import json

from gauntlet.cli import main


def test_bench_lidar_prints_one_json_object(capsys):
    assert main(["bench", "lidar", "--json", "--quick"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["benchmark"] == "lidar"
    assert (result["channels"], result["columns"], result["actors"]) == (64, 2048, 50)
    assert result["rays_per_frame"] == 64 * 2048
    assert 0 < result["returns_per_frame"] <= result["rays_per_frame"]
    assert result["points_per_s"] > 0 and result["raw_cast_rays_per_s"] > 0
    assert 0 < result["fraction_of_raw_rate"] <= 1.5
