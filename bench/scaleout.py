"""Scale-out benchmark: gunicorn with several workers on PostgreSQL (issue 17).

    python -m bench.scaleout                      # 200 tablets, 120 s, 4 workers; 1/2/4 figure
    python -m bench.scaleout --seconds 20 --tablets 100

Two parts:

1. The 200-tablet load of bench.load (drafts, submissions repeated with their idempotency
   key, state polls, live boards and projectors) against `gunicorn --workers 4 --threads 8
   scoring.wsgi:app` (README, deployment), then the database checks: 0 lost, 0 duplicated,
   0 server errors. While the server still runs, `cross_worker` submits one sheet through a
   connection served by one worker and reads the live board through connections served by
   each other worker (told apart by bench.worker_tag's X-Worker header): every board must
   show the sheet at once.
2. Throughput: sheets/s accepted with 1, 2 and 4 workers, the same database and the same
   50 clients of bench.submit (one per judge, whole sheets, keep-alive), 10 s each after a
   2 s warm-up, plus the CPU the server's processes used per sheet. On this 2-CPU machine
   more than two workers cannot add CPU; the figure shows what they do add (a worker's
   time waiting on the database is used by another).
"""
import argparse
import json
import random
import sys
import tempfile
import time
import uuid
from functools import partial
from pathlib import Path

from . import load
from .common import POSTGRES_ADMIN_URL, free_port, percentile, scoring_env, scratch_database, server

# ---- a board on one worker sees a sheet submitted on another -----------------------------

def _worker(headers) -> str:
    return headers.get("X-Worker", "")


def _board(client) -> tuple[str, dict]:
    status, headers, raw = client.request(
        "GET", f"/admin/c/{load.KEY}/live/state?stage={load.STAGE}",
        headers={"Accept": "application/json"})
    if status != 200:
        raise RuntimeError(f"board state answered {status}")
    return _worker(headers), json.loads(raw)


def _cell(board: dict, judge: str, team: str):
    for row in board["teams"]:
        if row["team"] == team:
            return row["cells"].get(judge, {}).get("status")
    return None


def cross_worker(port: int, links: dict, team: str = "T001", others: int = 3,
                 max_connections: int = 40) -> dict:
    """Submit one sheet through worker A; read the board through every other worker seen.

    Uses the last judge of `links` (bench.load's tablets take the first ones). Returns the
    workers involved, each board's cell before and after, and `seen`: every other-worker
    board showed the sheet as submitted on its first read after the acknowledgement.
    """
    judge = sorted(links)[-1]
    tablet = load.Client("127.0.0.1", port)
    csrf = load.login_judge(tablet, links[judge])
    status, headers, _b = tablet.request("GET", "/judge/api/state")
    submit_worker = _worker(headers)
    # One organizer login; each new connection (the kernel hands it to some worker) carries
    # its session cookie, as a second browser tab would: the session is valid on every worker.
    organizer = load.Client("127.0.0.1", port)
    load.login_admin(organizer, *load.ADMIN)
    boards: dict[str, load.Client] = {}
    for _ in range(max_connections):
        if len(boards) >= others:
            break
        client = load.Client("127.0.0.1", port)
        client.cookies = dict(organizer.cookies)
        worker, _state = _board(client)
        if worker and worker != submit_worker and worker not in boards:
            boards[worker] = client
        else:
            client.close()
    organizer.close()
    before = {w: _cell(_board(c)[1], judge, team) for w, c in boards.items()}
    body = {"scores": load.scores_for(judge, team), "idempotency_key": uuid.uuid4().hex}
    status, headers, raw = tablet.request(
        "POST", f"/judge/api/sheet/{load.STAGE}/{team}/submit", json_body=body,
        headers={"Accept": "application/json", "X-CSRFToken": csrf})
    acknowledged = status == 200 and json.loads(raw).get("ok") is True
    answered_by = _worker(headers)
    after, read_by = {}, {}
    for w, c in boards.items():
        read_by[w], state = _board(c)
        after[w] = _cell(state, judge, team)
    for c in [tablet, *boards.values()]:
        c.close()
    return {"judge": judge, "team": team, "submit_worker": answered_by,
            "acknowledged": acknowledged, "board_workers": sorted(boards),
            "before": before, "after": after,
            "seen": bool(boards) and acknowledged and answered_by == submit_worker
            and all(read_by[w] == w for w in boards)
            and all(v == "submitted" for v in after.values())
            and all(v != "submitted" for v in before.values())}


def run_load(tablets=200, seconds=120.0, workers=4, threads=8, database_url=None,
             instance=None, log=print) -> dict:
    """bench.load under gunicorn, with the cross-worker probe; returns load's summary."""
    url = database_url or POSTGRES_ADMIN_URL
    return load.run(tablets=tablets, seconds=seconds, judges=tablets + 1, teams=20,
                    database_url=url, server_threads=threads, workers=workers,
                    probe=partial(cross_worker, others=workers - 1), instance=instance,
                    log=log)


# ---- sheets/s with 1, 2 and 4 workers --------------------------------------------------------

