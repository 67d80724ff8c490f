"""What the judge's stage page holds at load: every open stage with its team list in draw
order, its rubric and the judge's own sheets, so the page moves between teams (and scores
them) without the network (DESIGN section 10)."""
from sqlalchemy import select

from ..extensions import db
from ..models import Criterion, Score, ScoreSheet, Stage, Team
from ..operations import panels, sheet_access, sheet_reads
from ..rules import decimal_text, sheet_total


def teams_in_draw_order(competition_id) -> list:
    """The competition's teams in presentation order (undrawn teams last, by key)."""
    teams = db.session.scalars(select(Team).where(Team.competition_id == competition_id)).all()
    return sorted(teams, key=lambda t: (t.draw_position is None, t.draw_position or 0, t.key))


def open_stages(competition_id) -> list:
    """The stages judges may score now."""
    return list(db.session.scalars(select(Stage).filter_by(
        competition_id=competition_id, state="open").order_by(Stage.position, Stage.id)))


def _own_scores(judge, stage_ids) -> dict:
    """{sheet id: {criterion key: Decimal}} of the judge's sheets in these stages, one query.

    What sheet_reads.sheet_scores gives sheet by sheet, read at once for the stage page.
    """
    out: dict = {}
    if not stage_ids:
        return out
    rows = db.session.execute(
        select(Score.sheet_id, Criterion.key, Score.value)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
        .where(ScoreSheet.judge_id == judge.id, ScoreSheet.stage_id.in_(stage_ids)))
    for sheet_id, key, value in rows:
        out.setdefault(sheet_id, {})[key] = value
    return out


def _status(recused, withdrawn, absent, sheet) -> str:
    """A team's status on this judge's list: recused and withdrawn before anything else; an
    absent judge's unsubmitted sheets show "absent", not "not started"."""
    if recused:
        return "recused"
    if withdrawn:
        return "withdrawn"
    if absent and (sheet is None or sheet.status != "submitted"):
        return "absent"
    return "not_started" if sheet is None else sheet.status


def home_rows(judge, with_sheets: bool = False) -> list:
    """[(stage, [{team, status, total, current, sheet}])] for each open stage, in draw order.

    `sheet` (with_sheets=True) is the judge's own sheet as sheet_reads.sheet_state gives it.
    """
    stages = open_stages(judge.competition_id)
    teams = teams_in_draw_order(judge.competition_id)
    # This judge's recusals only (not the whole competition's judges x teams).
    recusals = sheet_access.recusal_states(judge, teams)
    own_sheets: dict = {}
    if stages:
        for s in db.session.scalars(select(ScoreSheet).where(
                ScoreSheet.judge_id == judge.id,
                ScoreSheet.stage_id.in_([st.id for st in stages]))):
            own_sheets.setdefault(s.stage_id, {})[s.team_id] = s
    scores = _own_scores(judge, [st.id for st in stages])
    reasons = sheet_reads.reopen_reasons(
        [s for own in own_sheets.values() for s in own.values()]) if with_sheets else {}
    out = []
    for stage in stages:
        own = own_sheets.get(stage.id, {})
        absent = sheet_access.is_absent(judge, stage)
        rows = []
        # Section 12: only the teams of the judge's room or panel, in the stage's order,
        # numbered by the stage's own draw where it has one; no stage off the judge's panel.
        visible = panels.visible_teams(judge, stage, teams)
        if not visible and panels.off_panel(judge, stage):
            continue
        positions = panels.stage_positions(stage)
        for team in visible:
            sheet = own.get(team.id)
            recused = recusals[team.id].recused
            status = _status(recused, team.withdrawn, absent, sheet)
            total = state = None
            if sheet is not None and not recused:
                total = decimal_text(sheet_total(scores.get(sheet.id, {})))
                if with_sheets:
                    state = sheet_reads.sheet_state(sheet, scores.get(sheet.id, {}),
                                                    reasons.get(sheet.id))
            rows.append({"team": team, "status": status, "total": total, "sheet": state,
                         "current": stage.current_team_id == team.id,
                         "draw": positions.get(team.id, team.draw_position)})
        out.append((stage, rows))
    return out


def _criteria(stage_ids) -> dict:
    """{stage id: [criterion]} in display order, one query."""
    out: dict = {sid: [] for sid in stage_ids}
    if stage_ids:
        for c in db.session.scalars(select(Criterion).where(Criterion.stage_id.in_(stage_ids))
                                    .order_by(Criterion.position, Criterion.id)):
            out[c.stage_id].append(c)
    return out


def stage_payload(stages_rows) -> list:
    """The JSON the page embeds: per stage its rubric, teams and the judge's sheets."""
    crits = _criteria([s.id for s, _ in stages_rows])
    out = []
    for stage, rows in stages_rows:
        out.append({
            "key": stage.key, "name": stage.name,
            "comment_required": bool(stage.comment_required),
            "current": stage.current_team.key if stage.current_team else None,
            "criteria": [{"key": c.key, "name": c.name, "description": c.description or "",
                          "max": decimal_text(c.max), "step": decimal_text(c.step)}
                         for c in crits[stage.id]],
            "teams": [{"key": r["team"].key, "name": r["team"].name,
                       "draw": r["draw"], "status": r["status"],
                       "sheet": r["sheet"]} for r in rows],
        })
    return out
