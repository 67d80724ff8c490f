"""Database engine setup: SQLite locking that does not lose updates (DESIGN section 8)."""
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

_installed = False


def _sqlite_connect(dbapi_connection, connection_record):
    """Let SQLAlchemy, not pysqlite, decide when transactions begin; WAL and a long busy wait."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn):
    """Take the write lock at BEGIN: a read-modify-write can then never be lost."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def init_app(app):
    """Install the engine listeners once per process (they check the dialect themselves)."""
    global _installed
    if not _installed:
        event.listen(Engine, "connect", _sqlite_connect)
        event.listen(Engine, "begin", _sqlite_begin)
        _installed = True
