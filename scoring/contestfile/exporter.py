"""Writing a competition as a contest file (DESIGN section 6), in a stable order.

The same database content always gives the same bytes: lists are sorted here in Python
(never by a database collation, which differs between SQLite, PostgreSQL and MariaDB),
decimals are normalized strings, and judge tokens (secrets) are never written.
"""
import json
from collections import defaultdict

from sqlalchemy import select

from ..extensions import db
from ..models import (
    Absence,
    Criterion,
    Department,
    Judge,
    Member,
    Recusal,
    Score,
    ScoreSheet,
    Stage,
    Team,
)
from ..rules import Rules, SettingsError, decimal_text, with_default_tie_breaks
from ..rules.text import MULTILINE_FIELDS, clean_text
from .deductions import export_deductions
from .layout_write import add_layout
from .schema import FORMAT, VERSION


def export_competition(competition) -> dict:
    """The whole competition as a contest-file dict (key order as the file shows it)."""
    session = db.session
    cid = competition.id
    dept_name = dict(session.execute(
        select(Department.id, Department.name).where(Department.competition_id == cid)).all())

    stage_rows = session.execute(
        select(Stage.id, Stage.key, Stage.name, Stage.weight, Stage.state, Stage.position,
               Stage.comment_required)
        .where(Stage.competition_id == cid)).all()
    stage_rows.sort(key=lambda r: (r.position, r.key))
    stage_ids = [r.id for r in stage_rows]
    criteria = defaultdict(list)
    crit_info = {}
    if stage_ids:
        rows = session.execute(
            select(Criterion.id, Criterion.stage_id, Criterion.key, Criterion.name,
                   Criterion.description, Criterion.max, Criterion.step, Criterion.position)
            .where(Criterion.stage_id.in_(stage_ids))).all()
        rows.sort(key=lambda r: (r.position, r.key))
        for r in rows:
            criteria[r.stage_id].append(r)
            crit_info[r.id] = r
    try:
        keys = [r.key for r in stage_rows]
        rules = Rules.from_dict(with_default_tie_breaks(competition.rules, keys), keys).to_dict()
    except SettingsError:
        rules = competition.rules  # kept as stored; the importer will name what is wrong

    comp = {"key": competition.key, "name": competition.name, "rules": rules}
    if competition.archived:
        comp["archived"] = True
    if competition.draw_method:
        draw = {"method": competition.draw_method}
        if competition.draw_seed is not None:
            draw["seed"] = competition.draw_seed
        if competition.draw_at is not None:
            draw["at"] = competition.draw_at.replace(microsecond=0).isoformat()
        comp["draw"] = draw

    stages = []
    for s in stage_rows:
        crits = []
        for c in criteria[s.id]:
            item = {"key": c.key, "name": c.name}
            if c.description:
                item["description"] = c.description
            item["max"] = decimal_text(c.max)
            item["step"] = decimal_text(c.step)
            crits.append(item)
        stage = {"key": s.key, "name": s.name, "weight": decimal_text(s.weight),
                 "state": s.state}
        if s.comment_required:  # optional: a file without it reads as before
            stage["comment_required"] = True
        stage["criteria"] = crits
        stages.append(stage)

    judge_rows = sorted(session.execute(
        select(Judge.id, Judge.key, Judge.name, Judge.panel_group, Judge.department_id,
               Judge.note).where(Judge.competition_id == cid)).all(), key=lambda r: r.key)
    judge_key = {r.id: r.key for r in judge_rows}
    judges = []
    for j in judge_rows:
        item = {"key": j.key, "name": j.name, "group": j.panel_group,
                "department": dept_name.get(j.department_id)}
        if j.note:
            item["note"] = j.note
        judges.append(item)

    team_rows = sorted(session.execute(
        select(Team.id, Team.key, Team.name, Team.draw_position, Team.withdrawn,
               Team.withdrawn_reason).where(Team.competition_id == cid)).all(),
        key=lambda r: r.key)
    team_key = {r.id: r.key for r in team_rows}
    members = defaultdict(list)
    for m in sorted(session.execute(
            select(Member.team_id, Member.name, Member.department_id, Member.position,
                   Member.id).join(Team, Team.id == Member.team_id)
            .where(Team.competition_id == cid)).all(),
            key=lambda r: (r.position, r.id)):
        members[m.team_id].append({"name": m.name, "department": dept_name.get(m.department_id)})
    teams = []
    for t in team_rows:
        item = {"key": t.key, "name": t.name, "draw": t.draw_position,
                "members": members[t.id]}
        if t.withdrawn:
            item["withdrawn"] = t.withdrawn_reason or ""
        teams.append(item)

    recusals = []
    for r in session.execute(
            select(Recusal.judge_id, Recusal.team_id, Recusal.lift, Recusal.reason)
            .join(Judge, Judge.id == Recusal.judge_id).where(Judge.competition_id == cid)):
        item = {"judge": judge_key[r.judge_id], "team": team_key[r.team_id]}
        if r.lift:
            item["lift"] = True
        item["reason"] = r.reason or ""
        recusals.append(item)
    recusals.sort(key=lambda r: (r["judge"], r["team"]))

    stage_key = {r.id: r.key for r in stage_rows}
    stage_pos = {r.key: i for i, r in enumerate(stage_rows)}
    absences = []
    if stage_ids:
        for a in session.execute(select(Absence.judge_id, Absence.stage_id, Absence.reason)
                                 .where(Absence.stage_id.in_(stage_ids))):
            absences.append({"judge": judge_key[a.judge_id], "stage": stage_key[a.stage_id],
                             "reason": a.reason or ""})
    absences.sort(key=lambda a: (stage_pos[a["stage"]], a["judge"]))

    sheets = _sheets(stage_ids, judge_key, team_key, stage_key, stage_pos, crit_info)
    doc = {
        "format": FORMAT, "version": VERSION, "competition": comp,
        "departments": sorted(dept_name.values()),
        "stages": stages, "judges": judges, "teams": teams,
        "recusals": recusals, "absences": absences, "sheets": sheets,
    }
    deductions = export_deductions(cid)
    if deductions:  # optional in version 1: a file without any reads as before
        doc["deductions"] = deductions
    # version 2 only when the competition uses section 12 (layout_write.py)
    return add_layout(competition, _importable(doc))


