"""Rule 2: recusal by department, manual recusals and lifts."""

from decimal import Decimal as D

import pytest

from scoring.rules import (
    Judge,
    Recusal,
    RecusalState,
    Team,
    automatic_recusal,
    compute_results,
    pair_recusal,
    recusal_matrix,
)

from .factory import make_contest

TEAM = Team("A", 1, ("组织部", "宣传部", "财务处"))


@pytest.mark.parametrize(("department", "expected"), [
    ("组织部", True), ("财务处", True), ("人事处", False), (None, False),
])
def test_automatic_recusal(department, expected):
    assert automatic_recusal(Judge("J", "internal", department), TEAM) is expected


def test_member_without_department_never_matches_a_judge_without_one():
    assert not automatic_recusal(Judge("J", "external", None), Team("B", 1, (None, "x", "y")))


@pytest.mark.parametrize(("department", "recusals", "state"), [
    ("组织部", (), RecusalState(True, True, "")),
    ("人事处", (), RecusalState(False, False, "")),
    ("人事处", (Recusal("J", "A", "曾指导该队成员"),), RecusalState(True, False, "曾指导该队成员")),
    ("组织部", (Recusal("J", "A", "部门已调整", lift=True),),
     RecusalState(False, True, "部门已调整", lifted=True)),
    # a lift of a pair that was never recused changes nothing
    ("人事处", (Recusal("J", "A", "x", lift=True),), RecusalState(False, False, "")),
    # a manual recusal and a lift of the same pair: recusing is the safe side
    ("组织部", (Recusal("J", "A", "lift", lift=True), Recusal("J", "A", "again")),
     RecusalState(True, True, "again")),
    # another team's recusal does not leak
    ("人事处", (Recusal("J", "B", "x"),), RecusalState(False, False, "")),
])
def test_recusal_matrix(department, recusals, state):
    judges = (Judge("J", "internal", department),)
    teams = (TEAM, Team("B", 2, ("a", "b", "c")))
    matrix = recusal_matrix(judges, teams, recusals)
    assert matrix[("J", "A")] == state
    assert set(matrix) == {("J", "A"), ("J", "B")}


@pytest.mark.parametrize("department", ["组织部", "人事处"])
@pytest.mark.parametrize("decision", [None, "added", "lifted"])
def test_pair_recusal_decides_one_pair_as_the_matrix_does(department, decision):
    judge = Judge("J", "internal", department)
    recusals = () if decision is None else (
        Recusal("J", "A", "理由", lift=decision == "lifted"),)
    automatic = automatic_recusal(judge, TEAM)
    state = pair_recusal(automatic, added="理由" if decision == "added" else None,
                         lifted="理由" if decision == "lifted" else None)
    assert state == recusal_matrix((judge,), (TEAM,), recusals)[("J", "A")]


def judges_with(dept_of_n3):
    return tuple(Judge(k, "internal", dept_of_n3 if k == "N3" else None)
                 for k in ("N1", "N2", "N3", "N4"))


def test_recused_judge_makes_the_pool_smaller_and_nothing_is_filled_in():
    # N3 shares 组织部 with team A, so A is scored by N1, N2, N4 only (no sheet from N3).
    contest = make_contest({"plan": {"A": {"N1": "70", "N2": "80", "N4": "90"},
                                     "B": {"N1": "70", "N2": "80", "N3": "85", "N4": "90"}}},
                           judges=judges_with("组织部"),
                           teams=(TEAM, Team("B", 2, ("a", "b", "c"))))
    res = compute_results(contest)
    a = res.team("A").stages["plan"]
    assert a.recused_judges == ("N3",)
    assert [s.judge for s in a.sheets] == ["N1", "N2", "N4"]
    assert a.score == D("80.00") and a.dropped_judges == ("N1", "N4")
    assert not a.provisional and a.missing_judges == ()
    b = res.team("B").stages["plan"]
    assert b.recused_judges == () and b.score == D("82.50")


def test_a_recused_judges_sheet_is_ignored_in_results():
    contest = make_contest({"plan": {"A": {"N1": "70", "N2": "80", "N3": "0", "N4": "90"}}},
                           judges=judges_with("组织部"), teams=(TEAM,))
    a = compute_results(contest).team("A").stages["plan"]
    assert [s.judge for s in a.sheets] == ["N1", "N2", "N4"]


def test_lifted_recusal_lets_the_judge_score():
    contest = make_contest({"plan": {"A": {"N1": "70", "N2": "80", "N3": "85", "N4": "90"}}},
                           judges=judges_with("组织部"), teams=(TEAM,),
                           recusals=(Recusal("N3", "A", "部门已调整", lift=True),))
    a = compute_results(contest).team("A").stages["plan"]
    assert a.recused_judges == ()
    assert a.score == D("82.50")


def test_manual_recusal_expects_no_sheet():
    contest = make_contest({"plan": {"A": {"N1": "70", "N2": "80", "N4": "90"}}},
                           judges=judges_with(None), teams=(TEAM,),
                           recusals=(Recusal("N3", "A", "亲属"),))
    a = compute_results(contest).team("A").stages["plan"]
    assert a.recused_judges == ("N3",) and not a.provisional
