"""Paper double entry: two staff members type a judge's paper sheet in; agreeing, it counts.

Paper entry obeys the rules the tablet obeys, checked on rows read under the competition
lock (never on what the page loaded before): the competition not archived, the stage
being scored, the judge neither recused nor absent, the team not withdrawn, the sheet not
already submitted. One difference, on purpose: a paper sheet written while the stage was
open may still be typed in after the stage closed (not once it is published).
Writes flush and are audited; the caller commits (and retries a conflict: admin/live.py).

The judge's comment (评语) is typed in too, and checked as the tablet checks it (same
limit, same characters refused, required where the stage requires one). Two entries agree
when their scores are equal and their comments are the same text once each is in the form
the tablet stores (rules.text.comment_text: line ends as "\n", nothing blank at either
end). Nothing more is forgiven, not even a line break or a space inside the text: the
sheet keeps one text, and the double check vouches for every character of it. When two
comments differ only in spacing the page says so, which makes such a mismatch quick to
settle.
"""
import json
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from .. import rules as R
from ..extensions import db
from ..models import PaperEntry, ScoreSheet
from ..rules.text import comment_text, differ_only_in_spacing
from .audit import bump_live, record
from .live import LiveError
from .sheet_access import guard_rows, is_absent, is_recused
from .sheet_reads import (
    SheetRefused,
    clean_comment,
    clean_scores,
    criteria_of,
    find_sheet,
    text_scores,
)
from .sheets import lock_competition, locked_sheet, write_sheet


@dataclass
class PaperOutcome:
    """What a paper entry led to: 'waiting' for a second person, 'agreed' or 'mismatch'."""

    state: str
    sheet: ScoreSheet | None = None
    mismatches: list = field(default_factory=list)  # [(criterion name, [(user, value)])]
    comments: list = field(default_factory=list)  # [(user, comment)] when comments differ


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


def clean_paper_comment(raw, required: bool) -> str | None:
    """The comment typed from a paper sheet, as the tablet would store it (None: none), or
    SheetRefused ({"comment": message}) when the tablet would refuse it, or when the stage
    requires a comment and none was typed."""
    if raw is not None and not isinstance(raw, str):
        return clean_comment(raw, required)  # refused as the tablet refuses it
    text = comment_text(raw or "")
    text = clean_comment(text, required=False)  # the tablet's limit and characters
    if required and not text:
        msg = _("This stage requires the judge's comment: type the comment written "
                "on the paper sheet.")
        raise SheetRefused(422, msg, {"comment": msg})
    return text or None


def paper_comment_mismatch(entries) -> tuple[list, bool]:
    """([(user name, comment)], whether they differ only in spacing) when the entries' comments
    differ; ([], False) when they agree."""
    texts = [(e.user.name or e.user.username, e.comment or "") for e in entries]
    if len({t for _who, t in texts}) < 2:
        return [], False
    spacing = all(differ_only_in_spacing(texts[0][1], t) for _who, t in texts[1:]
                  if t != texts[0][1])
    return texts, spacing


class PaperRefused(SheetRefused):
    """A paper entry refused: errors per criterion key, and the comment's own message apart
    (a criterion may well be keyed "comment")."""

    def __init__(self, message: str, errors: dict, comment_error: str | None):
        super().__init__(422, message, errors)
        self.comment_error = comment_error


def _checked(criteria, raw_scores, raw_comment, required):
    # Both checked before refusing, so one answer names every bad field.
    errors, values, comment, messages, comment_error = {}, None, None, [], None
    try:
        values = clean_scores(criteria, raw_scores, complete=True)
    except SheetRefused as e:
        errors, messages = e.errors, [e.message]
    try:
        comment = clean_paper_comment(raw_comment, required)
    except SheetRefused as e:
        comment_error = e.message
        messages.append(e.message)
    if messages:
        raise PaperRefused("; ".join(messages), errors, comment_error)
    return values, comment


def enter_paper(user, judge, team, stage, raw_scores: dict, comment=None) -> PaperOutcome:
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
    # The stage read under the lock: a comment required since the page loaded is required.
    values, comment = _checked(criteria, raw_scores, comment, bool(stage.comment_required))
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
        mine.comment = comment
        action = "paper.correct"
    else:
        mine = PaperEntry(judge_id=judge.id, team_id=team.id, stage_id=stage.id,
                          user_id=user_id, scores_json=scores_json, comment=comment)
        db.session.add(mine)
        action = "paper.enter"
    db.session.flush()
    record(action, competition=judge.competition_id, obj=mine,
           summary=f"{judge.key} / {team.key} / {stage.key}",
           after=dict(text_scores(values), comment=comment) if comment else text_scores(values))
    entries = paper_entries(judge, team, stage)
    if len(entries) < 2:
        bump_live(judge.competition_id)
        return PaperOutcome("waiting")
    agreeing = [e for e in entries if e.id != mine.id
                and _same(json.loads(e.scores_json), values) and e.comment == comment]
    if not agreeing:
        bump_live(judge.competition_id)
        return PaperOutcome("mismatch", mismatches=paper_mismatches(entries, criteria),
                            comments=paper_comment_mismatch(entries)[0])
    partner = agreeing[0]
    names = sorted({mine.user.username, partner.user.username})
    # "" rather than None: the paper's comment replaces whatever a tablet draft held, as
    # the tablet's own submission does (None would keep the draft's).
    sheet, _scores, _unchanged = write_sheet(
        judge, team, stage, values, submit=True, source="paper", comment=comment or "",
        actor="paper:" + "+".join(names), reason=_("Paper sheet entered twice and agreed"))
    return PaperOutcome("agreed", sheet=sheet)


def _same(stored: dict, values: dict) -> bool:
    return all(R.parse_plain_decimal(stored.get(k) or "") == v for k, v in values.items())
