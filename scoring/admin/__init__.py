"""Organizer pages: setup, rules, live progress, results, reports (one module per area)."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

# Each module registers its routes and menu entries on bp at import.
from . import (  # noqa: E402,F401
    archived,
    deductions,
    hall,
    judge_review,
    live,
    materials,
    paper,
    reports,
    results,
    review,
    room_board,
    routes,
    rules,
    setup,
)
