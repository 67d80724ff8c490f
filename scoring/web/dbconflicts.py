"""Which database errors are a conflict with another request, not a fault of the server.

Two requests at the same moment can meet: a deadlock (MariaDB 1213, PostgreSQL 40P01), a
lock wait run out (MariaDB 1205, SQLite "database is locked"), a serialization failure
(40001), or a unique constraint another request satisfied first. Sent again, the request
succeeds: writers retry them (operations/idempotency, operations/throttle), and a request
that meets one unretried is told to send again (web/errors), never that the database is
unreachable.
"""
from sqlalchemy.exc import IntegrityError, OperationalError

_LOCK_CODES = (1205, 1213)  # MariaDB: lock wait timeout, deadlock
_LOCK_STATES = ("40001", "40P01")  # serialization failure, deadlock


def lock_conflict(exc) -> bool:
    """A deadlock, a lock wait run out or a serialization failure (OperationalError)."""
    if not isinstance(exc, OperationalError):
        return False
    orig = getattr(exc, "orig", None)
    code = orig.args[0] if orig is not None and getattr(orig, "args", None) else None
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return code in _LOCK_CODES or state in _LOCK_STATES or "database is locked" in str(orig)


# A unique constraint refused the row (another request saved it first), or a foreign key
# (another request deleted what the row points to): PostgreSQL 23505 / 23503, MariaDB
# 1062 / 1451 / 1452, SQLite's messages.
_CLASH_STATES = ("23505", "23503")
_CLASH_CODES = (1062, 1451, 1452)
_CLASH_MESSAGES = ("UNIQUE constraint failed", "FOREIGN KEY constraint failed")


def write_clash(exc) -> bool:
    """An IntegrityError another request caused (a unique or foreign key constraint), not
    a NOT NULL or CHECK failure, which would be a fault of the code."""
    if not isinstance(exc, IntegrityError):
        return False
    orig = getattr(exc, "orig", None)
    code = orig.args[0] if orig is not None and getattr(orig, "args", None) else None
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return code in _CLASH_CODES or state in _CLASH_STATES or \
        any(m in str(orig) for m in _CLASH_MESSAGES)


def retryable(exc) -> bool:
    """A conflict another transaction caused: a unique clash, a deadlock, a lock wait."""
    return isinstance(exc, IntegrityError) or lock_conflict(exc)
