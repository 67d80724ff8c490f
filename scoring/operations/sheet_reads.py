"""Reading score sheets: the rubric, a sheet's scores and its JSON view, and checking the
values a client sent. SheetRefused, the refusal every sheet write raises, lives here too."""
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from .. import rules as R
from ..extensions import db
from ..models import Criterion, Score, ScoreSheet, SheetVersion
from ..rules.text import text_problem

DRAFT, SUBMITTED = "draft", "submitted"
# A comment (评语) is a paragraph or two, not a report.
COMMENT_LIMIT = 2000


class SheetRefused(Exception):
    """A write the user can fix or must not make; nothing was changed. Carries the JSON body."""

    def __init__(self, status: int, message: str, errors=None, sheet=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = dict(errors or {})
        self.sheet = sheet

    def body(self) -> dict:
        """The JSON answer: ok false, the message, per-criterion errors, the sheet as it is."""
        out = {"ok": False, "error": self.message, "errors": self.errors}
        if self.sheet is not None:
            out["sheet"] = sheet_state(self.sheet)
        return out


_CRITERIA = (select(Criterion).where(Criterion.stage_id == bindparam("stage_id"))
             .order_by(Criterion.position, Criterion.id))


def criteria_of(stage) -> list:
    """The stage's rubric in display order."""
    return list(db.session.scalars(_CRITERIA, {"stage_id": stage.id}))


def sheet_scores(sheet, lock=False) -> dict:
    """{criterion key: Decimal} of a sheet; a criterion without a row is not scored."""
    if sheet is None or sheet.id is None:
        return {}
    q = (select(Criterion.key, Score.value).join(Criterion, Criterion.id == Score.criterion_id)
         .where(Score.sheet_id == sheet.id))
    if lock:
        q = q.with_for_update()
    return {k: v for k, v in db.session.execute(q)}


def text_scores(values: dict) -> dict:
    """Decimal values as plain strings ("21.5"); None stays None."""
    return {k: (None if v is None else R.decimal_text(v)) for k, v in values.items()}


_ASK = object()


def reopen_reasons(sheets) -> dict:
    """{sheet id: the organizer's reason} of each reopened sheet not submitted again, one query.

    Only reopen() turns a submitted sheet into a draft, so the version right after the last
    submitted one is the reopening (SheetVersion.reason); a new submission ends it.
    """
    ids = [s.id for s in sheets if s.id is not None and s.status == DRAFT and s.version > 1]
    out: dict = {}
    if not ids:
        return out
    rows = db.session.execute(
        select(SheetVersion.sheet_id, SheetVersion.version, SheetVersion.status,
               SheetVersion.reason).where(SheetVersion.sheet_id.in_(ids))
        .order_by(SheetVersion.sheet_id, SheetVersion.version))
    last_submitted: dict = {}
    for sheet_id, version, status, reason in rows:
        if status == SUBMITTED:
            last_submitted[sheet_id] = version
            out.pop(sheet_id, None)
        elif version == last_submitted.get(sheet_id, -2) + 1:
            out[sheet_id] = reason or ""
    return out


def sheet_state(sheet, scores=None, reopen_reason=_ASK) -> dict:
    """The JSON view of a sheet the judge page works from.

    reopen_reason is the organizer's reason when the sheet was reopened and not submitted
    since ("" when reopened without one, None otherwise); read here unless given (a page
    of many sheets reads them at once with reopen_reasons).
    """
    scores = sheet_scores(sheet) if scores is None else scores
    if reopen_reason is _ASK:
        reopen_reason = reopen_reasons([sheet]).get(sheet.id)
    return {
        "reopened": reopen_reason is not None, "reopen_reason": reopen_reason,
        "id": sheet.id, "status": sheet.status, "version": sheet.version,
        "source": sheet.source, "scores": text_scores(scores),
        "total": R.decimal_text(R.sheet_total(scores)),
        "submitted_at": sheet.submitted_at.isoformat() + "Z" if sheet.submitted_at else None,
        "comment": sheet.comment or "",
    }


def clean_comment(raw, required: bool):
    """The comment a client sent, trimmed ("" when none), or SheetRefused saying what is wrong.

    None means the client sent no comment at all (an older page): the sheet keeps its own.
    required (a submission of a stage that requires comments) refuses an empty one.
    """
    if raw is None and not required:
        return None
    if raw is not None and not isinstance(raw, str):
        raise SheetRefused(400, _("The comment must be sent as a text."),
                           {"comment": _("The comment must be sent as a text.")})
    text = (raw or "").strip()
    if len(text) > COMMENT_LIMIT:
        msg = _("The comment is %(n)s characters long; at most %(limit)s are kept.",
                n=len(text), limit=COMMENT_LIMIT)
        raise SheetRefused(422, msg, {"comment": msg})
    problem = text_problem(text, multiline=True)
    if problem:
        msg = _("Comment: %(message)s", message=_(problem[0], **problem[1]))
        raise SheetRefused(422, msg, {"comment": msg})
    if required and not text:
        msg = _("This stage requires a comment on every sheet: write one before submitting.")
        raise SheetRefused(422, msg, {"comment": msg})
    return text


def find_sheet(judge, team, stage):
    """The sheet of this judge, team and stage, or None."""
    return db.session.scalars(select(ScoreSheet).filter_by(
        judge_id=judge.id, team_id=team.id, stage_id=stage.id)).first()

def clean_scores(criteria, scores, complete: bool) -> dict:
    """{criterion key: Decimal or None} from what a client sent, or SheetRefused naming each
    bad value.

    Keys not sent are "not scored"; complete=True (a submission) needs every criterion.
    """
    if not isinstance(scores, dict):
        raise SheetRefused(400, _("The scores must be sent as an object of criterion to value."))
    by_key = {c.key: c for c in criteria}
    errors, names = {}, {}
    for key in scores:
        if key not in by_key:
            errors[str(key)[:64]] = _('unknown criterion "%(criterion)s"', criterion=str(key)[:64])
            names[str(key)[:64]] = str(key)[:64]
    values = {}
    for c in criteria:
        raw = scores.get(c.key)
        if raw is None:
            if complete:
                errors[c.key] = _("Enter a score")
                names[c.key] = c.name
            else:
                values[c.key] = None
            continue
        if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)):
            # true, a list or an object: said in words, never as Python's type name.
            errors[c.key] = _("not a number: send the score as digits, such as 17.5")
            names[c.key] = c.name
            continue
        try:
            values[c.key] = R.parse_score(raw, c)
        except R.ScoreError as e:
            errors[c.key] = _(e.message, **e.params)
            names[c.key] = c.name
    if errors:
        summary = "; ".join(_("%(criterion)s: %(message)s", criterion=names[k], message=m)
                            for k, m in errors.items())
        raise SheetRefused(422, summary, errors)
    return values
