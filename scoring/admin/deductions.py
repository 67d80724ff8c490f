"""Deductions (扣分, rule 12): the organizer records them for the chief judge, confirms the
timer's proposals, or withdraws one; each change first shows what it does to the standings.
"""
from dataclasses import replace

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from .. import rules as R
from ..extensions import db
from ..models import Deduction, Presentation, Stage, Team
from ..operations import deductions as ops
from ..operations.setup_base import SetupError
from ..results.exports import number_text
from ..results.standings import contest_input
from ..web.lookups import competition_or_404
from ..web.security import admin_required
from . import bp, nav
from .confirm import ask_then_act, confirm_page
from .forms import SafeForm
from .setup.common import owned_or_404

nav.register(27, "admin.deductions", _l("Deductions"), admin_only=True)


class DeductionForm(SafeForm):
    """A deduction recorded by the organizer for the chief judge."""

    team = SelectField(_l("Team"), choices=[], validate_choice=False)
    stage = SelectField(_l("Stage"), choices=[], validate_choice=False)
    points = StringField(_l("Points to deduct"), validators=[DataRequired(), Length(max=24)],
                         description=_l("Taken off the team's rounded stage score, never "
                                        "below 0, e.g. 1 or 0.5"))
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=2000)],
                         description=_l("As the chief judge gave it, e.g. 超时 40 秒"))


class ReasonForm(SafeForm):
    """Confirm or withdraw: the CSRF token and a reason."""

    reason = StringField(_l("Reason"), validators=[Length(max=2000)])


def _owned(model, competition, raw):
    """The team or stage of this competition picked in the form, or None."""
    # ASCII digits only, and few of them: a 40-digit id would overflow the database's
    # integer (a 500), and "١" is a digit to str.isdigit.
    number = R.parse_id(str(raw or ""))
    if number is None:
        return None
    row = db.session.get(model, number)
    return row if row is not None and row.competition_id == competition.id else None


def _effect(competition, change) -> list:
    """Lines saying what a change of the deductions does to the standings, before saving.

    `change` maps the current rules.Deduction records to the ones after the change.
    """
    contest = contest_input(competition)
    before = R.compute_results(contest)
    after = R.compute_results(replace(contest, deductions=tuple(change(contest.deductions))))
    decimals = contest.rules.decimals
    names = {t.key: t.name for t in contest.teams}
    stage_names = {s.key: s.name for s in contest.stages}
    lines = []
    for t in after.teams:
        old = before.team(t.team)
        for k, r in t.stages.items():
            if r.score != old.stages[k].score:
                lines.append(_("%(team)s, %(stage)s: %(old)s → %(new)s", team=names[t.team],
                               stage=stage_names[k], old=number_text(old.stages[k].score,
                                                                      decimals) or "-",
                               new=number_text(r.score, decimals) or "-"))
        if (old.final, old.rank, old.award) != (t.final, t.rank, t.award):
            lines.append(_("%(team)s: final %(old)s → %(new)s, rank %(old_rank)s → "
                           "%(new_rank)s, award %(old_award)s → %(new_award)s",
                           team=names[t.team], old=number_text(old.final, decimals) or "-",
                           new=number_text(t.final, decimals) or "-",
                           old_rank=old.rank or "-", new_rank=t.rank or "-",
                           old_award=old.award or _("none"), new_award=t.award or _("none")))
    return lines or [_("No score, rank or award changes (yet: a stage without a score "
                       "takes the deduction once it has one).")]


def _confirm_page(competition, title, consequence, details, action):
    return confirm_page(title, consequence, details, action,
                        url_for("admin.deductions", key=competition.key))


@bp.route("/c/<key>/deductions", methods=["GET", "POST"])
@admin_required
def deductions(key):
    """Every deduction of the competition, and the form to record one (asked twice)."""
    competition = competition_or_404(key)
    if request.method == "POST" and "presentation" in request.form:
        return _propose_overtime(competition)
    form = DeductionForm()
    teams = db.session.scalars(select(Team).where(Team.competition_id == competition.id)
                               .order_by(Team.draw_position, Team.key)).all()
    stages = db.session.scalars(select(Stage).where(Stage.competition_id == competition.id)
                                .order_by(Stage.position, Stage.id)).all()
    form.team.choices = [(str(t.id), f"{t.key} {t.name}") for t in teams]
    form.stage.choices = [(str(s.id), s.name) for s in stages]
    status = 200
    if form.validate_on_submit():
        team = _owned(Team, competition, form.team.data)
        stage = _owned(Stage, competition, form.stage.data)
        try:
            if team is None or stage is None:
                raise SetupError(R.N_("Choose a team and a stage of this competition."))
            # Checked before asking, so the question never shows for a refused input.
            points, reason = ops.check_deduction(competition, team, stage, form.points.data,
                                        form.reason.data)
        except SetupError as e:
            db.session.rollback()
            target = form._fields.get(e.field or "") or form.points
            target.errors = list(target.errors or []) + [
                _(e.message, **e.params) if e.params else _(e.message)]
            status = 422
        else:
            if request.form.get("confirm") != "yes":
                new = R.Deduction(team.key, stage.key, points, reason)
                return _confirm_page(
                    competition, _("Deduct %(points)s from %(team)s",
                                   points=R.decimal_text(points), team=team.name),
                    _("%(points)s points come off %(team)s's score in %(stage)s (never "
                      "below 0); the change is recorded in the audit log.",
                      points=R.decimal_text(points), team=team.name, stage=stage.name),
                    _effect(competition, lambda ds: (*ds, new)),
                    url_for("admin.deductions", key=key))
            try:
                ops.record_deduction(competition, team, stage, points, reason)
            except SetupError as e:  # the same deduction sent twice: refused, named
                db.session.rollback()
                flash(_(e.message, **e.params) if e.params else _(e.message), "error")
            else:
                db.session.commit()
                flash(_("The deduction is recorded."), "success")
            return redirect(url_for("admin.deductions", key=key))
    elif form.is_submitted():
        status = 422
    rows = ops.deductions_of(competition)
    g.page_title = _("Deductions")
    return render_template("admin/results/deductions.html", competition=competition,
                           form=form, rows=rows, overtime=_overtime_rows(competition, rows),
                           overtime_form=ReasonForm()), status


