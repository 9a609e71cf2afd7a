"""The ``domain: swarm`` scenario document: a heterogeneous swarm, its radio network and mission.

Nodes come in groups (``fleet``) of one kind each: ``drone`` (reduced
point-mass model or the full quadrotor), ``usv`` (Otter-class vessel),
``agv`` (differential-drive robot) or ``amphibious`` (a drone that can land
on water). The mission is a list of task generators (``tasks``); ``events``
remove, fail or join nodes and degrade the network during the run. The
criteria hold the run to the issue's requirements by default.
See ``docs/swarm.md`` for the format with an example.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from gauntlet.scenarios.domains import DomainCategory, MissionHeader
from gauntlet.scenarios.errors import ScenarioError, error_at
from gauntlet.scenarios.literals import XY, Rectangle
from gauntlet.scenarios.spec import param

NodeKind = Literal["drone", "usv", "agv", "amphibious"]


@dataclass(frozen=True)
class NodeGroup:
    """Nodes of one kind that start together."""

    kind: NodeKind = param(doc="Node kind: drone, usv, agv or amphibious.")
    count: int = param(doc="Number of nodes.", ge=1, le=5000)
    center_m: XY = param((0.0, 0.0), doc="Centre of the start area (x, y), m.")
    spread_m: float = param(10.0, doc="Half-width of the square start area, m.", ge=0.0)
    altitude_m: float = param(20.0, doc="Cruise altitude of aerial nodes, m.", ge=0.0, le=500.0)
    model: Literal["point_mass", "quadrotor"] = param(
        "point_mass", doc="Drone motion model: the reduced point mass or the full 6-DOF quadrotor."
    )
    join_s: float = param(0.0, doc="Time the group joins the swarm (late joiners), s.", ge=0.0)
    role: Literal["agent", "convoy"] = param(
        "agent", doc="agent: takes tasks; convoy: follows the mission's convoy route."
    )


@dataclass(frozen=True)
class NetworkSpec:
    """The radio network (see gauntlet.swarm.radio for the model)."""

    tx_power_dbm: float = param(20.0, doc="Transmit power, dBm.", ge=-30.0, le=40.0)
    path_loss_ref_db: float = param(40.0, doc="Path loss at 1 m, dB.", ge=0.0)
    path_loss_exponent: float = param(2.5, doc="Log-distance path-loss exponent.", ge=1.5, le=6.0)
    sensitivity_dbm: float = param(-90.0, doc="Receiver sensitivity, dBm.", le=0.0)
    margin_50_db: float = param(2.0, doc="Link margin with 50 % packet loss, dB.", ge=0.0)
    occlusion_loss_db: float = param(15.0, doc="Loss per occluding box crossed, dB.", ge=0.0)
    access_delay_ms: float = param(2.0, doc="Fixed per-hop delay, ms.", ge=0.0)
    jitter_ms: float = param(3.0, doc="Mean exponential per-hop jitter, ms.", ge=0.0)
    bandwidth_kbps: float = param(2000.0, doc="Air data rate per node, kbit/s.", gt=0.0)
    beacon_hz: float = param(4.0, doc="Beacon rate, Hz.", gt=0.0, le=50.0)
    neighbour_timeout_s: float = param(1.0, doc="Neighbour table timeout, s.", gt=0.0)
    occluders: tuple[Rectangle, ...] = param(
        doc="Boxes (x_min, y_min, x_max, y_max) that attenuate links, m.", factory=tuple
    )


@dataclass(frozen=True)
class Environment:
    """Wind, current and waves (uniform over the area)."""

    surface: Literal["water", "ground"] = param("water", doc="What lies below the aerial nodes.")
    current_mps: XY = param((0.0, 0.0), doc="Surface current (x, y), m/s.")
    wind_mps: XY = param((0.0, 0.0), doc="Mean wind (x, y), m/s.")
    gust_mps: float = param(
        0.0, doc="Standard deviation of the gusts (1 s correlation), m/s.", ge=0.0
    )
    wave_hs_m: float = param(0.0, doc="JONSWAP significant wave height, m.", ge=0.0, le=10.0)
    wave_tp_s: float = param(6.0, doc="JONSWAP peak period, s.", gt=0.0)
    wave_gamma: float = param(3.3, doc="JONSWAP peak enhancement factor.", ge=1.0, le=10.0)
    wave_direction_deg: float = param(0.0, doc="Direction the waves travel towards, deg from east.")


@dataclass(frozen=True)
class SearchTasks:
    """Search a rectangle, split into sectors (one task each)."""

    KIND: ClassVar[str] = "search"
    area_m: Rectangle = param(doc="Area (x_min, y_min, x_max, y_max), m.")
    sectors: tuple[int, int] = param((4, 4), doc="Sectors along x and y.")
    altitude_m: float = param(25.0, doc="Search altitude of aerial nodes, m.", ge=0.0)
    sensor_radius_m: float = param(15.0, doc="Radius of a node's sensor footprint, m.", gt=0.0)
    value: float = param(1.0, doc="Reward of one sector.", gt=0.0)


@dataclass(frozen=True)
class TrackTasks:
    """Follow a moving target along a path."""

    KIND: ClassVar[str] = "track"
    path_m: tuple[XY, ...] = param(doc="Target path points (x, y), m.")
    speed_mps: float = param(2.0, doc="Target speed, m/s.", ge=0.0)
    radius_m: float = param(20.0, doc="Tracking distance, m.", gt=0.0)
    hold_s: float = param(10.0, doc="How long the target must be tracked, s.", gt=0.0)
    value: float = param(3.0, doc="Reward.", gt=0.0)


@dataclass(frozen=True)
class RelayTasks:
    """Hold radio relay stations."""

    KIND: ClassVar[str] = "relay"
    stations_m: tuple[XY, ...] = param(doc="Station positions (x, y), m.")
    altitude_m: float = param(30.0, doc="Altitude of aerial relays, m.", ge=0.0)
    value: float = param(2.0, doc="Reward of one station.", gt=0.0)


@dataclass(frozen=True)
class EscortTasks:
    """Escort stations around the convoy (the fleet groups with role convoy)."""

    KIND: ClassVar[str] = "escort"
    offsets_m: tuple[XY, ...] = param(doc="Station offsets (x, y) from the convoy lead, m.")
    altitude_m: float = param(
        20.0, doc="Altitude of aerial escorts (0 for surface stations), m.", ge=0.0
    )
    value: float = param(2.0, doc="Reward of one station.", gt=0.0)


@dataclass(frozen=True)
class DeliverTasks:
    """Transport jobs for ground robots."""

    KIND: ClassVar[str] = "deliver"
    jobs_m: tuple[tuple[float, float, float, float], ...] = param(
        doc="Jobs (pickup x, pickup y, drop x, drop y), m."
    )
    value: float = param(1.0, doc="Reward of one job.", gt=0.0)


TaskSpec = SearchTasks | TrackTasks | RelayTasks | EscortTasks | DeliverTasks


@dataclass(frozen=True)
class Convoy:
    """The route the convoy (role: convoy) follows."""

    path_m: tuple[XY, ...] = param(doc="Route points (x, y), m.", factory=tuple)
    speed_mps: float = param(1.5, doc="Convoy speed, m/s.", ge=0.0, le=3.0)
    spacing_m: float = param(8.0, doc="Distance between convoy vessels, m.", gt=0.0)


@dataclass(frozen=True)
class RemoveNodes:
    """Nodes leave the swarm (announcing it) or fail silently."""

    KIND: ClassVar[str] = "remove"
    at_s: float = param(doc="When, s.", ge=0.0)
    fraction: float = param(0.2, doc="Fraction of the active agents removed.", gt=0.0, le=1.0)
    silent: bool = param(
        False, doc="true: nodes fail without a word; false: they announce leaving."
    )


@dataclass(frozen=True)
class LossSpike:
    """Extra packet loss on every link for a while."""

    KIND: ClassVar[str] = "loss_spike"
    at_s: float = param(doc="Start, s.", ge=0.0)
    duration_s: float = param(doc="Duration, s.", gt=0.0)
    loss: float = param(0.5, doc="Extra loss probability.", ge=0.0, le=1.0)


@dataclass(frozen=True)
class Partition:
    """A jamming barrier along x = barrier_x_m cuts every link across it for a while."""

    KIND: ClassVar[str] = "partition"
    at_s: float = param(doc="Start, s.", ge=0.0)
    duration_s: float = param(doc="Duration, s.", gt=0.0)
    barrier_x_m: float = param(doc="x of the barrier, m.")


EventSpec = RemoveNodes | LossSpike | Partition


@dataclass(frozen=True)
class SwarmCriteria:
    """Pass bounds of the mission (defaults: the swarm requirements)."""

    decision_p99_ms: float = param(
        50.0, doc="Per-node decision response time p99 bound, ms.", gt=0.0
    )
    allocation_s: float = param(1.0, doc="Time to a cooperative allocation, deployed, s.", gt=0.0)
    usv_station_m: float = param(
        3.0, doc="USV station deviation bound (95th percentile), m.", gt=0.0
    )
    drone_station_m: float = param(
        0.5, doc="Drone station deviation bound (95th percentile), m.", gt=0.0
    )
    message_latency_ms: float = param(30.0, doc="Mean in-swarm message latency bound, ms.", gt=0.0)
    control_latency_ms: float = param(50.0, doc="Mean control latency bound, ms.", gt=0.0)
    min_completion: float = param(0.0, doc="Least task completion rate.", ge=0.0, le=1.0)
    min_coverage: float = param(0.0, doc="Least searched fraction at the end.", ge=0.0, le=1.0)


@dataclass(frozen=True)
class SwarmScenario(MissionHeader):
    """A swarm mission: fleet, network, environment, tasks, events and criteria."""

    domain: Literal["swarm"] = param("swarm", doc="Which world runs the scenario; here swarm.")
    category: DomainCategory = param("swarm", doc="Library category.")
    stack: str = param("swarm", doc="The decision stack of every node.")
    dt_s: float = param(0.05, doc="Decision, messaging and control tick, s.", gt=0.0, le=0.5)
    duration_s: float = param(60.0, doc="Mission length, s.", gt=0.0, le=3600.0)
    bundle_size: int = param(
        2, doc="Most tasks an agent bids on at once (CBBA bundle).", ge=1, le=10
    )
    fleet: tuple[NodeGroup, ...] = param(doc="The node groups.", factory=tuple)
    network: NetworkSpec = param(doc="Radio network.", factory=NetworkSpec)
    environment: Environment = param(doc="Wind, current and waves.", factory=Environment)
    convoy: Convoy = param(doc="Convoy route (for escort missions).", factory=Convoy)
    tasks: tuple[TaskSpec, ...] = param(doc="Task generators of the mission.", factory=tuple)
    events: tuple[EventSpec, ...] = param(doc="Node losses and network degradation.", factory=tuple)
    criteria: SwarmCriteria = param(doc="Pass bounds.", factory=SwarmCriteria)
    base_m: XY = param((0.0, 0.0), doc="Position of the base station (node 0), m.")

    def check(self) -> list[ScenarioError]:
        """Cross-field rules: a fleet, convoy groups of USVs, a convoy route when escorting.

        The lengths of points and boxes follow from their field types.
        """
        errors: list[ScenarioError] = []
        if not self.fleet:
            errors.append(error_at(self.source, ("fleet",), "expected at least one node group"))
        for g, group in enumerate(self.fleet):
            if group.role == "convoy" and group.kind != "usv":
                errors.append(
                    error_at(
                        self.source, ("fleet", g, "role"), "a convoy group must be of kind usv"
                    )
                )
        for t, task in enumerate(self.tasks):
            kind = type(task).KIND
            if isinstance(task, TrackTasks) and len(task.path_m) < 1:
                errors.append(
                    error_at(
                        self.source, ("tasks", t, kind, "path_m"), "expected at least one point"
                    )
                )
            elif isinstance(task, EscortTasks) and (
                not any(g.role == "convoy" for g in self.fleet) or len(self.convoy.path_m) < 2
            ):
                errors.append(
                    error_at(
                        self.source,
                        ("tasks", t, kind),
                        "escort needs a convoy group and a convoy path of 2+ points",
                    )
                )
        return errors


__all__ = [
    "Convoy", "DeliverTasks", "Environment", "EscortTasks", "LossSpike", "NetworkSpec", "NodeGroup",
    "Partition", "RelayTasks", "RemoveNodes", "SearchTasks", "SwarmCriteria", "SwarmScenario",
    "TrackTasks",
]  # fmt: skip
