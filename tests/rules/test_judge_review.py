"""Judge review figures against an example worked by hand (rules/judge_review.py).

Three judges, four teams:        T1  T2  T3  T4
                            J1   80  70  60  90
                            J2   70  70  50  80
                            J3   90  60  70  85
Panel means: T1 80, T2 200/3, T3 60, T4 85; panel order T4, T1, T2, T3 (ranks 1-4).
J1: deviations 0, 10/3, 0, 5 -> 25/12; same order as the panel -> rho 1.
J2: -10, 10/3, -10, -5 -> -65/12; T1 and T2 tie at 70 -> ranks 2.5 and 2.5, d² = 0.25
    + 0.25 = 1/2 -> rho = 1 - 6·(1/2)/(4·15) = 19/20.
J3: 10, -20/3, 10, 0 -> 10/3; order T1, T4, T3, T2: d = -1, 1, -1, 1, Σd² = 4 ->
    rho = 1 - 24/60 = 3/5.
"""
from decimal import Decimal
from fractions import Fraction as F

import pytest

from scoring.rules import average_ranks, judge_review, spearman

TABLE = {"J1": (80, 70, 60, 90), "J2": (70, 70, 50, 80), "J3": (90, 60, 70, 85)}


def _totals(table, skip=()):
    return {(j, f"T{i + 1}"): Decimal(v) for j, row in table.items()
            for i, v in enumerate(row) if (j, f"T{i + 1}") not in skip}


@pytest.mark.parametrize("judge, deviation, rho, flags", [
    ("J1", F(25, 12), F(1), 0),
    ("J2", F(-65, 12), F(19, 20), 2),
    ("J3", F(10, 3), F(3, 5), 1),
])
def test_figures_equal_the_hand_worked_example(judge, deviation, rho, flags):
    flagged = {("J2", "T1"), ("J2", "T3"), ("J3", "T2")}
    review = {r.judge: r for r in judge_review(_totals(TABLE), flagged)}
    r = review[judge]
    assert (r.sheets, r.mean_deviation, r.rank_correlation, r.flags) == (4, deviation, rho, flags)


def test_deviations_of_a_full_panel_sum_to_zero():
    assert sum(r.mean_deviation for r in judge_review(_totals(TABLE))) == 0


def test_a_missing_sheet_changes_the_panel_mean_and_the_teams_compared():
    # J3 did not score T2: T2's panel mean is (70 + 70) / 2 = 70; J3 is compared on
    # T1, T3, T4 only: panel means 80, 60, 85 -> ranks 2, 3, 1; J3's 90, 70, 85 -> 1, 3, 2;
    # Σd² = 1 + 0 + 1 = 2 -> rho = 1 - 12/24 = 1/2; deviations 10, 10, 0 -> 20/3.
    review = {r.judge: r for r in judge_review(_totals(TABLE, skip={("J3", "T2")}))}
    assert review["J3"].sheets == 3
    assert review["J3"].rank_correlation == F(1, 2)
    assert review["J3"].mean_deviation == F(20, 3)
    assert review["J1"].mean_deviation == F(0 + 0 + 0 + 5, 4)  # T2: 70 - 70 = 0


@pytest.mark.parametrize("values, ranks", [
    ({"a": 3, "b": 2, "c": 1}, {"a": 1, "b": 2, "c": 3}),
    ({"a": 5, "b": 5, "c": 1}, {"a": F(3, 2), "b": F(3, 2), "c": 3}),
    ({"a": 1, "b": 1, "c": 1}, {"a": 2, "b": 2, "c": 2}),
    ({}, {}),
])
def test_average_ranks(values, ranks):
    assert average_ranks(values) == ranks


@pytest.mark.parametrize("a, b, rho", [
    ({"x": 1}, {"x": 5}, None),                       # one team: no correlation
    ({"x": 1, "y": 2}, {"x": 1, "y": 2}, F(1)),
    ({"x": 1, "y": 2}, {"x": 2, "y": 1}, F(-1)),
    ({"x": 1, "y": 2, "z": 3}, {"x": 3, "y": 2, "z": 1}, F(-1)),
])
def test_spearman(a, b, rho):
    assert spearman(a, b) == rho


def test_results_are_fractions_never_floats():
    r = judge_review(_totals(TABLE))[1]
    assert type(r.mean_deviation) is F and type(r.rank_correlation) is F
