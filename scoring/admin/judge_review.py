"""Organizer page "Judge review" (for the chief judge), reached from the results page:
per stage and judge the mean deviation from the panel mean, the rank correlation with
the panel, the variance flags, and bars of the deviations (DESIGN section 11)."""
from flask import g, render_template
from flask_babel import gettext as _

from ..results.judge_review import review_for
from ..rules.judge_review import fraction_text
from ..web.lookups import competition_or_404
from ..web.security import staff_required
from . import bp


@bp.route("/c/<key>/results/judges")
@staff_required
def judge_review(key):
    """The judge review of every stage, as the judge-review report prints it."""
    competition = competition_or_404(key)
    contest, review = review_for(competition)
    judges = {j.key: j for j in contest.judges}
    stages = []
    for stage in contest.stages:
        rows = review[stage.key]
        bound = max([abs(r.mean_deviation) for r in rows] + [1])
        stages.append((stage, [{
            "judge": judges.get(r.judge), "key": r.judge, "sheets": r.sheets,
            "deviation": fraction_text(r.mean_deviation),
            "rho": fraction_text(r.rank_correlation, 3) if r.rank_correlation is not None
            else "—", "flags": r.flags,
            # Bar from the middle: its width in % of half the chart, left when negative.
            "bar": float(abs(r.mean_deviation) / bound * 50), "negative": r.mean_deviation < 0,
        } for r in rows]))
    g.page_title = _("Judge review")
    return render_template("admin/results/judge_review.html", competition=competition,
                           stages=stages)
