"""Section 12 with issue 18's rules: deductions after normalization, award_ties,
final_rounding and precise:N in a competition with divisions and rooms."""
from dataclasses import replace
from decimal import Decimal as D

import pytest

from scoring.rules import AwardTier, SettingsError, compute_results
from scoring.rules.deductions import Deduction
from scoring.rules.layout import Qualify

from .layout_factory import build

TWO = {"prelim": "0", "final": "1"}
ROOMS = {"prelim": {"A1": "A", "A2": "A", "A3": "A", "B1": "B", "B2": "B", "B3": "B"}}
SCORES = {"A1": {"prelim": "35"}, "A2": {"prelim": "40"}, "A3": {"prelim": "45"},
          "B1": {"prelim": "70"}, "B2": {"prelim": "80"}, "B3": {"prelim": "90"}}


def _normalized(deductions=()):
    contest = build(TWO, SCORES, rooms=ROOMS, normalization={"prelim": "room_mean"},
                    qualify=("final", Qualify(top=2)))
    return replace(contest, deductions=tuple(deductions))


@pytest.mark.parametrize("points, a3_score, qualifiers", [
    # room_mean: A's coefficient 1.500, B's 0.750; A3 67.50, B3 67.50, B2 60.00
    (None, "67.50", {"A3", "B3"}),
    # the points come off the ADJUSTED 67.50 (not the raw 45): 66.00 still qualifies
    ("1.5", "66.00", {"A3", "B3"}),
    # 67.50 - 8 = 59.50 falls below B2's 60.00: the cut changes
    ("8", "59.50", {"B2", "B3"}),
    # never below 0
    ("100", "0.00", {"B2", "B3"}),
])
def test_a_deduction_comes_off_the_normalized_score_and_can_move_the_cut(points, a3_score,
                                                                         qualifiers):
    deductions = [Deduction("A3", "prelim", D(points))] if points else []
    result = compute_results(_normalized(deductions))
    a3 = result.team("A3")
    assert str(a3.stages["prelim"].score) == a3_score
    assert str(a3.raw_stages["prelim"]) == "45.00"  # the sheets as judged stay on record
    assert {r.team for r in result.teams if r.qualified} == qualifiers
    assert result.has_deductions is bool(points)
    if points:
        assert a3.stages["prelim"].before_deduction == D("67.50")
        assert a3.stages["prelim"].deduction == D(points)


def test_a_proposed_deduction_changes_nothing():
    proposed = Deduction("A3", "prelim", D("8"), state="proposed", source="timer")
    assert compute_results(_normalized([proposed])).team("A3").stages["prelim"].score == \
        D("67.50")


@pytest.mark.parametrize("award_ties, expected", [
    ("fixed", {"W1": "一等奖", "W2": "一等奖", "W3": "三等奖", "W4": None,
               "L1": "一等奖", "L2": "二等奖", "L3": "三等奖"}),
    # shift: the tie at the top takes gold's place and silver's; silver moves to W3
    ("shift", {"W1": "一等奖", "W2": "一等奖", "W3": "二等奖", "W4": None,
               "L1": "一等奖", "L2": "二等奖", "L3": "三等奖"}),
])
def test_award_ties_apply_within_each_division(award_ties, expected):
    scores = {"W1": {"prelim": "0", "final": "90"}, "W2": {"prelim": "0", "final": "90"},
              "W3": {"prelim": "0", "final": "80"}, "W4": {"prelim": "0", "final": "70"},
              "L1": {"prelim": "0", "final": "90"}, "L2": {"prelim": "0", "final": "85"},
              "L3": {"prelim": "0", "final": "80"}}
    divisions = {k: ("wen" if k[0] == "W" else "li") for k in scores}
    awards = (AwardTier("一等奖", count=1), AwardTier("二等奖", count=1),
              AwardTier("三等奖", count=1))
    contest = build(TWO, scores, divisions=divisions, awards=awards,
                    tie_breaks=("stage:prelim",))
    contest = replace(contest, rules=replace(contest.rules, award_ties=award_ties))
    result = compute_results(contest)
    assert {r.team: r.award for r in result.teams} == expected


@pytest.mark.parametrize("final_rounding, final", [
    # products 24.003 + 24.003 + 32.000: the sum 80.006 rounds to 80.01 ...
    ("sum", "80.01"),
    # ... each product rounded first: 24.00 + 24.00 + 32.00 = 80.00
    ("each", "80.00"),
])
def test_final_rounding_applies_in_a_competition_with_rooms(final_rounding, final):
    stages = {"a": "0.3", "b": "0.3", "c": "0.4"}
    scores = {"T1": {"a": "80.01", "b": "80.01", "c": "80.00"}}
    contest = build(stages, scores)
    contest = replace(contest, rules=replace(contest.rules, final_rounding=final_rounding))
    assert str(compute_results(contest).team("T1").final) == final


def test_precise_with_a_normalized_stage_is_refused_by_its_place():
    contest = _normalized()
    contest = replace(contest, rules=replace(contest.rules,
                                             tie_breaks=("raw_mean", "precise:3")))
    with pytest.raises(SettingsError) as caught:
        compute_results(contest)
    places = [p[0] for p in caught.value.problems]
    assert "competition.rules.tie_breaks[1]" in places
