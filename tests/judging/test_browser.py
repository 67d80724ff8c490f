"""The judge's tablet in a real browser: score, submit, lose the network, reload, recover."""
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from scoring.extensions import db

from .util import judge_link, snapshot, versions

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parent.parent.parent / "instance" / "screenshots"


def _sent(page):
    page.wait_for_selector('#sync-banner[data-state="sent"]', timeout=30000)


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def _fill(page, key, value):
    box = page.locator(f'input[data-key="{key}"]')
    box.fill(value)


def test_score_submit_then_offline_reload_and_recover(demo_server, tablet):
    server = demo_server
    page = tablet.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(server.url) else None)
    page.goto(server.url + judge_link(server.app, "X1"))
    assert page.url.endswith("/judge/")
    expect(page.locator(".team-row")).to_have_count(15)
    _shot(page, "judge-home-1024.png")

    # 1. Score a team with the +/- controls and by typing, submit, confirm.
    page.goto(server.url + "/judge/s/presentation/T01")
    # Nothing scored yet: the total is a dash, not a total of 0.
    expect(page.locator("#total")).to_have_text("—")
    crit = page.locator('.crit[data-key="timing"]')
    for _ in range(3):
        crit.locator('[data-act="plus"]').click()
    crit.locator('[data-act="minus"]').click()
    # An empty box's stepper starts at a typical score (80% of the maximum 10), not at 0.
    assert crit.locator("input").input_value() == "8.5"
    _fill(page, "substance", "35.5")
    _fill(page, "delivery", "27")
    _fill(page, "teamwork", "18")
    # Validation while typing, with the reason next to the field.
    _fill(page, "timing", "10.25")
    page.wait_for_selector('#err-timing:not(:empty)')
    assert "10.25" in page.locator("#err-timing").inner_text()
    _fill(page, "timing", "9.5")
    expect(page.locator("#err-timing")).to_have_text("")
    expect(page.locator("#total")).to_have_text("90")
    _sent(page)
    _shot(page, "judge-sheet-1024.png")
    page.locator("#submit-btn").click()
    assert page.locator("#confirm").is_visible()
    expect(page.locator("#confirm-total")).to_have_text("90")
    _shot(page, "judge-confirm-1024.png")
    page.locator("#confirm-yes").click()
    page.wait_for_selector("#locked-note:not([hidden])")
    _sent(page)
    _shot(page, "judge-locked-1024.png")
    assert snapshot(server.app)[("X1", "T01", "presentation")] == (
        "submitted", versions(server.app, "X1", "T01")[-1][0],
        {"substance": "35.5", "delivery": "27", "teamwork": "18", "timing": "9.5"})

    # 2. The network drops mid-entry; the judge keeps going, reloads, submits.
    page.goto(server.url + "/judge/s/presentation/T02")
    page.wait_for_function(
        "navigator.serviceWorker && navigator.serviceWorker.controller !== null"
        " || caches.match(location.href).then(r => !!r)", timeout=15000)
    page.wait_for_function("caches.match(location.pathname).then(r => !!r)", timeout=15000)
    _fill(page, "substance", "30")
    _sent(page)
    tablet.set_offline(True)
    _fill(page, "delivery", "25")
    _fill(page, "teamwork", "15.5")
    page.wait_for_selector('#sync-banner[data-state="waiting"]', timeout=15000)
    page.wait_for_timeout(400)  # past the 300 ms debounce: the change is queued
    page.reload()
    assert page.locator('input[data-key="substance"]').input_value() == "30"
    assert page.locator('input[data-key="delivery"]').input_value() == "25"
    assert page.locator('input[data-key="teamwork"]').input_value() == "15.5"
    _fill(page, "timing", "8")
    page.locator("#submit-btn").click()
    page.locator("#confirm-yes").click()
    page.wait_for_selector("#locked-note:not([hidden])")
    assert page.locator("#sync-banner").get_attribute("data-state") in ("waiting", "saving")
    _shot(page, "judge-offline-1024.png")
    assert snapshot(server.app).get(("X1", "T02", "presentation"), ("draft",))[0] == "draft"

    tablet.set_offline(False)
    _sent(page)
    sheets = {k: v for k, v in snapshot(server.app).items() if k == ("X1", "T02", "presentation")}
    assert sheets == {("X1", "T02", "presentation"): (
        "submitted", sheets[("X1", "T02", "presentation")][1],
        {"substance": "30", "delivery": "25", "teamwork": "15.5", "timing": "8"})}
    kept = versions(server.app, "X1", "T02")
    assert [v[0] for v in kept] == list(range(1, len(kept) + 1))
    assert [v[1] for v in kept].count("submitted") == 1
    assert outside == []


