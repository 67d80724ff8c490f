"""Throttling organizer logins: a few failures lock the name (and the address) for a while."""
from datetime import timedelta

from ..extensions import db
from ..models import LoginFailure, utcnow

WINDOW = timedelta(minutes=15)
MAX_PER_USERNAME = 5
MAX_PER_ADDRESS = 20


def _recent(column, value) -> int:
    """Failures for this username or address within the window."""
    since = utcnow() - WINDOW
    return db.session.scalar(
        db.select(db.func.count()).select_from(LoginFailure)
        .where(column == value, LoginFailure.at >= since)
    ) or 0


def is_locked(username: str, address: str) -> bool:
    """True when too many recent failures came for this name or from this address."""
    return (_recent(LoginFailure.username, username[:64]) >= MAX_PER_USERNAME
            or _recent(LoginFailure.address, address[:64]) >= MAX_PER_ADDRESS)


def note_failure(username: str, address: str) -> None:
    """Remember a failed attempt (committed by the request like any write)."""
    db.session.add(LoginFailure(username=username[:64], address=address[:64]))


def clear(username: str) -> None:
    """A successful login forgets that name's failures."""
    db.session.execute(db.delete(LoginFailure).where(LoginFailure.username == username[:64]))
