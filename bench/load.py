"""Load test: many judge tablets scoring at once against a real `scoring serve`.

    python -m bench.load --seconds 120 --tablets 200              # SQLite, temporary instance
    python -m bench.load --seconds 120 --tablets 200 \\
        --database-url postgresql://postgres@127.0.0.1:5432/postgres

With --database-url, a fresh database named loadtest_<random> is created on that server,
used, and dropped afterwards (--keep keeps it); the URL's own database is never touched.

What it does: builds a contest of --judges judges x --teams teams with one open stage
(Core inserts, no recusals), starts `scoring serve` on a free loopback port, then runs
--tablets threads, each logged in as one judge through the private link, that save
drafts, submit sheets and poll /judge/api/state; a few organizer threads poll the live
board and the projector. Requests are repeated at random with the same idempotency
key (a tablet that lost the answer). Afterwards it checks, in the database:

- lost: every acknowledged submission (2xx, ok) is there, submitted, with its values;
- duplicated: one sheet per judge x team x stage, versions 1..n without gaps, the last
  kept version equal to the sheet, a replayed answer equal to the first one;
- server errors: no 5xx answer (connection resets and timeouts are counted apart).

Only loopback addresses are used, the thread count and duration are bounded.
"""
import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SCORING = str(Path(sys.executable).with_name("scoring"))
MAX_TABLETS = 1000
MAX_SECONDS = 3600
KEY = "load"
STAGE = "live"
CRITERIA = [("c1", "40"), ("c2", "30"), ("c3", "20"), ("c4", "10")]
ADMIN = ("loadadmin", "load-admin-password")

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


# ---- a server in a subprocess -------------------------------------------------------------

def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scoring_env(instance: Path, database_url: str | None = None) -> dict:
    """The environment for `scoring` commands on this instance (and database)."""
    env = dict(os.environ)
    env["SCORING_INSTANCE_PATH"] = str(instance)
    env.pop("SCORING_DATABASE_URL", None)
    if database_url:
        env["SCORING_DATABASE_URL"] = database_url
    env.setdefault("LANG", "C.UTF-8")
    return env


