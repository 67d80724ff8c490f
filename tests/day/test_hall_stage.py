"""The projector and the live board with several open stages: they follow the stage the
hall works on (the one opened or presented in last), not the first open one."""
from datetime import timedelta

from scoring.extensions import db
from scoring.models import AuditEntry, Stage
from tests.judging.hall_util import KEY, hall_admin, projector_page


def _stage_shown(html):
    return html.split('class="pj-stage">', 1)[1].split("<", 1)[0]


def _age_audit(app, seconds):
    """Move every audit entry back in time (MariaDB keeps whole seconds only)."""
    with app.app_context():
        for entry in db.session.scalars(db.select(AuditEntry)):
            entry.at = entry.at - timedelta(seconds=seconds)
        db.session.commit()


def test_projector_and_board_follow_the_stage_opened_or_presented_last(app, demo):
    admin = hall_admin(app)
    with app.app_context():
        names = {s.key: s.name for s in db.session.scalars(db.select(Stage))}
        reflection = db.session.scalars(db.select(Stage).filter_by(key="reflection")).one()
        reflection_id = reflection.id
    assert _stage_shown(projector_page(app)) == names["presentation"]
    r = admin.post(f"/admin/c/{KEY}/stages/{reflection_id}/state/open")
    assert r.status_code == 302
    # Two stages open: the hall has moved on to the one just opened.
    assert _stage_shown(projector_page(app)) == names["reflection"]
    board = admin.get(f"/admin/c/{KEY}/live").get_data(as_text=True)
    assert f"· {names['reflection']}</h1>" in board
    # Later, the organizer starts the next presentation: the hall is back there.
    _age_audit(app, 60)
    admin.post(f"/admin/c/{KEY}/live/timer", data={"stage": "presentation", "action": "next"})
    assert _stage_shown(projector_page(app)) == names["presentation"]
    board = admin.get(f"/admin/c/{KEY}/live").get_data(as_text=True)
    assert f"· {names['presentation']}</h1>" in board
    # Asked for by name, a stage is always the one shown.
    html = app.test_client().get(f"/projector/{KEY}?stage=plan").get_data(as_text=True)
    assert _stage_shown(html) == names["plan"]
