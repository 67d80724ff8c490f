"""Contest day for organizers: the live progress board, its controls, reopening, paper entry."""
from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..extensions import db
from ..models import Competition, Judge, ScoreSheet, Stage, Team, utcnow
from ..operations import live as ops
from ..operations.hall import epoch_ms
from ..operations.projector import projector_state, working_stage
from ..operations.published import UNPUBLISH_FIRST
from ..operations.sheet_reads import SheetRefused, criteria_of, sheet_scores, text_scores
from ..operations.sheets import reopen
from ..web.lookups import competition_or_404
from ..web.security import admin_required, staff_required
from . import bp, nav
from .confirm import confirm_page
from .forms import SafeForm as FlaskForm  # text fields refuse control characters
from .hall import commit_or_flash, hall_context
from .setup.common import owned_or_404

nav.register(25, "admin.live", _l("Live"))


# ---- lookups ----------------------------------------------------------------------------


def _by_key(model, comp, key):
    row = db.session.scalars(select(model).filter_by(competition_id=comp.id, key=key)).first()
    if row is None:
        abort(404)
    return row


def _board_stage(comp, key=None):
    stages = list(db.session.scalars(select(Stage).filter_by(competition_id=comp.id)
                                      .order_by(Stage.position, Stage.id)))
    if key:
        return next((s for s in stages if s.key == key), None) or abort(404), stages
    open_ = [s for s in stages if s.state == "open"]
    # The stage the hall is at (as on the projector), not simply the first open one.
    return (working_stage(open_) if open_ else (stages[0] if stages else None)), stages


# ---- forms ------------------------------------------------------------------------------

class ReasonForm(FlaskForm):
    """A change that needs a reason (reopen a sheet)."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class WithdrawForm(FlaskForm):
    """Withdraw a team or restore it."""

    team = SelectField(_l("Team"), validators=[DataRequired()])
    action = SelectField(_l("Action"), choices=[SelectChoice("withdraw", _l("Withdraw (弃权)")),
                                                SelectChoice("restore", _l("Restore"))])
    reason = StringField(_l("Reason"), validators=[Length(max=500)])


class AbsenceForm(FlaskForm):
    """Mark a judge absent for the stage, or present again."""

    judge = SelectField(_l("Judge"), validators=[DataRequired()])
    action = SelectField(_l("Action"), choices=[SelectChoice("absent", _l("Absent for this stage")),
                                                SelectChoice("present", _l("Present again"))])
    reason = StringField(_l("Reason"), validators=[Length(max=500)])


# ---- the board --------------------------------------------------------------------------

def _forms(comp, stage):
    teams = ops.teams_in_order(comp.id)
    withdraw = WithdrawForm(prefix="w")
    withdraw.team.choices = [SelectChoice(t.key, f"{t.draw_position or '–'} {t.name}")
                             for t in teams]
    absence = AbsenceForm(prefix="a")
    absence.judge.choices = [SelectChoice(j.key, f"{j.key} {j.name}")
                              for j in ops.ordered_judges(comp.id)]
    return withdraw, absence


@bp.route("/c/<key>/live")
@staff_required
def live(key):
    """The progress board: judge x team grid for a stage, updating by itself."""
    comp = competition_or_404(key)
    stage, stages = _board_stage(comp, request.args.get("stage"))
    g.page_title = _("Live")
    if stage is None:
        return render_template("admin/live/board.html", competition=comp, stage=None,
                               stages=stages)
    state = ops.board_state(comp, stage)
    withdraw, absence = _forms(comp, stage)
    return render_template("admin/live/board.html", competition=comp, stage=stage,
                           stages=stages, state=state, version=comp.live_version,
                           withdraw_form=withdraw, absence_form=absence,
                           hall=hall_context(comp, stage), now_ms=epoch_ms(utcnow()))


@bp.route("/c/<key>/live/state")
@staff_required
def live_state(key):
    """{"changed": false} from one column when ?v= is current, else the new board state."""
    version = db.session.scalar(select(Competition.live_version).filter_by(key=key))
    if version is None:
        abort(404)
    now = epoch_ms(utcnow())
    if request.args.get("v") == str(version):
        return jsonify({"changed": False, "version": version, "now": now})
    comp = competition_or_404(key)
    stage, _stages = _board_stage(comp, request.args.get("stage"))
    if stage is None:
        return jsonify({"changed": True, "version": version, "html": "", "now": now})
    state = ops.board_state(comp, stage, version)
    html = render_template("admin/live/_grid.html", competition=comp, stage=stage, state=state,
                           hall=hall_context(comp, stage))
    body = ops.board_json(state)
    body.update({"changed": True, "version": version, "html": html, "now": now})
    return jsonify(body)


def _back(comp, stage):
    return redirect(url_for("admin.live", key=comp.key, stage=stage.key if stage else None))


@bp.route("/c/<key>/live/presenting", methods=["POST"])
@staff_required
def live_presenting(key):
    """Set (or clear) the team now presenting."""
    comp = competition_or_404(key)
    stage = _by_key(Stage, comp, request.form.get("stage", ""))
    team_key = request.form.get("team") or ""
    team = _by_key(Team, comp, team_key) if team_key else None
    commit_or_flash(lambda: ops.set_presenting(stage, team))
    return _back(comp, stage)


@bp.route("/c/<key>/live/reveal", methods=["POST"])
@staff_required
def live_reveal(key):
    """Show a team's result on the projector (or hide it again)."""
    comp = competition_or_404(key)
    stage = _by_key(Stage, comp, request.form.get("stage", ""))
    team = _by_key(Team, comp, request.form.get("team", ""))
    if request.form.get("action") == "hide":
        ops.hide(stage, team)
        flash(_("%(team)s is no longer shown on the projector.", team=team.name), "info")
    else:
        try:
            ops.reveal(stage, team)
        except ops.LiveError as e:
            db.session.rollback()
            flash(e.message, "error")
            return _back(comp, stage)
        state = projector_state(comp, stage)
        if team.key in state["shown"]:
            flash(_("%(team)s is now shown on the projector.", team=team.name), "success")
        elif team.key in state["complete"]:  # held for the calibration reveal
            flash(_held_message(team, state), "warning")
        else:
            flash(_("%(team)s will be shown once all its sheets are in: some are still "
                    "missing (see its row).", team=team.name), "warning")
    db.session.commit()
    return _back(comp, stage)


