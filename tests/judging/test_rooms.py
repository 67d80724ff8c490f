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
