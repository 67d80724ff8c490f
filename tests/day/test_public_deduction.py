"""Public results on a phone (390x844, touch): a team with a deduction is marked beside
the stage score it lowered, as on the printed ranking, and a tap shows the reason."""
import os
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from scoring.extensions import db
from scoring.models import Deduction, Stage, Team
from tests.judging.hall_util import KEY, publish_all, score_stage

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SCORING_SHOTS", "/work/shots/day"))
REASON = "展示超时 1 分 10 秒"


def _deduct(app, team_key="T03", stage_key="presentation"):
    with app.app_context():
        team = db.session.scalars(db.select(Team).filter_by(key=team_key)).one()
        stage = db.session.scalars(db.select(Stage).filter_by(key=stage_key)).one()
        db.session.add(Deduction(team_id=team.id, stage_id=stage.id, points=Decimal("1"),
                                 reason=REASON, state="confirmed", source="organizer",
                                 created_by="test"))
        db.session.commit()
        return team.name


def test_a_deduction_is_marked_on_the_phone_and_a_tap_shows_its_reason(demo_server,
                                                                       browser):
    app = demo_server.app
    score_stage(app, "presentation")
    score_stage(app, "reflection")
    name = _deduct(app)
    publish_all(app)
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True, locale="zh-CN")
    try:
        page = context.new_page()
        page.set_default_timeout(10000)
        page.goto(f"{demo_server.url}/results/{KEY}")
        row = page.locator("tr", has=page.locator(".pr-name", has_text=name))
        mark = row.locator(".pr-stages .pr-deduction summary")
        expect(mark).to_be_visible()
        expect(mark).to_contain_text("扣 1 分")
        assert mark.get_attribute("title") == REASON  # on a hover
        reason = row.locator(".pr-stages .pr-reason")
        expect(reason).to_be_hidden()
        mark.tap()
        expect(reason).to_be_visible()
        expect(reason).to_have_text(REASON)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "public-deduction-phone.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        # Only that team is marked.
        expect(page.locator(".pr-stages .pr-deduction")).to_have_count(1)
    finally:
        context.close()
