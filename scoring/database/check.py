"""Start-up checks that turn a bad setup into one line saying what to do."""
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, NoSuchModuleError

from ..config import PROJECT_ROOT, ConfigError


def safe_url(url: str) -> str:
    """The database URL without its password, fit to print."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is reported by the caller
        return "(unparsable URL)"


def check_database(app) -> None:
    """Raise ConfigError when the database is unreachable or its schema is not current."""
    from alembic.config import Config

    from ..extensions import db

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        try:
            with db.engine.connect() as conn:
                current = set(MigrationContext.configure(conn).get_current_heads())
        except (DBAPIError, NoSuchModuleError, ValueError) as exc:
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            raise ConfigError(
                f"Cannot reach the database {safe_url(url)} ({reason}); check "
                "SCORING_DATABASE_URL and that the server is running."
            ) from None
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    heads = set(ScriptDirectory.from_config(config).get_heads())
    if current != heads:
        state = "empty" if not current else "behind the code"
        raise ConfigError(
            f"The database {safe_url(url)} is {state} (schema {sorted(current) or 'none'}, "
            f"code expects {sorted(heads)}): run `scoring db upgrade`."
        )
