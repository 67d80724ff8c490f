"""Departments, teams and members: forms, and the spreadsheet import with its preview."""
from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ...extensions import db
from ...imports import MAX_BYTES, MAX_ROWS, team_template_xlsx
from ...imports.teams import LABELS, TeamRow, check_team_rows, rows_from_table
from ...models import Department, Member, Team
from ...operations import setup_teams as ops
from ...rules import departments_required, team_settings_of
from ...web.downloads import attachment
from .. import bp, nav
from .common import (
    admin_only,
    commit_or_fail,
    competition_or_404,
    delete_button,
    owned_or_404,
    problem_text,
    staff_only,
    uploaded_table,
)
from .forms import ActionForm, DepartmentForm, ImportConfirmForm, ImportForm, TeamForm

nav.register(30, "admin.setup_teams", _l("Teams"))

# A previewed import may be confirmed within this time (seconds).
PREVIEW_MAX_AGE = 2 * 3600


def _serializer():
    return URLSafeTimedSerializer(current_app.secret_key, salt="setup.team-import")


@bp.route("/c/<key>/teams")
@staff_only
def setup_teams(key):
    """Teams with their members, the departments, the import form."""
    competition = competition_or_404(key)
    used = dict(db.session.execute(
        db.select(Member.department_id, db.func.count(Member.id)).join(Team)
        .where(Team.competition_id == competition.id).group_by(Member.department_id)).all())
    g.page_title = _("Teams")
    size, distinct = team_settings_of(competition.rules)
    return render_template("admin/setup/teams.html", competition=competition, used=used,
                           import_form=ImportForm(), department_form=DepartmentForm(),
                           action_form=ActionForm(), max_rows=MAX_ROWS,
                           max_mb=MAX_BYTES // (1024 * 1024), team_size=size,
                           distinct=distinct, need_department=departments_required(size, distinct))


@bp.route("/c/<key>/teams/new", methods=["GET", "POST"])
@admin_only
def setup_team_new(key):
    """Add a team with its members (as many as the rules' team size)."""
    return _edit(competition_or_404(key), None)


@bp.route("/c/<key>/teams/<int:team_id>/edit", methods=["GET", "POST"])
@admin_only
def setup_team_edit(key, team_id):
    """Edit a team and its members."""
    competition = competition_or_404(key)
    return _edit(competition, owned_or_404(Team, team_id, competition))


def _edit(competition, team):
    form = TeamForm()
    size, distinct = team_settings_of(competition.rules)
    if request.method == "GET" and team is not None:
        form.key.data, form.name.data = team.key, team.name
        form.members.entries = []
        for m in team.members:
            form.members.append_entry({"name": m.name,
                                       "department": m.department.name if m.department else ""})
    elif request.method == "GET":
        form.key.data = _next_key(competition)
        form.members.entries = []
    if request.method == "GET":
        while len(form.members.entries) < size:
            form.members.append_entry({})
    if request.method == "POST" and form.validate_on_submit():
        members = [(e.form.name.data, e.form.department.data) for e in form.members]
        if commit_or_fail(lambda: ops.save_team(competition, team, key=form.key.data,
                                                name=form.name.data, members=members),
                          lambda saved: _('Team "%(team)s" saved.', team=saved.name), form):
            return redirect(url_for("admin.setup_teams", key=competition.key))
    g.page_title = _("Edit team") if team else _("New team")
    return render_template("admin/setup/team_edit.html", competition=competition, team=team,
                           form=form, team_size=size, distinct=distinct,
                           need_department=departments_required(size, distinct))


def _next_key(competition) -> str:
    """The next free T01-style key, offered in the new-team form."""
    used = {t.key for t in competition.teams}
    n = 1
    while f"T{n:02d}" in used:
        n += 1
    return f"T{n:02d}"


@bp.route("/c/<key>/teams/<int:team_id>/delete", methods=["POST"])
@admin_only
def setup_team_delete(key, team_id):
    """Delete a team (refused once it has sheets)."""
    return delete_button(key, Team, team_id, ops.delete_team, _("Team deleted."),
                         "admin.setup_teams")


@bp.route("/c/<key>/departments", methods=["POST"])
@admin_only
def setup_department_add(key):
    """Add a department."""
    competition = competition_or_404(key)
    form = DepartmentForm()
    if form.validate_on_submit():
        commit_or_fail(lambda: ops.add_department(competition, form.name.data),
                       _("Department added."))
    # An invalid name is flashed by the form itself ("Department: ..."), as on rename.
    return redirect(url_for("admin.setup_teams", key=key) + "#departments")


