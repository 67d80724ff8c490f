"""Section 12: results of a competition with divisions, rooms and advancement (晋级).

Pure code, never touching the database. `compute_layout_results` is what
`compute_results` runs for a contest with a Layout: stage scores per room panel,
normalization across rooms, the qualification cut per division (ties at the cut all
qualify), the final ranking per division with the non-qualifiers after the qualifiers,
and award tiers per division over the division's whole order.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction

from .aggregate import stage_result
from .awards_ties import assign_awards_by
from .deductions import apply_deduction, deduction_totals
from .errors import N_, SettingsError
from .fingerprint import fingerprint
from .layout import Layout, layout_problems
from .model import ContestResult, StageResult, TeamResult
from .normalize import Normalization, normalize_stage
from .ranking import (
    RankEntry,
    final_score,
    rank_teams,
    tie_break_value,
)
from .recusal import recusal_matrix
from .validate import contest_problems


@dataclass(frozen=True)
class LayoutTeamResult(TeamResult):
    """A team's line with section 12's additions (division, qualification, raw scores)."""

    division: str | None = None
    qualified: bool | None = None
    qualification: Decimal | None = None
    raw_stages: Mapping[str, Decimal | None] = field(default_factory=dict, hash=False)
    rooms: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class LayoutResult(ContestResult):
    """The ranking of a section 12 competition, division by division."""

    layout: Layout | None = None
    divisions: tuple = ()  # division keys in order (None alone without divisions)
    normalizations: Mapping[str, Normalization] = field(default_factory=dict, hash=False)
    qualifying_stage: str | None = None
    division_fingerprints: Mapping = field(default_factory=dict, hash=False)

    def division_rows(self, division) -> tuple:
        """The rows of one division, in display order."""
        return tuple(t for t in self.teams if t.division == division)


def _draw_key(team):
    return (team.draw is None, team.draw or 0, team.key)


def scaled_stages(stages) -> tuple:
    """Stages with weights scaled to sum to 1 (each counts equally when they all weigh 0)."""
    weights = [Fraction(s.weight) if not isinstance(s.weight, Fraction) else s.weight
               for s in stages]
    total = sum(weights, Fraction(0))
    if total == 0:
        weights = [Fraction(1, len(stages))] * len(stages)
    else:
        weights = [w / total for w in weights]
    return tuple(replace(s, weight=w) for s, w in zip(stages, weights, strict=True))


def qualification_chain(tie_breaks, stages, q) -> tuple:
    """The tie-break chain for the cut: a stage:KEY naming stage q or a later one is skipped."""
    later = {s.key for s in stages[q:]}
    return tuple(tb for tb in tie_breaks
                 if not (tb.startswith("stage:") and tb.partition(":")[2] in later))


class _Run:
    """One computation: the contest, its panels and the stage results built so far."""

    def __init__(self, contest):
        self.contest = contest
        self.rules = contest.rules
        self.layout = contest.layout
        self.stages = contest.stages
        judges = contest.judges
        self.all_judges = tuple(j.key for j in judges)
        self.groups = {j.key: j.group for j in judges}
        matrix = recusal_matrix(judges, contest.teams, contest.recusals)
        self.recused = {t.key: {j.key for j in judges if matrix[(j.key, t.key)].recused}
                        for t in contest.teams}
        self.absent = {s.key: {a.judge for a in contest.absences if a.stage == s.key}
                       for s in self.stages}
        self.sheets = {}
        for s in contest.sheets:
            self.sheets.setdefault((s.team, s.stage), []).append(s)
        self.raw = {}       # (team, stage) -> StageResult before normalization
        self.adjusted = {}  # (team, stage) -> StageResult whose score the final uses

    def score(self, stage, team, expected):
        """Rule 3 within the team's panel (its room's, the stage's, or every judge)."""
        plan = self.layout.plan(stage.key)
        panel = self.layout.panel(team.key, stage.key, self.all_judges)
        groups = {k: self.groups[k] for k in panel if k in self.groups}
        own = [s for s in self.sheets.get((team.key, stage.key), ()) if s.judge in groups]
        result = stage_result(self.rules, stage, team.key, (), own, self.recused[team.key],
                              self.absent[stage.key], expected=expected, judge_groups=groups)
        if expected and plan.rooms and self.layout.room_of(team.key, stage.key) is None:
            result = replace(result, provisional=True)  # not drawn into a room yet
        return result


