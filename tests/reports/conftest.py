"""Fixtures of the report tests."""
import pytest

from scoring.extensions import db
from scoring.operations.demo import load_demo


@pytest.fixture
def demo_sqlite(sqlite_app):
    """The demo contest on SQLite; yields the app inside an app context."""
    with sqlite_app.app_context():
        load_demo()
        db.session.commit()
        yield sqlite_app
