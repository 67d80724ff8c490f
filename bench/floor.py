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
