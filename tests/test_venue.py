"""The venue network (DESIGN section 10): LAN addresses from the interfaces, the public
address judges' links are built from, never a loopback address."""
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from scoring.web import venue

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("typed", "expected"), [
    ("192.168.1.10:5000", "http://192.168.1.10:5000"),
    ("http://192.168.1.10:5000/", "http://192.168.1.10:5000"),
    ("https://scoring.example.edu", "https://scoring.example.edu"),
    ("  http://10.0.0.5  ", "http://10.0.0.5"),
])
def test_clean_public_url_accepts_venue_addresses(typed, expected):
    assert venue.clean_public_url(typed) == expected


@pytest.mark.parametrize("typed", [
    "http://127.0.0.1:5000", "localhost:5000", "http://[::1]:5000", "http://0.0.0.0:5000",
    "http://127.0.1.1", "ftp://10.0.0.5", "http://10.0.0.5/admin", "http://10.0.0.5/?x=1",
    "http://user:pw@10.0.0.5", "http://10.0.0.5:99999", "http://10.0.0.5\x00", "http://",
])
def test_clean_public_url_refuses_what_tablets_cannot_open(typed):
    with pytest.raises(venue.VenueError):
        venue.clean_public_url(typed)


class _App:
    def __init__(self, tmp_path, **config):
        self.instance_path = str(tmp_path)
        self.config = config


def test_public_address_order(tmp_path, monkeypatch):
    monkeypatch.setattr(venue, "lan_addresses", lambda: ["10.1.2.3", "172.16.0.9"])
    app = _App(tmp_path, SCORING_PORT=8080)
    assert venue.public_base_url(app) == "http://10.1.2.3:8080"
    venue.save_public_url(app, "http://192.168.5.5:8080")
    assert venue.public_base_url(app) == "http://192.168.5.5:8080"
    app.config["SCORING_PUBLIC_URL"] = "http://scoring.venue.lan"
    assert venue.public_base_url(app) == "http://scoring.venue.lan"


def test_no_lan_address_is_refused_not_loopback(tmp_path, monkeypatch):
    monkeypatch.setattr(venue, "lan_addresses", lambda: [])
    with pytest.raises(venue.VenueError):
        venue.public_base_url(_App(tmp_path))


def test_a_stored_loopback_choice_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(venue, "lan_addresses", lambda: ["10.1.2.3"])
    (tmp_path / venue.VENUE_FILE).write_text('{"public_url": "http://127.0.0.1:5000"}')
    with pytest.raises(venue.VenueError):
        venue.public_base_url(_App(tmp_path))


needs_netns = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("ip") is None,
    reason="network namespaces need root and iproute2 (CI runs as root)")


@needs_netns
def test_lan_addresses_read_from_the_interfaces_in_a_namespace():
    """A host whose only network is a veth with a private address (as a venue laptop on
    Wi-Fi): that address is found, loopback never is."""
    tag = uuid.uuid4().hex[:6]
    ns, a, b = f"scv-{tag}", f"scva{tag}", f"scvb{tag}"
    run = lambda *cmd: subprocess.run(cmd, check=True, capture_output=True)  # noqa: E731
    try:
        run("ip", "netns", "add", ns)
        run("ip", "link", "add", a, "type", "veth", "peer", "name", b)
        run("ip", "link", "set", b, "netns", ns)
        run("ip", "-n", ns, "addr", "add", "10.77.0.2/24", "dev", b)
        run("ip", "-n", ns, "link", "set", b, "up")
        run("ip", "-n", ns, "link", "set", "lo", "up")
        run("ip", "link", "set", a, "up")  # the other end: the venue network is there
        code = "from scoring.web.venue import lan_addresses; print(lan_addresses())"
        out = subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c", code],
                             capture_output=True, text=True, cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "['10.77.0.2']"
        # The interface down: no address tablets can reach, so none is offered.
        run("ip", "-n", ns, "link", "set", b, "down")
        out = subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c", code],
                             capture_output=True, text=True, cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert out.stdout.strip() == "[]"
    finally:
        subprocess.run(["ip", "link", "del", a], capture_output=True)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def _words(response):
    import html
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(
        response.get_data(as_text=True))))


def test_venue_page_choose_type_refuse(app, client, login, monkeypatch):
    sqlite_app = app
    monkeypatch.setattr(venue, "lan_addresses", lambda: ["10.20.0.5", "192.168.8.2"])
    login("admin")
    client.get("/lang/en")
    page = _words(client.get("/admin/venue"))
    assert "Judges use: http://10.20.0.5:5000/" in page
    assert "http://192.168.8.2:5000" in page
    # Choose the second address.
    r = client.post("/admin/venue", data={"choice": "http://192.168.8.2:5000"})
    assert r.status_code == 302
    assert venue.public_base_url(sqlite_app) == "http://192.168.8.2:5000"
    # A loopback address typed in is refused, with the reason, and nothing changes.
    r = client.post("/admin/venue", data={"address": "http://127.0.0.1:5000"})
    assert r.status_code == 422 and "tablets cannot open it" in _words(r)
    assert venue.public_base_url(sqlite_app) == "http://192.168.8.2:5000"
    # Back to automatic.
    client.post("/admin/venue", data={"choice": ""})
    assert venue.public_base_url(sqlite_app) == "http://10.20.0.5:5000"


def test_venue_page_is_for_admins(app, client, login):
    login("staff")
    assert client.get("/admin/venue").status_code == 403
    assert client.post("/admin/venue", data={"address": "http://10.0.0.1"}).status_code == 403


def test_a_server_bound_to_one_address_warns_when_the_cards_carry_another():
    from scoring.web.venue import bound_elsewhere

    assert bound_elsewhere("0.0.0.0", "http://192.168.1.10:5000") is None
    assert bound_elsewhere("::", "http://192.168.1.10:5000") is None
    assert bound_elsewhere("192.168.1.10", "http://192.168.1.10:5000") is None
    warning = bound_elsewhere("127.0.0.1", "http://192.168.1.10:5000")
    assert "127.0.0.1 only" in warning and "--host 0.0.0.0" in warning
    assert "--host 192.168.1.10" in warning
