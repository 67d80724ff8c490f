"""Organizer changes racing judges' writes: every guard is checked on rows read under the lock.

Nine judges write while an organizer closes the stage or withdraws a team. A write that
read the stage (or team) before the change committed and took the competition lock after
it must be refused, never written with the old state (found on PostgreSQL: sheets
submitted after the stage's close had committed). Every iteration is a real race: the
organizer acts in the middle of the burst, while requests are queued on the lock.
"""
import threading
import uuid

from scoring.extensions import db
from scoring.models import (
    AuditEntry,
    Competition,
    Judge,
    ScoreSheet,
    SheetVersion,
    Stage,
    Team,
    utcnow,
)

from .test_live import _staff_client
from .util import DEMO, judge_client, recused_pairs

JUDGES = ["X1", "X2", "X3", "N1", "N2", "N3", "N4", "N5", "N6"]
TEAMS = [f"T{i:02d}" for i in range(1, 16)]
STAGE = "presentation"


def _scores(judge, team, n=0):
    k = (JUDGES.index(judge) * 7 + TEAMS.index(team) * 3 + n) % 20
    return {"substance": str(20 + k), "delivery": f"{10 + k % 10}.5", "teamwork": str(k % 21),
            "timing": str(k % 11)}


def _stage(app):
    with app.app_context():
        return db.session.scalars(db.select(Stage).join(Competition).where(
            Competition.key == DEMO, Stage.key == STAGE)).one().id


def _reset_stage(app, stage_id):
    """No sheet in the stage, the stage open: the next round starts from scratch."""
    from scoring.operations.setup_stages import change_state

    with app.app_context():
        db.session.execute(db.delete(ScoreSheet).where(ScoreSheet.stage_id == stage_id))
        stage = db.session.get(Stage, stage_id)
        if stage.state != "open":
            change_state(stage, "open", "next round of the race test")
        db.session.commit()


def _sheets(app, stage_id):
    """{(judge key, team key): (status, submitted_at, scores of the last version)}."""
    import json

    with app.app_context():
        out = {}
        for sheet, jk, tk in db.session.execute(
                db.select(ScoreSheet, Judge.key, Team.key)
                .join(Judge, Judge.id == ScoreSheet.judge_id)
                .join(Team, Team.id == ScoreSheet.team_id)
                .where(ScoreSheet.stage_id == stage_id)):
            last = db.session.scalars(db.select(SheetVersion).where(
                SheetVersion.sheet_id == sheet.id).order_by(SheetVersion.version.desc())).first()
            out[(jk, tk)] = (sheet.status, sheet.submitted_at, json.loads(last.scores_json))
        return out


def _burst(app, clients, plan, trigger_after, organizer):
    """Run plan {judge: [(method, url, body)]} on nine threads; after trigger_after answers,
    organizer() runs on its own thread. Returns [(judge, body, status, json)] and 5xx list."""
    answers, errors = [], []
    lock = threading.Lock()
    start = threading.Barrier(len(plan) + 1)
    go = threading.Event()

    def judge_worker(judge):
        c = clients[judge]
        start.wait()
        for method, url, data in plan[judge]:
            r = c.open(url, method=method, json=data)
            with lock:
                if r.status_code >= 500:
                    errors.append((judge, url, r.status_code, r.get_data(as_text=True)[:300]))
                answers.append((judge, url, data, r.status_code, r.get_json(silent=True)))
                if len(answers) >= trigger_after:
                    go.set()

    def organizer_worker():
        start.wait()
        go.wait(timeout=120)
        organizer()

    threads = [threading.Thread(target=judge_worker, args=(j,)) for j in plan]
    threads.append(threading.Thread(target=organizer_worker))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a request hung"
    return answers, errors