def _held_message(team, state) -> str:
    """Why a complete team is not on the projector yet: the calibration group (rule 9)
    waits for its other teams' sheets, or for its last team's reveal."""
    head = [row["team"] for row in state["order"][:state["calibration"]]]
    waiting = [t.name for t in head if t.key not in state["complete"]]
    if waiting and head[-1].key not in state["held"]:
        # Nothing shows by itself until the group's last team has been revealed too.
        return _("All sheets of %(team)s are in. With the calibration reveal the first "
                 "%(count)s teams of the order are shown together; still waiting for "
                 "%(waiting)s. They appear when you press Reveal on %(last)s (pressed "
                 "before its sheets are in, they appear by themselves when the last sheet "
                 "arrives).", team=team.name, count=len(head), waiting="、".join(waiting),
                 last=head[-1].name)
    if waiting:
        return _("All sheets of %(team)s are in. With the calibration reveal the first "
                 "%(count)s teams of the order are shown together, once all their sheets "
                 "are in; still waiting for %(waiting)s. They appear by themselves when the "
                 "last sheet arrives.", team=team.name, count=len(head),
                 waiting="、".join(waiting))
    return _("All sheets of %(team)s are in. With the calibration reveal the first "
             "%(count)s teams of the order are shown together, when the last of them "
             "(%(last)s) is revealed.", team=team.name, count=len(head),
             last=head[-1].name if head else "")


def _confirm(comp, stage, title, consequence, details, endpoint):
    """The page that says what a withdrawal or an absence does, and asks again."""
    return confirm_page(title, consequence, details,
                        url_for(endpoint, key=comp.key, stage=stage.key if stage else None),
                        url_for("admin.live", key=comp.key, stage=stage.key if stage else None))


def _submitted(**where) -> int:
    return db.session.scalar(select(func.count()).select_from(ScoreSheet).filter_by(
        status="submitted", **where)) or 0


def _confirm_withdrawal(comp, stage, team, action):
    if action == "withdraw":
        return _confirm(comp, stage, _("Withdraw %(team)s", team=team.name), _(
            "%(team)s gets no rank and no award, is listed after the ranked teams, and "
            "judges can no longer save or submit its sheets. The award tiers are counted "
            "again over the other teams.", team=team.name),
            [_("Sheets already submitted for this team: %(count)s (kept, not counted).",
               count=_submitted(team_id=team.id))], "admin.live_withdraw")
    return _confirm(comp, stage, _("Take back the withdrawal of %(team)s", team=team.name),
                    _("%(team)s is ranked again and judges can score it.", team=team.name),
                    [], "admin.live_withdraw")