def _importable(value, multiline=False):
    """The document with each control character the importer refuses replaced by U+FFFD.

    Rows written before inputs refused them may hold some; the backup must still import.
    """
    if isinstance(value, str):
        return clean_text(value, multiline)
    if isinstance(value, dict):
        return {clean_text(k, False): _importable(v, k in MULTILINE_FIELDS or k == "withdrawn")
                for k, v in value.items()}
    if isinstance(value, list):
        return [_importable(v, multiline) for v in value]
    return value


def _sheets(stage_ids, judge_key, team_key, stage_key, stage_pos, crit_info):
    """Every sheet (draft and submitted) with its scores in rubric order."""
    if not stage_ids:
        return []
    heads, values = {}, defaultdict(list)
    q = (select(ScoreSheet.id, ScoreSheet.judge_id, ScoreSheet.team_id, ScoreSheet.stage_id,
                ScoreSheet.status, ScoreSheet.comment, Score.criterion_id, Score.value)
         .outerjoin(Score, Score.sheet_id == ScoreSheet.id)
         .where(ScoreSheet.stage_id.in_(stage_ids)))
    for sid, jid, tid, stid, status, comment, crid, value in db.session.execute(q):
        heads.setdefault(sid, (stage_key[stid], team_key[tid], judge_key[jid], status, comment))
        if crid is not None:
            values[sid].append((crit_info[crid], value))
    out = []
    for sid, (stage, team, judge, status, comment) in heads.items():
        scores = sorted(values[sid], key=lambda cv: (cv[0].position, cv[0].key))
        row = {"judge": judge, "team": team, "stage": stage, "status": status,
               "scores": {c.key: decimal_text(v) for c, v in scores}}
        if comment:
            # Optional: a sheet without a comment is written as before.
            row["comment"] = comment
        out.append(row)
    out.sort(key=lambda s: (stage_pos[s["stage"]], s["team"], s["judge"]))
    return out


def dumps(doc) -> str:
    """The contest file's text: indent 2, Chinese as is, a final newline."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def export_text(competition) -> str:
    """export_competition as the file's text."""
    return dumps(export_competition(competition))
