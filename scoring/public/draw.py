"""The draw on the projector: the order revealed team by team, with the seed shown."""
import hashlib

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
                           one_liner=DRAW_ONE_LINER, draw_sig=draw_signature(competition))


def draw_signature(competition) -> str:
    """What the draw page shows, in one short text: the method, the seed, the order."""
    order = sorted((t.draw_position, t.key, t.name) for t in competition.teams
                   if t.draw_position is not None)
    text = repr((competition.draw_method, competition.draw_seed, order))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
