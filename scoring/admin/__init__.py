"""Organizer pages: setup, rules, live progress, results, reports (one module per area)."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

# Each module registers its routes and menu entries on bp at import.
from . import live, paper, reports, results, review, room_board, routes, rules, setup  # noqa: E402,F401
