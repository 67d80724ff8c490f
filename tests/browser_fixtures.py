"""Fixtures of the browser tests: the app served on loopback, Debian's chromium, a tablet.

Defined here and imported by tests/conftest.py, which keeps the app and database fixtures.
"""
import shutil

import pytest


@pytest.fixture
def live_server(make_app):
    """The app (SQLite) served by waitress on a free loopback port, in a thread.

    Yields an object with .url and .app; the server stops after the test.
    """
    import socket
    import threading
    from types import SimpleNamespace

    from waitress.server import create_server

    app = make_app("sqlite", SERVER_NAME=None)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = create_server(app, host="127.0.0.1", port=port, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{port}", app=app)
    server.close()
    thread.join(timeout=5)


def _chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Debian's chromium is needed for browser tests: "
                           "apt-get install chromium (./quickstart test does it)")
    return path


@pytest.fixture(scope="session")
def playwright_session():
    """The test run's one Playwright: the sync API refuses a second one running at once
    (the venue tests in tests/venue launch their own browsers from this one)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_session):
    """Debian's chromium driven by Playwright (its own browser download fails here)."""
    instance = playwright_session.chromium.launch(
        executable_path=_chromium_path(), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync"])
    yield instance
    instance.close()


@pytest.fixture
def tablet(browser):
    """A new browser context sized and touch-enabled like a landscape tablet (1024x768)."""
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True,
                                  is_mobile=False, locale="zh-CN")
    yield context
    context.close()


@pytest.fixture
def demo_server(live_server):
    """live_server with the demo contest loaded (15 teams, 9 judges, 3 stages)."""
    from scoring.extensions import db
    from scoring.operations.demo import load_demo

    with live_server.app.app_context():
        load_demo()
        db.session.commit()
    return live_server
