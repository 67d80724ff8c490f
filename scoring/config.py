"""Configuration: defaults, instance/config.py, then the environment."""
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(Exception):
    """A setup problem the operator can fix; shown as one line, never a traceback."""


DEFAULTS = {
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "BABEL_DEFAULT_LOCALE": "zh_CN",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "LANGUAGES": {"zh_CN": "中文", "en": "English"},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # A judge's login lasts the contest day (and a bit): no re-login mid-stage.
    "PERMANENT_SESSION_LIFETIME": 60 * 60 * 18,
    # The cookie is signed again only when the session changes (login, language), not on
    # every response: a judge's cookie then ends 18 hours after login, which is also the
    # server-side session's absolute lifetime (web/sessions.py), and organizer cookies are
    # never permanent. Re-signing every poll and sheet was a tenth of a request's CPU.
    "SESSION_REFRESH_EACH_REQUEST": False,
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "SCORING_PDF_FONT": None,
    # werkzeug's scrypt (about 0.1 s a hash, on purpose). The test suite sets a cheap
    # method: it creates and logs in thousands of accounts, and hashing was a quarter of
    # its time. A stored hash names its method, so checks follow whatever made it.
    "PASSWORD_HASH_METHOD": "scrypt",
}


def secret_key_for(instance_path: str) -> str:
    """Return the secret key kept in the instance folder, creating it once."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    # Written with 0600 so the key is not readable by other local users.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def normalize_database_url(url: str) -> str:
    """Map the short URLs people type to the drivers this project ships."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    for prefix in ("mysql://", "mariadb://", "mariadb+pymysql://"):
        if url.startswith(prefix):
            url = "mysql+pymysql://" + url[len(prefix):]
    if url.startswith("mysql+pymysql://") and "charset=" not in url:
        url += ("&" if "?" in url else "?") + "charset=utf8mb4"
    return url
