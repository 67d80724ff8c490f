"""Section 12 on the judge's tablet: a judge sees and scores only their room's teams; in
the final only the qualifiers, and only the final's panel."""
import pytest

from scoring.extensions import db
from tests.results.rooms_doc import document

from .util import body, judge_client, post_submit, put_draft

COMP = "city-2026"
SCORE = {"total": "80"}


@pytest.fixture
def city(app):
    from scoring.contestfile import import_document

    doc = document()
    for stage in doc["stages"]:
        stage["state"] = "open"
    # W1 and W3 still to be scored: in the preliminary (W1) and the final (W3)
    doc["sheets"] = [s for s in doc["sheets"]
                     if not (s["team"] == "W1" and s["stage"] == "prelim")
                     and not (s["team"] == "W3" and s["stage"] == "final")]
    with app.app_context():
        import_document(doc)
        db.session.commit()
    return app


def test_a_room_judge_sees_only_the_teams_of_the_room(city):
    c = judge_client(city, "A1", COMP)
    page = c.get("/judge/").get_data(as_text=True)
    for team in ("W1队", "W2队", "L1队", "L2队"):
        assert team in page
    for team in ("W3队", "W4队", "L3队", "L4队"):
        assert team not in page
    # A1 sits on no panel of the final: the stage is not on the page at all
    assert 'data-stage="prelim"' in page and 'data-stage="final"' not in page
    assert post_submit(c, "W1", body(SCORE), stage="prelim").status_code == 200
    r = post_submit(c, "W3", body(SCORE), stage="prelim")
    assert r.status_code == 403
    assert "评委组" in r.get_json()["error"]
    # A1 sits on no panel of the final
    assert put_draft(c, "W3", body(SCORE), stage="final").status_code == 403


def test_the_final_panel_sees_only_the_qualifiers_in_their_own_draw(city):
    c = judge_client(city, "F1", COMP)
    page = c.get("/judge/").get_data(as_text=True)
    assert 'data-stage="final"' in page and 'data-stage="prelim"' not in page
    for team in ("W2队", "L2队", "L3队"):   # cut after the preliminaries
        assert team not in page
    # numbered by the final's own draw (W1 drew 1, W4 drew 3)
    assert '<span class="draw">3</span>' in page
    assert post_submit(c, "W3", body(SCORE), stage="final").status_code == 200
    r = post_submit(c, "W2", body(SCORE), stage="final")
    assert r.status_code == 403 and "未晋级" in r.get_json()["error"]


def test_the_organizers_live_board_follows_the_rooms_and_the_cut(city):
    """The main board expects a sheet only from a judge of the team's room or panel, and
    none for a team cut before the stage: nobody is listed as missing for those."""
    from tests.conftest import make_user

    make_user(city, "boss", "password-boss", "admin")
    admin = city.test_client()
    admin.post("/admin/login", data={"username": "boss", "password": "password-boss"})
    prelim = admin.get(f"/admin/c/{COMP}/live/state?stage=prelim").json
    w1 = next(t for t in prelim["teams"] if t["team"] == "W1")
    # W1 is in A1's room (see the test above), not in the room of W3's judges
    assert w1["cells"]["A1"]["status"] == "not_started" and "A1" in w1["missing"]
    off = [k for k, cell in w1["cells"].items() if cell["status"] == "off_panel"]
    assert off and not set(off) & set(w1["missing"])
    assert all(w1["cells"][k]["status"] in ("not_started", "draft", "submitted", "recused",
                                            "absent", "off_panel") for k in w1["cells"])
    final = admin.get(f"/admin/c/{COMP}/live/state?stage=final").json
    rows = {t["team"]: t for t in final["teams"]}
    for cut in ("W2", "L2", "L3"):
        assert rows[cut]["not_qualified"] and rows[cut]["missing"] == []
        assert {c["status"] for c in rows[cut]["cells"].values()} == {"not_qualified"}
    w3 = rows["W3"]
    assert not w3["not_qualified"] and "F1" in w3["missing"]
    assert w3["cells"]["A1"]["status"] == "off_panel"  # A1 sits on no panel of the final
    assert "A1" not in w3["missing"]
    assert "未晋级" in final["html"]
    # no "presenting" or "reveal" button for a team that is not in the final
    row_of = {t: final["html"].split(f'data-team="{t}"')[1].split("</tr>")[0] for t in rows}
    assert "live/presenting" not in row_of["W2"] and "live/presenting" in row_of["W3"]


def test_the_setup_checklist_counts_a_teams_own_room_and_skips_the_cut(app):
    """With one judge per room and the trim at 1 (three sheets needed), every team of the
    preliminary is thin: it expects its room's one judge, not the three of the contest.
    In the final, the teams cut after the preliminary expect nothing and are not named."""
    from scoring.admin.setup.checklist import thin_panel_items
    from scoring.contestfile import import_document
    from scoring.models import Competition
    from scoring.results.standings import rules_of

    doc = document()
    doc["competition"]["rules"]["trim"] = 1
    with app.app_context():
        import_document(doc)
        db.session.commit()
    with app.test_request_context("/?lang=en"):
        comp = db.session.scalars(db.select(Competition).filter_by(key=COMP)).one()
        items = thin_panel_items(comp, rules_of(comp))
        texts = {i["text"].split('"')[1]: i["text"] for i in items}
    assert set(texts) == {"初赛", "决赛"}
    assert "8 teams" in texts["初赛"] and "W1队 (1)" in texts["初赛"]
    # the final: F1 alone for the five qualifiers; the cut teams are not expected there
    assert "5 teams" in texts["决赛"]
    for cut in ("W2队", "L2队", "L3队"):
        assert cut not in texts["决赛"]


def test_the_boards_scope_is_each_judges_panel(city):
    """board_scope reads every judge's panel at once; it says what panel_team_ids says of
    each judge (a room's teams, every team on a named panel, none off it)."""
    from scoring.models import Competition
    from scoring.operations.panels import board_scope, panel_team_ids

    with city.app_context():
        comp = db.session.scalars(db.select(Competition).filter_by(key=COMP)).one()
        for stage in comp.stages:
            scope, _cut = board_scope(stage, comp.judges)
            assert scope == {j.id: panel_team_ids(j, stage) for j in comp.judges}
            assert any(v for v in scope.values()) or None in scope.values()
