"""The draw (抽签): random from a seed shown to the room, or typed in from paper lots."""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...operations import setup_draw as ops
from ...operations.setup_base import SetupError, scoring_started
from ...rules import (
    DRAW_ALGORITHM_EN,
    DRAW_ALGORITHM_ZH,
    DRAW_ONE_LINER,
    RuleError,
    new_seed,
    parse_whole,
    random_draw,
    validate_manual_draw,
)
from .. import bp, nav
from ..confirm import confirm_page
from .common import admin_only, competition_or_404, fail, problem_text
from .forms import ManualDrawForm, RandomDrawForm

nav.register(35, "admin.setup_draw", _l("Draw"), admin_only=True)


def _page(competition, random_form=None, manual_form=None, typed=None, problems=None,
          status=200):
    if random_form is None:
        # After a random draw the page keeps showing that seed (it may be on the projector);
        # a fresh one is offered only on request.
        # A seed already shown on the draw projector (before the draw) is kept too.
        keep = (competition.draw_method == "random" or (
            competition.draw_method is None and competition.draw_seed)) and not \
            request.args.get("new_seed")
        random_form = RandomDrawForm(seed=competition.draw_seed if keep else new_seed())
    manual_form = manual_form or ManualDrawForm()
    order = sorted((t for t in competition.teams if t.draw_position is not None),
                   key=lambda t: t.draw_position)
    algorithm = DRAW_ALGORITHM_ZH if str(get_locale()).startswith("zh") else DRAW_ALGORITHM_EN
    g.page_title = _("Draw")
    return render_template("admin/setup/draw.html", competition=competition, order=order,
                           random_form=random_form, manual_form=manual_form,
                           started=scoring_started(competition), algorithm=algorithm,
                           one_liner=DRAW_ONE_LINER, typed=typed or {},
                           problems=problems or {},
                           keys=" ".join(t.key for t in competition.teams)), status


def _confirm_override(competition, positions, action):
    """Before a draw changes after scoring began: which teams move, and what that does."""
    names = {t.key: t.name for t in competition.teams}
    before = {t.key: t.draw_position for t in competition.teams}
    moved = sorted((k for k in positions if positions[k] != before.get(k)),
                   key=lambda k: (positions[k] is None, positions[k] or 0))
    details = [_("%(team)s: %(before)s → %(after)s", team=names[k], before=before.get(k) or "—",
                 after=positions[k]) for k in moved]
    return confirm_page(
        _("Change the draw"),
        ngettext(
            "Scoring has started. %(num)d team moves to another position; the judges' "
            "lists, the projector and the printed draw follow the new order.",
            "Scoring has started. %(num)d teams move to other positions; the judges' "
            "lists, the projector and the printed draw follow the new order.", len(moved)),
        details, action, url_for("admin.setup_draw", key=competition.key))


def _needs_confirmation(competition, form) -> bool:
    """An override after scoring began is shown to the organizer before it is made."""
    return (bool(form.override.data) and scoring_started(competition)
            and request.form.get("confirm") != "yes")


@bp.route("/c/<key>/draw")
@admin_only
def setup_draw(key):
    """The current order, the random draw (seed shown big) and the manual draw form."""
    return _page(competition_or_404(key))


@bp.route("/c/<key>/draw/random", methods=["POST"])
@admin_only
def setup_draw_random(key):
    """Draw from the seed in the form; the order is recorded with the seed and audited."""
    competition = competition_or_404(key)
    form = RandomDrawForm()
    if form.validate_on_submit():
        if _needs_confirmation(competition, form) and (form.reason.data or "").strip():
            try:
                positions = random_draw(form.seed.data, [t.key for t in competition.teams])
            except RuleError as e:
                fail(e, form)
                return _page(competition, random_form=form, status=422)
            return _confirm_override(competition, positions,
                                     url_for("admin.setup_draw_random", key=key))
        try:
            ops.make_random_draw(competition, form.seed.data, override=form.override.data,
                                 reason=form.reason.data or "")
            db.session.commit()
        except SetupError as e:
            fail(e, form)
            return _page(competition, random_form=form, status=422)
        flash(_("Draw made with the seed %(seed)s.", seed=competition.draw_seed), "success")
        return redirect(url_for("admin.setup_draw", key=key))
    return _page(competition, random_form=form, status=422)


@bp.route("/c/<key>/draw/seed", methods=["POST"])
@admin_only
def setup_draw_seed(key):
    """Show the seed in the form on the draw projector before drawing (audited)."""
    competition = competition_or_404(key)
    form = RandomDrawForm()
    if form.validate_on_submit():
        try:
            ops.announce_seed(competition, form.seed.data)
            db.session.commit()
        except SetupError as e:
            fail(e, form)
            return _page(competition, random_form=form, status=422)
        flash(_("The draw projector now shows the seed %(seed)s; draw when the hall is ready.",
                seed=competition.draw_seed), "success")
        return redirect(url_for("admin.setup_draw", key=key))
    return _page(competition, random_form=form, status=422)


@bp.route("/c/<key>/draw/manual", methods=["POST"])
@admin_only
def setup_draw_manual(key):
    """Save positions typed in from the paper lots: every team once, 1..n, all or nothing."""
    competition = competition_or_404(key)
    form = ManualDrawForm()
    typed, positions = {}, {}
    for team in competition.teams:
        raw = (request.form.get(f"pos-{team.id}") or "").strip()
        typed[team.id] = raw
        position = parse_whole(raw, max_digits=5)
        if position is not None:
            positions[team.key] = position
        elif raw:
            positions[team.key] = raw  # validate_manual_draw reports it
        else:
            positions[team.key] = None
    if not form.validate_on_submit():
        return _page(competition, manual_form=form, typed=typed, status=422)
    if _needs_confirmation(competition, form) and (form.reason.data or "").strip() and \
            not validate_manual_draw(positions, [t.key for t in competition.teams]):
        return _confirm_override(competition, positions,
                                 url_for("admin.setup_draw_manual", key=key))
    try:
        ops.make_manual_draw(competition, positions, override=form.override.data,
                             reason=form.reason.data or "")
        db.session.commit()
    except SetupError as e:
        fail(e, form)
        problems = {}
        by_key = {t.key: t.id for t in competition.teams}
        for team_key, msg, params in getattr(e, "problems", []):
            problems.setdefault(by_key.get(team_key), []).append(
                problem_text(msg, params))
        return _page(competition, manual_form=form, typed=typed, problems=problems,
                     status=422)
    flash(_("Draw saved."), "success")
    return redirect(url_for("admin.setup_draw", key=key))

