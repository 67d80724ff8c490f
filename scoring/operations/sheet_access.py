"""Who may see or change a sheet: recusal (rule 2), absence (rule 11), stage state, withdrawal.

A write checks these on rows read after the competition lock (write_guard), never on
objects the request loaded before it: an organizer's change committed meanwhile counts.
"""
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import contains_eager

from .. import rules as R
from ..extensions import db
from ..models import Absence, Competition, Judge, Member, Recusal, Stage, Team
from .panels import panel_refusal
from .sheet_reads import SheetRefused

_ABSENT = select(Absence.id).where(Absence.judge_id == bindparam("judge_id"),
                                   Absence.stage_id == bindparam("stage_id"))
_TEAM_MEMBERS = (select(Member.team_id, Member.department_id)
                 .where(Member.team_id == bindparam("team_id")))
_MANUAL_RECUSALS = (select(Recusal.team_id, Recusal.reason, Recusal.lift)
                    .where(Recusal.judge_id == bindparam("judge_id")).order_by(Recusal.id))
_MANUAL_RECUSAL_OF_TEAM = _MANUAL_RECUSALS.where(Recusal.team_id == bindparam("team_id"))
# Every row a write's guards read, in one statement: the judge, the stage, the team, the
# competition (archived) and the judge's absence from the stage. populate_existing: the
# objects the request already holds take the values the database holds now. The joins on
# the competition also refuse a stage or team of another competition (no row).
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


def recusal_map(competition) -> dict:
    """RecusalState for every (judge id, team id) of a competition (rule 2, manual rows too)."""
    from ..models import Department

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
    from ..models import Department

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


def write_guard(judge_id, stage_id, team_id):
    """(judge, stage, team) read under the competition lock, or SheetRefused: the judge's
    write is checked against every rule on rows no older than the lock."""
    rows = guard_rows(judge_id, stage_id, team_id)
    if rows is None:
        raise SheetRefused(404, _("There is no such sheet."))
    judge, stage, team, absent = rows
    check_judge_access(judge, stage, team, write=True, absent=absent)
    return judge, stage, team


def check_judge_access(judge, stage, team, write: bool, absent=None) -> None:
    """Raise SheetRefused unless this judge may see (write=False) or change this sheet.

    absent: whether the judge is marked absent for the stage, when the caller read it
    already (write_guard); otherwise it is read here.
    """
    if stage.competition_id != judge.competition_id or team.competition_id != judge.competition_id:
        raise SheetRefused(404, _("There is no such sheet."))
    if write and judge.competition.archived:
        raise SheetRefused(403, _("The competition is archived; nothing can be changed."))
    if stage.state != "open":
        raise SheetRefused(403, _("The stage %(stage)s is not open for scoring.",
                                  stage=stage.name))
    if is_recused(judge, team):
        raise SheetRefused(403, _("You do not score the team %(team)s (recusal).",
                                  team=team.name))
    refusal = panel_refusal(judge, stage, team)  # section 12: rooms, panels, the cut
    if refusal is not None:
        raise SheetRefused(403, refusal)
    if write and team.withdrawn:
        raise SheetRefused(409, _("The team %(team)s has withdrawn; it is not scored.",
                                  team=team.name))
    if write and (is_absent(judge, stage) if absent is None else absent):
        raise SheetRefused(409, _("You are marked absent for this stage; ask the organizer."))
