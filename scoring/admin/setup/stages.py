"""Stages and their rubric, and the stage lifecycle (draft, open, closed, published)."""
from decimal import Decimal

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...models import Stage
from ...operations import setup_stages as ops
from ...operations.setup_base import SetupError, sheet_count
from ...rules import decimal_text
from .. import bp, nav
from .common import (
    admin_only,
    competition_or_404,
    delete_button,
    fail,
    message,
    owned_or_404,
    problem_text,
    staff_only,
)
from .forms import ActionForm, StageForm

nav.register(20, "admin.setup_stages", _l("Stages & rubric"))

BLANK_ROWS = 3
STATE_LABELS = {"draft": _l("draft"), "open": _l("open"), "closed": _l("closed"),
                "published": _l("published")}
# Button label and whether a reason is asked, per allowed step.
STEP_LABELS = {
    ("draft", "open"): _l("Open for scoring"),
    ("open", "closed"): _l("Close"),
    ("closed", "open"): _l("Reopen"),
    ("closed", "published"): _l("Publish results"),
    ("published", "closed"): _l("Unpublish"),
}


# Steps that need a second, explicit confirmation on a page that says what they do.
CONFIRMED_STEPS = {("open", "closed"), ("closed", "open"), ("closed", "published"),
                   ("published", "closed")}
CONSEQUENCES = {
    ("open", "closed"): _l("Judges can no longer save or submit sheets in this stage."),
    ("closed", "open"): _l("Judges can again save and submit sheets in this stage; its "
                           "results are provisional until it is closed again. Submitted "
                           "sheets stay locked unless you reopen them one by one."),
    ("closed", "published"): _l("The results of this stage become public: the public "
                                "results page and the projector show them."),
    ("published", "closed"): _l("The results of this stage are taken off the public "
                                "results page and the projector."),
}


def _confirm_state(competition, stage, target, form):
    """The confirmation page of a lifecycle step: what it does, with the missing sheets."""
    from ...operations.progress import stage_progress

    progress = stage_progress(competition, stage)
    by_judge = {}
    for judge, team in progress.missing:
        by_judge.setdefault(judge, []).append(team)
    g.page_title = STEP_LABELS[(stage.state, target)]
    return render_template(
        "admin/setup/confirm_state.html", competition=competition, stage=stage,
        target=target, label=STEP_LABELS[(stage.state, target)],
        consequence=CONSEQUENCES[(stage.state, target)], progress=progress,
        by_judge=by_judge, reason=form.reason.data or "",
        needs_reason=ops.TRANSITIONS[(stage.state, target)][1])


@bp.app_template_filter("stage_state")
def stage_state_label(state):
    """A stage state in the current language."""
    return STATE_LABELS.get(state, state)


# A problem that stops a stage from opening, with the page where it is fixed.
PROBLEM_LINKS = {
    "There are no teams yet.": ("admin.setup_teams", _l("Add teams")),
    "Make the draw first: every team needs a draw position.": ("admin.setup_draw",
                                                               _l("Make the draw")),
}

@bp.route("/c/<key>/stages")
@staff_only
def setup_stages(key):
    """Every stage with its weight, rubric total, state and lifecycle buttons."""
    competition = competition_or_404(key)
    rows = []
    for stage in competition.stages:
        steps = [(to, STEP_LABELS[(frm, to)], needs_reason)
                 for (frm, to), (_action, needs_reason) in ops.TRANSITIONS.items()
                 if frm == stage.state]
        rows.append({"stage": stage, "steps": steps,
                     "max_total": sum((c.max for c in stage.criteria), Decimal(0)),
                     "sheets": sheet_count(stage_id=stage.id),
                     "open_problems": [(problem_text(m, p), PROBLEM_LINKS.get(m))
                                       for m, p in ops.open_problems(stage)]
                     if stage.state == "draft" else []})
    g.page_title = _("Stages & rubric")
    return render_template("admin/setup/stages.html", competition=competition, rows=rows,
                           weight_sum=ops.weight_sum(competition), form=ActionForm())



def _criteria_rows(form):
    """The criterion rows of the submitted form as plain dicts."""
    return [{"id": entry.form.id.data, "key": entry.form.key.data or "",
             "name": entry.form.name.data or "", "description": entry.form.description.data or "",
             "max": entry.form.max.data or "", "step": entry.form.step.data or "",
             "remove": entry.form.remove.data} for entry in form.criteria]


