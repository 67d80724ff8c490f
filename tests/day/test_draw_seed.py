"""A seed shown on the draw projector before the draw: refused, with a message naming the
seed field, once a draw exists or when the seed is not one; nothing changes then."""
import pytest

from scoring.extensions import db
from scoring.models import AuditEntry, Competition
from tests.judging.hall_util import KEY, hall_admin


def _draw(app):
    with app.app_context():
        comp = db.session.scalars(db.select(Competition).filter_by(key=KEY)).one()
        audits = db.session.scalar(db.select(db.func.count(AuditEntry.id)))
        return comp.draw_method, comp.draw_seed, comp.live_version, audits


@pytest.mark.parametrize("seed, words", [
    ("777", "抽签已完成：大屏上显示的是该次抽签的种子。"),
    ("12 34", "种子“12 34”无效"),
])
def test_a_seed_is_not_shown_over_a_draw_it_did_not_make(app, demo, seed, words):
    admin = hall_admin(app)
    before = _draw(app)
    r = admin.post(f"/admin/c/{KEY}/draw/seed", data={"seed": seed})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and words in html, html[-3000:]
    assert _draw(app) == before
