"""Organizer page "Print": every printed report of a competition as a PDF download.

The judge login cards hold every judge's private link: anyone holding one scores as that
judge. They have their own route for admin accounts only, and staff never see the card
for them on this page (no button that answers 403).
"""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.routing import BuildError
from wtforms import Form, HiddenField, SelectField

from ..extensions import db
from ..models import Competition, Stage, Team
from ..rules import RuleError
from ..web.downloads import attachment
from ..web.lookups import competition_or_404
from ..web.security import admin_required, staff_required
from . import bp, nav

nav.register(60, "admin.reports", _l("Print"))

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PRINT_LANGS = ("zh_CN", "en")
# The report kind that prints judges' credentials: admin accounts only, own route.
JUDGE_LINKS = "judge-links"

# (kind, label, what it is, who signs) in the order shown on the page.
KIND_INFO = (
    ("ranking", _l("Final ranking"), _l("Ranking with stage scores, final score, awards, "
                                        "tie notes and the results fingerprint."),
     _l("Chief judge and supervisor sign.")),
    ("sheets", _l("Score sheets"), _l("One sheet per judge per stage: every team's "
                                      "criterion scores and total, in draw order."),
     _l("Each judge signs their sheet.")),
    ("team-detail", _l("Team score details"), _l("Per team: every judge's sheet, dropped "
                                                 "ones struck through, and the arithmetic."),
     _l("Chief judge signs.")),
    ("blank-sheets", _l("Paper score sheets"), _l("Empty sheets per judge per stage, the "
                                                  "fallback when a tablet fails."),
     _l("Each judge signs their sheet.")),
    ("draw", _l("Draw results"), _l("Presentation order with the seed and how to "
                                    "re-derive it."), _l("Supervisor signs.")),
    ("team-feedback", _l("Team feedback"), _l("Per team, over the published stages: its "
                                              "scores against the field's mean and best, its "
                                              "place per criterion, a chart, the comments "
                                              "without names. One file for every team."), ""),
    ("judge-review", _l("Judge review"), _l("Per judge and stage: mean deviation from the "
                                            "panel mean, rank correlation with the panel, "
                                            "variance flags, a chart."),
     _l("For the chief judge.")),
    ("judge-links", _l("Judge login cards"), _l("One card per judge with the QR code of "
                                                "their private link. Keep them safe."), ""),
)


class TeamChoiceForm(Form):
    """Pick one team for its detail sheet (a GET form: it changes nothing)."""

    team = SelectField(_l("Team"))
    print_lang = HiddenField()



def _lang():
    """The printout's language: ?print_lang=, not ?lang=, which is the interface's own
    language (choosing English printouts must not turn the organizer's page English);
    ?lang= is still read for downloads linked before the two were told apart."""
    lang = request.args.get("print_lang") or request.args.get("lang", "zh_CN")
    return lang if lang in PRINT_LANGS else "zh_CN"


def _ranking_xlsx_url(key):
    """The results engineer's ranking .xlsx download, if that route exists."""
    try:
        return url_for("admin.results_download", key=key, fmt="xlsx")
    except BuildError:
        return None


@bp.route("/c/<key>/reports")
@staff_required
def reports(key):
    """The print page: one button per report kind (and per stage where it applies)."""
    comp = competition_or_404(key)
    stages = db.session.execute(
        select(Stage.key, Stage.name).where(Stage.competition_id == comp.id)
        .order_by(Stage.position, Stage.id)).all()
    teams = db.session.execute(
        select(Team.key, Team.name, Team.draw_position).where(Team.competition_id == comp.id)
        .order_by(Team.draw_position.is_(None), Team.draw_position, Team.key)).all()
    lang = _lang()
    form = TeamChoiceForm(request.args if "team" in request.args else None, print_lang=lang)
    form.team.choices = [(t.key, f"{t.draw_position or '—'} · {t.name} ({t.key})")
                         for t in teams]
    g.page_title = _("Print")
    kinds = [k for k in KIND_INFO if k[0] != JUDGE_LINKS or current_user.is_admin]
    return render_template("admin/reports/index.html", competition=comp, stages=stages,
                           kinds=kinds, lang=lang, team_form=form,
                           ranking_xlsx=_ranking_xlsx_url(key))


def _send(data, name, mimetype):
    return attachment(data, name, mimetype)


def _base_url():
    """Where tablets reach this server (the venue address), never this browser's address.

    Raises VenueError when there is none (the organizer then chooses one).
    """
    from flask import current_app

    from ..web.venue import public_base_url

    return public_base_url(current_app._get_current_object())


@bp.route("/c/<key>/reports/<kind>.pdf")
@staff_required
def report_pdf(key, kind):
    """One report as a PDF download (?stage=, ?team=, ?print_lang= where they apply)."""
    from ..reports import KINDS

    # The judge cards are served by report_judge_links (admins) only; its static URL wins
    # the routing, and this refusal keeps it so should the routes ever change.
    if kind not in KINDS or kind == JUDGE_LINKS:
        abort(404)
    return _pdf(key, kind)


@bp.route("/c/<key>/reports/judge-links.pdf")
@admin_required
def report_judge_links(key):
    """The judge login cards (every judge's private link and QR code): admins only."""
    return _pdf(key, JUDGE_LINKS)


def _pdf(key, kind):
    from ..reports import STAGE_KINDS, TEAM_KINDS, FontError, ReportError, build
    from ..reports import filename as report_name

    comp = competition_or_404(key)
    stage = (request.args.get("stage") or None) if kind in STAGE_KINDS else None
    team = (request.args.get("team") or None) if kind in TEAM_KINDS else None
    from ..web.venue import VenueError

    try:
        base_url = _base_url() if kind == JUDGE_LINKS else None
    except VenueError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("admin.setup_venue"))
    try:
        pdf = build(kind, comp, stage=stage, team=team, base_url=base_url, lang=_lang())
    except ReportError:
        abort(404)
    except (FontError, RuleError) as exc:
        reason = (_(exc.message, **exc.params) if isinstance(exc, RuleError) and exc.params
                  else _(exc.message) if isinstance(exc, RuleError) else str(exc))
        flash(_("The report could not be made: %(reason)s", reason=reason), "error")
        return redirect(url_for("admin.reports", key=key))
    return _send(pdf, report_name(kind, comp, stage, team), PDF)


@bp.route("/c/<key>/reports/sheets.xlsx")
@staff_required
def report_sheets_xlsx(key):
    """Every score sheet as .xlsx: one worksheet per stage (?stage= for one)."""
    from ..reports import ReportError
    from ..reports import filename as report_name
    from ..reports.sheets_xlsx import build_sheets_xlsx

    comp = competition_or_404(key)
    stage = request.args.get("stage") or None
    try:
        data = build_sheets_xlsx(comp, stage=stage, lang=_lang())
    except ReportError:
        abort(404)
    except RuleError as exc:
        reason = (_(exc.message, **exc.params) if isinstance(exc, RuleError) and exc.params
                  else _(exc.message) if isinstance(exc, RuleError) else str(exc))
        flash(_("The report could not be made: %(reason)s", reason=reason), "error")
        return redirect(url_for("admin.reports", key=key))
    return _send(data, report_name("sheets", comp, stage, ext="xlsx"), XLSX)


@bp.route("/c/<key>/contest.json")
@staff_required
def contest_file(key):
    """The whole competition as one contest file: the archive and next year's start."""
    from ..contestfile import export_text

    comp = db.session.scalar(select(Competition).filter_by(key=key))
    if comp is None:
        abort(404)
    data = export_text(comp).encode("utf-8")
    return attachment(data, f"{comp.key}.json", "application/json")
