"""Sessions end on the server: a cookie copied before an event is refused after it.

For each event (organizer logout, password reset by an admin or by `scoring create-admin`,
deactivation, demotion, a regenerated judge link, judge logout) a cookie is copied before,
the event happens, and the copy is replayed: refused (redirect to the login, 403, or a
JSON refusal for the judge API), while the sessions the event does not concern go on.
Then the lifetimes, "remember me" cookies and the cost of the judge's check. Every test
runs on each database in SCORING_TEST_DATABASES.
"""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import Judge, LoginSession, User, utcnow
from scoring.web import sessions as login_sessions
from tests.conftest import make_user
from tests.judging.util import judge_client, judge_link

HOST = "scoring.test"


def password(username):
    """The test password of username."""
    return "password-" + username


def organizer(app, username, role="admin", create=True):
    """A new client logged in as username (the account is created first if asked)."""
    if create:
        make_user(app, username, password(username), role)
    c = app.test_client()
    r = c.post("/admin/login", data={"username": username, "password": password(username)})
    assert r.status_code == 302, r.get_data(as_text=True)
    return c


def copy_of(app, c):
    """Another client holding a copy of c's session cookie (as a thief would)."""
    other = app.test_client()
    other.set_cookie("session", c.get_cookie("session", domain=HOST).value, domain=HOST)
    return other


def logged_in(c) -> bool:
    """Whether c's organizer session is accepted (else: redirect to the login page)."""
    r = c.get("/admin/")
    if r.status_code == 302:
        assert "/admin/login" in r.headers["Location"]
        return False
    assert r.status_code == 200, r.status_code
    return True


def judge_in(c) -> bool:
    """Whether c's judge session is accepted, on the page and on the JSON API."""
    page = c.get("/judge/").status_code
    api = c.get("/judge/api/state")
    assert page in (200, 403) and api.status_code in (200, 403)
    assert (page == 200) == (api.status_code == 200)
    if api.status_code == 403:
        assert api.is_json and api.json["ok"] is False
    return page == 200


def user_id(app, username):
    """The id of an account."""
    with app.app_context():
        return db.session.scalar(sa.select(User.id).filter_by(username=username))


def judge_id(app, key):
    """The id of a demo judge."""
    with app.app_context():
        return db.session.scalar(sa.select(Judge.id).filter_by(key=key))


# ---- organizers --------------------------------------------------------------------------

def test_organizer_logout_ends_that_session_only(app):
    first = organizer(app, "alice")
    second = organizer(app, "alice", create=False)  # the same account on another laptop
    stolen = copy_of(app, first)
    assert logged_in(stolen)
    assert first.post("/admin/logout").status_code == 302
    assert not logged_in(first)
    assert not logged_in(stolen)
    assert logged_in(second)


def test_password_reset_by_an_admin_ends_every_session_of_the_account(app):
    boss = organizer(app, "boss")
    bob1, bob2 = organizer(app, "bob", "staff"), organizer(app, "bob", create=False)
    stolen = copy_of(app, bob1)
    carol = organizer(app, "carol", "staff")
    r = boss.post(f"/admin/users/{user_id(app, 'bob')}/password",
                  data={"password": "a brand new secret"})
    assert r.status_code == 302
    assert not logged_in(stolen) and not logged_in(bob1) and not logged_in(bob2)
    assert logged_in(boss) and logged_in(carol)
    c = app.test_client()
    assert c.post("/admin/login", data={"username": "bob",
                                        "password": "a brand new secret"}).status_code == 302
    assert logged_in(c)


def test_an_admin_resetting_their_own_password_keeps_only_this_session(app):
    here = organizer(app, "boss")
    elsewhere = organizer(app, "boss", create=False)
    r = here.post(f"/admin/users/{user_id(app, 'boss')}/password",
                  data={"password": "my new long secret"})
    assert r.status_code == 302
    assert logged_in(here)
    assert not logged_in(elsewhere)


def test_create_admin_reset_ends_every_session_of_the_account(app):
    bob = organizer(app, "bob")
    stolen = copy_of(app, bob)
    other = organizer(app, "other")
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--username", "bob", "--password", "reset on the laptop"])
    assert result.exit_code == 0, result.output
    assert "sessions ended" in result.output
    assert not logged_in(bob) and not logged_in(stolen)
    assert logged_in(other)


def test_deactivation_ends_every_session_of_the_account(app):
    boss = organizer(app, "boss")
    bob = organizer(app, "bob", "staff")
    stolen = copy_of(app, bob)
    carol = organizer(app, "carol", "staff")
    assert boss.post(f"/admin/users/{user_id(app, 'bob')}/deactivate").status_code == 302
    assert not logged_in(bob) and not logged_in(stolen)
    assert logged_in(boss) and logged_in(carol)
    with app.app_context():
        ended = db.session.scalars(sa.select(LoginSession.end_reason)
                                   .filter_by(user_id=user_id(app, "bob"))).all()
    assert ended and set(ended) == {"deactivated"}


