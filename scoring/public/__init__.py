"""Public pages: home, language switch, draw and score projector, published results."""
from flask import Blueprint

bp = Blueprint("public", __name__)

from . import draw, projector, results, room_projector, routes, team, venue_ca  # noqa: E402,F401,I001