def run_scoring(args: list[str], env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run a `scoring` command; raise with its output when it fails."""
    done = subprocess.run([SCORING, *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"scoring {' '.join(args)} failed ({done.returncode}):\n"
                           f"{done.stdout}\n{done.stderr}")
    return done


class Server:
    """`scoring serve` in a subprocess on a loopback port; start(), kill(), stop()."""

    def __init__(self, env: dict, port: int | None = None, threads: int = 16, workers: int = 0):
        self.env, self.port, self.threads = env, port or free_port(), threads
        self.workers = workers  # 0: `scoring serve` (waitress); n: gunicorn with n workers
        self.proc = None
        self.log = Path(env["SCORING_INSTANCE_PATH"]) / f"serve-{self.port}.log"

    @property
    def url(self) -> str:
        """The base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: float = 30) -> "Server":
        """Start the server and wait until it answers."""
        out = open(self.log, "ab")  # noqa: SIM115 (kept open for the child's lifetime)
        self.proc = subprocess.Popen(
            self.command(),
            env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
        out.close()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"scoring serve exited: {self.log.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"scoring serve did not start: {self.log.read_text()[-2000:]}")

    def command(self) -> list[str]:
        """`scoring serve`, or gunicorn as README's deployment section runs it."""
        if not self.workers:
            return [SCORING, "serve", "--host", "127.0.0.1", "--port", str(self.port),
                    "--threads", str(self.threads)]
        # bench.worker_tag: scoring.wsgi:app plus an X-Worker header (which worker answered).
        return [str(Path(sys.executable).with_name("gunicorn")), "--workers", str(self.workers),
                "--threads", str(self.threads), "--bind", f"127.0.0.1:{self.port}",
                "--keep-alive", "75", "--timeout", "60", "--graceful-timeout", "10",
                "--preload", "bench.worker_tag:app"]

    def kill(self) -> None:
        """SIGKILL: the process dies mid-request, like a power cut of the laptop."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        """A normal stop (SIGTERM), SIGKILL if it hangs."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


# ---- the contest ---------------------------------------------------------------------------

def app_for(instance: Path, database_url: str | None):
    """The Flask app on this instance (for building and checking the contest)."""
    from scoring import create_app

    config = {"INSTANCE_PATH": str(instance)}
    if database_url:
        config["SQLALCHEMY_DATABASE_URI"] = database_url
    return create_app(config)


def build_contest(app, judges: int, teams: int) -> dict:
    """A competition with judges x teams and one open stage; returns {judge key: link path}."""
    from sqlalchemy import insert

    from scoring.extensions import db
    from scoring.models import Competition, Criterion, Judge, Stage, Team
    from scoring.operations.tokens import new_token
    from scoring.operations.users import upsert_user

    with app.app_context():
        comp = Competition(key=KEY, name=f"负载测试 {judges} 评委 × {teams} 队")
        comp.rules = {"aggregation": "pooled", "trim": 1, "decimals": 2}
        db.session.add(comp)
        db.session.flush()
        stage = Stage(competition_id=comp.id, key=STAGE, name="现场展示", position=0,
                      weight=Decimal(1), state="open")
        db.session.add(stage)
        db.session.flush()
        db.session.execute(insert(Criterion), [
            {"stage_id": stage.id, "key": k, "name": f"指标 {k}", "description": "",
             "position": i, "max": Decimal(m), "step": Decimal("0.5")}
            for i, (k, m) in enumerate(CRITERIA)])
        db.session.execute(insert(Team), [
            {"competition_id": comp.id, "key": f"T{t:03d}", "name": f"参赛队{t}",
             "draw_position": t, "withdrawn": False, "withdrawn_reason": ""}
            for t in range(1, teams + 1)])
        db.session.execute(insert(Judge), [
            {"competition_id": comp.id, "key": f"J{j:03d}", "name": f"评委{j}",
             "panel_group": "external" if j % 3 == 0 else "internal", "note": "",
             "token": new_token()} for j in range(1, judges + 1)])
        upsert_user(ADMIN[0], ADMIN[1], role="staff")
        db.session.commit()
        links = {k: f"/j/{i}.{t}" for i, k, t in db.session.execute(
            db.select(Judge.id, Judge.key, Judge.token).where(Judge.competition_id == comp.id))}
        db.session.remove()
        db.engine.dispose()
    return links


def scores_for(judge: str, team: str, salt: int = 0) -> dict:
    """Valid, distinct values per (judge, team): a mixed-up write shows in the check."""
    n = (int(judge[1:]) * 7 + int(team[1:]) * 3 + salt) % 20
    return {"c1": f"{20 + n}", "c2": f"{n % 30}.5", "c3": str(n), "c4": f"{n % 10}.5"}


# ---- the load --------------------------------------------------------------------------------

class Stats:
    """Counts and latencies from every thread (guarded by one lock)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latency = defaultdict(list)  # kind -> seconds
        self.status = defaultdict(int)  # (kind, status) -> count
        self.server_errors: list[str] = []
        self.broken: list[str] = []
        self.acked: dict[tuple, dict] = {}  # (judge, team) -> scores of an acknowledged submit
        self.first_answer: dict[str, dict] = {}  # idempotency key -> first 2xx sheet state
        self.replay_mismatch: list[str] = []
        self.refused: list[str] = []  # unexpected 4xx on writes

    def note(self, kind: str, seconds: float, status: int, path: str, body=None) -> None:
        """Record one answer."""
        with self.lock:
            self.latency[kind].append(seconds)
            self.status[(kind, status)] += 1
            if status >= 500:
                self.server_errors.append(f"{status} {kind} {path} {str(body)[:200]}")

    def note_broken(self, kind: str, path: str, why: str) -> None:
        """Record a failed connection."""
        with self.lock:
            self.broken.append(f"{kind} {path}: {why}")


def _timed(stats, kind, fn, path):
    """Run fn() -> (status, body) timing it; Broken is recorded and re-raised."""
    t0 = time.perf_counter()
    try:
        status, body = fn()
    except Broken as exc:
        stats.note_broken(kind, path, str(exc))
        raise
    stats.note(kind, time.perf_counter() - t0, status, path, body)
    return status, body


def _send_until_answered(stats, kind, fn, path, deadline, attempts=5):
    """Repeat one request (same body, same key) until an HTTP answer comes, like judge.js."""
    for attempt in range(attempts):
        try:
            return _timed(stats, kind, fn, path)
        except Broken:
            if time.monotonic() > deadline + 30:
                break
            time.sleep(0.05 * (attempt + 1))
    return None, None


def tablet(stats, client, csrf, judge, team_keys, deadline, seed, think):
    """One judge's tablet: drafts, submissions with repeats, state polls, until deadline."""
    rng = random.Random(seed)
    order = list(team_keys)
    rng.shuffle(order)
    version = None
    try:
        for team in order:
            if time.monotonic() >= deadline:
                break
            base = f"/judge/api/sheet/{STAGE}/{team}"
            final = scores_for(judge, team)
            if rng.random() < 0.5:
                draft = {"scores": {"c1": final["c1"]}, "base_version": 0,
                         "idempotency_key": uuid.uuid4().hex}
                _send_until_answered(stats, "draft", lambda d=draft, b=base: client.json(
                    "PUT", b + "/draft", d, csrf), base, deadline)
            body = {"scores": final, "idempotency_key": uuid.uuid4().hex}
            first = None
            for _repeat in range(1 + (rng.random() < 0.3) * rng.randint(1, 2)):
                status, answer = _send_until_answered(
                    stats, "submit", lambda b=body, u=base: client.json(
                        "POST", u + "/submit", b, csrf), base, deadline)
                if status is None:
                    continue
                if 200 <= status < 300 and answer and answer.get("ok"):
                    with stats.lock:
                        stats.acked[(judge, team)] = final
                        known = stats.first_answer.setdefault(body["idempotency_key"],
                                                              answer["sheet"])
                        if known != answer["sheet"]:
                            stats.replay_mismatch.append(f"{judge}/{team}")
                    first = first or answer
                elif status < 500:
                    with stats.lock:
                        stats.refused.append(f"{status} {judge}/{team} {answer}")
            if time.monotonic() >= deadline:
                break
            path = "/judge/api/state" + (f"?v={version}" if version is not None else "")
            status, answer = _send_until_answered(
                stats, "state", lambda p=path: client.json("GET", p), path, deadline)
            if status == 200 and answer:
                version = answer.get("version", version)
            if think:
                time.sleep(rng.uniform(0, think))
    except Broken:
        pass  # counted by _timed; the tablet stops like one whose battery ran out


def organizer(stats, client, deadline, kind, interval):
    """An organizer laptop polling the live board, or the projector, like board.js does."""
    base = f"/admin/c/{KEY}/live/state" if kind == "board" else f"/projector/{KEY}/state"
    version = None
    while time.monotonic() < deadline:
        path = base + (f"?v={version}" if version is not None else "")
        status, answer = _send_until_answered(
            stats, kind, lambda p=path: client.json("GET", p), path, deadline)
        if status == 200 and answer:
            version = answer.get("version", version)
        time.sleep(interval)


def _organizers(stats, port, boards, projectors, timeout):
    """[(kind, client)]: board pollers logged in as the staff account, projector pollers."""
    out = []
    for kind, count in (("board", boards), ("projector", projectors)):
        for _ in range(count):
            client = Client("127.0.0.1", port, timeout=timeout)
            if kind == "board":
                try:
                    login_admin(client, *ADMIN)
                except (Broken, RuntimeError) as exc:
                    stats.note_broken("board", "login", str(exc))
                    continue
            out.append((kind, client))
    return out


def _log_in_tablets(stats, port, links, judges, timeout):
    """Log every tablet in (before the clock starts, as judges do before the stage)."""
    ready = {}
    lock = threading.Lock()

    def one(judge):
        client = Client("127.0.0.1", port, timeout=timeout)
        for attempt in range(5):
            try:
                csrf = login_judge(client, links[judge])
                with lock:
                    ready[judge] = (client, csrf)
                return
            except (Broken, RuntimeError) as exc:
                stats.note_broken("login", judge, str(exc))
                time.sleep(0.2 * (attempt + 1))
        client.close()

    threads = [threading.Thread(target=one, args=(j,), daemon=True) for j in judges]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return ready


def run_load(port: int, links: dict, teams: list[str], tablets: int, seconds: float,
             boards: int = 2, projectors: int = 2, think: float = 0.05, seed: int = 1,
             timeout: float = 15) -> Stats:
    """Log tablets in, then run them and the organizer pollers for seconds; returns Stats.

    timeout is a request's time limit (judge.js gives up after 15 s and sends again).
    """
    tablets = max(1, min(tablets, MAX_TABLETS, len(links)))
    seconds = max(1.0, min(seconds, MAX_SECONDS))
    stats = Stats()
    t0 = time.monotonic()
    ready = _log_in_tablets(stats, port, links, sorted(links)[:tablets], timeout)
    watchers = _organizers(stats, port, boards, projectors, timeout)
    stats.login_seconds = time.monotonic() - t0
    stats.logged_in = len(ready)
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=tablet, daemon=True, args=(
        stats, client, csrf, j, teams, deadline, seed * 100_003 + i, think))
        for i, (j, (client, csrf)) in enumerate(sorted(ready.items()))]
    threads += [threading.Thread(target=organizer, daemon=True, args=(
        stats, client, deadline, kind, 1.0)) for kind, client in watchers]
    stats.started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    stats.elapsed = time.monotonic() - stats.started
    stats.hung = sum(t.is_alive() for t in threads)
    for client in [c for c, _csrf in ready.values()] + [c for _k, c in watchers]:
        client.close()
    return stats


