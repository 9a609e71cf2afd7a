"""Pass criteria: small objects updated every step, each giving one verdict.

A criterion follows the contract ``update(world)`` / ``result() ->
CriterionResult``; ``finish(facts)`` hands it what the runner measured
besides the world. The scenario's ``criteria`` list picks and parameterises
them; without one, the ego must not collide and must stay on the road.
:class:`Evaluation` adds the score monitors a run's scores are computed from.

Modules, one per family: :mod:`.base` (contract, context, series helpers),
:mod:`.track` (the route track route-based criteria share), :mod:`.safety`,
:mod:`.rules`, :mod:`.progress`, :mod:`.comfort`, and :mod:`.build` (the
builder registry). See ``docs/evaluation.md``.
"""

from __future__ import annotations

from gauntlet.evaluation.criteria.base import (
    Criterion,
    EvaluationContext,
    RunFacts,
    ttc_series,
    ttc_to_all,
)
from gauntlet.evaluation.criteria.build import (
    BUILDERS,
    Evaluation,
    build_criteria,
    builds,
    default_specs,
    score_specs,
)
from gauntlet.evaluation.criteria.safety import collision_class, fault
from gauntlet.evaluation.criteria.track import RouteTrack

__all__ = [
    "BUILDERS",
    "Criterion",
    "Evaluation",
    "EvaluationContext",
    "RouteTrack",
    "RunFacts",
    "build_criteria",
    "builds",
    "collision_class",
    "default_specs",
    "fault",
    "score_specs",
    "ttc_series",
    "ttc_to_all",
]
