"""Judge review from the database: per stage, every judge's figures (rules/judge_review.py)
over the sheets that counted in the results, with their variance flags."""
from .. import rules as R
from .standings import contest_input, gc_paused


def review_for(competition) -> tuple:
    """(contest, {stage key: [rules.JudgeReview]}) over every stage's counted sheets."""
    with gc_paused():
        contest = contest_input(competition)
        result = R.compute_results(contest)
    out = {}
    for stage in contest.stages:
        totals, flagged = {}, set()
        for line in result.teams:
            if line.withdrawn or stage.key not in line.stages:
                continue
            for s in line.stages[stage.key].sheets:
                totals[(s.judge, line.team)] = s.total
                if s.variance_flag:
                    flagged.add((s.judge, line.team))
        out[stage.key] = R.judge_review(totals, flagged)
    return contest, out
