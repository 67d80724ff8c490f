"""Who may see or change a sheet: recusal (rule 2), absence (rule 11), stage state, withdrawal.

A write checks these on rows read after the competition lock (write_target for the judge
API, guard_rows for paper entry), never on objects the request loaded before it: an
organizer's change committed meanwhile counts.
"""
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, exists, select
from sqlalchemy.orm import aliased, contains_eager

from .. import rules as R
from ..extensions import db
from ..models import (
    Absence,
    Competition,
    Criterion,
    Department,
    Judge,
    Member,
    Recusal,
    Stage,
    StagePlan,
    Team,
)
from .panels import panel_refusal
from .sheet_reads import SheetRefused

_ABSENT = select(Absence.id).where(Absence.judge_id == bindparam("judge_id"),
                                   Absence.stage_id == bindparam("stage_id"))
_TEAM_MEMBERS = (select(Member.team_id, Member.department_id)
                 .where(Member.team_id == bindparam("team_id")))
_MANUAL_RECUSALS = (select(Recusal.team_id, Recusal.reason, Recusal.lift)
                    .where(Recusal.judge_id == bindparam("judge_id")).order_by(Recusal.id))
_MANUAL_RECUSAL_OF_TEAM = _MANUAL_RECUSALS.where(Recusal.team_id == bindparam("team_id"))
# Every row paper entry's guards read (operations/paper.py), in one statement, as ORM
# objects (paper entry passes them on): the judge, the stage, the team, the competition
# (archived) and the judge's absence from the stage. populate_existing: the objects the
# request already holds take the values the database holds now. The joins on the
# competition also refuse a stage or team of another competition (no row).
_WRITE_GUARD = (
    select(Judge, Stage, Team, Competition, Absence.id)
    .join(Competition, Competition.id == Judge.competition_id)
    .join(Stage, Stage.competition_id == Judge.competition_id)
    .join(Team, Team.competition_id == Judge.competition_id)
    .outerjoin(Absence, and_(Absence.judge_id == Judge.id, Absence.stage_id == Stage.id))
    .where(Judge.id == bindparam("judge_id"), Stage.id == bindparam("stage_id"),
           Team.id == bindparam("team_id"))
    # judge.competition is this row's competition: no second SELECT for `archived`.
    .options(contains_eager(Judge.competition))
    .execution_options(populate_existing=True))


class JudgeRef(NamedTuple):
    """The judge of a write, as plain values read under the lock."""

    id: int
    competition_id: int
    key: str
    name: str


class StageRef(NamedTuple):
    """The stage of a write, as plain values read under the lock."""

    id: int
    competition_id: int
    key: str
    name: str
    state: str
    comment_required: bool


class TeamRef(NamedTuple):
    """The team of a write, as plain values read under the lock."""

    id: int
    competition_id: int
    key: str
    name: str
    withdrawn: bool


class CriterionRef(NamedTuple):
    """One criterion of the stage's rubric: what checking and writing a value needs."""

    id: int
    key: str
    name: str
    max: object  # Decimal
    step: object  # Decimal


class WriteTarget(NamedTuple):
    """Everything a judge's write is checked against, read in one statement (write_target)."""

    judge: JudgeRef
    stage: StageRef
    team: TeamRef
    archived: bool
    absent: bool
    recusal: R.RecusalState
    uses_plans: bool
    criteria: tuple  # CriterionRef, in display order


