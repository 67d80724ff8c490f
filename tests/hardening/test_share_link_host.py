"""The share link of the results page never takes its host from a Host header that does
not name this computer: an empty one made "http:/results/...", a hostile one put an
attacker's host on the projector and in the QR code (public/results.py share_link)."""
import pytest

from scoring.public import results

LAN = "10.1.2.3"


@pytest.fixture
def venue(monkeypatch):
    from scoring.web import venue as venue_module

    monkeypatch.setattr(venue_module, "lan_addresses", lambda: [LAN])


def _link(app, host):
    with app.test_request_context("/results/demo", headers={"Host": host}):
        return results.share_link("demo")


HOSTILE = ["evil.example", "", "evil.example:5000", "[::1", "10.1.2.3:notaport",
           "a" * 300, "evil.example/x", "10.1.2.3@evil.example", "%00"]


@pytest.mark.parametrize("host", HOSTILE)
def test_a_hostile_host_gives_the_venue_address(sqlite_app, venue, host):
    link = _link(sqlite_app, host)
    assert link == f"http://{LAN}:5000/results/demo", link


def test_the_page_own_lan_address_is_kept(sqlite_app, venue):
    assert _link(sqlite_app, f"{LAN}:8080") == f"http://{LAN}:8080/results/demo"


def test_the_configured_public_address_wins(sqlite_app, venue):
    sqlite_app.config["SCORING_PUBLIC_URL"] = "https://scores.example.edu.cn"
    assert _link(sqlite_app, "evil.example") == "https://scores.example.edu.cn/results/demo"


@pytest.mark.parametrize("host", HOSTILE)
def test_without_a_network_a_hostile_host_gives_the_path_alone(sqlite_app, monkeypatch,
                                                                host):
    from scoring.web import venue as venue_module

    monkeypatch.setattr(venue_module, "lan_addresses", lambda: [])
    link = _link(sqlite_app, host)
    assert link == "/results/demo", link


def test_the_results_page_with_a_hostile_host(app, demo, client, venue):
    page = client.get(f"/results/{demo}", headers={"Host": "evil.example"})
    assert page.status_code in (200, 404)
    assert "evil.example" not in page.get_data(as_text=True)
