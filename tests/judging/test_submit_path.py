"""The judge API's write path (issue 17): few statements per sheet, every guard kept.

A write reads its guards in one statement after the competition lock
(sheet_access.write_target): the rules' facts come from SQL there (the department rule as
an EXISTS, the pair's manual decision as an outer join), so these tests hold that
statement to the rules' own answer for every pair, check that each guard still refuses
through the API when its change is committed before the request (on every database,
SQLite too), and bound the statements a submission and its replay cost.
"""
import pytest
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import (
    AuditEntry,
    Competition,
    Judge,
    Recusal,
    ScoreSheet,
    SheetVersion,
    SubmissionKey,
    Team,
)

from .guard_util import JUDGE, guard_ids
from .test_guards import GUARDS
from .util import DEMO, GOOD, body, judge_client, post_submit, recused_pairs


def _competition():
    return db.session.scalars(sa.select(Competition).filter_by(key=DEMO)).one()


def _decide(judge_key, team_key, lift, reason):
    """A manual recusal decision (lift=True: lift an automatic one), committed."""
    comp = _competition()
    judge = db.session.scalars(sa.select(Judge).filter_by(competition_id=comp.id,
                                                          key=judge_key)).one()
    team = db.session.scalars(sa.select(Team).filter_by(competition_id=comp.id,
                                                        key=team_key)).one()
    db.session.add(Recusal(judge_id=judge.id, team_id=team.id, lift=lift, reason=reason))
    db.session.commit()


def _free_and_recused(app, judge):
    """(a team the judge scores, a team the department rule takes from them)."""
    recused = recused_pairs(app)
    teams = [f"T{i:02d}" for i in range(1, 16)]
    return (next(t for t in teams if (judge, t) not in recused),
            next(t for t in teams if (judge, t) in recused))


def test_write_target_decides_recusal_as_the_rule_for_every_pair(app, demo):
    from scoring.operations.sheet_access import recusal_map, write_target

    free, automatic = _free_and_recused(app, JUDGE)
    with app.app_context():
        _decide(JUDGE, free, lift=False, reason="relative")       # a manual recusal
        _decide(JUDGE, automatic, lift=True, reason="moved")     # an automatic one lifted
        comp = _competition()
        expected = recusal_map(comp)
        states = {}
        for judge in comp.judges:
            for team in comp.teams:
                target = write_target(judge.id, "presentation", team.key)
                assert (target.judge.id, target.team.id) == (judge.id, team.id)
                states[(judge.id, team.id)] = target.recusal
        db.session.rollback()
    assert states == expected
    kinds = {(s.recused, s.automatic, s.lifted) for s in states.values()}
    # Not vacuous: clear pairs, automatic recusals, a manual one and a lifted one were seen.
    assert {(False, False, False), (True, True, False), (True, False, False),
            (False, True, True)} <= kinds


def test_write_target_refuses_a_stage_or_team_of_no_such_sheet(app, demo):
    from scoring.operations.sheet_access import write_target
    from scoring.operations.sheet_reads import SheetRefused

    ids = guard_ids(app)
    with app.test_request_context():  # the refusal's message is translated
        for stage, team in (("nope", ids["team_key"]), ("presentation", "nope")):
            with pytest.raises(SheetRefused) as refused:
                write_target(ids["judge"], stage, team)
            assert refused.value.status == 404
        db.session.rollback()


def _written(app, ids, key):
    """(sheet versions, the key's row, audit entries) of the judge's sheet of the team."""
    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count(SheetVersion.id))
                                  .join(ScoreSheet, ScoreSheet.id == SheetVersion.sheet_id)
                                  .where(ScoreSheet.judge_id == ids["judge"],
                                         ScoreSheet.team_id == ids["team"],
                                         ScoreSheet.stage_id == ids["stage"])),
                db.session.scalar(sa.select(SubmissionKey.id).filter_by(key=key)),
                db.session.scalar(sa.select(sa.func.count(AuditEntry.id))))


@pytest.mark.parametrize("guard", [g for g in GUARDS if g != "sheet submitted"])
def test_each_guard_refuses_a_change_committed_before_the_request(app, demo, guard):
    ids = guard_ids(app)
    c = judge_client(app, JUDGE)
    change, status = GUARDS[guard]
    with app.app_context(), db.engine.begin() as conn:
        change(conn, ids)
    data = body(GOOD)
    _, _, audit_before = _written(app, ids, data["idempotency_key"])
    r = post_submit(c, ids["team_key"], data)
    assert r.status_code == status, (r.status_code, r.get_data(as_text=True))
    if guard != "competition archived":  # an archived competition logs its judges out
        assert r.json["ok"] is False and r.json["error"]
    assert _written(app, ids, data["idempotency_key"]) == (0, None, audit_before)


def test_a_lifted_recusal_lets_the_judge_score_the_team(app, demo):
    _free, automatic = _free_and_recused(app, JUDGE)
    c = judge_client(app, JUDGE)
    r = post_submit(c, automatic, body(GOOD))
    assert r.status_code == 403 and "回避" in r.json["error"]
    with app.app_context():
        _decide(JUDGE, automatic, lift=True, reason="moved")
    r = post_submit(c, automatic, body(GOOD))
    assert r.status_code == 200 and r.json["sheet"]["status"] == "submitted"


def _statements(app, fn):
    """The SQL statements fn() sends (transaction control left out), and its result."""
    seen = []

    def note(_conn, _cursor, statement, *_args):
        text = " ".join(statement.split())
        if not text.upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            seen.append(text)

    sa.event.listen(_engine(app), "before_cursor_execute", note)
    try:
        result = fn()
    finally:
        sa.event.remove(_engine(app), "before_cursor_execute", note)
    return seen, result


def _engine(app):
    with app.app_context():
        return db.engine


def test_a_submission_costs_a_bounded_number_of_statements(app, demo):
    ids = guard_ids(app)
    c = judge_client(app, JUDGE)  # a judge with a department: the department rule applies
    data = body(GOOD)
    statements, r = _statements(app, lambda: post_submit(c, ids["team_key"], data))
    assert r.status_code == 200, r.get_data(as_text=True)
    reads = [s for s in statements if s.startswith("SELECT")]
    writes = [s.split(" ")[0:3] for s in statements if not s.startswith("SELECT")]
    # The sheet, its scores (one multi-row statement), its version, the audit entry, the
    # live version, the idempotency key: one statement each, no more.
    assert sorted(" ".join(w) for w in writes) == sorted([
        "INSERT INTO score_sheet", "INSERT INTO score", "INSERT INTO sheet_version",
        "INSERT INTO audit_entry", "UPDATE competition SET", "INSERT INTO submission_key"]), \
        statements
    # Who is asking (judge, competition, session), the guards and rubric, the key, the
    # sheet row; and the competition lock where the database has row locks.
    lock = 0 if _engine(app).dialect.name == "sqlite" else 1
    assert len(reads) <= 4 + lock, reads
    guard = [s for s in reads if "FROM judge" in s and "recusal" in s]
    assert len(guard) == 1 and "member" in guard[0] and "criterion" in guard[0], reads
    # The same request again: its stored answer, nothing written.
    statements, again = _statements(app, lambda: post_submit(c, ids["team_key"], data))
    assert again.status_code == 200 and again.json["replayed"] is True
    assert again.json["sheet"] == r.json["sheet"]
    assert all(s.startswith("SELECT") for s in statements), statements
    assert len(statements) <= 3 + lock, statements
