"""The board's auto-refresh in a real browser never throws away what the organizer is
doing: a tap held on a button survives a new sheet arriving (the button is not replaced
under the finger), a control with the keyboard focus keeps it, and the board catches up
right after. Bounded: every wait is at most a few seconds."""
import pytest

from scoring.extensions import db
from scoring.models import Stage, Team
from tests.judging.hall_util import KEY
from tests.judging.util import GOOD, body, judge_client, live_version, post_submit, recused_pairs

from .test_board_width import login

pytestmark = pytest.mark.browser


def _bump(app, team):
    """A judge submits a sheet (the board's live version moves on)."""
    judge = next(j for j in ("X1", "X2", "X3") if (j, team) not in recused_pairs(app))
    before = live_version(app)
    assert post_submit(judge_client(app, judge), team, body(GOOD)).status_code == 200
    assert live_version(app) > before
    return judge


def _presenting(app):
    with app.app_context():
        stage = db.session.scalars(db.select(Stage).filter_by(key="presentation")).one()
        team = db.session.get(Team, stage.current_team_id) if stage.current_team_id else None
        return team.key if team else None


def test_a_held_tap_and_a_focused_button_survive_a_refresh(demo_server, browser):
    from tests.conftest import make_user

    app = demo_server.app
    make_user(app, "boss", "password-boss", "admin")
    context, page = login(browser, demo_server.url, 1366, 768)
    try:
        page.goto(f"{demo_server.url}/admin/c/{KEY}/live?stage=presentation")
        row = page.locator('#live-board tr[data-team="T03"]')
        button = row.locator(".live-controls button").first
        handle = button.element_handle()
        box = button.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        judge = _bump(app, "T01")
        page.wait_for_timeout(1500)  # six polls: the new board is there, and waits
        assert handle.evaluate("b => b.isConnected"), "the button went from under the tap"
        with page.expect_navigation(timeout=10000):
            page.mouse.up()  # the tap completes: T03 presents
        assert _presenting(app) == "T03"
        cell = page.locator(f'#live-board tr[data-team="T01"] td[data-judge="{judge}"]')
        assert cell.get_attribute("data-status") == "submitted"

        # Keyboard focus on a board button: the refresh waits until it moves away.
        page.locator('#live-board tr[data-team="T04"] .live-controls button').first.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus by keyboard (:focus-visible)
        focused = page.evaluate_handle("document.activeElement")
        _bump(app, "T02")
        page.wait_for_timeout(1500)
        assert focused.evaluate("e => e.isConnected && e === document.activeElement")
        page.evaluate("document.activeElement.blur()")
        page.locator('#live-board tr[data-team="T02"] td[data-status="submitted"]').first \
            .wait_for(timeout=5000)
    finally:
        context.close()
