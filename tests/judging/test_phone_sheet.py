"""A judge scoring on a phone (their private link opened on WeChat): every control of a
criterion stays inside its card, and the page never scrolls sideways.

Found on the contest day at 390x844: the 清除 button stood past the card's right edge,
because the score field kept its intrinsic width inside the flex row.
"""
import pytest

from .test_tablet import _context, _free_teams, _open_team, _shot
from .util import judge_link

pytestmark = pytest.mark.browser

# [criterion key, overflow in px] of every control that reaches past its card's padding box.
OUTSIDE = """() => Array.from(document.querySelectorAll(".crit")).flatMap(card => {
  const box = card.getBoundingClientRect();
  const inner = box.right - parseFloat(getComputedStyle(card).paddingRight) + 0.5;
  return Array.from(card.querySelectorAll("button, input")).filter(e => e.offsetParent !== null)
    .map(e => [card.dataset.key || card.id, e.getBoundingClientRect().right - inner])
    .filter(([, over]) => over > 0);
})"""


@pytest.mark.parametrize("width, height", [(390, 844), (360, 740), (320, 640)])
def test_every_control_stays_inside_its_card_on_a_phone(demo_server, browser, width, height):
    context = _context(browser, width, height)
    try:
        page = context.new_page()
        page.goto(demo_server.url + judge_link(demo_server.app, "X3"))
        _open_team(page, _free_teams(demo_server.app, "X3", 1)[0])
        assert page.locator(".crit .clear-btn").count() >= 4
        assert page.evaluate(OUTSIDE) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        _shot(page, f"phone-sheet-{width}x{height}.png")
    finally:
        context.close()
