"""Contest file version 2 (DESIGN section 12): results, round trip, refused files."""
import json

import pytest
import sqlalchemy as sa

from scoring.extensions import db as _db

from .rooms_doc import document, expected
from .test_contest_file import _import, _refused, _results


@pytest.mark.parametrize("method", ["room_mean", "z_score"])
def test_v2_results_are_the_worked_example(app, method):
    key = _import(app, document(method))
    doc = _results(app, key)
    exp = expected(method)
    rows = doc["results"]
    assert [[r["team"], r["division"], r["rank"], r["qualified"], r["qualification"],
             r["final"], r["award"]] for r in rows] == exp["ranking"]
    by_team = {r["team"]: r for r in rows}
    for team, adjusted in exp["adjusted"].items():
        assert by_team[team]["stages"]["prelim"] == adjusted
    assert by_team["W1"]["raw_stages"] == {"prelim": "82.50"}
    # every stage has a key, null where the team took no part
    assert by_team["W2"]["stages"] == {"prelim": exp["adjusted"]["W2"], "final": None}
    assert by_team["W2"]["final"] is None and by_team["W2"]["qualified"] is False
    assert not doc["provisional"]


def test_a_competition_without_section_12_has_no_added_keys(app, demo):
    from scoring.contestfile import export_text
    from scoring.models import Competition

    rows = _results(app, demo)["results"]
    assert not {"division", "qualified", "qualification", "raw_stages"} & set(rows[0])
    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=demo))
        assert json.loads(export_text(comp))["version"] == 1


def test_v2_export_import_export_is_identical(app):
    from scoring.contestfile import export_text, import_text
    from scoring.models import Competition, Division, Room, TeamRoom

    key = _import(app, document())
    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=key))
        first = export_text(comp)
        _db.session.delete(comp)
        _db.session.commit()
        # the competition's section 12 rows went with it
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(Division)) == 0
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(Room)) == 0
        comp = import_text(first)
        _db.session.commit()
        second = export_text(comp)
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(TeamRoom)) == 8
    doc = json.loads(first)
    assert doc["version"] == 2
    assert doc["divisions"] == [{"key": "wen", "name": "文科组"}, {"key": "li", "name": "理科组"}]
    prelim, final = doc["stages"]
    assert prelim["normalization"] == "room_mean" and len(prelim["rooms"]) == 2
    assert final["qualify"] == {"top": 2} and final["judges"] == ["F1"]
    assert doc["competition"]["rules"]["coefficient_decimals"] == 3
    w1 = next(t for t in doc["teams"] if t["key"] == "W1")
    assert (w1["division"], w1["rooms"], w1["stage_draw"]) == ("wen", {"prelim": "A"},
                                                               {"final": 1})
    assert second == first


def test_replace_keeps_one_copy_of_the_layout(app):
    from scoring.contestfile import import_document
    from scoring.models import Division

    _import(app, document())
    with app.app_context():
        import_document(document(), replace=True)
        _db.session.commit()
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(Division)) == 2


def test_bad_v2_file_names_every_problem_by_place(app):
    doc = document()
    prelim, final = doc["stages"]
    prelim["rooms"][1]["judges"].append("A1")          # a judge in two rooms
    prelim["judges"] = ["A1"]                          # judges and rooms
    prelim["qualify"] = {"top": 3}                     # qualify on the first stage
    final["normalization"] = "z_score"                 # without two rooms
    final["qualify"] = {"top": 2, "share": "0.5"}
    doc["competition"]["rules"]["tie_breaks"] = ["stage:semi"]
    doc["teams"][0]["division"] = "gong"
    doc["teams"][1]["rooms"] = {"prelim": "C"}
    doc["divisions"].append({"key": "wen", "name": "again"})
    lines = _refused(app, doc)
    text = "\n".join(lines)
    assert "stages[0].rooms[1].judges[1]: judge A1 already sits in room A of this stage" \
        in lines
    assert "stages[0]: name either judges or rooms, not both" in lines
    assert "stages[0].qualify: the first stage cannot carry qualify" in lines
    assert "stages[1].normalization: normalization needs a stage with two rooms or more" \
        in lines
    assert "stages[1].qualify: give top or share, not both" in lines
    assert 'competition.rules.tie_breaks[0]: unknown stage "semi"' in lines
    assert 'teams[0].division: unknown division "gong"' in lines
    assert 'teams[1].rooms.prelim: unknown room "C"' in lines
    assert 'divisions: "wen" is used twice' in text


def test_sheets_outside_the_panel_or_of_a_non_qualifier_are_refused(app):
    doc = document()
    # W1 presents in room A: B1's sheet for it is outside its panel.
    doc["sheets"].append({"judge": "B1", "team": "W1", "stage": "prelim",
                          "status": "draft", "scores": {}})
    # W2 did not qualify (81.43 in 文科组): no sheet in the final.
    doc["sheets"].append({"judge": "F1", "team": "W2", "stage": "final",
                          "status": "draft", "scores": {}})
    n = len(doc["sheets"])
    lines = _refused(app, doc)
    assert lines == [
        f"sheets[{n - 2}].judge: judge B1 is not on the panel of room A, where team W1 is "
        "in stage prelim",
        f"sheets[{n - 1}]: team W2 did not qualify for stage final; it has no sheet there"]


@pytest.mark.parametrize("change, expected_line", [
    (lambda d: d["stages"][0].update(rooms="A"), "stages[0].rooms: give a list"),
    (lambda d: d["stages"][1].update(qualify={"top": "2"}),
     "stages[1].qualify.top: give a whole number"),
    (lambda d: d["teams"][0].update(stage_draw={"final": "x"}),
     "teams[0].stage_draw.final: give a whole number"),
    (lambda d: d["teams"][0].update(stage_draw={"final": 2}),
     "teams[0].stage_draw.final: draw position 2 is used twice"),
    (lambda d: d["competition"]["rules"].update(coefficient_decimals=9),
     "competition.rules.coefficient_decimals: 9 is not between 0 and 6"),
    (lambda d: d["teams"][2].pop("division"), "teams[2].division: give the team's division"),
    (lambda d: d.update(version=1), "divisions: unknown field"),
])
def test_each_bad_v2_field_is_named(sqlite_app, change, expected_line):
    doc = document()
    change(doc)
    assert expected_line in _refused(sqlite_app, doc)
