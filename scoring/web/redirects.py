"""Redirects that stay on this site."""
from urllib.parse import urlsplit

from flask import url_for


def safe_next(target: str | None, default: str = "admin.index") -> str:
    """Only a path on this site: never an open redirect after login or a language switch."""
    if not target:
        return url_for(default)
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return url_for(default)
    return target
