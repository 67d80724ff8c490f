"""Two requests at the same moment: a conflict is answered as one, and logins never meet.

A deadlock or a lock wait run out is not "the database cannot be reached": the page says
another change was being saved and to send the request again (web/errors.py,
web/dbconflicts.py). Organizer logins forget old session rows by their ids, so concurrent
logins lock nothing of each other's (web/sessions.forget_old; on MariaDB a scanning
DELETE deadlocked two logins).
"""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import OperationalError

from scoring.extensions import db
from scoring.models import LoginSession, User, utcnow
from scoring.web import dbconflicts
from scoring.web import sessions as login_sessions
from tests.conftest import make_user


class _MariaDBError(Exception):
    """What pymysql raises: the error code first."""


class _PostgresError(Exception):
    """What psycopg raises: the SQLSTATE as an attribute."""

    def __init__(self, message, sqlstate):
        super().__init__(message)
        self.sqlstate = sqlstate


CONFLICTS = {
    "mariadb deadlock": _MariaDBError(1213, "Deadlock found when trying to get lock"),
    "mariadb lock wait": _MariaDBError(1205, "Lock wait timeout exceeded"),
    "postgresql deadlock": _PostgresError("deadlock detected", "40P01"),
    "postgresql serialization": _PostgresError("could not serialize access", "40001"),
    "sqlite locked": Exception("database is locked"),
}


@pytest.fixture
def raising(make_app):
    """An app with a route that raises the OperationalError it is given."""
    app = make_app("sqlite", PROPAGATE_EXCEPTIONS=False)
    box = {}

    @app.route("/__conflict")
    def conflict():
        raise OperationalError("UPDATE competition SET x = 1", {}, box["orig"])

    return app, box


@pytest.mark.parametrize("kind", list(CONFLICTS))
@pytest.mark.parametrize("lang, text, not_text", [
    ("zh_CN", "同一时刻正在保存另一项修改", "数据库暂时无法连接"),
    ("en", "Another change was being saved at the same moment",
     "The database cannot be reached"),
])
def test_a_conflict_says_send_again_not_database_down(raising, kind, lang, text, not_text):
    app, box = raising
    box["orig"] = CONFLICTS[kind]
    client = app.test_client()
    with client.session_transaction() as session:
        session["lang"] = lang
    r = client.get("/__conflict")
    body = r.get_data(as_text=True)
    assert r.status_code == 503 and r.headers["Retry-After"] == "1"
    assert text in body and not_text not in body
    assert "Traceback" not in body and "UPDATE" not in body


def test_a_lost_connection_is_still_database_unavailable(raising):
    app, box = raising
    box["orig"] = _MariaDBError(2003, "Can't connect to MySQL server")
    r = app.test_client().get("/__conflict")
    assert r.status_code == 503 and "数据库暂时无法连接" in r.get_data(as_text=True)
    assert r.headers["Retry-After"] == "5"


@pytest.mark.parametrize("kind", list(CONFLICTS))
def test_every_conflict_kind_is_retried_by_writers(kind):
    assert dbconflicts.retryable(OperationalError("x", {}, CONFLICTS[kind]))
    assert dbconflicts.lock_conflict(OperationalError("x", {}, CONFLICTS[kind]))
    assert not dbconflicts.lock_conflict(ValueError("database is locked"))


def _sessions(app, user_id, *ages_in_days):
    """Session rows of user_id, created that many days ago."""
    with app.app_context():
        now = utcnow()
        for i, days in enumerate(ages_in_days):
            at = now - timedelta(days=days)
            db.session.execute(insert(LoginSession).values(
                id=f"{days:03d}-{i:04d}".ljust(64, "0"), kind="user", user_id=user_id,
                created_at=at, last_seen_at=at))
        db.session.commit()


