"""Shared pieces of the setup operations: the user-fixable error, key checks, lookups."""
import re
import unicodedata
from decimal import Decimal

from ..extensions import db
from ..models import ScoreSheet, Stage
from ..rules import parse_plain_decimal
from ..rules.errors import N_, RuleError
from ..rules.text import MULTILINE_FIELDS, text_problem

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
    """True once any stage left draft or any score sheet exists: the draw is then locked."""
    if any(s.state != "draft" for s in competition.stages):
        return True
    return db.session.scalar(
        db.select(ScoreSheet.id).join(Stage, ScoreSheet.stage_id == Stage.id)
        .where(Stage.competition_id == competition.id).limit(1)) is not None


def sheet_count(**where) -> int:
    """Number of score sheets matching column filters (stage_id=, team_id=, judge_id=)."""
    query = db.select(db.func.count(ScoreSheet.id))
    for column, value in where.items():
        query = query.where(getattr(ScoreSheet, column) == value)
    return db.session.scalar(query) or 0