def compute_layout_results(contest) -> LayoutResult:
    """Section 12 results of a whole competition (see the module docstring)."""
    problems = contest_problems(contest, strict=False) + layout_problems(contest)
    if problems:
        raise SettingsError(problems)
    run = _Run(contest)
    rules, layout, stages, teams = run.rules, run.layout, run.stages, contest.teams
    q = layout.qualifying_stage(stages)
    qualified, qual_scores, qual_ties, qual_chain = {}, {}, {}, ()
    normalizations = {}
    deductions = deduction_totals(contest.deductions)
    for i, st in enumerate(stages):
        if q is not None and i == q:
            qual_chain = qualification_chain(rules.tie_breaks, stages, q)
            _qualify(run, q, qual_chain, qualified, qual_scores, qual_ties)
        for team in teams:
            if team.withdrawn:
                result = run.score(st, team, expected=False)
            elif q is not None and i >= q and qualified.get(team.key) is False:
                result = StageResult(team.key, st.key, None, None)
            else:
                result = run.score(st, team, expected=True)
            run.raw[(team.key, st.key)] = result
            run.adjusted[(team.key, st.key)] = result
        plan = layout.plan(st.key)
        if plan.normalizes:
            scores = {t.key: run.raw[(t.key, st.key)].score for t in teams if not t.withdrawn}
            rooms = {t.key: layout.room_of(t.key, st.key) for t in teams}
            norm = normalize_stage(plan.normalization, scores, rooms,
                                   [r.key for r in plan.rooms], rules.decimals,
                                   layout.coefficient_decimals)
            normalizations[st.key] = norm
            for t in teams:
                if not t.withdrawn:
                    r = run.raw[(t.key, st.key)]
                    run.adjusted[(t.key, st.key)] = replace(r, score=norm.adjusted.get(t.key))
        if deductions:  # rule 12: off the adjusted score (after normalization), never below 0
            # A withdrawn team is never normalized: its deduction comes off the score as
            # judged, as in version 1.
            for t in teams:
                run.adjusted[(t.key, st.key)] = apply_deduction(
                    run.adjusted[(t.key, st.key)], deductions.get((t.key, st.key)),
                    rules.decimals)
    rows = _rows(run, q, qualified, qual_scores, qual_ties, qual_chain)
    division_keys = tuple(d.key for d in layout.divisions) or (None,)
    ordered = []
    fingerprints = {}
    for d in division_keys:
        mine = [r for r in rows if r.division == d]
        ordered.extend(mine)
        fingerprints[d] = fingerprint(mine)
    ordered = tuple(ordered)
    draw_order = tuple(t.key for t in sorted(teams, key=_draw_key) if not t.withdrawn)
    provisional = any(r.provisional for r in ordered)
    return LayoutResult(
        teams=ordered, provisional=provisional, fingerprint=fingerprint(ordered),
        draw_order=draw_order, calibration_reveal=rules.calibration_reveal, layout=layout,
        divisions=division_keys, normalizations=normalizations,
        qualifying_stage=stages[q].key if q is not None else None,
        division_fingerprints=fingerprints,
        has_deductions=any(d.counts for d in contest.deductions))


def _qualify(run, q, chain, qualified, qual_scores, qual_ties):
    """Section 12 advancement: the qualification score, its order and the cut per division."""
    rules, layout = run.rules, run.layout
    prior = scaled_stages(run.stages[:q])
    size_rule = layout.plan(run.stages[q].key).qualify
    by_division = {}
    for team in run.contest.teams:
        if team.withdrawn:
            continue
        results = {s.key: run.adjusted[(team.key, s.key)] for s in prior}
        score = final_score(prior, {k: r.score for k, r in results.items()}, rules.decimals,
                            rules.final_rounding)
        qual_scores[team.key] = score
        qual_ties[team.key] = {k: tie_break_value(k, prior, results, rules.decimals,
                                                  rules.final_rounding)
                               for k in chain}
        by_division.setdefault(layout.team_divisions.get(team.key), []).append(team)
    for members in by_division.values():
        entries = [RankEntry(t.key, qual_scores[t.key], qual_ties[t.key], t.draw)
                   for t in members if qual_scores[t.key] is not None]
        placements = rank_teams(entries, chain)
        cut = size_rule.size(len(entries))
        for t in members:
            p = placements.get(t.key)
            qualified[t.key] = None if p is None else p.rank <= cut


