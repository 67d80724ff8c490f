"""Every rule a sheet write obeys is checked on rows read after the competition lock.

An organizer's change is committed on another connection at the worst moment: after the
request read the judge, the stage and the team, just before it takes the competition
lock (what a request waiting for the lock sees while the organizer's change commits).
The write must be refused, with a translated message, and write nothing. Then: paper
entry obeys the same rules, and every organizer change a rule depends on takes the lock
before its first write.

SQLite is left out of the "at the lock" cases: there the request's first read already
takes the database's write lock (BEGIN IMMEDIATE), so no change can commit in between.
"""
import pytest
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import (
    Absence,
    AuditEntry,
    Competition,
    Judge,
    Member,
    Recusal,
    ScoreSheet,
    Stage,
    SubmissionKey,
    Team,
)

from .guard_util import (
    JUDGE,
    at_the_lock,
    guard_ids,
    insert_row,
    paper_post,
    paper_rows,
    sheet_submitted,
    skip_on_sqlite,
    update_row,
)
from .test_live import _staff_client
from .util import GOOD, body, judge_client, post_submit, put_draft

# guard -> (the organizer's change, status the judge API answers)
GUARDS = {
    "stage closed": (update_row(Stage, "stage", state="closed"), 403),
    "team withdrawn": (update_row(Team, "team", withdrawn=True, withdrawn_reason="gone"), 409),
    "judge absent": (insert_row(Absence, judge_id=lambda i: i["judge"],
                             stage_id=lambda i: i["stage"], reason="ill"), 409),
    "manual recusal": (insert_row(Recusal, judge_id=lambda i: i["judge"],
                               team_id=lambda i: i["team"], lift=False, reason="relative"), 403),
    "judge's department": (update_row(Judge, "judge", department_id=lambda i: i["member_dept"]),
                           403),
    "member's department": (update_row(Member, "member", department_id=lambda i: i["judge_dept"]),
                            403),
    "competition archived": (update_row(Competition, "competition", archived=True), 403),
    "sheet submitted": (sheet_submitted, 409),
}


@pytest.mark.parametrize("guard", list(GUARDS))
def test_judge_write_sees_a_change_committed_before_the_lock(app, demo, monkeypatch, guard):
    from scoring.operations import idempotency

    ids = guard_ids(app)
    c = judge_client(app, JUDGE)
    team = ids["team_key"]
    if guard == "sheet submitted":
        assert put_draft(c, team, body({"substance": "3"}, base_version=0)).status_code == 200
    with app.app_context():
        skip_on_sqlite(app)
        audit_before = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
        version_before = db.session.scalar(sa.select(ScoreSheet.version).where(
            ScoreSheet.judge_id == ids["judge"], ScoreSheet.team_id == ids["team"],
            ScoreSheet.stage_id == ids["stage"]))
    change, status = GUARDS[guard]
    fired = at_the_lock(monkeypatch, idempotency, change, ids)
    data = body(GOOD)
    r = post_submit(c, team, data)
    assert fired
    assert r.status_code == status, (r.status_code, r.json)
    assert r.json["ok"] is False and r.json["error"]
    with app.app_context():
        # Nothing written: no new sheet or version, no stored key, no audit of a submission.
        assert db.session.scalar(sa.select(ScoreSheet.version).where(
            ScoreSheet.judge_id == ids["judge"], ScoreSheet.team_id == ids["team"],
            ScoreSheet.stage_id == ids["stage"])) == (
            None if guard != "sheet submitted" else version_before + 1)  # +1: the change
        assert db.session.scalar(sa.select(SubmissionKey.id).where(
            SubmissionKey.key == data["idempotency_key"])) is None
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == audit_before


def test_draft_sees_a_close_committed_before_the_lock(app, demo, monkeypatch):
    from scoring.operations import idempotency

    ids = guard_ids(app)
    c = judge_client(app, JUDGE)
    with app.app_context():
        skip_on_sqlite(app)
    at_the_lock(monkeypatch, idempotency, GUARDS["stage closed"][0], ids)
    r = put_draft(c, ids["team_key"], body({"substance": "3"}, base_version=0))
    assert r.status_code == 403 and "未开放评分" in r.json["error"]
    with app.app_context():
        assert db.session.scalar(sa.select(ScoreSheet.id).where(
            ScoreSheet.judge_id == ids["judge"], ScoreSheet.team_id == ids["team"],
            ScoreSheet.stage_id == ids["stage"])) is None


# ---- paper entry: the tablet's rules, under the lock too ----------------------------------

# guard -> (the change, a piece of the translated message the staff member reads)
PAPER_GUARDS = {
    "stage published": (update_row(Stage, "stage", state="published"), "当前不在评分中"),
    "team withdrawn": (GUARDS["team withdrawn"][0], "已弃权"),
    "judge absent": (GUARDS["judge absent"][0], "缺席"),
    "manual recusal": (GUARDS["manual recusal"][0], "回避"),
    "judge's department": (GUARDS["judge's department"][0], "回避"),
    "competition archived": (GUARDS["competition archived"][0], "已归档"),
    "sheet submitted": (sheet_submitted, "已在平板上提交此评分表"),
}


