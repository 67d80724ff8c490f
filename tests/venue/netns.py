"""A venue LAN in Linux network namespaces: the real server, a tablet, a cable to cut.

DESIGN section 10: 127.0.0.1 is a secure origin that never drops, so a test there proves
little about the venue. This harness builds the venue instead:

- two network namespaces, the server laptop's and the tablets', joined by a veth pair
  with private addresses (10.213.X.1/24 server, 10.213.X.2/24 tablet, X drawn per run;
  the namespaces have nothing else but ``lo``, so nothing here can reach any other
  address, and parallel runs cannot meet);
- the real server, ``python -m scoring serve --host 0.0.0.0 --port 5000`` on a fresh
  SQLite database, started under ``ip netns exec`` in the server namespace;
- chromium started INSIDE a namespace, driven by Playwright from this pytest process.

How chromium gets into a namespace (the design chosen): Playwright launches the browser
it is given (``executable_path``) and talks to it over ``--remote-debugging-pipe``, two
inherited file descriptors, never a TCP port. The executable handed to Playwright is a
two-line shell script, ``exec ip netns exec <ns> /usr/bin/chromium "$@"``: ``ip netns
exec`` switches namespace and execs chromium in place (no extra process), the pipe
descriptors pass through, and chromium with every child process (network service,
renderers) lives in the namespace. The test code stays ordinary synchronous Playwright
(pages, locators, downloads) in the test process. The alternatives were worse: a CDP
port (``--remote-debugging-port``) opened inside the namespace cannot be reached from
the root namespace, and running each browser's test logic as a script inside the
namespace would split one story across processes that report JSON back.

One chromium runs per namespace; each ``organizer()`` / ``tablet()`` call is a fresh
browser context (its own cookies and storage: one more laptop or tablet). Playwright
gives every launch an empty ``--user-data-dir`` of its own.

``cut()`` / ``restore()`` put the tablet's end of the cable down and up
(``ip link set ... down|up`` in the tablet namespace): the Wi-Fi drops, not the
browser's offline switch.

Cleanup always runs (``close()``, called by the fixture's teardown also after a failure):
browsers closed, the server stopped, any process still inside the two namespaces
(only ever started here) ended by its id, then the namespaces deleted, which takes the
veth pair with them.

Needs root and iproute2; CI runs as root.
"""
import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PORT = 5000
ORGANIZER_VIEWPORT = {"width": 1366, "height": 768}
TABLET_VIEWPORT = {"width": 1024, "height": 768}
# Python one-liner run inside a namespace: exit 0 once url answers, else 1.
_PROBE = ("import sys, urllib.request\n"
          "try:\n"
          "    urllib.request.urlopen(sys.argv[1], timeout=2).read()\n"
          "except Exception as e:\n"
          "    print(e); sys.exit(1)\n")


def unavailable_reason() -> str | None:
    """Why namespaces cannot be built here (None when they can)."""
    if os.geteuid() != 0:
        return "venue tests build network namespaces and need root (CI runs as root)"
    if shutil.which("ip") is None:
        return "venue tests need iproute2's `ip` command (apt-get install iproute2)"
    return None


