"""Burst benchmark: 200 judges submitting within 5 s on SQLite (issue 17).

    python -m bench.burst [--judges 200] [--window 5] [--bursts 3]

The moment after a team's presentation: every judge submits that team's sheet within a
few seconds. `scoring serve` (waitress, 16 threads) on a fresh SQLite database with
`synchronous=FULL`; 200 tablets log in first (private link, keep-alive connection); then,
for each of --bursts teams in turn, every tablet sends its whole sheet at a random instant
of a --window second window, exactly as judge.js (JSON, idempotency key, X-CSRFToken),
and sends it again with the same key if the connection fails. The latency of a sheet is
from its first send to the acknowledgement. Afterwards bench.load's database checks: every
acknowledged sheet is there, submitted, with its values, nothing doubled.

Target: p95 under 250 ms, 0 lost.
"""
import argparse
import os
import random
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path

from . import load
from .common import percentile
from .submit import cpu_seconds


def _burst(stats, ready, team, window, seed):
    """Every tablet submits `team`'s sheet once, at a random instant of the window."""
    rng = random.Random(seed)
    start = time.monotonic() + 0.2
    offsets = {judge: rng.uniform(0, window) for judge in ready}
    latencies, lock = [], threading.Lock()

    def one(judge):
        client, csrf = ready[judge]
        time.sleep(max(0.0, start + offsets[judge] - time.monotonic()))
        scores = load.scores_for(judge, team)
        body = {"scores": scores, "idempotency_key": uuid.uuid4().hex}
        path = f"/judge/api/sheet/{load.STAGE}/{team}/submit"
        t0 = time.perf_counter()
        status, answer = load._send_until_answered(
            stats, "submit", lambda: client.json("POST", path, body, csrf), path,
            time.monotonic() + 60)
        took = time.perf_counter() - t0
        if status is not None and 200 <= status < 300 and answer and answer.get("ok"):
            with lock:
                latencies.append(took)
            with stats.lock:
                stats.acked[(judge, team)] = scores
        elif status is not None and status < 500:
            with stats.lock:
                stats.refused.append(f"{status} {judge}/{team} {answer}")

    threads = [threading.Thread(target=one, args=(j,), daemon=True) for j in ready]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=window + 120)
    return latencies, time.monotonic() - start


def run(judges=200, window=5.0, bursts=3, threads=16, seed=1, log=print) -> dict:
    """Build, serve, burst `bursts` times, check; returns the figures."""
    instance = Path(tempfile.mkdtemp(prefix="bench-burst-"))
    try:
        env = load.scoring_env(instance)
        load.run_scoring(["db", "upgrade"], env)
        links = load.build_contest(load.app_for(instance, None), judges, max(bursts, 1))
        server = load.Server(env, threads=threads).start()
        stats = load.Stats()
        try:
            ready = load._log_in_tablets(stats, server.port, links, sorted(links), 30)
            log(f"burst: {len(ready)} tablets logged in; {bursts} bursts of {window:.0f} s")
            per_burst = []
            for b in range(bursts):
                team = f"T{b + 1:03d}"
                cpu0 = cpu_seconds(server.proc.pid)
                lat, wall = _burst(stats, ready, team, window, seed + b)
                cpu = cpu_seconds(server.proc.pid) - cpu0
                per_burst.append({"team": team, "acknowledged": len(lat), "wall_s": wall,
                                  "p50_ms": percentile(lat, 50) * 1000,
                                  "p95_ms": percentile(lat, 95) * 1000,
                                  "max_ms": max(lat, default=0) * 1000,
                                  "server_cpu_ms_per_sheet": cpu / max(len(lat), 1) * 1000,
                                  "server_cpu_share": cpu / wall,
                                  "load": os.getloadavg()[0]})
                time.sleep(1.0)
            for client, _csrf in ready.values():
                client.close()
        finally:
            server.stop()
        checks = load.check_database(load.app_for(instance, None), stats)
        all_lat = sorted(stats.latency.get("submit", []))
        return {"judges": len(ready), "window_s": window, "bursts": per_burst,
                "p95_ms": max(b["p95_ms"] for b in per_burst),
                "lost": len(checks["lost"]), "wrong": len(checks["wrong"]),
                "duplicated": len(checks["duplicated"]),
                "inconsistent": len(checks["inconsistent"]),
                "server_errors": len(stats.server_errors), "refused": len(stats.refused),
                "connection_errors": len(stats.broken), "requests": len(all_lat)}
    finally:
        shutil.rmtree(instance, ignore_errors=True)


def report(f):
    """Print the figures and the target."""
    print(f"burst (SQLite, synchronous=FULL): {f['judges']} judges, each submitting within "
          f"{f['window_s']:.0f} s, {len(f['bursts'])} bursts")
    for b in f["bursts"]:
        print(f"  team {b['team']}: {b['acknowledged']} acknowledged in {b['wall_s']:.1f} s, "
              f"p50 {b['p50_ms']:.0f} ms, p95 {b['p95_ms']:.0f} ms, max {b['max_ms']:.0f} ms; "
              f"server CPU {b['server_cpu_ms_per_sheet']:.1f} ms/sheet, "
              f"{b['server_cpu_share']:.0%} of a CPU; load {b['load']:.1f}")
    print(f"  worst p95 {f['p95_ms']:.0f} ms; lost {f['lost']}, wrong {f['wrong']}, duplicated "
          f"{f['duplicated']}, 5xx {f['server_errors']}, refused {f['refused']}, connection "
          f"errors {f['connection_errors']}   (target: p95 < 250 ms, 0 lost)")


def main(argv=None):
    """Command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.burst",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--judges", type=int, default=200)
    parser.add_argument("--window", type=float, default=5.0)
    parser.add_argument("--bursts", type=int, default=3)
    args = parser.parse_args(argv)
    f = run(args.judges, args.window, args.bursts)
    report(f)
    return f


if __name__ == "__main__":
    main()
