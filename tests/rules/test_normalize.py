"""Section 12 normalization across rooms: every rounding step, exact halves at each.

Each "half" row lands exactly on a half at its step, so half-up (四舍五入, away from
zero) gives the expected figure where half-even, truncation or binary floating point
would not.
"""
from decimal import Decimal as D
from fractions import Fraction

import pytest

from scoring.rules.normalize import (
    normalize_stage,
    population_sd,
    room_coefficient,
    room_mean_adjusted,
    z_adjusted,
)


def _is_half(value, decimals):
    """The exact value lies exactly on a half at `decimals` (the row tests a half)."""
    return (Fraction(value) * 10**decimals).denominator == 2


@pytest.mark.parametrize("big_m, m_r, decimals, exact, expected", [
    ("60.0200", "40.0000", 3, "1.5005", "1.501"),      # half: half-even would give 1.500
    ("60.0600", "40.0000", 3, "1.5015", "1.502"),      # half
    ("50.0000", "80.0000", 3, "0.625", "0.625"),
    ("70.0000", "60.0000", 3, None, "1.167"),          # 1.1666...
    ("60.0200", "40.0000", 2, None, "1.50"),           # coefficient_decimals 2
    ("0.0000", "40.0000", 3, "0", "0.000"),
    ("80.0000", "0.0000", 3, None, "1"),               # a printed mean of 0 keeps 1
])
def test_room_coefficient(big_m, m_r, decimals, exact, expected):
    if exact is not None and exact != "0":
        assert Fraction(D(big_m)) / Fraction(D(m_r)) == Fraction(D(exact))
    assert room_coefficient(D(big_m), D(m_r), decimals) == D(expected)
    assert str(room_coefficient(D(big_m), D(m_r), decimals)) == expected


@pytest.mark.parametrize("score, c_r, decimals, expected", [
    ("45.00", "1.501", 2, "67.55"),   # 67.545: half
    ("35.00", "1.501", 2, "52.54"),   # 52.535: half
    ("5.00", "1.001", 2, "5.01"),     # 5.005: half, half-even gives 5.00
    ("80.00", "1", 2, "80.00"),
    ("33.3", "1.5", 1, "50.0"),       # 49.95: half at 1 decimal
    ("70.00", "1.071", 2, "74.97"),
])
def test_room_mean_adjusted(score, c_r, decimals, expected):
    exact = Fraction(D(score)) * Fraction(D(c_r))
    if expected in ("67.55", "52.54", "5.01", "50.0"):
        assert _is_half(exact, decimals)
    assert str(room_mean_adjusted(D(score), D(c_r), decimals)) == expected


@pytest.mark.parametrize("x, big_m, big_s, m_r, s_r, decimals, expected", [
    # 60 + 10 x 2.01 / 4 = 65.025: half
    ("52.01", "60.0000", "10.0000", "50.0000", "4.0000", 2, "65.03"),
    # 0.5 + 1 x (48.99 - 50) / 2 = -0.005: half, away from zero
    ("48.99", "0.5000", "1.0000", "50.0000", "2.0000", 2, "-0.01"),
    # a printed spread of 0: every team of the room gets M (60.005: half)
    ("77.00", "60.0050", "10.0000", "77.0000", "0.0000", 2, "60.01"),
    ("45.00", "60.0000", "21.0159", "40.0000", "4.0825", 2, "85.74"),
    ("35.00", "60.0000", "21.0159", "40.0000", "4.0825", 2, "34.26"),
])
def test_z_adjusted(x, big_m, big_s, m_r, s_r, decimals, expected):
    assert str(z_adjusted(D(x), D(big_m), D(big_s), D(m_r), D(s_r), decimals)) == expected


@pytest.mark.parametrize("values, expected", [
    (["35.00", "40.00", "45.00"], "4.0825"),          # sqrt(50/3) = 4.08248...
    (["1", "2", "3"], "0.8165"),                      # sqrt(2/3) = 0.816496...
    (["0.0005", "0.0000", "0.0005", "0.0000"], "0.0003"),  # 0.00025 exactly: half
    (["80.0001", "80.0000"], "0.0001"),               # 0.00005 exactly: half
    (["70", "70", "70"], "0.0000"),
    (["60.00"], "0.0000"),
])
def test_population_sd(values, expected):
    assert str(population_sd([D(v) for v in values])) == expected


