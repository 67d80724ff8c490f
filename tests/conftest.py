"""Fixtures: an app per database named in SCORING_TEST_DATABASES (SQLite always).

Each database's schema is built by the migrations (never create_all), once per test
run, in a database private to this run; every test then starts from empty tables.
"""
import os
import shutil
import uuid

import jinja2
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from scoring import create_app
from scoring.extensions import db as _db

# The browser fixtures live in their own module; imported, pytest finds them here.
from tests.browser_fixtures import (  # noqa: F401
    browser,
    demo_server,
    live_server,
    playwright_session,
    tablet,
)

SERVER_URLS = {
    "postgresql": os.environ.get("SCORING_TEST_POSTGRESQL_URL",
                                 "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    "mariadb": os.environ.get("SCORING_TEST_MARIADB_URL",
                              "mysql+pymysql://root@127.0.0.1:3306/test?charset=utf8mb4"),
}


def _databases() -> list[str]:
    named = [n.strip() for n in os.environ.get("SCORING_TEST_DATABASES", "sqlite").split(",")]
    unknown = set(named) - {"sqlite", *SERVER_URLS}
    if unknown:
        raise pytest.UsageError(f"SCORING_TEST_DATABASES names unknown databases: {unknown}")
    return ["sqlite"] + [n for n in named if n and n != "sqlite"]


DATABASES = _databases()


def _share_url_builders() -> None:
    """Werkzeug compiles two URL-builder functions (Python source, ast, compile) for every
    rule of every new app: a tenth of a second of each test's create_app. The function is
    made from the rule's parsed parts alone and reads the rule itself (its converters)
    only when called, through the Rule it is bound to; so one compiled function serves
    every app's copy of a rule. Rules whose variables have defaults (resolved into the
    code through a converter) are compiled as before."""
    from werkzeug.routing.rules import Rule

    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None:  # another werkzeug: nothing to share
        return
    kept = {}

    def shared(self, append_unknown=True):
        defaults = self.defaults or {}
        if any(dynamic and name in defaults for dynamic, name in self._trace):
            return compile_builder(self, append_unknown)
        key = (self.rule, tuple(self._trace), tuple(defaults), append_unknown)
        if key not in kept:
            kept[key] = compile_builder(self, append_unknown)
        return kept[key]

    Rule._compile_builder = shared


_share_url_builders()


def _upgrade(url: str, instance: str) -> None:
    """Build the schema with the migrations, as `scoring db upgrade` does."""
    from flask_migrate import upgrade

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "SECRET_KEY": "test", "INSTANCE_PATH": instance})
    with app.app_context():
        upgrade()
        _db.engine.dispose()


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory):
    """Per database kind: a URL factory giving each test an empty, migrated database."""
    made, cleanup = {}, []
    root = tmp_path_factory.mktemp("db")
    for kind in DATABASES:
        if kind == "sqlite":
            template = root / "template.sqlite"
            _upgrade(f"sqlite:///{template}", str(root / "inst-sqlite"))
            made[kind] = str(template)
            continue
        server = make_url(SERVER_URLS[kind])
        name = f"scoring_test_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}" + (
                " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" if kind == "mariadb" else ""))
        url = server.set(database=name).render_as_string(hide_password=False)
        _upgrade(url, str(root / f"inst-{kind}"))
        made[kind] = url
        cleanup.append((admin, name))
    yield made
    for admin, name in cleanup:
        with admin.connect() as conn:
            if admin.dialect.name == "postgresql":
                conn.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = '{name}' AND pid <> pg_backend_pid()")
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        admin.dispose()


