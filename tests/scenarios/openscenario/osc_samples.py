"""Generated OpenSCENARIO documents for the import tests: a small road and text builders."""

from __future__ import annotations

#: A straight 500 m road along +x: two lanes each way (3.5 m), a sidewalk on the right.
ROAD = """<?xml version="1.0" encoding="UTF-8"?>
<OpenDRIVE>
  <header revMajor="1" revMinor="6" name="two_by_two"/>
  <road id="0" length="500" junction="-1">
    <planView><geometry s="0" x="0" y="0" hdg="0" length="500"><line/></geometry></planView>
    <lanes>
      <laneSection s="0">
        <left>
          <lane id="2" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/></lane>
          <lane id="1" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/></lane>
        </left>
        <center><lane id="0" type="none"/></center>
        <right>
          <lane id="-1" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/></lane>
          <lane id="-2" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/></lane>
          <lane id="-3" type="sidewalk"><width sOffset="0" a="3.0" b="0" c="0" d="0"/></lane>
        </right>
      </laneSection>
    </lanes>
  </road>
</OpenDRIVE>
"""

CAR = """<Vehicle name="car" vehicleCategory="car">
  <BoundingBox><Center x="1.4" y="0" z="0.7"/><Dimensions width="1.8" length="4.5" height="1.4"/></BoundingBox>
  <Performance maxSpeed="60" maxAcceleration="4" maxDeceleration="9"/>
</Vehicle>"""

ENTITIES = f"""
<ScenarioObject name="Ego">{CAR}</ScenarioObject>
<ScenarioObject name="Target">{CAR}</ScenarioObject>
"""

INIT = """
<Private entityRef="Ego">
  <PrivateAction><TeleportAction><Position>
    <LanePosition roadId="0" laneId="-1" s="50"/>
  </Position></TeleportAction></PrivateAction>
  <PrivateAction><LongitudinalAction><SpeedAction>
    <SpeedActionDynamics dynamicsShape="step" dynamicsDimension="time" value="0"/>
    <SpeedActionTarget><AbsoluteTargetSpeed value="10"/></SpeedActionTarget>
  </SpeedAction></LongitudinalAction></PrivateAction>
</Private>
<Private entityRef="Target">
  <PrivateAction><TeleportAction><Position>
    <RelativeLanePosition entityRef="Ego" dLane="0" ds="40"/>
  </Position></TeleportAction></PrivateAction>
  <PrivateAction><LongitudinalAction><SpeedAction>
    <SpeedActionDynamics dynamicsShape="step" dynamicsDimension="time" value="0"/>
    <SpeedActionTarget><AbsoluteTargetSpeed value="5"/></SpeedActionTarget>
  </SpeedAction></LongitudinalAction></PrivateAction>
</Private>
"""


def scenario_text(
    *,
    parameters: str = "",
    entities: str = ENTITIES,
    init: str = INIT,
    story: str = "",
    stop: str = "",
    catalogs: str = "",
    revision: str = "2",
) -> str:
    """A complete OpenSCENARIO document on the road ``road.xodr`` beside it."""
    story_block = f'<Story name="story">{story}</Story>' if story else ""
    stop_block = f"<StopTrigger>{stop}</StopTrigger>" if stop else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<OpenSCENARIO>
  <FileHeader revMajor="1" revMinor="{revision}" date="2024-01-01T00:00:00" description="test" author="tests"/>
  <ParameterDeclarations>{parameters}</ParameterDeclarations>
  <CatalogLocations>{catalogs}</CatalogLocations>
  <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
  <Entities>{entities}</Entities>
  <Storyboard>
    <Init><Actions>{init}</Actions></Init>
    {story_block}
    {stop_block}
  </Storyboard>
</OpenSCENARIO>
"""


def act(events: str, actors: str = "Target", start: str = "", name: str = "act") -> str:
    """An act with one maneuver group and one maneuver holding ``events``."""
    refs = "".join(f'<EntityRef entityRef="{a}"/>' for a in actors.split()) if actors else ""
    trigger = f"<StartTrigger>{start}</StartTrigger>" if start else ""
    return f"""<Act name="{name}">
  <ManeuverGroup name="{name}_group" maximumExecutionCount="1">
    <Actors selectTriggeringEntities="false">{refs}</Actors>
    <Maneuver name="{name}_maneuver">{events}</Maneuver>
  </ManeuverGroup>
  {trigger}
</Act>"""


def event(name: str, action: str, start: str = "") -> str:
    """An event with one action (a ``PrivateAction`` or ``GlobalAction`` element)."""
    trigger = f"<StartTrigger>{start}</StartTrigger>" if start else ""
    return f"""<Event name="{name}" priority="overwrite">
  <Action name="{name}_action">{action}</Action>
  {trigger}
</Event>"""


def condition(body: str, name: str = "c", delay: float = 0.0, edge: str = "none") -> str:
    """One condition group holding one condition."""
    return (
        f'<ConditionGroup><Condition name="{name}" delay="{delay}" conditionEdge="{edge}">'
        f"{body}</Condition></ConditionGroup>"
    )


def by_entity(entity: str, body: str) -> str:
    """A ``ByEntityCondition`` of one triggering entity."""
    return (
        '<ByEntityCondition><TriggeringEntities triggeringEntitiesRule="any">'
        f'<EntityRef entityRef="{entity}"/></TriggeringEntities>'
        f"<EntityCondition>{body}</EntityCondition></ByEntityCondition>"
    )


def at_time(value: float, rule: str = "greaterThan") -> str:
    """A start trigger on the simulation time."""
    return condition(
        f'<ByValueCondition><SimulationTimeCondition value="{value}" rule="{rule}"/></ByValueCondition>'
    )


def line_of(text: str, needle: str, last: bool = False) -> int:
    """1-based line of the first (or last) occurrence of ``needle`` in ``text``."""
    where = text.rindex(needle) if last else text.index(needle)
    return text[:where].count("\n") + 1
