"""The operator's controls of the hall (on the live page): the presentation clock, its
lengths, and the award ceremony on the projector. The projector itself has no controls."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Stage, Team
from ..operations import hall as ops
from ..operations.live import LiveError
from ..web.lookups import competition_or_404
from ..web.security import admin_required, staff_required
from . import bp

TIMER_ACTIONS = ("next", "questions", "pause", "resume", "reset", "stop")
CEREMONY_ACTIONS = ("start", "next", "back", "end")


def hall_context(comp, stage) -> dict:
    """What the live page shows of the hall: the clock, overtimes, the ceremony."""
    if stage is None:
        return {}
    timer = ops.timer_of(stage)
    return {"clock": ops.timer_view(timer), "overtimes": ops.overtimes(stage),
            "ceremony": ops.ceremony_view(comp), "can_ceremony": bool(ops.ceremony_tiers(comp)),
            "lengths": timer or {"talk_seconds": 480, "questions_seconds": 120,
                                 "warning_seconds": 60}}


def _stage(comp):
    key = request.form.get("stage", "")
    stage = db.session.scalars(select(Stage).filter_by(competition_id=comp.id, key=key)).first()
    if stage is None:
        abort(404)
    return stage


def _back(comp, stage=None):
    return redirect(url_for("admin.live", key=comp.key, stage=stage.key if stage else None))


def commit_or_flash(action, done: str | None = None) -> None:
    """Run a contest-day action and commit once, then flash `done` when given; a LiveError
    it raises is flashed instead and changes nothing."""
    try:
        action()
        db.session.commit()
        if done is not None:
            flash(done, "success")
    except LiveError as e:
        db.session.rollback()
        flash(e.message, "error")


@bp.route("/c/<key>/live/timer", methods=["POST"])
@staff_required
def live_timer(key):
    """Drive the clock: next team (marks it presenting and starts), questions, pause..."""
    comp = competition_or_404(key)
    stage = _stage(comp)
    action = request.form.get("action", "")
    team = None
    if request.form.get("team"):
        team = db.session.scalars(select(Team).filter_by(
            competition_id=comp.id, key=request.form["team"])).first()
        if team is None:
            abort(404)
    if action not in TIMER_ACTIONS:
        flash(_("Unknown timer action."), "error")
        return _back(comp, stage)
    commit_or_flash(lambda: ops.timer_action(stage, action, team))
    return _back(comp, stage)


@bp.route("/c/<key>/live/timer/lengths", methods=["POST"])
@admin_required
def live_timer_lengths(key):
    """The stage's talk and questions times (minutes) and the warning before the end."""
    comp = competition_or_404(key)
    stage = _stage(comp)

    def set_lengths():
        talk = ops.parse_minutes(request.form.get("talk", ""), "talk", _("Presentation time"))
        questions = ops.parse_minutes(request.form.get("questions", ""), "questions",
                                      _("Questions time"))
        warning = ops.parse_minutes(request.form.get("warning", ""), "warning",
                                    _("Warning before the end"))
        ops.set_lengths(stage, talk, questions, warning)
    commit_or_flash(set_lengths, _("The timer of %(stage)s is set.", stage=stage.name))
    return _back(comp, stage)


@bp.route("/c/<key>/live/ceremony", methods=["POST"])
@staff_required
def live_ceremony(key):
    """Start the award ceremony on the projector, show the next (or previous) tier, end it."""
    comp = competition_or_404(key)
    action = request.form.get("action", "")
    stage_key = request.form.get("stage") or None
    if action not in CEREMONY_ACTIONS:
        flash(_("Unknown ceremony action."), "error")
    else:
        commit_or_flash(lambda: ops.ceremony_action(comp, action))
    return redirect(url_for("admin.live", key=comp.key, stage=stage_key))


@bp.app_template_filter("minutes")
def minutes_text(seconds) -> str:
    """480 -> "8:00": a length or an overtime as minutes and seconds."""
    seconds = int(seconds or 0)
    return f"{seconds // 60}:{seconds % 60:02d}"
