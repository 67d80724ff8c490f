"""The venue harness itself: the tablet reaches the server only over the cable, cut()
and restore() really drop and bring back the network, nothing is left behind."""
import subprocess

import pytest

from .netns import Venue, link_exists, namespace_names, unavailable_reason

pytestmark = pytest.mark.browser

# fetch() from the page, answering "ok <status>" or "failed <error name>"; the abort
# bounds a fetch that would otherwise wait for TCP retransmissions on a dead link.
FETCH = """async (url) => {
  try {
    const r = await fetch(url, {cache: "no-store", signal: AbortSignal.timeout(4000)});
    return "ok " + r.status;
  } catch (e) { return "failed " + e.name; }
}"""


def test_tablet_reaches_the_server_on_the_lan_and_loses_it_when_cut(request, tmp_path):
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    venue = Venue(tmp_path, request.getfixturevalue("playwright_session"))
    with venue:
        names = (venue.server_ns, venue.tablet_ns)
        assert set(names) <= namespace_names()
        # The server's start-up lines name the LAN address tablets can open.
        assert f"tablets on the LAN: {venue.server_url}/" in venue.server_output()

        # The organizer's laptop: the server at 127.0.0.1, inside the server namespace.
        laptop = venue.organizer().new_page()
        assert laptop.goto(venue.local_url + "/admin/login").status == 200

        # The tablet: only the LAN address answers; 127.0.0.1 is the tablet itself.
        page = venue.tablet().new_page()
        assert page.goto(venue.server_url + "/").status == 200
        assert page.evaluate("location.host") == f"{venue.server_ip}:5000"
        assert page.evaluate("window.isSecureContext") is False  # plain HTTP, as at a venue
        assert page.evaluate(FETCH, venue.local_url + "/").startswith("failed")
        assert page.evaluate(FETCH, venue.server_url + "/") == "ok 200"

        # The Wi-Fi drops: a fetch from the already loaded page fails.
        venue.cut()
        assert page.evaluate(FETCH, venue.server_url + "/").startswith("failed")
        # It comes back: the same page fetches again (the link takes a moment to come up).
        venue.restore()
        answers = []
        while len(answers) < 10 and "ok 200" not in answers:
            if answers:
                page.wait_for_timeout(500)
            answers.append(page.evaluate(FETCH, venue.server_url + "/"))
        assert answers[-1] == "ok 200", answers

        server_pid = venue.server.pid
    # Nothing left: namespaces, the cable's ends, the server process.
    assert not set(names) & namespace_names()
    assert not link_exists(venue.server_if) and not link_exists(venue.tablet_if)
    assert subprocess.run(["kill", "-0", str(server_pid)], capture_output=True).returncode != 0
