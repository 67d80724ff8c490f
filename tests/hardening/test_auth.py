"""Authentication: login throttling, judge link secrets, open redirects, upload limits."""
import base64
from datetime import timedelta

import pytest

from scoring.extensions import db
from scoring.models import Judge, LoginFailure
from tests.conftest import make_user


def _login(c, username, password, address="10.0.0.1", next_url=None):
    url = "/admin/login" + (f"?next={next_url}" if next_url else "")
    return c.post(url, data={"username": username, "password": password},
                  environ_base={"REMOTE_ADDR": address})


# ---- throttling (all databases: the counts are rows) ---------------------------------------

def test_username_locked_after_five_failures_even_with_right_password(app, client):
    make_user(app, "victim", "the-right-password")
    for _ in range(5):
        assert _login(client, "victim", "wrong").status_code == 200
    r = _login(client, "victim", "the-right-password")
    assert r.status_code == 429
    assert client.get("/admin/").status_code == 302  # not logged in
    # Another name from another address is not affected.
    make_user(app, "other", "other-password")
    assert _login(client, "other", "other-password", address="10.0.0.2").status_code == 302


def test_address_locked_after_twenty_failures_across_names(app, client):
    make_user(app, "real", "real-password")
    for i in range(20):
        _login(client, f"guess{i}", "x", address="10.9.9.9")
    assert _login(client, "real", "real-password", address="10.9.9.9").status_code == 429
    assert _login(client, "real", "real-password", address="10.9.9.8").status_code == 302


def test_lock_ends_after_the_window_and_success_clears(app, client):
    from scoring.operations import throttle

    make_user(app, "patient", "patient-password")
    for _ in range(5):
        _login(client, "patient", "wrong")
    assert _login(client, "patient", "patient-password").status_code == 429
    with app.app_context():
        for row in db.session.scalars(db.select(LoginFailure)):
            row.at = row.at - throttle.WINDOW - timedelta(seconds=1)
        db.session.commit()
    assert _login(client, "patient", "patient-password").status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(LoginFailure).where(
            LoginFailure.username == "patient")) == 0


# ---- judge links -----------------------------------------------------------------------------

def test_new_token_has_at_least_128_random_bits():
    from scoring.operations.tokens import new_token

    tokens = {new_token() for _ in range(2000)}
    assert len(tokens) == 2000
    for t in list(tokens)[:50]:
        raw = base64.urlsafe_b64decode(t + "=" * (-len(t) % 4))
        assert len(raw) >= 16, t
        assert t.replace("-", "").replace("_", "").isalnum()


def test_wrong_tokens_of_a_real_judge_fail_and_compare_in_constant_time(app, demo, monkeypatch):
    import hmac

    from scoring.web import security

    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    with app.app_context():
        judge, other = db.session.scalars(db.select(Judge).limit(2)).all()
        tok = judge.token
        wrong = [tok[:-1], tok + "x", tok[:-1] + ("A" if tok[-1] != "A" else "B"), other.token,
                 tok.upper() if tok.upper() != tok else tok.lower(), "", tok[:16]]
        for w in wrong:
            assert security.find_judge_by_link(f"{judge.id}.{w}") is None, w
        assert security.find_judge_by_link(f"{judge.id}.{tok}") == judge
        assert security.find_judge_by_link(f"{other.id}.{tok}") is None
        assert security.find_judge_by_link(f"x{judge.id}.{tok}") is None
        assert len(calls) >= len(wrong)
        jid = judge.id
    c = app.test_client()
    for w in wrong[:4]:
        assert c.get(f"/j/{jid}.{w}").status_code == 404
        assert c.get("/judge/").status_code == 403


# ---- open redirects --------------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example",
    "http:evil.example", "javascript:alert(1)", "%2F%2Fevil.example", "/%09/evil.example",
    " //evil.example", "https:/evil.example", "evil.example",
])
def test_no_open_redirect_after_login_or_language_switch(sqlite_app, target):
    from urllib.parse import quote

    make_user(sqlite_app, "redir", "redir-password")
    c = sqlite_app.test_client()
    r = _login(c, "redir", "redir-password", next_url=quote(target, safe=""))
    assert r.status_code == 302
    location = r.headers["Location"]
    assert _stays_here(location), (target, location)
    r = c.get(f"/lang/en?next={quote(target, safe='')}")
    assert _stays_here(r.headers["Location"]), (target, r.headers["Location"])


def _stays_here(location: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(location)
    clean = location.replace("\\", "/").replace("\t", "").strip()
    return (parts.netloc in ("", "scoring.test") and not clean.startswith("//")
            and parts.scheme in ("", "http", "https"))


def test_a_local_next_is_kept(sqlite_app):
    make_user(sqlite_app, "redir", "redir-password")
    c = sqlite_app.test_client()
    r = _login(c, "redir", "redir-password", next_url="/admin/users")
    assert r.headers["Location"].endswith("/admin/users")


# ---- sizes -----------------------------------------------------------------------------------

def test_oversized_upload_is_a_translated_413_page(app, client, login, demo):
    c = client
    limit = app.config["MAX_CONTENT_LENGTH"]
    login()
    r = c.post(f"/admin/c/{demo}/teams/import", data=b"a" * (limit + 1),
               content_type="multipart/form-data; boundary=zzz")
    assert r.status_code == 413
    page = r.get_data(as_text=True)
    assert "超过了 16 MB" in page  # Chinese first
    r = c.post(f"/admin/c/{demo}/teams/import", data=b"a" * (limit + 1),
               content_type="multipart/form-data; boundary=zzz",
               headers={"Accept-Language": "en"})
    assert r.status_code == 413


def test_oversized_judge_request_is_refused_as_json(app, demo):
    from tests.judging.util import judge_client

    c = judge_client(app, "X1")
    big = {"scores": {"substance": "1" * 70_000}, "idempotency_key": "k" * 20}
    r = c.post("/judge/api/sheet/presentation/T01/submit", json=big)
    assert r.status_code == 413
    assert r.json["ok"] is False
