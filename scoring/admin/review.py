"""The chief judge's review on the results page, and publishing from there.

The review lists what still needs a look before the ranking is published (rules.review
items in words, with names); publishing asks for an explicit confirmation that says
what will become public.
"""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Optional

from .. import rules as R
from ..extensions import db
from ..operations import setup_stages
from ..operations.setup_base import SetupError
from ..web.lookups import competition_or_404
from ..web.security import admin_required
from . import bp
from .forms import SafeForm as FlaskForm  # text fields refuse control characters
from .results import load, problem_text


def review_lines(competition, contest, result) -> list[dict]:
    """The review items of a result in words: {kind, text, team (key or None)}."""
    teams = {t.key: t.name for t in competition.teams}
    judges = {j.key: j.name or j.key for j in contest.judges}
    stages = {s.key: s.name for s in contest.stages}
    decimals = contest.rules.decimals
    lines = []
    items = R.review_items(result, contest.rules.awards)
    # Missing sheets read best per judge and stage: one line "judge: these teams", not
    # one line per team (a stage in progress has dozens).
    waiting = {}
    for item in items:
        if item.kind == R.review.MISSING:
            for judge in item.judges:
                waiting.setdefault((item.stage, judge), []).extend(item.teams)
    for (stage_key, judge), team_keys in waiting.items():
        shown = [teams.get(k, k) for k in team_keys]
        text = "、".join(shown[:6]) + (_(" and %(count)s more", count=len(shown) - 6)
                                       if len(shown) > 6 else "")
        lines.append({"kind": R.review.MISSING, "team": None, "text": _(
            "%(stage)s: no sheet yet from %(judge)s for %(teams)s.",
            stage=stages.get(stage_key, stage_key), judge=judges.get(judge, judge),
            teams=text)})
    for item in items:
        if item.kind == R.review.MISSING:
            continue
        names = "、".join(teams.get(k, k) for k in item.teams)
        stage = stages.get(item.stage, item.stage)
        who = "、".join(judges.get(k, k) for k in item.judges)
        if item.kind == R.review.TOO_FEW:
            text = _("%(team)s, %(stage)s: scored on %(count)s sheets only, fewer than the "
                     "trim needs; nothing was dropped.", team=names, stage=stage,
                     count=item.sheets)
        elif item.kind == R.review.GROUP_MISSING:
            text = _("%(team)s, %(stage)s: a panel group has no sheet; the other groups' "
                     "weights were scaled up.", team=names, stage=stage)
        elif item.kind == R.review.VARIANCE:
            text = _("%(team)s, %(stage)s: the sheet of %(judge)s (%(total)s) is far from "
                     "the panel's mean.", team=names, stage=stage, judge=who,
                     total=R.decimal_text(R.round_half_up(item.total, decimals)))
        else:
            text = _("%(teams)s share a rank across the end of %(tier)s: all of them "
                     "receive %(tier)s.", teams=names, tier=item.tier)
        lines.append({"kind": item.kind, "text": text,
                      "team": item.teams[0] if len(item.teams) == 1 else None})
    return lines


class PublishForm(FlaskForm):
    """Publishing needs an explicit tick, and may carry a reason for the audit log."""

    confirm = BooleanField(_l("I have reviewed the results; publish them."),
                           validators=[DataRequired()])
    reason = StringField(_l("Note for the audit log"), validators=[Optional(), Length(max=2000)])


@bp.route("/c/<key>/results/publish", methods=["GET", "POST"])
@admin_required
def publish_results(key):
    """Say what publishing does (stages, open review items), then publish on confirmation."""
    competition = competition_or_404(key)
    g.page_title = _("Publish results")
    form = PublishForm()
    problems = [problem_text((None, m, p)) for m, p in
                setup_stages.publish_problems(competition)]
    contest, result = load(competition)
    if contest is None:
        problems += result
        review = []
    else:
        review = review_lines(competition, contest, result)
    if request.method == "POST" and not problems and form.validate_on_submit():
        try:
            published = setup_stages.publish_results(competition, form.reason.data or "")
        except SetupError as e:
            db.session.rollback()
            flash(problem_text((None, e.message, e.params)), "error")
        else:
            db.session.commit()
            flash(_("Published: %(stages)s. The public results page and the projector now "
                    "show the ranking.", stages="、".join(s.name for s in published)),
                  "success")
            return redirect(url_for("admin.results", key=key))
    status = 422 if request.method == "POST" else 200
    to_publish = [s for s in competition.stages if s.state == "closed"]
    return render_template("admin/results/publish.html", competition=competition, form=form,
                           problems=problems, review=review, to_publish=to_publish,
                           provisional=contest is not None and result.provisional), status
