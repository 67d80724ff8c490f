"""Conflicts at the lock: paper entry retries a conflict, then answers it as a user error;
deleting a judge or a team counts its sheets after the lock (see test_guards.py)."""
import pytest
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import (
    Competition,
    Judge,
    PaperEntry,
    ScoreSheet,
    Team,
)

from .guard_util import (
    at_the_lock,
    guard_ids,
    insert_row,
    paper_post,
    paper_rows,
    skip_on_sqlite,
)
from .test_live import _staff_client

# ---- a conflict in paper entry is retried, then answered as a user error ------------------

def _conflict():
    from sqlalchemy.exc import IntegrityError

    return IntegrityError("INSERT INTO paper_entry ...", {}, Exception("UNIQUE constraint failed"))


def test_paper_entry_conflict_is_retried(sqlite_app, monkeypatch):
    from scoring.operations import paper
    from scoring.operations.demo import load_demo

    app = sqlite_app
    with app.app_context():
        load_demo()
        db.session.commit()
    ids = guard_ids(app)
    real, calls = paper.enter_paper, []

    def flaky(*args):
        calls.append(1)
        if len(calls) == 1:
            # As a concurrent identical entry makes the INSERT fail: nothing of it is kept.
            db.session.add(PaperEntry(judge_id=ids["judge"], team_id=ids["team"],
                                      stage_id=ids["stage"], user_id=args[0].id,
                                      scores_json="{}"))
            db.session.flush()
            raise _conflict()
        return real(*args)

    monkeypatch.setattr(paper, "enter_paper", flaky)
    r = paper_post(_staff_client(app, "s1"), ids)
    assert r.status_code == 302 and len(calls) == 2
    assert paper_rows(app) == 1


def test_paper_entry_conflict_that_persists_is_a_user_error(sqlite_app, monkeypatch):
    from scoring.operations import paper
    from scoring.operations.demo import load_demo

    app = sqlite_app
    with app.app_context():
        load_demo()
        db.session.commit()
    ids = guard_ids(app)

    def always(*_args):
        raise _conflict()

    monkeypatch.setattr(paper, "enter_paper", always)
    r = paper_post(_staff_client(app, "s1"), ids)
    assert r.status_code == 200
    assert "其他人在同一时刻保存了这张纸质评分表" in r.get_data(as_text=True)
    assert paper_rows(app) == 0


# ---- deleting a judge or a team counts its sheets after the lock --------------------------

@pytest.mark.parametrize("kind", ["judge", "team"])
def test_a_first_sheet_committed_at_the_lock_stops_a_delete(app, demo, monkeypatch, kind):
    """The organizer deletes a judge (a team) that has no sheet yet; the judge's first
    sheet commits while the delete waits for the competition lock. The delete must see
    it and refuse, not cascade the acknowledged sheet away."""
    from scoring.operations import setup_judges, setup_teams
    from scoring.operations.setup_base import SetupError

    ids = guard_ids(app)
    with app.app_context():
        skip_on_sqlite(app)
        comp = db.session.get(Competition, ids["competition"])
        if kind == "judge":
            new = setup_judges.save_judge(comp, None, key="NEW", name="新评委", group="external")
        else:
            new = setup_teams.save_team(comp, None, key="NEW", name="新队伍", members=[
                ("甲", "新部门一"), ("乙", "新部门二"), ("丙", "新部门三")])
        db.session.commit()
        new_id = new.id
        # The judge's (the team's) first sheet: the new one with the demo's team (judge).
        sheet = {"judge_id": new_id if kind == "judge" else ids["judge"],
                 "team_id": new_id if kind == "team" else ids["team"],
                 "stage_id": ids["stage"], "status": "submitted", "version": 1,
                 "source": "tablet"}
        module = setup_judges if kind == "judge" else setup_teams
        fired = at_the_lock(monkeypatch, module, insert_row(ScoreSheet, **sheet), ids)
        target = db.session.get(Judge if kind == "judge" else Team, new_id)
        with pytest.raises(SetupError):
            (setup_judges.delete_judge if kind == "judge" else setup_teams.delete_team)(target)
        db.session.rollback()
        assert fired
        column = ScoreSheet.judge_id if kind == "judge" else ScoreSheet.team_id
        assert db.session.scalar(sa.select(sa.func.count()).where(column == new_id)) == 1
