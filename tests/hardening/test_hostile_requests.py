"""No input is ever a server error: every rule of app.url_map, every method, hostile values.

For each database of SCORING_TEST_DATABASES, with the demo contest loaded, four clients
(anonymous, staff, admin, a judge) send to every rule and method:
- hostile values in each path variable (NUL and other control characters, bytes that are
  not UTF-8, integers beyond 32 and 64 bits, Unicode digits, very long texts, dot-dot),
  the other variables holding real keys and ids;
- hostile query strings (every parameter the views read at once);
- hostile form bodies (every field name the forms use, NUL and control characters,
  huge numbers, exponents, long texts), a hostile file upload, and hostile JSON bodies
  (deep nesting, 1E+999999999, NUL and lone surrogates in texts and names);
- hostile headers and cookies (Accept-Language, Cookie, X-CSRFToken with control bytes).
No answer may be 5xx and no exception may escape (TESTING propagates them).
"""
import io
import re
import uuid

import pytest

from scoring.extensions import db

# Already percent-encoded: inserted into the URL as they are.
SEGMENTS = ["%00", "a%00b", "%01", "%0A", "%ED%A0%80", "%FF", "-1", "2147483648",
            "9223372036854775808", "9" * 400, "%D9%A1%D9%A2", "1E%2B999999999", "x" * 3000,
            "..", "%25", "'%22%3C%3E", "2147483648.x"]
# "2147483648.x": a private link ("<id>.<secret>") naming an id beyond INTEGER.
# Raw values for query strings, forms and headers (encoded by the client).
VALUES = ["\x00", "a\x00b", "\x01", "\n", "\t", "\x85", "99999999999999999999999999999",
          "1E+999999999", "0E-999999", "x" * 5000, "'\"<>", ""]
QUERY_NAMES = ["next", "lang", "stage", "team", "judge", "kind", "v", "new_seed", "page",
               "competition", "actor", "action", "date_from", "date_to", "fmt"]
FORM_NAMES = [
    "key", "name", "reason", "note", "description", "weight", "seed", "override", "payload",
    "create_departments", "username", "password", "role", "group", "department", "judge",
    "team", "kind", "stage", "action", "start", "members-0-name", "members-0-department",
    "members-1-name", "criteria-0-id", "criteria-0-key", "criteria-0-name",
    "criteria-0-description", "criteria-0-max", "criteria-0-step", "criteria-0-remove",
    "pos-1", "c_substance", "c_delivery", "aggregation", "trim", "external_weight",
    "external_trim", "internal_weight", "internal_trim", "decimals", "tie_breaks", "awards",
    "variance_threshold", "calibration_reveal", "w-team", "w-action", "w-reason", "a-judge",
    "a-action", "a-reason",
]
JSON_BODIES = [
    b'{"scores": {"substance": 1E+999999999}, "idempotency_key": "%s"}',
    b'{"scores": {"substance": -1E+999999999}, "idempotency_key": "%s"}',
    b'{"scores": {"substance": 1E-999999999}, "idempotency_key": "%s"}',
    b'{"scores": {"substance": 0E-999999}, "idempotency_key": "%s"}',
    b'{"scores": {"substance": 1' + b"0" * 5000 + b'}, "idempotency_key": "%s"}',
    b'{"scores": {"substance": "1E+999999999"}, "idempotency_key": "%s"}',
    b'{"scores": {"substance": "\\u0000"}, "idempotency_key": "%s"}',
    b'{"scores": {"\\u0000": "1"}, "idempotency_key": "%s"}',
    b'{"scores": {"\\ud800": "1", "substance": "\\udc00"}, "idempotency_key": "%s"}',
    b'{"scores": {"substance": "1"}, "idempotency_key": "\\u0000%s"}',
    b'{"scores": {}, "idempotency_key": "%s", "base_version": 99999999999999999999999999}',
    b'{"scores": {}, "idempotency_key": "%s", "base_version": -9223372036854775809}',
    b'{"scores": ' + b"[" * 50_000 + b"]" * 50_000 + b', "idempotency_key": "%s"}',
    b'{"scores": ' + b'{"a":' * 3000 + b"1" + b"}" * 3000 + b', "idempotency_key": "%s"}',
    b'{"scores": {"substance": NaN}, "idempotency_key": "%s"}',
    b"\xff\xfe{}",
    b'"\\u0000"',
]
HEADERS = [
    {"HTTP_ACCEPT_LANGUAGE": "zh\x00"}, {"HTTP_ACCEPT_LANGUAGE": "\x01" * 100},
    {"HTTP_COOKIE": "session=\x00abc"}, {"HTTP_COOKIE": "remember_token=1|\x00"},
    {"HTTP_X_CSRFTOKEN": "\x00"}, {"HTTP_USER_AGENT": "\x1b[2J"},
    {"HTTP_ACCEPT": "application/json\x00"}, {"CONTENT_TYPE": "multipart/form-data; boundary=\x00"},
]
# On PostgreSQL and MariaDB the sweep sends the values whose fate depends on the database
# (NUL, bytes that are not UTF-8, integers beyond the columns, long texts, numbers beyond
# any column): the others (newlines, quotes, empty values, deep JSON...) are refused or
# passed by the app before any query, the same on every database, and SQLite's sweep
# sends them all. It halves the sweep's time on the two servers (the suite's longest part).
SERVER_SEGMENTS = ["%00", "a%00b", "%ED%A0%80", "%FF", "2147483648", "9223372036854775808",
                   "9" * 400, "%D9%A1%D9%A2", "x" * 3000, "2147483648.x"]
