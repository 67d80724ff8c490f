"""Contest files written from a published rule, imported and checked against its numbers.

singing_contest.json: the rule quoted in issue 18 from a Chinese campus singing contest
("十位评委，去掉一个最高分和一个最低分，取平均分，保留两位小数（四舍五入）；如果有重名
就并列计算，并少掉后面的奖项"; one gold, one silver, one bronze). Five contestants, two
tied first: the rule gives two golds and a silver, and no bronze. The ten judges' marks
are NOT a verified publication: they were written to satisfy that rule and outcome (two
tied at 9.50, one exact half, 8.805, that rounds up). Each singer is entered alone
(`team_size: 1`), with the college as an optional department.

isu_gpchn2017_ladies_sp.json: a REAL published ISU protocol. ISU GP Audi Cup of China 2017,
LADIES SHORT PROGRAM, "Judges Details per Skater" (isuresults.com, season 2017/18:
http://www.isuresults.com/results/season1718/gpchn2017/gpchn2017_protocol.pdf), as parsed
to JSON by BuzzFeed News (github.com/BuzzFeedNews/figure-skating-scores,
data/json/gpchn2017_protocol.json at commit aad3b235546802f973fa48a16b9640a664e37f6d; the
PDF itself could not be consulted here). All eleven skaters of the segment, the program
components only: one stage per component with the published factor (0.80) as its weight,
one criterion 0..10 in 0.25 steps, the nine judges' marks J1..J9 copied from the protocol,
each skater a team keyed by start number (SN01..SN11) with the nation as department. The
ISU Judging System drops the highest and the lowest mark of each component, rounds the
trimmed mean to two decimals (the panel score; half-up: truncating would change 22 of the
55), multiplies by the factor, rounds each product, and adds them: final_rounding "each".
The figures below (the "Scores of Panel" of each component and the "Program Components
Score (factored)" of each skater) are the PUBLISHED ones, copied from the protocol, never
computed by this product. Our ranking is by the component score alone, not the ISU's
(which ranks by the segment score, elements included).
"""
import json
from dataclasses import replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import sqlalchemy as sa

from scoring.extensions import db as _db

HERE = Path(__file__).parent

# Ranking and awards the singing rule gives (team, rank, tied, final, award).
SINGING = [("A", 1, True, "9.50", "金奖"), ("B", 1, True, "9.50", "金奖"),
           ("C", 3, False, "9.20", "银奖"), ("D", 4, False, "9.01", None),
           ("E", 5, False, "8.81", None)]

# The published figures of the protocol, per skater (team key = start number): name,
# nation, the "Scores of Panel" of SS, TR, PE, CO, IN, and the factored component score.
COMPONENTS = ("SS", "TR", "PE", "CO", "IN")
ISU_FACTOR = Decimal("0.8")
ISU = {
    "SN11": ("Gabrielle DALEMAN", "CAN", ("8.36", "8.00", "8.39", "8.29", "8.39"), "33.14"),
    "SN09": ("Wakaba HIGUCHI", "JPN", ("8.39", "7.89", "8.29", "8.25", "8.25"), "32.85"),
    "SN10": ("Elena RADIONOVA", "RUS", ("8.29", "8.07", "8.39", "8.43", "8.46"), "33.31"),
    "SN04": ("Alina ZAGITOVA", "RUS", ("7.82", "7.71", "7.71", "8.11", "7.93"), "31.43"),
    "SN06": ("Elizaveta TUKTAMYSHEVA", "RUS", ("7.89", "7.50", "8.07", "7.82", "8.00"),
             "31.43"),
    "SN05": ("Marin HONDA", "JPN", ("8.00", "7.68", "8.11", "8.00", "8.07"), "31.89"),
    "SN08": ("Mai MIHARA", "JPN", ("8.11", "7.79", "8.11", "8.11", "8.18"), "32.24"),
    "SN02": ("Xiangning LI", "CHN", ("6.68", "6.18", "6.75", "6.64", "6.57"), "26.25"),
    "SN07": ("Dabin CHOI", "KOR", ("7.04", "6.71", "6.89", "7.07", "7.04"), "27.80"),
    "SN03": ("Amber GLENN", "USA", ("7.14", "6.79", "6.68", "7.11", "7.07"), "27.83"),
    "SN01": ("Ziquan ZHAO", "CHN", ("6.25", "6.00", "6.14", "6.32", "6.18"), "24.71"),
}
ISU_FILE = "isu_gpchn2017_ladies_sp.json"


