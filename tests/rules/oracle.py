"""An independent oracle of the scoring rules: DESIGN sections 2, 6 and 12, written from
the spec alone (nothing imported from scoring.rules), in plain Fraction arithmetic.

`expected_results(doc)` takes a contest file (a dict) and returns what
`scoring results KEY --format json` must print for it. This module holds the per-team
arithmetic (sheet totals, stage scores, tie-break values, ranks, awards);
tests/rules/oracle_layout.py assembles the rows (divisions, rooms, normalization,
advancement, withdrawn and incomplete teams).
"""
from decimal import Decimal
from fractions import Fraction

DEFAULT_GROUPS = {"external": {"weight": "0.4", "trim": 0},
                  "internal": {"weight": "0.6", "trim": 1}}
DEFAULT_AWARDS = [{"name": "一等奖", "share": "0.2"}, {"name": "二等奖", "share": "0.3"},
                  {"name": "三等奖", "share": "0.5"}]
DEFAULT_TIE_BREAKS = ["stage:presentation", "raw_mean", "group_mean:external"]


def half_up(value, places: int) -> Fraction:
    """value rounded half-up (away from zero) at `places` decimals, as an exact Fraction."""
    value = Fraction(value)
    scaled = abs(value) * 10 ** places
    whole = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    return Fraction(whole if value >= 0 else -whole, 10 ** places)


def text(value, places: int):
    """A Fraction already rounded at `places` as the app prints it ("84.50"); None stays."""
    if value is None:
        return None
    q = Decimal(value.numerator) / Decimal(value.denominator)
    return f"{q.quantize(Decimal(1).scaleb(-places)):.{places}f}"


class Rules:
    """A competition's rule settings with the documented defaults filled in."""

    def __init__(self, raw: dict):
        self.aggregation = raw.get("aggregation", "pooled")
        self.trim = raw.get("trim", 1)
        groups = raw.get("groups", DEFAULT_GROUPS)
        self.groups = {g: (Fraction(v.get("weight", DEFAULT_GROUPS[g]["weight"])),
                           v.get("trim", DEFAULT_GROUPS[g]["trim"]))
                       for g, v in groups.items()}
        self.decimals = raw.get("decimals", 2)
        self.tie_breaks = raw.get("tie_breaks", DEFAULT_TIE_BREAKS)
        self.awards = raw.get("awards", DEFAULT_AWARDS)
        self.award_ties = raw.get("award_ties", "fixed")
        self.final_rounding = raw.get("final_rounding", "sum")
        self.coefficient_decimals = raw.get("coefficient_decimals", 3)


def recused_pairs(doc: dict) -> set:
    """(judge, team) pairs that are recused: the department rule, added, lifted."""
    pairs = set()
    for judge in doc["judges"]:
        dept = judge.get("department")
        if dept is None:
            continue
        for team in doc["teams"]:
            if any(m.get("department") == dept for m in team["members"]):
                pairs.add((judge["key"], team["key"]))
    for r in doc.get("recusals", []):
        pair = (r["judge"], r["team"])
        if r.get("lift"):
            pairs.discard(pair)
        else:
            pairs.add(pair)
    return pairs


def sheet_totals(doc: dict) -> dict:
    """(team, stage) -> [(judge, total)] of the submitted sheets (drafts never count)."""
    out = {}
    for s in doc.get("sheets", []):
        if s["status"] != "submitted":
            continue
        total = sum((Fraction(v) for v in s["scores"].values()), Fraction(0))
        out.setdefault((s["team"], s["stage"]), []).append((s["judge"], total))
    return out


def _trimmed(totals: list, trim: int):
    """(kept totals, dropped totals): trim at each end, nothing below 2*trim+1 sheets."""
    ordered = sorted(totals)
    if len(ordered) < 2 * trim + 1 or trim == 0:
        return ordered, []
    return ordered[trim:-trim], ordered[:trim] + ordered[-trim:]


def stage_exact(sheets: list, groups_of: dict, rules: Rules):
    """(exact stage score or None, dropped totals) from [(judge, total)]: rule 3."""
    if not sheets:
        return None, []
    if rules.aggregation == "pooled":
        kept, dropped = _trimmed([t for _j, t in sheets], rules.trim)
        return Fraction(sum(kept), len(kept)), dropped
    weighted, weight, dropped = Fraction(0), Fraction(0), []
    for group, (g_weight, g_trim) in rules.groups.items():
        totals = [t for j, t in sheets if groups_of[j] == group]
        if not totals:
            continue  # the group is left out, the other weights scaled up
        kept, gone = _trimmed(totals, g_trim)
        weighted += g_weight * Fraction(sum(kept), len(kept))
        weight += g_weight
        dropped += gone
    if weight == 0:
        return None, []
    return weighted / weight, dropped


def combine(scores: dict, weights: dict, places: int, final_rounding: str):
    """Rule 4/5: the weighted sum of rounded stage scores, rounded (or each product)."""
    if final_rounding == "each":
        return sum((half_up(scores[k] * w, places) for k, w in weights.items()), Fraction(0))
    return half_up(sum((scores[k] * w for k, w in weights.items()), Fraction(0)), places)


