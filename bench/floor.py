"""The floor of one submission (issue 17): one durable commit of a sheet's rows, driver only.

A sheet's rows are what the database must hold once a judge sees "saved": the sheet row
and its five scores. They are written in one transaction through the bare driver (sqlite3
or psycopg, no SQLAlchemy, statements prepared by the driver's cache), into tables of the
same columns in a scratch database beside the benchmark's (same disk, same settings:
SQLite in WAL with synchronous=FULL and BEGIN IMMEDIATE; PostgreSQL with its default
synchronous_commit=on), and committed. The CPU this thread spends per commit is the
figure (waiting for the disk is not CPU, in the app as here). With the CPU of a bare
request on the same server (bench.submit's baseline), it makes the floor the submit
target is measured against: server CPU per sheet <= 3 x (bare request + this commit).
"""
import sqlite3
import statistics
import time
import uuid
from datetime import datetime
from pathlib import Path

SHEET = ("CREATE TABLE floor_sheet (id INTEGER PRIMARY KEY, judge_id INTEGER NOT NULL, "
         "team_id INTEGER NOT NULL, stage_id INTEGER NOT NULL, status VARCHAR(16) NOT NULL, "
         "version INTEGER NOT NULL, source VARCHAR(16) NOT NULL, submitted_at TIMESTAMP, "
         "comment TEXT, updated_at TIMESTAMP, UNIQUE (judge_id, team_id, stage_id))")
SCORE = ("CREATE TABLE floor_score (id INTEGER PRIMARY KEY, sheet_id INTEGER NOT NULL "
         "REFERENCES floor_sheet (id), criterion_id INTEGER NOT NULL, "
         "value NUMERIC(9, 3) NOT NULL, UNIQUE (sheet_id, criterion_id))")
CRITERIA = 5


def _sqlite_commits(path: Path, count: int) -> list[float]:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(SHEET)
    conn.execute(SCORE)
    cpu = []
    for n in range(count):
        now = datetime.now().isoformat(" ")
        t0 = time.thread_time()
        conn.execute("BEGIN IMMEDIATE")
        sid = conn.execute(
            "INSERT INTO floor_sheet (judge_id, team_id, stage_id, status, version, source, "
            "submitted_at, comment, updated_at) VALUES (?, ?, ?, 'submitted', 1, 'judge', ?, "
            "NULL, ?)", (n % 50, n, 1, now, now)).lastrowid
        conn.executemany("INSERT INTO floor_score (sheet_id, criterion_id, value) "
                         "VALUES (?, ?, ?)", [(sid, c, "17.5") for c in range(CRITERIA)])
        conn.execute("COMMIT")
        cpu.append(time.thread_time() - t0)
    conn.close()
    return cpu


# What a submission writes and reads besides the sheet's rows, each kept by a guarantee:
# the version row (history), the audit entry, the idempotency key and its answer, the
# live version the boards poll; read first: the session, the guards, the key, the sheet.
GUARANTEES = (
    "CREATE TABLE floor_session (id TEXT PRIMARY KEY, judge_id INTEGER, created_at "
    "TIMESTAMP, last_seen_at TIMESTAMP, ended_at TIMESTAMP)",
    "CREATE TABLE floor_competition (id INTEGER PRIMARY KEY, live_version INTEGER)",
    "CREATE TABLE floor_version (id INTEGER PRIMARY KEY, sheet_id INTEGER NOT NULL, version "
    "INTEGER NOT NULL, status VARCHAR(16), scores_json TEXT, comment TEXT, actor TEXT, "
    "reason TEXT, created_at TIMESTAMP, UNIQUE (sheet_id, version))",
    "CREATE TABLE floor_audit (id INTEGER PRIMARY KEY, at TIMESTAMP, actor TEXT, "
    "competition_id INTEGER, action TEXT, object_type TEXT, object_id INTEGER, summary TEXT, "
    "before_json TEXT, after_json TEXT, reason TEXT)",
    "CREATE INDEX ix_floor_audit_competition ON floor_audit (competition_id)",
    "CREATE TABLE floor_key (id INTEGER PRIMARY KEY, key VARCHAR(64) UNIQUE, judge_id "
    "INTEGER, sheet_id INTEGER, response_json TEXT, created_at TIMESTAMP)",
)


