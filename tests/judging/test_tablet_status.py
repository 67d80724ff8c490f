"""What a judge sees on the tablet after a submit and after a reopening: the sheet's status
and total brought into view and announced, the organizer's reason on a reopened sheet, a
locked sheet that reads as locked (screenshots in instance/screenshots, Chinese)."""
import pytest
from playwright.sync_api import expect

from tests.venue.tablet import enter_sheet

from .test_reopen_reason import _free_team, _reopen
from .test_tablet import SHEETS, _context, _open_team, _shot
from .util import judge_link

pytestmark = pytest.mark.browser

REASON = "第二项 <b>分数</b> 录错了"
# Within the screen and not under the sticky connection banner.
IN_VIEW = """e => { const r = e.getBoundingClientRect();
  const top = document.getElementById("sync-banner").getBoundingClientRect().bottom;
  return r.height > 0 && r.top >= top && r.bottom <= window.innerHeight; }"""


def _status_in_view(page):
    for sel in ("#locked-note", ".total-box"):
        assert page.locator(sel).evaluate(IN_VIEW), sel
    expect(page.locator("#sheet-live")).to_contain_text(page.locator("#total").inner_text())


def test_after_a_submit_the_status_and_total_are_in_view(demo_server, browser):
    server = demo_server
    context = _context(browser, 1024, 768)
    try:
        page = context.new_page()
        page.goto(server.url + judge_link(server.app, "X1"))
        _open_team(page, _free_team(server.app, "X1"))
        enter_sheet(page, SHEETS[1][0], SHEETS[1][1], press="tap")
        page.wait_for_selector('#sync-banner[data-state="sent"]', timeout=30000)
        expect(page.locator("#total")).to_have_text("78.5")
        _status_in_view(page)
        page.screenshot(path=str(_shot_path("tablet-submitted-view-1024x768.png")))
        _shot(page, "tablet-submitted-full-1024x768.png")
    finally:
        context.close()


def _shot_path(name):
    from .test_tablet import SHOTS

    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / name


def test_a_reopened_sheet_shows_the_reason_until_submitted_again(demo_server, browser):
    server = demo_server
    context = _context(browser, 768, 1024)
    try:
        page = context.new_page()
        page.goto(server.url + judge_link(server.app, "X3"))
        team = _free_team(server.app, "X3")
        _open_team(page, team)
        enter_sheet(page, SHEETS[0][0], SHEETS[0][1], press="tap")
        page.wait_for_selector('#sync-banner[data-state="sent"]', timeout=30000)
        page.screenshot(path=str(_shot_path("tablet-submitted-view-768x1024.png")))
        _reopen(server.app, "X3", team, REASON)
        note = page.locator("#reopen-note")
        expect(note).to_contain_text(REASON, timeout=10000)  # shown as text, not markup
        expect(note).to_contain_text("组织者已重新开放此评分表")
        expect(page.locator('input[data-key="substance"]')).to_be_enabled()
        page.screenshot(path=str(_shot_path("tablet-reopened-768x1024.png")))
        page.reload()  # from the page's own data as well
        expect(note).to_contain_text(REASON)
        page.locator('.crit[data-key="delivery"] .pick-btn[data-v="28.5"]').tap()
        page.locator("#submit-btn").tap()
        page.locator("#confirm-yes").tap()
        page.wait_for_selector('#sync-banner[data-state="sent"]', timeout=30000)
        expect(note).to_be_hidden()
        _status_in_view(page)
    finally:
        context.close()
