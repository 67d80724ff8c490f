"""A reopening reaches the tablet as one message that carries the organizer's reason
(found on the contest day: the sheet on screen showed the top notice "reopened, you can
correct it" and, below it, the sheet's note with the reason, the same news twice).

The sheet on screen says it in its own note, spoken once through the sheet's live region;
a sheet not on screen is named in the notice at the top (role alert), reason included.
Screenshots in instance/screenshots (tablet-reopen-*.png), landscape, portrait and phone.
"""
import pytest
from playwright.sync_api import expect

from tests.venue.tablet import enter_sheet

from .test_reopen_reason import _reopen
from .test_tablet import SHEETS, _context, _free_teams, _open_team, _shot
from .util import judge_link

pytestmark = pytest.mark.browser

REASON = '第二项 <b>分数</b> 录错了 & "请核对"'
# Every element of the page that says a sheet was reopened, visible or not.
SAYS_REOPENED = """() => Array.from(document.querySelectorAll("body *"))
  .filter(e => e.children.length === 0 && e.offsetParent !== null
          && !e.closest(".sr-only") && e.textContent.includes("已重新开放"))
  .map(e => e.id || e.className)"""


def _submit(page, sheet):
    enter_sheet(page, sheet[0], sheet[1], press="tap")
    page.wait_for_selector('#sync-banner[data-state="sent"]', timeout=30000)


@pytest.mark.parametrize("width, height", [(1024, 768), (768, 1024), (390, 844)])
def test_a_reopening_is_one_message_with_the_reason(demo_server, browser, width, height):
    server = demo_server
    context = _context(browser, width, height)
    size = f"{width}x{height}"
    try:
        page = context.new_page()
        judge = {(1024, 768): "X1", (768, 1024): "X2", (390, 844): "X3"}[(width, height)]
        page.goto(server.url + judge_link(server.app, judge))
        here, other = _free_teams(server.app, judge, 2)
        _open_team(page, other)
        _submit(page, SHEETS[1])
        page.locator("#back-btn").tap()
        _open_team(page, here)
        _submit(page, SHEETS[0])
        # Reopened while on screen: the sheet's note says it, with the reason, once.
        _reopen(server.app, judge, here, REASON)
        note = page.locator("#reopen-note")
        expect(note).to_have_text("组织者已重新开放此评分表：" + REASON, timeout=10000)
        expect(page.locator('input[data-key="substance"]')).to_be_enabled()
        expect(page.locator("#notice")).to_be_hidden()
        assert page.evaluate(SAYS_REOPENED) == ["reopen-note"]
        assert page.locator("#reopen-note b").count() == 0  # the reason is text, not markup
        # Said once to a screen reader, in the sheet's polite live region.
        expect(page.locator("#sheet-live")).to_have_text(note.inner_text())
        expect(page.locator("#sheet-live")).to_have_attribute("aria-live", "polite")
        page.screenshot(path=str(_shot_path(f"tablet-reopen-on-screen-{size}.png")))
        # Reopened while another sheet is on screen: the notice names it, with the reason.
        page.locator("#back-btn").tap()
        _open_team(page, here)  # still the reopened one: the note, no notice
        page.locator("#back-btn").tap()
        expect(page.locator("#list-view")).to_be_visible()
        _reopen(server.app, judge, other, "第三项")
        notice = page.locator("#notice")
        expect(notice).to_be_visible(timeout=10000)
        expect(notice).to_have_attribute("role", "alert")
        expect(notice).to_contain_text("第三项")
        team_name = page.locator(f'.team-row[data-team="{other}"] .team-name').inner_text()
        expect(notice).to_contain_text(team_name)
        assert page.evaluate(SAYS_REOPENED) == ["notice"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(_shot_path(f"tablet-reopen-notice-{size}.png")))
        # Opening it: the note takes over, the notice goes; still one message.
        _open_team(page, other)
        expect(notice).to_be_hidden()
        expect(note).to_contain_text("第三项")
        assert page.evaluate(SAYS_REOPENED) == ["reopen-note"]
        _shot(page, f"tablet-reopen-opened-{size}.png")
        # Submitted again: no reopening message at all.
        page.locator('.crit[data-key="delivery"] .pick-btn[data-v="28.5"]').tap()
        page.locator("#submit-btn").tap()
        page.locator("#confirm-yes").tap()
        page.wait_for_selector('#sync-banner[data-state="sent"]', timeout=30000)
        assert page.evaluate(SAYS_REOPENED) == []
    finally:
        context.close()


def _shot_path(name):
    from .test_tablet import SHOTS

    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / name
