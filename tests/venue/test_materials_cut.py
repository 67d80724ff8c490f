"""The judge reads page 30 of a team's 30-page PDF with the venue network cut (issue 15,
DESIGN sections 10 and 11): the organizer uploads the PDF on the server laptop through
the materials page; the tablet (plain HTTP on the venue LAN, no service worker) loads the
judge page, which fetches every page image at once; then the cable is cut and the judge
opens the team's sheet and pages through to page 30, which shows the very image stored
on the server; nothing is fetched for it while the cable is down. The cut lasts only as
long as the reading (the long cut is test_tablet_cut.py's).
"""
import base64
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.materials import samples

pytestmark = pytest.mark.browser

USER, PASSWORD = "organizer", "venue-materials-password"
TEAM, STAGE = "T02", "presentation"
SHOTS = Path("/work/shots/materials")


def _judge_link(venue, key):
    with sqlite3.connect(venue.database) as conn:
        jid, token = conn.execute("SELECT id, token FROM judge WHERE key = ?", (key,)).fetchone()
    return f"/j/{jid}.{token}"


def _stored_pages(venue):
    with sqlite3.connect(venue.database) as conn:
        (pages,) = conn.execute(
            "SELECT m.pages_json FROM material m JOIN team t ON t.id = m.team_id "
            "JOIN stage s ON s.id = m.stage_id WHERE t.key = ? AND s.key = ?",
            (TEAM, STAGE)).fetchone()
    return json.loads(pages)


def _shot(page, name):
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"))
    except OSError:
        pass  # screenshots are for people; the test does not depend on them


def test_the_judge_reads_page_30_with_the_network_cut(venue, tmp_path):
    venue.scoring("demo")  # the presentation stage is open
    venue.scoring("create-admin", "--username", USER, "--password", PASSWORD)

    # The organizer uploads the team's plan on the server laptop.
    pdf = tmp_path / "方案设计-T02.pdf"
    pdf.write_bytes(samples.pdf(30))
    laptop = venue.organizer().new_page()
    laptop.goto(venue.local_url + "/admin/login")
    laptop.fill("#username", USER)
    laptop.fill("#password", PASSWORD)
    laptop.click("button[type=submit]")
    laptop.wait_for_url(venue.local_url + "/admin/")
    laptop.goto(venue.local_url + "/admin/c/demo-2024/materials")
    laptop.select_option("#up-team", label=f"{TEAM} " + laptop.locator(
        f'#up-team option:has-text("{TEAM}")').inner_text().split(" ", 1)[1])
    laptop.select_option("#up-stage", label="现场展示")
    laptop.set_input_files("#up-files", str(pdf))
    laptop.click("#upload button[type=submit]")
    expect(laptop.locator(".flash-success")).to_contain_text("30")
    cell = laptop.locator(f'.material-cell[data-team="{TEAM}"][data-stage="{STAGE}"]')
    expect(cell).to_contain_text("方案设计-T02.pdf")
    _shot(laptop, "venue-organizer-materials")
    pages = _stored_pages(venue)
    assert len(pages) == 30

    # The tablet loads the judge page on the LAN: every page is fetched at once.
    tablet = venue.tablet().new_page()
    tablet.goto(venue.server_url + _judge_link(venue, "X1"))
    tablet.wait_for_url(venue.server_url + "/judge/")
    status = tablet.locator("#mat-status")
    expect(status).to_have_attribute("data-total", "30")
    expect(status).to_have_attribute("data-done", "30", timeout=60_000)

    venue.cut()
    requests = []
    tablet.on("request", lambda r: requests.append(r.url))
    tablet.locator(f'.team-row[data-team="{TEAM}"] a').click()
    expect(tablet.locator("#material-box")).to_be_visible()
    for _ in range(29):
        tablet.locator("#mat-next").click()
    image = tablet.locator("#mat-img")
    expect(image).to_have_attribute("data-page", "30")
    expect(tablet.locator("#mat-pos")).to_have_text("第 30 / 30 页")
    expect(tablet.locator("#mat-next")).to_be_disabled()
    assert tablet.evaluate("document.getElementById('mat-img').naturalWidth") > 500
    src = image.get_attribute("src")
    assert src.startswith("data:image/webp;base64,")
    shown = base64.b64decode(src.split(",", 1)[1])
    assert hashlib.sha256(shown).hexdigest() == pages[29]  # page 30 as stored
    _shot(tablet, "venue-judge-page30-offline")
    # Nothing was fetched for it (the browser's own favicon probe aside).
    assert not [u for u in requests if "/judge/" in u], requests
    venue.restore()
