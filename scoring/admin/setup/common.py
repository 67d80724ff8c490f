"""Helpers shared by the setup pages: lookups that 404, translated errors, one commit."""
from flask import abort, flash, redirect, url_for
from flask_babel import gettext

from ...extensions import db
from ...operations.setup_base import SetupError
from ...rules import parse_id
from ...rules.text import file_label
from ...web.flashes import short
from ...web.lookups import competition_or_404  # noqa: F401 (used by the setup pages)
from ...web.security import admin_required, staff_required
from .. import bp
from ..forms import validated
from .forms import ActionForm


def owned_or_404(model, object_id: int, competition, attr: str = "competition_id",
                 via: str | None = None):
    """A row of model that belongs to this competition, or 404 (no cross-competition ids);
    `via` names the row's relation that belongs to it instead (a sheet's "judge")."""
    obj = db.session.get(model, object_id)
    owner = getattr(obj, via) if obj is not None and via else obj
    if obj is None or getattr(owner, attr) != competition.id:
        abort(404)
    return obj


def picked_or_404(model, raw, competition):
    """The row whose id was picked in a form (text), as owned_or_404; a non-number is 404.

    ASCII digits only, and few of them: a 40-digit id would overflow the database's
    integer (a 500 on PostgreSQL), and "١" is a digit to str.isdigit."""
    return owned_or_404(model, parse_id(str(raw or "")) or 0, competition)


def message(error) -> str:
    """A RuleError/SetupError in the current language."""
    return gettext(error.message, **error.params) if error.params else gettext(error.message)


def show_error(error, form=None) -> None:
    """Put a SetupError on its form field when there is one, else flash it."""
    field = getattr(error, "field", None)
    if form is not None and field and field in form._fields:
        target = form._fields[field]
        errors = list(target.errors) if target.errors else []
        errors.append(message(error))
        target.errors = errors
        return
    flash(message(error), "error")


def fail(error, form=None) -> None:
    """Undo what the request changed and show the error: a refused change changes nothing."""
    db.session.rollback()
    show_error(error, form)


def problem_text(msg: str, params: dict) -> str:
    """A (message template, params) problem in the current language; echoed texts are
    shortened (web/flashes.py: a problem is mostly flashed, and a flash lives in the cookie)."""
    if not params:
        return gettext(msg)
    return gettext(msg, **{k: short(v) if isinstance(v, str) else v for k, v in params.items()})


@bp.app_template_filter("setup_dec")
def decimal_filter(value) -> str:
    """A Decimal as plain text without trailing zeros ("0.3", not "0.3000")."""
    from ...rules import decimal_text

    return "" if value is None else decimal_text(value)


# The shared decorators refuse a judge's session with 403 themselves (security.py).
admin_only = admin_required
staff_only = staff_required


def commit_or_fail(action, done, form=None) -> bool:
    """Run a setup operation and commit once; a SetupError is shown and changes nothing.

    `done` is the message flashed on success, or a function making it from what the
    operation returned (the saved row's name, a count).
    """
    try:
        result = action()
    except SetupError as error:
        fail(error, form)
        return False
    db.session.commit()
    flash(done(result) if callable(done) else done, "success")
    return True


def delete_button(key, model, row_id, delete, done: str, back: str, anchor: str = ""):
    """A delete button of a setup list: the competition's row or 404; with a valid form,
    delete(row) committed once (a refusal is shown, nothing changes); back to the list
    (the endpoint `back`, at `anchor`)."""
    competition = competition_or_404(key)
    row = owned_or_404(model, row_id, competition)
    if ActionForm().validate_on_submit():
        commit_or_fail(lambda: delete(row), done)
    return redirect(url_for(back, key=key) + anchor)


def uploaded_table(form):
    """The table of the spreadsheet uploaded with form (an ImportForm), or None after
    flashing why not (form expired, no file, unreadable or too big a file).

    The request's read-only transaction ends first: reading a spreadsheet can take
    seconds, and on SQLite every transaction holds the write lock from its start (BEGIN
    IMMEDIATE, database/engine.py), so judges' submissions go through while the file is
    parsed. Reads after the parse start a new transaction.
    """
    from flask import request

    from ...imports import MAX_BYTES, SpreadsheetError, read_table

    db.session.commit()
    if not validated(form, gettext("The form expired; try again.")):
        return None
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(gettext("Choose a spreadsheet file first."), "error")
        return None
    try:
        return read_table(upload.filename, upload.stream.read(MAX_BYTES + 1))
    except SpreadsheetError as e:
        flash(gettext("%(file)s: %(problem)s", file=short(file_label(upload.filename)),
                      problem=message(e)), "error")
        return None
