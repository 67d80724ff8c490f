"""The chief judge's review on the results page, and publishing from there with an
explicit confirmation that says what becomes public."""
import html as html_lib
import re

import sqlalchemy as sa

from scoring.extensions import db as _db


def _text(response):
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ",
                                                         response.get_data(as_text=True))))


def _states(app, key):
    from scoring.models import Competition, Stage

    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=key))
        return {s.key: s.state for s in _db.session.scalars(
            sa.select(Stage).filter_by(competition_id=comp.id))}


def _set_states(app, key, state):
    from scoring.models import Competition, Stage

    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=key))
        for stage in _db.session.scalars(sa.select(Stage).filter_by(competition_id=comp.id)):
            stage.state = state
        _db.session.commit()


def test_review_names_missing_sheets_with_names(app, client, login, demo):
    login("staff")
    client.get("/lang/en")
    page = _text(client.get(f"/admin/c/{demo}/results"))
    assert "Chief judge's review" in page
    # The demo's presentation stage is open: every team waits for sheets, judges by name.
    assert re.search(r"现场展示: no sheet yet from 外请专家甲 for [^.]+ and \d+ more\.", page)
    assert "Publish results" not in page  # staff review, admins publish


def test_publish_refused_while_a_stage_is_open(app, client, login, demo):
    login("admin")
    client.get("/lang/en")
    page = _text(client.get(f"/admin/c/{demo}/results/publish"))
    assert "cannot be published yet" in page and "现场展示" in page and "still open" in page
    before = _states(app, demo)
    response = client.post(f"/admin/c/{demo}/results/publish", data={"confirm": "y"})
    assert response.status_code == 422
    assert _states(app, demo) == before


def test_publish_needs_the_tick_then_publishes_every_closed_stage(app, client, login, demo):
    _set_states(app, demo, "closed")
    login("admin")
    client.get("/lang/en")
    page = _text(client.get(f"/admin/c/{demo}/results/publish"))
    assert "Publishing makes these stages public" in page
    assert "方案设计" in page and "现场展示" in page and "总结反思" in page
    assert "items of the review are still open" in page  # the unscored stages
    client.get("/lang/zh_CN")
    page = _text(client.get(f"/admin/c/{demo}/results/publish"))
    assert re.search(r"审核中还有 \d+ 项待处理", page)
    client.get("/lang/en")
    # Without the explicit tick nothing happens.
    response = client.post(f"/admin/c/{demo}/results/publish", data={})
    assert response.status_code == 422
    assert set(_states(app, demo).values()) == {"closed"}
    response = client.post(f"/admin/c/{demo}/results/publish",
                           data={"confirm": "y", "reason": "主评审签字"})
    assert response.status_code == 302
    assert set(_states(app, demo).values()) == {"published"}
    from scoring.models import AuditEntry

    with app.app_context():
        actions = [a.action for a in _db.session.scalars(sa.select(AuditEntry))]
    assert actions.count("stage.publish") == 3
    assert "The results are published." in _text(client.get(f"/admin/c/{demo}/results"))


def test_staff_cannot_publish(app, client, login, demo):
    _set_states(app, demo, "closed")
    login("staff")
    assert client.get(f"/admin/c/{demo}/results/publish").status_code == 403
    assert client.post(f"/admin/c/{demo}/results/publish",
                       data={"confirm": "y"}).status_code == 403
    assert set(_states(app, demo).values()) == {"closed"}
