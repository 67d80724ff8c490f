"""A published stage: its results are public. Reopening a judge's sheet, a deduction,
a withdrawal and a weight change are refused with a message saying to unpublish first
(operations/published.py), checked under the competition lock; rule changes stay
allowed (the rules page previews the changed ranks)."""
import pytest
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import Competition, Deduction, ScoreSheet, Stage, Team
from tests.judging.guard_util import at_the_lock, skip_on_sqlite

SAYS = "的成绩已发布：此操作会改变已公开的成绩。请先在“环节与评分标准”页面撤回发布"


def _ids(app, demo):
    with app.app_context():
        comp = db.session.scalars(sa.select(Competition).filter_by(key=demo)).one()
        plan = next(s for s in comp.stages if s.key == "plan")
        sheet = db.session.scalars(sa.select(ScoreSheet).filter_by(
            stage_id=plan.id, status="submitted")).first()
        team = db.session.get(Team, sheet.team_id)
        return {"competition": comp.id, "stage": plan.id, "sheet": sheet.id,
                "team": team.id, "team_key": team.key}


def _publish(conn, ids):
    conn.execute(sa.update(Stage.__table__).where(Stage.__table__.c.id == ids["stage"])
                 .values(state="published"))


def _state(app, ids):
    with app.app_context():
        return (db.session.get(ScoreSheet, ids["sheet"]).status,
                db.session.scalar(sa.select(sa.func.count(Deduction.id))),
                db.session.get(Team, ids["team"]).withdrawn)


WRITES = {
    "reopen": lambda demo, i: (f"/admin/c/{demo}/sheets/{i['sheet']}/reopen",
                               {"reason": "录错了"}),
    "deduction": lambda demo, i: (f"/admin/c/{demo}/deductions", {
        "team": str(i["team"]), "stage": str(i["stage"]), "points": "1", "reason": "超时",
        "confirm": "yes"}),
    "withdraw": lambda demo, i: (f"/admin/c/{demo}/live/withdraw", {
        "w-team": i["team_key"], "w-action": "withdraw", "w-reason": "弃权", "confirm": "yes"}),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_a_published_stage_refuses_with_a_message(app, demo, client, login, write):
    login()
    ids = _ids(app, demo)
    with app.app_context(), db.engine.begin() as conn:
        _publish(conn, ids)
    before = _state(app, ids)
    url, data = WRITES[write](demo, ids)
    response = client.post(url, data=data, follow_redirects=True)
    assert response.status_code == 200
    assert SAYS in response.get_data(as_text=True)
    assert _state(app, ids) == before == ("submitted", 0, False)


@pytest.mark.parametrize("write", list(WRITES))
def test_a_stage_published_while_the_form_was_sent_is_seen_under_the_lock(
        app, demo, client, login, monkeypatch, write):
    from scoring.operations import setup_base

    login()
    ids = _ids(app, demo)
    with app.app_context():
        skip_on_sqlite(app)
    fired = at_the_lock(monkeypatch, setup_base, _publish, ids)
    url, data = WRITES[write](demo, ids)
    response = client.post(url, data=data, follow_redirects=True)
    assert fired
    assert SAYS in response.get_data(as_text=True)
    assert _state(app, ids) == ("submitted", 0, False)


def test_a_weight_change_on_a_published_stage_is_refused_a_name_is_not(app, demo):
    from scoring.operations.published import StagePublished
    from scoring.operations.setup_stages import save_stage

    ids = _ids(app, demo)
    with app.app_context():
        with db.engine.begin() as conn:
            _publish(conn, ids)
        stage = db.session.get(Stage, ids["stage"])
        criteria = [{"key": c.key, "name": c.name, "max": str(c.max), "step": str(c.step)}
                    for c in stage.criteria]
        with pytest.raises(StagePublished):
            save_stage(stage.competition, stage, key=stage.key, name=stage.name,
                       weight="0.35", criteria=criteria)
        db.session.rollback()
        stage = db.session.get(Stage, ids["stage"])
        save_stage(stage.competition, stage, key=stage.key, name="方案设计（改名）",
                   weight=str(stage.weight), criteria=criteria)
        db.session.commit()
        assert db.session.get(Stage, ids["stage"]).name == "方案设计（改名）"


def test_the_reopen_page_says_so_before_a_reason_is_typed(app, demo, client, login):
    login()
    ids = _ids(app, demo)
    with app.app_context(), db.engine.begin() as conn:
        _publish(conn, ids)
    page = client.get(f"/admin/c/{demo}/sheets/{ids['sheet']}/reopen").get_data(as_text=True)
    assert SAYS in page and 'name="reason"' not in page
