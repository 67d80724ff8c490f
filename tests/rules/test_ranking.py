"""Rules 4-7 and 10: final score, ranking with tie-breaks and shared ranks, awards, withdrawal."""

from dataclasses import replace
from decimal import Decimal as D
from fractions import Fraction as F

import pytest

from scoring.rules import (
    AwardTier,
    GroupRule,
    RankEntry,
    Rules,
    Team,
    assign_awards,
    compute_results,
    final_score,
    rank_teams,
    tier_bounds,
)

from .factory import THREE_STAGES, make_contest, make_stage, panel


def test_final_uses_rounded_stage_scores():
    stages = [make_stage("plan", "0.3"), make_stage("presentation", "0.5"),
              make_stage("reflection", "0.2")]
    # 84.505 would contribute 25.3515 exactly; the rounded 84.51 contributes 25.353.
    scores = {"plan": D("84.51"), "presentation": D("87.90"), "reflection": D("85.25")}
    assert final_score(stages, scores) == D("86.35")  # 25.353 + 43.95 + 17.05 = 86.353
    assert final_score(stages, {**scores, "reflection": None}) is None


def test_final_from_rounded_not_exact_stage_scores_in_a_contest():
    # plan exact 80.0045 -> 80.00, presentation exact 80.005 -> 80.01, weights 0.3 / 0.7.
    # From exact values the final would be 80.00485 -> 80.00; from the printed rounded
    # stage scores a calculator gives 24.000 + 56.007 = 80.007 -> 80.01, which is the rule.
    contest = make_contest({"plan": {"A": panel(["80.009", "80.000"])},
                            "presentation": {"A": panel(["80.01", "80.00"])}},
                           stages={"plan": "0.3", "presentation": "0.7"},
                           rules=Rules(trim=0), step="0.001")
    t = compute_results(contest).team("A")
    assert t.stages["plan"].score == D("80.00")
    assert t.stages["presentation"].score == D("80.01")
    assert t.final == D("80.01")


@pytest.mark.parametrize(("weights", "stage_scores", "final"), [
    # rounded stage scores 85.01 and 85.01 at 1/3, 2/3... weights 0.3/0.7:
    # exact 85.005 each gives 85.005 -> 85.01; rounded gives 85.01.
    (("0.3", "0.7"), ("85.01", "85.01"), "85.01"),
    # 0.5 x 60.01 + 0.5 x 60.00 = 60.005 -> 60.01 (half-up on the second rounding)
    (("0.5", "0.5"), ("60.01", "60.00"), "60.01"),
    (("0.25", "0.75"), ("60.01", "60.01"), "60.01"),
])
def test_final_score_table(weights, stage_scores, final):
    stages = [make_stage("a", weights[0]), make_stage("b", weights[1])]
    got = final_score(stages, {"a": D(stage_scores[0]), "b": D(stage_scores[1])})
    assert got == D(final)


def entry(team, final, draw=None, **ties):
    return RankEntry(team, None if final is None else D(final),
                     {k.replace("_", ":", 1) if k.startswith(("stage_", "group_mean_")) else k:
                      (None if v is None else D(v)) for k, v in ties.items()}, draw)


CHAIN = ("stage:presentation", "raw_mean")


