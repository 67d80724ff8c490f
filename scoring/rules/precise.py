"""Rule 5 `final_rounding` and the tie-break `precise:N` (DESIGN sections 2 and 6).

`final_rounding: "sum"` (the default): the final is the weighted sum of the rounded stage
scores, rounded once at `decimals`. `"each"` (the ISU's way): each rounded stage score x
its weight is rounded at `decimals` first, and the rounded products are added.

`precise:N` ("on equal scores, compare the third decimal"): the final recomputed with
every rounding step at N decimals instead of `decimals` (the stage scores rounded at N
from their exact value, deductions subtracted, the final rounded at N under the same
`final_rounding`), compared at N decimals.

Pure: no database, no Flask.
"""

from fractions import Fraction

from .deductions import deducted_score
from .numbers import exact_sum, round_half_up, to_fraction

FINAL_ROUNDINGS = ("sum", "each")
PRECISE_MAX = 10  # finer than any printed figure; beyond it nothing more is told apart


def combine(products, decimals, final_rounding="sum"):
    """Rules 4-5: the final from (rounded stage score, weight) pairs, at `decimals`."""
    if final_rounding == "each":
        return exact_sum(round_half_up(_product(v, w), decimals) for v, w in products)
    return round_half_up(sum((_product(v, w) for v, w in products), Fraction(0)), decimals)


def _product(value, weight):
    return to_fraction(value) * to_fraction(weight)


def precise_digits(key):
    """N of a `precise:N` tie-break, or None when the key is not one (or N is not a number)."""
    kind, _, arg = key.partition(":")
    if kind != "precise" or not arg.isascii() or not arg.isdigit() or len(arg) > 3:
        return None
    return int(arg)


def precise_value(stages, stage_results, n, final_rounding="sum"):
    """`precise:N`: the final with every rounding step at N decimals; None without a final."""
    products = []
    for stage in stages:
        r = stage_results.get(stage.key)
        if r is None or r.exact is None:
            return None
        score = deducted_score(round_half_up(r.exact, n), r.deduction, n)
        products.append((score, stage.weight))
    return combine(products, n, final_rounding)


def precise_problems(tie_breaks, decimals, place) -> list:
    """Each `precise:N` has a whole N above `decimals` and at most PRECISE_MAX."""
    from .errors import N_

    out = []
    for i, tb in enumerate(tie_breaks):
        if not tb.startswith("precise:"):
            continue
        n = precise_digits(tb)
        if n is None or not decimals < n <= PRECISE_MAX:
            out.append((f"{place}[{i}]",
                        N_('"%(value)s": N of precise:N is a whole number above the decimal '
                           'places (%(decimals)s) and at most %(max)s'),
                        {"value": tb, "decimals": decimals, "max": PRECISE_MAX}))
    return out

