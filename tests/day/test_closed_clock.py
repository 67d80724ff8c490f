"""Closing or publishing a stage stops its presentation clock (its overtime written down),
so no "overtime" counts on and on for a closed stage, and "Next team" is neither offered
nor accepted there."""
from scoring.extensions import db
from scoring.models import AuditEntry, Presentation, Stage, StageTimer
from tests.judging.hall_util import KEY, hall_admin, projector_page, rewind_clock


def _stage(app, key="presentation"):
    with app.app_context():
        stage = db.session.scalars(db.select(Stage).filter_by(key=key)).one()
        timer = db.session.scalars(db.select(StageTimer).filter_by(stage_id=stage.id)).first()
        return stage.id, stage.state, (timer.phase, timer.running) if timer else None


def test_closing_a_stage_stops_its_clock_and_next_team_is_gone(app, demo):
    admin = hall_admin(app)
    admin.post(f"/admin/c/{KEY}/live/timer", data={"stage": "presentation", "action": "next"})
    rewind_clock(app, 9 * 60)  # a minute over the 8 minutes
    assert 'id="pj-clock"' in projector_page(app)
    stage_id, _state, clock = _stage(app)
    assert clock == ("talk", True)
    r = admin.post(f"/admin/c/{KEY}/stages/{stage_id}/state/closed", data={"confirm": "yes"})
    assert r.status_code == 302
    _id, state, clock = _stage(app)
    assert state == "closed" and clock == ("idle", False)
    with app.app_context():
        over = db.session.scalars(db.select(Presentation)).one().talk_overtime_seconds
        assert 55 <= over <= 70  # written down when the stage closed
        assert db.session.scalars(db.select(AuditEntry).filter_by(
            action="timer.stop")).first() is not None
    assert 'id="pj-clock"' not in projector_page(app)
    board = admin.get(f"/admin/c/{KEY}/live?stage=presentation").get_data(as_text=True)
    assert 'data-timer="next"' not in board and "op-clock" not in board
    r = admin.post(f"/admin/c/{KEY}/live/timer", data={"stage": "presentation",
                                                       "action": "next"},
                   follow_redirects=True)
    assert "未开放：请先在环节页面开放" in r.get_data(as_text=True)
    assert _stage(app)[2] == ("idle", False)


def test_publishing_stops_a_clock_left_running_on_a_closed_stage(app, demo):
    from scoring.operations.setup_stages import change_state

    admin = hall_admin(app)
    admin.post(f"/admin/c/{KEY}/live/timer", data={"stage": "presentation", "action": "next"})
    with app.app_context():
        stage = db.session.scalars(db.select(Stage).filter_by(key="presentation")).one()
        stage.state = "closed"  # as a closing before this fix left it: the clock running
        db.session.commit()
        change_state(stage, "published")
        db.session.commit()
    assert _stage(app)[1:] == ("published", ("idle", False))


def test_a_closed_stage_has_nobody_presenting_and_offers_reveal_only(app, demo):
    admin = hall_admin(app)
    admin.post(f"/admin/c/{KEY}/live/timer", data={"stage": "presentation", "action": "next"})
    with app.app_context():
        stage = db.session.scalars(db.select(Stage).filter_by(key="presentation")).one()
        assert stage.current_team_id is not None  # "Next team" marked the first team
        stage_id, team = stage.id, stage.current_team.key
    admin.post(f"/admin/c/{KEY}/stages/{stage_id}/state/closed", data={"confirm": "yes"})
    with app.app_context():
        assert db.session.get(Stage, stage_id).current_team_id is None
    admin.get("/lang/en")
    board = admin.get(f"/admin/c/{KEY}/live?stage=presentation").get_data(as_text=True)
    assert "Presenting now" not in board and "Stop presenting" not in board
    assert "Mark as presenting" not in board
    assert ">Reveal</button>" in board  # the hall may still be shown the scores
    r = admin.post(f"/admin/c/{KEY}/live/presenting", data={"stage": "presentation",
                                                            "team": team},
                   follow_redirects=True)
    assert "is closed: no team presents in it now" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Stage, stage_id).current_team_id is None
