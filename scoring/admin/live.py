"""Contest day for organizers: the live progress board, its controls, reopening, paper entry."""
from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..extensions import db
from ..models import Competition, Judge, ScoreSheet, Stage, Team
from ..operations import live as ops
from ..operations import paper as paper_ops
from ..operations.idempotency import retryable
from ..operations.sheet_reads import SheetRefused, criteria_of, sheet_scores, text_scores
from ..operations.sheets import reopen
from ..rules import decimal_text
from ..web.lookups import competition_or_404
from ..web.security import admin_required, staff_required
from . import bp, nav
from .forms import SafeForm as FlaskForm  # text fields refuse control characters

nav.register(25, "admin.live", _l("Live"))
nav.register(26, "admin.paper", _l("Paper sheets"))


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
    return (open_[0] if open_ else (stages[0] if stages else None)), stages


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


class PaperPickForm(FlaskForm):
    """Which paper sheet to type in."""

    class Meta:
        csrf = False

    stage = SelectField(_l("Stage"), validators=[DataRequired()])
    judge = SelectField(_l("Judge"), validators=[DataRequired()])
    team = SelectField(_l("Team"), validators=[DataRequired()])


def build_paper_form(criteria):
    """A form with one field per criterion of the rubric (like Indico's build_review_form)."""

    class PaperForm(FlaskForm):
        pass

    for c in criteria:
        label = f"{c.name} (0–{decimal_text(c.max)})"
        setattr(PaperForm, "c_" + c.key, StringField(
            label, description=_("Step %(step)s", step=decimal_text(c.step)),
            render_kw={"inputmode": "decimal", "autocomplete": "off"}))
    return PaperForm


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
                           withdraw_form=withdraw, absence_form=absence)


@bp.route("/c/<key>/live/state")
@staff_required
def live_state(key):
    """{"changed": false} from one column when ?v= is current, else the new board state."""
    version = db.session.scalar(select(Competition.live_version).filter_by(key=key))
    if version is None:
        abort(404)
    if request.args.get("v") == str(version):
        return jsonify({"changed": False, "version": version})
    comp = competition_or_404(key)
    stage, _stages = _board_stage(comp, request.args.get("stage"))
    if stage is None:
        return jsonify({"changed": True, "version": version, "html": ""})
    state = ops.board_state(comp, stage)
    html = render_template("admin/live/_grid.html", competition=comp, stage=stage, state=state)
    body = ops.board_json(state)
    body.update({"changed": True, "version": version, "html": html})
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
    ops.set_presenting(stage, team)
    db.session.commit()
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
        ops.reveal(stage, team)
        state = ops.projector_state(comp, stage)
        if team.key in state["shown"]:
            flash(_("%(team)s is now shown on the projector.", team=team.name), "success")
        else:
            flash(_("%(team)s will be shown once all its sheets are in (and, with the "
                    "calibration reveal, together with the first teams).", team=team.name),
                  "warning")
    db.session.commit()
    return _back(comp, stage)


@bp.route("/c/<key>/live/withdraw", methods=["POST"])
@admin_required
def live_withdraw(key):
    """Withdraw a team (弃权) with a reason, or restore it."""
    comp = competition_or_404(key)
    stage, _stages = _board_stage(comp, request.args.get("stage"))
    form, _absence = _forms(comp, stage)
    if form.validate_on_submit():
        team = _by_key(Team, comp, form.team.data)
        try:
            if form.action.data == "withdraw":
                ops.withdraw(team, form.reason.data or "")
                flash(_("%(team)s is marked withdrawn.", team=team.name), "success")
            else:
                ops.restore(team, form.reason.data or "")
                flash(_("%(team)s is no longer withdrawn.", team=team.name), "success")
            db.session.commit()
        except ops.LiveError as e:
            db.session.rollback()
            flash(e.message, "error")
    else:
        flash(_("Choose a team and give a reason."), "error")
    return _back(comp, stage)


@bp.route("/c/<key>/live/absence", methods=["POST"])
@admin_required
def live_absence(key):
    """Mark a judge absent for the stage (with a reason), or present again."""
    comp = competition_or_404(key)
    stage, _stages = _board_stage(comp, request.args.get("stage"))
    if stage is None:
        abort(404)
    _withdraw, form = _forms(comp, stage)
    if form.validate_on_submit():
        judge = _by_key(Judge, comp, form.judge.data)
        try:
            if form.action.data == "absent":
                ops.mark_absent(judge, stage, form.reason.data or "")
                flash(_("%(judge)s is marked absent for %(stage)s.", judge=judge.name,
                        stage=stage.name), "success")
            else:
                ops.mark_present(judge, stage, form.reason.data or "")
                flash(_("%(judge)s is present again.", judge=judge.name), "success")
            db.session.commit()
        except ops.LiveError as e:
            db.session.rollback()
            flash(e.message, "error")
    else:
        flash(_("Choose a judge and give a reason."), "error")
    return _back(comp, stage)


@bp.route("/c/<key>/sheets/<int:sheet_id>/reopen", methods=["GET", "POST"])
@admin_required
def reopen_sheet(key, sheet_id):
    """Reopen a submitted sheet so its judge can correct it; the reason is kept."""
    comp = competition_or_404(key)
    sheet = db.session.get(ScoreSheet, sheet_id)
    if sheet is None or sheet.judge.competition_id != comp.id:
        abort(404)
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
    return render_template("admin/live/reopen.html", competition=comp, sheet=sheet, rows=rows,
                           form=form)