@pytest.mark.parametrize("guard", list(PAPER_GUARDS))
def test_paper_entry_obeys_the_rules(app, demo, guard):
    ids = guard_ids(app)
    if guard == "sheet submitted":
        post_submit(judge_client(app, JUDGE), ids["team_key"], body(dict(GOOD, timing="1")))
    else:
        with app.app_context(), db.engine.begin() as conn:
            PAPER_GUARDS[guard][0](conn, ids)
    s1 = _staff_client(app, "s1")
    r = paper_post(s1, ids)
    assert r.status_code == 200
    assert PAPER_GUARDS[guard][1] in r.get_data(as_text=True)
    assert 'name="c_substance"' not in r.get_data(as_text=True)
    assert paper_rows(app) == 0


@pytest.mark.parametrize("guard", list(PAPER_GUARDS))
def test_paper_entry_sees_a_change_committed_before_the_lock(app, demo, monkeypatch, guard):
    from scoring.operations import paper

    ids = guard_ids(app)
    if guard == "sheet submitted":
        put_draft(judge_client(app, JUDGE), ids["team_key"], body({"substance": "3"},
                                                                  base_version=0))
    with app.app_context():
        skip_on_sqlite(app)
    s1 = _staff_client(app, "s1")
    fired = at_the_lock(monkeypatch, paper, PAPER_GUARDS[guard][0], ids)
    r = paper_post(s1, ids)
    assert fired
    assert r.status_code == 200, r.status_code
    assert PAPER_GUARDS[guard][1] in r.get_data(as_text=True)
    assert paper_rows(app) == 0
    with app.app_context():
        sheet = db.session.scalars(sa.select(ScoreSheet).where(
            ScoreSheet.judge_id == ids["judge"], ScoreSheet.team_id == ids["team"],
            ScoreSheet.stage_id == ids["stage"])).first()
        assert sheet is None or sheet.source == "judge"


# ---- organizer changes a rule depends on take the competition lock first --------------------

def _organizer_changes():
    from scoring.operations import (
        live,
        setup_competitions,
        setup_judges,
        setup_recusals,
        setup_stages,
        setup_teams,
    )

    def get(model, i, key):
        return db.session.get(model, i[key])

    def member_rows(team):
        return [(m.name, m.department.name) for m in team.members]

    def drop_sheets(i):
        # The demo's judges scored every team in the plan stage: a recusal needs none.
        db.session.execute(sa.delete(ScoreSheet).where(ScoreSheet.judge_id == i["judge"],
                                                       ScoreSheet.team_id == i["team"]))

    def recuse(i):
        return setup_recusals.decide(get(Judge, i, "judge"), get(Team, i, "team"), lift=False,
                                     reason="relative", automatic=False)

    return {
        "close a stage": (None, lambda i: setup_stages.change_state(
            get(Stage, i, "stage"), "closed")),
        "archive": (None, lambda i: setup_competitions.set_archived(
            get(Competition, i, "competition"), True)),
        "withdraw": (None, lambda i: live.withdraw(get(Team, i, "team"), "gone")),
        "restore": (lambda i: live.withdraw(get(Team, i, "team"), "gone"),
                    lambda i: live.restore(get(Team, i, "team"))),
        "mark absent": (None, lambda i: live.mark_absent(
            get(Judge, i, "judge"), get(Stage, i, "stage"), "ill")),
        "mark present": (lambda i: live.mark_absent(get(Judge, i, "judge"),
                                                    get(Stage, i, "stage"), "ill"),
                         lambda i: live.mark_present(get(Judge, i, "judge"),
                                                     get(Stage, i, "stage"))),
        "recuse": (drop_sheets, lambda i: recuse(i)),
        "remove a decision": (
            lambda i: (drop_sheets(i), recuse(i)),
            lambda i: setup_recusals.remove_decision(db.session.scalars(
                sa.select(Recusal).filter_by(judge_id=i["judge"])).one())),
        "a judge's department": (None, lambda i: setup_judges.save_judge(
            get(Competition, i, "competition"), get(Judge, i, "judge"),
            key=JUDGE, name="changed", group="internal",
            department=get(Member, i, "member").department.name)),
        "a team's members": (None, lambda i: setup_teams.save_team(
            get(Competition, i, "competition"), get(Team, i, "team"), key=i["team_key"],
            name="changed", members=member_rows(get(Team, i, "team")))),
    }


@pytest.mark.parametrize("change", list(_organizer_changes()))
def test_organizer_change_locks_the_competition_before_writing(app, demo, change):
    ids = guard_ids(app)
    setup, act = _organizer_changes()[change]
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()))

    with app.app_context():
        skip_on_sqlite(app)
        if setup is not None:
            setup(ids)
        db.session.commit()
        sa.event.listen(db.engine, "before_cursor_execute", seen)
        try:
            act(ids)
            db.session.flush()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", seen)
        db.session.rollback()
    writes = [n for n, s in enumerate(statements)
              if s.split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes, statements
    locks = [n for n, s in enumerate(statements)
             if "FROM competition" in s and s.endswith("FOR UPDATE")]
    assert locks and locks[0] < writes[0], statements
