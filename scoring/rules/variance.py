"""Rule 8: flag a sheet far from the panel mean for the chief judge to look at."""

from decimal import Decimal
from fractions import Fraction

from .numbers import _EXACT, exact_sum, to_fraction

_DECIMAL = {Decimal}


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
    # |v - sum/n| > limit  <=>  |n*v - sum| > n*limit: all exact in Decimal, no division
    # but the one by 100, which only moves the decimal point.
    n = len(totals)
    if total is None:
        total = exact_sum(totals.values())
    limit = threshold if max_total == 100 else _EXACT.divide(
        _EXACT.multiply(threshold, max_total), 100)
    bound = _EXACT.multiply(limit, n)
    # |n*v - sum| is largest at the smallest or the largest total: when neither of those
    # is beyond the bound, no sheet is (most panels), and the per-sheet check is skipped.
    high, low = _EXACT.add(total, bound), _EXACT.subtract(total, bound)
    values = totals.values()
    if _EXACT.multiply(max(values), n) <= high and _EXACT.multiply(min(values), n) >= low:
        return set()
    multiply = _EXACT.multiply
    return {k for k, v in totals.items() if not low <= multiply(v, n) <= high}