# ---- paper double entry -----------------------------------------------------------------

def _paper_pick_form(comp, data=None):
    form = PaperPickForm(data or None)
    stages = [s for s in db.session.scalars(select(Stage).filter_by(competition_id=comp.id)
                                             .order_by(Stage.position))
              if s.state in ("open", "closed")]
    form.stage.choices = [SelectChoice(s.key, s.name) for s in stages]
    form.judge.choices = [SelectChoice(j.key, f"{j.key} {j.name}")
                              for j in ops.ordered_judges(comp.id)]
    form.team.choices = [SelectChoice(t.key, f"{t.draw_position or '–'} {t.name}")
                         for t in ops.teams_in_order(comp.id)]
    return form


@bp.route("/c/<key>/paper")
@staff_required
def paper(key):
    """Paper sheets: choose judge, stage and team; the list of sheets waiting for a second entry."""
    from ..models import PaperEntry

    comp = competition_or_404(key)
    form = _paper_pick_form(comp, request.args if request.args.get("team") else None)
    if request.args.get("team") and form.validate():
        return redirect(url_for("admin.paper_entry", key=comp.key, stage_key=form.stage.data,
                                judge_key=form.judge.data, team_key=form.team.data))
    pending = {}
    for e in db.session.scalars(select(PaperEntry).join(Judge, Judge.id == PaperEntry.judge_id)
                                .where(Judge.competition_id == comp.id).order_by(PaperEntry.id)):
        sheet = db.session.scalars(select(ScoreSheet).filter_by(
            judge_id=e.judge_id, team_id=e.team_id, stage_id=e.stage_id)).first()
        done = sheet is not None and sheet.status == "submitted" and sheet.source == "paper"
        item = pending.setdefault((e.judge_id, e.team_id, e.stage_id), {
            "judge": e.judge, "team": e.team, "stage": e.stage, "users": [], "done": done})
        item["users"].append(e.user.name or e.user.username)
    g.page_title = _("Paper sheets")
    return render_template("admin/live/paper_index.html", competition=comp, form=form,
                           pending=list(pending.values()))


def _enter_paper(judge, team, stage, raw, attempts: int = 4):
    """enter_paper, committed. A conflict with a concurrent entry (the same form sent twice
    at once: a unique clash, a deadlock, a lock wait) is run again from a fresh read, and
    past the attempts refused with a translated message; never a 500."""
    for _attempt in range(attempts):
        try:
            outcome = paper_ops.enter_paper(current_user, judge, team, stage, raw)
            db.session.commit()
            return outcome
        except (IntegrityError, OperationalError) as e:
            db.session.rollback()
            if not retryable(e):
                raise
    raise paper_ops.LiveError(_("Someone else saved this paper sheet at the same moment, "
                                "so nothing was saved. Look at the sheet below and enter it "
                                "again if it is still needed."))


@bp.route("/c/<key>/paper/<stage_key>/<judge_key>/<team_key>", methods=["GET", "POST"])
@staff_required
def paper_entry(key, stage_key, judge_key, team_key):
    """Type one paper sheet in; a second, different person types it again without seeing it."""
    comp = competition_or_404(key)
    stage = _by_key(Stage, comp, stage_key)
    judge = _by_key(Judge, comp, judge_key)
    team = _by_key(Team, comp, team_key)
    criteria = criteria_of(stage)
    # Never pre-filled from an earlier entry: the second person must not see the first.
    form = build_paper_form(criteria)(formdata=request.form if request.method == "POST" else None)
    blocker = paper_ops.paper_blocker(judge, team, stage)
    outcome = None
    if request.method == "POST" and not blocker and form.validate():
        raw = {c.key: (form["c_" + c.key].data or "").strip() or None for c in criteria}
        try:
            outcome = _enter_paper(judge, team, stage, raw)
        except SheetRefused as e:
            db.session.rollback()
            for k, msg in e.errors.items():
                if "c_" + k in form:
                    form["c_" + k].errors = list(form["c_" + k].errors or []) + [msg]
            flash(_("Nothing was saved: correct the marked values."), "error")
        except paper_ops.LiveError as e:
            db.session.rollback()
            flash(e.message, "error")
        if outcome is not None:
            if outcome.state == "agreed":
                flash(_("Both entries agree: the sheet is saved as submitted."), "success")
            elif outcome.state == "waiting":
                flash(_("Saved. A different staff member must now enter the same paper sheet."),
                      "success")
            else:
                flash(_("The entries differ. Check the paper sheet; neither counts until "
                        "they agree."), "error")
            return redirect(url_for("admin.paper_entry", key=key, stage_key=stage_key,
                                    judge_key=judge_key, team_key=team_key))
    entries = paper_ops.paper_entries(judge, team, stage)
    mine = any(e.user_id == current_user.id for e in entries)
    # Differences are shown only to people who already typed the sheet in.
    mismatches = (paper_ops.paper_mismatches(entries, criteria) if mine and len(entries) > 1
                  else [])
    blocker = paper_ops.paper_blocker(judge, team, stage)
    g.page_title = _("Paper sheets")
    return render_template("admin/live/paper_entry.html", competition=comp, stage=stage,
                           judge=judge, team=team, form=form, entries=entries, mine=mine,
                           mismatches=mismatches, blocker=blocker,
                           show_form=not blocker and (not mine or bool(mismatches)))