_PLAN_STAGE = aliased(Stage)
# The judge API's write reads its guards in this one statement, after the competition
# lock, as plain columns (no ORM objects to build): the judge; the stage and the team by
# their keys, joined on the judge's competition (another competition's gives no row); the
# archive flag; the judge's absence and the pair's manual recusal decision (both unique per
# pair, so outer joins add no row); whether the judge shares a department with a member
# (rule 2's automatic recusal: a judge without a department matches nothing, as NULL = x
# is never true; the department must be the competition's, as recusal_states reads it);
# whether the competition uses section 12 at all (panels._uses_plans); and the stage's
# rubric, one row per criterion (the outer join keeps the row of a stage without any).
_WRITE_TARGET = (
    select(Criterion.id, Criterion.key, Criterion.name, Criterion.max, Criterion.step,
           Judge.id, Judge.competition_id, Judge.key, Judge.name,
           Stage.id, Stage.competition_id, Stage.key, Stage.name, Stage.state,
           Stage.comment_required,
           Team.id, Team.competition_id, Team.key, Team.name, Team.withdrawn,
           Competition.archived, Absence.id, Recusal.lift, Recusal.reason,
           exists().where(Member.team_id == Team.id,
                          Member.department_id == Judge.department_id,
                          Department.id == Member.department_id,
                          Department.competition_id == Judge.competition_id),
           exists().where(StagePlan.stage_id == _PLAN_STAGE.id,
                          _PLAN_STAGE.competition_id == Judge.competition_id))
    .select_from(Judge)
    .join(Competition, Competition.id == Judge.competition_id)
    .join(Stage, and_(Stage.competition_id == Judge.competition_id,
                      Stage.key == bindparam("stage_key")))
    .join(Team, and_(Team.competition_id == Judge.competition_id,
                     Team.key == bindparam("team_key")))
    .outerjoin(Absence, and_(Absence.judge_id == Judge.id, Absence.stage_id == Stage.id))
    .outerjoin(Recusal, and_(Recusal.judge_id == Judge.id, Recusal.team_id == Team.id))
    .outerjoin(Criterion, Criterion.stage_id == Stage.id)
    .where(Judge.id == bindparam("judge_id"))
    .order_by(Criterion.position, Criterion.id))


def write_target(judge_id, stage_key, team_key) -> WriteTarget:
    """The judge, stage and team of a write and every fact its guards need, or SheetRefused
    (404) when the stage or team is not the judge's. Call it after the competition lock."""
    rows = db.session.connection().execute(
        _WRITE_TARGET, {"judge_id": judge_id, "stage_key": stage_key,
                        "team_key": team_key}).all()
    if not rows:
        raise SheetRefused(404, _("There is no such sheet."))
    row = rows[0]  # every row holds the same guards; they differ in the criterion only
    archived, absence_id, lift, reason, shares_department, uses_plans = row[20:]
    decided = lift is not None  # the pair has a manual decision (its lift is NOT NULL)
    recusal = R.pair_recusal(bool(shares_department),
                             added=(reason or "") if decided and not lift else None,
                             lifted=(reason or "") if decided and lift else None)
    criteria = tuple(CriterionRef(*r[0:5]) for r in rows if r[0] is not None)
    return WriteTarget(JudgeRef(*row[5:9]), StageRef(*row[9:15]), TeamRef(*row[15:20]),
                       bool(archived), absence_id is not None, recusal, bool(uses_plans),
                       criteria)


def check_write(target: WriteTarget) -> None:
    """Raise SheetRefused unless the judge may change the sheet: check_judge_access's rules,
    in its order and with its messages, decided on the facts write_target read."""
    judge, stage, team = target.judge, target.stage, target.team
    _check(stage, team, write=True, archived=target.archived,
           recused=lambda: target.recusal.recused,
           panel=lambda: panel_refusal(judge, stage, team) if target.uses_plans else None,
           absent=lambda: target.absent)


def recusal_map(competition) -> dict:
    """RecusalState for every (judge id, team id) of a competition (rule 2, manual rows too)."""
    cid = competition.id
    depts = dict(db.session.execute(
        select(Department.id, Department.name).where(Department.competition_id == cid)).all())
    judges = db.session.execute(select(Judge.id, Judge.key, Judge.panel_group,
                                       Judge.department_id)
                                .where(Judge.competition_id == cid)).all()
    teams = db.session.execute(select(Team.id, Team.key).where(Team.competition_id == cid)).all()
    members: dict = {}
    for tid, did in db.session.execute(
            select(Member.team_id, Member.department_id).join(Team, Team.id == Member.team_id)
            .where(Team.competition_id == cid)):
        members.setdefault(tid, []).append(depts.get(did))
    jkey = {j.id: j.key for j in judges}
    tkey = {t.id: t.key for t in teams}
    manual = [R.Recusal(jkey[r.judge_id], tkey[r.team_id], r.reason or "", bool(r.lift))
              for r in db.session.execute(
                  select(Recusal.judge_id, Recusal.team_id, Recusal.reason, Recusal.lift)
                  .join(Judge, Judge.id == Recusal.judge_id).where(Judge.competition_id == cid))]
    matrix = R.recusal_matrix(
        [R.Judge(j.key, j.panel_group, depts.get(j.department_id)) for j in judges],
        [R.Team(t.key, None, tuple(members.get(t.id, ()))) for t in teams], manual)
    return {(j.id, t.id): matrix[(j.key, t.key)] for j in judges for t in teams}