def _sqlite_guarantees(path: Path, count: int) -> list[float]:
    """CPU of a submission's whole transaction through sqlite3: every read and row it needs."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    for ddl in (SHEET, SCORE) + GUARANTEES:
        conn.execute(ddl)
    conn.execute("INSERT INTO floor_competition VALUES (1, 0)")
    conn.execute("INSERT INTO floor_session VALUES ('s', 1, '2026-01-01', '2026-01-01', NULL)")
    cpu = []
    for n in range(count):
        now = datetime.now().isoformat(" ")
        key = uuid.uuid4().hex
        t0 = time.thread_time()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("SELECT judge_id, created_at, last_seen_at FROM floor_session "
                     "WHERE id = ? AND ended_at IS NULL", ("s",)).fetchone()
        conn.execute("SELECT id, live_version FROM floor_competition WHERE id = ?",
                     (1,)).fetchone()  # stands for the guards' one read
        conn.execute("SELECT judge_id, response_json FROM floor_key WHERE key = ?",
                     (key,)).fetchone()
        conn.execute("SELECT id, status, version FROM floor_sheet WHERE judge_id = ? AND "
                     "team_id = ? AND stage_id = ?", (n % 50, n, 1)).fetchone()
        sid = conn.execute(
            "INSERT INTO floor_sheet (judge_id, team_id, stage_id, status, version, source, "
            "submitted_at, comment, updated_at) VALUES (?, ?, ?, 'submitted', 1, 'judge', ?, "
            "NULL, ?)", (n % 50, n, 1, now, now)).lastrowid
        conn.executemany("INSERT INTO floor_score (sheet_id, criterion_id, value) "
                         "VALUES (?, ?, ?)", [(sid, c, "17.5") for c in range(CRITERIA)])
        conn.execute("INSERT INTO floor_version (sheet_id, version, status, scores_json, "
                     "comment, actor, reason, created_at) VALUES (?, 1, 'submitted', ?, NULL, "
                     "'judge:J1', '', ?)", (sid, '{"c0": "17.5"}', now))
        conn.execute("INSERT INTO floor_audit (at, actor, competition_id, action, object_type, "
                     "object_id, summary, before_json, after_json, reason) VALUES (?, "
                     "'judge:J1', 1, 'sheet.submit', 'scoresheet', ?, 'J1 / T1 / s0 v1', '{}', "
                     "?, '')", (now, sid, '{"c0": "17.5"}'))
        conn.execute("UPDATE floor_competition SET live_version = live_version + 1 WHERE id = 1")
        conn.execute("INSERT INTO floor_key (key, judge_id, sheet_id, response_json, "
                     "created_at) VALUES (?, 1, ?, ?, ?)", (key, sid, '{"status": 200}', now))
        conn.execute("COMMIT")
        cpu.append(time.thread_time() - t0)
    conn.close()
    return cpu


def guarantees_cpu_ms(folder: Path, count: int = 300) -> float:
    """Median CPU milliseconds of everything a submission's transaction reads and writes,
    through sqlite3 alone (a report beside the floor: what the guarantees cost at the
    driver, before any framework)."""
    path = Path(folder) / f"floor-all-{uuid.uuid4().hex[:8]}.sqlite"
    try:
        return statistics.median(_sqlite_guarantees(path, count)) * 1000
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)


def _postgresql_commits(url: str, count: int) -> list[float]:
    import psycopg

    schema = "floor_" + uuid.uuid4().hex[:8]
    cpu = []
    with psycopg.connect(url) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
        conn.execute(f"SET search_path TO {schema}")
        conn.execute(SHEET.replace("id INTEGER PRIMARY KEY", "id SERIAL PRIMARY KEY", 1))
        conn.execute(SCORE.replace("id INTEGER PRIMARY KEY", "id SERIAL PRIMARY KEY", 1))
        conn.commit()
        try:
            with conn.cursor() as cur:
                for n in range(count):
                    now = datetime.now()
                    t0 = time.thread_time()
                    cur.execute(
                        "INSERT INTO floor_sheet (judge_id, team_id, stage_id, status, version, "
                        "source, submitted_at, comment, updated_at) VALUES (%s, %s, %s, "
                        "'submitted', 1, 'judge', %s, NULL, %s) RETURNING id",
                        (n % 50, n, 1, now, now))
                    sid = cur.fetchone()[0]
                    cur.executemany("INSERT INTO floor_score (sheet_id, criterion_id, value) "
                                    "VALUES (%s, %s, %s)",
                                    [(sid, c, "17.5") for c in range(CRITERIA)])
                    conn.commit()
                    cpu.append(time.thread_time() - t0)
        finally:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
            conn.commit()
    return cpu


def commit_cpu_ms(kind: str, url: str, folder: Path, count: int = 300) -> float:
    """Median CPU milliseconds of one durable commit of a sheet's rows through the driver."""
    if kind == "sqlite":
        path = Path(folder) / f"floor-{uuid.uuid4().hex[:8]}.sqlite"
        try:
            cpu = _sqlite_commits(path, count)
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
    else:
        cpu = _postgresql_commits(url.replace("postgresql+psycopg://", "postgresql://"), count)
    return statistics.median(cpu) * 1000
