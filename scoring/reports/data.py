"""What the reports read: one competition's records and results, loaded once per report."""
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from .. import rules as R
from ..extensions import db
from ..models import Absence, Department, Judge, Member, ScoreSheet, Stage, Team
from ..results.standings import contest_input, gc_paused

GROUP_ORDER = {"external": 0, "internal": 1}


class ReportError(Exception):
    """A report cannot be made as asked (unknown kind, stage or team): a message to show."""


@dataclass
class ReportData:
    """A competition as the printed reports see it (plain records, draw order resolved)."""

    competition: object
    contest: R.Contest
    result: R.ContestResult | None
    stages: tuple
    judges: list            # R.Judge, external group first, then by key
    teams: dict             # key -> R.Team
    draw_order: list        # team keys: drawn ones by position, then undrawn by key
    sheets: dict            # (judge, team, stage) -> R.Sheet
    recusals: dict          # (judge, team) -> rules.RecusalState
    members: dict = field(default_factory=dict)      # team key -> [(name, department)]
    withdrawn_reason: dict = field(default_factory=dict)
    absences: dict = field(default_factory=dict)     # (judge, stage) -> reason
    stage_states: dict = field(default_factory=dict)
    judge_ids: dict = field(default_factory=dict)    # judge key -> Judge row id
    paper: frozenset = frozenset()  # (judge, team, stage) of sheets typed in from paper

    def stage(self, key):
        """The stage record with this key (ReportError if there is none)."""
        for s in self.stages:
            if s.key == key:
                return s
        raise ReportError(f'no stage "{key}" in competition {self.competition.key}')

    def team(self, key):
        """The team record with this key (ReportError if there is none)."""
        if key not in self.teams:
            raise ReportError(f'no team "{key}" in competition {self.competition.key}')
        return self.teams[key]


def load(competition, *, with_results=True) -> ReportData:
    """Read everything a report needs (a handful of SELECTs; results computed once)."""
    with gc_paused():  # see standings.gc_paused: a big contest builds many records at once
        contest = contest_input(competition)
        result = R.compute_results(contest) if with_results else None
    cid = competition.id
    judges = sorted(contest.judges, key=lambda j: (GROUP_ORDER.get(j.group, 9), j.key))
    teams = {t.key: t for t in contest.teams}
    draw_order = [t.key for t in sorted(contest.teams,
                                        key=lambda t: (t.draw is None, t.draw or 0, t.key))]
    sheets = {(s.judge, s.team, s.stage): s for s in contest.sheets}
    recusals = R.recusal_matrix(contest.judges, contest.teams, contest.recusals)

    departments = dict(db.session.execute(
        select(Department.id, Department.name).where(Department.competition_id == cid)).all())
    members = defaultdict(list)
    for key, name, dept in db.session.execute(
            select(Team.key, Member.name, Member.department_id)
            .join(Member, Member.team_id == Team.id)
            .where(Team.competition_id == cid)
            .order_by(Team.key, Member.position, Member.id)):
        members[key].append((name, departments.get(dept)))
    reasons = dict(db.session.execute(
        select(Team.key, Team.withdrawn_reason)
        .where(Team.competition_id == cid, Team.withdrawn.is_(True))).all())
    absences = {(j, s): (r or "") for j, s, r in db.session.execute(
        select(Judge.key, Stage.key, Absence.reason)
        .join(Judge, Judge.id == Absence.judge_id).join(Stage, Stage.id == Absence.stage_id)
        .where(Stage.competition_id == cid))}
    states = dict(db.session.execute(
        select(Stage.key, Stage.state).where(Stage.competition_id == cid)).all())
    judge_ids = dict(db.session.execute(
        select(Judge.key, Judge.id).where(Judge.competition_id == cid)).all())
    # A sheet the staff typed in from the judge's paper sheet says so where it is printed:
    # the chief judge signs knowing which scores came from the tablet and which from paper.
    paper = frozenset(db.session.execute(
        select(Judge.key, Team.key, Stage.key).select_from(ScoreSheet)
        .join(Judge, Judge.id == ScoreSheet.judge_id).join(Team, Team.id == ScoreSheet.team_id)
        .join(Stage, Stage.id == ScoreSheet.stage_id)
        .where(Stage.competition_id == cid, ScoreSheet.source == "paper")).all())
    return ReportData(competition=competition, contest=contest, result=result,
                      stages=contest.stages, judges=judges, teams=teams,
                      draw_order=draw_order, sheets=sheets, recusals=recusals,
                      members=dict(members), withdrawn_reason=reasons, absences=absences,
                      stage_states=states, judge_ids=judge_ids, paper=paper)


def num(value, places=None) -> str:
    """A score as printed: plain decimal text; with places, padded to that many decimals."""
    if value is None:
        return ""
    if places is None:
        return R.decimal_text(value)
    return f"{value:.{places}f}"
