"""docs/rules.md's worked example, recomputed: the page can never drift from the code."""

import json
import pathlib
import re
from decimal import Decimal as D
from fractions import Fraction as F

import pytest

from scoring.rules import Contest, Criterion, Judge, Rules, Sheet, Stage, Team, compute_results

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def block(text, name):
    """The fenced json block right after the <!-- rules-example:NAME --> marker."""
    m = re.search(rf"<!-- rules-example:{re.escape(name)} -->\s*```json\n(.*?)\n```", text, re.S)
    assert m, f"no rules-example:{name} block in {DOC}"
    return json.loads(m.group(1))


def prose(text):
    """The page without its fenced blocks, where people read the numbers."""
    return re.sub(r"```.*?```", "", text, flags=re.S)


def contest_from(example, aggregation):
    stages = tuple(Stage(s["key"], D(s["weight"]),
                         (Criterion("total", D(s["max"]), D(s["step"])),))
                   for s in example["stages"])
    judges = tuple(Judge(j["key"], j["group"]) for j in example["judges"])
    team = example["team"]
    sheets = tuple(Sheet(judge, team, stage, "submitted", {"total": D(value)})
                   for stage, by_judge in example["totals"].items()
                   for judge, value in by_judge.items())
    return Contest(Rules(aggregation=aggregation), stages, judges,
                   (Team(team, 1, ("d1", "d2", "d3")),), (), (), sheets)


TEXT = DOC.read_text(encoding="utf-8")
EXAMPLE = block(TEXT, "input")
EXPECTED = block(TEXT, "expected")


def test_example_shape():
    assert [s["weight"] for s in EXAMPLE["stages"]] == ["0.3", "0.5", "0.2"]
    groups = [j["group"] for j in EXAMPLE["judges"]]
    assert groups.count("external") == 3 and groups.count("internal") == 6
    assert set(EXPECTED) == {"pooled", "weighted_groups"}


@pytest.mark.parametrize("aggregation", ["pooled", "weighted_groups"])
def test_worked_example_matches_the_code(aggregation):
    expected = EXPECTED[aggregation]
    result = compute_results(contest_from(EXAMPLE, aggregation)).team(EXAMPLE["team"])
    for stage_key, exp in expected["stages"].items():
        r = result.stages[stage_key]
        assert list(r.dropped_judges) == sorted(exp["dropped"]), stage_key
        assert r.exact == F(exp["exact"]), stage_key
        assert str(r.score) == exp["score"], stage_key
        for group, mean in exp.get("groups", {}).items():
            assert {g.group: g.mean for g in r.groups}[group] == F(mean)
        assert not r.provisional and not r.too_few_sheets and not r.group_missing
    assert str(result.final) == expected["final"]
    for key, value in expected.get("tie_values", {}).items():
        assert str(result.tie_values[key]) == value


@pytest.mark.parametrize("aggregation", ["pooled", "weighted_groups"])
def test_numbers_in_the_prose_are_the_expected_ones(aggregation):
    section = prose(TEXT).split(f"### `{aggregation}`", 1)[1].split("### ", 1)[0]
    expected = EXPECTED[aggregation]
    for stage_key, exp in expected["stages"].items():
        row = next(line for line in section.splitlines() if line.startswith(f"| {stage_key} |"))
        assert row.rstrip().endswith(f"| {exp['score']} |"), row
        assert exp["exact"] in row, row
    final_line = next(line for line in section.splitlines() if line.startswith("Final"))
    assert final_line.endswith(f"**{expected['final']}**")
    # the calculator line uses the printed rounded stage scores
    weights = [s["weight"] for s in EXAMPLE["stages"]]
    scores = [expected["stages"][s["key"]]["score"] for s in EXAMPLE["stages"]]
    for w, s in zip(weights, scores, strict=True):
        assert f"{w} × {s}" in final_line
