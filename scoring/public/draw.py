"""The draw on the projector: the order revealed team by team, with the seed shown."""
from flask import abort, render_template

from ..extensions import db
from ..models import Competition
from ..rules import DRAW_ONE_LINER
from . import bp


@bp.route("/draw/<key>")
def draw(key):
    """Public projector page (no login): big type, dark background, one team per keypress."""
    competition = db.session.scalar(db.select(Competition).filter_by(key=key))
    if competition is None or competition.archived:
        abort(404)
    order = sorted((t for t in competition.teams if t.draw_position is not None),
                   key=lambda t: t.draw_position)
    return render_template("public/draw.html", competition=competition, order=order,
                           one_liner=DRAW_ONE_LINER)
