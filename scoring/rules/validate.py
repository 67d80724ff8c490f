"""Checks of sheets, teams and a whole contest, each problem with the place it was found."""

from collections import Counter
from decimal import Decimal, Rounded, localcontext
from itertools import groupby, repeat
from operator import add, attrgetter, itemgetter

from .errors import N_, ScoreError
from .model import SHEET_STATUSES, SUBMITTED
from .numbers import _EXACT, parse_score
from .recusal import recusal_matrix
from .team_rules import member_problems
from .text import fold


def validate_sheet(stage, scores, submitted: bool) -> list:
    """Rule 1: (criterion key, ScoreError) for each refused value; a submitted sheet is complete."""
    problems = []
    criteria = {c.key: c for c in stage.criteria}
    for key in scores:
        if key not in criteria:
            problems.append((key, ScoreError(N_('unknown criterion "%(criterion)s"'),
                                             {"criterion": key})))
    for c in stage.criteria:
        value = scores.get(c.key)
        if value is None:
            if submitted:
                problems.append((c.key, ScoreError(N_("not scored; a submitted sheet needs "
                                                      "every score"), {"criterion": c.key})))
            continue
        try:
            parse_score(value, c)
        except ScoreError as e:
            problems.append((c.key, e))
    return problems


def team_department_problems(team, size=3, place=None, distinct=True) -> list:
    """Section 1: a team has `size` members, each from a different department (`distinct`)."""
    return member_problems(team.departments, size, distinct, place or f"teams.{team.key}")


def contest_problems(contest, strict=True) -> list:
    """Every problem of a contest as (place, message, params); compute_results needs none.

    strict=False keeps only what makes results impossible to compute; strict=True (the
    importer) also refuses sheets of recused judges, bad drafts, unknown tie-break stages
    and a draw position given twice.
    """
    return _problems(contest, strict)[0]


def checked_panels(contest) -> tuple[list, dict]:
    """contest_problems(contest, strict=False), and the submitted sheets by (team, stage).

    compute_results needs both; the column-wise check of the sheets groups them by
    (team, stage) anyway, so one pass over a big contest's sheets serves the two. Each
    list holds the pair's submitted sheets in the contest's order; a pair without one
    has no entry.
    """
    return checked_totals(contest)[:2]


def checked_totals(contest) -> tuple[list, dict, dict | None]:
    """checked_panels(contest), and each panel's sheet totals when the column-wise check
    passed (else None).

    totals[(team, stage)][i] is the exact sum of panels[(team, stage)][i]'s scores, the
    value Sheet.total gives: the check has every value of a stage in one column per
    criterion already, so it adds the columns (five passes in C) rather than
    compute_results summing each of 90,000 sheets in a Python loop.
    """
    problems, clean = _problems(contest, False)
    if clean is None:  # the careful check ran: group the sheets here
        panels = {}
        for s in contest.sheets:
            if s.status == SUBMITTED:
                panels.setdefault((s.team, s.stage), []).append(s)
        return problems, panels, None
    return (problems, *clean)


def _problems(contest, strict):
    """(contest_problems' list, _clean_panels' (panels, totals) or None)."""
    out = []
    stage_keys = [s.key for s in contest.stages]
    out.extend(contest.rules.problems(stage_keys if strict else None))
    out.extend(_duplicates(stage_keys, "stages"))
    out.extend(_duplicates([j.key for j in contest.judges], "judges"))
    out.extend(_duplicates([t.key for t in contest.teams], "teams"))
    for i, s in enumerate(contest.stages):
        out.extend(_stage_problems(s, f"stages[{i}]"))
    if contest.rules.aggregation == "weighted_groups":
        for i, j in enumerate(contest.judges):
            if j.group not in contest.rules.groups:
                out.append((f"judges[{i}].group", N_('panel group "%(group)s" has no weight '
                                                     'in the rules'), {"group": j.group}))
    if strict:
        draws = Counter(t.draw for t in contest.teams if t.draw is not None)
        for i, t in enumerate(contest.teams):
            if t.draw is not None and draws[t.draw] > 1:
                out.append((f"teams[{i}].draw", N_("draw position %(position)s is used twice"),
                            {"position": t.draw}))
    judges = {j.key for j in contest.judges}
    teams = {t.key for t in contest.teams}
    stages = {s.key: s for s in contest.stages}
    for i, r in enumerate(contest.recusals):
        out.extend(_refs(f"recusals[{i}]", judge=(r.judge, judges), team=(r.team, teams)))
    for i, a in enumerate(contest.absences):
        out.extend(_refs(f"absences[{i}]", judge=(a.judge, judges), stage=(a.stage, stages)))
    clean = None if strict else _clean_panels(contest.sheets, judges, teams, stages)
    if clean is None:
        out.extend(_sheet_problems(contest, judges, teams, stages, strict))
    return out, clean


