"""The judge's tablet on the venue LAN (plain HTTP, no service worker) through a cut of
the Wi-Fi cable of two minutes: three teams scored moving through the list while the
link is down; when it is back, exactly one submitted sheet per team with exactly the
values and comments entered. Then a cut in the middle of a submit, and a reload after
the network is back (issue 13, DESIGN section 10).
"""
import sqlite3
import time

import pytest
from playwright.sync_api import expect

from .netns import Venue, unavailable_reason
from .tablet import score_sheet

pytestmark = pytest.mark.browser

CUT_SECONDS = 120
STAGE = "presentation"
SHEETS = {  # team: (scores, comment)
    "T02": ({"substance": "36", "delivery": "27", "teamwork": "18", "timing": "9.5"},
            "思路清晰，表达流畅。"),
    "T04": ({"substance": "30.5", "delivery": "24", "teamwork": "16", "timing": "8"},
            "分工明确\n但超时。"),
    "T05": ({"substance": "40", "delivery": "30", "teamwork": "20", "timing": "10"},
            "优秀"),
}


def _db(venue):
    return sqlite3.connect(venue.database)


def _judge_link(venue, key):
    with _db(venue) as conn:
        jid, token = conn.execute("SELECT id, token FROM judge WHERE key = ?",
                                  (key,)).fetchone()
    return f"/j/{jid}.{token}"


def _sheets(venue, judge):
    """{team: (status, {criterion: value text}, comment, [version statuses])}."""
    out = {}
    with _db(venue) as conn:
        rows = conn.execute(
            "SELECT t.key, s.id, s.status, s.comment FROM score_sheet s "
            "JOIN judge j ON j.id = s.judge_id JOIN team t ON t.id = s.team_id "
            "JOIN stage g ON g.id = s.stage_id WHERE j.key = ? AND g.key = ?",
            (judge, STAGE)).fetchall()
        for team, sid, status, comment in rows:
            scores = {k: str(v) for k, v in conn.execute(
                "SELECT c.key, sc.value FROM score sc JOIN criterion c ON c.id = sc.criterion_id "
                "WHERE sc.sheet_id = ?", (sid,))}
            versions = [v for (v,) in conn.execute(
                "SELECT status FROM sheet_version WHERE sheet_id = ? ORDER BY version", (sid,))]
            out[team] = (status, scores, comment, versions)
    return out


def _same(a, b):
    from decimal import Decimal

    return {k: Decimal(v) for k, v in a.items()} == {k: Decimal(v) for k, v in b.items()}

def test_three_teams_scored_through_a_two_minute_cut(tmp_path, request):
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    with Venue(tmp_path, request.getfixturevalue("playwright_session")) as venue:
        venue.scoring("demo")  # the demo contest: the presentation stage is open
        context = venue.tablet()
        page = context.new_page()
        page.goto(venue.server_url + _judge_link(venue, "X1"))
        page.wait_for_url(venue.server_url + "/judge/")
        expect(page.locator(".team-row")).to_have_count(15)
        before = _sheets(venue, "X1")

        venue.cut()
        started = time.monotonic()
        for team, (values, comment) in SHEETS.items():
            score_sheet(page, team, values, comment)
        page.locator("#back-btn").click()
        expect(page.locator("#sync-banner")).to_contain_text("3")  # three wait to be sent
        # Nothing reached the server while the cable was down.
        assert _sheets(venue, "X1") == before
        time.sleep(max(0.0, CUT_SECONDS - (time.monotonic() - started)))
        assert _sheets(venue, "X1") == before
        venue.restore()

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            after = _sheets(venue, "X1")
            if all(after.get(t, ("",))[0] == "submitted" for t in SHEETS):
                break
            time.sleep(1)
        page.wait_for_timeout(3000)  # any duplicate would have arrived by now
        after = _sheets(venue, "X1")
        for team, (values, comment) in SHEETS.items():
            status, scores, stored_comment, versions = after[team]
            assert status == "submitted" and _same(scores, values), (team, after[team])
            assert stored_comment == comment
            assert versions.count("submitted") == 1
        assert {t: v for t, v in after.items() if t not in SHEETS} == \
            {t: v for t, v in before.items() if t not in SHEETS}

        # A cut in the middle of a submit: the request leaves, the answer never comes back.
        values, comment = ({"substance": "33", "delivery": "25", "teamwork": "17",
                            "timing": "9"}, "中途断网")
        page.locator('.team-row[data-team="T06"] a').click()
        for key, value in values.items():
            page.locator(f'input[data-key="{key}"]').fill(value)
        page.locator("#comment").fill(comment)
        page.locator("#submit-btn").tap()
        with page.expect_request(lambda r: r.url.endswith(f"/{STAGE}/T06/submit")):
            page.locator("#confirm-yes").tap()
        venue.cut()
        time.sleep(5)
        venue.restore()
        # The page is reloaded after the network is back: what waited is still sent once.
        time.sleep(2)
        page.reload()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _sheets(venue, "X1").get("T06", ("",))[0] \
                != "submitted":
            time.sleep(1)
        page.wait_for_timeout(3000)
        status, scores, stored_comment, versions = _sheets(venue, "X1")["T06"]
        assert status == "submitted" and _same(scores, values) and stored_comment == comment
        assert versions.count("submitted") == 1
