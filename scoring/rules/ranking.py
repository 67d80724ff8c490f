"""Rules 4-7: final score, tie-break values, ranks with explicit ties, award tiers."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .numbers import _EXACT, exact_sum, round_half_up, to_fraction
from .precise import combine, precise_digits, precise_value


@dataclass(frozen=True)
class RankEntry:
    """One rankable team: its rounded final, rounded tie-break values and draw position."""

    team: str
    final: Decimal | None
    tie_values: dict
    draw: int | None = None


@dataclass(frozen=True)
class Placement:
    """Rule 6: a rank, whether it is shared, and the tie-break that separated equal finals."""

    rank: int
    tied: bool
    tie_note: str | None = None


def final_score(stages, stage_scores, decimals=2, final_rounding="sum") -> Decimal | None:
    """Rules 4-5: sum of ROUNDED stage scores x stage weight, rounded; None if a stage lacks one.

    `final_rounding="each"` rounds each product first, then adds (precise.combine).
    """
    products = []
    for stage in stages:
        score = stage_scores.get(stage.key)
        if score is None:
            return None
        products.append((score, stage.weight))
    if final_rounding != "sum":
        return combine(products, decimals, final_rounding)
    if all(type(v) is Decimal for pair in products for v in pair):
        # Products and sums of Decimals are exact in numbers._EXACT (it traps any
        # rounding), and far cheaper than the same arithmetic in Fractions.
        return round_half_up(exact_sum(_EXACT.multiply(v, w) for v, w in products), decimals)
    total = Fraction(0)
    for score, weight in products:
        total += to_fraction(score) * to_fraction(weight)
    return round_half_up(total, decimals)


def tie_break_value(key, stages, stage_results, decimals=2,
                    final_rounding="sum") -> Decimal | None:
    """Section 6: one tie-break value (stage:KEY, raw_mean, raw_sum, group_mean:G, dropped_sum,
    precise:N)."""
    kind, _, arg = key.partition(":")
    if kind == "precise":
        return precise_value(stages, stage_results, precise_digits(key), final_rounding)
    if kind == "stage":
        r = stage_results.get(arg)
        return None if r is None else r.score
    if key == "raw_sum":
        total = sum((to_fraction(r.raw_sum) for r in stage_results.values()), Fraction(0))
        return round_half_up(total, decimals)
    if key == "dropped_sum":
        # The sheets the trim set aside, weighted like their stage: the team whose
        # extremes were higher wins. A stage where nothing was dropped adds 0.
        total = Fraction(0)
        for s in stages:
            r = stage_results.get(s.key)
            if r is not None:
                dropped = exact_sum(x.total for x in r.sheets if x.dropped)
                total += to_fraction(s.weight) * to_fraction(dropped)
        return round_half_up(total, decimals)
    if key == "raw_mean":
        means = [(s.weight, stage_results[s.key].raw_mean) for s in stages
                 if s.key in stage_results]
        if len(means) < len(stages) or any(m is None for _, m in means):
            return None
        return round_half_up(sum((to_fraction(w) * m for w, m in means), Fraction(0)), decimals)
    if kind == "group_mean":
        # Stages where the group has no sheet are left out; the other weights scale up.
        means = [(to_fraction(s.weight), stage_results[s.key].group_raw_means.get(arg))
                 for s in stages if s.key in stage_results]
        means = [(w, m) for w, m in means if m is not None]
        if not means:
            return None
        weight = sum((w for w, _ in means), Fraction(0))
        if weight == 0:  # the remaining stages all weigh 0: each counts equally
            means = [(Fraction(1), m) for _w, m in means]
            weight = Fraction(len(means))
        return round_half_up(sum((w * m for w, m in means), Fraction(0)) / weight, decimals)
    raise ValueError(f"unknown tie-break {key!r}")


def _desc(value):
    # Higher first; a missing value comes after every present one.
    return (1, Decimal(0)) if value is None else (0, -value)


def _draw_order(draw, team):
    return (draw is None, draw if draw is not None else 0, team)


def rank_teams(entries, tie_breaks) -> dict:
    """Rule 6: Placement per team with a final; equal after the whole chain share a rank."""
    ranked = [e for e in entries if e.final is not None]

    def signature(e):
        return (_desc(e.final),) + tuple(_desc(e.tie_values.get(k)) for k in tie_breaks)

    sigs = {e.team: signature(e) for e in ranked}
    ordered = sorted(ranked, key=lambda e: (sigs[e.team], _draw_order(e.draw, e.team)))
    counts = {}
    same_final = {}  # only teams with the same final can need a tie-break
    for e in ordered:
        counts[sigs[e.team]] = counts.get(sigs[e.team], 0) + 1
        same_final.setdefault(e.final, []).append(e)
    out = {}
    rank = 0
    previous = None
    for position, e in enumerate(ordered, start=1):
        if sigs[e.team] != previous:
            rank = position  # standard competition ranking: 1, 2, 2, 4
            previous = sigs[e.team]
        out[e.team] = Placement(rank, counts[sigs[e.team]] > 1,
                                _tie_note(e, same_final[e.final], sigs, tie_breaks))
    return out


def _tie_note(e, ordered, sigs, tie_breaks):
    """The deepest tie-break needed to separate this team from others with the same final."""
    deepest = None
    for other in ordered:
        if other.team == e.team or other.final != e.final or sigs[other.team] == sigs[e.team]:
            continue
        for i in range(len(tie_breaks)):
            if sigs[e.team][i + 1] != sigs[other.team][i + 1]:
                deepest = i if deepest is None else max(deepest, i)
                break
    return None if deepest is None else tie_breaks[deepest]


def tier_bounds(tiers, n_ranked) -> list:
    """Rule 7: c_i, the last position of each tier (running sum of the tier sizes)."""
    bounds, end = [], 0
    for tier in tiers:
        end += tier.size(n_ranked)
        bounds.append(end)
    return bounds


def assign_awards(ranks, tiers) -> dict:
    """Rule 7: each ranked team gets the first tier with c_i >= its rank; others get None."""
    n_ranked = sum(1 for r in ranks.values() if r is not None)
    bounds = tier_bounds(tiers, n_ranked)
    out = {}
    for team, rank in ranks.items():
        out[team] = None
        if rank is None:
            continue
        for tier, bound in zip(tiers, bounds, strict=True):
            if bound >= rank:
                out[team] = tier.name
                break
    return out