# ---- the checks -----------------------------------------------------------------------------

def check_database(app, stats: Stats) -> dict:
    """Lost, duplicated and inconsistent sheets, from the database itself."""
    from scoring.extensions import db
    from scoring.models import (
        Competition,
        Criterion,
        Judge,
        Score,
        ScoreSheet,
        SheetVersion,
        Stage,
        Team,
    )
    from scoring.rules import decimal_text

    with app.app_context():
        cid = db.session.scalar(db.select(Competition.id).filter_by(key=KEY))
        rows = db.session.execute(
            db.select(ScoreSheet.id, Judge.key, Team.key, ScoreSheet.status, ScoreSheet.version)
            .join(Judge, Judge.id == ScoreSheet.judge_id).join(Team, Team.id == ScoreSheet.team_id)
            .join(Stage, Stage.id == ScoreSheet.stage_id).where(Stage.competition_id == cid)).all()
        scores = defaultdict(dict)
        for sid, ckey, value in db.session.execute(
                db.select(Score.sheet_id, Criterion.key, Score.value)
                .join(Criterion, Criterion.id == Score.criterion_id)
                .join(Stage, Stage.id == Criterion.stage_id).where(Stage.competition_id == cid)):
            scores[sid][ckey] = decimal_text(value)
        kept = defaultdict(list)
        for sid, version, status, js in db.session.execute(
                db.select(SheetVersion.sheet_id, SheetVersion.version, SheetVersion.status,
                          SheetVersion.scores_json).order_by(SheetVersion.version)):
            kept[sid].append((version, status, json.loads(js)))
        db.session.remove()
        db.engine.dispose()
    by_pair = defaultdict(list)
    for sid, jk, tk, status, version in rows:
        by_pair[(jk, tk)].append((sid, status, version))
    duplicated = [p for p, sheets in by_pair.items() if len(sheets) > 1]
    lost, wrong, inconsistent = [], [], []
    for pair, expected in stats.acked.items():
        if pair not in by_pair:
            lost.append(pair)
            continue
        sid, status, _v = by_pair[pair][0]
        if status != "submitted" or scores[sid] != expected:
            wrong.append((pair, status, scores[sid], expected))
    for pair, sheets in by_pair.items():
        for sid, status, version in sheets:
            history = kept[sid]
            if [v for v, _s, _j in history] != list(range(1, version + 1)):
                inconsistent.append((pair, "versions", [v for v, _s, _j in history], version))
            elif history and (history[-1][1] != status or history[-1][2] != scores[sid]):
                inconsistent.append((pair, "last version", history[-1], status, scores[sid]))
            if status == "submitted" and set(scores[sid]) != {k for k, _m in CRITERIA}:
                inconsistent.append((pair, "half-written", scores[sid]))
    submitted = sum(1 for sheets in by_pair.values() for _i, s, _v in sheets if s == "submitted")
    return {"sheets": len(rows), "submitted": submitted, "lost": lost, "wrong": wrong,
            "duplicated": duplicated, "inconsistent": inconsistent}


