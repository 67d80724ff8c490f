"""bench.load's server side: `scoring serve` (or gunicorn) in a subprocess, and a fresh
database on a PostgreSQL or MariaDB server for one run."""
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from .load_http import free_port

ROOT = Path(__file__).resolve().parent.parent
SCORING = str(Path(sys.executable).with_name("scoring"))


# ---- a server in a subprocess -------------------------------------------------------------

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
