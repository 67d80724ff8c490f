"""Issue 18, table-driven: award_ties (fixed / shift), precise:N, deductions, final_rounding.

Pure rules only: no app, no database.
"""
from decimal import Decimal as D

import pytest

from scoring.rules import (
    AwardTier,
    Deduction,
    Rules,
    SettingsError,
    Stage,
    assign_awards_by,
    combine,
    compute_results,
    deducted_score,
    deduction_totals,
    final_score,
)
from scoring.rules.model import Criterion

from .factory import make_contest, panel

G, S, B = "金奖", "银奖", "铜奖"
ONES = (AwardTier(G, count=1), AwardTier(S, count=1), AwardTier(B, count=1))
ONE_TWO_ONE = (AwardTier(G, count=1), AwardTier(S, count=2), AwardTier(B, count=1))
TWOS = (AwardTier(G, count=2), AwardTier(S, count=2), AwardTier(B, count=2))
SHARES = (AwardTier(G, share=D("0.2")), AwardTier(S, share=D("0.3")),
          AwardTier(B, share=D("0.5")))
ZERO_FIRST = (AwardTier(G, count=0), AwardTier(S, count=1), AwardTier(B, count=1))
_ = None

AWARD_CASES = [
    # (tiers, ranks in order, fixed, shift)
    # The published singing-contest case: two tied first, one award of each tier.
    (ONES, [1, 1, 3, 4, 5], [G, G, B, _, _], [G, G, S, _, _]),
    # A tie on the second boundary: both readings give two silvers.
    (ONES, [1, 2, 2, 4, 5], [G, S, S, _, _], [G, S, S, _, _]),
    # A tie straddling the last position: both tied teams get the last tier.
    (ONES, [1, 2, 3, 3, 5], [G, S, B, B, _], [G, S, B, B, _]),
    # Three tied first fill every position the tiers hold: nothing after them.
    (ONES, [1, 1, 1, 4, 5], [G, G, G, _, _], [G, G, G, _, _]),
    # Ties at no boundary: the readings agree.
    (ONES, [1, 2, 3, 4, 4], [G, S, B, _, _], [G, S, B, _, _]),
    # A larger middle tier: shift moves silver down one place and bronze falls off.
    (ONE_TWO_ONE, [1, 1, 3, 4, 5], [G, G, S, B, _], [G, G, S, S, _]),
    # Tiers of two: a tie inside a tier changes nothing...
    (TWOS, [1, 2, 3, 3, 5, 6, 7], [G, G, S, S, B, B, _], [G, G, S, S, B, B, _]),
    # ...a tie across the first boundary shifts each later tier by one.
    (TWOS, [1, 2, 2, 4, 5, 6, 7], [G, G, G, S, B, B, _], [G, G, G, S, S, B, _]),
    # Share tiers (N = 10: sizes 2, 3, 5): three tied first.
    (SHARES, [1, 1, 1, 4, 5, 6, 7, 8, 9, 10],
     [G, G, G, S, S, B, B, B, B, B], [G, G, G, S, S, S, B, B, B, B]),
    # Share tiers, a tie straddling the last position (c_last = 10 = N): all get bronze.
    (SHARES, [1, 2, 3, 4, 5, 6, 7, 8, 9, 9],
     [G, G, S, S, S, B, B, B, B, B], [G, G, S, S, S, B, B, B, B, B]),
    # A tier of size 0 is skipped by both readings.
    (ZERO_FIRST, [1, 2, 3], [S, B, _], [S, B, _]),
    # Unranked teams (withdrawn, no final) get nothing, and do not count in N.
    (ONES, [1, 1, None, 3], [G, G, _, B], [G, G, _, S]),
]


@pytest.mark.parametrize(("tiers", "ranks", "fixed", "shift"), AWARD_CASES)
def test_award_ties_fixed_and_shift(tiers, ranks, fixed, shift):
    """Rule 7: both readings of a tie across an award boundary, team by team."""
    by_team = {f"T{i}": r for i, r in enumerate(ranks)}
    got_fixed = assign_awards_by(by_team, tiers, "fixed")
    got_shift = assign_awards_by(by_team, tiers, "shift")
    assert [got_fixed[f"T{i}"] for i in range(len(ranks))] == fixed
    assert [got_shift[f"T{i}"] for i in range(len(ranks))] == shift