def _pct(values, q):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def summary(stats: Stats, checks: dict) -> dict:
    """The figures as a plain dict (printed as a table and as JSON)."""
    kinds = {}
    for kind, lat in sorted(stats.latency.items()):
        kinds[kind] = {
            "requests": len(lat), "p50_ms": round(_pct(lat, 0.5) * 1000, 1),
            "p95_ms": round(_pct(lat, 0.95) * 1000, 1),
            "p99_ms": round(_pct(lat, 0.99) * 1000, 1), "max_ms": round(max(lat) * 1000, 1),
            "statuses": {str(s): n for (k, s), n in sorted(stats.status.items()) if k == kind}}
    total = sum(len(v) for v in stats.latency.values())
    return {
        "tablets": stats.logged_in, "login_seconds": round(stats.login_seconds, 1),
        "seconds": round(stats.elapsed, 1), "requests": total,
        "requests_per_second": round(total / stats.elapsed, 1) if stats.elapsed else 0,
        "acknowledged_submissions": len(stats.acked), "sheets": checks["sheets"],
        "submitted_sheets": checks["submitted"],
        "lost": len(checks["lost"]), "wrong_values": len(checks["wrong"]),
        "duplicated": len(checks["duplicated"]), "inconsistent": len(checks["inconsistent"]),
        "server_errors": len(stats.server_errors), "connection_errors": len(stats.broken),
        "replay_mismatches": len(stats.replay_mismatch),
        "unexpected_refusals": len(stats.refused), "hung_threads": stats.hung,
        "by_kind": kinds,
    }


