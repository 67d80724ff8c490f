"""Rule 3 (stage score), rule 8 (variance flags), rule 11 (absent judge, provisional)."""

from decimal import Decimal as D
from decimal import localcontext
from fractions import Fraction as F

import pytest

from scoring.rules import (
    Absence,
    Criterion,
    GroupRule,
    Judge,
    RuleError,
    Rules,
    Sheet,
    Stage,
    compute_results,
    stage_result,
    trim_sheets,
    variance_flags,
)

from .factory import make_contest, make_stage, panel

WEIGHTED = Rules(aggregation="weighted_groups")


def stage_of(totals, rules=None, team="A", **kw):
    contest = make_contest({"plan": {team: totals}}, rules=rules, **kw)
    return compute_results(contest).team(team).stages["plan"]


@pytest.mark.parametrize(("totals", "trim", "exact", "score", "dropped", "too_few"), [
    # nine judges, drop one highest and one lowest
    (panel(["80", "81", "82", "83", "84", "85", "86", "87", "99"]), 1,
     F(588, 7), "84.00", ("N1", "N9"), False),
    # all judges equal: exactly one high and one low still dropped, the later keys
    (panel(["85", "85", "85", "85"]), 1, F(85), "85.00", ("N3", "N4"), False),
    # exactly 2*trim+1 = 3 sheets: one remains
    (panel(["70", "80", "90"]), 1, F(80), "80.00", ("N1", "N3"), False),
    # only two sheets: nothing dropped, flagged
    (panel(["70", "81"]), 1, F(151, 2), "75.50", (), True),
    # one sheet
    (panel(["77.5"]), 1, F(155, 2), "77.50", (), True),
    # trim 2 needs five sheets
    (panel(["60", "70", "80", "90", "100"]), 2, F(80), "80.00", ("N1", "N2", "N4", "N5"), False),
    (panel(["60", "70", "80", "90"]), 2, F(75), "75.00", (), True),
    # trim 0: plain mean, never too few
    (panel(["70", "81"]), 0, F(151, 2), "75.50", (), False),
    # ties at the top: only one of the equal highest is dropped (the later key)
    (panel(["90", "90", "80", "70"]), 1, F(85), "85.00", ("N2", "N4"), False),
    # ties at the bottom: only one of the equal lowest (the later key)
    (panel(["70", "70", "80", "90"]), 1, F(75), "75.00", ("N2", "N4"), False),
    # thirds: 255.03/3 = 85.01 exactly; 85.02+85.00+85.005 style
    (panel(["85.02", "85.00", "85.01", "0", "100"]), 1, F(8501, 100), "85.01",
     ("N4", "N5"), False),
])
def test_pooled(totals, trim, exact, score, dropped, too_few):
    r = stage_of(totals, Rules(trim=trim))
    assert r.exact == exact
    assert r.score == D(score)
    assert r.dropped_judges == dropped
    assert r.too_few_sheets is too_few
    assert len(r.sheets) == len(totals)
    assert not r.group_missing


def test_no_sheets_gives_no_score():
    r = stage_result(Rules(), make_stage(), "A", (Judge("N1", "internal"),), ())
    assert r.score is None and r.exact is None
    assert r.provisional and r.missing_judges == ("N1",)


def test_drafts_never_count():
    contest = make_contest(
        {"plan": {"A": panel(["80", "82", "84"])}},
        extra_sheets=(Sheet("N4", "A", "plan", "draft", {"total": D("10")}),),
        judges=tuple(Judge(k, "internal") for k in ("N1", "N2", "N3", "N4")))
    r = compute_results(contest).team("A").stages["plan"]
    assert r.score == D("82.00")
    assert [s.judge for s in r.sheets] == ["N1", "N2", "N3"]
    assert r.provisional and r.missing_judges == ("N4",)


def test_thirds_round_right_where_decimal_and_binary_division_do_not():
    """85.06, 85.06, 85.03: the exact mean is 85.05, which rounds to 85.1 at one decimal.

    Summing the per-sheet Decimal quotients (each rounded down at 28 digits) lands at
    85.04999..., and binary floating point also says 85.0; the engine's Fraction does not.
    """
    values = ["85.06", "85.06", "85.03"]
    with localcontext():
        naive = sum(D(v) / 3 for v in values)
    assert naive < D("85.05")
    assert str(round_half_up_naive(naive)) == "85.0"
    r = stage_of(panel(values), Rules(trim=0, decimals=1))
    assert r.exact == F(8505, 100)
    assert r.score == D("85.1")


