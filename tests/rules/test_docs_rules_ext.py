"""docs/rules.md's worked examples of issue 18, recomputed from the page's own blocks."""
from dataclasses import replace
from decimal import Decimal as D

from scoring.rules import (
    AwardTier,
    Deduction,
    RankEntry,
    Rules,
    Stage,
    assign_awards_by,
    compute_results,
    deducted_score,
    final_score,
    rank_teams,
)
from scoring.rules.model import Criterion

from .factory import make_contest, panel
from .test_docs_example import TEXT, block


def test_award_ties_example():
    ex = block(TEXT, "award-ties")
    entries = [RankEntry(k, D(v), {}, i) for i, (k, v) in enumerate(ex["finals"].items(), 1)]
    ranks = {k: p.rank for k, p in rank_teams(entries, ()).items()}
    tiers = tuple(AwardTier(t["name"], count=t["count"]) for t in ex["tiers"])
    for mode in ("fixed", "shift"):
        assert assign_awards_by(ranks, tiers, mode) == ex[mode], mode


def test_precise_example():
    ex = block(TEXT, "precise")
    contest = make_contest({"plan": {k: panel(v) for k, v in ex["totals"].items()}},
                           rules=Rules(trim=1, tie_breaks=tuple(ex["tie_breaks"]), awards=()))
    result = compute_results(contest)
    for team, exp in ex["expected"].items():
        t = result.team(team)
        assert str(t.final) == exp["final"]
        assert str(t.tie_values["precise:3"]) == exp["precise:3"]
        assert t.rank == exp["rank"] and not t.tied


def test_deductions_example():
    ex = block(TEXT, "deductions")
    ded = ex["deduction"]
    scores = {k: D(v) for k, v in ex["stages"].items()}
    scores[ded["stage"]] = deducted_score(scores[ded["stage"]], D(ded["points"]), 2)
    assert str(scores[ded["stage"]]) == ex["expected"][ded["stage"]]
    stages = [Stage(k, D(w), (Criterion("c", D("100"), D("0.01")),))
              for k, w in ex["weights"].items()]
    assert str(final_score(stages, scores, 2)) == ex["expected"]["final"]
    for case in ex["cases"]:
        assert str(deducted_score(D(case["score"]), D(case["points"]), 2)) == case["result"]
    # The same through the whole engine: stage scores 85 and 80 from one sheet each.
    contest = make_contest({k: {"A": panel([v])} for k, v in ex["stages"].items()},
                           rules=Rules(trim=0, tie_breaks=(), awards=()),
                           stages=ex["weights"])
    contest = replace(contest, deductions=(Deduction("A", ded["stage"], D(ded["points"])),))
    assert str(compute_results(contest).team("A").final) == ex["expected"]["final"]


def test_final_rounding_example():
    ex = block(TEXT, "final-rounding")
    stages = [Stage(f"s{i}", D(w), (Criterion("c", D("10"), D("0.01")),))
              for i, w in enumerate(ex["weights"])]
    scores = {f"s{i}": D(v) for i, v in enumerate(ex["scores"])}
    assert str(final_score(stages, scores, 2, "sum")) == ex["sum"]
    assert str(final_score(stages, scores, 2, "each")) == ex["each"]
