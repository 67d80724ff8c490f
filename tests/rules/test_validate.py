"""Checks of sheets, teams and whole contests, each with its place."""

from decimal import Decimal as D
from decimal import localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.rules import (
    Absence,
    Contest,
    Criterion,
    Judge,
    Recusal,
    Rules,
    SettingsError,
    Sheet,
    Stage,
    Team,
    compute_results,
    contest_problems,
    fingerprint,
    team_department_problems,
    validate_sheet,
)

from .factory import make_contest, panel

STAGE = Stage("plan", D("1"), (Criterion("goals", D("25"), D("0.5")),
                               Criterion("qa", D("20"), D("0.1"))))


@pytest.mark.parametrize(("scores", "submitted", "expected"), [
    ({"goals": "21.5", "qa": "19.9"}, True, []),
    ({"goals": D("21.5"), "qa": None}, False, []),
    ({"goals": D("21.5"), "qa": None}, True,
     [("qa", "not scored; a submitted sheet needs every score")]),
    ({"goals": D("21.5")}, True, [("qa", "not scored; a submitted sheet needs every score")]),
    ({"goals": "21.5", "qa": "21"}, False, [("qa", "21 is above the maximum 20")]),
    ({"goals": "21.25", "qa": "1"}, True, [("goals", "21.25 is not a multiple of the step 0.5")]),
    ({"goals": "1", "qa": "1", "x": "1"}, True, [("x", 'unknown criterion "x"')]),
])
def test_validate_sheet(scores, submitted, expected):
    got = validate_sheet(STAGE, scores, submitted)
    assert [(k, str(e)) for k, e in got] == expected


@pytest.mark.parametrize(("departments", "size", "expected"), [
    (("a", "b", "c"), 3, []),
    (("a", "b"), 3, ["the team has 2 members, not 3"]),
    (("a", "b", "a"), 3, ["2 members are from the same department a"]),
    (("a", None, "c"), 3, ["no department given"]),
    (("a", "b"), 2, []),
])
def test_team_department_problems(departments, size, expected):
    got = team_department_problems(Team("A", 1, departments), size=size)
    assert [m % p for _, m, p in got] == expected


def base_contest(**kw):
    return make_contest({"plan": {"A": panel(["80", "81", "82"]), "B": panel(["70"])}}, **kw)


def replace(contest, **changes):
    from dataclasses import replace as dc_replace
    return dc_replace(contest, **changes)


@pytest.mark.parametrize(("change", "place", "text", "blocks_results"), [
    (lambda c: replace(c, sheets=c.sheets + (Sheet("N9", "A", "plan", "submitted",
                                                    {"total": D(1)}),)),
     "sheets[4].judge", 'unknown judge "N9"', True),
    (lambda c: replace(c, sheets=c.sheets + (Sheet("N1", "A", "plan", "submitted",
                                                    {"total": D(1)}),)),
     "sheets[4]", "judge N1 already has a sheet for team A in plan", True),
    (lambda c: replace(c, sheets=c.sheets + (Sheet("N2", "B", "plan", "submitted",
                                                    {"total": D(101)}),)),
     "sheets[4].scores.total", "101 is above the maximum 100", True),
    (lambda c: replace(c, sheets=c.sheets + (Sheet("N2", "B", "plan", "submitted",
                                                    {"total": None}),)),
     "sheets[4].scores.total", "not scored; a submitted sheet needs every score", True),
    (lambda c: replace(c, sheets=c.sheets + (Sheet("N2", "B", "plan", "final",
                                                    {"total": D(1)}),)),
     "sheets[4].status", '"final" is not one of draft, submitted', True),
    (lambda c: replace(c, sheets=c.sheets + (Sheet("N2", "B", "plan", "draft",
                                                    {"total": D(101)}),)),
     "sheets[4].scores.total", "101 is above the maximum 100", False),
    (lambda c: replace(c, recusals=(Recusal("N1", "A", "x"),)),
     "sheets[0]", "judge N1 is recused from team A", False),
    (lambda c: replace(c, recusals=(Recusal("N1", "Z", "x"),)),
     "recusals[0].team", 'unknown team "Z"', True),
    (lambda c: replace(c, absences=(Absence("N1", "zz"),)),
     "absences[0].stage", 'unknown stage "zz"', True),
    (lambda c: replace(c, teams=(Team("A", 1), Team("B", 1))),
     "teams[1].draw", "draw position 1 is used twice", False),
    (lambda c: replace(c, teams=(Team("A", 1), Team("A", 2))),
     "teams[1].key", '"A" is used twice', True),
    (lambda c: replace(c, rules=Rules(tie_breaks=("stage:presentation",))),
     "rules.tie_breaks[0]", 'unknown stage "presentation"', False),
    (lambda c: replace(c, rules=Rules(trim=-1)), "rules.trim", "-1 is below the minimum 0", True),
    (lambda c: replace(c, rules=Rules(aggregation="weighted_groups"),
                       judges=c.judges + (Judge("Q1", "jury"),)),
     "judges[3].group", 'panel group "jury" has no weight in the rules', True),
    (lambda c: replace(c, stages=(Stage("plan", D(1), (Criterion("total", D(100), D(0)),)),)),
     "stages[0].criteria[0].step", "0 is not above 0", True),
])
def test_contest_problems(change, place, text, blocks_results):
    contest = change(base_contest(rules=Rules(tie_breaks=("raw_mean",))))
    rendered = [(p, m % params) for p, m, params in contest_problems(contest)]
    assert (place, text) in rendered
    lenient = [(p, m % params) for p, m, params in contest_problems(contest, strict=False)]
    assert ((place, text) in lenient) is blocks_results
    if blocks_results:
        with pytest.raises(SettingsError) as info:
            compute_results(contest)
        assert f"{place}: {text}" in str(info.value)
    else:
        compute_results(contest)


