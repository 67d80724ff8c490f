"""A deduction confirmed twice (a double click on "confirm", the answer reloaded, two
tabs at once) is taken off once.

Deductions are the organizer's one insert that no unique constraint guards: sending the
confirmed form twice recorded two deductions, and the team lost the points twice; the
timer's overtime proposal sent twice made two proposals. The second is now refused, read
after the competition lock, with a message that says why and what to do instead.
"""
import threading

from scoring.extensions import db
from tests.conftest import make_user
from tests.results.contest_doc import document
from tests.results.test_deductions import _ids, _import, _rows
from tests.results.test_overtime_proposal import _deductions, _overtime


def _form(app):
    team_id, stage_id = _ids(app)
    return {"team": str(team_id), "stage": str(stage_id), "points": "1", "reason": "超时",
            "confirm": "yes"}


def test_the_confirmed_form_sent_twice_takes_the_points_off_once(app, client, login):
    _import(app, document())
    login("admin")
    form = _form(app)
    assert client.post("/admin/c/hand-2024/deductions", data=form).status_code == 302
    r = client.post("/admin/c/hand-2024/deductions", data=form, follow_redirects=True)
    assert r.status_code == 200
    assert "这项扣分刚刚已记录（表单是否提交了两次？）" in r.get_data(as_text=True)
    assert len(_deductions(app)) == 1
    assert _rows(app)["A"]["final"] == "83.43"  # 84.03 less one point of talk x 0.6
    # Another reason (or other points) is another deduction.
    r = client.post("/admin/c/hand-2024/deductions", data={**form, "reason": "第二次超时"})
    assert r.status_code == 302 and len(_deductions(app)) == 2


def test_four_confirmations_at_once_record_one_deduction(app):
    _import(app, document())
    make_user(app, "twice", "twice-password", "admin")
    form = _form(app)
    clients = []
    for _ in range(4):
        c = app.test_client()
        c.post("/admin/login", data={"username": "twice", "password": "twice-password"})
        clients.append(c)
    answers, barrier = [], threading.Barrier(len(clients))

    def send(c):
        barrier.wait()
        try:
            answers.append(c.post("/admin/c/hand-2024/deductions", data=form).status_code)
        except Exception as exc:  # TESTING propagates what the app did not handle
            answers.append(repr(exc)[:200])

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(a in (302, 409) for a in answers), answers
    assert len(_deductions(app)) == 1


def test_the_timers_overtime_proposed_twice_is_one_proposal(app, client, login):
    _import(app, document())
    login("admin")
    team_id, stage_id = _ids(app)
    pid = _overtime(app, team_id, stage_id, talk=40)
    data = {"presentation": str(pid), "points": "1"}
    assert client.post("/admin/c/hand-2024/deductions", data=data).status_code == 302
    r = client.post("/admin/c/hand-2024/deductions", data=data, follow_redirects=True)
    assert "该队在本环节的计时超时已提出扣分建议" in r.get_data(as_text=True)
    assert [d[3:5] for d in _deductions(app)] == [("proposed", "timer")]
    with app.app_context():
        db.session.remove()
