"""Derived skills: compose primitives for a new goal in a new scene by search.

The planner works on a STRIPS-like symbolic state, a set of facts:
``("at", obj, place)`` (place: ``table``, a zone, pallet, bin or another
object), ``("holding", obj)``, ``("handempty",)``, ``("clear", obj)``,
``("inserted", peg, hole)``, ``("open", drawer)``, ``("turned", valve)``.
Its operators have preconditions and add/delete effects, and each expands to
a fixed sequence of primitives:

=================  =========================================  ==================================
operator           preconditions                              primitives
=================  =========================================  ==================================
pick(o)            handempty, clear(o), o liftable            reach, grasp, lift
place(o, r)        holding(o); r clear if r is an object      transport, place, release
insert(o, h)       holding(o)                                 insert, release
push(o, z)         handempty, clear(o), z a zone              push
open(d)            handempty                                  reach, grasp, transport, release
turn(v)            handempty                                  reach, grasp, turn, release
=================  =========================================  ==================================

An object heavier than :data:`LIFT_LIMIT_KG` is not liftable and can only be
pushed. Breadth-first search over operator sequences (up to
:data:`MAX_DEPTH`) finds the shortest plan whose final state holds every goal
fact; objects placed in the same region get distinct slots.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from gauntlet.scenarios import skill as sk

#: Heaviest object the planner lifts (kg); heavier ones are pushed.
LIFT_LIMIT_KG = 1.0
MAX_DEPTH = 12

Fact = tuple[str, ...]


class PlanningError(ValueError):
    """No operator sequence reaches the goals."""


@dataclass(frozen=True)
class Operator:
    """One grounded operator: name, arguments, preconditions, add and delete effects."""

    name: str
    args: tuple[str, ...]
    pre: frozenset[Fact]
    add: frozenset[Fact]
    delete: frozenset[Fact]


def _goal_facts(scenario: sk.SkillScenario) -> set[Fact]:
    kinds = {f.name: f for f in scenario.fixtures}
    out: set[Fact] = set()
    for g in scenario.goals:
        if isinstance(g, sk.ObjectIn):
            out.add(("at", g.object, g.region))
        elif isinstance(g, sk.ObjectOn):
            out.add(("at", g.object, g.support))
        elif isinstance(g, sk.Inserted):
            out.add(("inserted", g.object, g.hole))
        elif isinstance(g, sk.Opened):
            kind = "open" if isinstance(kinds.get(g.fixture), sk.Drawer) else "turned"
            out.add((kind, g.fixture))
    return out


def _operators(scenario: sk.SkillScenario) -> list[Operator]:
    objects = [o for o in scenario.objects]
    names = [o.name for o in objects]
    ops: list[Operator] = []
    places = [f.name for f in scenario.fixtures if isinstance(f, sk.Zone | sk.Pallet | sk.Bin)]
    zones = [f.name for f in scenario.fixtures if isinstance(f, sk.Zone)]
    holes = [f.name for f in scenario.fixtures if isinstance(f, sk.Hole)]
    every_at = lambda o: {("at", o, p) for p in ["table", *places, *names]}  # noqa: E731
    for o in objects:
        n = o.name
        if o.mass_kg <= LIFT_LIMIT_KG:
            ops.append(
                Operator(
                    "pick",
                    (n,),
                    frozenset({("handempty",), ("clear", n)}),
                    frozenset({("holding", n)}),
                    frozenset({("handempty",), *every_at(n)}),
                )
            )
        else:
            for z in zones:
                ops.append(
                    Operator(
                        "push",
                        (n, z),
                        frozenset({("handempty",), ("clear", n)}),
                        frozenset({("at", n, z)}),
                        frozenset(every_at(n)),
                    )
                )
        for r in places:
            ops.append(
                Operator(
                    "place",
                    (n, r),
                    frozenset({("holding", n)}),
                    frozenset({("at", n, r), ("handempty",)}),
                    frozenset({("holding", n)}),
                )
            )
        for r in names:
            if r != n:
                ops.append(
                    Operator(
                        "place",
                        (n, r),
                        frozenset({("holding", n), ("clear", r)}),
                        frozenset({("at", n, r), ("handempty",)}),
                        frozenset({("holding", n), ("clear", r)}),
                    )
                )
        for h in holes:
            ops.append(
                Operator(
                    "insert",
                    (n, h),
                    frozenset({("holding", n)}),
                    frozenset({("inserted", n, h), ("handempty",)}),
                    frozenset({("holding", n)}),
                )
            )
    for f in scenario.fixtures:
        if isinstance(f, sk.Drawer):
            ops.append(
                Operator(
                    "open",
                    (f.name,),
                    frozenset({("handempty",)}),
                    frozenset({("open", f.name)}),
                    frozenset(),
                )
            )
        if isinstance(f, sk.Valve):
            ops.append(
                Operator(
                    "turn",
                    (f.name,),
                    frozenset({("handempty",)}),
                    frozenset({("turned", f.name)}),
                    frozenset(),
                )
            )
    return ops


def initial_facts(scenario: sk.SkillScenario) -> frozenset[Fact]:
    """Every object on the table and clear, the hand empty."""
    facts: set[Fact] = {("handempty",)}
    for o in scenario.objects:
        facts |= {("at", o.name, "table"), ("clear", o.name)}
    return frozenset(facts)


def plan(scenario: sk.SkillScenario) -> list[Operator]:
    """The shortest operator sequence reaching the scenario's goals (breadth-first)."""
    goal = _goal_facts(scenario)
    if not goal:
        raise PlanningError(f"{scenario.name}: no goals to plan for")
    ops = _operators(scenario)
    start = initial_facts(scenario)
    frontier: deque[tuple[frozenset[Fact], list[Operator]]] = deque([(start, [])])
    seen = {start}
    while frontier:
        state, path = frontier.popleft()
        if goal <= state:
            return path
        if len(path) >= MAX_DEPTH:
            continue
        for op in ops:
            if op.pre <= state:
                # Picking an object up clears whatever it stood on.
                nxt = set((state - op.delete) | op.add)
                if op.name == "pick":
                    nxt |= {("clear", f[2]) for f in state if f[0] == "at" and f[1] == op.args[0]}
                    nxt.discard(("clear", "table"))
                nxt = frozenset(nxt)
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append((nxt, [*path, op]))
    raise PlanningError(
        f"{scenario.name}: no plan of up to {MAX_DEPTH} operators reaches the goals"
    )


