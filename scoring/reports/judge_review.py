"""Judge review (评委评分分析) for the chief judge: per stage and judge the mean deviation
from the panel mean, Spearman's rho against the panel's order, the variance flags, and a
chart of the deviations (DESIGN section 11; definitions in rules/judge_review.py)."""
from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from ..results.judge_review import review_for
from ..rules.judge_review import fraction_text
from .charts import signed_bars
from .common import judge_label, localized
from .frame import Meta, frame_width, render
from .table import grid_table
from .text import Styles, configured_fonts


@localized
def build_judge_review(competition) -> bytes:
    """The judge-review PDF: one table and one chart per stage."""
    contest, review = review_for(competition)
    judges = {j.key: j for j in contest.judges}
    st = Styles(configured_fonts())
    width = frame_width(False)
    story = [st.p(_("Mean deviation: the judge's sheet total minus the panel mean (the "
                    "plain mean of every counted sheet of the team), averaged over the "
                    "teams the judge scored; below zero is stricter than the panel. Rank "
                    "correlation: Spearman's rho, 1 - 6Σd²/(n(n²-1)), between the judge's "
                    "order and the panel's order of the same teams (ties share the average "
                    "rank); 1 is the same order."), st.small)]
    for stage in contest.stages:
        rows = review[stage.key]
        story.append(st.p(stage.name, st.h2))
        if not rows:
            story.append(st.p(_("No sheet counted yet."), st.body))
            continue
        header = [st.p(h, st.head) for h in (_("Judge"), _("Sheets"), _("Mean deviation"),
                                              _("Rank correlation"), _("Variance flags"))]
        body = [[st.p(judge_label(judges[r.judge]) if r.judge in judges else r.judge),
                 st.p(str(r.sheets), st.cell_right),
                 st.p(fraction_text(r.mean_deviation), st.cell_right),
                 st.p(fraction_text(r.rank_correlation, 3) if r.rank_correlation is not None
                      else "—", st.cell_right),
                 st.p(str(r.flags), st.cell_right)] for r in rows]
        widths = [width * f for f in (0.36, 0.12, 0.18, 0.18, 0.16)]
        story.append(grid_table(header, body, widths))
        story.append(Spacer(1, 2 * mm))
        story.append(signed_bars(
            [judges[r.judge].name if r.judge in judges else r.judge for r in rows],
            [r.mean_deviation for r in rows], font=st.fonts.regular, width=width,
            title=_("Mean deviation from the panel mean (points)")))
    return render(story, Meta(competition=competition.name, title=_("Judge review")))
