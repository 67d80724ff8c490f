"""Organizer accounts: add, change role, deactivate, reset password (admins only)."""
from ..extensions import db
from ..models import User
from ..rules.errors import N_
from ..rules.text import key_form, same_name_in
from ..web import sessions as login_sessions
from . import throttle
from .audit import record
from .setup_base import SetupError, check_text

MIN_PASSWORD = 8
ROLES = ("admin", "staff")


def _check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise SetupError(N_("The password needs at least %(min)s characters."),
                         {"min": MIN_PASSWORD}, "password")
    if len(password) > 200:
        raise SetupError(N_("longer than %(limit)s characters"), {"limit": 200}, "password")
    return password


def _active_admins() -> int:
    """How many active admins there are, counted on their rows locked for this transaction.

    Two admins demoting (or deactivating) each other at the same moment each counted two
    admins before either committed, and both went through: no admin was left. With the
    rows locked, the second waits for the first to commit and then counts what is left
    (PostgreSQL re-reads a locked row that changed; MariaDB's locking read is the newest
    row; SQLite holds the database from the first read anyway).
    """
    return len(db.session.scalars(db.select(User.id).filter_by(role="admin", active=True)
                                  .order_by(User.id).with_for_update()).all())


def queue_for_new_names() -> None:
    """Take the lock two forms naming something new for the whole site (an account, a
    competition) queue on when sent at once: the active admins' rows. A name check read
    after it with a locking read then sees a name the other form committed."""
    _active_admins()


def create_user(username: str, name: str, role: str, password: str) -> User:
    """A new organizer account."""
    username = check_text(username, "username", 64)
    if any(ch.isspace() for ch in username):
        raise SetupError(N_("A username has no spaces."), {}, "username")
    name = check_text(name, "name", 100, required=False)
    if role not in ROLES:
        raise SetupError(N_('"%(value)s" is not one of %(choices)s'),
                         {"value": role, "choices": ", ".join(ROLES)}, "role")
    # "ａｄｍｉｎ" in full width or "Admin" would read as the admin in the audit log.
    username = key_form(username)
    # Accounts belong to no competition: queue as a new competition does; the names are
    # then read with a locking read (the newest, also on MariaDB), so a clash is answered
    # on the field, not by the unique constraint.
    queue_for_new_names()
    if same_name_in(username, db.session.scalars(
            db.select(User.username).with_for_update())) is not None:
        raise SetupError(N_('The username "%(username)s" is taken.'), {"username": username},
                         "username")
    user = User(username=username, name=name or username, role=role)
    user.set_password(_check_password(password))
    db.session.add(user)
    db.session.flush()
    record("user.create", obj=user, summary=f"{username} ({role})",
           after={"username": username, "role": role})
    return user


def change_role(user, role: str, acting, keep: str | None = None) -> None:
    """Make a user admin or staff; the last active admin stays admin.

    A demotion ends the account's sessions (but keep, the acting admin's own): rights are
    read on every request anyway, and the person logs in again as staff.
    """
    if role not in ROLES:
        raise SetupError(N_('"%(value)s" is not one of %(choices)s'),
                         {"value": role, "choices": ", ".join(ROLES)}, "role")
    admins = _active_admins()  # locks the admins' rows first: see there
    db.session.refresh(user)
    if user.role == role:
        return
    if user.role == "admin" and user.active and admins <= 1:
        raise SetupError(N_("%(username)s is the last admin: make another admin first."),
                         {"username": user.username})
    before = user.role
    user.role = role
    if before == "admin":
        login_sessions.end_user_sessions(user.id, "role", keep=keep)
    record("user.role", obj=user, summary=user.username, before={"role": before},
           after={"role": role})
    db.session.flush()


def set_active(user, active: bool, acting) -> None:
    """Deactivate (cannot log in any more) or reactivate an account; never oneself."""
    admins = _active_admins()  # locks the admins' rows first: see there
    db.session.refresh(user)
    if user.active == active:
        return
    if not active:
        if user.id == acting.id:
            raise SetupError(N_("You cannot deactivate your own account."))
        if user.role == "admin" and admins <= 1:
            raise SetupError(N_("%(username)s is the last admin: make another admin first."),
                             {"username": user.username})
    user.active = active
    if not active:
        login_sessions.end_user_sessions(user.id, "deactivated")
    record("user.activate" if active else "user.deactivate", obj=user, summary=user.username,
           before={"active": not active}, after={"active": active})
    db.session.flush()


def reset_password(user, password: str, keep: str | None = None) -> None:
    """Set a new password: the old one and every session of the account stop working.

    keep is the session making the change when an admin resets their own password.
    """
    user.set_password(_check_password(password))
    login_sessions.end_user_sessions(user.id, "password", keep=keep)
    throttle.clear_for_recovery(user.username)
    record("user.password", obj=user, summary=user.username)
    db.session.flush()
