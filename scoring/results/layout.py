"""Section 12 from the database: the Layout record of a competition (None when unused)."""
from sqlalchemy import select

from ..extensions import db
from ..models import (
    Division,
    LayoutSetting,
    Room,
    RoomJudge,
    StagePanel,
    StagePlan,
    TeamDivision,
    TeamRoom,
    TeamStageDraw,
)
from ..rules.layout import DEFAULT_COEFFICIENT_DECIMALS, Layout, Qualify
from ..rules.layout import Division as DivisionRecord
from ..rules.layout import Room as RoomRecord
from ..rules.layout import StagePlan as PlanRecord


def load_layout(cid, stage_key, judge_key, team_key) -> Layout | None:
    """The competition's Layout; stage_key, judge_key, team_key map ids to keys.

    Only the stages in stage_key are read (published_only results leave some out).
    """
    session = db.session
    stage_ids = list(stage_key)
    divisions = session.execute(
        select(Division.id, Division.key, Division.name).where(Division.competition_id == cid)
        .order_by(Division.position, Division.id)).all()
    division_key = {d.id: d.key for d in divisions}
    team_divisions = {}
    if divisions:
        for team_id, division_id in session.execute(
                select(TeamDivision.team_id, TeamDivision.division_id)
                .where(TeamDivision.division_id.in_(list(division_key)))):
            if team_id in team_key:
                team_divisions[team_key[team_id]] = division_key[division_id]
    setting = session.get(LayoutSetting, cid)
    plans, team_rooms, stage_draw = {}, {}, {}
    if stage_ids:
        plans = _plans(stage_ids, stage_key, judge_key)
        room_key = dict(session.execute(
            select(Room.id, Room.key).where(Room.stage_id.in_(stage_ids))).all())
        for team_id, stage_id, room_id in session.execute(
                select(TeamRoom.team_id, TeamRoom.stage_id, TeamRoom.room_id)
                .where(TeamRoom.stage_id.in_(stage_ids))):
            team_rooms.setdefault(team_key[team_id], {})[stage_key[stage_id]] = \
                room_key[room_id]
        for team_id, stage_id, position in session.execute(
                select(TeamStageDraw.team_id, TeamStageDraw.stage_id, TeamStageDraw.position)
                .where(TeamStageDraw.stage_id.in_(stage_ids))):
            stage_draw.setdefault(team_key[team_id], {})[stage_key[stage_id]] = position
    layout = Layout(
        divisions=tuple(DivisionRecord(d.key, d.name) for d in divisions),
        team_divisions=team_divisions, stages=plans, team_rooms=team_rooms,
        stage_draw=stage_draw,
        coefficient_decimals=(setting.coefficient_decimals if setting is not None
                              else DEFAULT_COEFFICIENT_DECIMALS))
    return layout if layout.used else None


def _plans(stage_ids, stage_key, judge_key):
    session = db.session
    panels, rooms, room_judges = {}, {}, {}
    for stage_id, judge_id in session.execute(
            select(StagePanel.stage_id, StagePanel.judge_id)
            .where(StagePanel.stage_id.in_(stage_ids))
            .order_by(StagePanel.stage_id, StagePanel.position, StagePanel.judge_id)):
        panels.setdefault(stage_id, []).append(judge_key[judge_id])
    for room_id, judge_id in session.execute(
            select(RoomJudge.room_id, RoomJudge.judge_id).where(RoomJudge.stage_id.in_(stage_ids))
            .order_by(RoomJudge.room_id, RoomJudge.position, RoomJudge.id)):
        room_judges.setdefault(room_id, []).append(judge_key[judge_id])
    for r in session.execute(
            select(Room.id, Room.stage_id, Room.key, Room.name)
            .where(Room.stage_id.in_(stage_ids)).order_by(Room.position, Room.id)):
        rooms.setdefault(r.stage_id, []).append(
            RoomRecord(r.key, tuple(room_judges.get(r.id, ())), r.name))
    plans = {}
    rows = {p.stage_id: p for p in session.execute(
        select(StagePlan).where(StagePlan.stage_id.in_(stage_ids))).scalars()}
    for stage_id in stage_ids:
        p = rows.get(stage_id)
        qualify = None
        if p is not None and (p.qualify_top is not None or p.qualify_share is not None):
            qualify = Qualify(p.qualify_top, p.qualify_share)
        plan = PlanRecord(
            judges=tuple(panels.get(stage_id, ())) if p is not None and p.panel_named else None,
            rooms=tuple(rooms.get(stage_id, ())),
            normalization=p.normalization if p is not None else "none",
            qualify=qualify)
        if plan != PlanRecord():
            plans[stage_key[stage_id]] = plan
    return plans


__all__ = ["load_layout"]