def _empty_tables(app) -> None:
    """Delete every row (children first) so the next test starts clean."""
    with app.app_context():
        engine = _db.engine
        with engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())
            if engine.dialect.name == "postgresql":
                # Ids start again at 1, as in a fresh database. (DELETE and setval, not
                # TRUNCATE ... RESTART IDENTITY: on these small tables TRUNCATE cost
                # 0.3 s a test, 150 s of a CI run.)
                conn.exec_driver_sql("SELECT " + ", ".join(
                    f"setval(pg_get_serial_sequence('{t.name}', '{c.name}'), 1, false)"
                    for t in _db.metadata.sorted_tables for c in t.primary_key.columns
                    if c.autoincrement is True or (c.autoincrement == "auto"
                                                   and c.type._type_affinity is sa.Integer
                                                   and len(t.primary_key.columns) == 1)))
        engine.dispose()


@pytest.fixture(scope="session")
def compiled_catalogs(tmp_path_factory):
    """The translation catalogs compiled once per worker, as create_app compiles them into
    an instance folder (scoring/web/i18n.py)."""
    from scoring.web.i18n import compile_catalogs

    target = tmp_path_factory.mktemp("catalogs") / "translations"
    compile_catalogs(target)
    return target


def _compiles_alike(env) -> tuple:
    """What a template's compiled code depends on besides its source: the syntax, the
    extensions (Flask-Babel's i18n and its newstyle gettext) and the code generator's
    options."""
    def name(value):
        return getattr(value, "__qualname__", value)

    return (tuple(sorted(name(type(e)) for e in env.extensions.values())),
            env.block_start_string, env.block_end_string, env.variable_start_string,
            env.variable_end_string, env.comment_start_string, env.comment_end_string,
            env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
            env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
            env.optimized, env.is_async, name(env.autoescape), name(env.finalize),
            getattr(env, "newstyle_gettext", None))


