"""Contest files written from a published rule, imported and checked against its numbers.

singing_contest.json: the rule quoted in issue 18 from a Chinese campus singing contest
("十位评委，去掉一个最高分和一个最低分，取平均分，保留两位小数（四舍五入）；如果有重名
就并列计算，并少掉后面的奖项"; one gold, one silver, one bronze). Five contestants, two
tied first: the rule gives two golds and a silver, and no bronze. The ten judges' marks
are NOT a verified publication: they were written to satisfy that rule and outcome (two
tied at 9.50, one exact half, 8.805, that rounds up). Each singer is entered alone
(`team_size: 1`), with the college as an optional department.

isu_components.json: the ISU Judging System's program components (ISU Special
Regulations & Technical Rules, Single & Pair Skating, rule 322 and the component factors
of the Ladies' Short Program: 0.80): nine judges, the highest and the lowest mark of each
component dropped, the trimmed mean rounded to two decimals (the panel score), each panel
score x 0.80 rounded to two decimals, the factored scores added (final_rounding "each").
The marks are NOT a verified ISU protocol (none could be consulted here); they are
constructed in 0.25 steps, and the "published" figures below are computed by hand the
ISU way. S01 and S04 are the cases where the ISU total is 0.01 below this product's
default (`sum`). Each skater is entered alone (`team_size: 1`), without a department.
"""
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from scoring.extensions import db as _db

HERE = Path(__file__).parent

# Ranking and awards the singing rule gives (team, rank, tied, final, award).
SINGING = [("A", 1, True, "9.50", "金奖"), ("B", 1, True, "9.50", "金奖"),
           ("C", 3, False, "9.20", "银奖"), ("D", 4, False, "9.01", None),
           ("E", 5, False, "8.81", None)]

# Per skater: the panel score of each component, the factored score (x 0.80, rounded) of
# each, and the total of the factored scores.
COMPONENTS = ("SS", "TR", "PE", "CO", "IN")
ISU = {
    "S01": (("7.89", "7.39", "7.54", "8.00", "7.25"),
            ("6.31", "5.91", "6.03", "6.40", "5.80"), "30.45"),
    "S02": (("6.54", "6.82", "6.64", "6.04", "6.64"),
            ("5.23", "5.46", "5.31", "4.83", "5.31"), "26.14"),
    "S03": (("6.75", "6.25", "6.14", "5.93", "6.07"),
            ("5.40", "5.00", "4.91", "4.74", "4.86"), "24.91"),
    "S04": (("7.21", "7.43", "7.39", "7.64", "7.39"),
            ("5.77", "5.94", "5.91", "6.11", "5.91"), "29.64"),
    "S05": (("7.96", "7.82", "8.18", "8.04", "8.18"),
            ("6.37", "6.26", "6.54", "6.43", "6.54"), "32.14"),
    "S06": (("8.07", "8.14", "8.39", "8.04", "8.89"),
            ("6.46", "6.51", "6.71", "6.43", "7.11"), "33.22"),
}
ISU_SUM = {"S01": "30.46", "S04": "29.65"}  # what final_rounding "sum" would print


def _import(app, name):
    from scoring.contestfile import import_text
    from scoring.models import Competition
    from scoring.results.exports import ranking_document

    text = (HERE / name).read_text(encoding="utf-8")
    with app.app_context():
        comp = import_text(text)
        _db.session.commit()
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=comp.key))
        return ranking_document(comp)


def test_singing_contest_ranking_and_awards(app):
    """Ties share, the later awards shrink: gold, gold, silver, and no bronze."""
    doc = _import(app, "singing_contest.json")
    got = [(r["team"], r["rank"], r["tied"], r["final"], r["award"]) for r in doc["results"]]
    assert got == SINGING


def test_singing_contest_under_fixed_would_give_bronze():
    """The same marks under award_ties "fixed" (the default) give the third a bronze."""
    from scoring.contestfile.schema import parse_document
    from scoring.rules import compute_results

    parsed = parse_document(json.loads((HERE / "singing_contest.json").read_text("utf-8")))
    fixed = replace(parsed.contest, rules=replace(parsed.rules, award_ties="fixed"))
    assert [t.award for t in compute_results(fixed).teams] == ["金奖", "金奖", "铜奖",
                                                                None, None]


