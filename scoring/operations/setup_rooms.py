"""Setup writes of DESIGN section 12: divisions, stage panels and rooms, the room draw,
a stage's own draw, normalization and qualification. Each change is audited and flushed;
the view commits once."""
from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import (
    Division,
    Judge,
    Room,
    RoomJudge,
    Stage,
    StagePanel,
    StagePlan,
    Team,
    TeamDivision,
    TeamRoom,
    TeamStageDraw,
)
from ..rules import parse_whole, random_draw
from ..rules.errors import N_
from ..rules.layout import MAX_TEAMS, NORMALIZATIONS
from ..rules.room_draw import room_draw, room_positions
from ..rules.text import same_name_in
from .audit import bump_live, record
from .panels import _cut_teams
from .setup_base import (
    SetupError,
    check_decimal,
    check_key,
    check_text,
    lock_unarchived,
    sheets_exist,
)
from .setup_draw import SEED_RE


def add_division(competition, key, name) -> Division:
    """A new division (组别)."""
    lock_unarchived(competition.id)
    key = check_key(key)
    name = check_text(name, "name", 200)
    # Locking reads here and in add_room: the newest rows, also on MariaDB.
    if same_name_in(key, db.session.scalars(select(Division.key).where(
            Division.competition_id == competition.id).with_for_update())) is not None:
        raise SetupError(N_('"%(key)s" is used twice'), {"key": key}, "key")
    position = db.session.scalar(select(func.count()).select_from(Division).where(
        Division.competition_id == competition.id))
    division = Division(competition_id=competition.id, key=key, name=name, position=position)
    db.session.add(division)
    db.session.flush()
    record("division.add", competition=competition, obj=division, summary=f"{key} {name}")
    return division


def set_team_divisions(competition, chosen) -> int:
    """chosen: {team id: division id or None}; returns how many teams changed."""
    lock_unarchived(competition.id)
    divisions = set(db.session.scalars(select(Division.id).where(
        Division.competition_id == competition.id)))
    teams = {t.id: t for t in competition.teams}
    current = {r.team_id: r for r in db.session.scalars(
        select(TeamDivision).where(TeamDivision.team_id.in_(list(teams))))}
    changed = 0
    for team_id, division_id in chosen.items():
        if team_id not in teams or (division_id is not None and division_id not in divisions):
            raise SetupError(N_("There is no such division."), {}, "division")
        row = current.get(team_id)
        if (row.division_id if row else None) == division_id:
            continue
        changed += 1
        if row is not None:
            db.session.delete(row)
        if division_id is not None:
            db.session.add(TeamDivision(team_id=team_id, division_id=division_id))
    db.session.flush()
    if changed:
        record("division.assign", competition=competition, obj=competition,
               summary=f"{changed} teams")
        bump_live(competition)
    return changed


def _removed(competition, row, action, obj, summary):
    """The end of a removal: audited (on `obj`), deleted, flushed, the screens told."""
    record(action, competition=competition, obj=obj, summary=summary)
    db.session.delete(row)
    db.session.flush()
    bump_live(competition)
    return row


def remove_division(competition, division_id) -> Division:
    """Take a division out before any scoring: its teams are then in no division."""
    lock_unarchived(competition.id)
    division = db.session.scalar(select(Division).where(
        Division.id == division_id, Division.competition_id == competition.id))
    if division is None:
        raise SetupError(N_("There is no such division."), {}, "division")
    if sheets_exist(competition_id=competition.id):
        # Divisions rank and award apart: removing one once scores exist changes results.
        raise SetupError(N_("Scoring has started: a division can no longer be removed."),
                         {}, "division")
    teams = db.session.execute(delete(TeamDivision).where(
        TeamDivision.division_id == division.id)).rowcount
    return _removed(competition, division, "division.remove", division,
                    f"{division.key} {division.name}: {teams} teams left without a division")


def _stage_index(competition, stage) -> int:
    return [s.id for s in competition.stages].index(stage.id)


