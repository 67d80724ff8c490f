"""Every setup endpoint, route by route: anonymous, judge, staff and admin."""
import pytest

from scoring.extensions import db
from scoring.models import Competition, Department, Judge, Recusal, Stage, Team, User

# Viewing pages staff may open (harmless); every other setup endpoint is admin only.
STAFF_MAY_VIEW = {"admin.setup_overview", "admin.setup_stages", "admin.setup_teams",
                  "admin.setup_team_template"}
PUBLIC = {"public.draw"}


def _objects(app, key):
    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key=key))
        judge = db.session.scalar(db.select(Judge).filter_by(key="N1"))
        team = db.session.scalar(db.select(Team).filter_by(key="T01"))
        recusal = Recusal(judge=judge, team=team, reason="测试")
        db.session.add(recusal)
        db.session.commit()
        return {
            "key": key, "stage_id": db.session.scalar(db.select(Stage.id).filter_by(
                key="reflection")),
            "team_id": team.id, "judge_id": judge.id,
            "dept_id": db.session.scalar(db.select(Department.id).filter_by(
                competition_id=comp.id).limit(1)),
            "recusal_id": recusal.id,
            "user_id": db.session.scalar(db.select(User.id).limit(1)),
            "direction": "up", "target": "closed",
            "stage_key": "reflection",  # the section 12 setup routes (admin/setup/rooms.py)
        }, f"/j/{judge.id}.{judge.token}"


def _setup_rules(app):
    """(endpoint, method, url) of every setup route, built from the app's url_map."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.setup_") or rule.endpoint in PUBLIC:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                out.append((rule, method))
    return out


def _url(app, rule, values):
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})


def test_every_setup_route_is_protected(app, demo, login):
    values, judge_link = _objects(app, demo)
    routes = _setup_rules(app)
    assert len(routes) >= 35  # the enumeration found the setup area
    anonymous = app.test_client()
    judge = app.test_client()
    assert judge.get(judge_link).status_code == 302
    staff = app.test_client()
    login("staff", c=staff)
    for rule, method in routes:
        url = _url(app, rule, values)
        where = f"{method} {url} ({rule.endpoint})"

        def call(c, url=url, method=method):
            return c.open(url, method=method, data={})

        if rule.endpoint in PUBLIC:
            assert call(anonymous).status_code == 200, where
            continue
        response = call(anonymous)
        assert response.status_code == 302, where
        assert "/admin/login" in response.headers["Location"], where
        assert call(judge).status_code == 403, where
        status = call(staff).status_code
        if method == "GET" and rule.endpoint in STAFF_MAY_VIEW:
            assert status == 200, where
        else:
            assert status == 403, where
    # Nothing changed on the way.
    with app.app_context():
        assert db.session.get(Recusal, values["recusal_id"]) is not None
        assert db.session.scalar(db.select(Stage.state).filter_by(key="reflection")) == "draft"


def test_admin_reaches_every_setup_page(app, demo, login, client):
    values, _link = _objects(app, demo)
    login("admin")
    for rule, method in _setup_rules(app):
        if method != "GET":
            continue
        url = _url(app, rule, values)
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("kind", ["sqlite"])
def test_csrf_is_enforced_on_setup_forms(make_app, kind):
    """With CSRF on (as in production), a setup POST without the token changes nothing."""
    from tests.conftest import make_user

    app = make_app(kind, WTF_CSRF_ENABLED=True)
    make_user(app, "boss", "password-boss", "admin")
    client = app.test_client()
    import re

    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/admin/login", data={"username": "boss", "password": "password-boss",
                                              "csrf_token": token}).status_code == 302
    response = client.post("/admin/competitions/new", data={"key": "x", "name": "x",
                                                              "start": "empty"})
    assert response.status_code == 400
    page = client.get("/admin/competitions/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/admin/competitions/new", data={
        "key": "x", "name": "x", "start": "empty", "csrf_token": token})
    assert response.status_code == 302
