"""Rule 3: a team's stage score from the submitted sheets of its non-recused judges."""

from bisect import bisect_left, bisect_right
from decimal import Decimal, localcontext
from fractions import Fraction
from operator import itemgetter

from .errors import N_, RuleError
from .model import SUBMITTED, GroupResult, SheetResult, StageResult
from .numbers import _EXACT, exact_sum, round_half_up, round_ratio_half_up, to_fraction
from .variance import sorted_variance_flags, variance_flags

_TOTAL = itemgetter(1)
_GROUP = _KEY = itemgetter(0)
_TOTAL_THEN_KEY = itemgetter(1, 0)
_ZERO = Decimal(0)


def trim_sheets(totals, trim):
    """Rule 3: judge keys to drop from (judge key, total) pairs: `trim` highest, `trim` lowest.

    Returns (dropped keys, too_few). With fewer than 2*trim+1 sheets nothing is dropped.
    Among equal totals the judge with the later key is dropped, so the choice is
    deterministic and independent of input order (the mean is the same either way).
    """
    if trim <= 0:
        return (), False
    if len(totals) < 2 * trim + 1:
        return (), True
    # One sort, by (total, key), with itemgetter keys in C: this runs for every team in
    # every stage.
    return _sorted_keys(_trimmed_ends(sorted(totals, key=_TOTAL_THEN_KEY), trim)), False


def _trimmed_ends(ascending, trim):
    """The (key, total) pairs trim_sheets drops, from pairs sorted by (total, key).

    `ascending` holds at least 2*trim+1 pairs and trim > 0. The highest `trim` are its
    end (the later key last among equals).
    """
    cut = len(ascending) - trim
    # The lowest `trim` of the rest, and among equal totals the later key first: every
    # total below the trim-th lowest, then the last (later keys) of those equal to it.
    edge = ascending[trim - 1][1]
    below = bisect_left(ascending, edge, hi=cut, key=_TOTAL)
    upto = bisect_right(ascending, edge, lo=below, hi=cut, key=_TOTAL)
    return ascending[cut:] + ascending[:below] + ascending[upto - (trim - below):upto]


def trimmed_mean(totals, trim):
    """Rule 3: (exact mean of the kept totals or None, dropped keys, too_few flag)."""
    if not totals:
        return None, (), False
    dropped, too_few = trim_sheets(totals, trim)
    kept = [t for k, t in totals if k not in dropped]
    return _mean(kept), dropped, too_few


def _mean(values) -> Fraction:
    """Exact mean: Decimals are summed exactly in Decimal, divided once as a Fraction."""
    if all(isinstance(v, Decimal) for v in values):
        return to_fraction(exact_sum(values)) / len(values)
    return sum((to_fraction(v) for v in values), Fraction(0)) / len(values)


def plain_mean(values):
    """The untrimmed mean of Decimal totals as a Fraction, None when there are none."""
    values = list(values)
    if not values:
        return None
    return _mean(values)


def stage_result(rules, stage, team_key, judges, sheets, recused=frozenset(),
                 absent=frozenset(), expected=True, *, judge_groups=None,
                 validated=False, totals=None) -> StageResult:
    """Rules 3, 8, 11: score one team in one stage over submitted sheets of non-recused judges.

    `sheets` may hold any sheets; only this team's submitted sheets in this stage count.
    `recused` and `absent` are judge keys; `expected=False` (a withdrawn team) expects none.
    `judge_groups` (judge key -> panel group of `judges`) may be given by a caller that
    scores many teams, so it is built once rather than once per team and stage.
    `validated=True` is compute_results' promise that `sheets` are exactly this team's
    submitted sheets in this stage, from a contest in which contest_problems found
    nothing: each sheet's judge is known and has no other sheet here, and its scores are
    valid Decimals for exactly the stage's criteria. The per-sheet checks of rules 1-2
    are then skipped (a third of a big ranking's time); the totals are the same.
    With validated=True, `totals` may give each sheet's total (the exact sum of its
    scores, in the order of `sheets`: validate.checked_totals), so none is summed here.
    """
    if judge_groups is None:
        judge_groups = {j.key: j.group for j in judges}
    # Inside this context Decimal addition is exact or raises (see numbers._EXACT), so the
    # builtin sum() is as safe as exact_sum() and cheaper per sheet.
    with localcontext(_EXACT):
        if validated and totals is not None:
            counted = {s.judge: (judge_groups[s.judge], total)
                       for s, total in zip(sheets, totals, strict=True)
                       if s.judge not in recused}
        elif validated:
            counted = {s.judge: (judge_groups[s.judge], sum(s.scores.values(), _ZERO))
                       for s in sheets if s.judge not in recused}
        else:
            counted = _counted_totals(stage, team_key, sheets, recused, judge_groups)
    return _stage_result(rules, stage, team_key, counted, recused, absent, expected,
                         judge_groups)


