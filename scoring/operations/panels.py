"""Who judges whom in a stage with a named panel or rooms (DESIGN section 12).

A judge sees and scores only the teams of their panel: their room's teams in a stage with
rooms, every team in a stage whose named panel they sit on, none otherwise; in the
qualifying stage and after, only the teams that qualified (or are not cut yet).
A competition that uses none of section 12 has no row here and nothing changes.
"""
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import (
    Competition,
    RoomJudge,
    Stage,
    StagePanel,
    StagePlan,
    TeamRoom,
    TeamStageDraw,
)
from ..rules import RuleError


def _uses_plans(stage) -> bool:
    """One query: whether any stage of the competition has section 12 settings (rooms,
    a named panel, qualification); without any, nothing here applies."""
    return db.session.scalar(
        select(StagePlan.stage_id).join(Stage, Stage.id == StagePlan.stage_id)
        .where(Stage.competition_id == stage.competition_id).limit(1)) is not None


def _plan(stage):
    return db.session.get(StagePlan, stage.id)


def _has_rooms(stage) -> bool:
    return db.session.scalar(select(RoomJudge.id).where(RoomJudge.stage_id == stage.id)
                             .limit(1)) is not None or db.session.scalar(
        select(TeamRoom.id).where(TeamRoom.stage_id == stage.id).limit(1)) is not None


def _cut_teams(stage, result=None) -> set:
    """Team keys cut before this stage (qualified False); empty when no stage qualifies.

    `result`: the competition's ranking when the caller has it already (the live board's
    shared one), else it is computed here."""
    stages = db.session.scalars(select(Stage).where(Stage.competition_id == stage.competition_id)
                                .order_by(Stage.position, Stage.id)).all()
    index = {s.id: i for i, s in enumerate(stages)}
    plans = db.session.scalars(select(StagePlan).where(
        StagePlan.stage_id.in_([s.id for s in stages]))).all()
    q = [index[p.stage_id] for p in plans
         if p.qualify_top is not None or p.qualify_share is not None]
    if not q or index[stage.id] < min(q):
        return set()
    if result is not None:
        return {t.team for t in result.teams if t.qualified is False}
    from ..results.standings import results_for  # only when a stage qualifies

    competition = db.session.get(Competition, stage.competition_id)
    try:
        return {t.team for t in results_for(competition).teams if t.qualified is False}
    except RuleError:  # results that cannot be computed cut nobody; the checklist says why
        return set()


def panel_team_ids(judge, stage):
    """The ids of the teams this judge may score in this stage; None: every team."""
    if not _uses_plans(stage):
        return None
    plan = _plan(stage)
    rooms = _has_rooms(stage)
    if plan is None and not rooms:
        return None
    if rooms:
        room_id = db.session.scalar(select(RoomJudge.room_id).where(
            RoomJudge.stage_id == stage.id, RoomJudge.judge_id == judge.id))
        if room_id is None:
            return set()
        ids = set(db.session.scalars(select(TeamRoom.team_id).where(
            TeamRoom.room_id == room_id)))
    elif plan.panel_named and db.session.get(StagePanel, (stage.id, judge.id)) is None:
        return set()
    else:
        ids = None
    return ids


def visible_teams(judge, stage, teams) -> list:
    """The teams (from `teams`, in draw order) this judge scores in the stage, in the
    stage's presentation order (its own draw where a team has one)."""
    if not _uses_plans(stage):
        return teams
    ids = panel_team_ids(judge, stage)
    if ids is not None and not ids:
        return []  # not on this stage's panel
    cut = _cut_teams(stage)
    chosen = [t for t in teams if (ids is None or t.id in ids) and t.key not in cut]
    positions = dict(db.session.execute(select(TeamStageDraw.team_id, TeamStageDraw.position)
                                        .where(TeamStageDraw.stage_id == stage.id)).all())
    order = {t.id: i for i, t in enumerate(teams)}
    return sorted(chosen, key=lambda t: (t.id not in positions, positions.get(t.id, 0),
                                         order[t.id]))


def off_panel(judge, stage) -> bool:
    """Whether the judge sits on no panel of this stage (not in any room, not named)."""
    return panel_team_ids(judge, stage) == set()


def stage_positions(stage) -> dict:
    """{team id: the team's own draw position in this stage} (empty without a stage draw)."""
    if not _uses_plans(stage) and db.session.scalar(
            select(TeamStageDraw.id).where(TeamStageDraw.stage_id == stage.id).limit(1)) is None:
        return {}
    return dict(db.session.execute(select(TeamStageDraw.team_id, TeamStageDraw.position)
                                   .where(TeamStageDraw.stage_id == stage.id)).all())


def panel_refusal(judge, stage, team):
    """A translated reason why this judge may not score this team here, else None."""
    if not _uses_plans(stage):
        return None  # the common case: one query
    ids = panel_team_ids(judge, stage)
    if ids is not None and team.id not in ids:
        return _("You are not on the panel of the team %(team)s in this stage.",
                 team=team.name)
    if team.key in _cut_teams(stage):
        return _("The team %(team)s did not qualify for this stage.", team=team.name)
    return None


def board_scope(stage, judges, result=None) -> tuple[dict, set]:
    """What the organizer's live board needs of section 12 for a stage: ({judge id: ids of
    the teams the judge scores here, None for every team}, keys of the teams cut before
    the stage). Without section 12 ({}, set()): every judge scores every team.
    `result`: the ranking, when the caller has it (else computed if a stage qualifies)."""
    if not _uses_plans(stage):
        return {}, set()
    cut = _cut_teams(stage, result)
    # panel_team_ids for every judge at once: a few queries per render, not a few per judge
    if _has_rooms(stage):
        seats = dict(db.session.execute(select(RoomJudge.judge_id, RoomJudge.room_id)
                                        .where(RoomJudge.stage_id == stage.id)).all())
        teams_of = {}
        for room_id, team_id in db.session.execute(
                select(TeamRoom.room_id, TeamRoom.team_id).where(TeamRoom.stage_id == stage.id)):
            teams_of.setdefault(room_id, set()).add(team_id)
        return {j.id: teams_of.get(seats[j.id], set()) if j.id in seats else set()
                for j in judges}, cut
    plan = _plan(stage)
    if plan is None or not plan.panel_named:
        return {j.id: None for j in judges}, cut
    panel = set(db.session.scalars(select(StagePanel.judge_id)
                                   .where(StagePanel.stage_id == stage.id)))
    return {j.id: None if j.id in panel else set() for j in judges}, cut
