"""Section 12: normalization of a stage's scores across its rooms (room_mean, z_score).

Pure and exact. Every input is a team's ROUNDED stage score. The statistics (M, m_r and,
for z_score, S and s_r) are rounded half-up at 4 decimals and printed; the coefficient
c_r = M / m_r is rounded at `coefficient_decimals`; the adjusted score is computed
exactly from those printed figures and rounded half-up at `decimals`, so a calculator
reproduces every number from the ones printed before it.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction

from .numbers import round_half_up, to_fraction

STAT_DECIMALS = 4
SQRT_DIGITS = 50
MIN_ROOM_TEAMS = 3


@dataclass(frozen=True)
class RoomStats:
    """One room's printed figures and flags."""

    room: str
    teams: int
    mean: Decimal | None                 # m_r at 4 decimals
    spread: Decimal | None = None        # s_r at 4 decimals (z_score)
    coefficient: Decimal | None = None   # c_r (room_mean)
    zero_mean: bool = False              # room_mean: printed m_r is 0, c_r kept at 1
    zero_spread: bool = False            # z_score: printed s_r is 0, every team gets M
    few_teams: bool = False              # fewer than 3 teams

    @property
    def flagged(self) -> bool:
        """Whether the room needs the chief judge's attention."""
        return self.zero_mean or self.zero_spread or self.few_teams


@dataclass(frozen=True)
class Normalization:
    """A stage's normalization: the method, M (and S), the rooms and each team's adjusted score."""

    method: str
    mean: Decimal | None                 # M at 4 decimals
    spread: Decimal | None               # S at 4 decimals (z_score)
    rooms: tuple[RoomStats, ...]
    adjusted: dict                       # team key -> adjusted score (Decimal)


def exact_mean(values) -> Fraction:
    """The exact mean of Decimals as a Fraction."""
    values = [to_fraction(v) for v in values]
    return sum(values, Fraction(0)) / len(values)


def population_sd(values) -> Decimal:
    """The population standard deviation, rounded half-up at 4 decimals.

    The population variance is exact (about the exact mean); its square root is taken
    in Decimal at 50 significant digits, then rounded half-up at 4 decimals.
    """
    values = [to_fraction(v) for v in values]
    mean = sum(values, Fraction(0)) / len(values)
    variance = sum(((v - mean) ** 2 for v in values), Fraction(0)) / len(values)
    ctx = Context(prec=SQRT_DIGITS, rounding=ROUND_HALF_EVEN)
    root = ctx.sqrt(ctx.divide(Decimal(variance.numerator), Decimal(variance.denominator)))
    return round_half_up(root, STAT_DECIMALS)


def room_coefficient(big_m, m_r, coefficient_decimals=3) -> Decimal:
    """room_mean: c_r = M / m_r from the printed figures, half-up; 1 when m_r is 0."""
    if m_r == 0:
        return Decimal(1)
    return round_half_up(to_fraction(big_m) / to_fraction(m_r), coefficient_decimals)


def room_mean_adjusted(score, c_r, decimals=2) -> Decimal:
    """room_mean: the rounded stage score x c_r, rounded half-up at `decimals`."""
    return round_half_up(to_fraction(score) * to_fraction(c_r), decimals)


def z_adjusted(score, big_m, big_s, m_r, s_r, decimals=2) -> Decimal:
    """z_score: M + S x (x - m_r) / s_r from the printed figures, half-up (away from zero);
    M itself when the printed s_r is 0."""
    if s_r == 0:
        return round_half_up(big_m, decimals)
    x = to_fraction(score)
    return round_half_up(
        to_fraction(big_m) + to_fraction(big_s) * (x - to_fraction(m_r)) / to_fraction(s_r),
        decimals)


def normalize_stage(method, scores, rooms, room_order=None, decimals=2,
                    coefficient_decimals=3) -> Normalization:
    """Section 12 normalization of one stage: scores {team: rounded score or None}, rooms
    {team: room key}; room_order lists the stage's rooms. Teams without a score or a
    room take no part and count in no mean."""
    teams = [t for t in scores if scores[t] is not None and rooms.get(t) is not None]
    order = list(room_order) if room_order is not None else []
    for t in teams:
        if rooms[t] not in order:
            order.append(rooms[t])
    by_room = {r: [t for t in teams if rooms[t] == r] for r in order}
    if not teams:
        return Normalization(method, None, None,
                             tuple(RoomStats(r, 0, None, few_teams=True) for r in order), {})
    all_scores = [scores[t] for t in teams]
    big_m = round_half_up(exact_mean(all_scores), STAT_DECIMALS)
    big_s = population_sd(all_scores) if method == "z_score" else None
    stats, adjusted = [], {}
    for r in order:
        members = by_room[r]
        few = len(members) < MIN_ROOM_TEAMS
        if not members:
            stats.append(RoomStats(r, 0, None, few_teams=True))
            continue
        values = [scores[t] for t in members]
        m_r = round_half_up(exact_mean(values), STAT_DECIMALS)
        if method == "room_mean":
            zero = m_r == 0
            c_r = room_coefficient(big_m, m_r, coefficient_decimals)
            for t in members:
                adjusted[t] = room_mean_adjusted(scores[t], c_r, decimals)
            stats.append(RoomStats(r, len(members), m_r, coefficient=c_r, zero_mean=zero,
                                   few_teams=few))
        elif method == "z_score":
            s_r = population_sd(values)
            zero = s_r == 0
            for t in members:
                adjusted[t] = z_adjusted(scores[t], big_m, big_s, m_r, s_r, decimals)
            stats.append(RoomStats(r, len(members), m_r, spread=s_r, zero_spread=zero,
                                   few_teams=few))
        else:
            for t in members:
                adjusted[t] = scores[t]
            stats.append(RoomStats(r, len(members), m_r, few_teams=few))
    return Normalization(method, big_m, big_s, tuple(stats), adjusted)