def test_portrait_tablet_and_page_weight(demo_server, browser):
    server = demo_server
    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True,
                                  locale="zh-CN")
    try:
        page = context.new_page()
        sizes, outside = {}, []

        def seen(response):
            url = response.url
            if not url.startswith(server.url):
                outside.append(url)
                return
            try:
                sizes[url] = len(response.body())
            except Exception:  # redirects have no body
                sizes[url] = 0

        page.goto(server.url + judge_link(server.app, "N2"))
        _shot(page, "judge-home-768.png")
        page.on("response", seen)
        page.goto(server.url + "/judge/s/presentation/T03")
        page.wait_for_load_state("networkidle")
        _fill(page, "substance", "41")
        page.wait_for_selector("#err-substance:not(:empty)")
        _shot(page, "judge-sheet-768.png")
        loaded = {u: n for u, n in sizes.items() if "/judge/api/" not in u
                  and not u.endswith("/judge/sw.js")}
        assert sum(loaded.values()) < 100 * 1024, json.dumps(loaded)
        assert any(u.endswith("judge.js") for u in loaded)
        assert outside == []
        # Touch targets are at least 48 px.
        for sel in ('[data-act="plus"]', '[data-act="minus"]', '[data-act="clear"]',
                    "input.score-input", "#submit-btn"):
            box = page.locator(sel).first.bounding_box()
            assert box["height"] >= 48 and box["width"] >= 48, sel
        assert page.locator("input.score-input").first.get_attribute("inputmode") == "decimal"
    finally:
        context.close()


def test_board_updates_itself_and_projector_reveals(demo_server, browser):

    from tests.conftest import make_user

    from .util import GOOD, body, recused_pairs

    server = demo_server
    make_user(server.app, "boss", "password-boss", "admin")
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(server.url + "/admin/login")
        page.fill('input[name="username"]', "boss")
        page.fill('input[name="password"]', "password-boss")
        page.locator('button[type="submit"]').last.click()
        page.goto(server.url + "/admin/c/demo-2024/live")
        order = sorted((t.draw_position, t.key) for t in _teams(server.app))
        team = order[0][1]
        cell = page.locator(f'tr[data-team="{team}"] td[data-judge="X1"]')
        assert cell.get_attribute("data-status") == "not_started"
        # A judge submits (through the API, as the tablet does); the board follows by itself.
        recused = recused_pairs(server.app)
        judges = [j for j in ("X1", "X2", "X3", "N1", "N2", "N3", "N4", "N5", "N6")
                  if (j, team) not in recused]
        clients = {}
        for i, j in enumerate(judges):
            c = server.app.test_client()
            c.get(judge_link(server.app, j))
            clients[j] = c
            c.post(f"/judge/api/sheet/presentation/{team}/submit",
                   json=body(dict(GOOD, substance=str(20 + 2 * i))))
            if j == "X1":
                page.wait_for_selector(f'tr[data-team="{team}"] td[data-judge="X1"]'
                                       '[data-status="submitted"]', timeout=10_000)
        page.locator(f'tr[data-team="{team}"] form[action$="/live/presenting"] button').click()
        page.wait_for_selector(f'tr[data-team="{team}"].is-current')
        _shot(page, "board-1440.png")
        page.locator(f'tr[data-team="{team}"] form[action$="/live/reveal"] button').click()
        projector = context.new_page()
        projector.set_viewport_size({"width": 1920, "height": 1080})
        projector.goto(server.url + "/projector/demo-2024")
        # Calibration reveal (3 in the demo rules): the first team alone is held back.
        expect(projector.locator(".pj-card")).to_have_count(0)
        expect(projector.locator(".pj-now")).to_have_count(1)
        for _draw, other in order[1:3]:
            for i, j in enumerate(jj for jj in ("X1", "X2", "X3", "N1", "N2", "N3", "N4",
                                                "N5", "N6") if (jj, other) not in recused):
                c = clients.get(j) or server.app.test_client()
                if j not in clients:
                    c.get(judge_link(server.app, j))
                    clients[j] = c
                c.post(f"/judge/api/sheet/presentation/{other}/submit",
                       json=body(dict(GOOD, delivery=str(10 + 2 * i))))
        page.goto(server.url + "/admin/c/demo-2024/live")
        page.locator(f'tr[data-team="{order[2][1]}"] form[action$="/live/reveal"] button').click()
        projector.wait_for_selector(".pj-card", timeout=5000)
        expect(projector.locator(".pj-card")).to_have_count(3)
        expect(projector.locator(".pj-sheets li.dropped")).to_have_count(6)
        _shot(projector, "projector-1920.png")
    finally:
        context.close()


def _teams(app):
    from scoring.models import Team

    with app.app_context():
        return [type("T", (), {"key": t.key, "draw_position": t.draw_position})
                for t in db.session.scalars(db.select(Team))]
