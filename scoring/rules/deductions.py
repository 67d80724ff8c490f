"""Rule 12: deductions (扣分) subtracted from a team's rounded stage score.

A deduction is recorded by the organizer for the chief judge (state `confirmed`), or
proposed by the presentation timer (state `proposed`, source `timer`) and counts only
once the organizer confirms it. The confirmed points of a team in a stage are added up
and subtracted from the team's ROUNDED stage score, after normalization where a stage
normalizes (the caller passes the adjusted score then), and never below 0. That result
is the stage score everything downstream uses: the final (rules 4-5), `stage:KEY`,
the results. The raw tie-breaks (raw_mean, raw_sum, group_mean, dropped_sum) use the
sheets as judged and never see a deduction.

Pure: no database, no Flask.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from .numbers import _EXACT, exact_sum, round_half_up

PROPOSED = "proposed"
CONFIRMED = "confirmed"
DEDUCTION_STATES = (PROPOSED, CONFIRMED)
SOURCES = ("organizer", "timer")
_ZERO = Decimal(0)


@dataclass(frozen=True)
class Deduction:
    """Points taken off one team's score in one stage, with the reason the chief judge gave."""

    team: str
    stage: str
    points: Decimal
    reason: str = ""
    state: str = CONFIRMED
    source: str = "organizer"

    @property
    def counts(self) -> bool:
        """Only confirmed deductions change a score; a proposal waits for the organizer."""
        return self.state == CONFIRMED


def deduction_totals(deductions) -> dict:
    """(team, stage) -> the sum of the confirmed points (exact Decimal)."""
    out = {}
    for d in deductions:
        if d.counts:
            key = (d.team, d.stage)
            out[key] = _EXACT.add(out.get(key, _ZERO), d.points)
    return out


def deducted_score(score, points, decimals=2):
    """Rule 12: a rounded (or normalized) stage score less the points, never below 0.

    None stays None (a stage without a score yet). A score already below 0 (a z-score
    normalization can give one) is left as it is: a deduction never raises a score. The
    points are given at no more than `decimals` places, so the result is already at
    `decimals`; it is rounded half-up once more only so that a stray finer figure can
    never leak into the final.
    """
    if score is None:
        return None
    if not points:
        return score
    if score <= 0:
        return score
    return round_half_up(max(_ZERO, _EXACT.subtract(score, points)), decimals)


def apply_deduction(stage_result, points, decimals=2):
    """The StageResult with its score after the deduction; the score before it is kept."""
    if not points:
        return stage_result
    return replace(stage_result, score=deducted_score(stage_result.score, points, decimals),
                   deduction=points, before_deduction=stage_result.score)


def points_problems(points, decimals, place) -> list:
    """A deduction's points are above 0 and have at most `decimals` decimal places."""
    from .errors import N_
    from .numbers import decimal_text

    if points <= 0:
        return [(place, N_("%(value)s is not above 0"), {"value": decimal_text(points)})]
    if points.as_tuple().exponent < -decimals and points != round_half_up(points, decimals):
        return [(place, N_("%(value)s has more than %(decimals)s decimal places"),
                 {"value": decimal_text(points), "decimals": decimals})]
    return []


def total_points(deductions) -> Decimal:
    """The sum of the points of some deductions (for display)."""
    return exact_sum(d.points for d in deductions)


def overtime_points(seconds_over, per_seconds, points_each) -> Decimal:
    """Rule 12's timer proposal: `points_each` per started `per_seconds` over time (0 if none).

    E.g. 1 point per started 30 seconds: 1 s over -> 1, 30 s -> 1, 31 s -> 2.
    """
    if seconds_over <= 0 or per_seconds <= 0:
        return _ZERO
    started = -(-int(seconds_over) // int(per_seconds))  # ceiling division in integers
    return _EXACT.multiply(Decimal(started), points_each)