def _rows(run, q, qualified, qual_scores, qual_ties, qual_chain):
    """Every team's LayoutTeamResult, ranked and awarded per division, in display order."""
    rules, layout, stages = run.rules, run.layout, run.stages
    normalizing = [s.key for s in stages if layout.plan(s.key).normalizes]
    info = {}
    by_division = {}
    for team in run.contest.teams:
        # A withdrawn team's adjusted results are its raw ones less its deductions.
        results = {s.key: run.adjusted[(team.key, s.key)] for s in stages}
        status = qualified.get(team.key) if q is not None else None
        if status is False:
            final, ties = None, dict(qual_ties[team.key])
        else:
            final = final_score(stages, {k: r.score for k, r in results.items()},
                                rules.decimals, rules.final_rounding)
            ties = {k: tie_break_value(k, stages, results, rules.decimals, rules.final_rounding)
                    for k in rules.tie_breaks}
        info[team.key] = (results, final, ties, status)
        by_division.setdefault(layout.team_divisions.get(team.key), []).append(team)
    out = []
    for members in by_division.values():
        active = [t for t in members if not t.withdrawn]
        placements = rank_teams(
            [RankEntry(t.key, info[t.key][1], info[t.key][2], t.draw)
             for t in active if info[t.key][3] is not False], rules.tie_breaks)
        if q is not None:
            # A non-qualifier keeps its place in the cut's order (after every qualifier),
            # and its tie_note names what separated it from every team of the same
            # qualification score, a qualifier it lost the cut to included.
            cut_order = rank_teams(
                [RankEntry(t.key, qual_scores[t.key], qual_ties[t.key], t.draw)
                 for t in active if info[t.key][3] is not None], qual_chain)
            for t in active:
                if info[t.key][3] is False:
                    placements[t.key] = cut_order[t.key]
        awards = assign_awards_by({t.key: (placements[t.key].rank if t.key in placements
                                           else None) for t in members},
                                  rules.awards, rules.award_ties)
        cut_open = q is not None and any(info[t.key][3] is None for t in active)
        for team in members:
            out.append(_row(run, team, info[team.key], placements.get(team.key),
                            awards.get(team.key), q, qual_scores, normalizing, cut_open))
    by_key = {t.key: t for t in run.contest.teams}
    out.sort(key=lambda r: (_group(r), r.rank or 0, _draw_key(by_key[r.team])))
    return out


def _group(r):
    """Display groups within a division: ranked, waiting for a final, cut, unranked, withdrawn."""
    if r.withdrawn:
        return 4
    if r.qualified is False:
        return 2
    if r.rank is not None:
        return 0
    return 1 if r.qualified is True else 3


def _row(run, team, info, placement, award, q, qual_scores, normalizing, cut_open):
    results, final, ties, status = info
    layout = run.layout
    if team.withdrawn:
        provisional = False
    elif status is False:
        provisional = any(results[s.key].provisional for s in run.stages[:q])
    else:
        provisional = final is None or any(r.provisional for r in results.values())
    provisional = provisional or (cut_open and not team.withdrawn)
    raw = {k: run.raw[(team.key, k)].score for k in normalizing}
    return LayoutTeamResult(
        team=team.key, stages=results, final=final,
        rank=placement.rank if placement else None,
        tied=placement.tied if placement else False,
        tie_note=placement.tie_note if placement else None, tie_values=ties,
        award=award, withdrawn=team.withdrawn, provisional=provisional, draw=team.draw,
        division=layout.team_divisions.get(team.key),
        qualified=None if team.withdrawn else status,
        qualification=None if team.withdrawn or q is None else qual_scores.get(team.key),
        raw_stages=raw, rooms=dict(layout.team_rooms.get(team.key, {})))


def layout_sheet_problems(contest, result=None) -> list:
    """Sheets a section 12 contest refuses: by a judge outside the team's panel, or for a
    non-qualifier in the qualifying stage or later; places as in the file (sheets[i])."""
    layout = contest.layout
    if layout is None:
        return []
    judges = tuple(j.key for j in contest.judges)
    index = {s.key: i for i, s in enumerate(contest.stages)}
    q = layout.qualifying_stage(contest.stages)
    status = {}
    if q is not None:
        result = result or compute_layout_results(contest)
        status = {r.team: r.qualified for r in result.teams}
    out = []
    for i, s in enumerate(contest.sheets):
        if s.stage not in index:
            continue
        place = f"sheets[{i}]"
        if q is not None and index[s.stage] >= q and status.get(s.team) is False:
            out.append((place, N_("team %(team)s did not qualify for stage %(stage)s; it "
                                  "has no sheet there"), {"team": s.team, "stage": s.stage}))
        elif s.judge not in layout.panel(s.team, s.stage, judges):
            room = layout.room_of(s.team, s.stage)
            if room is None:
                out.append((f"{place}.judge", N_("judge %(judge)s is not on the panel of "
                                                 "team %(team)s in stage %(stage)s"),
                            {"judge": s.judge, "team": s.team, "stage": s.stage}))
            else:
                out.append((f"{place}.judge", N_("judge %(judge)s is not on the panel of "
                                                 "room %(room)s, where team %(team)s is in "
                                                 "stage %(stage)s"),
                            {"judge": s.judge, "team": s.team, "stage": s.stage,
                             "room": room}))
    return out
