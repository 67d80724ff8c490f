"""In a real browser: the judge's login ends while a sheet is being submitted (the card's
link renewed on the organizer's laptop). The tablet says to scan the card again, keeps
the unsent sheet, and sends it once the judge is logged in again. Screenshots in
instance/screenshots (judge-login-ended-*.png)."""
import pytest
from playwright.sync_api import expect

from scoring.extensions import db
from scoring.models import Judge, ScoreSheet, Stage, Team
from tests.judging.test_tablet import SHEETS, _context, _free_teams, _open_team, _shot
from tests.judging.util import judge_link

pytestmark = pytest.mark.browser


def _sheet(team):
    """X2's sheet of the team in the presentation stage, or None."""
    return db.session.scalars(
        db.select(ScoreSheet).join(Judge, Judge.id == ScoreSheet.judge_id)
        .join(Team, Team.id == ScoreSheet.team_id).join(Stage, Stage.id == ScoreSheet.stage_id)
        .where(Judge.key == "X2", Team.key == team, Stage.key == "presentation")).first()


def test_a_sheet_sent_after_the_login_ended_is_kept_and_sent_after_the_scan(demo_server,
                                                                          browser):
    from scoring.web import sessions

    server = demo_server
    app = server.app
    team = _free_teams(app, "X2", 1)[0]
    context = _context(browser)
    try:
        page = context.new_page()
        page.goto(server.url + judge_link(app, "X2"))
        _open_team(page, team)
        with app.app_context():
            judge = db.session.scalars(db.select(Judge).filter_by(key="X2")).one()
            judge_id = judge.id
            sessions.end_judge_sessions(judge_id, "expired")
            db.session.commit()
        values, comment = SHEETS[0]
        for key, value in values.items():
            page.locator(f'input[data-key="{key}"]').fill(value)
        page.locator("#comment").fill(comment)
        page.locator("#submit-btn").click()
        page.locator("#confirm-yes").click()
        banner = page.locator("#sync-banner")
        expect(banner).to_have_attribute("data-state", "error", timeout=15000)
        expect(page.locator("#sync-text")).to_contain_text("请重新扫描评委卡上的二维码")
        expect(page.locator("#queue-count")).to_have_attribute("data-n", "1")
        _shot(page, "judge-login-ended-tablet.png")
        with app.app_context():
            assert _sheet(team) is None
        # The stage page itself, reloaded: the same words, not "no access".
        other = context.new_page()
        other.goto(server.url + "/judge/")
        expect(other.locator("body")).to_contain_text("请重新扫描评委卡")
        _shot(other, "judge-login-ended-page.png")
        other.close()
        # The judge scans the card again: the kept sheet is sent.
        page.goto(server.url + judge_link(app, "X2"))
        expect(page.locator("#sync-banner")).to_have_attribute("data-state", "sent",
                                                               timeout=30000)
        with app.app_context():
            sheet = _sheet(team)
            assert sheet.status == "submitted" and sheet.comment == comment
    finally:
        context.close()
