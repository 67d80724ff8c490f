"""Section 12: divisions, rooms, the qualification cut and the ranking of non-qualifiers."""
from decimal import Decimal as D

import pytest

from scoring.rules import AwardTier, compute_results
from scoring.rules.advancement import layout_sheet_problems
from scoring.rules.layout import Qualify

from .layout_factory import build

AWARDS = (AwardTier("一等奖", count=1), AwardTier("二等奖", count=1),
          AwardTier("三等奖", count=2))
TWO = {"prelim": "0", "final": "1"}


def rows(result):
    """(team, division, rank, tied, final, qualified, award) per row, in display order."""
    return [(t.team, t.division, t.rank, t.tied, None if t.final is None else str(t.final),
             t.qualified, t.award) for t in result.teams]


def divided():
    rooms = {"prelim": {"W1": "A", "W2": "B", "W3": "A", "W4": "B",
                        "L1": "A", "L2": "B", "L3": "A"}}
    scores = {"W1": {"prelim": "90", "final": "80"}, "W2": {"prelim": "85", "final": "88"},
              "W3": {"prelim": "85", "final": "80"}, "W4": {"prelim": "70"},
              "L1": {"prelim": "90", "final": "70"}, "L2": {"prelim": "85", "final": "88"},
              "L3": {"prelim": "80"}}
    divisions = {k: ("wen" if k[0] == "W" else "li") for k in scores}
    return build(TWO, scores, divisions=divisions, rooms=rooms,
                 qualify=("final", Qualify(top=2)), awards=AWARDS)


def test_ties_at_the_cut_all_qualify_and_ranks_are_per_division():
    result = compute_results(divided())
    assert rows(result) == [
        # 文科组: W2 and W3 tie at the cut (85, raw_mean 85): both go to the final.
        ("W2", "wen", 1, False, "88.00", True, "一等奖"),
        ("W1", "wen", 2, True, "80.00", True, "二等奖"),
        ("W3", "wen", 2, True, "80.00", True, "二等奖"),
        # a non-qualifier is ranked after every qualifier and may take a later tier
        ("W4", "wen", 4, False, None, False, "三等奖"),
        # 理科组: the same 88.00 as W2 is rank 1 here too, and not a tie across divisions
        ("L2", "li", 1, False, "88.00", True, "一等奖"),
        ("L1", "li", 2, False, "70.00", True, "二等奖"),
        ("L3", "li", 3, False, None, False, "三等奖"),
    ]
    assert result.team("W4").stages["final"].score is None
    assert str(result.team("W4").qualification) == "70.00"
    assert not result.provisional
    assert set(result.division_fingerprints) == {"wen", "li"}


def test_a_tie_break_separates_at_the_cut_and_later_stages_are_skipped():
    stages = {"plan": "0.2", "prelim": "0.2", "final": "0.6"}
    scores = {"T1": {"plan": "95", "prelim": "95", "final": "90"},
              "T2": {"plan": "80", "prelim": "90", "final": "90"},
              "T3": {"plan": "90", "prelim": "80"},
              "T4": {"plan": "60", "prelim": "60"}}
    contest = build(stages, scores, qualify=("final", Qualify(top=2)),
                    tie_breaks=("stage:final", "stage:prelim"), awards=AWARDS)
    result = compute_results(contest)
    # T2 and T3 both score 85.00 for the cut; stage:final is skipped, stage:prelim
    # decides, and T3's tie_note says so.
    assert [(r.team, r.qualified, str(r.qualification), r.rank, r.tie_note)
            for r in result.teams] == [
        ("T1", True, "95.00", 1, None),
        ("T2", True, "85.00", 2, None),
        ("T3", False, "85.00", 3, "stage:prelim"),
        ("T4", False, "60.00", 4, None)]
    assert result.team("T3").tie_values == {"stage:prelim": D("80.00")}


@pytest.mark.parametrize("weights, plan, prelim, expected", [
    # weights 0.2 and 0.2 scale to 0.5 and 0.5: 80.005 is a half, half-up 80.01
    ({"plan": "0.2", "prelim": "0.2"}, "80.01", "80.00", "80.01"),
    # all prior stages weigh 0: each counts equally
    ({"plan": "0", "prelim": "0"}, "80.01", "80.00", "80.01"),
    # 0.3 and 0.1 scale to 0.75 and 0.25: 60.0025 + 20 = 80.0025
    ({"plan": "0.3", "prelim": "0.1"}, "80.0033", "80.00", "80.00"),
    ({"plan": "0.3", "prelim": "0.1"}, "80.01", "79.99", "80.01"),  # 80.005: half
])
def test_qualification_score_scales_weights_and_rounds_half_up(weights, plan, prelim,
                                                               expected):
    stages = dict(weights, final="1")
    scores = {"T1": {"plan": plan, "prelim": prelim}, "T2": {"plan": "1", "prelim": "1"}}
    result = compute_results(build(stages, scores, qualify=("final", Qualify(top=1))))
    assert str(result.team("T1").qualification) == expected
    assert result.team("T1").qualified is True and result.team("T2").qualified is False


@pytest.mark.parametrize("share, n_teams, qualifiers", [
    ("0.5", 5, 3),    # 2.5 -> 3 (half-up)
    ("0.3", 5, 2),    # 1.5 -> 2
    ("0.2", 5, 1),
    ("1", 4, 4),
])
def test_share_of_the_division_half_up(share, n_teams, qualifiers):
    scores = {f"T{i}": {"prelim": str(90 - i)} for i in range(n_teams)}
    result = compute_results(build(TWO, scores, qualify=("final", Qualify(share=D(share)))))
    assert sum(1 for r in result.teams if r.qualified) == qualifiers


