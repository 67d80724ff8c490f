"""Rule 3: a team's stage score from the submitted sheets of its non-recused judges."""

from decimal import Decimal
from fractions import Fraction

from .errors import N_, RuleError
from .model import SUBMITTED, GroupResult, SheetResult, StageResult
from .numbers import exact_sum, round_half_up, to_fraction
from .variance import variance_flags


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
    ascending = sorted(totals, key=lambda p: (p[1], p[0]))
    high = ascending[len(ascending) - trim:]
    rest = ascending[:len(ascending) - trim]
    # Lowest first, and among equal lowest the later key first.
    rest_low = sorted(sorted(rest, key=lambda p: p[0], reverse=True), key=lambda p: p[1])
    low = rest_low[:trim]
    return tuple(sorted(k for k, _ in high + low)), False


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
                 absent=frozenset(), expected=True) -> StageResult:
    """Rules 3, 8, 11: score one team in one stage over submitted sheets of non-recused judges.

    `sheets` may hold any sheets; only this team's submitted sheets in this stage count.
    `recused` and `absent` are judge keys; `expected=False` (a withdrawn team) expects none.
    """
    judge_by_key = {j.key: j for j in judges}
    counted = {}
    stage_key = stage.key
    for s in sheets:
        if s.team != team_key or s.stage != stage_key or s.status != SUBMITTED:
            continue
        if s.judge in recused:
            continue  # rule 2: the pool is smaller, nothing is filled in
        if s.judge not in judge_by_key:
            raise RuleError(N_('unknown judge "%(judge)s"'), {"judge": s.judge})
        if s.judge in counted:
            raise RuleError(N_("judge %(judge)s has two sheets for team %(team)s in %(stage)s"),
                            {"judge": s.judge, "team": team_key, "stage": stage.key})
        if not s.is_complete(stage):
            raise RuleError(N_("the submitted sheet of judge %(judge)s for team %(team)s in "
                               "%(stage)s is incomplete"),
                            {"judge": s.judge, "team": team_key, "stage": stage.key})
        counted[s.judge] = (judge_by_key[s.judge].group, s.total)

    pairs = [(k, total) for k, (_, total) in counted.items()]
    by_group = {}
    for k, (group, total) in counted.items():
        by_group.setdefault(group, []).append((k, total))

    groups = ()
    group_missing = False
    if rules.aggregation == "weighted_groups":
        exact, dropped, too_few, groups, group_missing = _weighted(rules, by_group)
    else:
        exact, dropped, too_few = trimmed_mean(pairs, rules.trim)

    raw_sum = exact_sum(t for _, t in pairs)
    flagged = variance_flags(dict(pairs), rules.variance_threshold, stage.max_total)
    sheet_results = tuple(
        SheetResult(k, counted[k][0], counted[k][1], k in dropped, k in flagged)
        for k in sorted(counted))
    expected_keys = [j.key for j in judges
                     if expected and j.key not in recused and j.key not in absent]
    missing = tuple(sorted(k for k in expected_keys if k not in counted))
    return StageResult(
        team=team_key, stage=stage.key, exact=exact,
        score=None if exact is None else round_half_up(exact, rules.decimals),
        sheets=sheet_results, groups=groups, too_few_sheets=too_few,
        group_missing=group_missing, provisional=bool(missing), missing_judges=missing,
        recused_judges=tuple(sorted(k for k in judge_by_key if k in recused)),
        absent_judges=tuple(sorted(k for k in judge_by_key if k in absent)),
        # Sheet totals are Decimal sums, so this is plain_mean's value, summed only once.
        raw_mean=to_fraction(raw_sum) / len(pairs) if pairs else None,
        raw_sum=raw_sum,
        group_raw_means={g: plain_mean(t for _, t in items) for g, items in by_group.items()},
    )


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
