"""Judge review for the chief judge (DESIGN section 11): per judge and stage, how severe
the judge scored against the panel, how well the judge's order agrees with the panel's,
and how many of the judge's sheets were flagged for variance.

Pure: plain values in, exact Fractions out; never touches the database.

Definitions (printed with the report):
- The panel mean of a team is the plain mean of every counted sheet total of that team
  in the stage (nothing trimmed; the judge's own sheet included).
- Mean deviation: the mean, over the teams the judge scored, of (the judge's total minus
  the panel mean). Negative: stricter than the panel; positive: more lenient.
- Rank correlation: Spearman's rho by the classic formula rho = 1 - 6·Σd² / (n(n²-1)),
  over the n teams the judge scored, where d is the difference between the team's rank
  by the judge's totals and its rank by the panel means among those same teams (rank 1
  the highest; tied values share the average of their ranks). With ties this formula is
  the usual exact approximation, not the Pearson correlation of the ranks (which needs
  a square root); it stays a Fraction. None when the judge scored fewer than two teams.
"""
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from .numbers import round_half_up


@dataclass(frozen=True)
class JudgeReview:
    """One judge's figures in one stage."""

    judge: str
    sheets: int
    mean_deviation: Fraction | None
    rank_correlation: Fraction | None
    flags: int


def average_ranks(values: Mapping[str, Fraction]) -> dict:
    """{key: rank} with rank 1 the highest value; ties share their average rank."""
    ordered = sorted(values.items(), key=lambda kv: kv[1], reverse=True)
    ranks: dict = {}
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1][1] == ordered[i][1]:
            j += 1
        rank = Fraction(i + 1 + j + 1, 2)
        for k in range(i, j + 1):
            ranks[ordered[k][0]] = rank
        i = j + 1
    return ranks


def spearman(a: Mapping[str, Fraction], b: Mapping[str, Fraction]) -> Fraction | None:
    """Spearman's rho = 1 - 6Σd²/(n(n²-1)) over the keys of a (all in b); None if n < 2."""
    n = len(a)
    if n < 2:
        return None
    ra, rb = average_ranks(a), average_ranks({k: b[k] for k in a})
    d2 = sum((ra[k] - rb[k]) ** 2 for k in a)
    return 1 - Fraction(6) * d2 / (n * (n * n - 1))


def judge_review(totals: Mapping[tuple, object], flagged=frozenset()) -> list[JudgeReview]:
    """The review of every judge of one stage, in judge key order.

    totals: {(judge, team): sheet total (Decimal)} of the counted sheets; flagged: the
    (judge, team) pairs flagged for variance.
    """
    by_team: dict = defaultdict(list)
    by_judge: dict = defaultdict(dict)
    for (judge, team), total in totals.items():
        value = Fraction(total)
        by_team[team].append(value)
        by_judge[judge][team] = value
    panel = {team: sum(v) / len(v) for team, v in by_team.items()}
    out = []
    for judge in sorted(by_judge):
        own = by_judge[judge]
        deviation = sum(own[t] - panel[t] for t in own) / len(own)
        out.append(JudgeReview(
            judge=judge, sheets=len(own), mean_deviation=deviation,
            rank_correlation=spearman(own, panel),
            flags=sum(1 for t in own if (judge, t) in flagged)))
    return out


def fraction_text(value, places=2) -> str:
    """An exact figure as printed, rounded half up, with its sign (+1.25, -0.50)."""
    if value is None:
        return "—"
    text = f"{round_half_up(value, places):.{places}f}"
    return text if text.startswith("-") or value == 0 else "+" + text