def scaled(weights: dict) -> dict:
    """Weights scaled to sum to 1; equal weights when they all weigh 0."""
    total = sum(weights.values(), Fraction(0))
    if total == 0:
        return {k: Fraction(1, len(weights)) for k in weights}
    return {k: w / total for k, w in weights.items()}


def tie_values(chain, team, stage_keys, weights, ctx) -> list:
    """The team's tie-break values over `stage_keys` (weights as given), each rounded.

    ctx: `score(team, stage, places)` the stage score used downstream at `places`,
    `sheets` (team, stage) -> [(judge, total)], `dropped` (team, stage) -> totals,
    `groups_of` judge -> group, `decimals`, `precise(team, places)` the final (or
    qualification score) recomputed at `places`. Entries that do not apply are skipped.
    """
    d, out = ctx["decimals"], []
    for entry in chain:
        kind, _sep, arg = entry.partition(":")
        if kind == "stage":
            if arg in stage_keys:
                out.append(ctx["score"](team, arg, d))
        elif kind == "raw_mean":
            out.append(half_up(sum((w * _mean(ctx["sheets"].get((team, k), []))
                                    for k, w in weights.items()), Fraction(0)), d))
        elif kind == "raw_sum":
            out.append(half_up(sum((t for k in stage_keys
                                    for _j, t in ctx["sheets"].get((team, k), [])),
                                   Fraction(0)), d))
        elif kind == "dropped_sum":
            out.append(half_up(sum((w * sum(ctx["dropped"].get((team, k), []), Fraction(0))
                                    for k, w in weights.items()), Fraction(0)), d))
        elif kind == "group_mean":
            means = {}
            for k in stage_keys:
                totals = [t for j, t in ctx["sheets"].get((team, k), [])
                          if ctx["groups_of"][j] == arg]
                if totals:
                    means[k] = Fraction(sum(totals), len(totals))
            if not means:
                out.append(None)
            else:
                w = scaled({k: weights[k] for k in means})
                out.append(half_up(sum((w[k] * means[k] for k in means), Fraction(0)), d))
        elif kind == "precise":
            out.append(ctx["precise"](team, int(arg)))
    return out


def applicable(chain, stage_keys) -> list:
    """The chain entries tie_values computes over `stage_keys` (a stage:KEY elsewhere is
    skipped)."""
    return [e for e in chain if not e.startswith("stage:") or e[6:] in stage_keys]


def _mean(totals):
    return Fraction(sum(t for _j, t in totals), len(totals)) if totals else Fraction(0)


def sort_key(primary, values) -> tuple:
    """Descending on every value; a missing (None) value after any present one."""
    return tuple((1, 0) if v is None else (0, -v) for v in [primary, *values])


def rank_block(teams: list, key_of, draw_of, chain: list, first_rank: int = 1):
    """Competition ranks (1, 2, 2, 4) of `teams` by key_of(team) (a sort_key).

    Returns [(team, rank, tied, tie_note)] in ranking order, teams sharing a rank in draw
    order. tie_note names the deepest chain entry needed to separate the team from the
    teams of the same primary value.
    """
    ordered = sorted(teams, key=lambda t: (key_of(t), draw_of(t)))
    out = []
    for team in ordered:
        k = key_of(team)
        first = next(j for j, other in enumerate(ordered) if key_of(other) == k)
        tied = sum(1 for other in ordered if key_of(other) == k) > 1
        deepest = None
        for other in ordered:
            ok = key_of(other)
            if other is team or ok[0] != k[0] or ok == k:
                continue
            at = next(n for n in range(1, len(k)) if ok[n] != k[n])
            deepest = at if deepest is None else max(deepest, at)
        note = chain[deepest - 1] if deepest is not None else None
        out.append((team, first_rank + first, tied, note))
    return out


def tier_sizes(awards: list, n: int) -> list:
    """Each tier's size: its count, or share x n rounded half-up."""
    return [a["count"] if "count" in a else int(half_up(Fraction(a["share"]) * n, 0))
            for a in awards]


def assign_awards(ranked: list, awards: list, mode: str) -> dict:
    """team -> award name or None, from [(team, rank)] in ranking order: rule 7."""
    sizes = tier_sizes(awards, len(ranked))
    ends, acc = [], 0
    for s in sizes:
        acc += s
        ends.append(acc)
    c_last = ends[-1] if ends else 0
    out = {}
    if mode != "shift":
        for team, rank in ranked:
            out[team] = next((a["name"] for a, c in zip(awards, ends, strict=True)
                              if c >= rank), None)
        return out
    tier, end = 0, sizes[0] if sizes else 0  # the tier being filled; its last position
    for p, (team, rank) in enumerate(ranked):
        if p and rank == ranked[p - 1][1]:  # a shared rank takes the first one's tier
            out[team] = out[ranked[p - 1][0]]
            end = max(end, rank + sum(1 for _t, r in ranked[:p] if r == rank))
            continue
        # Positions are ranks (a qualifier still without a final holds its place); each
        # tier counts its size from where the previous one actually ended.
        while tier < len(sizes) and rank > end:
            tier += 1
            end += sizes[tier] if tier < len(sizes) else 0
        out[team] = awards[tier]["name"] if tier < len(sizes) and rank <= c_last else None
    return out
