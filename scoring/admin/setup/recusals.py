"""Recusals (回避): the judge x team grid, manual recusals and lifted automatic ones."""
from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...models import Judge, Recusal, Team
from ...operations import setup_recusals as ops
from ...rules import Judge as RJudge
from ...rules import Recusal as RRecusal
from ...rules import Team as RTeam
from ...rules import recusal_matrix
from .. import bp, nav
from .common import (
    admin_only,
    commit_or_fail,
    competition_or_404,
    owned_or_404,
    picked_or_404,
)
from .forms import ActionForm, RecusalForm, choices

nav.register(45, "admin.setup_recusals", _l("Recusals"), admin_only=True)


def competition_recusals(competition):
    """(manual decisions, matrix from rules.recusal_matrix) of a competition."""
    decisions = db.session.scalars(
        db.select(Recusal).join(Judge).where(Judge.competition_id == competition.id)
        .order_by(Recusal.created_at)).all()
    judges = [RJudge(key=j.key, group=j.panel_group,
                     department=j.department.name if j.department else None)
              for j in competition.judges]
    teams = [RTeam(key=t.key, draw=t.draw_position,
                   departments=tuple(m.department.name if m.department else None
                                     for m in t.members)) for t in competition.teams]
    matrix = recusal_matrix(judges, teams, [RRecusal(judge=r.judge.key, team=r.team.key,
                                                     reason=r.reason, lift=r.lift)
                                            for r in decisions])
    return decisions, matrix


@bp.route("/c/<key>/recusals", methods=["GET", "POST"])
@admin_only
def setup_recusals(key):
    """The grid; a form to recuse a judge from a team or to lift an automatic recusal."""
    competition = competition_or_404(key)
    form = RecusalForm()
    form.judge.choices = choices((str(j.id), f"{j.key} {j.name}") for j in competition.judges)
    form.team.choices = choices((str(t.id), f"{t.key} {t.name}") for t in competition.teams)
    if request.method == "GET":
        form.judge.data = request.args.get("judge", form.judge.data)
        form.team.data = request.args.get("team", form.team.data)
        if request.args.get("kind") in ("recuse", "lift"):
            form.kind.data = request.args["kind"]
    elif form.validate_on_submit():
        judge = picked_or_404(Judge, form.judge.data, competition)
        team = picked_or_404(Team, form.team.data, competition)
        _decisions, matrix = competition_recusals(competition)
        state = matrix.get((judge.key, team.key))
        if commit_or_fail(lambda: ops.decide(judge, team, lift=form.kind.data == "lift",
                                             reason=form.reason.data,
                                             automatic=bool(state and state.automatic)),
                          _("Saved."), form):
            return redirect(url_for("admin.setup_recusals", key=key))
    decisions, matrix = competition_recusals(competition)
    depts = {j.key: (j.department.name if j.department else None) for j in competition.judges}
    g.page_title = _("Recusals")
    return render_template("admin/setup/recusals.html", competition=competition, form=form,
                           decisions=decisions, matrix=matrix, depts=depts,
                           action_form=ActionForm())


@bp.route("/c/<key>/recusals/<int:recusal_id>/remove", methods=["POST"])
@admin_only
def setup_recusal_remove(key, recusal_id):
    """Remove a manual decision: the department rule alone applies again."""
    competition = competition_or_404(key)
    recusal = owned_or_404(Recusal, recusal_id, competition, via="judge")
    form = ActionForm()
    if form.validate_on_submit():
        commit_or_fail(lambda: ops.remove_decision(recusal, form.reason.data or ""),
                       _("Decision removed."))
    return redirect(url_for("admin.setup_recusals", key=key))
