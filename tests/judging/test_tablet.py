"""The judge's stage page in a real browser: every team scored with the network cut from the
moment the page loaded, quick picks, touch targets, a reopening reaching the open page.

The contexts block service workers: on a plain-HTTP venue address a tablet has none, so
what works here works without one (DESIGN section 10).
"""
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from scoring.extensions import db
from tests.venue.tablet import enter_sheet

from .util import judge_link, recused_pairs, snapshot, versions

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parent.parent.parent / "instance" / "screenshots"
STAGE = "presentation"


def _context(browser, width=1024, height=768):
    return browser.new_context(viewport={"width": width, "height": height}, has_touch=True,
                               locale="zh-CN", service_workers="block")


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def _free_teams(app, judge, n):
    recused = recused_pairs(app)
    return [f"T{i:02d}" for i in range(1, 16) if (judge, f"T{i:02d}") not in recused][:n]


def _comments(app, judge, team):
    """(the sheet's comment, [comment of each kept version])."""
    from scoring.models import Judge, ScoreSheet, SheetVersion, Stage, Team

    with app.app_context():
        sheet = db.session.scalars(
            db.select(ScoreSheet).join(Judge, Judge.id == ScoreSheet.judge_id)
            .join(Team, Team.id == ScoreSheet.team_id).join(Stage, Stage.id == ScoreSheet.stage_id)
            .where(Judge.key == judge, Team.key == team, Stage.key == STAGE)).one()
        kept = [v.comment for v in db.session.scalars(
            db.select(SheetVersion).where(SheetVersion.sheet_id == sheet.id)
            .order_by(SheetVersion.version))]
        return sheet.comment, kept


def _open_team(page, team):
    page.locator(f'.team-row[data-team="{team}"] a').click()
    expect(page.locator("#sheet-view")).to_be_visible()


SHEETS = [
    ({"substance": "36", "delivery": "27", "teamwork": "18", "timing": "9.5"},
     "思路清晰，表达流畅。"),
    ({"substance": "30.5", "delivery": "24", "teamwork": "16", "timing": "8"},
     "分工明确\n但超时。"),
    ({"substance": "40", "delivery": "30", "teamwork": "20", "timing": "10"},
     "Excellent <b>work</b>"),
]


def _cut(context, page):
    """No network at all: the browser is offline and every request is aborted."""
    context.set_offline(True)
    page.route("**/*", lambda route: route.abort())


def _check_db(app, teams, before):
    """Exactly one submitted sheet per team, with exactly the values and comments entered."""
    after = snapshot(app)
    for team, (values, comment) in zip(teams, SHEETS, strict=False):
        status, _version, scores = after[("X1", team, STAGE)]
        assert (status, scores) == ("submitted", values)
        kept = versions(app, "X1", team)
        assert [v[1] for v in kept].count("submitted") == 1
        assert [v[0] for v in kept] == list(range(1, len(kept) + 1))
        own, kept_comments = _comments(app, "X1", team)
        assert own == comment.strip() and kept_comments[-1] == comment.strip()
    assert {k: v for k, v in after.items() if k[1] not in teams} == \
        {k: v for k, v in before.items() if k[1] not in teams}


def _score_three_offline(page, context, server, teams):
    seen = []
    page.on("request", lambda r: seen.append(r.url))
    _cut(context, page)
    for team, (values, comment) in zip(teams, SHEETS, strict=False):
        if page.locator("#sheet-view").is_visible():
            page.locator("#back-btn").click()
        _open_team(page, team)
        enter_sheet(page, values, comment, press="click")
        expect(page.locator(f'.team-row[data-team="{team}"]')).to_have_class(
            "team-row status-draft is-pending")
    expect(page.locator("#queue-count")).to_have_attribute("data-n", "3")
    expect(page.locator("#sync-banner")).to_have_attribute("data-online", "0")
    page.locator("#back-btn").click()
    expect(page.locator("#list-view")).to_be_visible()
    # Moving between teams and scoring three of them needed nothing from the server. (The
    # browser itself retries the tab's icon after each move, and the state poll keeps
    # trying, which is how the page learns the network is back; the page needs neither.)
    assert [u for u in seen if not u.endswith("/static/favicon.svg")
            and "/judge/api/state" not in u] == [], seen
    for team in teams:
        assert ("X1", team, STAGE) not in snapshot(server.app)


