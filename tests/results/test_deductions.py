"""Deductions (rule 12) end to end: operations, audit, pages, exports, contest file."""
import copy
import json
import re

import pytest
import sqlalchemy as sa

from scoring.extensions import db as _db

from .contest_doc import document


def _import(app, doc):
    from scoring.contestfile import import_document

    with app.app_context():
        import_document(doc)
        _db.session.commit()


def _rows(app, key="hand-2024"):
    from scoring.models import Competition
    from scoring.results.exports import ranking_document

    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=key))
        return {r["team"]: r for r in ranking_document(comp)["results"]}


def _ids(app, team="A", stage="talk", key="hand-2024"):
    from scoring.models import Competition, Stage, Team

    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=key))
        t = _db.session.scalar(sa.select(Team).filter_by(competition_id=comp.id, key=team))
        s = _db.session.scalar(sa.select(Stage).filter_by(competition_id=comp.id, key=stage))
        return t.id, s.id


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_record_asks_with_its_effect_then_changes_the_ranking(app, client, login):
    """A deduction on A's talk score (83.83) takes A from first to third, asked once more."""
    _import(app, document())
    assert _rows(app)["A"]["rank"] == 1 and "deductions" not in _rows(app)["A"]
    login("admin")
    team_id, stage_id = _ids(app)
    form = {"team": str(team_id), "stage": str(stage_id), "points": "1", "reason": "超时 40 秒"}
    r = client.post("/admin/c/hand-2024/deductions", data=form)
    assert r.status_code == 200
    text = _text(r.get_data(as_text=True))
    # The question says what changes: A's talk 83.83 -> 82.83, final 84.03 -> 83.43.
    assert "83.83 → 82.83" in text and "84.03 → 83.43" in text
    assert _rows(app)["A"]["final"] == "84.03"  # nothing saved yet
    r = client.post("/admin/c/hand-2024/deductions", data={**form, "confirm": "yes"})
    assert r.status_code == 302
    rows = _rows(app)
    # 84.33 x 0.4 + 82.83 x 0.6 = 33.732 + 49.698 = 83.43: below C and B/E (83.95).
    assert (rows["A"]["final"], rows["A"]["rank"]) == ("83.43", 4)
    assert rows["A"]["stages"]["talk"] == "82.83"
    assert rows["A"]["deductions"] == {"talk": "1.00"}
    assert rows["C"]["deductions"] == {} and rows["C"]["rank"] == 1
    page = _text(client.get("/admin/c/hand-2024/results").get_data(as_text=True))
    assert "82.83" in page
    r = client.get("/admin/c/hand-2024/deductions")
    assert r.status_code == 200 and "超时 40 秒" in r.get_data(as_text=True)
    with app.app_context():
        from scoring.models import AuditEntry

        entry = _db.session.scalar(sa.select(AuditEntry).filter_by(action="deduction.record"))
        assert entry.reason == "超时 40 秒" and '"points": "1"' in entry.after_json


@pytest.mark.parametrize(("points", "field_text"), [
    ("0", "not above 0"), ("-1", "not above 0"), ("abc", "is not a number"),
    ("0.001", "at most 2 decimal places"), ("1e3", "is not a number"),
    ("5000", "above the maximum"),
])
def test_bad_points_are_refused_and_change_nothing(sqlite_app, points, field_text):
    """Each bad input is named, and no row is written."""
    app = sqlite_app
    _import(app, document())
    client = app.test_client()
    from tests.conftest import make_user

    make_user(app, "boss", "correct horse", "admin")
    client.post("/admin/login", data={"username": "boss", "password": "correct horse"})
    team_id, stage_id = _ids(app)
    r = client.post("/admin/c/hand-2024/deductions?lang=en", data={
        "team": str(team_id), "stage": str(stage_id), "points": points, "reason": "x",
        "confirm": "yes"})
    assert r.status_code == 422
    assert field_text in r.get_data(as_text=True)
    with app.app_context():
        from scoring.models import Deduction

        assert _db.session.scalar(sa.select(sa.func.count()).select_from(Deduction)) == 0


def test_hostile_ids_are_refused(sqlite_app):
    """A team or stage of another competition, or no number at all: a message, no 500."""
    app = sqlite_app
    _import(app, document())
    from tests.conftest import make_user

    make_user(app, "boss", "correct horse", "admin")
    client = app.test_client()
    client.post("/admin/login", data={"username": "boss", "password": "correct horse"})
    for team, stage in (("999999", "1"), ("x", "y"), ("", ""), ("1" * 40, "1")):
        r = client.post("/admin/c/hand-2024/deductions", data={
            "team": team, "stage": stage, "points": "1", "reason": "x", "confirm": "yes"})
        assert r.status_code == 422, (team, stage)
    assert client.post("/admin/c/hand-2024/deductions/999999/confirm").status_code == 404
    assert client.post("/admin/c/hand-2024/deductions/999999/remove").status_code == 404