def _stage(a, b):
    scores = {f"a{i}": D(v) for i, v in enumerate(a)} | {f"b{i}": D(v) for i, v in enumerate(b)}
    rooms = {k: k[0].upper() for k in scores}
    return scores, rooms


@pytest.mark.parametrize("a, b, big_m, m_a, m_b, c_a, c_b, adjusted", [
    # m_A = 80.00125: half at the 4th decimal (half-even gives 80.0012)
    (["80.01"] + ["80.00"] * 7, ["70.00"] * 8, "75.0006", "80.0013", "70.0000",
     "0.937", "1.071", {"a0": "74.97", "a1": "74.96", "b0": "74.97"}),
    # M = 75.00125: half at the 4th decimal
    (["80.01", "80.01"] + ["80.00"] * 6, ["70.00"] * 8, "75.0013", "80.0025", "70.0000",
     "0.937", "1.071", {"a0": "74.97", "a2": "74.96", "b0": "74.97"}),
    (["35.00", "40.00", "45.00"], ["70.00", "80.00", "90.00"], "60.0000", "40.0000",
     "80.0000", "1.500", "0.750", {"a2": "67.50", "b0": "52.50", "b2": "67.50"}),
])
def test_room_mean_stage(a, b, big_m, m_a, m_b, c_a, c_b, adjusted):
    scores, rooms = _stage(a, b)
    norm = normalize_stage("room_mean", scores, rooms, ["A", "B"], 2, 3)
    assert str(norm.mean) == big_m
    room_a, room_b = norm.rooms
    assert (room_a.room, str(room_a.mean), str(room_a.coefficient)) == ("A", m_a, c_a)
    assert (room_b.room, str(room_b.mean), str(room_b.coefficient)) == ("B", m_b, c_b)
    for team, value in adjusted.items():
        assert str(norm.adjusted[team]) == value
    assert not room_a.flagged and not room_b.flagged


def test_z_score_stage_prints_m_s_and_adjusts_from_printed_figures():
    scores, rooms = _stage(["35.00", "40.00", "45.00"], ["70.00", "80.00", "90.00"])
    norm = normalize_stage("z_score", scores, rooms, ["A", "B"], 2, 3)
    assert (str(norm.mean), str(norm.spread)) == ("60.0000", "21.0159")
    assert [(r.room, str(r.mean), str(r.spread)) for r in norm.rooms] == [
        ("A", "40.0000", "4.0825"), ("B", "80.0000", "8.1650")]
    assert {k: str(v) for k, v in norm.adjusted.items()} == {
        "a0": "34.26", "a1": "60.00", "a2": "85.74",
        "b0": "34.26", "b1": "60.00", "b2": "85.74"}


def test_flags_zero_mean_zero_spread_and_small_rooms():
    scores, rooms = _stage(["0.00", "0.00", "0.00"], ["70.00", "80.00"])
    norm = normalize_stage("room_mean", scores, rooms, ["A", "B", "C"], 2, 3)
    a, b, c = norm.rooms
    assert a.zero_mean and a.coefficient == 1 and norm.adjusted["a0"] == D("0.00")
    assert b.few_teams and not b.zero_mean
    assert c.teams == 0 and c.few_teams
    scores, rooms = _stage(["50.00", "50.00", "50.00"], ["70.00", "80.00", "90.00"])
    norm = normalize_stage("z_score", scores, rooms, ["A", "B"], 2, 3)
    a, b = norm.rooms
    assert a.zero_spread and a.flagged and not b.flagged
    # M = 65.0000: each team of the zero-spread room gets it
    assert str(norm.mean) == "65.0000"
    assert {str(norm.adjusted[k]) for k in ("a0", "a1", "a2")} == {"65.00"}


def test_teams_without_score_or_room_count_in_no_mean():
    scores = {"a0": D("40"), "a1": D("50"), "a2": None, "b0": D("60"), "b1": D("80"),
              "c0": D("99")}
    rooms = {"a0": "A", "a1": "A", "a2": "A", "b0": "B", "b1": "B", "c0": None}
    norm = normalize_stage("room_mean", scores, rooms, ["A", "B"], 2, 3)
    assert str(norm.mean) == "57.5000"          # (40 + 50 + 60 + 80) / 4
    assert [str(r.mean) for r in norm.rooms] == ["45.0000", "70.0000"]
    assert set(norm.adjusted) == {"a0", "a1", "b0", "b1"}