def test_clean_contest_has_no_problems():
    assert contest_problems(base_contest(rules=Rules(tie_breaks=("raw_mean",)))) == []


def test_fingerprint_follows_what_is_shown():
    a = compute_results(base_contest())
    assert a.fingerprint == fingerprint(a)
    assert len(a.fingerprint) == 14 and a.fingerprint.count("-") == 2
    assert compute_results(base_contest()).fingerprint == a.fingerprint
    changed = make_contest({"plan": {"A": panel(["80", "82", "83"]), "B": panel(["70"])}})
    assert compute_results(changed).fingerprint != a.fingerprint
    # a change that does not show on the ranking (which sheet is dropped) keeps it
    same = make_contest({"plan": {"A": panel(["82", "81", "80"]), "B": panel(["70"])}})
    assert compute_results(same).fingerprint == a.fingerprint


# ---- the column-wise fast check (validate._sheets_clean) -------------------------------

FAST_STAGE = Stage("plan", D(1), (Criterion("a", D(10), D("0.5")), Criterion("b", D(5), D(1))))
ODD_VALUES = [D(1), True, 1, 1.0, D("0.25"), D(-1), D(11), None, D("NaN"), "3"]


@st.composite
def sheet_columns(draw):
    # A clean panel (every sheet valid and complete), then a few defects, so the fast
    # check gets past its first tests and has to notice the defect itself.
    valid = st.integers(0, 10).map(D)
    sheets = [Sheet(j, t, "plan", "submitted", {"a": draw(valid), "b": D(draw(
        st.integers(0, 5)))}) for t in ("A", "B") for j in ("N1", "N2", "N3", "N4")]
    for _ in range(draw(st.integers(0, 2))):
        i = draw(st.integers(0, len(sheets) - 1))
        s = sheets[i]
        kind = draw(st.sampled_from(["value", "value", "value", "drop", "extra", "status",
                                     "judge", "stage", "twice"]))
        scores = dict(s.scores)
        if kind == "value":
            scores[draw(st.sampled_from(["a", "b"]))] = draw(st.sampled_from(ODD_VALUES))
        elif kind == "drop":
            # The same sheet can be drawn twice: drop a key only if it is still there.
            scores.pop(draw(st.sampled_from(["a", "b"])), None)
        elif kind == "extra":
            scores["c"] = D(1)
        sheets[i] = Sheet(
            "N9" if kind == "judge" else s.judge, s.team, "zz" if kind == "stage" else s.stage,
            draw(st.sampled_from(["draft", "final"])) if kind == "status" else s.status,
            scores)
        if kind == "twice":
            sheets.append(sheets[i])
    return tuple(sheets)


@settings(max_examples=400, deadline=None)
@given(sheet_columns())
def test_the_fast_check_never_passes_what_the_sheet_by_sheet_check_refuses(sheets):
    from scoring.rules.validate import _sheet_problems, _sheets_clean

    contest = Contest(Rules(tie_breaks=("raw_mean",)), (FAST_STAGE,),
                      tuple(Judge(k, "internal") for k in ("N1", "N2", "N3", "N4")),
                      (Team("A", 1), Team("B", 2)), sheets=sheets)
    judges, teams, stages = {"N1", "N2", "N3", "N4"}, {"A", "B"}, {"plan": FAST_STAGE}
    if _sheets_clean(sheets, judges, teams, stages):
        assert _sheet_problems(contest, judges, teams, stages, False) == []


@pytest.mark.parametrize(("scores", "clean"), [
    ({"a": D("9.5"), "b": D(5)}, True),
    ({"a": D("9.5"), "b": True}, False),       # True == Decimal(1), but is no score
    ({"a": D("9.5"), "b": 1}, False),          # an int: the careful check decides
    ({"a": D("9.5"), "b": None}, False),
    ({"a": D("9.5")}, False),
    ({"a": D("9.5"), "b": D(5), "c": D(1)}, False),
    ({"a": D("9.75"), "b": D(5)}, False),      # off the step
    ({"a": D("sNaN"), "b": D(5)}, False),      # cannot even be hashed
])
def test_the_fast_check_is_clean_only_for_valid_complete_sheets(scores, clean):
    from scoring.rules.validate import _sheets_clean

    sheets = (Sheet("N1", "A", "plan", "submitted", {"a": D(1), "b": D(1)}),
              Sheet("N2", "A", "plan", "submitted", scores))
    assert _sheets_clean(sheets, {"N1", "N2"}, {"A"}, {"plan": FAST_STAGE}) is clean


