"""The bridge from the database to the rules engine: rows in, plain records out.

Everything here only reads. The sheets and their scores are read by sheet_rows (one
row per sheet, as the driver's plain tuples); each other table is one small SELECT.
"""
import gc
import threading
from collections import defaultdict
from contextlib import contextmanager

from sqlalchemy import select

from .. import rules as R
from ..extensions import db
from ..models import (
    Absence,
    Criterion,
    Department,
    Judge,
    Member,
    Recusal,
    Stage,
    Team,
)
from .deductions import deduction_records
from .layout import load_layout
from .sheet_rows import sheets_of_stages

PUBLISHED = "published"


def rules_of(competition, stage_keys=None) -> R.Rules:
    """The competition's parsed rule settings (raises rules.SettingsError if they are broken)."""
    if stage_keys is None:
        stage_keys = db.session.execute(
            select(Stage.key).where(Stage.competition_id == competition.id)).scalars().all()
    return R.Rules.from_dict(R.with_default_tie_breaks(competition.rules, list(stage_keys)),
                             list(stage_keys))


def _stage_rows(cid, published_only):
    q = (select(Stage.id, Stage.key, Stage.name, Stage.weight, Stage.state)
         .where(Stage.competition_id == cid).order_by(Stage.position, Stage.id))
    rows = db.session.execute(q).all()
    if published_only:
        rows = [r for r in rows if r.state == PUBLISHED]
    return rows


_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = False


@contextmanager
def gc_paused():
    """Pause Python's cycle collector while a ranking builds its records.

    A big contest creates a few hundred thousand long-lived records in a second; the
    collector would walk all of them several times over (a third of the time, measured
    in bench/results_bench.py) and find no cycles, since these records hold none.
    Reference counting still frees everything. Nested and concurrent pauses are counted,
    and the collector is switched back on by the last one to end.
    """
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


def contest_input(competition, *, published_only=False) -> R.Contest:
    """Plain rules records of a competition; published_only keeps only published stages."""
    with gc_paused():
        return _contest_input(competition, published_only)


def _contest_input(competition, published_only):
    cid = competition.id
    session = db.session
    all_stage_keys = session.execute(
        select(Stage.key).where(Stage.competition_id == cid)).scalars().all()
    rules = rules_of(competition, all_stage_keys)
    stage_rows = _stage_rows(cid, published_only)
    stage_ids = [r.id for r in stage_rows]

    criteria = defaultdict(list)
    crit_key = {}
    if stage_ids:
        for c in session.execute(
                select(Criterion.id, Criterion.stage_id, Criterion.key, Criterion.name,
                       Criterion.max, Criterion.step)
                .where(Criterion.stage_id.in_(stage_ids))
                .order_by(Criterion.stage_id, Criterion.position, Criterion.id)):
            criteria[c.stage_id].append(R.Criterion(c.key, c.max, c.step, c.name))
            crit_key[c.id] = c.key
    stages = tuple(R.Stage(r.key, r.weight, tuple(criteria[r.id]), r.name)
                   for r in stage_rows)

    departments = dict(session.execute(
        select(Department.id, Department.name).where(Department.competition_id == cid)).all())

    judge_rows = session.execute(
        select(Judge.id, Judge.key, Judge.name, Judge.panel_group, Judge.department_id)
        .where(Judge.competition_id == cid).order_by(Judge.key)).all()
    judges = tuple(R.Judge(j.key, j.panel_group, departments.get(j.department_id), j.name)
                   for j in judge_rows)
    judge_key = {j.id: j.key for j in judge_rows}

    team_rows = session.execute(
        select(Team.id, Team.key, Team.name, Team.draw_position, Team.withdrawn)
        .where(Team.competition_id == cid).order_by(Team.key)).all()
    team_key = {t.id: t.key for t in team_rows}
    members = defaultdict(list)
    for m in session.execute(
            select(Member.team_id, Member.department_id)
            .join(Team, Team.id == Member.team_id)
            .where(Team.competition_id == cid)
            .order_by(Member.team_id, Member.position, Member.id)):
        members[m.team_id].append(departments.get(m.department_id))
    teams = tuple(R.Team(t.key, t.draw_position, tuple(members[t.id]), bool(t.withdrawn),
                         t.name) for t in team_rows)

    recusals = tuple(
        R.Recusal(judge_key[r.judge_id], team_key[r.team_id], r.reason or "", bool(r.lift))
        for r in session.execute(
            select(Recusal.judge_id, Recusal.team_id, Recusal.reason, Recusal.lift)
            .join(Judge, Judge.id == Recusal.judge_id)
            .where(Judge.competition_id == cid).order_by(Recusal.id)))

    stage_key = {r.id: r.key for r in stage_rows}
    absences = tuple(
        R.Absence(judge_key[a.judge_id], stage_key[a.stage_id], a.reason or "")
        for a in (session.execute(
            select(Absence.judge_id, Absence.stage_id, Absence.reason)
            .where(Absence.stage_id.in_(stage_ids)).order_by(Absence.id))
            if stage_ids else ()))

    sheets = sheets_of_stages(stage_ids, judge_key, team_key, stage_key, crit_key)
    layout = load_layout(cid, stage_key, judge_key, team_key)  # section 12, None if unused
    return R.Contest(rules=rules, stages=stages, judges=judges, teams=teams,
                     recusals=recusals, absences=absences, sheets=sheets,
                     deductions=deduction_records(stage_ids, team_key, stage_key),
                     layout=layout)


def results_for(competition, *, published_only=False) -> R.ContestResult:
    """The competition's whole ranking (rules.compute_results over contest_input)."""
    with gc_paused():
        return R.compute_results(contest_input(competition, published_only=published_only))
