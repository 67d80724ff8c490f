"""Rule 7, `award_ties`: how a tie across an award boundary shares the tiers.

`fixed` (the default): tier i ends at position c_i, the running sum of the tier sizes;
a team gets the first tier with c_i >= its rank, so a tie across a boundary enlarges the
higher tier and shrinks the next one.

`shift` ("如果有重名就并列计算，并少掉后面的奖项": ties share, the later awards shrink):
the tiers are filled in ranking order, each tier taking its size counted from where the
previous tier actually ended; teams that share a rank all take the tier the first of
them enters; no team ranked after c_last (the sum of all sizes) gets an award.

Pure: no database, no Flask.
"""

AWARD_TIES = ("fixed", "shift")


def assign_awards_shift(ranks, tiers) -> dict:
    """Rule 7 `shift`: team -> tier name (or None) from team -> rank (None: not ranked)."""
    ranked = [r for r in ranks.values() if r is not None]
    n_ranked = len(ranked)
    sizes = [tier.size(n_ranked) for tier in tiers]
    c_last = sum(sizes)
    # Teams sharing a rank: how many positions the rank group occupies.
    group_size = {}
    for r in ranked:
        group_size[r] = group_size.get(r, 0) + 1
    tier_of_rank = {}
    index = 0
    start = 0  # positions taken by the tiers before `index`
    for rank in sorted(group_size):
        if rank > c_last:
            break  # past the sum of all sizes: no award, whatever the shift
        # Skip tiers that cannot take this group: a tier of size 0, or one already full.
        # (A tier not filled up ends at its size: positions are ranks, and a rank left
        # open, a qualifier still without a final, holds its place in the tier.)
        while index < len(tiers) and rank > start + sizes[index]:
            start += sizes[index]  # where the previous tier actually ended
            index += 1
        if index >= len(tiers):
            break
        tier_of_rank[rank] = tiers[index].name
        end = rank + group_size[rank] - 1  # the whole group, never split
        if end >= start + sizes[index]:
            # The tier is full (or overfull, by a tie): the next starts where it ended.
            start = end
            index += 1
    return {team: (None if r is None else tier_of_rank.get(r)) for team, r in ranks.items()}


def assign_awards_by(ranks, tiers, award_ties="fixed") -> dict:
    """Rule 7 under either reading of ties: `fixed` (ranking.assign_awards) or `shift`."""
    if award_ties == "shift":
        return assign_awards_shift(ranks, tiers)
    from .ranking import assign_awards

    return assign_awards(ranks, tiers)
