"""A judge whose login ended (the card's link renewed, the session expired) is told to scan
the card again, in Chinese, on the pages and in the JSON the tablet reads; never a
generic "no access", an organizer login page or a 500."""
import pytest

from scoring.extensions import db
from scoring.models import Judge
from tests.judging.util import body, judge_client, post_submit, put_draft

SAYS = "请重新扫描评委卡上的二维码"


def _renew(app, key="X1"):
    from scoring.operations.setup_judges import regenerate_link

    with app.app_context():
        judge = db.session.scalars(db.select(Judge).filter_by(key=key)).first()
        regenerate_link(judge, "卡片丢失")
        db.session.commit()


def _expire(app, key="X1"):
    from scoring.web import sessions

    with app.app_context():
        judge = db.session.scalars(db.select(Judge).filter_by(key=key)).first()
        sessions.end_judge_sessions(judge.id, "expired")
        db.session.commit()


@pytest.mark.parametrize("ended_by", [_renew, _expire])
def test_pages_and_api_say_to_scan_the_card_again(app, demo, ended_by):
    c = judge_client(app, "X1")
    assert c.get("/judge/").status_code == 200
    ended_by(app)
    page = c.get("/judge/")
    assert page.status_code == 403 and SAYS in page.get_data(as_text=True)
    assert "/admin/login" not in page.headers.get("Location", "")
    sheet = c.get("/judge/s/presentation/T01")
    assert sheet.status_code == 403 and SAYS in sheet.get_data(as_text=True)
    for response in (c.get("/judge/api/state"), c.get("/judge/api/sheet/presentation/T01"),
                     put_draft(c, "T01", body({"substance": "3"}, base_version=0)),
                     post_submit(c, "T01", body({"substance": "3"}))):
        assert response.status_code == 403 and response.is_json
        assert response.json["login"] == "ended" and SAYS in response.json["error"]


def test_a_device_that_never_scanned_a_card(app, demo, client):
    page = client.get("/judge/")
    assert page.status_code == 403 and SAYS in page.get_data(as_text=True)
    api = client.get("/judge/api/state")
    assert api.status_code == 403 and api.json["login"] == "ended"
