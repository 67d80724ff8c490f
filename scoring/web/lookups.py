"""Lookups for the web pages: the row asked for in the URL, or a 404 page."""
from flask import abort

from ..extensions import db
from ..models import Competition


def competition_or_404(key: str, *, public: bool = False) -> Competition:
    """The competition with this key, or 404; public pages never show an archived one."""
    comp = db.session.scalar(db.select(Competition).filter_by(key=key))
    if comp is None or (public and comp.archived):
        abort(404)
    return comp