def test_room_mean_feeds_the_cut_and_raw_tie_breaks_use_the_sheets():
    rooms = {"prelim": {"A1": "A", "A2": "A", "A3": "A", "B1": "B", "B2": "B", "B3": "B"}}
    scores = {"A1": {"prelim": "35"}, "A2": {"prelim": "40"}, "A3": {"prelim": "45"},
              "B1": {"prelim": "70"}, "B2": {"prelim": "80"}, "B3": {"prelim": "90"}}
    contest = build(TWO, scores, rooms=rooms, normalization={"prelim": "room_mean"},
                    qualify=("final", Qualify(top=2)))
    result = compute_results(contest)
    norm = result.normalizations["prelim"]
    assert [str(r.coefficient) for r in norm.rooms] == ["1.500", "0.750"]
    a3, b3 = result.team("A3"), result.team("B3")
    assert (str(a3.stages["prelim"].score), str(a3.raw_stages["prelim"])) == ("67.50", "45.00")
    assert str(b3.stages["prelim"].score) == "67.50"
    # Equal adjusted scores; raw_mean (the sheets as judged) puts B3 first; both qualify.
    assert a3.qualified and b3.qualified
    assert result.team("B2").qualified is False
    # Results wait for the final: provisional, qualifiers first, then the cut teams.
    assert result.provisional
    assert [r.team for r in result.teams][:2] in (["A3", "B3"], ["B3", "A3"])
    assert [(r.team, r.rank) for r in result.teams][2:] == [
        ("B2", 3), ("A2", 4), ("B1", 5), ("A1", 6)]


def test_withdrawn_team_counts_in_no_mean_no_cut_and_shows_raw_scores():
    rooms = {"prelim": {"A1": "A", "A2": "A", "AX": "A", "B1": "B", "B2": "B"}}
    scores = {"A1": {"prelim": "40", "final": "70"}, "A2": {"prelim": "50"},
              "AX": {"prelim": "100", "final": "99"},
              "B1": {"prelim": "60"}, "B2": {"prelim": "80", "final": "75"}}
    contest = build(TWO, scores, rooms=rooms, normalization={"prelim": "room_mean"},
                    qualify=("final", Qualify(top=2)), withdrawn=("AX",))
    result = compute_results(contest)
    norm = result.normalizations["prelim"]
    assert str(norm.mean) == "57.5000"             # (40 + 50 + 60 + 80) / 4, AX left out
    assert [str(r.mean) for r in norm.rooms] == ["45.0000", "70.0000"]
    ax = result.team("AX")
    assert (ax.rank, ax.award, ax.qualified, ax.qualification) == (None, None, None, None)
    assert str(ax.stages["prelim"].score) == "100.00"
    assert str(ax.raw_stages["prelim"]) == "100.00"
    assert str(ax.final) == "99.00"                # the final from the judged scores
    assert result.teams[-1].team == "AX"
    # c_A = 57.5 / 45 = 1.278, c_B = 0.821: A2 63.90, B2 65.68, A1 51.12, B1 49.26
    assert [r.team for r in result.teams if r.qualified] == ["B2", "A2"]


def test_team_without_a_prior_score_is_not_cut_and_keeps_results_provisional():
    scores = {"T1": {"prelim": "90", "final": "80"}, "T2": {"prelim": None},
              "T3": {"prelim": "70"}}
    result = compute_results(build(TWO, scores, qualify=("final", Qualify(top=1))))
    t2 = result.team("T2")
    assert (t2.qualified, t2.qualification, t2.rank) == (None, None, None)
    assert result.provisional and t2.provisional
    assert result.team("T3").qualified is False and result.team("T3").rank == 2


def test_sheets_outside_the_panel_or_for_a_non_qualifier_are_refused_by_place():
    from dataclasses import replace

    from scoring.rules import Sheet

    contest = divided()
    bad = (Sheet("prelim-B-0", "W1", "prelim", "submitted", {"total": D("50")}),
           Sheet("final-0", "W4", "final", "draft", {}))
    contest = replace(contest, sheets=contest.sheets + bad)
    n = len(contest.sheets)
    problems = layout_sheet_problems(contest)
    assert [(p[0], p[2]["team"]) for p in problems] == [
        (f"sheets[{n - 2}].judge", "W1"), (f"sheets[{n - 1}]", "W4")]
    assert problems[0][2]["room"] == "A"
    # the sheet outside the panel counts in no result
    assert compute_results(contest).team("W1").stages["prelim"].score == D("90.00")


def test_layout_problems_name_their_place():
    from dataclasses import replace

    from scoring.rules.layout import Room, StagePlan, layout_problems

    contest = divided()
    layout = contest.layout
    plans = dict(layout.stages)
    plans["prelim"] = StagePlan(judges=("final-0",), rooms=(
        Room("A", ("prelim-A-0",)), Room("B", ("prelim-A-0", "nobody"))),
        normalization="z_score", qualify=Qualify(top=3))
    plans["final"] = StagePlan(judges=("final-0",), normalization="room_mean",
                               qualify=Qualify(top=0))
    contest = replace(contest, layout=replace(layout, stages=plans))
    places = sorted({p[0] for p in layout_problems(contest)})
    assert places == ["stages[0]", "stages[0].qualify", "stages[0].rooms[1].judges[0]",
                      "stages[0].rooms[1].judges[1]", "stages[1].normalization",
                      "stages[1].qualify", "stages[1].qualify.top"]