def test_timer_proposal_counts_only_once_confirmed(app):
    """propose (the timer), then confirm: the score changes only at the confirmation."""
    from scoring.models import Competition, Stage, Team
    from scoring.operations import deductions as ops

    _import(app, document())
    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key="hand-2024"))
        team = _db.session.scalar(sa.select(Team).filter_by(competition_id=comp.id, key="C"))
        stage = _db.session.scalar(sa.select(Stage).filter_by(competition_id=comp.id,
                                                              key="plan"))
        d = ops.propose_deduction(comp, team, stage, "2", "超时 65 秒（每超 30 秒扣 1 分）")
        _db.session.commit()
        did = d.id
    assert _rows(app)["C"]["final"] == "83.95"
    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key="hand-2024"))
        ops.confirm_deduction(comp, did)
        _db.session.commit()
    # C plan 85.00 - 2 = 83.00: 83 x 0.4 + 83.25 x 0.6 = 33.2 + 49.95 = 83.15
    assert _rows(app)["C"]["final"] == "83.15"
    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key="hand-2024"))
        with pytest.raises(ops.SetupError):
            ops.confirm_deduction(comp, did)  # twice: refused, nothing changes
        ops.remove_deduction(comp, did, "复核后撤销")
        _db.session.commit()
    assert _rows(app)["C"]["final"] == "83.95"


def test_contest_file_round_trip_and_csv(app):
    """The optional `deductions` field imports, exports identically, and reaches the CSV."""
    from scoring.contestfile import export_competition
    from scoring.models import Competition
    from scoring.results.exports import ranking_csv

    doc = document()
    doc["deductions"] = [
        {"team": "B", "stage": "plan", "points": "0.5", "reason": "材料超页"},
        {"team": "E", "stage": "talk", "points": "1", "reason": "超时", "state": "proposed",
         "source": "timer"}]
    _import(app, doc)
    rows = _rows(app)
    # B plan 85.00 - 0.5 = 84.50: 84.5 x 0.4 + 83.25 x 0.6 = 33.8 + 49.95 = 83.75
    assert (rows["B"]["final"], rows["B"]["deductions"]) == ("83.75", {"plan": "0.50"})
    assert rows["E"]["deductions"] == {}  # a proposal does not count
    with app.test_request_context("/?lang=zh_CN"):
        comp = _db.session.scalar(sa.select(Competition).filter_by(key="hand-2024"))
        exported = export_competition(comp)
        csv_text = ranking_csv(comp).decode("utf-8-sig")
    assert exported["deductions"] == doc["deductions"]
    header = csv_text.splitlines()[0]
    assert "方案设计" in header and header.count("方案设计") == 2  # score and deduction
    b_line = next(line for line in csv_text.splitlines() if ",B," in line)
    assert b_line.endswith(",0.50,")


@pytest.mark.parametrize(("entry", "problem"), [
    ({"team": "Z", "stage": "plan", "points": "1"}, 'deductions[0].team: unknown team "Z"'),
    ({"team": "A", "stage": "nope", "points": "1"},
     'deductions[0].stage: unknown stage "nope"'),
    ({"team": "A", "stage": "plan", "points": 1}, "deductions[0].points: give the number"),
    ({"team": "A", "stage": "plan", "points": "0"}, "deductions[0].points: 0 is not above 0"),
    ({"team": "A", "stage": "plan", "points": "0.125"},
     "deductions[0].points: 0.125 has more than 2 decimal places"),
    ({"team": "A", "stage": "plan"}, "deductions[0].points: missing"),
    ({"team": "A", "stage": "plan", "points": "1", "state": "maybe"},
     'deductions[0].state: "maybe" is not one of confirmed, proposed'),
    ({"team": "A", "stage": "plan", "points": "1", "extra": 1},
     "deductions[0].extra: unknown field"),
])
def test_bad_deductions_in_a_file_are_named(sqlite_app, entry, problem):
    """A bad deduction refuses the whole file, and the problem names its place."""
    from scoring.contestfile import ContestFileError, import_document
    from scoring.rules import format_problem

    doc = document()
    doc["deductions"] = [copy.deepcopy(entry)]
    with sqlite_app.app_context():
        with pytest.raises(ContestFileError) as info:
            import_document(doc)
        _db.session.rollback()
    texts = [format_problem(p) for p in info.value.problems]
    assert any(t.startswith(problem) for t in texts), texts


def test_rules_page_preview_shows_the_effect_and_saves_nothing(app, client, login):
    """The singing contest under `fixed` instead of `shift`: the preview lists the third
    singer's silver turning bronze, and nothing is saved until Save."""
    from pathlib import Path

    from scoring.contestfile import import_text

    text = (Path(__file__).parents[1] / "published" / "singing_contest.json").read_text("utf-8")
    with app.app_context():
        import_text(text)
        _db.session.commit()
    login("admin")
    page = client.get("/admin/c/singing-2024/rules").get_data(as_text=True)
    form = {m.group(1): m.group(2) for m in re.finditer(
        r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', page)}
    form.update({"aggregation": "pooled", "award_ties": "fixed", "final_rounding": "sum",
                 "tie_breaks": "", "awards": "金奖 count 1\n银奖 count 1\n铜奖 count 1",
                 "preview": "1"})
    r = client.post("/admin/c/singing-2024/rules", data=form)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    section = html[html.index('class="card rules-preview"'):html.index("</section>")]
    rows = [_text(row).split() for row in re.findall(r"<tr><td>(.*?)</tr>", section, re.S)]
    # Only the third singer changes: final 9.20 and rank 3 stay, 银奖 becomes 铜奖.
    assert rows == [["三号歌手", "9.20", "→", "9.20", "3", "→", "3", "银奖", "→", "铜奖"]]
    with app.app_context():
        from scoring.models import Competition

        comp = _db.session.scalar(sa.select(Competition).filter_by(key="singing-2024"))
        assert comp.rules["award_ties"] == "shift"  # the preview saved nothing
    del form["preview"]
    assert client.post("/admin/c/singing-2024/rules", data=form).status_code == 302
    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key="singing-2024"))
        assert "award_ties" not in comp.rules  # fixed, the default, is not written
    assert json.loads(json.dumps(form))
