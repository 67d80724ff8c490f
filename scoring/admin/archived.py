"""An archived competition is read-only for organizers, as it already is for judges.

Judges' writes, paper entry, deductions and team uploads refuse an archived competition
on their own; the organizer's setup pages (rename, departments, teams, stages, rooms,
draw, the live board...) did not. One check before every organizer POST under
/admin/c/<key>/ refuses them all, with a message that says how to change the
competition again; only bringing it back and copying it as a new edition go through.
"""
from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Competition
from ..operations.setup_base import ArchivedError
from . import bp

# What an archived competition still allows (each changes nothing of the archived one),
# and the writes that refuse it themselves on rows read after the competition lock, in
# their own page (paper entry: the sheet's page says why; deductions).
ALLOWED = frozenset({"admin.setup_unarchive", "admin.setup_copy", "admin.setup_archive",
                     "admin.paper_entry", "admin.deductions", "admin.deduction_confirm",
                     "admin.deduction_remove"})


@bp.before_request
def archived_is_read_only():
    """Refuse an organizer's POST to an archived competition (flash, back to its page).

    Only for a logged-in organizer allowed on that page: anybody else gets what the
    view's own role check answers (a login page, 403), which says nothing about the
    competition.
    """
    if request.method != "POST" or request.endpoint in ALLOWED:
        return None
    key = (request.view_args or {}).get("key")
    if not isinstance(key, str) or not current_user.is_authenticated:
        return None
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "admin_only", False) and not current_user.is_admin:
        return None  # the view's own 403 comes first
    archived = db.session.scalar(select(Competition.archived).where(Competition.key == key))
    if not archived:
        return None
    return _refused(key)


@bp.errorhandler(ArchivedError)
def archived_after_the_check(exc):
    """The archive committed after the check above: the write found it under the lock
    (operations/setup_base.lock_unarchived) and changed nothing; the same answer."""
    db.session.rollback()
    key = (request.view_args or {}).get("key")
    if not isinstance(key, str):
        return redirect(url_for("admin.index"), code=303)
    return _refused(key)


def _refused(key):
    flash(_("The competition is archived; nothing can be changed. Bring it back first "
            "(competition settings on its overview page)."), "error")
    return redirect(url_for("admin.setup_overview", key=key), code=303)
