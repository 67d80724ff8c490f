"""Removing a room or a division set up by mistake: before scoring, with what hangs on it;
refused with a message once scores exist, and for a hostile or foreign id."""
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import (
    AuditEntry,
    Division,
    Room,
    RoomJudge,
    ScoreSheet,
    Stage,
    TeamDivision,
    TeamRoom,
    TeamStageDraw,
)

from .test_rooms_setup import KEY, _setup, admin  # noqa: F401 (admin: the fixture)


def _count(app, model, **where):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).filter_by(**where))


def _room_ids(app):
    with app.app_context():
        return dict(db.session.execute(sa.select(Room.key, Room.id)).all())


def test_a_room_goes_with_its_panel_and_its_teams_places(app, admin):  # noqa: F811
    _setup(app, admin)
    assert admin.post(f"/admin/c/{KEY}/rooms/reflection/draw",
                      data={"seed": "20261130"}).status_code == 302
    rooms = _room_ids(app)
    b_teams = {t for (t,) in _rows(app, TeamRoom.team_id, room_id=rooms["B"])}
    assert len(b_teams) == 5 and _count(app, TeamStageDraw) == 15
    r = admin.post(f"/admin/c/{KEY}/rooms/reflection/room/remove", data={"room": rooms["B"]})
    assert r.status_code == 302
    assert "已删除会场" in admin.get(r.headers["Location"]).get_data(as_text=True)
    assert set(_room_ids(app)) == {"A", "C"}
    assert _count(app, RoomJudge) == 6 and _count(app, TeamRoom) == 10
    with app.app_context():
        left = set(db.session.scalars(sa.select(TeamStageDraw.team_id)))
        entry = db.session.scalars(sa.select(AuditEntry).filter_by(action="room.remove")).one()
    assert not left & b_teams and len(left) == 10  # the other rooms keep their draw
    assert "reflection/B" in entry.summary
    # the stage's judges of room B now sit in no room: the live board says so
    page = admin.get(f"/admin/c/{KEY}/live/state?stage=reflection").json
    assert any(c["status"] == "off_panel" for t in page["teams"] for c in t["cells"].values())


def test_a_room_stays_once_its_stage_is_scored(app, admin):  # noqa: F811
    _setup(app, admin)
    rooms = _room_ids(app)
    with app.app_context():
        stage = db.session.scalars(sa.select(Stage).filter_by(key="reflection")).one()
        sheet = db.session.scalars(sa.select(ScoreSheet)).first()
        db.session.add(ScoreSheet(judge_id=sheet.judge_id, team_id=sheet.team_id,
                                  stage_id=stage.id, status="draft", version=1))
        db.session.commit()
    r = admin.post(f"/admin/c/{KEY}/rooms/reflection/room/remove", data={"room": rooms["A"]})
    assert r.status_code == 422 and "不能再删除会场" in r.get_data(as_text=True)
    assert set(_room_ids(app)) == {"A", "B", "C"} and _count(app, RoomJudge) == 9


def test_hostile_or_foreign_ids_remove_nothing(app, admin):  # noqa: F811
    _setup(app, admin)
    rooms = _room_ids(app)
    for stage, value in (("reflection", "abc"), ("reflection", "9" * 40), ("reflection", ""),
                         ("presentation", rooms["A"]), ("reflection", "-1")):
        r = admin.post(f"/admin/c/{KEY}/rooms/{stage}/room/remove", data={"room": value})
        assert r.status_code == 422 and "没有这个会场" in r.get_data(as_text=True), value
    for value in ("abc", "", "99999"):
        r = admin.post(f"/admin/c/{KEY}/rooms/divisions/remove", data={"division": value})
        assert r.status_code == 422 and "没有这个组别" in r.get_data(as_text=True), value
    assert len(_room_ids(app)) == 3 and _count(app, Division) == 2
    assert admin.post(f"/admin/c/{KEY}/rooms/nosuch/room/remove",
                      data={"room": rooms["A"]}).status_code == 404


def test_a_division_goes_before_scoring_and_stays_after(app, admin):  # noqa: F811
    divisions, teams, _judges = _setup(app, admin)
    # The demo has scores in its first stage: refused, nothing changes.
    r = admin.post(f"/admin/c/{KEY}/rooms/divisions/remove", data={"division": divisions["wen"]})
    assert r.status_code == 422 and "不能再删除组别" in r.get_data(as_text=True)
    assert _count(app, Division) == 2 and _count(app, TeamDivision) == len(teams)
    with app.app_context():
        db.session.execute(sa.delete(ScoreSheet))
        db.session.commit()
    r = admin.post(f"/admin/c/{KEY}/rooms/divisions/remove", data={"division": divisions["wen"]})
    assert r.status_code == 302
    with app.app_context():
        assert set(db.session.scalars(sa.select(Division.key))) == {"li"}
        assert set(db.session.scalars(sa.select(TeamDivision.division_id))) == {divisions["li"]}
    assert _count(app, TeamDivision) == (len(teams) + 1) // 2
    assert _count(app, AuditEntry, action="division.remove") == 1


def _rows(app, column, **where):
    with app.app_context():
        return db.session.execute(sa.select(column).filter_by(**where)).all()
