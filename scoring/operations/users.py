"""Organizer accounts: `scoring create-admin`, and checking a password at login."""
from functools import cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import User
from ..web import sessions as login_sessions
from . import throttle
from .audit import record


def upsert_user(username: str, password: str, *, name: str = "", role: str = "admin") -> bool:
    """Create the account or reset its password and role; True when it was created.

    A reset ends every session of the account and frees its throttle slots on the laptop
    (this is how an organizer who locked themselves out gets back in).
    """
    user = db.session.scalar(db.select(User).filter_by(username=username))
    created = user is None
    if created:
        user = User(username=username, name=name or username, role=role)
        db.session.add(user)
    else:
        user.role = role
        user.active = True
        if name:
            user.name = name
    user.set_password(password)
    db.session.flush()
    if not created:
        login_sessions.end_user_sessions(user.id, "password")
        throttle.clear_for_recovery(username)
    record("user.create" if created else "user.reset", obj=user,
           summary=f"{username} ({role})", after={"username": username, "role": role})
    return created


@cache
def _no_such_hash(method: str) -> str:
    """A hash to check a password against when the username does not exist.

    Made with the method the accounts' hashes are made with, so it costs the same.
    """
    return generate_password_hash("no such account", method=method)


def check_login(username: str, password: str):
    """The id of the active account username whose password this is, else None.

    One hash is always computed, so an unknown name takes as long as a wrong password
    (no guessing which names exist by timing).
    """
    row = db.session.execute(db.select(User.id, User.password_hash, User.active)
                             .where(User.username == username)).first()
    # The slow hash runs outside any transaction: on SQLite an open one holds the write
    # lock (BEGIN IMMEDIATE) and would stall the judges' submissions meanwhile.
    db.session.rollback()
    if row is None:
        check_password_hash(_no_such_hash(current_app.config["PASSWORD_HASH_METHOD"]),
                            password)
        return None
    if check_password_hash(row.password_hash, password) and row.active:
        return row.id
    return None
