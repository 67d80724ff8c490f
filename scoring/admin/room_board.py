"""The live board of one room (DESIGN section 12): the room's teams in presentation order,
each judge of the room's panel with their sheet, and the room's stage score."""
from flask import abort, g, render_template
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Room, RoomJudge, TeamRoom
from ..results.standings import results_for
from ..rules import RuleError
from ..rules import Team as RTeam
from ..rules.room_draw import stage_order
from ..web.lookups import competition_or_404
from ..web.security import staff_required
from . import bp


@bp.route("/c/<key>/rooms/<room_stage>/<room_key>/board")
@staff_required
def rooms_board(key, room_stage, room_key):
    """Who has submitted what in this room; the page reloads itself."""
    competition = competition_or_404(key)
    stage = next((s for s in competition.stages if s.key == room_stage), None)
    if stage is None:
        abort(404)
    room = db.session.scalar(select(Room).where(Room.stage_id == stage.id,
                                                Room.key == room_key))
    if room is None:
        abort(404)
    judges = {j.id: j for j in competition.judges}
    panel = [judges[j] for j in db.session.scalars(
        select(RoomJudge.judge_id).where(RoomJudge.room_id == room.id)
        .order_by(RoomJudge.position, RoomJudge.id))]
    team_ids = set(db.session.scalars(select(TeamRoom.team_id).where(
        TeamRoom.room_id == room.id)))
    error = None
    try:
        result = results_for(competition)
    except RuleError as e:
        result, error = None, e
    layout = getattr(result, "layout", None)
    by_key = {t.key: t for t in competition.teams if t.id in team_ids}
    order = stage_order(layout, [RTeam(t.key, t.draw_position) for t in by_key.values()],
                        stage.key, room.key if layout is not None else None)
    rows = []
    for team_key in order:
        line = result.team(team_key) if result is not None else None
        sr = line.stages.get(stage.key) if line is not None else None
        sheets = {s.judge: s for s in (sr.sheets if sr is not None else ())}
        rows.append({"team": by_key[team_key], "result": sr,
                     "raw": line.raw_stages.get(stage.key) if line is not None and hasattr(
                         line, "raw_stages") else None,
                     "sheets": [sheets.get(j.key) for j in panel],
                     "missing": set(sr.missing_judges) if sr is not None else set(),
                     "recused": set(sr.recused_judges) if sr is not None else set()})
    g.page_title = _("Live board: %(room)s", room=room.name)
    return render_template("admin/room_board.html", competition=competition, stage=stage,
                           room=room, panel=panel, rows=rows, error=error)
