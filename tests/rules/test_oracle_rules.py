"""Pure checks of the rules against the independent oracle (tests/rules/oracle.py): award
tiers on random rankings, and the smallest cases of the discrepancies the oracle found."""
import random
from decimal import Decimal

from scoring.rules.awards_ties import assign_awards_by
from scoring.rules.settings import AwardTier

from .oracle import assign_awards


def _random_ranking(rng, gaps):
    """[(team, rank)] in ranking order: competition ranks, with open ranks if `gaps`."""
    out, position = [], 1
    for i in range(rng.randint(0, 25)):
        if out and rng.random() < 0.3:
            out.append((f"T{i}", out[-1][1]))  # shares the rank before
        else:
            if gaps and rng.random() < 0.15:
                position += rng.randint(1, 3)  # qualifiers without a final hold these
            out.append((f"T{i}", max(position, len(out) + 1)))
            position = out[-1][1]
        position += 1
    return out


def test_award_tiers_match_the_oracle_on_random_rankings():
    """fixed and shift, counts and shares, with and without ranks left open."""
    rng = random.Random(7)
    for _ in range(3000):
        ranking = _random_ranking(rng, gaps=rng.random() < 0.5)
        tiers = []
        for i in range(rng.randint(0, 4)):
            if rng.random() < 0.5:
                tiers.append({"name": f"A{i}", "count": rng.randint(0, 4)})
            else:
                tiers.append({"name": f"A{i}", "share": rng.choice(["0.1", "0.25", "0.5"])})
        records = [AwardTier(t["name"], count=t.get("count"),
                             share=Decimal(t["share"]) if "share" in t else None)
                   for t in tiers]
        for mode in ("fixed", "shift"):
            got = assign_awards_by(dict(ranking), records, mode)
            assert got == assign_awards(ranking, tiers, mode), (ranking, tiers, mode)


def test_shift_counts_a_rank_left_open_in_its_tier():
    """Tiers of 2, 2, 2; ranks 2 and 3 are qualifiers still without a final (they rank
    ahead of every non-qualifier). Positions are ranks: 1-2 first, 3-4 second, 5-6 third,
    as `fixed` has it. The app counted the second tier from position 3 (rank 4 - 1) and
    gave rank 5 the second tier."""
    tiers = [AwardTier(n, count=2) for n in ("一等奖", "二等奖", "三等奖")]
    ranks = {"A": 1, "D": 4, "E": 5, "F": 6}
    assert assign_awards_by(ranks, tiers, "shift") == {
        "A": "一等奖", "D": "二等奖", "E": "三等奖", "F": "三等奖"}