def set_stage_plan(competition, stage, *, normalization, qualify, qualify_value,
                   panel_judge_ids=None) -> StagePlan:
    """A stage's normalization, qualification (none/top/share) and named panel (None: all)."""
    lock_unarchived(competition.id)
    if normalization not in NORMALIZATIONS:
        raise SetupError(N_('"%(value)s" is not one of %(choices)s'),
                         {"value": normalization, "choices": ", ".join(NORMALIZATIONS)},
                         "normalization")
    rooms = db.session.scalar(select(func.count()).select_from(Room).where(
        Room.stage_id == stage.id))
    if normalization != "none" and rooms < 2:
        raise SetupError(N_("normalization needs a stage with two rooms or more"), {},
                         "normalization")
    precise = [tb for tb in (competition.rules or {}).get("tie_breaks") or ()
               if isinstance(tb, str) and tb.startswith("precise:")]
    if normalization != "none" and precise:  # as rules/layout.py refuses it in a file
        raise SetupError(N_("%(value)s cannot be used with a stage normalized across rooms "
                            "(stage %(stage)s)"), {"value": precise[0], "stage": stage.key},
                         "normalization")
    top = share = None
    if qualify != "none":
        if _stage_index(competition, stage) == 0:
            raise SetupError(N_("the first stage cannot carry qualify"), {}, "qualify")
        others = db.session.scalar(select(StagePlan.stage_id).join(
            Stage, Stage.id == StagePlan.stage_id).where(
            Stage.competition_id == competition.id, StagePlan.stage_id != stage.id,
            (StagePlan.qualify_top.is_not(None)) | (StagePlan.qualify_share.is_not(None))))
        if others is not None:
            raise SetupError(N_("only one stage may carry qualify (stage %(stage)s already "
                                "does)"), {"stage": db.session.get(Stage, others).key},
                             "qualify")
        if qualify == "top":
            value = (qualify_value or "").strip()
            top = parse_whole(value)
            if top is None:
                raise SetupError(N_("give a whole number"), {}, "qualify_value")
            if not 1 <= top <= MAX_TEAMS:
                raise SetupError(N_("%(value)s is not between %(min)s and %(max)s"),
                                 {"value": top, "min": 1, "max": MAX_TEAMS}, "qualify_value")
        else:
            share = check_decimal(qualify_value, "qualify_value", places=4, maximum=1,
                                  above_zero=True)
    if panel_judge_ids is not None and rooms:
        raise SetupError(N_("name either judges or rooms, not both"), {}, "panel")
    plan = db.session.get(StagePlan, stage.id) or StagePlan(stage_id=stage.id)
    plan.normalization, plan.qualify_top, plan.qualify_share = normalization, top, share
    plan.panel_named = panel_judge_ids is not None
    db.session.add(plan)
    db.session.execute(delete(StagePanel).where(StagePanel.stage_id == stage.id))
    judges = set(db.session.scalars(select(Judge.id).where(
        Judge.competition_id == competition.id)))
    for pos, judge_id in enumerate(panel_judge_ids or ()):
        if judge_id not in judges:
            raise SetupError(N_("There is no such judge."), {}, "panel")
        db.session.add(StagePanel(stage_id=stage.id, judge_id=judge_id, position=pos))
    db.session.flush()
    record("stage.plan", competition=competition, obj=stage,
           summary=f"{stage.key}: {normalization}, qualify {top or share or '-'}, "
                   f"panel {len(panel_judge_ids) if panel_judge_ids is not None else 'all'}")
    bump_live(competition)
    return plan


