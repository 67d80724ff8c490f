"""The live board in a real browser: the whole width of a 1920x1080 screen (no narrow
column between empty sides), and nothing scrolling sideways on a 1024x768 tablet, with
scores, a withdrawn team and a team presenting on it.

Screenshots go to /work/shots/day/ (SCORING_SHOTS overrides) to be looked at.
"""
import os
import re
from pathlib import Path

import pytest

from scoring.extensions import db
from scoring.models import Competition, Stage, Team
from tests.judging.hall_util import KEY, score_stage

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SCORING_SHOTS", "/work/shots/day"))


def login(browser, url, width, height, touch=False):
    """A page logged in as the organizer `boss` (made by the caller) at that size."""
    context = browser.new_context(viewport={"width": width, "height": height},
                                  has_touch=touch, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10000)
    page.goto(url + "/admin/login")
    page.fill('input[name="username"]', "boss")
    page.fill('input[name="password"]', "password-boss")
    page.locator('button[type="submit"]').last.click()
    page.wait_for_url(re.compile(r".*/admin/?$"))
    return context, page


def _busy_board(app):
    """Four teams scored, one withdrawn, one presenting: the widest rows the board has."""
    score_stage(app, "presentation", teams={"T01", "T02", "T03", "T04"})
    with app.app_context():
        comp = db.session.scalars(db.select(Competition).filter_by(key=KEY)).one()
        stage = db.session.scalars(db.select(Stage).filter_by(
            competition_id=comp.id, key="presentation")).one()
        teams = {t.key: t for t in db.session.scalars(db.select(Team).filter_by(
            competition_id=comp.id))}
        teams["T05"].withdrawn = True
        teams["T05"].withdrawn_reason = "因故未到场，按弃权处理"
        stage.current_team_id = teams["T06"].id
        db.session.commit()


@pytest.mark.parametrize("width,height,touch", [(1920, 1080, False), (1024, 768, True)])
def test_live_board_fills_a_wide_screen_and_never_scrolls_sideways(demo_server, browser,
                                                                  width, height, touch):
    from tests.conftest import make_user

    make_user(demo_server.app, "boss", "password-boss", "admin")
    _busy_board(demo_server.app)
    context, page = login(browser, demo_server.url, width, height, touch)
    try:
        page.goto(f"{demo_server.url}/admin/c/{KEY}/live?stage=presentation")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"board-{width}.png"), full_page=True)
        size = page.evaluate("""() => {
            const wrap = document.querySelector('#live-board .table-wrap');
            return {wrap: wrap.scrollWidth, shown: wrap.clientWidth,
                    grid: document.querySelector('.live-grid').getBoundingClientRect().width,
                    page: document.documentElement.scrollWidth, window: innerWidth};
        }""")
        assert size["page"] <= size["window"], size
        assert size["wrap"] <= size["shown"], size  # no column hidden to the right
        assert size["grid"] >= 0.9 * width, size  # the board uses the screen's width
    finally:
        context.close()