def _process_tree_cpu(pid) -> float:
    import psutil

    total = 0.0
    try:
        root = psutil.Process(pid)
        for proc in [root, *root.children(recursive=True)]:
            times = proc.cpu_times()
            total += times.user + times.system
    except psutil.NoSuchProcess:
        pass
    return total


def throughput(worker_counts=(1, 2, 4), kind="postgresql", clients=50, threads=8,
               duration=10.0, warmup=2.0, teams=100) -> list[dict]:
    """Sheets/s accepted by gunicorn with each worker count, on one database."""
    from . import submit

    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    tmp = Path(tempfile.mkdtemp(prefix="bench-scaleout-"))
    figures = []
    with scratch_database(kind, tmp) as url:
        env = scoring_env(tmp, url)
        judges, team_keys = submit._prepare(env, tmp, clients, teams)
        sheets = [(f"s{st}", t) for st in range(submit.STAGES) for t in team_keys]
        orders = [random.Random(i).sample(sheets, len(sheets)) for i in range(len(judges))]
        cursor = [0] * len(judges)
        rngs = [random.Random(100 + i) for i in range(len(judges))]

        def work(client, index, _n):
            if cursor[index] >= len(sheets):
                return None
            stage, team = orders[index][cursor[index]]
            cursor[index] += 1
            return client.submit(stage, team, rngs[index])

        for workers in worker_counts:
            port = free_port()
            args = [gunicorn, "--workers", str(workers), "--threads", str(threads),
                    "--bind", f"127.0.0.1:{port}", "--keep-alive", "75",
                    "--preload", "scoring.wsgi:app"]
            with server(args, env, f"http://127.0.0.1:{port}/", tmp / f"gunicorn-{workers}.log"
                        ) as proc:
                conns = [submit.Client(port) for _ in judges]
                for c, (jid, token) in zip(conns, judges, strict=True):
                    c.login(jid, token, team_keys[0])
                submit._phase(conns, work, warmup)
                cpu0 = _process_tree_cpu(proc.pid)
                ok, bad, lat, wall = submit._phase(conns, work, duration)
                cpu = _process_tree_cpu(proc.pid) - cpu0
                for c in conns:
                    c.conn.close()
            figures.append({"workers": workers, "sheets_per_s": ok / wall, "refused": bad,
                            "p50_ms": percentile(lat, 50) * 1000,
                            "p95_ms": percentile(lat, 95) * 1000,
                            "server_cpu_ms_per_sheet": cpu / max(ok, 1) * 1000,
                            "server_cpu_share": cpu / wall})
    return figures


def run(tablets=200, seconds=120.0, workers=4, kind="postgresql", log=print) -> dict:
    """Both parts on a scratch PostgreSQL database; the figures as one dict."""
    t0 = time.monotonic()
    result = run_load(tablets=tablets, seconds=seconds, workers=workers, log=log)
    return {"load": result, "failures": load.failures(result),
            "throughput": throughput(kind=kind), "wall_s": time.monotonic() - t0}


def report(f):
    """Print the figures and the targets."""
    r = f["load"]
    p = r.get("probe") or {}
    print(f"scale-out ({r['database']}, gunicorn {r['workers']} workers): {r['tablets']} tablets "
          f"for {r['seconds']} s, {r['requests']} requests, "
          f"{r['acknowledged_submissions']} submissions acknowledged")
    print(f"  lost {r['lost']}, duplicated {r['duplicated']}, 5xx {r['server_errors']}, "
          f"wrong {r['wrong_values']}, inconsistent {r['inconsistent']}, connection errors "
          f"{r['connection_errors']}   (target: 0 lost, 0 duplicated, 0 server errors)")
    print(f"  a sheet submitted on worker {p.get('submit_worker')} seen on the boards of "
          f"workers {p.get('board_workers')}: {'yes' if p.get('seen') else 'NO'}   "
          "(target: yes)")
    submit = r["by_kind"].get("submit", {})
    print(f"  submit p50 {submit.get('p50_ms')} ms, p95 {submit.get('p95_ms')} ms")
    for t in f["throughput"]:
        print(f"  {t['workers']} worker(s): {t['sheets_per_s']:6.0f} sheets/s  p50 "
              f"{t['p50_ms']:5.0f} ms  p95 {t['p95_ms']:5.0f} ms  server CPU "
              f"{t['server_cpu_ms_per_sheet']:.1f} ms/sheet ({t['server_cpu_share']:.0%} of a "
              f"CPU)  refused {t['refused']}")
    base = f["throughput"][0]["sheets_per_s"] if f["throughput"] else 0
    if base:
        print("  scaling vs 1 worker: " + ", ".join(
            f"{t['workers']}: {t['sheets_per_s'] / base:.2f}x" for t in f["throughput"])
            + "   (report; 2 CPUs on this machine)")
    if f["failures"]:
        print("  FAILED: " + "; ".join(f["failures"]))


def main(argv=None):
    """Command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.scaleout",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--tablets", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    f = run(args.tablets, args.seconds, args.workers)
    report(f)
    return f


if __name__ == "__main__":
    main()
