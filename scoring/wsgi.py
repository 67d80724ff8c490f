"""The WSGI application for several workers: `gunicorn -w 4 --threads 8 --preload scoring.wsgi:app`.

Built once from the environment, as `scoring serve` does, and refusing to start on an
unreachable database or a schema behind the code, with the same one-line message. With
--preload it is built in gunicorn's master and the workers fork from it ready to serve;
the database pool is emptied before that, so no connection is shared across a fork (each
worker opens its own). Nothing is kept in one worker's memory: live pages poll a version
number kept in the database, so the workers share everything through it.
"""
from . import create_app
from .database.check import check_database
from .extensions import db

app = create_app()
check_database(app)
with app.app_context():
    db.engine.dispose()