def _confirm_absence(comp, stage, judge, action):
    if action == "absent":
        return _confirm(comp, stage, _("Mark %(judge)s absent", judge=judge.name), _(
            "%(judge)s's sheets in %(stage)s are no longer expected, and they can no longer "
            "save or submit there; the stage's results stop waiting for them.",
            judge=judge.name, stage=stage.name),
            [_("Sheets %(judge)s already submitted in %(stage)s: %(count)s.",
               judge=judge.name, stage=stage.name,
               count=_submitted(judge_id=judge.id, stage_id=stage.id))],
            "admin.live_absence")
    return _confirm(comp, stage, _("Mark %(judge)s present", judge=judge.name),
                    _("%(judge)s's sheets in %(stage)s are expected again.",
                      judge=judge.name, stage=stage.name), [], "admin.live_absence")


def _asked(comp, stage, form, pick, ask, change, invalid, needs_reason):
    """A withdrawal or an absence: a valid form picks its team or judge (404 when not of
    this competition) and gets ask(row) first; the second POST (confirm=yes) runs
    change(row), which says what it did, and commits (a LiveError is flashed and changes
    nothing); an invalid form flashes `invalid`. Back to the board either way.

    A change that needs a reason (needs_reason) without one is refused before the
    confirmation page, not after the organizer has confirmed it."""
    if form.validate_on_submit():
        row = pick()
        if needs_reason and not (form.reason.data or "").strip():
            flash(_("Give a reason."), "error")
            return _back(comp, stage)
        if request.form.get("confirm") != "yes":
            return ask(row)
        commit_or_flash(lambda: change(row))
    else:
        flash(invalid, "error")
    return _back(comp, stage)


@bp.route("/c/<key>/live/withdraw", methods=["POST"])
@admin_required
def live_withdraw(key):
    """Withdraw a team (弃权) with a reason, or restore it."""
    comp = competition_or_404(key)
    stage, _stages = _board_stage(comp, request.args.get("stage"))
    form, _absence = _forms(comp, stage)

    def change(team):
        if form.action.data == "withdraw":
            ops.withdraw(team, form.reason.data or "")
            flash(_("%(team)s is marked withdrawn.", team=team.name), "success")
        else:
            ops.restore(team, form.reason.data or "")
            flash(_("%(team)s is no longer withdrawn.", team=team.name), "success")
    return _asked(comp, stage, form, lambda: _by_key(Team, comp, form.team.data),
                  lambda team: _confirm_withdrawal(comp, stage, team, form.action.data),
                  change, _("Choose a team and give a reason."),
                  needs_reason=form.action.data == "withdraw")


@bp.route("/c/<key>/live/absence", methods=["POST"])
@admin_required
def live_absence(key):
    """Mark a judge absent for the stage (with a reason), or present again."""
    comp = competition_or_404(key)
    stage, _stages = _board_stage(comp, request.args.get("stage"))
    if stage is None:
        abort(404)
    _withdraw, form = _forms(comp, stage)

    def change(judge):
        if form.action.data == "absent":
            ops.mark_absent(judge, stage, form.reason.data or "")
            flash(_("%(judge)s is marked absent for %(stage)s.", judge=judge.name,
                    stage=stage.name), "success")
        else:
            ops.mark_present(judge, stage, form.reason.data or "")
            flash(_("%(judge)s is present again.", judge=judge.name), "success")
    return _asked(comp, stage, form, lambda: _by_key(Judge, comp, form.judge.data),
                  lambda judge: _confirm_absence(comp, stage, judge, form.action.data),
                  change, _("Choose a judge and give a reason."),
                  needs_reason=form.action.data == "absent")


@bp.route("/c/<key>/sheets/<int:sheet_id>/reopen", methods=["GET", "POST"])
@admin_required
def reopen_sheet(key, sheet_id):
    """Reopen a submitted sheet so its judge can correct it; the reason is kept."""
    comp = competition_or_404(key)
    sheet = owned_or_404(ScoreSheet, sheet_id, comp, via="judge")
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            reopen(sheet, form.reason.data.strip())
            db.session.commit()
            flash(_("The sheet is reopened; %(judge)s can correct it now.",
                    judge=sheet.judge.name), "success")
            return redirect(url_for("admin.live", key=comp.key, stage=sheet.stage.key))
        except SheetRefused as e:
            db.session.rollback()
            flash(e.message, "error")
    scores = text_scores(sheet_scores(sheet))
    rows = [(c, scores.get(c.key)) for c in criteria_of(sheet.stage)]
    g.page_title = _("Reopen a sheet")
    # Said before a reason is typed; the write itself checks again under the lock.
    published_note = (_(UNPUBLISH_FIRST, stage=sheet.stage.name)
                      if sheet.stage.state == "published" else None)
    return render_template("admin/live/reopen.html", competition=comp, sheet=sheet, rows=rows,
                           form=form, published_note=published_note)


# ---- paper double entry -----------------------------------------------------------------
