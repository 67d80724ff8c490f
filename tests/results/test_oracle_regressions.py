"""The smallest contests behind each discrepancy the oracle comparison found
(tests/results/test_oracle.py), with the results DESIGN sections 2, 6 and 12 give."""
import copy

from scoring.extensions import db as _db
from tests.rules.oracle_layout import expected_results

CRITERIA = [{"key": "c", "name": "分", "max": "100", "step": "0.5"}]


def _doc(stages, sheets, teams=("A", "B"), rules=None, **extra):
    """A small contest file: judges X1 (external), N1 and N2 (internal), solo teams."""
    doc = {
        "format": "scoring-contest", "version": 2 if extra.get("divisions") or any(
            s.get("qualify") for s in stages) else 1,
        "competition": {"key": "tiny", "name": "小赛", "rules": {
            "trim": 0, "decimals": 2, "team_size": 1, "awards": [], **(rules or {})}},
        "departments": ["D1"],
        "stages": [{"name": s["key"], "criteria": CRITERIA, **s} for s in stages],
        "judges": [{"key": k, "name": k, "group": g, "department": None}
                   for k, g in (("X1", "external"), ("N1", "internal"), ("N2", "internal"))],
        "teams": [{"key": t, "name": t, "draw": i, "members": [{"name": t, "department": None}]}
                  for i, t in enumerate(teams, start=1)],
        "sheets": [{"judge": j, "team": t, "stage": s, "status": "submitted",
                    "scores": {"c": v}} for j, t, s, v in sheets],
    }
    doc.update(extra)
    return doc


def _results(app, doc):
    from scoring.contestfile import import_document
    from scoring.results.exports import ranking_document

    with app.app_context():
        comp = import_document(copy.deepcopy(doc))
        _db.session.commit()
        return {r["team"]: r for r in ranking_document(comp)["results"]}


def test_group_mean_over_stages_that_all_weigh_zero_counts_each_equally(app):
    """DESIGN 12: group_mean scales the remaining weights, each stage counting equally when
    they all weigh 0. A has an external sheet only in the weight-0 stage: its value is that
    mean (50), B has none; equal finals, A first. The app gave both no value: tied at 1."""
    doc = _doc([{"key": "pre", "weight": "0"}, {"key": "fin", "weight": "1"}],
               [("X1", "A", "pre", "50"), ("N1", "A", "fin", "80"),
                ("N1", "B", "pre", "60"), ("N1", "B", "fin", "80")],
               rules={"tie_breaks": ["group_mean:external"]},
               absences=[{"judge": j, "stage": s, "reason": "-"}
                         for j, s in (("X1", "fin"), ("N2", "pre"), ("N2", "fin"))],
               recusals=[{"judge": "X1", "team": "B", "reason": "-"}])
    rows = _results(app, doc)
    assert (rows["A"]["rank"], rows["A"]["tied"], rows["A"]["tie_note"]) == \
        (1, False, "group_mean:external")
    assert (rows["B"]["rank"], rows["B"]["tied"]) == (2, False)
    assert expected_results(doc)["results"][0]["team"] == "A"


def test_a_withdrawn_teams_deduction_counts_with_divisions_as_in_version_1(app):
    """DESIGN 12: a withdrawn team's row shows what was judged, as in version 1, where a
    confirmed deduction comes off its stage score. With divisions the app showed the score
    without it and `deductions` {}."""
    doc = _doc([{"key": "s", "weight": "1"}], [("N1", "A", "s", "80"), ("N1", "B", "s", "70")],
               divisions=[{"key": "d", "name": "组"}],
               deductions=[{"team": "B", "stage": "s", "points": "1.5", "reason": "超时"}])
    doc["teams"][1]["withdrawn"] = "弃权"
    for team in doc["teams"]:
        team["division"] = "d"
    rows = _results(app, doc)
    assert rows["B"]["stages"] == {"s": "68.50"} and rows["B"]["final"] == "68.50"
    assert rows["B"]["deductions"] == {"s": "1.50"}
    assert [r for r in expected_results(doc)["results"] if r["team"] == "B"][0]["final"] == "68.50"


def test_a_non_qualifiers_tie_note_names_what_cut_it(app):
    """A and B have the same qualification score; raw_sum puts A through (top 1). B's
    tie_note says so, as a separated team's note names what separated it from the teams of
    its score. The app looked only among the non-qualifiers and printed none."""
    doc = _doc([{"key": "pre", "weight": "1"}, {"key": "fin", "weight": "1",
                                                 "qualify": {"top": 1}}],
               [("N1", "A", "pre", "80"), ("N2", "A", "pre", "80"), ("X1", "A", "pre", "80"),
                ("N1", "B", "pre", "80"), ("N2", "B", "pre", "80"), ("N1", "A", "fin", "90")],
               rules={"tie_breaks": ["raw_sum"]},
               recusals=[{"judge": "X1", "team": "B", "reason": "-"}],
               absences=[{"judge": j, "stage": "fin", "reason": "-"} for j in ("X1", "N2")])
    rows = _results(app, doc)
    assert (rows["A"]["qualified"], rows["B"]["qualified"]) == (True, False)
    assert (rows["B"]["rank"], rows["B"]["tied"], rows["B"]["tie_note"]) == (2, False, "raw_sum")