@pytest.mark.parametrize(("entries", "expected"), [
    # three-way tie after the whole chain: 1, 2, 2, 2, 5
    ([entry("A", "90"), entry("B", "80", 3, stage_presentation="80", raw_mean="80"),
      entry("C", "80", 1, stage_presentation="80", raw_mean="80"),
      entry("D", "80", 2, stage_presentation="80", raw_mean="80"), entry("E", "70")],
     {"A": (1, False, None), "C": (2, True, None), "D": (2, True, None),
      "B": (2, True, None), "E": (5, False, None)}),
    # a tie separated by the first tie-break: not tied, with a note
    ([entry("A", "80", 2, stage_presentation="81", raw_mean="70"),
      entry("B", "80", 1, stage_presentation="82", raw_mean="60")],
     {"B": (1, False, "stage:presentation"), "A": (2, False, "stage:presentation")}),
    # equal on the first, separated by the second
    ([entry("A", "80", 1, stage_presentation="81", raw_mean="70"),
      entry("B", "80", 2, stage_presentation="81", raw_mean="71")],
     {"B": (1, False, "raw_mean"), "A": (2, False, "raw_mean")}),
    # one of three separated, the other two still tied: 1, 2, 2
    ([entry("A", "80", 3, stage_presentation="85", raw_mean="1"),
      entry("B", "80", 2, stage_presentation="81", raw_mean="70"),
      entry("C", "80", 1, stage_presentation="81", raw_mean="70")],
     {"A": (1, False, "stage:presentation"), "C": (2, True, "stage:presentation"),
      "B": (2, True, "stage:presentation")}),
    # a missing tie-break value comes last
    ([entry("A", "80", 1, stage_presentation=None, raw_mean="99"),
      entry("B", "80", 2, stage_presentation="1", raw_mean="1")],
     {"B": (1, False, "stage:presentation"), "A": (2, False, "stage:presentation")}),
    # teams without a final get no rank
    ([entry("A", None), entry("B", "50")], {"B": (1, False, None)}),
    # equal values written differently are equal (80.0 and 80.00)
    ([entry("A", "80.0", 2), entry("B", "80.00", 1)],
     {"B": (1, True, None), "A": (1, True, None)}),
])
def test_rank_teams(entries, expected):
    placements = rank_teams(entries, CHAIN)
    got = {k: (p.rank, p.tied, p.tie_note) for k, p in placements.items()}
    assert got == expected
    assert list(placements) == list(expected)  # shared ranks listed in draw order


def test_group_mean_without_sheets_sorts_last():
    # Both teams final 80.00, equal presentation and raw_mean; B has no external sheet.
    contest = make_contest(
        {"plan": {"A": {"X1": "80", "N1": "80", "N2": "80"},
                  "B": {"N1": "80", "N2": "80", "N3": "80"}}},
        rules=Rules(trim=0, tie_breaks=("raw_mean", "group_mean:external")))
    res = compute_results(contest)
    assert res.team("B").tie_values == {"raw_mean": D("80.00"), "group_mean:external": None}
    assert [(t.team, t.rank, t.tied, t.tie_note) for t in res.teams] == [
        ("A", 1, False, "group_mean:external"), ("B", 2, False, "group_mean:external")]


def test_tie_values_in_a_contest():
    contest = make_contest(
        {"plan": {"A": {"X1": "90", "N1": "80", "N2": "70", "N3": "60"}},
         "presentation": {"A": {"X1": "100", "N1": "50"}}},
        stages={"plan": "0.5", "presentation": "0.5"},
        rules=Rules(tie_breaks=("stage:presentation", "raw_mean", "raw_sum",
                                "group_mean:external", "group_mean:internal")))
    t = compute_results(contest).team("A")
    assert t.tie_values == {
        "stage:presentation": D("75.00"),
        "raw_mean": D("75.00"),            # 0.5 x 75 + 0.5 x 75
        "raw_sum": D("450.00"),
        "group_mean:external": D("95.00"),  # 0.5 x 90 + 0.5 x 100
        "group_mean:internal": D("60.00"),  # 0.5 x 70 + 0.5 x 50
    }


def test_group_mean_rescales_weights_over_stages_with_that_group():
    contest = make_contest(
        {"plan": {"A": {"X1": "90", "N1": "80"}},
         "presentation": {"A": {"N1": "50", "N2": "60"}}},
        stages={"plan": "0.3", "presentation": "0.7"},
        rules=Rules(tie_breaks=("group_mean:external",)))
    # external has a sheet in plan only: its weight 0.3 scales to 1 -> 90
    assert compute_results(contest).team("A").tie_values["group_mean:external"] == D("90.00")


def tiers(*specs):
    return tuple(AwardTier(n, count=v) if isinstance(v, int) else AwardTier(n, share=D(v))
                 for n, v in specs)


