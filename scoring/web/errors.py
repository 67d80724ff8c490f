"""Error pages (HTML or JSON, translated) and what every template can use.

Two promises live here. No request is answered 5xx for what it carries: addresses,
query strings, headers and cookies with control characters are refused before any view
runs (`_refuse_hostile_request`; PostgreSQL refuses NUL in any text, so such a value must
never reach a query). And the 500/503 pages render even when the database is down:
they never load the user (base.html and the admin menu would), and a failure while
rendering one falls back to a plain page rather than a second exception.
"""
import logging
import re

from flask import g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ..rules.text import bad_character, character_name, clean_text
from .dbconflicts import lock_conflict, write_clash
from .jsonbody import SafeJSONProvider

log = logging.getLogger(__name__)

# Header values may hold tabs (folded whitespace), nothing else below a space.
_HEADER_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


def _wants_json() -> bool:
    """API clients (the judge page's script) get JSON errors, browsers get pages."""
    return request.is_json or request.accept_mimetypes.best == "application/json" or \
        request.path.startswith(("/api/", "/judge/api/"))


def _forget_user() -> None:
    """Make this request anonymous without asking the database (it may be the problem)."""
    from ..extensions import db, login

    try:
        db.session.rollback()
    except Exception:  # a dead connection may fail even to roll back; nothing to keep
        log.warning("rollback failed while answering an error", exc_info=True)
    g._login_user = login.anonymous_user()  # Flask-Login's per-request user
    g.current_judge = None
    g.judge_identity = None


def _plain_page(status: int, title: str, message: str) -> str:
    """The error page without templates: the last resort when rendering one failed."""
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{escape(title)}'
            f'</title></head><body><main><p>{status}</p><h1>{escape(title)}</h1>'
            f'<p>{escape(message)}</p><p><a href="/">{escape(_("Back to the start page"))}'
            '</a></p></main></body></html>')


def _error(status: int, title: str, message: str, safe: bool = False):
    """Render an error page or JSON body in the current language.

    safe=True (500, 503): nothing on the way may touch the database.
    """
    if safe:
        _forget_user()
    if _wants_json():
        return jsonify({"ok": False, "error": message}), status
    try:
        return render_template("errors/error.html", status=status, title=title,
                               message=message), status
    except Exception:
        log.exception("the error page %s could not be rendered", status)
        return _plain_page(status, title, message), status


def judge_login_needed():
    """A judge page or API call without a live judge login (the card's link was renewed,
    the session expired or was ended, or this device never scanned a card): 403 with what
    to do, in the judge's language, not "no access" (which a judge cannot act on). JSON
    carries "login": "ended" so the tablet keeps its unsent scores for after the scan."""
    title = _("Please scan your judge card again")
    message = _("This device is not logged in as a judge (any more): the login ended or "
                "your card's link was renewed. Scan the QR code on your judge card again, "
                "or open your private link; scores not yet sent from this tablet are sent "
                "then.")
    if _wants_json():
        return jsonify({"ok": False, "error": message, "login": "ended"}), 403
    return _error(403, title, message)


def _refuse_hostile_request():
    """Refuse control characters where no page takes them, before any view or query."""
    if bad_character(request.path) is not None:
        return _not_found(None)
    for name, value in request.args.items(multi=True):
        ch = bad_character(name) or bad_character(value)
        if ch is not None:
            return _error(400, _("Bad request"),
                          _("The address holds a character that is not allowed (%(char)s) "
                            "in %(name)s.", char=character_name(ch),
                            name=clean_text(name, multiline=False)))
    for name, value in request.headers.items():
        found = _HEADER_CONTROL.search(value)
        if found:
            return _error(400, _("Bad request"),
                          _("The request holds a character that is not allowed (%(char)s) "
                            "in %(name)s.", char=character_name(found.group()), name=name))
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        # Text fields say which control character is wrong themselves (admin/forms.py);
        # NUL is refused here for every field, those of hand-read forms included.
        fields = list(request.form.items(multi=True))
        fields += [(name, f.filename or "") for name, f in request.files.items(multi=True)]
        for name, value in fields:
            if "\x00" in name or "\x00" in value:
                return _error(400, _("Bad request"),
                              _("The form holds a character that is not allowed (%(char)s) "
                                "in %(name)s.", char="U+0000",
                                name=clean_text(name, multiline=False)))
    return None


