"""How each scenario domain runs: ``domain -> "module:function"``.

A domain runner has the signature ``run(scenario, options: RunOptions) ->
ScenarioResult``. It builds its world, runs the scenario's stack, scores the
run with the domain's criteria and, when ``options.out_dir`` is set, writes
its trace and (with ``options.plots``) its figure under
``<out_dir>/scenarios/<safe id>.*``, naming them in the result's ``trace``
and ``plot`` fields relative to ``out_dir``. It may raise: the caller turns
any exception into an ERROR result, as for driving scenarios.

Runners are imported on first use, so a driving suite never imports pybullet.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from gauntlet.scenarios.domains import domain_of

#: Runner of each non-driving domain, as ``"module:function"``.
RUNNERS: dict[str, str] = {
    "drone": "gauntlet.runner.drone:run_drone_scenario",
    "swarm": "gauntlet.runner.swarm:run_swarm_scenario",
    "skill": "gauntlet.runner.skill:run_skill_scenario",
}


def domain_runner(scenario: Any) -> Callable[..., Any] | None:
    """The runner of ``scenario``'s domain; ``None`` for driving scenarios."""
    domain = domain_of(scenario)
    if domain not in RUNNERS:
        return None
    module_name, _, attr = RUNNERS[domain].partition(":")
    return getattr(importlib.import_module(module_name), attr)