def test_award_ties_through_compute_results():
    """The setting reaches the whole computation: ranks 1, 1, 3 give gold, gold, silver."""
    totals = {"plan": {"A": panel(["90"] * 3), "B": panel(["90"] * 3),
                       "C": panel(["80"] * 3), "D": panel(["70"] * 3)}}
    for mode, third in (("fixed", B), ("shift", S)):
        rules = Rules(trim=0, tie_breaks=(), awards=ONES, award_ties=mode)
        result = compute_results(make_contest(totals, rules=rules))
        assert [(t.team, t.rank, t.award) for t in result.teams] == [
            ("A", 1, G), ("B", 1, G), ("C", 3, third), ("D", 4, None)]


# ---- precise:N ------------------------------------------------------------------------

def _precise_contest(tie_breaks, decimals=2):
    # trim 1 of five sheets: the three middle totals are averaged.
    totals = {"plan": {
        "A": panel(["70", "80", "80.01", "80", "90"]),   # 240.01 / 3 = 80.00333...
        "B": panel(["70", "80", "80", "80", "90"]),      # 80
        "C": panel(["70", "80.01", "80", "80", "90"]),   # 80.00333..., as A
        "D": panel(["70", "80", "80.02", "80", "90"]),   # 80.00666...
    }}
    return make_contest(totals, rules=Rules(trim=1, decimals=decimals, tie_breaks=tie_breaks,
                                            awards=()))


def test_precise_separates_teams_equal_at_decimals():
    """Equal at 2 decimals (80.00 each); the third decimal orders them, equal ones stay tied."""
    result = compute_results(_precise_contest(("precise:3",)))
    rows = [(t.team, str(t.final), t.rank, t.tied, t.tie_values["precise:3"])
            for t in result.teams]
    # D rounds to 80.01 at 2 decimals already; A and C are 80.003 at 3 and stay tied.
    assert rows == [
        ("D", "80.01", 1, False, D("80.007")),
        ("A", "80.00", 2, True, D("80.003")),
        ("C", "80.00", 2, True, D("80.003")),
        ("B", "80.00", 4, False, D("80.000")),
    ]
    assert result.team("B").tie_note == "precise:3"


def test_without_precise_the_teams_stay_tied():
    """The same contest without the tie-break: A, B and C share second place."""
    result = compute_results(_precise_contest(()))
    assert [(t.team, t.rank, t.tied) for t in result.teams] == [
        ("D", 1, False), ("A", 2, True), ("B", 2, True), ("C", 2, True)]


def test_precise_rounds_every_step_at_n():
    """precise:N rounds the stage scores at N too (not the 2-decimal ones), then the final."""
    stages = {"plan": "0.5", "presentation": "0.5"}
    totals = {
        # plan: 80.005 exactly (two sheets, trim 0); presentation 80.00.
        "plan": {"A": panel(["80.00", "80.01"]), "B": panel(["80.01", "80.00"])},
        "presentation": {"A": panel(["80", "80"]), "B": panel(["80", "80"])},
    }
    rules = Rules(trim=0, tie_breaks=("precise:3",), awards=())
    result = compute_results(make_contest(totals, rules=rules, stages=stages))
    # At 2 decimals plan rounds to 80.01 and the final is 80.005 -> 80.01 for both;
    # at 3 decimals: 0.5 x 80.005 + 0.5 x 80.000 = 80.0025 -> 80.003.
    assert [str(t.final) for t in result.teams] == ["80.01", "80.01"]
    assert [t.tie_values["precise:3"] for t in result.teams] == [D("80.003")] * 2