def _department_names(competition_id, ids) -> dict:
    """{department id: name} of the competition's departments among ids (others: absent)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(
        select(Department.id, Department.name)
        .where(Department.competition_id == competition_id, Department.id.in_(ids))).all())


def recusal_states(judge, teams) -> dict:
    """{team id: RecusalState} of one judge for the given teams (rule 2, manual rows too).

    The same rule as recusal_map (rules.recusal_matrix), fed with this judge's department,
    these teams' member departments and this judge's manual rows only: the work grows with
    the teams asked about, not with judges x teams of the whole competition.
    """
    teams = list(teams)
    cid = judge.competition_id
    members: dict = {t.id: [] for t in teams}
    names: dict = {}
    if judge.department_id is not None and teams:
        # A judge without a department is never recused automatically (rules.automatic_recusal),
        # so the members' departments are only read when they can matter.
        if len(teams) == 1:
            rows = db.session.execute(_TEAM_MEMBERS, {"team_id": teams[0].id}).all()
        else:
            rows = db.session.execute(
                select(Member.team_id, Member.department_id)
                .join(Team, Team.id == Member.team_id).where(Team.competition_id == cid)).all()
        names = _department_names(cid, [judge.department_id] + [d for _, d in rows])
        for tid, did in rows:
            if tid in members:
                members[tid].append(names.get(did))
    if len(teams) == 1:
        manual_rows = db.session.execute(_MANUAL_RECUSAL_OF_TEAM,
                                         {"judge_id": judge.id, "team_id": teams[0].id})
    else:
        manual_rows = db.session.execute(_MANUAL_RECUSALS, {"judge_id": judge.id})
    tkey = {t.id: t.key for t in teams}
    manual = [R.Recusal(judge.key, tkey[r.team_id], r.reason or "", bool(r.lift))
              for r in manual_rows if r.team_id in tkey]
    matrix = R.recusal_matrix(
        [R.Judge(judge.key, judge.panel_group, names.get(judge.department_id))],
        [R.Team(t.key, None, tuple(members[t.id])) for t in teams], manual)
    return {t.id: matrix[(judge.key, t.key)] for t in teams}


def is_recused(judge, team) -> bool:
    """Rule 2 for one pair, counting the organizer's manual decisions."""
    return recusal_states(judge, [team])[team.id].recused


def is_absent(judge, stage) -> bool:
    """Whether the organizer marked this judge absent for the stage."""
    return db.session.scalar(_ABSENT, {"judge_id": judge.id, "stage_id": stage.id}) is not None


def guard_rows(judge_id, stage_id, team_id):
    """(judge, stage, team, absent) as the database holds them now; None if they do not
    belong together. Call it after the competition lock (sheets.lock_competition)."""
    row = db.session.execute(_WRITE_GUARD, {"judge_id": judge_id, "stage_id": stage_id,
                                            "team_id": team_id}).first()
    if row is None:
        return None
    judge, stage, team, _competition, absence_id = row
    return judge, stage, team, absence_id is not None


def check_judge_access(judge, stage, team, write: bool, absent=None) -> None:
    """Raise SheetRefused unless this judge may see (write=False) or change this sheet.

    absent: whether the judge is marked absent for the stage, when the caller read it
    already; otherwise it is read here.
    """
    if stage.competition_id != judge.competition_id or team.competition_id != judge.competition_id:
        raise SheetRefused(404, _("There is no such sheet."))
    _check(stage, team, write=write, archived=write and judge.competition.archived,
           recused=lambda: is_recused(judge, team),
           panel=lambda: panel_refusal(judge, stage, team),
           absent=lambda: is_absent(judge, stage) if absent is None else absent)


def _check(stage, team, *, write: bool, archived: bool, recused, panel, absent) -> None:
    """The rules of a sheet, in order; recused, panel and absent are asked only when reached
    (each may cost a query)."""
    if write and archived:
        raise SheetRefused(403, _("The competition is archived; nothing can be changed."))
    if stage.state != "open":
        raise SheetRefused(403, _("The stage %(stage)s is not open for scoring.",
                                  stage=stage.name))
    if recused():
        raise SheetRefused(403, _("You do not score the team %(team)s (recusal).",
                                  team=team.name))
    refusal = panel()  # section 12: rooms, panels, the cut
    if refusal is not None:
        raise SheetRefused(403, refusal)
    if write and team.withdrawn:
        raise SheetRefused(409, _("The team %(team)s has withdrawn; it is not scored.",
                                  team=team.name))
    if write and absent():
        raise SheetRefused(409, _("You are marked absent for this stage; ask the organizer."))