SERVER_VALUES = ["\x00", "a\x00b", "\x85", "99999999999999999999999999999", "1E+999999999",
                 "x" * 5000]
SERVER_JSON_BODIES = [b for b in JSON_BODIES if any(
    mark in b for mark in (b"999999999", b"\\u0000", b"\\ud800", b"NaN", b"0" * 5000))]
SERVER_HEADERS = [h for h in HEADERS if "HTTP_COOKIE" in h or "HTTP_ACCEPT_LANGUAGE" in h]
# Last in each phase: these end a session or change who may do what.
LAST = ("admin.logout", "admin.setup_archive", "admin.setup_user_deactivate",
        "admin.setup_user_role", "admin.setup_user_password")
_VAR = re.compile(r"<(?:([a-z]+)(?:\([^)]*\))?:)?([a-z_]+)>")


def _good_values(app, demo):
    """A real value for each path variable name of the app's rules."""
    from scoring.models import (
        Deduction,
        Department,
        Judge,
        Recusal,
        ScoreSheet,
        Stage,
        Team,
        User,
    )

    with app.app_context():
        def first(model):
            return db.session.scalar(db.select(model.id).order_by(model.id)) or 1

        user = db.session.scalar(db.select(User.id).where(User.username == "spare"))
        return {"key": demo, "stage_key": "presentation", "team_key": "T01",
                "judge_key": "X1", "kind": "ranking", "fmt": "csv", "code": "en",
                "direction": "up", "target": "open", "filename": "css/app.css",
                "link": "1.nothing", "team_id": first(Team), "judge_id": first(Judge),
                "stage_id": first(Stage), "dept_id": first(Department),
                "recusal_id": first(Recusal), "deduction_id": first(Deduction),
                "sheet_id": first(ScoreSheet), "user_id": user}


def _url(rule, values, hostile_name=None, hostile=None):
    """The rule's path with each variable filled, one of them with a hostile segment."""
    def fill(match):
        name = match.group(2)
        return hostile if name == hostile_name else str(values.get(name, "1"))

    return _VAR.sub(fill, rule.rule)


def _rules(app, who):
    """(rule, methods) this client can get past the login checks of, LAST ones last.

    Anonymous requests go everywhere; a judge's to the judge pages and the public ones;
    organizers' to all but the judge pages (a judge's session is refused there anyway).
    """
    def reach(rule):
        judge_page = rule.rule.startswith(("/judge", "/j/"))
        return {"anonymous": True, "judge": not rule.rule.startswith("/admin")}.get(
            who, not judge_page)

    rules = sorted((r for r in app.url_map.iter_rules() if reach(r)),
                   key=lambda r: (r.endpoint in LAST, r.rule))
    return [(r, sorted(r.methods - {"HEAD", "OPTIONS"})) for r in rules]


class Failures(list):
    """Every 5xx or exception, described; the test shows them all at once."""

    def send(self, client, who, method, url, **kw):
        try:
            response = client.open(url, method=method, **kw)
        except Exception as exc:  # TESTING propagates what the app did not handle
            self.append(f"{who} {method} {url[:120]!r}: {type(exc).__name__}: {exc}"[:400])
            return None
        if response.status_code >= 500:
            self.append(f"{who} {method} {url[:120]!r} {kw.get('data', '')!r:.80}: "
                        f"{response.status_code}")
        response.close()  # static files are streamed from an open file


@pytest.fixture
def clients(app, demo, login):
    from scoring.operations.users import upsert_user
    from tests.judging.util import judge_client

    with app.app_context():
        upsert_user("spare", "password-spare", role="staff")
        db.session.commit()
    staff, admin = app.test_client(), app.test_client()
    login("staff", c=staff)
    login("admin", c=admin)
    return {"anonymous": app.test_client(), "judge": judge_client(app, "X1"), "staff": staff,
            "admin": admin}


# One test per client; the admin's, the longest, is in test_hostile_admin.py so that
# another pytest-xdist worker (--dist loadfile) takes it.
@pytest.mark.parametrize("shard", ["anonymous", "judge", "staff"])
def test_no_request_is_a_server_error(app, demo, clients, shard):
    sweep(app, demo, {shard: clients[shard]})


