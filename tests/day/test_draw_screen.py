"""The draw projector follows the draw by itself (no reload on the projector computer):
a seed shown before the draw appears on it, then the order once the draw is made."""
import re

import pytest
from playwright.sync_api import expect

from scoring.extensions import db
from scoring.models import AuditEntry, Competition, Team

from .test_board_width import login

pytestmark = pytest.mark.browser

KEY = "draw-day"


def _competition(app):
    with app.app_context():
        comp = Competition(key=KEY, name="抽签演练")
        db.session.add(comp)
        for i in range(1, 7):
            db.session.add(Team(competition=comp, key=f"T{i}", name=f"第{i}队"))
        db.session.commit()


def test_the_draw_screen_shows_the_seed_then_the_order_without_a_reload(live_server,
                                                                        browser):
    from tests.conftest import make_user

    app = live_server.app
    make_user(app, "boss", "password-boss", "admin")
    _competition(app)
    hall = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    context, admin = login(browser, live_server.url, 1366, 768)
    try:
        screen = hall.new_page()
        screen.set_default_timeout(10000)
        screen.goto(f"{live_server.url}/draw/{KEY}")
        expect(screen.locator(".pd-empty")).to_be_visible()
        expect(screen.locator(".pd-seed")).to_have_count(0)
        loads = []
        screen.on("load", lambda page: loads.append(page.url))

        admin.goto(f"{live_server.url}/admin/c/{KEY}/draw")
        seed = admin.locator('input[name="seed"]').input_value()
        admin.once("dialog", lambda dialog: dialog.accept())
        admin.locator("#draw-announce").click()
        admin.wait_for_url(re.compile(r".*/draw$"))
        expect(screen.locator(".pd-seed-value")).to_have_text(seed, timeout=8000)
        expect(screen.locator(".pd-empty")).to_be_visible()

        # The draw page keeps the announced seed; drawing with it fills the screen.
        assert admin.locator('input[name="seed"]').input_value() == seed
        admin.once("dialog", lambda dialog: dialog.accept())
        admin.locator("#draw-random").click()
        admin.wait_for_url(re.compile(r".*/draw$"))
        expect(screen.locator("#draw-list .pd-item")).to_have_count(6, timeout=8000)
        expect(screen.locator(".pd-seed-value")).to_have_text(seed)
        screen.keyboard.press("a")
        expect(screen.locator("#draw-list .pd-item").first).to_be_visible()
        assert len(loads) == 2  # the screen reloaded itself twice, nobody pressed F5
        with app.app_context():
            assert db.session.scalars(db.select(AuditEntry).filter_by(
                action="draw.seed")).one().after_json.find(seed) >= 0
    finally:
        context.close()
        hall.close()
