"""Importing a contest file: all or nothing (a refused file changes nothing)."""
import json

from sqlalchemy import delete, select, update

from ..extensions import db
from ..models import (
    Absence,
    Competition,
    Criterion,
    Deduction,
    Department,
    Judge,
    Member,
    Recusal,
    Score,
    ScoreSheet,
    SheetVersion,
    Stage,
    Team,
    utcnow,
)
from ..operations.audit import record
from ..operations.tokens import new_token
from ..rules import N_, decimal_text
from .deductions import write_deductions
from .layout_write import fill_layout
from .schema import ContestFileError, parse_document, parse_json_text

SOURCE = "import"


def import_text(text, *, replace=False, actor=None) -> Competition:
    """Import a contest file given as text or bytes (see import_document)."""
    return import_document(parse_json_text(text), replace=replace, actor=actor)


def import_document(doc, *, replace=False, actor=None) -> Competition:
    """Create a competition from a contest file; ContestFileError lists every problem.

    Everything is checked before anything is written. The new rows are flushed, not
    committed: the caller commits once (or rolls back). With replace=True an existing
    competition of the same key is emptied and refilled (same id, so its audit log
    stays attached; judges keeping their key keep their login link).
    """
    parsed = parse_document(doc)
    existing = db.session.scalar(select(Competition).where(Competition.key == parsed.key))
    if existing is not None and not replace:
        raise ContestFileError([("competition.key", N_('a competition with the key "%(key)s" '
                                                       'already exists'), {"key": parsed.key})])
    old_tokens = {}
    if existing is not None:
        old_tokens = dict(db.session.execute(
            select(Judge.key, Judge.token).where(Judge.competition_id == existing.id)).all())
        _empty(existing)
        comp = existing
    else:
        comp = Competition(key=parsed.key)
        db.session.add(comp)
    comp.name = parsed.name
    comp.rules = parsed.rules.to_dict()
    comp.archived = parsed.archived
    draw = parsed.draw or {}
    comp.draw_method = draw.get("method")
    comp.draw_seed = draw.get("seed")
    comp.draw_at = draw.get("at")
    teams = parsed.contest.teams
    if not draw and teams and all(t.draw is not None for t in teams):
        # Every team comes with its position but the file says nothing of the draw: the
        # lots were drawn elsewhere (on paper, at an earlier meeting) and this file types
        # them in. It is a draw made by hand, known from now; without this the checklist
        # would ask for a draw, and a new one would overwrite the positions.
        comp.draw_method, comp.draw_at = "manual", utcnow()
    db.session.flush()
    _fill(comp, parsed, old_tokens)
    fill_layout(comp, parsed.contest.layout)  # section 12 (version 2), if any
    contest = parsed.contest
    summary = (f"{len(contest.stages)} stages, {len(contest.teams)} teams, "
               f"{len(contest.judges)} judges, {len(contest.sheets)} sheets")
    record("contest.replace" if existing is not None else "contest.import",
           competition=comp, obj=comp, summary=f"{comp.key}: {summary}", actor=actor)
    return comp