def test_demotion_to_staff_ends_the_admin_sessions_at_once(app):
    boss = organizer(app, "boss")
    deputy = organizer(app, "deputy")
    stolen = copy_of(app, deputy)
    assert stolen.get("/admin/users").status_code == 200  # admin rights before
    r = boss.post(f"/admin/users/{user_id(app, 'deputy')}/role", data={"role": "staff"})
    assert r.status_code == 302
    for c in (deputy, stolen):
        r = c.get("/admin/users")
        assert r.status_code == 302 and "/admin/login" in r.headers["Location"]
    assert boss.get("/admin/users").status_code == 200
    again = organizer(app, "deputy", create=False)
    assert again.get("/admin/users").status_code == 403  # staff now
    assert logged_in(again)


def test_a_remember_me_cookie_logs_nobody_in(app):
    from flask_login.utils import encode_cookie

    organizer(app, "alice")
    uid = user_id(app, "alice")
    with app.test_request_context():
        forged = encode_cookie(f"user:{uid}")  # signed with the app's own key
    c = app.test_client()
    c.set_cookie(app.config.get("REMEMBER_COOKIE_NAME", "remember_token"), forged, domain=HOST)
    assert not logged_in(c)


def test_an_unknown_session_secret_is_refused(app):
    c = organizer(app, "alice")
    with c.session_transaction() as s:
        s["sid"] = "not-a-session-this-server-started"
    assert not logged_in(c)


# ---- judges ------------------------------------------------------------------------------

def test_regenerated_link_ends_every_session_of_that_judge(app, demo):
    from scoring.operations.setup_judges import regenerate_link

    tablet, spare = judge_client(app, "X1"), judge_client(app, "X1")
    stolen = copy_of(app, tablet)
    other = judge_client(app, "X2")
    with app.app_context():
        regenerate_link(db.session.get(Judge, judge_id(app, "X1")), "card lost")
        db.session.commit()
        reasons = set(db.session.scalars(sa.select(LoginSession.end_reason).filter_by(
            judge_id=judge_id(app, "X1"))))
    assert reasons == {"link"}
    assert not judge_in(tablet) and not judge_in(spare) and not judge_in(stolen)
    assert judge_in(other)
    assert judge_in(judge_client(app, "X1"))  # the new link works


def test_judge_logout_ends_that_tablet_only_and_shows_how_to_log_in(app, demo):
    shared = judge_client(app, "N1")
    stolen = copy_of(app, shared)
    own = judge_client(app, "N1")  # the same judge's own tablet
    other = judge_client(app, "N2")
    r = shared.post("/judge/logout", follow_redirects=True)
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "二维码" in page and "已退出" in page  # logged out; scan the QR code again
    assert not judge_in(shared) and not judge_in(stolen)
    assert judge_in(own) and judge_in(other)
    # The API refuses the copied cookie as JSON, and writes nothing.
    r = stolen.post("/judge/api/sheet/presentation/T01/submit",
                    json={"scores": {"substance": "1"}, "idempotency_key": "k" * 20})
    assert r.status_code == 403 and r.json["ok"] is False


def test_judge_logout_needs_the_csrf_token(app, make_app, demo):
    strict = make_app("sqlite", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                      WTF_CSRF_ENABLED=True)
    c = judge_client(strict, "X3")
    assert c.post("/judge/logout").status_code == 400
    assert judge_in(c)
    page = c.get("/judge/").get_data(as_text=True)
    assert 'action="/judge/logout"' in page
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert c.post("/judge/logout", data={"csrf_token": token}).status_code == 302
    assert not judge_in(c)


def test_the_logout_button_is_on_every_judge_page(app, demo):
    c = judge_client(app, "X1")
    for url in ("/judge/", "/judge/s/presentation/T01"):
        page = c.get(url).get_data(as_text=True)
        form = page.split('action="/judge/logout"', 1)[1].split("</form>", 1)[0]
        assert 'name="csrf_token"' in form and 'type="submit"' in form, url
        assert page.count('action="/judge/logout"') == 1


def test_a_new_login_in_the_same_browser_ends_the_one_before(app, demo):
    tablet = judge_client(app, "X1")
    before = copy_of(app, tablet)
    assert tablet.get(judge_link(app, "X1")).status_code == 302  # the QR code scanned again
    assert judge_in(tablet) and not judge_in(before)
    before = copy_of(app, tablet)
    make_user(app, "alice", password("alice"))
    assert tablet.post("/admin/login", data={"username": "alice",
                                             "password": password("alice")}).status_code == 302
    assert logged_in(tablet) and not judge_in(before)


