"""Paper sheets (the fallback when a tablet fails): two staff members type each sheet in,
separately; it counts when both agree (operations/paper.py)."""
from decimal import Decimal

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from ..extensions import db
from ..models import Judge, PaperEntry, ScoreSheet, Stage, Team
from ..operations import live as ops
from ..operations import paper as paper_ops
from ..operations.idempotency import retryable
from ..operations.sheet_reads import COMMENT_LIMIT, SheetRefused, criteria_of
from ..rules import decimal_text, parse_plain_decimal
from ..web.lookups import competition_or_404
from ..web.security import staff_required
from . import bp, nav
from .forms import SafeForm as FlaskForm  # text fields refuse control characters
from .live import _by_key

nav.register(26, "admin.paper", _l("Paper sheets"))


class PaperPickForm(FlaskForm):
    """Which paper sheet to type in."""

    class Meta:
        csrf = False

    stage = SelectField(_l("Stage"), validators=[DataRequired()])
    judge = SelectField(_l("Judge"), validators=[DataRequired()])
    team = SelectField(_l("Team"), validators=[DataRequired()])


def build_paper_form(criteria, comment_required: bool = False):
    """A form with one field per criterion of the rubric (like Indico's build_review_form),
    the total written on the paper and the judge's comment (评语)."""

    class PaperForm(FlaskForm):
        pass

    for c in criteria:
        label = f"{c.name} (0–{decimal_text(c.max)})"
        setattr(PaperForm, "c_" + c.key, StringField(
            label, description=_("Step %(step)s", step=decimal_text(c.step)),
            render_kw={"inputmode": "decimal", "autocomplete": "off"}))
    # The judge's own 合计 on the paper: typed, it catches a criterion misread or skipped.
    PaperForm.written_total = StringField(
        _l("Total written on the paper sheet"),
        description=_l("Optional: the total the judge wrote; it must equal the sum of the "
                       "scores above."),
        render_kw={"inputmode": "decimal", "autocomplete": "off"})
    # Checked in operations/paper.py as the tablet checks it; maxlength as on the tablet.
    PaperForm.comment = TextAreaField(
        _l("Judge's comment, required on this stage") if comment_required
        else _l("Judge's comment"),
        description=_l("Type the comment exactly as the judge wrote it on the paper sheet; "
                       "the second entry must have the same text.") if comment_required
        else _l("Optional: type the comment the judge wrote on the paper sheet, if any; the "
                "second entry must have the same text."),
        render_kw={"rows": 4, "maxlength": COMMENT_LIMIT, "autocomplete": "off",
                   "aria-required": "true" if comment_required else "false"})
    return PaperForm


def total_mismatch(raw: dict, written: str | None) -> str | None:
    """Why the total written on the paper sheet does not match the typed scores (None when
    it does, when none was typed, or when a score is itself wrong: that says why).

    Numbers are read as every score is (rules.parse_plain_decimal: ASCII digits, no
    exponent), so "１２" or "1e2" is not taken for a total either.
    """
    written = (written or "").strip()
    if not written:
        return None
    stated = parse_plain_decimal(written)
    if stated is None:
        return _("The total written on the paper sheet is not a number.")
    values = [parse_plain_decimal(v) for v in raw.values() if v is not None]
    if None in values:
        return None  # a score itself is wrong: its own message says why
    added = sum(values, Decimal(0))
    if added == stated:
        return None
    return _("The scores above add up to %(sum)s, the paper sheet says %(total)s: check "
             "each score against the paper.", sum=decimal_text(added), total=written)


def _paper_pick_form(comp, data=None):
    form = PaperPickForm(data or None)
    stages = [s for s in db.session.scalars(select(Stage).filter_by(competition_id=comp.id)
                                             .order_by(Stage.position))
              if s.state in ("open", "closed")]
    form.stage.choices = [SelectChoice(s.key, s.name) for s in stages]
    if data is None:  # the stage being scored now, not the first (often closed) one
        current = next((s for s in stages if s.state == "open"), None)
        if current is not None:
            form.stage.data = current.key
    form.judge.choices = [SelectChoice(j.key, f"{j.key} {j.name}")
                              for j in ops.ordered_judges(comp.id)]
    form.team.choices = [SelectChoice(t.key, f"{t.draw_position or '–'} {t.name}")
                         for t in ops.teams_in_order(comp.id)]
    return form


@bp.route("/c/<key>/paper")
@staff_required
def paper(key):
    """Paper sheets: choose judge, stage and team; the list of sheets waiting for a second entry."""

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


def _enter_paper(judge, team, stage, raw, comment, attempts: int = 4):
    """enter_paper, committed. A conflict with a concurrent entry (the same form sent twice
    at once: a unique clash, a deadlock, a lock wait) is run again from a fresh read, and
    past the attempts refused with a translated message; never a 500."""
    for _attempt in range(attempts):
        try:
            outcome = paper_ops.enter_paper(current_user, judge, team, stage, raw, comment)
            db.session.commit()
            return outcome
        except (IntegrityError, OperationalError) as e:
            db.session.rollback()
            if not retryable(e):
                raise
    raise paper_ops.LiveError(_("Someone else saved this paper sheet at the same moment, "
                                "so nothing was saved. Look at the sheet below and enter it "
                                "again if it is still needed."))


def _save_entry(form, judge, team, stage, raw):
    """Save one typed paper sheet; a refusal marks the form's fields or is flashed (None)."""
    try:
        return _enter_paper(judge, team, stage, raw, form.comment.data)
    except SheetRefused as e:
        db.session.rollback()
        for k, msg in e.errors.items():
            if "c_" + k in form:
                form["c_" + k].errors = list(form["c_" + k].errors or []) + [msg]
        if getattr(e, "comment_error", None):
            form.comment.errors = list(form.comment.errors or []) + [e.comment_error]
        flash(_("Nothing was saved: correct the marked values."), "error")
    except paper_ops.LiveError as e:
        db.session.rollback()
        flash(e.message, "error")
    return None


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
    form = build_paper_form(criteria, bool(stage.comment_required))(
        formdata=request.form if request.method == "POST" else None)
    blocker = paper_ops.paper_blocker(judge, team, stage)
    outcome = None
    if request.method == "POST" and not blocker and form.validate():
        raw = {c.key: (form["c_" + c.key].data or "").strip() or None for c in criteria}
        mismatch = total_mismatch(raw, form.written_total.data)
        if mismatch:
            form.written_total.errors = list(form.written_total.errors or []) + [mismatch]
            flash(_("Nothing was saved: correct the marked values."), "error")
        else:
            outcome = _save_entry(form, judge, team, stage, raw)
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
    comments, spacing = (paper_ops.paper_comment_mismatch(entries) if mine and len(entries) > 1
                         else ([], False))
    blocker = paper_ops.paper_blocker(judge, team, stage)
    g.page_title = _("Paper sheets")
    return render_template("admin/live/paper_entry.html", competition=comp, stage=stage,
                           judge=judge, team=team, form=form, entries=entries, mine=mine,
                           mismatches=mismatches, comments=comments, spacing=spacing,
                           blocker=blocker,
                           show_form=not blocker and (not mine or bool(mismatches or comments)))

