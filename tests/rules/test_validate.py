"""Checks of sheets, teams and whole contests, each with its place."""

from decimal import Decimal as D

import pytest

from scoring.rules import (
    Absence,
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
