"""Home page and language switch."""
from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..web.redirects import safe_next
from ..web.security import judge_identity
from . import bp


@bp.route("/")
def index():
    """Send each audience to its own page."""
    if judge_identity() is not None:
        return redirect(url_for("judge.home"))
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    return render_template("public/index.html")


@bp.route("/lang/<code>")
def set_language(code):
    """Switch the interface language and return to the page the switch was clicked on."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    back = request.args.get("next")
    return redirect(safe_next(back) if back else url_for("public.index"))