@pytest.mark.parametrize(("tie_break", "decimals", "ok"), [
    ("precise:3", 2, True), ("precise:2", 2, False), ("precise:1", 2, False),
    ("precise:10", 2, True), ("precise:11", 2, False), ("precise:", 2, False),
    ("precise:x", 2, False), ("precise:-3", 2, False), ("precise:３", 2, False),
    ("precise:1", 0, True),
])
def test_precise_n_must_exceed_decimals(tie_break, decimals, ok):
    """precise:N needs a whole N above `decimals`, at most 10; the problem names the line."""
    d = {"decimals": decimals, "tie_breaks": [tie_break], "awards": []}
    if ok:
        assert Rules.from_dict(d).tie_breaks == (tie_break,)
    else:
        with pytest.raises(SettingsError) as e:
            Rules.from_dict(d)
        assert [p[0] for p in e.value.problems] == ["rules.tie_breaks[0]"]


# ---- deductions (rule 12) -------------------------------------------------------------

@pytest.mark.parametrize(("score", "points", "expected"), [
    ("85.50", "1", "84.50"),
    ("85.50", "0.5", "85.00"),
    ("85.50", "1.5", "84.00"),
    ("0.50", "1", "0.00"),        # never below 0
    ("1.00", "1", "0.00"),        # exactly to 0
    ("0.00", "2", "0.00"),
    ("85.50", None, "85.50"),     # no deduction
    ("85.50", "0", "85.50"),
    # A normalized (room_mean) stage: raw 80.00 x c 1.025 = 82.00 is the input,
    # and the deduction comes off the adjusted score, not the raw one.
    ("82.00", "1.5", "80.50"),
    # A z-score adjusted score below 0 stays as it is: a deduction never raises a score.
    ("-1.20", "1", "-1.20"),
])
def test_deducted_score(score, points, expected):
    """Rule 12 on a rounded (or normalized) stage score."""
    got = deducted_score(D(score), None if points is None else D(points), 2)
    assert got == D(expected) and str(got) == expected


def test_deducted_score_keeps_none():
    """A stage without a score yet has none after a deduction either."""
    assert deducted_score(None, D("1"), 2) is None


def test_only_confirmed_deductions_count_and_they_add_up():
    """A timer's proposal waits for the organizer; two confirmed deductions add up."""
    ds = [Deduction("A", "plan", D("1"), "超时"),
          Deduction("A", "plan", D("0.5"), "道具违规"),
          Deduction("A", "plan", D("2"), "超时 65 秒", state="proposed", source="timer"),
          Deduction("B", "plan", D("3"), "超时", state="proposed", source="timer")]
    assert deduction_totals(ds) == {("A", "plan"): D("1.5")}


def _two_teams(deductions, tie_breaks=("stage:plan", "raw_mean")):
    stages = {"plan": "0.5", "presentation": "0.5"}
    totals = {"plan": {"A": panel(["85", "85", "85"]), "B": panel(["84", "84", "84"])},
              "presentation": {"A": panel(["80"] * 3), "B": panel(["80"] * 3)}}
    contest = make_contest(totals, rules=Rules(trim=0, tie_breaks=tie_breaks, awards=()),
                           stages=stages)
    from dataclasses import replace

    return compute_results(replace(contest, deductions=tuple(deductions)))


def test_deduction_changes_a_rank():
    """A 1.5-point deduction takes A (85 in plan) below B (84): the final follows."""
    before = _two_teams([])
    assert [(t.team, str(t.final)) for t in before.teams] == [("A", "82.50"), ("B", "82.00")]
    assert not before.has_deductions
    after = _two_teams([Deduction("A", "plan", D("1.5"), "超时")])
    assert [(t.team, t.rank, str(t.final)) for t in after.teams] == [
        ("B", 1, "82.00"), ("A", 2, "81.75")]
    plan = after.team("A").stages["plan"]
    assert (plan.score, plan.before_deduction, plan.deduction) == (
        D("83.50"), D("85.00"), D("1.5"))
    assert after.has_deductions