def test_isu_components_panel_scores_and_factored_totals(app):
    """Every panel score and every total as the ISU computes them (final_rounding each)."""
    doc = _import(app, "isu_components.json")
    rows = {r["team"]: r for r in doc["results"]}
    for skater, (panel, _factored, total) in ISU.items():
        assert tuple(rows[skater]["stages"][c] for c in COMPONENTS) == panel, skater
        assert rows[skater]["final"] == total, skater
    # Ranked by the total, higher first.
    assert [r["team"] for r in doc["results"]] == sorted(
        ISU, key=lambda s: -Decimal(ISU[s][2]))


def test_isu_factored_scores_and_the_sum_reading():
    """Each factored score is the rounded product; `sum` would be 0.01 off for S01, S04."""
    from decimal import Decimal as D

    from scoring.contestfile.schema import parse_document
    from scoring.rules import compute_results, round_half_up

    parsed = parse_document(json.loads((HERE / "isu_components.json").read_text("utf-8")))
    result = compute_results(parsed.contest)
    for skater, (_panel, factored, total) in ISU.items():
        stages = result.team(skater).stages
        got = tuple(str(round_half_up(stages[c].score * D("0.8"), 2)) for c in COMPONENTS)
        assert got == factored, skater
        assert sum(D(f) for f in factored) == D(total)
    summed = compute_results(replace(parsed.contest,
                                     rules=replace(parsed.rules, final_rounding="sum")))
    differ = {t.team: str(t.final) for t in summed.teams
              if str(t.final) != ISU[t.team][2]}
    assert differ == ISU_SUM


def test_published_files_enter_each_contestant_alone(app):
    """team_size 1: one member per entry, imported as written and exported unchanged."""
    from scoring.contestfile import export_competition, import_text
    from scoring.models import Competition

    for name in ("singing_contest.json", "isu_components.json"):
        doc = json.loads((HERE / name).read_text(encoding="utf-8"))
        assert doc["competition"]["rules"]["team_size"] == 1
        assert all(len(t["members"]) == 1 for t in doc["teams"]), name
        with app.app_context():
            comp = import_text(json.dumps(doc, ensure_ascii=False))
            _db.session.commit()
            comp = _db.session.scalar(sa.select(Competition).filter_by(key=comp.key))
            assert all(len(t.members) == 1 for t in comp.teams), name
            again = export_competition(comp)
        assert again["teams"] == doc["teams"], name
        assert again["competition"]["rules"]["team_size"] == 1


# A published rule WITH its published outcome: problem 1114 "歌咏比赛" of the acmsmu.cn
# online judge (https://acmsmu.cn/problems/1114). Ten judges; drop one highest and one
# lowest mark, the mean of the other eight, two decimals half-up ("要四舍五入");
# "如果有重名就并列计算，并少掉后面的奖项，即只选前三名". Its sample input is the ten marks of
# five singers (oj_singing_1114.json, as printed) and its sample output is:
#   1:9.11  2:9.60  3:8.79  4:9.60  5:8.99
#   gold medalist:2 score:9.60 / gold medalist:4 score:9.60 / silver medalist:1 score:9.11
OJ_1114 = {"S1": ("9.11", 3, "银奖"), "S2": ("9.60", 1, "金奖"), "S3": ("8.79", 5, None),
           "S4": ("9.60", 1, "金奖"), "S5": ("8.99", 4, None)}


def test_published_singing_problem_1114_scores_and_medals(app):
    """Every published score and medal: two golds tie at 9.60, the silver goes to 9.11,
    and no bronze is given (the later award shrinks: award_ties "shift")."""
    doc = _import(app, "oj_singing_1114.json")
    got = {r["team"]: (r["final"], r["rank"], r["award"]) for r in doc["results"]}
    assert got == OJ_1114
    assert [r["team"] for r in doc["results"] if r["award"]] == ["S2", "S4", "S1"]