def _slots(half: tuple[float, float]) -> list[tuple[float, float]]:
    a, b = half[0] / 2, half[1] / 2
    return [(-a, -b), (a, -b), (-a, b), (a, b), (0.0, 0.0)]


def expand(scenario: sk.SkillScenario, operators: list[Operator]) -> tuple:
    """The primitive steps of an operator sequence."""
    fixtures = {f.name: f for f in scenario.fixtures}
    used: dict[str, int] = {}
    placing = {}
    for op in operators:
        if op.name == "place" and op.args[1] in fixtures:
            placing[op.args[1]] = placing.get(op.args[1], 0) + 1
    steps: list = []
    for op in operators:
        if op.name == "pick":
            (o,) = op.args
            steps += [sk.Reach(target=o), sk.Grasp(target=o), sk.Lift()]
        elif op.name == "place":
            o, r = op.args
            offset: tuple[float, ...] = ()
            if r in fixtures and placing[r] > 1:
                f = fixtures[r]
                k = used.get(r, 0)
                used[r] = k + 1
                offset = _slots((f.size_m[0] / 2, f.size_m[1] / 2))[k % 5]
            steps += [
                sk.Transport(target=r, offset_m=offset),
                sk.Place(target=r, offset_m=offset),
                sk.Release(),
            ]
        elif op.name == "insert":
            steps += [sk.Insert(target=op.args[1]), sk.Release()]
        elif op.name == "push":
            steps.append(sk.Push(object=op.args[0], target=op.args[1]))
        elif op.name == "open":
            d = fixtures[op.args[0]]
            steps += [
                sk.Reach(target=d.name),
                sk.Grasp(target=d.name),
                sk.Transport(by_m=(-0.8 * d.travel_m, 0.0, 0.0), speed_mps=0.1),
                sk.Release(),
            ]
        elif op.name == "turn":
            angle = max(
                (
                    g.amount
                    for g in scenario.goals
                    if isinstance(g, sk.Opened) and g.fixture == op.args[0]
                ),
                default=1.4,
            )
            steps += [
                sk.Reach(target=op.args[0]),
                sk.Grasp(target=op.args[0]),
                sk.Turn(target=op.args[0], angle_rad=min(angle * 1.12, 2.5)),
                sk.Release(),
            ]
    return tuple(steps)


def plan_steps(scenario: sk.SkillScenario) -> tuple:
    """Plan and expand: the derived skill's primitive steps."""
    return expand(scenario, plan(scenario))


def describe_plan(scenario: sk.SkillScenario) -> list[str]:
    """The plan as ``name(args)`` strings."""
    return [f"{op.name}({', '.join(op.args)})" for op in plan(scenario)]