def test_deduction_feeds_stage_tie_break_but_not_raw_ones():
    """stage:KEY uses the deducted score; raw_mean uses the sheets as judged."""
    result = _two_teams([Deduction("A", "plan", D("1"), "超时")])
    a = result.team("A")
    assert a.tie_values["stage:plan"] == D("84.00")
    assert a.tie_values["raw_mean"] == D("82.50")
    # A and B now have the same final 82.00 and the same plan score 84.00:
    # raw_mean (82.50 against 82.00) separates them in A's favour.
    assert [(t.team, t.rank, t.tied, t.tie_note) for t in result.teams] == [
        ("A", 1, False, "raw_mean"), ("B", 2, False, "raw_mean")]


def test_deduction_to_zero_in_the_results():
    """A deduction larger than the stage score leaves 0 there, and the final adds 0."""
    result = _two_teams([Deduction("B", "plan", D("100"), "取消该环节成绩")])
    b = result.team("B")
    assert b.stages["plan"].score == D("0.00")
    assert b.final == D("40.00")


def test_proposed_deduction_changes_nothing():
    """A proposal by the timer is not subtracted until confirmed."""
    result = _two_teams([Deduction("A", "plan", D("3"), "超时", state="proposed",
                                   source="timer")])
    assert result.team("A").final == D("82.50")
    assert not result.has_deductions


def test_precise_subtracts_deductions_too():
    """precise:N recomputes with the deduction: 85 - 1 = 84 at 3 decimals as well."""
    result = _two_teams([Deduction("A", "plan", D("1"), "超时")], ("precise:3",))
    assert result.team("A").tie_values["precise:3"] == D("82.000")


# ---- final_rounding (rule 5) ----------------------------------------------------------

@pytest.mark.parametrize(("scores", "weights", "sum_", "each"), [
    # 7.43 x 0.8 = 5.944 -> 5.94; 7.18 x 0.8 = 5.744 -> 5.74: each 11.68; sum 11.688 -> 11.69
    (["7.43", "7.18"], ["0.8", "0.8"], "11.69", "11.68"),
    # 6.96 x 0.8 = 5.568 -> 5.57; 7.43 x 0.8 = 5.944 -> 5.94: each 11.51; sum 11.512 -> 11.51
    (["6.96", "7.43"], ["0.8", "0.8"], "11.51", "11.51"),
    # Halves round up in each product: 0.625 -> 0.63 twice = 1.26; sum 1.25
    (["1.25", "1.25"], ["0.5", "0.5"], "1.25", "1.26"),
    (["84.50", "87.90", "85.25"], ["0.3", "0.5", "0.2"], "86.35", "86.35"),
])
def test_final_rounding_sum_and_each(scores, weights, sum_, each):
    """Rule 5: `sum` rounds once; `each` rounds each product, then adds."""
    products = [(D(s), D(w)) for s, w in zip(scores, weights, strict=True)]
    assert str(combine(products, 2, "sum")) == sum_
    assert str(combine(products, 2, "each")) == each
    stages = [Stage(f"s{i}", D(w), (Criterion("c", D("100"), D("0.01")),))
              for i, w in enumerate(weights)]
    stage_scores = {f"s{i}": D(s) for i, s in enumerate(scores)}
    assert str(final_score(stages, stage_scores, 2, "each")) == each
    assert str(final_score(stages, stage_scores, 2)) == sum_


@pytest.mark.parametrize(("settings", "place"), [
    ({"award_ties": "share"}, "rules.award_ties"),
    ({"award_ties": 1}, "rules.award_ties"),
    ({"final_rounding": "product"}, "rules.final_rounding"),
    ({"final_rounding": None}, "rules.final_rounding"),
])
def test_bad_choices_are_named(settings, place):
    """A bad award_ties or final_rounding is refused with its place."""
    with pytest.raises(SettingsError) as e:
        Rules.from_dict(settings)
    assert [p[0] for p in e.value.problems] == [place]


def test_new_settings_are_written_only_when_not_default():
    """A competition that never used them exports its rules exactly as before."""
    assert "award_ties" not in Rules().to_dict()
    assert "final_rounding" not in Rules().to_dict()
    d = Rules(award_ties="shift", final_rounding="each").to_dict()
    assert (d["award_ties"], d["final_rounding"]) == ("shift", "each")
    assert Rules.from_dict(d) == Rules(award_ties="shift", final_rounding="each")
