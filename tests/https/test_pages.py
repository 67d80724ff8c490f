"""The venue CA on the web: /venue-ca.crt for tablets (public, the certificate only),
the QR code on the organizer's venue page and the printable card; `scoring venue-ca`."""
import base64
import re
from urllib.parse import unquote

import pytest

from scoring.web import venue, venue_ca


@pytest.fixture
def lan(monkeypatch):
    monkeypatch.setattr(venue, "lan_addresses", lambda: ["192.168.8.20"])


def test_without_a_ca_the_certificate_address_says_there_is_nothing_to_install(client):
    response = client.get("/venue-ca.crt")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "没有会场证书" in response.get_data(as_text=True)


def test_the_ca_certificate_is_served_for_tablets_and_nothing_else(app, client, lan):
    venue_ca.create_ca(app.instance_path, ["192.168.8.20"])
    response = client.get("/venue-ca.crt")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/x-x509-ca-cert"
    assert 'filename="venue-ca.crt"' in response.headers["Content-Disposition"]
    assert response.data == venue_ca.ca_der(app.instance_path)
    assert b"PRIVATE" not in response.data
    assert response.headers["Cache-Control"] == "no-store"
    for path in ("/venue-ca.key", "/venue-server.key", "/venue-ca.crt/../venue-ca.key",
                 "/venue-ca.pem"):
        assert client.get(path).status_code == 404


def _qr_text(html):
    """The QR image on the page (an SVG data: URI) exists; return its src."""
    match = re.search(r'class="venue-ca-qr" src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert match, "no QR code on the page"
    return base64.b64decode(unquote(match.group(1)))


def test_venue_page_shows_the_qr_code_and_fingerprint(app, client, login, lan):
    login("admin")
    page = client.get("/admin/venue").get_data(as_text=True)
    assert "scoring venue-ca" in page and "venue-ca-qr" not in page
    venue_ca.create_ca(app.instance_path, ["192.168.8.20"])
    page = client.get("/admin/venue").get_data(as_text=True)
    assert _qr_text(page).startswith(b"<?xml") or b"<svg" in _qr_text(page)
    assert "http://192.168.8.20:5000/venue-ca.crt" in page
    with app.app_context():
        fp = venue_ca.fingerprint(venue_ca.ca_certificate(app.instance_path))
    assert fp in page
    card = client.get("/admin/venue/ca-card")
    assert card.status_code == 200
    text = card.get_data(as_text=True)
    assert fp in text and "http://192.168.8.20:5000/venue-ca.crt" in text
    assert "证书信任设置" in text  # the iPad's trust step


def test_the_qr_code_points_at_the_plain_http_listener_in_https_mode(app, client, login, lan):
    login("admin")
    venue_ca.create_ca(app.instance_path, ["192.168.8.20"])
    app.config.update(SCORING_HTTPS=True, SCORING_PORT=5443,
                      SCORING_CA_URL="http://192.168.8.20:5000/venue-ca.crt")
    page = client.get("/admin/venue").get_data(as_text=True)
    assert "http://192.168.8.20:5000/venue-ca.crt" in page
    assert "https://192.168.8.20:5443/" in page  # the judges' address


def test_card_without_a_ca_goes_back_to_the_venue_page(client, login):
    login("admin")
    response = client.get("/admin/venue/ca-card")
    assert response.status_code == 302 and response.location.endswith("/admin/venue")


def test_staff_and_judges_do_not_get_the_card(app, client, login):
    venue_ca.create_ca(app.instance_path, ["192.168.8.20"])
    login("staff")
    assert client.get("/admin/venue/ca-card").status_code == 403


def test_cli_venue_ca_keeps_the_ca_unless_new(app, runner, lan):
    result = runner.invoke(args=["venue-ca", "--name", "scoring.lan"])
    assert result.exit_code == 0, result.output
    assert "192.168.8.20" in result.output and "scoring.lan" in result.output
    first = venue_ca.fingerprint(venue_ca.ca_certificate(app.instance_path))
    assert first in result.output
    result = runner.invoke(args=["venue-ca", "--name", "10.0.0.7"])
    assert result.exit_code == 0, result.output
    assert venue_ca.fingerprint(venue_ca.ca_certificate(app.instance_path)) == first
    assert venue_ca.server_covers(app.instance_path, ["10.0.0.7", "192.168.8.20"])
    result = runner.invoke(args=["venue-ca", "--new"])
    assert result.exit_code == 0
    assert venue_ca.fingerprint(venue_ca.ca_certificate(app.instance_path)) != first


@pytest.mark.parametrize("name", ["a b", "x/y", "evil.com\nx"])
def test_cli_refuses_a_bad_name(app, runner, lan, name):
    result = runner.invoke(args=["venue-ca", "--name", name])
    assert result.exit_code != 0 and "not an address" in result.output
    assert not venue_ca.exists(app.instance_path)


def test_cli_refuses_a_name_the_ca_may_not_vouch_for(app, runner, lan):
    assert runner.invoke(args=["venue-ca"]).exit_code == 0
    result = runner.invoke(args=["venue-ca", "--name", "scoring.example.edu"])
    assert result.exit_code != 0 and "--new" in result.output


def test_serve_https_without_a_ca_says_what_to_do(app, runner):
    result = runner.invoke(args=["serve", "--https", "--port", "1"])
    assert result.exit_code != 0 and "scoring venue-ca" in result.output
