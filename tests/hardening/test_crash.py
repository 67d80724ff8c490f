"""Crash safety: the server is killed (SIGKILL) while judges submit; nothing acknowledged is lost.

A real `scoring serve` process on SQLite, nine judge tablets (threads) submitting sheets
of the open stage; the process is killed mid-stream, restarted on the same instance,
and the tablets resend whatever was never answered (same idempotency keys, as judge.js
does). Every sheet acknowledged before or after the crash is then in the database with
its exact values, no sheet is half-written, and the version history has no gap.
"""
import random
import sqlite3
import time

from .util import (
    CRITERIA,
    STAGE,
    TEAMS,
    Judges,
    Server,
    as_decimals,
    demo_instance,
    integrity,
    judge_links,
    sheets_in,
    sqlite_path,
)


def _check_sheets(db_file, acked):
    sheets = sheets_in(db_file)
    missing = [p for p in acked if p not in sheets]
    assert not missing, f"acknowledged but lost: {missing}"
    for pair, values in acked.items():
        status, _version, scores = sheets[pair]
        assert status == "submitted", (pair, status)
        assert scores == as_decimals(values), (pair, scores, values)
    for pair, (status, _version, scores) in sheets.items():
        if status == "submitted":
            assert set(scores) == set(CRITERIA), f"half-written sheet {pair}: {scores}"
    return sheets


def _check_history(db_file):
    """Every sheet's kept versions are 1..version, the last one matching the sheet's status."""
    with sqlite3.connect(db_file) as conn:
        sheets = conn.execute("SELECT id, version, status FROM score_sheet").fetchall()
        for sid, version, status in sheets:
            kept = conn.execute("SELECT version, status FROM sheet_version WHERE sheet_id = ? "
                                "ORDER BY version", (sid,)).fetchall()
            if not kept:  # sheets of the demo's closed stage were loaded without history
                continue
            assert [v for v, _s in kept] == list(range(1, version + 1)), (sid, kept, version)
            assert kept[-1][1] == status, (sid, kept[-1], status)


def test_sigkill_midway_loses_nothing_acknowledged(tmp_path):
    instance, env = demo_instance(tmp_path)
    links = judge_links(instance)
    server = Server(env, threads=8).start()
    try:
        judges = Judges(server.port, links, sorted(links))
        before = sheets_in(sqlite_path(instance))
        order = {j: random.Random(j).sample(TEAMS, len(TEAMS)) for j in links}
        threads = judges.run(lambda j: order[j])
        deadline = time.monotonic() + 15
        while len(judges.acked) < 30 and time.monotonic() < deadline:
            time.sleep(0.02)
        server.kill()  # mid-stream: requests are in flight
        acked_at_kill = len(judges.acked)
        judges.stop.set()
        for t in threads:
            t.join(timeout=20)
    finally:
        server.kill()
    assert acked_at_kill >= 30, f"only {acked_at_kill} sheets were acknowledged before the kill"
    assert not judges.errors, judges.errors[:3]

    # Straight after the crash: the file is sound and holds every acknowledged sheet.
    db_file = sqlite_path(instance)
    assert integrity(db_file) == "ok"
    _check_sheets(db_file, dict(judges.acked))

    # Restart; the tablets resend what was never answered, then score the rest.
    server = Server(env, threads=8).start()
    try:
        judges.retry_pending(server.port)
        assert not judges.pending, judges.pending
        judges.stop.clear()
        remaining = {j: [t for t in order[j] if (j, t) not in judges.acked] for j in links}
        for t in judges.run(lambda j: remaining[j]):
            t.join(timeout=60)
    finally:
        judges.close()
        server.stop()
    assert not judges.errors, judges.errors[:3]
    sheets = _check_sheets(db_file, judges.acked)
    _check_history(db_file)
    assert integrity(db_file) == "ok"
    # Every non-recused pair of the open stage ended submitted: the crash cost nothing.
    submitted = {p for p, (s, _v, _sc) in sheets.items() if s == "submitted"}
    assert submitted == set(judges.acked) | {p for p, (s, _v, _sc) in before.items()
                                            if s == "submitted"}
    assert len(submitted) > 60, len(submitted)
    assert STAGE == "presentation"
