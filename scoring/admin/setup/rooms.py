"""Divisions, rooms and advancement (DESIGN section 12): the setup page and its forms,
and the organizer's overview of every room on the day."""
import functools

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ...extensions import db
from ...models import (
    Division,
    Room,
    RoomJudge,
    ScoreSheet,
    Stage,
    StagePanel,
    StagePlan,
    TeamDivision,
    TeamRoom,
    TeamStageDraw,
)
from ...operations import setup_rooms as ops
from ...operations.setup_base import SetupError
from ...rules import new_seed, parse_id
from ...rules.errors import N_
from ...rules.layout import NORMALIZATIONS
from ...rules.room_draw import ROOM_DRAW_EN, ROOM_DRAW_ZH
from .. import bp, nav
from ..confirm import confirm_page
from ..forms import SafeForm, validated
from .common import admin_only, competition_or_404, fail, staff_only

nav.register(36, "admin.setup_rooms", _l("Divisions & rooms"), admin_only=True)
nav.register(61, "admin.rooms_overview", _l("Rooms overview"))


def _stage_or_404(competition, stage_key):
    for s in competition.stages:
        if s.key == stage_key:
            return s
    abort(404)


def _ids(values, field):
    """Integer ids from form values; a hostile value is a clear error, never a 500."""
    out = []
    for v in values:
        if parse_id(str(v)) is None:
            raise SetupError({"judges": N_("There is no such judge."),
                              "division": N_("There is no such division.")}.get(
                                  field, N_("There is no such room.")), {}, field)
        out.append(parse_id(str(v)))
    return out


def _stage_rows(competition):
    """Per stage: its plan, rooms with judges and team counts, the panel, stage draws."""
    out = []
    judges = {j.id: j for j in competition.judges}
    for stage in competition.stages:
        plan = db.session.get(StagePlan, stage.id)
        rooms = db.session.scalars(select(Room).where(Room.stage_id == stage.id)
                                   .order_by(Room.position, Room.id)).all()
        seats = {}
        for room_id, judge_id in db.session.execute(
                select(RoomJudge.room_id, RoomJudge.judge_id)
                .where(RoomJudge.stage_id == stage.id).order_by(RoomJudge.position)):
            seats.setdefault(room_id, []).append(judges[judge_id])
        counts = dict(db.session.execute(
            select(TeamRoom.room_id, func.count()).where(TeamRoom.stage_id == stage.id)
            .group_by(TeamRoom.room_id)).all())
        team_room = dict(db.session.execute(select(TeamRoom.team_id, TeamRoom.room_id)
                                            .where(TeamRoom.stage_id == stage.id)).all())
        panel = [judges[j] for j in db.session.scalars(
            select(StagePanel.judge_id).where(StagePanel.stage_id == stage.id)
            .order_by(StagePanel.position))]
        positions = dict(db.session.execute(
            select(TeamStageDraw.team_id, TeamStageDraw.position)
            .where(TeamStageDraw.stage_id == stage.id)).all())
        out.append({"stage": stage, "plan": plan, "rooms": rooms, "seats": seats,
                    "counts": counts, "team_room": team_room, "panel": panel,
                    "positions": positions})
    return out


def _page(competition, status=200):
    divisions = db.session.scalars(select(Division).where(
        Division.competition_id == competition.id).order_by(Division.position)).all()
    team_division = dict(db.session.execute(
        select(TeamDivision.team_id, TeamDivision.division_id)
        .where(TeamDivision.team_id.in_([t.id for t in competition.teams]))).all()) \
        if competition.teams else {}
    g.page_title = _("Divisions & rooms")
    algorithm = ROOM_DRAW_ZH if str(get_locale()).startswith("zh") else ROOM_DRAW_EN
    return render_template(
        "admin/setup/rooms.html", competition=competition, divisions=divisions,
        team_division=team_division, stages=_stage_rows(competition),
        normalizations=NORMALIZATIONS, seed=request.args.get("seed") or new_seed(),
        algorithm=algorithm, form=SafeForm()), status


def _confirm(competition, stage, action):
    """Before a draw of a stage that has sheets: the confirmation page."""
    return confirm_page(
        _("Change the draw"),
        _("Scoring has started in %(stage)s. Teams may move to other rooms or positions; "
          "the judges' lists and the projectors follow.", stage=stage.name),
        [], action, url_for("admin.setup_rooms", key=competition.key))


def _needs_confirm(stage):
    return (request.form.get("override") and request.form.get("confirm") != "yes"
            and db.session.scalar(select(ScoreSheet.id).where(
                ScoreSheet.stage_id == stage.id).limit(1)) is not None)


def _posted(asks=False):
    """The frame of every POST here, around a change(competition[, stage]) that returns the
    message of success: the competition (and the URL's stage) or 404; the CSRF check (the
    page again, 400); with `asks`, the confirmation page first when the change overrides a
    stage that has sheets, with a reason; a SetupError shown on the page (422), nothing
    changed; else one commit, the message flashed, back to the page."""
    def wrap(change):
        @functools.wraps(change)
        def view(key, stage_key=None):
            competition = competition_or_404(key)
            stage = None if stage_key is None else _stage_or_404(competition, stage_key)
            if not validated(SafeForm(), _("The form expired; please try again.")):
                return _page(competition, 400)
            if asks and _needs_confirm(stage) and (request.form.get("reason") or "").strip():
                return _confirm(competition, stage, url_for(request.endpoint, key=key,
                                                            stage_key=stage_key))
            try:
                message = change(competition) if stage is None else change(competition, stage)
            except SetupError as e:
                fail(e)
                return _page(competition, 422)
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("admin.setup_rooms", key=competition.key))
        return view
    return wrap


