"""The materials page: "missing" only where a document is expected from a team still in
the contest; a live presentation stage shows "not needed", a withdrawn team "withdrawn"."""
import re
from datetime import timedelta

from scoring.extensions import db
from scoring.models import Stage, Team, utcnow
from tests.judging.hall_util import KEY, hall_admin


def _cells(html):
    return {(t, s): status for t, s, status in re.findall(
        r'data-team="([^"]+)" data-stage="([^"]+)">\s*<span class="[^"]*" data-status="([^"]+)"',
        html)}


def test_missing_only_where_a_document_is_expected(app, demo):
    with app.app_context():
        plan = db.session.scalars(db.select(Stage).filter_by(key="plan")).one()
        plan.materials_deadline = utcnow() + timedelta(days=1)
        team = db.session.scalars(db.select(Team).filter_by(key="T02")).one()
        team.withdrawn, team.withdrawn_reason = True, "弃权"
        db.session.commit()
    html = hall_admin(app).get(f"/admin/c/{KEY}/materials").get_data(as_text=True)
    cells = _cells(html)
    assert cells[("T01", "plan")] == "missing"
    assert cells[("T02", "plan")] == "withdrawn"
    assert cells[("T01", "presentation")] == "not-needed"
    assert cells[("T02", "presentation")] == "withdrawn"
    assert "缺 14 份" in html.split("方案设计", 1)[1][:80]
    assert "未设截止时间且无材料，不计缺少" in html.split("现场展示", 1)[1][:120]
