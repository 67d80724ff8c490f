"""Competitions: create (empty, default stages, copied, or from a contest file), overview,
rename, archive."""
from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField

from ...extensions import db
from ...models import Competition, Member, ScoreSheet, Team
from ...operations import setup_competitions as ops
from ...operations.setup_base import SetupError
from ...rules import SettingsError, parse_id
from ...rules.errors import N_
from .. import bp, nav
from ..forms import SafeForm
from .checklist import setup_checklist
from .common import admin_only, commit_or_fail, competition_or_404, fail, staff_only
from .forms import ActionForm, CompetitionForm, CopyForm, RenameForm, choices

nav.register(5, "admin.setup_new_competition", _l("New competition"), per_competition=False,
             admin_only=True)
nav.register(10, "admin.setup_overview", _l("Overview"))


def _start_choices():
    pairs = [("default", _("The three default stages (plan 0.3, presentation 0.5, "
                             "reflection 0.2)")),
               ("empty", _("No stages (I will add them)"))]
    for c in db.session.scalars(db.select(Competition).order_by(Competition.created_at.desc())):
        pairs.append((f"copy:{c.id}", _("Copy of %(name)s (%(key)s): stages, rubric, rules, "
                                          "departments, judges", name=c.name, key=c.key)))
    return choices(pairs)


class ContestFileForm(SafeForm):
    """A contest file to create a competition from (scoring contest import, on the web)."""

    file = FileField(_l("Contest file (.json)"), render_kw={"accept": ".json,application/json"})


def _new_page(form, import_form, problems=(), status=200):
    g.page_title = _("New competition")
    return render_template("admin/setup/new_competition.html", form=form,
                           import_form=import_form, problems=problems), status


@bp.route("/competitions/import", methods=["POST"])
@admin_only
def setup_import_competition():
    """Create a competition from a contest file (an earlier edition's export, a backup):
    all or nothing; every problem is listed by its place in the file, nothing is saved."""
    import_form = ContestFileForm()
    form = CompetitionForm(formdata=None)
    form.start.choices = _start_choices()
    upload = import_form.file.data
    if not import_form.validate_on_submit() or not getattr(upload, "filename", ""):
        return _new_page(form, import_form, [_("Choose a contest file (.json) to import.")],
                         422)
    from ...contestfile.importer import import_text

    try:
        competition = import_text(upload.read())
        db.session.commit()
    except SettingsError as e:
        db.session.rollback()
        lines = [f"{place}{_(': ')}{_(message, **params)}" if place else _(message, **params)
                 for place, message, params in e.problems]
        return _new_page(form, import_form, lines, 422)
    flash(_("Imported the competition %(name)s (%(key)s) from the contest file.",
            name=competition.name, key=competition.key), "success")
    return redirect(url_for("admin.setup_overview", key=competition.key))


@bp.route("/competitions/new", methods=["GET", "POST"])
@admin_only
def setup_new_competition():
    """Create a competition: empty, with the default stages, or copied from an earlier one."""
    form = CompetitionForm()
    form.start.choices = _start_choices()
    if form.validate_on_submit():
        try:
            start = form.start.data or "default"
            if start.startswith("copy:"):
                raw = start.partition(":")[2]
                source = db.session.get(Competition, number) \
                    if (number := parse_id(raw)) is not None else None
                if source is None:
                    raise SetupError(N_("Choose what to start from."), {}, "start")
                competition = ops.copy_competition(source, form.key.data, form.name.data)
            else:
                competition = ops.create_competition(form.key.data, form.name.data,
                                                     default_stages=start != "empty")
            db.session.commit()
        except SetupError as e:
            fail(e, form)
        else:
            flash(_("Competition created."), "success")
            return redirect(url_for("admin.setup_overview", key=competition.key))
    return _new_page(form, ContestFileForm(formdata=None))


@bp.route("/c/<key>/")
@staff_only
def setup_overview(key):
    """Counts, stage states and the setup checklist of one competition."""
    competition = competition_or_404(key)
    counts = {
        "teams": len(competition.teams),
        "members": db.session.scalar(db.select(db.func.count(Member.id)).join(Team).where(
            Team.competition_id == competition.id)) or 0,
        "external": sum(1 for j in competition.judges if j.panel_group == "external"),
        "internal": sum(1 for j in competition.judges if j.panel_group == "internal"),
        "departments": len(competition.departments),
        "sheets": db.session.scalar(db.select(db.func.count(ScoreSheet.id)).join(Team).where(
            Team.competition_id == competition.id)) or 0,
    }
    g.page_title = competition.name
    is_admin = current_user.is_admin
    return render_template(
        "admin/setup/overview.html", competition=competition, counts=counts,
        checklist=setup_checklist(competition),
        rename_form=RenameForm(name=competition.name) if is_admin else None,
        copy_form=CopyForm() if is_admin else None,
        action_form=ActionForm() if is_admin else None)


@bp.route("/c/<key>/rename", methods=["POST"])
@admin_only
def setup_rename(key):
    """Change the competition's name."""
    competition = competition_or_404(key)
    form = RenameForm()
    if form.validate_on_submit():
        commit_or_fail(lambda: ops.rename_competition(competition, form.name.data), _("Saved."))
    else:
        flash(_("Give a name."), "error")
    return redirect(url_for("admin.setup_overview", key=key))


@bp.route("/c/<key>/copy", methods=["POST"])
@admin_only
def setup_copy(key):
    """Start next year's edition from this one (new judge links; no teams, sheets or draw)."""
    competition = competition_or_404(key)
    form = CopyForm()
    if form.validate_on_submit():
        try:
            copy = ops.copy_competition(competition, form.key.data, form.name.data)
            db.session.commit()
        except SetupError as e:
            fail(e)
        else:
            flash(_("Copied. Judges have new private links."), "success")
            return redirect(url_for("admin.setup_overview", key=copy.key))
    else:
        flash(_("Give a key and a name for the new edition."), "error")
    return redirect(url_for("admin.setup_overview", key=key))


@bp.route("/c/<key>/archive", methods=["POST"])
@admin_only
def setup_archive(key):
    """Archive the competition: judges' links stop working."""
    return _set_archived(key, True)


@bp.route("/c/<key>/unarchive", methods=["POST"])
@admin_only
def setup_unarchive(key):
    """Bring an archived competition back."""
    return _set_archived(key, False)


def _set_archived(key, archived):
    competition = competition_or_404(key)
    form = ActionForm()
    if form.validate_on_submit():
        ops.set_archived(competition, archived, form.reason.data or "")
        db.session.commit()
        flash(_("Archived: judges' links no longer work.") if archived
              else _("The competition is active again."), "success")
    return redirect(url_for("admin.setup_overview", key=key))
