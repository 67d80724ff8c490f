"""Server-side login sessions (web plumbing): start, check, end (one account's, one judge's, one).

The cookie carries a random secret; the database keeps its SHA-256 as the row id. A
session is alive while it has not been ended and neither lifetime has passed:

- organizers: 2 hours without a request (the live board's polling counts), 12 hours
  from login at most;
- judges: 6 hours without a request (a long lunch break), 18 hours from login at most,
  so a tablet logged in at 7:00 lasts until 1:00 the next night.

These functions flush; the request commits.
"""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from ..extensions import db
from ..models import LoginSession, utcnow

LIFETIMES = {
    # kind: (idle, absolute)
    "user": (timedelta(hours=2), timedelta(hours=12)),
    "judge": (timedelta(hours=6), timedelta(hours=18)),
}
# last_seen_at is written at most this often per session: the idle lifetimes are hours,
# and a write per judge poll (every 2 s) would double the writes of a contest.
TOUCH_EVERY = timedelta(minutes=5)
# Rows of sessions long over are deleted when an organizer logs in (rare, unlike judges).
KEEP_ENDED = timedelta(days=7)


def session_id(secret: str) -> str:
    """The row id of the session whose cookie secret is secret (SHA-256, hex)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def start_session(kind: str, owner_id: int) -> str:
    """A new session of an organizer account ("user") or a judge; returns the cookie secret."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    row = LoginSession(id=session_id(secret), kind=kind, created_at=now, last_seen_at=now)
    if kind == "user":
        row.user_id = owner_id
    else:
        row.judge_id = owner_id
    db.session.add(row)
    db.session.flush()
    return secret


def is_alive(kind: str, created_at, last_seen_at, now=None) -> bool:
    """Whether a session (not ended) is still within its idle and absolute lifetimes."""
    idle, absolute = LIFETIMES[kind]
    now = now or utcnow()
    return now - last_seen_at < idle and now - created_at < absolute


def needs_touch(last_seen_at, now=None) -> bool:
    """Whether last_seen_at is old enough to be written again."""
    return (now or utcnow()) - last_seen_at >= TOUCH_EVERY


def touch(row_id: str) -> None:
    """Note that the session was used now (its idle lifetime starts again)."""
    db.session.execute(update(LoginSession).where(LoginSession.id == row_id)
                       .values(last_seen_at=utcnow()))


def _end(condition, reason: str) -> int:
    result = db.session.execute(
        update(LoginSession).where(condition, LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason))
    return result.rowcount


def end_session(row_id: str, reason: str = "logout") -> int:
    """End one session (logout)."""
    return _end(LoginSession.id == row_id, reason)


def end_user_sessions(user_id: int, reason: str, keep: str | None = None) -> int:
    """End every session of an organizer account, except keep (the one making the change)."""
    condition = LoginSession.user_id == user_id
    if keep is not None:
        condition = condition & (LoginSession.id != keep)
    return _end(condition, reason)


def end_judge_sessions(judge_id: int, reason: str) -> int:
    """End every session of a judge (their link was regenerated)."""
    return _end(LoginSession.judge_id == judge_id, reason)


# At most this many old rows go per login: a login never waits on a long delete.
FORGET_AT_ONCE = 500


def forget_old() -> None:
    """Delete the rows of sessions that ended or expired more than a week ago.

    The rows are found by a plain read and deleted by their ids. A DELETE ... WHERE
    created_at < x scans the whole table (created_at has no index) and, on MariaDB,
    locks every row and gap it scans: two organizers logging in at the same moment then
    each waited for the other's new session row, and one login failed on the deadlock.
    Deleting by primary key locks only the old rows themselves.
    """
    longest = max(absolute for _idle, absolute in LIFETIMES.values())
    cutoff = utcnow() - longest - KEEP_ENDED
    old = db.session.scalars(select(LoginSession.id).where(LoginSession.created_at < cutoff)
                             .order_by(LoginSession.id).limit(FORGET_AT_ONCE)).all()
    if old:
        db.session.execute(delete(LoginSession).where(LoginSession.id.in_(old),
                                                      LoginSession.created_at < cutoff))
