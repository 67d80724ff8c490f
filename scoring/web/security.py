"""Who is asking: organizer accounts (Flask-Login), judges (private link), security headers.

Both kinds of login are server-side sessions (operations/login_sessions.py): the signed
cookie holds a random secret under "sid", and every request that uses the session checks
its row, so logout, a password reset, a deactivation, a demotion or a regenerated judge
link refuses a cookie copied before. Flask-Login's "remember me" cookie is never set,
and one sent anyway logs nobody in: the user loader wants a live session row too.
"""
import hashlib
import hmac
import logging
from functools import cache, wraps
from typing import NamedTuple

from flask import abort, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import bindparam, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from ..extensions import db, login
from ..rules import parse_id
from . import sessions as login_sessions

SESSION_JUDGE = "judge"
SESSION_ID = "sid"

log = logging.getLogger(__name__)


def current_session_id():
    """The row id of this request's login session (from the cookie's secret), or None."""
    secret = session.get(SESSION_ID)
    if not isinstance(secret, str) or not secret or len(secret) > 100:
        return None
    return login_sessions.session_id(secret)


def _end_current(reason: str) -> None:
    """End the session this cookie held, if any (a new login replaces it)."""
    row_id = current_session_id()
    if row_id is not None:
        login_sessions.end_session(row_id, reason)


def _alive(kind, row_id, created_at, last_seen_at) -> bool:
    """Within its lifetimes; plans the write of last_seen_at for after the response."""
    if not login_sessions.is_alive(kind, created_at, last_seen_at):
        return False
    if login_sessions.needs_touch(last_seen_at):
        g.session_touch = row_id
    return True


@cache
def _user_with_session():
    """SELECT of an account with its live session row (one statement), built once."""
    from ..models import LoginSession, User

    return (select(User, LoginSession.created_at, LoginSession.last_seen_at)
            .join(LoginSession, LoginSession.user_id == User.id)
            .where(User.id == bindparam("user_id"), LoginSession.id == bindparam("sid"),
                   LoginSession.kind == "user", LoginSession.ended_at.is_(None)))


@login.user_loader
def _load_user(user_id: str):
    """Load an organizer account from its session id ("user:N") and its session row."""
    kind, _, raw = user_id.partition(":")
    row_id = current_session_id()
    user_id = parse_id(raw)
    if kind != "user" or user_id is None or row_id is None:
        return None
    row = db.session.execute(_user_with_session(),
                             {"user_id": user_id, "sid": row_id}).first()
    if row is None:
        return None
    user, created_at, last_seen_at = row
    if not user.active or not _alive("user", row_id, created_at, last_seen_at):
        return None
    return user


def _fresh_session() -> None:
    """Empty the cookie for a new login (no fixation), keeping only the chosen language:
    a person who switched to English before logging in stays in English."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def login_organizer(user) -> None:
    """Start an organizer session: a fresh cookie (no fixation, no leftover judge login)."""
    login_sessions.forget_old()
    _end_current("replaced")
    _fresh_session()
    session[SESSION_ID] = login_sessions.start_session("user", user.id)
    login_user(user)


def logout_organizer() -> None:
    """End this organizer session on the server and in the cookie."""
    row_id = current_session_id()
    if row_id is not None and session.get("_user_id"):
        login_sessions.end_session(row_id, "logout")
    logout_user()
    session.pop(SESSION_ID, None)


def token_tag(token: str) -> str:
    """A short hash of a judge's token kept in the session: a new link ends old sessions."""
    return hashlib.sha256(token.encode()).hexdigest()[:24]


def find_judge_by_link(link: str):
    """The judge whose private link part is link ("<id>.<secret>"), compared in constant time."""
    from ..models import Judge

    raw_id, _, secret = (link or "").partition(".")
    judge_id = parse_id(raw_id)
    if judge_id is None or not secret:
        return None
    judge = db.session.get(Judge, judge_id)
    if judge is None or judge.competition.archived:
        return None
    if not hmac.compare_digest(judge.token.encode(), secret.encode()):
        return None
    return judge


def login_judge(judge) -> None:
    """Start a day-long judge session (never mixed with an organizer session)."""
    _end_current("replaced")
    _fresh_session()
    session.permanent = True
    session[SESSION_ID] = login_sessions.start_session("judge", judge.id)
    session[SESSION_JUDGE] = {"id": judge.id, "tag": token_tag(judge.token)}


def logout_judge() -> None:
    """End this tablet's judge session on the server and in the cookie (not the language)."""
    row_id = current_session_id()
    if row_id is not None and SESSION_JUDGE in session:
        login_sessions.end_session(row_id, "logout")
        session.pop(SESSION_ID, None)
    session.pop(SESSION_JUDGE, None)
    g.pop("current_judge", None)
    g.pop("judge_identity", None)


class JudgeIdentity(NamedTuple):
    """Who a judge's request comes from, as plain values checked against the database."""

    id: int
    key: str
    competition_id: int