_JUDGE = attrgetter("judge")
_STATUS = attrgetter("status")
_SCORES = attrgetter("scores")
_PANEL = attrgetter("team", "stage")
_DECIMAL_ONLY = {Decimal}
_ZERO = Decimal(0)


def _sheets_clean(sheets, judges, teams, stages) -> bool:
    """Whether _sheet_problems(strict=False) would certainly find nothing (_clean_panels)."""
    return _clean_panels(sheets, judges, teams, stages) is not None


def _clean_panels(sheets, judges, teams, stages):
    """(The submitted sheets by (team, stage), their totals in the same lists) when
    _sheet_problems(strict=False) would certainly find nothing, else None.

    The same checks, each over a whole column or a whole panel at once (set operations,
    map() and groupby() run in C, not a Python loop per sheet or score): a ranking of
    450,000 scores is validated on every computation. None means "maybe not": the
    per-sheet check then finds and places every problem, with the same messages as
    always.
    """
    try:
        if not (set(map(_JUDGE, sheets)) <= judges
                and set(map(_STATUS, sheets)) <= set(SHEET_STATUSES)):
            return None
        # Sheets come grouped by team and stage (the app's read sorts them so); a pair
        # found in two runs is merged, so any order gives the same lists.
        panels = {}
        for panel, run in groupby(sheets, _PANEL):
            if (found := panels.get(panel)) is None:
                panels[panel] = list(run)
            else:
                found.extend(run)
        if not ({team for team, _ in panels} <= teams
                and {stage for _, stage in panels} <= stages.keys()):
            return None
        # A judge has at most one sheet per (team, stage): the sheets' (judge, team,
        # stage) are unique, counted per panel rather than as 90,000 triples.
        if any(len(set(map(_JUDGE, panel))) != len(panel) for panel in panels.values()):
            return None
    except TypeError:  # a key that cannot be hashed: the per-sheet check says where
        return None
    if set(map(_STATUS, sheets)) != {SUBMITTED}:  # drafts: no part of any panel
        panels = {key: submitted for key, panel in panels.items()
                  if (submitted := [s for s in panel if s.status == SUBMITTED])}
    by_stage = {key: [] for key in stages}
    for (_, stage), panel in panels.items():
        by_stage[stage].extend(map(_SCORES, panel))
    stage_totals = {}
    for key, scores in by_stage.items():
        if (column := _stage_totals(stages[key], scores)) is None:
            return None
        stage_totals[key] = column
    # Each stage's totals in the order its panels were listed into by_stage above.
    totals = {}
    start = dict.fromkeys(stages, 0)
    for panel_key, panel in panels.items():
        stage = panel_key[1]
        begin = start[stage]
        end = start[stage] = begin + len(panel)
        totals[panel_key] = stage_totals[stage][begin:end]
    return panels, totals


# Exact addition that also refuses to round away trailing zeros (Rounded): each sum is
# then the exact value with the smallest exponent of its terms whatever the order of the
# additions, so a column-wise total is what Sheet.total's sum in dict order gives.
_COLUMN_SUM = _EXACT.copy()
_COLUMN_SUM.traps[Rounded] = True


def _stage_totals(stage, score_maps):
    """The exact total of each of these submitted score mappings, in their order, when
    every one holds a valid value for every criterion of the stage and nothing else
    (see _sheets_clean); else None."""
    if not score_maps:
        return []
    keys = stage.criterion_keys
    if len(keys) != len(stage.criteria):
        return None  # duplicate criterion keys: the per-sheet check reports them
    # Each mapping has len(keys) entries and all their keys together are `keys`: so each
    # has exactly the rubric's keys.
    if set(map(len, score_maps)) != {len(keys)} or set().union(*score_maps) != keys:
        return None
    columns = []
    for criterion in stage.criteria:
        column = list(map(itemgetter(criterion.key), score_maps))
        # Only Decimals, checked before the set below merges equal values: True == 1 ==
        # Decimal(1) would hide behind a Decimal 1 of another sheet, but True is refused.
        if set(map(type, column)) != _DECIMAL_ONLY:
            return None
        try:
            values = set(column)
        except TypeError:  # a value that cannot be hashed (a signalling NaN)
            return None
        try:
            for value in values:
                parse_score(value, criterion)
        except ScoreError:
            return None
        columns.append(column)
    # Every value is a valid score (finite, at least 0): start from Decimal 0, as
    # Sheet.total's sum does (its exponent counts: 0 + 1E+1 is Decimal('10')).
    totals = repeat(_ZERO)
    try:
        # operator.add in a local context, not map(_COLUMN_SUM.add, ...): Context.add
        # costs more per call than the per-sheet sums this replaces (+2.7 % instructions
        # for a ranking, docs/performance.md); Decimal's own + costs less (-3.3 %).
        with localcontext(_COLUMN_SUM):
            for column in columns:
                totals = list(map(add, totals, column))
    except ArithmeticError:  # Rounded (or Inexact, which comes with it)
        return None  # more than 60 digits: the per-sheet check and sums decide
    return totals


