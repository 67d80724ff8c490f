"""What a judge does on the venue tablet, shared by the venue tests."""
from playwright.sync_api import expect


def enter_sheet(page, values, comment, press="tap"):
    """On the open sheet: quick picks where the value is one, typing otherwise; the
    comment; submit and confirm (press: "tap" on a touch tablet, "click" with a mouse)."""
    for key, value in values.items():
        pick = page.locator(f'.crit[data-key="{key}"] .pick-btn[data-v="{value}"]')
        if pick.count():
            getattr(pick, press)()
        else:
            page.locator(f'input[data-key="{key}"]').fill(value)
    page.locator("#comment").fill(comment)
    getattr(page.locator("#submit-btn"), press)()
    getattr(page.locator("#confirm-yes"), press)()
    expect(page.locator("#locked-note")).to_be_visible()


def score_sheet(page, team, values, comment):
    """Score team on the stage page with taps (typing where no quick pick fits), submit."""
    if page.locator("#sheet-view").is_visible():
        page.locator("#back-btn").click()
    page.locator(f'.team-row[data-team="{team}"] a').click()
    expect(page.locator("#sheet-view")).to_be_visible()
    enter_sheet(page, values, comment)
    expect(page.locator("#sheet-view")).to_be_visible()
