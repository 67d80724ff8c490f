"""The pooled stage result's one-sort paths against the plain definitions of rules 3, 5, 8.

aggregate._pooled trims and averages a panel already sorted by (total, key),
variance.sorted_variance_flags flags from the ends of that order, and
numbers.round_ratio_half_up rounds a mean from its integers. Each is compared here with
the rule written out the slow, obvious way, on panels with ties, with fewer sheets than
the trim needs (recusals), with one sheet and with every total equal.
"""
import math
from decimal import Context
from decimal import Decimal as D
from fractions import Fraction as F

import pytest

from scoring.rules import (
    Judge,
    Rules,
    Sheet,
    round_half_up,
    round_ratio_half_up,
    sorted_variance_flags,
    stage_result,
    variance_flags,
)
from scoring.rules.aggregate import _pooled

from .factory import make_stage


def plain_trim(totals, trim):
    """Rule 3 written out: take away the highest `trim` times, then the lowest `trim`
    times, the later key first among equal totals; nothing with fewer than 2*trim+1."""
    if trim <= 0:
        return (), False
    if len(totals) < 2 * trim + 1:
        return (), True
    left = dict(totals)
    dropped = []
    for pick in (max,) * trim + (min,) * trim:
        edge = pick(left.values())
        key = max(k for k, v in left.items() if v == edge)
        dropped.append(key)
        del left[key]
    return tuple(sorted(dropped)), False


def plain_round(value, decimals):
    """Rule 5 written out: half away from zero, on the exact value."""
    n = math.floor(abs(value) * 10**decimals + F(1, 2))
    return D(f"{'-' if value < 0 and n else ''}{n}").scaleb(-decimals, Context(prec=200))


def plain_flags(totals, threshold, max_total):
    """Rule 8 written out: more than threshold/100 of the maximum from the exact mean."""
    mean = sum(map(F, totals.values()), F(0)) / len(totals)
    limit = F(threshold) * F(max_total) / 100
    return {k for k, v in totals.items() if abs(F(v) - mean) > limit}


def ascending(totals):
    """The (key, total) pairs in the order the pooled path sorts them."""
    return sorted(totals.items(), key=lambda kv: (kv[1], kv[0]))


def panel(*values):
    """Judge keys N1, N2, ... with Decimal totals."""
    return {f"N{i}": D(v) for i, v in enumerate(values, start=1)}


PANELS = [
    # (totals, trim)
    (panel("80", "81", "82", "83", "99"), 1),
    (panel("85", "85", "85", "85"), 1),                        # all equal
    (panel("85", "85", "85", "85", "85"), 2),                  # all equal, trim 2
    (panel("90", "90", "80", "70"), 1),                        # tie at the top
    (panel("70", "70", "80", "90"), 1),                        # tie at the bottom
    (panel("70", "70", "70", "90", "90", "90"), 2),            # ties at both ends
    (panel("5", "1", "5", "1", "1"), 2),                       # ties across the edge
    (panel("70", "80", "90"), 1),                              # exactly 2*trim+1
    (panel("70", "81"), 1),                                    # fewer than the trim needs
    (panel("60", "70", "80", "90"), 2),                        # four sheets, trim 2
    (panel("77.5"), 1),                                        # one sheet
    (panel("77.5"), 0),                                        # one sheet, no trim
    (panel("70", "81"), 0),                                    # no trim
    (panel("85.02", "85.00", "85.01", "0", "100"), 1),         # thirds, far ends
    (panel("33.333", "66.667", "50", "50.0", "50.00"), 1),     # equal values, other digits
    (panel(*[str(v) for v in range(60, 90)]), 3),              # thirty judges
]


@pytest.mark.parametrize(("totals", "trim"), PANELS)
@pytest.mark.parametrize("decimals", [0, 2, 3])
def test_pooled_from_the_sorted_panel_is_the_plain_rule(totals, trim, decimals):
    raw_sum = sum(totals.values(), D(0))
    exact, score, dropped, too_few = _pooled(ascending(totals), trim, raw_sum, decimals)
    plain_dropped, plain_too_few = plain_trim(totals, trim)
    kept = [F(v) for k, v in totals.items() if k not in plain_dropped]
    assert dropped == plain_dropped
    assert too_few is plain_too_few
    assert exact == sum(kept, F(0)) / len(kept)
    assert str(score) == str(plain_round(exact, decimals))


def test_pooled_of_no_sheets_is_no_score():
    assert _pooled([], 1, D(0), 2) == (None, None, (), False)