@bp.route("/c/<key>/rooms")
@admin_only
def setup_rooms(key):
    """Divisions, each stage's panel or rooms, normalization, qualification and draws."""
    return _page(competition_or_404(key))


@bp.route("/c/<key>/rooms/divisions", methods=["POST"])
@admin_only
@_posted()
def setup_rooms_division(competition):
    """Add a division."""
    ops.add_division(competition, request.form.get("key"), request.form.get("name"))
    return _("Division added.")


@bp.route("/c/<key>/rooms/divisions/remove", methods=["POST"])
@admin_only
@_posted()
def setup_rooms_remove_division(competition):
    """Remove a division (before any scoring)."""
    division = ops.remove_division(competition, _ids([request.form.get("division", "")],
                                                     "division")[0])
    return _("Division %(name)s removed.", name=division.name)


@bp.route("/c/<key>/rooms/team-divisions", methods=["POST"])
@admin_only
@_posted()
def setup_rooms_team_divisions(competition):
    """Each team's division, from one select per team."""
    chosen = {}
    for team in competition.teams:
        # A team without its field in the form is left as it is: the page sends one select
        # per team ("" for none), so only a hand-made request leaves one out, and it must
        # not clear the divisions it never named.
        if f"division-{team.id}" not in request.form:
            continue
        raw = request.form[f"division-{team.id}"]
        chosen[team.id] = _ids([raw], "division")[0] if raw else None
    changed = ops.set_team_divisions(competition, chosen)
    return _("Divisions saved (%(count)s teams changed).", count=changed)


@bp.route("/c/<key>/rooms/<stage_key>/plan", methods=["POST"])
@admin_only
@_posted()
def setup_rooms_plan(competition, stage):
    """A stage's panel, normalization and qualification."""
    panel = None
    if request.form.get("panel_mode") == "named":
        panel = _ids(request.form.getlist("panel"), "judges")
    ops.set_stage_plan(competition, stage,
                       normalization=request.form.get("normalization", "none"),
                       qualify=request.form.get("qualify", "none")
                       if request.form.get("qualify") in ("none", "top", "share")
                       else "none",
                       qualify_value=request.form.get("qualify_value", ""),
                       panel_judge_ids=panel)
    return _("Stage %(stage)s saved.", stage=stage.name)


@bp.route("/c/<key>/rooms/<stage_key>/room", methods=["POST"])
@admin_only
@_posted()
def setup_rooms_add_room(competition, stage):
    """Add a room to a stage, with its panel."""
    ops.add_room(competition, stage, request.form.get("key"), request.form.get("name"),
                 _ids(request.form.getlist("judges"), "judges"))
    return _("Room added.")


@bp.route("/c/<key>/rooms/<stage_key>/room/remove", methods=["POST"])
@admin_only
@_posted()
def setup_rooms_remove_room(competition, stage):
    """Remove a room of a stage (before the stage's scoring starts)."""
    room = ops.remove_room(competition, stage, _ids([request.form.get("room", "")], "room")[0])
    return _("Room %(name)s removed.", name=room.name)


@bp.route("/c/<key>/rooms/<stage_key>/draw", methods=["POST"])
@admin_only
@_posted(asks=True)
def setup_rooms_draw(competition, stage):
    """The room draw from the printed seed (or the stage's own draw without rooms)."""
    has_rooms = db.session.scalar(select(Room.id).where(Room.stage_id == stage.id)
                                  .limit(1)) is not None
    seed = request.form.get("seed", "")
    kw = {"override": bool(request.form.get("override")),
          "reason": request.form.get("reason", "")}
    if has_rooms:
        ops.draw_rooms(competition, stage, seed,
                       stratify=bool(request.form.get("stratify")), **kw)
    else:
        ops.draw_stage(competition, stage, seed, **kw)
    return _("Draw of %(stage)s made with the seed %(seed)s.", stage=stage.name,
             seed=seed.strip())


@bp.route("/c/<key>/rooms/<stage_key>/assign", methods=["POST"])
@admin_only
@_posted(asks=True)
def setup_rooms_assign(competition, stage):
    """Rooms by hand: one select per team."""
    chosen = {}
    for team in competition.teams:
        raw = request.form.get(f"room-{team.id}", "")
        chosen[team.id] = _ids([raw], "rooms")[0] if raw else None
    ops.assign_rooms(competition, stage, chosen,
                     override=bool(request.form.get("override")),
                     reason=request.form.get("reason", ""))
    return _("Rooms of %(stage)s saved.", stage=stage.name)


@bp.route("/c/<key>/rooms/overview")
@staff_only
def rooms_overview(key):
    """The day: every room of every stage, its panel, teams and sheets submitted."""
    competition = competition_or_404(key)
    rows = _stage_rows(competition)
    submitted = {}
    for room_id, count in db.session.execute(
            select(TeamRoom.room_id, func.count(ScoreSheet.id))
            .join(ScoreSheet, (ScoreSheet.team_id == TeamRoom.team_id)
                  & (ScoreSheet.stage_id == TeamRoom.stage_id))
            .join(Stage, Stage.id == TeamRoom.stage_id)
            .where(Stage.competition_id == competition.id, ScoreSheet.status == "submitted")
            .group_by(TeamRoom.room_id)):
        submitted[room_id] = count
    g.page_title = _("Rooms overview")
    return render_template("admin/setup/rooms_overview.html", competition=competition,
                           stages=[r for r in rows if r["rooms"]], submitted=submitted)
