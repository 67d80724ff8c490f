"""Authentication: login throttling, judge link secrets, open redirects, upload limits."""
import base64
from datetime import timedelta

import pytest

from scoring.extensions import db
from scoring.models import Judge, LoginSlot
from tests.conftest import make_user


def _login(c, username, password, address="10.0.0.1", next_url=None):
    url = "/admin/login" + (f"?next={next_url}" if next_url else "")
    return c.post(url, data={"username": username, "password": password},
                  environ_base={"REMOTE_ADDR": address})


# ---- throttling (all databases: the slots are rows) -----------------------------------------
# Policy (scoring/operations/throttle.py, docs/security.md, section 4): 5 failures per name and
# address, 20 per address, 10 per name from all addresses but the laptop's own, in any
# 15 minutes; the laptop (loopback) is never stopped by failures from elsewhere.

def test_name_locked_on_an_address_after_five_failures_even_with_right_password(app, client):
    make_user(app, "victim", "the-right-password")
    for _ in range(5):
        assert _login(client, "victim", "wrong").status_code == 200
    r = _login(client, "victim", "the-right-password")
    assert r.status_code == 429
    assert "15" in r.get_data(as_text=True)  # wait 15 minutes
    assert client.get("/admin/").status_code == 302  # not logged in
    # The same name from another address, another name from this one: not affected.
    assert _login(app.test_client(), "victim", "the-right-password",
                  address="10.0.0.2").status_code == 302
    make_user(app, "other", "other-password")
    assert _login(app.test_client(), "other", "other-password").status_code == 302


def test_address_locked_after_twenty_failures_across_names(app, client):
    make_user(app, "real", "real-password")
    for i in range(20):
        assert _login(client, f"guess{i}", "x", address="10.9.9.9").status_code == 200
    assert _login(client, "real", "real-password", address="10.9.9.9").status_code == 429
    assert _login(client, "real", "real-password", address="10.9.9.8").status_code == 302


def test_a_name_gets_ten_guesses_from_the_whole_network_but_the_laptop_stays_open(app):
    make_user(app, "organizer", "organizer-password")
    c = app.test_client()
    for i in range(10):  # a new address for every guess: the per-address limits never bite
        assert _login(c, "organizer", "guess", address=f"10.2.0.{i + 1}").status_code == 200
    r = _login(c, "organizer", "organizer-password", address="10.2.0.99")
    assert r.status_code == 429
    for address in ("127.0.0.1", "::1", "127.0.1.1"):
        laptop = app.test_client()
        assert _login(laptop, "organizer", "organizer-password",
                      address=address).status_code == 302, address
        assert laptop.get("/admin/").status_code == 200


def test_ipv6_addresses_count_per_64(app):
    make_user(app, "victim", "the-right-password")
    c = app.test_client()
    for i in range(5):
        assert _login(c, "victim", "x", address=f"2001:db8:1:2::{i + 1:x}").status_code == 200
    assert _login(c, "victim", "the-right-password",
                  address="2001:db8:1:2:ffff::9").status_code == 429
    assert _login(c, "victim", "the-right-password",
                  address="2001:db8:1:3::1").status_code == 302


def test_slots_free_after_the_window_and_a_success_clears_the_pair(app, client):
    from scoring.operations import throttle

    make_user(app, "patient", "patient-password")
    for _ in range(5):
        _login(client, "patient", "wrong")
    assert _login(client, "patient", "patient-password").status_code == 429
    with app.app_context():
        for row in db.session.scalars(db.select(LoginSlot)):
            row.at = row.at - throttle.WINDOW - timedelta(seconds=1)
        db.session.commit()
    assert _login(client, "patient", "patient-password").status_code == 302
    with app.app_context():
        keys = set(db.session.scalars(db.select(LoginSlot.key)))
    assert not any("patient" in k for k in keys), keys


def test_create_admin_lets_a_locked_out_organizer_in_again(app):
    make_user(app, "boss", "forgotten-password")
    c = app.test_client()
    for _ in range(5):
        _login(c, "boss", "wrong guess", address="127.0.0.1")
    assert _login(c, "boss", "forgotten-password", address="127.0.0.1").status_code == 429
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--username", "boss", "--password", "remembered-at-last"])
    assert result.exit_code == 0, result.output
    assert _login(c, "boss", "remembered-at-last", address="127.0.0.1").status_code == 302


