"""CSRF: every state-changing request (every rule accepting POST/PUT/PATCH/DELETE) needs a token.

The list of routes is read from app.url_map, so a new route is covered the day it is
added (and this test fails if it cannot fill in the route's arguments). Each request is
sent without a token by an admin, and the judge API by a judge: 400, and no row of any
table changed. With the token, the same kind of request is accepted (the test can fail).
"""
import re

import pytest
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import (
    Competition,
    Department,
    Judge,
    Recusal,
    ScoreSheet,
    Stage,
    Team,
    User,
)

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|'
                    r'<meta name="csrf-token" content="([^"]+)"')


def _token(html: str) -> str:
    found = _TOKEN.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1) or found.group(2)


def _everything(app) -> dict:
    """Every row of every table (the whole database state)."""
    with app.app_context():
        out = {}
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(sa.select(table)).all()
            out[table.name] = sorted(repr(tuple(r)) for r in rows)
        db.session.remove()
        return out


def _ids(app, key):
    """A real id for each kind of URL argument, from the demo contest."""
    with app.app_context():
        comp = db.session.scalars(sa.select(Competition).filter_by(key=key)).one()
        sheet = db.session.scalars(sa.select(ScoreSheet).join(Stage).where(
            Stage.competition_id == comp.id, ScoreSheet.status == "submitted")).first()
        team = db.session.scalars(sa.select(Team).filter_by(competition_id=comp.id)).first()
        judge = db.session.scalars(sa.select(Judge).filter_by(competition_id=comp.id)).first()
        stage = db.session.scalars(sa.select(Stage).filter_by(competition_id=comp.id,
                                                              key="presentation")).one()
        dept = db.session.scalars(sa.select(Department).filter_by(
            competition_id=comp.id)).first()
        recusal = Recusal(judge_id=judge.id, team_id=team.id, reason="csrf test")
        db.session.add(recusal)
        from scoring.models import Deduction

        deduction = Deduction(team_id=team.id, stage_id=stage.id, points=1, reason="csrf test",
                              state="proposed", source="timer")
        db.session.add(deduction)
        from scoring.models import Material

        material = Material(team_id=team.id, stage_id=stage.id, filename="plan.pdf",
                            kind="pdf", sha256="0" * 64, size=1, pages_json="[]",
                            uploaded_by="csrf test")
        db.session.add(material)
        db.session.commit()
        user = db.session.scalars(sa.select(User)).first()
        values = {"key": key, "sheet_id": sheet.id, "team_id": team.id, "judge_id": judge.id,
                  "stage_id": stage.id, "dept_id": dept.id, "recusal_id": recusal.id,
                  "deduction_id": deduction.id, "user_id": user.id,
                  "stage_key": "presentation", "team_key": team.key,
                  "judge_key": judge.key, "direction": "up", "target": "closed",
                  "kind": "ranking", "fmt": "csv", "link": f"{judge.id}.{judge.token}",
                  "code": "en", "material_id": material.id,
                  "team_link": f"{team.id}.{team.upload_token}"}
        db.session.remove()
        return values


def _write_rules(app):
    return sorted((r for r in app.url_map.iter_rules() if r.methods & WRITE_METHODS),
                  key=lambda r: r.rule)


@pytest.fixture
def csrf_app(make_app):
    from scoring.operations.demo import DEMO_KEY, load_demo

    app = make_app("sqlite", WTF_CSRF_ENABLED=True)
    with app.app_context():
        load_demo()
        db.session.commit()
        db.session.remove()
    return app, DEMO_KEY


def _admin(app):
    from tests.conftest import make_user

    make_user(app, "csrfadmin", "csrf-admin-password", "admin")
    c = app.test_client()
    token = _token(c.get("/admin/login").get_data(as_text=True))
    r = c.post("/admin/login", data={"username": "csrfadmin", "password": "csrf-admin-password",
                                     "csrf_token": token})
    assert r.status_code == 302, r.status_code
    return c


def _judge(app, link):
    c = app.test_client()
    assert c.get(f"/j/{link}").status_code == 302
    return c


def test_login_itself_needs_the_token(csrf_app):
    app, _key = csrf_app
    from tests.conftest import make_user

    make_user(app, "someone", "a-good-password", "admin")
    c = app.test_client()
    r = c.post("/admin/login", data={"username": "someone", "password": "a-good-password"})
    assert r.status_code == 400
    assert c.get("/admin/").status_code == 302  # still not logged in


