"""The live page says what each stage state means, and a stage not yet open has nobody
presenting and nothing to reveal (the server refuses it, the page offers no button)."""
import pytest
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import AuditEntry, Competition, Reveal, Stage, StageTimer

from .test_live import _staff_client

KEY = "demo-2024"


def _set_state(app, stage_key, state):
    with app.app_context():
        cid = db.session.scalar(sa.select(Competition.id).filter_by(key=KEY))
        db.session.execute(sa.update(Stage).where(Stage.competition_id == cid,
                                                  Stage.key == stage_key).values(state=state))
        db.session.commit()


def _rows(app):
    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count(AuditEntry.id))),
                db.session.scalar(sa.select(sa.func.count(Reveal.id))),
                db.session.scalar(sa.select(sa.func.count(StageTimer.id))),
                db.session.scalar(sa.select(Stage.current_team_id).filter_by(key="plan")))


@pytest.mark.parametrize("state, words", [
    ("draft", "本环节尚未开放：评委还不能评分"),
    ("closed", "本环节已结束评分：评委不能再修改评分表"),
    ("published", "本环节已发布：成绩为最终成绩"),
])
def test_the_board_says_what_the_stage_state_means(app, demo, state, words):
    _set_state(app, "plan", state)
    page = _staff_client(app, "boss", "admin").get(f"/admin/c/{KEY}/live?stage=plan")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and words in html
    assert "评委现在无法评分" not in html
    # A draft stage offers neither presenting nor reveal buttons; only an open stage
    # offers the clock's next team (a closed one takes no more sheets).
    assert ("亮分" in html) == (state != "draft")
    assert 'data-timer="next"' not in html
    # Nor a hint about a "下一队" button that is not there.
    assert "点击“下一队”" not in html


def test_a_draft_stage_refuses_presenting_next_team_and_reveal(app, demo):
    _set_state(app, "plan", "draft")
    c = _staff_client(app, "boss", "admin")
    before = _rows(app)
    for path, data in (("live/presenting", {"stage": "plan", "team": "T01"}),
                       ("live/timer", {"stage": "plan", "action": "next"}),
                       ("live/reveal", {"stage": "plan", "team": "T01"})):
        r = c.post(f"/admin/c/{KEY}/{path}", data=data, follow_redirects=True)
        assert r.status_code == 200, path
        assert "尚未开放" in r.get_data(as_text=True), path
    assert _rows(app) == before
    # Once open, the same request is taken.
    _set_state(app, "plan", "open")
    r = c.post(f"/admin/c/{KEY}/live/presenting", data={"stage": "plan", "team": "T01"})
    assert r.status_code == 302 and _rows(app)[3] is not None
