"""Setup guards read under the competition lock: a judge's first sheet, or a stage
opened, committed on another connection just as the organizer's change asks for the
lock (what a change waiting for the lock sees while a tablet's write commits). The
rubric change, the stage deletion, the draw and the room assignment must each see it.

SQLite is left out: there the request's first read already holds the database's write
lock (BEGIN IMMEDIATE), so nothing can commit in between.
"""
import pytest
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import Competition, Judge, ScoreSheet, Stage, Team
from scoring.operations.setup_base import SetupError
from tests.judging.guard_util import at_the_lock, skip_on_sqlite
from tests.setup.helpers import make_competition
from tests.setup.test_draw import add_teams


def _first_sheet(conn, ids):
    """A tablet's first sheet in the stage (a draft)."""
    conn.execute(sa.insert(ScoreSheet.__table__).values(
        judge_id=ids["judge"], team_id=ids["team"], stage_id=ids["stage"], status="draft",
        version=1, source="judge"))


def _stage_opened(conn, ids):
    conn.execute(sa.update(Stage.__table__).where(Stage.__table__.c.id == ids["stage"])
                 .values(state="open"))


def _demo_ids(demo):
    comp = db.session.scalars(sa.select(Competition).filter_by(key=demo)).one()
    stage = next(s for s in comp.stages if s.key == "reflection")
    judge = db.session.scalars(sa.select(Judge).filter_by(competition_id=comp.id)).first()
    team = db.session.scalars(sa.select(Team).filter_by(competition_id=comp.id)).first()
    return comp, stage, {"stage": stage.id, "judge": judge.id, "team": team.id}


def _criteria(stage, bump=False):
    return [{"key": c.key, "name": c.name, "max": str(c.max + (1 if bump else 0)),
             "step": str(c.step)} for c in stage.criteria]


def _rubric(comp, stage):
    from scoring.operations.setup_stages import save_stage

    save_stage(comp, stage, key=stage.key, name=stage.name, weight=str(stage.weight),
               criteria=_criteria(stage, bump=True))


def _delete(comp, stage):
    from scoring.operations.setup_stages import delete_stage

    delete_stage(stage)


def _rooms(comp, stage):
    from scoring.operations.setup_rooms import assign_rooms

    assign_rooms(comp, stage, {})


CHANGES = {"rubric": _rubric, "delete": _delete, "rooms": _rooms}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_first_sheet_committed_at_the_lock_is_seen(app, demo, monkeypatch, change):
    from scoring.operations import setup_base

    with app.app_context():
        skip_on_sqlite(app)
        comp, stage, ids = _demo_ids(demo)
        _criteria(stage)  # the page read the rubric before the lock
        fired = at_the_lock(monkeypatch, setup_base, _first_sheet, ids)
        with pytest.raises(SetupError):
            CHANGES[change](comp, stage)
        assert fired
        db.session.rollback()
        assert db.session.get(Stage, ids["stage"]) is not None


def test_the_draw_sees_a_stage_opened_at_the_lock(app, monkeypatch):
    from scoring.operations import setup_base
    from scoring.operations.setup_draw import make_random_draw

    key = make_competition(app)
    add_teams(app, key)
    with app.app_context():
        skip_on_sqlite(app)
        comp = db.session.scalars(sa.select(Competition).filter_by(key=key)).one()
        ids = {"stage": comp.stages[0].id}
        assert all(s.state == "draft" for s in comp.stages)
        fired = at_the_lock(monkeypatch, setup_base, _stage_opened, ids)
        with pytest.raises(SetupError) as refused:
            make_random_draw(comp, "seed1")
        assert fired and refused.value.field == "override"
        db.session.rollback()
        assert all(t.draw_position is None for t in db.session.scalars(
            sa.select(Team).filter_by(competition_id=comp.id)))