def _fill(comp, parsed, old_tokens):
    """Write every row of the parsed file under comp (ids are flushed table by table)."""
    contest = parsed.contest
    session = db.session
    depts = {name: Department(competition_id=comp.id, name=name)
             for name in parsed.departments}
    session.add_all(depts.values())
    stages, criteria = {}, {}
    for pos, (s, extra) in enumerate(zip(contest.stages, parsed.stage_extra, strict=True)):
        stage = Stage(competition_id=comp.id, key=s.key, name=s.name, position=pos,
                      weight=s.weight, state=extra["state"],
                      comment_required=extra.get("comment_required", False))
        stages[s.key] = stage
        for cpos, (c, desc) in enumerate(zip(s.criteria, extra["descriptions"], strict=True)):
            crit = Criterion(key=c.key, name=c.name, description=desc, position=cpos,
                             max=c.max, step=c.step)
            stage.criteria.append(crit)
            criteria[(s.key, c.key)] = crit
    session.add_all(stages.values())
    session.flush()
    judges = {}
    for j, note in zip(contest.judges, parsed.judge_notes, strict=True):
        judges[j.key] = Judge(
            competition_id=comp.id, key=j.key, name=j.name, panel_group=j.group,
            department_id=depts[j.department].id if j.department else None, note=note,
            token=old_tokens.get(j.key) or new_token())
    teams = {}
    for t, extra in zip(contest.teams, parsed.team_extra, strict=True):
        team = Team(competition_id=comp.id, key=t.key, name=t.name, draw_position=t.draw,
                    withdrawn=t.withdrawn, withdrawn_reason=extra["withdrawn_reason"])
        for mpos, (name, dept) in enumerate(extra["members"]):
            team.members.append(Member(name=name, position=mpos,
                                       department_id=depts[dept].id if dept else None))
        teams[t.key] = team
    session.add_all(judges.values())
    session.add_all(teams.values())
    session.flush()
    for r in contest.recusals:
        session.add(Recusal(judge_id=judges[r.judge].id, team_id=teams[r.team].id,
                            lift=r.lift, reason=r.reason))
    for a in contest.absences:
        session.add(Absence(judge_id=judges[a.judge].id, stage_id=stages[a.stage].id,
                            reason=a.reason))
    write_deductions(contest, teams, stages)
    now = utcnow()
    sheets = []
    for s in contest.sheets:
        submitted = s.status == "submitted"
        sheet = ScoreSheet(judge_id=judges[s.judge].id, team_id=teams[s.team].id,
                           stage_id=stages[s.stage].id, status=s.status, version=1,
                           source=SOURCE, submitted_at=now if submitted else None,
                           comment=s.comment or None)
        order = [c.key for c in next(st for st in contest.stages if st.key == s.stage).criteria]
        values = {k: s.scores[k] for k in order if k in s.scores}
        for ckey, value in values.items():
            sheet.scores.append(Score(criterion_id=criteria[(s.stage, ckey)].id, value=value))
        if submitted:
            sheet.versions.append(SheetVersion(
                version=1, status="submitted", actor=SOURCE, reason="", comment=s.comment or None,
                scores_json=json.dumps({k: decimal_text(v) for k, v in values.items()},
                                       ensure_ascii=False)))
        sheets.append(sheet)
    session.add_all(sheets)
    session.flush()


def _empty(comp):
    """Delete everything under a competition (children first), keeping the row and its audit."""
    session = db.session
    cid = comp.id
    team_ids = select(Team.id).where(Team.competition_id == cid)
    judge_ids = select(Judge.id).where(Judge.competition_id == cid)
    stage_ids = select(Stage.id).where(Stage.competition_id == cid)
    session.flush()
    session.execute(update(Stage).where(Stage.competition_id == cid)
                    .values(current_team_id=None).execution_options(synchronize_session=False))
    # The database cascades the rest (sheets, scores, versions, reveals, paper entries...);
    # members and judges go before departments, which they reference with RESTRICT.
    for stmt in (
        delete(ScoreSheet).where(ScoreSheet.stage_id.in_(stage_ids)),
        delete(Deduction).where(Deduction.stage_id.in_(stage_ids)),
        delete(Recusal).where(Recusal.judge_id.in_(judge_ids)),
        delete(Absence).where(Absence.judge_id.in_(judge_ids)),
        delete(Member).where(Member.team_id.in_(team_ids)),
        delete(Team).where(Team.competition_id == cid),
        delete(Judge).where(Judge.competition_id == cid),
        delete(Stage).where(Stage.competition_id == cid),
        delete(Department).where(Department.competition_id == cid),
    ):
        # MariaDB refuses a DELETE whose subquery reads the same table; these never do.
        session.execute(stmt.execution_options(synchronize_session=False))
    session.expire_all()
