"""Rule 8: flag a sheet far from the panel mean for the chief judge to look at."""

from decimal import Decimal
from fractions import Fraction
from operator import itemgetter

from .numbers import _EXACT, exact_sum, to_fraction

_DECIMAL = {Decimal}
_TOTAL = itemgetter(1)


def variance_limit(threshold, max_total) -> Fraction:
    """Rule 8: the threshold is in points of 100, scaled to the stage's maximum total."""
    if max_total == 100:
        return to_fraction(threshold)
    return to_fraction(threshold) * to_fraction(max_total) / 100


def variance_flags(totals, threshold, max_total, *, total=None) -> set:
    """Rule 8: keys of the totals (dict key -> Decimal) more than the limit from their mean.

    `total` may give the exact sum of the Decimal totals when the caller has it already.
    """
    if not totals:
        return set()
    # type(), mapped in C: this runs for every team in every stage. A Decimal subclass
    # takes the Fraction path below, which gives the same answer.
    if set(map(type, totals.values())) != _DECIMAL or not isinstance(
            threshold, Decimal) or not isinstance(max_total, Decimal):
        values = {k: to_fraction(v) for k, v in totals.items()}
        mean = sum(values.values(), Fraction(0)) / len(values)
        limit = variance_limit(threshold, max_total)
        return {k for k, v in values.items() if abs(v - mean) > limit}
    n = len(totals)
    if total is None:
        total = exact_sum(totals.values())
    low, high = _decimal_bounds(threshold, max_total, n, total)
    # |n*v - sum| is largest at the smallest or the largest total: when neither of those
    # is beyond the bound, no sheet is (most panels), and the per-sheet check is skipped.
    values = totals.values()
    if _EXACT.multiply(max(values), n) <= high and _EXACT.multiply(min(values), n) >= low:
        return set()
    multiply = _EXACT.multiply
    return {k for k, v in totals.items() if not low <= multiply(v, n) <= high}


def _decimal_bounds(threshold, max_total, n, total):
    """(low, high): a total v of n Decimal totals summing to `total` is flagged unless
    low <= n*v <= high.

    |v - sum/n| > limit  <=>  |n*v - sum| > n*limit: all exact in Decimal, no division
    but the one by 100, which only moves the decimal point.
    """
    limit = threshold if max_total == 100 else _EXACT.divide(
        _EXACT.multiply(threshold, max_total), 100)
    bound = _EXACT.multiply(limit, n)
    return _EXACT.subtract(total, bound), _EXACT.add(total, bound)


def sorted_variance_flags(ascending, threshold, max_total, *, total=None) -> set:
    """Rule 8: variance_flags of (key, total) pairs already in ascending order of total.

    The pooled stage result sorts its panel once to trim it; in that order the flagged
    totals are a run at each end (n*v grows with v), so the check walks in from both
    ends and stops at the first total inside the bounds, rather than taking the minimum,
    the maximum and then every total again. `total` as in variance_flags.
    """
    if not ascending:
        return set()
    if set(map(type, map(_TOTAL, ascending))) != _DECIMAL or not isinstance(
            threshold, Decimal) or not isinstance(max_total, Decimal):
        return variance_flags(dict(ascending), threshold, max_total, total=total)
    n = len(ascending)
    if total is None:
        total = exact_sum(map(_TOTAL, ascending))
    low, high = _decimal_bounds(threshold, max_total, n, total)
    multiply = _EXACT.multiply
    flagged = set()
    for key, value in ascending:
        if multiply(value, n) >= low:
            break
        flagged.add(key)
    for key, value in reversed(ascending):
        if multiply(value, n) <= high:
            break
        flagged.add(key)
    return flagged
