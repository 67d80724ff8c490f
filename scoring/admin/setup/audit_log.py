"""The audit log: who changed what and when, newest first, filtered and paginated."""
import json

from flask import g, render_template, request
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...models import AuditEntry, Competition
from ...rules import parse_id, parse_whole
from ...rules.moments import day_start_utc
from .. import bp, nav
from .audit_text import describe
from .common import admin_only
from .forms import AuditFilterForm, choices

nav.register(90, "admin.setup_audit", _l("Audit log"), per_competition=False, admin_only=True)

PER_PAGE = 50


def _utc(day, end=False):
    """Local midnight of a date (the venue's time zone) as naive UTC, as stored (the
    form's DayField refused a date outside rules.moments' range)."""
    return day_start_utc(day, get_timezone(), end=end)


def _pretty(text: str) -> str:
    """Before/after JSON indented for reading (shown as it is when it is not JSON)."""
    if not text:
        return ""
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, indent=1, sort_keys=True)
    except ValueError:
        return text


@bp.route("/audit")
@admin_only
def setup_audit():
    """Audit entries newest first; filter by competition, actor, action and dates."""
    competitions = db.session.scalars(db.select(Competition).order_by(Competition.key)).all()
    form = AuditFilterForm(request.args)
    form.competition.choices = choices([("", _("All"))] + [(str(c.id), f"{c.key} {c.name}")
                                                           for c in competitions])
    form.validate()
    query = db.select(AuditEntry)
    competition_id = parse_id(str(form.competition.data or ""))
    if competition_id is not None:
        query = query.where(AuditEntry.competition_id == competition_id)
    if form.actor.data:
        query = query.where(AuditEntry.actor.contains(form.actor.data.strip(), autoescape=True))
    if form.action.data:
        query = query.where(AuditEntry.action.startswith(form.action.data.strip(),
                                                         autoescape=True))
    if form.date_from.data and not form.date_from.errors:
        query = query.where(AuditEntry.at >= _utc(form.date_from.data))
    if form.date_to.data and not form.date_to.errors:
        query = query.where(AuditEntry.at < _utc(form.date_to.data, end=True))
    page = request.args.get("page", "1")
    page = max(1, parse_whole(page, max_digits=6) or 1)
    total = db.session.scalar(db.select(db.func.count()).select_from(query.subquery())) or 0
    entries = db.session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                                 .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    names = {c.id: c.key for c in competitions}
    pages = max(1, -(-total // PER_PAGE))
    args = {k: v for k, v in request.args.items() if k != "page"}
    g.page_title = _("Audit log")
    return render_template("admin/setup/audit.html", form=form, rows=describe(entries),
                           names=names, page=page, pages=pages, total=total, args=args,
                           pretty=_pretty)