def _counted_totals(stage, team_key, sheets, recused, judge_groups) -> dict:
    """Rule 1-2: judge key -> (panel group, sheet total) of the sheets that count."""
    counted = {}
    stage_key = stage.key
    criterion_keys = stage.criterion_keys
    for s in sheets:
        if s.status != SUBMITTED or s.team != team_key or s.stage != stage_key:
            continue
        judge = s.judge
        if judge in recused:
            continue  # rule 2: the pool is smaller, nothing is filled in
        if judge not in judge_groups:
            raise RuleError(N_('unknown judge "%(judge)s"'), {"judge": judge})
        if judge in counted:
            raise RuleError(N_("judge %(judge)s has two sheets for team %(team)s in %(stage)s"),
                            {"judge": judge, "team": team_key, "stage": stage_key})
        scores = s.scores
        total = None
        if scores.keys() >= criterion_keys:
            # The common case, every criterion given: one sum (exact in this context);
            # a None (not scored) among the values raises TypeError.
            try:
                total = sum(scores.values(), _ZERO)
            except TypeError:
                pass
        if total is None:
            if not s.is_complete(stage):
                raise RuleError(N_("the submitted sheet of judge %(judge)s for team %(team)s "
                                   "in %(stage)s is incomplete"),
                                {"judge": judge, "team": team_key, "stage": stage_key})
            total = s.total
        counted[judge] = (judge_groups[judge], total)
    return counted


def _stage_result(rules, stage, team_key, counted, recused, absent, expected, judge_groups):
    """Rules 3, 8, 11 over the counted sheets (see stage_result)."""
    stage_key = stage.key
    # This runs 3,000 times in a ranking of 1,000 teams: each pass over the sheets is
    # written to run in C where it can (zip, map, set operations), not as a Python loop.
    totals = dict(zip(counted, map(_TOTAL, counted.values()), strict=True))
    raw_sum = exact_sum(totals.values())
    groups = ()
    group_missing = False
    by_group = None
    score = None  # the pooled path rounds its own mean, from the integers it has
    if rules.aggregation == "weighted_groups":
        by_group = _by_group(counted)
        exact, dropped, too_few, groups, group_missing = _weighted(rules, by_group)
        flagged = variance_flags(totals, rules.variance_threshold, stage.max_total,
                                 total=raw_sum)
    else:
        # One sort of the panel serves both the trim and the variance flags: the
        # dropped are at its ends, and so are the only totals that can be flagged.
        ascending = sorted(totals.items(), key=_TOTAL_THEN_KEY)
        exact, score, dropped, too_few = _pooled(ascending, rules.trim, raw_sum,
                                                 rules.decimals)
        flagged = sorted_variance_flags(ascending, rules.variance_threshold, stage.max_total,
                                        total=raw_sum)
    # Items sorted by judge key (keys are unique, so the values are never compared).
    sheet_results = tuple([SheetResult(k, group, total, k in dropped, k in flagged)
                           for k, (group, total) in sorted(counted.items())])
    # The judges expected and not counted, in key order: set operations, then one sort
    # of what is left (usually nothing), rather than a filter over every judge.
    if expected:
        missing = judge_groups.keys() - counted.keys()
        missing = tuple(sorted(missing - recused - absent)) if missing else ()
    else:
        missing = ()
    count = len(totals)
    # Sheet totals are Decimal sums, so this is plain_mean's value, summed only once.
    raw_mean = _ratio(raw_sum, count) if count else None
    panel_groups = set(map(_GROUP, counted.values()))
    if len(panel_groups) == 1:  # one panel group: its mean is the panel's
        group_raw_means = dict.fromkeys(panel_groups, raw_mean)
    else:  # each mean one exact sum and one division
        if by_group is None:
            by_group = _by_group(counted)
        group_raw_means = {g: _ratio(exact_sum(map(_TOTAL, items)), len(items))
                           for g, items in by_group.items()}
    if score is None and exact is not None:
        score = round_half_up(exact, rules.decimals)
    return StageResult(
        team=team_key, stage=stage_key, exact=exact, score=score,
        sheets=sheet_results, groups=groups, too_few_sheets=too_few,
        group_missing=group_missing, provisional=bool(missing), missing_judges=missing,
        recused_judges=tuple(sorted(judge_groups.keys() & recused)) if recused else (),
        absent_judges=tuple(sorted(judge_groups.keys() & absent)) if absent else (),
        raw_mean=raw_mean, raw_sum=raw_sum, group_raw_means=group_raw_means,
    )