def _login(client, username, password, address="127.0.0.1"):
    return client.post("/admin/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_a_login_forgets_only_sessions_older_than_the_week_kept(app):
    make_user(app, "organizer", "organizer-password")
    with app.app_context():
        uid = db.session.scalar(select(User.id).where(User.username == "organizer"))
    # 12 h absolute lifetime + 7 days kept: 8 days is gone, 6 days stays.
    _sessions(app, uid, 8, 8, 30, 6, 1)
    assert _login(app.test_client(), "organizer", "organizer-password").status_code == 302
    with app.app_context():
        ages = sorted(row_id[:3] for row_id in db.session.scalars(select(LoginSession.id)))
    assert ages[:2] == ["001", "006"] and len(ages) == 3  # and the new session's row


def test_organizers_logging_in_at_the_same_moment_all_get_in(app, make_app):
    """Eight logins at once, old rows waiting to be forgotten: none meets another."""
    make_user(app, "organizer", "organizer-password")
    with app.app_context():
        uid = db.session.scalar(select(User.id).where(User.username == "organizer"))
    _sessions(app, uid, *([10] * 20))
    second = make_app("sqlite", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    start = threading.Barrier(8)
    codes = [None] * 8

    def one(i):
        client = (app, second)[i % 2].test_client()
        start.wait()
        # Each from its own address: attempts in flight hold a throttle slot of their pair.
        codes[i] = _login(client, "organizer", "organizer-password",
                          address=f"10.9.0.{i + 1}").status_code

    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert codes == [302] * 8
    with app.app_context():
        left = db.session.scalar(select(func.count(LoginSession.id)))
    assert left == 8  # the 20 old rows forgotten, the 8 new sessions kept


def test_forgetting_old_sessions_locks_no_live_session(app):
    """While a login forgets old rows, every live session's row stays free: a judge's
    touch or another login never waits for it (nor deadlocks with it on MariaDB)."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite locks the whole database for a writer")
    make_user(app, "organizer", "organizer-password")
    with app.app_context():
        uid = db.session.scalar(select(User.id).where(User.username == "organizer"))
    _sessions(app, uid, 10, 1)
    with app.app_context():
        live = db.session.scalar(select(LoginSession.id).where(LoginSession.id.like("001-%")))
        login_sessions.forget_old()  # the login's transaction, still open
        with db.engine.connect() as other:
            if other.dialect.name == "postgresql":
                other.exec_driver_sql("SET lock_timeout = '1s'")
            else:
                other.exec_driver_sql("SET SESSION innodb_lock_wait_timeout = 1")
            other.execute(update(LoginSession).where(LoginSession.id == live)
                          .values(last_seen_at=utcnow()))
            other.rollback()
        db.session.commit()
        left = sorted(r[:3] for r in db.session.scalars(select(LoginSession.id)))
    assert left == ["001"]


def test_a_login_forgets_stale_throttle_slots_and_locks_no_fresh_one(app):
    """A success clears slots older than the window by their keys; a slot still counting
    (another address's failure) stays, and stays free for that address's next attempt."""
    from scoring.models import LoginSlot
    from scoring.operations import throttle

    make_user(app, "organizer", "organizer-password")
    with app.app_context():
        now = utcnow()
        old = now - throttle.WINDOW - timedelta(minutes=1)
        db.session.execute(insert(LoginSlot), [
            {"key": "addr:10.7.0.1", "slot": 0, "at": old},
            {"key": "addr:10.7.0.2", "slot": 0, "at": old},
            {"key": "addr:10.7.0.3", "slot": 0, "at": now}])
        db.session.commit()
        verdict = throttle.Attempt(True, taken=[], pair="pair:127.0.0.1 organizer")
        if db.engine.dialect.name != "sqlite":
            # The success's transaction, held open at the cleanup: the fresh slot is free.
            with db.engine.connect() as other:
                real = db.session.commit

                def commit_after_a_look():
                    if other.dialect.name == "postgresql":
                        other.exec_driver_sql("SET lock_timeout = '1s'")
                    else:
                        other.exec_driver_sql("SET SESSION innodb_lock_wait_timeout = 1")
                    other.execute(update(LoginSlot).where(LoginSlot.key == "addr:10.7.0.3")
                                  .values(at=utcnow()))
                    other.rollback()
                    real()

                db.session.commit = commit_after_a_look
                try:
                    throttle.succeeded(verdict)
                finally:
                    del db.session.commit
        else:
            throttle.succeeded(verdict)
        keys = sorted(db.session.scalars(select(LoginSlot.key)))
    assert keys == ["addr:10.7.0.3"]


UNIQUE_CLASHES = {
    "mariadb": _MariaDBError(1062, "Duplicate entry 'x' for key 'uq_department'"),
    "postgresql": _PostgresError("duplicate key value violates unique constraint", "23505"),
    "sqlite": Exception("UNIQUE constraint failed: department.competition_id, department.name"),
    # Another request deleted the row this one points to.
    "mariadb fk": _MariaDBError(1452, "Cannot add or update a child row: a foreign key "
                                      "constraint fails"),
    "postgresql fk": _PostgresError("insert violates foreign key constraint", "23503"),
    "sqlite fk": Exception("FOREIGN KEY constraint failed"),
}
NOT_UNIQUE = {
    "mariadb": _MariaDBError(1048, "Column 'name' cannot be null"),
    "postgresql": _PostgresError("null value in column violates not-null constraint", "23502"),
    "sqlite": Exception("NOT NULL constraint failed: department.name"),
}


@pytest.mark.parametrize("kind", list(UNIQUE_CLASHES))
def test_only_a_write_clash_is_answered_as_saved_twice(make_app, kind):
    from sqlalchemy.exc import IntegrityError

    app = make_app("sqlite", PROPAGATE_EXCEPTIONS=False)
    box = {}

    @app.route("/__clash")
    def clash():
        raise IntegrityError("INSERT INTO department", {}, box["orig"])

    box["orig"] = UNIQUE_CLASHES[kind]
    r = app.test_client().get("/__clash")
    assert r.status_code == 409 and "另一请求同时保存了相同内容" in r.get_data(as_text=True)
    # NOT NULL (or CHECK) is a fault of the code, not a second request: the 500 page,
    # logged, never "was the form sent twice?".
    box["orig"] = NOT_UNIQUE[kind.split()[0]]
    r = app.test_client().get("/__clash")
    assert r.status_code == 500 and "另一请求" not in r.get_data(as_text=True)