def test_three_teams_scored_with_the_network_cut_are_sent_exactly_once(demo_server, browser):
    server = demo_server
    context = _context(browser)
    try:
        page = context.new_page()
        page.goto(server.url + judge_link(server.app, "X1"))
        expect(page.locator(".team-row")).to_have_count(15)
        teams = _free_teams(server.app, "X1", 3)
        before = snapshot(server.app)
        _score_three_offline(page, context, server, teams)
        _shot(page, "tablet-offline-list-1024.png")
        page.unroute("**/*")
        context.set_offline(False)
        page.wait_for_selector('#sync-banner[data-state="sent"]', timeout=30000)
        expect(page.locator("#queue-count")).to_have_attribute("data-n", "0")
        _check_db(server.app, teams, before)
        for team in teams:
            expect(page.locator(f'.team-row[data-team="{team}"]')).to_have_attribute(
                "data-status", "submitted")
    finally:
        context.close()


def test_reloaded_after_the_network_is_back_sends_what_waited(demo_server, browser):
    server = demo_server
    context = _context(browser)
    try:
        page = context.new_page()
        page.goto(server.url + judge_link(server.app, "X1"))
        teams = _free_teams(server.app, "X1", 3)
        before = snapshot(server.app)
        _score_three_offline(page, context, server, teams)
        # The network is back for pages, still not for the API: the reload finds the queue.
        page.unroute("**/*")
        page.route("**/judge/api/**", lambda route: route.abort())
        context.set_offline(False)
        page.reload()
        expect(page.locator("#queue-count")).to_have_attribute("data-n", "3")
        _open_team(page, teams[1])
        expect(page.locator('input[data-key="substance"]')).to_have_value("30.5")
        expect(page.locator("#comment")).to_have_value(SHEETS[1][1])
        page.unroute("**/judge/api/**")
        page.wait_for_selector('#sync-banner[data-state="sent"]', timeout=30000)
        _check_db(server.app, teams, before)
    finally:
        context.close()


def test_network_cut_in_the_middle_of_a_submit_applies_it_once(demo_server, browser):
    server = demo_server
    context = _context(browser)
    try:
        page = context.new_page()
        page.goto(server.url + judge_link(server.app, "X1"))
        teams = _free_teams(server.app, "X1", 1)
        before = snapshot(server.app)
        lost = []

        def lose_answer(route):
            # The server gets the submission and applies it; its answer never arrives.
            if not lost:
                route.fetch()
                lost.append(route.request.url)
                route.abort()
            else:
                route.continue_()

        page.route("**/submit", lose_answer)
        _open_team(page, teams[0])
        values, comment = SHEETS[0]
        enter_sheet(page, values, comment, press="click")
        page.wait_for_selector('#sync-banner[data-state="sent"]', timeout=30000)
        assert lost
        _check_db(server.app, teams, before)
    finally:
        context.close()


def test_a_typical_sheet_entered_with_taps_only(demo_server, browser):
    server = demo_server
    context = _context(browser, 768, 1024)
    try:
        page = context.new_page()
        page.goto(server.url + judge_link(server.app, "X2"))
        team = _free_teams(server.app, "X2", 1)[0]
        _shot(page, "tablet-list-768.png")
        _open_team(page, team)
        taps = 0
        for key, value in {"substance": "34", "delivery": "25.5", "teamwork": "17",
                           "timing": "8.5"}.items():
            page.locator(f'.crit[data-key="{key}"] .pick-btn[data-v="{value}"]').tap()
            taps += 1
        # Fine tuning from a picked value: one step up.
        page.locator('.crit[data-key="substance"] [data-act="plus"]').tap()
        taps += 1
        expect(page.locator('input[data-key="substance"]')).to_have_value("34.5")
        expect(page.locator("#total")).to_have_text("85.5")
        _shot(page, "tablet-sheet-768.png")
        page.locator("#submit-btn").tap()
        page.locator("#confirm-yes").tap()
        taps += 2
        assert taps == 7
        page.wait_for_selector('#sync-banner[data-state="sent"]', timeout=30000)
        assert snapshot(server.app)[("X2", team, STAGE)][0::2] == (
            "submitted", {"substance": "34.5", "delivery": "25.5", "teamwork": "17",
                          "timing": "8.5"})
        # After a submit the sheet offers the next team not yet submitted.
        expect(page.locator("#next-btn")).to_be_visible()
        page.locator("#next-btn").tap()
        expect(page.locator("#locked-note")).to_be_hidden()
    finally:
        context.close()


TOUCH = "#sheet-view button:visible, #sheet-view a:visible, #sheet-view input:visible, " \
        "#sheet-view textarea:visible"
LIST_TOUCH = "#list-view a:visible, #list-view button:visible, .topbar a:visible"


