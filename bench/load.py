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

The tablets and organizers are here; the HTTP client is in load_http, the server and
the fresh database in load_server, the contest and the checks in load_checks.
"""
import argparse
import json
import random
import shutil
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

# The pieces live beside this module; their names stay importable from bench.load, which
# bench.burst, bench.scaleout and the tests use.
from .load_checks import (  # noqa: F401
    ADMIN,
    CRITERIA,
    KEY,
    STAGE,
    Stats,
    app_for,
    build_contest,
    check_database,
    failures,
    scores_for,
    summary,
)
from .load_http import Broken, Client, free_port, login_admin, login_judge  # noqa: F401
from .load_server import (  # noqa: F401
    ROOT,
    SCORING,
    Server,
    fresh_database,
    run_scoring,
    scoring_env,
)

MAX_TABLETS = 1000
MAX_SECONDS = 3600


# ---- the load --------------------------------------------------------------------------------

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
