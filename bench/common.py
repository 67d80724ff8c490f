"""Shared helpers of the benchmarks: timing, the machine, servers in subprocesses, databases."""
import datetime
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SCORING = str(Path(PYTHON).parent / "scoring")
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def timed(fn, repeat=5):
    """Run fn `repeat` times; (best, median) wall seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def timed_alternately(fns, repeat=5):
    """Run each of fns in turn, `repeat` rounds; [(best, median) wall seconds] per fn.

    Alternating puts both sides of a ratio under the same conditions: on a shared or
    throttled machine the speed drifts by a third from one minute to the next.
    """
    times = [[] for _ in fns]
    for _ in range(repeat):
        for fn, taken in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            taken.append(time.perf_counter() - start)
    return [(min(t), statistics.median(t)) for t in times]


def percentile(values, pct):
    """The pct-th percentile (nearest rank) of a list of numbers."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def machine() -> str:
    """One line about where the figures were measured: CPUs, memory, load, date."""
    try:
        mem = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout
        total = mem.splitlines()[1].split()[1]
    except (OSError, IndexError):
        total = "?"
    load = os.getloadavg()
    return (f"{os.cpu_count()} CPUs (nproc), {total} RAM, Python {platform.python_version()}, "
            f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
            f"{datetime.datetime.now().isoformat(timespec='minutes')}")


def wait_quiet(max_load=1.5, max_wait=0.0):
    """Wait up to max_wait seconds for the 1-minute load to drop below max_load (shared box)."""
    deadline = time.monotonic() + max_wait
    while os.getloadavg()[0] > max_load and time.monotonic() < deadline:
        time.sleep(5)
    return os.getloadavg()[0]


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, timeout=60.0):
    """Poll url until it answers (any HTTP status) or raise after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {timeout} s") from None
            time.sleep(0.2)


@contextmanager
def server(args, env, url, log):
    """A server subprocess (started with args), waited for at url, stopped at the end."""
    with open(log, "w") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT,
                                cwd=ROOT)
    try:
        wait_http(url)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def peak_rss_mb(pid) -> float:
    """VmHWM (peak resident memory) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@contextmanager
def scratch_database(kind, tmp, prefix="bench_"):
    """A fresh database URL: a SQLite file in tmp, or a PostgreSQL or MariaDB database
    named `prefix` and a random suffix, created here and dropped at the end."""
    if kind == "sqlite":
        yield f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        return
    name = f"{prefix}{uuid.uuid4().hex[:10]}"
    if kind == "postgresql":
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"postgresql://postgres@127.0.0.1:5432/{name}"
        finally:
            with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    if kind != "mariadb":
        raise ValueError(kind)
    import pymysql

    def admin(sql):
        with pymysql.connect(host="127.0.0.1", port=3306, user="root") as conn:
            conn.cursor().execute(sql)

    # The test suite's character set and collation (tests/conftest.py).
    admin(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    try:
        yield f"mysql+pymysql://root@127.0.0.1:3306/{name}?charset=utf8mb4"
    finally:
        admin(f"DROP DATABASE IF EXISTS `{name}`")


def scoring_env(tmp, url) -> dict:
    """Environment for the `scoring` command on a scratch instance folder and database."""
    env = dict(os.environ)
    env.update({"SCORING_INSTANCE_PATH": str(tmp), "SCORING_DATABASE_URL": url,
                "SCORING_SECRET_KEY": "bench-" + uuid.uuid4().hex, "PYTHONPATH": str(ROOT)})
    return env


def have_postgresql() -> bool:
    """Whether the local PostgreSQL answers (the benchmarks skip it otherwise)."""
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


def chromium() -> str | None:
    """Debian's chromium, the browser Playwright can launch here."""
    return shutil.which("chromium")
