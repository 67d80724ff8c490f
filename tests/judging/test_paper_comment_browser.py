"""Paper entry with the judge's comment in a real browser: two staff members type the
paper sheet on their laptops, the text area posts its line breaks as "\\r\\n", a comment
that differs only in a line break is shown side by side, and once corrected the sheet holds
the comment as the tablet stores it (screenshots in instance/screenshots, paper-*.png)."""
import pytest
from playwright.sync_api import expect

from tests.conftest import make_user

from .test_paper_comment import _require, _sheet_comment
from .test_tablet import _shot
from .util import GOOD

pytestmark = pytest.mark.browser

URL = "/admin/c/demo-2024/paper/presentation/X2/T04"
LINES = ["思路清晰，数据翔实。", "建议压缩开场部分。"]


def _staff(browser, server, name):
    make_user(server.app, name, "password-" + name, "staff")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(server.url + "/admin/login")
    page.fill('input[name="username"]', name)
    page.fill('input[name="password"]', "password-" + name)
    page.locator('button[type="submit"]').last.click()
    page.wait_for_load_state()
    return context, page


def _type(page, server, lines):
    page.goto(server.url + URL)
    for key, value in GOOD.items():
        page.fill(f'input[name="c_{key}"]', value)
    box = page.locator('textarea[name="comment"]')
    box.fill("")
    box.click()
    for i, line in enumerate(lines):
        if i:
            page.keyboard.press("Enter")  # a real line break, posted as "\r\n"
        page.keyboard.insert_text(line)
    page.locator('button[type="submit"]').last.click()
    page.wait_for_load_state()


def test_two_typists_and_a_line_break(demo_server, browser):
    server = demo_server
    _require(server.app)
    (c1, s1), (c2, s2) = _staff(browser, server, "s1"), _staff(browser, server, "s2")
    try:
        s1.goto(server.url + URL)
        expect(s1.locator('label[for="comment"]')).to_contain_text("本环节必填")
        _shot(s1, "paper-comment-form-1280x800.png")
        _type(s1, server, LINES)
        _type(s2, server, ["".join(LINES)])  # the second typist ran the two lines together
        assert _sheet_comment(server.app, "X2", "T04") is None
        for page in (s1, s2):
            page.goto(server.url + URL)
            versions = page.locator(".paper-comments dd")
            expect(versions).to_have_count(2)
            expect(page.get_by_text("仅在空格或换行上不同")).to_be_visible()
            assert versions.first.evaluate("e => getComputedStyle(e).whiteSpace") == "pre-wrap"
            assert versions.first.inner_text() == "\n".join(LINES)
        _shot(s2, "paper-comment-mismatch-1280x800.png")
        _type(s2, server, LINES)  # corrected against the paper
        expect(s2.locator(".flash-success")).to_be_visible()
        assert _sheet_comment(server.app, "X2", "T04") == ("submitted", "paper",
                                                            "\n".join(LINES))
    finally:
        c1.close()
        c2.close()
