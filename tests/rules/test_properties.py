"""Properties that must hold for any contest (hypothesis)."""

from dataclasses import replace
from decimal import Decimal as D
from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.rules import (
    Contest,
    Criterion,
    Judge,
    Recusal,
    Rules,
    Sheet,
    Stage,
    Team,
    compute_results,
    trimmed_mean,
)

FAST = settings(max_examples=200, deadline=None)
halves = st.integers(0, 200).map(lambda n: D(n) / 2)
JUDGE_KEYS = ["X1", "X2", "X3", "N1", "N2", "N3", "N4", "N5", "N6"]
STAGES = (Stage("plan", D("0.3"), (Criterion("a", D("60"), D("0.5")),
                                   Criterion("b", D("40"), D("0.5")))),
          Stage("presentation", D("0.7"), (Criterion("a", D("100"), D("0.5")),)))


@st.composite
def contests(draw):
    aggregation = draw(st.sampled_from(["pooled", "weighted_groups"]))
    trim = draw(st.integers(0, 2))
    n_judges = draw(st.integers(1, len(JUDGE_KEYS)))
    judges = tuple(Judge(k, "external" if k.startswith("X") else "internal")
                   for k in JUDGE_KEYS[:n_judges])
    n_teams = draw(st.integers(1, 5))
    teams = tuple(Team(f"T{i}", i, (f"d{i}a", f"d{i}b", f"d{i}c"),
                       withdrawn=draw(st.booleans()) and i == 1)
                  for i in range(1, n_teams + 1))
    sheets = []
    for team in teams:
        for stage in STAGES:
            for judge in judges:
                if draw(st.integers(0, 5)) == 0:
                    continue  # some sheets missing
                scores = {c.key: min(draw(halves), c.max) for c in stage.criteria}
                status = "draft" if draw(st.integers(0, 6)) == 0 else "submitted"
                sheets.append(Sheet(judge.key, team.key, stage.key, status, scores))
    recusals = tuple(Recusal(j.key, t.key, "r") for j in judges for t in teams
                     if draw(st.integers(0, 9)) == 0)
    rules = Rules(aggregation=aggregation, trim=trim,
                  tie_breaks=("stage:presentation", "raw_mean", "raw_sum",
                              "group_mean:external"))
    return Contest(rules, STAGES, judges, teams, recusals, (), tuple(sheets))


@FAST
@given(contests(), st.randoms(use_true_random=False))
def test_order_of_judges_teams_and_sheets_never_changes_a_result(contest, rnd):
    shuffled = replace(contest,
                       judges=tuple(rnd.sample(contest.judges, len(contest.judges))),
                       teams=tuple(rnd.sample(contest.teams, len(contest.teams))),
                       sheets=tuple(rnd.sample(contest.sheets, len(contest.sheets))),
                       recusals=tuple(rnd.sample(contest.recusals, len(contest.recusals))))
    assert compute_results(shuffled) == compute_results(contest)


@FAST
@given(contests())
def test_ranks_are_consistent_with_finals(contest):
    res = compute_results(contest)
    ranked = [t for t in res.teams if t.rank is not None]
    assert [t.rank for t in ranked] == sorted(t.rank for t in ranked)
    for a in ranked:
        for b in ranked:
            if a.final > b.final:
                assert a.rank < b.rank
            if a is not b and a.rank == b.rank:
                assert a.final == b.final and a.tie_values == b.tie_values
                assert a.tied and b.tied
        assert a.rank == 1 + sum(1 for b in ranked if b.rank < a.rank)
    assert all(t.rank is None and t.award is None for t in res.teams if t.withdrawn)


@FAST
@given(st.lists(halves, min_size=1, max_size=9), st.integers(0, 2), st.data())
def test_shifting_every_sheet_shifts_the_stage_score(values, trim, data):
    c = data.draw(st.integers(-int(min(values)), 100).map(D))
    groups = data.draw(st.lists(st.sampled_from(["external", "internal"]),
                                min_size=len(values), max_size=len(values)))
    aggregation = data.draw(st.sampled_from(["pooled", "weighted_groups"]))
    rules = Rules(aggregation=aggregation, trim=trim)
    stage = Stage("plan", D(1), (Criterion("big", D(1000), D("0.5")),))
    judges = tuple(Judge(f"J{i}", g) for i, g in enumerate(groups))

    def exact(shift):
        sheets = tuple(Sheet(j.key, "A", "plan", "submitted", {"big": v + shift})
                       for j, v in zip(judges, values, strict=True))
        contest = Contest(rules, (stage,), judges, (Team("A", 1, ("a", "b", "c")),), (), (),
                          sheets)
        return compute_results(contest).team("A").stages["plan"].exact

    assert exact(c) == exact(D(0)) + F(c)


@FAST
@given(st.lists(halves, min_size=1, max_size=12), st.integers(0, 4))
def test_trimmed_mean_lies_between_smallest_and_largest(values, trim):
    mean, dropped, too_few = trimmed_mean([(f"J{i:02}", v) for i, v in enumerate(values)], trim)
    assert F(min(values)) <= mean <= F(max(values))
    assert len(dropped) == (0 if too_few else 2 * trim)
    assert too_few == (trim > 0 and len(values) < 2 * trim + 1)


@FAST
@given(contests())
def test_validated_stage_results_equal_the_checked_ones(contest):
    """compute_results' shortcut (stage_result validated=True on the pair's submitted
    sheets) gives what the checked path gives on every sheet of the contest."""
    from scoring.rules import contest_problems, recusal_matrix, stage_result

    assert not contest_problems(contest, strict=False)
    matrix = recusal_matrix(contest.judges, contest.teams, contest.recusals)
    for team in contest.teams:
        recused = {j.key for j in contest.judges if matrix[(j.key, team.key)].recused}
        for stage in contest.stages:
            own = [s for s in contest.sheets if s.team == team.key and s.stage == stage.key
                   and s.status == "submitted"]
            args = (contest.rules, stage, team.key, contest.judges)
            checked = stage_result(*args, contest.sheets, recused, expected=not team.withdrawn)
            shortcut = stage_result(*args, own, recused, expected=not team.withdrawn,
                                    validated=True)
            assert shortcut == checked
            assert repr(shortcut) == repr(checked)
