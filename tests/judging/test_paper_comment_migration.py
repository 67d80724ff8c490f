"""Migration 0011 (paper_entry.comment) on each database: an entry typed before it keeps
its scores and has no comment; downgrading drops the column and keeps the entry."""
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from scoring import create_app
from scoring.extensions import db
from tests.conftest import DATABASES, SERVER_URLS


@pytest.fixture(params=DATABASES)
def empty_url(request, tmp_path):
    """A URL of a new, empty database of each kind; dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.sqlite'}"
        return
    server = make_url(SERVER_URLS[request.param])
    name = f"scoring_mig_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
    admin.dispose()


def _columns(conn) -> set:
    return {c["name"] for c in sa.inspect(conn).get_columns("paper_entry")}


def test_0011_adds_and_drops_the_paper_comment_keeping_entries(empty_url, tmp_path):
    from flask_migrate import downgrade, upgrade

    from scoring.models import User
    from scoring.operations.demo import load_demo

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_url,
                      "SECRET_KEY": "test", "INSTANCE_PATH": str(tmp_path / "inst")})
    with app.app_context():
        upgrade(revision="0010")
        load_demo()
        typist = User(username="typist", password_hash="x", role="staff")
        db.session.add(typist)
        db.session.flush()
        user_id = typist.id
        db.session.commit()
        db.session.remove()  # SQLite: no transaction left open beside the raw connections
        with db.engine.begin() as conn:
            ids = conn.execute(sa.text("SELECT j.id, t.id, s.id FROM judge j, team t, stage s "
                                       "ORDER BY j.id, t.id, s.id")).first()
            conn.execute(sa.text(
                "INSERT INTO paper_entry (judge_id, team_id, stage_id, user_id, scores_json) "
                "VALUES (:j, :t, :s, :u, '{\"a\": \"1\"}')"),
                {"j": ids[0], "t": ids[1], "s": ids[2], "u": user_id})
        upgrade(revision="0011")
        with db.engine.begin() as conn:
            assert "comment" in _columns(conn)
            assert conn.execute(sa.text("SELECT scores_json, comment FROM paper_entry")).all() \
                == [('{"a": "1"}', None)]
            conn.execute(sa.text("UPDATE paper_entry SET comment = :c"), {"c": "评语\n第二行"})
            assert conn.execute(sa.text("SELECT comment FROM paper_entry")).scalar() \
                == "评语\n第二行"
        downgrade(revision="0010")
        with db.engine.begin() as conn:
            assert "comment" not in _columns(conn)
            assert conn.execute(sa.text("SELECT count(*) FROM paper_entry")).scalar() == 1
        db.session.remove()
        db.engine.dispose()
