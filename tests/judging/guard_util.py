"""Helpers of the guard tests: the ids of a judge's write, organizer changes as SQL, a
change committed at the moment a writer asks for the competition lock, paper entry."""
import pytest
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import Competition, Judge, PaperEntry, ScoreSheet

from .util import DEMO, GOOD, recused_pairs

JUDGE = "N1"  # an internal judge: has a department


def guard_ids(app) -> dict:
    """Ids of the judge, a team it scores, the open stage, the competition, departments."""
    recused = recused_pairs(app)
    with app.app_context():
        comp = db.session.scalars(db.select(Competition).filter_by(key=DEMO)).one()
        judge = db.session.scalars(db.select(Judge).filter_by(competition_id=comp.id,
                                                              key=JUDGE)).one()
        team = next(t for t in sorted(comp.teams, key=lambda t: t.key)
                    if (JUDGE, t.key) not in recused)
        stage = next(s for s in comp.stages if s.key == "presentation")
        member = team.members[0]
        return {"competition": comp.id, "judge": judge.id, "team": team.id, "team_key": team.key,
                "stage": stage.id, "judge_dept": judge.department_id, "member": member.id,
                "member_dept": member.department_id}


def table_of(model):
    """The Core table of a model."""
    return model.__table__


def update_row(model, row_id, **values):
    """UPDATE one row (ids[row_id]); a callable value is given the ids."""
    return lambda conn, i: conn.execute(sa.update(table_of(model)).where(
        table_of(model).c.id == i[row_id]).values(
        {k: v(i) if callable(v) else v for k, v in values.items()}))


def insert_row(model, **columns):
    """INSERT one row; a callable value is given the ids."""
    return lambda conn, i: conn.execute(sa.insert(table_of(model)).values(
        {k: v(i) if callable(v) else v for k, v in columns.items()}))


def sheet_submitted(conn, i):
    """The judge's sheet of the team and stage becomes submitted (a tablet did it)."""
    table = table_of(ScoreSheet)
    conn.execute(sa.update(table).where(table.c.judge_id == i["judge"],
                                        table.c.team_id == i["team"],
                                        table.c.stage_id == i["stage"])
                 .values(status="submitted", version=table.c.version + 1))


def at_the_lock(monkeypatch, module, change, ids):
    """Commit change on another connection when module first asks for the competition lock."""
    real = module.lock_competition
    fired = []

    def hooked(competition_id, **kw):
        if not fired:
            fired.append(True)
            with db.engine.begin() as conn:
                change(conn, ids)
        return real(competition_id, **kw)

    monkeypatch.setattr(module, "lock_competition", hooked)
    return fired


def skip_on_sqlite(app):
    """Skip: on SQLite nothing can be committed between a request's first read and the lock."""
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite holds the write lock from the request's first read")


def paper_post(c, ids):
    """Staff enter the judge's paper sheet for the team (GOOD values)."""
    data = {"c_" + k: v for k, v in GOOD.items()}
    return c.post(f"/admin/c/{DEMO}/paper/presentation/{JUDGE}/{ids['team_key']}", data=data)


def paper_rows(app):
    """How many paper entries the database holds."""
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(PaperEntry.id)))
