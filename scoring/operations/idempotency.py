"""Idempotent sheet writes: a request key answered once, retried on a conflict.

A tablet resends a sheet until it hears back; the key it sends makes the second copy
receive the first answer and write nothing (SubmissionKey rows, unique by key). The key
is bound to what it carried: a fingerprint of the request (stage, team, draft or submit,
the scores, the comment, the base version) is kept with the answer, and the same key with anything
else is refused (409), never answered "ok" with the first answer while nothing was written.
"""
import hashlib
import json
import random
import re
import time
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError, OperationalError

from .. import rules as R
from ..extensions import db
from ..models import SubmissionKey
from ..web import dbconflicts
from .sheet_reads import SheetRefused
from .sheets import lock_competition

# Which errors a write retries: web/dbconflicts (shared with throttle and paper entry).
retryable = dbconflicts.retryable

_KEY = re.compile(r"[A-Za-z0-9_-]{8,80}")

_STORED_KEY = (select(SubmissionKey.judge_id, SubmissionKey.response_json)
               .where(SubmissionKey.key == bindparam("key")).with_for_update())
_INSERT_KEY = SubmissionKey.__table__.insert()


def valid_key(key) -> bool:
    """An idempotency key is 8-80 letters, digits, '-' or '_' (a UUID is)."""
    return isinstance(key, str) and bool(_KEY.fullmatch(key))


def _canonical_value(value):
    """One sent score as comparable text: equal numbers give equal text ("12", 12, "12.0")."""
    if isinstance(value, bool):
        return ["bool", value]
    if isinstance(value, int):
        return R.decimal_text(Decimal(value))
    if isinstance(value, Decimal):
        # Bounded exponent: "1E+999999" must not become a million digits.
        if value.is_finite() and abs(value.adjusted()) <= 30:
            return R.decimal_text(value)
        return ["raw", str(value)]
    if isinstance(value, str):
        parsed = R.parse_plain_decimal(value)
        return R.decimal_text(parsed) if parsed is not None else ["raw", value]
    return ["json", json.dumps(value, sort_keys=True, default=str)]


def fingerprint(stage_id, team_id, submit: bool, scores, base_version, comment=None) -> str:
    """A hash of what a write request carries: stage, team, draft or submit, the scores
    (canonical: a criterion sent as null is one not sent), the comment (评语) when one is
    sent, and for a draft its base version.

    A submission ignores base_version (only a draft is checked against it), so a resent
    submission that differs there alone is still the same request. A comment is compared
    as the sheet keeps it (trimmed); a request without one hashes as it did before
    comments were part of the hash, so a key stored by the previous version still matches.
    """
    if isinstance(scores, dict):
        canonical = {str(k): _canonical_value(v) for k, v in scores.items() if v is not None}
    else:
        canonical = ["json", json.dumps(scores, sort_keys=True, default=str)]
    carried = [stage_id, team_id, "submit" if submit else "draft", canonical,
               None if submit else base_version]
    if comment is not None:
        carried.append(["comment", comment.strip() if isinstance(comment, str)
                        else ["json", json.dumps(comment, sort_keys=True, default=str)]])
    text = json.dumps(carried, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def replay(judge_id, key: str, request_print: str | None = None):
    """The stored (status, body) for a key this judge already used with this request, a 409
    refusal for a key used by another judge or for another request, or None if it is new."""
    # A locking read: on MariaDB a plain read could see a snapshot older than the lock.
    # Plain columns, not an ORM object: always what the database holds now.
    row = db.session.connection().execute(_STORED_KEY, {"key": key}).first()
    if row is None:
        return None
    if row.judge_id != judge_id:
        return 409, {"ok": False, "error": _("This request key was already used."),
                     "errors": {}}
    stored = json.loads(row.response_json)
    # Keys stored before fingerprints were kept carry none: their answer is replayed.
    if request_print is not None and stored.get("request") not in (None, request_print):
        return 409, {"ok": False, "errors": {}, "error": _(
            "This request key was already used for a different request (another sheet, "
            "other scores, or a draft instead of a submission); nothing was saved. Reload "
            "the page and enter the sheet again.")}
    body = stored["body"]
    body["replayed"] = True
    return stored["status"], body


def remember(judge_id, key: str, sheet, status: int, body: dict,
             request_print: str | None = None) -> None:
    """Keep the answer to key, so a retry of the same request gets it again and writes nothing."""
    # Executed at once: a concurrent request with the same key fails here on the unique
    # constraint (IntegrityError), is retried and then finds this answer.
    stored = {"status": status, "body": body}
    if request_print is not None:
        stored["request"] = request_print
    db.session.connection().execute(_INSERT_KEY, {
        "key": key, "judge_id": judge_id, "sheet_id": sheet.id if sheet is not None else None,
        "response_json": json.dumps(stored)})


def run_idempotent(judge, key: str, action, request_print=None, attempts: int = 6):
    """Run action() -> (status, body, sheet) once per key, committing; returns (status, body).

    A retried key gets the stored answer (if request_print, the request's fingerprint,
    matches). request_print may also be a function returning it, called after the lock
    and before the key is looked up (it may read the rows the write names, and raise
    SheetRefused). The competition lock is the transaction's first statement
    (fresh=True), so action() must check its guards on rows read after it
    (sheet_access.write_target), never on objects loaded before. A conflict with a
    concurrent request rolls the whole transaction back and runs again from a fresh
    read, so nothing is half-done.
    """
    # Plain values: the lock may end the transaction and expire the judge object.
    judge_id, competition_id = judge.id, judge.competition_id
    for attempt in range(attempts):
        try:
            lock_competition(competition_id, fresh=True)
            fingerprint_now = request_print() if callable(request_print) else request_print
            stored = replay(judge_id, key, fingerprint_now)
            if stored is not None:
                db.session.rollback()
                return stored
            status, body, sheet = action()
            remember(judge_id, key, sheet, status, body, fingerprint_now)
            db.session.commit()
            return status, body
        except SheetRefused as e:
            db.session.rollback()
            return e.status, e.body()
        except (IntegrityError, OperationalError) as e:
            db.session.rollback()
            if not retryable(e) or attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
    raise RuntimeError("unreachable")