@bp.route("/c/<key>/departments/<int:dept_id>/rename", methods=["POST"])
@admin_only
def setup_department_rename(key, dept_id):
    """Rename a department."""
    competition = competition_or_404(key)
    dept = owned_or_404(Department, dept_id, competition)
    form = DepartmentForm()
    if form.validate_on_submit():
        commit_or_fail(lambda: ops.rename_department(dept, form.name.data),
                       _("Department renamed."))
    return redirect(url_for("admin.setup_teams", key=key) + "#departments")


@bp.route("/c/<key>/departments/<int:dept_id>/delete", methods=["POST"])
@admin_only
def setup_department_delete(key, dept_id):
    """Delete a department nobody belongs to."""
    return delete_button(key, Department, dept_id, ops.delete_department,
                         _("Department deleted."), "admin.setup_teams", "#departments")


@bp.route("/c/<key>/teams/template.xlsx")
@staff_only
def setup_team_template(key):
    """The example spreadsheet showing the import layout."""
    size, distinct = team_settings_of(competition_or_404(key).rules)
    return attachment(team_template_xlsx(size, distinct), "teams-template.xlsx",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _check(competition, rows, letters):
    """check_team_rows against what the competition already holds, under its team rules."""
    size, distinct = team_settings_of(competition.rules)
    return check_team_rows(
        rows, letters=letters, size=size, distinct=distinct,
        existing_keys={t.key for t in competition.teams},
        existing_names={t.name for t in competition.teams},
        existing_members={m.name for t in competition.teams for m in t.members},
        departments={d.name for d in competition.departments})


def _preview(competition, result, confirm_form=None, status=200):
    """The preview page: every row, every problem, and the confirm form when all is well."""
    by_row, general = {}, []
    for row, column, msg, params in result.problems:
        label = LABELS.get(column)
        entry = {"column": column, "letter": result.letters.get(column, ""),
                 "label": _(label) if label else "", "text": problem_text(msg, params)}
        (by_row.setdefault(row, []) if row else general).append(entry)
    keys = {row: team["key"] for team in result.teams for row in team["rows"]}
    if confirm_form is None and result.ok:
        confirm_form = ImportConfirmForm()
    if confirm_form is not None and result.ok:
        confirm_form.payload.data = _serializer().dumps({
            "c": competition.id, "letters": result.letters,
            "rows": [[r.row, r.key, r.name, r.member, r.department] for r in result.rows]})
    g.page_title = _("Import preview")
    return render_template("admin/setup/import_preview.html", competition=competition,
                           result=result, by_row=by_row, general=general, keys=keys,
                           confirm_form=confirm_form if result.ok else None,
                           problem_rows=len(by_row)), status



@bp.route("/c/<key>/teams/import", methods=["POST"])
@admin_only
def setup_team_import(key):
    """Read the uploaded spreadsheet and show the preview; nothing is saved here."""
    competition = competition_or_404(key)
    table = uploaded_table(ImportForm())
    if table is None:
        return redirect(url_for("admin.setup_teams", key=key) + "#import")
    size, distinct = team_settings_of(competition.rules)
    rows, letters = rows_from_table(table, departments_required(size, distinct))
    return _preview(competition, _check(competition, rows, letters))


@bp.route("/c/<key>/teams/import/confirm", methods=["POST"])
@admin_only
def setup_team_import_confirm(key):
    """Import the previewed rows, all or nothing, after checking them again."""
    competition = competition_or_404(key)
    form = ImportConfirmForm()
    try:
        data = _serializer().loads(form.payload.data or "", max_age=PREVIEW_MAX_AGE)
        if data.get("c") != competition.id:
            raise BadSignature("other competition")
        rows = [TeamRow(int(r[0]), *(str(v) for v in r[1:5])) for r in data["rows"]]
        letters = dict(data.get("letters") or {})
    except (BadSignature, KeyError, TypeError, ValueError, IndexError, AttributeError):
        flash(_("The preview expired or was changed. Upload the file again."), "error")
        return redirect(url_for("admin.setup_teams", key=key) + "#import")
    if not form.validate_on_submit():
        abort(400)
    result = _check(competition, rows, letters)
    if not result.ok:
        flash(_("Something changed since the preview; nothing was imported."), "error")
        return _preview(competition, result, status=409)
    create = sorted(result.unknown_departments)
    if create and not form.create_departments.data:
        flash(_("Some departments do not exist yet: tick the box to create them, or add "
                "them first. Nothing was imported."), "error")
        return _preview(competition, result, confirm_form=form, status=422)
    commit_or_fail(lambda: ops.import_teams(competition, result.teams, create),
                   lambda count: _("Imported %(count)s teams.", count=count))
    return redirect(url_for("admin.setup_teams", key=key))