def failures(result: dict) -> list[str]:
    """What broke the promise (an empty list when nothing was lost, doubled or 5xx)."""
    bad = []
    for name in ("lost", "wrong_values", "duplicated", "inconsistent", "server_errors",
                 "replay_mismatches", "unexpected_refusals", "hung_threads"):
        if result[name]:
            bad.append(f"{name}: {result[name]}")
    if result["tablets"] < result.get("tablets_asked", result["tablets"]):
        bad.append(f"only {result['tablets']} tablets could log in")
    if result["acknowledged_submissions"] == 0:
        bad.append("no submission was acknowledged at all")
    return bad


# ---- databases --------------------------------------------------------------------------------

@contextmanager
def fresh_database(server_url: str | None, keep: bool = False):
    """Yield a new empty database URL on server_url (dropped afterwards), or None for SQLite."""
    if not server_url:
        yield None
        return
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    from scoring.config import normalize_database_url

    server = make_url(normalize_database_url(server_url))
    name = f"loadtest_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    mysql = admin.dialect.name == "mysql"
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}" + (
            " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" if mysql else ""))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as conn:
                if admin.dialect.name == "postgresql":
                    conn.exec_driver_sql(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()")
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        admin.dispose()


def run(tablets=200, seconds=120.0, judges=None, teams=20, database_url=None, keep=False,
        server_threads=16, think=0.05, seed=1, instance=None, log=print, workers=0,
        probe=None) -> dict:
    """Build, serve, load, check; returns the summary dict (see `failures`).

    workers > 0 serves with gunicorn (that many workers) instead of `scoring serve`;
    probe(port, links), if given, runs after the load while the server still runs and its
    answer is result["probe"] (bench.scaleout: a board on one worker, a sheet on another).
    """
    judges = max(judges or tablets, tablets)
    own_instance = instance is None
    instance = Path(instance or tempfile.mkdtemp(prefix="scoring-load-"))
    try:
        with fresh_database(database_url, keep) as url:
            env = scoring_env(instance, url)
            run_scoring(["db", "upgrade"], env)
            links = build_contest(app_for(instance, url), judges, teams)
            team_keys = [f"T{t:03d}" for t in range(1, teams + 1)]
            server = Server(env, threads=server_threads, workers=workers).start()
            log(f"server on {server.url} ({url.split('@')[-1] if url else 'SQLite'}); "
                f"{tablets} tablets for {seconds:.0f} s")
            try:
                stats = run_load(server.port, links, team_keys, tablets, seconds,
                                 think=think, seed=seed)
                probed = probe(server.port, links) if probe else None
            finally:
                server.stop()
            checks = check_database(app_for(instance, url), stats)
            result = summary(stats, checks)
            result["tablets_asked"] = min(tablets, len(links))
            result["workers"] = workers
            if probe:
                result["probe"] = probed
            result["database"] = "sqlite" if not url else url.split(":")[0].split("+")[0]
            result["details"] = {
                "server_errors": stats.server_errors[:5], "connection_errors": stats.broken[:5],
                "lost": checks["lost"][:5], "wrong": checks["wrong"][:5],
                "inconsistent": checks["inconsistent"][:5], "refused": stats.refused[:5]}
            return result
    finally:
        if own_instance:
            shutil.rmtree(instance, ignore_errors=True)


def main(argv=None) -> int:
    """Command line: prints the figures; exit status 1 when anything was lost or failed."""
    p = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    p.add_argument("--tablets", type=int, default=200)
    p.add_argument("--seconds", type=float, default=120)
    p.add_argument("--judges", type=int, default=None, help="default: one per tablet")
    p.add_argument("--teams", type=int, default=20)
    p.add_argument("--database-url", default=None,
                   help="a PostgreSQL/MariaDB server; a fresh database is made and dropped")
    p.add_argument("--keep", action="store_true", help="keep the fresh database")
    p.add_argument("--server-threads", type=int, default=16)
    p.add_argument("--workers", type=int, default=0,
                   help="serve with gunicorn and this many workers (0: scoring serve)")
    p.add_argument("--think", type=float, default=0.05,
                   help="upper bound of a random pause between a tablet's teams (s)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = p.parse_args(argv)
    result = run(tablets=args.tablets, seconds=args.seconds, judges=args.judges,
                 teams=args.teams, database_url=args.database_url, keep=args.keep,
                 server_threads=args.server_threads, think=args.think, workers=args.workers,
                 log=(lambda *_a: None) if args.json else print)
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    else:
        print(f"{result['tablets']} tablets logged in within {result['login_seconds']} s")
        print(f"database {result['database']}: {result['requests']} requests in "
              f"{result['seconds']} s ({result['requests_per_second']}/s); "
              f"{result['acknowledged_submissions']} submissions acknowledged, "
              f"{result['submitted_sheets']} submitted sheets")
        for kind, k in result["by_kind"].items():
            print(f"  {kind:10} {k['requests']:7} req  p50 {k['p50_ms']:7} ms  "
                  f"p95 {k['p95_ms']:7} ms  p99 {k['p99_ms']:7} ms  max {k['max_ms']:7} ms  "
                  f"{k['statuses']}")
        print(f"  lost {result['lost']}, wrong {result['wrong_values']}, duplicated "
              f"{result['duplicated']}, inconsistent {result['inconsistent']}, 5xx "
              f"{result['server_errors']}, connection errors {result['connection_errors']}")
        for name, items in result["details"].items():
            for item in items:
                print(f"  {name}: {item}")
    bad = failures(result)
    if bad:
        print("FAILED: " + "; ".join(bad), file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
