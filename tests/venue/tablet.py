"""What a judge does on the venue tablet, shared by the venue tests."""
from playwright.sync_api import expect


def score_sheet(page, team, values, comment):
    """Score team on the stage page with taps (typing where no quick pick fits), submit."""
    if page.locator("#sheet-view").is_visible():
        page.locator("#back-btn").click()
    page.locator(f'.team-row[data-team="{team}"] a').click()
    expect(page.locator("#sheet-view")).to_be_visible()
    for key, value in values.items():
        pick = page.locator(f'.crit[data-key="{key}"] .pick-btn[data-v="{value}"]')
        if pick.count():
            pick.tap()
        else:
            page.locator(f'input[data-key="{key}"]').fill(value)
    page.locator("#comment").fill(comment)
    page.locator("#submit-btn").tap()
    page.locator("#confirm-yes").tap()
    expect(page.locator("#locked-note")).to_be_visible()
