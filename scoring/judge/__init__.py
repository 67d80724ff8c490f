"""Judge pages: private-link login, the judge's home and score sheets, the scoring API."""
from flask import Blueprint

bp = Blueprint("judge", __name__)

from . import api, routes  # noqa: E402,F401