def add_room(competition, stage, key, name, judge_ids) -> Room:
    """A room of a stage with its panel; a judge sits in one room of a stage."""
    lock_unarchived(competition.id)
    key = check_key(key)
    name = check_text(name, "name", 200)
    plan = db.session.get(StagePlan, stage.id)
    if plan is not None and plan.panel_named:
        raise SetupError(N_("name either judges or rooms, not both"), {}, "key")
    if same_name_in(key, db.session.scalars(select(Room.key).where(
            Room.stage_id == stage.id).with_for_update())) is not None:
        raise SetupError(N_('"%(key)s" is used twice'), {"key": key}, "key")
    judges = {j.id: j for j in competition.judges}
    seated = dict(db.session.execute(
        select(RoomJudge.judge_id, Room.key).join(Room, Room.id == RoomJudge.room_id)
        .where(RoomJudge.stage_id == stage.id).with_for_update()).all())
    for judge_id in judge_ids:
        if judge_id not in judges:
            raise SetupError(N_("There is no such judge."), {}, "judges")
        if judge_id in seated:
            raise SetupError(N_("judge %(judge)s already sits in room %(room)s of this stage"),
                             {"judge": judges[judge_id].key, "room": seated[judge_id]},
                             "judges")
    position = db.session.scalar(select(func.count()).select_from(Room).where(
        Room.stage_id == stage.id))
    room = Room(stage_id=stage.id, key=key, name=name, position=position)
    db.session.add(room)
    db.session.flush()
    for pos, judge_id in enumerate(judge_ids):
        db.session.add(RoomJudge(room_id=room.id, stage_id=stage.id, judge_id=judge_id,
                                 position=pos))
    if db.session.get(StagePlan, stage.id) is None:
        db.session.add(StagePlan(stage_id=stage.id, panel_named=False, normalization="none"))
    db.session.flush()
    record("room.add", competition=competition, obj=stage,
           summary=f"{stage.key}/{key} {name}: {len(judge_ids)} judges")
    bump_live(competition)
    return room


def remove_room(competition, stage, room_id) -> Room:
    """Take a room out of a stage before its scoring starts, with its panel; its teams
    are then in no room of the stage (and lose their place in its draw) until the rooms
    are drawn or set again."""
    lock_unarchived(competition.id)
    room = db.session.scalar(select(Room).where(Room.id == room_id,
                                                Room.stage_id == stage.id))
    if room is None:
        raise SetupError(N_("There is no such room."), {}, "room")
    if _started(stage):
        raise SetupError(N_("Scoring has started in this stage: its rooms can no longer be "
                            "removed."), {}, "room")
    team_ids = list(db.session.scalars(select(TeamRoom.team_id).where(
        TeamRoom.room_id == room.id)))
    if team_ids:
        db.session.execute(delete(TeamStageDraw).where(TeamStageDraw.stage_id == stage.id,
                                                       TeamStageDraw.team_id.in_(team_ids)))
    db.session.execute(delete(TeamRoom).where(TeamRoom.room_id == room.id))
    db.session.execute(delete(RoomJudge).where(RoomJudge.room_id == room.id))
    return _removed(competition, room, "room.remove", stage,
                    f"{stage.key}/{room.key} {room.name}: {len(team_ids)} teams without a room")


def _started(stage) -> bool:
    # After the competition lock, a locking read: a judge's first sheet is seen.
    return sheets_exist(stage_id=stage.id)


def _guard(stage, override, reason):
    if _started(stage):
        if not override:
            raise SetupError(N_("Scoring has started: changing the draw needs the override "
                                "box ticked and a reason."), {}, "override")
        return check_text(reason, "reason", 2000)
    return ""


def stage_teams(competition, stage) -> list:
    """The teams that take part in a stage: not withdrawn, and not cut before it."""
    cut = _cut_teams(stage)
    return [t for t in competition.teams if not t.withdrawn and t.key not in cut]


