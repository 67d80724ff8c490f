"""The contest day: team presenting, reveals, withdrawals, absences; the board, the projector.

Writes flush and are audited; the request commits. Each change bumps the live version so
the board, the judges' pages and the projector refresh by themselves. Every write takes
the competition lock first (sheets.lock_competition): one lock order with the judges'
writes, and a withdrawal or an absence a judge's write is checked against is never half
seen. Paper double entry is in paper.py.
"""
from flask_babel import gettext as _
from sqlalchemy import select

from .. import rules as R
from ..extensions import db
from ..models import Absence, Judge, Reveal, Score, ScoreSheet, Team
from .audit import bump_live, record
from .published import StagePublished, refuse_if_published
from .setup_base import lock_unarchived
from .sheet_reads import SheetRefused

# The judge's absence row for a stage, read with a locking read: the newest committed row.
_LOCKED_ABSENCE = (select(Absence)
                   .with_for_update().execution_options(populate_existing=True))


class LiveError(Exception):
    """An organizer action refused with a translated reason; nothing changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---- presenting, reveal, withdrawal, absence -------------------------------------------

def set_presenting(stage, team) -> None:
    """Mark the team now presenting in a stage (None: nobody); every judge page highlights it."""
    if team is not None and team.competition_id != stage.competition_id:
        raise LiveError(_("There is no such team."))
    lock_unarchived(stage.competition_id, stage)  # the stage's state as it is now
    if team is not None and stage.state == "draft":
        # Judges cannot score a stage that is not open: a team presenting there would
        # present to tablets that refuse its sheet. Said now, not after the talk.
        raise LiveError(_("The stage %(stage)s is not open yet: open it on the stages page "
                          "first, so the judges can score the team presenting.",
                          stage=stage.name))
    if team is not None and stage.state != "open":
        # Closed or published: the judges are locked out and the clock stopped, so a
        # team marked presenting would be highlighted on tablets that cannot score it.
        raise LiveError(_("The stage %(stage)s is closed: no team presents in it now. "
                          "Reopen it on the stages page if a team still has to present.",
                          stage=stage.name))
    before = stage.current_team.key if stage.current_team else None
    stage.current_team_id = team.id if team is not None else None
    record("stage.presenting", competition=stage.competition_id, obj=stage,
           summary=f"{stage.key}: {team.key if team else '-'}",
           before={"team": before}, after={"team": team.key if team else None})
    bump_live(stage.competition_id)
    db.session.flush()


def reveal(stage, team) -> Reveal:
    """Show the team's stage result on the projector (held back until complete / calibrated)."""
    lock_unarchived(stage.competition_id, stage)
    if stage.state == "draft":
        raise LiveError(_("The stage %(stage)s is not open yet: there is no score to show.",
                          stage=stage.name))
    existing = db.session.scalars(select(Reveal).filter_by(stage_id=stage.id,
                                                           team_id=team.id)).first()
    if existing is not None:
        return existing
    row = Reveal(stage_id=stage.id, team_id=team.id)
    db.session.add(row)
    # The team in `after`: the audit log's subject is the stage, its details say which team.
    record("stage.reveal", competition=stage.competition_id, obj=stage,
           summary=f"{stage.key}: {team.key}", after={"team": team.name})
    bump_live(stage.competition_id)
    db.session.flush()
    return row


def hide(stage, team) -> None:
    """Take a team's result off the projector again (a reveal clicked by mistake)."""
    lock_unarchived(stage.competition_id)
    row = db.session.scalars(select(Reveal).filter_by(stage_id=stage.id,
                                                      team_id=team.id)).first()
    if row is None:
        return
    db.session.delete(row)
    record("stage.hide", competition=stage.competition_id, obj=stage,
           summary=f"{stage.key}: {team.key}", after={"team": team.name})
    bump_live(stage.competition_id)
    db.session.flush()


