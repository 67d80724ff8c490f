"""The submit benchmark's in-process figure: one submission through the Flask test client."""
import json
import random
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path


def in_process(teams=100, judges=50, count=200) -> dict:
    """CPU ms (median, best) and SQL statements of one submission through the Flask test client.

    A fresh SQLite contest of the benchmark's shape; the judges take turns, each
    submitting its sheets in a shuffled order, exactly as Client.submit does. The figure
    includes the test client's own work (~0.3 ms), not waitress's.
    """
    from sqlalchemy import event

    from scoring import create_app
    from scoring.extensions import db
    from scoring.models import Judge

    from .bigcontest import build
    from .submit import CRITERIA, CSRF_META, STAGES  # the contest and page of bench.submit

    tmp = Path(tempfile.mkdtemp(prefix="bench-submit-inproc-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.sqlite'}",
                      "INSTANCE_PATH": str(tmp)})
    with app.app_context():
        db.create_all()
        comp = build(teams=teams, judges=judges, stages=STAGES, criteria=CRITERIA,
                     key="submit", sheets=False, judge_departments=False)
        db.session.commit()
        rows = db.session.execute(db.select(Judge.id, Judge.token).where(
            Judge.competition_id == comp.id).order_by(Judge.key)).all()
        db.session.remove()
        engine = db.engine
    rng = random.Random(7)
    tablets = []
    for jid, token in rows:
        client = app.test_client()
        assert client.get(f"/j/{jid}.{token}").status_code == 302
        page = client.get("/judge/s/s0/T0000").data
        todo = [(f"s{st}", f"T{t:04d}") for st in range(STAGES) for t in range(teams)]
        rng.shuffle(todo)
        tablets.append((client, CSRF_META.search(page).group(1).decode(), todo))
    statements = []
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *a: statements.append(statement))

    def one(i):
        client, csrf, todo = tablets[i % len(tablets)]
        stage, team = todo.pop()
        scores = {f"c{c}": str(rng.randint(20, 40) / 2) for c in range(CRITERIA)}
        body = json.dumps({"scores": scores, "idempotency_key": uuid.uuid4().hex})
        r = client.post(f"/judge/api/sheet/{stage}/{team}/submit", data=body.encode(),
                        headers={"Content-Type": "application/json",
                                 "Accept": "application/json", "X-CSRFToken": csrf})
        assert r.status_code == 200 and r.get_json()["ok"] is True, r.data

    for i in range(40):  # warm-up: imports, statement caches
        one(i)
    cpu = []
    for i in range(count):
        before = len(statements)
        t0 = time.process_time()
        one(40 + i)
        cpu.append(time.process_time() - t0)
        counted = len(statements) - before
    engine.dispose()
    shutil.rmtree(tmp, ignore_errors=True)
    return {"cpu_ms_median": statistics.median(cpu) * 1000, "cpu_ms_best": min(cpu) * 1000,
            "statements": counted, "count": count}