def draw_rooms(competition, stage, seed, *, stratify=False, override=False, reason="") -> dict:
    """Room draw from a printed seed (sizes within one; stratify spreads each division),
    with each team's position within its room from the same seed. {team key: room key}."""
    lock_unarchived(competition.id)
    seed = (seed or "").strip()
    if not SEED_RE.match(seed):
        raise SetupError(N_('The seed "%(seed)s" is not valid: use 1 to 64 letters or digits.'),
                         {"seed": seed[:80]}, "seed")
    reason = _guard(stage, override, reason)
    rooms = db.session.scalars(select(Room).where(Room.stage_id == stage.id)
                               .order_by(Room.position, Room.id)).all()
    if len(rooms) < 1:
        raise SetupError(N_("the stage has no rooms"), {}, "seed")
    teams = stage_teams(competition, stage)
    divisions = {t.key: d for t, d in _team_divisions(competition)}
    order = [d.key for d in db.session.scalars(select(Division).where(
        Division.competition_id == competition.id).order_by(Division.position))]
    drawn = room_draw(seed, [t.key for t in teams], [r.key for r in rooms],
                      divisions=divisions, division_order=order, stratify=stratify)
    _write_rooms(competition, stage, drawn, {r.key: r.id for r in rooms},
                 room_positions(seed, drawn))
    record("room.draw", competition=competition, obj=stage, reason=reason,
           summary=f"{stage.key}: seed {seed}{' stratify' if stratify else ''}, "
                   f"{len(drawn)} teams in {len(rooms)} rooms")
    bump_live(competition)
    return drawn


def assign_rooms(competition, stage, chosen, *, override=False, reason="") -> None:
    """Rooms by hand: {team id: room id or None}; positions follow the competition's draw."""
    lock_unarchived(competition.id)
    reason = _guard(stage, override, reason)
    rooms = {r.id: r.key for r in db.session.scalars(select(Room).where(
        Room.stage_id == stage.id))}
    teams = {t.id: t.key for t in competition.teams}
    drawn = {}
    for team_id, room_id in chosen.items():
        if team_id not in teams or (room_id is not None and room_id not in rooms):
            raise SetupError(N_("There is no such room."), {}, "rooms")
        if room_id is not None:
            drawn[teams[team_id]] = rooms[room_id]
    _write_rooms(competition, stage, drawn, {v: k for k, v in rooms.items()}, {})
    record("room.assign", competition=competition, obj=stage, reason=reason,
           summary=f"{stage.key}: {len(drawn)} teams placed by hand")
    bump_live(competition)


def draw_stage(competition, stage, seed, *, override=False, reason="") -> dict:
    """A stage's own draw (the qualifying stage's): positions among its teams from a seed."""
    lock_unarchived(competition.id)
    seed = (seed or "").strip()
    if not SEED_RE.match(seed):
        raise SetupError(N_('The seed "%(seed)s" is not valid: use 1 to 64 letters or digits.'),
                         {"seed": seed[:80]}, "seed")
    reason = _guard(stage, override, reason)
    teams = stage_teams(competition, stage)
    positions = random_draw(seed, [t.key for t in teams])
    ids = {t.key: t.id for t in teams}
    db.session.execute(delete(TeamStageDraw).where(TeamStageDraw.stage_id == stage.id))
    for key, position in positions.items():
        db.session.add(TeamStageDraw(team_id=ids[key], stage_id=stage.id, position=position))
    db.session.flush()
    record("stage.draw", competition=competition, obj=stage, reason=reason,
           summary=f"{stage.key}: seed {seed}, {len(positions)} teams")
    bump_live(competition)
    return positions


def _team_divisions(competition):
    rows = db.session.execute(select(Team, Division.key).join(
        TeamDivision, TeamDivision.team_id == Team.id).join(
        Division, Division.id == TeamDivision.division_id).where(
        Team.competition_id == competition.id)).all()
    return [(t, d) for t, d in rows]


def _write_rooms(competition, stage, drawn, room_ids, positions):
    ids = {t.key: t.id for t in competition.teams}
    db.session.execute(delete(TeamRoom).where(TeamRoom.stage_id == stage.id))
    db.session.execute(delete(TeamStageDraw).where(TeamStageDraw.stage_id == stage.id))
    for key, room in drawn.items():
        db.session.add(TeamRoom(team_id=ids[key], stage_id=stage.id, room_id=room_ids[room]))
        if key in positions:
            db.session.add(TeamStageDraw(team_id=ids[key], stage_id=stage.id,
                                         position=positions[key]))
    db.session.flush()
