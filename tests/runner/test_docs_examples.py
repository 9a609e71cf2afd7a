"""The examples in the docs run as written."""

import re

from gauntlet.evaluation.result import Status
from gauntlet.runner.single import RunOptions, run_scenario
from gauntlet.scenarios.loader import parse_scenario


def test_scenario_format_example_runs_and_passes(repo_root):
    text = (repo_root / "docs" / "scenario-format.md").read_text()
    yaml_text = re.search(r"<!-- example: highway_cut_in -->\n```yaml\n(.*?)```", text, re.S).group(
        1
    )
    result = run_scenario(parse_scenario(yaml_text, file="highway_cut_in.yaml"), RunOptions())
    assert result.status is Status.PASS, (result.error, result.criteria)
    assert result.metrics["collisions"] == 0