def round_half_up_naive(x):
    from decimal import ROUND_HALF_UP
    return x.quantize(D("0.1"), rounding=ROUND_HALF_UP)


# ---- weighted groups -------------------------------------------------------------------

@pytest.mark.parametrize(("totals", "exact", "score", "missing", "too_few", "dropped"), [
    # 3 external (trim 0) mean 80, 6 internal (trim 1) mean of middle four 90
    ({**panel(["78", "80", "82"], "X"), **panel(["50", "88", "89", "91", "92", "99"])},
     F(2, 5) * 80 + F(3, 5) * 90, "86.00", False, False, ("N1", "N6")),
    # no external sheet: internal alone, weight scaled to 1, flagged
    (panel(["50", "88", "89", "91", "92", "99"]), F(90), "90.00", True, False, ("N1", "N6")),
    # no internal sheet: external alone
    (panel(["78", "80", "82"], "X"), F(80), "80.00", True, False, ()),
    # a group with one member: external single sheet counts in full at 0.4
    ({"X1": "70", **panel(["80", "90", "100"])}, F(2, 5) * 70 + F(3, 5) * 90, "82.00",
     False, False, ("N1", "N3")),
    # too few internal sheets for trim 1: no trim in that group, flagged
    ({"X1": "70", **panel(["80", "90"])}, F(2, 5) * 70 + F(3, 5) * 85, "79.00",
     False, True, ()),
])
def test_weighted_groups(totals, exact, score, missing, too_few, dropped):
    r = stage_of(totals, WEIGHTED)
    assert r.exact == exact
    assert r.score == D(score)
    assert r.group_missing is missing
    assert r.too_few_sheets is too_few
    assert r.dropped_judges == dropped
    assert sum(g.weight_used for g in r.groups) == 1


def test_weighted_group_details():
    r = stage_of(panel(["50", "88", "89", "91", "92", "99"]), WEIGHTED)
    ext, internal = r.groups
    assert (ext.group, ext.mean, ext.weight_used, ext.sheet_count) == ("external", None, 0, 0)
    assert (internal.mean, internal.weight_used, internal.dropped) == (F(90), 1, ("N1", "N6"))


def test_weighted_groups_with_thirds_is_exact():
    rules = Rules(aggregation="weighted_groups",
                  groups={"external": GroupRule(D("0.5"), 0), "internal": GroupRule(D("0.5"), 1)})
    totals = {**panel(["85", "85", "85.01"], "X"),
              **panel(["0", "85", "85", "85.02", "100"])}
    r = stage_of(totals, rules)
    assert r.exact == F(85005, 1000)
    assert r.score == D("85.01")


# ---- variance flags --------------------------------------------------------------------

@pytest.mark.parametrize(("totals", "threshold", "max_", "flagged"), [
    # mean 80; 69 is 11 away (flagged), 90 is 10 away (not: "more than")
    (panel(["69", "81", "80", "90"]), "10", "100", ["N1"]),
    (panel(["80", "80", "80"]), "10", "100", []),
    (panel(["69", "81", "80", "90"]), "5", "100", ["N1", "N4"]),
    # a stage out of 50: threshold 10 points of 100 is 5 points here; mean 40
    (panel(["34", "41", "45"]), "10", "50", ["N1"]),
    (panel(["35", "40", "45"]), "10", "50", []),
])
def test_variance_flags(totals, threshold, max_, flagged):
    r = stage_of(totals, Rules(variance_threshold=D(threshold)), max_=max_)
    assert [s.judge for s in r.sheets if s.variance_flag] == flagged


def test_variance_uses_the_whole_panel_even_trimmed_sheets():
    r = stage_of(panel(["40", "80", "80", "80", "80"]), Rules())
    # panel mean 72 (not the trimmed mean 80): 40 is 32 away, the 80s are 8 away
    assert [s.judge for s in r.sheets if s.variance_flag] == ["N1"]
    assert r.sheets[0].dropped


# ---- absent judges and provisional results ---------------------------------------------

JUDGES = tuple(Judge(k, "internal") for k in ("N1", "N2", "N3", "N4"))


