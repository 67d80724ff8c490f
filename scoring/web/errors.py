"""Error pages (HTML or JSON, translated) and what every template can use."""
import logging

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    """API clients (the judge page's script) get JSON errors, browsers get pages."""
    return request.is_json or request.accept_mimetypes.best == "application/json" or \
        request.path.startswith(("/api/", "/judge/api/"))


def _error(status: int, title: str, message: str):
    """Render an error page or JSON body in the current language."""
    if _wants_json():
        return jsonify({"ok": False, "error": message}), status
    return render_template("errors/error.html", status=status, title=title,
                           message=message), status


def init_app(app) -> None:
    """Register the error handlers and template globals."""
    from flask_babel import get_locale

    from .i18n import select_locale
    from .security import current_judge

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

    @app.errorhandler(404)
    def _not_found(exc):
        return _error(404, _("Page not found"), _("There is no page at this address."))

    @app.errorhandler(405)
    def _method(exc):
        return _error(405, _("Not allowed"), _("This address does not accept that request."))

    @app.errorhandler(413)
    def _too_large(exc):
        limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return _error(413, _("Too large"),
                      _("What was sent is larger than %(limit)s MB.", limit=limit))

    @app.errorhandler(500)
    def _server_error(exc):
        log.exception("internal error on %s", request.path)
        return _error(500, _("Something went wrong"),
                      _("The error was logged. Nothing was saved by this request; "
                        "please try again."))