@settings(max_examples=300, deadline=None)
@given(sheet_columns(), st.randoms(use_true_random=False))
def test_checked_panels_are_the_problems_and_each_pairs_submitted_sheets(sheets, random):
    """compute_results takes its input from checked_panels: the lenient problems, and the
    submitted sheets of each (team, stage) in the contest's order, whatever that order."""
    from scoring.rules.validate import checked_panels

    sheets = list(sheets)
    if random.random() < 0.5:
        random.shuffle(sheets)  # pairs in several runs: merged, order kept
    contest = Contest(Rules(tie_breaks=("raw_mean",)), (FAST_STAGE,),
                      tuple(Judge(k, "internal") for k in ("N1", "N2", "N3", "N4")),
                      (Team("A", 1), Team("B", 2)), sheets=tuple(sheets))
    problems, panels = checked_panels(contest)
    assert problems == contest_problems(contest, strict=False)
    expected = {}
    for s in sheets:
        if s.status == "submitted":
            expected.setdefault((s.team, s.stage), []).append(s)
    assert panels == expected


# ---- the sheet totals the column-wise check adds (validate.checked_totals) --------------

TOTALS_STAGE = Stage("plan", D(1), (Criterion("a", D(100), D("0.001")),
                                    Criterion("b", D(100), D("0.001"))))


@pytest.mark.parametrize(("a", "b", "total"), [
    (D(7), D(8), "15"),
    (D("7.50"), D("2.5"), "10.00"),          # the smaller exponent of the two
    (D("0"), D("0.000"), "0.000"),
    (D("-0"), D("0"), "0"),                   # Decimal 0 first: never "-0"
    (D("-0.0"), D("-0"), "0.0"),
    (D("1E+1"), D("2E+1"), "30"),             # 0 + 1E+1 is Decimal('10'), not '3E+1'
    (D("99.999"), D("100"), "199.999"),
])
def test_checked_totals_are_the_sheet_sums_to_the_exponent(a, b, total):
    from scoring.rules.validate import checked_totals

    contest = Contest(Rules(tie_breaks=("raw_mean",)), (TOTALS_STAGE,), (Judge("N1", "x"),),
                      (Team("A", 1),),
                      sheets=(Sheet("N1", "A", "plan", "submitted", {"b": b, "a": a}),))
    problems, panels, totals = checked_totals(contest)
    assert not problems and panels == {("A", "plan"): list(contest.sheets)}
    assert [repr(t) for t in totals[("A", "plan")]] == [repr(D(total))]
    assert repr(totals[("A", "plan")][0]) == repr(sum(contest.sheets[0].scores.values(), D(0)))


def test_no_checked_totals_when_the_careful_check_runs():
    from scoring.rules.validate import checked_totals

    contest = Contest(Rules(tie_breaks=("raw_mean",)), (TOTALS_STAGE,), (Judge("N1", "x"),),
                      (Team("A", 1),),
                      sheets=(Sheet("N1", "A", "plan", "draft", {"a": D(1), "b": None}),
                              Sheet("N1", "A", "plan", "submitted", {"a": D(1), "b": D(2)})))
    problems, _, totals = checked_totals(contest)
    assert problems and totals is None  # two sheets of one judge: no fast path


@settings(max_examples=300, deadline=None)
@given(sheet_columns(), st.randoms(use_true_random=False))
def test_checked_totals_line_up_with_their_panels(sheets, random):
    """Each panel's totals are its sheets' totals in the same order, equal with the same
    repr as the per-sheet sum stage_result would take, whatever the sheets' order."""
    from scoring.rules.numbers import _EXACT
    from scoring.rules.validate import checked_panels, checked_totals

    sheets = list(sheets)
    if random.random() < 0.5:
        random.shuffle(sheets)
    contest = Contest(Rules(tie_breaks=("raw_mean",)), (FAST_STAGE,),
                      tuple(Judge(k, "internal") for k in ("N1", "N2", "N3", "N4")),
                      (Team("A", 1), Team("B", 2)), sheets=tuple(sheets))
    problems, panels, totals = checked_totals(contest)
    assert (problems, panels) == checked_panels(contest)
    if totals is None:
        return
    assert totals.keys() == panels.keys()
    for key, own in panels.items():
        with localcontext(_EXACT):
            expected = [sum(s.scores.values(), D(0)) for s in own]
        assert list(map(repr, totals[key])) == list(map(repr, expected))
