"""HTTPS mode at the venue (issue 13, DESIGN section 10): `scoring venue-ca`, then
`scoring serve --https` in the server namespace; the tablet's chromium trusts the venue
CA (its public key, --ignore-certificate-errors-spki-list: no certificate database tool
is needed) and opens the judge page over HTTPS. The cable is cut, the page is RELOADED
while offline (the service worker's copy), a sheet is scored and submitted there, and it
reaches the server exactly once when the cable is back.
"""
import base64
import hashlib
import subprocess
import time

import pytest
from playwright.sync_api import expect

from .netns import _PROBE, ROOT, Venue, unavailable_reason
from .tablet import score_sheet
from .test_tablet_cut import _judge_link, _same, _sheets

pytestmark = pytest.mark.browser

HTTPS_PORT, HTTP_PORT = 5443, 5000
CUT_SECONDS = 4
VALUES = {"substance": "36", "delivery": "27", "teamwork": "18", "timing": "9.5"}
COMMENT = "离线重新加载后评分"
ONLINE_VALUES = {"substance": "30", "delivery": "24", "teamwork": "16", "timing": "8"}
# Resolves once the service worker keeps a copy of the judge page.
KEPT = """async () => {
  if (!navigator.serviceWorker) { return "no service worker"; }
  await navigator.serviceWorker.ready;
  const hit = await caches.match(location.origin + "/judge/");
  return hit ? "kept" : "not yet";
}"""

# The kept copy of the stage page (its text).
KEPT_TEXT = """async () => {
  const hit = await caches.match(location.origin + "/judge/");
  return hit ? await hit.text() : "";
}"""


def _spki(pem: bytes) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    key = x509.load_pem_x509_certificate(pem).public_key()
    der = key.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(der).digest()).decode("ascii")


class HttpsVenue(Venue):
    """The venue served by `scoring serve --https` (and its plain-HTTP listener)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.server_url = f"https://{self.server_ip}:{HTTPS_PORT}"
        self.plain_url = f"http://{self.server_ip}:{HTTP_PORT}"

    def start_server(self, timeout=60) -> None:
        """db upgrade, venue-ca, then serve --https; ready when the CA is fetched over
        plain HTTP from the tablet's namespace."""
        self.scoring("db", "upgrade")
        self.ca_output = self.scoring("venue-ca")
        ca = (self.instance / "venue-ca.crt").read_bytes()
        # The CA's key only: chromium accepts the server because the CA vouches for it.
        self.browser_args[self.tablet_ns] = [
            "--ignore-certificate-errors-spki-list=" + _spki(ca)]
        with open(self.server_log, "w") as log:
            self.server = subprocess.Popen(
                self.in_ns(self.server_ns, self.python, "-m", "scoring", "serve", "--https",
                           "--host", "0.0.0.0", "--port", str(HTTPS_PORT),
                           "--http-port", str(HTTP_PORT)),
                stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=self.env())
        deadline = time.monotonic() + timeout
        while True:
            if self.server.poll() is not None:
                raise RuntimeError("the server stopped at start:\n" + self.server_output())
            probe = subprocess.run(self.in_ns(self.tablet_ns, self.python, "-c", _PROBE,
                                              self.plain_url + "/venue-ca.crt"),
                                   capture_output=True, text=True)
            if probe.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"no answer from {self.plain_url}: {probe.stdout}\n"
                                   + self.server_output())
            time.sleep(0.2)


def test_judge_page_reloads_offline_over_https_and_sends_once(tmp_path, request):
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    with HttpsVenue(tmp_path, request.getfixturevalue("playwright_session")) as venue:
        assert "SHA-256" in venue.ca_output
        assert f"https://{venue.server_ip}:{HTTPS_PORT}/" in venue.server_output()
        venue.scoring("demo")
        page = venue.tablet().new_page()
        # The card's old plain-HTTP link is sent on to HTTPS.
        page.goto(venue.plain_url + _judge_link(venue, "X1"))
        page.wait_for_url(venue.server_url + "/judge/")
        assert page.evaluate("window.isSecureContext") is True
        expect(page.locator(".team-row")).to_have_count(15)
        deadline = time.monotonic() + 30
        while page.evaluate(KEPT) != "kept":
            assert time.monotonic() < deadline, "the service worker kept no copy"
            page.wait_for_timeout(250)
        # One sheet sent while online, after the page was kept: the copy a reload gets
        # offline must know it (the service worker refreshes it after each accepted write).
        score_sheet(page, "T01", ONLINE_VALUES, "")
        deadline = time.monotonic() + 30
        # The copy must show T01 submitted: a copy refreshed after an earlier draft save
        # of T01 differs from the first one too, so "changed" alone is not enough.
        while _sheets(venue, "X1").get("T01", ("",))[0] != "submitted" or \
                'data-team="T01" data-status="submitted"' not in page.evaluate(KEPT_TEXT):
            assert time.monotonic() < deadline, "no fresh copy kept after the online sheet"
            time.sleep(0.25)
        # A tablet that never kept T01 locally (a fresh context would not either).
        page.evaluate("localStorage.clear()")
        page.locator("#back-btn").click()
        before = _sheets(venue, "X1")

        venue.cut()
        page.reload()  # offline: the service worker's copy of the stage page
        expect(page.locator(".team-row")).to_have_count(15)
        assert page.evaluate("navigator.serviceWorker.controller !== null")
        expect(page.locator('.team-row[data-team="T01"]')).to_have_attribute(
            "data-status", "submitted")
        score_sheet(page, "T02", VALUES, COMMENT)
        page.locator("#back-btn").click()
        expect(page.locator("#sync-banner")).to_contain_text("1")
        time.sleep(CUT_SECONDS)
        assert _sheets(venue, "X1") == before  # nothing left the tablet
        venue.restore()

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and \
                _sheets(venue, "X1").get("T02", ("",))[0] != "submitted":
            time.sleep(0.5)
        page.wait_for_timeout(3000)  # a duplicate would have arrived by now
        status, scores, comment, versions = _sheets(venue, "X1")["T02"]
        assert status == "submitted" and _same(scores, VALUES) and comment == COMMENT
        assert versions.count("submitted") == 1
        expect(page.locator("#sync-banner")).not_to_contain_text("1")

        # Logout on a shared tablet: no copy of this judge's page is left for the next
        # person, even offline.
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator(".judge-logout button").first.click()
        page.wait_for_url(venue.server_url + "/")
        venue.cut()
        page.goto(venue.server_url + "/judge/", wait_until="commit")
        page.wait_for_timeout(500)
        assert page.locator(".team-row").count() == 0
        assert page.locator("body").inner_text().strip() == "offline"  # no copy kept
        venue.restore()