@pytest.mark.parametrize(("absences", "submitted", "provisional", "missing", "absent"), [
    ((), ["N1", "N2", "N3", "N4"], False, (), ()),
    ((), ["N1", "N2", "N3"], True, ("N4",), ()),
    ((Absence("N4", "plan", "ill"),), ["N1", "N2", "N3"], False, (), ("N4",)),
    # absent for another stage: still expected here
    ((Absence("N4", "presentation"),), ["N1", "N2", "N3"], True, ("N4",), ()),
    # a judge who scored and then left: the sheets already submitted still count
    ((Absence("N3", "plan"),), ["N1", "N2", "N3"], True, ("N4",), ("N3",)),
])
def test_absent_and_provisional(absences, submitted, provisional, missing, absent):
    values = {"N1": "80", "N2": "82", "N3": "84", "N4": "86"}
    contest = make_contest({"plan": {"A": {k: values[k] for k in submitted}}},
                           judges=JUDGES, absences=absences,
                           stages={"plan": "0.5", "presentation": "0.5"})
    r = compute_results(contest).team("A").stages["plan"]
    assert r.provisional is provisional
    assert r.missing_judges == missing
    assert r.absent_judges == absent
    assert len(r.sheets) == len(submitted)  # never filled in or averaged as if complete


def test_provisional_score_is_still_computed():
    contest = make_contest({"plan": {"A": {"N1": "80", "N2": "82", "N3": "90"}}}, judges=JUDGES)
    res = compute_results(contest)
    r = res.team("A").stages["plan"]
    assert r.provisional and r.score == D("82.00")
    assert res.team("A").provisional and res.provisional


@pytest.mark.parametrize(("totals", "trim", "dropped"), [
    ([("a", D(1)), ("b", D(1)), ("c", D(1))], 1, ("b", "c")),
    ([("c", D(1)), ("b", D(1)), ("a", D(1))], 1, ("b", "c")),
    ([("a", D(5)), ("b", D(1)), ("c", D(5)), ("d", D(1))], 1, ("c", "d")),
    ([("a", D(1)), ("b", D(2))], 1, ()),
])
def test_trim_sheets_is_deterministic(totals, trim, dropped):
    assert trim_sheets(totals, trim)[0] == dropped


@pytest.mark.parametrize(("totals", "trim", "dropped"), [
    # trim 2 with ties at both ends: the later keys among equal totals go
    ([("a", D(5)), ("b", D(1)), ("c", D(5)), ("d", D(1)), ("e", D(1))], 2,
     ("a", "c", "d", "e")),
    ([("e", D(1)), ("d", D(1)), ("c", D(5)), ("b", D(1)), ("a", D(5))], 2,
     ("a", "c", "d", "e")),
    ([("a", D(3)), ("b", D(2)), ("c", D(2)), ("d", D(9)), ("e", D(9))], 2,
     ("b", "c", "d", "e")),
])
def test_trim_sheets_with_ties_at_both_ends(totals, trim, dropped):
    assert trim_sheets(totals, trim)[0] == dropped


@pytest.mark.parametrize(("values", "flagged"), [
    (["80", "80", "80", "95"], ["N4"]),       # only the highest is out (mean 83.75)
    (["70", "84", "84", "84"], ["N1"]),       # only the lowest is out (mean 80.5)
    (["75", "80", "85"], []),                 # both extremes inside: nothing flagged
    (["60", "60", "100", "100"], ["N1", "N2", "N3", "N4"]),  # everyone 20 away
])
def test_variance_flags_from_either_end(values, flagged):
    totals = {k: D(v) for k, v in panel(values).items()}
    assert sorted(variance_flags(totals, D(10), D(100))) == flagged
    # the caller's exact sum gives the same answer
    assert sorted(variance_flags(totals, D(10), D(100), total=sum(totals.values()))) == flagged


def test_a_submitted_sheet_with_an_empty_criterion_is_refused():
    stage = Stage("plan", D(1), (Criterion("a", D(10), D(1)), Criterion("b", D(10), D(1))))
    sheet = Sheet("N1", "A", "plan", "submitted", {"a": D(5), "b": None})
    with pytest.raises(RuleError, match="incomplete"):
        stage_result(Rules(), stage, "A", (Judge("N1", "internal"),), (sheet,))


def test_a_value_beyond_the_rubric_left_empty_does_not_make_a_sheet_incomplete():
    stage = Stage("plan", D(1), (Criterion("a", D(10), D(1)),))
    sheet = Sheet("N1", "A", "plan", "submitted", {"a": D(5), "old": None})
    r = stage_result(Rules(), stage, "A", (Judge("N1", "internal"),), (sheet,))
    assert r.sheets[0].total == D(5) and r.score == D("5.00")
