"""Judge page benchmark: bytes a tablet downloads for its home and a score sheet, and hosts.

`scoring serve` runs on a fresh SQLite database loaded with `scoring demo`; Debian's
chromium (driven by Playwright, launched as in tests/conftest.py) opens the judge's
private link (which lands on the home page), then a score sheet, each in a fresh
browser context (a cold cache, the worst case). Every response is counted by host and
type (HTML, CSS, JS, other); the size is the body as sent (waitress sends no
compression) plus the response headers. The service worker's own fetches (it caches the
pages for offline use) are counted apart. The HTML is also parsed for every src/href, to
catch a reference to another host the browser did not fetch.

Target (issue 7): under 60 KB per page, and no request to another host.
"""
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

from .common import SCORING, chromium, free_port, scoring_env, server

STAGE, TEAM, JUDGE = "presentation", "T01", "X1"


class _Refs(HTMLParser):
    """Every src and href in a page."""

    def __init__(self):
        super().__init__()
        self.refs = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.refs.append(value)


def _kind(content_type, url):
    ct = (content_type or "").split(";")[0]
    if ct == "text/html":
        return "html"
    if ct == "text/css" or url.endswith(".css"):
        return "css"
    if "javascript" in ct or url.endswith(".js"):
        return "js"
    return "other"


def _load(browser, base, path, link):
    """Open link (the login) in a fresh context, then path; count what path loaded."""
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True,
                                  locale="zh-CN", service_workers="block")
    page = context.new_page()
    page.goto(base + link, wait_until="networkidle")
    # A second fresh context with the same cookies: the page is loaded cold.
    cookies = context.cookies()
    context.close()
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True,
                                  locale="zh-CN", service_workers="block")
    context.add_cookies(cookies)
    page = context.new_page()
    seen = []

    def on_response(response):
        try:
            body = len(response.body())
        except Exception:  # noqa: BLE001 - a redirect has no body
            body = 0
        headers = sum(len(k) + len(v) + 4 for k, v in response.headers.items())
        seen.append({"url": response.url, "host": urlparse(response.url).netloc,
                     "kind": _kind(response.headers.get("content-type"), response.url),
                     "body": body, "headers": headers, "status": response.status})

    page.on("response", on_response)
    page.goto(base + path, wait_until="networkidle")
    html = page.content()
    parser = _Refs()
    parser.feed(html)
    context.close()
    refs = sorted({urlparse(urljoin(base + path, r)).netloc for r in parser.refs
                   if not r.startswith(("#", "javascript:", "data:", "mailto:"))})
    return seen, refs


def _demo_link(env):
    """The private link of demo judge X1 (read with the app's own code)."""
    out = subprocess.run(
        [str(Path(SCORING).parent / "python"), "-c",
         "from scoring import create_app\n"
         "from scoring.models import Judge\n"
         "from scoring.operations.tokens import judge_link_path\n"
         "app = create_app()\n"
         "with app.app_context():\n"
         f"    j = Judge.query.filter_by(key={JUDGE!r}).first()\n"
         "    print(judge_link_path(j))\n"],
        env=env, check=True, capture_output=True, text=True)
    return "/j/" + out.stdout.strip().splitlines()[-1]


def run() -> dict:
    """Serve the demo, load the judge's home and a sheet; bytes and hosts per page."""
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench-page-"))
    env = scoring_env(tmp, f"sqlite:///{tmp / 'bench.sqlite'}")
    subprocess.run([SCORING, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([SCORING, "demo"], env=env, check=True, capture_output=True)
    link = _demo_link(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    pages = {}
    with server([SCORING, "serve", "--host", "127.0.0.1", "--port", str(port)], env,
                base + "/", tmp / "serve.log"), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync"])
        try:
            for name, path in (("home", "/judge/"), ("sheet", f"/judge/s/{STAGE}/{TEAM}")):
                seen, refs = _load(browser, base, path, link)
                host = urlparse(base).netloc
                by_kind = {}
                for r in seen:
                    by_kind[r["kind"]] = by_kind.get(r["kind"], 0) + r["body"]
                pages[name] = {
                    "path": path, "requests": len(seen),
                    "bytes": sum(r["body"] + r["headers"] for r in seen),
                    "body_bytes": sum(r["body"] for r in seen), "by_kind": by_kind,
                    "other_host_requests": sum(1 for r in seen if r["host"] != host),
                    "other_hosts_in_html": [h for h in refs if h and h != host],
                    "files": [(urlparse(r["url"]).path, r["body"]) for r in seen]}
        finally:
            browser.close()
    return {"pages": pages}


def report(f):
    """Print the figures."""
    for name, p in f["pages"].items():
        kinds = ", ".join(f"{k} {v / 1024:.1f} KB" for k, v in sorted(p["by_kind"].items()))
        print(f"page {name} ({p['path']}): {p['bytes'] / 1024:.1f} KB with headers, "
              f"{p['requests']} requests ({kinds})   (target < 60 KB)")
        print(f"  requests to other hosts: {p['other_host_requests']}; other hosts named in "
              f"the HTML: {p['other_hosts_in_html'] or 'none'}   (target: none)")
        for path, size in p["files"]:
            print(f"    {size:7d} B  {path}")


def main(argv=None):
    """Run and print."""
    import argparse

    argparse.ArgumentParser(description=__doc__).parse_args(argv)
    f = run()
    report(f)
    return f


if __name__ == "__main__":
    main()