@cache
def _judge_session_row():
    """SELECT of a judge's key, token and competition state with its live session row, as
    plain columns (one statement, built once): the check every judge request makes."""
    from ..models import Competition, Judge, LoginSession

    return (select(Judge.id, Judge.key, Judge.token, Judge.competition_id,
                   Competition.archived, LoginSession.created_at, LoginSession.last_seen_at)
            .join(Competition, Competition.id == Judge.competition_id)
            .join(LoginSession, LoginSession.judge_id == Judge.id)
            .where(Judge.id == bindparam("judge_id"), LoginSession.id == bindparam("sid"),
                   LoginSession.kind == "judge", LoginSession.ended_at.is_(None)))


def judge_identity():
    """The judge of this session as a JudgeIdentity, or None: no session, ended, expired,
    the competition archived, or the link regenerated.

    Plain columns, no ORM object: the judge API and the state poll, which tablets send
    every few seconds, need only these; a page asks current_judge() for the Judge.
    """
    if "judge_identity" in g:
        return g.judge_identity
    identity = None
    data = session.get(SESSION_JUDGE)
    row_id = current_session_id()
    if isinstance(data, dict) and isinstance(data.get("id"), int) and row_id is not None:
        row = db.session.connection().execute(
            _judge_session_row(), {"judge_id": data["id"], "sid": row_id}).first()
        if row is not None and hmac.compare_digest(token_tag(row.token),
                                                   str(data.get("tag", ""))) \
                and not row.archived \
                and _alive("judge", row_id, row.created_at, row.last_seen_at):
            identity = JudgeIdentity(row.id, row.key, row.competition_id)
    g.judge_identity = identity
    return identity


@cache
def _judge_with_competition():
    """SELECT of a judge with its competition (one statement), built once."""
    from ..models import Judge

    return select(Judge).options(joinedload(Judge.competition)).where(
        Judge.id == bindparam("judge_id"))


def current_judge():
    """The Judge of this session (with its competition loaded), or None (judge_identity)."""
    if "current_judge" in g:
        return g.current_judge
    identity = judge_identity()
    judge = None
    if identity is not None:
        judge = db.session.scalars(_judge_with_competition(),
                                   {"judge_id": identity.id}).first()
    g.current_judge = judge
    return judge


def _touch_session(response):
    """Write last_seen_at of this request's session when due, after the view is done.

    What the view did not commit is rolled back first (the end of the request would drop
    it anyway), so the touch never commits half of a failed request.
    """
    row_id = g.pop("session_touch", None)
    if row_id is None:
        return response
    try:
        db.session.rollback()
        login_sessions.touch(row_id)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("could not note the use of a login session", exc_info=True)
    return response


def judge_required(view):
    """Only a logged-in judge; others get 403 saying to scan the judge card again
    (errors.judge_login_needed); a judge never sees an organizer page."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if judge_identity() is None:
            from .errors import judge_login_needed

            return judge_login_needed()
        return view(*args, **kwargs)

    return wrapped


def _no_judges(view):
    """A judge's tablet never sees an organizer page, not even the login form: 403."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated and judge_identity() is not None:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def staff_required(view):
    """Any organizer account, admin or staff."""
    return _no_judges(login_required(view))


def admin_required(view):
    """Admin accounts only: staff can enter paper sheets and watch, not change the setup."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    guarded = _no_judges(wrapped)
    # Read by checks that run before the view (admin/archived.py): a staff account's
    # request to such a page gets this 403, never another answer first.
    guarded.admin_only = True
    return guarded


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _https(app) -> bool:
    """Whether this request came over HTTPS (SCORING_HTTPS says it always does)."""
    return bool(app.config.get("SCORING_HTTPS")) or request.is_secure


class _SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS; its signer is
    built once per set of keys (Flask builds a new one twice per request)."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or _https(app)

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = getattr(self, "_signer", None)
        if cached is None or cached[0] != keys:
            cached = self._signer = (keys, super().get_signing_serializer(app))
        return cached[1]


SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000")


def _headers(response):
    """Security headers on every response (no inline script, no framing, no sniffing).

    A header the view set itself is kept. One pass over the response's headers instead of
    a lookup per name: a missing name costs Werkzeug an exception, on every request.
    """
    from flask import current_app

    present = {name.lower() for name in response.headers.keys()}
    wanted = SECURITY_HEADERS + (HSTS,) if _https(current_app) else SECURITY_HEADERS
    for name, value in wanted:
        if name.lower() not in present:
            response.headers.add(name, value)
    return response


def init_app(app) -> None:
    """Register the login view, the header hook and the HTTPS-aware session cookie."""
    login.login_view = "admin.login"
    login.login_message = None
    app.session_interface = _SessionInterface()
    if app.config.get("SCORING_HTTPS"):
        # Behind an HTTPS proxy: cookies never travel in clear text, links use https.
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
    app.after_request(_headers)
    app.after_request(_touch_session)