def _refuse_if_published(competition_id) -> None:
    """LiveError when a stage is published: a withdrawal changes every stage's ranking."""
    try:
        refuse_if_published(competition_id=competition_id)
    except StagePublished as e:
        raise LiveError(e.translated()) from None


def withdraw(team, reason: str) -> None:
    """Mark a team withdrawn (弃权): no rank, no award, listed after the ranked teams."""
    if not (reason or "").strip():
        raise LiveError(_("Give a reason."))
    # A judge's write in progress commits first; one waiting for the lock then sees this.
    lock_unarchived(team.competition_id, team)
    _refuse_if_published(team.competition_id)
    before = {"withdrawn": team.withdrawn, "reason": team.withdrawn_reason}
    team.withdrawn, team.withdrawn_reason = True, reason.strip()
    record("team.withdraw", competition=team.competition_id, obj=team, summary=team.name,
           before=before, after={"withdrawn": True, "reason": team.withdrawn_reason},
           reason=reason)
    bump_live(team.competition_id)
    db.session.flush()


def restore(team, reason: str = "") -> None:
    """Undo a withdrawal."""
    lock_unarchived(team.competition_id, team)
    _refuse_if_published(team.competition_id)
    before = {"withdrawn": team.withdrawn, "reason": team.withdrawn_reason}
    team.withdrawn, team.withdrawn_reason = False, ""
    record("team.restore", competition=team.competition_id, obj=team, summary=team.name,
           before=before, after={"withdrawn": False}, reason=reason)
    bump_live(team.competition_id)
    db.session.flush()


def mark_absent(judge, stage, reason: str) -> None:
    """A judge is absent for a stage: their sheets there are no longer expected (rule 11)."""
    if not (reason or "").strip():
        raise LiveError(_("Give a reason."))
    lock_unarchived(judge.competition_id)
    row = db.session.scalars(_LOCKED_ABSENCE.filter_by(judge_id=judge.id,
                                                       stage_id=stage.id)).first()
    if row is None:
        row = Absence(judge_id=judge.id, stage_id=stage.id, reason=reason.strip())
        db.session.add(row)
    else:
        row.reason = reason.strip()
    record("judge.absent", competition=judge.competition_id, obj=judge,
           summary=f"{judge.key} / {stage.key}", reason=reason)
    bump_live(judge.competition_id)
    db.session.flush()


def mark_present(judge, stage, reason: str = "") -> None:
    """Undo an absence."""
    lock_unarchived(judge.competition_id)
    row = db.session.scalars(_LOCKED_ABSENCE.filter_by(judge_id=judge.id,
                                                       stage_id=stage.id)).first()
    if row is None:
        return
    db.session.delete(row)
    record("judge.present", competition=judge.competition_id, obj=judge,
           summary=f"{judge.key} / {stage.key}", before={"absent": row.reason}, reason=reason)
    bump_live(judge.competition_id)
    db.session.flush()


# ---- what the board and the projector show ----------------------------------------------

def ordered_judges(competition_id) -> list:
    """Judges as columns: external experts first, then internal, each by key."""
    judges = db.session.scalars(select(Judge).where(Judge.competition_id == competition_id)).all()
    return sorted(judges, key=lambda j: (j.panel_group != "external", j.key))


def teams_in_order(competition_id) -> list:
    """Teams in draw order (undrawn last)."""
    teams = db.session.scalars(select(Team).where(Team.competition_id == competition_id)).all()
    return sorted(teams, key=lambda t: (t.draw_position is None, t.draw_position or 0, t.key))


def _stage_result(competition, stage_key, version=None):
    """{team key: StageResult} for a stage, or {} when the rules cannot be computed.

    With `version` (a poll), the ranking is the one shared by every screen at that live
    version (results.live_cache); without it, computed afresh.
    """
    from ..results.live_cache import live_results
    from ..results.standings import results_for

    try:
        result = results_for(competition) if version is None else live_results(
            competition, version)
    except R.RuleError:
        return None, {}
    return result, {t.team: t.stages.get(stage_key) for t in result.teams}


