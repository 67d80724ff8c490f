"""The one entry point the app calls: a whole competition's results from plain records."""

from .aggregate import stage_result
from .awards_ties import assign_awards_by
from .deductions import apply_deduction, deduction_totals
from .errors import SettingsError
from .fingerprint import fingerprint
from .model import ContestResult, TeamResult
from .ranking import RankEntry, final_score, rank_teams, tie_break_value
from .recusal import recusal_matrix
from .validate import checked_totals


def _draw_key(team):
    return (team.draw is None, team.draw or 0, team.key)


def compute_results(contest) -> ContestResult:
    """Rules 2-11: stage scores, finals, ranks, awards and flags of every team."""
    if contest.layout is not None:
        from .advancement import compute_layout_results  # section 12

        return compute_layout_results(contest)
    # sheets: (team, stage) -> submitted sheets (drafts never count, rule 1), the
    # validated input of stage_result below; totals: their sheet totals, or None.
    problems, sheets, totals = checked_totals(contest)
    if problems:
        raise SettingsError(problems)
    rules = contest.rules
    matrix = recusal_matrix(contest.judges, contest.teams, contest.recusals)
    absent = {s.key: {a.judge for a in contest.absences if a.stage == s.key}
              for s in contest.stages}

    judge_groups = {j.key: j.group for j in contest.judges}
    deductions = deduction_totals(contest.deductions)
    per_team = {}
    entries = []
    for team in contest.teams:
        recused = {j.key for j in contest.judges if matrix[(j.key, team.key)].recused}
        stages = {
            st.key: stage_result(rules, st, team.key, contest.judges,
                                 sheets.get((team.key, st.key), ()), recused, absent[st.key],
                                 expected=not team.withdrawn, judge_groups=judge_groups,
                                 validated=True,  # checked_totals found nothing above
                                 totals=None if totals is None else totals.get((team.key, st.key)))
            for st in contest.stages
        }
        if deductions:  # rule 12: on the rounded (normalized) stage score
            stages = {k: apply_deduction(r, deductions.get((team.key, k)), rules.decimals)
                      for k, r in stages.items()}
        final = final_score(contest.stages, {k: r.score for k, r in stages.items()},
                            rules.decimals, rules.final_rounding)
        ties = {k: tie_break_value(k, contest.stages, stages, rules.decimals,
                                   rules.final_rounding)
                for k in rules.tie_breaks}
        per_team[team.key] = (stages, final, ties)
        if not team.withdrawn:
            entries.append(RankEntry(team.key, final, ties, team.draw))

    placements = rank_teams(entries, rules.tie_breaks)
    awards = assign_awards_by(
        {t.key: (placements[t.key].rank if t.key in placements else None)
         for t in contest.teams}, rules.awards, rules.award_ties)

    results = []
    for team in contest.teams:
        stages, final, ties = per_team[team.key]
        p = placements.get(team.key)
        provisional = not team.withdrawn and (
            final is None or any(r.provisional for r in stages.values()))
        results.append(TeamResult(
            team=team.key, stages=stages, final=final,
            rank=p.rank if p else None, tied=p.tied if p else False,
            tie_note=p.tie_note if p else None, tie_values=ties,
            award=awards.get(team.key), withdrawn=team.withdrawn,
            provisional=provisional, draw=team.draw))

    by_key = {t.key: t for t in contest.teams}

    def display_key(r):
        # Ranked by rank then draw order; then unranked teams; withdrawn teams last.
        group = 0 if r.rank is not None else (2 if r.withdrawn else 1)
        return (group, r.rank or 0, _draw_key(by_key[r.team]))

    ordered = tuple(sorted(results, key=display_key))
    draw_order = tuple(t.key for t in sorted(contest.teams, key=_draw_key) if not t.withdrawn)
    return ContestResult(
        teams=ordered, provisional=any(r.provisional for r in ordered),
        fingerprint=fingerprint(ordered), draw_order=draw_order,
        calibration_reveal=rules.calibration_reveal,
        has_deductions=any(d.counts for d in contest.deductions))
