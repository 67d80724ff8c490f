"""`scoring serve` on a port another program holds: one clear line, a non-zero exit
code, no traceback, and no "Serving on" first (which read as if the server ran)."""
import socket

import pytest

from tests.https.test_serve_https import _scoring


@pytest.fixture
def taken():
    """A port held by another program for the test's duration."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def _one_line_refusal(done, port):
    assert done.returncode != 0
    assert "Traceback" not in done.stderr + done.stdout
    assert "Serving" not in done.stdout
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert f"port {port} is already in use" in lines[0] and "--port" in lines[0]


def test_serve_on_a_port_in_use(tmp_path, taken):
    assert _scoring(tmp_path, "db", "upgrade").returncode == 0
    _one_line_refusal(_scoring(tmp_path, "serve", "--host", "127.0.0.1", "--port",
                               str(taken)), taken)


def test_serve_https_on_a_port_in_use(tmp_path, taken):
    assert _scoring(tmp_path, "db", "upgrade").returncode == 0
    assert _scoring(tmp_path, "venue-ca").returncode == 0
    _one_line_refusal(_scoring(tmp_path, "serve", "--https", "--host", "127.0.0.1",
                               "--port", str(taken), "--http-port", "0"), taken)
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    # The plain-HTTP listener's port in use: the same line, naming that port.
    _one_line_refusal(_scoring(tmp_path, "serve", "--https", "--host", "127.0.0.1",
                               "--port", str(port), "--http-port", str(taken)), taken)