@pytest.mark.parametrize(("totals", "trim"), PANELS)
@pytest.mark.parametrize(("threshold", "max_total"), [
    (D(10), D(100)), (D(0), D(100)), (D("2.5"), D(100)), (D(15), D(30)), (D(1), D("7.5")),
])
def test_flags_from_the_sorted_panel_are_the_plain_rule(totals, trim, threshold, max_total):
    expected = plain_flags(totals, threshold, max_total)
    assert sorted_variance_flags(ascending(totals), threshold, max_total) == expected
    total = sum(totals.values(), D(0))
    assert sorted_variance_flags(ascending(totals), threshold, max_total,
                                 total=total) == expected
    assert variance_flags(totals, threshold, max_total) == expected


@pytest.mark.parametrize(("pairs", "threshold", "flagged"), [
    ([], D(10), set()),
    # Not all Decimal (a Fraction total, an int threshold): the exact Fraction path.
    # Mean 85: 75 is 10 away (not more), 100 is 15 away.
    ([("a", F(150, 2)), ("b", D(80)), ("c", D(100))], D(10), {"c"}),
    ([("a", D(75)), ("b", D(80)), ("c", D(100))], 10, {"c"}),
    # Everyone 20 away from the mean: both ends flagged, the walks meet in the middle.
    ([("a", D(60)), ("b", D(60)), ("c", D(100)), ("d", D(100))], D(10),
     {"a", "b", "c", "d"}),
])
def test_flags_of_other_types_and_edges(pairs, threshold, flagged):
    assert sorted_variance_flags(pairs, threshold, D(100)) == flagged
    if pairs:
        assert plain_flags(dict(pairs), threshold, D(100)) == flagged


@pytest.mark.parametrize(("numerator", "denominator", "decimals", "rounded"), [
    (1, 2, 0, "1"),                  # half away from zero
    (-1, 2, 0, "-1"),
    (2, 4, 0, "1"),                  # not in lowest terms: the same value
    (1, 200, 2, "0.01"),             # 0.005
    (-1, 200, 2, "-0.01"),
    (-1, 250, 2, "0.00"),            # -0.004 rounds to zero, without a sign
    (0, 7, 2, "0.00"),
    (8501, 100, 2, "85.01"),
    (170020, 2000, 2, "85.01"),      # the same, as a sum over a count
    (588, 7, 2, "84.00"),
    (2, 3, 3, "0.667"),
    (10**70 + 1, 2, 0, str(10**70 // 2 + 1)),  # beyond the context's precision
])
def test_round_ratio_half_up(numerator, denominator, decimals, rounded):
    got = round_ratio_half_up(numerator, denominator, decimals)
    assert str(got) == rounded
    assert str(got) == str(plain_round(F(numerator, denominator), decimals))
    assert str(got) == str(round_half_up(F(numerator, denominator), decimals))


@pytest.mark.parametrize(("numerator", "denominator", "decimals"), [(1, 0, 2), (1, -2, 2),
                                                                     (1, 2, -1)])
def test_round_ratio_half_up_refuses(numerator, denominator, decimals):
    with pytest.raises(ValueError):
        round_ratio_half_up(numerator, denominator, decimals)


JUDGES = tuple(Judge(f"N{i}", "internal") for i in range(1, 6))


@pytest.mark.parametrize(("values", "recused", "trim", "dropped", "too_few"), [
    # Five sheets, two recusals: three left, exactly what trim 1 needs.
    (["70", "80", "90", "99", "60"], {"N4", "N5"}, 1, ("N1", "N3"), False),
    # Three recusals leave two: fewer than the trim needs, nothing dropped.
    (["70", "80", "90", "99", "60"], {"N3", "N4", "N5"}, 1, (), True),
    # Four recusals leave one sheet.
    (["70", "80", "90", "99", "60"], {"N2", "N3", "N4", "N5"}, 2, (), True),
    # Trim 2 with one recusal: four sheets, fewer than five.
    (["80", "80", "80", "80", "80"], {"N1"}, 2, (), True),
    # All equal, no recusal: the later keys go.
    (["80", "80", "80", "80", "80"], set(), 2, ("N2", "N3", "N4", "N5"), False),
])
def test_stage_result_with_recusals_is_the_plain_rule(values, recused, trim, dropped, too_few):
    stage = make_stage()
    criterion = stage.criteria[0].key
    sheets = [Sheet(f"N{i}", "A", stage.key, "submitted", {criterion: D(v)})
              for i, v in enumerate(values, start=1)]
    r = stage_result(Rules(trim=trim), stage, "A", JUDGES, sheets, recused=recused)
    counted = {s.judge: D(s.scores[criterion]) for s in sheets if s.judge not in recused}
    assert (r.dropped_judges, r.too_few_sheets) == (dropped, too_few)
    assert (dropped, too_few) == plain_trim(counted, trim)
    kept = [F(v) for k, v in counted.items() if k not in dropped]
    assert r.exact == sum(kept, F(0)) / len(kept)
    assert str(r.score) == str(plain_round(r.exact, 2))
    assert {s.judge for s in r.sheets if s.variance_flag} == plain_flags(
        counted, Rules().variance_threshold, stage.max_total)