def test_every_write_route_refuses_a_request_without_token(csrf_app):
    app, key = csrf_app
    values = _ids(app, key)
    admin = _admin(app)
    judge = _judge(app, values["link"])
    rules = _write_rules(app)
    assert len(rules) >= 30, [r.rule for r in rules]
    before = _everything(app)
    checked = []
    for rule in rules:
        missing = set(rule.arguments) - set(values)
        assert not missing, f"{rule.rule}: the test cannot fill {missing}; add a value"
        url = rule.build({a: values[a] for a in rule.arguments}, append_unknown=False)[1]
        is_judge = rule.endpoint.startswith("judge.")
        client = judge if is_judge else admin
        for method in sorted(rule.methods & WRITE_METHODS):
            if is_judge:
                r = client.open(url, method=method, json={
                    "scores": {"substance": "30", "delivery": "20", "teamwork": "10",
                               "timing": "5"}, "idempotency_key": "csrf-test-key-1"})
            else:
                r = client.open(url, method=method, data={"name": "changed", "reason": "x",
                                                          "password": "another-password-1"})
            assert r.status_code == 400, (method, url, r.status_code)
            checked.append((method, rule.rule))
    assert _everything(app) == before, "a request without a CSRF token changed the database"
    endpoints = {r for _m, r in checked}
    assert "/judge/api/sheet/<stage_key>/<team_key>/submit" in endpoints
    assert "/judge/api/sheet/<stage_key>/<team_key>/draft" in endpoints
    assert "/admin/logout" in endpoints
    # The admin is still logged in: logout without a token did nothing.
    assert admin.get("/admin/").status_code == 200


def test_a_request_with_the_token_is_accepted(csrf_app):
    """The same requests with the token go through (so the refusals above mean something)."""
    app, key = csrf_app
    values = _ids(app, key)
    judge = _judge(app, values["link"])
    token = _token(judge.get("/judge/").get_data(as_text=True))
    with app.app_context():
        from scoring.operations.sheet_access import is_recused

        j = db.session.get(Judge, int(values["link"].split(".")[0]))
        team = next(t for t in j.competition.teams if not is_recused(j, t))
        team_key = team.key
        db.session.remove()
    body = {"scores": {"substance": "30", "delivery": "20", "teamwork": "10", "timing": "5"},
            "idempotency_key": "csrf-test-key-2"}
    url = f"/judge/api/sheet/presentation/{team_key}/submit"
    assert judge.post(url, json=body).status_code == 400
    r = judge.post(url, json=body, headers={"X-CSRFToken": token})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.json["sheet"]["status"] == "submitted"

    admin = _admin(app)
    page = admin.get(f"/admin/c/{key}/").get_data(as_text=True)
    r = admin.post("/admin/logout", data={"csrf_token": _token(page)})
    assert r.status_code == 302
    assert admin.get("/admin/").status_code == 302


def test_json_takes_the_token_from_the_header_only_and_checks_it(csrf_app):
    """A JSON body carries no form: its token is read from X-CSRFToken, and a wrong one,
    or one put in the JSON itself, is refused with nothing saved."""
    app, key = csrf_app
    values = _ids(app, key)
    judge = _judge(app, values["link"])
    token = _token(judge.get("/judge/").get_data(as_text=True))
    url = f"/judge/api/sheet/presentation/{values['team_key']}/draft"
    body = {"scores": {"substance": "30"}, "idempotency_key": "csrf-test-key-3"}
    before = _everything(app)
    for headers, sent in (({}, dict(body, csrf_token=token)),
                          ({"X-CSRFToken": token[:-2] + "xx"}, body),
                          ({"X-CSRFToken": ""}, body)):
        r = judge.put(url, json=sent, headers=headers)
        assert r.status_code == 400 and r.is_json and r.json["ok"] is False, headers
    assert _everything(app) == before


def test_a_form_post_may_carry_its_token_in_the_header(csrf_app):
    """As flask-wtf allows: a form without the field, the token in X-CSRFToken."""
    app, key = csrf_app
    admin = _admin(app)
    page = admin.get(f"/admin/c/{key}/").get_data(as_text=True)
    r = admin.post("/admin/logout", data={"other": "x"}, headers={"X-CSRFToken": _token(page)})
    assert r.status_code == 302
    assert admin.get("/admin/").status_code == 302  # logged out
