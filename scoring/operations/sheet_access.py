"""Who may see or change a sheet: recusal (rule 2), absence (rule 11), stage state, withdrawal."""
from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from .. import rules as R
from ..extensions import db
from ..models import Absence, Judge, Member, Recusal, Team
from .sheet_reads import SheetRefused

_ABSENT = select(Absence.id).where(Absence.judge_id == bindparam("judge_id"),
                                   Absence.stage_id == bindparam("stage_id"))
_TEAM_MEMBERS = (select(Member.team_id, Member.department_id)
                 .where(Member.team_id == bindparam("team_id")))
_MANUAL_RECUSALS = (select(Recusal.team_id, Recusal.reason, Recusal.lift)
                    .where(Recusal.judge_id == bindparam("judge_id")).order_by(Recusal.id))
_MANUAL_RECUSAL_OF_TEAM = _MANUAL_RECUSALS.where(Recusal.team_id == bindparam("team_id"))


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


def check_judge_access(judge, stage, team, write: bool) -> None:
    """Raise SheetRefused unless this judge may see (write=False) or change this sheet."""
    if stage.competition_id != judge.competition_id or team.competition_id != judge.competition_id:
        raise SheetRefused(404, _("There is no such sheet."))
    if stage.state != "open":
        raise SheetRefused(403, _("The stage %(stage)s is not open for scoring.",
                                  stage=stage.name))
    if is_recused(judge, team):
        raise SheetRefused(403, _("You do not score the team %(team)s (recusal).",
                                  team=team.name))
    if write and team.withdrawn:
        raise SheetRefused(409, _("The team %(team)s has withdrawn; it is not scored.",
                                  team=team.name))
    if write and is_absent(judge, stage):
        raise SheetRefused(409, _("You are marked absent for this stage; ask the organizer."))
