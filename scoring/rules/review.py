"""The chief judge's review before publishing: what in a result still needs a look.

Pure code, never touching the database: it reads a ContestResult (and the award tiers)
and lists, in ranking order, the missing sheets, the sheets flagged for variance
(rule 8), the stage scores computed on too few sheets or without a panel group
(rule 3), and the ties that straddle an award boundary (rule 7).
"""
from dataclasses import dataclass
from decimal import Decimal

from .ranking import tier_bounds

MISSING, VARIANCE, TOO_FEW, GROUP_MISSING, AWARD_TIE = (
    "missing", "variance", "too_few", "group_missing", "award_tie")


@dataclass(frozen=True)
class ReviewItem:
    """One thing for the chief judge to look at (judges and teams by key)."""

    kind: str
    stage: str | None
    teams: tuple[str, ...]
    judges: tuple[str, ...] = ()
    total: Decimal | None = None   # the flagged sheet's total (variance)
    sheets: int | None = None      # sheets counted (too few)
    tier: str | None = None        # the higher tier of a straddled boundary (award tie)


def review_items(result, tiers=()) -> list[ReviewItem]:
    """Every review item of a result: per team in ranking order, then the award ties."""
    items = []
    for t in result.teams:
        if t.withdrawn:
            continue
        for stage, r in t.stages.items():
            if r.missing_judges:
                items.append(ReviewItem(MISSING, stage, (t.team,), tuple(r.missing_judges)))
            if r.too_few_sheets:
                items.append(ReviewItem(TOO_FEW, stage, (t.team,), sheets=len(r.sheets)))
            if r.group_missing:
                items.append(ReviewItem(GROUP_MISSING, stage, (t.team,)))
            for s in r.sheets:
                if s.variance_flag:
                    items.append(ReviewItem(VARIANCE, stage, (t.team,), (s.judge,),
                                            total=s.total))
    items.extend(award_boundary_ties(result, tiers))
    return items


def award_boundary_ties(result, tiers) -> list[ReviewItem]:
    """Teams sharing a rank across the end of a tier (rule 7: all take the higher tier)."""
    ranked = [t for t in result.teams if t.rank is not None]
    if not tiers or not ranked:
        return []
    bounds = tier_bounds(tiers, len(ranked))
    groups = {}
    for t in ranked:
        groups.setdefault(t.rank, []).append(t.team)
    out = []
    for rank, teams in groups.items():
        last = rank + len(teams) - 1
        for tier, bound in zip(tiers, bounds, strict=True):
            if len(teams) > 1 and rank <= bound < last:
                out.append(ReviewItem(AWARD_TIE, None, tuple(teams), tier=tier.name))
    return out
