"""A team or judge import was checked against the teams the page read before the lock; a
team saved, or the competition archived, on another connection just as the import asks
for the competition lock must be seen (operations/setup_teams.import_teams, save_judge).
SQLite is left out: its first read already holds the database."""
import pytest
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import Competition, Department, Judge, Team
from scoring.operations.setup_base import ArchivedError, SetupError
from tests.judging.guard_util import at_the_lock, skip_on_sqlite
from tests.setup.helpers import make_competition

TEAM = {"key": "K1", "name": "启航队", "members": [("甲", "组织部"), ("乙", "宣传部"),
                                                  ("丙", "人事处")]}


def _other_team(conn, ids):
    conn.execute(sa.insert(Team.__table__).values(
        competition_id=ids["competition"], key="OTHER", name="启航队", withdrawn=False,
        withdrawn_reason="", upload_token=None))


def _archive(conn, ids):
    conn.execute(sa.update(Competition.__table__).where(
        Competition.__table__.c.id == ids["competition"]).values(archived=True))


@pytest.mark.parametrize("change, error", [(_other_team, SetupError), (_archive, ArchivedError)])
def test_a_team_import_sees_a_change_committed_at_the_lock(app, monkeypatch, change, error):
    from scoring.operations import setup_base
    from scoring.operations.setup_teams import import_teams

    key = make_competition(app)
    with app.app_context():
        skip_on_sqlite(app)
        comp = db.session.scalars(sa.select(Competition).filter_by(key=key)).one()
        assert comp.teams == [] and comp.departments
        fired = at_the_lock(monkeypatch, setup_base, change, {"competition": comp.id})
        with pytest.raises(error):
            import_teams(comp, [TEAM], [])
        assert fired
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Team.id)).where(
            Team.key == "K1")) == 0


def test_a_judge_import_sees_an_archive_committed_at_the_lock(app, monkeypatch):
    from scoring.operations import setup_base
    from scoring.operations.setup_judges import import_judges

    key = make_competition(app)
    with app.app_context():
        skip_on_sqlite(app)
        comp = db.session.scalars(sa.select(Competition).filter_by(key=key)).one()
        dept = db.session.scalars(sa.select(Department.name)).first()
        fired = at_the_lock(monkeypatch, setup_base, _archive, {"competition": comp.id})
        with pytest.raises(ArchivedError):
            import_judges(comp, [{"key": "N1", "name": "评委", "group": "internal",
                                  "department": dept, "note": ""}])
        assert fired
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Judge.id))) == 0


def test_a_team_form_sees_a_team_of_that_name_committed_at_the_lock(app, monkeypatch):
    from scoring.operations import setup_base
    from scoring.operations.setup_teams import save_team

    key = make_competition(app)
    with app.app_context():
        skip_on_sqlite(app)
        comp = db.session.scalars(sa.select(Competition).filter_by(key=key)).one()
        assert comp.teams == []  # what the page read before the lock
        fired = at_the_lock(monkeypatch, setup_base, _other_team, {"competition": comp.id})
        with pytest.raises(SetupError) as refused:
            save_team(comp, None, key="K1", name="启航队", members=TEAM["members"])
        assert fired and refused.value.field == "name"
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Team.id)).where(
            Team.key == "K1")) == 0
