"""Published results for everyone (no login): only stages whose state is 'published' count."""
from flask import abort, g, render_template
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import rules as R
from ..extensions import db
from ..models import Competition, Stage, Team
from ..results.exports import number_text
from ..results.standings import contest_input
from . import bp


@bp.route("/results/")
def results_index():
    """The competitions with at least one published stage."""
    published = (select(Stage.competition_id).where(Stage.state == "published")
                 .group_by(Stage.competition_id))
    competitions = db.session.scalars(
        select(Competition).where(Competition.id.in_(published))
        .order_by(Competition.archived, Competition.created_at.desc())).all()
    g.page_title = _("Published results")
    return render_template("public/results_index.html", competitions=competitions)


@bp.route("/results/<key>")
def results(key):
    """The ranking over the published stages; a friendly page while nothing is published."""
    competition = db.session.scalar(select(Competition).where(Competition.key == key))
    if competition is None:
        abort(404)
    g.page_title = competition.name
    n_stages = db.session.scalar(select(func.count()).select_from(Stage)
                                 .where(Stage.competition_id == competition.id))
    try:
        contest = contest_input(competition, published_only=True)
        if not contest.stages:
            return render_template("public/results_pending.html", competition=competition)
        result = R.compute_results(contest)
    except R.SettingsError:
        # Broken settings are the organizer's to fix; the public sees "not yet".
        return render_template("public/results_pending.html", competition=competition)
    complete = len(contest.stages) == n_stages
    decimals = contest.rules.decimals
    names = dict(db.session.execute(select(Team.key, Team.name)
                                    .where(Team.competition_id == competition.id)).all())
    rows = [{
        "result": t, "name": names.get(t.team, t.team),
        "rank": "" if t.rank is None else f"{t.rank}=" if t.tied else str(t.rank),
        "stages": [number_text(t.stages[s.key].score, decimals) for s in contest.stages],
        "deductions": [R.decimal_text(t.stages[s.key].deduction)
                       if t.stages[s.key].deduction else None for s in contest.stages],
        "final": number_text(t.final, decimals),
        "award": t.award if complete else None,
    } for t in result.teams]
    return render_template("public/results.html", competition=competition,
                           stages=contest.stages, rows=rows, complete=complete,
                           fingerprint=result.fingerprint if complete else None)