def _cents(value):
    """Half-up at two decimals, done here by hand so the test does not lean on our rules."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


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


def test_isu_every_published_panel_score_and_factored_total(app):
    """Imported as a contest: every skater's five published panel scores (the stage scores)
    and published factored total (the final, final_rounding "each"), under their names."""
    doc = _import(app, ISU_FILE)
    rows = {r["team"]: r for r in doc["results"]}
    assert set(rows) == set(ISU)
    for skater, (name, _nation, panel, total) in ISU.items():
        assert rows[skater]["name"] == name, skater
        assert tuple(rows[skater]["stages"][c] for c in COMPONENTS) == panel, skater
        assert rows[skater]["final"] == total, skater
    # Ranked by the component score, higher first; ZAGITOVA and TUKTAMYSHEVA, both 31.43,
    # share sixth place (no tie-break in this file).
    got = [(r["team"], r["rank"], r["tied"]) for r in doc["results"]]
    by_total = sorted(ISU, key=lambda s: (-Decimal(ISU[s][3]), s))
    want = [(s, 1 + sum(Decimal(ISU[o][3]) > Decimal(ISU[s][3]) for o in ISU),
             sum(ISU[o][3] == ISU[s][3] for o in ISU) > 1) for s in by_total]
    assert got == want
    assert ("SN04", 6, True) in got and ("SN06", 6, True) in got


def test_isu_file_holds_the_protocol_shape():
    """Nine judges, five components of factor 0.80, one sheet per judge, skater, component."""
    doc = json.loads((HERE / ISU_FILE).read_text(encoding="utf-8"))
    rules = doc["competition"]["rules"]
    assert (rules["trim"], rules["decimals"], rules["final_rounding"]) == (1, 2, "each")
    assert [s["key"] for s in doc["stages"]] == list(COMPONENTS)
    assert {s["weight"] for s in doc["stages"]} == {str(ISU_FACTOR)}
    assert [j["key"] for j in doc["judges"]] == [f"J{i}" for i in range(1, 10)]
    # Each skater under the start number (also the draw), the nation as department.
    assert {(t["key"], t["draw"], t["name"], t["members"][0]["department"])
            for t in doc["teams"]} == {
        (s, int(s[2:]), name, nation) for s, (name, nation, _p, _t) in ISU.items()}
    cells = {(s["judge"], s["team"], s["stage"]) for s in doc["sheets"]}
    assert len(doc["sheets"]) == len(cells) == 9 * len(ISU) * len(COMPONENTS)


def test_isu_marks_give_the_published_panel_scores_rounded_half_up():
    """By hand from the file's marks (a check of the transcription, not of our rules): the
    trimmed mean of the seven middle marks, half-up, is every published panel score;
    truncating, the other reading of "rounded to two decimals", would miss 22 of the 55."""
    marks = {}
    doc = json.loads((HERE / ISU_FILE).read_text(encoding="utf-8"))
    for sheet in doc["sheets"]:
        marks.setdefault((sheet["team"], sheet["stage"]), []).append(
            Fraction(sheet["scores"]["mark"]))
    truncated_misses = 0
    for (skater, stage), values in marks.items():
        mean = sum(sorted(values)[1:-1]) / 7
        exact = Decimal(mean.numerator) / Decimal(mean.denominator)
        published = ISU[skater][2][COMPONENTS.index(stage)]
        assert str(_cents(exact)) == published, (skater, stage)
        truncated_misses += str(exact.quantize(Decimal("0.01"), ROUND_DOWN)) != published
    assert len(marks) == 55 and truncated_misses == 22


def test_isu_each_is_needed_sum_would_misprint_four():
    """The published totals are the "each" sums of the published panel scores; "sum"
    (this product's default) would print four of them 0.01 off, in both directions."""
    from scoring.contestfile.schema import parse_document
    from scoring.rules import compute_results

    # By hand, from the published panel scores only: each product rounded, then added ...
    each = {s: sum(_cents(Decimal(p) * ISU_FACTOR) for p in v[2]) for s, v in ISU.items()}
    assert {s: str(v) for s, v in each.items()} == {s: v[3] for s, v in ISU.items()}
    # ... against the sum multiplied once and rounded once.
    by_hand = {s: str(_cents(sum(Decimal(p) for p in v[2]) * ISU_FACTOR))
               for s, v in ISU.items()}
    differ = {s: v for s, v in by_hand.items() if v != ISU[s][3]}
    assert differ == {"SN09": "32.86", "SN04": "31.42", "SN06": "31.42", "SN02": "26.26"}
    # Our "sum" reading gives exactly those; our "each" gives the published figures.
    parsed = parse_document(json.loads((HERE / ISU_FILE).read_text("utf-8")))
    summed = compute_results(replace(parsed.contest,
                                     rules=replace(parsed.rules, final_rounding="sum")))
    assert {t.team: str(t.final) for t in summed.teams} == by_hand
    eached = compute_results(parsed.contest)
    assert {t.team: str(t.final) for t in eached.teams} == {s: v[3] for s, v in ISU.items()}


def test_published_files_enter_each_contestant_alone(app):
    """team_size 1: one member per entry, imported as written and exported unchanged."""
    from scoring.contestfile import export_competition, import_text
    from scoring.models import Competition

    for name in ("singing_contest.json", ISU_FILE):
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