def board_state(competition, stage, version=None) -> dict:
    """Everything the progress board shows for one stage, as plain data.

    `version`: the live version a poll read first; the ranking is then shared with the
    other screens' polls of that version.
    """
    from .panels import board_scope
    from .sheet_access import recusal_map

    judges = ordered_judges(competition.id)
    teams = teams_in_order(competition.id)
    recusals = recusal_map(competition)
    result, by_team = _stage_result(competition, stage.key, version)
    # Section 12: a judge scores only their room's or panel's teams, and no team cut
    # before the stage (from the same ranking); those cells are neither expected nor
    # missing.
    scope, cut = board_scope(stage, judges, result)
    absent = {a.judge_id: a.reason for a in db.session.scalars(
        select(Absence).where(Absence.stage_id == stage.id))}
    sheets = {(s.judge_id, s.team_id): s for s in db.session.scalars(
        select(ScoreSheet).where(ScoreSheet.stage_id == stage.id))}
    revealed = set(db.session.scalars(select(Reveal.team_id).where(Reveal.stage_id == stage.id)))
    # Every sheet's values in one query (one per sheet made the board slow to follow).
    values: dict = {}
    for sheet_id, value in db.session.execute(
            select(Score.sheet_id, Score.value).join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
            .where(ScoreSheet.stage_id == stage.id)):
        values.setdefault(sheet_id, []).append(value)
    rows = []
    for team in teams:
        sr = by_team.get(team.key)
        flags = {s.judge: s for s in (sr.sheets if sr else ())}
        cells, missing = [], []
        for judge in judges:
            sheet = sheets.get((judge.id, team.id))
            ids = scope.get(judge.id)
            if team.key in cut:
                status = "not_qualified"
            elif ids is not None and team.id not in ids:
                status = "off_panel"
            elif recusals[(judge.id, team.id)].recused:
                status = "recused"
            elif judge.id in absent:
                status = "absent"
            elif sheet is None:
                status = "not_started"
            else:
                status = sheet.status
            if status in ("not_started", "draft") and not team.withdrawn:
                missing.append(judge)
            info = flags.get(judge.key)
            total = None
            if sheet is not None and status not in ("recused", "off_panel", "not_qualified"):
                total = R.decimal_text(R.sheet_total(dict(enumerate(values.get(sheet.id, ())))))
            cells.append({"judge": judge, "status": status, "sheet": sheet, "total": total,
                          "dropped": bool(info and info.dropped),
                          "flag": bool(info and info.variance_flag)})
        rows.append({"team": team, "cells": cells, "missing": missing,
                     "score": str(sr.score) if sr and sr.score is not None else None,
                     "provisional": bool(sr and sr.provisional),
                     "presenting": stage.current_team_id == team.id,
                     "not_qualified": team.key in cut,
                     "revealed": team.id in revealed})
    return {"stage": stage, "judges": judges, "rows": rows, "absent": absent}


def board_json(state) -> dict:
    """The board state as JSON-ready data (tests and scripts read it)."""
    return {
        "stage": state["stage"].key,
        "teams": [{
            "team": r["team"].key, "presenting": r["presenting"], "revealed": r["revealed"],
            "not_qualified": r["not_qualified"],
            "withdrawn": r["team"].withdrawn, "score": r["score"],
            "provisional": r["provisional"], "missing": [j.key for j in r["missing"]],
            "cells": {c["judge"].key: {"status": c["status"], "total": c["total"],
                                       "dropped": c["dropped"], "flag": c["flag"]}
                      for c in r["cells"]},
        } for r in state["rows"]],
    }


__all__ = ["LiveError", "SheetRefused", "board_json", "board_state", "hide", "mark_absent",
           "mark_present", "restore", "reveal", "set_presenting", "withdraw"]
