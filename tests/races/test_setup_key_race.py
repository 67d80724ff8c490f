"""A setup form's "already exists" check read the rows the page loaded before the lock: a
judge, department, stage, division or room of the same key saved on another connection
just as the form asks for the competition lock must be answered on the field (SetupError),
not by the database's unique constraint (operations/setup_*: locking reads under the
lock). SQLite is left out: its first read already holds the database."""
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from scoring.extensions import db
from scoring.models import Competition, Department, Division, Judge, Room, Stage
from scoring.operations.setup_base import SetupError
from tests.judging.guard_util import at_the_lock, skip_on_sqlite
from tests.setup.helpers import make_competition


def _add(conn, row):
    """Commit row on the other connection (at_the_lock's transaction commits it)."""
    with Session(bind=conn) as other:
        other.add(row)
        other.flush()


def _judge(comp, stage):
    from scoring.operations.setup_judges import save_judge
    return (lambda conn: _add(conn, Judge(competition_id=comp.id, key="J9", name="其他",
                                          token="t" * 32, panel_group="internal")),
            lambda: save_judge(comp, None, key="J9", name="评委", group="internal"),
            "key", Judge)


def _department(comp, stage):
    from scoring.operations.setup_teams import add_department
    return (lambda conn: _add(conn, Department(competition_id=comp.id, name="新部门")),
            lambda: add_department(comp, "新部门"), "name", Department)


def _stage(comp, stage):
    from scoring.operations.setup_stages import save_stage
    return (lambda conn: _add(conn, Stage(competition_id=comp.id, key="extra", name="加赛",
                                          weight=0, state="draft", position=9)),
            lambda: save_stage(comp, None, key="extra", name="加赛", weight="0",
                               criteria=[{"key": "a", "name": "甲", "max": "10"}]),
            "key", Stage)


def _division(comp, stage):
    from scoring.operations.setup_rooms import add_division
    return (lambda conn: _add(conn, Division(competition_id=comp.id, key="D1", name="甲组")),
            lambda: add_division(comp, "D1", "甲组"), "key", Division)


def _room(comp, stage):
    from scoring.operations.setup_rooms import add_room
    return (lambda conn: _add(conn, Room(stage_id=stage.id, key="R1", name="一号")),
            lambda: add_room(comp, stage, "R1", "一号", []), "key", Room)


@pytest.mark.parametrize("case", [_judge, _department, _stage, _division, _room])
def test_a_key_saved_at_the_lock_is_answered_on_the_field(app, monkeypatch, case):
    from scoring.operations import setup_base

    key = make_competition(app)
    with app.app_context():
        skip_on_sqlite(app)
        comp = db.session.scalars(sa.select(Competition).filter_by(key=key)).one()
        # What the page read before the lock (MariaDB's snapshot starts here).
        assert comp.judges == [] and comp.departments and comp.stages
        stage = comp.stages[0]
        change, write, field, model = case(comp, stage)
        fired = at_the_lock(monkeypatch, setup_base, lambda conn, _ids: change(conn), {})
        with pytest.raises(SetupError) as refused:
            write()
        assert fired and refused.value.field == field
        db.session.rollback()
    with app.app_context():  # only the other connection's row is there
        counts = db.session.scalar(sa.select(sa.func.count()).select_from(model).where(
            *([model.key.in_(["J9", "extra", "D1", "R1"])] if hasattr(model, "key")
              else [model.name == "新部门"])))
        assert counts == 1


def test_an_account_name_saved_meanwhile_is_answered_on_the_field(app, monkeypatch):
    from scoring.models import User
    from scoring.operations import setup_users

    with app.app_context():
        skip_on_sqlite(app)
        admin = User(username="boss", name="boss", role="admin")
        admin.set_password("long-enough-1")
        db.session.add(admin)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1  # the page's read
        real, fired = setup_users.check_text, []

        def other_form_first(*args, **kw):
            if not fired:  # the other account form commits while this one is checked
                fired.append(True)
                with db.engine.begin() as conn:
                    other = User(username="xiaowang", name="x", role="staff")
                    other.set_password("long-enough-2")
                    _add(conn, other)
            return real(*args, **kw)

        monkeypatch.setattr(setup_users, "check_text", other_form_first)
        with pytest.raises(SetupError) as refused:
            setup_users.create_user("xiaowang", "小王", "staff", "long-enough-3")
        assert fired and refused.value.field == "username"
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 2


def test_a_competition_key_saved_meanwhile_is_answered_on_the_field(app, monkeypatch):
    from scoring.operations import setup_competitions

    with app.app_context():
        skip_on_sqlite(app)
        assert db.session.scalar(sa.select(sa.func.count(Competition.id))) == 0  # page read
        real, fired = setup_competitions.check_text, []

        def other_form_first(*args, **kw):
            if not fired:  # the other form commits while this one is checked
                fired.append(True)
                with db.engine.begin() as conn:
                    _add(conn, Competition(key="c2027", name="另一场"))
            return real(*args, **kw)

        monkeypatch.setattr(setup_competitions, "check_text", other_form_first)
        with pytest.raises(SetupError) as refused:
            setup_competitions.create_competition("c2027", "新一届")
        assert fired and refused.value.field == "key"
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Competition.id))) == 1