def _not_found(exc):
    return _error(404, _("Page not found"), _("There is no page at this address."))


def init_app(app) -> None:
    """Register the error handlers, the hostile-request check and template globals."""
    from flask_babel import get_locale

    from .i18n import select_locale
    from .security import current_judge

    app.json = SafeJSONProvider(app)
    app.before_request(_refuse_hostile_request)
    app.register_error_handler(404, _not_found)

    @app.context_processor
    def _globals():
        code = select_locale()
        return {"languages": app.config["LANGUAGES"], "current_judge": current_judge,
                "get_locale": get_locale, "current_language": code,
                "html_lang": "zh-CN" if code.startswith("zh") else "en"}

    @app.errorhandler(400)
    def _bad_request(exc):
        return _error(400, _("Bad request"), _("The request could not be understood."))

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return _error(400, _("Form expired"),
                      _("The form was sent without a valid security token. "
                        "Reload the page and send it again."))

    @app.errorhandler(403)
    def _forbidden(exc):
        return _error(403, _("Not allowed"), _("You do not have access to this page."))

    @app.errorhandler(405)
    def _method(exc):
        if request.method in ("GET", "HEAD"):
            # The address of a form's answer (a confirmation page), reloaded or reached by
            # the back button: not a question of rights, as "无权访问" told the organizer.
            return _error(405, _("Cannot be opened directly"),
                          _("This address only answers a form sent from its page: it cannot "
                            "be reloaded or opened directly. Go back to that page and send "
                            "the form again if needed."))
        return _error(405, _("Request not accepted"),
                      _("This address does not accept that request."))

    @app.errorhandler(413)
    def _too_large(exc):
        limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return _error(413, _("Too large"),
                      _("What was sent is larger than %(limit)s MB.", limit=limit))

    def _database_unavailable(exc):
        # Connection refused or lost, the pool exhausted: a condition of the server, not
        # a bug; the page says to try again.
        if lock_conflict(exc):
            # Another request held what this one needed (a deadlock, a lock wait run out):
            # the database is fine, and the same request sent again goes through.
            log.warning("conflict with another request on %s: %s", request.path, exc)
            body, status = _error(503, _("Busy with another change"),
                                  _("Another change was being saved at the same moment, so "
                                    "nothing was saved by this request. Please send it "
                                    "again."), safe=True)
            return body, status, {"Retry-After": "1"}
        log.error("database unavailable on %s: %s", request.path, exc)
        body, status = _error(503, _("Database unavailable"),
                              _("The database cannot be reached right now. Nothing was saved "
                                "by this request; please try again in a moment."), safe=True)
        return body, status, {"Retry-After": "5"}

    for kind in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(kind, _database_unavailable)

    @app.errorhandler(IntegrityError)
    def _conflict(exc):
        # Two requests saving the same thing at once (a form sent twice, two organizers):
        # each checked "not there yet" before the other committed, and the database's
        # unique constraint refused the second. Nothing of this request was kept.
        # (or deleted what the row points to: a foreign key). Any other integrity error
        # (NOT NULL, CHECK) is a fault of the code: the 500 page, logged with its traceback.
        if not write_clash(exc):
            return _server_error(exc)
        log.warning("conflicting write on %s: %s", request.path, exc.orig)
        return _error(409, _("Saved at the same moment by another request"),
                      _("The same entry was saved at the same moment by another request "
                        "(was the form sent twice?). Nothing was saved by this one: reload "
                        "the page to see what is there now, then change it if needed."),
                      safe=True)

    @app.errorhandler(500)
    def _server_error(exc):
        log.error("internal error on %s", request.path,
                  exc_info=getattr(exc, "original_exception", None) or exc)
        return _error(500, _("Something went wrong"),
                      _("The error was logged. Nothing was saved by this request; "
                        "please try again."), safe=True)
