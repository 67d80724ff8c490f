"""Setup of section 12 through the pages: divisions, rooms with panels, the room draw from
a printed seed (sizes within one, stratify), qualification; hostile input changes nothing."""
from collections import Counter

import pytest
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import Division, Judge, Room, StagePlan, Team, TeamDivision, TeamRoom

KEY = "demo-2024"


@pytest.fixture
def admin(app, client, login, demo):
    login("admin")
    return client


def _ids(app, model, **where):
    with app.app_context():
        return {r.key: r.id for r in db.session.scalars(sa.select(model).filter_by(**where))}


def _setup(app, admin):
    for key, name in (("wen", "文科组"), ("li", "理科组")):
        r = admin.post(f"/admin/c/{KEY}/rooms/divisions", data={"key": key, "name": name})
        assert r.status_code == 302, r.get_data(as_text=True)
    divisions = _ids(app, Division)
    teams = _ids(app, Team)
    data = {f"division-{tid}": divisions["wen" if i % 2 else "li"]
            for i, tid in enumerate(sorted(teams.values()))}
    assert admin.post(f"/admin/c/{KEY}/rooms/team-divisions", data=data).status_code == 302
    judges = _ids(app, Judge)
    for room, panel in (("A", ["X1", "N1", "N2"]), ("B", ["X2", "N3", "N4"]),
                        ("C", ["X3", "N5", "N6"])):
        r = admin.post(f"/admin/c/{KEY}/rooms/reflection/room",
                       data={"key": room, "name": f"{room}会场",
                             "judges": [judges[j] for j in panel]})
        assert r.status_code == 302, r.get_data(as_text=True)
    return divisions, teams, judges


def test_rooms_divisions_and_a_stratified_draw(app, admin):
    _setup(app, admin)
    r = admin.post(f"/admin/c/{KEY}/rooms/reflection/draw",
                   data={"seed": "20261130", "stratify": "1"})
    assert r.status_code == 302
    with app.app_context():
        rows = db.session.execute(
            sa.select(Room.key, TeamDivision.division_id)
            .join(TeamRoom, TeamRoom.room_id == Room.id)
            .join(TeamDivision, TeamDivision.team_id == TeamRoom.team_id)).all()
    sizes = Counter(room for room, _d in rows)
    assert sorted(sizes.values()) == [5, 5, 5]
    per = Counter(rows)
    for d in {d for _r, d in rows}:
        counts = [per[(room, d)] for room in "ABC"]
        assert max(counts) - min(counts) <= 1
    assert "A会场" in admin.get(f"/admin/c/{KEY}/rooms").get_data(as_text=True)
    overview = admin.get(f"/admin/c/{KEY}/rooms/overview")
    assert overview.status_code == 200 and "A会场" in overview.get_data(as_text=True)
    assert admin.get(f"/admin/c/{KEY}/rooms/reflection/A/board").status_code == 200
    assert admin.get(f"/projector/{KEY}/reflection/room/B").status_code == 200
    # room_mean on the stage with three rooms
    r = admin.post(f"/admin/c/{KEY}/rooms/reflection/plan",
                   data={"normalization": "room_mean", "qualify": "top", "qualify_value": "5"})
    assert r.status_code == 302
    with app.app_context():
        plan = db.session.scalars(sa.select(StagePlan)).one()
        assert (plan.normalization, plan.qualify_top) == ("room_mean", 5)
    # the results follow: the ranking is per division
    assert admin.get(f"/admin/c/{KEY}/results").status_code == 200


@pytest.mark.parametrize("path, data, expected", [
    ("reflection/room", {"key": "Z", "name": "Z", "judges": ["abc"]}, "没有这位评委"),
    ("reflection/room", {"key": "A", "name": "again", "judges": []}, "重复使用"),
    ("plan", {"normalization": "z_score"}, "两个或以上会场"),
    ("plan", {"normalization": "bogus"}, "bogus"),
    ("reflection/plan", {"normalization": "none", "qualify": "top", "qualify_value": "-1"},
     "整数"),
    ("reflection/draw", {"seed": "no spaces allowed"}, "种子"),
])
def test_hostile_input_is_refused_with_a_message_and_changes_nothing(app, admin, path, data,
                                                                      expected):
    _setup(app, admin)
    if path == "plan":
        path = "plan/plan"
    stage, _sep, action = path.partition("/")
    if stage == "plan":
        stage, action = "presentation", "plan"
    with app.app_context():
        before = (db.session.scalar(sa.select(sa.func.count()).select_from(Room)),
                  db.session.scalar(sa.select(sa.func.count()).select_from(StagePlan)))
    r = admin.post(f"/admin/c/{KEY}/rooms/{stage}/{action}", data=data)
    assert r.status_code == 422
    text = r.get_data(as_text=True)
    assert expected in text, text[:2000]
    with app.app_context():
        after = (db.session.scalar(sa.select(sa.func.count()).select_from(Room)),
                 db.session.scalar(sa.select(sa.func.count()).select_from(StagePlan)))
    assert after == before


def test_qualify_on_the_first_stage_and_a_judge_in_two_rooms_are_refused(app, admin):
    _, _, judges = _setup(app, admin)
    r = admin.post(f"/admin/c/{KEY}/rooms/plan/plan",
                   data={"normalization": "none", "qualify": "top", "qualify_value": "3"})
    assert r.status_code == 422 and "第一个环节不能设置晋级" in r.get_data(as_text=True)
    r = admin.post(f"/admin/c/{KEY}/rooms/reflection/room",
                   data={"key": "D", "name": "D", "judges": [judges["X1"]]})
    assert r.status_code == 422 and "已属于会场 A" in r.get_data(as_text=True)


def test_team_divisions_left_out_of_the_form_stay_as_they_are(app, admin):
    divisions, teams, _judges = _setup(app, admin)
    with app.app_context():
        before = dict(db.session.execute(sa.select(TeamDivision.team_id,
                                                   TeamDivision.division_id)).all())
    assert len(before) == len(teams)
    # Nothing named: nothing changes (before, every team's division was cleared).
    assert admin.post(f"/admin/c/{KEY}/rooms/team-divisions", data={}).status_code == 302
    # One team named, to none: that team alone changes.
    first = sorted(teams.values())[0]
    assert admin.post(f"/admin/c/{KEY}/rooms/team-divisions",
                      data={f"division-{first}": ""}).status_code == 302
    with app.app_context():
        after = dict(db.session.execute(sa.select(TeamDivision.team_id,
                                                  TeamDivision.division_id)).all())
    assert after == {t: d for t, d in before.items() if t != first}
