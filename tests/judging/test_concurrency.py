"""Nine judges submitting every team at once, with retries and duplicates, on every database."""
import random
import threading
import uuid

from scoring.extensions import db
from scoring.models import Judge, SubmissionKey

from .util import judge_client, recused_pairs, snapshot, versions

JUDGES = ["X1", "X2", "X3", "N1", "N2", "N3", "N4", "N5", "N6"]
TEAMS = [f"T{i:02d}" for i in range(1, 16)]


def _scores(judge, team):
    # Different, valid values per sheet so a mixed-up write would show.
    n = (JUDGES.index(judge) * 7 + TEAMS.index(team) * 3) % 20
    return {"substance": str(20 + n), "delivery": f"{10 + n % 10}.5", "teamwork": str(n % 21),
            "timing": str(n % 11)}


def test_nine_judges_at_once(app, demo):
    recused = recused_pairs(app)
    answers = {}  # idempotency key -> first answer body
    errors = []
    lock = threading.Lock()
    start = threading.Barrier(len(JUDGES) * 2)

    def call(c, method, url, data):
        r = c.open(url, method=method, json=data)
        if r.status_code >= 500:
            errors.append((url, r.status_code, r.get_data(as_text=True)[:300]))
        return r

    def worker(judge, twin):
        rng = random.Random(hash((judge, twin)))
        c = judge_client(app, judge)
        teams = [t for t in TEAMS if (judge, t) not in recused]
        rng.shuffle(teams)
        start.wait()
        for team in teams:
            url = f"/judge/api/sheet/presentation/{team}"
            final = _scores(judge, team)
            if not twin:
                # The judge's own page: a draft or two before submitting.
                base = 0
                for step in range(rng.randint(0, 2)):
                    partial = {"substance": str(10 + step)}
                    r = call(c, "PUT", url + "/draft", {
                        "scores": partial, "base_version": base,
                        "idempotency_key": str(uuid.uuid4())})
                    if r.status_code == 200:
                        base = r.json["sheet"]["version"]
            data = {"scores": final, "idempotency_key": str(uuid.uuid4())}
            r = call(c, "POST", url + "/submit", data)
            with lock:
                if r.status_code == 200:
                    answers.setdefault(data["idempotency_key"], r.json)
            # Lost answers: the same request again, sometimes several times.
            for _ in range(rng.randint(0, 2)):
                again = call(c, "POST", url + "/submit", data)
                assert again.status_code == r.status_code
                if r.status_code == 200:
                    assert again.json["sheet"] == r.json["sheet"]

    threads = [threading.Thread(target=worker, args=(j, twin)) for j in JUDGES
               for twin in (False, True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors[:3]

    sheets = {k: v for k, v in snapshot(app).items() if k[2] == "presentation"}
    expected = {(j, t) for j in JUDGES for t in TEAMS if (j, t) not in recused}
    assert {(j, t) for j, t, _ in sheets} == expected  # none lost, none extra
    for (judge, team, _stage), (status, version, scores) in sheets.items():
        assert status == "submitted"
        assert scores == _scores(judge, team)
        kept = versions(app, judge, team)
        assert [v[0] for v in kept] == list(range(1, version + 1))  # no gap, no duplicate
        assert kept[-1][1] == "submitted" and kept[-1][2] == scores
        assert all(v[1] == "draft" for v in kept[:-1])
    # Every key that got an answer gives that same answer again.
    with app.app_context():
        stored = {k.key: k for k in db.session.scalars(db.select(SubmissionKey))}
    assert set(answers) <= set(stored)
    sample = random.Random(1).sample(sorted(answers), 20)
    for key in sample:
        first = answers[key]
        with app.app_context():
            jkey = db.session.get(Judge, stored[key].judge_id).key
        c = judge_client(app, jkey)
        team = next(t for (j, t, s), v in sheets.items()
                    if j == jkey and v[2] == first["sheet"]["scores"] and s == "presentation")
        url = f"/judge/api/sheet/presentation/{team}/submit"
        r = c.post(url, json={"scores": first["sheet"]["scores"], "idempotency_key": key})
        assert r.status_code == 200 and r.json["replayed"] is True
        assert r.json["sheet"] == first["sheet"]
        # The key is bound to what it carried: other scores with it are refused.
        assert c.post(url, json={"scores": {}, "idempotency_key": key}).status_code == 409
