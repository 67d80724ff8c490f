"""Idempotent sheet writes: a request key answered once, retried on a conflict.

A tablet resends a sheet until it hears back; the key it sends makes the second copy
receive the first answer and write nothing (SubmissionKey rows, unique by key).
"""
import json
import random
import re
import time

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError, OperationalError

from ..extensions import db
from ..models import SubmissionKey
from .sheet_reads import SheetRefused
from .sheets import lock_competition

_KEY = re.compile(r"[A-Za-z0-9_-]{8,80}")

_STORED_KEY = (select(SubmissionKey.judge_id, SubmissionKey.response_json)
               .where(SubmissionKey.key == bindparam("key")).with_for_update())
_INSERT_KEY = SubmissionKey.__table__.insert()


def valid_key(key) -> bool:
    """An idempotency key is 8-80 letters, digits, '-' or '_' (a UUID is)."""
    return isinstance(key, str) and bool(_KEY.fullmatch(key))


def replay(judge, key: str):
    """The stored (status, body) for a key this judge already used, or None if it is new."""
    # A locking read: on MariaDB a plain read could see a snapshot older than the lock.
    # Plain columns, not an ORM object: always what the database holds now.
    row = db.session.connection().execute(_STORED_KEY, {"key": key}).first()
    if row is None:
        return None
    if row.judge_id != judge.id:
        return 409, {"ok": False, "error": _("This request key was already used.")}
    stored = json.loads(row.response_json)
    body = stored["body"]
    body["replayed"] = True
    return stored["status"], body


def remember(judge, key: str, sheet, status: int, body: dict) -> None:
    """Keep the answer to key, so a retry of the same request gets it again and writes nothing."""
    # Executed at once: a concurrent request with the same key fails here on the unique
    # constraint (IntegrityError), is retried and then finds this answer.
    db.session.connection().execute(_INSERT_KEY, {
        "key": key, "judge_id": judge.id, "sheet_id": sheet.id if sheet is not None else None,
        "response_json": json.dumps({"status": status, "body": body})})


def retryable(exc) -> bool:
    """A conflict another transaction caused: a unique clash, a deadlock, a lock wait."""
    if isinstance(exc, IntegrityError):
        return True
    if isinstance(exc, OperationalError):
        orig = getattr(exc, "orig", None)
        code = orig.args[0] if orig is not None and getattr(orig, "args", None) else None
        state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
        return code in (1205, 1213) or state in ("40001", "40P01") or \
            "database is locked" in str(orig)
    return False


def run_idempotent(judge, key: str, action, attempts: int = 6):
    """Run action() -> (status, body, sheet) once per key, committing; returns (status, body).

    A retried key gets the stored answer. A conflict with a concurrent request rolls the
    whole transaction back and runs again from a fresh read, so nothing is half-done.
    """
    for attempt in range(attempts):
        try:
            lock_competition(judge.competition_id)
            stored = replay(judge, key)
            if stored is not None:
                db.session.rollback()
                return stored
            status, body, sheet = action()
            remember(judge, key, sheet, status, body)
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