def _by_group(counted) -> dict:
    """Panel group -> [(judge key, total)] of the counted sheets, in their order."""
    by_group = {}
    for k, (group, total) in counted.items():
        by_group.setdefault(group, []).append((k, total))
    return by_group


def _ratio(total, count) -> Fraction:
    """to_fraction(total) / count for a finite Decimal total, in one Fraction.

    The same value (Fraction normalizes), for a third of the time: the division by a
    Fraction goes through the numbers tower and normalizes a second time.
    """
    if type(total) is not Decimal or not total.is_finite():
        return to_fraction(total) / count  # raises for a non-finite total, as it always has
    numerator, denominator = total.as_integer_ratio()
    return Fraction(numerator, denominator * count)


def _pooled(ascending, trim, raw_sum, decimals):
    """Rule 3, pooled: (exact mean, rounded score, dropped keys, too_few) of (key, total)
    pairs sorted by (total, key), Decimal totals whose exact sum is raw_sum.

    trimmed_mean(ascending, trim) without its sort, and the score round_half_up would
    give, from the mean's integers rather than its Fraction. The kept sheets' sum is
    raw_sum less the dropped totals: exact in Decimal (so the order of the subtractions
    does not matter), and it spares summing every sheet of the team a second time.
    """
    if not ascending:
        return None, None, (), False
    count = len(ascending)
    if trim <= 0:
        ends, too_few = (), False
    elif count < 2 * trim + 1:
        ends, too_few = (), True
    else:
        ends, too_few = _trimmed_ends(ascending, trim), False
    kept = raw_sum
    for _, total in ends:
        kept = _EXACT.subtract(kept, total)
    if type(kept) is not Decimal or not kept.is_finite():
        exact = _ratio(kept, count - len(ends))  # raises for a non-finite total
        return exact, round_half_up(exact, decimals), _sorted_keys(ends), too_few
    numerator, denominator = kept.as_integer_ratio()
    denominator *= count - len(ends)
    # Fraction normalizes; the rounding needs no normalized ratio, so it takes the
    # integers as they are and builds no second Fraction.
    return (Fraction(numerator, denominator),
            round_ratio_half_up(numerator, denominator, decimals),
            _sorted_keys(ends), too_few)


def _sorted_keys(pairs) -> tuple:
    """The keys of (key, total) pairs, in key order."""
    return tuple(sorted(map(_KEY, pairs)))


def _weighted(rules, by_group):
    """Rule 3, weighted_groups: trimmed mean per group, weights rescaled over present groups."""
    unknown = sorted(set(by_group) - set(rules.groups))
    if unknown:
        raise RuleError(N_('panel group "%(group)s" has no weight in the rules'),
                        {"group": unknown[0]})
    present = [g for g in rules.groups if by_group.get(g)]
    weight_sum = sum((to_fraction(rules.groups[g].weight) for g in present), Fraction(0))
    results, dropped, too_few, exact = [], (), False, None
    for name, rule in rules.groups.items():
        items = by_group.get(name, [])
        if not items:
            results.append(GroupResult(name, None, Fraction(0)))
            continue
        mean, g_dropped, g_few = trimmed_mean(items, rule.trim)
        weight = to_fraction(rule.weight) / weight_sum
        results.append(GroupResult(name, mean, weight, g_dropped, g_few, len(items)))
        dropped += g_dropped
        too_few = too_few or g_few
        exact = (exact or Fraction(0)) + weight * mean
    group_missing = bool(present) and len(present) < len(rules.groups)
    return exact, dropped, too_few, tuple(results), group_missing
