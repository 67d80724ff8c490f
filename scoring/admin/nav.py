"""The organizer menu: each area of the admin pages registers its own entries."""
from dataclasses import dataclass

from flask import url_for
from werkzeug.routing import BuildError


@dataclass(frozen=True)
class NavItem:
    """One menu entry; per_competition entries take the competition key."""

    order: int
    endpoint: str
    label: object  # a lazy_gettext string
    per_competition: bool = True
    admin_only: bool = False


ITEMS: list[NavItem] = []


def register(order, endpoint, label, per_competition=True, admin_only=False) -> None:
    """Add a menu entry (called at import time by each admin module)."""
    ITEMS.append(NavItem(order, endpoint, label, per_competition, admin_only))
    ITEMS.sort(key=lambda item: item.order)


def links(competition_key=None, is_admin=False):
    """(url, label, endpoint) of the entries this user may see, skipping unknown endpoints."""
    out = []
    for item in ITEMS:
        if item.admin_only and not is_admin:
            continue
        if item.per_competition != (competition_key is not None):
            continue
        try:
            kwargs = {"key": competition_key} if item.per_competition else {}
            out.append((url_for(item.endpoint, **kwargs), item.label, item.endpoint))
        except BuildError:
            continue
    return out
