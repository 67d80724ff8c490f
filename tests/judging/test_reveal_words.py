"""What the Reveal button tells the organizer about the calibration group (rule 9) is what
the projector then does (found walking the day: the first team's Reveal promised the
group would "appear by themselves when the last sheet arrives"; it did not, because the
group waits for its last team's Reveal too)."""
import re

from scoring.extensions import db
from scoring.models import Competition, Team

from .hall_util import KEY, draw_order, hall_admin, projector_page, submit_team


def _said(admin, team) -> str:
    page = admin.post(f"/admin/c/{KEY}/live/reveal", data={
        "stage": "presentation", "team": team}, follow_redirects=True)
    flash = re.search(r'<div class="flash flash-warning">(.*?)</div>',
                      page.get_data(as_text=True), re.S)
    return flash.group(1) if flash else page.get_data(as_text=True)


def _shown(app) -> set[str]:
    return set(re.findall(r'<section class="pj-card[^"]*" data-team="(\w+)"', projector_page(app)))


def test_the_first_reveal_says_the_group_waits_for_the_last_teams_reveal(app, demo):
    admin = hall_admin(app)
    order = draw_order(app)
    with app.app_context():
        last = db.session.scalars(db.select(Team).join(Competition).where(
            Competition.key == KEY, Team.key == order[2])).one().name
    submit_team(app, order[0])
    said = _said(admin, order[0])
    assert f"请在 {last} 一行点“亮分”后一起显示" in said, said
    # What it said: every sheet in, the group still waits for the third team's Reveal.
    submit_team(app, order[1])
    submit_team(app, order[2])
    assert _shown(app) == set()
    _said(admin, order[2])
    assert _shown(app) == set(order[:3])


def test_when_the_last_team_was_revealed_first_the_group_comes_by_itself(app, demo):
    admin = hall_admin(app)
    order = draw_order(app)
    _said(admin, order[2])  # pressed before its sheets are in
    submit_team(app, order[0])
    assert "最后一张评分表到达时会自动显示" in _said(admin, order[0])
    submit_team(app, order[1])
    submit_team(app, order[2])
    assert _shown(app) == set(order[:3])
