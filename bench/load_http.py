"""bench.load's devices: a tiny HTTP client with its own cookies, and the two logins.

Stdlib only, loopback addresses only; bench.load, bench.burst and bench.scaleout drive
tablets and organizer laptops with it.
"""
import http.client
import json
import re
import socket
from urllib.parse import urlencode

_META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
_FORM_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


# ---- a tiny HTTP client (stdlib only, one keep-alive connection, its own cookies) ---------

class Broken(Exception):
    """The connection failed (reset, refused, timeout): the answer, if any, was lost."""


class Client:
    """One device: a persistent HTTP/1.1 connection to the server with a cookie jar."""

    def __init__(self, host: str, port: int, timeout: float = 60):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the load generator talks to loopback addresses only")
        self.host, self.port, self.timeout = host, port, timeout
        self.conn = None
        self.cookies: dict[str, str] = {}

    def close(self) -> None:
        """Drop the connection (the next request opens a new one)."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method: str, path: str, *, json_body=None, form=None, headers=None):
        """(status, headers, body bytes); raises Broken when the connection fails."""
        hdrs = dict(headers or {})
        data = None
        if json_body is not None:
            data = json.dumps(json_body).encode()
            hdrs["Content-Type"] = "application/json"
        elif form is not None:
            data = urlencode(form).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port,
                                                       timeout=self.timeout)
            self.conn.request(method, path, body=data, headers=hdrs)
            resp = self.conn.getresponse()
            body = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise Broken(f"{type(exc).__name__}: {exc}") from None
        for raw in resp.headers.get_all("Set-Cookie") or []:
            name, _, value = raw.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        if resp.getheader("Connection", "").lower() == "close":
            self.close()
        return resp.status, resp.headers, body

    def json(self, method: str, path: str, body=None, csrf: str | None = None):
        """A JSON request; returns (status, decoded body or None)."""
        headers = {"Accept": "application/json"}
        if csrf:
            headers["X-CSRFToken"] = csrf
        status, _h, raw = self.request(method, path, json_body=body, headers=headers)
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, None


def login_judge(client: Client, link_path: str) -> str:
    """Open the judge's private link, then the home page; returns the page's CSRF token."""
    status, headers, _b = client.request("GET", link_path)
    if status != 302:
        raise RuntimeError(f"judge login {link_path} answered {status}")
    status, _h, body = client.request("GET", "/judge/")
    found = _META_CSRF.search(body.decode("utf-8", "replace"))
    if status != 200 or not found:
        raise RuntimeError(f"judge home answered {status} without a CSRF token")
    return found.group(1)


def login_admin(client: Client, username: str, password: str) -> None:
    """Log an organizer in through the login form (with its CSRF token)."""
    status, _h, body = client.request("GET", "/admin/login")
    token = _FORM_CSRF.search(body.decode("utf-8", "replace"))
    if status != 200 or not token:
        raise RuntimeError(f"login page answered {status} without a CSRF token")
    status, _h, _b = client.request("POST", "/admin/login", form={
        "csrf_token": token.group(1), "username": username, "password": password})
    if status != 302:
        raise RuntimeError(f"organizer login answered {status}")


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
