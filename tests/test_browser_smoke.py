"""The browser harness itself: Debian's chromium loads the login page, in Chinese."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_login_page_renders_in_chromium(live_server, tablet):
    page = tablet.new_page()
    external = []
    page.on("request", lambda r: external.append(r.url)
            if not r.url.startswith(live_server.url) else None)
    page.goto(live_server.url + "/admin/login")
    expect(page.locator("h1")).to_have_text("组织者登录")
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Organizer login")
    assert external == []
