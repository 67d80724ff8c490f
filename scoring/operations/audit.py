"""Recording changes in the audit log, in the same transaction as the change."""
import json
from decimal import Decimal

from flask import has_request_context

from ..extensions import db
from ..models import AuditEntry


def current_actor() -> str:
    """Who is acting: "user:NAME" for an organizer, "judge:KEY" for a judge, else "cli"."""
    if not has_request_context():
        return "cli"
    from flask_login import current_user

    from ..security import current_judge

    if current_user.is_authenticated:
        return f"user:{current_user.username}"
    judge = current_judge()
    if judge is not None:
        return f"judge:{judge.key}"
    return "anonymous"


def _dump(value) -> str:
    """JSON for before/after values; Decimals as strings so nothing is rounded."""
    if value is None or value == "":
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True,
                      default=lambda v: str(v) if isinstance(v, Decimal) else repr(v))


def record(action: str, *, competition=None, obj=None, summary: str = "", before=None,
           after=None, reason: str = "", actor: str | None = None) -> AuditEntry:
    """Add an audit entry for a change (flushed with it; committed with the request)."""
    entry = AuditEntry(
        actor=actor or current_actor(),
        competition_id=getattr(competition, "id", competition),
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "id", None),
        summary=summary,
        before_json=_dump(before),
        after_json=_dump(after),
        reason=reason or "",
    )
    db.session.add(entry)
    return entry


def bump_live(competition) -> None:
    """Advance the competition's live version so every board and projector refreshes.

    Done as one UPDATE ... SET v = v + 1, atomic on every database, so no increment is
    lost when several workers write at once.
    """
    from ..models import Competition

    cid = getattr(competition, "id", competition)
    db.session.execute(
        db.update(Competition).where(Competition.id == cid)
        .values(live_version=Competition.live_version + 1)
        .execution_options(synchronize_session=False)
    )