@pytest.mark.parametrize("size", [(768, 1024), (1024, 768)])
def test_every_touch_target_is_at_least_44_px(demo_server, browser, size):
    server = demo_server
    context = _context(browser, *size)
    try:
        page = context.new_page()
        page.goto(server.url + judge_link(server.app, "X1"))
        # The presenting team gives the sheet its "presenting now" link as well.
        with server.app.app_context():
            from scoring.models import Stage, Team

            stage = db.session.scalars(db.select(Stage).filter_by(key=STAGE)).one()
            stage.current_team_id = db.session.scalars(
                db.select(Team.id).filter_by(key="T15")).one()
            db.session.commit()
        page.reload()
        _shot(page, f"tablet-list-{size[0]}x{size[1]}.png")
        small = []
        for selector in (LIST_TOUCH,):
            for box in page.locator(selector).all():
                b = box.bounding_box()
                if b["height"] < 44 or b["width"] < 44:
                    small.append((box.evaluate("e => e.outerHTML.slice(0, 80)"), b))
        team = _free_teams(server.app, "X1", 1)[0]
        _open_team(page, team)
        expect(page.locator(".pick-btn").first).to_be_visible()
        _shot(page, f"tablet-sheet-{size[0]}x{size[1]}.png")
        targets = page.locator(TOUCH).all()
        assert len(targets) > 40
        for box in targets:
            b = box.bounding_box()
            if b["height"] < 44 or b["width"] < 44:
                small.append((box.evaluate("e => e.outerHTML.slice(0, 80)"), b))
        assert small == [], json.dumps(small, ensure_ascii=False)
        # Nothing is wider than the screen (no sideways scrolling).
        assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
    finally:
        context.close()


def test_reopen_by_the_organizer_reaches_the_open_page(demo_server, browser):
    from scoring.models import Judge, ScoreSheet, Stage, Team
    from scoring.operations.sheets import reopen

    server = demo_server
    context = _context(browser)
    try:
        page = context.new_page()
        page.goto(server.url + judge_link(server.app, "X3"))
        team = _free_teams(server.app, "X3", 1)[0]
        _open_team(page, team)
        enter_sheet(page, SHEETS[0][0], SHEETS[0][1], press="click")
        page.wait_for_selector('#sync-banner[data-state="sent"]', timeout=30000)
        expect(page.locator('input[data-key="substance"]')).to_be_disabled()
        with server.app.app_context():
            sheet = db.session.scalars(
                db.select(ScoreSheet).join(Judge, Judge.id == ScoreSheet.judge_id)
                .join(Team, Team.id == ScoreSheet.team_id)
                .join(Stage, Stage.id == ScoreSheet.stage_id)
                .where(Judge.key == "X3", Team.key == team, Stage.key == STAGE)).one()
            reopen(sheet, "typo in delivery", actor="user:boss")
            db.session.commit()
        # The page polls the live version every 2 s: it follows within a few seconds. The
        # sheet on screen says so in its note (test_reopen_message.py: one message).
        expect(page.locator("#reopen-note")).to_contain_text("typo in delivery", timeout=10000)
        expect(page.locator("#notice")).to_be_hidden()
        expect(page.locator('input[data-key="substance"]')).to_be_enabled()
        expect(page.locator("#locked-note")).to_be_hidden()
        expect(page.locator("#comment")).to_have_value(SHEETS[0][1])
        page.locator('.crit[data-key="delivery"] .pick-btn[data-v="28.5"]').click()
        page.locator("#submit-btn").click()
        page.locator("#confirm-yes").click()
        page.wait_for_selector('#sync-banner[data-state="sent"]', timeout=30000)
        # Submitted again: "reopened, you may change it" no longer stands above the lock.
        expect(page.locator("#reopen-note")).to_be_hidden()
        expect(page.locator("#locked-note")).to_be_visible()
        status, _v, scores = snapshot(server.app)[("X3", team, STAGE)]
        assert status == "submitted" and scores["delivery"] == "28.5"
        # Maybe an autosaved draft (taps more than 300 ms apart, as on a loaded machine),
        # submitted, the reopen's draft, maybe an autosaved draft, submitted.
        statuses = [v[1] for v in versions(server.app, "X3", team)]
        assert statuses[-1] == "submitted" and statuses.count("submitted") == 2, statuses
        first = statuses.index("submitted")
        assert first <= 1 and statuses[first + 1] == "draft", statuses  # the reopen
        assert 1 <= statuses.count("draft") <= 3 and len(statuses) <= 5, statuses
    finally:
        context.close()