class _SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates kept in memory for every app of this worker. Each test's app has
    a Jinja environment of its own, which compiled every template it rendered again (0.1
    to 0.2 s of CPU in a test that opens a few pages). The code is kept per template
    source (Jinja's checksum: an edited template is compiled afresh) and per environment
    setting that the compiled code depends on (_compiles_alike)."""

    def __init__(self):
        self.kept = {}

    def load_bytecode(self, bucket):
        code = self.kept.get((bucket.key, bucket.checksum, _compiles_alike(bucket.environment)))
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self.kept[(bucket.key, bucket.checksum, _compiles_alike(bucket.environment))] = \
            bucket.bytecode_to_string()


_TEMPLATES = _SharedBytecode()


@pytest.fixture
def make_app(database_templates, compiled_catalogs, tmp_path):
    """Factory: make_app(kind="sqlite", **config) -> app on an empty migrated database."""
    made = []
    instance = tmp_path / "instance"
    if not (instance / "translations").exists():
        # The catalogs as a started app leaves them in its instance folder (up to date:
        # create_app compiles again only from .po fragments newer than these). Compiling
        # them for each test's new instance folder cost 0.08 s of CPU in every create_app.
        shutil.copytree(compiled_catalogs, instance / "translations")

    def factory(kind="sqlite", **config):
        if kind == "sqlite":
            path = tmp_path / f"test-{len(made)}.sqlite"
            shutil.copy(database_templates["sqlite"], path)
            url = f"sqlite:///{path}"
        else:
            url = database_templates[kind]
        settings = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test",
                    "WTF_CSRF_ENABLED": False, "INSTANCE_PATH": str(instance),
                    "SERVER_NAME": "scoring.test",
                    # One cheap hash round: the suite makes thousands of accounts and logins;
                    # tests/hardening/test_auth.py checks the product's default (scrypt).
                    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"}
        settings.update(config)
        app = create_app(settings)
        app.jinja_env.bytecode_cache = _TEMPLATES
        made.append((kind, app))
        return app

    yield factory
    for kind, app in made:
        if kind != "sqlite":
            _empty_tables(app)
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture(params=DATABASES)
def app(request, make_app):
    """The app on each database in SCORING_TEST_DATABASES, CSRF off for brevity."""
    return make_app(request.param)


@pytest.fixture
def sqlite_app(make_app):
    """The app on SQLite only (for tests whose subject is not the database)."""
    return make_app("sqlite")


@pytest.fixture
def client(app):
    """A test client of app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner of app."""
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """The session, inside an app context of app."""
    with app.app_context():
        yield _db


def make_user(app, username="alice", password="correct horse", role="admin"):
    """Create an organizer account and return its username."""
    from scoring.operations.users import upsert_user

    with app.app_context():
        upsert_user(username, password, role=role)
        _db.session.commit()
    return username


@pytest.fixture
def login(app, client):
    """login(role="admin"|"staff", username=None): log client in as a new organizer."""

    def do(role="admin", username=None, c=None):
        username = username or role
        make_user(app, username, "password-" + username, role)
        response = (c or client).post("/admin/login", data={
            "username": username, "password": "password-" + username})
        assert response.status_code == 302, response.get_data(as_text=True)
        return username

    return do


# The demo contest's rows per database kind, read back after the first load_demo of this
# worker: later tests insert them as they are (a few ms) instead of building the contest
# again through the operations (load_demo: about a tenth of a second, several hundred
# tests). Only into an empty database, where the same ids are free.
_DEMO_ROWS: dict = {}


def _demo_rows(conn) -> list:
    return [(table, [dict(r) for r in conn.execute(table.select()).mappings()])
            for table in _db.metadata.sorted_tables]


def _empty(conn) -> bool:
    return not any(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                   for table in _db.metadata.sorted_tables)


def _insert_demo(conn, rows) -> bool:
    """Insert the kept demo rows; False (nothing done) when the database is not empty."""
    if not _empty(conn):
        return False
    for table, table_rows in rows:
        if table_rows:
            conn.execute(table.insert(), table_rows)
    if conn.dialect.name == "postgresql":  # the sequences go on after the inserted ids
        for table, table_rows in rows:
            if table_rows and "id" in table.c and len(table.primary_key.columns) == 1:
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT MAX(id) FROM {table.name}))")
    return True


@pytest.fixture
def demo(app):
    """The demo contest loaded into app's database; returns its key."""
    from scoring.operations.demo import DEMO_KEY, load_demo

    with app.app_context():
        kind = _db.engine.dialect.name
        with _db.engine.begin() as conn:
            if kind in _DEMO_ROWS and _insert_demo(conn, _DEMO_ROWS[kind]):
                return DEMO_KEY
            keep = kind not in _DEMO_ROWS and _empty(conn)
        load_demo()
        _db.session.commit()
        if keep:  # the demo alone: kept for the next tests of this worker
            with _db.engine.connect() as conn:
                _DEMO_ROWS[kind] = _demo_rows(conn)
    return DEMO_KEY


# The files that take longest (measured with --durations=0 on CI), started first: under
# pytest-xdist --dist loadfile a file goes to the next free worker in collection order,
# so a long file collected last leaves the other workers idle at the end of the run.
SLOW_FIRST = (
    "tests/venue/test_tablet_cut.py", "tests/venue/test_contest_day.py",
    "tests/hardening/test_hostile_admin.py", "tests/hardening/test_hostile_requests.py",
    "tests/hardening/test_roles.py", "tests/hardening/test_fuzz.py",
    "tests/judging/test_hall.py", "tests/hardening/test_scaleout.py",
    "tests/venue/test_materials_cut.py", "tests/judging/test_guards.py",
    "tests/hardening/test_auth.py", "tests/judging/test_hall_browser.py",
    "tests/venue/test_https_reload.py", "tests/hardening/test_backup.py",
    "tests/reports/test_reports.py", "tests/judging/test_lock_races.py",
    "tests/hardening/test_load.py", "tests/venue/test_harness.py",
    "tests/judging/test_tablet.py", "tests/judging/test_api.py",
)


def pytest_collection_modifyitems(config, items):
    """Put the files of SLOW_FIRST first (a stable sort: the rest keep their order)."""
    rank = {path: i for i, path in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))