def _overtime_rows(competition, rows) -> list:
    """Presentations the timer saw run over, without a timer proposal yet (oldest first)."""
    proposed = {(d.team_id, d.stage_id) for d in rows if d.source == "timer"}
    found = db.session.scalars(
        select(Presentation).join(Stage, Stage.id == Presentation.stage_id)
        .where(Stage.competition_id == competition.id,
               (Presentation.talk_overtime_seconds > 0)
               | (Presentation.questions_overtime_seconds > 0))
        .order_by(Presentation.started_at, Presentation.id)).all()
    stages = {s.id: s for s in competition.stages}
    return [{"presentation": p, "stage": stages.get(p.stage_id)} for p in found
            if (p.team_id, p.stage_id) not in proposed]


def _propose_overtime(competition):
    """The timer's overtime becomes a proposal: the organizer gives the points the contest's
    rule sets (e.g. 1 per started 30 s); it counts once confirmed."""
    form = ReasonForm()
    raw = request.form.get("presentation", "")
    presentation = None
    number = R.parse_whole(raw, max_digits=9)
    if form.validate_on_submit() and number is not None:
        presentation = db.session.get(Presentation, number)
    stage = presentation and db.session.get(Stage, presentation.stage_id)
    if stage is None or stage.competition_id != competition.id:
        flash(_("This overtime is not one of this competition's presentations."), "error")
        return redirect(url_for("admin.deductions", key=competition.key)), 303
    talk = presentation.talk_overtime_seconds or 0
    questions = presentation.questions_overtime_seconds or 0
    reason = _("Overtime: talk %(talk)s s, questions %(questions)s s (presentation timer)",
               talk=talk, questions=questions)
    try:
        ops.propose_deduction(competition, presentation.team, stage,
                              request.form.get("points", ""), reason, source="timer")
    except SetupError as e:
        db.session.rollback()
        flash(_("%(team)s: %(problem)s", team=presentation.team.name,
                problem=_(e.message, **e.params) if e.params else _(e.message)), "error")
        return redirect(url_for("admin.deductions", key=competition.key)), 303
    db.session.commit()
    flash(_("The timer's overtime is proposed as a deduction: confirm it to count."), "success")
    return redirect(url_for("admin.deductions", key=competition.key))


@bp.route("/c/<key>/deductions/<int:deduction_id>/confirm", methods=["POST"])
@admin_required
def deduction_confirm(key, deduction_id):
    """Confirm a proposal (the timer's): asked once more, with what it changes."""
    competition = competition_or_404(key)
    d = owned_or_404(Deduction, deduction_id, competition, via="team")
    form = ReasonForm()

    def ask():
        if d.state == "confirmed":
            flash(_("This deduction is already confirmed."), "info")
            return redirect(url_for("admin.deductions", key=key))
        target = (d.team.key, d.stage.key, d.points, d.reason)
        return _confirm_page(
            competition, _("Confirm the deduction of %(team)s", team=d.team.name),
            _("%(points)s points come off %(team)s's score in %(stage)s.",
              points=R.decimal_text(d.points), team=d.team.name, stage=d.stage.name),
            _effect(competition, lambda ds: [
                replace(x, state="confirmed")
                if (x.team, x.stage, x.points, x.reason, x.state) == (*target, "proposed")
                else x for x in ds]),
            url_for("admin.deduction_confirm", key=key, deduction_id=d.id))
    return ask_then_act(
        form, url_for("admin.deductions", key=key),
        expired=_("The form has expired; please try again."), ask=ask,
        act=lambda: ops.confirm_deduction(competition, d.id, form.reason.data or ""),
        done=_("The deduction is confirmed."))


@bp.route("/c/<key>/deductions/<int:deduction_id>/remove", methods=["POST"])
@admin_required
def deduction_remove(key, deduction_id):
    """Withdraw a deduction or reject a proposal (with a reason), asked once more."""
    competition = competition_or_404(key)
    d = owned_or_404(Deduction, deduction_id, competition, via="team")
    form = ReasonForm()

    def ask():
        target = (d.team.key, d.stage.key, d.points, d.reason, d.state)
        removed = []

        def without(ds):
            out = []
            for x in ds:
                if not removed and (x.team, x.stage, x.points, x.reason, x.state) == target:
                    removed.append(x)
                    continue
                out.append(x)
            return out
        return _confirm_page(
            competition, _("Withdraw the deduction of %(team)s", team=d.team.name),
            _("The deduction of %(points)s points in %(stage)s is removed; the audit log "
              "keeps it.", points=R.decimal_text(d.points), stage=d.stage.name),
            _effect(competition, without),
            url_for("admin.deduction_remove", key=key, deduction_id=d.id))
    return ask_then_act(
        form, url_for("admin.deductions", key=key),
        expired=_("The form has expired; please try again."), ask=ask,
        refusal=lambda: None if (form.reason.data or "").strip()
        else _("Give a reason to withdraw a deduction."),
        act=lambda: ops.remove_deduction(competition, d.id, form.reason.data),
        done=_("The deduction is withdrawn."))
