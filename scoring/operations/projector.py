"""What the projector shows (现场亮分): revealed scores that a reopen never takes away.

A sheet reopened after its team was shown keeps counting, on the projector only, with
the values it was last submitted with, so a correction in progress never blanks the hall
screen (nor the calibration group shown with it). Once the judge submits the correction
the new values show, and the team is marked corrected (已更正). Judges are named by a
fixed seat letter for the whole stage, and a recused or absent judge's seat says so, so
no gap in the numbering gives a recusal away. Reads only: nothing here writes.
"""
import json
from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from .. import rules as R
from ..extensions import db
from ..models import (
    Absence,
    AuditEntry,
    Judge,
    Presentation,
    Reveal,
    ScoreSheet,
    SheetVersion,
    Stage,
    Team,
)
from .live import ordered_judges, teams_in_order


def seat_label(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA": a judge's seat on the projector."""
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


def seat_labels(competition_id) -> dict:
    """{judge key: seat letter}, fixed for every team of the stage (external first, by key)."""
    return {j.key: seat_label(i) for i, j in enumerate(ordered_judges(competition_id))}


def projector_stage(competition, stage_key=None):
    """The stage the projector shows: the one asked for, else the open one, else the latest
    revealed."""
    stages = list(db.session.scalars(select(Stage).where(
        Stage.competition_id == competition.id).order_by(Stage.position, Stage.id)))
    if stage_key:
        return next((s for s in stages if s.key == stage_key), None)
    open_ = [s for s in stages if s.state == "open"]
    if open_:
        return working_stage(open_)
    with_reveals = set(db.session.scalars(select(Reveal.stage_id).join(Stage).where(
        Stage.competition_id == competition.id)))
    shown = [s for s in stages if s.id in with_reveals]
    return shown[-1] if shown else (stages[0] if stages else None)


def working_stage(open_stages):
    """The open stage the hall works on: the one opened (or reopened) or presented in
    last; the later one in the running order when nothing tells them apart.

    With the plan stage still open for late sheets and the presentation stage opened
    after it, the hall is at the presentation, not at the first open stage.
    """
    if len(open_stages) < 2:
        return open_stages[0] if open_stages else None
    ids = [s.id for s in open_stages]
    latest = dict(db.session.execute(
        select(AuditEntry.object_id, func.max(AuditEntry.at)).where(
            AuditEntry.object_type == "stage", AuditEntry.object_id.in_(ids),
            AuditEntry.action.in_(("stage.open", "stage.reopen")))
        .group_by(AuditEntry.object_id)).all())
    presented = db.session.execute(
        select(Presentation.stage_id, func.max(Presentation.started_at))
        .where(Presentation.stage_id.in_(ids)).group_by(Presentation.stage_id)).all()
    for stage_id, at in presented:
        if at is not None and (latest.get(stage_id) is None or at > latest[stage_id]):
            latest[stage_id] = at
    oldest = datetime.min
    return max(enumerate(open_stages),
               key=lambda pair: (latest.get(pair[1].id) or oldest, pair[0]))[1]


def shown_teams(draw_order, allowed, revealed, calibration: int) -> list:
    """Rule 9 with the organizer's clicks: team keys the projector shows, in draw order.

    A team shows once revealed and complete; the first `calibration` teams show together,
    only once all of them are complete and the last of them has been revealed.
    """
    head = list(draw_order[:max(0, calibration)])
    out = []
    for key in draw_order:
        if key not in allowed:
            continue
        if key in head:
            if head[-1] in revealed:
                out.append(key)
        elif key in revealed:
            out.append(key)
    return out


def _settled(stage):
    """{(judge key, team key): [(created_at, scores_json)]}: the values each sheet of the
    stage was submitted with, in order, and {(judge, team)} of the sheets now in draft.

    A submission leaves a submitted version; a reopening leaves a draft version holding
    the values it reopened (the only trace of a sheet submitted without versions, as
    imported or demo sheets are), recognised as a draft version that follows a submitted
    one or a missing one.
    """
    settled = defaultdict(list)
    reopened = set()
    rows = db.session.execute(
        select(Judge.key, Team.key, ScoreSheet.status, SheetVersion.version,
               SheetVersion.status, SheetVersion.created_at, SheetVersion.scores_json)
        .join(ScoreSheet, ScoreSheet.id == SheetVersion.sheet_id)
        .join(Judge, Judge.id == ScoreSheet.judge_id).join(Team, Team.id == ScoreSheet.team_id)
        .where(ScoreSheet.stage_id == stage.id)
        .order_by(SheetVersion.sheet_id, SheetVersion.version))
    previous = {}
    for jk, tk, now_status, version, status, created, scores in rows:
        pair = (jk, tk)
        before = previous.get(pair)  # (version, status) of the row before, if any
        follows_submission = version > 1 and (
            before is None or before[0] != version - 1 or before[1] == "submitted")
        if status == "submitted" or follows_submission:
            settled[pair].append((created, scores))
        previous[pair] = (version, status)
        if now_status != "submitted":
            reopened.add(pair)
    return settled, reopened


def kept_results(competition, stage, version=None):
    """(ContestResult or None, {(judge, team) corrected after the team's reveal}).

    A reopened sheet counts with its last submitted values (see the module's docstring).
    `version`: the live version a poll read first; the contest's records are then the ones
    shared by every screen at that version (results.live_cache).
    """
    from ..results.live_cache import live_input
    from ..results.standings import contest_input

    settled, reopened = _settled(stage)
    revealed_at = dict(db.session.execute(
        select(Team.key, Reveal.revealed_at).join(Team, Team.id == Reveal.team_id)
        .where(Reveal.stage_id == stage.id)).all())
    corrected = set()
    for (jk, tk), values in settled.items():
        since = revealed_at.get(tk)
        if since is None or len(values) < 2:
            continue
        before = [v for created, v in values if created is not None and created < since]
        # Nothing settled before the reveal: the first kept copy holds what was shown.
        shown = before[-1] if before else values[0][1]
        if values[-1][1] != shown:
            corrected.add((jk, tk))
    try:
        contest = contest_input(competition) if version is None else live_input(
            competition, version)
        sheets = []
        for sheet in contest.sheets:
            pair = (sheet.judge, sheet.team)
            if sheet.stage == stage.key and pair in reopened and settled.get(pair):
                values = json.loads(settled[pair][-1][1])
                sheet = replace(sheet, status="submitted", scores={
                    k: Decimal(v) for k, v in values.items() if v is not None})
            sheets.append(sheet)
        return R.compute_results(replace(contest, sheets=tuple(sheets))), corrected
    except R.RuleError:
        return None, corrected


def projector_state(competition, stage, version=None) -> dict:
    """What the projector shows: the order, and the latest revealed team(s) with every seat.

    `version`: as in kept_results (a poll shares the contest's records of that version).
    """
    from .sheet_access import recusal_map

    result, corrected = kept_results(competition, stage, version)
    by_team = {t.team: t.stages.get(stage.key) for t in result.teams} if result else {}
    teams = {t.key: t for t in teams_in_order(competition.id)}
    reveals = list(db.session.execute(
        select(Team.key, Reveal.id).join(Team, Team.id == Reveal.team_id)
        .where(Reveal.stage_id == stage.id).order_by(Reveal.revealed_at, Reveal.id)))
    revealed = [k for k, _id in reveals]
    draw_order = list(result.draw_order) if result else []
    calibration = result.calibration_reveal if result else 0
    allowed = set(result.revealable(stage.key)) if result else set()
    shown = shown_teams(draw_order, allowed, set(revealed), calibration)
    judges = ordered_judges(competition.id)
    labels = {j.key: seat_label(i) for i, j in enumerate(judges)}
    recused = recusal_map(competition)
    absent = set(db.session.scalars(select(Absence.judge_id).where(Absence.stage_id == stage.id)))
    corrected_teams = {tk for _jk, tk in corrected}
    head = draw_order[:calibration]
    latest = next((k for k in reversed(revealed) if k in shown), None)
    featured = (head if latest in head else [latest]) if latest else []

    def seat(judge, team, counted):
        info = {"seat": labels[judge.key], "total": None, "dropped": False,
                "status": "counted", "corrected": (judge.key, team.key) in corrected}
        if recused[(judge.id, team.id)].recused:
            info["status"] = "recused"
        elif judge.id in absent:
            info["status"] = "absent"
        elif judge.key in counted:
            s = counted[judge.key]
            info.update(total=R.decimal_text(s.total), dropped=s.dropped)
        else:
            info["status"] = "none"
        return info

    def card(key):
        sr = by_team[key]
        counted = {s.judge: s for s in sr.sheets}
        return {"team": teams[key], "score": str(sr.score),
                "corrected": key in corrected_teams,
                # Rule 12: shown beside the stage score (the score already has it off).
                "deduction": R.decimal_text(sr.deduction) if sr.deduction else None,
                "before": str(sr.before_deduction) if sr.deduction else None,
                "sheets": [seat(j, teams[key], counted) for j in judges]}

    held = [k for k in revealed if k not in shown and k in draw_order]
    published = stage.state == "published"
    order = [{"team": teams[k], "corrected": k in corrected_teams and k in shown,
              "presenting": not published and stage.current_team_id == teams[k].id,
              "score": str(by_team[k].score) if k in shown else None}
             for k in draw_order]
    return {"stage": stage, "order": order, "featured": [card(k) for k in featured],
            "held": held, "calibration": calibration, "shown": shown,
            # Teams whose sheets are all in (shown or held by the calibration reveal).
            "complete": {k for k, r in by_team.items()
                         if r is not None and r.score is not None and not r.provisional},
            "corrected": sorted(corrected_teams)}


__all__ = ["kept_results", "projector_stage", "projector_state", "seat_label", "seat_labels",
           "shown_teams", "working_stage"]