def chromium_path() -> str:
    """Debian's chromium (Playwright's own download does not work here)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Debian's chromium is needed for browser tests: "
                           "apt-get install chromium")
    return path


def _ip(*args, check=True) -> subprocess.CompletedProcess:
    out = subprocess.run(["ip", *args], capture_output=True, text=True)
    if check and out.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)} failed: {out.stderr.strip()}")
    return out


def namespace_names() -> set[str]:
    """Names of the network namespaces that exist now."""
    out = _ip("netns", "list", check=False).stdout
    return {line.split()[0] for line in out.splitlines() if line.strip()}


def link_exists(name: str) -> bool:
    """True when a network interface of this name exists in the root namespace."""
    return _ip("link", "show", "dev", name, check=False).returncode == 0


class Venue:
    """The venue LAN: server and tablet namespaces, the server in one, browsers in both.

    Use as a context manager (or call build(), start_server() and close() yourself).
    """

    def __init__(self, tmp_path, playwright, *, python=sys.executable):
        self.tmp = Path(tmp_path) / "venue"
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.playwright = playwright
        self.python = python
        tag = uuid.uuid4().hex[:8]
        self.subnet = int(tag[:2], 16)  # X of 10.213.X.0/24, one per run
        self.server_ns, self.tablet_ns = f"scv-srv-{tag}", f"scv-tab-{tag}"
        # Interface names: at most 15 characters.
        self.server_if, self.tablet_if = f"svs{tag}", f"svt{tag}"
        self.server_ip = f"10.213.{self.subnet}.1"
        self.tablet_ip = f"10.213.{self.subnet}.2"
        self.server_url = f"http://{self.server_ip}:{PORT}"   # what tablets open
        self.local_url = f"http://127.0.0.1:{PORT}"           # the organizer's laptop
        self.database = self.tmp / "venue.sqlite"
        self.instance = self.tmp / "instance"
        self.instance.mkdir(exist_ok=True)
        self.server_log = self.tmp / "server.log"
        self.server = None
        self._browsers = {}
        self.browser_args = {}  # namespace -> more chromium arguments (before its launch)
        self._contexts = []
        self._built = False

    # -- the network -----------------------------------------------------------------
    def build(self) -> "Venue":
        """Create both namespaces and the cable between them, every link up."""
        self._built = True
        _ip("netns", "add", self.server_ns)
        _ip("netns", "add", self.tablet_ns)
        _ip("link", "add", self.server_if, "netns", self.server_ns, "type", "veth",
            "peer", "name", self.tablet_if, "netns", self.tablet_ns)
        for ns, dev, addr in ((self.server_ns, self.server_if, self.server_ip),
                              (self.tablet_ns, self.tablet_if, self.tablet_ip)):
            _ip("-n", ns, "addr", "add", f"{addr}/24", "dev", dev)
            _ip("-n", ns, "link", "set", "lo", "up")
            _ip("-n", ns, "link", "set", dev, "up")
        return self

    def cut(self) -> None:
        """The venue Wi-Fi drops: the tablet's end of the cable goes down."""
        _ip("-n", self.tablet_ns, "link", "set", self.tablet_if, "down")

    def restore(self) -> None:
        """The Wi-Fi is back."""
        _ip("-n", self.tablet_ns, "link", "set", self.tablet_if, "up")

    def in_ns(self, ns: str, *cmd) -> list[str]:
        """A command line that runs cmd inside namespace ns."""
        return ["ip", "netns", "exec", ns, *cmd]

    # -- the server ------------------------------------------------------------------
    def env(self) -> dict:
        """The server's environment: this worktree's code, a private database and folder."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("SCORING_")}
        env.update(PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1",
                   SCORING_DATABASE_URL=f"sqlite:///{self.database}",
                   SCORING_INSTANCE_PATH=str(self.instance),
                   SCORING_SECRET_KEY="venue-" + uuid.uuid4().hex)
        return env

    def scoring(self, *args) -> str:
        """Run `python -m scoring ARGS` in the server namespace; its output (fails loudly)."""
        out = subprocess.run(self.in_ns(self.server_ns, self.python, "-m", "scoring", *args),
                             capture_output=True, text=True, cwd=ROOT, env=self.env(),
                             timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"scoring {' '.join(args)} failed:\n{out.stdout}{out.stderr}")
        return out.stdout

    def start_server(self, timeout=60) -> None:
        """Build the schema, start `scoring serve` on 0.0.0.0:5000 in the server namespace,
        and wait until the tablet namespace gets an answer from the LAN address."""
        self.scoring("db", "upgrade")
        with open(self.server_log, "w") as log:  # the server keeps its own copy
            self.server = subprocess.Popen(
                self.in_ns(self.server_ns, self.python, "-m", "scoring", "serve",
                           "--host", "0.0.0.0", "--port", str(PORT)),
                stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=self.env())
        deadline = time.monotonic() + timeout
        while True:
            if self.server.poll() is not None:
                raise RuntimeError("the server stopped at start:\n" + self.server_output())
            probe = subprocess.run(
                self.in_ns(self.tablet_ns, self.python, "-c", _PROBE, self.server_url + "/"),
                capture_output=True, text=True)
            if probe.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"no answer from {self.server_url} after {timeout} s: "
                                   f"{probe.stdout.strip()}\n{self.server_output()}")
            time.sleep(0.2)

    def server_output(self) -> str:
        """What the server printed so far (addresses at start, then errors)."""
        try:
            return self.server_log.read_text(errors="replace")
        except OSError:
            return ""

    # -- browsers --------------------------------------------------------------------
    def _browser(self, ns: str):
        if ns not in self._browsers:
            wrapper = self.tmp / f"chromium-in-{ns}.sh"
            wrapper.write_text("#!/bin/sh\n# chromium inside the namespace; Playwright's pipe "
                               "passes through\nexec " + shlex.join(
                                   ["ip", "netns", "exec", ns, chromium_path()]) + ' "$@"\n')
            wrapper.chmod(0o755)
            self._browsers[ns] = self.playwright.chromium.launch(
                executable_path=str(wrapper), headless=True,
                args=CHROMIUM_ARGS + self.browser_args.get(ns, []))
        return self._browsers[ns]

    def _context(self, ns, **options):
        context = self._browser(ns).new_context(**options)
        self._contexts.append(context)
        return context

    def organizer(self, **options):
        """A browser context on the server laptop (server namespace, 1366x768, zh-CN);
        it opens the server at local_url, http://127.0.0.1:5000, as the organizer does."""
        settings = {"viewport": ORGANIZER_VIEWPORT, "locale": "zh-CN", "accept_downloads": True}
        settings.update(options)
        return self._context(self.server_ns, **settings)

    def tablet(self, **options):
        """A fresh tablet (tablet namespace, 1024x768 landscape, touch, zh-CN); it reaches
        the server only at server_url over the cable."""
        settings = {"viewport": TABLET_VIEWPORT, "has_touch": True, "is_mobile": False,
                    "locale": "zh-CN"}
        settings.update(options)
        return self._context(self.tablet_ns, **settings)

    # -- cleanup ---------------------------------------------------------------------
    def _ns_pids(self, ns) -> list[int]:
        out = _ip("netns", "pids", ns, check=False).stdout
        return [int(p) for p in out.split() if p.isdigit()]

    def close(self) -> None:
        """Close browsers, stop the server, end what is left in the namespaces (by id),
        delete the namespaces (the veth pair goes with them). Safe to call twice."""
        for context in self._contexts:
            with contextlib.suppress(Exception):
                context.close()
        self._contexts = []
        for browser in self._browsers.values():
            with contextlib.suppress(Exception):
                browser.close()
        self._browsers = {}
        if self.server is not None:
            if self.server.poll() is None:
                self.server.terminate()
                try:
                    self.server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.server.kill()
                    self.server.wait(timeout=10)
            self.server = None
        if not self._built:
            return
        existing = namespace_names()
        for ns in (self.server_ns, self.tablet_ns):
            if ns not in existing:
                continue
            # Every process in these private namespaces was started by this harness.
            for sig in (signal.SIGTERM, signal.SIGKILL):
                pids = self._ns_pids(ns)
                for pid in pids:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, sig)
                deadline = time.monotonic() + 5
                while pids and self._ns_pids(ns) and time.monotonic() < deadline:
                    time.sleep(0.1)
            _ip("netns", "del", ns, check=False)
        self._built = False

    def __enter__(self) -> "Venue":
        try:
            self.build()
            self.start_server()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()
