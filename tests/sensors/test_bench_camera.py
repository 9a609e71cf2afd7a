"""``gauntlet bench camera --json`` prints one JSON object with the frame and raw cast rates."""

from __future__ import annotations

import json

from gauntlet.cli import main


def test_bench_camera_prints_one_json_object(capsys):
    assert main(["bench", "camera", "--json", "--quick"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["benchmark"] == "camera"
    assert (result["width"], result["height"], result["actors"]) == (640, 480, 50)
    assert result["rays_per_frame"] == 640 * 480
    assert 0 < result["actor_pixels"] < result["hit_pixels"] < result["rays_per_frame"]
    assert result["frames_per_s"] > 0 and result["raw_cast_rays_per_s"] > 0
    assert 0 < result["fraction_of_raw_rate"] <= 1.5
