"""The chief judge's review (rules.review_items): what still needs a look, by hand."""
from decimal import Decimal as D

from scoring.rules import AwardTier, GroupRule, ReviewItem, Rules, compute_results
from scoring.rules.model import Sheet

from .factory import make_contest


def review(contest):
    from scoring.rules import review_items

    return review_items(compute_results(contest), contest.rules.awards)


def test_a_clean_result_has_nothing_to_review():
    contest = make_contest({"plan": {"A": {"N1": "80", "N2": "81", "N3": "82"},
                                     "B": {"N1": "70", "N2": "71", "N3": "72"}}},
                           rules=Rules(awards=(AwardTier("一等奖", count=1),)))
    assert review(contest) == []


def test_missing_sheets_too_few_and_variance():
    # N3 has not submitted for A (a draft); B was scored by three judges, one far off:
    # mean of 80, 80, 50 is 70; 50 is 20 away (> 10 of 100) and 80 is 10 away (not >).
    contest = make_contest(
        {"plan": {"A": {"N1": "80", "N2": "81"}, "B": {"N1": "80", "N2": "80", "N3": "50"}}},
        extra_sheets=(Sheet("N3", "A", "plan", "draft", {"total": D("75")}),),
        rules=Rules(awards=()))
    assert review(contest) == [
        ReviewItem("missing", "plan", ("A",), ("N3",)),
        ReviewItem("too_few", "plan", ("A",), sheets=2),
        ReviewItem("variance", "plan", ("B",), ("N3",), total=D("50")),
    ]


def test_a_panel_group_without_sheets():
    contest = make_contest(
        {"plan": {"A": {"N1": "80", "N2": "81", "N3": "82"}}},
        rules=Rules(aggregation="weighted_groups", awards=(),
                    groups={"external": GroupRule(D("0.4"), 0),
                            "internal": GroupRule(D("0.6"), 1)}))
    assert review(contest) == [ReviewItem("group_missing", "plan", ("A",))]


def test_ties_across_an_award_boundary():
    # Ranks 1, 2, 2, 4 with one first prize and two second prizes: no boundary inside a
    # tie (tier ends at 1 and 3: the tie occupies 2..3). With one second prize, tier 2
    # ends at 2, inside the tie (2..3): both take it, flagged.
    totals = {"plan": {"A": {"N1": "90"}, "B": {"N1": "80"}, "C": {"N1": "80"},
                       "D": {"N1": "70"}}}
    inside = Rules(trim=0, tie_breaks=(),
                   awards=(AwardTier("一", count=1), AwardTier("二", count=2)))
    assert review(make_contest(totals, rules=inside)) == []
    across = Rules(trim=0, tie_breaks=(),
                   awards=(AwardTier("一", count=1), AwardTier("二", count=1)))
    assert review(make_contest(totals, rules=across)) == [
        ReviewItem("award_tie", None, ("B", "C"), tier="二")]
