"""Competition scoring system: the application factory."""
import os
from pathlib import Path

from flask import Flask

from .config import (  # noqa: F401 (ConfigError: raised by the factory, caught by the CLI)
    DEFAULTS,
    PROJECT_ROOT,
    ConfigError,
    normalize_database_url,
    secret_key_for,
)


def create_app(test_config=None):
    """Build the Flask app from defaults, instance/config.py, the environment and test_config."""
    instance_path = (
        (test_config or {}).get("INSTANCE_PATH")
        or os.environ.get("SCORING_INSTANCE_PATH")
        or str(PROJECT_ROOT / "instance")
    )
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    if test_config is not None:
        app.config.from_mapping(test_config)
    _apply_environment(app, test_config or {})
    _ensure_instance(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key_for(app.instance_path)
    app.config.setdefault(
        "SQLALCHEMY_DATABASE_URI",
        "sqlite:///" + os.path.join(app.instance_path, "scoring.sqlite"),
    )
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    _engine_options(app)

    from . import cli, models  # noqa: F401 (models: metadata)
    from .admin import bp as admin_bp
    from .database import engine
    from .extensions import babel, csrf, db, login, migrate
    from .judge import bp as judge_bp
    from .public import bp as public_bp
    from .web import caching, converters, errors, flashes, i18n, security

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login.init_app(app)
    i18n.init_app(app, babel)
    engine.init_app(app)
    security.init_app(app)
    caching.init_app(app)
    flashes.init_app(app)
    converters.init_app(app)
    app.register_blueprint(public_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(judge_bp)
    errors.init_app(app)
    cli.init_app(app)
    return app


def _apply_environment(app, test_config):
    """Environment variables override instance/config.py (but not an explicit test config)."""
    url = os.environ.get("SCORING_DATABASE_URL")
    if url and "SQLALCHEMY_DATABASE_URI" not in test_config:
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    if os.environ.get("SCORING_HTTPS") and "SCORING_HTTPS" not in test_config:
        app.config["SCORING_HTTPS"] = os.environ["SCORING_HTTPS"].lower() in ("1", "true", "yes")
    public = os.environ.get("SCORING_PUBLIC_URL")
    if public and "SCORING_PUBLIC_URL" not in test_config:
        app.config["SCORING_PUBLIC_URL"] = public
    key = os.environ.get("SCORING_SECRET_KEY")
    if key and "SECRET_KEY" not in test_config:
        app.config["SECRET_KEY"] = key


def _ensure_instance(app):
    """Create the instance folder, or say clearly why it cannot be used."""
    try:
        os.makedirs(app.instance_path, exist_ok=True)
        probe = Path(app.instance_path) / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(
            f"The instance folder {app.instance_path} is not writable ({exc.strerror}); "
            "make it writable or set SCORING_INSTANCE_PATH to a folder that is."
        ) from None


def _engine_options(app):
    """Pool settings per database; SQLite's own locking setup lives in database/engine.py."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if not url.startswith("sqlite"):
        # Venue networks and MariaDB's wait_timeout both drop idle connections.
        options.setdefault("pool_pre_ping", True)
        options.setdefault("pool_recycle", 1800)
    else:
        options.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