@pytest.mark.parametrize(("tier_specs", "ranks", "expected"), [
    # by count
    ((("一", 1), ("二", 2)), [1, 2, 3, 4], ["一", "二", "二", None]),
    # by share of N=10: 2, 3, 5
    ((("一", "0.2"), ("二", "0.3"), ("三", "0.5")), list(range(1, 11)),
     ["一"] * 2 + ["二"] * 3 + ["三"] * 5),
    # share rounded half-up: 0.2 x 12 = 2.4 -> 2; 0.3 x 12 = 3.6 -> 4
    ((("一", "0.2"), ("二", "0.3")), list(range(1, 13)), ["一"] * 2 + ["二"] * 4 + [None] * 6),
    # 0.25 x 10 = 2.5 -> 3 (half-up, not half-even)
    ((("一", "0.25"),), list(range(1, 11)), ["一"] * 3 + [None] * 7),
    # mixing count and share
    ((("一", 1), ("二", "0.5")), [1, 2, 3, 4, 5, 6], ["一", "二", "二", "二", None, None]),
    # a tie across the boundary: both get the higher tier
    ((("一", 2), ("二", 2)), [1, 2, 2, 4, 5], ["一", "一", "一", "二", None]),
    ((("一", 1), ("二", 1)), [1, 1, 1, 4], ["一", "一", "一", None]),
    # a tier of size 0 gives nobody anything
    ((("一", 0), ("二", 1)), [1, 2], ["二", None]),
    # unranked teams get nothing and do not count in N
    ((("一", "0.5"),), [1, 2, None, None], ["一", None, None, None]),
])
def test_assign_awards(tier_specs, ranks, expected):
    teams = [f"T{i}" for i in range(len(ranks))]
    got = assign_awards(dict(zip(teams, ranks, strict=True)), tiers(*tier_specs))
    assert [got[t] for t in teams] == expected


def test_tier_bounds():
    assert tier_bounds(tiers(("一", "0.2"), ("二", "0.3"), ("三", "0.5")), 15) == [3, 8, 16]


THREE = THREE_STAGES


def five_team_contest(withdrawn=()):
    totals = {st: {t: panel([v, v, v]) for t, v in zip("ABCDE", vals, strict=True)}
              for st, vals in {"plan": ["90", "80", "80", "70", "60"],
                               "presentation": ["90", "80", "80", "70", "60"],
                               "reflection": ["90", "80", "80", "70", "60"]}.items()}
    teams = tuple(Team(k, d, (f"{k}1", f"{k}2", f"{k}3"), withdrawn=k in withdrawn)
                  for k, d in zip("ABCDE", [5, 4, 3, 2, 1], strict=True))
    rules = Rules(awards=tiers(("一", 1), ("二", 2)))
    return make_contest(totals, stages=THREE, teams=teams, rules=rules)


def test_contest_ranking_display_order_and_awards():
    res = compute_results(five_team_contest())
    assert [(t.team, t.rank, t.tied, t.final, t.award) for t in res.teams] == [
        ("A", 1, False, D("90.00"), "一"),
        ("C", 2, True, D("80.00"), "二"),   # C draws before B
        ("B", 2, True, D("80.00"), "二"),
        ("D", 4, False, D("70.00"), None),
        ("E", 5, False, D("60.00"), None),
    ]
    assert not res.provisional


def test_withdrawal():
    res = compute_results(five_team_contest(withdrawn=("A", "D")))
    assert [(t.team, t.rank, t.award, t.withdrawn) for t in res.teams] == [
        ("C", 1, "一", False), ("B", 1, "一", False), ("E", 3, "二", False),
        ("D", None, None, True), ("A", None, None, True),   # withdrawn last, in draw order
    ]
    assert res.team("A").final == D("90.00")  # its scores stay on record
    assert not res.team("A").provisional
    assert "A" not in res.draw_order


def test_team_missing_a_stage_is_not_ranked_and_provisional():
    contest = make_contest({"plan": {"A": panel(["80"]), "B": panel(["70"])},
                            "presentation": {"A": panel(["80"])}},
                           stages={"plan": "0.5", "presentation": "0.5"})
    res = compute_results(contest)
    assert [(t.team, t.rank, t.final, t.provisional) for t in res.teams] == [
        ("A", 1, D("80.00"), False), ("B", None, None, True)]
    assert res.provisional


