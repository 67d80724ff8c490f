"""Writing and importing the version 2 parts of a contest file (DESIGN section 12).

`add_layout` turns an exported version 1 document into version 2 when the competition
uses any of section 12 (a competition that uses none of it stays version 1, byte for
byte). `fill_layout` writes an imported file's Layout into the section 12 tables.
"""
from sqlalchemy import delete, select

from ..extensions import db
from ..models import (
    Division,
    Judge,
    LayoutSetting,
    Room,
    RoomJudge,
    Stage,
    StagePanel,
    StagePlan,
    Team,
    TeamDivision,
    TeamRoom,
    TeamStageDraw,
)
from ..results.layout import load_layout
from .schema import FORMAT


def add_layout(competition, doc) -> dict:
    """The exported document, as version 2 with section 12's fields when the competition
    uses them; unchanged (version 1) otherwise."""
    session = db.session
    cid = competition.id
    stage_key = dict(session.execute(
        select(Stage.id, Stage.key).where(Stage.competition_id == cid)).all())
    judge_key = dict(session.execute(
        select(Judge.id, Judge.key).where(Judge.competition_id == cid)).all())
    team_key = dict(session.execute(
        select(Team.id, Team.key).where(Team.competition_id == cid)).all())
    layout = load_layout(cid, stage_key, judge_key, team_key)
    if layout is None:
        return doc
    out = {"format": FORMAT, "version": 2}
    for name, value in doc.items():
        if name in ("format", "version"):
            continue
        if name == "competition":
            rules = value.get("rules")
            if isinstance(rules, dict):
                value = dict(value, rules=dict(
                    rules, coefficient_decimals=layout.coefficient_decimals))
        if name == "stages":
            value = [_stage(s, layout.plan(s["key"])) for s in value]
            out["divisions"] = [{"key": d.key, "name": d.name} for d in layout.divisions]
        if name == "teams":
            value = [_team(t, layout) for t in value]
        out[name] = value
    return out


def _stage(item, plan):
    out = {}
    for name, value in item.items():
        out[name] = value
        if name == "weight":
            if plan.normalization != "none":
                out["normalization"] = plan.normalization
            if plan.qualify is not None:
                out["qualify"] = plan.qualify.to_dict()
            if plan.judges is not None:
                out["judges"] = list(plan.judges)
            if plan.rooms:
                out["rooms"] = [{"key": r.key, "name": r.name, "judges": list(r.judges)}
                                for r in plan.rooms]
    return out


def _team(item, layout):
    out = {}
    key = item["key"]
    for name, value in item.items():
        if name == "draw" and layout.divisions:
            out["division"] = layout.team_divisions.get(key)
        out[name] = value
        if name == "draw":
            rooms = layout.team_rooms.get(key)
            if rooms:
                out["rooms"] = dict(sorted(rooms.items()))
            draws = layout.stage_draw.get(key)
            if draws:
                out["stage_draw"] = dict(sorted(draws.items()))
    return out


def fill_layout(comp, layout) -> None:
    """Write a Layout under comp (whose stages, judges and teams are already flushed)."""
    session = db.session
    cid = comp.id
    session.execute(delete(Division).where(Division.competition_id == cid)
                    .execution_options(synchronize_session=False))
    session.execute(delete(LayoutSetting).where(LayoutSetting.competition_id == cid)
                    .execution_options(synchronize_session=False))
    if layout is None:
        return
    stages = dict(session.execute(
        select(Stage.key, Stage.id).where(Stage.competition_id == cid)).all())
    judges = dict(session.execute(
        select(Judge.key, Judge.id).where(Judge.competition_id == cid)).all())
    teams = dict(session.execute(
        select(Team.key, Team.id).where(Team.competition_id == cid)).all())
    session.add(LayoutSetting(competition_id=cid,
                              coefficient_decimals=layout.coefficient_decimals))
    divisions = {}
    for pos, d in enumerate(layout.divisions):
        divisions[d.key] = Division(competition_id=cid, key=d.key, name=d.name, position=pos)
    session.add_all(divisions.values())
    session.flush()
    for team, division in layout.team_divisions.items():
        session.add(TeamDivision(team_id=teams[team], division_id=divisions[division].id))
    rooms = {}
    for stage, plan in layout.stages.items():
        sid = stages[stage]
        q = plan.qualify
        session.add(StagePlan(stage_id=sid, panel_named=plan.judges is not None,
                              normalization=plan.normalization,
                              qualify_top=q.top if q else None,
                              qualify_share=q.share if q else None))
        for pos, judge in enumerate(plan.judges or ()):
            session.add(StagePanel(stage_id=sid, judge_id=judges[judge], position=pos))
        for pos, r in enumerate(plan.rooms):
            room = Room(stage_id=sid, key=r.key, name=r.name, position=pos)
            session.add(room)
            rooms[(stage, r.key)] = (room, r.judges)
    session.flush()
    for (stage, _), (room, room_judges) in rooms.items():
        for pos, judge in enumerate(room_judges):
            session.add(RoomJudge(room_id=room.id, stage_id=stages[stage],
                                  judge_id=judges[judge], position=pos))
    for team, by_stage in layout.team_rooms.items():
        for stage, room in by_stage.items():
            session.add(TeamRoom(team_id=teams[team], stage_id=stages[stage],
                                 room_id=rooms[(stage, room)][0].id))
    for team, by_stage in layout.stage_draw.items():
        for stage, position in by_stage.items():
            session.add(TeamStageDraw(team_id=teams[team], stage_id=stages[stage],
                                      position=position))
    session.flush()
