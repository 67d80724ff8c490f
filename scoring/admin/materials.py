"""Organizer page "Materials" (参赛材料): who uploaded what and when, what is missing, an
upload for any team, the teams' upload deadline per stage, the teams' private links.

Rendering an upload takes seconds: the request's transaction ends before it (on SQLite
every transaction holds the write lock from its start), so judges' scores go through
meanwhile; the row is written in a new transaction afterwards (DESIGN section 11).
"""
from datetime import datetime

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import MultipleFileField, SelectField, StringField
from wtforms.validators import Length, Optional

from ..extensions import db
from ..imports.materials import (
    MAX_BYTES,
    MAX_PAGES,
    MaterialError,
    error_text,
    render_files,
    stored_path,
)
from ..models import Material, Stage, Team
from ..operations import materials as ops
from ..rules.moments import RANGE_TEXT, OutOfRange, to_local, to_utc
from ..web.lookups import competition_or_404
from ..web.security import admin_required
from . import bp, nav
from .confirm import ask_then_act, confirm_page
from .forms import SafeForm, validated
from .setup.common import commit_or_fail, owned_or_404, picked_or_404

nav.register(47, "admin.materials", _l("Materials"), admin_only=True)


class UploadForm(SafeForm):
    """A material for one team and stage: one PDF or images."""

    team = SelectField(_l("Team"))
    stage = SelectField(_l("Stage"))
    files = MultipleFileField(_l("PDF or images"))


class DeadlineForm(SafeForm):
    """The teams' upload deadline of a stage, in the venue's time; empty: no team upload."""

    stage = SelectField(_l("Stage"))
    deadline = StringField(_l("Teams upload until"), validators=[Optional(), Length(max=20)])


def _local_text(value) -> str:
    local = to_local(value, get_timezone())
    return "" if local is None else local.strftime("%Y-%m-%dT%H:%M")


def _parse_local(text: str):
    """A venue-time "YYYY-MM-DDTHH:MM" as naive UTC; ValueError if it is not one
    (rules.moments.OutOfRange, a ValueError, outside the accepted range)."""
    if not text.isascii():  # strptime reads "２０２６" as 2026
        raise ValueError(text)
    return to_utc(datetime.strptime(text.strip(), "%Y-%m-%dT%H:%M"), get_timezone())


def _forms(competition):
    upload, deadline = UploadForm(prefix="up"), DeadlineForm(prefix="dl")
    upload.team.choices = [(str(t.id), f"{t.key} {t.name}") for t in competition.teams]
    stages = [(str(s.id), s.name) for s in competition.stages]
    upload.stage.choices = deadline.stage.choices = stages
    return upload, deadline


