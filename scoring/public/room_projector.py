"""A projector per room (DESIGN section 12): the room's teams in presentation order, the
team presenting, and the scores the organizer has revealed, as the main projector."""
from flask import abort, render_template
from sqlalchemy import select

from ..extensions import db
from ..models import Room, TeamRoom
from ..operations import live as ops
from ..web.lookups import competition_or_404
from . import bp


@bp.route("/projector/<key>/<room_stage>/room/<room_key>")
def room_projector(key, room_stage, room_key):
    """The big screen of one room; it reloads itself every few seconds."""
    comp = competition_or_404(key, public=True)
    stage = next((s for s in comp.stages if s.key == room_stage), None)
    if stage is None:
        abort(404)
    room = db.session.scalar(select(Room).where(Room.stage_id == stage.id,
                                                Room.key == room_key))
    if room is None:
        abort(404)
    team_ids = set(db.session.scalars(select(TeamRoom.team_id).where(
        TeamRoom.room_id == room.id)))
    state = ops.projector_state(comp, stage)
    order = [o for o in state["order"] if o["team"].id in team_ids]
    featured = [c for c in state["featured"] if c["team"].id in team_ids]
    return render_template("public/room_projector.html", competition=comp, stage=stage,
                           room=room, order=order, featured=featured)
