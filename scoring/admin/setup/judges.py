"""Judges: list, add, edit, delete; each judge's private link, QR code and link renewal.

Every page here is for admin accounts only, the menu entry too: a judge's link is a
credential (whoever holds it scores as that judge), so staff never see one.
"""
import base64
import io

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...models import Judge
from ...operations import setup_judges as ops
from ...operations.tokens import judge_link_path
from ...web.venue import VenueError, public_base_url
from .. import bp, nav
from .common import (
    admin_only,
    commit_or_fail,
    competition_or_404,
    delete_button,
    owned_or_404,
    problem_text,
    uploaded_table,
)
from .forms import ActionForm, ImportForm, JudgeForm

nav.register(40, "admin.setup_judges", _l("Judges"), admin_only=True)


def qr_data_uri(text: str) -> str:
    """An SVG QR code of text as a data: URI (the page's CSP allows data: images)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(text, image_factory=SvgPathImage, border=2,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


@bp.route("/c/<key>/judges", methods=["GET", "POST"])
@admin_only
def setup_judges(key):
    """The panel, and a form to add a judge."""
    competition = competition_or_404(key)
    form = JudgeForm()
    if request.method == "POST" and form.validate_on_submit() and commit_or_fail(
            lambda: ops.save_judge(competition, None, key=form.key.data, name=form.name.data,
                                   group=form.group.data, department=form.department.data,
                                   note=form.note.data,
                                   new_department=form.new_department.data),
            lambda judge: _('Judge "%(judge)s" added.', judge=judge.name), form):
        return redirect(url_for("admin.setup_judges", key=key))
    g.page_title = _("Judges")
    return render_template("admin/setup/judges.html", competition=competition, form=form,
                           action_form=ActionForm(), import_form=ImportForm())


@bp.route("/c/<key>/judges/import", methods=["POST"])
@admin_only
def setup_judge_import(key):
    """Judges from a spreadsheet, all or nothing: every problem named by row and column."""
    from ...imports.judges import LABELS, check_judge_rows, rows_from_table

    competition = competition_or_404(key)
    table = uploaded_table(ImportForm())
    if table is None:
        return redirect(url_for("admin.setup_judges", key=key) + "#import-judges")
    rows, letters = rows_from_table(table)
    result = check_judge_rows(rows, existing_keys={j.key for j in competition.judges},
                              departments={d.name for d in competition.departments},
                              letters=letters)
    if not result.ok:
        for row, column, msg, params in result.problems:
            where = []
            if row:
                where.append(_("row %(row)s", row=row))
            if column:
                where.append(_("column %(letter)s (%(label)s)", letter=letters.get(column, "?"),
                               label=_(LABELS[column])))
            text = problem_text(msg, params)
            flash((_(", ").join(where) + _(": ") + text) if where else text, "error")
        flash(_("Nothing was imported: fix the file and upload it again."), "error")
        return redirect(url_for("admin.setup_judges", key=key) + "#import-judges")
    if not commit_or_fail(lambda: ops.import_judges(competition, result.judges),
                          lambda count: _("Imported %(count)s judges.", count=count)):
        return redirect(url_for("admin.setup_judges", key=key) + "#import-judges")
    return redirect(url_for("admin.setup_judges", key=key))


@bp.route("/c/<key>/judges/<int:judge_id>")
@admin_only
def setup_judge(key, judge_id):
    """One judge: their private link as text and as a QR code, and link renewal."""
    competition = competition_or_404(key)
    judge = owned_or_404(Judge, judge_id, competition)
    g.page_title = judge.name
    # The link tablets open: the venue address, never the one this browser uses.
    try:
        url = public_base_url(current_app._get_current_object()) + "/j/" + \
            judge_link_path(judge)
    except VenueError as exc:
        url, problem = None, exc.message
    else:
        problem = None
    return render_template("admin/setup/judge_detail.html", competition=competition,
                           judge=judge, url=url, qr=qr_data_uri(url) if url else None,
                           form=ActionForm(), problem=problem)


@bp.route("/c/<key>/judges/<int:judge_id>/edit", methods=["GET", "POST"])
@admin_only
def setup_judge_edit(key, judge_id):
    """Edit a judge."""
    competition = competition_or_404(key)
    judge = owned_or_404(Judge, judge_id, competition)
    form = JudgeForm()
    if request.method == "GET":
        form.key.data, form.name.data, form.group.data = judge.key, judge.name, judge.panel_group
        form.department.data = judge.department.name if judge.department else ""
        form.note.data = judge.note
    elif form.validate_on_submit() and commit_or_fail(
            lambda: ops.save_judge(competition, judge, key=form.key.data, name=form.name.data,
                                   group=form.group.data, department=form.department.data,
                                   note=form.note.data,
                                   new_department=form.new_department.data),
            _("Saved."), form):
        return redirect(url_for("admin.setup_judge", key=key, judge_id=judge_id))
    g.page_title = _("Edit judge")
    return render_template("admin/setup/judge_edit.html", competition=competition, judge=judge,
                           form=form)


@bp.route("/c/<key>/judges/<int:judge_id>/delete", methods=["POST"])
@admin_only
def setup_judge_delete(key, judge_id):
    """Delete a judge (refused once they have sheets)."""
    return delete_button(key, Judge, judge_id, ops.delete_judge, _("Judge deleted."),
                         "admin.setup_judges")


@bp.route("/c/<key>/judges/<int:judge_id>/regenerate", methods=["POST"])
@admin_only
def setup_judge_regenerate(key, judge_id):
    """A new private link; the old link and the sessions opened with it stop at once."""
    competition = competition_or_404(key)
    judge = owned_or_404(Judge, judge_id, competition)
    form = ActionForm()
    if form.validate_on_submit():
        commit_or_fail(lambda: ops.regenerate_link(judge, form.reason.data or ""),
                       _("New link made: the old link no longer works. Print a new card."))
    return redirect(url_for("admin.setup_judge", key=key, judge_id=judge_id))
