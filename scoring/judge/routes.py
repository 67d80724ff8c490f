"""Judge login by private link; the judge's home, score sheets and offline service worker."""
import json
import re

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from ..extensions import db
from ..models import Stage, Team
from ..operations import sheet_access, sheet_reads
from ..rules import N_
from ..web.security import (
    current_judge,
    find_judge_by_link,
    judge_required,
    login_judge,
    logout_judge,
)
from . import bp
from .materials import material_config, material_i18n
from .stage_data import home_rows, open_stages, stage_payload, teams_in_draw_order  # noqa: F401

STATUS_LABELS = {
    "not_started": N_("Not started"), "draft": N_("Draft"), "submitted": N_("Submitted"),
    "recused": N_("Recused"), "withdrawn": N_("Withdrawn"), "absent": N_("Absent"),
}


@bp.route("/j/<link>")
def enter(link):
    """Log a judge in from their private link or QR code: no password to type."""
    judge = find_judge_by_link(link)
    if judge is None:
        abort(404)
    login_judge(judge)
    db.session.commit()
    return redirect(url_for("judge.home"))


@bp.route("/judge/logout", methods=["POST"])
def logout():
    """End this tablet's judge session (a shared tablet); it then shows how to log in."""
    logout_judge()
    db.session.commit()
    flash(_("You are logged out. To score again, scan the QR code on your judge card "
            "or open your private link."), "info")
    return redirect(url_for("public.index"))


def _i18n() -> dict:
    """Strings judge.js shows, translated here (the script itself holds no text)."""
    return {
        "sent": _("All scores are sent."),
        "saving": _("Saved on this tablet; sending…"),
        "waiting": _("Saved on this tablet; waiting for network…"),
        "refused": _("Not accepted: %(message)s"),
        "empty": _("Enter a score"),
        "nan": _("%(value)s is not a number"),
        "below": _("%(value)s is below the minimum 0"),
        "above": _("%(value)s is above the maximum %(max)s"),
        "step": _("%(value)s is not a multiple of the step %(step)s"),
        "missing": _("Some criteria are not scored yet."),
        "fix": _("Correct the marked scores first."),
        "submitted_local": _("Submitted on this tablet; it will be sent when the network is back."),
        "submitted_at": _("Submitted at %(time)s"),
        "status": {k: _(v) for k, v in STATUS_LABELS.items()},
        "pending": _("Waiting to send"),
        "online": _("Online"),
        "offline": _("No network: scoring continues on this tablet"),
        "queued": _("%(n)s sheet(s) waiting to be sent"),
        "max_step": _("Maximum %(max)s, step %(step)s"),
        "not_scored": _("not scored"),
        "clear": _("Clear"), "less": _("Less"), "more": _("More"),
        "confirm_title": _("Submit the sheet of %(team)s?"),
        "comment_required": _("This stage requires a comment on every sheet: write one "
                              "before submitting."),
        "comment_long": _("The comment is %(n)s characters long; at most %(limit)s are kept."),
        "comment_bad": _("The comment holds an invisible control character: remove it."),
        "reopened": _("The organizer reopened the sheet of %(team)s: you can correct it now."),
        "reopened_reason": _("The organizer reopened the sheet of %(team)s (reason: "
                             "%(reason)s); you can correct it now."),
        "reopen_reason": _("The organizer reopened this sheet: %(reason)s"),
        "reopen_no_reason": _("The organizer reopened this sheet."),
        "announce_submitted": _("Sheet of %(team)s submitted, total %(total)s. %(status)s"),
        "withdrawn": _("The team %(team)s has withdrawn; it is not scored."),
        "absent": _("You are marked absent for this stage; ask the organizer."),
        "recused": _("You do not score the team %(team)s (recusal)."),
        "presenting": _("Presenting now: %(team)s"),
        "next": _("Next team: %(team)s ›"),
        "all_done": _("Every team of this stage is submitted."),
        "stay_offline": _("No network: this page stays open, and scoring goes on here. "
                          "Changing the language or leaving this page needs the network; "
                          "try again when it is back."),
        "logout_offline": _("No network: you cannot log out now. Your scores stay on this "
                            "tablet and are sent when the network is back; log out then."),
    }


def _config(judge, **extra) -> dict:
    config = {"judge": judge.id, "i18n": _i18n(), "sw": url_for("judge.service_worker"),
              "home": url_for("judge.home"), "state": url_for("judge.api_state")}
    config.update(extra)
    return config


def _stage_page(judge, initial=None):
    """The stage page: every open stage loaded at once; list and sheets are views in it."""
    stages = home_rows(judge, with_sheets=True)
    version = judge.competition.live_version
    config = _config(judge, page="stages", version=version, stages=stage_payload(stages),
                     initial=initial, csrf_header="X-CSRFToken",
                     api=url_for("judge.api_sheet", stage_key="STAGE", team_key="TEAM"),
                     comment_limit=sheet_reads.COMMENT_LIMIT,
                     materials=material_config(stages))
    if config["materials"]["teams"]:
        config["i18n"].update(material_i18n())
    return render_template("judge/home.html", judge=judge, stages=stages,
                           labels=STATUS_LABELS, config_json=_data_block(config),
                           has_materials=bool(config["materials"]["teams"]))


def _data_block(value) -> Markup:
    """JSON for a <script type="application/json"> block, Chinese kept as UTF-8.

    Flask's tojson writes every Chinese character as a six-byte \\uXXXX escape, which
    made the page a third larger; only what could end the block or start markup is escaped.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    # A lone surrogate (a row older than the input checks) cannot be sent as UTF-8.
    text = re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text)
    return Markup(text)


@bp.route("/judge/")
@judge_required
def home():
    """The judge's stage page: open stages, teams in draw order, each sheet's status, and
    every sheet of them, scored inside the page (no request needed to move between teams)."""
    return _stage_page(current_judge())


@bp.route("/judge/s/<stage_key>/<team_key>")
@judge_required
def sheet(stage_key, team_key):
    """The stage page opened on one team's score sheet (the old per-team address)."""
    judge = current_judge()
    stage = db.session.scalars(select(Stage).filter_by(
        competition_id=judge.competition_id, key=stage_key)).first()
    team = db.session.scalars(select(Team).filter_by(
        competition_id=judge.competition_id, key=team_key)).first()
    if stage is None or team is None:
        abort(404)
    try:
        sheet_access.check_judge_access(judge, stage, team, write=False)
    except sheet_reads.SheetRefused as e:
        return render_template("errors/error.html", status=e.status, title=_("Not allowed"),
                               message=e.message), e.status
    return _stage_page(judge, initial={"stage": stage.key, "team": team.key})


@bp.route("/judge/sw.js")
def service_worker():
    """The service worker that keeps judge pages usable offline (scope /judge/)."""
    assets = [url_for("static", filename=f) for f in
              ("css/app.css", "css/judge.css", "css/materials.css", "js/app.js", "js/judge.js",
               "js/materials.js", "favicon.svg")]
    body = render_template("judge/sw.js", assets=assets, home=url_for("judge.home"),
                           logout=url_for("judge.logout"),
                           version=current_app.config.get("SCORING_SW_VERSION", "1"))
    response = make_response(body)
    response.headers["Content-Type"] = "application/javascript; charset=utf-8"
    response.headers["Service-Worker-Allowed"] = "/judge/"
    response.headers["Cache-Control"] = "no-cache"
    return response