# ---- lifetimes ---------------------------------------------------------------------------

def _set(app, column, value):
    """Set column of every session row to value."""
    with app.app_context():
        db.session.execute(sa.update(LoginSession).values({column: value}))
        db.session.commit()


@pytest.mark.parametrize("kind", ["user", "judge"])
@pytest.mark.parametrize("which", ["idle", "absolute"])
def test_sessions_expire(app, demo, kind, which):
    idle, absolute = login_sessions.LIFETIMES[kind]
    limit = idle if which == "idle" else absolute
    column = "last_seen_at" if which == "idle" else "created_at"
    c = organizer(app, "alice") if kind == "user" else judge_client(app, "X1")
    check = logged_in if kind == "user" else judge_in
    _set(app, column, utcnow() - limit + timedelta(minutes=1))
    assert check(c)  # just inside the lifetime
    _set(app, column, utcnow() - limit - timedelta(minutes=1))
    assert not check(c)


def test_the_day_of_a_judge_fits_in_the_judge_lifetimes():
    idle, absolute = login_sessions.LIFETIMES["judge"]
    assert absolute >= timedelta(hours=16)  # 7:00 to 23:00
    assert idle >= timedelta(hours=3)  # a lunch break with the tablet asleep


def test_use_is_noted_now_and_then(app, demo):
    c = judge_client(app, "X1")

    def seen():
        with app.app_context():
            return db.session.scalar(sa.select(LoginSession.last_seen_at))

    recent = utcnow().replace(microsecond=0) - timedelta(minutes=2)
    _set(app, "last_seen_at", recent)
    assert judge_in(c)
    assert seen() == recent  # not written on every request (a judge polls every 2 s)
    _set(app, "last_seen_at", utcnow() - timedelta(minutes=30))
    assert judge_in(c)
    assert utcnow() - seen() < timedelta(minutes=1)


def test_the_judge_check_is_folded_into_the_judge_query(app, demo):
    """The judge, the competition and the session row: one statement per request."""
    c = judge_client(app, "X1")
    version = c.get("/judge/api/state").json["version"]
    statements = []

    def note(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        r = c.get(f"/judge/api/state?v={version}")
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    assert r.json == {"changed": False, "version": version}
    # One for who is asking (judge + competition + session), one for the live version.
    assert len(statements) == 2, statements
    assert "login_session" in statements[0] and "competition" in statements[0]
    # Plain columns: the poll builds no Judge object (a page asks for it when it needs it).
    assert "judge.name" not in statements[0]


def test_judge_link_still_opens_after_logout(app, demo):
    c = judge_client(app, "X2")
    c.post("/judge/logout")
    assert not judge_in(c)
    assert c.get(judge_link(app, "X2")).status_code == 302
    assert judge_in(c)


def _session_cookies(response) -> list:
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]


def test_the_judge_cookie_is_signed_at_login_not_on_every_request(app, demo):
    """A judge's cookie carries its 18 hours from the login; polls and sheets send none.

    Its lifetime is the server-side session's absolute lifetime, so signing it again on
    every poll would lengthen nothing: the server refuses it after 18 hours either way.
    """
    c = app.test_client()
    r = c.get(judge_link(app, "X1"))
    assert r.status_code == 302
    login_cookie = _session_cookies(r)
    assert login_cookie and "Expires=" in login_cookie[0]  # a permanent, day-long cookie
    # The first page keeps its CSRF token in the session: that change is sent once.
    assert _session_cookies(c.get("/judge/"))
    version = c.get("/judge/api/state").json["version"]
    for path in (f"/judge/api/state?v={version}", "/judge/api/state", "/judge/"):
        response = c.get(path)
        assert response.status_code == 200
        assert _session_cookies(response) == [], path
    # A change to the session (the language) is signed and sent at once.
    r = c.get("/lang/en?next=/judge/")
    assert r.status_code == 302 and _session_cookies(r)
    assert judge_in(c)
    _, absolute = login_sessions.LIFETIMES["judge"]
    assert app.permanent_session_lifetime >= absolute


def test_a_page_after_the_api_sees_the_same_judge(app, demo):
    """The API's plain check and a page's Judge object agree within one request and after."""
    c = judge_client(app, "X1")
    state = c.get("/judge/api/state")
    assert state.status_code == 200 and state.json["changed"] is True
    page = c.get("/judge/")
    assert page.status_code == 200
    with app.app_context():
        name = db.session.scalar(sa.select(Judge.name).filter_by(key="X1"))
    assert name in page.get_data(as_text=True)