def _fill(form, stage, competition):
    """Put a stage and its criteria (plus blank rows for new ones) into the form.

    A new stage is offered the weight still missing to make 1 (0 when the stages
    already make 1), so the defaults follow the stages that exist.
    """
    if stage is None:
        form.weight.data = decimal_text(max(Decimal(1) - ops.weight_sum(competition),
                                            Decimal(0)))
    else:
        form.key.data, form.name.data = stage.key, stage.name
        form.weight.data = decimal_text(stage.weight)
        form.comment_required.data = bool(stage.comment_required)
        for crit in stage.criteria:
            form.criteria.append_entry({"id": str(crit.id), "key": crit.key, "name": crit.name,
                                        "description": crit.description,
                                        "max": decimal_text(crit.max),
                                        "step": decimal_text(crit.step)})
    for _i in range(BLANK_ROWS):
        form.criteria.append_entry({"step": "0.5"})


@bp.route("/c/<key>/stages/new", methods=["GET", "POST"])
@admin_only
def setup_stage_new(key):
    """Add a stage with its rubric."""
    return _edit(competition_or_404(key), None)


@bp.route("/c/<key>/stages/<int:stage_id>/edit", methods=["GET", "POST"])
@admin_only
def setup_stage_edit(key, stage_id):
    """Edit a stage and its rubric (refused for rubric changes once sheets exist)."""
    competition = competition_or_404(key)
    return _edit(competition, owned_or_404(Stage, stage_id, competition))


def _edit(competition, stage):
    form = StageForm()
    if request.method == "GET":
        _fill(form, stage, competition)
    elif form.validate_on_submit():
        try:
            saved = ops.save_stage(competition, stage, key=form.key.data, name=form.name.data,
                                   weight=form.weight.data, criteria=_criteria_rows(form),
                                   comment_required=bool(form.comment_required.data))
            total = ops.weight_sum(competition)
            db.session.commit()
        except SetupError as e:
            if e.field and e.field.startswith("criteria-"):
                db.session.rollback()
                _criteria_error(form, e)
            else:
                fail(e, form)
        else:
            flash(_('Stage "%(stage)s" saved.', stage=saved.name), "success")
            if total != 1:
                flash(_("Stage weights now sum to %(sum)s, not 1: adjust the other stages.",
                        sum=decimal_text(total)), "warning")
            return redirect(url_for("admin.setup_stages", key=competition.key))
    other = sum((s.weight for s in competition.stages if s is not stage), Decimal(0))
    g.page_title = _("Edit stage") if stage else _("New stage")
    return render_template("admin/setup/stage_edit.html", competition=competition, stage=stage,
                           form=form, other_weights=decimal_text(other),
                           locked=stage is not None and sheet_count(stage_id=stage.id) > 0)


def _criteria_error(form, error):
    """Show a criterion error under its cell ("criteria-<row>-<field>")."""
    _prefix, row, field = error.field.split("-", 2)
    index = int(row) - 1
    if 0 <= index < len(form.criteria.entries):
        sub = form.criteria.entries[index].form
        if field in sub._fields:
            sub._fields[field].errors = [message(error)]
            return
    flash(message(error), "error")


@bp.route("/c/<key>/stages/<int:stage_id>/delete", methods=["POST"])
@admin_only
def setup_stage_delete(key, stage_id):
    """Delete a draft stage without sheets."""
    return delete_button(key, Stage, stage_id, ops.delete_stage, _("Stage deleted."),
                         "admin.setup_stages")


@bp.route("/c/<key>/stages/<int:stage_id>/move/<direction>", methods=["POST"])
@admin_only
def setup_stage_move(key, stage_id, direction):
    """Move a stage up or down in the order."""
    competition = competition_or_404(key)
    stage = owned_or_404(Stage, stage_id, competition)
    if direction not in ("up", "down"):
        abort(404)
    if ActionForm().validate_on_submit():
        ops.move_stage(stage, -1 if direction == "up" else 1)
        db.session.commit()
    return redirect(url_for("admin.setup_stages", key=key))


@bp.route("/c/<key>/stages/<int:stage_id>/state/<target>", methods=["POST"])
@admin_only
def setup_stage_state(key, stage_id, target):
    """One lifecycle step (open, close, reopen, publish, unpublish), audited."""
    competition = competition_or_404(key)
    stage = owned_or_404(Stage, stage_id, competition)
    form = ActionForm()
    if form.validate_on_submit():
        if (stage.state, target) in CONFIRMED_STEPS and request.form.get("confirm") != "yes":
            # Closing, reopening and (un)publishing lock judges out or change what the
            # hall sees: say what will happen, with counts and names, and ask again.
            return _confirm_state(competition, stage, target, form)
        try:
            ops.change_state(stage, target, form.reason.data or "")
            db.session.commit()
            flash(_('Stage "%(stage)s" is now %(state)s.', stage=stage.name,
                    state=stage_state_label(target)), "success")
        except SetupError as e:
            fail(e)
    return redirect(url_for("admin.setup_stages", key=key))
