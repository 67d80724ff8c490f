"""`scoring venue-ca` and `scoring serve --https` as a subprocess: Python's ssl verifies
the server against the venue CA (and refuses it without), the app answers over TLS with
a Secure session cookie, and the plain-HTTP listener serves the CA certificate and sends
everything else to HTTPS, never to a host a stranger names."""
import http.client
import os
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scoring.web import venue, venue_ca

ROOT = Path(__file__).resolve().parent.parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCORING_")}
    env.update(PYTHONPATH=str(ROOT), SCORING_INSTANCE_PATH=str(tmp_path / "instance"),
               SCORING_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite'}",
               SCORING_SECRET_KEY="https-test")
    return env


def _scoring(tmp_path, *args):
    return subprocess.run([sys.executable, "-m", "scoring", *args], capture_output=True,
                          text=True, env=_env(tmp_path), cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(https port, http port, instance folder, venue-ca output, server log) of one
    server for this module."""
    tmp_path = tmp_path_factory.mktemp("https")
    assert _scoring(tmp_path, "db", "upgrade").returncode == 0
    made = _scoring(tmp_path, "venue-ca")
    assert made.returncode == 0, made.stderr
    https_port, http_port = _free_port(), _free_port()
    log = tmp_path / "server.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "scoring", "serve", "--https", "--host", "0.0.0.0",
             "--port", str(https_port), "--http-port", str(http_port)],
            stdout=out, stderr=subprocess.STDOUT, env=_env(tmp_path), cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, log.read_text()
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                socket.create_connection(("127.0.0.1", http_port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield https_port, http_port, tmp_path / "instance", made.stdout, log
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _https_get(host, port, path, cafile):
    context = ssl.create_default_context(cafile=str(cafile) if cafile else None)
    conn = http.client.HTTPSConnection(host, port, context=context, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def _http_get(port, path, host=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": host} if host else {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_python_ssl_verifies_the_server_against_the_venue_ca(served):
    https_port, _http, instance, made, log = served
    assert "SHA-256" in made and "venue-ca.key" in made
    cafile = venue_ca.paths(instance)["ca_cert"]
    hosts = ["127.0.0.1"] + venue.lan_addresses()[:1]  # and this machine's LAN address
    for host in hosts:
        status, headers, body = _https_get(host, https_port, "/admin/login", cafile)
        assert status == 200 and b"<form" in body
        assert "; Secure" in headers["Set-Cookie"]
        assert "Strict-Transport-Security" in headers
    # Without the venue CA the same server is refused: it is the CA that vouches.
    with pytest.raises(ssl.SSLCertVerificationError):
        _https_get("127.0.0.1", https_port, "/", None)
    assert f"https://127.0.0.1:{https_port}/" in log.read_text()


def test_the_ca_certificate_is_served_over_plain_http(served):
    _https, http_port, instance, _made, _log = served
    status, headers, body = _http_get(http_port, "/venue-ca.crt")
    assert status == 200
    assert headers["Content-Type"] == "application/x-x509-ca-cert"
    assert body == venue_ca.ca_der(instance)
    # Only the certificate: the keys are never served, whatever the path.
    for path in ("/venue-ca.key", "/venue-server.key", "/../venue-ca.key"):
        status, headers, body = _http_get(http_port, path)
        assert status == 302 and b"PRIVATE" not in body


def test_plain_http_sends_everything_else_to_https(served):
    https_port, http_port, _instance, _made, _log = served
    status, headers, _ = _http_get(http_port, "/j/12.abc?x=1", host=f"127.0.0.1:{http_port}")
    assert status == 302
    assert headers["Location"] == f"https://127.0.0.1:{https_port}/j/12.abc?x=1"
    # A Host header naming another site is not followed (no redirect to it).
    for host in ("evil.example", "evil.example:80", "[::1]x", "a b"):
        status, headers, _ = _http_get(http_port, "/judge/", host=host)
        assert status == 302 and "evil" not in headers["Location"]
        assert headers["Location"].startswith("https://")
        assert headers["Location"].endswith(f":{https_port}/judge/")
