"""Load and compile everything a run needs, once, before workers are forked."""

from __future__ import annotations

from gauntlet.runner.single import RunOptions, simulate
from gauntlet.scenarios import schema as sc


def warm_up() -> None:
    """Run a tiny scenario in this process.

    Compiled kernels (loaded from the on-disk cache, or compiled on a
    machine's first run), map and dynamics code are then in memory, and every
    process forked from this one starts ready.
    """
    scenario = sc.Scenario(
        name="warm_up",
        map=sc.ProceduralMap("straight", {"length_m": 300.0, "lanes_right": 2, "lanes_left": 0}),
        entities=(
            sc.Entity("ego", "car", sc.InitialState(sc.LanePosition("1", -1, 20.0), 10.0)),
            sc.Entity("lead", "car", sc.InitialState(sc.LanePosition("1", -1, 40.0), 5.0)),
            sc.Entity("side", "car", sc.InitialState(sc.LanePosition("1", -2, 30.0), 12.0)),
            sc.Entity(
                "walker",
                "pedestrian",
                sc.InitialState(sc.WorldPosition(60.0, -3.0), 0.0),
                behaviour=sc.WalkBehaviour((sc.WorldPosition(60.0, 2.0),)),
            ),
        ),
        stop=sc.StopConditions(duration_s=1.5),
        # Compiles the object-list sensor's occlusion kernel too.
        ego=sc.Ego(perception=sc.Perception()),
    )
    simulate(scenario, RunOptions())
    # Plotting is imported here rather than in every forked worker.
    import gauntlet.evaluation.plots  # noqa: F401
