"""Judge login by private link; the judge's home."""
from flask import abort, redirect, render_template, url_for

from ..security import current_judge, find_judge_by_link, judge_required, login_judge
from . import bp


@bp.route("/j/<link>")
def enter(link):
    """Log a judge in from their private link or QR code: no password to type."""
    judge = find_judge_by_link(link)
    if judge is None:
        abort(404)
    login_judge(judge)
    return redirect(url_for("judge.home"))


@bp.route("/judge/")
@judge_required
def home():
    """The judge's own page."""
    return render_template("judge/home.html", judge=current_judge())
