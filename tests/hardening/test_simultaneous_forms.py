"""The same organizer form sent several times at once (a double click, two tabs, two
organizers) is never a server error, and what it creates exists once.

Every setup write checks "not there yet" and then inserts; two requests can both pass
the check before either commits. On SQLite `BEGIN IMMEDIATE` serializes them; on
PostgreSQL and MariaDB the database's unique constraint refuses the second insert. That
refusal (IntegrityError) was a 500 on each of these forms; it is now a translated 409
page, and nothing of the refused request is kept.
"""
import threading

import pytest

from scoring.extensions import db
from scoring.models import Competition, Department, Division, Judge, Stage, User
from tests.conftest import make_user

FORMS = [
    ("/admin/competitions/new", {"key": "race-1", "name": "同时提交赛", "start": "empty"},
     Competition, {"key": "race-1"}),
    ("/admin/c/demo-2024/copy", {"key": "race-2", "name": "副本"},
     Competition, {"key": "race-2"}),
    ("/admin/c/demo-2024/departments", {"name": "同时提交部"}, Department,
     {"name": "同时提交部"}),
    ("/admin/c/demo-2024/judges", {"key": "RJ", "name": "同时评委", "group": "external"},
     Judge, {"key": "RJ"}),
    ("/admin/users", {"username": "racer-new", "name": "n", "role": "staff",
                      "password": "long-password-1", "confirm": "long-password-1"},
     User, {"username": "racer-new"}),
    ("/admin/c/demo-2024/stages/new", {"key": "st9", "name": "同时阶段", "weight": "0"},
     Stage, {"key": "st9"}),
    ("/admin/c/demo-2024/rooms/divisions", {"key": "dv", "name": "同时组"}, Division,
     {"key": "dv"}),
]


def _admins(app, n):
    make_user(app, "racer", "racer-password", "admin")
    clients = []
    for _ in range(n):
        c = app.test_client()
        assert c.post("/admin/login", data={"username": "racer",
                                            "password": "racer-password"}).status_code == 302
        clients.append(c)
    return clients


def _at_once(clients, url, data) -> list:
    """POST the same form from every client at the same instant; the answers."""
    answers, barrier = [], threading.Barrier(len(clients))

    def send(c):
        barrier.wait()
        try:
            r = c.post(url, data=data)
            answers.append((r.status_code, r.get_data(as_text=True)))
        except Exception as exc:  # TESTING propagates what the app did not handle
            answers.append((f"{type(exc).__name__}: {exc}"[:300], ""))

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


@pytest.mark.parametrize("url, data, model, where", FORMS,
                         ids=[f[0].rsplit("/", 1)[-1] for f in FORMS])
def test_the_same_form_sent_six_times_at_once(app, demo, url, data, model, where):
    answers = _at_once(_admins(app, 6), url, data)
    broken = [status for status, _body in answers
              if not isinstance(status, int) or status >= 500]
    assert not broken, broken
    with app.app_context():
        count = db.session.scalar(db.select(db.func.count()).select_from(model)
                                  .filter_by(**where))
    assert count == 1, (url, count)
    for status, body in answers:
        if status == 409:
            assert "另一请求在同一时刻保存了相同的条目" in body, body[:400]


def test_a_unique_clash_is_a_translated_conflict_and_saves_nothing(app, demo, monkeypatch):
    """The check that the other request passed too, made blind: the insert clashes."""
    from scoring.operations import setup_teams

    admin = _admins(app, 1)[0]
    assert admin.post("/admin/c/demo-2024/departments",
                      data={"name": "冲突部"}).status_code == 302
    monkeypatch.setattr(setup_teams, "find_department", lambda *a, **k: None)
    r = admin.post("/admin/c/demo-2024/departments", data={"name": "冲突部"})
    assert r.status_code == 409
    page = r.get_data(as_text=True)
    assert "另一请求同时保存了相同内容" in page and "本次请求未保存任何内容" in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Department)
                                 .filter_by(name="冲突部")) == 1
    # JSON clients get JSON.
    r = admin.post("/admin/c/demo-2024/departments", data={"name": "冲突部"},
                   headers={"Accept": "application/json"})
    assert r.status_code == 409 and r.json["ok"] is False
    assert admin.get("/admin/users").status_code == 200  # still logged in