def test_close_during_a_burst_of_submissions(app, demo):
    """No sheet is submitted after the close committed; answers match the database."""
    recused = recused_pairs(app)
    stage_id = _stage(app)
    clients = {j: judge_client(app, j) for j in JUDGES}
    admin = _staff_client(app, "boss", "admin")
    accepted_total = refused_total = 0
    for round_ in range(4):
        _reset_stage(app, stage_id)
        with app.app_context():
            first_audit = db.session.scalar(db.select(db.func.max(AuditEntry.id))) or 0
        plan = {}
        for i, j in enumerate(JUDGES):
            teams = [t for t in TEAMS if (j, t) not in recused]
            # Each judge starts elsewhere, so the whole field is covered at any moment.
            teams = teams[i % len(teams):] + teams[:i % len(teams)]
            plan[j] = [("POST", f"/judge/api/sheet/{STAGE}/{t}/submit",
                        {"scores": _scores(j, t, round_), "idempotency_key": str(uuid.uuid4())})
                       for t in teams]
        total = sum(len(p) for p in plan.values())
        closed = {}

        def close(closed=closed):
            # confirm=yes: the close asks again once before it locks judges out.
            r = admin.post(f"/admin/c/{DEMO}/stages/{stage_id}/state/closed",
                           data={"confirm": "yes"})
            closed["status"] = r.status_code
            closed["at"] = utcnow()

        answers, errors = _burst(app, clients, plan, total // 3, close)
        assert not errors, errors[:3]
        assert closed["status"] == 302
        sheets = _sheets(app, stage_id)
        with app.app_context():
            assert db.session.get(Stage, stage_id).state == "closed"
            audit = db.session.execute(
                db.select(AuditEntry.id, AuditEntry.action)
                .where(AuditEntry.id > first_audit,
                       AuditEntry.action.in_(("stage.close", "sheet.submit")))).all()
        close_id = next(i for i, a in audit if a == "stage.close")
        # Clock-free: audit rows are inserted under the competition lock, so their ids follow
        # the order in which writers held it. No submission may come after the close.
        late = [i for i, a in audit if a == "sheet.submit" and i > close_id]
        assert not late, f"round {round_}: {len(late)} sheets submitted after the close"
        for status, submitted_at, _last in sheets.values():
            assert status == "submitted" and submitted_at <= closed["at"]
        for judge, url, data, status, body in answers:
            team = url.split("/")[-2]
            if status == 200:
                assert sheets[(judge, team)][2] == data["scores"]
                accepted_total += 1
            else:
                assert status == 403 and body["ok"] is False and body["error"]
                assert (judge, team) not in sheets
                refused_total += 1
        assert len(sheets) == sum(1 for a in answers if a[3] == 200)
    assert accepted_total and refused_total


def test_withdrawal_during_a_burst_on_that_team(app, demo):
    """Drafts of a team withdrawn meanwhile: none is written after the withdrawal committed."""
    from scoring.operations.live import withdraw

    recused = recused_pairs(app)
    stage_id = _stage(app)
    clients = {j: judge_client(app, j) for j in JUDGES}
    accepted_total = refused_total = 0
    for round_, team in enumerate(TEAMS[:3]):
        judges = [j for j in JUDGES if (j, team) not in recused]
        plan = {}
        for j in judges:
            # Drafts with ever new values and no base_version (the judge's latest typing
            # wins), so each accepted one is a new version.
            plan[j] = [("PUT", f"/judge/api/sheet/{STAGE}/{team}/draft",
                        {"scores": {"substance": str(n), "timing": str(n % 11)},
                         "idempotency_key": str(uuid.uuid4())}) for n in range(1, 21)]
        total = sum(len(p) for p in plan.values())
        done = {}

        def withdraw_team(team=team, done=done):
            with app.app_context():
                row = db.session.scalars(db.select(Team).join(Competition).where(
                    Competition.key == DEMO, Team.key == team)).one()
                withdraw(row, "left during the presentation")
                db.session.commit()
                done["at"] = utcnow()

        answers, errors = _burst(app, clients, plan, total // 3, withdraw_team)
        assert not errors, errors[:3]
        with app.app_context():
            rows = db.session.execute(
                db.select(SheetVersion.created_at, SheetVersion.scores_json, ScoreSheet.judge_id)
                .join(ScoreSheet, ScoreSheet.id == SheetVersion.sheet_id)
                .join(Team, Team.id == ScoreSheet.team_id)
                .where(Team.key == team, ScoreSheet.stage_id == stage_id)).all()
        late = [r for r in rows if r.created_at > done["at"]]
        assert not late, f"round {round_}: {len(late)} versions written after the withdrawal"
        accepted = [a for a in answers if a[3] == 200]
        refused = [a for a in answers if a[3] != 200]
        assert all(a[3] == 409 and a[4]["ok"] is False and a[4]["error"] for a in refused)
        # Every acknowledged draft is a kept version; nothing refused was kept.
        assert len(rows) == len(accepted)
        sheets = _sheets(app, stage_id)
        for judge in judges:
            mine = [a for a in accepted if a[0] == judge]
            if mine:
                assert sheets[(judge, team)][2] == {k: v for k, v in mine[-1][2]["scores"].items()}
                last = mine[-1][4]["sheet"]["version"]
                assert last == len(mine)
            else:
                assert (judge, team) not in sheets
        accepted_total += len(accepted)
        refused_total += len(refused)
    assert accepted_total and refused_total


def test_identical_paper_entries_at_once(app, demo):
    """The same form sent twice at once (two tabs of one person) and a second person's at
    the same moment: never a 500, one entry per person, the agreed sheet written once."""
    from scoring.models import PaperEntry

    recused = recused_pairs(app)
    stage_id = _stage(app)
    first = _staff_client(app, "s1")
    again = _login_again(app, "s1")
    other = _staff_client(app, "s2")
    pairs = [(j, t) for j in JUDGES for t in TEAMS if (j, t) not in recused][::20][:6]
    for judge, team in pairs:
        form = {"c_" + k: v for k, v in _scores(judge, team).items()}
        url = f"/admin/c/{DEMO}/paper/{STAGE}/{judge}/{team}"
        start = threading.Barrier(3)
        statuses = []

        def send(c, statuses=statuses, start=start, url=url, form=form):
            start.wait()
            statuses.append(c.post(url, data=form).status_code)

        threads = [threading.Thread(target=send, args=(c,)) for c in (first, again, other)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert sorted(statuses) in ([200, 302, 302], [302, 302, 302]), statuses
        with app.app_context():
            per_user = db.session.execute(
                db.select(PaperEntry.user_id, db.func.count(PaperEntry.id))
                .join(Team, Team.id == PaperEntry.team_id)
                .join(Judge, Judge.id == PaperEntry.judge_id)
                .where(Team.key == team, Judge.key == judge, PaperEntry.stage_id == stage_id)
                .group_by(PaperEntry.user_id)).all()
            kept = db.session.scalar(
                db.select(db.func.count(SheetVersion.id))
                .join(ScoreSheet, ScoreSheet.id == SheetVersion.sheet_id)
                .join(Team, Team.id == ScoreSheet.team_id)
                .join(Judge, Judge.id == ScoreSheet.judge_id)
                .where(Team.key == team, Judge.key == judge, ScoreSheet.stage_id == stage_id))
        assert sorted(n for _user, n in per_user) == [1, 1]
        status, _at, scores = _sheets(app, stage_id)[(judge, team)]
        assert status == "submitted" and scores == _scores(judge, team) and kept == 1


def _login_again(app, username):
    """A new session of an existing staff account (the same person in another tab)."""
    c = app.test_client()
    r = c.post("/admin/login", data={"username": username, "password": "password-" + username})
    assert r.status_code == 302
    return c
