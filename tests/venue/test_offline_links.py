"""The judge's tablet with the venue Wi-Fi cut (a real LAN, DESIGN section 10): a tap on
the language switch or the title keeps the scoring page (no browser error page), and a
logout says it needs the network; with the network back both work. Bounded: each wait
is a few seconds, the whole test well under a minute."""
import os
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SCORING_SHOTS", "/work/shots/day"))


def _judge_link(venue, key):
    with sqlite3.connect(venue.database) as conn:
        jid, token = conn.execute("SELECT id, token FROM judge WHERE key = ?",
                                  (key,)).fetchone()
    return f"/j/{jid}.{token}"


def _still_scoring(page, venue):
    assert page.url.startswith(venue.server_url + "/judge/"), page.url
    expect(page.locator(".team-row")).to_have_count(15)
    assert page.evaluate("() => !!document.getElementById('judge-config')")


def test_offline_taps_on_the_header_and_logout_keep_the_scoring_page(venue):
    venue.scoring("demo")
    context = venue.tablet()
    page = context.new_page()
    page.set_default_timeout(10000)
    page.goto(venue.server_url + _judge_link(venue, "X1"))
    page.wait_for_url(venue.server_url + "/judge/")
    expect(page.locator(".team-row")).to_have_count(15)
    notice = page.locator("#notice")

    venue.cut()
    page.locator(".lang-switch a").first.tap()
    expect(notice).to_contain_text("网络已断开：本页保持打开", timeout=8000)
    _still_scoring(page, venue)
    page.locator("a.brand").tap()
    page.wait_for_timeout(5000)  # past the probe's 4 s: no navigation came
    _still_scoring(page, venue)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".judge-logout button").tap()
    expect(notice).to_contain_text("现在无法退出登录", timeout=8000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "judge-offline-logout.png"))
    _still_scoring(page, venue)

    venue.restore()
    page.wait_for_timeout(1000)
    with page.expect_navigation(timeout=15000):
        page.locator(".lang-switch a").first.tap()
    expect(page.locator(".lang-switch strong")).to_have_text("English")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation(timeout=15000):
        page.locator(".judge-logout button").tap()
    assert "/judge/" not in page.url
