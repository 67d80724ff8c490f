"""Recording changes in the audit log, in the same transaction as the change."""
import json
from decimal import Decimal

from flask import has_request_context
from sqlalchemy import bindparam, update

from ..extensions import db
from ..models import AuditEntry, Competition

# Built once (a statement's construction costs more than running it on SQLite).
_INSERT_ENTRY = AuditEntry.__table__.insert()
_BUMP_LIVE = (update(Competition.__table__)
              .where(Competition.__table__.c.id == bindparam("cid"))
              .values(live_version=Competition.__table__.c.live_version + 1))


def current_actor() -> str:
    """Who is acting: "user:NAME" for an organizer, "judge:KEY" for a judge, else "cli"."""
    if not has_request_context():
        return "cli"
    from flask_login import current_user

    from ..web.security import judge_identity

    if current_user.is_authenticated:
        return f"user:{current_user.username}"
    judge = judge_identity()
    if judge is not None:
        return f"judge:{judge.key}"
    return "anonymous"


def _dump(value) -> str:
    """JSON for before/after values; Decimals as strings so nothing is rounded."""
    if value is None or value == "":
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True,
                      default=lambda v: str(v) if isinstance(v, Decimal) else repr(v))


def _entry(action, competition, obj, summary, before, after, reason, actor) -> dict:
    """The columns of one audit entry (the time is the column default)."""
    return {
        "actor": actor or current_actor(),
        "competition_id": getattr(competition, "id", competition),
        "action": action,
        "object_type": type(obj).__name__.lower() if obj is not None else "",
        "object_id": getattr(obj, "id", None),
        "summary": summary,
        "before_json": _dump(before),
        "after_json": _dump(after),
        "reason": reason or "",
    }


def record(action: str, *, competition=None, obj=None, summary: str = "", before=None,
           after=None, reason: str = "", actor: str | None = None) -> AuditEntry:
    """Add an audit entry for a change (flushed with it; committed with the request)."""
    entry = AuditEntry(**_entry(action, competition, obj, summary, before, after, reason,
                                actor))
    db.session.add(entry)
    return entry


def record_now(action: str, *, competition=None, obj=None, summary: str = "", before=None,
               after=None, reason: str = "", actor: str | None = None) -> None:
    """The same entry as record(), inserted at once in the request's transaction.

    For hot paths (a judge's submission): a plain INSERT, no ORM object to flush. obj
    must already have its id (flushed), since the entry is written now.
    """
    db.session.connection().execute(
        _INSERT_ENTRY, _entry(action, competition, obj, summary, before, after, reason, actor))


def bump_live(competition) -> None:
    """Advance the competition's live version so every board and projector refreshes.

    Done as one UPDATE ... SET v = v + 1, atomic on every database, so no increment is
    lost when several workers write at once.
    """
    cid = getattr(competition, "id", competition)
    # Pending ORM changes go first, as the ORM UPDATE's autoflush did (same row lock order);
    # then the plain UPDATE (loaded Competition objects are not refreshed, as before).
    db.session.flush()
    db.session.connection().execute(_BUMP_LIVE, {"cid": cid})