def _duplicates(keys, place):
    # "J1" and "j1", or "Ｊ1", are one key to the people reading sheets and addresses.
    counts = Counter(fold(k) for k in keys)
    return [(f"{place}[{i}].key", N_('"%(key)s" is used twice'), {"key": k})
            for i, k in enumerate(keys) if counts[fold(k)] > 1]


def _stage_problems(stage, place):
    out = []
    if stage.weight < 0:
        out.append((f"{place}.weight", N_("%(value)s is below the minimum 0"),
                    {"value": str(stage.weight)}))
    out.extend(_duplicates([c.key for c in stage.criteria], f"{place}.criteria"))
    for i, c in enumerate(stage.criteria):
        if not c.max > 0:
            out.append((f"{place}.criteria[{i}].max", N_("%(value)s is not above 0"),
                        {"value": str(c.max)}))
        if not c.step > 0:
            out.append((f"{place}.criteria[{i}].step", N_("%(value)s is not above 0"),
                        {"value": str(c.step)}))
    return out


def _refs(place, **refs):
    messages = {"judge": N_('unknown judge "%(key)s"'), "team": N_('unknown team "%(key)s"'),
                "stage": N_('unknown stage "%(key)s"')}
    return [(f"{place}.{name}", messages[name], {"key": key})
            for name, (key, known) in refs.items() if key not in known]


def _sheet_problems(contest, judges, teams, stages, strict):
    out = []
    matrix = recusal_matrix(contest.judges, contest.teams, contest.recusals) if strict else {}
    seen = set()
    valid_values = {}  # see _known_valid
    for i, s in enumerate(contest.sheets):
        refs = ()
        if s.judge not in judges or s.team not in teams or s.stage not in stages:
            refs = _refs(f"sheets[{i}]", judge=(s.judge, judges), team=(s.team, teams),
                         stage=(s.stage, stages))
            out.extend(refs)
        if s.status not in SHEET_STATUSES:
            out.append((f"sheets[{i}].status", N_('"%(value)s" is not one of %(choices)s'),
                        {"value": s.status, "choices": ", ".join(SHEET_STATUSES)}))
        if refs:
            continue
        triple = (s.judge, s.team, s.stage)
        if triple in seen:
            out.append((f"sheets[{i}]", N_("judge %(judge)s already has a sheet for team "
                                           "%(team)s in %(stage)s"),
                        {"judge": s.judge, "team": s.team, "stage": s.stage}))
        seen.add(triple)
        if strict and matrix[(s.judge, s.team)].recused:
            out.append((f"sheets[{i}]", N_("judge %(judge)s is recused from team %(team)s"),
                        {"judge": s.judge, "team": s.team}))
        submitted = s.submitted
        if (submitted or strict) and not _known_valid(stages[s.stage], s.scores, submitted,
                                                      valid_values):
            for key, err in validate_sheet(stages[s.stage], s.scores, submitted):
                out.append((f"sheets[{i}].scores.{key}", err.message, err.params))
    return out


def _known_valid(stage, scores, submitted, valid_values) -> bool:
    """Whether validate_sheet would find nothing, answered from values already checked.

    A big contest repeats a few dozen distinct values across hundreds of thousands of
    scores, so each (criterion, Decimal value) is checked by parse_score once and then
    remembered in `valid_values` (stage key -> criterion key -> set of valid Decimals).
    False means "not known": the caller then runs validate_sheet for the messages.
    """
    known = valid_values.get(stage.key)
    if known is None:
        known = valid_values[stage.key] = {c.key: set() for c in stage.criteria}
        if len(known) != len(stage.criteria):
            known.clear()  # duplicate criterion keys: reported elsewhere; check the slow way
    if not known:
        return False
    given = 0
    try:
        for key, value in scores.items():
            valid = known.get(key)
            if valid is None:
                return False  # an unknown criterion
            if value is None:
                continue
            given += 1
            # Only Decimals are remembered: True == 1 == Decimal(1), but True is refused.
            if type(value) is not Decimal:
                return False
            if value in valid:
                continue
            parse_score(value, _criterion(stage, key))
            valid.add(value)
    except (ScoreError, TypeError):  # TypeError: a signalling NaN cannot be hashed
        return False
    return not submitted or given == len(known)


def _criterion(stage, key):
    return next(c for c in stage.criteria if c.key == key)
