"""Paper double entry: two staff members type a judge's paper sheet in; agreeing, it counts.

Paper entry obeys the rules the tablet obeys, checked on rows read under the competition
lock (never on what the page loaded before): the competition not archived, the stage
being scored, the judge neither recused nor absent, the team not withdrawn, the sheet not
already submitted. One difference, on purpose: a paper sheet written while the stage was
open may still be typed in after the stage closed (not once it is published).
Writes flush and are audited; the caller commits (and retries a conflict: admin/live.py).
"""
import json
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from .. import rules as R
from ..extensions import db
from ..models import PaperEntry, ScoreSheet
from .audit import bump_live, record
from .live import LiveError
from .sheet_access import guard_rows, is_absent, is_recused
from .sheet_reads import clean_scores, criteria_of, find_sheet, text_scores
from .sheets import lock_competition, locked_sheet, write_sheet


@dataclass
class PaperOutcome:
    """What a paper entry led to: 'waiting' for a second person, 'agreed' or 'mismatch'."""

    state: str
    sheet: ScoreSheet | None = None
    mismatches: list = field(default_factory=list)  # [(criterion name, [(user, value)])]


def paper_blocker(judge, team, stage, *, absent=None, locked: bool = False):
    """Why paper entry is refused for this sheet (translated), or None if it is allowed.

    absent: the judge's absence from the stage when the caller read it already.
    locked: read the sheet with a locking read (under the competition lock, in a write).
    """
    if judge.competition.archived:
        return _("The competition is archived; nothing can be changed.")
    if stage.state not in ("open", "closed"):
        return _("The stage %(stage)s is not being scored.", stage=stage.name)
    if is_recused(judge, team):
        return _("%(judge)s does not score %(team)s (recusal).", judge=judge.name, team=team.name)
    if team.withdrawn:
        return _("The team %(team)s has withdrawn; it is not scored.", team=team.name)
    if is_absent(judge, stage) if absent is None else absent:
        return _("%(judge)s is marked absent for %(stage)s; mark them present again on the "
                 "live board first.", judge=judge.name, stage=stage.name)
    sheet = (locked_sheet(judge.id, team.id, stage.id) if locked
             else find_sheet(judge, team, stage))
    if sheet is not None and sheet.status == "submitted":
        if sheet.source == "paper":
            return _("This paper sheet is already entered and agreed.")
        return _("%(judge)s already submitted this sheet on the tablet; there is nothing "
                 "to enter from paper.", judge=judge.name)
    return None


def paper_entries(judge, team, stage) -> list:
    """The staff transcriptions of one paper sheet, oldest first, as the database holds them."""
    return list(db.session.scalars(select(PaperEntry).filter_by(
        judge_id=judge.id, team_id=team.id, stage_id=stage.id).order_by(PaperEntry.id)
        .execution_options(populate_existing=True)))


def paper_mismatches(entries, criteria) -> list:
    """[(criterion name, [(user name, value)])] for each criterion where entries differ."""
    out = []
    loaded = [(e.user.name or e.user.username, json.loads(e.scores_json)) for e in entries]
    for c in criteria:
        values = [(who, s.get(c.key)) for who, s in loaded]
        if len({R.parse_plain_decimal(v) if v is not None else None for _, v in values}) > 1:
            out.append((c.name, values))
    return out


def enter_paper(user, judge, team, stage, raw_scores: dict) -> PaperOutcome:
    """One staff member's transcription; two different people agreeing make the sheet.

    Raises SheetRefused (bad values, per criterion) or LiveError (refused entry). Call it
    with nothing written in the transaction yet: the competition lock is its first
    statement (sheets.lock_competition, fresh=True), and every rule is checked on rows
    read after it.
    """
    user_id, ids = user.id, (judge.id, stage.id, team.id)
    lock_competition(judge.competition_id, fresh=True)
    rows = guard_rows(*ids)
    if rows is None:
        raise LiveError(_("There is no such sheet."))
    judge, stage, team, absent = rows
    blocker = paper_blocker(judge, team, stage, absent=absent, locked=True)
    if blocker:
        raise LiveError(blocker)
    criteria = criteria_of(stage)
    values = clean_scores(criteria, raw_scores, complete=True)
    entries = paper_entries(judge, team, stage)
    mine = next((e for e in entries if e.user_id == user_id), None)
    others = [e for e in entries if e.user_id != user_id]
    scores_json = json.dumps(text_scores(values), sort_keys=True)
    if mine is not None:
        # Correcting one's own entry is how a mismatch is resolved; entering the same
        # sheet twice alone would make the double check meaningless.
        if not others:
            raise LiveError(_("You already entered this sheet. A different staff member "
                              "must enter it a second time."))
        mine.scores_json = scores_json
        action = "paper.correct"
    else:
        mine = PaperEntry(judge_id=judge.id, team_id=team.id, stage_id=stage.id,
                          user_id=user_id, scores_json=scores_json)
        db.session.add(mine)
        action = "paper.enter"
    db.session.flush()
    record(action, competition=judge.competition_id, obj=mine,
           summary=f"{judge.key} / {team.key} / {stage.key}", after=text_scores(values))
    entries = paper_entries(judge, team, stage)
    if len(entries) < 2:
        bump_live(judge.competition_id)
        return PaperOutcome("waiting")
    agreeing = [e for e in entries if e.id != mine.id
                and _same(json.loads(e.scores_json), values)]
    if not agreeing:
        bump_live(judge.competition_id)
        return PaperOutcome("mismatch", mismatches=paper_mismatches(entries, criteria))
    partner = agreeing[0]
    names = sorted({mine.user.username, partner.user.username})
    sheet, _scores, _unchanged = write_sheet(
        judge, team, stage, values, submit=True, source="paper",
        actor="paper:" + "+".join(names), reason=_("Paper sheet entered twice and agreed"))
    return PaperOutcome("agreed", sheet=sheet)


def _same(stored: dict, values: dict) -> bool:
    return all(R.parse_plain_decimal(stored.get(k) or "") == v for k, v in values.items())