@bp.route("/c/<key>/materials")
@admin_required
def materials(key):
    """Every team x stage: the material (file, pages, who, when) or "missing"."""
    competition = competition_or_404(key)
    g.page_title = _("Materials")
    upload, deadline = _forms(competition)
    found = ops.stage_materials([s.id for s in competition.stages])
    # A stage expects a document when teams may upload for it (a deadline is set) or one
    # is already there; a live presentation (现场展示) has neither, and nothing is
    # "missing" there. A withdrawn team owes nothing either.
    with_material = {stage_id for _team, stage_id in found}
    expects = {s.id: s.materials_deadline is not None or s.id in with_material
               for s in competition.stages}
    missing = {s.id: sum(1 for t in competition.teams if not t.withdrawn
                         and (t.id, s.id) not in found) if expects[s.id] else 0
               for s in competition.stages}
    deadlines = {s.id: _local_text(s.materials_deadline) for s in competition.stages}
    return render_template("admin/materials/index.html", competition=competition,
                           found=found, missing=missing, expects=expects, upload=upload,
                           deadline=deadline,
                           deadlines=deadlines, open_now={s.id: ops.upload_open(s)
                                                          for s in competition.stages},
                           max_pages=MAX_PAGES, max_mb=MAX_BYTES // 1048576)


@bp.route("/c/<key>/materials/upload", methods=["POST"])
@admin_required
def materials_upload(key):
    """Upload a team's material for a stage (replacing any); pages rendered at once."""
    competition = competition_or_404(key)
    upload, _deadline = _forms(competition)
    back = redirect(url_for("admin.materials", key=key))
    if not validated(upload, _("The form expired; try again.")):
        return back
    team_id = picked_or_404(Team, upload.team.data, competition).id
    stage_id = picked_or_404(Stage, upload.stage.data, competition).id
    by, competition_id = current_user.username, competition.id
    db.session.commit()  # no transaction (no SQLite write lock) while rendering
    try:
        rendered = render_files(current_app.instance_path,
                                request.files.getlist(upload.files.name))
    except MaterialError as e:
        flash(error_text(e), "error")
        return back
    commit_or_fail(lambda: ops.save_material(competition_id, team_id, stage_id, rendered, by),
                   lambda material: _("%(team)s, %(stage)s: %(n)s pages uploaded.",
                                      team=material.team.name, stage=material.stage.name,
                                      n=len(rendered.pages)))
    return back


@bp.route("/c/<key>/materials/deadline", methods=["POST"])
@admin_required
def materials_deadline(key):
    """Set or clear a stage's upload deadline for the teams."""
    competition = competition_or_404(key)
    _upload, form = _forms(competition)
    back = redirect(url_for("admin.materials", key=key))
    if not validated(form, _("The form expired; try again.")):
        return back
    stage = picked_or_404(Stage, form.stage.data, competition)
    text = (form.deadline.data or "").strip()
    try:
        value = _parse_local(text) if text else None
    except OutOfRange:
        flash(_("Deadline: give a date between %(range)s.", range=RANGE_TEXT), "error")
        return back
    except ValueError:
        flash(_("Deadline: \"%(value)s\" is not a date and time like 2026-05-20T18:00.",
                value=text[:20]), "error")
        return back
    ops.set_deadline(stage, value)
    db.session.commit()
    flash(_("Teams upload for %(stage)s until %(time)s.", stage=stage.name, time=text)
          if value else _("Teams no longer upload for %(stage)s.", stage=stage.name), "success")
    return back


@bp.route("/c/<key>/materials/<int:material_id>")
@admin_required
def material_view(key, material_id):
    """The material's pages as the judges see them."""
    competition = competition_or_404(key)
    material = owned_or_404(Material, material_id, competition, via="team")
    g.page_title = f"{material.team.name} · {material.stage.name}"
    return render_template("admin/materials/view.html", competition=competition,
                           material=material)


@bp.route("/c/<key>/materials/<int:material_id>/<int:page>.webp")
@admin_required
def material_page(key, material_id, page):
    """One page image of a material."""
    competition = competition_or_404(key)
    material = owned_or_404(Material, material_id, competition, via="team")
    pages = material.pages
    if not 1 <= page <= len(pages):
        abort(404)
    path = stored_path(current_app.instance_path, pages[page - 1], "webp")
    if not path.is_file():  # the folder was not restored with the database
        abort(404)
    return send_file(path, mimetype="image/webp")


@bp.route("/c/<key>/materials/<int:material_id>/delete", methods=["POST"])
@admin_required
def material_delete(key, material_id):
    """Remove a material: a first POST asks, the second (confirm=yes) removes."""
    competition = competition_or_404(key)
    material = owned_or_404(Material, material_id, competition, via="team")
    return ask_then_act(
        SafeForm(), url_for("admin.materials", key=key), expired=_("The form expired; try again."),
        ask=lambda: _ask(key, _("Remove the material of %(team)s", team=material.team.name),
                         _("Judges no longer see it in %(stage)s; the team can upload again "
                           "until the deadline.", stage=material.stage.name),
                         [material.filename],
                         url_for("admin.material_delete", key=key, material_id=material.id)),
        act=lambda: ops.delete_material(material), done=_("Material removed."))


@bp.route("/c/<key>/teams/<int:team_id>/new-link", methods=["POST"])
@admin_required
def team_new_link(key, team_id):
    """A new private link for a team (a lost card): asks first, then the old one stops."""
    competition = competition_or_404(key)
    team = owned_or_404(Team, team_id, competition)
    return ask_then_act(
        SafeForm(), url_for("admin.materials", key=key), expired=_("The form expired; try again."),
        ask=lambda: _ask(key, _("New link for %(team)s", team=team.name),
                         _("The team's old link and card stop working at once; print its "
                           "new card."), [],
                         url_for("admin.team_new_link", key=key, team_id=team.id)),
        act=lambda: ops.regenerate_team_link(team),
        done=_("%(team)s has a new link; print its card again.", team=team.name))


def _ask(key, title, consequence, details, action):
    # These buttons post only the CSRF token: nothing else of the first POST is carried on.
    return confirm_page(title, consequence, details, action,
                        url_for("admin.materials", key=key),
                        fields=[("csrf_token", request.form.get("csrf_token", ""))])


@bp.route("/c/<key>/materials/team-cards.pdf")
@admin_required
def materials_team_cards(key):
    """The team cards (every team's private link and QR code): admins only."""
    from ..reports.team_cards import build_team_cards
    from ..web.venue import VenueError, public_base_url
    from .reports import _lang, _send

    competition = competition_or_404(key)
    try:
        base_url = public_base_url(current_app._get_current_object())
    except VenueError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("admin.setup_venue"))
    pdf = build_team_cards(competition, base_url=base_url, lang=_lang())
    return _send(pdf, f"{competition.key}-team-cards.pdf", "application/pdf")
