"""The stage form's errors in a real browser: a criterion's bad maximum is said once under
its cell (not again by the live check), and a required field that is empty is named
("请填写名称。"), never the bare "该字段是必填字段。"."""
import re

import pytest
from playwright.sync_api import expect

from tests.judging.hall_util import KEY

from .test_board_width import login

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("maximum, step, words", [
    ("abc", "1", "不是数字"),
    ("10", "3", "不是步长"),
])
def test_a_criterion_error_is_shown_once_and_required_fields_are_named(demo_server, browser,
                                                                       maximum, step, words):
    from tests.conftest import make_user

    make_user(demo_server.app, "boss", "password-boss", "admin")
    context, page = login(browser, demo_server.url, 1366, 768)
    try:
        page.goto(f"{demo_server.url}/admin/c/{KEY}/stages/new")
        page.fill('input[name="key"]', "extra")
        page.fill('input[name="name"]', "附加环节")
        page.fill('input[name="weight"]', "0")
        page.fill('input[name="criteria-0-key"]', "c1")
        page.fill('input[name="criteria-0-name"]', "内容")
        page.fill('input[name="criteria-0-max"]', maximum)
        page.fill('input[name="criteria-0-step"]', step)
        page.locator("#stage-form button[type=submit]").last.click()
        page.wait_for_load_state()
        row = page.locator("tr.criterion-row").first
        cell = row.locator("td", has=page.locator('input[name="criteria-0-max"]'))
        said = [t.strip() for t in cell.locator(".error").all_inner_texts() if t.strip()]
        assert len(said) == 1 and words in said[0], said
        # Edited, the row is checked live: still one message, the current one.
        page.fill('input[name="criteria-0-max"]', "x")
        said = [t.strip() for t in cell.locator(".error").all_inner_texts() if t.strip()]
        assert said == ["不是数字"], said
        page.fill('input[name="criteria-0-max"]', "10")
        page.fill('input[name="criteria-0-step"]', "1")
        expect(cell.locator(".js-row-error")).to_have_text("")
        # Required fields left empty are named, never the bare "该字段是必填字段。".
        page.fill('input[name="key"]', "")
        page.fill('input[name="name"]', "")
        page.locator("#stage-form button[type=submit]").last.click()
        page.wait_for_load_state()
        body = page.content()
        assert "该字段是必填字段" not in body
        for label in ("标识", "名称"):
            assert re.search(f"class=\"error\"[^>]*>请填写{label}。<", body), label
    finally:
        context.close()
