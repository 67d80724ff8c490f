"""Organizer pages: setup, live progress, results, reports (one module per area)."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import routes  # noqa: E402,F401  (registers the routes on bp)