def sweep(app, demo, clients):
    """Send every hostile request of the module docstring as each of `clients`."""
    values = _good_values(app, demo)
    failures = Failures()
    server = not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    segments, hostile_values = (SERVER_SEGMENTS, SERVER_VALUES) if server else (SEGMENTS,
                                                                               VALUES)
    json_bodies, headers = (SERVER_JSON_BODIES, SERVER_HEADERS) if server else (JSON_BODIES,
                                                                               HEADERS)
    # Path variables and query strings first: they change nothing.
    for who, client in clients.items():
        for rule, methods in _rules(app, who):
            names = [m.group(2) for m in _VAR.finditer(rule.rule)]
            for method in methods:
                for name in names:
                    for segment in segments:
                        failures.send(client, who, method, _url(rule, values, name, segment))
                if method == "GET":
                    for value in hostile_values:
                        failures.send(client, who, method, _url(rule, values),
                                      query_string={n: value for n in QUERY_NAMES})
    for who, client in clients.items():
        for environ in headers:
            for path in ("/", "/admin/", f"/admin/c/{demo}/live", "/judge/",
                         "/judge/api/state", f"/results/{demo}"):
                failures.send(client, who, "GET", path, environ_overrides=environ)
    # Bodies: forms, an upload and JSON, to every rule that takes one.
    for who, client in clients.items():
        for rule, methods in _rules(app, who):
            url = _url(rule, values)
            if who == "anonymous" and rule.rule.startswith("/admin/c/"):
                continue  # the login check turns every body away unread
            for method in methods:
                if method == "GET":
                    continue
                for value in hostile_values:
                    failures.send(client, who, method, url,
                                  data={n: value for n in FORM_NAMES})
                failures.send(client, who, method, url, content_type="multipart/form-data",
                              data={"file": (io.BytesIO(b"a,b\x00,c"), "t\x00.csv"),
                                    "name": "x\x00"})
                for raw in json_bodies:
                    body = raw.replace(b"%s", uuid.uuid4().hex.encode())
                    failures.send(client, who, method, url, data=body,
                                  content_type="application/json")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:40])


@pytest.mark.parametrize("raw, message", [
    # Exponent form is refused whatever its size, as a typed "1e9" is (docs/rules.md).
    (b'{"scores": {"a": 1E+999999999}}', "1E+999999999 is not a number"),
    (b'{"scores": {"a": -1E+999999999}}', "-1E+999999999 is not a number"),
    (b'{"scores": {"a": 0E-999999}}', "0E-999999 is not a number"),
    (b'{"scores": {"a": 1e1}}', "1e1 is not a number"),
    (b'{"base_version": 1.5e0}', "1.5e0 is not a number"),
    (b'{"scores": {"a": 1' + b"0" * 60 + b'.5}}', "too long or too large"),
    # Two equal keys at any depth: the body says two things, neither is picked.
    (b'{"scores": {"a": "31", "a": "10"}}', 'The key "a" appears twice'),
    (b'{"scores": {}, "scores": {"a": "10"}}', 'The key "scores" appears twice'),
    (b'{"x": [{"y": {"k": 1, "k": 1}}]}', 'The key "k" appears twice'),
    (b'{"s": {"\\u0000": 1, "\\u0000": 2}}', "(U+0000)"),
    (b'{"base_version": 1' + b"0" * 60 + b"}", "too long or too large"),
    (b'{"scores": {"a": NaN}}', "too long or too large"),
    (b'{"scores": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "not valid JSON"),
    (b'{"a":' * 25 + b"1" + b"}" * 25, "nests too deeply"),
    (b'{"scores": {"a": "\\u0000"}}', "(U+0000)"),
    (b'{"\\ud800": 1}', "(U+D800)"),
    (b'{"k": "a\\u001bb"}', "(U+001B)"),
    (b"[1, 2]", "not valid JSON"),
    (b"\xff{}", "not valid JSON"),
])
def test_json_bodies_are_refused_with_a_message(app, raw, message):
    from scoring.web.jsonbody import BodyRefused, parse_object

    with app.test_request_context("/?lang=en"):
        with pytest.raises(BodyRefused) as e:
            parse_object(raw)
    assert message in e.value.message


def test_json_bodies_keep_decimals_exact(app):
    from decimal import Decimal

    from scoring.web.jsonbody import parse_object

    with app.test_request_context():
        data = parse_object(b'{"scores": {"a": 27.5, "b": "9"}, "note": "line\\nline\\t."}')
    assert data["scores"]["a"] == Decimal("27.5") and data["note"] == "line\nline\t."


def test_ids_beyond_the_integer_columns_are_404(app, client, login, demo):
    login()
    for raw in ("2147483648", "9223372036854775808", "9" * 5000, "%D9%A1"):
        assert client.get(f"/admin/c/{demo}/judges/{raw}").status_code == 404
    with app.app_context():
        from scoring.models import Judge

        judge_id = db.session.scalar(db.select(Judge.id))
    assert client.get(f"/admin/c/{demo}/judges/{judge_id}").status_code == 200
