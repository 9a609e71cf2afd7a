"""The state one import shares between its stages.

Entities move in one of two ways in the converted scenario:

* *lane* movers (vehicles that start on a driving lane, facing along it) are
  driven by Gauntlet's lane-keeping behaviour at their speed, and storyboard
  actions (speed, lane change, teleport, route) act on them while the
  scenario runs;
* *path* movers (pedestrians, misc objects, vehicles that start off the
  lanes, against the traffic or on a trajectory) replay a path at a speed
  computed before the run from actions with known start times.

:class:`Mover` holds what the import knows about each entity's motion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from gauntlet.maps.model import LaneKey
from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.openscenario.catalogs import Catalogs
from gauntlet.scenarios.openscenario.entities import EntityInfo
from gauntlet.scenarios.openscenario.motion import SpeedPlan
from gauntlet.scenarios.openscenario.nodes import Node, Sources
from gauntlet.scenarios.openscenario.positions import Placer
from gauntlet.scenarios.openscenario.roadmap import Path, Pose, RoadMap

#: Length of the straight path of an entity that moves without a trajectory, m.
STRAIGHT_PATH_M = 3000.0


@dataclass(frozen=True)
class Segment:
    """A stretch of path an entity follows from ``t_from`` on (until the next segment).

    ``event`` names the Gauntlet event that starts it (None: the scenario start).
    ``relative``: the path is in the entity's frame when the segment starts.
    """

    t_from: float
    path: Path
    start_m: float
    event: str | None = None
    relative: bool = False


@dataclass
class Mover:
    """How one entity moves and what is known about its speed before the run."""

    info: EntityInfo
    start: Pose
    start_node: Node | None = None
    speed_mps: float = 0.0
    kind: Literal["lane", "path"] = "lane"
    path: Path | None = None
    path_start_m: float = 0.0
    route: tuple[sc.Position, ...] = ()
    route_keys: tuple[LaneKey, ...] = ()
    segments: list[Segment] = field(default_factory=list)
    plan: SpeedPlan | None = None
    dynamic_speed: list[Node] = field(default_factory=list)
    walker: bool = False
    deleted: bool = False
    #: A continuous distance kept to another path mover: (reference, start time).
    keeps: tuple[str, float] | None = None

    def speed_plan(self) -> SpeedPlan:
        """The plan of speed changes with known start times (created on first use)."""
        if self.plan is None:
            self.plan = SpeedPlan(self.speed_mps)
        return self.plan

    def travel_path(self) -> Path:
        """The path the entity moves along when nothing steers it."""
        if self.path is not None:
            return self.path
        return straight_path(self.start, STRAIGHT_PATH_M)


def straight_path(start: Pose, length: float) -> Path:
    """A straight path of ``length`` metres ahead of ``start``, keeping its heading."""
    end = start.moved(length)
    return Path(
        np.array([start.x, end.x]), np.array([start.y, end.y]), np.array([start.h, start.h])
    )


@dataclass
class ImportContext:
    """Everything the stages of one import share."""

    sources: Sources
    roadmap: RoadMap
    catalogs: Catalogs
    placer: Placer
    entities: dict[str, EntityInfo]
    ego: str
    horizon_s: float
    movers: dict[str, Mover] = field(default_factory=dict)
    events: list[sc.Event] = field(default_factory=list)
    event_lines: dict[str, int | None] = field(default_factory=dict)
    triggers: dict[str, sc.Trigger] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)

    def unique(self, wanted: str) -> str:
        """An event name not used yet, based on ``wanted``."""
        name, k = wanted, 2
        while name in self.names:
            name, k = f"{wanted}#{k}", k + 1
        self.names.add(name)
        return name

    def add_event(
        self, name: str, trigger: sc.Trigger, actions: list[sc.Action], line: int | None
    ) -> None:
        """Append a converted event."""
        self.events.append(sc.Event(name=name, trigger=trigger, actions=tuple(actions)))
        self.triggers[name] = trigger
        self.event_lines[name] = line


@dataclass(frozen=True)
class Fired:
    """Where an action runs: its Gauntlet event and, if known before the run, its start time."""

    event: str | None
    time_s: float | None


@dataclass
class Result:
    """Converted actions and the duration of the longest (None: not known before the run)."""

    actions: list[sc.Action] = field(default_factory=list)
    duration_s: float | None = 0.0

    def add(self, other: Result) -> None:
        self.actions.extend(other.actions)
        if self.duration_s is None or other.duration_s is None:
            self.duration_s = None
        else:
            self.duration_s = max(self.duration_s, other.duration_s)
