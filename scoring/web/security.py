"""Who is asking: organizer accounts (Flask-Login), judges (private link), security headers."""
import hashlib
import hmac
from functools import cache, wraps

from flask import abort, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager

from ..extensions import db, login

SESSION_JUDGE = "judge"


@login.user_loader
def _load_user(user_id: str):
    """Load an organizer account from its session id ("user:N")."""
    from ..models import User

    kind, _, raw = user_id.partition(":")
    if kind != "user" or not raw.isdigit():
        return None
    user = db.session.get(User, int(raw))
    return user if user is not None and user.active else None


def token_tag(token: str) -> str:
    """A short hash of a judge's token kept in the session: a new link ends old sessions."""
    return hashlib.sha256(token.encode()).hexdigest()[:24]


def find_judge_by_link(link: str):
    """The judge whose private link part is link ("<id>.<secret>"), compared in constant time."""
    from ..models import Judge

    raw_id, _, secret = (link or "").partition(".")
    if not raw_id.isdigit() or not secret:
        return None
    judge = db.session.get(Judge, int(raw_id))
    if judge is None or judge.competition.archived:
        return None
    if not hmac.compare_digest(judge.token.encode(), secret.encode()):
        return None
    return judge


def login_judge(judge) -> None:
    """Start a day-long judge session (never mixed with an organizer session)."""
    session.clear()
    session.permanent = True
    session[SESSION_JUDGE] = {"id": judge.id, "tag": token_tag(judge.token)}


@cache
def _judge_with_competition():
    """SELECT of a judge by id with its competition (one statement), built once."""
    from ..models import Competition, Judge

    return (select(Judge).join(Competition, Competition.id == Judge.competition_id)
            .options(contains_eager(Judge.competition))
            .where(Judge.id == bindparam("judge_id")))


def current_judge():
    """The judge of this session, or None if there is none or their link was regenerated."""
    if "current_judge" in g:
        return g.current_judge
    judge = None
    data = session.get(SESSION_JUDGE)
    if isinstance(data, dict) and isinstance(data.get("id"), int):
        # The judge and its competition (for `archived`) in one query, not two.
        candidate = db.session.scalars(_judge_with_competition(),
                                       {"judge_id": data["id"]}).first()
        if candidate is not None and hmac.compare_digest(
            token_tag(candidate.token), str(data.get("tag", ""))
        ) and not candidate.competition.archived:
            judge = candidate
    g.current_judge = judge
    return judge


def judge_required(view):
    """Only a logged-in judge; others get 403 (a judge never sees an organizer page)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_judge() is None:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _no_judges(view):
    """A judge's tablet never sees an organizer page, not even the login form: 403."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated and current_judge() is not None:
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

    return _no_judges(wrapped)


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _https(app) -> bool:
    """Whether this request came over HTTPS (SCORING_HTTPS says it always does)."""
    return bool(app.config.get("SCORING_HTTPS")) or request.is_secure


class _SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or _https(app)


def _headers(response):
    """Security headers on every response (no inline script, no framing, no sniffing)."""
    from flask import current_app

    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if _https(current_app):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
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