@pytest.mark.parametrize(("weights", "scores"), [
    (("0.3", "0.7"), ("84.51", "87.93")),
    (("0.333", "0.667"), ("99.99", "0.01")),
    (("1", "0"), ("100.00", "55.55")),
])
def test_final_score_is_the_same_from_decimals_and_fractions(weights, scores):
    # Decimal inputs take the Decimal path, Fractions the Fraction path: one answer.
    stages = [make_stage(k, w) for k, w in zip("ab", weights, strict=True)]
    from_decimals = final_score(stages, {"a": D(scores[0]), "b": D(scores[1])})
    from_fractions = final_score(stages, {"a": F(D(scores[0])), "b": F(D(scores[1]))})
    assert from_decimals == from_fractions
    assert str(from_decimals) == str(from_fractions)


# dropped_sum (DESIGN section 6): Σ stage weight x the totals of the sheets the trim dropped.
@pytest.mark.parametrize(("totals", "stages", "rules", "expected"), [
    # pooled trim 1: drops 95 and 60 in plan (0.5 x 155 = 77.5), 100 and 50 in presentation
    # (0.5 x 150 = 75): 152.50
    ({"plan": {"A": {"N1": "95", "N2": "80", "N3": "70", "N4": "60"}},
      "presentation": {"A": {"N1": "100", "N2": "50", "N3": "70"}}},
     {"plan": "0.5", "presentation": "0.5"}, Rules(trim=1), D("152.50")),
    # too few sheets (2 < 2*1+1): nothing dropped in that stage, it adds 0
    ({"plan": {"A": {"N1": "95", "N2": "80"}}}, {"plan": "1"}, Rules(trim=1), D("0.00")),
    # trim 0: nothing is ever dropped
    ({"plan": {"A": {"N1": "95", "N2": "80", "N3": "70"}}}, {"plan": "1"}, Rules(trim=0),
     D("0.00")),
    # trim 2 drops four sheets: 99 + 98 + 10 + 11 = 218, weight 0.3 -> 65.4
    ({"plan": {"A": panel(["99", "98", "50", "51", "52", "10", "11"])}}, {"plan": "0.3"},
     Rules(trim=2), D("65.40")),
    # weighted groups: every group's dropped sheets count (external trim 1 drops X1 and X3:
    # 90 + 70; internal trim 1 drops 88 and 60), rounded half-up at decimals:
    # 0.333 x 308 = 102.564 -> 102.56
    ({"plan": {"A": {"X1": "90", "X2": "80", "X3": "70", "N1": "88", "N2": "75", "N3": "60"}}},
     {"plan": "0.333"},
     Rules(aggregation="weighted_groups",
           groups={"external": GroupRule(D("0.4"), 1), "internal": GroupRule(D("0.6"), 1)}),
     D("102.56")),
    # half-up at the second decimal: 0.125 x (60.02 + 40.02) = 12.505 -> 12.51
    ({"plan": {"A": {"N1": "60.02", "N2": "55", "N3": "40.02"}}}, {"plan": "0.125"},
     Rules(trim=1), D("12.51")),
])
def test_dropped_sum(totals, stages, rules, expected):
    rules = replace(rules, tie_breaks=("dropped_sum",))
    contest = make_contest(totals, stages=stages, rules=rules)
    assert compute_results(contest).team("A").tie_values["dropped_sum"] == expected


def test_dropped_sum_separates_teams_with_equal_finals():
    # Both finals 70.00 (mean of the middle sheet); A's extremes 95 + 40, B's 90 + 40.
    contest = make_contest(
        {"plan": {"A": {"N1": "95", "N2": "70", "N3": "40"},
                  "B": {"N1": "90", "N2": "70", "N3": "40"}}},
        stages={"plan": "1"}, rules=Rules(trim=1, tie_breaks=("dropped_sum",)))
    res = compute_results(contest)
    assert [(t.team, t.final, t.rank, t.tied, t.tie_note) for t in res.teams] == [
        ("A", D("70.00"), 1, False, "dropped_sum"), ("B", D("70.00"), 2, False, "dropped_sum")]


def test_dropped_sum_is_a_known_tie_break():
    rules = Rules.from_dict({"tie_breaks": ["dropped_sum", "raw_mean"]}, ["plan"])
    assert rules.tie_breaks == ("dropped_sum", "raw_mean")
