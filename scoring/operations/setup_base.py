"""Shared pieces of the setup operations: the user-fixable error, key checks, lookups."""
import re
import unicodedata
from decimal import Decimal

from ..extensions import db
from ..models import Competition, ScoreSheet, Stage
from ..rules import parse_plain_decimal
from ..rules.errors import N_, RuleError
from ..rules.text import MULTILINE_FIELDS, text_problem
from .sheets import lock_competition

KEY_RE = re.compile(r"^\w[\w.\-]{0,63}$")
# Competition keys appear in every URL: plain ASCII only.
COMPETITION_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


class SetupError(RuleError):
    """A setup change refused for a reason the organizer can fix; `field` names the input."""

    def __init__(self, message, params=None, field=None):
        super().__init__(message, params)
        self.field = field


def check_key(key: str, field: str = "key", pattern=KEY_RE) -> str:
    """A stripped key in its compatibility form, or SetupError when it is empty or has
    spaces or odd characters.

    Keys are written into addresses, sheets and files: "Ｊ4" typed with a Chinese input
    method in full width is the key J4 (NFKC), not a second key that looks the same.
    """
    key = unicodedata.normalize("NFKC", key or "").strip()
    if not key:  # not '"" is not a valid key': the field was simply left empty
        raise SetupError(N_("This field is required."), {}, field)
    if not pattern.match(key):
        raise SetupError(N_('"%(key)s" is not a valid key: use letters, digits, "-", "_" or '
                            '"." without spaces (at most 64)'), {"key": key}, field)
    return key


def check_text(value: str, field: str, limit: int, required: bool = True,
               multiline: bool | None = None) -> str:
    """A stripped text within limit characters (required unless told otherwise).

    Control characters are refused (rules/text.py); line ends and tabs only in a
    multi-line text, which by default is a field named like a reason, note or description.
    """
    value = (value or "").strip()
    if required and not value:
        raise SetupError(N_("This field is required."), {}, field)
    if len(value) > limit:
        raise SetupError(N_("longer than %(limit)s characters"), {"limit": limit}, field)
    if multiline is None:
        multiline = field.rpartition("-")[2] in MULTILINE_FIELDS
    problem = text_problem(value, multiline)
    if problem is not None:
        raise SetupError(*problem, field)
    return value


def check_decimal(text, field: str, *, places: int, minimum=None, maximum=None,
                  above_zero=False) -> Decimal:
    """A plain decimal with at most `places` decimals, within the bounds, else SetupError."""
    value = parse_plain_decimal(str(text).strip()) if text is not None else None
    if value is None:
        raise SetupError(N_('"%(value)s" is not a number'), {"value": text or ""}, field)
    if value.normalize().as_tuple().exponent < -places:
        raise SetupError(N_("at most %(places)s decimal places"), {"places": places}, field)
    if above_zero and not value > 0:
        raise SetupError(N_("%(value)s is not above 0"), {"value": text}, field)
    if minimum is not None and value < minimum:
        raise SetupError(N_("%(value)s is below the minimum %(min)s"),
                         {"value": text, "min": minimum}, field)
    if maximum is not None and value > maximum:
        raise SetupError(N_("%(value)s is above the maximum %(max)s"),
                         {"value": text, "max": maximum}, field)
    # Plain notation ("100", not "1E+2"): the value is shown and stored as typed.
    return Decimal(format(value.normalize(), "f")) if value != 0 else Decimal(0)


def scoring_started(competition) -> bool:
    """True once any stage left draft or any score sheet exists: the draw is then locked.

    Both read with locking reads (after the competition lock, in a write): a stage opened
    or a first sheet saved while the organizer drew is seen.
    """
    if db.session.scalar(db.select(Stage.id).where(
            Stage.competition_id == competition.id, Stage.state != "draft")
            .limit(1).with_for_update()) is not None:
        return True
    return sheets_exist(competition_id=competition.id)


def sheet_count(**where) -> int:
    """Number of score sheets matching column filters (stage_id=, team_id=, judge_id=)."""
    query = db.select(db.func.count(ScoreSheet.id))
    for column, value in where.items():
        query = query.where(getattr(ScoreSheet, column) == value)
    return db.session.scalar(query) or 0


class ArchivedError(SetupError):
    """A write refused because the competition is archived (admin/archived.py answers
    it on any organizer page as its own check before the view does)."""


def lock_unarchived(competition_id, *rows) -> Competition:
    """Take the competition lock, read the competition row under it and return it;
    ArchivedError when it is archived. Each of rows is then read again, locked.

    Every organizer write starts here. The page's own check (admin/archived.py) reads the
    row before any lock, so an archive committed just after it would slip through. The
    rows here come from locking reads: the newest committed ones, also on MariaDB whose
    plain reads may return the transaction's older snapshot; an archive (which takes the
    same lock) waits for this write to commit. Pass competition_id as a plain value.
    """
    held = db.session.info.get("competition_lock")
    lock_competition(competition_id)
    competition = db.session.scalars(
        db.select(Competition).where(Competition.id == competition_id)
        .with_for_update().execution_options(populate_existing=True)).one()
    if competition.archived:
        raise ArchivedError(N_("The competition is archived; nothing can be changed."))
    if db.session.info.get("competition_lock") is not held:
        # Just locked (on SQLite the first read already held the database): its teams,
        # judges, stages... as loaded before may miss a row committed since; read them
        # again when next used (the select above flushed anything pending).
        db.session.expire(competition)
    for row in rows:
        db.session.refresh(row, with_for_update=True)
    return competition


def sheets_exist(**where) -> bool:
    """Whether a score sheet matches column filters (stage_id=, team_id=, judge_id=,
    competition_id=), read with a locking read after the competition lock: a sheet
    committed by a judge just before the lock is seen (also on MariaDB), and no new
    one can come while the lock is held (every sheet write takes it first)."""
    query = db.select(ScoreSheet.id)
    competition_id = where.pop("competition_id", None)
    if competition_id is not None:
        query = query.join(Stage, ScoreSheet.stage_id == Stage.id).where(
            Stage.competition_id == competition_id)
    for column, value in where.items():
        query = query.where(getattr(ScoreSheet, column) == value)
    return db.session.scalar(query.limit(1).with_for_update()) is not None