def test_an_unknown_name_costs_a_password_hash_too(app, monkeypatch):
    from scoring.operations import users

    hashed = []
    real = users.check_password_hash
    monkeypatch.setattr(users, "check_password_hash",
                        lambda h, p: hashed.append(p) or real(h, p))
    assert _login(app.test_client(), "nobody-here", "guess").status_code == 200
    assert hashed == ["guess"]


# ---- throttling under parallel attempts, two server processes -------------------------------

def _storm(app, make_app, monkeypatch, attempts):
    """Run attempts [(username, password, address)] at once, from two app instances.

    Two create_app on the same database stand for two server processes. Returns the
    status codes in order and how many password hashes were checked, per password.
    """
    import threading
    from collections import Counter
    from concurrent.futures import ThreadPoolExecutor

    from scoring.operations import users

    second = make_app("sqlite", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    checked, lock = Counter(), threading.Lock()
    real = users.check_password_hash

    def counting(hashed, password):
        with lock:
            checked[password] += 1
        return real(hashed, password)

    monkeypatch.setattr(users, "check_password_hash", counting)
    start = threading.Barrier(len(attempts))

    def one(i):
        username, password, address = attempts[i]
        c = (app, second)[i % 2].test_client()
        start.wait()
        return _login(c, username, password, address=address).status_code

    with ThreadPoolExecutor(len(attempts)) as pool:
        codes = list(pool.map(one, range(len(attempts))))
    return codes, checked


def test_fifty_parallel_guesses_from_one_address_get_five_checks(app, make_app, monkeypatch):
    make_user(app, "victim", "the-right-password")
    codes, checked = _storm(app, make_app, monkeypatch,
                            [("victim", f"guess{i}", "10.3.0.1") for i in range(50)])
    assert sum(checked.values()) == 5, checked
    assert codes.count(200) == 5 and codes.count(429) == 45, codes


def test_fifty_parallel_guesses_from_fifty_addresses_get_ten_checks(app, make_app, monkeypatch):
    make_user(app, "victim", "the-right-password")
    make_user(app, "organizer", "organizer-password")
    attack = [("victim", f"guess{i}", f"10.4.0.{i + 1}") for i in range(50)]
    # Meanwhile the organizer logs in at the laptop, a few times (attempts in flight hold
    # a slot: more than 5 at the same instant would meet their own limit).
    laptop = [("organizer", "organizer-password", "127.0.0.1")] * 4
    codes, checked = _storm(app, make_app, monkeypatch, attack + laptop)
    guesses = sum(n for p, n in checked.items() if p.startswith("guess"))
    assert guesses == 10, checked
    assert codes[:50].count(429) == 40
    assert codes[50:] == [302] * 4


def test_fifty_parallel_right_passwords_on_a_locked_pair_get_nothing(app, make_app,
                                                                       monkeypatch):
    make_user(app, "victim", "the-right-password")
    c = app.test_client()
    for _ in range(5):
        _login(c, "victim", "wrong", address="10.5.0.1")
    codes, checked = _storm(app, make_app, monkeypatch,
                            [("victim", "the-right-password", "10.5.0.1")] * 50)
    assert codes == [429] * 50 and not checked


def test_the_laptop_logs_in_while_the_network_hammers_every_name(app, make_app, monkeypatch):
    make_user(app, "organizer", "organizer-password")
    attack = [("organizer", f"guess{i}", f"10.6.{i // 5}.{i % 5 + 1}") for i in range(60)]
    _storm(app, make_app, monkeypatch, attack)
    for address in ("127.0.0.1", "::1"):
        assert _login(app.test_client(), "organizer", "organizer-password",
                      address=address).status_code == 302
    assert _login(app.test_client(), "organizer", "organizer-password",
                  address="10.6.9.9").status_code == 429


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


def test_passwords_are_hashed_with_scrypt_by_default(make_app):
    """The suite hashes cheaply (conftest); the product's own setting stays scrypt, for
    accounts and for the stand-in hash an unknown name is checked against."""
    from scoring.config import DEFAULTS
    from scoring.models import User
    from scoring.operations.users import _no_such_hash, check_login

    assert DEFAULTS["PASSWORD_HASH_METHOD"] == "scrypt"
    app = make_app("sqlite", PASSWORD_HASH_METHOD=DEFAULTS["PASSWORD_HASH_METHOD"])
    make_user(app, "strong", "a long passphrase", "admin")
    with app.app_context():
        stored = db.session.scalar(db.select(User.password_hash).filter_by(username="strong"))
        assert stored.startswith("scrypt:")
        assert check_login("strong", "a long passphrase") is not None
        assert check_login("nobody", "a long passphrase") is None
    assert _no_such_hash("scrypt").startswith("scrypt:")
